"""The dossier lifecycle as an SVG, drawn from the FSM's own transition table.

Edges come from `nominations.states.transition_table`, so the picture cannot drift from the rules.
Only the placement of the boxes is hand-chosen (the main line left to right, side exits below);
a state the layout does not know yet still appears, in an extra row.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from nominations.states import TRANSITION_LABELS, DossierStatus, transition_table

BOX_W, BOX_H = 132, 46
COL_W, ROW_H = 158, 96
MARGIN = 16

# (column, row) of each state; the main line is row 0.
LAYOUT: dict[str, tuple[float, float]] = {
    "draft": (0, 0),
    "submitted": (1, 0),
    "received": (2, 0),
    "appraised": (3, 0),
    "on_agenda": (4, 0),
    "council_approved": (5, 0),
    "decision_prepared": (6, 0),
    "signed": (7, 0),
    "awarded": (8, 0),
    "returned": (1, 1),
    "ineligible": (2.5, 1),
    "council_rejected": (4, 1),
    "on_hold": (5.5, 1),
    "submitted_to_province": (7, 1),
    "revoked": (8, 1),
    "withdrawn": (1, 2),
    "province_returned": (6, 2),
    "province_approved": (7, 2),
    "province_rejected": (8, 2),
}
# Edges that reach many states (withdraw, hold, release): drawn faint so the main path stays readable.
MINOR = frozenset({"withdraw", "hold", "release_hold"})


def _positions(states: list[str]) -> dict[str, tuple[float, float]]:
    pos = {s: LAYOUT[s] for s in states if s in LAYOUT}
    extra_row = max((r for _c, r in LAYOUT.values()), default=0) + 1
    for i, s in enumerate(sorted(s for s in states if s not in LAYOUT)):
        pos[s] = (i, extra_row)
    return pos


def _centre(cell: tuple[float, float]) -> tuple[float, float]:
    col, row = cell
    return MARGIN + col * COL_W + BOX_W / 2, MARGIN + row * ROW_H + BOX_H / 2


def _clip(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """Where the segment from the centre (x1, y1) towards (x2, y2) leaves the box around (x1, y1)."""
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return x1, y1
    tx = (BOX_W / 2) / abs(dx) if dx else float("inf")
    ty = (BOX_H / 2) / abs(dy) if dy else float("inf")
    t = min(tx, ty)
    return x1 + dx * t, y1 + dy * t


def _label(state: str) -> str:
    return str(DossierStatus(state).label) if state in DossierStatus.values else state


def _wrap(text: str, width: int = 18) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return lines[:3] or [text]


def lifecycle_svg(*, model: Any, current: str | None = None, title: str = "") -> str:
    """An inline SVG of the lifecycle; `current` gets the highlight and its outgoing edges are bold."""
    edges = transition_table(model)
    states = list(dict.fromkeys([*DossierStatus.values, *(s for e in edges for s in (e[0], e[2]))]))
    pos = _positions(states)
    cols = max(c for c, _r in pos.values()) + 1
    rows = max(r for _c, r in pos.values()) + 1
    width = int(MARGIN * 2 + (cols - 1) * COL_W + BOX_W)
    height = int(MARGIN * 2 + (rows - 1) * ROW_H + BOX_H)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="td-diagram" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        "<defs>"
        '<marker id="td-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6b7a"/></marker>'
        '<marker id="td-arrow-on" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fa8"/></marker>'
        "</defs>",
        f"<title>{escape(title)}</title>" if title else "",
    ]
    # Edges first so the boxes sit on top of them.
    for source, name, target in edges:
        if source not in pos or target not in pos or source == target:
            continue
        sx, sy = _centre(pos[source])
        tx, ty = _centre(pos[target])
        x1, y1 = _clip(sx, sy, tx, ty)
        x2, y2 = _clip(tx, ty, sx, sy)
        classes = ["td-edge"]
        if name in MINOR:
            classes.append("td-edge--minor")
        is_next = current is not None and source == current
        if is_next:
            classes.append("td-edge--next")
        marker = "td-arrow-on" if is_next else "td-arrow"
        label = escape(str(TRANSITION_LABELS.get(name, name)))
        out.append(
            f'<line class="{" ".join(classes)}" data-edge="{escape(source)}:{escape(name)}:{escape(target)}" '
            f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" marker-end="url(#{marker})">'
            f"<title>{label}</title></line>"
        )
    for state in states:
        x, y = _centre(pos[state])
        classes = ["td-state"]
        if state == current:
            classes.append("td-state--current")
        lines = _wrap(_label(state))
        first_y = y - (len(lines) - 1) * 7
        text = "".join(
            f'<tspan x="{x:.1f}" y="{first_y + i * 14 + 4:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        current_attr = ' aria-current="step"' if state == current else ""
        out.append(
            f'<g class="{" ".join(classes)}" data-state="{escape(state)}"{current_attr}>'
            f'<rect x="{x - BOX_W / 2:.1f}" y="{y - BOX_H / 2:.1f}" '
            f'width="{BOX_W}" height="{BOX_H}" rx="8" ry="8"/>'
            f'<text text-anchor="middle">{text}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)
