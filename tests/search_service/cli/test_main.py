import json
import subprocess
import sys
from pathlib import Path

from search_service.cli.main import main

ROOT = Path(__file__).parents[3]


def test_search_json_output(index_dir: Path, capsys) -> None:
    assert main(["search", "张三丰", "--index", str(index_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 1
    hit = result["hits"][0]
    assert (hit["account_no"], hit["customer_name"], hit["doc_type"]) == (
        "3301000002", "张三丰", "YK01")
    assert hit["path"] == "城西供电所/3301000002_张三丰/用电申请书.txt"
    assert hit["doc_date"] == "2020-08-01" and "<mark>张三丰</mark>" in hit["snippet"]


def test_search_text_output_with_filters(index_dir: Path, capsys) -> None:
    assert main(["search", "明远", "--index", str(index_dir), "--type", "JC03"]) == 0
    out = capsys.readouterr().out
    assert "共 1 条结果" in out and "隐患整改通知书" in out and "3301000001" in out


def test_unspaced_query_is_understood_with_the_archive_customers(index_dir: Path, capsys) -> None:
    assert main(["search", "明远合同", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "按 户名=明远 · 档案类别=供用电合同 · 档案类别=合同附件 检索" in out
    assert "共 1 条结果" in out and "供用电合同_2021-03-15.pdf" in out


def test_account_prefix_and_json_understanding(index_dir: Path, capsys) -> None:
    assert main(["search", "城东供电所装表接电工作单", "--index", str(index_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {(u["field"], u["value"]) for u in result["understood"]} == {
        ("org", "城东供电所"), ("doc_type", "YK13")}
    assert [h["customer_name"] for h in result["hits"]] == ["张三"]
    assert main(["search", "330100", "--index", str(index_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] > 0 and all(h["account_no"].startswith("330100") for h in result["hits"])


def test_no_results_suggests_loosening(index_dir: Path, capsys) -> None:
    assert main(["search", "不存在的词语", "--index", str(index_dir)]) == 0
    assert "放宽" in capsys.readouterr().out


def test_missing_index_is_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["search", "明远", "--index", str(tmp_path / "none")]) == 2
    assert "没有索引" in capsys.readouterr().err


def test_missing_root_is_exit_2_with_the_path(tmp_path: Path, capsys) -> None:
    assert main(["index", str(tmp_path / "none"), "--index", str(tmp_path / "ix")]) == 2
    assert str(tmp_path / "none") in capsys.readouterr().err


def test_index_prints_a_summary(archive_root: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "search_service.cli.main", "index", str(archive_root), "--index",
         str(tmp_path / "ix")], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "新增 6" in result.stdout and "未归户 1" in result.stdout
    assert "城东供电所/待归档/情况说明.txt" in result.stdout
    assert "索引" in result.stderr  # the progress bar


def test_search_json_carries_the_reading_the_page_shows(index_dir: Path, capsys) -> None:
    assert main(["search", "明园合同", "--index", str(index_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reading"] == "understood" and result["match"] == "exact"
    assert result["read_as"]["corrections"] == [{"typed": "明园", "meant": ["明远"]}]
    assert result["read_as"]["doc_types"] == ["YK11", "YK12"]
    assert main(["search", "杭州华峰机械有限公司", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "未找到“杭州华峰机械有限公司”，以下为相近结果" in out and "您是不是要找：" in out
