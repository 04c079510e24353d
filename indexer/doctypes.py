"""The document type table (档案类别): codes, names and the words that identify them.

Codes follow ../shared/DOMAIN.md. ``keywords`` are matched against file names, folder
names and title lines, longest first, to infer a type where the catalog is silent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    code: str
    name: str
    keywords: tuple[str, ...]


DOC_TYPES: tuple[DocType, ...] = (
    DocType("YK01", "用电申请书", ("用电申请书", "用电登记表", "用电申请")),
    DocType("YK02", "身份证明", ("身份证明", "身份证", "营业执照")),
    DocType("YK03", "用电地址权属证明", ("用电地址权属证明", "权属证明", "产权证明", "客户承诺书")),
    DocType("YK04", "项目批文", ("项目批文", "批复文件", "核准文件")),
    DocType("YK05", "用电设备清单", ("用电设备清单", "设备清单")),
    DocType("YK06", "现场勘查单", ("现场勘查单", "现场勘查", "勘查单")),
    DocType("YK07", "供电方案答复单", ("供电方案答复单", "供电方案")),
    DocType("YK08", "受电工程设计审查意见书", ("受电工程设计审查意见书", "设计审查意见", "设计审查")),
    DocType("YK09", "中间检查记录", ("中间检查记录", "中间检查")),
    DocType("YK10", "竣工检验意见单", ("竣工检验意见单", "竣工检验")),
    DocType("YK11", "供用电合同", ("供用电合同", "供电合同", "用电合同")),
    DocType("YK12", "合同附件", ("合同附件", "电费结算协议", "电力调度协议", "调度协议")),
    DocType("YK13", "装表接电工作单", ("装表接电工作单", "装表接电")),
    DocType("JC01", "用电检查工作单", ("用电检查工作单", "检查工作单")),
    DocType("JC02", "用电检查结果通知书", ("用电检查结果通知书", "检查结果通知书")),
    DocType("JC03", "隐患整改通知书", ("隐患整改通知书", "整改通知书", "隐患通知")),
    DocType("JC04", "违约用电窃电通知书", ("违约用电", "窃电通知书", "窃电")),
    DocType("JC05", "整改回执", ("整改回执", "复查记录", "整改复查")),
    DocType("JL01", "计量装置工作单", ("计量装置工作单", "计量装置")),
    DocType("JL02", "电能表档案", ("电能表档案", "电能表")),
    DocType("JL03", "现场检验记录", ("现场检验记录", "现场检验")),
    DocType("DF01", "电费通知单", ("电费通知单", "电费通知")),
    DocType("DF02", "缴费凭证", ("缴费凭证", "缴费")),
    DocType("DF03", "电费退补审批单", ("电费退补审批单", "退补")),
    DocType("BG01", "减容", ("减容",)),
    DocType("BG02", "暂停", ("暂停",)),
    DocType("BG03", "暂换", ("暂换",)),
    DocType("BG04", "迁址", ("迁址",)),
    DocType("BG05", "移表", ("移表",)),
    DocType("BG06", "暂拆", ("暂拆",)),
    DocType("BG07", "更名过户", ("更名", "过户")),
    DocType("BG08", "分户", ("分户",)),
    DocType("BG09", "并户", ("并户",)),
    DocType("BG10", "销户", ("销户",)),
    DocType("BG11", "改压", ("改压",)),
    DocType("BG12", "改类", ("改类",)),
)

BY_CODE: dict[str, DocType] = {t.code: t for t in DOC_TYPES}
BY_NAME: dict[str, DocType] = {t.name: t for t in DOC_TYPES}

# Inspection documents whose text states hazard facts.
INSPECTION_CODES = frozenset({"JC01", "JC02", "JC03", "JC04", "JC05"})

_KEYWORDS: tuple[tuple[str, DocType], ...] = tuple(
    sorted(((k, t) for t in DOC_TYPES for k in t.keywords), key=lambda kt: -len(kt[0]))
)


def lookup(code_or_name: str) -> DocType | None:
    """Resolve a catalog value that may be a code (YK11) or a name (供用电合同)."""
    value = code_or_name.strip()
    return BY_CODE.get(value.upper()) or BY_NAME.get(value) or match_keywords(value)


def match_keywords(text: str) -> DocType | None:
    """Return the type whose longest keyword occurs in ``text``, if any."""
    for keyword, doc_type in _KEYWORDS:
        if keyword in text:
            return doc_type
    return None


def name_of(code: str) -> str:
    doc_type = BY_CODE.get(code)
    return doc_type.name if doc_type else ""
