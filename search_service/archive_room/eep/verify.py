"""Checking electronic-record packages the way the receiving side does (``verify-eep``).

Integrity: each package's signature digests match its signed object (C14N), its original
file (base64) matches the fixity it states, and the manifest's digests match each package;
a masked package must not carry the original. Completeness: every package the manifest
lists is there and nothing else, and each carries the required description (题名, 户号,
供电单位, 文件类别, 移交批次, the SHA-256). Empty 档号, 形成日期 or 保管期限 are warnings (the
catalog may not know them). Errors fail the check; warnings do not.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from indexer.errors import InputError
from search_service.archive_room.eep.package import (
    MANIFEST, MASKED, PACKAGE_DIR, SHA256, SM3, canonical, digests, sm3_available)

REQUIRED = ("题名", "户号", "供电单位", "文件类别")
DESIRED = ("档号", "形成日期", "保管期限")
# packages carry whole files in base64: text nodes beyond libxml2's default 10 MB are allowed;
# entities, DTDs and the network are not
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=True)


@dataclass
class Report:
    """What ``verify_export`` found: packages checked, errors and warnings (Chinese)."""

    packages: int = 0
    batch_no: str = ""
    masked: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "packages": self.packages, "batch_no": self.batch_no,
                "masked": self.masked, "errors": self.errors, "warnings": self.warnings}


def verify_export(path: Path) -> Report:
    """Check an export (the zip ``export-eep`` writes) or one package (``.xml``)."""
    if not path.is_file():
        raise InputError(f"找不到封装包文件：{path}")
    data = path.read_bytes()
    report = Report()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        report.packages = 1
        check_package(data, path.name, report)
        return report
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        raise InputError(f"{path} 不是完整的封装包压缩文件（{exc}）") from exc
    if MANIFEST not in members:
        report.errors.append(f"缺少清单 {MANIFEST}")
        return report
    listed = _check_manifest(members, report)
    for name in sorted(set(listed) & set(members)):
        report.packages += 1
        check_package(members[name], name, report)
    return report


def _check_manifest(members: dict[str, bytes], report: Report) -> list[str]:
    manifest = _parse(members[MANIFEST], MANIFEST, report)
    if manifest is None:
        return []
    report.batch_no = manifest.findtext("移交批次") or ""
    report.masked = manifest.findtext("脱敏") == "是"
    items = manifest.findall("封装包列表/封装包")
    names = [item.get("文件", "") for item in items]
    if manifest.findtext("封装包数量") != str(len(items)):
        report.errors.append(f"清单所列数量（{manifest.findtext('封装包数量')}）与条目数（{len(items)}）不符")
    for item, name in zip(items, names):
        if name not in members:
            report.errors.append(f"清单中的封装包缺失：{name}")
            continue
        if item.findtext("大小") != str(len(members[name])):
            report.errors.append(f"{name}：大小与清单不符")
        for algorithm, value in digests(members[name]).items():
            stated = item.find(f"哈希值[@算法='{algorithm}']")
            if stated is not None and stated.text != value:
                report.errors.append(f"{name}：{algorithm} 与清单不符（封装包被修改或损坏）")
            elif stated is None and algorithm == SHA256:
                report.errors.append(f"{name}：清单缺少 SHA-256")
    extra = sorted(n for n in members if n.startswith(f"{PACKAGE_DIR}/") and n not in names)
    report.errors += [f"清单未列出的封装包：{n}" for n in extra]
    return names


def check_package(data: bytes, name: str, report: Report) -> None:
    """Add the errors and warnings of one package to ``report``."""
    root = _parse(data, name, report)
    if root is None:
        return
    signed = root.find("被签名对象")
    entity = root.find("被签名对象/封装内容/文件实体块/文件实体")
    if root.tag != "电子文件封装包" or signed is None or entity is None:
        report.errors.append(f"{name}：不是电子文件封装包（缺少被签名对象或文件实体）")
        return
    _check_signature(root, signed, name, report)
    for label in REQUIRED:
        if not (entity.findtext(f"著录项/{label}") or "").strip():
            report.errors.append(f"{name}：缺少著录项“{label}”")
    if not (entity.findtext("移交信息/移交批次") or "").strip():
        report.errors.append(f"{name}：缺少移交批次")
    missing = [label for label in DESIRED if not (entity.findtext(f"著录项/{label}") or "").strip()]
    if missing:
        report.warnings.append(f"{name}：著录项为空：{'、'.join(missing)}")
    _check_content(signed, entity, name, report)


def _check_signature(root: etree._Element, signed: etree._Element, name: str,
                     report: Report) -> None:
    results = {e.get("算法"): (e.text or "") for e in root.findall("电子签名块/电子签名/签名结果")}
    if SHA256 not in results:
        report.errors.append(f"{name}：缺少签名结果（SHA-256）")
    for algorithm, value in digests(canonical(signed)).items():
        if algorithm in results and results[algorithm] != value:
            report.errors.append(f"{name}：被签名对象与签名结果（{algorithm}）不符，内容已被修改")
    if SM3 in results and not sm3_available():
        report.warnings.append(f"{name}：本机 OpenSSL 不支持 SM3，未校验 SM3")


def _check_content(signed: etree._Element, entity: etree._Element, name: str,
                   report: Report) -> None:
    masked = signed.findtext("封装包类型") == MASKED
    payload = entity.find("文件数据")
    if masked:
        if payload is not None:
            report.errors.append(f"{name}：脱敏封装包不应包含原文件")
        return
    if payload is None or not (payload.text or "").strip():
        report.errors.append(f"{name}：缺少原文件数据")
        return
    try:
        original = base64.b64decode(payload.text or "", validate=True)
    except (binascii.Error, ValueError):
        report.errors.append(f"{name}：原文件数据不是有效的 base64")
        return
    fixity = entity.find("固化信息")
    stated = {e.get("算法"): (e.text or "") for e in fixity.findall("哈希值")} \
        if fixity is not None else {}
    if not stated.get(SHA256):
        report.errors.append(f"{name}：缺少原文件的 SHA-256")
    for algorithm, value in digests(original).items():
        if algorithm in stated and stated[algorithm] != value:
            report.errors.append(f"{name}：原文件与固化信息的 {algorithm} 不符")
    if fixity is not None and fixity.findtext("文件大小") != str(len(original)):
        report.errors.append(f"{name}：原文件大小与固化信息不符")


def _parse(data: bytes, name: str, report: Report) -> etree._Element | None:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        report.errors.append(f"{name}：XML 格式错误（{exc}）")
        return None
