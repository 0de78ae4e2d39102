"""Benchmark (prints, does not assert a time): the inbox page (HTML, full render) at N dossiers versus
1,000. Target from issue 4: at 100,000 dossiers at most 1.5× the latency at 1,000.

Run: make bench (PostgreSQL with DATABASE_URL; SQLite otherwise).
Scale: BENCH_INBOX_N (default 20,000; the issue's figure is 100,000), BENCH_INBOX_REPEAT (default 15).

Rows are bulk-written (dossier, its process and its tasks as the flow would leave them) so that building
100,000 takes seconds: most dossiers are finished (their tasks done), a share waits in the office queue,
some are claimed by the reviewer.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from nominations.models import AwardType, Dossier, Nominee, Occasion
from tests.bench.latency import analyze, median_get, report
from workflows.flows import DossierFlow

pytestmark = pytest.mark.django_db

BIG = int(os.environ.get("BENCH_INBOX_N", "20000"))
SMALL = 1_000
REPEAT = int(os.environ.get("BENCH_INBOX_REPEAT", "15"))
# status, step (None: finished), task status
SHAPES = [("awarded", None, None)] * 6 + [
    ("submitted", "receive", STATUS.NEW),
    ("received", "appraise", STATUS.ASSIGNED),
    ("withdrawn", None, None),
    ("submitted", "receive", STATUS.NEW),
]


def _grow(life, upto: int) -> None:
    have = Dossier.objects.count()
    occ = Occasion.objects.get(code="hang-nam-2026")
    award = AwardType.objects.get(code="giay-khen-xa")
    units = [life.unit, life.unit2]
    reviewer = life.u["chuyenvien"]
    office = f"office:{life.authority_id}"
    now = timezone.now()
    batch = 5_000
    for start in range(have, upto, batch):
        count = min(batch, upto - start)
        nominees = Nominee.objects.bulk_create(
            [
                Nominee(unit=units[i % 2], kind="individual", name=f"Nguyễn Văn B{start + i}")
                for i in range(count)
            ]
        )
        shapes = [SHAPES[(start + i) % len(SHAPES)] for i in range(count)]
        dossiers = Dossier.objects.bulk_create(
            [
                Dossier(
                    authority_id=life.authority_id,
                    occasion=occ,
                    award_type=award,
                    unit=nom.unit,
                    nominee=nom,
                    nominee_kind="individual",
                    status=shape[0],
                    achievement_summary="Thành tích.",
                    created_by=life.proposer,
                    search_text=f"nguyen van b{start + i} {nom.unit.name_search}",
                    due_on=(now + dt.timedelta(days=(start + i) % 40 - 5)).date(),
                )
                for i, (nom, shape) in enumerate(zip(nominees, shapes, strict=True))
            ],
            batch_size=1_000,
        )
        processes = Process.objects.bulk_create(
            [
                Process(flow_class=DossierFlow, status=PROCESS.DONE if s[1] is None else PROCESS.NEW)
                for s in shapes
            ],
            batch_size=1_000,
        )
        with connection.cursor() as c:
            c.executemany(
                "INSERT INTO workflows_dossierprocess (process_ptr_id, dossier_id) VALUES (%s, %s)",
                [(p.pk, d.pk) for p, d in zip(processes, dossiers, strict=True)],
            )
        tasks = []
        for p, d, (_status, step, task_status) in zip(processes, dossiers, shapes, strict=True):
            due = dt.datetime.combine(d.due_on + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
            # every dossier has some finished history: the reviewer's archive grows with N
            tasks.append(
                Task(
                    process=p,
                    flow_task=DossierFlow.receive,
                    flow_task_type="HUMAN",
                    status=STATUS.DONE,
                    owner=reviewer,
                    owner_permission=office,
                    scheduled=due,
                    finished=now,
                )
            )
            if step is not None:
                tasks.append(
                    Task(
                        process=p,
                        flow_task=getattr(DossierFlow, step),
                        flow_task_type="HUMAN",
                        status=task_status,
                        owner=reviewer if task_status == STATUS.ASSIGNED else None,
                        owner_permission=office,
                        scheduled=due,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=1_000)
    analyze("viewflow_task", "nominations_dossier", "workflows_dossierprocess")


PATHS = {
    "queue (reviewer)": "/inbox/?tab=queue",
    "my tasks (reviewer)": "/inbox/?tab=mine",
    "done (reviewer)": "/inbox/?tab=done",
    "queue, search": "/inbox/?tab=queue&q=nguyen+van",
}


def _measure(client, life) -> dict[str, float]:
    client.force_login(life.u["chuyenvien"])
    return {label: median_get(client, path, REPEAT) for label, path in PATHS.items()}


def test_bench_inbox_latency_big_versus_small(client, life):
    _grow(life, SMALL)
    small = _measure(client, life)
    _grow(life, BIG)
    big = _measure(client, life)
    report("bench_inbox", repeat=REPEAT, small_n=SMALL, big_n=BIG, small=small, big=big)
