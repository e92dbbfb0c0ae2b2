"""One dossier's life, as rows: the dossier, its route, events, pauses, supplement requests,
payment and rating, shaped as the services would have written them (DOMAIN §2–§3).

The life is played from intake onwards with the real due-time engine; it stops at `now`, so a
dossier received last week may still be at a step, waiting for a supplement or for signature.
Rows are plain dicts keyed by column (attname); motcua.loadgen.writers stores them.
"""

import random
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from motcua.catalog.models import Channel
from motcua.dossiers.models import (
    Outcome,
    PauseKind,
    ReturnMethod,
    StepStatus,
    SupplementMode,
    Timeliness,
)
from motcua.dossiers.statuses import DossierStatus as S
from motcua.loadgen.world import FAMILY, GIVEN, MIDDLE, Lane, World
from motcua.organizations.models import Role
from motcua.payments.models import PaymentMethod, PaymentStatus
from motcua.ratings.models import RatingChannel, SatisfactionLevel
from motcua.workdays.engine import (
    DAYS,
    DEFAULT_OFFICE_DAY,
    HOURS,
    OFFICE_TZ,
    add_working_minutes,
    clock_start,
    due_at_after,
    working_minutes_between,
)

# Shares of dossiers (DOMAIN §2): what may happen on the way. ~98 % finish on time.
REFUSED_AT_INTAKE = 0.015
SUPPLEMENT = 0.07  # a supplement request while processing (15 % of them a second one)
UNANSWERED = 0.07  # of supplement requests: never answered, the dossier is stopped
WITHDRAWN = 0.01
REFUSED = 0.015  # processed, and the answer is a refusal
PAYMENT_WAIT = 0.03  # a financial obligation (tax) pauses the clock
APOLOGY = 0.015  # late at the main step, with an apology and a new appointment
LATE = 0.02  # finished after the appointment
RATED = 0.3  # of returned dossiers
FEEDBACK_DAYS = 5

SUPPLEMENT_ITEMS = (
    "Bản sao giấy tờ tùy thân còn hiệu lực",
    "Tờ khai theo mẫu có chữ ký của người yêu cầu",
    "Giấy ủy quyền có chứng thực",
    "Sơ đồ thửa đất, bản vẽ hiện trạng",
)
ADDRESSES = ("Thôn Tân Yên", "Thôn Làng Bát", "Tổ dân phố 3", "Thôn Bình Ca", "Thôn Đồng Chùa")


class _Stop(Exception):
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
    """Numbers already given: of the day per desk (the code), of the year per desk (receipts)."""

    daily: dict[tuple[int, date], int]
    receipts: dict[tuple[int, int], int]
    used_daily: set = field(default_factory=set)
    used_receipts: set = field(default_factory=set)

    def code(self, desk, day: date) -> str:
        key = (desk.pk, day)
        value = self.daily.get(key, 0) + 1
        self.daily[key] = value
        self.used_daily.add(key)
        return f"{desk.code}-{day:%y%m%d}-{value:04d}"

    def receipt(self, desk_id: int, year: int) -> str:
        key = (desk_id, year)
        value = self.receipts.get(key, 0) + 1
        self.receipts[key] = value
        self.used_receipts.add(key)
        return f"BL-{year}-{value:06d}"


def _local_date(instant: datetime) -> date:
    return instant.astimezone(OFFICE_TZ).date()


def timeliness(finished: datetime, due: datetime | None) -> str:
    if due is None:
        return ""
    a, b = _local_date(finished), _local_date(due)
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


