"""Live task lists: the sockets of the people who work a queue hear "a task list changed" when a task in
that queue is opened, closed, claimed, released or reassigned; nobody else hears it, and a rolled-back
change sends nothing."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from nominations.models import Unit
from notifications.services import extra_groups
from tests import factories as f
from workflows import actions
from workflows.flows import open_task_of, task_claim, task_reassign, task_release

from .test_consumer import connected

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = {"type": "queue"}


async def drain(comm) -> list[dict]:
    """Everything the socket received in the next moment (wake-ups and queue pings may interleave)."""
    got = []
    while not await comm.receive_nothing(timeout=0.3):
        got.append(await comm.receive_json_from(timeout=1))
    return got


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


@database_sync_to_async
def submitted_dossier(demo):
    unit = _unit("thon-dong-hy")
    dossier = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=f.nominee(unit, "Lò Thị Mai"))
    return actions.dossier_submit(
        actor=demo["donvi"], dossier_id=dossier.pk, expected_version=dossier.version
    )


def test_sockets_join_the_queues_their_user_works(demo):
    office = f"queue.office-{_unit('thon-dong-hy').authority_id}"
    assert office in extra_groups(demo["chuyenvien"].pk)
    assert office in extra_groups(demo["truongphong"].pk)
    proposer = extra_groups(demo["donvi"].pk)
    assert proposer == [f"queue.unit-{_unit('thon-dong-hy').pk}"]
    assert f"queue.unit-{_unit('thon-dong-hy').pk}" not in extra_groups(demo["donvi2"].pk)


async def test_a_dossier_arriving_pings_the_office_queue_and_its_unit_only(demo):
    reviewer, _ = await connected(demo["chuyenvien"])
    own_unit, _ = await connected(demo["donvi"])
    other_unit, _ = await connected(demo["donvi2"])
    await submitted_dossier(demo)
    assert QUEUE in await drain(reviewer)
    assert QUEUE in await drain(own_unit)  # its draft task closed
    assert await drain(other_unit) == []
    for comm in (reviewer, own_unit, other_unit):
        await comm.disconnect()


async def test_a_claim_by_a_colleague_pings_the_queue_and_not_other_units(demo):
    dossier = await submitted_dossier(demo)
    task = await database_sync_to_async(open_task_of)(dossier.pk)
    reviewer, _ = await connected(demo["chuyenvien"])
    other_unit, _ = await connected(demo["donvi2"])

    @database_sync_to_async
    def claim():
        with transaction.atomic():
            task_claim(actor=demo["truongphong"], task_id=task.pk)

    await claim()
    assert await drain(reviewer) == [QUEUE]
    assert await drain(other_unit) == []

    @database_sync_to_async
    def release_then_reassign():
        with transaction.atomic():
            task_release(actor=demo["truongphong"], task_id=task.pk)
        with transaction.atomic():
            task_reassign(actor=demo["truongphong"], task_id=task.pk, to_user=demo["chuyenvien"])

    await release_then_reassign()
    assert await drain(reviewer) == [QUEUE, QUEUE]
    await reviewer.disconnect()
    await other_unit.disconnect()


async def test_a_rolled_back_claim_pings_no_one(demo):
    dossier = await submitted_dossier(demo)
    task = await database_sync_to_async(open_task_of)(dossier.pk)
    reviewer, _ = await connected(demo["chuyenvien"])

    @database_sync_to_async
    def claim_and_fail():
        def request():
            with transaction.atomic():
                task_claim(actor=demo["truongphong"], task_id=task.pk)
                raise RuntimeError("the request failed after the claim")

        with pytest.raises(RuntimeError):
            request()
        return open_task_of(dossier.pk).owner_id

    assert await claim_and_fail() is None  # nothing changed
    assert await drain(reviewer) == []
    await reviewer.disconnect()
