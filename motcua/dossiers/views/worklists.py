"""The officer's dashboard: one tab per worklist, each with its count."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.common.errors import InvalidInput
from motcua.dossiers.selectors import (
    online_intake_deadlines_attach,
    worklist,
    worklist_counts,
)
from motcua.dossiers.views._common import officer_view
from motcua.organizations.access import AgencyScope

PAGE_SIZE = 25

TABS = (
    ("assigned", gettext_lazy("Được giao cho tôi")),
    ("department", gettext_lazy("Của phòng")),
    ("due_soon", gettext_lazy("Sắp đến hạn")),
    ("overdue", gettext_lazy("Quá hạn")),
    ("to_sign", gettext_lazy("Chờ ký")),
    ("intake", gettext_lazy("Hồ sơ trực tuyến chờ tiếp nhận")),
    ("at_desk", gettext_lazy("Chờ chuyển xử lý")),
    ("to_return", gettext_lazy("Chờ trả kết quả")),
)
TAB_KINDS = dict(TABS)


class _CountedPaginator(Paginator):
    """A paginator told the list's length (counted with the tabs) instead of counting again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@officer_view
def home(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("tab", "").strip() or "assigned"
    if kind not in TAB_KINDS:
        raise InvalidInput(
            _("Danh sách %(tab)s không có; chọn một trong các thẻ trên trang.")
            % {"tab": kind[:40]},
            code="invalid_tab",
        )
    scope = AgencyScope.of(request.user)
    counts = worklist_counts(user=request.user, scope=scope)
    tabs = [
        {"kind": name, "label": label, "count": counts[name], "active": name == kind}
        for name, label in TABS
    ]
    page = _CountedPaginator(
        worklist(user=request.user, kind=kind, scope=scope), PAGE_SIZE, count=counts[kind]
    ).get_page(request.GET.get("page"))
    if kind == "intake":
        page.object_list = online_intake_deadlines_attach(dossiers=page.object_list)
    context = {
        "tabs": tabs,
        "kind": kind,
        "kind_label": TAB_KINDS[kind],
        "page": page,
        "now": timezone.now(),
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "dossiers/_worklist.html" if fragment else "dossiers/home.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