class Life:
    """Plays one dossier. `ids` hands out primary keys (see writers.IdPool)."""

    def __init__(self, *, world: World, rng: random.Random, ids, counters: Counters, now: datetime):
        self.world, self.rng, self.ids, self.counters, self.now = world, rng, ids, counters, now
        self.batch = Batch()

    # -- helpers ---------------------------------------------------------------------------

    def _event(self, at, action, to_status, *, agency_id, role=Role.RECEPTION, **values):
        if at > self.now:
            raise _Stop
        actor_id, actor_name = self.world.actor(agency_id, role) if role else (None, "Hệ thống")
        row = {
            "dossier_id": self.d["id"],
            "action": action,
            "from_status": self.d["status"],
            "to_status": to_status,
            "at": at,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "agency_id": agency_id,
            "step_id": None,
            "to_step_id": None,
            "timeliness": "",
            "note": "",
            "public_note": "",
            "data": {},
        }
        row.update(values)
        self.batch.events.append(row)
        self.d["status"] = to_status
        self.d["updated_at"] = at

    def _after(self, start, amount, unit=DAYS):
        return due_at_after(start, amount, unit, self.cal, cutoff=None)

    def _status(self, active: list[dict]) -> str:
        steps = self.steps
        final = steps[-1] if len(steps) > 1 and steps[-1]["role"] == Role.RECEPTION else None
        if not active or (final is not None and final in active):
            return S.RESULT_READY
        if any(s["is_partner"] for s in active):
            return S.AWAITING_PARTNER
        if any(s["role"] == Role.LEADER for s in active):
            return S.AWAITING_SIGNATURE
        if active == [steps[0]] and steps[0]["role"] == Role.RECEPTION:
            return S.RECEIVED
        return S.PROCESSING

    def _close_route(self, at):
        for step in self.steps:
            if step["status"] == StepStatus.ACTIVE:
                step.update(status=StepStatus.SKIPPED, finished_at=at)
            elif step["status"] == StepStatus.PENDING:
                step["status"] = StepStatus.SKIPPED
        self.d["finished_at"] = at

    # -- the life --------------------------------------------------------------------------

    def play(self, day: date) -> None:
        rng, world = self.rng, self.world
        lane: Lane = world.lane(rng, day)
        self.lane = lane
        self.cal = cal = world.calendars[lane.desk.pk]
        while not cal.is_working_day(day):
            day += timedelta(days=1)
        received = receipt_time(rng, cal, day)
        channel = self._channel(lane)
        submitted = None
        if channel == Channel.ONLINE:
            submitted = received - timedelta(minutes=rng.randint(10, 18 * 60))
        self.waiting = received > self.now  # an online dossier the desk has not checked yet
        if received > self.now:
            received = self.now - timedelta(minutes=rng.randint(1, 30))
            if submitted is not None:
                submitted = min(submitted, received - timedelta(minutes=5))
        code_at = submitted or received
        self.d = d = self._dossier(lane, channel, code_at, submitted)
        self.batch.dossiers.append(d)
        self.steps = []
        with suppress(_Stop):
            self._live(lane, channel, received, submitted)
        self.batch.steps.extend(self.steps)

    def _channel(self, lane: Lane) -> str:
        r = self.rng.random()
        if Channel.ONLINE in lane.channels and r < self.world.online_share[lane.procedure.pk]:
            return Channel.ONLINE
        if Channel.POSTAL in lane.channels and self.rng.random() < 0.08:
            return Channel.POSTAL
        return Channel.DIRECT if Channel.DIRECT in lane.channels else lane.channels[0]

    def _dossier(self, lane: Lane, channel: str, code_at: datetime, submitted) -> dict:
        rng = self.rng
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        day = _local_date(code_at)
        return {
            "id": self.ids.dossier(),
            "code": "",  # numbered per batch in arrival order (services._number)
            "procedure_id": lane.procedure.pk,
            "procedure_name": lane.procedure.name,
            "receiving_agency_id": lane.desk.pk,
            "competent_agency_id": lane.competent.pk,
            "channel": channel,
            "status": S.SUBMITTED if submitted else "",
            "outcome": "",
            "rule_version_id": self.world.rule_on(day).pk,
            "applicant_name": name,
            "applicant_id_number": f"0{rng.randrange(10**10, 10**11)}",
            "applicant_address": f"{rng.choice(ADDRESSES)}, {lane.competent.name.removeprefix('UBND ')}",
            "applicant_phone": f"09{rng.randrange(10**7, 10**8)}",
            "return_method": ReturnMethod.ELECTRONIC
            if channel == Channel.ONLINE and rng.random() < 0.3
            else ReturnMethod.AT_DESK,
            "submitted_at": submitted,
            "is_digitized": channel == Channel.ONLINE or rng.random() < 0.8,
            "supplement_count": 0,
            "created_at": code_at,
            "updated_at": code_at,
        }

    def _live(self, lane: Lane, channel: str, received: datetime, submitted) -> None:
        rng, d, desk_id = self.rng, self.d, lane.desk.pk
        if submitted is not None:
            d["status"] = ""
            self._event(submitted, "submit", S.SUBMITTED, agency_id=desk_id, role=None,
                        actor_name=d["applicant_name"])  # fmt: skip
            if self.waiting:
                raise _Stop
        if rng.random() < REFUSED_AT_INTAKE:
            reason = "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan."
            self._event(
                received, "refuse_intake", S.NOT_ACCEPTED, agency_id=desk_id, public_note=reason
            )
            d.update(finished_at=received, status_reason=reason)
            return
        if received > self.now:
            raise _Stop
        rule = self.world.rule_on(_local_date(received))
        cutoff = lane.cutoff if lane.procedure.cutoff is not None else rule.cutoff
        if cutoff is None:
            cutoff = lane.cutoff
        amount, unit = lane.times[channel]
        due = due_at_after(received, amount, unit, self.cal, cutoff=cutoff)
        start = clock_start(received, self.cal, cutoff=cutoff)
        d.update(
            received_at=received, rule_version_id=rule.pk, clock_started_at=start,
            processing_amount=amount, processing_unit=unit, due_at=due, original_due_at=due,
        )  # fmt: skip
        self.steps = steps = self._route(lane, channel, start)
        first = steps[0]
        first.update(status=StepStatus.ACTIVE, started_at=received)
        self._event(
            received, "receive", S.RECEIVED, agency_id=desk_id, to_step_id=first["id"],
            data={"due_at": due.isoformat(), "clock_started_at": start.isoformat()},
        )  # fmt: skip
        if lane.fee:
            self._pay(received + timedelta(minutes=rng.randint(1, 4)), lane, channel)
        self._walk(rule)

    def _route(self, lane: Lane, channel: str, start: datetime) -> list[dict]:
        rows = []
        cursor = start
        plans = lane.routes[channel]
        for index, plan in enumerate(plans):
            row = {
                "id": self.ids.step(), "dossier_id": self.d["id"], "order": index + 1,
                "name": plan.name, "agency_id": plan.agency_id, "role": plan.role,
                "is_partner": plan.is_partner, "parallel_group": plan.parallel_group,
                "counts_toward_deadline": plan.counts_toward_deadline, "amount": plan.amount,
                "time_unit": plan.time_unit, "status": StepStatus.PENDING, "assignee_id": None,
                "started_at": None, "due_at": None, "finished_at": None, "timeliness": "",
            }  # fmt: skip
            rows.append(row)
        first = rows[0]
        first["due_at"] = (
            self._after(cursor, plans[0].amount, plans[0].time_unit) if plans[0].amount else cursor
        )
        return rows

    def _groups(self) -> list[list[dict]]:
        groups: list[list[dict]] = []
        for step in self.steps:
            group = step["parallel_group"]
            if groups and group is not None and groups[-1][0]["parallel_group"] == group:
                groups[-1].append(step)
            else:
                groups.append([step])
        return groups

    def _activate(self, group: list[dict], at: datetime) -> None:
        final = self.steps[-1] if self.steps[-1]["role"] == Role.RECEPTION else None
        for step in group:
            due = self._after(at, step["amount"], step["time_unit"]) if step["amount"] else at
            if step is final and self.d["due_at"] > due:
                due = self.d["due_at"]
            step.update(status=StepStatus.ACTIVE, started_at=at, due_at=due)
            actor = self.world.officers.get((step["agency_id"], step["role"]))
            step["assignee_id"] = actor[0] if actor and step["role"] == Role.SPECIALIST else None

    def _duration(self, step: dict, start: datetime) -> datetime:
        if step["amount"]:
            share = self.rng.uniform(0.25, 0.9)
            return self._after(start, float(step["amount"]) * share, step["time_unit"])
        return self._after(start, self.rng.randint(5, 45) / 60, HOURS)

    def _walk(self, rule) -> None:
        rng, d, steps = self.rng, self.d, self.steps
        groups = self._groups()
        final = steps[-1] if len(steps) > 1 and steps[-1]["role"] == Role.RECEPTION else None
        work = next((g for g in groups if g[0]["role"] != Role.RECEPTION), groups[0])
        decision = groups[-2] if final is not None and len(groups) > 1 else groups[-1]
        fate = rng.random()
        at = d["received_at"]
        for index, group in enumerate(groups):
            if index:
                self._activate(group, at)
            if final is not None and group[0] is final:
                self._return(final, at)
                return
            ends = []
            for step in group:
                end = self._duration(step, step["started_at"])
                if group is work and step is group[0]:
                    end = self._at_work(step, end, fate, rule)
                ends.append((end, step))
            ends.sort(key=lambda pair: pair[0])
            for position, (end, step) in enumerate(ends):
                last = position == len(ends) - 1
                nxt = groups[index + 1] if last and index + 1 < len(groups) else None
                step_state = timeliness(end, step["due_at"])
                action = "partner_result" if step["is_partner"] else "forward"
                values = {}
                if group is decision and last:
                    refused = REFUSED < fate < 2 * REFUSED
                    action = "refuse" if refused else "approve"
                    if refused:
                        values["public_note"] = "Hồ sơ không đủ điều kiện theo quy định."
                if step["status"] != StepStatus.ACTIVE:
                    return  # the route was closed (withdrawn, stopped)
                remaining = [s for s in group if s is not step and s["status"] == StepStatus.ACTIVE]
                status = self._status(remaining) if remaining else None
                if status is None:
                    status = self._status(nxt) if nxt else S.RESULT_READY
                self._event(
                    end, action, status, agency_id=step["agency_id"], role=step["role"],
                    step_id=step["id"], to_step_id=nxt[0]["id"] if nxt else None,
                    timeliness=step_state, **values,
                )  # fmt: skip
                step.update(status=StepStatus.DONE, finished_at=end, timeliness=step_state)
                if action in ("approve", "refuse") or status == S.RESULT_READY:
                    d.update(finished_at=end, outcome=Outcome.REFUSED if action == "refuse"
                             else Outcome.APPROVED)  # fmt: skip
            at = ends[-1][0]
        if final is None and d["status"] == S.RESULT_READY:
            back = self._after(at, self.rng.uniform(0.1, 2))
            self._event(back, "return_result", S.RETURNED, agency_id=self.lane.desk.pk,
                        data={"method": d["return_method"]})  # fmt: skip
            d.update(returned_at=back, returned_to=d["applicant_name"])

    def _at_work(self, step: dict, end: datetime, fate: float, rule) -> datetime:
        """The main step: where supplements, tax waits, withdrawals, apologies and lateness
        happen."""
        rng, d, desk_id = self.rng, self.d, self.lane.desk.pk
        start = step["started_at"]
        if fate < SUPPLEMENT:
            for _round in range(2 if rng.random() < 0.15 else 1):
                asked = self._after(start, rng.randint(20, 180) / 60, HOURS)
                answered = self._supplement(
                    step, asked, rule, unanswered=fate < SUPPLEMENT * UNANSWERED
                )
                start = answered
            end = self._duration(step, start)
        elif fate < SUPPLEMENT + WITHDRAWN:
            at = self._after(start, rng.uniform(0.1, 0.8) * max(float(step["amount"]), 0.2))
            self._event(at, "withdraw", S.WITHDRAWN, agency_id=desk_id,
                        public_note="Công dân có đơn xin rút hồ sơ.")  # fmt: skip
            self._close_route(at)
            d["status_reason"] = "Công dân có đơn xin rút hồ sơ."
            return end
        elif fate < SUPPLEMENT + WITHDRAWN + PAYMENT_WAIT and d["status"] == S.PROCESSING:
            paused = self._after(start, rng.uniform(0.1, 0.6) * max(float(step["amount"]), 0.5))
            self._event(paused, "pause_payment", S.AWAITING_PAYMENT, agency_id=step["agency_id"],
                        role=step["role"], public_note="Chờ thực hiện nghĩa vụ tài chính (thuế).")  # fmt: skip
            pause = {"dossier_id": d["id"], "kind": PauseKind.PAYMENT, "started_at": paused,
                     "ended_at": None}  # fmt: skip
            self.batch.pauses.append(pause)
            resumed = self._after(paused, rng.uniform(0.5, 5))
            self._resume(pause, resumed, step, "resume_payment", S.PROCESSING, move=True)
            end = max(end, self._after(resumed, 0.3))
        elif fate < 0.2 and fate >= 0.2 - APOLOGY and d["due_at"] > self._after(start, 2):
            apology = self._after(start, 0.5)
            old_due = d["due_at"]
            new_due = self._after(old_due, rng.randint(2, 5))
            reason = "Cần xác minh thêm thông tin, xin lỗi công dân và hẹn lại ngày trả kết quả."
            self._event(apology, "apologize", d["status"], agency_id=step["agency_id"],
                        role=step["role"], public_note=reason,
                        data={"previous_due_at": old_due.isoformat(),
                              "due_at": new_due.isoformat()})  # fmt: skip
            d.update(extended_at=apology, extension_reason=reason, due_at=new_due,
                     original_due_at=old_due)  # fmt: skip
            end = self._after(old_due, rng.uniform(0.2, 1.5))
        elif fate > 1 - LATE:
            end = self._after(d["due_at"], rng.uniform(0.5, 3))
        return end

    def _supplement(self, step: dict, asked: datetime, rule, *, unanswered: bool) -> datetime:
        rng, d, desk_id = self.rng, self.d, self.lane.desk.pk
        items = rng.sample(SUPPLEMENT_ITEMS, rng.randint(1, 2))
        reason = "Hồ sơ còn thiếu giấy tờ theo quy định."
        deadline = self._after(asked, rule.supplement_timeout_days)
        request = {"id": self.ids.supplement(), "dossier_id": d["id"], "items": items,
                   "reason": reason, "requested_at": asked, "requested_by_id": None,
                   "deadline_at": deadline, "answered_at": None}  # fmt: skip
        before = d["status"]
        self._event(asked, "request_supplement", S.SUPPLEMENT_REQUESTED,
                    agency_id=step["agency_id"], role=step["role"], step_id=step["id"],
                    public_note=reason, data={"items": items, "supplement_request": request["id"],
                                              "deadline_at": deadline.isoformat()})  # fmt: skip
        request["requested_by_id"] = self.batch.events[-1]["actor_id"]
        self.batch.supplements.append(request)
        d["supplement_count"] += 1
        d["status_reason"] = reason
        pause = {"dossier_id": d["id"], "kind": PauseKind.SUPPLEMENT, "started_at": asked,
                 "ended_at": None}  # fmt: skip
        self.batch.pauses.append(pause)
        if unanswered:
            self._event(deadline, "stop", S.STOPPED, agency_id=desk_id, role=None,
                        public_note="Quá hạn bổ sung hồ sơ mà công dân không bổ sung.")  # fmt: skip
            pause["ended_at"] = deadline
            self._close_route(deadline)
            raise _Stop
        answered = self._after(asked, rng.uniform(0.5, 8))
        restart = rule.supplement_mode == SupplementMode.RESTART
        self._resume(pause, answered, step, "supplement", before, move=not restart)
        request["answered_at"] = answered
        d["status_reason"] = ""
        if restart:
            cutoff = self.lane.cutoff if self.lane.procedure.cutoff is not None else rule.cutoff
            if cutoff is None:
                cutoff = self.lane.cutoff
            amount, unit = d["processing_amount"], d["processing_unit"]
            d["clock_started_at"] = clock_start(answered, self.cal, cutoff=cutoff)
            d["due_at"] = d["original_due_at"] = due_at_after(
                answered, amount, unit, self.cal, cutoff=cutoff
            )
            if step["amount"]:
                step["due_at"] = self._after(answered, step["amount"], step["time_unit"])
        return answered

    def _resume(self, pause: dict, at: datetime, step: dict, action: str, status: str, *, move):
        old_due = self.d["due_at"]
        self._event(at, action, status, agency_id=step["agency_id"], role=step["role"],
                    data={"previous_due_at": old_due.isoformat()})  # fmt: skip
        pause["ended_at"] = at
        if move:
            minutes = working_minutes_between(pause["started_at"], at, self.cal)
            if minutes > 0:
                self.d["due_at"] = add_working_minutes(old_due, minutes, self.cal)
                if step["due_at"] is not None:
                    step["due_at"] = add_working_minutes(step["due_at"], minutes, self.cal)
        self.batch.events[-1]["data"]["due_at"] = self.d["due_at"].isoformat()

    def _return(self, final: dict, at: datetime) -> None:
        d = self.d
        back = self._after(at, self.rng.uniform(0.05, 2))
        method = d["return_method"]
        state = timeliness(back, final["due_at"])
        self._event(back, "return_result", S.RETURNED, agency_id=final["agency_id"],
                    step_id=final["id"], timeliness=state,
                    data={"method": method, "returned_to": d["applicant_name"]})  # fmt: skip
        final.update(status=StepStatus.DONE, finished_at=back, timeliness=state)
        d.update(returned_at=back, returned_to=d["applicant_name"])
        if self.rng.random() < RATED:
            self._rate(back + timedelta(minutes=self.rng.randint(5, 3000)))

    def _pay(self, at: datetime, lane: Lane, channel: str) -> None:
        d = self.d
        method = PaymentMethod.ONLINE if channel == Channel.ONLINE else PaymentMethod.CASH
        number = self.counters.receipt(lane.desk.pk, _local_date(at).year)
        amount = f"{lane.fee:,}".replace(",", ".")
        self._event(at, "payment", d["status"], agency_id=lane.desk.pk,
                    note=f"Thu {amount} đồng, biên lai số {number}.",
                    public_note=f"Đã nộp phí, lệ phí: {amount} đồng.",
                    data={"amount": lane.fee, "method": method, "receipt_number": number})  # fmt: skip
        self.batch.payments.append({
            "dossier_id": d["id"], "amount": lane.fee, "method": method,
            "status": PaymentStatus.PAID, "receipt_number": number,
            "reference": f"LG{d['id']}" if method == PaymentMethod.ONLINE else "",
            "recorded_by_id": self.batch.events[-1]["actor_id"],
            "created_at": at, "paid_at": at,
        })  # fmt: skip

    def _rate(self, at: datetime) -> None:
        rng, d = self.rng, self.d
        r = rng.random()
        level = (
            SatisfactionLevel.VERY_SATISFIED if r < 0.7
            else SatisfactionLevel.SATISFIED if r < 0.97
            else SatisfactionLevel.NOT_SATISFIED
        )  # fmt: skip
        channel = RatingChannel.ONLINE if d["channel"] == Channel.ONLINE else RatingChannel.COUNTER
        reason = "Phải đi lại nhiều lần." if level == SatisfactionLevel.NOT_SATISFIED else ""
        self._event(at, "rate", d["status"], agency_id=d["receiving_agency_id"], role=None,
                    actor_name=d["applicant_name"], note=reason, data={"level": level, "channel": channel})  # fmt: skip
        rating = {"id": self.ids.rating(), "dossier_id": d["id"], "level": level,
                  "criteria": {}, "comment": "", "reason": reason, "channel": channel,
                  "agency_id": d["receiving_agency_id"], "created_at": at}  # fmt: skip
        self.batch.ratings.append(rating)
        if level == SatisfactionLevel.NOT_SATISFIED:
            due = self._after(at, FEEDBACK_DAYS)
            answered = self._after(at, rng.uniform(0.5, FEEDBACK_DAYS))
            done = answered <= self.now
            actor_id, _name = self.world.actor(d["receiving_agency_id"], Role.RECEPTION)
            self.batch.feedbacks.append({
                "rating_id": rating["id"], "agency_id": d["receiving_agency_id"],
                "status": "answered" if done else "open", "created_at": at, "due_at": due,
                "answer": "Bộ phận một cửa xin tiếp thu và rút kinh nghiệm." if done else "",
                "answered_by_id": actor_id if done else None,
                "answered_at": answered if done else None,
            })  # fmt: skip
