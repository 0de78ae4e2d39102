"""Council fixtures: the demo council (hoidong1..5, secretary thuky, chair chutich) and dossiers put
straight onto the council agenda (the lifecycle up to the agenda is tested elsewhere)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from nominations.models import AwardType, Dossier, Nominee, Occasion, Unit
from nominations.states import DossierStatus

MEMBERS = ["hoidong1", "hoidong2", "hoidong3", "hoidong4", "hoidong5"]


@dataclass
class Council:
    authority: Any
    users: dict[str, Any]
    made: list[Dossier] = field(default_factory=list)

    @property
    def secretary(self):
        return self.users["thuky"]

    @property
    def chair(self):
        return self.users["chutich"]

    def member(self, n: int):
        return self.users[f"hoidong{n}"]

    def dossier(
        self,
        name: str,
        *,
        unit: str = "thon-dong-hy",
        award: str = "giay-khen-xa",
        kind: str = "individual",
        gender: str = "male",
        women_percent: int | None = None,
        nominee_user=None,
    ) -> Dossier:
        unit_obj = Unit.objects.get(authority=self.authority, code=unit)
        nominee = Nominee.objects.create(
            unit=unit_obj, kind=kind, name=name, gender=gender, women_percent=women_percent, user=nominee_user
        )
        d = Dossier.objects.create(
            authority=self.authority,
            occasion=Occasion.objects.get(code="hang-nam-2026"),
            award_type=AwardType.objects.get(authority=self.authority, code=award),
            unit=unit_obj,
            nominee=nominee,
            nominee_kind=kind,
            achievement_summary="Thành tích tiêu biểu.",
            created_by=self.users["donvi"],
        )
        Dossier.objects.filter(pk=d.pk).update(status=DossierStatus.ON_AGENDA)
        d = Dossier.objects.get(pk=d.pk)
        self.made.append(d)
        return d

    def session(self, dossiers, *, decides_awards: bool = True, held_on: dt.date | None = None):
        from workflows.actions.council import council_session_create

        return council_session_create(
            actor=self.secretary,
            authority_id=self.authority.pk,
            held_on=held_on or timezone.localdate(),
            place="Hội trường UBND xã",
            chair_id=self.chair.pk,
            dossier_ids=[d.pk for d in dossiers],
            decides_awards=decides_awards,
        )

    def open_session(self, dossiers, *, present=(1, 2, 3, 4, 5), decides_awards: bool = True):
        from workflows.actions.council import council_session_mark_attendance, council_session_open

        s = self.session(dossiers, decides_awards=decides_awards)
        council_session_mark_attendance(
            actor=self.secretary, session_id=s.pk, present_ids=[self.member(n).pk for n in present]
        )
        return council_session_open(actor=self.secretary, session_id=s.pk)

    def vote(self, session, dossier, votes: dict[int, str]):
        from workflows.actions.council import ballot_cast

        return {
            n: ballot_cast(actor=self.member(n), session_id=session.pk, dossier_id=dossier.pk, choice=c)
            for n, c in votes.items()
        }


@pytest.fixture
def council(demo, settings, tmp_path) -> Council:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return Council(authority=demo["thuky"].roles.first().authority, users=demo)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)
