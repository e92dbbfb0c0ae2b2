"""Intake opened from a counter: the queue ticket rides from the procedure search to the form, and
the dossier is linked to it in the same transaction as the decision. Also the officers' menu
entries to the queue pages."""

import pytest
import time_machine
from django.urls import reverse

from motcua.dossiers.models import DailySequence, Dossier
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure
from motcua.dossiers.tests.test_views import MONDAY_MORNING, as_user, intake_post, text
from motcua.organizations.models import Role
from motcua.organizations.services import membership_grant
from motcua.queueing.models import Ticket, TicketEvent
from motcua.queueing.services import service_area_create, ticket_call_next, ticket_issue
from motcua.queueing.statuses import TicketAction, TicketStatus

pytestmark = pytest.mark.django_db

INTAKE = "/can-bo/tiep-nhan/"
NOT_HERE = "Không tìm thấy số thứ tự này tại bộ phận của bạn."


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office(clock):
    office = build_office()
    office.counter = office.desk.counters.create(number=1)
    office.area = service_area_create(
        desk=office.desk, code="A", name="Kinh doanh", counters=[office.counter]
    )
    return office


@pytest.fixture
def hkd():
    return demo_procedure(HKD)  # Đăng ký thành lập hộ kinh doanh


@pytest.fixture
def ticket(office):
    """A001, called to counter 1 of the desk of xã Hàm Yên."""
    issued = ticket_issue(desk=office.desk, service_area=office.area)
    ticket_call_next(counter=office.counter, actor=office.reception)
    return Ticket.objects.get(pk=issued.pk)


def decision_post(hkd, decision: str, **changes) -> dict:
    """The form filled in for `decision`: what is missing for a supplement request, the reason
    for a refusal."""
    extra = {
        "receive": {},
        "incomplete": {"other_items": "Bản sao căn cước của chủ hộ"},
        "refuse": {"reason": "Không thuộc thẩm quyền của xã."},
    }[decision]
    return intake_post(hkd, decision=decision, **extra, **changes)


def links(ticket) -> list[tuple]:
    events = TicketEvent.objects.filter(ticket=ticket, action=TicketAction.LINK_DOSSIER)
    return list(events.values_list("from_status", "to_status", "actor", "counter", "data"))


def assert_nothing_created(ticket, *, linked: Dossier | None = None) -> None:
    """No dossier besides `linked`, no dossier number used up, the ticket's link as it was."""
    assert list(Dossier.objects.all()) == ([] if linked is None else [linked])
    assert list(DailySequence.objects.values_list("last_value", flat=True)) == (
        [] if linked is None else [1]
    )
    assert Ticket.objects.get(pk=ticket.pk).dossier == linked
    assert len(links(ticket)) == (0 if linked is None else 1)


# --- carrying the ticket ----------------------------------------------------------------------


def test_the_ticket_rides_from_the_search_to_the_form(office, hkd, ticket):
    client = as_user(office.reception)

    search = client.get(INTAKE, {"ticket": ticket.pk})
    results = client.get(
        INTAKE, {"q": "ho kinh doanh", "ticket": ticket.pk}, headers={"HX-Request": "true"}
    )
    form = client.get(INTAKE, {"procedure": hkd.pk, "ticket": ticket.pk})

    assert search.status_code == 200
    assert "Số thứ tự: A001" in text(search)
    assert f'<input type="hidden" name="ticket" value="{ticket.pk}">' in text(search)
    assert 'hx-include="closest form"' in text(search)
    assert results.status_code == 200
    assert f"{INTAKE}?procedure={hkd.pk}&amp;ticket={ticket.pk}" in text(results)
    assert form.status_code == 200
    page = text(form)
    assert "Số thứ tự: A001" in page
    assert f'<input type="hidden" name="ticket" value="{ticket.pk}" id="id_ticket">' in page
    assert f'href="{INTAKE}?ticket={ticket.pk}"' in page  # back to the search, ticket kept


