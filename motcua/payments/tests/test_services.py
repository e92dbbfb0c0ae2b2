"""Fees due, payments at the counter and online, the gateway callback, refunds, access."""

from datetime import timedelta

import pytest
import time_machine

from motcua.catalog.models import Fee
from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.statuses import DossierStatus
from motcua.dossiers.tests.factories import (
    HKD,
    build_office,
    demo_procedure,
    local,
    make_procedure,
    receive,
    submit,
)
from motcua.organizations.models import Role
from motcua.payments.gateways import FakeGateway, sign
from motcua.payments.models import Payment, PaymentMethod, PaymentStatus
from motcua.payments.selectors import (
    dossier_payment_status,
    dossiers_paid_online,
    fees_due,
)
from motcua.payments.services import (
    payment_callback,
    payment_record_at_counter,
    payment_refund,
    payment_start_online,
)
from motcua.portal.tests.citizen_helpers import make_citizen

MORNING = local(2026, 3, 2, 8, 0)


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)  # one fee: Lệ phí đăng ký hộ kinh doanh, 100.000 đ


@pytest.fixture
def dossier(office, hkd):
    return receive(office, hkd, at=MORNING)


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def online(office, hkd, citizen):
    return submit(office, hkd, citizen=citizen, at=MORNING)


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


def events(dossier, action):
    return list(DossierEvent.objects.filter(dossier=dossier, action=action).order_by("id"))


def signed(payment, *, success=True, **changes):
    payload = {**FakeGateway.callback_payload(payment, success=success), **changes}
    return {"payload": payload, "signature": sign(payload)}


# -- fees due ------------------------------------------------------------------------------------


def test_fees_due_is_the_sum_of_the_procedures_fees(office, hkd, dossier):
    assert fees_due(dossier) == 100_000
    Fee.objects.create(procedure=hkd, order=2, name="Phí cung cấp thông tin", amount=20_000)
    assert fees_due(dossier) == 120_000
    assert dossier_payment_status(dossier) == "unpaid"


def test_a_procedure_without_fees_needs_no_payment(office):
    dossier = receive(office, make_procedure(), at=MORNING)
    assert fees_due(dossier) == 0
    assert dossier_payment_status(dossier) == "not_required"
    with pytest.raises(Conflict) as error:
        payment_record_at_counter(actor=office.reception, dossier=dossier, amount=1, method="cash")
    assert error.value.code == "nothing_due"
    assert Payment.objects.count() == 0


# -- at the counter ------------------------------------------------------------------------------


