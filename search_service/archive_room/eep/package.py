"""One record as an XML package in the structure of DA/T 48-2009 (基于XML的电子文件封装规范),
and the manifest of a batch's packages.

A package (``电子文件封装包``) holds the signed object (``被签名对象``: the package type, when
and by which unit it was made, and the content: the record's descriptive metadata, its
fixity, its text and the original file in base64) and a signature block (``电子签名块``:
who exported it, when, and the SHA-256 and SM3 digests of the signed object's canonical XML,
C14N). The digests make any change to the signed object visible; they are not a
certificate-based signature (no SM2 key is held by the service).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from search_service.timefmt import beijing

EEP_VERSION = "2009"
FORMAT_NOTE = "本封装包依据 DA/T 48-2009《基于XML的电子文件封装规范》的结构生成"
MANIFEST = "manifest.xml"
PACKAGE_DIR = "records"
SHA256, SM3 = "SHA-256", "SM3"
ORIGINAL, MASKED = "原始型", "修改型"
MASKED_NOTE = "脱敏封装：正文中的证件号码、手机号码、银行账号已遮蔽，不含原文件"


def sm3_available() -> bool:
    """SM3 comes from OpenSSL (hashlib); builds without it leave SM3 out."""
    return "sm3" in hashlib.algorithms_available


def digests(data: bytes) -> dict[str, str]:
    """SHA-256 and, where OpenSSL offers it, SM3 (GB/T 32905) of ``data``, in hex."""
    found = {SHA256: hashlib.sha256(data).hexdigest()}
    if sm3_available():
        found[SM3] = hashlib.new("sm3", data).hexdigest()
    return found


@dataclass(frozen=True)
class Record:
    """What a package describes: the catalog's record of one accepted document."""

    doc_id: str
    archive_no: str
    title: str
    doc_date: str
    retention: str
    account_no: str
    customer_name: str
    org: str
    doc_type: str
    doc_type_name: str
    pages: int
    file_name: str
    file_type: str
    size: int
    sha256: str  # as recorded at indexing
    text: str
    accepted_at: str = ""  # the archivist's acceptance: the filing date


@dataclass(frozen=True)
class Batch:
    """The handover batch and the people of the export."""

    batch_no: str
    org: str
    submitted_by: str
    received_by: str
    signer: str  # who exports: name（角色，单位）


DESCRIPTION = (("档号", "archive_no"), ("题名", "title"), ("形成日期", "doc_date"),
               ("保管期限", "retention"), ("户号", "account_no"), ("户名", "customer_name"),
               ("供电单位", "org"))


def package_xml(record: Record, batch: Batch, original: bytes | None, created: datetime,
                sm3: str = "") -> bytes:
    """The package of one record; ``original`` None makes a masked package (its text must
    already be masked) without the file."""
    root = etree.Element("电子文件封装包")
    _add(root, "封装包格式描述", FORMAT_NOTE)
    _add(root, "版本", EEP_VERSION)
    signed = etree.SubElement(root, "被签名对象", eep版本=EEP_VERSION)
    _add(signed, "封装包类型", ORIGINAL if original is not None else MASKED)
    _add(signed, "封装包类型描述", "原始封装：含原文件及其元数据" if original is not None
         else MASKED_NOTE)
    _add(signed, "封装包创建时间", beijing(created))
    _add(signed, "封装包创建单位", batch.org)
    entity = etree.SubElement(etree.SubElement(etree.SubElement(
        signed, "封装内容"), "文件实体块"), "文件实体", 档案编号=record.doc_id)
    description = etree.SubElement(entity, "著录项")
    for label, key in DESCRIPTION:
        _add(description, label, getattr(record, key))
    _add(description, "文件类别", record.doc_type_name, 代码=record.doc_type)
    _add(description, "页数", str(record.pages or ""))
    handover = etree.SubElement(entity, "移交信息")
    _add(handover, "移交批次", batch.batch_no)
    _add(handover, "移交人", batch.submitted_by)
    _add(handover, "接收人", batch.received_by)
    _add(handover, "接收日期", record.accepted_at)
    fixity = etree.SubElement(entity, "固化信息", 对象="原文件")
    _add(fixity, "文件名", record.file_name)
    _add(fixity, "文件格式", record.file_type)
    _add(fixity, "文件大小", str(record.size))
    _add(fixity, "哈希值", record.sha256, 算法=SHA256)
    if sm3:
        _add(fixity, "哈希值", sm3, 算法=SM3)
    _add(entity, "文本内容", record.text, 脱敏="否" if original is not None else "是")
    if original is not None:
        _add(entity, "文件数据", base64.b64encode(original).decode("ascii"), 编码="base64")
    block = etree.SubElement(etree.SubElement(root, "电子签名块"), "电子签名")
    _add(block, "签名标识符", f"{batch.batch_no}-{record.doc_id}")
    _add(block, "签名规则", "对“被签名对象”元素的规范化 XML（C14N）计算摘要")
    _add(block, "签名时间", beijing(created))
    _add(block, "签名人", batch.signer)
    results = {algorithm: _add(block, "签名结果", "", 算法=algorithm)
               for algorithm in digests(b"")}
    etree.indent(root)  # before the digest: the signed object is digested as written
    for algorithm, value in digests(canonical(signed)).items():
        results[algorithm].text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def canonical(element: etree._Element) -> bytes:
    """The canonical form (C14N 1.0, without comments) the signature digests cover."""
    return etree.tostring(element, method="c14n", exclusive=False, with_comments=False)


