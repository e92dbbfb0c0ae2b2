"""The one-stop rules in force since 2018 and since 1 July 2025 (DOMAIN §0, §2, §3).

online_intake_hours and supplement_timeout_days are policy defaults, editable in the admin.
"""

from datetime import date, time

from django.db import migrations

RULE_VERSIONS = [
    {
        "code": "nd61-2018",
        "name": "Nghị định 61/2018/NĐ-CP",
        "effective_from": date(2018, 6, 21),
        "cutoff": None,
        "supplement_mode": "pause",
        "online_intake_hours": 8,
        "supplement_timeout_days": 15,
        "forms": "tt01_2018",
        "legal_reference": (
            "Nghị định 61/2018/NĐ-CP ngày 23/4/2018 về thực hiện cơ chế một cửa, một cửa liên "
            "thông trong giải quyết thủ tục hành chính; Thông tư 01/2018/TT-VPCP."
        ),
    },
    {
        "code": "nd118-2025",
        "name": "Nghị định 118/2025/NĐ-CP",
        "effective_from": date(2025, 7, 1),
        "cutoff": time(15, 0),
        "supplement_mode": "restart",
        "online_intake_hours": 8,
        "supplement_timeout_days": 15,
        "forms": "tt03_2025",
        "legal_reference": (
            "Nghị định 118/2025/NĐ-CP ngày 09/6/2025 về thực hiện thủ tục hành chính theo cơ chế "
            "một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia; "
            "Thông tư 03/2025/TT-VPCP."
        ),
    },
]


def add_rule_versions(apps, schema_editor):
    RuleVersion = apps.get_model("dossiers", "RuleVersion")
    for values in RULE_VERSIONS:
        RuleVersion.objects.get_or_create(code=values["code"], defaults=values)


def remove_rule_versions(apps, schema_editor):
    RuleVersion = apps.get_model("dossiers", "RuleVersion")
    Dossier = apps.get_model("dossiers", "Dossier")
    codes = [values["code"] for values in RULE_VERSIONS]
    used = set(Dossier.objects.values_list("rule_version__code", flat=True).distinct())
    RuleVersion.objects.filter(code__in=codes).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(add_rule_versions, remove_rule_versions)]
