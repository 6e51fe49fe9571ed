"""PDF rendering: the only place that imports WeasyPrint.

WeasyPrint is imported inside the functions so the portal still starts where Pango is missing;
``/healthz`` then reports the PDF engine as unavailable. Stylesheets, images and fonts are read
from ``static/`` on disk, never over HTTP.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from atvsld_portal.text import normalise_text

PDF_STYLESHEET = "css/pdf.css"
# Characters beyond the Basic Multilingual Plane (emoji, typed by a user into a name or an
# account): neither the vendored fonts nor the system's draw them, and a single glyph without a
# font leaves the PDF's whole text unreadable to search, copy and screen readers. They are
# printed as a white square instead; what was typed stays as it is in the database.
UNDRAWABLE = re.compile("[\U00010000-\U0010ffff]")
UNDRAWABLE_MARK = "\u25a1"


def printable(html: str) -> str:
    """The HTML as a document prints it: composed text without invisible or bidirectional
    control characters (text stored before input was normalised may hold a right-to-left
    override that would print "exe.fdp" as "pdf.exe"), and no character without a font."""
    return UNDRAWABLE.sub(UNDRAWABLE_MARK, normalise_text(html))


def static_dir() -> Path:
    return Path(settings.BASE_DIR) / "static"


def pdf_engine_status() -> tuple[bool, str]:
    """Whether WeasyPrint (and Pango under it) can load, with its version or the error."""
    try:
        import weasyprint
    except Exception as exc:  # OSError when Pango is missing
        return False, f"{type(exc).__name__}: {exc}"
    return True, weasyprint.__version__


def _disk_only_fetcher():
    from weasyprint.urls import URLFetcher

    root = static_dir().resolve()

    class DiskOnlyFetcher(URLFetcher):
        """Serve file: URLs below static/ and data: URLs; refuse everything else."""

        def fetch(self, url: str, headers: dict | None = None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not path.is_relative_to(root):
                    raise ValueError(f"PDF resources must come from static/: {url}")
            return super().fetch(url, headers)

    return DiskOnlyFetcher(allowed_protocols={"file", "data"})


def render_pdf(template_name: str, context: dict[str, Any] | None = None) -> bytes:
    """Render a template to A4 PDF bytes with the portal's PDF stylesheet and fonts."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = printable(render_to_string(template_name, context or {}))
    fetcher = _disk_only_fetcher()
    root = static_dir()
    # @font-face rules only load the vendored fonts through a shared FontConfiguration.
    font_config = FontConfiguration()
    stylesheet = CSS(
        filename=str(root / PDF_STYLESHEET), url_fetcher=fetcher, font_config=font_config
    )
    document = HTML(string=html, base_url=f"{root.as_uri()}/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