@dataclass(frozen=True)
class Entry:
    """One package as the manifest lists it."""

    name: str  # path inside the export
    doc_id: str
    archive_no: str
    title: str
    account_no: str
    size: int
    digests: dict[str, str]


def manifest_xml(batch: Batch, entries: Iterable[Entry], masked: bool, created: datetime
                 ) -> bytes:
    """The batch's manifest (封装包清单): the batch, the export and every package's digests."""
    root = etree.Element("封装包清单", 版本=EEP_VERSION)
    _add(root, "移交批次", batch.batch_no)
    _add(root, "供电单位", batch.org)
    _add(root, "移交人", batch.submitted_by)
    _add(root, "接收人", batch.received_by)
    _add(root, "导出人", batch.signer)
    _add(root, "导出时间", beijing(created))
    _add(root, "脱敏", "是" if masked else "否")
    listed = etree.SubElement(root, "封装包列表")
    count = 0
    for count, entry in enumerate(entries, start=1):
        item = etree.SubElement(listed, "封装包", 序号=str(count), 文件=entry.name,
                                档案编号=entry.doc_id)
        _add(item, "档号", entry.archive_no)
        _add(item, "题名", entry.title)
        _add(item, "户号", entry.account_no)
        _add(item, "大小", str(entry.size))
        for algorithm, value in entry.digests.items():
            _add(item, "哈希值", value, 算法=algorithm)
    _add(root, "封装包数量", str(count))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add(parent: etree._Element, name: str, text: str, **attributes: str) -> etree._Element:
    """A child element with text; characters XML cannot hold (control codes) are dropped."""
    element = etree.SubElement(parent, name, **attributes)
    element.text = _xml_safe(text or "")
    return element


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def record_from(stored: Mapping[str, object], text: str, accepted_at: str = "") -> Record:
    """A package's record from a catalog row (``text`` masked or not by the caller)."""
    path = str(stored["path"])
    return Record(
        doc_id=str(stored["doc_id"]), archive_no=str(stored.get("archive_no") or ""),
        title=str(stored.get("title") or path.rsplit("/", 1)[-1]),
        doc_date=str(stored.get("doc_date") or ""), retention=str(stored.get("retention") or ""),
        account_no=str(stored.get("account_no") or ""),
        customer_name=str(stored.get("customer_name") or ""), org=str(stored.get("org") or ""),
        doc_type=str(stored.get("doc_type") or ""),
        doc_type_name=str(stored.get("doc_type_name") or ""),
        pages=int(stored.get("pages") or 0), file_name=path.rsplit("/", 1)[-1],
        file_type=str(stored.get("file_type") or ""), size=int(stored.get("size") or 0),
        sha256=str(stored.get("sha256") or ""), text=text, accepted_at=accepted_at)
