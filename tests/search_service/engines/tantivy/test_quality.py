"""The judged query set (bench/search_quality.py) on tantivy: every kind at least as good as
on Whoosh, over the same sample archive and catalog."""

from __future__ import annotations

import json

import pytest

from tests.search_service.query.test_quality import _script


def test_every_kind_is_at_least_as_good_as_on_whoosh(tmp_path_factory: pytest.TempPathFactory
                                                     ) -> None:
    quality = _script()
    root, index = quality.build(tmp_path_factory.mktemp("quality"))
    queries = json.loads(quality.JUDGED.read_text(encoding="utf-8"))
    whoosh = quality.evaluate(root, index, queries)
    tantivy = quality.evaluate(root, index, queries, "tantivy")
    assert whoosh.keys() == tantivy.keys() and len(whoosh) >= 10
    worse = [f"{kind} {metric}: {tantivy[kind][metric]} < {value}"
             for kind, figures in whoosh.items() for metric, value in figures.items()
             if tantivy[kind][metric] < value]
    assert not worse, worse
