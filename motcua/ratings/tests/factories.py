"""Returned dossiers for rating tests, driven through the dossier services end to end."""

from datetime import datetime

import time_machine

from motcua.dossiers.services import dossier_approve, dossier_forward, dossier_return_result
from motcua.dossiers.tests.factories import Office, local, receive


def _at(when: datetime, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


def result_ready(office: Office, procedure, *, day: tuple[int, int, int] = (2026, 3, 2), **kw):
    """A dossier received at 08:00 on `day` and approved at 14:00 the same day."""
    dossier = receive(office, procedure, at=local(*day, 8, 0), **kw)
    _at(local(*day, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    _at(local(*day, 10, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    _at(local(*day, 11, 0), dossier_forward, actor=office.head, dossier=dossier)
    _at(local(*day, 14, 0), dossier_approve, actor=office.leader, dossier=dossier)
    return dossier


def returned(office: Office, procedure, *, at: datetime, **kw):
    """A dossier whose result the desk of xã Hàm Yên handed over at `at`."""
    dossier = result_ready(office, procedure, day=(at.year, at.month, at.day), **kw)
    _at(
        at,
        dossier_return_result,
        actor=office.reception,
        dossier=dossier,
        returned_to="Nguyễn Văn An",
        method="at_desk",
    )
    dossier.refresh_from_db()
    return dossier
