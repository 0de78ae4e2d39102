"""Hypothesis state machine over quota seats: random takes, releases and limit changes keep
0 ≤ used ≤ limit and used == the number of seat rows of that quota after every step."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from nominations.models import AwardType, Dossier, Nominee, Occasion, QuotaLedger, QuotaSeat
from nominations.quotas import QuotaFull, quota_seat_release, quota_seat_take

pytestmark = pytest.mark.django_db

DOSSIERS = 8


class _Rollback(Exception):
    pass


def make_machine(life):
    base = Occasion.objects.get(code="hang-nam-2026")
    award = AwardType.objects.get(code="giay-khen-xa")
    counter = iter(range(1, 1_000_000))

    class QuotaSeats(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Every example runs in a savepoint that teardown rolls back: examples do not see each other.
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            n = next(counter)
            occ = Occasion.objects.create(
                movement=base.movement,
                code=f"hyp-{n}",
                kind=base.kind,
                year=base.year,
                name=f"H{n}",
                window_opens=base.window_opens,
                window_closes=base.window_closes,
            )
            self.quota = QuotaLedger.objects.create(
                occasion=occ, award_type=award, nominee_kind="individual", limit=3
            )
            nominees = Nominee.objects.bulk_create(
                [Nominee(unit=life.unit, kind="individual", name=f"H{n}-{i}") for i in range(DOSSIERS)]
            )
            self.dossiers = Dossier.objects.bulk_create(
                [
                    Dossier(
                        authority_id=life.authority_id,
                        occasion=occ,
                        award_type=award,
                        unit=life.unit,
                        nominee=nom,
                        nominee_kind="individual",
                        status="council_approved",
                        created_by=life.proposer,
                    )
                    for nom in nominees
                ]
            )
            self.model_seats: set[int] = set()
            self.model_limit = 3

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        @rule(i=st.integers(0, DOSSIERS - 1))
        def take(self, i: int) -> None:
            d = self.dossiers[i]
            try:
                with transaction.atomic():
                    seat = quota_seat_take(dossier=d)
            except QuotaFull:
                assert d.pk not in self.model_seats and len(self.model_seats) >= self.model_limit
                return
            assert seat is not None and seat.quota_id == self.quota.pk
            self.model_seats.add(d.pk)  # taking twice for one dossier keeps one seat

        @rule(i=st.integers(0, DOSSIERS - 1))
        def release(self, i: int) -> None:
            d = self.dossiers[i]
            with transaction.atomic():
                released = quota_seat_release(dossier=d)
            assert released == (d.pk in self.model_seats)
            self.model_seats.discard(d.pk)

        @rule(limit=st.integers(0, DOSSIERS))
        def change_limit(self, limit: int) -> None:
            # The administrator edits the limit; the database refuses one below the seats in use.
            try:
                with transaction.atomic():
                    QuotaLedger.objects.filter(pk=self.quota.pk).update(limit=limit)
            except IntegrityError:
                assert limit < len(self.model_seats)
                return
            assert limit >= len(self.model_seats)
            self.model_limit = limit

        @invariant()
        def used_is_within_limit_and_equals_live_seats(self) -> None:
            q = QuotaLedger.objects.get(pk=self.quota.pk)
            assert 0 <= q.used <= q.limit
            assert q.limit == self.model_limit
            assert q.used == QuotaSeat.objects.filter(quota=q).count() == len(self.model_seats)

    return QuotaSeats


def test_quota_seat_invariants_hold_under_random_operations(life):
    machine = make_machine(life)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
