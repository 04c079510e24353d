"""Errors of the indexer, as a small hierarchy with Chinese messages for users.

    ArchiveSearchError            any error this project reports (code + message)
    ├── InputError                bad input to a command: the CLI exits with status 2
    │   ├── ArchiveRootError      the archive root is missing or unreadable
    │   ├── IndexDirError         the index directory is not an index
    │   └── TableError            customers.csv / catalog.csv cannot be used
    └── ExtractionError           one file yields no text; recorded, the run goes on
        ├── UnsupportedFileError  a format we do not read
        │   ├── RefusedFileError  an executable or other non-document, whatever its name
        │   └── NeedsLibreOfficeError  .doc/.xls/.wps while LibreOffice is not installed
        ├── EmptyFileError        zero bytes, or no text at all
        ├── EncryptedFileError    password-protected
        ├── CorruptFileError      damaged or truncated (also malformed XML)
        ├── EncodingError         text in an encoding we cannot detect
        ├── LimitExceededError    over a size, dimension, time or memory limit
        │   ├── FileTooLargeError     bigger than the configured size limit
        │   ├── BombError             zip bomb or decompression-bomb image
        │   ├── ExtractionTimeoutError  the worker ran past its deadline and was killed
        │   └── WorkerDiedError       the worker died (out of memory or crashed)
        └── FileAccessError       the file vanished, changed or cannot be read
"""

from __future__ import annotations

import errno

_OS_REASONS = {errno.ENOENT: "文件不存在", errno.EACCES: "权限不足", errno.EPERM: "权限不足",
               errno.EIO: "磁盘读取错误（介质可能损坏）", errno.EISDIR: "是文件夹而不是文件",
               errno.ELOOP: "符号链接循环", errno.ENAMETOOLONG: "文件名过长",
               errno.ESTALE: "网络共享上的文件已失效", errno.ETIMEDOUT: "网络共享读取超时",
               errno.ENOMEM: "内存不足", errno.EMFILE: "打开的文件过多"}


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in Chinese (not the C library's English text)."""
    return _OS_REASONS.get(exc.errno or 0, f"系统错误，错误码 {exc.errno}" if exc.errno
                           else "系统错误")


class ArchiveSearchError(Exception):
    """Base: ``code`` is stable for scripts, ``message`` is for people (Chinese)."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class InputError(ArchiveSearchError):
    code = "bad_input"


class ArchiveRootError(InputError):
    code = "bad_archive_root"


class IndexDirError(InputError):
    code = "bad_index_dir"


class TableError(InputError):
    code = "bad_table"


class ExtractionError(ArchiveSearchError):
    code = "extraction_failed"
    status = "failed"


class UnsupportedFileError(ExtractionError):
    code = "unsupported"
    status = "unsupported"


class EmptyFileError(ExtractionError):
    code = "empty"


class EncryptedFileError(ExtractionError):
    code = "encrypted"


class CorruptFileError(ExtractionError):
    code = "corrupt"


class EncodingError(ExtractionError):
    code = "encoding"


class RefusedFileError(UnsupportedFileError):
    code = "refused"


class NeedsLibreOfficeError(UnsupportedFileError):
    code = "needs_libreoffice"


class LimitExceededError(ExtractionError):
    code = "limit_exceeded"


class FileTooLargeError(LimitExceededError):
    code = "too_large"


class BombError(LimitExceededError):
    code = "bomb"


class ExtractionTimeoutError(LimitExceededError):
    code = "timeout"


class WorkerDiedError(LimitExceededError):
    code = "worker_died"


class FileAccessError(ExtractionError):
    code = "access"
