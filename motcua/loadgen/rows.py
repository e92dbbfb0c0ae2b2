"""The pieces of generated history: the shares of what happens to dossiers, the rows of a
batch, the numbers given (codes of the day), and the small time helpers."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from motcua.dossiers.models import (
    Timeliness,
)
from motcua.workdays.engine import (
    DEFAULT_OFFICE_DAY,
    OFFICE_TZ,
)

# Shares of dossiers (DOMAIN §2): what may happen on the way. ~98 % finish on time.
REFUSED_AT_INTAKE = 0.015
SUPPLEMENT = 0.07  # a supplement request while processing (15 % of them a second one)
UNANSWERED = 0.07  # of supplement requests: never answered, the dossier is stopped
WITHDRAWN = 0.01
REFUSED = 0.015  # processed, and the answer is a refusal
PAYMENT_WAIT = 0.03  # a financial obligation (tax) pauses the clock
APOLOGY = 0.015  # late at the main step, with an apology and a new appointment
LATE = 0.02  # made late at the main step (same-day procedures add a few): ~98 % on time
RATED = 0.3  # of returned dossiers
FEEDBACK_DAYS = 5

SUPPLEMENT_ITEMS = (
    "Bản sao giấy tờ tùy thân còn hiệu lực",
    "Tờ khai theo mẫu có chữ ký của người yêu cầu",
    "Giấy ủy quyền có chứng thực",
    "Sơ đồ thửa đất, bản vẽ hiện trạng",
)
ADDRESSES = ("Thôn Tân Yên", "Thôn Làng Bát", "Tổ dân phố 3", "Thôn Bình Ca", "Thôn Đồng Chùa")


class Stop(Exception):
    """The next happening is after `now`: the dossier stays as it is."""


@dataclass
class Batch:
    dossiers: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    pauses: list[dict] = field(default_factory=list)
    supplements: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    feedbacks: list[dict] = field(default_factory=list)

    def rows(self) -> int:
        return sum(len(rows) for rows in vars(self).values())


@dataclass
class Counters:
    """Numbers of the day per desk already given (the code). Receipt numbers are given when a
    batch is written (writers.receipts_number), from the database's own counter."""

    daily: dict[tuple[int, date], int]
    used_daily: set = field(default_factory=set)

    def code(self, desk, day: date) -> str:
        key = (desk.pk, day)
        value = self.daily.get(key, 0) + 1
        self.daily[key] = value
        self.used_daily.add(key)
        return f"{desk.code}-{day:%y%m%d}-{value:04d}"

    def taken(self) -> list:
        """(desk, day, last) used since the last call."""
        daily = [(*key, self.daily[key]) for key in sorted(self.used_daily)]
        self.used_daily.clear()
        return daily


def local_date(instant: datetime) -> date:
    return instant.astimezone(OFFICE_TZ).date()


def timeliness(finished: datetime, due: datetime | None) -> str:
    if due is None:
        return ""
    a, b = local_date(finished), local_date(due)
    return Timeliness.EARLY if a < b else Timeliness.ON_TIME if a == b else Timeliness.LATE


def receipt_time(rng: random.Random, calendar, day: date) -> datetime:
    """A moment of office time on `day` (uniform over its sessions)."""
    office = calendar.office_day(day) or DEFAULT_OFFICE_DAY
    morning = (office.morning_close.hour - office.morning_open.hour) * 60 + (
        office.morning_close.minute - office.morning_open.minute
    )
    afternoon = (office.afternoon_close.hour - office.afternoon_open.hour) * 60 + (
        office.afternoon_close.minute - office.afternoon_open.minute
    )
    minute = rng.random() * (morning + afternoon)
    opening = office.morning_open if minute < morning else office.afternoon_open
    offset = minute if minute < morning else minute - morning
    local = datetime(day.year, day.month, day.day, opening.hour, opening.minute, tzinfo=OFFICE_TZ)
    return (local + timedelta(minutes=offset)).replace(microsecond=0).astimezone(UTC)
