"""Whoosh's Positions values decoded in bulk equal ``pickle.loads`` of each, whatever they hold."""

from __future__ import annotations

import random

import numpy as np

from whoosh.formats import Positions

from search_service.engines.whoosh.positions import decode_deltas


def _expected(values: list[bytes]) -> tuple[list[int], list[int]]:
    decoded = [Positions().decode_positions(v) for v in values]
    deltas = [[b - a for a, b in zip([0, *d], d)] for d in decoded]
    return [len(d) for d in deltas], [x for d in deltas for x in d]


def _check(values: list[bytes]) -> None:
    counts, flat = decode_deltas(values)
    assert (counts.tolist(), flat.tolist()) == _expected(values)


def test_positions_of_every_width_and_length() -> None:
    rng = random.Random(2)
    spans = (1, 200, 300, 70_000, 5_000_000)  # one, two and four bytes a delta
    for _ in range(50):
        values = []
        for _ in range(rng.randint(1, 300)):
            n = rng.choice((1, 1, 2, 3, 8, 40, 999, 1000))
            positions = sorted(rng.sample(range(rng.choice(spans) + n), n))
            values.append(Positions().encode(positions))
        _check(values)


def test_long_lists_and_other_layouts_are_unpickled_one_by_one() -> None:
    long = Positions().encode(list(range(0, 3000, 2)))  # pickled in batches of 1,000
    _check([Positions().encode([1, 5]), long, Positions().encode([7])])
    assert decode_deltas([long])[0].tolist() == [1500]
    import pickle
    other = b"\x00\x00\x00\x02" + pickle.dumps([3, 4], protocol=4)  # not protocol 2
    counts, flat = decode_deltas([Positions().encode([2]), other])
    assert counts.tolist() == [1, 2] and flat.tolist() == [2, 3, 4]


def test_nothing_to_decode() -> None:
    counts, flat = decode_deltas([])
    assert len(counts) == 0 and len(flat) == 0 and flat.dtype == np.int64
