import io
import time
from pathlib import Path

import pytest
from PIL import Image

from indexer.errors import BombError, CorruptFileError, EmptyFileError, EncryptedFileError
from indexer.extract import SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Limits, extract
from indexer.extract.ofd import open_ofd
from indexer.extract.ofd_render import render_page
from indexer.filetypes import sniff
from sample_archive.ofd import Run, build_ofd, form_runs, zip_members
from tests.ofd_files import (edited_ofd, encrypted_member_ofd, members_of, ofd_file,
                             ofd_zip_bomb, page_xml)
from tests.scans import page_image

PAGE = "Doc_0/Pages/Page_0/Content.xml"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_text_in_reading_order_whatever_order_the_objects_were_written(tmp_path: Path) -> None:
    # the writer puts all labels first, then all values (column order)
    path = ofd_file(tmp_path / "合同.ofd")
    result = extract(path)
    assert (result.pages, result.source) == (1, SOURCE_TEXT)
    assert result.text.splitlines()[:5] == [
        "供用电合同", "户号：\t3301000001", "用电人：\t杭州明远纺织有限公司",
        "证件号码：\t330102198001011234", "签订日期：\t2023年5月12日"]


def test_pages_annotations_attachments_and_metadata(tmp_path: Path) -> None:
    path = ofd_file(
        tmp_path / "发票.ofd",
        [[Run(20, 20, "第一页")], [Run(20, 20, "第二页"), Run(20, 28, "价税合计：¥100.00")]],
        info={"Title": "电费缴费凭证（电子发票）", "Author": "国网临江县供电公司",
              "CreationDate": "2024-03-01"},
        custom={"发票号码": "24332000000000012345"},
        attachments={"original_invoice.xml": "<Invoice><Buyer>明远纺织</Buyer></Invoice>".encode()},
        annotations={1: "发票专用章"})
    result = extract(path)
    assert result.pages == 2
    assert result.text.splitlines() == [
        "电费缴费凭证（电子发票）", "第一页", "第二页", "价税合计：¥100.00", "发票专用章",
        "附件：original_invoice.xml", "明远纺织", "【文档属性】", "作者：国网临江县供电公司",
        "创建日期：2024-03-01", "发票号码：24332000000000012345"]


def test_metadata_title_is_not_repeated_when_the_page_starts_with_it(tmp_path: Path) -> None:
    path = ofd_file(tmp_path / "合同.ofd", info={"Title": "供用电合同"})
    assert extract(path).text.startswith("供用电合同\n户号")


def test_positions_from_deltax_g_notation_ctm_templates_and_no_namespace(
        tmp_path: Path) -> None:
    objects = ('<ofd:TextObject ID="5" Boundary="100 46 60 10" Size="4">'
               '<ofd:TextCode X="0" Y="4" DeltaX="g 3 4">户号右侧</ofd:TextCode></ofd:TextObject>'
               '<ofd:TextObject ID="6" Boundary="0 0 210 297" Size="2" CTM="2 0 0 2 10 46">'
               '<ofd:TextCode X="0" Y="2">左侧</ofd:TextCode></ofd:TextObject>')
    page = page_xml(objects).replace(b"<ofd:Content>",
                                     b'<ofd:Template TemplateID="90"/><ofd:Content>')
    template = (b'<Page><Content><Layer><TextObject ID="7" Boundary="20 20 100 10" Size="5">'
                b'<TextCode X="0" Y="5">\xe8\xa1\xa8\xe5\xa4\xb4</TextCode></TextObject>'
                b'</Layer></Content></Page>')  # 表头, in a template page without namespace
    members = members_of(build_ofd([[Run(20, 30, "x")]]))
    members["Doc_0/Document.xml"] = members["Doc_0/Document.xml"].replace(
        b"</ofd:CommonData>", b'<ofd:TemplatePage ID="90" BaseLoc="Tpl_0.xml"/></ofd:CommonData>')
    path = edited_ofd(tmp_path / "a.ofd", {PAGE: page, "Doc_0/Tpl_0.xml": template},
                      base=zip_members(members))
    assert extract(path).text == "表头\n左侧\t户号右侧"
    with open_ofd(path) as ofd:
        runs = ofd.page(0).runs
    right = next(r for r in runs if r.text == "户号右侧")
    assert right.xs == (100, 104, 108, 112) and right.y == 50
    left = next(r for r in runs if r.text == "左侧")
    assert (left.xs[0], left.y, left.size) == (10, 50, 4)


def test_image_only_page_goes_to_ocr(tmp_path: Path) -> None:
    scan = _png(page_image())
    path = ofd_file(tmp_path / "扫描.ofd", [scan, [Run(20, 20, "供用电合同 文字页")]],
                    size=(210, 98))  # the scan's proportions
    result = extract(path)
    assert result.source == SOURCE_MIXED and result.pages == 2
    assert "3301000001" in result.text and "供用电合同 文字页" in result.text
    assert 0 < result.ocr_confidence <= 1
    assert [page for page, *_ in result.page_lines] == [0]  # the scanned page's OCR lines
    assert any("3301000001" in text for _, text in result.page_lines[0][3])
    only = ofd_file(tmp_path / "全扫描.ofd", [scan], size=(210, 98))
    assert extract(only).source == SOURCE_OCR
    with pytest.raises(EmptyFileError, match="只有图像.*关闭了 OCR"):
        extract(only, Limits(ocr=False))


