"""The default rule table (README, "Grading"): 实心 = covered, and an organisation's health score ≥ 70;
闪光 = an organisation scoring ≥ 85 with ≥ 1 distinction."""

from django.db import migrations

ROWS = [
    ("enterprise", "solid", "covered", 70, 0, "已覆盖；有党组织的，其健康分≥70（正常运转）；仅工作覆盖的计为实心"),
    ("enterprise", "shining", "organised", 85, 1, "组织覆盖，党组织健康分≥85，且有 1 项以上亮点"),
    ("organisation", "solid", "organised", 70, 0, "党组织健康分≥70（正常运转）"),
    ("organisation", "shining", "organised", 85, 1, "党组织健康分≥85，且有 1 项以上亮点（本组织或所覆盖企业）"),
]


def seed(apps, schema_editor):
    GradeRule = apps.get_model("grading", "GradeRule")
    for subject, grade, coverage, score, distinctions, note in ROWS:
        GradeRule.objects.get_or_create(
            subject=subject,
            grade=grade,
            defaults={"coverage": coverage, "min_score": score, "min_distinctions": distinctions, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("grading", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
