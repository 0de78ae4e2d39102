"""Independent verifier of an audit ledger export. Imports nothing from Django (or from the project
beyond this file), so an auditor can run it on any machine with Python and `cryptography`:

    python -m workflows.verify EXPORT --public-key ledger-checkpoint-ed25519.pub.pem

Checks, in one pass over the file:
  * every event: SHA-256 over the exact stored body bytes equals its hash; the body equals the columns
    the application shows (byte for byte, both canonical JSON); per chain the seq runs 1, 2, 3... with
    no gap or repeat and each prev_hash is the hash of the event before it;
  * chain heads recorded by the application match the recomputed tips;
  * checkpoints: Ed25519 signatures by a known key, linked to each other, and every head they signed
    is still the event at that position (this is what catches truncation and rewrite-and-rehash);
  * replay: each dossier's last recorded to-state is its current status, and the quota deltas recorded
    in payload["quota"] add up to each quota's `used`.
The first problem found is the first broken link in file (= ledger) order; all problems are listed.

How an event body is read (both paths below read it the same way). `ledger_append` writes canonical
JSON with sorted keys, so the fields the chain checks need sit in a fixed layout:
`{..."chain":"C",...,"payload":{...},"prev_hash":"P","seen_hash":"S","seq":N,"to":"T","unit_id":U}`.
The chain is read after the first `"chain":"`; P is the 64 bytes after the last `,"prev_hash":"`;
S is empty or 64 bytes; then `,"seq":N,"to":"T"` must follow. A body that does not have this layout is
reported as unreadable (only a forged body can lack it). The payload (between `"payload":` and
`,"prev_hash"`) is parsed only when it holds a nested object (a quota move is one), and those payloads
are parsed together at the end (one `json.loads`), before the quotas are compared.

Speed: `feed_all` runs a lean loop per event line (one slice, one SHA-256, byte comparisons at known
offsets and one dict lookup); any line it cannot prove well-formed and linked takes the slow,
explaining path (`feed`), which applies the same definitions and reports what is wrong. Where it was
built (`make install` compiles workflows/_fastverify.c), a C version of that lean loop accepts runs of
ordinary event lines first and hands every other line to the Python loop: in CPython the per-event
bookkeeping costs several times the SHA-256 itself, so pure Python stays near a fifth of raw SHA-256
speed and the C loop above half. The tests run every tamper case through both.

Export format (JSON Lines, produced by `manage.py audit_export`): a header line, the checkpoints, the
events in id order, the chain heads, the dossiers' and quotas' current state, an end line. An event
line is `{"type":"event","hash":H,"id":N,"columns":C,"body":B}` where C and B are canonical JSON
embedded verbatim, so a verifier hashes B's bytes without re-serialising anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

try:  # optional C accelerator of the lean loop (built by `make install`); same checks without it
    from workflows import _fastverify as _fast  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the machine
    _fast = None

GENESIS = "0" * 64
FORMAT = "thidua-audit-export/1"
CHECKPOINT_FORMAT = "thidua-ledger-checkpoint/1"

_EVENT_PREFIX = b'{"type":"event","hash":"'
_COLUMNS_MARK = b',"columns":'
_BODY_MARK = b',"body":'
_CHAIN_MARK = b'"chain":"'
_PREV_MARK = b',"prev_hash":"'
_SEEN_MARK = b'","seen_hash":"'
_PAYLOAD_MARK = b',"payload":'
# What follows the seen hash for seq N, when the seen hash is empty / 64 bytes: precomputed for the
# usual lengths of a chain (a dossier's life), formatted on the fly beyond.


def _after(seen: bytes, seq: int) -> tuple[bytes, int]:
    raw = seen + b'","seq":%d,"to":"' % seq
    return raw, len(raw)


_AFTER_EMPTY = tuple(_after(b'","seen_hash":"', n) for n in range(4096))
_AFTER_SEEN = tuple(_after(b"", n) for n in range(4096))
_GENESIS_B = GENESIS.encode()


@dataclass
class Problem:
    code: str
    message: str
    chain: str = ""
    seq: int | None = None
    event_id: int | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.event_id is not None:
            where.append(f"event id {self.event_id}")
        if self.chain:
            where.append(f"chain {self.chain}" + (f" seq {self.seq}" if self.seq is not None else ""))
        return f"[{self.code}] {self.message}" + (f" ({', '.join(where)})" if where else "")


@dataclass
class Report:
    events: int = 0
    chains: int = 0
    checkpoints: int = 0
    checkpoints_verified: int = 0
    dossiers: int = 0
    quotas: int = 0
    latest_checkpoint: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "chains": self.chains,
            "checkpoints": self.checkpoints,
            "checkpoints_verified": self.checkpoints_verified,
            "dossiers": self.dossiers,
            "quotas": self.quotas,
            "latest_checkpoint": self.latest_checkpoint,
            "first_problem": self.first_problem.as_dict() if self.first_problem else None,
            "problems": [p.as_dict() for p in self.problems],
        }

    def text(self) -> str:
        lines = [
            f"events {self.events}, chains {self.chains}, checkpoints {self.checkpoints_verified}/"
            f"{self.checkpoints} verified, dossiers {self.dossiers}, quotas {self.quotas}"
        ]
        if self.latest_checkpoint:
            cp = self.latest_checkpoint
            lines.append(f"latest checkpoint: id {cp['id']} at {cp['created_at']} key {cp['key_id']}")
        if self.ok:
            lines.append("OK: every chain, checkpoint and replayed state is consistent")
        else:
            lines.append(f"FAILED: {len(self.problems)} problem(s); first broken link:")
            lines.append(f"  {self.problems[0]}")
            lines.extend(f"  {p}" for p in self.problems[1:50])
            if len(self.problems) > 50:
                lines.append(f"  ... and {len(self.problems) - 50} more")
        return "\n".join(lines)


def key_id_of_raw(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def load_public_keys(paths: Iterable[str]) -> dict[str, Any]:
    """{key id: Ed25519PublicKey} from PEM files."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys: dict[str, Any] = {}
    for path in paths:
        with open(path, "rb") as fh:
            key = serialization.load_pem_public_key(fh.read())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{path} is not an Ed25519 public key")
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys[key_id_of_raw(raw)] = key
    return keys


