"""The builders produce real files: PDFs whose extracted text reads right, an XLSX, a ZIP whose
manifest hashes match."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from nominations.documents import (
    Awardee,
    DecisionDoc,
    Issuer,
    MinutesDoc,
    MinutesMember,
    MinutesTally,
    Signer,
    SubmissionDoc,
    build_decision_pdf,
    build_minutes_pdf,
    build_package,
    build_submission_pdf,
    build_submission_xlsx,
    format_money,
    money_in_words,
    verify_package,
)
from nominations.documents.formatting import format_date_long

from .conftest import pdf_text

ISSUER = Issuer(
    parent_name="ỦY BAN NHÂN DÂN",
    name="XÃ VĨNH THÔNG",
    full_name="Ủy ban nhân dân xã Vĩnh Thông",
    place_name="Vĩnh Thông",
    province="Thái Nguyên",
)
AWARDEES = [
    Awardee(
        name="Nguyễn Văn An",
        kind="individual",
        position="Công an viên thôn, Thôn Đồng Hỷ",
        award_name="Giấy khen của Chủ tịch UBND xã",
        amount=760_000,
        summary="Ứng dụng số trong thôn.",
    ),
    Awardee(
        name="Tổ Khoa học tự nhiên",
        kind="collective",
        position="Trường THCS Vĩnh Thông",
        award_name="Giấy khen của Chủ tịch UBND xã",
        amount=1_520_000,
        summary="Dạy “Bình dân học AI”.",
    ),
]


def decision_doc(**overrides) -> DecisionDoc:
    values = {
        "issuer": ISSUER,
        "number": "12/QĐ-UBND",
        "issued_on": dt.date(2026, 11, 25),
        "subject": "khen thưởng tập thể, cá nhân có thành tích",
        "legal_bases": [
            "Luật Thi đua, khen thưởng số 06/2022/QH15",
            "Thông tư số 15/2025/TT-BNV của Bộ Nội vụ",
        ],
        "proposal": "Xét đề nghị của Trưởng phòng Văn hóa – Xã hội",
        "awardees": AWARDEES,
        "signer": Signer(title="chair", name="Nguyễn Quốc Hội"),
        "recipients": ["Như Điều 3", "Lưu: VT"],
        "executors": "Chánh Văn phòng HĐND và UBND xã",
    }
    values.update(overrides)
    return DecisionDoc(**values)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(760_000, "760.000"), (1_520_000, "1.520.000"), (0, "0"), (12_345_678_900, "12.345.678.900")],
)
def test_money_has_dot_thousands_separators(amount, text):
    assert format_money(amount) == text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (760_000, "Bảy trăm sáu mươi nghìn đồng"),
        (2_280_000, "Hai triệu hai trăm tám mươi nghìn đồng"),
        (5_060_000, "Năm triệu không trăm sáu mươi nghìn đồng"),
        (1_015, "Một nghìn không trăm mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
    ],
)
def test_money_in_words(amount, words):
    assert money_in_words(amount) == words


def test_date_line_follows_decree_30():
    assert format_date_long(dt.date(2026, 11, 25)) == "ngày 25 tháng 11 năm 2026"
    assert format_date_long(dt.date(2026, 2, 1)) == "ngày 01 tháng 02 năm 2026"
    assert format_date_long(dt.date(2026, 3, 9)) == "ngày 9 tháng 3 năm 2026"


def test_decision_pdf_text():
    pdf = build_decision_pdf(decision_doc())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/QĐ-UBND",
        "Vĩnh Thông, ngày 25 tháng 11 năm 2026",
        "QUYẾT ĐỊNH",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
        "Căn cứ Thông tư số 15/2025/TT-BNV của Bộ Nội vụ;",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "Nguyễn Văn An",
        "Tổ Khoa học tự nhiên",
        "760.000 đồng",
        "1.520.000 đồng",
        "2.280.000 đồng",
        "Hai triệu hai trăm tám mươi nghìn đồng",
        "Nơi nhận:",
        "CHỦ TỊCH",
        "Nguyễn Quốc Hội",
    ]:
        assert expected in text, expected
    assert "KT. CHỦ TỊCH" not in text


def test_deputy_signs_for_the_chair():
    text = pdf_text(build_decision_pdf(decision_doc(signer=Signer(title="deputy", name="Lương Văn Thành"))))
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lương Văn Thành" in text


def test_revocation_pdf_lists_money_to_recover():
    doc = decision_doc(
        kind="revocation",
        number="15/QĐ-UBND",
        subject="hủy bỏ Quyết định số 12/QĐ-UBND",
        revoked_number="12/QĐ-UBND",
        revoked_on=dt.date(2026, 11, 25),
        reason="Phát hiện khai man thành tích.",
        awardees=AWARDEES[:1],
    )
    text = pdf_text(build_decision_pdf(doc))
    assert "Hủy bỏ Quyết định số 12/QĐ-UBND ngày 25 tháng 11 năm 2026" in text
    assert "Lý do: Phát hiện khai man thành tích." in text
    assert "Thu hồi" in text and "760.000 đồng" in text


def submission_doc() -> SubmissionDoc:
    return SubmissionDoc(
        issuer=ISSUER,
        number="3/TTr-UBND",
        issued_on=dt.date(2026, 11, 25),
        subject="đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh",
        addressee="Ủy ban nhân dân tỉnh Thái Nguyên",
        legal_bases=["Luật Thi đua, khen thưởng số 06/2022/QH15"],
        body="Thực hiện Phong trào.",
        awardees=AWARDEES,
        signer=Signer(title="chair", name="Nguyễn Quốc Hội"),
        recipients=["Như trên", "Lưu: VT"],
    )


def test_submission_pdf_has_the_list():
    text = pdf_text(build_submission_pdf(submission_doc()))
    for expected in [
        "TỜ TRÌNH",
        "Số: 3/TTr-UBND",
        "Kính gửi: Ủy ban nhân dân tỉnh Thái Nguyên",
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "Kèm theo Tờ trình số 3/TTr-UBND",
        "Nguyễn Văn An",
        "Ứng dụng số trong thôn.",
        "1 tập thể, 1 cá nhân",
    ]:
        assert expected in text, expected


def test_submission_xlsx_rows():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(build_submission_xlsx(submission_doc())))
    ws = wb.active
    header = [c.value for c in ws[4]]
    assert header[:2] == ["STT", "Họ và tên / Tên tập thể"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert rows == [
        [
            1,
            "Nguyễn Văn An",
            "Cá nhân",
            "Công an viên thôn, Thôn Đồng Hỷ",
            "Giấy khen của Chủ tịch UBND xã",
            "Ứng dụng số trong thôn.",
        ],
        [
            2,
            "Tổ Khoa học tự nhiên",
            "Tập thể",
            "Trường THCS Vĩnh Thông",
            "Giấy khen của Chủ tịch UBND xã",
            "Dạy “Bình dân học AI”.",
        ],
    ]


def test_minutes_pdf():
    doc = MinutesDoc(
        issuer=ISSUER,
        council_name="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        held_at=dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC),
        place="Hội trường UBND xã",
        chair_name="Nguyễn Quốc Hội",
        secretary_name="Phạm Thị Lan",
        members=[
            MinutesMember(name="Nguyễn Quốc Hội", title="Chủ tịch Hội đồng"),
            MinutesMember(name="Đinh Văn Quân", present=False, written_vote=True),
        ],
        tallies=[
            MinutesTally(
                nominee="Nguyễn Văn An",
                unit="Thôn Đồng Hỷ",
                award_name="Giấy khen",
                issued=5,
                returned=5,
                valid=5,
                agreeing=4,
                all_members=5,
                outcome="Đạt",
            ),
        ],
        conclusion="Đề nghị Chủ tịch UBND xã tặng Giấy khen.",
    )
    text = pdf_text(build_minutes_pdf(doc))
    assert "BIÊN BẢN" in text
    assert "15 giờ 30 phút" in text  # 08:30 UTC is 15:30 in Hà Nội
    assert "có phiếu biểu quyết bằng văn bản" in text
    assert "80%" in text
    assert "Đề nghị Chủ tịch UBND xã tặng Giấy khen." in text


def test_package_manifest_hashes_match():
    files = [("a.pdf", b"%PDF-1.7 one"), ("thư mục/b.xlsx", b"PK two")]
    data = build_package(files=files, meta={"document": "3/TTr-UBND"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["document"] == "3/TTr-UBND"
        for entry in manifest["files"]:
            assert hashlib.sha256(zf.read(entry["name"])).hexdigest() == entry["sha256"]
            assert len(zf.read(entry["name"])) == entry["size"]
        assert {e["name"] for e in manifest["files"]} == {"a.pdf", "thư mục/b.xlsx"}
        sums = zf.read("SHA256SUMS").decode()
        assert f"{hashlib.sha256(b'PK two').hexdigest()}  thư mục/b.xlsx" in sums
    assert verify_package(data).ok
    assert build_package(files=files, meta={"document": "3/TTr-UBND"}) == data  # reproducible


def test_package_check_finds_a_changed_file():
    data = build_package(files=[("a.pdf", b"one"), ("b.pdf", b"two")])
    # Rebuild the ZIP with b.pdf changed but the old manifest kept.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, b"TWO" if info.filename == "b.pdf" else content)
    check = verify_package(out.getvalue())
    assert not check.ok
    assert check.problems == ["changed: b.pdf"]
