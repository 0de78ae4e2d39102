"""HTML → PDF with WeasyPrint, embedding the DejaVu fonts (they carry every Vietnamese diacritic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    ("normal", "normal"): "DejaVuSerif.ttf",
    ("bold", "normal"): "DejaVuSerif-Bold.ttf",
    ("normal", "italic"): "DejaVuSerif-Italic.ttf",
    ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf",
}


class FontMissing(RuntimeError):
    """The Vietnamese-capable font is not installed (Debian: apt-get install fonts-dejavu-core)."""


def font_dir() -> Path:
    return Path(getattr(settings, "DOCUMENT_FONT_DIR", DEFAULT_FONT_DIR))


def font_face_css() -> str:
    base = font_dir()
    rules = []
    for (weight, style), filename in FONT_FILES.items():
        path = base / filename
        if not path.exists():
            raise FontMissing(f"{path} is missing: install the DejaVu fonts (fonts-dejavu-core).")
        rules.append(
            "@font-face { font-family: 'DocSerif'; "
            f"src: url('{path.as_uri()}'); font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template under templates/documents/ to PDF bytes.

    Documents are Vietnamese whatever the requesting user's language, so rendering runs under "vi".
    """
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(template_name, {**context, "font_face_css": font_face_css()})
    # base_url is the fonts folder so nothing is fetched from the network.
    return HTML(string=html, base_url=str(font_dir())).write_pdf()
