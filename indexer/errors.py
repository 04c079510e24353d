"""Errors of the indexer, as a small hierarchy with Chinese messages for users.

    ArchiveSearchError            any error this project reports (code + message)
    ├── InputError                bad input to a command: the CLI exits with status 2
    │   ├── ArchiveRootError      the archive root is missing or unreadable
    │   ├── IndexDirError         the index directory is not an index
    │   └── TableError            customers.csv / catalog.csv cannot be used
    └── ExtractionError           one file yields no text; recorded, the run goes on
        ├── UnsupportedFileError  a format we do not read
        ├── EmptyFileError        zero bytes, or no text at all
        ├── EncryptedFileError    password-protected
        ├── CorruptFileError      damaged or truncated
        └── EncodingError         text in an encoding we cannot detect
"""

from __future__ import annotations


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
