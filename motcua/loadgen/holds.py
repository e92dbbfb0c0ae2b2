"""What may happen at the main step of a route (supplement requests, a tax wait, withdrawal, an
apology, lateness) and the fee and rating after it: the part of a dossier's life beyond the plain
route (motcua.loadgen.history)."""

from datetime import datetime

from motcua.catalog.models import Channel
from motcua.dossiers.models import (
    PauseKind,
    SupplementMode,
)
from motcua.dossiers.statuses import DossierStatus as S
from motcua.loadgen.rows import (
    APOLOGY,
    FEEDBACK_DAYS,
    LATE,
    PAYMENT_WAIT,
    SUPPLEMENT,
    SUPPLEMENT_ITEMS,
    UNANSWERED,
    WITHDRAWN,
    Stop,
    local_date,
)
from motcua.loadgen.world import Lane
from motcua.organizations.models import Role
from motcua.payments.models import PaymentMethod, PaymentStatus
from motcua.ratings.models import RatingChannel, SatisfactionLevel
from motcua.workdays.engine import (
    HOURS,
    add_working_minutes,
    clock_start,
    due_at_after,
    working_minutes_between,
)


class Holds:
    """Mixed into Life: uses its dossier (`d`), steps, calendar, rng and event writer."""

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
            raise Stop
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

    def _pay(self, at: datetime, lane: Lane, channel: str) -> None:
        d = self.d
        method = PaymentMethod.ONLINE if channel == Channel.ONLINE else PaymentMethod.CASH
        amount = f"{lane.fee:,}".replace(",", ".")
        # The receipt number is given when the batch is written (writers.receipts_number).
        self._event(at, "payment", d["status"], agency_id=lane.desk.pk,
                    note=f"Thu {amount} đồng, biên lai số {{receipt}}.",
                    public_note=f"Đã nộp phí, lệ phí: {amount} đồng.",
                    data={"amount": lane.fee, "method": method, "receipt_number": ""})  # fmt: skip
        self.batch.payments.append({
            "dossier_id": d["id"], "amount": lane.fee, "method": method,
            "status": PaymentStatus.PAID, "receipt_number": "",
            "reference": f"LG{d['id']}" if method == PaymentMethod.ONLINE else "",
            "recorded_by_id": self.batch.events[-1]["actor_id"],
            "created_at": at, "paid_at": at,
            "_receipt": (lane.desk.pk, local_date(at).year), "_event": self.batch.events[-1],
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
