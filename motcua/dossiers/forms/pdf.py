"""HTML → PDF with WeasyPrint, offline: no resource is ever fetched from the network."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Files a form may reference (images next to the templates); everything else is refused.
ASSET_ROOT = (Path(__file__).resolve().parent.parent / "templates" / "dossiers" / "forms").resolve()


class OfflineURLFetcher(URLFetcher):
    """Only data: URIs and files under ASSET_ROOT. A form carries applicant-typed text; should any
    of it ever reach a URL, rendering must not call out to the network or read other files."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(ASSET_ROOT):
                raise ValueError(f"File outside the form assets refused: {url}")
        elif scheme != "data":
            raise ValueError(f"Only data: and local file URLs are allowed: {url[:80]}")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    return HTML(
        string=html, base_url=ASSET_ROOT.as_uri() + "/", url_fetcher=OfflineURLFetcher()
    ).write_pdf()
