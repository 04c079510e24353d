import random

import pytest

from search_service.access import masking
from search_service.access.masking import (RULES_VERSION, canonical_numbers, find_numbers,
                                           mask_html, mask_record, mask_text, numbers_in,
                                           numbers_record, personal_numbers)


@pytest.mark.parametrize("raw, masked", [
    ("身份证号：110105199001011234。", "身份证号：110105********1234。"),
    ("证件号码 11010519900101123X", "证件号码 110105********123X"),
    ("统一社会信用代码：91330110MA2B3C4D5E", "统一社会信用代码：913301********4D5E"),
    ("联系电话13812345678，备用 139 9876 5432", "联系电话138****5678，备用 139 **** 5432"),
    ("开户账号 6222021234567890123", "开户账号 ***************0123"),
    ("卡号 6222 0212 3456 7890", "卡号 **** **** **** 7890"),
])
def test_personal_numbers_are_masked(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


@pytest.mark.parametrize("kept", [
    "户号：3301000001", "合同编号：GY-2021-0315", "变压器型号 S11-M-630/10",
    "签订日期：2021年3月15日", "档号 G017-YX·2023-D30-YK-0001", "容量 1250kVA",
])
def test_business_numbers_are_kept(kept: str) -> None:
    assert mask_text(kept) == kept


def test_masking_keeps_length() -> None:
    text = "张三 110105199001011234 13812345678 6222021234567890"
    assert len(mask_text(text)) == len(text)


def test_html_snippet_keeps_marks_and_entities() -> None:
    fragment = "…户名：<mark>张三</mark> 电话：138<mark>1234</mark>5678 &amp; 110105199001011234…"
    assert mask_html(fragment) == (
        "…户名：<mark>张三</mark> 电话：138<mark>****</mark>5678 &amp; 110105********1234…")


def test_html_entities_are_not_digits() -> None:
    assert mask_html("&#x27;13812345678&#39;") == "&#x27;138****5678&#39;"
    assert mask_html("<mark>12</mark>") == "<mark>12</mark>"


def test_records_mask_values_but_not_identifiers() -> None:
    record = {"户号": "3301000001", "联系电话": "13812345678", "证件号码": "110105199001011234",
              "doc_id": "0123456789abcdef", "nested": {"phone": "13998765432"},
              "snippet": "<mark>13812345678</mark>", "pages": 3}
    masked = mask_record(record, html_keys=frozenset({"snippet"}))
    assert masked == {"户号": "3301000001", "联系电话": "138****5678",
                      "证件号码": "110105********1234", "doc_id": "0123456789abcdef",
                      "nested": {"phone": "139****5432"}, "snippet": "<mark>138****5678</mark>",
                      "pages": 3}


# Every way a number is written (issue 18 item 2): (as written, masked, bare digits).
FORMATS = [
    ("110105199001011234", "110105********1234", "110105199001011234"),
    ("11010519900101123x", "110105********123x", "11010519900101123X"),
    ("110105 19900101 1234", "110105 ******** 1234", "110105199001011234"),
    ("110105-1990-0101-123X", "110105-****-****-123X", "11010519900101123X"),
    ("110105900101123", "110105******123", "110105900101123"),
    ("110105 900101 123", "110105 ****** 123", "110105900101123"),
    ("１１０１０５１９９００１０１１２３４", "１１０１０５********１２３４", "110105199001011234"),
    ("13912345678", "139****5678", "13912345678"),
    ("+86 139 1234 5678", "+86 139 **** 5678", "13912345678"),
    ("+8613912345678", "+86139****5678", "13912345678"),
    ("0086-139-1234-5678", "0086-139-****-5678", "13912345678"),
    ("１３９１２３４５６７８", "１３９****５６７８", "13912345678"),
    ("１３９－１２３４－５６７８", "１３９－****－５６７８", "13912345678"),
    ("6222 0212 3456 7890 123", "**** **** **** ***0 123", "6222021234567890123"),
]


@pytest.mark.parametrize("written, masked, bare", FORMATS)
def test_every_written_form_is_masked(written: str, masked: str, bare: str) -> None:
    assert mask_text(f"号码：{written}。") == f"号码：{masked}。"
    assert personal_numbers(f"查 {written}") == [bare]
    assert canonical_numbers(f"号码：{written}。") == f"号码：{bare}。"


@pytest.mark.parametrize("name, masked", [
    ("城东供电所/3301000001_张三/ID110105199001011234.pdf",
     "城东供电所/3301000001_张三/ID110105********1234.pdf"),
    ("张三_13912345678_身份证.jpg", "张三_139****5678_身份证.jpg"),
    ("sfz110105199001011234_2.pdf", "sfz110105********1234_2.pdf"),
])
def test_numbers_in_file_names_and_paths(name: str, masked: str) -> None:
    assert mask_text(name) == masked


@pytest.mark.parametrize("kept", [
    "3301000001 1234 5678",  # a 户号 then other digits: no birth date where an ID has one
    "抄表 2023 0101 1234 567", "户号 3301000001，电话区号 0571",
])
def test_separated_digits_without_a_birth_date_are_kept(kept: str) -> None:
    assert mask_text(kept) == kept


def test_fragments_are_not_personal_numbers() -> None:
    assert personal_numbers("19900101") == []
    assert personal_numbers("1101051990") == []
    assert personal_numbers("139 1234") == []


def test_document_ids_and_digests_are_no_numbers() -> None:
    digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for identifier in ("13912345678f0a2b", "62178563904277152a08", digest):
        assert mask_text(identifier) == identifier
    assert mask_html('<a href="/documents/13912345678f0a2b">13912345678</a>') == \
        '<a href="/documents/13912345678f0a2b">139****5678</a>'



def test_the_cheap_scans_hold_every_number_the_exact_patterns_find() -> None:
    """find_numbers looks only where a cheap scan found something: that must never hide a
    number (texts of digits, separators, letters, Han, of every length)."""
    draw = random.Random(20).choice
    alphabet = "0123456789" * 4 + "  --xXafMAK户号：+"
    for _ in range(3000):
        text = "".join(draw(alphabet) for _ in range(draw(range(5, 60))))
        candidates = [c.span() for c in masking._DIGITS_AND_SEPARATORS.finditer(text)]
        for run in masking._DIGIT_RUN.finditer(text):
            assert any(s <= run.start() and run.end() <= e for s, e in candidates), text
        if masking._USCC.search(text):
            assert masking._USCC_CHARS.search(text), text
        if masking._HEX_ID.search(text):
            assert masking._HEX_CHARS.search(text), text


NUMBERED = ("证件 330102 19650318 123x，电话 +86 137 5862 9034，"
            "卡号 6217 8563 9042 7715 208，代码 91330110MA2B3C4D5E，户号 3301000101")


def test_the_catalogs_record_of_numbers_reads_back_as_found() -> None:
    record = numbers_record(NUMBERED)
    for kept in ("19650318", "5862", "9042", "MA2B3C"):  # positions only, no digit of them
        assert kept not in record
    back = numbers_in(NUMBERED, record)
    assert [(f.start, f.end, f.hidden) for f in back] == \
        [(f.start, f.end, f.hidden) for f in find_numbers(NUMBERED)] and len(back) == 4
    assert numbers_in("无号码", numbers_record("无号码")) == []


def test_a_record_made_under_other_rules_or_for_another_text_is_not_used() -> None:
    record = numbers_record(NUMBERED)
    assert numbers_in(NUMBERED, f"{RULES_VERSION + 1}:" + record.split(":", 1)[1]) is None
    assert numbers_in(NUMBERED + "。", record) is None
    assert numbers_in(NUMBERED, "") is None
