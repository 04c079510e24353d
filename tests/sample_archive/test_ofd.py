"""The sample archive's OFD files: valid packages the extractor reads like any document."""

import random
from pathlib import Path

import pytest

from indexer import infer
from indexer.extract import SOURCE_TEXT, extract
from indexer.extract.ofd import open_ofd
from sample_archive.domain import COMPANY
from sample_archive.generator import generate, plan_archive
from sample_archive.ofd import SUBFOLDER, add_ofd


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    roster = plan_archive(12, 3)[1]
    root = tmp_path_factory.mktemp("ofd")
    assert add_ofd(root, random.Random(1), roster[:3], COMPANY) == 3 + 1
    return root, roster[:3]


def test_invoices_and_contracts_are_read_with_their_facts(written) -> None:  # noqa: ANN001
    root, customers = written
    for customer in customers:
        folder = root / customer.folder / SUBFOLDER
        invoice = next(folder.glob("电费缴费凭证_*.ofd"))
        result = extract(invoice)
        assert result.source == SOURCE_TEXT and result.pages == 1
        assert f"户号：\t{customer.number}" in result.text
        assert infer.doc_type_from(invoice.name, result.text).code == "DF02"
        with open_ofd(invoice) as ofd:
            number = ofd.custom["发票号码"]
            assert ofd.info["Title"] == "电费缴费凭证（电子发票）"
        assert result.text.count(number) == 3  # the page, the invoice XML, the custom field
    contract = next((root / customers[0].folder / SUBFOLDER).glob("供用电合同_*.ofd"))
    text = extract(contract).text
    assert extract(contract).pages == 2
    assert customers[0].id_number in text and customers[0].name in text
    assert infer.doc_type_from(contract.name, text).code == "YK11"


def test_same_seed_same_bytes(written, tmp_path: Path) -> None:  # noqa: ANN001
    root, customers = written
    add_ofd(tmp_path, random.Random(1), customers, COMPANY)
    for path in root.rglob("*.ofd"):
        assert (tmp_path / path.relative_to(root)).read_bytes() == path.read_bytes()


def test_generate_adds_them_for_one_customer_in_twenty(tmp_path: Path) -> None:
    summary = generate(tmp_path / "a", customers=40, seed=5, scans=0)
    assert len(list(summary.root.glob(f"*/*/{SUBFOLDER}/*.ofd"))) == 2 + 1
    assert len(list(generate(tmp_path / "b", customers=40, seed=5, scans=0, ofd=0)
                    .root.rglob("*.ofd"))) == 0
