"""Two reviewers claim the same task at the same moment on PostgreSQL: exactly one gets it. The same
harness lets a naive read-then-write claim hand the task to both, proving the threads really collide."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from nominations.models import Role, RoleAssignment
from tests import factories as f
from workflows import actions
from workflows.errors import ActionError
from workflows.flows import open_task_of, task_claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _setup(world):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    second = get_user_model().objects.create(username="chuyenvien2")
    RoleAssignment.objects.create(user=second, authority=world["unit"].authority, role=Role.REVIEWER)
    return open_task_of(d.pk), [u["chuyenvien"], second]


def _race(users, fn):
    barrier = threading.Barrier(len(users))
    outcomes = []

    def run(user):
        try:
            barrier.wait()
            fn(user)
            outcomes.append(("won", user.pk))
        except ActionError as exc:
            outcomes.append((exc.code, user.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_exactly_one_of_two_simultaneous_claims_wins(world):
    task, users = _setup(world)
    outcomes = _race(users, lambda user: task_claim(actor=user, task_id=task.pk))
    assert sorted(code for code, _ in outcomes) == ["conflict", "won"]
    winner = next(pk for code, pk in outcomes if code == "won")
    assert Task.objects.get(pk=task.pk).owner_id == winner


def test_a_naive_claim_gives_the_task_to_both(world):
    task, users = _setup(world)

    def naive(user):
        with transaction.atomic():
            current = Task.objects.get(pk=task.pk)
            if current.owner_id is not None:
                raise ActionError("conflict", "taken")
            time.sleep(0.3)  # the window both readers fall into
            Task.objects.filter(pk=task.pk).update(owner=user, status=STATUS.ASSIGNED)

    outcomes = _race(users, naive)
    assert [code for code, _ in outcomes] == ["won", "won"]
