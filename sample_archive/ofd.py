"""OFD documents (GB/T 33190) for the sample archive: electronic invoices for electricity
fees and e-contracts signed on the utility's platform.

:func:`build_ofd` writes a valid OFD package — ``OFD.xml`` (the document's metadata and
custom fields), ``Doc_0/Document.xml``, ``PublicRes.xml`` (fonts), ``DocumentRes.xml``
(images), one ``Content.xml`` per page with TextObject/TextCode at their positions in
millimetres, and optional attachments and annotations — the same structure the extractor
reads. The text objects are written column by column, not in reading order, as many
invoice programs do, so the extractor must order them itself.
"""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

NS = "http://www.ofdspec.org/2016"
A4 = (210.0, 297.0)  # mm
INVOICE = (240.0, 140.0)  # the e-invoice page size
FONT_SIZE = 3.5  # mm, about 10 pt
SUBFOLDER = "电子文件"


@dataclass(frozen=True)
class Run:
    """One text object: ``text`` with its baseline at (x, y) mm from the page's top left."""

    x: float
    y: float
    text: str
    size: float = FONT_SIZE


Page = Sequence[Run] | bytes  # text runs, or a PNG for an image-only (scanned) page


def build_ofd(pages: Sequence[Page], info: Mapping[str, str] | None = None,
              custom: Mapping[str, str] | None = None, size: tuple[float, float] = A4,
              attachments: Mapping[str, bytes] | None = None,
              annotations: Mapping[int, str] | None = None) -> bytes:
    """The bytes of an OFD package. ``info``: DocInfo fields (Title, Author, CreationDate…);
    ``custom``: CustomData name → value; ``attachments``: file name → bytes;
    ``annotations``: page index → the text of a stamp annotation on it."""
    members: dict[str, bytes] = {
        "OFD.xml": _ofd_xml(info or {}, custom or {}),
        "Doc_0/PublicRes.xml": _xml(
            f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
            '<ofd:Font ID="3" FontName="楷体" FamilyName="楷体"/></ofd:Fonts></ofd:Res>'),
    }
    media, page_refs, next_id = [], [], 10
    for n, page in enumerate(pages):
        objects = []
        if isinstance(page, bytes):
            members[f"Doc_0/Res/image_{next_id}.png"] = page
            media.append(f'<ofd:MultiMedia ID="{next_id}" Type="Image" Format="PNG">'
                         f'<ofd:MediaFile>image_{next_id}.png</ofd:MediaFile></ofd:MultiMedia>')
            objects.append(f'<ofd:ImageObject ID="{next_id + 1}" ResourceID="{next_id}" '
                           f'Boundary="0 0 {size[0]:g} {size[1]:g}" '
                           f'CTM="{size[0]:g} 0 0 {size[1]:g} 0 0"/>')
            next_id += 2
        else:
            for run in _column_order(page):
                objects.append(_text_object(next_id, run))
                next_id += 1
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = _xml(
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{next_id}">'
            f'{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
        page_refs.append(f'<ofd:Page ID="{next_id + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        next_id += 2
    members["Doc_0/DocumentRes.xml"] = _xml(
        f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias>{"".join(media)}'
        '</ofd:MultiMedias></ofd:Res>')
    extra = ""
    if attachments:
        members["Doc_0/Attachs/Attachments.xml"] = _xml(
            f'<ofd:Attachments xmlns:ofd="{NS}">' + "".join(
                f'<ofd:Attachment ID="a{i}" Name={quoteattr(name)} Format="{name.rsplit(".", 1)[-1]}">'
                f'<ofd:FileLoc>{escape(name)}</ofd:FileLoc></ofd:Attachment>'
                for i, name in enumerate(attachments)) + "</ofd:Attachments>")
        members.update({f"Doc_0/Attachs/{name}": data for name, data in attachments.items()})
        extra += "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>"
    if annotations:
        members["Doc_0/Annots/Annotations.xml"] = _xml(
            f'<ofd:Annotations xmlns:ofd="{NS}">' + "".join(
                f'<ofd:Page PageID="{n}"><ofd:FileLoc>Page_{n}/Annotation.xml</ofd:FileLoc>'
                '</ofd:Page>' for n in annotations) + "</ofd:Annotations>")
        for n, remark in annotations.items():
            members[f"Doc_0/Annots/Page_{n}/Annotation.xml"] = _xml(
                f'<ofd:PageAnnot xmlns:ofd="{NS}"><ofd:Annot ID="{next_id}" Type="Stamp">'
                f'<ofd:Remark>{escape(remark)}</ofd:Remark><ofd:Appearance '
                f'Boundary="150 20 40 40"/></ofd:Annot></ofd:PageAnnot>')
            next_id += 1
        extra += "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"
    members["Doc_0/Document.xml"] = _xml(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{next_id}</ofd:MaxUnitID>'
        f'<ofd:PageArea><ofd:PhysicalBox>0 0 {size[0]:g} {size[1]:g}</ofd:PhysicalBox>'
        '</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
        '<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>'
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages>{extra}</ofd:Document>')
    return zip_members(members)


def zip_members(members: Mapping[str, bytes]) -> bytes:
    """A deflated zip of ``members`` with fixed timestamps (the same input, the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data,
                             zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _ofd_xml(info: Mapping[str, str], custom: Mapping[str, str]) -> bytes:
    fields = "".join(f"<ofd:{key}>{escape(value)}</ofd:{key}>" for key, value in info.items())
    datas = "".join(f"<ofd:CustomData Name={quoteattr(k)}>{escape(v)}</ofd:CustomData>"
                    for k, v in custom.items())
    return _xml(f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                f'<ofd:DocInfo><ofd:DocID>{hashlib.sha256(fields.encode()).hexdigest()[:32]}</ofd:DocID>{fields}'
                f'<ofd:CustomDatas>{datas}</ofd:CustomDatas></ofd:DocInfo>'
                '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')


def char_width(char: str, size: float) -> float:
    """Advance of one character: a CJK character is square, others half as wide."""
    return size if ord(char) > 0x2E7F else size / 2


def _text_object(object_id: int, run: Run) -> str:
    widths = [char_width(c, run.size) for c in run.text]
    width = sum(widths)
    delta = " ".join(f"{w:g}" for w in widths[:-1])
    return (f'<ofd:TextObject ID="{object_id}" Boundary="{run.x:g} {run.y - run.size:g} '
            f'{width:g} {run.size * 1.4:g}" Font="2" Size="{run.size:g}">'
            f'<ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{run.size:g}"'
            f'{f" DeltaX={quoteattr(delta)}" if delta else ""}>{escape(run.text)}</ofd:TextCode>'
            '</ofd:TextObject>')


def _column_order(runs: Sequence[Run]) -> list[Run]:
    """Runs sorted by column (x) first: not the reading order."""
    return sorted(runs, key=lambda r: (round(r.x), r.y))


def form_runs(title: str, rows: Sequence[tuple[str, str]], top: float = 30.0,
              left: float = 20.0, value_at: float = 60.0) -> list[Run]:
    """A title, then one label and one value per line (two text objects per line)."""
    runs = [Run(left + 40, top, title, 6.0)]
    y = top + 14
    for label, value in rows:
        runs.append(Run(left, y, f"{label}："))
        if value:
            runs.append(Run(value_at, y, value))
        y += 8
    return runs


# --------------------------------------------------------------------------- the sample


def invoice(customer: Any, day: date, number: str, amount: float, company: str) -> bytes:
    """An electricity-fee e-invoice: one page, the invoice data as custom fields and as
    the XML attachment tax platforms add."""
    rows = [("发票号码", number), ("开票日期", f"{day.year}年{day.month}月{day.day}日"),
            ("购买方名称", customer.name), ("户号", customer.number),
            ("项目名称", "*供电*电费"), ("价税合计", f"¥{amount:.2f}"), ("销售方名称", company)]
    attachment = ("<Invoice><InvoiceNo>{}</InvoiceNo><Buyer>{}</Buyer><Amount>{:.2f}</Amount>"
                  "</Invoice>").format(number, escape(customer.name), amount).encode("utf-8")
    return build_ofd([form_runs("电费缴费凭证（电子发票）", rows, top=20)],
                     {"Title": "电费缴费凭证（电子发票）", "Author": company,
                      "CreationDate": day.isoformat()},
                     {"发票号码": number, "开票日期": day.isoformat(), "户号": customer.number},
                     size=INVOICE, attachments={"original_invoice.xml": attachment},
                     annotations={0: f"{company}发票专用章"})


def e_contract(customer: Any, day: date, company: str) -> bytes:
    """A two-page e-contract: the parties (with the customer's ID number and phone) and
    the signature page."""
    first = [("户号", customer.number), ("用电人", customer.name), ("供电人", company),
             ("用电地址", customer.address), ("证件号码", customer.id_number),
             ("联系电话", customer.phone), ("合同容量", customer.capacity_text),
             ("签订日期", f"{day.year}年{day.month}月{day.day}日")]
    second = [("供电人（盖章）", company), ("用电人（签章）", customer.name),
              ("签署方式", "电子签章")]
    return build_ofd([form_runs("供用电合同（电子签章版）", first),
                      form_runs("供用电合同 签署页", second)],
                     {"Title": "供用电合同（电子签章版）", "Author": company,
                      "CreationDate": day.isoformat()},
                     {"合同编号": f"HT{customer.number}{day:%Y}", "户号": customer.number},
                     annotations={1: "电子签章"})


def add_ofd(root: Path, rng: random.Random, customers: Sequence[Any], company: str) -> int:
    """One e-invoice per customer and an e-contract for every third, into
    ``<供电单位>/<户号>_<户名>/电子文件/``; returns the number of files written."""
    written = 0
    for n, customer in enumerate(customers):
        folder = root / customer.folder / SUBFOLDER
        folder.mkdir(parents=True, exist_ok=True)
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(540))
        number = f"{24 if day.year == 2024 else 25}33{rng.randrange(10**15):015d}"
        amount = rng.randrange(5000, 900000) / 100
        (folder / f"电费缴费凭证_{day.isoformat()}.ofd").write_bytes(
            invoice(customer, day, number, amount, company))
        written += 1
        if n % 3 == 0:
            (folder / f"供用电合同_电子签章_{day.isoformat()}.ofd").write_bytes(
                e_contract(customer, day, company))
            written += 1
    return written
