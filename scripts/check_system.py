"""Says plainly what the machine lacks for documents and browser tests (run by `make install`)."""

import shutil
import sys
from pathlib import Path

FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
]

problems = []
if not any(p.exists() for p in FONT_CANDIDATES):
    problems.append(
        "No font with Vietnamese glyphs found (DejaVu): PDFs will not render diacritics. "
        "Install it with: apt-get install fonts-dejavu-core"
    )
if not shutil.which("chromium"):
    problems.append(
        "Debian's chromium is not on PATH: browser tests will be skipped locally "
        "(.ci/run installs it). Install with: apt-get install chromium"
    )
for line in problems:
    print("warning:", line, file=sys.stderr)
