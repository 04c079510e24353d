"""OFD files in an indexing run: read, inferred, searched; broken and hostile ones recorded."""

from pathlib import Path

import pytest

from indexer.pipeline import run_index
from indexer.schema import TEXT_SOURCE_LAYER
from sample_archive.ofd import Run
from search_service.reading.search import SearchParams
from tests import searching
from tests.factories import build_archive
from tests.ofd_files import edited_ofd, encrypted_member_ofd, ofd_file, ofd_zip_bomb

CUSTOMER = "城东供电所/3301000001_杭州明远纺织有限公司"
BAD = {
    "加密.ofd": (encrypted_member_ofd, "OFD 文件已加密"),
    "炸弹.ofd": (ofd_zip_bomb, "压缩炸弹"),
    "坏XML.ofd": (lambda p: edited_ofd(p, {"Doc_0/Document.xml": b"<ofd:Document><ofd:Pages"}),
                 "XML 格式错误"),
    "无主体.ofd": (lambda p: edited_ofd(p, {"OFD.xml": b"<OFD><DocBody/></OFD>"}), "缺少文档主体"),
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = build_archive(tmp_path_factory.mktemp("ofd") / "archive")
    folder = root / CUSTOMER / "电子文件"
    # no date nor type in the name: both come from the document
    ofd_file(folder / "e-contract.ofd", info={"Title": "供用电合同（电子签章版）",
                                              "Author": "国网临江县供电公司"},
             custom={"合同编号": "HT-2023-0512"})
    ofd_file(folder / "invoice.ofd", [[Run(20, 20, "电费缴费凭证"), Run(20, 28, "户号："),
                                       Run(60, 28, "3301000001"), Run(20, 36, "开票日期："),
                                       Run(60, 36, "2024年3月1日")]],
             custom={"发票号码": "24332000000000012345"})
    (root / CUSTOMER / "坏文件").mkdir()
    for name, (build, _) in BAD.items():
        build(root / CUSTOMER / "坏文件" / name)
    index_dir = root.parent / "ix"
    return index_dir, run_index(root, index_dir, workers=2, progress=False)


def test_ofd_documents_are_cataloged_with_their_facts(indexed) -> None:  # noqa: ANN001
    index_dir, _ = indexed
    records = searching.records(index_dir)
    contract = records[f"{CUSTOMER}/电子文件/e-contract.ofd"]
    assert (contract["status"], contract["file_type"], contract["text_source"]) == (
        "ok", "ofd", TEXT_SOURCE_LAYER)
    assert (contract["title"], contract["doc_type"], contract["doc_date"],
            contract["account_no"], contract["org"]) == (
        "供用电合同（电子签章版）", "YK11", "2023-05-12", "3301000001", "城东供电所")
    assert "合同编号：HT-2023-0512" in contract["content"]
    invoice = records[f"{CUSTOMER}/电子文件/invoice.ofd"]
    assert (invoice["doc_type"], invoice["doc_date"]) == ("DF02", "2024-03-01")


def test_ofd_text_and_custom_fields_are_searched(indexed) -> None:  # noqa: ANN001
    index_dir, _ = indexed
    for query in ("24332000000000012345", "HT-2023-0512", "电子签章版"):
        hits = searching.search(index_dir, SearchParams(q=query)).hits
        assert [h["path"].rsplit("/", 1)[-1] for h in hits][:1] in (
            ["invoice.ofd"], ["e-contract.ofd"]), query


def test_bad_ofd_files_are_recorded_with_their_reason(indexed) -> None:  # noqa: ANN001
    _, summary = indexed
    reasons = dict(summary.failed)
    for name, (_, words) in BAD.items():
        assert words in reasons[f"{CUSTOMER}/坏文件/{name}"], name
