"""Builders of broken and hostile files, each made the way it happens in real archives."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from tests.factories import make_docx, make_pdf


def encrypted_pdf(path: Path, user_password: str) -> Path:
    """A text PDF encrypted with ``user_password`` (empty: opens without asking)."""
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(path.with_suffix(".plain.pdf"), [["供用电合同", "户号：3301000001"]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def truncated_pdf(path: Path) -> Path:
    good = make_pdf(path, [["供用电合同", "户号：3301000001"]]).read_bytes()
    path.write_bytes(good[: len(good) // 3])
    return path


def raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF from raw object bodies (object 1 is the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def recursive_pdf(path: Path) -> Path:
    """A page tree whose node lists itself as its own kid: a naive walker never stops."""
    return raw_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                          b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def deep_pdf(path: Path, depth: int = 100_000) -> Path:
    """A page whose resources hold arrays nested ``depth`` deep (an enormous object graph)."""
    nested = b"[" * depth + b"]" * depth
    return raw_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /X " + nested
        + b" >> /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ])


def _rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy a zip, replacing the named members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
    return target


def docx_with(path: Path, document_xml: bytes) -> Path:
    """A real DOCX whose word/document.xml is replaced."""
    source = make_docx(path.with_suffix(".src.docx"), "用电检查工作单", [("户号", "3301000001")])
    _rewrite_zip(source, path, {"word/document.xml": document_xml})
    source.unlink()
    return path


def _inflated(source: Path, target: Path, member: str, after: bytes, padding_mb: int) -> Path:
    """``source`` with ``padding_mb`` MB of whitespace (compressing ~1000:1) in one XML member."""
    with zipfile.ZipFile(source) as archive:
        xml = archive.read(member)
    head, tail = xml.split(after, 1)
    _rewrite_zip(source, target, {member: head + after + b" " * (padding_mb * 2**20) + tail})
    source.unlink()
    return target


def zip_bomb_docx(path: Path, padding_mb: int = 40) -> Path:
    """A DOCX whose document.xml inflates to ``padding_mb`` MB (a zip bomb)."""
    source = make_docx(path.with_suffix(".src.docx"), "用电检查工作单", [("户号", "3301000001")])
    return _inflated(source, path, "word/document.xml", b"<w:body>", padding_mb)


def zip_bomb_xlsx(path: Path, padding_mb: int = 40) -> Path:
    """An XLSX whose first sheet inflates to ``padding_mb`` MB (a zip bomb)."""
    source = xlsx(path.with_suffix(".src.xlsx"), {"设备清单": [["户号", "3301000001"]]})
    return _inflated(source, path, "xl/worksheets/sheet1.xml", b"<sheetData>", padding_mb)


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def xlsx_with_sheet_xml(path: Path, sheet_xml: bytes) -> Path:
    source = xlsx(path.with_suffix(".src.xlsx"), {"设备清单": [["户号", "3301000001"]]})
    _rewrite_zip(source, path, {"xl/worksheets/sheet1.xml": sheet_xml})
    source.unlink()
    return path


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    body = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
                     + chunk(b"IEND", b""))
    return path


def executable(path: Path, kind: str = "MZ") -> Path:
    """Bytes of a Windows (MZ) or Linux (ELF) program under an innocent name."""
    magic = {"MZ": b"MZ\x90\x00\x03\x00\x00\x00", "ELF": b"\x7fELF\x02\x01\x01\x00"}[kind]
    path.write_bytes(magic + bytes(range(256)) * 4)
    return path
