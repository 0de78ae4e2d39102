"""Council endpoints of the JSON API (mounted at /api/v1/council/): the same actions and reads as the
council pages. Like the pages, nothing here returns a member's choice: progress says who voted, results
are the published counts and anonymous (commitment, choice) pairs; the receipt goes only to the voter.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from nominations.models import CouncilSession

from .actions import council as council_actions
from .api_errors import ERRORS
from .council_views import session_for, sessions_visible_to

router = Router(tags=["council"])


class ProgressOut(Schema):
    dossier_id: int
    expected: int
    returned: int
    voters: list[str]


class ResultOut(Schema):
    dossier_id: int
    issued: int | None
    returned: int | None
    valid: int | None
    agreeing: int | None
    outcome: str
    reason: str
    commitments: list[list[str]]


class SessionOut(Schema):
    id: int
    held_on: dt.date
    place: str
    status: str
    decides_awards: bool
    members: int
    present: int
    progress: list[ProgressOut]
    results: list[ResultOut]
    tally_sha256: str
    minutes_sha256: str

    @staticmethod
    def of(session: CouncilSession) -> SessionOut:
        attendance = list(session.attendance.all())
        closed = session.status == "closed"
        results = (
            [
                ResultOut(
                    dossier_id=i.dossier_id,
                    issued=i.issued,
                    returned=i.returned,
                    valid=i.valid,
                    agreeing=i.agreeing,
                    outcome=i.outcome,
                    reason=i.outcome_reason,
                    commitments=i.commitments,
                )
                for i in session.agenda.all()
            ]
            if closed
            else []
        )
        return SessionOut(
            id=session.pk,
            held_on=session.held_on,
            place=session.place,
            status=session.status,
            decides_awards=session.decides_awards,
            members=len(attendance),
            present=sum(1 for a in attendance if a.present),
            progress=[ProgressOut(**row) for row in council_actions.session_progress(session=session)],
            results=results,
            tally_sha256=session.tally_sha256,
            minutes_sha256=session.minutes_sha256,
        )


class BallotIn(Schema):
    dossier_id: int
    choice: str


class WrittenBallotIn(BallotIn):
    member_id: int


class ConflictIn(Schema):
    dossier_id: int
    note: str = ""


class ReceiptOut(Schema):
    session_id: int
    dossier_id: int
    member_id: int
    commitment: str
    salt: str
    changed: bool


def _visible(request: HttpRequest, session_id: int) -> CouncilSession:
    try:
        return session_for(request.user, session_id)
    except Http404 as exc:
        from .errors import ActionError

        raise ActionError("not_found", str(exc)) from exc


@router.get("/sessions", response={200: list[SessionOut], **ERRORS})
def session_list(request: HttpRequest):
    return [SessionOut.of(s) for s in sessions_visible_to(request.user).order_by("-held_on", "-id")]


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def session_detail(request: HttpRequest, session_id: int):
    return SessionOut.of(_visible(request, session_id))


@router.post("/sessions/{session_id}/open", response={200: SessionOut, **ERRORS})
def session_open(request: HttpRequest, session_id: int):
    s = council_actions.council_session_open(actor=request.user, session_id=_visible(request, session_id).pk)
    return SessionOut.of(s)


@router.post("/sessions/{session_id}/close", response={200: SessionOut, **ERRORS})
def session_close(request: HttpRequest, session_id: int):
    s = council_actions.council_session_close(actor=request.user, session_id=_visible(request, session_id).pk)
    return SessionOut.of(s)


@router.post("/sessions/{session_id}/ballots", response={200: ReceiptOut, **ERRORS})
def ballot_cast(request: HttpRequest, session_id: int, payload: BallotIn):
    receipt = council_actions.ballot_cast(
        actor=request.user,
        session_id=_visible(request, session_id).pk,
        dossier_id=payload.dossier_id,
        choice=payload.choice,
    )
    return ReceiptOut(**receipt.__dict__)


@router.post("/sessions/{session_id}/written-ballots", response={200: ReceiptOut, **ERRORS})
def ballot_written(request: HttpRequest, session_id: int, payload: WrittenBallotIn):
    receipt = council_actions.ballot_record_written(
        actor=request.user,
        session_id=_visible(request, session_id).pk,
        dossier_id=payload.dossier_id,
        member_id=payload.member_id,
        choice=payload.choice,
    )
    return ReceiptOut(**receipt.__dict__)


@router.post("/sessions/{session_id}/conflicts", response={200: SessionOut, **ERRORS})
def conflict_declare(request: HttpRequest, session_id: int, payload: ConflictIn):
    session = _visible(request, session_id)
    council_actions.conflict_declare(
        actor=request.user, session_id=session.pk, dossier_id=payload.dossier_id, note=payload.note
    )
    return SessionOut.of(CouncilSession.objects.get(pk=session.pk))
