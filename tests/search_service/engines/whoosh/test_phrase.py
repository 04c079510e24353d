"""The phrase matcher over position arrays equals Whoosh's own ``Phrase``: the same
documents with the same scores, over postings of many blocks, several segments, deletions
and any mask of allowed documents."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import index
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema

from indexer.analysis import ChineseAnalyzer
from search_service.engines.whoosh.phrase import (
    CheckedPhrase, distinct_sorted, positions_among, sorted_intersection)

ALPHABET = "供用电变压器合同计量"  # few characters: every bigram is in many documents
PHRASES = ["供用电", "变压器", "用电合同", "电变压", "计量", "合同计量供用电", "器合同计"]


def _text(rng: random.Random) -> str:
    """Characters and whole phrases at random: phrases occur, some several times."""
    pieces = [*ALPHABET, *PHRASES]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 20)))


@pytest.fixture(scope="module")
def phrase_index(tmp_path_factory: pytest.TempPathFactory) -> index.Index:
    """1,500 documents in three segments (postings span many blocks), a few deleted."""
    rng = random.Random(7)
    ix = index.create_in(str(tmp_path_factory.mktemp("phrase")), Schema(
        doc_id=ID(stored=True, unique=True),
        content=TEXT(analyzer=ChineseAnalyzer(), phrase=True)))
    for start in (0, 700, 1200):
        with ix.writer() as writer:
            for n in range(start, start + (700 if start < 1200 else 300)):
                writer.add_document(doc_id=str(n), content=_text(rng))
    with ix.writer() as writer:
        for n in rng.sample(range(1500), 60):
            writer.delete_by_term("doc_id", str(n))
    return ix


def _whoosh(reader_searcher, phrase: str) -> dict[int, float]:  # noqa: ANN001
    words = [t.text for t in ChineseAnalyzer()(phrase)]
    return _scores(wq.Phrase("content", words).matcher(reader_searcher))


def _checked(sub, phrase: str, allowed: np.ndarray) -> dict[int, float]:  # noqa: ANN001
    reader = sub.reader()
    lengths = np.array([reader.doc_field_length(n, "content", 1)
                        for n in range(reader.doc_count_all())], dtype=np.float64)
    limits = {"allowed": allowed, "lengths": staticmethod(lambda field: lengths)}
    kind = type("AllowedPhrase", (CheckedPhrase,), limits)
    words = [t.text for t in ChineseAnalyzer()(phrase)]
    return _scores(kind("content", words).matcher(sub))


def _scores(matcher) -> dict[int, float]:  # noqa: ANN001
    """Each document a matcher finds, with its score."""
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrases_equal_whooshs_own(phrase_index: index.Index, phrase: str) -> None:
    rng = np.random.default_rng(3)
    compared = 0
    with phrase_index.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            size = reader.doc_count_all()
            live = np.array([not reader.is_deleted(n) for n in range(size)])
            reference = _whoosh(sub, phrase)
            compared += len(reference)
            for density in (1.0, 0.5, 0.02):
                allowed = live & (rng.random(size) < density)
                expected = {d: s for d, s in reference.items() if allowed[d]}
                assert _checked(sub, phrase, allowed) == expected, (phrase, density)
    assert compared > 5  # the comparison is not vacuous


def test_positions_are_keyed_by_document_and_start(phrase_index: index.Index) -> None:
    with phrase_index.searcher() as searcher:
        reader = next(iter(searcher.leaf_searchers()))[0].reader()
        wanted = np.array([3, 4, 250, 251, 600], dtype=np.int64)
        ids, weights, keys = positions_among(reader, "content", "供用".encode(), wanted, 2)
        postings = reader.postings("content", "供用".encode())
        expected_keys = []
        for n in wanted.tolist():
            postings.skip_to(n)
            if postings.is_active() and postings.id() == n:
                expected_keys += [(n << 32) + p + 2 for p in postings.value_as("positions")]
        assert set(ids.tolist()) <= set(wanted.tolist())
        assert keys.tolist() == expected_keys
        assert len(weights) == len(ids)


def test_sorted_helpers() -> None:
    a = np.array([1, 3, 5, 9], dtype=np.int64)
    assert sorted_intersection(a, np.array([0, 3, 9, 12])).tolist() == [3, 9]
    assert sorted_intersection(a, np.array([], dtype=np.int64)).tolist() == []
    assert distinct_sorted(np.array([2, 2, 3, 7, 7, 7])).tolist() == [2, 3, 7]


def test_a_block_is_taken_whole_only_when_every_posting_is_wanted(
        phrase_index: index.Index) -> None:
    """As many wanted documents as the block has postings, but not the same ones."""
    with phrase_index.searcher() as searcher:
        reader = next(iter(searcher.leaf_searchers()))[0].reader()
        leaf = reader.postings("content", "供用".encode())
        leaf = getattr(leaf, "child", leaf)
        leaf._read_ids()  # noqa: SLF001
        block = list(leaf._ids)  # noqa: SLF001
        gap = next(n for n in range(block[0], block[-1]) if n not in block)
        wanted = np.array(sorted([*block[1:], gap]), dtype=np.int64)
        ids, _, _ = positions_among(reader, "content", "供用".encode(), wanted, 0)
        assert sorted(ids.tolist()) == block[1:]
