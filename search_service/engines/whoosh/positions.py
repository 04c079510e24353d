"""Whoosh ``Positions`` posting values decoded in bulk, with identical results.

Whoosh stores a term's positions in a document as a 4-byte count followed by the list of
position deltas pickled with protocol 2 (``whoosh.formats.Positions.encode``). Unpickling
one value per document is a C call, but building a Python list per document costs about
1.5 µs each with the garbage collector tracking them: 150 ms for a term in 100,000
documents. :func:`decode_deltas` reads all values of a term at once with numpy, walking the
pickle opcodes of every value in step (one step per list item, not per document). A value
it does not recognise (another layout, a list long enough to be pickled in batches) is
unpickled as before, so the result is always what ``pickle.loads`` gives.
"""

from __future__ import annotations

from pickle import loads

import numpy as np

_HEAD = b"\x80\x02]q\x00"  # protocol 2; an empty list, memoized
_COUNT = 4  # bytes of the count before the pickle
_FIRST = _COUNT + len(_HEAD)  # where the items (or the MARK before them) start
_MARK, _APPEND, _APPENDS, _STOP = ord("("), ord("a"), ord("e"), ord(".")
_BININT1, _BININT2, _BININT = ord("K"), ord("M"), ord("J")
_MAX_ITEMS = 1000  # pickle writes longer lists in batches of 1,000 items


def decode_deltas(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The number of items of each value and all their deltas, in order (int64)."""
    if not values:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    try:
        counts = _counts(buf, starts, lengths)
        return counts, _items(buf, starts, counts)
    except (_Unrecognised, IndexError):
        deltas = [loads(v[_COUNT:]) for v in values]
        counts = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
        flat = np.fromiter((d for ds in deltas for d in ds), dtype=np.int64,
                           count=int(counts.sum()))
        return counts, flat


class _Unrecognised(Exception):
    """A value not in the layout this module reads."""


def _counts(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each value's item count, after checking its pickle starts as expected."""
    if (lengths < _FIRST + 2).any():
        raise _Unrecognised
    head = np.frombuffer(_HEAD, dtype=np.uint8)
    for k, byte in enumerate(head):
        if (buf[starts + _COUNT + k] != byte).any():
            raise _Unrecognised
    counts = np.zeros(len(starts), dtype=np.int64)
    for k in range(_COUNT):  # big-endian
        counts = (counts << 8) | buf[starts + k].astype(np.int64)
    if (counts < 1).any() or (counts > _MAX_ITEMS).any():
        raise _Unrecognised
    return counts


def _items(buf: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Every value's items, walking all values' opcodes one item at a time."""
    many = counts > 1
    if (buf[starts[many] + _FIRST] != _MARK).any():
        raise _Unrecognised
    order = np.argsort(-counts, kind="stable")  # the values still walking come first
    at = (starts + _FIRST + many)[order]
    out_at = np.concatenate(([0], np.cumsum(counts)[:-1]))[order]
    descending = counts[order]
    out = np.empty(int(counts.sum()), dtype=np.int64)
    for k in range(int(descending[0])):
        m = int(np.searchsorted(-descending, -k, side="left"))  # values with more than k items
        here = at[:m]
        op = buf[here]
        small, medium, large = op == _BININT1, op == _BININT2, op == _BININT
        if not (small | medium | large).all():
            raise _Unrecognised
        value = buf[np.minimum(here + 1, len(buf) - 1)].astype(np.int64)
        wider = medium | large
        value[wider] |= buf[here[wider] + 2].astype(np.int64) << 8
        if large.any():
            top = here[large]
            value[large] |= (buf[top + 3].astype(np.int64) << 16) | (buf[top + 4].astype(np.int64) << 24)
            value[large] = value[large].astype(np.uint32).astype(np.int32)  # signed
        out[out_at[:m] + k] = value
        at[:m] = here + np.where(small, 2, np.where(medium, 3, 5))
    ends = np.empty(len(starts), dtype=np.int64)
    ends[order] = at
    closing = np.where(counts > 1, _APPENDS, _APPEND)
    if (buf[ends] != closing).any() or (buf[ends + 1] != _STOP).any():
        raise _Unrecognised
    return out
