"""The direct hand-over in flows.after_dossier_change writes exactly the rows viewflow writes.

Every scenario runs twice on fresh dossiers, once through viewflow's own activations (FAST_HAND_OVER off)
and once through the direct path, and the process and task rows must come out the same: node, type,
status, owner, queue token, data, deadline, which timestamps are set, and the links between tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from viewflow.workflow.models import Task

from tests import factories as f
from tests.lifecycle.conftest import TODAY
from workflows import flows
from workflows.models import DossierProcess

pytestmark = pytest.mark.django_db


@pytest.fixture
def life(demo, monkeypatch, settings):
    from tests.lifecycle.helpers import Life

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return Life(demo)


def rows(dossier: Any) -> list[tuple[Any, ...]]:
    tasks = list(Task.objects.filter(process__dossierprocess__dossier_id=dossier.pk).order_by("id"))
    index = {t.pk: i for i, t in enumerate(tasks)}
    out: list[tuple[Any, ...]] = []
    for t in tasks:
        out.append(
            (
                str(t.flow_task),
                t.flow_task_type,
                t.status,
                t.owner_id,
                t.owner_permission,
                str(t.token),
                t.data,
                t.scheduled,
                t.assigned is None,
                t.started is None,
                t.finished is None,
                sorted(index[p.pk] for p in t.previous.all()),
            )
        )
    process = DossierProcess.objects.get(dossier_id=dossier.pk)
    out.append((process.status, process.finished is None))
    return out


def walk(*transitions: str, award: str = "giay-khen-xa") -> Callable[[Any], Any]:
    def run(life: Any) -> Any:
        d = life.draft(award=award)
        for t in transitions:
            d = life.step(d, t)
        return d

    return run


def claimed_by_head_then_received(life: Any) -> Any:
    """The office head claims the receive task, then the reviewer receives: recorded as taken over."""
    d = walk("submit")(life)
    task = flows.open_task_of(d.pk)
    head = life.u["truongphong"]
    flows.task_claim(actor=head, task_id=task.pk)
    return life.step(f.fresh(d), "receive")


SIGNED = ["submit", "receive", "appraise", "put_on_agenda", "council_approve", "prepare_decision", "sign"]
SCENARIOS: dict[str, Callable[[Any], Any]] = {
    "submit": walk("submit"),
    "receive_appraise_agenda": walk("submit", "receive", "appraise", "put_on_agenda"),
    "return_and_resubmit": walk("submit", "return_for_supplement", "resubmit", "receive"),
    "council_approve_to_award": walk(*SIGNED, "award"),
    "council_reject": walk("submit", "receive", "appraise", "put_on_agenda", "council_reject"),
    "province_return_and_forward": walk(
        *SIGNED,
        "submit_to_province",
        "province_return",
        "submit_to_province",
        "province_approve",
        award="bang-khen-tinh",
    ),
    "province_reject": walk(*SIGNED, "submit_to_province", "province_reject", award="bang-khen-tinh"),
    "hold_and_release": walk("submit", "receive", "hold", "release_hold", "appraise"),
    "ineligible": walk("submit", "mark_ineligible"),
    "withdraw": walk("submit", "receive", "withdraw"),
    "taken_over": claimed_by_head_then_received,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_direct_hand_over_writes_what_viewflow_writes(life, monkeypatch, name):
    scenario = SCENARIOS[name]
    monkeypatch.setattr(flows, "FAST_HAND_OVER", False)
    by_viewflow = rows(scenario(life))
    monkeypatch.setattr(flows, "FAST_HAND_OVER", True)
    taken: list[bool] = []
    hand_over = flows._hand_over

    def spy(*args: Any, **kwargs: Any) -> bool:
        taken.append(hand_over(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(flows, "_hand_over", spy)
    direct = rows(scenario(life))
    assert any(taken)  # the direct path was really exercised
    assert direct == by_viewflow