def test_cash_at_the_counter_is_paid_with_a_receipt_and_an_event(office, dossier):
    when = local(2026, 3, 2, 9, 15)
    payment = at(
        when,
        payment_record_at_counter,
        actor=office.reception,
        dossier=dossier,
        amount=100_000,
        method=PaymentMethod.CASH,
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_number == "BL-2026-000001"
    assert payment.paid_at == when
    assert payment.recorded_by == office.reception
    assert dossier_payment_status(dossier) == "paid"
    [event] = events(dossier, "payment")
    assert event.actor == office.reception
    assert event.at == when
    assert event.from_status == event.to_status == DossierStatus.RECEIVED
    assert event.note == "Thu 100.000 đồng (Tiền mặt), biên lai số BL-2026-000001."
    assert event.data == {
        "payment_id": payment.pk,
        "amount": 100_000,
        "method": "cash",
        "receipt_number": "BL-2026-000001",
        "reference": "",
    }
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_receipt_numbers_run_per_receiving_agency_and_year(office, hkd):
    first = receive(office, hkd, at=MORNING)
    second = receive(office, hkd, at=MORNING)
    elsewhere = receive(
        office, hkd, at=MORNING, actor=office.other[Role.RECEPTION], desk=office.other_desk
    )
    next_year = receive(office, hkd, at=local(2027, 1, 5, 8, 0))

    def pay(dossier, actor, when):
        return at(when, payment_record_at_counter, actor=actor, dossier=dossier, amount=100_000, method="cash").receipt_number  # fmt: skip

    assert pay(first, office.reception, MORNING) == "BL-2026-000001"
    assert pay(second, office.reception, MORNING) == "BL-2026-000002"
    assert pay(elsewhere, office.other[Role.RECEPTION], MORNING) == "BL-2026-000001"
    assert pay(next_year, office.reception, local(2027, 1, 5, 9, 0)) == "BL-2027-000001"


def test_part_payments_until_nothing_is_due(office, dossier):
    payment_record_at_counter(
        actor=office.reception, dossier=dossier, amount="40000", method="cash"
    )
    assert dossier_payment_status(dossier) == "partly_paid"
    with pytest.raises(InvalidInput) as error:
        payment_record_at_counter(
            actor=office.reception, dossier=dossier, amount=60_001, method="cash"
        )
    assert error.value.code == "amount_exceeds_due"
    payment_record_at_counter(
        actor=office.reception,
        dossier=dossier,
        amount=60_000,
        method="transfer",
        reference="VCB123",
    )
    assert dossier_payment_status(dossier) == "paid"
    with pytest.raises(Conflict) as error:
        payment_record_at_counter(actor=office.reception, dossier=dossier, amount=1, method="cash")
    assert error.value.code == "nothing_due"
    assert Payment.objects.filter(dossier=dossier).count() == 2
    assert len(events(dossier, "payment")) == 2


@pytest.mark.parametrize(
    ("amount", "method", "reference", "code"),
    [
        (0, "cash", "", "invalid_amount"),
        (-5, "cash", "", "invalid_amount"),
        ("một trăm", "cash", "", "invalid_amount"),
        (None, "cash", "", "invalid_amount"),
        (100_000, "online", "", "invalid_method"),
        (100_000, "cheque", "", "invalid_method"),
        (100_000, "transfer", "", "reference_required"),
        (100_000, "transfer", "A\x00B", "invalid_characters"),
    ],
)
def test_bad_counter_input_is_refused(office, dossier, amount, method, reference, code):
    with pytest.raises(InvalidInput) as error:
        payment_record_at_counter(
            actor=office.reception,
            dossier=dossier,
            amount=amount,
            method=method,
            reference=reference,
        )
    assert error.value.code == code
    assert Payment.objects.count() == 0
    assert events(dossier, "payment") == []


def test_a_bank_reference_is_recorded_once(office, hkd, dossier):
    other = receive(office, hkd, at=MORNING)
    payment_record_at_counter(
        actor=office.reception,
        dossier=dossier,
        amount=100_000,
        method="transfer",
        reference="VCB-9",
    )
    with pytest.raises(Conflict) as error:
        payment_record_at_counter(
            actor=office.reception,
            dossier=other,
            amount=100_000,
            method="transfer",
            reference="VCB-9",
        )
    assert error.value.code == "duplicate_reference"
    assert dossier_payment_status(other) == "unpaid"
    assert events(other, "payment") == []


def test_no_fee_taken_on_a_withdrawn_dossier(office, dossier):
    dossier.status = DossierStatus.WITHDRAWN
    dossier.save(update_fields=["status"])
    with pytest.raises(Conflict) as error:
        payment_record_at_counter(
            actor=office.reception, dossier=dossier, amount=100_000, method="cash"
        )
    assert error.value.code == "payment_not_allowed"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        (lambda o: o.other[Role.RECEPTION], NotFound),  # another commune's desk
        (lambda o: o.other[Role.LEADER], NotFound),
        (lambda o: o.specialist, Forbidden),  # sees the dossier, does not take money
        (lambda o: o.leader, Forbidden),
        (lambda o: None, NotFound),
    ],
)
def test_only_the_receiving_desk_takes_money(office, dossier, who, error):
    with pytest.raises(error):
        payment_record_at_counter(actor=who(office), dossier=dossier, amount=100_000, method="cash")
    assert Payment.objects.count() == 0
    assert events(dossier, "payment") == []


# -- online --------------------------------------------------------------------------------------


def test_online_payment_start_then_signed_callback_pays(office, online, citizen):
    url = payment_start_online(
        user=citizen, dossier=online, return_url=f"/ho-so-cua-toi/{online.code}/"
    )
    payment = Payment.objects.get(dossier=online)
    assert url == f"/thanh-toan/gia-lap/{payment.pk}/"
    assert (payment.status, payment.method, payment.amount) == ("pending", "online", 100_000)
    assert payment.receipt_number == ""
    assert dossier_payment_status(online) == "unpaid"

    when = local(2026, 3, 2, 10, 0)
    result = at(when, payment_callback, **signed(payment))
    payment.refresh_from_db()
    assert result.pk == payment.pk
    assert (payment.status, payment.receipt_number, payment.reference, payment.paid_at) == (
        "paid",
        "BL-2026-000001",
        f"FAKE-{payment.pk:08d}",
        when,
    )
    assert dossier_payment_status(online) == "paid"
    [event] = events(online, "payment")
    assert (event.actor, event.actor_name) == (None, "Hệ thống")
    assert event.public_note == "Đã nộp phí, lệ phí: 100.000 đồng."
    assert list(dossiers_paid_online(dossiers=type(online).objects.all())) == [online]


def test_a_repeated_callback_changes_nothing(office, online, citizen):
    payment_start_online(user=citizen, dossier=online, return_url="/")
    payment = Payment.objects.get(dossier=online)
    callback = signed(payment)
    at(local(2026, 3, 2, 10, 0), payment_callback, **callback)
    at(local(2026, 3, 2, 10, 5), payment_callback, **callback)
    # Even a later "failed" for the same payment cannot undo what is decided.
    at(local(2026, 3, 2, 10, 6), payment_callback, **signed(payment, success=False))
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number) == ("paid", "BL-2026-000001")
    assert payment.paid_at == local(2026, 3, 2, 10, 0)
    assert len(events(online, "payment")) == 1