def test_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = ofd_file(tmp_path / "合同.zip")
    assert sniff(path) == "ofd"
    assert "3301000001" in extract(path).text


def test_missing_doc_root_is_corrupt(tmp_path: Path) -> None:
    path = edited_ofd(tmp_path / "a.ofd", {"OFD.xml": b'<ofd:OFD xmlns:ofd="x"><ofd:DocBody/></ofd:OFD>'})
    with pytest.raises(CorruptFileError, match="缺少文档主体"):
        extract(path)


def test_truncated_ofd_is_corrupt(tmp_path: Path) -> None:
    good = ofd_file(tmp_path / "a.ofd").read_bytes()
    path = tmp_path / "b.ofd"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(CorruptFileError):
        extract(path)


def test_malformed_page_xml_is_corrupt(tmp_path: Path) -> None:
    path = edited_ofd(tmp_path / "a.ofd", {PAGE: b"<ofd:Page><ofd:Content><ofd:Layer>"})
    with pytest.raises(CorruptFileError, match="XML 格式错误.*Page_0"):
        extract(path)


def test_missing_page_member_is_corrupt(tmp_path: Path) -> None:
    path = edited_ofd(tmp_path / "a.ofd", {PAGE: None})
    with pytest.raises(CorruptFileError, match="不完整.*Page_0"):
        extract(path)


@pytest.mark.parametrize("build", [
    encrypted_member_ofd,
    lambda p: edited_ofd(p, {"Encryptions.xml": b"<Encryptions/>"}),
])
def test_encrypted_ofd(tmp_path: Path, build) -> None:  # noqa: ANN001
    with pytest.raises(EncryptedFileError, match="OFD 文件已加密"):
        extract(build(tmp_path / "机密.ofd"))


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(BombError, match="压缩比异常.*疑似压缩炸弹"):
        extract(ofd_zip_bomb(tmp_path / "炸弹.ofd"))


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    page = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Page><Content><Layer><TextObject ID="1" Boundary="0 0 100 10" Size="4">'
            b'<TextCode X="0" Y="4">\xe6\x96\x87&x;</TextCode></TextObject></Layer></Content></Page>')
    text = extract(edited_ofd(tmp_path / "a.ofd", {PAGE: page})).text
    assert text.startswith("文") and "root:" not in text


def test_entity_expansion_is_not_performed(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    page = (f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY l0 "哈">{laughs}]>'
            '<Page><Content><Layer><TextObject ID="1" Boundary="0 0 100 10" Size="4">'
            '<TextCode X="0" Y="4">开头&l9;</TextCode></TextObject></Layer></Content></Page>'
            ).encode("utf-8")
    start = time.monotonic()
    with pytest.raises(CorruptFileError, match="XML 格式错误.*amplification"):
        extract(edited_ofd(tmp_path / "a.ofd", {PAGE: page}))  # libxml2 stops the expansion
    assert time.monotonic() - start < 10


def test_paths_stay_inside_the_package(tmp_path: Path) -> None:
    document = (b'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>'
                b'<ofd:Page ID="1" BaseLoc="../../../../etc/passwd"/></ofd:Pages></ofd:Document>')
    path = edited_ofd(tmp_path / "a.ofd", {"Doc_0/Document.xml": document})
    with pytest.raises(CorruptFileError, match="缺少 etc/passwd"):
        extract(path)


def test_absurd_nesting_is_corrupt(tmp_path: Path) -> None:
    blocks = "<ofd:PageBlock>" * 40 + '<ofd:TextObject ID="1" Boundary="0 0 9 9" Size="4">' \
        '<ofd:TextCode X="0" Y="4">深</ofd:TextCode></ofd:TextObject>' + "</ofd:PageBlock>" * 40
    with pytest.raises(CorruptFileError, match="嵌套过深"):
        extract(edited_ofd(tmp_path / "a.ofd", {PAGE: page_xml(blocks)}))


def test_image_bomb_in_a_page_is_refused(tmp_path: Path) -> None:
    big = Image.new("1", (12000, 8000), 1)  # 96 MP, a few KB as PNG
    path = ofd_file(tmp_path / "a.ofd", [_png(big)])
    with pytest.raises(BombError, match="图片尺寸异常"):
        extract(path)


def test_rendered_page_has_a_box_per_character(tmp_path: Path) -> None:
    path = ofd_file(tmp_path / "合同.ofd", [form_runs("供用电合同", [("户号", "3301000001")])])
    with open_ofd(path) as ofd:
        image, text, boxes = render_page(ofd, 0, 150)
    assert image.size == (1240, 1754)
    assert len(boxes) == len(text) and text.index("3301000001") > 0
    start = text.index("3301000001")
    left, top, right, bottom = boxes[start]
    assert left == pytest.approx(60 * 150 / 25.4) and bottom > top
    # something dark was drawn where the number's boxes are
    crop = image.convert("L").crop((round(left), round(top), round(boxes[start + 9][2]),
                                    round(bottom)))
    assert crop.getextrema()[0] < 100
