"""OFD documents in the service: searched, masked and logged like the rest; their pages
drawn on the server, with the numbers blacked out where the text objects put them."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sample_archive.ofd import Run, form_runs
from search_service.access.audit import Filters
from search_service.api.app import create_app
from tests.factories import write_customers
from tests.ofd_files import ofd_file
from tests.scans import page_image
from tests.search_service.conftest import IndexedArchive, doc_id

PHONE, ID_NUMBER = "13812345678", "330102198502023456"
UNIT = "城东供电所"
FOLDER = f"{UNIT}/3301000001_杭州明远纺织有限公司"
OFD_PATH = f"{FOLDER}/电子文件/供用电合同_2023-05-12.ofd"
SCAN_PATH = f"{FOLDER}/电子文件/用电检查工作单_2023-05-12.ofd"
PX = 150 / 25.4  # the viewer's pixels per millimetre
PHONE_AT = (60.0, 60.0)  # mm: where the contract prints the phone number (left, baseline)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("ofd-viewer")
    root = base / "archive"
    write_customers(root)
    runs = form_runs("供用电合同", [("户号", "3301000001"), ("证件号码", ID_NUMBER)], top=30)
    ofd_file(root / OFD_PATH, [[*runs, Run(20, PHONE_AT[1], "联系电话："),
                                Run(*PHONE_AT, PHONE)]])
    scan = page_image(["用电检查工作单", "户号：3301000001", f"联系电话：{PHONE}"])
    out = io.BytesIO()
    scan.save(out, "PNG")
    ofd_file(root / SCAN_PATH, [out.getvalue()], size=(210, 98))
    return create_app(IndexedArchive.build(root, base / "index").settings())


def page(client, path: str) -> Image.Image:  # noqa: ANN001
    response = client.get(f"/api/documents/{doc_id(path)}/pages/1.png")
    assert response.status_code == 200, response.text
    assert PHONE.encode() not in response.content
    return Image.open(io.BytesIO(response.content)).convert("L")


def dark_share(image: Image.Image, box: tuple[float, ...]) -> float:
    return float((np.asarray(image.crop(tuple(int(v) for v in box))) < 40).mean())


def phone_box() -> tuple[float, ...]:
    left, baseline = PHONE_AT
    width = len(PHONE) * 3.5 / 2
    return ((left + 0.5) * PX, (baseline - 2.5) * PX, (left + width - 0.5) * PX,
            (baseline - 0.3) * PX)


def test_ofd_text_is_searched_and_masked_for_a_masked_role(clerk, archivist) -> None:
    hits = clerk.get("/api/search", params={"q": "供用电合同"}).json()["hits"]
    hit = next(h for h in hits if h["path"] == OFD_PATH)
    assert hit["file_type"] == "ofd"
    shown = clerk.get(f"/api/documents/{doc_id(OFD_PATH)}").text
    assert PHONE not in shown and ID_NUMBER not in shown and "138****5678" in shown
    assert PHONE in archivist.get(f"/api/documents/{doc_id(OFD_PATH)}").text


def test_ofd_page_drawn_on_the_server_and_blacked_out_where_the_number_is(
        clerk, archivist) -> None:
    plain, masked = page(archivist, OFD_PATH), page(clerk, OFD_PATH)
    assert plain.width == round(210 * PX)
    box = phone_box()
    assert 0.05 < dark_share(plain, box) < 0.6  # printed digits on white
    assert dark_share(masked, box) > 0.97


def test_image_only_ofd_page_masked_by_ocr_boxes(clerk, archivist) -> None:
    # the phone line of the scan: third line of page_image, drawn at y 220..254 of 420 px
    scale = 210 * PX / 900
    box = (260 * scale, 228 * scale, 420 * scale, 250 * scale)
    assert dark_share(page(archivist, SCAN_PATH), box) < 0.6
    assert dark_share(page(clerk, SCAN_PATH), box) > 0.97


def test_each_read_of_an_ofd_is_one_log_record(app, clerk) -> None:
    before = app.state.access.audit.verify().last_seq
    clerk.get(f"/api/documents/{doc_id(OFD_PATH)}")
    clerk.get(f"/api/documents/{doc_id(OFD_PATH)}/pages/1.png")
    _, rows = app.state.access.audit.query(Filters(user="clerk_east"))
    fresh = sorted(r["action"] for r in rows if r["seq"] > before)
    assert fresh == ["document_view", "page_view"]
