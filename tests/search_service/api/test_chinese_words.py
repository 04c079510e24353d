"""Every person-facing word is Chinese: each page and export, for each role, holds no English
word but the few technical names people use as they are (PDF, Excel, …). Data (user names,
file names, commands in <code>) is not a word of ours and is left out."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from search_service.access.policy import DEFAULT_CITY
from tests.search_service.conftest import signed_in

ALLOWED = {"PDF", "DOCX", "XLSX", "TXT", "OFD", "OCR", "Excel", "CSV", "UTC", "LibreOffice",
           "WPS", "SHA", "kVA", "kV", "JSON", "API", "ID"}
WORD = re.compile(r"[A-Za-z]{3,}")
# file names, paths, addresses, user names, numbered codes; a parameter a message names
DATA = re.compile(r"\S*[./_@:-]\S*|\b\d\S*|参数 \w+")
ROLES = {"clerk": "城东供电所", "inspector": DEFAULT_CITY, "archivist": DEFAULT_CITY,
         "auditor": "", "admin": ""}
PAGES = ("/", "/?q=隐患", "/?q=zzzzqqq", "/customers/3301000005", "/manage", "/manage/assessment",
         "/manage/assessment?period=2001Q1", "/manage/lists/late", "/manage/lists/hazards",
         "/manage/spot-checks", "/loans", "/handovers", "/retention", "/failed", "/audit",
         "/admin", "/customers/9999999999", "/no-such-page", "/?page=0")
EXPORTS = ("/api/audit/events.csv", "/api/loans/register.xlsx", "/api/retention/register.xlsx",
           "/api/oversight/export.xlsx?list=late&list=hazards", "/api/oversight/assessment.xlsx")

DATA_COLUMNS = {"档案编号", "浏览器", "请求编号", "前一哈希", "哈希", "详情（原始 JSON，哈希所覆盖）"}


class Visible(HTMLParser):
    """The text a person sees or hears: data and attributes shown, not scripts or code."""

    SKIPPED = {"script", "style", "code"}
    SPOKEN = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skipping += tag in self.SKIPPED
        self.parts += [value for name, value in attrs if name in self.SPOKEN and value]
        if tag == "input" and ("type", "submit") in attrs:
            self.parts += [value for name, value in attrs if name == "value" and value]

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in self.SKIPPED

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def english(text: str, names: set[str]) -> set[str]:
    for name in sorted(names, key=len, reverse=True):  # data, also where letters meet digits
        text = text.replace(name, " ")
    words = set(WORD.findall(DATA.sub(" ", text)))
    return {w for w in words if w not in ALLOWED}


@pytest.fixture(scope="module")
def clients(indexed_archive):
    app = signed_in(indexed_archive.settings(), "cn_admin", "admin", "").app
    return {role: signed_in(app, f"cn_{role}", role, org) for role, org in ROLES.items()}


def account_names(clients) -> set[str]:
    """Every user name in the database: data, whoever made the accounts (other tests too)."""
    return {u.name for u in clients["admin"].app.state.access.accounts.list_users()}


def test_every_page_speaks_chinese_to_every_role(clients) -> None:
    names = {"testclient", "zzzzqqq"} | account_names(clients)
    found = {}
    for role, client in clients.items():
        for path in PAGES:
            parser = Visible()
            parser.feed(client.get(path).text)
            words = english(" ".join(parts for parts in parser.parts), names)
            if words:
                found[(role, path)] = sorted(words)
    assert found == {}


def test_every_export_speaks_chinese(clients) -> None:
    names = {"testclient"} | account_names(clients)
    found = {}
    for role, client in clients.items():
        for path in EXPORTS:
            response = client.get(path)
            if response.status_code != 200:
                continue
            if path.endswith(".csv"):
                rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
                data = {n for n, title in enumerate(rows[0]) if title in DATA_COLUMNS}
                cells = [cell for row in rows for n, cell in enumerate(row) if n not in data]
            else:
                book = load_workbook(io.BytesIO(response.content))
                cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for c in row if c is not None] + book.sheetnames
            words = english(" ".join(cells), names)
            if words:
                found[(role, path)] = sorted(words)
    assert found == {}
