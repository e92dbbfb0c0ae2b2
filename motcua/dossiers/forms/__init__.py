"""Official forms of a dossier as PDF (Circular 03/2025/TT-VPCP, or 01/2018 for older dossiers)
and the tracking book as PDF or Excel. Read-only: nothing here changes a dossier."""

from motcua.dossiers.forms.book import tracking_book_html, tracking_book_pdf, tracking_book_xlsx
from motcua.dossiers.forms.sets import SLIPS
from motcua.dossiers.forms.slips import render_form, render_form_html

__all__ = [
    "SLIPS",
    "render_form",
    "render_form_html",
    "tracking_book_html",
    "tracking_book_pdf",
    "tracking_book_xlsx",
]
