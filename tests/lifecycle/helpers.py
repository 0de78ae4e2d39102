"""Drive dossiers to any state through the real actions, and take "nothing changed" snapshots."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from nominations.models import (
    CouncilTally,
    Dossier,
    Nominee,
    QuotaLedger,
    QuotaSeat,
    Unit,
)
from notifications.models import Notification
from tests import factories as f
from workflows import actions
from workflows.errors import ActionError
from workflows.models import AuditEvent, IdempotencyRecord

_seq = itertools.count(1)

# States only a province-decided award reaches.
PROVINCE_STATES = {"submitted_to_province", "province_approved", "province_returned", "province_rejected"}


def snapshot(*dossiers: Any) -> dict[str, Any]:
    """Everything an action may write. Equal before/after a refused call means nothing changed."""
    ids = [d.pk for d in dossiers]
    return {
        "dossiers": list(
            Dossier.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "status", "version")
        ),
        "events": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "quota_used": list(QuotaLedger.objects.order_by("pk").values_list("pk", "used")),
        "seats": QuotaSeat.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
        "tallies": CouncilTally.objects.count(),
        "dossier_count": Dossier.objects.count(),
    }


def refused(code: str, call: Callable[[], Any], *dossiers: Any) -> ActionError:
    """Run `call`, expect ActionError(code) and that nothing at all changed."""
    before = snapshot(*dossiers)
    with pytest.raises(ActionError) as info:
        call()
    exc = info.value
    assert exc.code == code, f"expected {code}, got {exc.code}: {exc.message}"
    assert str(exc.message).strip(), "an error must explain itself"
    assert snapshot(*dossiers) == before, "a refused action changed something"
    return exc


class Life:
    """The demo world plus helpers that move dossiers only through actions."""

    def __init__(self, demo: dict[str, Any]) -> None:
        self.u = demo
        self.unit = Unit.objects.get(code="thon-dong-hy")
        self.unit2 = Unit.objects.get(code="truong-thcs")
        self.authority_id = self.unit.authority_id
        self.proposer = demo["donvi"]
        self.proposer2 = demo["donvi2"]
        self.reviewer = demo["chuyenvien"]
        self.head = demo["truongphong"]
        self.secretary = demo["thuky"]
        self.chair = demo["chutich"]
        self.clerk = demo["vanthu"]
        self.auditor = demo["kiemtra"]
        self.member = demo["hoidong1"]

    # --- building blocks -------------------------------------------------------------------------

    def nominee(
        self,
        *,
        kind: str = "individual",
        gender: str = "male",
        women_percent: int | None = None,
        name: str | None = None,
        unit: Unit | None = None,
    ) -> Nominee:
        n = next(_seq)
        return Nominee.objects.create(
            unit=unit or self.unit,
            kind=kind,
            name=name or f"Người thử nghiệm {n}",
            gender=gender,
            women_percent=women_percent,
        )

    def draft(
        self,
        *,
        award: str = "giay-khen-xa",
        nominee: Nominee | None = None,
        summary: str | None = None,
        occasion: str = "hang-nam-2026",
    ) -> Dossier:
        nominee = nominee or self.nominee()
        proposer = self.proposer if nominee.unit_id == self.unit.pk else self.proposer2
        kwargs: dict[str, Any] = {}
        if summary is not None:
            kwargs["summary"] = summary
        return f.draft(
            actor=proposer,
            unit=nominee.unit,
            nominee_obj=nominee,
            award_code=award,
            occasion_code=occasion,
            **kwargs,
        )

    def proposer_of(self, d: Dossier):
        return self.proposer if d.unit_id == self.unit.pk else self.proposer2

    def record(self, dossiers: list[Dossier], agreeing: list[int] | int, *, present: int = 5) -> list[dict]:
        votes = agreeing if isinstance(agreeing, list) else [agreeing] * len(dossiers)
        return actions.council_result_record(
            actor=self.secretary,
            authority_id=self.authority_id,
            members_present=present,
            tallies=[
                {"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": a}
                for d, a in zip(dossiers, votes, strict=True)
            ],
        )

    # --- one step each ------------------------------------------------------------------------------

    def step(self, d: Dossier, transition: str) -> Dossier:
        """Run the action that performs FSM `transition` on `d`, as the right person."""
        v = d.version
        pk = d.pk
        if transition in ("submit", "resubmit"):
            return actions.dossier_submit(actor=self.proposer_of(d), dossier_id=pk, expected_version=v)
        if transition == "withdraw":
            return actions.dossier_withdraw(actor=self.proposer_of(d), dossier_id=pk, expected_version=v)
        if transition == "return_for_supplement":
            return actions.dossier_return(
                actor=self.reviewer, dossier_id=pk, expected_version=v, reason="Thiếu báo cáo thành tích."
            )
        if transition == "receive":
            return actions.dossier_receive(actor=self.reviewer, dossier_id=pk, expected_version=v)
        if transition == "appraise":
            return actions.dossier_appraise(actor=self.reviewer, dossier_id=pk, expected_version=v)
        if transition == "put_on_agenda":
            return actions.dossier_put_on_agenda(actor=self.reviewer, dossier_id=pk, expected_version=v)
        if transition == "mark_ineligible":
            return actions.dossier_mark_ineligible(
                actor=self.reviewer, dossier_id=pk, expected_version=v, reason="Không đủ tiêu chuẩn."
            )
        if transition == "council_approve":
            self.record([d], 5)
            return f.fresh(d)
        if transition == "council_reject":
            self.record([d], 1)
            return f.fresh(d)
        if transition == "prepare_decision":
            return actions.dossier_prepare_decision(actor=self.reviewer, dossier_id=pk, expected_version=v)
        if transition == "sign":
            return actions.dossier_sign(actor=self.chair, dossier_id=pk, expected_version=v)
        if transition == "award":
            return actions.dossier_award(
                actor=self.clerk,
                dossier_id=pk,
                expected_version=v,
                decision_number=f"{pk}/QĐ-UBND",
                golden_book_number=f"SV-{pk}",
            )
        if transition == "submit_to_province":
            return actions.dossier_submit_to_province(actor=self.reviewer, dossier_id=pk, expected_version=v)
        if transition in ("province_approve", "province_return", "province_reject"):
            result = {
                "province_approve": "approved",
                "province_return": "returned",
                "province_reject": "rejected",
            }[transition]
            return actions.dossier_province_result(
                actor=self.reviewer,
                dossier_id=pk,
                expected_version=v,
                result=result,
                decision_number="99/QĐ-UBND" if result == "approved" else "",
                reason="Lý do của tỉnh.",
            )
        if transition == "hold":
            return actions.dossier_hold(
                actor=self.reviewer, dossier_id=pk, expected_version=v, reason="Đang bị xem xét kỷ luật."
            )
        if transition == "release_hold":
            return actions.dossier_release_hold(actor=self.reviewer, dossier_id=pk, expected_version=v)
        if transition == "revoke":
            return actions.dossier_revoke(
                actor=self.chair, dossier_id=pk, expected_version=v, reason="Quyết định bị hủy."
            )
        raise AssertionError(f"no action for {transition}")

    # Path from draft to each state, as FSM transition names.
    PATHS: dict[str, list[str]] = {
        "draft": [],
        "submitted": ["submit"],
        "returned": ["submit", "return_for_supplement"],
        "received": ["submit", "receive"],
        "appraised": ["submit", "receive", "appraise"],
        "on_agenda": ["submit", "receive", "appraise", "put_on_agenda"],
        "council_approved": ["submit", "receive", "appraise", "put_on_agenda", "council_approve"],
        "council_rejected": ["submit", "receive", "appraise", "put_on_agenda", "council_reject"],
        "decision_prepared": [
            "submit",
            "receive",
            "appraise",
            "put_on_agenda",
            "council_approve",
            "prepare_decision",
        ],
        "signed": [
            "submit",
            "receive",
            "appraise",
            "put_on_agenda",
            "council_approve",
            "prepare_decision",
            "sign",
        ],
        "withdrawn": ["withdraw"],
        "ineligible": ["submit", "mark_ineligible"],
        "on_hold": ["submit", "hold"],
    }

    def path_to(self, state: str) -> list[str]:
        if state in self.PATHS:
            return self.PATHS[state]
        signed = self.PATHS["signed"]
        return {
            "awarded": [*signed, "award"],
            "revoked": [*signed, "award", "revoke"],
            "submitted_to_province": [*signed, "submit_to_province"],
            "province_approved": [*signed, "submit_to_province", "province_approve"],
            "province_returned": [*signed, "submit_to_province", "province_return"],
            "province_rejected": [*signed, "submit_to_province", "province_reject"],
        }[state]

    def reach(self, state: str, *, award: str | None = None, nominee: Nominee | None = None) -> Dossier:
        award = award or ("bang-khen-tinh" if state in PROVINCE_STATES else "giay-khen-xa")
        d = self.draft(award=award, nominee=nominee)
        for t in self.path_to(state):
            d = self.step(d, t)
        d = f.fresh(d)
        assert d.status == state, (state, d.status)
        return d
