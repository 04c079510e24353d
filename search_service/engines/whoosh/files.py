"""Whoosh index files read in place: no copy per reader, no shared file position.

Each thread's searcher has its own readers. Whoosh's default storage maps a compound
segment into memory and then copies it into a ``BytesIO`` for every reader (150 MB per
thread at 100,000 documents); without mapping it reads through ``SubFile``, whose
unbuffered Python reads make unpickling a posting block's header cost hundreds of calls.
:class:`InPlaceStorage` opens each file once per reader and reads any byte range of it with
``os.pread`` (no file position to share) behind a C ``BufferedReader``, and hands a
compound segment's parts out as ranges of the same descriptor.
"""

from __future__ import annotations

import io
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

_BUFFER = 4096  # bytes read ahead: a posting block's header and ids fit


class _Range(io.RawIOBase):
    """Bytes ``[offset, offset + length)`` of an open file descriptor."""

    def __init__(self, fd: int, offset: int, length: int, owns: bool) -> None:
        super().__init__()
        self._fd, self._offset, self._length, self._owns = fd, offset, length, owns
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - any writable buffer
        size = min(len(buffer), self._length - self._pos)
        if size <= 0:
            return 0
        data = os.pread(self._fd, size, self._offset + self._pos)
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + position)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if not self.closed and self._owns:
            os.close(self._fd)
        super().close()


class RangeFile(StructFile):
    """A read-only Whoosh file over a range of a descriptor; its subsets share it."""

    def __init__(self, fd: int, offset: int, length: int, name: str | None = None,
                 owns: bool = False) -> None:
        super().__init__(io.BufferedReader(_Range(fd, offset, length, owns), _BUFFER), name=name)
        self.is_real = False  # not a whole file of its own: Whoosh must not map it
        del self.fileno
        self._fd, self._offset, self._length = fd, offset, length

    def subset(self, offset: int, length: int, name: str | None = None) -> "RangeFile":
        return RangeFile(self._fd, self._offset + offset, length, name or self._name)

    def get(self, position: int, length: int) -> bytes:
        length = max(0, min(length, self._length - position))
        return os.pread(self._fd, length, self._offset + position)


class InPlaceStorage(FileStorage):
    """A directory of index files, read through :class:`RangeFile` (writing as usual)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)

    def open_file(self, name: str, **kwargs: object) -> RangeFile:
        fd = os.open(self._fpath(name), os.O_RDONLY)
        return RangeFile(fd, 0, os.fstat(fd).st_size, name=name, owns=True)
