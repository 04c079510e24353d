"""Extraction of the real-document corpus (tests/realworld.py): every file gives its text."""

from pathlib import Path

import pytest

from indexer.extract import SOURCE_OCR, SOURCE_TEXT, extract
from tests.realworld import CASES, Case, token_f1

MIN_F1 = 0.9


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_file_gives_its_text(case: Case, tmp_path: Path) -> None:
    result = extract(case.build(tmp_path / case.name))
    assert token_f1(case.text, result.text) >= MIN_F1, result.text
    assert all(word in result.text for word in case.words), result.text
