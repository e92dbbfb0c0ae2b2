"""The civil servants' official schedules for 2025 and 2026, nationwide.

Every installation gets them from `migrate`. Every weekday that is off and every make-up Saturday
is listed (weekend days need no row). Later years are entered by officers in the admin.
"""

import uuid
from datetime import date

from django.db import migrations

HOLIDAY = "holiday"
DAY_OFF = "day_off"
MAKEUP_WORKDAY = "makeup_workday"

REF_2025 = "Văn bản số 8726/VPCP-KGVX ngày 26/11/2024"
REF_2026_NEW_YEAR = "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025"
REF_2026_BNV = "Thông báo của Bộ Nội vụ về lịch nghỉ Tết Âm lịch và Quốc khánh năm 2026"
REF_LABOR_CODE = "Bộ luật Lao động 2019, Điều 112"
REF_LABOR_CODE_COMPENSATION = "Bộ luật Lao động 2019, Điều 112 và khoản 3 Điều 111"

ENTRIES = [
    # 2025
    (date(2025, 1, 1), HOLIDAY, "Tết Dương lịch", REF_2025),
    (date(2025, 1, 27), HOLIDAY, "Tết Nguyên đán Ất Tỵ", REF_2025),
    (date(2025, 1, 28), HOLIDAY, "Tết Nguyên đán Ất Tỵ", REF_2025),
    (date(2025, 1, 29), HOLIDAY, "Tết Nguyên đán Ất Tỵ", REF_2025),
    (date(2025, 1, 30), HOLIDAY, "Tết Nguyên đán Ất Tỵ", REF_2025),
    (date(2025, 1, 31), HOLIDAY, "Tết Nguyên đán Ất Tỵ", REF_2025),
    (date(2025, 4, 7), HOLIDAY, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", REF_2025),
    (date(2025, 4, 26), MAKEUP_WORKDAY, "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025", REF_2025),
    (date(2025, 4, 30), HOLIDAY, "Ngày Chiến thắng 30/4", REF_2025),
    (date(2025, 5, 1), HOLIDAY, "Ngày Quốc tế Lao động 1/5", REF_2025),
    (date(2025, 5, 2), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", REF_2025),
    (date(2025, 9, 1), HOLIDAY, "Quốc khánh (ngày liền kề)", REF_2025),
    (date(2025, 9, 2), HOLIDAY, "Quốc khánh 2/9", REF_2025),
    # 2026
    (date(2026, 1, 1), HOLIDAY, "Tết Dương lịch", REF_2026_NEW_YEAR),
    (date(2026, 1, 2), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", REF_2026_NEW_YEAR),
    (date(2026, 1, 10), MAKEUP_WORKDAY, "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026", REF_2026_NEW_YEAR),
    (date(2026, 2, 16), HOLIDAY, "Tết Nguyên đán Bính Ngọ", REF_2026_BNV),
    (date(2026, 2, 17), HOLIDAY, "Tết Nguyên đán Bính Ngọ", REF_2026_BNV),
    (date(2026, 2, 18), HOLIDAY, "Tết Nguyên đán Bính Ngọ", REF_2026_BNV),
    (date(2026, 2, 19), HOLIDAY, "Tết Nguyên đán Bính Ngọ", REF_2026_BNV),
    (date(2026, 2, 20), HOLIDAY, "Tết Nguyên đán Bính Ngọ", REF_2026_BNV),
    (
        date(2026, 4, 27),
        DAY_OFF,
        "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật 26/4/2026)",
        REF_LABOR_CODE_COMPENSATION,
    ),
    (date(2026, 4, 30), HOLIDAY, "Ngày Chiến thắng 30/4", REF_LABOR_CODE),
    (date(2026, 5, 1), HOLIDAY, "Ngày Quốc tế Lao động 1/5", REF_LABOR_CODE),
    (date(2026, 8, 22), MAKEUP_WORKDAY, "Làm bù cho ngày nghỉ thứ Hai 31/8/2026", REF_2026_BNV),
    (date(2026, 8, 31), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", REF_2026_BNV),
    (date(2026, 9, 1), HOLIDAY, "Quốc khánh (ngày liền kề)", REF_2026_BNV),
    (date(2026, 9, 2), HOLIDAY, "Quốc khánh 2/9", REF_2026_BNV),
]


def add_schedules(apps, schema_editor):
    CalendarEntry = apps.get_model("workdays", "CalendarEntry")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    for day, kind, name, reference in ENTRIES:
        exists = CalendarEntry.objects.filter(date=day, kind=kind, agencies__isnull=True).exists()
        if not exists:
            CalendarEntry.objects.create(date=day, kind=kind, name=name, legal_reference=reference)
    revision, created = CalendarRevision.objects.get_or_create(pk=1)
    if not created:
        revision.value += 1
        revision.token = uuid.uuid4()
        revision.save(update_fields=["value", "token"])


def remove_schedules(apps, schema_editor):
    CalendarEntry = apps.get_model("workdays", "CalendarEntry")
    for day, kind, name, reference in ENTRIES:
        CalendarEntry.objects.filter(
            date=day, kind=kind, name=name, legal_reference=reference, agencies__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_schedules, remove_schedules),
    ]
