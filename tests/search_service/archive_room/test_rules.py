"""The rules file: the shipped defaults, a file in the archive root, errors naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_service.archive_room.rules import RulesError, load_rules, parse_rules, voltage_kv

HEADER = "规则,用户分类,电压等级,业务,条件,档案类别,数值,说明\n"


def write(tmp_path: Path, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "rules.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def test_defaults_follow_the_domain_rules() -> None:
    rules = load_rules(None)
    assert rules.required_types("低压居民", set()) == ["YK01", "YK02", "YK03", "YK11", "YK13"]
    assert rules.required_types("低压非居民", set()) == [
        "YK01", "YK02", "YK03", "YK05", "YK06", "YK07", "YK10", "YK11", "YK13"]
    high = rules.required_types("高压", set(), {"项目批文": "是", "调度管理": "是"})
    assert high == [f"YK{n:02d}" for n in range(1, 14)]
    assert "YK04" not in rules.required_types("高压", set(), {"项目批文": "否"})
    assert (rules.inspection_months("高压", "110kV"), rules.inspection_months("高压", "10kV"),
            rules.inspection_months("低压非居民", "380V"),
            rules.inspection_months("低压居民", "220V")) == (6, 12, 24, None)
    assert rules.contract_years == {"高压": 3, "低压非居民": 5, "低压居民": 5}
    assert (rules.filing_days, rules.expiry_notice_days) == (30, 90)


def test_a_business_document_triggers_its_rules() -> None:
    rules = load_rules(None)
    assert rules.required_types("低压居民", {"BG07"}) == ["YK01", "YK02", "YK03", "YK11", "YK13"]
    assert "YK02" in rules.required_types("", {"BG01"})
    assert rules.required_types("", set()) == []


def test_a_rules_file_in_the_root_replaces_the_defaults(tmp_path: Path) -> None:
    write(tmp_path, "应有档案,低压居民,,,,供用电合同,,\n归档期限（天）,,,,,,15,\n", "gbk")
    rules = load_rules(tmp_path)
    assert rules.required_types("低压居民", set()) == ["YK11"]
    assert rules.filing_days == 15
    assert rules.inspection_months("高压", "10kV") is None


@pytest.mark.parametrize(("body", "message"), [
    ("应有档案,低压居民,,,,YK99,,\n", "第 2 行：档案类别“YK99”不存在"),
    ("应有档案,低压居民,,,,YK01,,\n\n应有档案,中压,,,,YK01,,\n", "第 4 行：用户分类“中压”无法识别"),
    ("应有档案,低压居民,,,,YK01,,\n检查周期（月）,高压,10千伏,,,,12,\n", "第 3 行：电压等级“10千伏”无法识别"),
    ("应有档案,低压居民,,,,YK01,,\n检查周期（月）,高压,,,,,0,\n", "第 3 行：“检查周期（月）”的数值“0”无效"),
    ("应有档案,低压居民,,,项目批文,YK04,,\n", "第 2 行：条件“项目批文”格式错误"),
    ("应有档案,低压居民,,增容,,YK01,,\n", "第 2 行：业务“增容”无法识别"),
    ("应有档案,低压居民,,,,YK01,,\n归档期限（天）,,,,,,30,\n归档期限（天）,,,,,,20,\n", "第 4 行：“归档期限（天）”只能定义一次"),
    ("应有档案,低压居民,,,,YK01,,\n合同有效期（年）,高压,,,,,3,\n合同有效期（年）,高压,,,,,4,\n", "第 4 行：高压的合同有效期重复定义"),
    ("应当有,低压居民,,,,YK01,,\n", "第 2 行：规则“应当有”无法识别"),
    ("归档期限（天）,,,,,,30,\n", "没有任何“应有档案”规则"),
])
def test_errors_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(write(tmp_path, body))
    assert message in caught.value.message
    assert caught.value.code == "bad_rules"


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text("规则,用户分类,档案类别\n应有档案,高压,YK01\n", encoding="utf-8")
    with pytest.raises(RulesError, match="缺少必需的列 电压等级、业务、条件、数值"):
        parse_rules(path)


def test_voltage_levels() -> None:
    assert (voltage_kv("10kV"), voltage_kv("380V"), voltage_kv("35KV"), voltage_kv("高压")) == (
        10.0, 0.38, 35.0, None)


def test_the_rules_file_is_not_indexed_and_a_bad_one_is_reported(tmp_path: Path) -> None:
    from indexer.catalog.store import Catalog
    from search_service.api.app import create_app
    from search_service.migrate import make_engine
    from tests.search_service.conftest import signed_in
    from tests.search_service.oversight.conftest import indexed_oversight_archive

    base = tmp_path / "base"
    (base / "archive").mkdir(parents=True)
    write(base / "archive", "应有档案,低压居民,,,,YK01,,\n应有档案,高压,,,,YK98,,\n")
    archive = indexed_oversight_archive(base)
    catalog = Catalog(make_engine(archive.settings().db_url()))
    assert "rules.csv" not in catalog.known_files()
    client = signed_in(create_app(archive.settings()), "rules-archivist", "archivist", "市供电公司")
    response = client.get("/api/oversight/overview")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "bad_rules" and "第 3 行：档案类别“YK98”不存在" in error["message"]
    customer = client.get("/api/customers/3302000001")
    assert customer.status_code == 200 and customer.json()["oversight"] is None
