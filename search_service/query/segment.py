"""Splitting a run of Han characters into words with jieba and the archive's own vocabulary.

jieba decides only where a query splits; the bigram index still matches each part. One
``jieba.Tokenizer`` per process (loading its bundled dictionary costs about a second; nothing
is downloaded); the words of each new :class:`Lexicon` are added to it once.
"""

from __future__ import annotations

import logging
import threading

from search_service.query.lexicon import Lexicon

# Single characters that only join words (明远的合同): dropped between parts.
PARTICLES = frozenset("的之和与及或在了是把被")
_WORD_FREQ = 2_000_000  # above any word of jieba's own dictionary: archive words stay whole

_lock = threading.Lock()
_tokenizer = None
_loaded: set[str] = set()


def _jieba(lexicon: Lexicon):  # noqa: ANN202 - jieba has no type hints
    """The process's tokenizer, with ``lexicon``'s words added."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
        if lexicon.key not in _loaded:
            for word in lexicon.dictionary_words():
                _tokenizer.add_word(word, _WORD_FREQ)
            _loaded.add(lexicon.key)
        return _tokenizer


def warm_up() -> threading.Thread:
    """Load jieba's dictionary in the background, so the first query does not wait for it."""
    from search_service.query.lexicon import EMPTY

    thread = threading.Thread(target=_jieba, args=(EMPTY,), name="jieba-warm-up", daemon=True)
    thread.start()
    return thread


def segment(run: str, lexicon: Lexicon) -> list[str]:
    """The words of a Han run: archive words whole, stray single characters joined to a
    neighbour (未配备灭火器 → 未配备 | 灭火器), particles dropped unless they complete a
    probable typo of a name (家和 for 佳和)."""
    pieces = [p for p in _jieba(lexicon).lcut(run, HMM=False) if p.strip()]
    words: list[str] = []
    pending = ""
    for piece in pieces:
        if len(piece) == 1 and piece in PARTICLES and len(pieces) > 1 \
                and not (len(pending) == 1 and lexicon.similar(pending + piece)):
            if pending:
                words.append(pending)
                pending = ""
            continue
        if len(piece) == 1 and lexicon.entity(piece) is None:
            pending += piece
            continue
        if pending:
            if len(pending) == 1 and lexicon.entity(piece) is None:
                piece = pending + piece
            else:
                words.append(pending)
            pending = ""
        words.append(piece)
    if pending:
        if len(pending) == 1 and words and lexicon.entity(words[-1]) is None:
            words[-1] += pending
        else:
            words.append(pending)
    return words
