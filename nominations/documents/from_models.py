"""Decision rows → the plain data the builders take. The fixed wording is Vietnamese legal text."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Q
from django.utils import timezone

from ..models import Authority, Decision, DecisionEntry, DecisionKind, LegalBasis, Nominee, Unit
from .data import Awardee, DecisionDoc, Issuer, Signer, SubmissionDoc
from .formatting import person_name

PARENT = "ủy ban nhân dân"


def issuer_for(authority: Authority) -> Issuer:
    """ "Ủy ban nhân dân xã Vĩnh Thông" → header lines "ỦY BAN NHÂN DÂN" / "XÃ VĨNH THÔNG"."""
    name = authority.name.strip()
    if name.lower().startswith(PARENT + " "):
        parent, own = name[: len(PARENT)], name[len(PARENT) + 1 :]
    else:
        parent, own = "", name
    return Issuer(
        parent_name=parent.upper(),
        name=own.upper(),
        full_name=name,
        place_name=authority.place_name or own,
        province=authority.province,
        abbreviation=authority.document_suffix,
    )


def legal_bases_on(authority_id: int, on: dt.date) -> list[str]:
    rows = (
        LegalBasis.objects.filter(authority_id=authority_id, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("order", "id")
    )
    return [row.citation for row in rows]


def reviewing_office(authority_id: int) -> str:
    unit = Unit.objects.filter(authority_id=authority_id, is_reviewing_office=True).order_by("id").first()
    name = unit.name if unit else "Phòng Văn hóa – Xã hội"
    # "Phòng Văn hóa – Xã hội" is written "Trưởng phòng Văn hóa – Xã hội" after a title.
    return name[0].lower() + name[1:] if name.startswith("Phòng") else name


def position_of(nominee: Nominee) -> str:
    """What the list says under "position, unit"."""
    unit_name = nominee.unit.name
    if nominee.kind == "collective":
        return "" if nominee.name == unit_name else unit_name
    return ", ".join(p for p in (nominee.position, unit_name) if p)


def number_text(decision: Decision) -> str:
    if decision.reference:
        return decision.reference
    return f"      /{decision.series}-{decision.authority.document_suffix}"


def _awardees(entries: list[DecisionEntry]) -> list[Awardee]:
    return [
        Awardee(
            name=e.nominee_name,
            kind=e.nominee_kind,
            position=e.position,
            award_name=e.award_name,
            amount=e.reward_amount,
            summary=e.summary,
            golden_book_number=e.golden_book_number,
        )
        for e in entries
    ]


def _signer(decision: Decision) -> Signer:
    name = decision.signer_name
    if not name and decision.signer is not None:
        name = person_name(decision.signer)
    return Signer(title=decision.signer_title, name=name)


def decision_doc(decision: Decision) -> DecisionDoc:
    authority = decision.authority
    on = decision.issued_on or timezone.localdate()
    entries = list(decision.entries.select_related("dossier").order_by("order", "id"))
    office = reviewing_office(authority.pk)
    movement = decision.occasion.movement
    recipients = ["Như Điều 3"]
    if authority.province:
        recipients.append(f"UBND tỉnh {authority.province} (b/c)")
    recipients.append("Lưu: VT")
    doc = DecisionDoc(
        issuer=issuer_for(authority),
        number=number_text(decision),
        issued_on=decision.issued_on,
        subject=decision.subject,
        legal_bases=legal_bases_on(authority.pk, on),
        proposal=f"Xét đề nghị của Hội đồng Thi đua - Khen thưởng xã và Trưởng {office}",
        awardees=_awardees(entries),
        signer=_signer(decision),
        recipients=recipients,
        executors=(
            f"Chánh Văn phòng HĐND và UBND xã, Trưởng {office}, Thủ trưởng các cơ quan, đơn vị có liên quan"
        ),
        occasion_name=decision.occasion.name,
        movement_name=movement.name,
    )
    if decision.kind != DecisionKind.REVOCATION:
        return doc
    revoked = decision.revokes
    return replace(
        doc,
        kind="revocation",
        proposal=f"Xét đề nghị của Trưởng {office} về việc hủy bỏ quyết định khen thưởng",
        revoked_number=revoked.reference if revoked else "",
        revoked_on=revoked.issued_on if revoked else None,
        reason=decision.reason,
    )


def submission_doc(decision: Decision) -> SubmissionDoc:
    authority = decision.authority
    on = decision.issued_on or timezone.localdate()
    entries = list(decision.entries.order_by("order", "id"))
    movement = decision.occasion.movement
    return SubmissionDoc(
        issuer=issuer_for(authority),
        number=number_text(decision),
        issued_on=decision.issued_on,
        subject=decision.subject,
        addressee=f"Ủy ban nhân dân tỉnh {authority.province}"
        if authority.province
        else "Ủy ban nhân dân tỉnh",
        legal_bases=legal_bases_on(authority.pk, on),
        body=(
            f"Thực hiện Phong trào “{movement.name}”, trên cơ sở đề nghị của các cơ quan, đơn vị và kết quả "
            f"xét, bỏ phiếu của Hội đồng Thi đua - Khen thưởng xã ({decision.occasion.name})."
        ),
        awardees=_awardees(entries),
        signer=_signer(decision),
        recipients=["Như trên", "Lưu: VT"],
        occasion_name=decision.occasion.name,
        movement_name=movement.name,
        enclosures=[
            "Danh sách đề nghị khen thưởng",
            "Báo cáo thành tích của các tập thể, cá nhân",
            "Biên bản họp Hội đồng Thi đua - Khen thưởng xã",
        ],
    )


def build_pdf_for(decision: Decision) -> bytes:
    from .builders import build_decision_pdf, build_submission_pdf

    if decision.kind == DecisionKind.SUBMISSION:
        return build_submission_pdf(submission_doc(decision))
    return build_decision_pdf(decision_doc(decision))