class Verifier:
    """Feed it the export's lines in order (bytes, without or with the newline), then `finish()`."""

    def __init__(self, public_keys: dict[str, Any] | None = None, *, accelerate: bool = True) -> None:
        self.public_keys = public_keys or {}
        self.accelerate = accelerate
        self.report = Report()
        self.line_no = 0
        # chain -> its tip:
        # [last seq, last hash (bytes), body of the last move with a to-state, offset of that state]
        self.tips: dict[bytes, list[Any]] = {}
        # chain -> {seq: [(checkpoint id, signed hash)]} still to be found among the events
        self.wanted: dict[bytes, dict[int, list[tuple[int, bytes]]]] = {}
        self.quota_used: dict[int, int] = {}
        # payloads holding a nested object (maybe payload["quota"]), parsed together by _replay_quotas
        self.payloads: list[bytes] = []
        self.prev_checkpoint_hash = GENESIS
        self.heads_seen: set[bytes] = set()
        self.dossiers_seen: set[bytes] = set()
        self.seen_types: set[str] = set()
        self.end: dict[str, Any] | None = None

    def problem(self, code: str, message: str, **where: Any) -> None:
        self.report.problems.append(Problem(code, message, line=self.line_no, **where))

    # --- feeding ------------------------------------------------------------------------------

    def feed_all(self, lines: Iterable[bytes]) -> Report:
        """Verify a whole export. With the C accelerator, runs of ordinary event lines are accepted in
        C; every line it stops at goes through the Python lean loop (`_lean`), exactly as without it."""
        if _fast is None or not self.accelerate:
            self._lean(lines)
            return self.finish()
        it = iter(lines)
        while chunk := list(islice(it, 8192)):
            i, n = 0, len(chunk)
            while i < n:
                stop, events = _fast.scan(chunk, i, self.tips, self.payloads, self.wanted, _GENESIS_B)
                self.line_no += stop - i
                self.report.events += events
                if stop < n:
                    self._lean(chunk[stop : stop + 1])
                i = stop + 1
        return self.finish()

    def _lean(self, lines: Iterable[bytes]) -> None:
        """The hot path of a million events: proves each event line well-formed and linked with a
        handful of byte comparisons at known offsets; anything it cannot prove is handed to `feed`,
        which parses and explains."""
        sha256 = hashlib.sha256
        tips = self.tips
        wanted = self.wanted
        payloads = self.payloads
        prefix, columns_mark, body_mark = _EVENT_PREFIX, _COLUMNS_MARK, _BODY_MARK
        chain_mark, prev_mark, seen_mark, payload_mark = _CHAIN_MARK, _PREV_MARK, _SEEN_MARK, _PAYLOAD_MARK
        after_empty, after_seen = _AFTER_EMPTY, _AFTER_SEEN
        known = len(after_empty)
        genesis = _GENESIS_B
        line_no = self.line_no
        events = 0
        for line in lines:
            line_no += 1
            cut = line.find(columns_mark, 95)
            if cut < 0:  # not an event line
                self.line_no = line_no - 1
                self.feed(line)
                line_no = self.line_no
                continue
            try:
                # `{"type":"event","hash":H,"id":N,"columns":C,"body":B}\n` with C == B: equal halves.
                n = len(line) - 2
                half = (n - cut - 19) >> 1
                b0 = n - half
                body = line[b0:n]
                digest = sha256(body).hexdigest().encode()
                c = body.find(chain_mark) + 9
                chain = body[c : body.find(b'"', c)]
                p = body.rfind(prev_mark)
                tip = tips.get(chain)
                seq = 1 if tip is None else tip[0] + 1
                if body[p + 93] == 34:  # empty seen hash
                    a = p + 78
                    after, k = after_empty[seq] if seq < known else _after(b'","seen_hash":"', seq)
                else:
                    a = p + 157
                    after, k = after_seen[seq] if seq < known else _after(b"", seq)
                ok = (
                    (n - cut) & 1
                    and line[n + 1] == 10
                    and c > 8
                    and line.startswith(prefix + digest)
                    and line.startswith(body, cut + 11)
                    and line.startswith(body_mark, b0 - 8)
                    and body.startswith(genesis if tip is None else tip[1], p + 14)
                    and body.startswith(after, a)
                    and (a == p + 78 or body.startswith(seen_mark, p + 78))
                )
                t = a + k
                moved = body[t] != 34  # a non-empty to-state
            except IndexError:
                ok = False
            if not ok:  # hand it to the explaining path, which reads it the same way
                self.line_no = line_no - 1
                self.feed(line)
                line_no = self.line_no
                continue
            events += 1
            if tip is None:
                tip = tips[chain] = [0, genesis, None, 0]
            tip[0] = seq
            tip[1] = digest
            if moved:  # keep the body; its to-state is read only if this stays the chain's last move
                tip[2] = body
                tip[3] = t
            if wanted:
                signed = wanted.get(chain)
                if signed is not None and seq in signed:
                    self.line_no = line_no
                    self._checkpointed(chain, seq, digest, line, cut)
            if body.count(b"{", c, p) > 1:  # a nested object in the payload: maybe a quota move
                payloads.append(body[body.find(payload_mark, c) + 11 : p])
        self.line_no = line_no
        self.report.events += events

    def feed(self, line: bytes) -> None:
        self.line_no += 1
        if line.endswith(b"\n"):
            line = line[:-1]
        if line.startswith(_EVENT_PREFIX):
            self._event(line)
            return
        if not line.strip():
            return
        try:
            obj = json.loads(line)
        except ValueError:
            self.problem("unreadable_line", "a line of the export is not JSON (cut or edited file?)")
            return
        kind = obj.get("type") if isinstance(obj, dict) else None
        handler = getattr(self, f"_{kind}", None) if kind in _OTHER_TYPES else None
        if handler is None:
            self.problem("unknown_line", f"unexpected line type {kind!r}")
            return
        self.seen_types.add(str(kind))
        handler(obj)

    def _header(self, obj: dict[str, Any]) -> None:
        if obj.get("format") != FORMAT:
            self.problem("format", f"unknown export format {obj.get('format')!r}; expected {FORMAT}")

    def _checkpoint(self, obj: dict[str, Any]) -> None:
        rep = self.report
        rep.checkpoints += 1
        cp_id = int(obj.get("id") or 0)
        body_text = obj.get("body", "")
        raw = body_text.encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        if digest != obj.get("hash"):
            self.problem("checkpoint_hash", f"checkpoint {cp_id}: body does not hash to its recorded hash")
        try:
            body = json.loads(raw)
        except ValueError:
            self.problem("checkpoint_body", f"checkpoint {cp_id}: body is not JSON")
            return
        if body.get("prev") != self.prev_checkpoint_hash:
            self.problem(
                "checkpoint_link",
                f"checkpoint {cp_id}: does not follow the previous checkpoint (one was removed or reordered)",
            )
        self.prev_checkpoint_hash = digest
        key = self.public_keys.get(body.get("key_id", ""))
        if key is None:
            self.problem(
                "checkpoint_key",
                f"checkpoint {cp_id}: signed by key {body.get('key_id')!r}, which was not given to the verifier",
            )
        else:
            try:
                key.verify(bytes.fromhex(obj.get("signature", "")), raw)
            except Exception:
                self.problem(
                    "checkpoint_signature", f"checkpoint {cp_id}: the Ed25519 signature is not valid"
                )
            else:
                rep.checkpoints_verified += 1
        rep.latest_checkpoint = {
            "id": cp_id,
            "created_at": body.get("created_at"),
            "key_id": body.get("key_id"),
            "chains": len(body.get("heads", {})),
            "hash": digest,
        }
        for chain, (seq, head_hash) in body.get("heads", {}).items():
            self.wanted.setdefault(chain.encode(), {}).setdefault(int(seq), []).append(
                (cp_id, head_hash.encode())
            )

    def _event(self, line: bytes) -> None:
        """One event line (fed on its own, or one the fast path could not prove well-formed)."""
        self.report.events += 1
        cut = line.find(_COLUMNS_MARK, 95)
        if cut < 0:
            self.problem("unreadable_event", "an event line has no columns (cut or edited file?)")
            return
        rest = line[cut + 11 : -1]
        half = (len(rest) - 8) >> 1
        body = rest[half + 8 :]
        if rest[half : half + 8] != _BODY_MARK or rest[:half] != body:
            differing = self._columns_differ(line, rest)
            if differing is None:
                return
            body = differing
        digest = hashlib.sha256(body).hexdigest().encode()
        if digest != line[24:88]:
            self._hash_mismatch(line, cut, body)
            digest = line[24:88]
        fields = _read_fields(body)
        if fields is None:
            self.problem(
                "unreadable_event",
                "an event body is not in the ledger's layout (chain, prev_hash, seen_hash, seq, to)",
                event_id=self._id(line, cut),
            )
            return
        chain, seq, prev, t, c, p = fields
        tip = self.tips.get(chain)
        if tip is None:
            tip = self.tips[chain] = [0, _GENESIS_B, None, 0]
        if seq != tip[0] + 1 or prev != tip[1]:
            self._broken(chain, seq, prev, tip, self._id(line, cut))
        tip[0] = seq
        tip[1] = digest
        if body[t : t + 1] not in (b'"', b""):
            tip[2] = body
            tip[3] = t
        signed = self.wanted.get(chain)
        if signed is not None and seq in signed:
            self._checkpointed(chain, seq, digest, line, cut)
        if body.count(b"{", c, p) > 1:
            self.payloads.append(body[body.find(_PAYLOAD_MARK, c) + 11 : p])

    def _hash_mismatch(self, line: bytes, cut: int, body: bytes) -> None:
        self.problem(
            "hash_mismatch",
            "the event's body does not hash to its recorded hash (bytes changed)",
            event_id=self._id(line, cut),
            **self._where(body),
        )

    def _checkpointed(self, chain: bytes, seq: int, digest: bytes, line: bytes, cut: int) -> None:
        wanted = self.wanted[chain]
        signed = wanted.pop(seq)
        if not wanted:
            del self.wanted[chain]
        for cp_id, head_hash in signed:
            if head_hash != digest:
                self.problem(
                    "checkpoint_mismatch",
                    f"checkpoint {cp_id} signed a different event here: the chain was rewritten",
                    chain=chain.decode(),
                    seq=seq,
                    event_id=self._id(line, cut),
                )

    def _id(self, line: bytes, cut: int) -> int | None:
        try:
            return int(line[95:cut])
        except ValueError:
            return None

    def _where(self, body: bytes) -> dict[str, Any]:
        try:
            obj = json.loads(body)
            return {"chain": str(obj.get("chain", "")), "seq": obj.get("seq")}
        except ValueError:
            return {}

    def _columns_differ(self, line: bytes, rest: bytes) -> bytes | None:
        """Slow path: the columns are not the body byte for byte; say which fields differ."""
        try:
            obj = json.loads(line)
            columns, body_obj = obj["columns"], obj["body"]
        except (ValueError, KeyError, TypeError):
            self.problem("unreadable_event", "an event line is not valid JSON")
            return None
        cut = line.find(_COLUMNS_MARK, 95)
        start = rest.rfind(_BODY_MARK)
        body = rest[start + 8 :] if start >= 0 else b""
        diff = sorted(k for k in set(columns) | set(body_obj) if columns.get(k) != body_obj.get(k))
        self.problem(
            "columns_mismatch",
            "the stored columns differ from the hashed body in: " + ", ".join(diff or ["encoding"]),
            event_id=self._id(line, cut),
            chain=str(body_obj.get("chain", "")),
            seq=body_obj.get("seq"),
        )
        # Go on checking the chain with the body, which is what was hashed.
        return body

    def _broken(self, chain: bytes, seq: int, prev: bytes, tip: list[Any], event_id: int | None) -> None:
        name = chain.decode()
        if seq <= tip[0]:
            what = f"seq {seq} repeats or goes back after {tip[0]} (duplicated or swapped event)"
        elif seq > tip[0] + 1:
            what = f"seq jumps from {tip[0]} to {seq}: events {tip[0] + 1}..{seq - 1} are missing"
        else:
            what = (
                f"prev_hash {prev.decode()[:12]}… is not the hash of event {tip[0]} ({tip[1].decode()[:12]}…)"
            )
        self.problem("broken_link", what, chain=name, seq=seq, event_id=event_id)

    def _replay_quotas(self) -> None:
        """Add up payload["quota"] deltas of the payloads set aside while reading the events."""
        payloads, self.payloads = self.payloads, []
        if not payloads:
            return
        try:
            parsed = json.loads(b"[" + b",".join(payloads) + b"]")
        except ValueError:
            parsed = None
        if not isinstance(parsed, list) or len(parsed) != len(payloads):
            parsed = []  # one is not JSON: read them one by one, skipping the unreadable
            for raw in payloads:
                try:
                    parsed.append(json.loads(raw))
                except ValueError:
                    continue
        used = self.quota_used
        for payload in parsed:
            quota = payload.get("quota") if isinstance(payload, dict) else None
            if isinstance(quota, dict) and "id" in quota:
                try:
                    qid, delta = int(quota["id"]), int(quota.get("delta", 0))
                except (TypeError, ValueError):
                    continue
                used[qid] = used.get(qid, 0) + delta

    def _head(self, obj: dict[str, Any]) -> None:
        chain = str(obj.get("chain", "")).encode()
        self.heads_seen.add(chain)
        tip = self.tips.get(chain)
        if tip is None:
            if obj.get("seq"):
                self.problem(
                    "chain_missing",
                    f"the chain head says {obj.get('seq')} events but the export has none",
                    chain=chain.decode(),
                )
            return
        if tip[0] != obj.get("seq") or tip[1].decode() != obj.get("hash"):
            self.problem(
                "head_mismatch",
                f"the recorded head is seq {obj.get('seq')} but the events end at seq {tip[0]} "
                "(events removed or added at the end)",
                chain=chain.decode(),
                seq=tip[0],
            )

    def _last_to(self, chain: bytes) -> bytes | None:
        """The to-state of the chain's last event that has one."""
        tip = self.tips.get(chain)
        if tip is None or tip[2] is None:
            return None
        body, t = tip[2], tip[3]
        end = body.find(b'"', t)
        return body[t:end] if end >= 0 else body[t:]

    def _dossier(self, obj: dict[str, Any]) -> None:
        self.report.dossiers += 1
        chain = f"dossier:{obj.get('id')}".encode()
        self.dossiers_seen.add(chain)
        last = self._last_to(chain)
        status = str(obj.get("status", ""))
        if last is None:
            self.problem(
                "replay_status",
                f"dossier {obj.get('id')} is {status!r} but the ledger has no move for it",
                chain=chain.decode(),
            )
        elif last.decode() != status:
            self.problem(
                "replay_status",
                f"dossier {obj.get('id')} is {status!r} but its ledger ends in {last.decode()!r} "
                "(status changed behind the ledger)",
                chain=chain.decode(),
            )

    def _quota(self, obj: dict[str, Any]) -> None:
        self._replay_quotas()
        self.report.quotas += 1
        qid = int(obj.get("id", 0))
        replayed = self.quota_used.pop(qid, 0)
        if replayed != obj.get("used"):
            self.problem(
                "replay_quota",
                f"quota {qid} has used = {obj.get('used')} but its ledger events add up to {replayed}",
            )

    def _end(self, obj: dict[str, Any]) -> None:
        self.end = obj

    # --- the end ------------------------------------------------------------------------------

    def finish(self) -> Report:
        rep = self.report
        rep.chains = len(self.tips)
        self.line_no += 1
        for chain, seq, signed in sorted(
            (chain, seq, signed) for chain, by_seq in self.wanted.items() for seq, signed in by_seq.items()
        ):
            tip = self.tips.get(chain, [0])[0]
            for cp_id, _hash in signed:
                self.problem(
                    "checkpoint_missing_event",
                    f"checkpoint {cp_id} signed seq {seq} but the chain now ends at {tip} (truncated)",
                    chain=chain.decode(),
                    seq=seq,
                )
        if "head" in self.seen_types:
            for chain in sorted(set(self.tips) - self.heads_seen):
                self.problem(
                    "head_missing", "events exist for a chain without a chain head", chain=chain.decode()
                )
        if "dossier" in self.seen_types:
            for chain in sorted(
                c for c in self.tips if c.startswith(b"dossier:") and c not in self.dossiers_seen
            ):
                self.problem(
                    "replay_status",
                    "the ledger has events for a dossier that no longer exists",
                    chain=chain.decode(),
                )
        self._replay_quotas()
        if "quota" in self.seen_types:
            for qid, used in sorted(self.quota_used.items()):
                if used:
                    self.problem(
                        "replay_quota", f"the ledger moves quota {qid} by {used} but that quota is gone"
                    )
        if self.end is None:
            self.problem("truncated_file", "the export has no end line (file cut short?)")
        else:
            for key, count in (("events", rep.events), ("checkpoints", rep.checkpoints)):
                if self.end.get(key) != count:
                    self.problem(
                        "count_mismatch", f"the end line announces {self.end.get(key)} {key}, found {count}"
                    )
        return rep


