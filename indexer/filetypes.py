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
OLE_SUFFIXES = {".doc": "doc", ".xls": "xls", ".wps": "wps", ".et": "xls"}
IMAGE_KINDS = frozenset({"jpeg", "png", "tiff", "bmp", "gif"})
# what the extension promises, to say "named X but is Y" in messages
_SUFFIX_KIND = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff",
                ".tiff": "tiff", ".bmp": "bmp", ".gif": "gif", ".docx": "docx", ".xlsx": "xlsx",
                ".ofd": "ofd",
                **OLE_SUFFIXES}


def sniff(path: Path) -> str:
    """The kind of file at ``path``: pdf, docx, xlsx, ofd, doc, xls, wps, jpeg, png, tiff,
    bmp, gif, rtf or text. Raises :class:`RefusedFileError` for executables and
    :class:`UnsupportedFileError` for anything else."""
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
        if suffix in (".ppt", ".dps", ".msg"):
            raise UnsupportedFileError(f"不支持的文件类型“{suffix}”（演示文稿或邮件）")
        return OLE_SUFFIXES.get(suffix, "doc")
    if kind:
        return kind
    if suffix in TEXT_SUFFIXES and _looks_like_text(head):
        return "text"
    if suffix in _SUFFIX_KIND:
        raise CorruptFileError(f"文件内容与扩展名“{suffix}”不符，无法识别（文件损坏或被改名）")
    raise UnsupportedFileError(f"不支持的文件类型“{path.suffix or '无扩展名'}”")


def _zip_kind(path: Path) -> str:
    """docx or xlsx by the members of an OOXML package, ofd by its OFD.xml."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(f"压缩包结构损坏，无法打开（{exc}）") from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return _ofd_kind(path)
    raise UnsupportedFileError("文件是普通压缩包（ZIP），不是可检索的文档；请解压后归档")


def _ofd_kind(path: Path) -> str:
    """ofd when the package's OFD.xml names a document body (DocBody/DocRoot)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("OFD.xml") as member:
            head = member.read(65536)
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        raise EncryptedFileError("OFD 文件已加密（需要密钥或密码才能打开）") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(f"OFD 文件损坏，无法读取 OFD.xml（{exc}）") from exc
    if b"DocRoot" not in head:
        raise CorruptFileError("OFD 文件缺少文档主体（OFD.xml 未指明 DocRoot）")
    return "ofd"


def _looks_like_text(head: bytes) -> bool:
    """No NUL bytes outside UTF-16 and few control characters."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100
