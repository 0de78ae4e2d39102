"""The verifier's lean loop (`feed_all`) and its explaining path (`feed`) read events the same way,
on shapes the real-action fixtures rarely produce: long chains (seq past the precomputed table),
empty seen hashes, quota moves anywhere in the payload, and payload objects that only look like one."""

from __future__ import annotations

import datetime as dt

import pytest

from workflows.canonical import GENESIS, canonical_bytes, sha256_hex
from workflows.verify import Verifier

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _both_verifier_paths(verifier_path):
    """Every test here runs through the C accelerator and through pure Python."""


def _export(events: list[tuple[str, dict, str]], *, quotas: dict[int, int] | None = None) -> list[bytes]:
    """Export lines for (chain, payload, seen hash) events, in order, with heads and quota lines."""
    lines = [canonical_bytes({"type": "header", "format": "thidua-audit-export/1"}) + b"\n"]
    tips: dict[str, tuple[int, str]] = {}
    for i, (chain, payload, seen) in enumerate(events, start=1):
        seq, prev = tips.get(chain, (0, GENESIS))
        body = canonical_bytes(
            {
                "chain": chain, "seq": seq + 1, "at": (AT + dt.timedelta(seconds=i)).isoformat(),
                "actor_id": 1, "actor": "thuky", "acting_for": "", "action": "note", "dossier_id": None,
                "unit_id": None, "from": "", "to": "", "payload": payload, "seen_hash": seen, "prev_hash": prev,
            }
        )  # fmt: skip
        digest = sha256_hex(body)
        tips[chain] = (seq + 1, digest)
        lines.append(
            b'{"type":"event","hash":"' + digest.encode() + b'","id":' + str(i).encode()
            + b',"columns":' + body + b',"body":' + body + b"}\n"
        )  # fmt: skip
    for chain, (seq, digest) in sorted(tips.items()):
        lines.append(canonical_bytes({"type": "head", "chain": chain, "seq": seq, "hash": digest}) + b"\n")
    for qid, used in sorted((quotas or {}).items()):
        lines.append(canonical_bytes({"type": "quota", "id": qid, "used": used}) + b"\n")
    lines.append(canonical_bytes({"type": "end", "events": len(events), "checkpoints": 0}) + b"\n")
    return lines


def _both(lines: list[bytes]):
    fast = Verifier().feed_all(lines)
    slow = Verifier()
    for line in lines:
        slow.feed(line)
    slow_report = slow.finish()
    assert [(p.code, p.chain, p.seq, p.line) for p in fast.problems] == [
        (p.code, p.chain, p.seq, p.line) for p in slow_report.problems
    ]
    assert (fast.events, fast.chains) == (slow_report.events, slow_report.chains)
    return fast


def test_a_long_chain_with_empty_and_full_seen_hashes_passes():
    events = [("system", {"n": i}, "" if i % 3 else "b" * 64) for i in range(4200)]
    report = _both(_export(events))
    assert report.ok, report.text()
    assert report.events == 4200 and report.chains == 1


def test_a_gap_far_down_a_long_chain_is_found_by_both_paths():
    lines = _export([("system", {"n": i}, "") for i in range(4200)])
    del lines[4150]  # event seq 4150
    report = _both(lines)
    assert report.first_problem.code == "broken_link" and report.first_problem.seq == 4151


def test_quota_moves_are_replayed_wherever_they_sit_in_the_payload():
    events = [
        ("dossier:1", {"quota": {"id": 1, "delta": 1}, "tally": {"agreeing": 4}, "zz": "x"}, "a" * 64),
        ("dossier:2", {"a": {"b": 1}, "quota": {"id": 1, "delta": 1}}, ""),
        ("dossier:2", {"quota": {"id": 1, "delta": -1}}, ""),
        # Not payload["quota"]: a nested object of that name, and a string that spells one.
        ("dossier:3", {"before": {"quota": {"id": 1, "delta": 5}}}, ""),
        ("dossier:3", {"note": '"quota":{"delta":5,"id":1}'}, ""),
    ]
    assert _both(_export(events, quotas={1: 1})).ok
    report = _both(_export(events, quotas={1: 2}))
    assert [p.code for p in report.problems] == ["replay_quota"]


def test_a_body_out_of_layout_is_reported_not_misread():
    lines = _export([("system", {"n": 1}, ""), ("system", {"n": 2}, "")])
    # Re-hashed so only the layout is wrong: the seen hash is neither empty nor 64 characters.
    body = lines[2][lines[2].index(b',"body":') + 8 : -2].replace(b'"seen_hash":""', b'"seen_hash":"abc"')
    digest = sha256_hex(body).encode()
    lines[2] = (
        b'{"type":"event","hash":"' + digest + b'","id":2,"columns":' + body + b',"body":' + body + b"}\n"
    )
    report = _both(lines)
    assert "unreadable_event" in [p.code for p in report.problems]


def test_the_accelerator_accepts_clean_runs_and_stops_at_the_first_line_it_cannot_prove(verifier_path):
    import workflows.verify as verify

    if verifier_path == "pure":
        pytest.skip("about the accelerator")
    lines = _export([(f"dossier:{i % 3}", {"n": i}, "" if i % 2 else "c" * 64) for i in range(60)])
    tips: dict = {}
    assert verify._fast.scan(lines, 1, tips, [], {}, GENESIS.encode()) == (61, 60)  # line 0 is the header
    assert sorted(tips) == [b"dossier:0", b"dossier:1", b"dossier:2"] and tips[b"dossier:0"][0] == 20

    flipped = lines[30].replace(b'"n":29', b'"n":92')
    tampered = [*lines[:30], flipped, *lines[31:]]
    assert verify._fast.scan(tampered, 1, {}, [], {}, GENESIS.encode()) == (30, 29)
    report = Verifier().feed_all(tampered)
    assert report.first_problem.line == 31  # found by the Python path the accelerator handed it to
