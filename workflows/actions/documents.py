"""Decision-level actions: prepare, number, sign (TOTP step-up), issue, revoke; submissions to the province.

Every action that moves dossiers calls the dossier actions (dossier_prepare_decision, dossier_sign,
dossier_award, dossier_submit_to_province, dossier_province_result, dossier_revoke) for each of them,
inside the decision's own transaction: the FSM, the ledger and the quota seats stay consistent, and a
failure on one dossier leaves every dossier and the decision as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nominations import rules
from nominations.documents import build_package, build_submission_list_pdf, build_submission_xlsx
from nominations.documents.formatting import person_name
from nominations.documents.from_models import build_pdf_for, position_of, submission_doc
from nominations.documents.storage import read_document, save_document
from nominations.models import (
    GOLDEN_BOOK_SERIES,
    AttachmentKind,
    Decision,
    DecisionEntry,
    DecisionKind,
    DecisionStatus,
    DocumentCounter,
    Dossier,
    Occasion,
    ProvinceResult,
    ProvinceSubmission,
    Role,
    RoleAssignment,
    SignerTitle,
)
from nominations.signing import SigningError, detached_signature, sha256_hex, sign_bytes
from nominations.states import DossierStatus
from notifications.services import notify

from ..errors import ActionError, not_allowed
from ..ledger import ledger_append
from ..permissions import roles_of
from .dossier import (
    dossier_award,
    dossier_prepare_decision,
    dossier_province_result,
    dossier_revoke,
    dossier_sign,
    dossier_submit_to_province,
)

OFFICE = (Role.REVIEWER, Role.OFFICE_HEAD)
DEPUTY_WORDS = ("phó chủ tịch",)


# --- shared pieces --------------------------------------------------------------------------------


def _require(actor: Any, authority_id: int, roles: Iterable[str]) -> None:
    if not roles_of(actor, authority_id).has(*roles):
        raise not_allowed()


def decision_not_found() -> ActionError:
    return ActionError("not_found", _("Decision not found."))


def _lock_decision(decision_id: int) -> Decision:
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("authority", "occasion__movement", "signer", "revokes")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise decision_not_found()
    return decision


def _check_version(decision: Decision, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != decision.version:
        raise ActionError(
            "stale_version",
            _("This decision was changed by someone else. Reload it and try again."),
            details={"current_version": decision.version},
        )


def _check_status(decision: Decision, *allowed: str) -> None:
    if decision.status not in allowed:
        raise ActionError(
            "invalid_transition",
            _("This is not possible while the decision is “%(status)s”.")
            % {"status": decision.get_status_display()},
        )


def _bump(decision: Decision, *fields: str) -> None:
    decision.version += 1
    decision.save(update_fields=["version", "updated_at", *fields])


def _record(actor: Any, action: str, decision: Decision, **payload: Any) -> None:
    """Decision-level events go to the system chain; each dossier's move is in its own chain."""
    ledger_append(
        actor=actor,
        action=action,
        payload={
            "decision_id": decision.pk,
            "kind": decision.kind,
            "reference": decision.reference,
            **payload,
        },
    )


