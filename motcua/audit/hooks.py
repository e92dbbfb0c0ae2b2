"""Audit helpers for the services of other apps that need more than a snapshot of one row (the
calendar's entries carry their agencies, office hours are replaced by season)."""

from motcua.audit.services import audit_deleted, audit_saved, snapshot

__all__ = [
    "audit_deleted",
    "audit_saved",
    "calendar_entry_deleted",
    "calendar_entry_saved",
    "calendar_entry_snapshot",
    "office_hours_stored",
    "snapshot",
]


def _ids(agencies) -> list[int]:
    return sorted(agency.pk for agency in agencies)


def calendar_entry_snapshot(entry, agencies) -> dict:
    return {**snapshot(entry), "agencies": _ids(agencies)}


def calendar_entry_saved(entry, *, before: dict | None, agencies, actor) -> None:
    agencies = list(agencies)
    audit_saved(
        instance=entry,
        before=before,
        agency=agencies[0] if agencies else None,
        actor=actor,
        agencies=_ids(agencies),
    )


def calendar_entry_deleted(entry, *, agencies, actor) -> None:
    agencies = list(agencies)
    audit_deleted(
        instance=entry,
        before=calendar_entry_snapshot(entry, agencies),
        agency=agencies[0] if agencies else None,
        actor=actor,
    )


def office_hours_stored(agency, season_start_month, season_start_day) -> dict | None:
    """The row `office_hours_set` is about to replace, if any."""
    from motcua.workdays.models import OfficeHours

    row = OfficeHours.objects.filter(
        agency=agency,
        season_start_month=int(season_start_month),
        season_start_day=int(season_start_day),
    ).first()
    return snapshot(row) if row is not None else None
