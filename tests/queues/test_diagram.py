import xml.etree.ElementTree as ET

from nominations.models import Dossier
from nominations.states import DossierStatus, transition_table
from workflows.diagram import lifecycle_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own generated SVG


def test_every_state_and_every_fsm_edge_is_drawn():
    root = _parse(lifecycle_svg(model=Dossier, current="received"))
    states = {g.get("data-state") for g in root.iter(f"{SVG}g") if g.get("data-state")}
    assert states == set(DossierStatus.values)
    drawn = {line.get("data-edge") for line in root.iter(f"{SVG}line")}
    expected = {f"{s}:{n}:{t}" for s, n, t in transition_table(Dossier) if s != t}
    assert expected
    assert drawn == expected


def test_current_state_is_highlighted_and_only_its_exits_are_bold():
    root = _parse(lifecycle_svg(model=Dossier, current="submitted"))
    current = [g for g in root.iter(f"{SVG}g") if "td-state--current" in (g.get("class") or "")]
    assert [g.get("data-state") for g in current] == ["submitted"]
    bold = {line.get("data-edge") for line in root.iter(f"{SVG}line") if "td-edge--next" in line.get("class")}
    assert bold
    assert all(edge.startswith("submitted:") for edge in bold)
    assert "submitted:receive:received" in bold


def test_labels_are_escaped_and_translated(settings):
    from django.utils import translation

    with translation.override("vi"):
        svg = lifecycle_svg(model=Dossier, current=None, title='<script>alert("x")</script>')
    assert "<script>" not in svg
    _parse(svg)  # still well-formed
