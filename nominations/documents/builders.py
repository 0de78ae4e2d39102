"""The document builders: plain data in, file bytes out (PDF, XLSX, ZIP)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from .data import Awardee, DecisionDoc, MinutesDoc, SubmissionDoc
from .formatting import format_date_long, format_money, money_in_words
from .render import render_pdf

KIND_ORDER = ("collective", "individual", "household")


def _rows(awardees: list[Awardee]) -> list[dict[str, Any]]:
    return [{"awardee": a, "amount_text": format_money(a.amount)} for a in awardees]


def build_decision_pdf(doc: DecisionDoc) -> bytes:
    """Quyết định khen thưởng (or its revocation) in the layout of Nghị định 30/2020."""
    return render_pdf(
        "documents/decision.html",
        {
            "doc": doc,
            "rows": _rows(doc.awardees),
            "date_long": format_date_long(doc.issued_on),
            "revoked_on_long": format_date_long(doc.revoked_on) if doc.revoked_on else "",
            "total_text": format_money(doc.total_amount),
            "total_words": money_in_words(doc.total_amount),
        },
    )


def _submission_context(doc: SubmissionDoc) -> dict[str, Any]:
    counts = Counter(a.kind for a in doc.awardees)
    labels = {k: Awardee(name="", kind=k).kind_label for k in KIND_ORDER}
    return {
        "doc": doc,
        "rows": _rows(doc.awardees),
        "date_long": format_date_long(doc.issued_on),
        "kind_counts": [{"label": labels[k], "count": counts[k]} for k in KIND_ORDER if counts[k]],
    }


def build_submission_pdf(doc: SubmissionDoc) -> bytes:
    """Tờ trình (Mẫu 01) followed by its attached list on a new page."""
    return render_pdf("documents/submission.html", _submission_context(doc))


def build_submission_list_pdf(doc: SubmissionDoc) -> bytes:
    return render_pdf("documents/submission_list.html", _submission_context(doc))


def build_submission_xlsx(doc: SubmissionDoc) -> bytes:
    """The attached list as a spreadsheet (the province re-keys nothing)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook always has one sheet
    ws.title = "Danh sách"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"])
    ws.append(
        [f"(Kèm theo Tờ trình số {doc.number} {format_date_long(doc.issued_on)} của {doc.issuer.full_name})"]
    )
    ws.append([])
    header = [
        "STT",
        "Họ và tên / Tên tập thể",
        "Loại",
        "Chức vụ, đơn vị",
        "Hình thức đề nghị khen thưởng",
        "Tóm tắt thành tích",
    ]
    ws.append(header)
    for index, a in enumerate(doc.awardees, start=1):
        ws.append([index, a.name, a.kind_label, a.position, a.award_name, a.summary])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=13)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"].font = Font(italic=True)
    ws["A2"].alignment = Alignment(horizontal="center")
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in ws.iter_rows(min_row=4, max_row=ws.max_row):
        for cell in row:
            cell.border = border
            if cell.row > 4:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column, width in zip("ABCDEF", (6, 30, 12, 30, 32, 60), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A5"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_minutes_pdf(doc: MinutesDoc) -> bytes:
    """Biên bản họp Hội đồng: who was there, the tallies over all members, the conclusion."""
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    held = doc.held_at.astimezone(tz) if doc.held_at.tzinfo else doc.held_at
    ended = doc.ended_at.astimezone(tz) if doc.ended_at and doc.ended_at.tzinfo else doc.ended_at
    return render_pdf(
        "documents/minutes.html",
        {
            "doc": doc,
            "date_long": format_date_long(held.date()),
            "held_time": f"{held.hour:02d} giờ {held.minute:02d} phút",
            "end_time": f"{ended.hour:02d} giờ {ended.minute:02d} phút" if ended else "",
        },
    )


# --- Package ----------------------------------------------------------------------------------------

MANIFEST_NAME = "manifest.json"
CHECKSUMS_NAME = "SHA256SUMS"
# A fixed timestamp inside the ZIP so the same files always give the same package bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_package(*, files: list[tuple[str, bytes]], meta: dict[str, Any] | None = None) -> bytes:
    """One ZIP: every file plus manifest.json (name, size, SHA-256) and a `sha256sum -c` file."""
    names = [name for name, _ in files]
    if len(set(names)) != len(names):
        raise ValueError("duplicate file names in a package")
    if {MANIFEST_NAME, CHECKSUMS_NAME} & set(names):
        raise ValueError("reserved file name in a package")
    entries = [{"name": name, "size": len(data), "sha256": sha256_hex(data)} for name, data in files]
    manifest = {"format": "thidua-package/1", **(meta or {}), "files": entries}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    sums = "".join(f"{e['sha256']}  {e['name']}\n" for e in entries).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [*files, (MANIFEST_NAME, manifest_bytes), (CHECKSUMS_NAME, sums)]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # names are UTF-8 (Vietnamese file names)
            zf.writestr(info, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class PackageCheck:
    ok: bool
    files: int
    problems: list[str]


def verify_package(data: bytes) -> PackageCheck:
    """Recompute every file's SHA-256 against the manifest; list missing, extra and changed files."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read(MANIFEST_NAME))
        listed = {e["name"]: e for e in manifest["files"]}
        present = set(zf.namelist()) - {MANIFEST_NAME, CHECKSUMS_NAME}
        for name in sorted(present - listed.keys()):
            problems.append(f"not in manifest: {name}")
        for name, entry in listed.items():
            if name not in present:
                problems.append(f"missing: {name}")
                continue
            if sha256_hex(zf.read(name)) != entry["sha256"]:
                problems.append(f"changed: {name}")
    return PackageCheck(ok=not problems, files=len(listed), problems=problems)
