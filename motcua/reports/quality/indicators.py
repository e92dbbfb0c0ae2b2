"""Each indicator of the index: the lists of dossiers or procedures behind its numbers (`parts`)
and how its share is worked out from their counts (`build`). A number on the page is always the
length of the list its link opens."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Channel, Fee, OnlineLevel, Procedure
from motcua.common.db import report_db_alias
from motcua.dossiers.models import Dossier, DossierFile, FileKind
from motcua.payments.selectors import dossiers_paid_online
from motcua.ratings.models import SatisfactionLevel
from motcua.ratings.selectors import satisfaction_summary
from motcua.reports.charts import vn_number, vn_percent
from motcua.reports.quality import catalog, processing
from motcua.reports.quality.context import Context
from motcua.reports.quality.model import Indicator, Part, share_of

DOSSIERS = "dossiers"
PROCEDURES = "procedures"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
DETAIL_ROWS = 50


@dataclass(frozen=True)
class Spec:
    key: str
    group: str
    name: object  # lazy text
    subject: str
    parts: Callable[[Context], dict[str, tuple[object, QuerySet]]]
    build: Callable[[Context, dict[str, int]], dict]
    needs_timeliness: bool = False


def _ratio_formula(words: str, numerator: int, denominator: int) -> str:
    """ "words: 1.180 ÷ 1.212 = 97,4 %"."""
    return _("%(words)s: %(num)s ÷ %(den)s = %(share)s") % {
        "words": words,
        "num": vn_number(numerator),
        "den": vn_number(denominator),
        "share": vn_percent(share_of(numerator, denominator)),
    }


def _simple(words: object) -> Callable[[Context, dict[str, int]], dict]:
    def build(_ctx: Context, counts: dict[str, int]) -> dict:
        numerator, denominator = counts[NUMERATOR], counts[DENOMINATOR]
        return {
            "numerator": numerator,
            "denominator": denominator,
            "share": share_of(numerator, denominator),
            "formula": _ratio_formula(str(words), numerator, denominator),
        }

    return build


# -- transparency --------------------------------------------------------------------------------


def _catalog_parts(ctx: Context) -> dict:
    return {
        NUMERATOR: (
            gettext_lazy("Thủ tục công khai đủ nội dung"),
            catalog.complete(ctx.procedures()),
        ),
        DENOMINATOR: (gettext_lazy("Thủ tục áp dụng"), ctx.procedures()),
        "incomplete": (
            gettext_lazy("Thủ tục chưa đủ nội dung"),
            catalog.with_checks(ctx.procedures()).filter(catalog.incomplete_q()),
        ),
    }


def _catalog_build(ctx: Context, counts: dict[str, int]) -> dict:
    result = _simple(gettext_lazy("Thủ tục công khai đủ nội dung ÷ thủ tục áp dụng"))(ctx, counts)
    result["details"] = catalog.incomplete_with_missing(ctx.procedures(), DETAIL_ROWS)
    result["note"] = _(
        "Kiểm tra theo Nghị định 63/2010 điều 8: trình tự, cách thức, thành phần hồ sơ, thời hạn, "
        "đối tượng, cơ quan thực hiện, kết quả, căn cứ pháp lý. Phí, lệ phí không kiểm được "
        "(thủ tục miễn phí không có dòng phí)."
    )
    return result


# -- progress ------------------------------------------------------------------------------------


def _on_time_parts(ctx: Context) -> dict:
    many = ctx.on_time().filter(supplement_count__gt=1)
    return {
        NUMERATOR: (
            gettext_lazy("Đúng hạn (trừ hồ sơ bổ sung hơn 1 lần)"),
            ctx.on_time().exclude(supplement_count__gt=1),
        ),
        DENOMINATOR: (gettext_lazy("Đã giải quyết"), ctx.timeliness_list("resolved_total")),
        "early": (gettext_lazy("Trước hạn"), ctx.timeliness_list("resolved_early")),
        "on_time": (gettext_lazy("Đúng hạn"), ctx.timeliness_list("resolved_on_time")),
        "many_supplements": (gettext_lazy("Trước/đúng hạn nhưng bổ sung hơn 1 lần"), many),
    }


def _on_time_build(_ctx: Context, counts: dict[str, int]) -> dict:
    early, on_time, many = counts["early"], counts["on_time"], counts["many_supplements"]
    resolved = counts[DENOMINATOR]
    numerator = early + on_time - many
    share = share_of(numerator, resolved)
    return {
        "numerator": numerator,
        "denominator": resolved,
        "share": share,
        "formula": _(
            "(trước hạn + đúng hạn − hồ sơ trong số đó bị yêu cầu bổ sung hơn 1 lần) ÷ đã giải "
            "quyết: (%(early)s + %(on_time)s − %(many)s) ÷ %(resolved)s = %(share)s"
        )
        % {
            "early": vn_number(early),
            "on_time": vn_number(on_time),
            "many": vn_number(many),
            "resolved": vn_number(resolved),
            "share": vn_percent(share),
        },
        "note": _(
            "Trước hạn, đúng hạn theo báo cáo tình hình giải quyết (Biểu II.06a); hồ sơ bị yêu cầu "
            "bổ sung hơn một lần tính là không đúng hạn (Quyết định 766/QĐ-TTg)."
        ),
    }


def _processing_parts(ctx: Context) -> dict:
    analysis = processing.analyse(ctx)
    procedures = Procedure.objects.using(report_db_alias())
    return {
        NUMERATOR: (
            gettext_lazy("Thủ tục có thời gian giải quyết trung bình trong thời hạn"),
            procedures.filter(pk__in=analysis.within_ids),
        ),
        DENOMINATOR: (
            gettext_lazy("Thủ tục có hồ sơ đã giải quyết"),
            procedures.filter(pk__in=analysis.all_ids),
        ),
    }


def _processing_build(ctx: Context, counts: dict[str, int]) -> dict:
    result = _simple(
        gettext_lazy(
            "Thủ tục có thời gian giải quyết trung bình không quá thời hạn ÷ thủ tục có hồ sơ đã giải quyết"
        )
    )(ctx, counts)
    result["details"] = processing.analyse(ctx).rows
    result["note"] = _(
        "Thời gian giải quyết: số ngày làm việc từ lúc tiếp nhận đến lúc có kết quả, theo lịch "
        "làm việc của nơi tiếp nhận; so với thời hạn của các hồ sơ đó."
    )
    return result


# -- online --------------------------------------------------------------------------------------


def _offered(ctx: Context) -> QuerySet:
    return ctx.procedures().exclude(online_level=OnlineLevel.NONE)


def _offered_parts(ctx: Context) -> dict:
    return {
        NUMERATOR: (gettext_lazy("Thủ tục có dịch vụ công trực tuyến"), _offered(ctx)),
        DENOMINATOR: (gettext_lazy("Thủ tục áp dụng"), ctx.procedures()),
    }


def _used_parts(ctx: Context) -> dict:
    online = ctx.received().filter(channel=Channel.ONLINE, procedure=OuterRef("pk"))
    return {
        NUMERATOR: (
            gettext_lazy("Thủ tục trực tuyến có hồ sơ nộp trực tuyến"),
            _offered(ctx).filter(Exists(online)),
        ),
        DENOMINATOR: (gettext_lazy("Thủ tục có dịch vụ công trực tuyến"), _offered(ctx)),
    }


def _submitted_online_parts(ctx: Context) -> dict:
    return {
        NUMERATOR: (
            gettext_lazy("Hồ sơ nộp trực tuyến"),
            ctx.received().filter(channel=Channel.ONLINE),
        ),
        DENOMINATOR: (gettext_lazy("Hồ sơ tiếp nhận"), ctx.received()),
    }


# -- payment -------------------------------------------------------------------------------------


def _with_fee(ctx: Context) -> QuerySet[Dossier]:
    fee = Fee.objects.filter(procedure=OuterRef("procedure_id"), amount__gt=0)
    return ctx.received().filter(Exists(fee))


def _paid_online_parts(ctx: Context) -> dict:
    return {
        NUMERATOR: (
            gettext_lazy("Hồ sơ nộp phí trực tuyến"),
            dossiers_paid_online(dossiers=_with_fee(ctx)),
        ),
        DENOMINATOR: (gettext_lazy("Hồ sơ có phí, lệ phí"), _with_fee(ctx)),
    }


# -- digitization --------------------------------------------------------------------------------


def _digitized_parts(ctx: Context) -> dict:
    return {
        NUMERATOR: (
            gettext_lazy("Hồ sơ đã số hóa hoặc nộp trực tuyến"),
            ctx.received().filter(Q(is_digitized=True) | Q(channel=Channel.ONLINE)),
        ),
        DENOMINATOR: (gettext_lazy("Hồ sơ tiếp nhận"), ctx.received()),
    }


def _electronic_result_parts(ctx: Context) -> dict:
    result_file = DossierFile.objects.filter(dossier=OuterRef("pk"), kind=FileKind.RESULT)
    return {
        NUMERATOR: (
            gettext_lazy("Hồ sơ có kết quả điện tử"),
            ctx.resolved_with_result().filter(Exists(result_file)),
        ),
        DENOMINATOR: (gettext_lazy("Hồ sơ đã có kết quả"), ctx.resolved_with_result()),
    }


# -- satisfaction --------------------------------------------------------------------------------


def _complaint_index_parts(ctx: Context) -> dict:
    resolved = ctx.timeliness_list("resolved_total")
    return {
        DENOMINATOR: (gettext_lazy("Đã giải quyết"), resolved),
        "late": (gettext_lazy("Quá hạn"), ctx.timeliness_list("resolved_late")),
        "complaints": (
            gettext_lazy("Không hài lòng"),
            resolved.filter(rating__level=SatisfactionLevel.NOT_SATISFIED),
        ),
    }


def _complaint_index_build(_ctx: Context, counts: dict[str, int]) -> dict:
    resolved, late, complaints = counts[DENOMINATOR], counts["late"], counts["complaints"]
    share = None
    if resolved:
        share = max(1 - share_of(late + complaints, resolved), Decimal(0))
    return {
        "numerator": max(resolved - late - complaints, 0),
        "denominator": resolved,
        "share": share,
        "formula": _(
            "100 %% − (quá hạn + không hài lòng) ÷ đã giải quyết: 100 %% − (%(late)s + "
            "%(complaints)s) ÷ %(resolved)s = %(share)s"
        )
        % {
            "late": vn_number(late),
            "complaints": vn_number(complaints),
            "resolved": vn_number(resolved),
            "share": vn_percent(share),
        },
        "note": _(
            "Hồ sơ vừa quá hạn vừa bị đánh giá «Không hài lòng» bị trừ hai lần, đúng công thức "
            "của Quyết định 766/QĐ-TTg; kết quả không nhỏ hơn 0 %."
        ),
    }


def _rated(ctx: Context) -> QuerySet[Dossier]:
    return Dossier.objects.using(report_db_alias()).filter(
        rating__agency__path__startswith=ctx.agency.path,
        rating__created_at__gte=ctx.period.start,
        rating__created_at__lt=ctx.period.end,
    )


def _satisfied_parts(ctx: Context) -> dict:
    satisfied = (SatisfactionLevel.VERY_SATISFIED, SatisfactionLevel.SATISFIED)
    return {
        NUMERATOR: (
            gettext_lazy("Rất hài lòng và hài lòng"),
            _rated(ctx).filter(rating__level__in=satisfied),
        ),
        DENOMINATOR: (gettext_lazy("Lượt đánh giá"), _rated(ctx)),
        "not_satisfied": (
            gettext_lazy("Không hài lòng"),
            _rated(ctx).filter(rating__level=SatisfactionLevel.NOT_SATISFIED),
        ),
    }


def _satisfied_build(ctx: Context, _counts: dict[str, int]) -> dict:
    summary = satisfaction_summary(
        agency=ctx.agency, date_from=ctx.period.date_from, date_to=ctx.period.date_to
    )
    numerator = summary.very_satisfied + summary.satisfied
    return {
        "numerator": numerator,
        "denominator": summary.total,
        "share": summary.satisfied_rate,
        "formula": _(
            "(rất hài lòng + hài lòng) ÷ lượt đánh giá: (%(very)s + %(satisfied)s) ÷ %(total)s = "
            "%(share)s"
        )
        % {
            "very": vn_number(summary.very_satisfied),
            "satisfied": vn_number(summary.satisfied),
            "total": vn_number(summary.total),
            "share": vn_percent(summary.satisfied_rate),
        },
    }


SPECS: tuple[Spec, ...] = (
    Spec("catalog_complete", "transparency", gettext_lazy("Thủ tục công khai đầy đủ, đúng quy định"), PROCEDURES, _catalog_parts, _catalog_build),
    Spec("on_time", "progress", gettext_lazy("Hồ sơ giải quyết trước hạn, đúng hạn"), DOSSIERS, _on_time_parts, _on_time_build, needs_timeliness=True),
    Spec("processing_time", "progress", gettext_lazy("Thời gian giải quyết trung bình theo thủ tục"), PROCEDURES, _processing_parts, _processing_build),
    Spec("online_offered", "online", gettext_lazy("Thủ tục cung cấp dịch vụ công trực tuyến"), PROCEDURES, _offered_parts, _simple(gettext_lazy("Thủ tục trực tuyến (toàn trình, một phần) ÷ thủ tục áp dụng"))),
    Spec("online_used", "online", gettext_lazy("Thủ tục trực tuyến có phát sinh hồ sơ trực tuyến"), PROCEDURES, _used_parts, _simple(gettext_lazy("Thủ tục trực tuyến có ít nhất 1 hồ sơ nộp trực tuyến trong kỳ ÷ thủ tục trực tuyến"))),
    Spec("submitted_online", "online", gettext_lazy("Hồ sơ nộp trực tuyến"), DOSSIERS, _submitted_online_parts, _simple(gettext_lazy("Hồ sơ nộp trực tuyến ÷ hồ sơ tiếp nhận"))),
    Spec("paid_online", "payment", gettext_lazy("Hồ sơ thanh toán trực tuyến"), DOSSIERS, _paid_online_parts, _simple(gettext_lazy("Hồ sơ nộp phí trực tuyến ÷ hồ sơ có phí, lệ phí"))),
    Spec("complaint_index", "satisfaction", gettext_lazy("Mức độ hài lòng theo tiến độ và phản ánh"), DOSSIERS, _complaint_index_parts, _complaint_index_build, needs_timeliness=True),
    Spec("satisfied_rate", "satisfaction", gettext_lazy("Tỷ lệ đánh giá hài lòng"), DOSSIERS, _satisfied_parts, _satisfied_build),
    Spec("digitized", "digitization", gettext_lazy("Hồ sơ được số hóa khi tiếp nhận"), DOSSIERS, _digitized_parts, _simple(gettext_lazy("Hồ sơ đã số hóa (kể cả nộp trực tuyến) ÷ hồ sơ tiếp nhận"))),
    Spec("electronic_result", "digitization", gettext_lazy("Hồ sơ có kết quả điện tử"), DOSSIERS, _electronic_result_parts, _simple(gettext_lazy("Hồ sơ có tệp kết quả điện tử ÷ hồ sơ đã có kết quả"))),
)  # fmt: skip
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def unavailable(spec: Spec) -> Indicator:
    return Indicator(
        key=spec.key,
        name=str(spec.name),
        numerator=None,
        denominator=None,
        share=None,
        formula="",
        parts=[],
        available=False,
        note=_("Chưa tính được: cần báo cáo tình hình giải quyết hồ sơ (Biểu II.06a)."),
    )


def evaluate(spec: Spec, ctx: Context) -> Indicator:
    if spec.needs_timeliness and ctx.timeliness is None:
        return unavailable(spec)
    parts = spec.parts(ctx)
    counts = {key: queryset.count() for key, (_label, queryset) in parts.items()}
    values = spec.build(ctx, counts)
    return Indicator(
        key=spec.key,
        name=str(spec.name),
        numerator=values["numerator"],
        denominator=values["denominator"],
        share=values["share"],
        formula=values["formula"],
        parts=[
            Part(key, str(label), counts[key], spec.subject)
            for key, (label, _queryset) in parts.items()
        ],
        note=values.get("note", ""),
        details=values.get("details", []),
    )
