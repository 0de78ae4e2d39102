"""The council votes in the app: sessions, secret ballots, recusals, closing and the minutes.

Secret ballot, as built here:
- A ballot row says who voted on which dossier (members and the secretary may see that) and holds the
  choice only until the session closes; no page, API, websocket message or ledger event shows it.
- Each cast makes a fresh commitment = SHA-256(session|dossier|member|choice|salt) with a 128-bit random
  salt that is handed to the member once as a receipt and never stored.
- At closing the tally is counted, the (commitment, choice) pairs are published per dossier sorted by
  commitment (no names), the hash of that publication goes into the ledger, and the ballot rows lose
  their choice and commitment. Auditors recount the published pairs; a member recomputes their own
  commitment from the receipt and finds it under the choice they made.

Every action here is one transaction on the session row (locked), appends to the session's ledger chain
"council:<id>" and wakes the live screen after commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nominations import rules
from nominations.models import (
    Attendance,
    Ballot,
    BallotChoice,
    CouncilSession,
    CouncilSessionStatus,
    Dossier,
    Recusal,
    RecusalReason,
    Role,
    RoleAssignment,
    SessionAgendaItem,
)
from nominations.states import DossierStatus
from notifications.services import notify

from ..canonical import canonical_bytes, sha256_hex
from ..errors import ActionError, not_allowed
from ..ledger import ledger_append
from ..permissions import roles_of

NOT_SENT_NO_QUORUM = "no_quorum"
NOT_SENT_NOT_ON_AGENDA = "not_on_agenda"


# --- pure parts: commitments and counting -----------------------------------------------------------


def ballot_commitment(*, session_id: int, dossier_id: int, member_id: int, choice: str, salt: str) -> str:
    raw = f"thidua-ballot-v1|{session_id}|{dossier_id}|{member_id}|{choice}|{salt}".encode()
    return hashlib.sha256(raw).hexdigest()


def receipt_matches(
    *, session_id: int, dossier_id: int, member_id: int, choice: str, salt: str, commitment: str
) -> bool:
    expected = ballot_commitment(
        session_id=session_id, dossier_id=dossier_id, member_id=member_id, choice=choice, salt=salt
    )
    return secrets.compare_digest(expected, commitment.strip().lower())


@dataclass(frozen=True)
class Receipt:
    """Shown to the member once: with it they can find their ballot in the published list."""

    session_id: int
    dossier_id: int
    member_id: int
    commitment: str
    salt: str
    changed: bool


@dataclass(frozen=True)
class DossierCount:
    """One dossier's count. Percent and threshold are over ALL council members, not those present."""

    dossier_id: int
    members_all: int
    eligible_present: int  # present and not recused
    recused: int
    issued: int
    returned: int
    valid: int
    agreeing: int
    disagreeing: int
    abstaining: int
    quorum_met: bool

    @property
    def agreeing_percent(self) -> Decimal:
        if not self.members_all:
            return Decimal(0)
        return (Decimal(self.agreeing) * 100 / self.members_all).quantize(Decimal("0.01"))

    def as_tally(self) -> dict[str, int]:
        return {
            "dossier_id": self.dossier_id,
            "issued": self.issued,
            "returned": self.returned,
            "valid": self.valid,
            "agreeing": self.agreeing,
        }


def count_dossier(
    *,
    dossier_id: int,
    members_all: int,
    present_ids: Iterable[int],
    recused_ids: Iterable[int],
    ballots: Iterable[tuple[int, str, bool]],
    quorum_percent: Decimal,
) -> DossierCount:
    """Count one dossier from (member_id, choice, written) ballots.

    Ballots issued: one to each present member who is not recused, plus each written ballot of an
    absent member. Recused members are not counted as present for this dossier's quorum.
    """
    recused = set(recused_ids)
    eligible_present = set(present_ids) - recused
    valid_ballots = [(m, c, w) for m, c, w in ballots if m not in recused]
    written = sum(1 for m, _c, w in valid_ballots if w and m not in eligible_present)
    choices = [c for _m, c, _w in valid_ballots]
    agreeing = choices.count(BallotChoice.AGREE)
    disagreeing = choices.count(BallotChoice.DISAGREE)
    abstaining = choices.count(BallotChoice.ABSTAIN)
    returned = len(choices)
    return DossierCount(
        dossier_id=dossier_id,
        members_all=members_all,
        eligible_present=len(eligible_present),
        recused=len(recused),
        issued=len(eligible_present) + written,
        returned=returned,
        # Electronic ballots offer only the three choices, so every returned ballot is valid.
        valid=agreeing + disagreeing + abstaining,
        agreeing=agreeing,
        disagreeing=disagreeing,
        abstaining=abstaining,
        quorum_met=rules.quorum_met(len(eligible_present), members_all, quorum_percent),
    )


