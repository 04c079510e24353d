from pathlib import Path

from indexer.extract import SOURCE_MIXED, SOURCE_TEXT, Extracted
from indexer.ocrcache import OcrCache


def test_ocr_results_are_kept_by_hash_and_extraction_version(tmp_path: Path) -> None:
    cache = OcrCache(tmp_path / "cache.sqlite3", version=2).open()
    scan = Extracted("户号：3301000001", 2, SOURCE_MIXED, 0.97,
                     ((1, 1000, 420, (((50.0, 40.5, 300.0, 80.0), "户号：3301000001"),)),))
    cache.put("a" * 64, scan)
    cache.put("b" * 64, Extracted("文字层", 1, SOURCE_TEXT))  # cheap to redo: not kept
    cache.close()
    assert OcrCache(tmp_path / "cache.sqlite3", version=2).get("a" * 64) == scan
    assert OcrCache(tmp_path / "cache.sqlite3", version=2).get("b" * 64) is None
    assert OcrCache(tmp_path / "cache.sqlite3", version=3).get("a" * 64) is None


def test_a_missing_or_broken_cache_is_a_miss(tmp_path: Path) -> None:
    assert OcrCache(tmp_path / "none.sqlite3", version=2).get("a" * 64) is None
    (tmp_path / "broken.sqlite3").write_bytes(b"not a database at all" * 100)
    assert OcrCache(tmp_path / "broken.sqlite3", version=2).get("a" * 64) is None