def _users_with(authority_id: int, roles: Iterable[str]) -> list[int]:
    return list(
        RoleAssignment.objects.filter(authority_id=authority_id, role__in=list(roles), active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _notify(actor: Any, decision: Decision, roles: Iterable[str], title: str) -> None:
    recipients = sorted(set(_users_with(decision.authority_id, roles)) - {actor.pk})
    if recipients:
        notify(
            recipients=recipients,
            kind="decision",
            title=title,
            body=decision.subject,
            url=f"/documents/decisions/{decision.pk}/",
            data={"decision_id": decision.pk, "status": decision.status},
        )


def _entries(decision: Decision) -> QuerySet[DecisionEntry]:
    return decision.entries.select_related("dossier", "dossier__award_type").order_by("order", "id")


def _dossier_version(dossier_id: int) -> int:
    return Dossier.objects.filter(pk=dossier_id).values_list("version", flat=True).get()


def next_number(*, authority_id: int, year: int, series: str) -> int:
    """The next number of a series, taken under the counter row's lock (gapless: a rollback of the
    caller's transaction gives the number back; concurrent callers wait for the lock)."""
    counter = (
        DocumentCounter.objects.select_for_update()
        .filter(authority_id=authority_id, year=year, series=series)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(authority_id=authority_id, year=year, series=series)
        except IntegrityError:
            pass  # created concurrently; lock the winner's row below
        counter = DocumentCounter.objects.select_for_update().get(
            authority_id=authority_id, year=year, series=series
        )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _pick_signer(authority_id: int, signer_id: int | None) -> tuple[Any, str]:
    """The chair (or a vice-chair, who signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") who will sign."""
    rows = RoleAssignment.objects.filter(
        authority_id=authority_id, role=Role.CHAIR, active=True
    ).select_related("user")
    if signer_id is not None:
        rows = rows.filter(user_id=signer_id)
    chosen = None
    for row in rows.order_by("id"):
        is_deputy = any(word in (row.title or "").lower() for word in DEPUTY_WORDS)
        if chosen is None or (chosen[1] == SignerTitle.DEPUTY and not is_deputy):
            chosen = (row.user, SignerTitle.DEPUTY if is_deputy else SignerTitle.CHAIR)
    if chosen is None:
        raise ActionError(
            "validation_error", _("Choose a chair who will sign."), details={"field": "signer_id"}
        )
    return chosen


# --- prepare --------------------------------------------------------------------------------------


def _default_subject(kind: str, occasion: Occasion) -> str:
    movement = occasion.movement.name
    if kind == DecisionKind.SUBMISSION:
        return f"đề nghị khen thưởng cho tập thể, cá nhân có thành tích trong Phong trào “{movement}”"
    return f"khen thưởng tập thể, cá nhân có thành tích trong Phong trào “{movement}” ({occasion.name})"


def decision_prepare(
    *,
    actor: Any,
    occasion_id: int,
    dossier_ids: Iterable[int],
    kind: str = DecisionKind.AWARD,
    subject: str = "",
    signer_id: int | None = None,
) -> Decision:
    """The office groups council-approved dossiers of one occasion into a draft decision (commune
    awards) or a draft submission to the province (province and state awards)."""
    if kind not in (DecisionKind.AWARD, DecisionKind.SUBMISSION):
        raise ActionError("validation_error", _("Unknown kind of decision."), details={"field": "kind"})
    ids = sorted({int(i) for i in dossier_ids})
    if not ids:
        raise ActionError(
            "validation_error", _("Choose at least one dossier."), details={"field": "dossier_ids"}
        )
    with transaction.atomic():
        occasion = Occasion.objects.select_related("movement__authority").filter(pk=occasion_id).first()
        if occasion is None:
            raise ActionError("not_found", _("Occasion not found."))
        authority = occasion.movement.authority
        _require(actor, authority.pk, OFFICE)
        dossiers = list(
            Dossier.objects.filter(pk__in=ids, authority=authority)
            .select_related("award_type", "nominee__unit")
            .order_by("award_type__order", "nominee_kind", "id")
        )
        if len(dossiers) != len(ids):
            raise ActionError("not_found", _("Dossier not found."))
        problems = []
        for d in dossiers:
            if d.occasion_id != occasion.pk:
                problems.append(_("%(name)s belongs to another occasion.") % {"name": d.nominee.name})
            commune = d.award_type.is_commune_decided
            if kind == DecisionKind.AWARD and not commune:
                problems.append(
                    _("%(name)s: this award is decided by the province; prepare a submission instead.")
                    % {"name": d.nominee.name}
                )
            if kind == DecisionKind.SUBMISSION and commune:
                problems.append(
                    _("%(name)s: this award is decided by the commune chair; prepare a decision instead.")
                    % {"name": d.nominee.name}
                )
        if problems:
            raise ActionError("validation_error", " ".join(problems), details={"reasons": problems})
        signer, title = _pick_signer(authority.pk, signer_id)
        decision = Decision.objects.create(
            authority=authority,
            occasion=occasion,
            kind=kind,
            subject=(subject or "").strip() or _default_subject(kind, occasion),
            signer=signer,
            signer_title=title,
            signer_name=person_name(signer),
            prepared_by=actor,
        )
        today = timezone.localdate()
        for order, d in enumerate(dossiers, start=1):
            moved = dossier_prepare_decision(
                actor=actor, dossier_id=d.pk, expected_version=d.version, note=f"decision:{decision.pk}"
            )
            DecisionEntry.objects.create(
                decision=decision,
                dossier=moved,
                order=order,
                nominee_name=d.nominee.name,
                nominee_kind=d.nominee_kind,
                position=position_of(d.nominee),
                award_name=d.award_type.name,
                summary=d.achievement_summary,
                # Provisional: recomputed on the decision date when the clerk numbers it.
                reward_amount=(
                    rules.reward_amount(d.award_type, d.nominee_kind, today)
                    if kind == DecisionKind.AWARD
                    else 0
                ),
            )
        _record(actor, "decision_prepare", decision, dossier_ids=ids)
        _notify(actor, decision, (Role.CLERK,), _("A decision is waiting for its number"))
    return decision


def submission_prepare(
    *,
    actor: Any,
    occasion_id: int,
    dossier_ids: Iterable[int],
    subject: str = "",
    signer_id: int | None = None,
) -> Decision:
    return decision_prepare(
        actor=actor,
        occasion_id=occasion_id,
        dossier_ids=dossier_ids,
        kind=DecisionKind.SUBMISSION,
        subject=subject,
        signer_id=signer_id,
    )


# --- number ---------------------------------------------------------------------------------------


def decision_issue_number(
    *,
    actor: Any,
    decision_id: int,
    expected_version: int | None = None,
    issued_on: dt.date | None = None,
    render: bool = True,
) -> Decision:
    """The records clerk gives the next number of the year (…/QĐ-UBND or …/TTr-UBND) and the date.

    The number is taken under the counter row's lock in this transaction; the PDF is then rendered
    outside it (rendering takes a second or two and must not hold the counter)."""
    with transaction.atomic():
        decision = _lock_decision(decision_id)
        _require(actor, decision.authority_id, (Role.CLERK,))
        _check_version(decision, expected_version)
        _check_status(decision, DecisionStatus.DRAFT)
        day = issued_on or timezone.localdate()
        number = next_number(authority_id=decision.authority_id, year=day.year, series=decision.series)
        decision.number = number
        decision.number_year = day.year
        decision.issued_on = day
        decision.reference = f"{number}/{decision.series}-{decision.authority.document_suffix}"
        decision.status = DecisionStatus.NUMBERED
        decision.numbered_by = actor
        if decision.kind == DecisionKind.AWARD:
            # Reward money follows the base salary in force on the decision date.
            for entry in _entries(decision):
                amount = rules.reward_amount(entry.dossier.award_type, entry.nominee_kind, day)
                if amount != entry.reward_amount:
                    entry.reward_amount = amount
                    entry.save(update_fields=["reward_amount"])
        _bump(decision, "number", "number_year", "issued_on", "reference", "status", "numbered_by")
        _record(actor, "decision_number", decision, number=number, issued_on=day.isoformat())
    if render:
        return decision_render_pdf(actor=actor, decision_id=decision.pk)
    return decision


def decision_render_pdf(*, actor: Any, decision_id: int) -> Decision:
    """(Re)build the PDF of a numbered, unsigned decision and record its SHA-256."""
    decision = Decision.objects.select_related("authority", "occasion__movement", "signer", "revokes").get(
        pk=decision_id
    )
    _require(actor, decision.authority_id, (Role.CLERK, *OFFICE))
    _check_status(decision, DecisionStatus.NUMBERED)
    pdf = build_pdf_for(decision)
    name = save_document(pdf, suffix=".pdf")
    with transaction.atomic():
        decision = _lock_decision(decision_id)
        _check_status(decision, DecisionStatus.NUMBERED)
        decision.pdf_storage_name = name
        decision.sha256 = sha256_hex(pdf)
        _bump(decision, "pdf_storage_name", "sha256")
        _record(actor, "decision_render", decision, sha256=decision.sha256)
        _notify(actor, decision, (Role.CHAIR,), _("A decision is waiting for your signature"))
    return decision


# --- sign (TOTP step-up) --------------------------------------------------------------------------


def verify_step_up(*, user: Any, token: str) -> bool:
    """Check a TOTP code against the user's confirmed devices; a code is consumed once it verifies.

    Runs in its own committed transaction, so a wrong code's throttling and a right code's use are
    kept even when the signing that follows fails."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return False
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id"):
            if device.verify_token(token):
                return True
    return False


def decision_sign(
    *, actor: Any, decision_id: int, otp_token: str, expected_version: int | None = None
) -> Decision:
    """The chair signs: a fresh TOTP code, then Ed25519 over the exact PDF bytes. Frozen afterwards.

    Signing a revocation decision revokes its dossiers (quota seats released) and the decision it
    revokes."""
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise decision_not_found()
    _require(actor, decision.authority_id, (Role.CHAIR,))
    if decision.signer_id is not None and decision.signer_id != actor.pk:
        raise ActionError(
            "not_allowed", _("This decision is to be signed by %(name)s.") % {"name": decision.signer_name}
        )
    _check_status(decision, DecisionStatus.NUMBERED)
    if not verify_step_up(user=actor, token=otp_token):
        raise ActionError(
            "not_allowed",
            _("The one-time code is not valid or was already used. Enter the current code from your app."),
            details={"field": "otp_token"},
        )
    with transaction.atomic():
        decision = _lock_decision(decision_id)
        _check_version(decision, expected_version)
        _check_status(decision, DecisionStatus.NUMBERED)
        if not decision.pdf_storage_name:
            raise ActionError("invalid_transition", _("The document has not been generated yet."))
        pdf = read_document(decision.pdf_storage_name)
        if sha256_hex(pdf) != decision.sha256:
            raise ActionError(
                "conflict", _("The stored document differs from the one prepared; regenerate it.")
            )
        try:
            signed = sign_bytes(user=actor, data=pdf)
        except SigningError as exc:
            # A missing passphrase or an unsafe key file: refuse clearly, nothing is signed.
            raise ActionError("conflict", str(exc)) from exc
        decision.signature = signed.signature
        decision.public_key = signed.public_key
        decision.key_id = signed.key_id
        decision.signer = actor
        decision.signer_name = person_name(actor)
        decision.signed_at = timezone.now()
        decision.status = DecisionStatus.SIGNED
        _bump(decision, "signature", "public_key", "key_id", "signer", "signer_name", "signed_at", "status")
        if decision.kind == DecisionKind.REVOCATION:
            _apply_revocation(actor, decision)
        else:
            for entry in _entries(decision):
                dossier_sign(
                    actor=actor,
                    dossier_id=entry.dossier_id,
                    expected_version=_dossier_version(entry.dossier_id),
                    note=decision.reference,
                )
        _record(actor, "decision_sign", decision, sha256=decision.sha256, key_id=decision.key_id)
        next_roles = (Role.CLERK, *OFFICE)
        _notify(actor, decision, next_roles, _("Decision %(ref)s was signed") % {"ref": decision.reference})
    return decision


def signature_file_for(decision: Decision) -> bytes:
    """The detached signature that travels with a signed PDF."""
    from nominations.signing import SignedBytes

    return detached_signature(
        signed=SignedBytes(
            sha256=decision.sha256,
            signature=decision.signature,
            public_key=decision.public_key,
            key_id=decision.key_id,
        ),
        document=decision.reference,
        signer_name=decision.signer_name,
        signer_title=decision.get_signer_title_display(),
        signed_at=decision.signed_at or timezone.now(),
        file_name=pdf_file_name(decision),
    )


def pdf_file_name(decision: Decision) -> str:
    prefix = {"award": "quyet-dinh", "revocation": "quyet-dinh-huy-bo", "submission": "to-trinh"}[
        decision.kind
    ]
    if decision.number:
        return f"{prefix}-{decision.number}-{decision.number_year}.pdf"
    return f"{prefix}-du-thao-{decision.pk}.pdf"


# --- issue an award decision ----------------------------------------------------------------------


def decision_issue(*, actor: Any, decision_id: int, expected_version: int | None = None) -> Decision:
    """After the signature the clerk enters each awardee in the golden book; dossiers become awarded
    with the decision number, golden-book number and reward money."""
    with transaction.atomic():
        decision = _lock_decision(decision_id)
        _require(actor, decision.authority_id, (Role.CLERK,))
        _check_version(decision, expected_version)
        if decision.kind != DecisionKind.AWARD:
            raise ActionError("invalid_transition", _("Only an award decision is issued this way."))
        _check_status(decision, DecisionStatus.SIGNED)
        year = (decision.issued_on or timezone.localdate()).year
        for entry in _entries(decision):
            number = next_number(authority_id=decision.authority_id, year=year, series=GOLDEN_BOOK_SERIES)
            entry.golden_book_number = f"{number}/{year}"
            entry.save(update_fields=["golden_book_number"])
            dossier_award(
                actor=actor,
                dossier_id=entry.dossier_id,
                expected_version=_dossier_version(entry.dossier_id),
                decision_number=decision.reference,
                golden_book_number=entry.golden_book_number,
                reward_amount=entry.reward_amount,
            )
        decision.status = DecisionStatus.ISSUED
        _bump(decision, "status")
        _record(actor, "decision_issue", decision)
    return decision


# --- revoke ---------------------------------------------------------------------------------------


def decision_revoke(
    *,
    actor: Any,
    decision_id: int,
    reason: str,
    dossier_ids: Iterable[int] | None = None,
    signer_id: int | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Prepare the decision that revokes an issued award decision (all of it, or some awardees).

    It is numbered and signed like any decision; its signature revokes the dossiers (seats released)
    and lists the money to recover."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("validation_error", _("Please give a reason."), details={"field": "reason"})
    with transaction.atomic():
        original = _lock_decision(decision_id)
        _require(actor, original.authority_id, (*OFFICE, Role.CHAIR))
        _check_version(original, expected_version)
        if original.kind != DecisionKind.AWARD:
            raise ActionError("invalid_transition", _("Only an award decision can be revoked."))
        _check_status(original, DecisionStatus.ISSUED)
        entries = [e for e in _entries(original) if e.dossier.status == DossierStatus.AWARDED]
        if dossier_ids is not None:
            wanted = {int(i) for i in dossier_ids}
            entries = [e for e in entries if e.dossier_id in wanted]
        if not entries:
            raise ActionError("validation_error", _("No awarded dossier of this decision is left to revoke."))
        if Decision.objects.filter(
            revokes=original, status__in=[DecisionStatus.DRAFT, DecisionStatus.NUMBERED]
        ).exists():
            raise ActionError("conflict", _("A revocation of this decision is already being prepared."))
        signer, title = _pick_signer(original.authority_id, signer_id)
        revocation = Decision.objects.create(
            authority=original.authority,
            occasion=original.occasion,
            kind=DecisionKind.REVOCATION,
            subject=f"hủy bỏ Quyết định số {original.reference} về việc {original.subject}",
            reason=reason,
            revokes=original,
            signer=signer,
            signer_title=title,
            signer_name=person_name(signer),
            prepared_by=actor,
        )
        for order, e in enumerate(entries, start=1):
            DecisionEntry.objects.create(
                decision=revocation,
                dossier=e.dossier,
                order=order,
                nominee_name=e.nominee_name,
                nominee_kind=e.nominee_kind,
                position=e.position,
                award_name=e.award_name,
                summary=e.summary,
                reward_amount=e.reward_amount,  # the money to recover
                golden_book_number=e.golden_book_number,
            )
        _record(actor, "decision_revoke_prepare", revocation, revokes=original.pk, reason=reason)
        _notify(actor, revocation, (Role.CLERK,), _("A revocation decision is waiting for its number"))
    return revocation


def _apply_revocation(actor: Any, revocation: Decision) -> None:
    for entry in _entries(revocation):
        dossier_revoke(
            actor=actor,
            dossier_id=entry.dossier_id,
            expected_version=_dossier_version(entry.dossier_id),
            reason=f"{revocation.reference}: {revocation.reason}",
        )
    original = revocation.revokes
    if original is None:
        return
    original = _lock_decision(original.pk)
    # The original stays signed and frozen; it is revoked once none of its awards stand.
    still_awarded = original.entries.filter(dossier__status=DossierStatus.AWARDED).exists()
    if not still_awarded:
        original.status = DecisionStatus.REVOKED
        _bump(original, "status")


def money_to_recover(decision: Decision) -> list[dict[str, Any]]:
    """For a revocation: who must give back how much."""
    return [
        {"name": e.nominee_name, "award": e.award_name, "amount": e.reward_amount, "dossier_id": e.dossier_id}
        for e in _entries(decision)
    ]


# --- submissions to the province ------------------------------------------------------------------


def _attachment_bytes(storage_name: str) -> bytes:
    from pathlib import Path

    root = (Path(settings.PRIVATE_STORAGE_ROOT) / "attachments").resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise ActionError("conflict", _("An attachment path is invalid."))
    return path.read_bytes()


def submission_files(decision: Decision) -> list[tuple[str, bytes]]:
    """The files of the package: the signed tờ trình and its signature, the list (PDF and XLSX), and
    each dossier's achievement report(s) and council minutes."""
    base = f"{decision.number}-{decision.number_year}"
    doc = submission_doc(decision)
    files: list[tuple[str, bytes]] = [
        (f"01-to-trinh-{base}.pdf", read_document(decision.pdf_storage_name)),
        (f"01-to-trinh-{base}.pdf.sig.json", signature_file_for(decision)),
        (f"02-danh-sach-{base}.pdf", build_submission_list_pdf(doc)),
        (f"02-danh-sach-{base}.xlsx", build_submission_xlsx(doc)),
    ]
    kinds: dict[str, str] = {
        AttachmentKind.ACHIEVEMENT_REPORT: "bao-cao-thanh-tich",
        AttachmentKind.MINUTES: "bien-ban-hoi-dong",
    }
    for index, entry in enumerate(_entries(decision), start=1):
        attachments = entry.dossier.attachments.filter(kind__in=list(kinds), removed_in_version__isnull=True)
        seen: dict[str, int] = {}
        for att in attachments.order_by("kind", "uploaded_at", "id"):
            seen[att.kind] = number = seen.get(att.kind, 0) + 1
            extension = att.original_name.rsplit(".", 1)[-1].lower() if "." in att.original_name else "bin"
            name = f"03-ho-so/{index:02d}-{entry.dossier_id}/{kinds[att.kind]}-{number}.{extension}"
            files.append((name, _attachment_bytes(att.storage_name)))
    return files


def submission_package(
    *, actor: Any, decision_id: int, expected_version: int | None = None, external_reference: str = ""
) -> ProvinceSubmission:
    """Build the ZIP (with a manifest of SHA-256s), record it, and move every dossier to
    "submitted to province"."""
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise decision_not_found()
    _require(actor, decision.authority_id, OFFICE)
    if decision.kind != DecisionKind.SUBMISSION:
        raise ActionError("invalid_transition", _("Only a submission to the province is packaged."))
    _check_status(decision, DecisionStatus.SIGNED)
    files = submission_files(decision)
    meta = {
        "document": decision.reference,
        "authority": decision.authority.name,
        "occasion": decision.occasion.name,
        "signed_sha256": decision.sha256,
    }
    package = build_package(files=files, meta=meta)
    storage_name = save_document(package, suffix=".zip")
    with transaction.atomic():
        decision = _lock_decision(decision_id)
        _check_version(decision, expected_version)
        _check_status(decision, DecisionStatus.SIGNED)
        submission = ProvinceSubmission.objects.create(
            decision=decision,
            package_storage_name=storage_name,
            package_sha256=sha256_hex(package),
            package_size=len(package),
            manifest={"files": [{"name": n, "sha256": sha256_hex(b), "size": len(b)} for n, b in files]},
            sent_at=timezone.now(),
            sent_by=actor,
            external_reference=(external_reference or "").strip(),
        )
        for entry in _entries(decision):
            dossier_submit_to_province(
                actor=actor,
                dossier_id=entry.dossier_id,
                expected_version=_dossier_version(entry.dossier_id),
                note=decision.reference,
            )
        decision.status = DecisionStatus.ISSUED
        _bump(decision, "status")
        _record(actor, "submission_package", decision, package_sha256=submission.package_sha256)
    return submission


def submission_record_result(
    *,
    actor: Any,
    decision_id: int,
    dossier_id: int,
    result: str,
    decision_number: str = "",
    decided_on: dt.date | None = None,
    reason: str = "",
) -> DecisionEntry:
    """The province's answer for one dossier of a submission (approved / returned / rejected)."""
    if result not in ProvinceResult.values:
        raise ActionError("validation_error", _("Unknown province result."), details={"field": "result"})
    with transaction.atomic():
        decision = _lock_decision(decision_id)
        _require(actor, decision.authority_id, OFFICE)
        if decision.kind != DecisionKind.SUBMISSION:
            raise ActionError("invalid_transition", _("Only a submission to the province has results."))
        _check_status(decision, DecisionStatus.ISSUED)
        entry = decision.entries.filter(dossier_id=dossier_id).first()
        if entry is None:
            raise ActionError("not_found", _("Dossier not found."))
        dossier_province_result(
            actor=actor,
            dossier_id=dossier_id,
            expected_version=_dossier_version(dossier_id),
            result=result,
            decision_number=decision_number,
            decided_on=decided_on,
            reason=reason,
        )
        entry.province_result = result
        entry.province_decision_number = (decision_number or "").strip() if result == "approved" else ""
        entry.province_decided_on = decided_on if result == "approved" else None
        entry.province_reason = (reason or "").strip() if result != "approved" else ""
        entry.save(
            update_fields=[
                "province_result",
                "province_decision_number",
                "province_decided_on",
                "province_reason",
            ]
        )
        _record(actor, "province_result", decision, dossier_id=dossier_id, result=result)
    return entry


def chairs_of(authority_id: int) -> list[Any]:
    user_ids = _users_with(authority_id, (Role.CHAIR,))
    return list(get_user_model().objects.filter(pk__in=user_ids).order_by("id"))
