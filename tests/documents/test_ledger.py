"""Decision actions leave a ledger the auditors' verifier accepts: chains intact, and replaying the
dossier events reproduces every dossier's state and every quota's `used` (seats released by revocation)."""

from __future__ import annotations

import pytest

from workflows.actions import documents as docs
from workflows.ledger import ledger_verify_live
from workflows.models import AuditEvent

from .conftest import totp_now
from .test_decisions import AN, THON, numbered

pytestmark = pytest.mark.django_db


def test_sign_issue_revoke_keep_the_ledger_verifiable(demo, today, chair_device):
    d = numbered(demo, [AN, THON])
    d = docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    d = docs.decision_issue(actor=demo["vanthu"], decision_id=d.pk)
    revocation = docs.decision_revoke(actor=demo["chutich"], decision_id=d.pk, reason="Kỷ luật.")
    revocation = docs.decision_issue_number(actor=demo["vanthu"], decision_id=revocation.pk)
    chair_device.refresh_from_db()
    chair_device.t0 -= chair_device.step  # next TOTP step without sleeping 30 s
    chair_device.save()
    docs.decision_sign(actor=demo["chutich"], decision_id=revocation.pk, otp_token=totp_now(chair_device))

    actions = set(AuditEvent.objects.filter(chain="system").values_list("action", flat=True))
    assert {"decision_prepare", "decision_number", "decision_sign", "decision_issue"} <= actions
    revoked = AuditEvent.objects.filter(action="revoke")
    assert revoked.count() == 2 and all(e.payload["quota"]["delta"] == -1 for e in revoked)
    report = ledger_verify_live()
    assert report.ok, report.text()
