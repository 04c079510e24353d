from pathlib import Path

import pytest
from whoosh import query as wq

from indexer.errors import TableError
from indexer.store import open_index
from search_service.policy import (DEFAULT_CITY, DEFAULT_COUNTY, ROLES, Units,
                                   can_read_archives, can_see_personal_data, in_scope,
                                   load_units, scope_query)
from search_service.search import SearchParams, run_search
from search_service.users import User

STATIONS = ("城东供电所", "城西供电所")


def test_role_table_matches_the_issue() -> None:
    table = {name: (r.label, r.documents.value, r.personal_data, r.read_audit, r.manage_users)
             for name, r in ROLES.items()}
    assert table == {
        "clerk": ("营业员", "own_unit", False, False, False),
        "inspector": ("稽查员", "all", False, False, False),
        "archivist": ("档案管理员", "own_unit", True, False, False),
        "auditor": ("审计员", "none", False, True, False),
        "admin": ("系统管理员", "none", False, False, True),
    }
    assert not can_read_archives(User("a", "admin")) and not can_read_archives(User("b", "auditor"))
    assert not can_read_archives(User("c", "boss", "城东供电所"))  # unknown roles get nothing
    assert can_see_personal_data(User("d", "archivist", "城东供电所"))


def test_default_tree_puts_every_station_under_one_county_and_city() -> None:
    units = Units.default(STATIONS)
    assert units.is_root(DEFAULT_CITY) and not units.is_root(DEFAULT_COUNTY)
    assert units.subtree(DEFAULT_CITY) == [DEFAULT_CITY, DEFAULT_COUNTY, *STATIONS]
    assert units.subtree("城东供电所") == ["城东供电所"]


def test_tree_from_a_gbk_csv(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("单位,上级单位\n杭州供电公司,\n余杭县供电公司,杭州供电公司\n"
                     "城东供电所,余杭县供电公司\n城西供电所,临平县供电公司\n".encode("gbk"))
    units = load_units(path, stations=["别的供电所"])
    assert units.subtree("杭州供电公司") == ["杭州供电公司", "余杭县供电公司", "城东供电所"]
    assert units.is_root("临平县供电公司") and "别的供电所" not in units


def test_cyclic_tree_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("单位,上级单位\n甲,乙\n乙,甲\n", encoding="utf-8")
    with pytest.raises(TableError, match="units.csv.*成环"):
        Units.from_file(path)


def test_scope_queries() -> None:
    units = Units.default(STATIONS)
    assert scope_query(User("i", "inspector"), units) is None
    assert scope_query(User("a", "archivist", DEFAULT_CITY), units) is None
    assert scope_query(User("a", "auditor"), units) is wq.NullQuery
    assert scope_query(User("c", "clerk", ""), units) is wq.NullQuery
    assert scope_query(User("c", "clerk", "城东供电所"), units) == wq.Or(
        [wq.Term("org", "城东供电所")])
    county = scope_query(User("c", "clerk", DEFAULT_COUNTY), units)
    assert {t.text for t in county.subqueries} == {DEFAULT_COUNTY, *STATIONS}
    assert in_scope(User("c", "clerk", "城东供电所"), units, "城东供电所")
    assert not in_scope(User("c", "clerk", "城东供电所"), units, "城西供电所")
    assert not in_scope(User("c", "clerk", "城东供电所"), units, "")


@pytest.mark.parametrize("user, total, orgs", [
    # the unassigned note in 城东供电所/待归档 belongs to 城东供电所 by the folder layout
    (User("c", "clerk", "城东供电所"), 5, {"城东供电所": 5}),
    (User("c", "clerk", "城西供电所"), 1, {"城西供电所": 1}),
    (User("c", "clerk", DEFAULT_COUNTY), 6, {"城东供电所": 5, "城西供电所": 1}),
    (User("i", "inspector"), 6, {"城东供电所": 5, "城西供电所": 1}),
    (User("a", "auditor"), 0, {}),
])
def test_scope_limits_totals_and_facet_counts(index_dir: Path, user: User, total: int,
                                              orgs: dict[str, int]) -> None:
    units = Units.default(STATIONS)
    with open_index(index_dir).searcher() as searcher:
        result = run_search(searcher, SearchParams(scope=scope_query(user, units)))
        assert result.total == total
        assert {f["value"]: f["count"] for f in result.facets["org"]} == orgs
        types = sum(f["count"] for f in result.facets["doc_type"])
        assert types <= total
        # a query for a customer of another unit finds nothing and counts nothing
        other = run_search(searcher, SearchParams(q="张三丰", scope=scope_query(user, units)))
        assert other.total == (1 if "城西供电所" in orgs else 0)