# --- reads ------------------------------------------------------------------------------------------


def council_roster(*, authority_id: int) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(authority_id=authority_id, role=Role.COUNCIL_MEMBER, active=True)
        .select_related("user", "unit")
        .order_by("user_id")
    )


def session_quorum_percent(session: CouncilSession) -> Decimal:
    rule = rules.council_rule_on(session.authority_id, session.held_on)
    return rule.award_quorum_percent if session.decides_awards else rule.quorum_percent


def session_progress(*, session: CouncilSession) -> list[dict[str, Any]]:
    """Ballots returned per dossier and who has voted: never how (safe for members and secretary)."""
    attendance = list(session.attendance.select_related("member"))
    names = {a.member_id: _person(a.member) for a in attendance}
    present = {a.member_id for a in attendance if a.present}
    recused: dict[int, set[int]] = {}
    for r in Recusal.objects.filter(session=session).values_list("dossier_id", "member_id"):
        recused.setdefault(r[0], set()).add(r[1])
    voted: dict[int, list[int]] = {}
    for dossier_id, member_id in (
        Ballot.objects.filter(session=session).order_by("member_id").values_list("dossier_id", "member_id")
    ):
        voted.setdefault(dossier_id, []).append(member_id)
    rows = []
    for item in session.agenda.select_related("dossier__nominee").all():
        members = voted.get(item.dossier_id, [])
        rows.append(
            {
                "dossier_id": item.dossier_id,
                "expected": len(present - recused.get(item.dossier_id, set())),
                "returned": len(members),
                "voters": [names.get(m, "") for m in members],
            }
        )
    return rows


def council_group(session_id: int) -> str:
    return f"council.{session_id}"


def _push(session_id: int, message: dict[str, Any]) -> None:
    """After commit, tell the live screens; a failed push never fails the committed action."""
    layer = get_channel_layer()
    if layer is None:
        return
    # The page reloads its state from the server on reconnect, so a lost push costs nothing.
    with contextlib.suppress(Exception):
        async_to_sync(layer.group_send)(council_group(session_id), message)


def _push_progress_on_commit(session: CouncilSession) -> None:
    session_id = session.pk

    def send() -> None:
        s = CouncilSession.objects.get(pk=session_id)
        _push(
            session_id, {"type": "council.progress", "status": s.status, "rows": session_progress(session=s)}
        )

    transaction.on_commit(send, robust=True)


# --- helpers ----------------------------------------------------------------------------------------


def _chain(session: CouncilSession) -> str:
    return f"council:{session.pk}"


def _locked_session(session_id: int) -> CouncilSession:
    session = CouncilSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise ActionError("not_found", _("Council session not found."))
    return session


def _require_secretary(actor: Any, session: CouncilSession) -> None:
    if not roles_of(actor, session.authority_id).has(Role.SECRETARY):
        raise not_allowed()


def _require_status(session: CouncilSession, *allowed: str) -> None:
    if session.status not in allowed:
        messages = {
            CouncilSessionStatus.DRAFT: _("Voting has not been opened yet."),
            CouncilSessionStatus.OPEN: _("Voting is open; this can only be done before it opens."),
            CouncilSessionStatus.CLOSED: _("The session is closed."),
        }
        raise ActionError("conflict", messages[CouncilSessionStatus(session.status)])


def _recuse_automatically(session: CouncilSession, item_dossiers: list[Dossier]) -> list[Recusal]:
    """A member is recused from a dossier of their own unit or about themselves."""
    made = []
    units = {
        ra.user_id: ra.unit_id
        for ra in RoleAssignment.objects.filter(
            authority_id=session.authority_id, role=Role.COUNCIL_MEMBER, active=True
        )
    }
    for member_id in session.attendance.values_list("member_id", flat=True):
        for d in item_dossiers:
            if units.get(member_id) == d.unit_id or d.nominee.user_id == member_id:
                r, created = Recusal.objects.get_or_create(
                    session=session, dossier=d, member_id=member_id, defaults={"reason": RecusalReason.AUTO}
                )
                if created:
                    made.append(r)
    return made


