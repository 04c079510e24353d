"""What the search page shows beyond the search result: links that keep the URL state,
page numbers and suggestions for an empty result. Plain Python, no templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from indexer import doctypes

from search_service.reading.search import SearchParams, SearchResult

FACET_TITLES = {
    "org": "供电单位", "doc_type": "档案类别", "year": "年份", "customer_class": "用户分类",
    "elec_type": "用电类别", "volt_level": "电压等级", "hazard_status": "整改状态",
    "file_type": "文件格式", "text_source": "文字来源",
    "complete": "资料齐全", "missing_types": "缺少的档案类别", "hazard_overdue": "隐患逾期",
    "contract_state": "合同到期", "handover_status": "移交状态",
}
# Facets staff and auditors reach for first (an auditor's inspection sheets: unit, type,
# year, voltage, rectification); the others (management and technical ones) fold under
# 更多筛选条件, open when one of them is chosen, so fourteen facets do not bury the dates.
PRIMARY_FACETS = ("org", "doc_type", "year", "customer_class", "volt_level", "hazard_status",
                  "hazard_overdue", "complete")
SORT_TITLES = {"relevance": "相关度", "date_desc": "日期从新到旧", "date_asc": "日期从旧到新"}
# Chips of what the query's words became beyond facets: time words (去年, 上次).
CHIP_TITLES = {**FACET_TITLES, "date": "形成日期", "sort": "排序", "name": "户名",
               "account_no": "户号"}


def chip_title(field: str) -> str:
    return CHIP_TITLES.get(field, field)


def chip_label(understood: dict[str, str]) -> str:
    """A chip's value as read: a type's name, else the value (2023-01-01 至 2023-12-31)."""
    value = understood["value"]
    return doctypes.name_of(value) or value if understood["field"] == "doc_type" else value


@dataclass(frozen=True)
class LinkBuilder:
    """URLs of the current page with one thing changed; paging resets on any other change."""

    path: str
    items: list[tuple[str, str]]

    def url(self, items: list[tuple[str, str]]) -> str:
        kept = [(k, v) for k, v in items if v != ""]
        return f"{self.path}?{urlencode(kept)}" if kept else self.path

    def _without(self, *names: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.items if k not in names and k != "page"]

    def toggle(self, name: str, value: str) -> str:
        """Select ``value`` of facet ``name`` in addition to others, or unselect it."""
        if (name, value) in self.items:
            return self.url([kv for kv in self.items if kv != (name, value) and kv[0] != "page"])
        return self.url(self._without() + [(name, value)])

    def without(self, *names: str) -> str:
        return self.url(self._without(*names))

    def with_value(self, name: str, value: str) -> str:
        return self.url(self._without(name) + [(name, value)])

    def page(self, number: int) -> str:
        return self.url([(k, v) for k, v in self.items if k != "page"] + [("page", str(number))])

    def clear(self) -> str:
        return self.url([(k, v) for k, v in self.items if k == "q"])


def document_title(doc: Mapping[str, Any]) -> str:
    """One rule for every title a page shows: the document's 题名, else its type, customer and
    date (a title that only repeats the type, as a form's title line does, is no 题名)."""
    title = (doc.get("title") or "").strip()
    if title and title != doc.get("doc_type_name"):
        return title
    parts = (doc.get("doc_type_name") or "文件", doc.get("customer_name"), doc.get("doc_date"))
    return " · ".join(part for part in parts if part)


def pages_around(page: int, total: int, page_size: int, width: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and ``width`` around ``page``; None marks a gap
    (a gap of a single page shows that page instead)."""
    last = max(1, -(-total // page_size))
    shown = sorted({1, last, *range(max(1, page - width), min(last, page + width) + 1)})
    out: list[int | None] = []
    previous = 0
    for n in shown:
        if previous and n - previous == 2:
            out.append(previous + 1)
        elif previous and n - previous > 2:
            out.append(None)
        out.append(n)
        previous = n
    return out


def customers_in(hits: list[dict], limit: int = 6) -> list[tuple[str, str]]:
    """(户号, 户名) of the customers on this page of hits, most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for hit in hits:
        if hit.get("account_no"):
            key = (hit["account_no"], hit.get("customer_name") or hit["account_no"])
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])[:limit]


@dataclass(frozen=True)
class Suggestion:
    text: str
    url: str = ""