def test_a_forged_signature_changes_nothing(office, online, citizen):
    payment_start_online(user=citizen, dossier=online, return_url="/")
    payment = Payment.objects.get(dossier=online)
    callback = signed(payment)
    for signature in ("0" * 64, "", callback["signature"][:-1] + "0"):
        with pytest.raises(InvalidInput) as error:
            payment_callback(payload=callback["payload"], signature=signature)
        assert error.value.code == "invalid_signature"
    # A real signature over a changed payload (a bigger payment id, another amount) fails too.
    tampered = {**callback["payload"], "amount": "1"}
    with pytest.raises(InvalidInput):
        payment_callback(payload=tampered, signature=callback["signature"])
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number) == ("pending", "")
    assert events(online, "payment") == []


def test_an_amount_mismatch_fails_the_payment(office, online, citizen):
    payment_start_online(user=citizen, dossier=online, return_url="/")
    payment = Payment.objects.get(dossier=online)
    payment_callback(**signed(payment, amount="1000"))
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number) == ("failed", "")
    assert dossier_payment_status(online) == "unpaid"
    assert events(online, "payment") == []


def test_a_gateway_failure_fails_the_payment_and_a_new_one_may_start(office, online, citizen):
    payment_start_online(user=citizen, dossier=online, return_url="/")
    first = Payment.objects.get(dossier=online)
    payment_callback(**signed(first, success=False))
    first.refresh_from_db()
    assert first.status == "failed"
    payment_start_online(user=citizen, dossier=online, return_url="/")
    assert Payment.objects.filter(dossier=online, status="pending").count() == 1


def test_only_the_applicant_starts_an_online_payment(office, online, citizen):
    stranger = make_citizen("binh@example.vn")
    for user in (stranger, office.reception, None):
        with pytest.raises(NotFound):
            payment_start_online(user=user, dossier=online, return_url="/")
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["https://ke-gian.example/", "//ke-gian.example/", "javascript:alert(1)", "", "/\\x"]
)
def test_the_return_url_stays_on_this_site(office, online, citizen, url):
    with pytest.raises(InvalidInput) as error:
        payment_start_online(user=citizen, dossier=online, return_url=url)
    assert error.value.code == "invalid_return_url"
    assert Payment.objects.count() == 0


def test_a_callback_for_an_unknown_payment_is_not_found(db):
    payload = {"payment_id": "999", "amount": "1", "status": "success", "transaction_id": "X"}
    with pytest.raises(NotFound):
        payment_callback(payload=payload, signature=sign(payload))


# -- refunds -------------------------------------------------------------------------------------


@pytest.fixture
def paid(office, dossier):
    return at(
        local(2026, 3, 2, 9, 0),
        payment_record_at_counter,
        actor=office.reception,
        dossier=dossier,
        amount=100_000,
        method="cash",
    )


@pytest.mark.parametrize("role", [Role.LEADER, Role.RECEPTION])
def test_refund_by_the_leader_or_the_desk(office, dossier, paid, role):
    when = local(2026, 3, 3, 14, 0)
    actor = office.officers[role]
    at(when, payment_refund, actor=actor, payment=paid, reason="Thu nhầm: thủ tục miễn lệ phí")
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_at, paid.refunded_by) == ("refunded", when, actor)
    assert paid.refund_reason == "Thu nhầm: thủ tục miễn lệ phí"
    assert dossier_payment_status(dossier) == "refunded"
    [event] = events(dossier, "refund")
    assert event.actor == actor
    assert event.data == {
        "payment_id": paid.pk,
        "amount": 100_000,
        "reason": "Thu nhầm: thủ tục miễn lệ phí",
    }
    with pytest.raises(Conflict) as error:
        payment_refund(actor=actor, payment=paid, reason="lần nữa")
    assert error.value.code == "payment_transition_not_allowed"
    assert len(events(dossier, "refund")) == 1


@pytest.mark.parametrize(
    ("who", "error"),
    [
        (lambda o: o.specialist, Forbidden),
        (lambda o: o.head, Forbidden),
        (lambda o: o.other[Role.LEADER], NotFound),
        (lambda o: o.other[Role.RECEPTION], NotFound),
    ],
)
def test_refund_denied_changes_nothing(office, dossier, paid, who, error):
    with pytest.raises(error):
        payment_refund(actor=who(office), payment=paid, reason="Lý do")
    paid.refresh_from_db()
    assert paid.status == "paid"
    assert events(dossier, "refund") == []


def test_refund_needs_a_reason_and_a_paid_payment(office, online, citizen, paid):
    with pytest.raises(InvalidInput):
        payment_refund(actor=office.leader, payment=paid, reason="   ")
    payment_start_online(user=citizen, dossier=online, return_url="/")
    pending = Payment.objects.get(dossier=online)
    with pytest.raises(Conflict):
        payment_refund(actor=office.reception, payment=pending, reason="Lý do")
    assert DossierEvent.objects.filter(action="refund").count() == 0


def test_a_refunded_fee_can_be_paid_again(office, dossier, paid):
    payment_refund(actor=office.leader, payment=paid, reason="Nhầm người nộp")
    again = at(
        local(2026, 3, 2, 9, 0) + timedelta(days=1),
        payment_record_at_counter,
        actor=office.reception,
        dossier=dossier,
        amount=100_000,
        method="cash",
    )
    assert again.receipt_number == "BL-2026-000002"
    assert dossier_payment_status(dossier) == "paid"