def _is_recused(session: CouncilSession, dossier: Dossier, member_id: int) -> bool:
    return Recusal.objects.filter(session=session, dossier=dossier, member_id=member_id).exists()


def _agenda_dossier(session: CouncilSession, dossier_id: int) -> Dossier:
    item = session.agenda.select_related("dossier__nominee").filter(dossier_id=dossier_id).first()
    if item is None:
        raise ActionError("not_found", _("This dossier is not on the session's agenda."))
    return item.dossier


# --- actions ----------------------------------------------------------------------------------------


def council_session_create(
    *,
    actor: Any,
    authority_id: int,
    held_on: dt.date,
    place: str,
    chair_id: int,
    dossier_ids: Iterable[int],
    decides_awards: bool = True,
) -> CouncilSession:
    """The secretary prepares a session: roster snapshot, agenda of dossiers on the council agenda."""
    if not roles_of(actor, authority_id).has(Role.SECRETARY):
        raise not_allowed()
    ids = sorted({int(i) for i in dossier_ids})
    if not ids:
        raise ActionError("validation_error", _("Put at least one dossier on the agenda."))
    if not place.strip():
        raise ActionError("validation_error", _("The place is required."), details={"field": "place"})
    User = get_user_model()
    if not User.objects.filter(pk=chair_id, is_active=True).exists():
        raise ActionError(
            "validation_error", _("Choose the chair of the meeting."), details={"field": "chair"}
        )
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.select_related("nominee")
            .filter(pk__in=ids, authority_id=authority_id, status=DossierStatus.ON_AGENDA)
            .order_by("pk")
        )
        if len(dossiers) != len(ids):
            raise ActionError("validation_error", _("Only dossiers on the council agenda can be voted on."))
        roster = council_roster(authority_id=authority_id)
        if not roster:
            raise ActionError("validation_error", _("The council has no members."))
        session = CouncilSession.objects.create(
            authority_id=authority_id,
            held_on=held_on,
            place=place.strip(),
            chair_id=chair_id,
            secretary=actor,
            decides_awards=decides_awards,
        )
        Attendance.objects.bulk_create([Attendance(session=session, member_id=ra.user_id) for ra in roster])
        SessionAgendaItem.objects.bulk_create(
            [SessionAgendaItem(session=session, dossier=d, order=i) for i, d in enumerate(dossiers, start=1)]
        )
        recusals = _recuse_automatically(session, dossiers)
        ledger_append(
            actor=actor,
            action="council_session_create",
            chain=_chain(session),
            payload={
                "session_id": session.pk,
                "held_on": held_on.isoformat(),
                "place": session.place,
                "chair_id": chair_id,
                "decides_awards": decides_awards,
                "members": [ra.user_id for ra in roster],
                "agenda": ids,
                "recusals": sorted([r.dossier_id, r.member_id] for r in recusals),
            },
        )
    return session


def council_session_mark_attendance(
    *, actor: Any, session_id: int, present_ids: Iterable[int]
) -> CouncilSession:
    """The secretary marks who is present (before voting opens); everyone else on the roster is absent."""
    present = {int(i) for i in present_ids}
    with transaction.atomic():
        session = _locked_session(session_id)
        _require_secretary(actor, session)
        _require_status(session, CouncilSessionStatus.DRAFT)
        roster = set(session.attendance.values_list("member_id", flat=True))
        if not present <= roster:
            raise ActionError("validation_error", _("Only council members can be marked present."))
        session.attendance.filter(member_id__in=present).update(present=True)
        session.attendance.exclude(member_id__in=present).update(present=False)
        ledger_append(
            actor=actor,
            action="council_attendance",
            chain=_chain(session),
            payload={"session_id": session.pk, "present": sorted(present)},
        )
    return session