def suggestions(params: SearchParams, result: SearchResult,
                links: LinkBuilder) -> list[Suggestion]:
    """What to loosen when nothing matched, with how many hits each step would give."""
    out = []
    for name, values in params.filters.items():
        if values and name in result.facets:
            freed = sum(f["count"] for f in result.facets[name])
            out.append(Suggestion(
                f"去掉“{FACET_TITLES.get(name, name)}”筛选（约 {freed} 条）", links.without(name)))
    if params.date_from or params.date_to:
        out.append(Suggestion("放宽形成日期范围", links.without("date_from", "date_to")))
    if params.account_no:
        out.append(Suggestion("去掉户号限制", links.without("account_no")))
    if len(out) > 1:
        out.append(Suggestion("清除全部筛选条件", links.clear()))
    hints = result.hints or {}
    for customer in hints.get("similar", []):
        out.append(Suggestion(f"您要找的是不是“{customer['name']}”（户号 {customer['account_no']}）",
                              links.with_value("q", customer["name"])))
    for part in hints.get("parts", []):
        out.append(Suggestion(f"只搜“{part}”", links.with_value("q", part)))
    if params.q.strip():
        words = params.q.split()
        if len(words) > 1 and not hints.get("parts"):
            out.append(Suggestion(f"减少检索词，例如只搜“{words[0]}”", links.with_value("q", words[0])))
        out.append(Suggestion("检查是否有错别字；户名可只输入其中两三个字，户号须完整"))
    return out


@dataclass(frozen=True)
class Chip:
    """One understood part of the query, with the link that searches without it."""

    title: str
    label: str
    text: str
    remove_url: str


def reading_parts(result: SearchResult) -> list[dict[str, str]]:
    """What the query's words became, as chips show it: the names and the 户号 read from it
    (``removable`` "") and the understood filters (removable: ``without=<text>``)."""
    read_as = result.read_as or {}
    parts = [{"field": "name", "value": n, "text": n, "removable": ""}
             for n in read_as.get("names", [])]
    if read_as.get("account_no"):
        parts.append({"field": "account_no", "value": read_as["account_no"], "text": "",
                      "removable": ""})
    return parts + [{**u, "removable": "1"} for u in result.understood]


def understood_chips(result: SearchResult, links: LinkBuilder) -> list[Chip]:
    """What the query was read as (户名=明远 · 供电单位=城东供电所 …); filters removable."""
    return [Chip(chip_title(u["field"]), chip_label(u), u["text"],
                 links.toggle("without", u["text"]) if u["removable"] else "")
            for u in reading_parts(result)]


@dataclass(frozen=True)
class Notice:
    """What the page says about the reading: a correction (with the link that searches
    exactly as typed) or a loose answer (with the closest real customers)."""

    text: str
    url: str = ""
    link_text: str = ""
    kind: str = "corrected"  # or "loose"


def reading_notices(result: SearchResult, links: LinkBuilder) -> list[Notice]:
    """未找到“…”，以下为相近结果 for a loose answer; 已按“明远”检索 for a correction."""
    read_as = result.read_as or {}
    notices = []
    for c in read_as.get("corrections", []):
        exact = _query(links).replace(c["typed"], f'"{c["typed"]}"')
        notices.append(Notice(f"已按“{'、'.join(c['meant'])}”检索（您输入的是“{c['typed']}”）。",
                              links.with_value("q", exact), f"仍按“{c['typed']}”检索"))
    if result.match == "loose":
        notices.append(Notice(f"未找到“{'、'.join(read_as.get('unknown', []))}”，以下为相近结果",
                              kind="loose"))
    return notices


def _query(links: LinkBuilder) -> str:
    return next((v for k, v in links.items if k == "q"), "")


@dataclass(frozen=True)
class FacetGroups:
    """The result's non-empty facets: those shown first, those folded, whether to unfold."""

    primary: list[tuple[str, list[dict]]]
    folded: list[tuple[str, list[dict]]]
    unfold: bool


def facet_groups(result: SearchResult) -> FacetGroups:
    shown = [(name, values) for name, values in result.facets.items() if values]
    folded = [(name, values) for name, values in shown if name not in PRIMARY_FACETS]
    return FacetGroups([(n, v) for n, v in shown if n in PRIMARY_FACETS], folded,
                       any(f["selected"] for _, values in folded for f in values))
