"""Index files read in place: ranges of one descriptor, read by many threads at once."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from search_service.engines.whoosh.files import InPlaceStorage


def test_ranges_read_seek_and_unpickle_like_the_file(tmp_path: Path) -> None:
    blob = bytes(range(256)) * 64 + pickle.dumps({"块": [1, 2, 3]}, protocol=2) + b"tail"
    (tmp_path / "f.bin").write_bytes(blob)
    whole = InPlaceStorage(str(tmp_path)).open_file("f.bin")
    assert whole.get(10, 5) == blob[10:15] and whole.get(len(blob) - 2, 10) == b"il"
    whole.seek(256 * 64)
    assert whole.read_pickle() == {"块": [1, 2, 3]}
    part = whole.subset(300, 1000)
    assert part.read(4) == blob[300:304] and part.tell() == 4
    part.seek(-10, 2)
    assert part.read() == blob[1290:1300]  # a subset ends where it was cut
    assert part.subset(100, 3).get(1, 2) == blob[401:403]
    whole.close()


def test_threads_read_different_ranges_of_one_descriptor(tmp_path: Path) -> None:
    blob = bytes(n * 7 % 251 for n in range(1 << 20))
    (tmp_path / "seg").write_bytes(blob)
    whole = InPlaceStorage(str(tmp_path)).open_file("seg")

    def read(start: int) -> bool:
        part = whole.subset(start, 4096)
        return all(part.read(512) == blob[start + k:start + k + 512] for k in range(0, 4096, 512))

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(read, range(0, len(blob) - 4096, 9973)))
    whole.close()
