"""One dossier's life, as rows: the dossier, its route, events, pauses, supplement requests,
payment and rating, shaped as the services would have written them (DOMAIN §2–§3).

The life is played from intake onwards with the real due-time engine; it stops at `now`, so a
dossier received last week may still be at a step, waiting for a supplement or for signature.
Rows are plain dicts keyed by column (attname); motcua.loadgen.writers stores them.
"""

import random
from contextlib import suppress
from datetime import date, datetime, timedelta

from motcua.catalog.models import Channel
from motcua.dossiers.models import (
    Outcome,
    PauseKind,
    ReturnMethod,
    StepStatus,
)
from motcua.dossiers.statuses import DossierStatus as S
from motcua.loadgen.holds import Holds
from motcua.loadgen.rows import (
    ADDRESSES,
    RATED,
    REFUSED,
    REFUSED_AT_INTAKE,
    Batch,
    Stop,
    local_date,
    receipt_time,
    timeliness,
)
from motcua.loadgen.world import FAMILY, GIVEN, MIDDLE, Lane, World
from motcua.organizations.models import Role
from motcua.workdays.engine import (
    DAYS,
    HOURS,
    add_working_minutes,
    clock_start,
    due_at_after,
    working_minutes_between,
)


class Life(Holds):
    """Plays one dossier. `ids` hands out primary keys (see writers.IdPool)."""

    def __init__(self, *, world: World, rng: random.Random, ids, now: datetime):
        self.world, self.rng, self.ids, self.now = world, rng, ids, now
        self.batch = Batch()

    # -- helpers ---------------------------------------------------------------------------

    def _event(self, at, action, to_status, *, agency_id, role=Role.RECEPTION, **values):
        if at > self.now:
            raise Stop
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
        with suppress(Stop):
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
        day = local_date(code_at)
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
                raise Stop
        if rng.random() < REFUSED_AT_INTAKE:
            reason = "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan."
            self._event(
                received, "refuse_intake", S.NOT_ACCEPTED, agency_id=desk_id, public_note=reason
            )
            d.update(finished_at=received, status_reason=reason)
            return
        if received > self.now:
            raise Stop
        rule = self.world.rule_on(local_date(received))
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
            if not step["counts_toward_deadline"]:
                # Time at a step outside the statutory time (the tax authority) stops the clock.
                pause = {"dossier_id": self.d["id"], "kind": PauseKind.PAYMENT,
                         "started_at": at, "ended_at": None}  # fmt: skip
                self.batch.pauses.append(pause)
                step["pause"] = pause  # not a column: the writers ignore it

    def _close_pause(self, step: dict, at: datetime) -> None:
        """The outside step is done: the appointment moves by the office time it took."""
        pause = step.get("pause")
        if pause is None:
            return
        pause["ended_at"] = at
        minutes = working_minutes_between(pause["started_at"], at, self.cal)
        if minutes > 0:
            self.d["due_at"] = add_working_minutes(self.d["due_at"], minutes, self.cal)

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
                self._close_pause(step, end)
                if action in ("approve", "refuse") or status == S.RESULT_READY:
                    d.update(finished_at=end, outcome=Outcome.REFUSED if action == "refuse"
                             else Outcome.APPROVED)  # fmt: skip
            at = ends[-1][0]
        if final is None and d["status"] == S.RESULT_READY:
            back = self._after(at, self.rng.uniform(0.1, 2))
            self._event(back, "return_result", S.RETURNED, agency_id=self.lane.desk.pk,
                        data={"method": d["return_method"]})  # fmt: skip
            d.update(returned_at=back, returned_to=d["applicant_name"])

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