def council_session_open(*, actor: Any, session_id: int) -> CouncilSession:
    """Open the ballots. Refused without quorum (award sessions need the higher quorum)."""
    with transaction.atomic():
        session = _locked_session(session_id)
        _require_secretary(actor, session)
        _require_status(session, CouncilSessionStatus.DRAFT)
        members_all = session.attendance.count()
        present = session.attendance.filter(present=True).count()
        percent = session_quorum_percent(session)
        if not rules.quorum_met(present, members_all, percent):
            raise ActionError(
                "validation_error",
                _("No quorum: %(p)s of %(n)s members present, %(q)s%% required.")
                % {"p": present, "n": members_all, "q": percent.normalize()},
            )
        # Recheck conflicts at opening: a role or nominee link may have changed since the agenda was set.
        _recuse_automatically(session, [i.dossier for i in session.agenda.select_related("dossier__nominee")])
        session.status = CouncilSessionStatus.OPEN
        session.opened_at = timezone.now()
        session.save(update_fields=["status", "opened_at"])
        ledger_append(
            actor=actor,
            action="council_session_open",
            chain=_chain(session),
            payload={"session_id": session.pk, "present": present, "members_all": members_all},
        )
        voters = list(session.attendance.filter(present=True).values_list("member_id", flat=True))
        notify(
            recipients=voters,
            kind="council_open",
            title=_("Council voting is open"),
            body=_("Session of %(date)s at %(place)s: your ballots are waiting.")
            % {"date": session.held_on.strftime("%d/%m/%Y"), "place": session.place},
            url=f"/council/{session.pk}/",
            data={"session_id": session.pk},
        )
        _push_progress_on_commit(session)
    return session


def _store_ballot(
    *, actor: Any, session: CouncilSession, dossier: Dossier, member_id: int, choice: str, written: bool
) -> Receipt:
    if choice not in BallotChoice.values:
        raise ActionError("validation_error", _("Choose agree, disagree or abstain."))
    salt = secrets.token_hex(16)
    commitment = ballot_commitment(
        session_id=session.pk, dossier_id=dossier.pk, member_id=member_id, choice=choice, salt=salt
    )
    ballot = Ballot.objects.filter(session=session, dossier=dossier, member_id=member_id).first()
    changed = ballot is not None
    if ballot is None:
        Ballot.objects.create(
            session=session,
            dossier=dossier,
            member_id=member_id,
            choice=choice,
            written=written,
            commitment=commitment,
        )
    else:
        ballot.choice, ballot.commitment, ballot.written = choice, commitment, written
        ballot.save(update_fields=["choice", "commitment", "written", "updated_at"])
    # The ledger says that a ballot was cast (or changed), never its choice nor its commitment: the
    # commitment is published with its choice at closing, so linking it to a name here would reveal it.
    ledger_append(
        actor=actor,
        action="council_ballot_written" if written else "council_ballot_cast",
        chain=_chain(session),
        dossier=dossier,
        from_state=str(dossier.status),
        to_state=str(dossier.status),
        payload={"session_id": session.pk, "member_id": member_id, "changed": changed, "written": written},
    )
    _push_progress_on_commit(session)
    return Receipt(session.pk, dossier.pk, member_id, commitment, salt, changed)


def ballot_cast(*, actor: Any, session_id: int, dossier_id: int, choice: str) -> Receipt:
    """A present member votes on one agenda dossier; voting again replaces the earlier choice."""
    with transaction.atomic():
        session = _locked_session(session_id)
        attendance = session.attendance.filter(member=actor).first()
        if attendance is None or not roles_of(actor, session.authority_id).has(Role.COUNCIL_MEMBER):
            raise not_allowed()
        _require_status(session, CouncilSessionStatus.OPEN)
        if not attendance.present:
            raise ActionError(
                "not_allowed", _("Only members present can vote here; a written vote goes to the secretary.")
            )
        dossier = _agenda_dossier(session, dossier_id)
        if _is_recused(session, dossier, actor.pk):
            raise ActionError("not_allowed", _("You are recused from this dossier."))
        existing = Ballot.objects.filter(session=session, dossier=dossier, member=actor).first()
        if existing is not None and existing.written:
            raise ActionError("conflict", _("Your written vote has already been recorded."))
        return _store_ballot(
            actor=actor, session=session, dossier=dossier, member_id=actor.pk, choice=choice, written=False
        )


