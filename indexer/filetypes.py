"""Deciding a file's type by its content (magic bytes), not only by its name.

A PDF named ``.jpg`` is read as a PDF; a renamed executable is refused; the extension is
only trusted for plain text, which has no signature.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from indexer.errors import (CorruptFileError, EncryptedFileError, RefusedFileError,
                            UnsupportedFileError)

# kind -> leading signatures
_SIGNATURES: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("pdf", (b"%PDF-",)),
    ("jpeg", (b"\xff\xd8\xff",)),
    ("png", (b"\x89PNG\r\n\x1a\n",)),
    ("tiff", (b"II*\x00", b"MM\x00*")),
    ("bmp", (b"BM",)),
    ("gif", (b"GIF87a", b"GIF89a")),
    ("zip", (b"PK\x03\x04", b"PK\x05\x06")),
    ("ole", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),  # .doc/.xls/.wps (Compound File)
    ("rtf", (b"{\\rtf",)),
)
_EXECUTABLES: tuple[tuple[str, bytes], ...] = (
    ("Windows 可执行程序", b"MZ"),
    ("Linux 可执行程序", b"\x7fELF"),
    ("macOS 可执行程序", b"\xcf\xfa\xed\xfe"),
    ("macOS 可执行程序", b"\xca\xfe\xba\xbe"),
    ("脚本程序", b"#!"),
)
TEXT_SUFFIXES = frozenset({".txt", ".csv", ".md", ".log"})
MARKUP_SUFFIXES = {".html": "html", ".htm": "html", ".eml": "eml"}  # text with a structure
OLE_SUFFIXES = {".doc": "doc", ".xls": "xls", ".wps": "wps", ".et": "xls", ".ppt": "ppt",
                ".dps": "ppt"}
# zip containers: an OOXML package by its main part, an OpenDocument file by its mimetype
_OOXML_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"),
                ("ppt/presentation.xml", "pptx"))
_ODF_MIMETYPES = {"application/vnd.oasis.opendocument.text": "odt",
                  "application/vnd.oasis.opendocument.spreadsheet": "ods",
                  "application/vnd.oasis.opendocument.presentation": "odp"}
IMAGE_KINDS = frozenset({"jpeg", "png", "tiff", "bmp", "gif"})
# what the extension promises, to say "named X but is Y" in messages
_SUFFIX_KIND = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff",
                ".tiff": "tiff", ".bmp": "bmp", ".gif": "gif", ".docx": "docx", ".xlsx": "xlsx",
                ".pptx": "pptx", ".odt": "odt", ".ods": "ods", ".odp": "odp", ".ofd": "ofd",
                **OLE_SUFFIXES}


def sniff(path: Path) -> str:
    """The kind of file at ``path``: pdf, docx, xlsx, pptx, odt, ods, odp, ofd, doc, xls,
    wps, ppt, jpeg, png, tiff, bmp, gif, rtf, html, eml or text. Raises
    :class:`RefusedFileError` for executables and :class:`UnsupportedFileError` for anything
    else."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    for label, magic in _EXECUTABLES:
        if head.startswith(magic):
            raise RefusedFileError(f"文件内容是{label}，不是档案文件（扩展名“{path.suffix}”与内容不符），已拒绝处理")
    kind = next((k for k, sigs in _SIGNATURES if head.startswith(sigs)), "")
    if not kind and head[:1024].lstrip().startswith(b"%PDF-"):
        kind = "pdf"  # some scanners write a few bytes of junk before the header
    suffix = path.suffix.lower()
    if kind == "zip":
        return _zip_kind(path)
    if kind == "ole":
        return _ole_kind(path, suffix)
    if kind:
        return kind
    if suffix in MARKUP_SUFFIXES and _looks_like_text(head):
        return MARKUP_SUFFIXES[suffix]
    if suffix in TEXT_SUFFIXES and _looks_like_text(head):
        return "text"
    if suffix in _SUFFIX_KIND:
        raise CorruptFileError(f"文件内容与扩展名“{suffix}”不符，无法识别（文件损坏或被改名）")
    raise UnsupportedFileError(f"不支持的文件类型“{path.suffix or '无扩展名'}”")


def _zip_kind(path: Path) -> str:
    """docx, xlsx or pptx by the members of an OOXML package; odt, ods or odp by the
    mimetype of an OpenDocument file; ofd by its OFD.xml."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError("压缩包结构损坏，无法打开（文件损坏或不完整）") from exc
    for part, kind in _OOXML_PARTS:
        if part in names:
            return kind
    if "OFD.xml" in names:
        return _ofd_kind(path)
    odf = mimetype.decode("ascii", "replace").strip()
    if odf in _ODF_MIMETYPES:
        return _ODF_MIMETYPES[odf]
    if odf.startswith("application/vnd.oasis.opendocument."):
        raise UnsupportedFileError(f"不支持的 OpenDocument 文档类型（{odf.rsplit('.', 1)[-1]}）")
    if "[Content_Types].xml" in names:
        raise UnsupportedFileError("不支持的 Office 文档类型（不是 Word、Excel 或 PowerPoint 文档）")
    raise UnsupportedFileError("文件是普通压缩包（ZIP），不是可检索的文档；请解压后归档")


def _ole_kind(path: Path, suffix: str) -> str:
    """doc, xls, wps or ppt by the suffix of a Compound File; an encrypted OOXML package
    (a password-protected .docx/.xlsx is stored as a Compound File) is refused as such."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            encrypted = ole.exists("EncryptedPackage")
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except Exception:  # noqa: BLE001 - a damaged directory: LibreOffice will judge the file
        encrypted, streams = False, set()
    if encrypted:
        raise EncryptedFileError("文件已加密（设置了打开密码），无法读取内容；请提供未加密的版本")
    if suffix == ".msg" or "__substg1.0_0037001f" in streams:
        raise UnsupportedFileError("不支持的文件类型“.msg”（Outlook 邮件），请另存为 .eml")
    if suffix in OLE_SUFFIXES:
        return OLE_SUFFIXES[suffix]
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "powerpoint document" in streams:
        return "ppt"
    return "doc"


def _ofd_kind(path: Path) -> str:
    """ofd when the package's OFD.xml names a document body (DocBody/DocRoot)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("OFD.xml") as member:
            head = member.read(65536)
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        raise EncryptedFileError("OFD 文件已加密（需要密钥或密码才能打开）") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError("OFD 文件损坏，无法读取 OFD.xml（文件损坏或不完整）") from exc
    if b"DocRoot" not in head:
        raise CorruptFileError("OFD 文件缺少文档主体（OFD.xml 未指明 DocRoot）")
    return "ofd"


def _looks_like_text(head: bytes) -> bool:
    """No NUL bytes outside UTF-16 and few control characters."""
    from indexer.tables import utf16_byte_order

    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_byte_order(head):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100
