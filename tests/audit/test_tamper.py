"""Tampering with a ledger written by the real actions is caught; an untouched ledger passes.

Two levels: the export file (what an auditor receives) and the live database behind the triggers'
back (what `audit_verify` checks). The "rewrite and rehash" and "truncate" forgeries repair every hash
link and chain head, so only the signed checkpoints can catch them: the tests say so.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from workflows.canonical import canonical_bytes, sha256_hex
from workflows.checkpoints import public_key_path
from workflows.ledger import event_export_line, ledger_export_lines, ledger_verify_live
from workflows.verify import Verifier, load_public_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _both_verifier_paths(verifier_path):
    """Every test here runs through the C accelerator and through pure Python."""


def _verify(lines):
    return Verifier(load_public_keys([str(public_key_path())])).feed_all(lines)


def _codes(report):
    # Tests that tamper behind the triggers' back also switch them off; that finding is tested on its own.
    return [p.code for p in report.problems if p.code != "triggers_missing"]


@pytest.fixture
def export(real_ledger):
    return list(ledger_export_lines())


@pytest.fixture
def chain(real_ledger):
    """Chain name of each fixture dossier: ids differ between SQLite and PostgreSQL runs."""
    return {name: f"dossier:{real_ledger[name].pk}" for name in ("awarded", "returned", "withdrawn", "draft")}


def _events(lines):
    """[(index, parsed event line)] in file order."""
    return [(i, json.loads(line)) for i, line in enumerate(lines) if line.startswith(b'{"type":"event"')]


def _event_at(lines, chain, seq):
    for i, obj in _events(lines):
        if obj["body"]["chain"] == chain and obj["body"]["seq"] == seq:
            return i, obj
    raise LookupError((chain, seq))


def _rebuild(obj):
    """An event line whose columns equal its body (a careful forger keeps them in step)."""
    body = canonical_bytes(obj["body"])
    digest = sha256_hex(body)
    row = (obj["id"], digest, body.decode(), *_columns_row(obj["body"]))
    return event_export_line(row), digest


def _columns_row(b):
    import datetime as dt

    return (
        b["chain"],
        b["seq"],
        dt.datetime.fromisoformat(b["at"]),
        b["actor_id"],
        b["actor"],
        b["acting_for"],
        b["action"],
        b["dossier_id"],
        b["unit_id"],
        b["from"],
        b["to"],
        b["payload"],
        b["seen_hash"],
        b["prev_hash"],
    )


def _replace_line(lines, kind, match, new):
    for i, line in enumerate(lines):
        if line.startswith(b'{"type":"event"'):
            continue
        obj = json.loads(line)
        if obj.get("type") == kind and all(obj.get(k) == v for k, v in match.items()):
            obj.update(new)
            lines[i] = canonical_bytes(obj) + b"\n"
            return
    raise LookupError((kind, match))


def _fix_end(lines):
    events = sum(1 for line in lines if line.startswith(b'{"type":"event"'))
    checkpoints = sum(1 for line in lines if line.startswith(b'{"body"') and b'"type":"checkpoint"' in line)
    _replace_line(lines, "end", {}, {"events": events, "checkpoints": checkpoints})


def _rehash_chain_from(lines, chain, seq, change):
    """Rewrite event `seq` of `chain`, then recompute every later hash and link and the head."""
    i, obj = _event_at(lines, chain, seq)
    change(obj["body"])
    line, digest = _rebuild(obj)
    lines[i] = line
    n = seq + 1
    while True:
        try:
            i, obj = _event_at(lines, chain, n)
        except LookupError:
            break
        obj["body"]["prev_hash"] = digest
        lines[i], digest = _rebuild(obj)
        n += 1
    _replace_line(lines, "head", {"chain": chain}, {"hash": digest, "seq": n - 1})


# --- the untouched ledger ----------------------------------------------------------------------


def test_an_untouched_ledger_passes(export, real_ledger):
    report = _verify(export)
    assert report.ok, report.text()
    assert report.events == 15 and report.chains == 4
    assert report.checkpoints == report.checkpoints_verified == 2
    assert report.dossiers == 4 and report.quotas > 0


def test_the_live_database_passes(real_ledger):
    report = ledger_verify_live()
    assert report.ok, report.text()


# --- the export file ---------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [30, 60, 100, 140, -200, -120, -60, -25, -3])
def test_flipping_any_byte_of_an_event_is_caught(export, offset, chain):
    i, _ = _event_at(export, chain["awarded"], 3)
    line = bytearray(export[i])
    pos = offset if offset >= 0 else len(line) - 1 + offset
    line[pos] ^= 0x01
    export[i] = bytes(line)
    assert not _verify(export).ok


def test_flipping_a_byte_in_both_body_and_columns_breaks_the_hash(export, chain):
    i, obj = _event_at(export, chain["returned"], 3)
    obj["body"]["payload"]["reason"] = "Thiếu minh chứng!"
    body = canonical_bytes(obj["body"])
    export[i] = event_export_line((obj["id"], obj["hash"], body.decode(), *_columns_row(obj["body"])))
    report = _verify(export)
    assert report.first_problem.code == "hash_mismatch"
    assert report.first_problem.chain == chain["returned"] and report.first_problem.seq == 3


def test_deleting_an_event_is_caught_as_a_gap(export, chain):
    i, _ = _event_at(export, chain["awarded"], 4)
    del export[i]
    _fix_end(export)
    report = _verify(export)
    first = report.first_problem
    assert (first.code, first.chain, first.seq) == ("broken_link", chain["awarded"], 5)
    assert "missing" in first.message


def test_swapping_two_events_is_caught(export, chain):
    i, _ = _event_at(export, chain["awarded"], 2)
    j, _ = _event_at(export, chain["awarded"], 3)
    export[i], export[j] = export[j], export[i]
    report = _verify(export)
    assert report.first_problem.code == "broken_link"
    assert report.first_problem.chain == chain["awarded"]


def test_duplicating_an_event_is_caught(export, chain):
    i, _ = _event_at(export, chain["withdrawn"], 2)
    export.insert(i + 1, export[i])
    _fix_end(export)
    report = _verify(export)
    assert (report.first_problem.code, report.first_problem.seq) == ("broken_link", 2)
    assert "repeats" in report.first_problem.message


def test_truncating_a_chain_is_caught_by_the_checkpoint(export, real_ledger, chain):
    # A careful forger drops dossier 1's last four events and repairs everything a hash chain can show:
    # the head, the dossier's status and the quota count. Only the signed checkpoint still knows.
    for seq in (8, 7, 6, 5):
        i, _ = _event_at(export, chain["awarded"], seq)
        del export[i]
    _, last = _event_at(export, chain["awarded"], 4)
    _replace_line(export, "head", {"chain": chain["awarded"]}, {"seq": 4, "hash": last["hash"]})
    _replace_line(export, "dossier", {"id": real_ledger["awarded"].pk}, {"status": "appraised"})
    quota_id = next(
        json.loads(line)["id"] for line in export if b'"type":"quota"' in line and b'"used":1' in line
    )
    _replace_line(export, "quota", {"id": quota_id}, {"used": 0})
    _fix_end(export)
    report = _verify(export)
    assert set(_codes(report)) == {"checkpoint_missing_event"}, report.text()
    assert report.first_problem.chain == chain["awarded"]


def test_rewrite_and_rehash_is_caught_by_the_checkpoint(export, chain):
    # Every link and the head are recomputed: the chain itself looks perfect.
    _rehash_chain_from(export, chain["returned"], 2, lambda body: body.update(actor="someone_else"))
    report = _verify(export)
    assert set(_codes(report)) == {"checkpoint_mismatch"}, report.text()
    assert (report.first_problem.chain, report.first_problem.seq) == (chain["returned"], 3)


def test_rehash_without_a_covering_checkpoint_is_not_claimed(export, chain):
    # Honest limit: events after the latest checkpoint can be rewritten consistently; the checks that
    # remain are the replayed state. This is why checkpoints are also taken on a schedule.
    _rehash_chain_from(export, chain["awarded"], 8, lambda body: body["payload"].update(note="forged"))
    assert _verify(export).ok


def test_a_forged_checkpoint_signature_is_caught(export, chain):
    i = next(i for i, line in enumerate(export) if b'"type":"checkpoint"' in line)
    obj = json.loads(export[i])
    body = json.loads(obj["body"])
    body["heads"][chain["awarded"]][1] = "f" * 64
    obj["body"] = canonical_bytes(body).decode()
    obj["hash"] = sha256_hex(obj["body"].encode())
    export[i] = canonical_bytes(obj) + b"\n"
    codes = _codes(_verify(export))
    assert "checkpoint_signature" in codes


def test_removing_a_checkpoint_is_caught(export):
    i = next(i for i, line in enumerate(export) if b'"type":"checkpoint"' in line)
    del export[i]
    _fix_end(export)
    assert _codes(_verify(export)) == ["checkpoint_link"]


def test_an_unknown_signing_key_is_reported(export, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = tmp_path / "other.pub.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    report = Verifier(load_public_keys([str(other)])).feed_all(export)
    assert set(_codes(report)) == {"checkpoint_key"}


def test_a_cut_file_is_caught(export):
    assert "truncated_file" in _codes(_verify(export[:-1]))


# --- the live database, behind the triggers' back ------------------------------------------------


def _behind_the_triggers(sql, params=()):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE workflows_auditevent DISABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER workflows_auditevent_no_update")
            cur.execute("DROP TRIGGER workflows_auditevent_no_delete")
        cur.execute(sql, params)
    # The surrounding test transaction rolls the DDL back, so the triggers come back afterwards.


def test_status_changed_with_raw_sql_is_caught(real_ledger):
    d = real_ledger["returned"]
    with connection.cursor() as cur:
        cur.execute("UPDATE nominations_dossier SET status = 'awarded' WHERE id = %s", [d.pk])
    report = ledger_verify_live()
    assert _codes(report) == ["replay_status"]
    assert f"dossier {d.pk}" in report.first_problem.message and "'returned'" in report.first_problem.message


def test_quota_used_changed_with_raw_sql_is_caught(real_ledger):
    with connection.cursor() as cur:
        cur.execute("UPDATE nominations_quotaledger SET used = used + 1 WHERE used = 1")
    assert set(_codes(ledger_verify_live())) == {"replay_quota"}


def test_a_flipped_byte_in_the_stored_body_is_caught(real_ledger):
    _behind_the_triggers(
        "UPDATE workflows_auditevent SET body = replace(body, 'Thiếu minh chứng.', 'Thiếu minh chứnG.') "
        "WHERE action = 'return_for_supplement'"
    )
    codes = _codes(ledger_verify_live())
    assert "hash_mismatch" in codes and "columns_mismatch" in codes


def test_a_column_changed_behind_the_body_is_caught(real_ledger):
    _behind_the_triggers("UPDATE workflows_auditevent SET to_state = 'awarded' WHERE action = 'withdraw'")
    report = ledger_verify_live()
    assert _codes(report) == ["columns_mismatch"]
    assert "to" in report.first_problem.message


def test_a_deleted_event_is_caught(real_ledger):
    _behind_the_triggers("DELETE FROM workflows_auditevent WHERE action = 'receive'")
    report = ledger_verify_live()
    assert report.first_problem.code == "broken_link"


def test_missing_triggers_are_reported(real_ledger):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TRIGGER workflows_auditevent_append_only ON workflows_auditevent")
        else:
            cur.execute("DROP TRIGGER workflows_auditevent_no_update")
    report = ledger_verify_live()
    assert [p.code for p in report.problems] == ["triggers_missing"]


def test_line_by_line_feeding_finds_the_same_problems(export, chain):
    # `feed` (one line at a time, the slow explaining path) and `feed_all` (the fast loop) agree.
    i, _ = _event_at(export, chain["awarded"], 4)
    del export[i]
    fast = _verify(export)
    slow = Verifier(load_public_keys([str(public_key_path())]))
    for line in export:
        slow.feed(line)
    slow_report = slow.finish()
    assert [(p.code, p.chain, p.seq) for p in slow_report.problems] == [
        (p.code, p.chain, p.seq) for p in fast.problems
    ]
    assert fast.first_problem.code == "broken_link"
