from pathlib import Path

import pytest

from indexer.customers import load_customers
from indexer.errors import TableError
from tests.factories import CUSTOMER_HEADER, CUSTOMERS, write_customers


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_customers_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    write_customers(tmp_path, encoding=encoding)
    customers = load_customers(tmp_path)
    assert set(customers) == {row[0] for row in CUSTOMERS}
    assert customers["3301000001"].name == "杭州明远纺织有限公司"
    assert customers["3301000002"].org == "城西供电所"


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    header = [h for h in CUSTOMER_HEADER if h != "供电单位"]
    rows = [row[:5] + row[6:] for row in CUSTOMERS]
    write_customers(tmp_path, rows=rows, header=header)
    with pytest.raises(TableError, match="供电单位") as info:
        load_customers(tmp_path)
    assert "customers.csv" in info.value.message


def test_extra_columns_are_kept(tmp_path: Path) -> None:
    rows = [row + ["S11-M-630/10"] for row in CUSTOMERS]
    write_customers(tmp_path, rows=rows, header=CUSTOMER_HEADER + ["变压器型号"])
    customer = load_customers(tmp_path)["3301000001"]
    assert customer.extra == {"变压器型号": "S11-M-630/10"}
    assert customer.to_dict()["变压器型号"] == "S11-M-630/10"


def test_customers_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CUSTOMER_HEADER)
    for row in CUSTOMERS:
        sheet.append([int(row[0])] + row[1:])  # Excel turns 户号 into a number
    workbook.save(tmp_path / "customers.xlsx")
    customers = load_customers(tmp_path)
    assert customers["3301000004"].name == "宁波华丰纺织有限公司"


def test_archive_without_customers_file_has_none(tmp_path: Path) -> None:
    assert load_customers(tmp_path) == {}
