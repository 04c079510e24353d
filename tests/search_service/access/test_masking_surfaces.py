"""Personal numbers × the ways they are written × every surface × every reading role.

Each planted number sits where a snippet window starts inside it (the match 10 characters
after it) or ends inside it (the match 94 characters before it), in a document of its own; a
masked role must never see one of its hidden digits, whatever surface shows the text, and
an archivist must see them all (so the check can fail both ways).
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.pipeline import run_index
from indexer.records import doc_id_for
from search_service.api.app import create_app
from search_service.cli.main import main as cli_main
from search_service.config import Settings
from tests.factories import CUSTOMERS, make_txt, write_customers
from tests.search_service.conftest import TEST_SECRET, signed_in

ORG = "城东供电所"
ACCOUNT = "3301000101"
FOLDER = f"{ORG}/{ACCOUNT}_钱七"
FILLER = "本次检查发现现场设备运行情况良好各项记录齐全无异常情况" * 3


@dataclass(frozen=True)
class Planted:
    key: str
    written: str
    hidden: str  # the digits a masked reader must never see (ASCII)


NUMBERS = [
    Planted("id18", "330102198706234417", "19870623"),
    Planted("id18_spaced_x", "330102 19650318 123x", "19650318"),
    Planted("id18_dashed", "330102-1979-0912-5536", "19790912"),
    Planted("id15", "330102650714123", "650714"),
    Planted("mobile_plus86", "+86 137 5862 9034", "5862"),
    Planted("mobile_0086", "0086-135-9173-2046", "9173"),
    Planted("mobile_fullwidth", "１３６４７２９８８０１", "4729"),
    Planted("bank_spaced", "6217 8563 9042 7715 208", "621785639042771"),
]
PLACES = ("window_starts_inside", "window_ends_inside")
KEYWORDS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"
READERS = [("clerk", True), ("inspector", True), ("archivist", False)]
NAMED_FILE = f"{FOLDER}/用电申请书_330102198706234417.txt"


def keyword(number: Planted, place: str) -> str:
    n = NUMBERS.index(number) * len(PLACES) + PLACES.index(place)
    return f"锚词{KEYWORDS[n]}"


def relpath(number: Planted, place: str) -> str:
    return f"{FOLDER}/检查记录_{number.key}_{place}.txt"


def planted_text(number: Planted, place: str) -> str:
    word = keyword(number, place)
    if place == "window_starts_inside":  # the window opens 20 characters before the match
        return f"{FILLER}{number.written}一二三四五六七八九十{word}{FILLER}"
    gap = FILLER[:94 - len(word)]  # the window closes 100 characters after the match
    return f"{FILLER[:30]}{word}{gap}{number.written}{FILLER}"


# Digits a surface shows that are no document text: ids and hashes (hexadecimal), times,
# and JSON numbers (sizes, modification times, scores).
_NOT_TEXT = re.compile(r"(?<![0-9a-f])(?=[0-9]*[a-f])[0-9a-f]{16,}(?![0-9a-f])"
                       r"|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?"
                       r'|":\s*-?[0-9][0-9.eE+-]*')


def _hidden_seen(output: str, hidden: str) -> list[str]:
    """The four-digit runs of ``hidden`` that ``output`` shows (separators ignored, digits
    that are no text left out)."""
    output = _NOT_TEXT.sub("", output.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}))
    plain = re.sub(r"[\s\-]", "", output)
    return [hidden[i:i + 4] for i in range(len(hidden) - 3) if hidden[i:i + 4] in plain]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("masking")
    root = base / "archive"
    write_customers(root, CUSTOMERS + [[ACCOUNT, "钱七", "低压居民", "居民生活", "220V", ORG,
                                        "杭州市上城区河坊街7号", "+86 137 5862 9034",
                                        "330102 19650318 123x"]])
    for number in NUMBERS:
        for place in PLACES:
            make_txt(root / relpath(number, place), planted_text(number, place))
    make_txt(root / NAMED_FILE, f"用电申请书\n锚词终\n{FILLER}")
    run_index(root, base / "index", workers=1, progress=False)
    return Settings(index_dir=base / "index", archive_root=root, secret_key=TEST_SECRET)


@pytest.fixture(scope="module")
def clients(archive: Settings) -> dict[str, TestClient]:
    app = create_app(archive)
    return {role: signed_in(app, f"mask-{role}", role, ORG if role == "clerk" else
                            "市供电公司") for role, _ in READERS}


def _pdf_text(body: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(body)
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def surface(client: TestClient, name: str, number: Planted, place: str) -> str:
    """What ``client`` is shown of the planted document on surface ``name``."""
    word, doc = keyword(number, place), doc_id_for(relpath(number, place))
    if name == "search_api":
        response = client.get("/api/search", params={"q": word})
    elif name == "search_page":
        response = client.get("/", params={"q": word})
    elif name == "document_api":
        response = client.get(f"/api/documents/{doc}", params={"q": word})
    elif name == "document_page":
        response = client.get(f"/documents/{doc}", params={"q": word})
    else:
        response = client.get(f"/api/documents/{doc}/masked.pdf")
        assert response.status_code == 200, response.text
        return _pdf_text(response.content)
    assert response.status_code == 200, response.text
    return response.text


SURFACES = ("search_api", "search_page", "document_api", "document_page", "masked_copy")


@pytest.mark.parametrize("role, masked", READERS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: n.key)
@pytest.mark.parametrize("name", SURFACES)
def test_no_hidden_digit_on_any_surface(clients: dict[str, TestClient], name: str,
                                        number: Planted, place: str, role: str,
                                        masked: bool) -> None:
    shown = surface(clients[role], name, number, place)
    if name.startswith("search"):
        assert keyword(number, place) in shown  # the hit (and its snippet) is there
    seen = _hidden_seen(shown, number.hidden)
    if masked or name == "masked_copy":
        assert seen == [], f"{role} sees {seen} of {number.written} on {name}"
    elif name.startswith("document"):
        assert len(seen) == len(number.hidden) - 3  # the whole number, unmasked


def test_snippets_are_cut_from_the_masked_text(clients: dict[str, TestClient]) -> None:
    number = NUMBERS[0]
    hit = clients["clerk"].get("/api/search", params={
        "q": keyword(number, "window_starts_inside")}).json()["hits"][0]
    assert hit["snippet"].startswith("…****")  # inside the number: only masked digits
    bank = NUMBERS[-1]
    hit = clients["clerk"].get("/api/search", params={
        "q": keyword(bank, "window_ends_inside")}).json()["hits"][0]
    assert hit["snippet"].endswith("*…")  # the window closes inside the number


@pytest.mark.parametrize("role", ["clerk", "inspector"])
def test_masked_hits_leave_nothing_for_a_second_pass(clients: dict[str, TestClient],
                                                     role: str) -> None:
    """A masked role's hits are masked once, where they are made (the snippet before it
    is cut): masking them again finds nothing more, in any planted place."""
    from search_service.access.masking import mask_html, mask_record

    for number in NUMBERS:
        for place in PLACES:
            hits = clients[role].get("/api/search", params={"q": keyword(number, place)}
                                     ).json()["hits"]
            assert hits
            for hit in hits:
                assert mask_html(hit["snippet"]) == hit["snippet"], hit["snippet"]
                assert mask_record(hit, frozenset({"snippet"})) == hit


@pytest.mark.parametrize("role, masked", READERS)
def test_customer_view_and_suggestions(clients: dict[str, TestClient], role: str,
                                       masked: bool) -> None:
    view = clients[role].get(f"/api/customers/{ACCOUNT}")
    page = clients[role].get(f"/customers/{ACCOUNT}")
    for shown in (view.text, page.text):
        assert (_hidden_seen(shown, "5862") == []) is masked
        assert (_hidden_seen(shown, "19650318") == []) is masked
    customer = view.json()["customer"]
    if masked:
        assert customer["phone"] == "+86 137 **** 9034"
        assert customer["id_number"] == "330102 ******** 123x"
    suggested = clients[role].get("/api/suggest", params={"q": "钱七"}).json()
    assert suggested["customers"][0]["account_no"] == ACCOUNT


@pytest.mark.parametrize("role, masked", READERS)
def test_numbers_in_file_names(clients: dict[str, TestClient], role: str, masked: bool) -> None:
    named = doc_id_for(NAMED_FILE)
    hits = clients[role].get("/api/search", params={"q": "锚词终"}).json()["hits"]
    document = clients[role].get(f"/api/documents/{named}").json()
    for shown in (json.dumps(hits, ensure_ascii=False), document["path"]):
        assert (_hidden_seen(shown, "19870623") == []) is masked
    if masked:  # the original cannot be masked: refused, the masked copy is named masked
        assert clients[role].get(f"/api/documents/{named}/file").status_code == 403
        copy = clients[role].get(f"/api/documents/{named}/masked.pdf")
        assert "19870623" not in copy.headers["content-disposition"]


def test_handover_lists_mask_file_names(clients: dict[str, TestClient]) -> None:
    checked = clients["clerk"].post("/api/handovers/check", json={"accounts": [ACCOUNT]})
    assert checked.status_code == 200, checked.text
    paths = [d["path"] for d in checked.json()["documents"]]
    assert any(p.endswith("用电申请书_330102********4417.txt") for p in paths)
    assert _hidden_seen(checked.text, "19870623") == []


def test_handover_batches_mask_file_names(clients: dict[str, TestClient]) -> None:
    submitted = clients["clerk"].post("/api/handovers", json={
        "accounts": [ACCOUNT], "gaps_reason": "身份证明待补"})
    assert submitted.status_code == 201, submitted.text
    batch = submitted.json()["id"]
    shown = [submitted.text, clients["clerk"].get(f"/api/handovers/{batch}").text,
             clients["clerk"].get(f"/handovers/{batch}").text,
             clients["clerk"].get("/handovers").text]
    for text in shown:
        assert _hidden_seen(text, "19870623") == []
    assert "用电申请书_330102********4417.txt" in shown[1]
    archivist = clients["archivist"].get(f"/api/handovers/{batch}").text
    assert "用电申请书_330102198706234417.txt" in archivist


def test_cli_search_output_is_masked(archive: Settings) -> None:
    for extra in ([], ["--json"]):
        out = io.StringIO()
        with redirect_stdout(out):
            assert cli_main(["search", "锚词", "--index", str(archive.index_dir),
                             "--limit", "20", *extra]) == 0
        for number in NUMBERS:
            assert _hidden_seen(out.getvalue(), number.hidden) == [], (extra, number.key)
        assert "****" in out.getvalue()
