"""Every action checks, in order: scope (no leak), role, expected version, the FSM guard with its reason.
Each refusal leaves everything as it was (status, version, audit events, notifications, quota seats)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from nominations.models import AwardType, ContentArea, Occasion, QuotaLedger
from tests import factories as f
from tests.lifecycle.helpers import Life, refused
from workflows import actions
from workflows.errors import ActionError

pytestmark = pytest.mark.django_db


def _council(life: Life, actor: Any, d: Any, version: int) -> Any:
    return actions.council_result_record(
        actor=actor,
        authority_id=life.authority_id,
        members_present=5,
        tallies=[
            {
                "dossier_id": d.pk,
                "issued": 5,
                "returned": 5,
                "valid": 5,
                "agreeing": 5,
                "expected_version": version,
            }
        ],
    )


@dataclass
class Spec:
    name: str
    state: str
    right: str  # attribute of Life
    wrong: tuple[str, ...]  # roles that are in scope but may not do this
    call: Callable[[Life, Any, Any, int], Any]
    target: str
    award: str = "giay-khen-xa"


def _plain(fn):
    return lambda life, actor, d, v: fn(actor=actor, dossier_id=d.pk, expected_version=v)


def _reason(fn):
    return lambda life, actor, d, v: fn(actor=actor, dossier_id=d.pk, expected_version=v, reason="Lý do.")


SPECS = [
    Spec(
        "update",
        "draft",
        "proposer",
        ("reviewer", "chair"),
        lambda life, a, d, v: actions.dossier_update(
            actor=a, dossier_id=d.pk, expected_version=v, changes={"achievement_summary": "Nội dung mới."}
        ),
        "draft",
    ),
    Spec(
        "submit", "draft", "proposer", ("reviewer", "secretary"), _plain(actions.dossier_submit), "submitted"
    ),
    Spec("resubmit", "returned", "proposer", ("reviewer",), _plain(actions.dossier_submit), "submitted"),
    Spec(
        "withdraw",
        "submitted",
        "proposer",
        ("reviewer", "chair"),
        _plain(actions.dossier_withdraw),
        "withdrawn",
    ),
    Spec(
        "return",
        "submitted",
        "reviewer",
        ("proposer", "chair", "clerk"),
        _reason(actions.dossier_return),
        "returned",
    ),
    Spec(
        "receive",
        "submitted",
        "reviewer",
        ("proposer", "secretary"),
        _plain(actions.dossier_receive),
        "received",
    ),
    Spec(
        "appraise", "received", "head", ("proposer", "chair"), _plain(actions.dossier_appraise), "appraised"
    ),
    Spec(
        "mark_ineligible",
        "received",
        "reviewer",
        ("proposer", "clerk"),
        _reason(actions.dossier_mark_ineligible),
        "ineligible",
    ),
    Spec(
        "put_on_agenda",
        "appraised",
        "reviewer",
        ("proposer", "secretary"),
        _plain(actions.dossier_put_on_agenda),
        "on_agenda",
    ),
    Spec(
        "council_record",
        "on_agenda",
        "secretary",
        ("reviewer", "chair", "member"),
        _council,
        "council_approved",
    ),
    Spec(
        "prepare_decision",
        "council_approved",
        "reviewer",
        ("proposer", "chair"),
        _plain(actions.dossier_prepare_decision),
        "decision_prepared",
    ),
    Spec(
        "sign",
        "decision_prepared",
        "chair",
        ("reviewer", "clerk", "proposer"),
        _plain(actions.dossier_sign),
        "signed",
    ),
    Spec(
        "award",
        "signed",
        "clerk",
        ("chair", "proposer", "secretary"),
        lambda life, a, d, v: actions.dossier_award(
            actor=a, dossier_id=d.pk, expected_version=v, decision_number="1/QĐ-UBND"
        ),
        "awarded",
    ),
    Spec(
        "submit_to_province",
        "signed",
        "reviewer",
        ("chair", "proposer"),
        _plain(actions.dossier_submit_to_province),
        "submitted_to_province",
        award="bang-khen-tinh",
    ),
    Spec(
        "province_result",
        "submitted_to_province",
        "reviewer",
        ("chair", "clerk", "proposer"),
        lambda life, a, d, v: actions.dossier_province_result(
            actor=a, dossier_id=d.pk, expected_version=v, result="approved", decision_number="5/QĐ-UBND"
        ),
        "province_approved",
        award="bang-khen-tinh",
    ),
    Spec("hold", "received", "reviewer", ("proposer", "chair"), _reason(actions.dossier_hold), "on_hold"),
    Spec(
        "release_hold",
        "on_hold",
        "reviewer",
        ("proposer", "clerk"),
        _plain(actions.dossier_release_hold),
        "submitted",
    ),
    Spec(
        "revoke",
        "awarded",
        "chair",
        ("reviewer", "clerk", "proposer"),
        _reason(actions.dossier_revoke),
        "revoked",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_action_checks_scope_role_version_then_moves(life, spec):
    d = life.reach(spec.state, award=spec.award)
    v = d.version
    right = getattr(life, spec.right)

    # Wrong role, in scope: not allowed. The auditor reads everything and changes nothing.
    for who in (*spec.wrong, "auditor"):
        refused("not_allowed", lambda who=who: spec.call(life, getattr(life, who), d, v), d)

    # A proposer of another unit: the dossier does not exist for them (same answer as a missing id).
    code = "not_allowed" if spec.name == "council_record" else "not_found"
    other = refused(code, lambda: spec.call(life, life.proposer2, d, v), d)
    if code == "not_found":
        missing = refused("not_found", lambda: spec.call(life, right, type(d)(pk=d.pk + 10_000), v), d)
        assert str(missing.message) == str(other.message)

    # A stale form: conflict, and nothing moved.
    exc = refused("stale_version", lambda: spec.call(life, right, d, v - 1), d)
    assert exc.details["current_version"] == v

    # The right person with the current version: it moves, once.
    spec.call(life, right, d, v)
    moved = f.fresh(d)
    assert moved.status == spec.target
    assert moved.version == v + 1


# --- guards that explain why ------------------------------------------------------------------------


def test_submit_outside_the_window_says_the_window_is_closed(life, monkeypatch):
    d = life.draft()
    monkeypatch.setattr(
        "django.utils.timezone.localdate",
        lambda *a, **k: Occasion.objects.get(code="hang-nam-2026").window_closes.replace(day=21),
    )
    exc = refused("invalid_transition", lambda: life.step(d, "submit"), d)
    assert "nomination window of this occasion is closed" in str(exc.message)


def test_nominee_on_hold_cannot_advance(life):
    n = life.nominee()
    d = life.draft(nominee=n)
    n.on_hold = True
    n.save()
    exc = refused("invalid_transition", lambda: life.step(d, "submit"), d)
    assert "nominee is on hold" in str(exc.message)
    n.on_hold = False
    n.save()
    d = life.step(d, "submit")
    n.on_hold = True
    n.save()
    exc = refused("invalid_transition", lambda: life.step(d, "receive"), d)
    assert "nominee is on hold" in str(exc.message)
    # A dossier on hold is not released while its nominee still is.
    d = life.step(f.fresh(d), "hold")
    refused("invalid_transition", lambda: life.step(d, "release_hold"), d)


def test_award_type_that_no_longer_accepts_the_kind_blocks_submit(life):
    d = life.draft(award="giay-khen-xa")
    AwardType.objects.filter(code="giay-khen-xa").update(allows_individual=False)
    exc = refused("invalid_transition", lambda: life.step(d, "submit"), d)
    assert "does not accept this kind of nominee" in str(exc.message)


def test_create_refuses_a_kind_the_award_does_not_allow(life):
    collective = life.nominee(kind="collective", women_percent=10)
    exc = refused("validation_error", lambda: life.draft(award="chien-si-thi-dua-co-so", nominee=collective))
    assert "does not accept this kind of nominee" in str(exc.message)


def test_empty_summary_blocks_submit(life):
    d = life.draft(summary="   ")
    exc = refused("invalid_transition", lambda: life.step(d, "submit"), d)
    assert "achievement summary is empty" in str(exc.message)


def test_no_content_area_blocks_submit(life):
    d = life.draft()
    d = actions.dossier_update(
        actor=life.proposer, dossier_id=d.pk, expected_version=d.version, changes={"content_area_ids": []}
    )
    exc = refused("invalid_transition", lambda: life.step(d, "submit"), d)
    assert "content area" in str(exc.message)


def test_route_guards_keep_commune_and_province_awards_apart(life):
    QuotaLedger.objects.update(limit=100)
    commune = life.reach("signed", award="giay-khen-xa")
    exc = refused("invalid_transition", lambda: life.step(commune, "submit_to_province"), commune)
    assert "not sent to the province" in str(exc.message)
    province = life.reach("signed", award="bang-khen-tinh")
    exc = refused("invalid_transition", lambda: life.step(province, "award"), province)
    assert "not the province" in str(exc.message)


def test_reasons_are_required(life):
    d = life.reach("submitted")
    for fn in (actions.dossier_return, actions.dossier_mark_ineligible, actions.dossier_hold):
        exc = refused(
            "validation_error",
            lambda fn=fn: fn(actor=life.reviewer, dossier_id=d.pk, expected_version=d.version, reason=" "),
            d,
        )
        assert exc.details["field"] == "reason"


# --- one live dossier per nominee, occasion and award type -------------------------------------------


def test_second_live_dossier_for_the_same_achievement_is_a_conflict(life):
    n = life.nominee()
    first = life.draft(nominee=n)
    exc = refused("conflict", lambda: life.draft(nominee=n), first)
    assert "already has a live dossier" in str(exc.message)
    # Another award type or occasion is another achievement.
    life.draft(nominee=n, award="bang-khen-tinh")
    # Once the first is closed (withdrawn), a new one may start.
    life.step(first, "withdraw")
    again = life.draft(nominee=n)
    assert again.status == "draft"


def test_update_refuses_unknown_fields_and_only_edits_drafts(life):
    d = life.draft()
    refused(
        "validation_error",
        lambda: actions.dossier_update(
            actor=life.proposer, dossier_id=d.pk, expected_version=d.version, changes={"status": "awarded"}
        ),
        d,
    )
    other_area = ContentArea.objects.order_by("-number").first()
    d2 = actions.dossier_update(
        actor=life.proposer,
        dossier_id=d.pk,
        expected_version=d.version,
        changes={"content_area_ids": [other_area.pk]},
    )
    assert d2.version == d.version + 1
    d3 = life.step(d2, "submit")
    refused(
        "invalid_transition",
        lambda: actions.dossier_update(
            actor=life.proposer,
            dossier_id=d.pk,
            expected_version=d3.version,
            changes={"achievement_summary": "Sửa sau khi gửi."},
        ),
        d,
    )


def test_create_checks_role_and_unit(life):
    occ = f.occasion()
    award = f.award()
    n = life.nominee()
    kwargs = {
        "unit_id": life.unit.pk,
        "occasion_id": occ.pk,
        "award_type_id": award.pk,
        "nominee_id": n.pk,
        "achievement_summary": "x",
    }
    for who in (life.reviewer, life.auditor, life.proposer2, life.chair):
        with pytest.raises(ActionError) as info:
            actions.dossier_create(actor=who, **kwargs)
        assert info.value.code == "not_allowed"
    # Own unit, but a nominee of another unit.
    stranger = life.nominee(unit=life.unit2)
    with pytest.raises(ActionError) as info:
        actions.dossier_create(actor=life.proposer, **{**kwargs, "nominee_id": stranger.pk})
    assert info.value.code == "validation_error"
