"""Completeness per customer over the real catalog of the fixture archive."""

from __future__ import annotations

from search_service.archive_room.rules import load_rules
from search_service.migrate import make_engine
from search_service.oversight import completeness
from tests.search_service.oversight.conftest import EAST, TODAY, WEST, ago


def statuses(archive, units=None, as_of=None, accounts=None):
    engine = make_engine(archive.settings().db_url())
    with engine.connect() as conn:
        return {s.account_no: s for s in completeness.statuses(
            conn, load_rules(archive.root), units, as_of, accounts)}


def test_missing_types_per_customer(oversight_archive) -> None:
    found = statuses(oversight_archive)
    assert {a: s.missing for a, s in found.items()} == {
        "3302000001": ("YK08", "YK09"),
        "3302000002": (),
        "3302000003": (),
        "3302000004": ("YK10",),
        "3302000005": ("YK01", "YK02", "YK03", "YK11", "YK13"),
    }
    assert found["3302000001"].summary() == \
        "应有 13 项，已有 11 项，缺 YK08 受电工程设计审查意见书、YK09 中间检查记录"
    assert found["3302000002"].summary() == "应有 11 项，已有 11 项"
    summary = completeness.summarize(list(found.values()))
    assert (summary.customers, summary.complete, summary.rate) == (5, 2, 0.4)
    assert summary.missing_by_type == {"YK01": 1, "YK02": 1, "YK03": 1, "YK08": 1, "YK09": 1,
                                       "YK10": 1, "YK11": 1, "YK13": 1}


def test_scope_by_units(oversight_archive) -> None:
    assert sorted(statuses(oversight_archive, [WEST])) == ["3302000004", "3302000005"]
    assert sorted(statuses(oversight_archive, [EAST])) == [
        "3302000001", "3302000002", "3302000003"]
    assert statuses(oversight_archive, []) == {}


def test_as_of_a_day_before_filing_nothing_was_there(oversight_archive) -> None:
    found = statuses(oversight_archive, as_of=ago(1), accounts=["3302000003"])
    assert found["3302000003"].missing == ("YK01", "YK02", "YK03", "YK11", "YK13")
    assert statuses(oversight_archive, as_of=TODAY)["3302000003"].complete


def test_complete_by_month_agrees_with_judging_each_month() -> None:
    import random

    rules = load_rules(None)
    rng = random.Random(5)
    codes = sorted(rules.required_codes())
    rows, since = [], {}
    for n in range(300):
        customer_class = rng.choice(["高压", "低压非居民", "低压居民"])
        extra = {"项目批文": rng.choice(["是", ""])}
        rows.append(completeness.CustomerRow(f"{n:010d}", "", "", customer_class, "", extra))
        since[rows[-1].account_no] = {c: rng.randrange(0, 15) for c in codes
                                      if rng.random() < 0.8}
    counts = completeness.complete_by_month(rules, rows, since, 12)
    for month in range(12):
        present = {a: {t for t, k in types.items() if k <= month} for a, types in since.items()}
        assert counts[month] == completeness.summarize(
            completeness.judge(rules, rows, present)).complete, month
    assert counts[0] < counts[-1]
