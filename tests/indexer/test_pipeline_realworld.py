"""The real-document corpus through a whole indexing run: every distinctive word findable,
every failure a reason in Chinese, and a quiet console."""

import re
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from tests.realworld import CASES, encrypted_xlsx, unknown_cmap_pdf
from tests.searching import records, search

FOLDER = "城东供电所/3301000001_杭州明远纺织有限公司/真实文件"
# a reason names no library, exception, byte string or program output
_TECHNICAL = re.compile(r"[A-Za-z]+(Error|Exception)|Traceback|\\x[0-9a-f]{2}|b'|soffice|pypdf")


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("archive")
    for case in CASES:
        case.build(root / FOLDER / case.name)
    encrypted_xlsx(root / FOLDER / "加密台账.xlsx")
    (root / FOLDER / "残缺.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n\x00\xff")
    index_dir = root.parent / "ix"
    summary = run_index(root, index_dir, workers=2, progress=False)
    return index_dir, summary


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_distinctive_word_is_found(case, corpus_index) -> None:  # noqa: ANN001
    index_dir, _ = corpus_index
    for word in case.words:
        paths = [hit["path"] for hit in search(index_dir, q=word).hits]
        assert f"{FOLDER}/{case.name}" in paths, (word, paths)


def test_lookalike_code_points_match_both_ways(corpus_index) -> None:  # noqa: ANN001
    index_dir, _ = corpus_index
    for query in ("卤代烃", "⻧代烃", "分⼦式"):
        assert [hit["path"] for hit in search(index_dir, q=query).hits] == [
            f"{FOLDER}/radicals.pdf"], query


def test_failures_have_reasons_a_person_can_act_on(corpus_index) -> None:  # noqa: ANN001
    index_dir, summary = corpus_index
    reasons = dict(summary.failed)
    assert set(reasons) == {f"{FOLDER}/加密台账.xlsx", f"{FOLDER}/残缺.pdf"}
    assert "已加密" in reasons[f"{FOLDER}/加密台账.xlsx"]
    assert "损坏" in reasons[f"{FOLDER}/残缺.pdf"]
    assert not any(_TECHNICAL.search(reason) for reason in reasons.values()), reasons
    assert records(index_dir)[f"{FOLDER}/加密台账.xlsx"]["error"] == reasons[f"{FOLDER}/加密台账.xlsx"]


def test_library_messages_do_not_reach_the_console(tmp_path: Path) -> None:
    """pypdf logs an error per page of this PDF; a run of the command shows none of them
    (a subprocess: pytest would capture the log records itself)."""
    import subprocess
    import sys

    root = tmp_path / "a"
    unknown_cmap_pdf(root / FOLDER / "合同.pdf")
    run = subprocess.run([sys.executable, "-m", "search_service.cli.main", "index", str(root),
                          "--index", str(tmp_path / "ix"), "--quiet", "--workers", "1"],
                         capture_output=True, text=True, timeout=120, check=True)
    assert "新增 1" in run.stdout and "失败 0" in run.stdout
    assert run.stderr == ""
