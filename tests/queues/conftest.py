import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _today_in_window(monkeypatch):
    # The annual 2026 nomination window is 15/10–20/12/2026; pin "today" inside it.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


@pytest.fixture
def world(demo):
    from nominations.models import Unit

    unit = Unit.objects.get(code="thon-dong-hy")
    return {
        "u": demo,
        "unit": unit,
        "unit2": Unit.objects.get(code="truong-thcs"),
        "nominee": unit.nominees.get(name="Nguyễn Văn An"),
        "collective": unit.nominees.get(name="Thôn Đồng Hỷ"),
    }
