from datetime import date

import pytest

from indexer import infer


def test_account_from_folder_name() -> None:
    path = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/合同.pdf"
    assert infer.account_from_path(path) == "3301000001"


def test_account_from_text_when_folder_is_silent() -> None:
    assert infer.account_from_path("城东供电所/待归档/a.pdf") is None
    assert infer.account_from_text("用电申请书\n户号： 3301000009\n") == "3301000009"
    assert infer.account_from_text("联系电话：13812345678") is None


@pytest.mark.parametrize(("path", "text", "code"), [
    ("x/供用电合同_2021-03-15.pdf", "", "YK11"),
    ("x/用电检查/隐患整改通知书.pdf", "", "JC03"),
    ("x/整改回执_2023.pdf", "", "JC05"),
    ("x/业扩/扫描001.pdf", "用电检查工作单\n户号：1", "JC01"),
    ("x/扫描002.pdf", "无标题", None),
])
def test_doc_type_from_name_folder_or_title(path: str, text: str, code: str | None) -> None:
    found = infer.doc_type_from(path, text)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(("text", "expected"), [
    ("2023年5月12日", date(2023, 5, 12)),
    ("签于 2023-05-12", date(2023, 5, 12)),
    ("2023.5.2", date(2023, 5, 2)),
    ("工作单_20230512", date(2023, 5, 12)),
    ("户号3301234567", None),
    ("2023年13月40日", None),
])
def test_parse_date_formats(text: str, expected: date | None) -> None:
    assert infer.parse_date(text) == expected


def test_date_prefers_file_name_then_labelled_date() -> None:
    text = "合同有效期自2020年1月1日起\n签订日期：2021年3月15日"
    assert infer.date_from("a/合同_2022-01-02.pdf", text) == date(2022, 1, 2)
    assert infer.date_from("a/合同.pdf", text) == date(2021, 3, 15)
    assert infer.date_from("a/合同.pdf", "有效期自2020年1月1日起") == date(2020, 1, 1)


def test_hazard_facts_of_inspection_documents() -> None:
    notice = "隐患内容：电缆沟积水\n整改期限：2023年6月30日\n整改状态：整改中"
    facts = infer.hazard_facts("JC03", notice)
    assert facts == infer.HazardFacts("是", "整改中", date(2023, 6, 30))
    assert infer.hazard_facts("JC01", "检查结果：未发现安全隐患").found == "否"
    assert infer.hazard_facts("JC01", "检查结果：发现安全隐患，变压器渗油").found == "是"
    assert infer.hazard_facts("YK11", notice) == infer.HazardFacts()


def test_labels_in_form_tables_are_followed_by_a_tab() -> None:
    form = "隐患整改通知书\n户号\t3301000005\n整改期限\t2023年9月1日\n整改状态\t逾期"
    assert infer.hazard_facts("JC03", form) == infer.HazardFacts("是", "逾期", date(2023, 9, 1))
    assert infer.account_from_text(form) == "3301000005"


@pytest.mark.parametrize("text", ["户号 3301000009", "户号 | 3301000009", "户 号\u3000 3301000009",
                                  "户号｜3301000009", "户号\t3301000009", "户号：3301000009"])
def test_account_from_text_in_the_layouts_forms_use(text: str) -> None:
    assert infer.account_from_text(f"用电检查工作单\n{text}\n检查日期：2023-05-01") == "3301000009"


def test_account_from_text_needs_the_label_right_before_the_number() -> None:
    assert infer.account_from_text("户号不详 3301000009") is None
    assert infer.account_from_text("户号 33010000091") is None


def test_account_from_a_folder_named_by_a_unique_customer_name() -> None:
    named = {"张三": ["3301000003"], "李四": ["3301000005", "3301000006"]}
    lookup = lambda name: named.get(name, [])  # noqa: E731
    assert infer.account_from_folder_name("城东供电所/张三/合同.pdf", lookup) == "3301000003"
    assert infer.account_from_folder_name("城东供电所/李四/合同.pdf", lookup) is None
    assert infer.account_from_folder_name("城东供电所/张三.pdf", lookup) is None  # a file, no folder


@pytest.mark.parametrize("relpath, text", [
    ("a/检查记录.txt", "证件号码 330102 19650318 123x，现场检查正常"),
    ("a/检查记录.txt", "身份证：330102-1965-0318-1234"),
    ("a/身份证明_330102 19650318 1234.pdf", "复印件"),
])
def test_no_date_from_inside_an_id_number(relpath: str, text: str) -> None:
    assert infer.date_from(relpath, text) is None  # a birth date would reach the year facet
