"""`Agent` moves from guidance to orgs, beside the responsibility matrix that points at it (issue 12, item 4).

State only: the table stays `guidance_agent` and no row moves. This migration adds `orgs.Agent` to the
state (after the last guidance migration that shaped the model) and points `Responsibility.agent` at it;
guidance 0004 then points visits and assessments at it and drops `guidance.Agent` from the state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import xinye.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_responsibility_label"),
        ("guidance", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Agent",
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
                                choices=[("instructor", "党建指导员"), ("liaison", "驻企联络员")],
                                db_index=True,
                                max_length=16,
                                verbose_name="类别",
                            ),
                        ),
                        ("name", models.CharField(max_length=32, verbose_name="姓名")),
                        (
                            "phone",
                            xinye.core.fields.EncryptedTextField(
                                blank=True, default="", mask="phone", verbose_name="手机号"
                            ),
                        ),
                        (
                            "phone_hash",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=40),
                        ),
                        (
                            "industry",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("internet", "互联网"),
                                    ("delivery", "外卖骑手"),
                                    ("express", "快递"),
                                    ("freight", "大货车（网约车）"),
                                    ("logistics", "物流"),
                                ],
                                max_length=16,
                                verbose_name="行业",
                            ),
                        ),
                        ("latitude", models.FloatField(blank=True, null=True, verbose_name="纬度（WGS-84）")),
                        (
                            "longitude",
                            models.FloatField(blank=True, null=True, verbose_name="经度（WGS-84）"),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="在岗")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="agents",
                                to="orgs.region",
                                verbose_name="负责区域",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="agents",
                                to="orgs.orgunit",
                                verbose_name="派出单位",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="agent",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="登录账号",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "指导员/联络员",
                        "verbose_name_plural": "指导员与联络员",
                        "db_table": "guidance_agent",
                        "ordering": ["kind", "name"],
                    },
                ),
                migrations.AlterField(
                    model_name="responsibility",
                    name="agent",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responsibilities",
                        to="orgs.agent",
                        verbose_name="责任人（指导员/联络员）",
                    ),
                ),
            ],
        ),
    ]