def ballot_record_written(
    *, actor: Any, session_id: int, dossier_id: int, member_id: int, choice: str
) -> Receipt:
    """The secretary enters an absent member's written vote; it is marked as written."""
    with transaction.atomic():
        session = _locked_session(session_id)
        _require_secretary(actor, session)
        _require_status(session, CouncilSessionStatus.OPEN)
        attendance = session.attendance.filter(member_id=member_id).first()
        if attendance is None:
            raise ActionError("validation_error", _("Only council members can vote."))
        if attendance.present:
            raise ActionError("validation_error", _("This member is present and votes in the app."))
        dossier = _agenda_dossier(session, dossier_id)
        if _is_recused(session, dossier, member_id):
            raise ActionError("not_allowed", _("This member is recused from this dossier."))
        if not attendance.written_vote:
            attendance.written_vote = True
            attendance.save(update_fields=["written_vote"])
        return _store_ballot(
            actor=actor, session=session, dossier=dossier, member_id=member_id, choice=choice, written=True
        )


def conflict_declare(*, actor: Any, session_id: int, dossier_id: int, note: str = "") -> Recusal:
    """A member declares a conflict of interest: recused from this dossier, any ballot withdrawn."""
    with transaction.atomic():
        session = _locked_session(session_id)
        if not session.attendance.filter(member=actor).exists():
            raise not_allowed()
        _require_status(session, CouncilSessionStatus.DRAFT, CouncilSessionStatus.OPEN)
        dossier = _agenda_dossier(session, dossier_id)
        recusal, created = Recusal.objects.get_or_create(
            session=session,
            dossier=dossier,
            member=actor,
            defaults={"reason": RecusalReason.DECLARED, "note": note.strip()[:300]},
        )
        withdrawn, _n = Ballot.objects.filter(session=session, dossier=dossier, member=actor).delete()
        if created:
            ledger_append(
                actor=actor,
                action="council_conflict_declared",
                chain=_chain(session),
                dossier=dossier,
                from_state=str(dossier.status),
                to_state=str(dossier.status),
                payload={
                    "session_id": session.pk,
                    "member_id": actor.pk,
                    "ballot_withdrawn": bool(withdrawn),
                },
            )
            _push_progress_on_commit(session)
    return recusal


