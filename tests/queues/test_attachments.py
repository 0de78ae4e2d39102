import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from workflows import attachments as att

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _ooxml(main_part: str, main_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types>'
            f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>',
        )
        zf.writestr(main_part, "<xml/>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


DOCX_BYTES = _ooxml("word/document.xml", att._DOCX_MAIN)
XLSX_BYTES = _ooxml("xl/workbook.xml", att._XLSX_MAIN)


def up(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("bao-cao.pdf", PDF_BYTES, "pdf"),
        ("anh.PNG", PNG_BYTES, "png"),
        ("anh.jpeg", JPEG_BYTES, "jpeg"),
        ("anh.jpg", JPEG_BYTES, "jpeg"),
        ("bao-cao.docx", DOCX_BYTES, "docx"),
        ("danh-sach.xlsx", XLSX_BYTES, "xlsx"),
    ],
)
def test_allowed_types_are_recognised_by_content(name, data, kind):
    file_type, clean, size = att.validate_upload(up(name, data))
    assert file_type.key == kind
    assert size == len(data)
    assert clean.lower().endswith(name.rsplit(".", 1)[1].lower())


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is an exe"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("plain.docx", _ooxml("other/part.xml", "text/plain")),
        ("nocontenttypes.docx", b"PK\x03\x04" + b"\x00" * 40),
    ],
)
def test_wrong_content_is_refused_whatever_the_name(name, data):
    with pytest.raises(att.AttachmentRejected):
        att.validate_upload(up(name, data))


def test_name_that_lies_about_the_content_is_refused():
    with pytest.raises(att.AttachmentRejected) as exc:
        att.validate_upload(up("bang-tinh.xlsx", PDF_BYTES))
    assert "PDF" in exc.value.message


def test_macro_enabled_office_file_is_refused():
    data = _ooxml(
        "word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        {"word/vbaProject.bin": b"\x00" * 10},
    )
    with pytest.raises(att.AttachmentRejected):
        att.validate_upload(up("macro.docx", data))


def test_zip_bomb_is_refused_by_ratio_without_unpacking():
    # 50 MB of zeros compresses to ~50 KB: far above the allowed expansion ratio.
    data = _ooxml("word/document.xml", att._DOCX_MAIN, {"word/media/big.bin": b"\x00" * (50 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    with pytest.raises(att.AttachmentRejected) as exc:
        att.validate_upload(up("bomb.docx", data))
    assert "bomb" in exc.value.message or "nén" in exc.value.message


def test_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(att, "ZIP_MAX_ENTRIES", 5)
    data = _ooxml("word/document.xml", att._DOCX_MAIN, {f"word/x{i}.xml": b"<a/>" for i in range(10)})
    with pytest.raises(att.AttachmentRejected):
        att.validate_upload(up("many.docx", data))


def test_size_limit_comes_from_settings(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(att.AttachmentRejected) as exc:
        att.validate_upload(up("bao-cao.pdf", PDF_BYTES))
    assert "MB" in exc.value.message


def test_empty_file_is_refused():
    with pytest.raises(att.AttachmentRejected):
        att.validate_upload(up("empty.pdf", b""))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\Báo cáo thành tích.pdf", "Báo cáo thành tích.pdf"),
        ("a<b>|c?.pdf", "a_b_c.pdf"),
        ("...", "tep-dinh-kem"),
        ("name\x00\r\n.pdf", "name.pdf"),
    ],
)
def test_names_are_sanitised(raw, expected):
    assert att.sanitise_name(raw) == expected


def test_store_writes_outside_web_root_with_sha256(tmp_path, settings):
    import hashlib

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    stored = att.store_upload(up("Báo cáo.pdf", PDF_BYTES))
    path = att.storage_path(stored.storage_name)
    assert path.read_bytes() == PDF_BYTES
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert tmp_path in path.parents
    assert stored.original_name == "Báo cáo.pdf"
    assert "Báo" not in stored.storage_name  # stored under a random name
    att.discard(stored.storage_name)
    assert not path.exists()


def test_storage_path_cannot_escape_root(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    with pytest.raises(att.AttachmentRejected):
        att.storage_path("../../secret")
