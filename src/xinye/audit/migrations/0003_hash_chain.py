"""The change log's hash chains (issue 18 item 3): chain position and hash on every row, a head per chain,
and the rows already written chained in the order they were written (one chain per day, shard 0)."""

import django.utils.timezone
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from xinye.audit import chain

    ChangeLog = apps.get_model("audit", "ChangeLog")
    ChainHead = apps.get_model("audit", "ChainHead")
    heads = {}
    batch = []
    for row in ChangeLog.objects.order_by("time", "id").iterator(chunk_size=2000):
        day = chain.day_of(row.time)
        head = heads.setdefault(day, chain.Head(day, 0, 0, chain.GENESIS))
        row.chain_day, row.chain_shard = day, 0
        row.seq, row.hash = head.append(chain.text_of(row))
        batch.append(row)
        if len(batch) >= 2000:
            ChangeLog.objects.bulk_update(batch, ["chain_day", "chain_shard", "seq", "hash"])
            batch = []
    if batch:
        ChangeLog.objects.bulk_update(batch, ["chain_day", "chain_shard", "seq", "hash"])
    ChainHead.objects.bulk_create(
        [ChainHead(day=h.day, shard=h.shard, seq=h.seq, hash=h.hash) for h in heads.values()]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_fewer_changelog_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="链日期")),
                ("shard", models.PositiveSmallIntegerField(verbose_name="链分片")),
                ("seq", models.BigIntegerField(default=0, verbose_name="最后序号")),
                ("hash", models.CharField(max_length=64, verbose_name="最后哈希")),
            ],
            options={
                "verbose_name": "日志链头",
                "verbose_name_plural": "日志链头",
                "constraints": [models.UniqueConstraint(fields=("day", "shard"), name="audit_chainhead_day_shard")],
            },
        ),
        migrations.AlterField(
            model_name="changelog",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "新增"),
                    ("update", "修改"),
                    ("delete", "删除"),
                    ("login", "登录"),
                    ("logout", "退出"),
                    ("login_failed", "登录失败"),
                    ("lockout", "锁定"),
                    ("view_sensitive", "查看敏感信息"),
                    ("export", "导出"),
                    ("import", "导入"),
                    ("token", "令牌"),
                    ("purge", "清除过期日志"),
                ],
                max_length=16,
                verbose_name="操作",
            ),
        ),
        migrations.AlterField(
            model_name="changelog",
            name="time",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="changelog",
            name="chain_day",
            field=models.DateField(null=True, verbose_name="链日期"),
        ),
        migrations.AddField(
            model_name="changelog",
            name="chain_shard",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="链分片"),
        ),
        migrations.AddField(
            model_name="changelog",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="changelog",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="哈希"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="changelog",
            name="chain_day",
            field=models.DateField(verbose_name="链日期"),
        ),
        migrations.AlterField(
            model_name="changelog",
            name="seq",
            field=models.BigIntegerField(verbose_name="链序号"),
        ),
        migrations.AddConstraint(
            model_name="changelog",
            constraint=models.UniqueConstraint(fields=("chain_day", "chain_shard", "seq"), name="audit_changelog_chain_seq"),
        ),
    ]