def council_session_close(*, actor: Any, session_id: int) -> CouncilSession:
    """Count every agenda dossier, send the counts through council_result_record, write the minutes."""
    from ..actions.dossier import council_result_record

    with transaction.atomic():
        session = _locked_session(session_id)
        _require_secretary(actor, session)
        _require_status(session, CouncilSessionStatus.OPEN)
        attendance = list(session.attendance.select_related("member"))
        members_all = len(attendance)
        present_ids = [a.member_id for a in attendance if a.present]
        percent = session_quorum_percent(session)
        items = list(
            session.agenda.select_related("dossier__award_type", "dossier__nominee").order_by("order")
        )
        recused: dict[int, set[int]] = {}
        for dossier_id, member_id in Recusal.objects.filter(session=session).values_list(
            "dossier_id", "member_id"
        ):
            recused.setdefault(dossier_id, set()).add(member_id)
        ballots: dict[int, list[Ballot]] = {}
        for b in Ballot.objects.filter(session=session).order_by("commitment"):
            ballots.setdefault(b.dossier_id, []).append(b)

        counts: dict[int, DossierCount] = {}
        to_record: list[dict[str, int]] = []
        for item in items:
            c = count_dossier(
                dossier_id=item.dossier_id,
                members_all=members_all,
                present_ids=present_ids,
                recused_ids=recused.get(item.dossier_id, set()),
                ballots=[(b.member_id, b.choice, b.written) for b in ballots.get(item.dossier_id, [])],
                quorum_percent=percent,
            )
            counts[item.dossier_id] = c
            item.issued, item.returned, item.valid = c.issued, c.returned, c.valid
            item.agreeing, item.disagreeing, item.abstaining = c.agreeing, c.disagreeing, c.abstaining
            item.commitments = sorted(
                [b.commitment, b.choice]
                for b in ballots.get(item.dossier_id, [])
                if b.member_id not in recused.get(item.dossier_id, set())
            )
            if item.dossier.status != DossierStatus.ON_AGENDA:
                item.outcome = NOT_SENT_NOT_ON_AGENDA
                item.outcome_reason = _("The dossier left the agenda before the session closed.")
            elif not c.quorum_met:
                item.outcome = NOT_SENT_NO_QUORUM
                item.outcome_reason = _(
                    "No quorum for this dossier: %(p)s of %(n)s members present after %(r)s recusal(s)."
                ) % {"p": c.eligible_present, "n": members_all, "r": c.recused}
            else:
                to_record.append(c.as_tally())

        results: dict[int, dict[str, Any]] = {}
        if to_record:
            for r in council_result_record(
                actor=actor,
                authority_id=session.authority_id,
                members_present=len(present_ids),
                tallies=to_record,
                held_on=session.held_on,
                session_ref=f"council-session:{session.pk}",
                decides_awards=session.decides_awards,
            ):
                results[int(r["dossier_id"])] = r
        for item in items:
            if item.dossier_id in results:
                item.outcome = results[item.dossier_id]["outcome"]
                item.outcome_reason = results[item.dossier_id]["reason"]
            item.save()

        published = {
            "session_id": session.pk,
            "members_all": members_all,
            "present": sorted(present_ids),
            "items": [
                {
                    "dossier_id": item.dossier_id,
                    "issued": item.issued,
                    "returned": item.returned,
                    "valid": item.valid,
                    "agreeing": item.agreeing,
                    "disagreeing": item.disagreeing,
                    "abstaining": item.abstaining,
                    "outcome": item.outcome,
                    "commitments": item.commitments,
                }
                for item in items
            ],
        }
        session.tally_sha256 = sha256_hex(canonical_bytes(published))
        session.status = CouncilSessionStatus.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at", "tally_sha256"])

        # Cut the link between names and choices: only "who voted" stays with the ballot rows.
        for b in Ballot.objects.filter(session=session):
            b.choice = ""
            b.commitment = "sealed:" + secrets.token_hex(24)
            b.save(update_fields=["choice", "commitment"])

        minutes_attach(actor=actor, session=session, items=items, counts=counts)
        ledger_append(
            actor=actor,
            action="council_session_close",
            chain=_chain(session),
            payload={
                "session_id": session.pk,
                "tally_sha256": session.tally_sha256,
                "minutes_sha256": session.minutes_sha256,
                "outcomes": {str(i.dossier_id): i.outcome for i in items},
            },
        )
        notify(
            recipients=[a.member_id for a in attendance] + [session.chair_id],
            kind="council_closed",
            title=_("The council session has closed"),
            body=_("Session of %(date)s: results and minutes are available.")
            % {"date": session.held_on.strftime("%d/%m/%Y")},
            url=f"/council/{session.pk}/",
            data={"session_id": session.pk},
        )
        session_pk = session.pk
        transaction.on_commit(
            lambda: _push(session_pk, {"type": "council.closed", "session_id": session_pk}), robust=True
        )
    return session


# --- the minutes (biên bản họp Hội đồng) --------------------------------------------------------------

OUTCOME_WORDS = {
    "approved": "Đạt",
    "rejected": "Không đạt",
    "over_quota": "Đạt nhưng vượt số lượng",
    "tie_to_chair": "Bằng phiếu tại chỉ tiêu cuối: Chủ tịch quyết định",
    NOT_SENT_NO_QUORUM: "Không đủ số thành viên biểu quyết (do không tham gia vì xung đột lợi ích)",
    NOT_SENT_NOT_ON_AGENDA: "Không xét (hồ sơ đã rút khỏi chương trình)",
}
DECIDED_OUTCOMES = frozenset({"approved", "rejected", "over_quota", "tie_to_chair"})


def _person(user: Any) -> str:
    from nominations.documents.formatting import person_name

    return person_name(user)


