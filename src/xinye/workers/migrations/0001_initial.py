"""The worker identity moves from `portal` to `workers` (issue 12, redesign item 4): in Django's state only.

The tables keep their names (`portal_worker`, `portal_privacynotice`, `portal_consent`, set as `db_table`),
so no row is copied and no table renamed: this migration creates the three models in the state with no
database operation; the foreign keys of appeals, hazards, stations and volunteers are repointed in their
own state-only migrations, and portal 0006 then removes the old models from the state.

The content types of the three models are relabelled from `portal` to `workers` (same rows, same ids), so the
change log's history of a worker, a consent or a notice stays attached to it."""

import django.db.models.deletion
import xinye.core.fields
from django.db import migrations, models

MOVED = ("worker", "consent", "privacynotice")


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="workers", model=model).exists():
            ContentType.objects.using(db).filter(app_label="portal", model=model).update(app_label="workers")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="portal", model=model).exists():
            ContentType.objects.using(db).filter(app_label="workers", model=model).update(app_label="portal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0005_drop_submission"),
        ("ledger", "0002_formationcase_formationstep"),
        ("orgs", "0002_responsibility_label"),
        ("stations", "0002_photo_validator"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PrivacyNotice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("general", "个人信息保护政策"),
                                    ("sensitive", "敏感个人信息处理规则"),
                                ],
                                max_length=16,
                                verbose_name="类型",
                            ),
                        ),
                        ("version", models.CharField(max_length=16, verbose_name="版本")),
                        ("title", models.CharField(max_length=64, verbose_name="标题")),
                        ("text", models.TextField(verbose_name="正文")),
                        ("published_at", models.DateTimeField(verbose_name="发布时间")),
                    ],
                    options={
                        "verbose_name": "隐私告知",
                        "verbose_name_plural": "隐私告知",
                        "db_table": "portal_privacynotice",
                        "ordering": ["kind", "-published_at"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "version"), name="notice_kind_version")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Worker",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "phone",
                            xinye.core.fields.EncryptedTextField(
                                blank=True, default="", mask="phone", verbose_name="手机号"
                            ),
                        ),
                        ("phone_hash", models.CharField(editable=False, max_length=40, unique=True)),
                        ("name", models.CharField(blank=True, max_length=32, verbose_name="姓名")),
                        (
                            "occupation",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("rider", "外卖骑手"),
                                    ("courier", "快递员"),
                                    ("truck_driver", "货车司机"),
                                    ("ride_driver", "网约车司机"),
                                    ("streamer", "主播/网红"),
                                    ("warehouse", "仓储/分拣"),
                                    ("dispatcher", "站长/调度"),
                                    ("office", "管理/技术/客服"),
                                    ("other", "其他"),
                                ],
                                max_length=16,
                                verbose_name="职业",
                            ),
                        ),
                        (
                            "enterprise_name",
                            models.CharField(blank=True, max_length=128, verbose_name="所在企业/平台"),
                        ),
                        (
                            "id_number",
                            xinye.core.fields.EncryptedTextField(
                                blank=True, default="", mask="id_number", verbose_name="公民身份号码"
                            ),
                        ),
                        (
                            "id_hash",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=40),
                        ),
                        (
                            "registered_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="备案时间"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="注册时间")),
                        (
                            "last_seen_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="最近访问"),
                        ),
                        (
                            "practitioner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="ledger.practitioner",
                                verbose_name="对应从业人员",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="orgs.region",
                                verbose_name="所在旗县区",
                            ),
                        ),
                        (
                            "station",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="registered_workers",
                                to="stations.station",
                                verbose_name="备案服务站",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="orgs.orgunit",
                                verbose_name="备案社区",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "从业人员用户",
                        "verbose_name_plural": "从业人员用户",
                        "db_table": "portal_worker",
                    },
                ),
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("general", "个人信息保护政策"),
                                    ("sensitive", "敏感个人信息处理规则"),
                                ],
                                max_length=16,
                                verbose_name="类型",
                            ),
                        ),
                        ("given_at", models.DateTimeField(auto_now_add=True, verbose_name="同意时间")),
                        (
                            "withdrawn_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="撤回时间"),
                        ),
                        ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP")),
                        (
                            "notice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="workers.privacynotice",
                                verbose_name="告知版本",
                            ),
                        ),
                        (
                            "worker",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="consents",
                                to="workers.worker",
                                verbose_name="从业人员",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "同意记录",
                        "verbose_name_plural": "同意记录",
                        "db_table": "portal_consent",
                        "ordering": ["-given_at"],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
