import datetime as dt

import pytest

from nominations.models import QuotaLedger, Unit
from notifications.models import Notification
from tests import factories as f
from workflows import actions
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_in_window(monkeypatch):
    # The annual 2026 window is 15/10–20/12/2026; pin "today" inside it.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


def test_giay_khen_goes_from_draft_to_awarded(demo):
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    nominee = unit.nominees.get(name="Nguyễn Văn An")
    d = f.draft(actor=u["donvi"], unit=unit, nominee_obj=nominee)
    assert d.status == "draft" and d.version == 1
    d = f.to_agenda(d, proposer=u["donvi"], reviewer=u["chuyenvien"])
    assert d.status == "on_agenda"
    res = actions.council_result_record(
        actor=u["thuky"],
        authority_id=d.authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 4}],
    )
    assert res[0]["outcome"] == "approved"
    d = f.fresh(d)
    assert d.status == "council_approved"
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    assert q.used == 1
    d = actions.dossier_prepare_decision(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    d = actions.dossier_sign(actor=u["chutich"], dossier_id=d.pk, expected_version=d.version)
    d = actions.dossier_award(
        actor=u["vanthu"],
        dossier_id=d.pk,
        expected_version=d.version,
        decision_number="12/QĐ-UBND",
        golden_book_number="SV-2026-001",
    )
    assert d.status == "awarded"
    events = list(AuditEvent.objects.filter(dossier_id=d.pk).order_by("chain_seq"))
    assert [e.action for e in events] == [
        "create",
        "submit",
        "receive",
        "appraise",
        "put_on_agenda",
        "council_record",
        "prepare_decision",
        "sign",
        "award",
    ]
    assert events[-1].payload["reward_amount"] == 760_000  # 0.3 × 2,530,000 = 759,000 → 760,000
    assert Notification.objects.filter(recipient=u["donvi"]).exists()
