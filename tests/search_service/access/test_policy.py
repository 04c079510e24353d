from pathlib import Path

import pytest
from indexer.errors import TableError
from search_service.access.policy import (DEFAULT_CITY, DEFAULT_COUNTY, ROLES, Reach, Units,
                                          can_read_archives, can_see_personal_data, in_scope,
                                          load_units, scope_of)
from search_service.access.scope import Scope
from search_service.access.users import User
from search_service.reading.search import SearchParams
from tests.searching import search

STATIONS = ("城东供电所", "城西供电所")


def test_role_table_matches_the_issue() -> None:
    table = {name: (r.label, r.documents.value, r.personal_data, r.read_audit,
                    r.manage_accounts, r.assign_roles, r.duty)
             for name, r in ROLES.items()}
    assert table == {
        "clerk": ("营业员", "own_unit", False, False, False, False, ""),
        "inspector": ("稽查员", "all", False, False, False, False, ""),
        "archivist": ("档案管理员", "own_unit", True, False, False, False, ""),
        "auditor": ("审计管理员", "none", False, True, False, False, "audit"),
        "admin": ("系统管理员", "none", False, False, True, False, "system"),
        "secadmin": ("安全管理员", "none", False, False, False, True, "security"),
        "pending": ("待授权", "none", False, False, False, False, ""),
    }
    duties = [r for r in ROLES.values() if r.duty]  # 三员分立: each duty one role, one power
    assert all(r.documents is Reach.NONE and not r.personal_data for r in duties)
    assert [sum((r.read_audit, r.manage_accounts, r.assign_roles)) for r in duties] == [1, 1, 1]
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
    assert units.outline() == [  # what a unit picker shows: every root's tree, with depths
        ("临平县供电公司", 0), ("城西供电所", 1),
        ("杭州供电公司", 0), ("余杭县供电公司", 1), ("城东供电所", 2)]
    assert units.outline("余杭县供电公司") == [("余杭县供电公司", 0), ("城东供电所", 1)]


def test_units_short_names_from_an_optional_column(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("单位,上级单位,简称\n城区供电公司,,\n城东供电所,城区供电公司,东所、城东站\n",
                    encoding="utf-8")
    assert Units.from_file(path).aliases == {"城东供电所": ("东所", "城东站")}


def test_cyclic_tree_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("单位,上级单位\n甲,乙\n乙,甲\n", encoding="utf-8")
    with pytest.raises(TableError, match="units.csv.*成环"):
        Units.from_file(path)


def test_scopes_are_data() -> None:
    units = Units.default(STATIONS)
    assert scope_of(User("i", "inspector"), units) == Scope(units=None)
    assert scope_of(User("a", "archivist", DEFAULT_CITY), units).unlimited
    assert scope_of(User("a", "auditor"), units) == Scope.nothing()
    assert scope_of(User("c", "clerk", ""), units) == Scope.nothing()
    assert scope_of(User("c", "clerk", "城东供电所"), units) == Scope(units=("城东供电所",))
    county = scope_of(User("c", "clerk", DEFAULT_COUNTY), units)
    assert set(county.units) == {DEFAULT_COUNTY, *STATIONS}
    east = scope_of(User("c", "clerk", "城东供电所"), units)
    assert in_scope(east, {"org": "城东供电所"})
    assert not in_scope(east, {"org": "城西供电所"})
    assert not in_scope(east, {"org": ""})
    assert not in_scope(Scope.nothing(), {"org": "城东供电所"})


def test_grants_widen_a_scope_by_customer_or_document() -> None:
    lent = Scope(units=("城东供电所",), accounts=("3301000002",), doc_ids=("abc",))
    assert in_scope(lent, {"org": "城西供电所", "account_no": "3301000002", "doc_id": "x"})
    assert in_scope(lent, {"org": "城西供电所", "account_no": "3301000004", "doc_id": "abc"})
    assert not in_scope(lent, {"org": "城西供电所", "account_no": "3301000004", "doc_id": "x"})
    assert not in_scope(lent, {"org": "", "account_no": "", "doc_id": ""})


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
    result = search(index_dir, SearchParams(scope=scope_of(user, units)))
    assert result.total == total
    assert {f["value"]: f["count"] for f in result.facets["org"]} == orgs
    types = sum(f["count"] for f in result.facets["doc_type"])
    assert types <= total
    # a query for a customer of another unit finds nothing and counts nothing
    other = search(index_dir, SearchParams(q="张三丰", scope=scope_of(user, units)))
    assert other.total == (1 if "城西供电所" in orgs else 0)


@pytest.mark.parametrize("scope, total, orgs", [
    # a 城东 clerk lent 张三丰's archive (城西) sees it in totals and facets, nothing else there
    (Scope(units=("城东供电所",), accounts=("3301000002",)), 6,
     {"城东供电所": 5, "城西供电所": 1}),
    (Scope(units=(), accounts=("3301000002",)), 1, {"城西供电所": 1}),
    (Scope(units=(), accounts=("3301000099",)), 0, {}),
])
def test_grants_are_applied_inside_the_engine(index_dir: Path, scope: Scope, total: int,
                                              orgs: dict[str, int]) -> None:
    result = search(index_dir, SearchParams(scope=scope))
    assert result.total == total
    assert {f["value"]: f["count"] for f in result.facets["org"]} == orgs


def test_a_grant_by_document_admits_that_document_only(index_dir: Path) -> None:
    every = search(index_dir, SearchParams(q="张三丰")).hits
    one = every[0]["doc_id"]
    result = search(index_dir, SearchParams(scope=Scope(units=(), doc_ids=(one,))))
    assert [h["doc_id"] for h in result.hits] == [one]
