"""The fast :func:`indexer.analysis.token_text` against the implementation it replaced.

Engines index these token texts, so a faster analyzer must send them byte for byte the same:
the reference below is the implementation of 2026-12-04 (one regex match per run, a join
per Han run), frozen here; the corpus is generated to reach every branch.
"""

import random
import re

import pytest

from indexer.analysis import FULL_WIDTH_TO_ASCII, fold, token_text

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = " \t\r\n\f\v\u3000\u00a0"
_WORD = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_RUNS = re.compile(f"(?P<han>[{_HAN}](?:[{_SPACE}]*[{_HAN}])*)|(?P<word>[{_WORD}]+)")
_SPACE_RE = re.compile(f"[{_SPACE}]")


def reference_token_text(text: str) -> str:
    """The token text as the analyzer of 2026-12-04 made it."""
    parts = []
    for match in _RUNS.finditer(fold(text)):
        run = match.group()
        if match.lastgroup == "word":
            parts.append((run if run.isascii() else run.translate(FULL_WIDTH_TO_ASCII)).lower())
            continue
        if _SPACE_RE.search(run):
            run = _SPACE_RE.sub("", run)
        parts.append(run if len(run) == 1 else " ".join(map(str.__add__, run[:-1], run[1:])))
    return " ".join(parts)


# Pieces of archive text: simplified and traditional Han, look-alike code points (Kangxi and
# supplement radicals, compatibility ideographs), extension A and B, Latin and digits in
# half and full width, 户号 and model numbers, punctuation, every kind of whitespace, and
# characters whose lowercase is ASCII (the Kelvin sign, dotted capital I).
PIECES = (
    "供用电合同", "变压器渗油", "杭州明远纺织有限公司", "萬順電業", "臨江", "發現安全隱患",
    "⻧代烃", "分⼦式", "⾦属", "\uf900\uf901", "\u2f00\u2e8c", "\U0002f800", "\U00020000",
    "\u3400\u4db5", "户号：3301234567", "3300000007", "33-0123-4567", "S11-M-630/10", "10kV",
    "ＳＣＢ１１", "ａｂｃ", "Ｘ", "ABC", "xyz", "K\u212a", "\u0130stanbul", "Σσς",
    "，", "。", "、", "：", "；", "（", "）", "-", "/", ".", "#", "！", "＃", "\u00b7",
    " ", "  ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\f", "\v", "", "号", "A", "1",
)


def _corpus(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["", " ", "\n", "号", "A", "萬", "⻧", "明 远", "明\u3000\n远", "明 A", "a 明 b"]
    for _ in range(count):
        pieces = rng.choices(PIECES, k=rng.choice((1, 2, 3, 5, 8, 20, 60)))
        texts.append("".join(pieces))
    return texts


def test_the_corpus_reaches_every_branch() -> None:
    made = [reference_token_text(t) for t in _corpus(20261204, 2000)]
    long = [t for t in _corpus(20261204, 2000) if len(t) > 64]
    assert long and len(long) < 2000  # both the cached (short) and the computed path
    assert any(" " not in m and m for m in made)  # a single token
    assert any("万顺" in m for m in made) and any("卤代" in m for m in made)
    assert any("s11" in m for m in made) and any("scb11" in m for m in made)
    assert "" in made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_token_text_is_the_reference_byte_for_byte(seed: int) -> None:
    for text in _corpus(seed, 4000):
        assert token_text(text) == reference_token_text(text), repr(text)


def test_a_cached_short_text_is_the_same_each_time() -> None:
    for text in ("杭州明远纺织有限公司", "萬順電業 S11", "明\n远"):
        assert token_text(text) == token_text(text) == reference_token_text(text)