def test_without_a_ticket_the_pages_are_as_before(office, hkd):
    client = as_user(office.reception)

    search = client.get(INTAKE, {"q": "ho kinh doanh"}, headers={"HX-Request": "true"})
    form = client.get(INTAKE, {"procedure": hkd.pk})

    assert f'href="{INTAKE}?procedure={hkd.pk}"' in text(search)
    assert "Số thứ tự" not in text(form)
    assert '<input type="hidden" name="ticket" id="id_ticket">' in text(form)


def test_an_officer_of_two_desks_gets_the_tickets_desk_preselected(office, hkd, ticket):
    membership_grant(user=office.reception, agency=office.other_desk, role=Role.RECEPTION)

    form = as_user(office.reception).get(INTAKE, {"procedure": hkd.pk, "ticket": ticket.pk})

    assert form.context["form"]["receiving_agency"].value() == office.desk.pk


@pytest.mark.parametrize("value", ["999999", "abc", "9" * 30])
def test_opening_intake_with_an_unknown_ticket_is_a_404(office, hkd, ticket, value):
    client = as_user(office.reception)

    search = client.get(INTAKE, {"ticket": value})
    form = client.get(INTAKE, {"procedure": hkd.pk, "ticket": value})

    assert (search.status_code, form.status_code) == (404, 404)
    assert NOT_HERE in text(search)


def test_a_ticket_of_another_desk_is_not_shown(office, hkd, ticket):
    response = as_user(office.other[Role.RECEPTION]).get(
        INTAKE, {"procedure": hkd.pk, "ticket": ticket.pk}
    )

    assert response.status_code == 404
    assert "A001" not in text(response)


# --- linking on the decision ------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["receive", "incomplete", "refuse"])
def test_each_decision_links_the_dossier_to_the_ticket(office, hkd, ticket, decision):
    response = as_user(office.reception).post(
        INTAKE, decision_post(hkd, decision, ticket=str(ticket.pk))
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert Ticket.objects.get(pk=ticket.pk).dossier == dossier
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CALLED
    assert links(ticket) == [
        (
            TicketStatus.CALLED,
            TicketStatus.CALLED,
            office.reception.pk,
            office.counter.pk,
            {"dossier": dossier.code},
        )
    ]


def test_without_a_ticket_nothing_is_linked(office, hkd, ticket):
    response = as_user(office.reception).post(INTAKE, intake_post(hkd))

    assert response.status_code == 302
    assert Dossier.objects.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).dossier_id is None
    assert links(ticket) == []


@pytest.mark.parametrize("decision", ["receive", "incomplete", "refuse"])
def test_an_unknown_ticket_is_a_404_with_the_form_kept(office, hkd, ticket, decision):
    response = as_user(office.reception).post(INTAKE, decision_post(hkd, decision, ticket="999999"))

    assert response.status_code == 404
    assert NOT_HERE in text(response)
    assert 'value="Nguyễn Văn An"' in text(response)
    assert '<input type="hidden" name="ticket" value="999999" id="id_ticket">' in text(response)
    assert_nothing_created(ticket)


def test_a_malformed_ticket_is_a_400_with_the_form_kept(office, hkd, ticket):
    response = as_user(office.reception).post(INTAKE, intake_post(hkd, ticket="A001"))

    assert response.status_code == 400
    assert "Số thứ tự không hợp lệ." in text(response)
    assert 'value="Nguyễn Văn An"' in text(response)
    assert_nothing_created(ticket)


@pytest.mark.parametrize("decision", ["receive", "incomplete", "refuse"])
def test_a_ticket_of_another_desk_is_a_404_and_creates_nothing(office, hkd, decision):
    other_counter = office.other_desk.counters.create(number=1)
    other_area = service_area_create(
        desk=office.other_desk, code="A", name="Tổng hợp", counters=[other_counter]
    )
    theirs = ticket_issue(desk=office.other_desk, service_area=other_area)
    ticket_call_next(counter=other_counter, actor=office.other[Role.RECEPTION])

    response = as_user(office.reception).post(
        INTAKE, decision_post(hkd, decision, ticket=str(theirs.pk))
    )

    assert response.status_code == 404
    assert NOT_HERE in text(response)
    assert 'value="Nguyễn Văn An"' in text(response)
    assert_nothing_created(theirs)