def minutes_document(*, session: CouncilSession, items: list[SessionAgendaItem]) -> Any:
    """The MinutesDoc for a closed session (documents are always Vietnamese legal text)."""
    from nominations.documents.data import Issuer, MinutesDoc, MinutesMember, MinutesTally

    authority = session.authority
    place = authority.place_name or authority.name
    prefix = "ỦY BAN NHÂN DÂN "
    upper = authority.name.upper()
    issuer = Issuer(
        parent_name=prefix.strip(),
        name=upper[len(prefix) :] if upper.startswith(prefix) else upper,
        full_name=authority.name,
        place_name=place,
        province=authority.province,
        abbreviation=authority.document_suffix,
    )
    titles = {
        ra.user_id: ra.title
        for ra in RoleAssignment.objects.filter(authority_id=session.authority_id, role=Role.COUNCIL_MEMBER)
    }
    attendance = list(session.attendance.select_related("member").order_by("id"))
    names = {a.member_id: _person(a.member) for a in attendance}
    members = [
        MinutesMember(
            name=_person(a.member),
            title=titles.get(a.member_id, ""),
            present=a.present,
            written_vote=a.written_vote,
        )
        for a in attendance
    ]
    members_all = len(attendance)
    tallies = [
        MinutesTally(
            nominee=i.dossier.nominee.name,
            unit=i.dossier.unit.name,
            award_name=i.dossier.award_type.name,
            issued=i.issued or 0,
            returned=i.returned or 0,
            valid=i.valid or 0,
            agreeing=i.agreeing or 0,
            all_members=members_all,
            outcome=OUTCOME_WORDS.get(i.outcome, i.outcome),
        )
        for i in items
    ]
    lines = []
    recusals = list(Recusal.objects.filter(session=session).select_related("dossier__nominee").order_by("id"))
    if recusals:
        lines.append(
            "Thành viên không tham gia biểu quyết do xung đột lợi ích "
            + "(không tính vào số có mặt khi xét hồ sơ):"
        )
        for r in recusals:
            why = (
                "tự động: cùng đơn vị hoặc là người được đề nghị"
                if r.reason == RecusalReason.AUTO
                else "tự khai báo"
            )
            lines.append(f"- {names.get(r.member_id, '')}: hồ sơ {r.dossier.nominee.name} ({why}).")
    passed = [i for i in items if i.outcome == "approved"]
    lines.append(
        f"Hội đồng thống nhất đề nghị {len(passed)}/{len(items)} tập thể, cá nhân"
        " đạt tỷ lệ phiếu đồng ý theo quy định (tính trên tổng số thành viên Hội đồng)."
    )
    for i in items:
        if i.outcome_reason and i.outcome != "approved":
            lines.append(f"- {i.dossier.nominee.name}: {OUTCOME_WORDS.get(i.outcome, i.outcome)}.")
    lines.append(f"Mã kiểm chứng kết quả kiểm phiếu (SHA-256): {session.tally_sha256}")
    occasion = items[0].dossier.occasion.name if items else ""
    return MinutesDoc(
        issuer=issuer,
        council_name="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        held_at=session.opened_at or session.closed_at or timezone.now(),
        place=session.place,
        chair_name=_person(session.chair),
        secretary_name=_person(session.secretary),
        members=members,
        tallies=tallies,
        conclusion="\n".join(lines),
        occasion_name=occasion,
        secret_ballot=True,
        ended_at=session.closed_at,
    )


def minutes_attach(
    *, actor: Any, session: CouncilSession, items: list[SessionAgendaItem], counts: dict[int, DossierCount]
) -> str:
    """Render the minutes, keep their SHA-256 on the session and attach them to every decided dossier."""
    from nominations.documents.builders import build_minutes_pdf
    from nominations.models import Attachment, AttachmentKind

    from ..attachments import attachments_root

    pdf = build_minutes_pdf(minutes_document(session=session, items=items))
    digest = hashlib.sha256(pdf).hexdigest()
    folder = attachments_root() / "minutes"
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str) -> str:
        storage_name = f"minutes/{name}"
        (attachments_root() / storage_name).write_bytes(pdf)
        return storage_name

    session.minutes_storage_name = write(f"session-{session.pk}-{digest[:16]}.pdf")
    session.minutes_sha256 = digest
    session.save(update_fields=["minutes_storage_name", "minutes_sha256"])
    original = f"Bien-ban-hop-Hoi-dong-{session.held_on:%Y%m%d}.pdf"
    for item in items:
        if item.outcome not in DECIDED_OUTCOMES:
            continue
        dossier = Dossier.objects.get(pk=item.dossier_id)
        Attachment.objects.create(
            dossier=dossier,
            kind=AttachmentKind.MINUTES,
            original_name=original,
            storage_name=write(f"session-{session.pk}-{digest[:16]}-d{dossier.pk}.pdf"),
            content_type="application/pdf",
            size=len(pdf),
            sha256=digest,
            dossier_version=dossier.version,
            uploaded_by=actor,
        )
    return digest