def _read_fields(body: bytes) -> tuple[bytes, int, bytes, int, int, int] | None:
    """(chain, seq, prev hash, offset of the to-state, offset of the chain, offset of `,"prev_hash"`)
    read from an event body laid out as `ledger_append` writes it, or None if it is not."""
    c = body.find(_CHAIN_MARK) + 9
    p = body.rfind(_PREV_MARK)
    if c < 9 or p < 0 or body[p + 78 : p + 93] != _SEEN_MARK:
        return None
    close = p + 93 if body[p + 93 : p + 94] == b'"' else p + 157  # the seen hash is empty or 64 bytes
    start = close + 8
    if body[close:start] != b'","seq":':
        return None
    comma = body.find(b",", start)
    digits = body[start:comma]
    if comma < 0 or not digits.isdigit() or body[comma + 1 : comma + 7] != b'"to":"':
        return None
    return body[c : body.find(b'"', c)], int(digits), body[p + 14 : p + 78], comma + 7, c, p


_OTHER_TYPES = {"header", "checkpoint", "head", "dossier", "quota", "end"}


def verify_file(path: str, public_keys: dict[str, Any]) -> Report:
    verifier = Verifier(public_keys)
    with open(path, "rb") as fh:
        return verifier.feed_all(fh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workflows.verify", description="Verify a thidua audit ledger export."
    )
    parser.add_argument("export", help="file written by `manage.py audit_export`")
    parser.add_argument(
        "--public-key",
        action="append",
        default=[],
        required=True,
        help="Ed25519 public key (PEM) of the checkpoint signer; repeat for rotated keys",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = verify_file(args.export, load_public_keys(args.public_key))
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json else report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