def test_received_at_another_desk_than_the_tickets_is_a_400(office, hkd, ticket):
    membership_grant(user=office.reception, agency=office.other_desk, role=Role.RECEPTION)

    response = as_user(office.reception).post(
        INTAKE, intake_post(hkd, ticket=str(ticket.pk), receiving_agency=str(office.other_desk.pk))
    )

    assert response.status_code == 400
    assert "Hồ sơ không được tiếp nhận tại bộ phận đã cấp số này." in text(response)
    assert "Số thứ tự: A001" in text(response)
    assert_nothing_created(ticket)


@pytest.mark.parametrize("decision", ["receive", "incomplete", "refuse"])
def test_a_ticket_already_linked_is_a_409_and_rolls_the_dossier_back(office, hkd, ticket, decision):
    client = as_user(office.reception)
    first = client.post(INTAKE, intake_post(hkd, ticket=str(ticket.pk)))
    linked = Dossier.objects.get()

    response = client.post(INTAKE, decision_post(hkd, decision, ticket=str(ticket.pk)))

    assert first.status_code == 302
    assert response.status_code == 409
    assert "Số A001 đã gắn với một hồ sơ khác." in text(response)
    assert "Số thứ tự: A001" in text(response)
    assert 'value="Nguyễn Văn An"' in text(response)
    assert_nothing_created(ticket, linked=linked)
    # The number the refused intake drew is given back: the next dossier takes it.
    client.post(INTAKE, intake_post(hkd))
    assert Dossier.objects.latest("pk").code == linked.code[:-4] + "0002"


def test_a_ticket_still_waiting_is_a_409_and_creates_nothing(office, hkd):
    waiting = ticket_issue(desk=office.desk, service_area=office.area)

    response = as_user(office.reception).post(INTAKE, intake_post(hkd, ticket=str(waiting.pk)))

    assert response.status_code == 409
    assert "số A001 đang ở trạng thái «Đang chờ»" in text(response)
    assert_nothing_created(waiting)


def test_a_dossier_the_service_refuses_leaves_the_ticket_unlinked(office, hkd, ticket):
    response = as_user(office.reception).post(
        INTAKE, intake_post(hkd, ticket=str(ticket.pk), applicant_name="Nguyễn\x07Văn An")
    )

    assert response.status_code == 400
    assert "chứa ký tự không hợp lệ" in text(response)
    assert_nothing_created(ticket)


# --- the officers' menu -----------------------------------------------------------------------


def test_the_menu_leads_to_the_counters_and_the_queue_statistics(office):
    client = as_user(office.reception)

    counters = client.get(reverse("queueing:counters"))
    stats = client.get(reverse("queueing:stats_home"), follow=True)

    assert counters.status_code == 200
    assert 'href="/xep-hang/quay/" aria-current="page">Quầy tiếp nhận</a>' in text(counters)
    assert 'href="/xep-hang/thong-ke/">Thống kê xếp hàng</a>' in text(counters)
    assert stats.redirect_chain == [("/xep-hang/thong-ke/000.01.51.H62/", 302)]
    assert 'href="/xep-hang/thong-ke/" aria-current="page">Thống kê xếp hàng</a>' in text(stats)
    home = text(client.get(reverse("dossiers:home")))
    assert 'href="/xep-hang/quay/">Quầy tiếp nhận</a>' in home


def test_the_statistics_entry_finds_the_desk_below_a_leader(office):
    response = as_user(office.leader).get(reverse("queueing:stats_home"))

    assert response.status_code == 302
    assert response["Location"] == "/xep-hang/thong-ke/000.01.51.H62/"


def test_the_statistics_entry_is_a_404_for_an_officer_without_a_desk(office):
    response = as_user(office.specialist).get(reverse("queueing:stats_home"))

    assert response.status_code == 404
    assert "Bạn chưa được giao theo dõi bộ phận một cửa nào." in text(response)
