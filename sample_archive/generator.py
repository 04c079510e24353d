"""Sample archive generator: a realistic, deterministic customer archive (客户档案) tree.

Layout written into ``root`` (the contract other code relies on)::

    customers.csv                      GBK, the marketing-system export
    catalog.csv                        UTF-8 with BOM, catalog rows for ~30% of documents
    <供电单位>/<户号>_<户名>/业扩|用电检查|变更|电费/<文件名>_<日期>.pdf|docx|txt
    <供电单位>/待归档/<one document without 户号>

Every document has a title line (the document name) and field lines ``标签：值`` with a
full-width colon. The same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable, Sequence

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from faker import Faker
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from tqdm import tqdm

from indexer.doctypes import name_of
from sample_archive.ofd import add_ofd

# --------------------------------------------------------------------------- data tables

COMPANY = "国网临江县供电公司"
CITY_COMPANY = "国网杭州供电公司"
CITY = "杭州市临江县"
REFERENCE_DAY = date(2025, 6, 30)  # "today" of the archive; keeps output independent of the clock
CUSTOMER_HEADER = ("户号", "户名", "用户分类", "用电类别", "电压等级", "供电单位", "用电地址", "联系电话", "证件号码")
CATALOG_HEADER = ("文件路径", "户号", "档案类别", "题名", "形成日期", "档号", "保管期限")
UNASSIGNED_FOLDER = "待归档"


@dataclass(frozen=True)
class Unit:
    """A 供电所: its town, streets or villages, and 10kV feeders."""

    town: str
    places: tuple[str, ...]
    rural: bool
    feeders: tuple[str, ...]


UNITS: dict[str, Unit] = {
    "城东供电所": Unit("东城街道", ("人民路", "解放东路", "东湖路", "建设路", "文汇路"), False, ("东湖线", "开发线", "文汇线")),
    "城西供电所": Unit("西城街道", ("西山路", "环城西路", "新华路", "望江路"), False, ("西山线", "新华线", "望江线")),
    "城南供电所": Unit("南湖街道", ("南湖路", "工业大道", "纬三路", "经五路", "迎宾大道"), False, ("南湖线", "园区线", "迎宾线")),
    "临江供电所": Unit("临江镇", ("上溪村", "江口村", "新塘村", "沙埠村"), True, ("临江线", "江口线")),
    "白塔供电所": Unit("白塔镇", ("白塔村", "岭下村", "杨家村", "茶园村"), True, ("白塔线", "岭下线")),
}

CLASS_WEIGHTS = {"高压": 15, "低压非居民": 30, "低压居民": 55}
USAGE_WEIGHTS = {
    "高压": {"大工业": 60, "一般工商业": 35, "农业生产": 5},
    "低压非居民": {"一般工商业": 80, "农业生产": 20},
    "低压居民": {"居民生活": 1},
}
VOLTAGE_WEIGHTS = {"高压": {"10kV": 80, "35kV": 15, "110kV": 5}, "低压非居民": {"380V": 1}, "低压居民": {"220V": 1}}
TRANSFORMERS = {  # voltage -> (model patterns, capacities in kVA)
    "10kV": (("S11-M-{}/10", "S13-M-{}/10", "SCB11-{}/10", "SCB13-{}/10"),
             (250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000)),
    "35kV": (("SZ11-{}/35", "S11-{}/35"), (3150, 4000, 5000, 6300, 8000, 10000)),
    "110kV": (("SZ11-{}/110",), (20000, 31500, 40000, 50000)),
}
LOW_CAPACITY_KW = {"低压非居民": (15, 20, 30, 40, 50, 80, 100), "低压居民": (4, 6, 8, 10, 12, 16)}

CITIES = ("杭州", "临江", "宁波", "绍兴", "湖州", "金华")
BRANDS = ("华丰", "恒通", "鑫达", "永盛", "金鼎", "宏泰", "瑞祥", "天成", "同创", "博远", "嘉禾", "中联",
          "新锐", "众诚", "兴旺", "润泽", "佳和", "三友", "汇丰", "立信", "长青", "东方", "华能", "德胜")
INDUSTRIES = {
    "大工业": ("纺织", "机械制造", "化纤", "铸造", "印染", "造纸", "塑业", "新材料", "水泥"),
    "一般工商业": ("商贸", "餐饮管理", "酒店管理", "超市", "物流", "科技", "物业管理", "汽车服务", "五金"),
    "农业生产": ("农业开发", "水产养殖", "茶业", "果蔬种植", "生态农业"),
}
BRANCH_SUFFIXES = ("（二厂）", "（东城）", "（分公司）", "（临江店）")
# Pinned names on the first customers so substring search can be demonstrated (明远 x2, 张三/张三丰).
PINNED = (("高压", "大工业", "杭州明远纺织有限公司"), ("低压非居民", "一般工商业", "临江明远五金有限公司"),
          ("低压居民", "居民生活", "张三丰"), ("低压居民", "居民生活", "张三"))
PINNED_NUMBER = "3301234567"
MIN_CUSTOMERS = len(PINNED) + 2  # the pinned names plus room for broken files in separate folders
REGION_CODES = ("330122", "330127", "330182", "330183", "330104")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

STAGES = {  # business stages in order; also the documents completeness requires
    "低压居民": ("YK01", "YK02", "YK03", "YK11", "YK13"),
    "低压非居民": ("YK01", "YK02", "YK03", "YK05", "YK06", "YK07", "YK10", "YK11", "YK13"),
    "高压": tuple(f"YK{i:02d}" for i in range(1, 14)),
}
STAGE_GAP_DAYS = {  # days after the previous stage (others: same day)
    "YK06": (2, 6), "YK07": (5, 15), "YK08": (10, 25), "YK09": (20, 60), "YK10": (15, 40),
    "YK11": (2, 7), "YK13": (2, 6),
}
SUBFOLDERS = {"YK": "业扩", "JC": "用电检查", "BG": "变更", "DF": "电费"}
RETENTION = {"YK": "30年", "JC": "10年", "BG": "30年", "DF": "10年", "YK11": "永久", "YK08": "永久"}
RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}
FORMAT_WEIGHTS = {"pdf": 63, "docx": 34, "txt": 3}


@dataclass(frozen=True)
class Hazard:
    """A safety hazard an inspection may find: description, demanded fix, classes it occurs in."""

    finding: str
    demand: str
    scope: tuple[str, ...]


BOTH = ("高压", "低压非居民")
HAZARDS = (
    Hazard("配电房未配备灭火器，不满足消防安全要求", "配置不少于2具干粉灭火器并定期检查", ("高压",)),
    Hazard("电缆沟积水，电缆长期浸泡在水中", "清除积水，封堵电缆沟进水口并加装排水设施", ("高压",)),
    Hazard("1号变压器油箱焊缝处渗油，油位偏低", "联系有资质单位处理渗油并补油至正常油位", ("高压",)),
    Hazard("接地装置接地电阻实测12.6欧姆，超过4欧姆的规定值", "增设接地极，复测接地电阻合格", BOTH),
    Hazard("存在私拉乱接临时用电线路现象，线路绝缘老化", "拆除私拉乱接线路，临时用电按规定办理手续", BOTH),
    Hazard("配电房门窗未装设防小动物挡板，电缆孔洞未封堵", "加装防小动物挡板并用防火材料封堵孔洞", ("高压",)),
    Hazard("高压绝缘工器具超过试验周期未进行预防性试验", "送检绝缘工器具，试验合格后方可使用", ("高压",)),
    Hazard("值班电工未持有效特种作业操作证上岗", "安排值班电工参加培训并取得操作证", ("高压",)),
    Hazard("自备发电机未装设防倒送电闭锁装置", "加装双电源切换闭锁装置，杜绝向电网倒送电", BOTH),
    Hazard("配电房内堆放杂物，通道堵塞", "清理杂物，保持配电房整洁和通道畅通", BOTH),
    Hazard("总配电箱漏电保护器失效，试跳不动作", "更换漏电保护器并每月试跳一次", ("低压非居民",)),
    Hazard("进户线绝缘层破损，存在触电隐患", "更换进户线并做好绝缘防护", ("低压非居民",)),
    Hazard("电容补偿柜电容器鼓肚，补偿装置退出运行", "更换故障电容器，恢复无功补偿装置运行", ("高压",)),
)
HAZARD_STATUSES_OPEN = ("未整改", "整改中")
VIOLATIONS = (  # (notice title, facts)
    ("违约用电通知书", "擅自超过合同约定容量私增用电设备"),
    ("违约用电通知书", "擅自改变合同约定的用电类别用电"),
    ("违约用电通知书", "擅自迁移供电企业的用电计量装置"),
    ("窃电通知书", "绕越供电企业用电计量装置用电"),
    ("窃电通知书", "故意损坏电能表封印，致使计量不准"),
)
INSPECTION_KINDS = ("定期检查", "定期检查", "专项检查", "保电检查", "季节性检查")
APPLIANCES = (  # low-voltage non-residential equipment: (name, model, unit, kW)
    ("三相异步电动机", "Y160M-4", "台", 11), ("空气压缩机", "LG-3.6/7", "台", 22), ("交流电焊机", "BX1-315", "台", 20),
    ("中央空调机组", "KFR-120LW", "套", 12), ("冷藏柜", "SC-1000", "台", 2), ("照明", "LED 40W", "套", 4),
    ("水泵", "ISG65-160", "台", 7), ("烘干机", "HG-500", "台", 15),
)
HV_EQUIPMENT = (("高压开关柜", "KYN28A-12", "面"), ("低压开关柜", "GGD", "面"), ("无功补偿柜", "GGJ", "面"))
BOUNDARIES = {  # 产权分界点 by class
    "高压": ("用户进线电缆终端头", "10kV线路T接点", "用户配电房进线开关上桩头"),
    "低压非居民": ("计量箱出线侧", "进户线第一支持物"),
    "低压居民": ("计量箱出线侧", "进户线第一支持物"),
}

PROCESS_FORMS: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "YK06": ("现场勘查单", "勘查日期", "勘查人员", "勘查意见", (
        "具备供电条件，拟由{source}供电",
        "用电地址与申请一致，现场具备供电条件，建议由{source}供电")),
    "YK08": ("受电工程设计审查意见书", "审查日期", "审查人员", "审查意见", (
        "设计文件符合国家及行业标准，同意按图施工",
        "原则同意设计方案，需补充接地装置设计后方可施工")),
    "YK09": ("中间检查记录", "检查日期", "检查人员", "检查意见", (
        "隐蔽工程施工符合设计要求，同意继续施工",
        "电缆敷设深度不足，整改后复查合格，同意继续施工")),
    "YK10": ("竣工检验意见单", "检验日期", "检验人员", "检验结论", (
        "受电工程竣工检验合格，同意送电，合同容量{cap}",
        "首次检验发现问题已整改，复验合格，同意送电")),
}
CHANGE_KINDS = {"BG01": "减容", "BG02": "暂停", "BG07": "更名过户"}
CONTRACT_CLAUSES: tuple[tuple[str, str, bool], ...] = (  # (heading, text, high voltage only)
    ("用电地址、用电性质和用电容量", "用电地址为{address}，用电类别为{usage}，合同约定容量为{capacity}，供电电压等级为{voltage}。"
     "用电人不得擅自超过合同约定容量用电，不得擅自改变用电类别。", False),
    ("供电方式", "供电人以{voltage}电压向用电人供电。因供电设施计划检修需要停电的，供电人应提前七日公告停电区域、停电线路和停电时间。", False),
    ("供电质量", "在电力系统正常状况下，供电人按国家标准向用电人供电，供电频率允许偏差为±0.2赫兹，"
     "供电电压偏差符合国家规定的允许范围。", False),
    ("产权分界点", "供用电设施的产权分界点为{boundary}。分界点电源侧的供电设施属供电人，由供电人负责运行维护；"
     "负荷侧的受电设施属用电人，由用电人负责运行维护管理。", False),
    ("电能计量", "供电人在产权分界点处装设用电计量装置，作为向用电人计收电费的依据。用电人对计量装置的准确性有异议的，"
     "可向供电人提出校验申请，校验结果超出允许误差的，按规定退补电费。", False),
    ("电费结算", "电费按国家规定的电价标准，依据用电计量装置的记录每月结算一次。用电人应按规定的期限和方式足额交清电费，"
     "逾期交付的，按《供电营业规则》的规定支付电费违约金。电价调整时，按调整后的电价执行。", False),
    ("用电检查", "供电人依法对用电人的用电情况进行检查，用电人应予配合。对检查发现的安全隐患，用电人应在规定期限内整改。", False),
    ("无功补偿", "用电人应按规定装设无功补偿装置，功率因数考核标准为0.90，按《功率因数调整电费办法》执行。", True),
    ("继电保护", "用电人受电设施的继电保护装置整定值应经供电人审核，保护装置应定期校验，确保动作正确可靠。", True),
    ("调度通信", "用电人应服从供电人电力调度机构的统一调度，按调度协议的约定进行倒闸操作和运行方式调整。", True),
    ("自备电源", "用电人装设自备发电机的，应装设可靠的闭锁装置，严禁向电网倒送电。自备电源的投切须事先告知供电人。", True),
    ("受电设施维护", "用电人应配备持证电工，建立健全运行、巡视、检修和安全管理制度，定期对受电设施进行预防性试验。", True),
    ("有序用电", "电网发生供电能力不足时，用电人应执行政府批准的有序用电方案，按指令及时压减负荷。", True),
    ("谐波治理", "用电人注入电网的谐波电流不得超过国家标准限值，超标的应采取治理措施。", True),
    ("供电设施保护", "用电人应协助供电人保护产权分界点附近的供电设施，不得在电力设施保护区内施工、堆物或种植高杆植物。", True),
    ("违约责任", "供电人违反合同约定中断供电给用电人造成损失的，应依法承担赔偿责任。用电人违约用电或窃电的，"
     "供电人有权按照《供电营业规则》的规定追补电费并收取违约使用电费，情节严重的依法追究法律责任。", False),
    ("合同有效期", "本合同有效期为{years}年，自{start}起生效。合同期满双方均未提出书面异议的，本合同继续有效。", False),
    ("争议解决", "履行本合同发生争议时，双方协商解决；协商不成的，可向供电人所在地人民法院提起诉讼。", False),
    ("其他", "本合同一式两份，双方各执一份，具有同等法律效力。合同附件与本合同具有同等效力。", False),
)
SETTLEMENT_TEXT = ("双方同意按国家核定的电价和用电计量装置的记录按月结算电费。用电人应在规定期限内足额缴纳电费，"
                   "逾期按《供电营业规则》的规定支付电费违约金。")
DISPATCH_TEXT = "用电人受电设施的运行方式、倒闸操作须服从供电人电力调度机构的统一调度，不得擅自改变运行方式。"


# --------------------------------------------------------------------------- models


@dataclass(frozen=True)
class Customer:
    """One customer account as the marketing system knows it, plus its connection history."""

    number: str
    name: str
    category: str
    usage: str
    voltage: str
    unit: str
    address: str
    phone: str
    id_number: str
    contact: str
    capacity: int
    transformers: tuple[str, ...]
    source: str  # 供电电源
    boundary: str  # 产权分界点
    applied: date
    former_name: str = ""
    former_id: str = ""
    renamed: date | None = None

    @property
    def is_person(self) -> bool:
        return self.category == "低压居民"

    @property
    def capacity_text(self) -> str:
        return f"{self.capacity}kVA" if self.category == "高压" else f"{self.capacity}kW"

    @property
    def folder(self) -> str:
        return f"{self.unit}/{self.number}_{self.name}"

    def name_on(self, day: date) -> str:
        """户名 as written on a document of that day (before a 更名/过户 the old name)."""
        return self.former_name if self.renamed and day < self.renamed else self.name

    def id_on(self, day: date) -> str:
        return self.former_id if self.former_id and self.renamed and day < self.renamed else self.id_number

    def csv_row(self) -> tuple[str, ...]:
        return (self.number, self.name, self.category, self.usage, self.voltage, self.unit,
                self.address, self.phone, self.id_number)


@dataclass
class Doc:
    """The content of one document, independent of its file format."""

    code: str
    title: str
    day: date
    fields: list[tuple[str, str]]
    body: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    sign: list[tuple[str, str]] = field(default_factory=list)
    stem: str = ""
    folder: str = ""
    sign_page: bool = False  # signatures on a page of their own (签章页)

    def lines(self) -> list[str]:
        """Plain text lines: title, company, fields, body, table rows, signatures."""
        return [self.title, COMPANY, *(f"{k}：{v}" for k, v in self.fields), *self.body,
                *("  ".join(r) for r in self.rows), *(f"{k}：{v}" for k, v in self.sign)]


@dataclass
class PlannedFile:
    """A file to write: its path relative to root and either a document or raw bytes."""

    path: str
    number: str
    doc: Doc | None
    fmt: str  # pdf, docx, txt-utf-8, txt-gbk, or dwg (raw bytes)
    damage: str = ""  # a key of DAMAGES
    raw: bytes = b""


@dataclass(frozen=True)
class SampleSummary:
    """What ``generate`` wrote: counts, the root, and the deliberately broken files (relative paths)."""

    customers: int
    documents: int
    broken: int
    root: Path
    broken_files: tuple[str, ...] = ()
    scans: int = 0
    note: str = ""


# --------------------------------------------------------------------------- small helpers


def cn_date(day: date) -> str:
    """2023年5月12日"""
    return f"{day.year}年{day.month}月{day.day}日"


def id_check_digit(first17: str) -> str:
    """GB 11643 mod-11 check character of a 身份证 number."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def uscc_check_char(first17: str) -> str:
    """GB 32100 mod-31 check character of a 统一社会信用代码."""
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _after(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


# --------------------------------------------------------------------------- customers


class People:
    """Names, identity numbers and staff drawn from one seeded Random and Faker."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake
        self.companies: list[str] = []
        self.staff = {unit: [fake.name() for _ in range(4)] for unit in UNITS}

    def person(self) -> tuple[str, str]:
        """A person's name and a matching 身份证 number (sex digit agrees with the name)."""
        male = self.rng.random() < 0.5
        name = self.fake.name_male() if male else self.fake.name_female()
        born = _day_between(self.rng, date(1950, 1, 1), date(2000, 12, 31))
        seq = self.rng.randint(0, 99) * 10 + self.rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        first17 = f"{self.rng.choice(REGION_CODES)}{born:%Y%m%d}{seq:03d}"
        return name, first17 + id_check_digit(first17)

    def uscc(self) -> str:
        org = "".join(str(self.rng.randint(0, 9)) for _ in range(8))
        rest = 11 - sum(int(d) * w for d, w in zip(org, ORG_WEIGHTS)) % 11
        org += {10: "X", 11: "0"}.get(rest, str(rest))
        first17 = f"91{self.rng.choice(REGION_CODES)}{org}"
        return first17 + uscc_check_char(first17)

    def company(self, usage: str) -> str:
        """A new company name, or now and then a second account of an existing company."""
        if self.companies and self.rng.random() < 0.04:
            return self.rng.choice(self.companies) + self.rng.choice(BRANCH_SUFFIXES)
        while True:
            name = f"{self.rng.choice(CITIES)}{self.rng.choice(BRANDS)}{self.rng.choice(INDUSTRIES[usage])}有限公司"
            if name not in self.companies:
                self.companies.append(name)
                return name

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999_999_999):09d}"

    def inspectors(self, unit: str) -> str:
        return "、".join(self.rng.sample(self.staff[unit], 2))

    def one_staff(self, unit: str) -> str:
        return self.rng.choice(self.staff[unit])


def _address(rng: random.Random, unit: Unit, category: str) -> str:
    place = rng.choice(unit.places)
    if unit.rural:
        return f"{CITY}{unit.town}{place}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
    if category == "低压居民":
        flat = f"{rng.randint(1, 20)}幢{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
        return f"{CITY}{unit.town}{place}{rng.randint(1, 300)}号{flat}"
    return f"{CITY}{unit.town}{place}{rng.randint(1, 999)}号"


def _equipment(rng: random.Random, category: str, voltage: str) -> tuple[int, tuple[str, ...]]:
    """Contract capacity and transformer models (kVA for 高压, kW and none for 低压)."""
    if category != "高压":
        return rng.choice(LOW_CAPACITY_KW[category]), ()
    models, capacities = TRANSFORMERS[voltage]
    model = rng.choice(models)
    sizes = [rng.choice(capacities) for _ in range(rng.choice((1, 1, 2)))]
    return sum(sizes), tuple(model.format(size) for size in sizes)


def _supply_source(rng: random.Random, unit: Unit, category: str) -> str:
    feeder = rng.choice(unit.feeders)
    if category == "高压":
        return f"10kV{feeder}{rng.randint(1, 60)}号杆T接"
    return f"10kV{feeder}{rng.randint(1, 40)}号公用配变低压出线"


def _customer(people: People, number: str, category: str, usage: str = "", name: str = "") -> Customer:
    rng = people.rng
    usage = usage or _weighted(rng, USAGE_WEIGHTS[category])
    voltage = _weighted(rng, VOLTAGE_WEIGHTS[category])
    unit_name = rng.choice(list(UNITS))
    capacity, transformers = _equipment(rng, category, voltage)
    latest = date(2022, 6, 30) if category == "高压" else date(2024, 6, 30)
    applied = _day_between(rng, date(2008, 1, 1), latest)
    if category == "低压居民":
        person, id_number = people.person()
        holder = contact = name or person
    else:
        holder = name or people.company(usage)
        id_number, contact = people.uscc(), people.person()[0]
    address = _address(rng, UNITS[unit_name], category)
    customer = Customer(number, holder, category, usage, voltage, unit_name, address, people.phone(), id_number,
                        contact, capacity, transformers, _supply_source(rng, UNITS[unit_name], category),
                        rng.choice(BOUNDARIES[category]), applied)
    return customer if name else _maybe_renamed(people, customer)  # pinned demo names stay put


def _maybe_renamed(people: People, c: Customer) -> Customer:
    """About 4% of accounts changed name (company 更名) or owner (person 过户)."""
    rng = people.rng
    earliest = c.applied + timedelta(days=400)
    if rng.random() >= 0.04 or earliest >= REFERENCE_DAY:
        return c
    renamed = _day_between(rng, earliest, REFERENCE_DAY - timedelta(days=30))
    if c.is_person:
        former, former_id = people.person()
        return replace(c, former_name=former, former_id=former_id, renamed=renamed)
    return replace(c, former_name=people.company(c.usage), renamed=renamed)


def make_customers(people: People, count: int) -> list[Customer]:
    """The roster: unique 10-digit 户号 starting with 33, the pinned demo names first."""
    rng = people.rng
    numbers = {PINNED_NUMBER}
    while len(numbers) < count:
        numbers.add(f"33{rng.randint(0, 99_999_999):08d}")
    ordered = [PINNED_NUMBER, *sorted(numbers - {PINNED_NUMBER})][:count]
    roster = []
    for index, number in enumerate(ordered):
        pinned = PINNED[index] if index < len(PINNED) else (_weighted(rng, CLASS_WEIGHTS), "", "")
        roster.append(_customer(people, number, *pinned))
    return roster


# --------------------------------------------------------------------------- document families


class Forms:
    """Builds the documents a customer's business history leaves, one method per family."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.rng = people.rng

    # -- shared pieces

    def ident(self, c: Customer, day: date, phone: bool = True) -> list[tuple[str, str]]:
        fields = [("户号", c.number), ("户名", c.name_on(day)), ("用电地址", c.address)]
        return fields + [("联系电话", c.phone)] if phone else fields

    def supply(self, c: Customer) -> list[tuple[str, str]]:
        fields = [("电压等级", c.voltage), ("合同容量", c.capacity_text)]
        return fields + [("变压器型号", "、".join(c.transformers))] if c.transformers else fields

    def signer(self, c: Customer, day: date) -> str:
        return c.name_on(day) if c.is_person else c.contact

    # -- 业扩 (connection)

    def connection(self, c: Customer) -> list[Doc]:
        """YK documents along the business stages of the customer's class."""
        builders: dict[str, Callable[[Customer, date], Doc | list[Doc]]] = {
            "YK01": self.application, "YK02": self.identity, "YK03": self.property_proof,
            "YK04": self.approval, "YK05": self.equipment_list, "YK07": self.scheme,
            "YK11": self.contract, "YK12": self.annexes, "YK13": self.metering,
            **{code: partial(self.process_form, code=code) for code in PROCESS_FORMS},
        }
        docs: list[Doc] = []
        day = c.applied
        for code in STAGES[c.category]:
            day = _after(self.rng, day, *STAGE_GAP_DAYS.get(code, (0, 0)))
            built = builders[code](c, day)
            docs.extend(built if isinstance(built, list) else [built])
        return docs

    def application(self, c: Customer, day: date) -> Doc:
        kind = "新装" if self.rng.random() < 0.85 else "增容"
        fields = [("申请类型", kind), *self.ident(c, day), ("证件号码", c.id_on(day)),
                  ("用电类别", c.usage), ("申请容量", c.capacity_text), ("电压等级", c.voltage), ("申请日期", cn_date(day))]
        body = ["申请人承诺：以上填写内容及所提供的资料真实、有效，并愿意遵守国家有关供用电的法律法规及供电企业的相关规定。"]
        stem = "用电申请书" if self.rng.random() < 0.7 else "用电登记表"
        return Doc("YK01", stem, day, fields, body, sign=[("申请人签字", self.signer(c, day))], stem=stem)

    def identity(self, c: Customer, day: date, folder: str = "") -> Doc:
        name = c.name_on(day)
        if c.is_person:
            fields = [("证件类型", "居民身份证"), ("姓名", name), ("证件号码", c.id_on(day)), ("住址", c.address),
                      ("签发机关", "临江县公安局")]
            stem = self.rng.choice(("身份证明", "身份证复印件"))
        else:
            fields = [("证件类型", "营业执照（副本）"), ("名称", name), ("证件号码", c.id_number),
                      ("法定代表人", c.contact), ("住所", c.address), ("类型", "有限责任公司")]
            stem = self.rng.choice(("身份证明", "营业执照副本"))
        fields = [("户号", c.number), ("户名", name), *fields]
        body = [f"复印件与原件一致，仅供办理用电业务使用。核对日期：{cn_date(day)}"]
        return Doc("YK02", "身份证明", day, fields, body, stem=stem, folder=folder)

    def property_proof(self, c: Customer, day: date) -> Doc:
        if self.rng.random() < 0.2:  # 一证受理: a promise instead of the property proof
            body = [f"本人（单位）承诺对用电地址{c.address}拥有合法使用权，相关权属证明资料在送电前补齐。"
                    "如因权属问题引起纠纷，由本人（单位）承担全部责任。"]
            return Doc("YK03", "客户承诺书", day, self.ident(c, day), body,
                       sign=[("承诺人签字", self.signer(c, day)), ("日期", cn_date(day))], stem="客户承诺书")
        use = "住宅" if c.is_person else ("工业" if c.usage == "大工业" else "商业服务")
        fields = [*self.ident(c, day, phone=False), ("权利人", c.name_on(day)), ("坐落", c.address),
                  ("不动产权证号", f"浙（{day.year - self.rng.randint(0, 8)}）临江县不动产权第{self.rng.randint(1, 99999):07d}号"),
                  ("用途", use), ("面积", f"{self.rng.randint(60, 9000)}平方米")]
        return Doc("YK03", "用电地址权属证明", day, fields, ["附：不动产权证书复印件一份。"],
                   stem=self.rng.choice(("用电地址权属证明", "产权证明")))

    def approval(self, c: Customer, applied: date) -> Doc:
        """项目批文, issued some weeks before the application."""
        day = applied - timedelta(days=self.rng.randint(20, 90))
        product = self.rng.choice(("技术改造", "扩建", "新建厂房", "节能改造"))
        fields = [("户号", c.number), ("户名", c.name_on(day)), ("文号", f"临发改备〔{day.year}〕{self.rng.randint(10, 199)}号"),
                  ("项目名称", f"{c.name_on(day)}{product}项目"), ("建设地点", c.address)]
        body = [f"经审查，该项目符合国家产业政策，同意备案。项目新增用电容量{c.capacity_text}，请按规定办理用电报装手续。",
                f"临江县发展和改革局　{cn_date(day)}"]
        return Doc("YK04", "项目批文", day, fields, body, stem="项目批文")

    def equipment_list(self, c: Customer, day: date) -> Doc:
        rows = [("序号", "设备名称", "型号", "数量", "容量")]
        if c.transformers:
            items = [("电力变压器", m, "1台", f"{m.split('-')[-1].split('/')[0]}kVA") for m in c.transformers]
            items += [(n, m, f"{self.rng.randint(2, 8)}{u}", "—") for n, m, u in HV_EQUIPMENT]
        else:
            counts = [(item, self.rng.randint(1, 4)) for item in self.rng.sample(APPLIANCES, 4)]
            items = [(n, m, f"{k}{u}", f"{kw * k}kW") for (n, m, u, kw), k in counts]
        rows += [(str(i), *item) for i, item in enumerate(items, 1)]
        return Doc("YK05", "用电设备清单", day, [*self.ident(c, day, phone=False), *self.supply(c)], rows=rows,
                   sign=[("填报人", self.signer(c, day)), ("填报日期", cn_date(day))])

    def process_form(self, c: Customer, day: date, code: str) -> Doc:
        """现场勘查单, 设计审查意见书, 中间检查记录, 竣工检验意见单: date, staff and a conclusion."""
        title, date_label, staff_label, opinion_label, opinions = PROCESS_FORMS[code]
        opinion = self.rng.choice(opinions).format(source=c.source, cap=c.capacity_text)
        fields = [*self.ident(c, day), *self.supply(c), (date_label, cn_date(day)),
                  (staff_label, self.people.inspectors(c.unit)), (opinion_label, opinion)]
        return Doc(code, title, day, fields, sign=[("客户签字", self.signer(c, day))])

    def scheme(self, c: Customer, day: date) -> Doc:
        metering = self.rng.choice(("高供高计", "高供低计")) if c.category == "高压" else "低供低计"
        fields = [*self.ident(c, day), *self.supply(c), ("供电电源", c.source), ("计量方式", metering),
                  ("产权分界点", c.boundary), ("答复日期", cn_date(day)), ("方案有效期", "一年")]
        body = ["请客户在方案有效期内委托有资质的设计、施工单位开展受电工程建设，逾期需重新办理。"]
        return Doc("YK07", "供电方案答复单", day, fields, body, sign=[("客户签收", self.signer(c, day))])

    def contract(self, c: Customer, day: date) -> Doc:
        years = 3 if c.category == "高压" else 5
        end = date(day.year + years, day.month, min(day.day, 28)) - timedelta(days=1)
        number = f"LJGD-{day.year}-{'GY' if c.category == '高压' else 'DY'}-{self.rng.randint(1, 9999):05d}"
        fields = [("合同编号", number), ("供电人", COMPANY), ("用电人", c.name_on(day)), *self.ident(c, day),
                  ("用电类别", c.usage), *self.supply(c), ("有效期", f"{cn_date(day)}至{cn_date(end)}")]
        sign = [("供电人（盖章）", COMPANY), ("用电人（签章）", c.name_on(day)), ("签订日期", cn_date(day))]
        return Doc("YK11", "供用电合同", day, fields, contract_clauses(c, day, years), sign=sign,
                   sign_page=c.category == "高压")

    def annexes(self, c: Customer, day: date) -> list[Doc]:
        """电费结算协议, plus 电力调度协议 for 35kV and above."""
        bank = self.rng.choice(("中国工商银行临江支行", "中国农业银行临江支行", "临江农村商业银行"))
        account = f"62{self.rng.randint(0, 10**17 - 1):017d}"
        fields = [*self.ident(c, day), ("结算方式", self.rng.choice(("每月抄表后结算", "分次结算，月末抄表清算"))),
                  ("付费方式", self.rng.choice(("银行代扣", "预付费", "柜台缴费"))), ("开户银行", bank), ("银行账号", account)]
        docs = [Doc("YK12", "电费结算协议", day, fields, [SETTLEMENT_TEXT], sign=[("签订日期", cn_date(day))])]
        if c.voltage in ("35kV", "110kV"):
            dispatch = [*self.ident(c, day), ("调度关系", "临江县电力调度控制中心"), ("调度联系人", c.contact)]
            docs.append(Doc("YK12", "电力调度协议", day, dispatch, [DISPATCH_TEXT], sign=[("签订日期", cn_date(day))]))
        return docs

    def metering(self, c: Customer, day: date) -> Doc:
        model = {"高压": "DTZ341", "低压非居民": "DTZY71", "低压居民": "DDZY71-Z"}[c.category]
        fields = [*self.ident(c, day), ("电压等级", c.voltage), ("电能表型号", model),
                  ("电能表资产编号", f"333000{self.rng.randint(0, 10**16 - 1):016d}"),
                  ("互感器变比", f"{self.rng.choice((50, 75, 100, 150, 200))}/5" if c.category != "低压居民" else "—"),
                  ("装表日期", cn_date(day)), ("装接人员", self.people.one_staff(c.unit))]
        return Doc("YK13", "装表接电工作单", day, fields, ["经检查接线正确，封印完好，已送电。"],
                   sign=[("客户签字", self.signer(c, day))])

    # -- 用电检查 (inspection)

    def inspections(self, c: Customer, connected: date) -> list[Doc]:
        """Periodic inspections; a found hazard leads to a notice, sometimes closed by a receipt."""
        start = max(date(2019, 1, 1), connected + timedelta(days=30))
        if c.category == "低压居民" or start >= REFERENCE_DAY:
            return []
        days = sorted({_day_between(self.rng, start, REFERENCE_DAY) for _ in range(self.rng.randint(1, 3))})
        docs: list[Doc] = []
        for day in days:
            hazard = self.rng.choice([h for h in HAZARDS if c.category in h.scope]) if self.rng.random() < 0.4 else None
            docs.append(self.inspection(c, day, hazard))
            if hazard:
                docs.extend(self.hazard_followup(c, day, hazard))
        return docs

    def inspection(self, c: Customer, day: date, hazard: Hazard | None) -> Doc:
        result = f"发现安全隐患，{hazard.finding}" if hazard else "未发现安全隐患"
        handling = "已当场告知客户，并下达隐患整改通知书" if hazard else "无"
        fields = [*self.ident(c, day), *self.supply(c), ("检查类型", self.rng.choice(INSPECTION_KINDS)),
                  ("检查日期", cn_date(day)), ("检查人员", self.people.inspectors(c.unit)),
                  ("检查内容", "受电设施运行状况、安全用电管理、计量装置、自备电源及反送电措施"),
                  ("检查结果", result), ("处理意见", handling)]
        return Doc("JC01", "用电检查工作单", day, fields, sign=[("客户签字", self.signer(c, day))])

    def hazard_followup(self, c: Customer, inspected: date, hazard: Hazard) -> list[Doc]:
        issued = _after(self.rng, inspected, 0, 3)
        deadline = _after(self.rng, issued, 15, 60)
        closed = self.rng.random() < 0.55 and deadline < REFERENCE_DAY
        status = "已整改" if closed else ("逾期" if deadline < REFERENCE_DAY and self.rng.random() < 0.7
                                       else self.rng.choice(HAZARD_STATUSES_OPEN))
        number = f"JCZG-{issued.year}-{self.rng.randint(1, 999):04d}"
        fields = [("通知书编号", number), *self.ident(c, issued), ("检查日期", cn_date(inspected)),
                  ("隐患内容", hazard.finding), ("整改要求", hazard.demand), ("整改期限", cn_date(deadline)),
                  ("整改状态", status)]
        body = ["根据《电力供应与使用条例》及《用电检查管理办法》的规定，请你单位在整改期限内完成整改，并将整改情况书面回复。"]
        docs = [Doc("JC03", "隐患整改通知书", issued, fields, body, sign=[("客户签收", self.signer(c, issued))])]
        if closed and self.rng.random() < 0.9:  # now and then the receipt never reached the archive
            docs.append(self.receipt(c, issued, deadline, hazard, number))
        return docs

    def receipt(self, c: Customer, issued: date, deadline: date, hazard: Hazard, number: str) -> Doc:
        reviewed = min(_after(self.rng, issued, 7, (deadline - issued).days + 10), REFERENCE_DAY)
        fields = [*self.ident(c, reviewed), ("原通知书编号", number), ("隐患内容", hazard.finding),
                  ("整改情况", f"已按要求{hazard.demand}"), ("整改状态", "已整改"), ("复查日期", cn_date(reviewed)),
                  ("复查人员", self.people.inspectors(c.unit)), ("复查结论", "整改合格")]
        return Doc("JC05", "整改回执", reviewed, fields, sign=[("客户签字", self.signer(c, reviewed))])

    def violation(self, c: Customer, connected: date) -> Doc:
        title, facts = self.rng.choice(VIOLATIONS)
        day = _day_between(self.rng, max(connected, date(2019, 1, 1)), REFERENCE_DAY)
        back_pay = round(self.rng.uniform(300, 30000), 2)
        fields = [*self.ident(c, day), ("检查日期", cn_date(day)), ("检查人员", self.people.inspectors(c.unit)),
                  ("违约事实", facts), ("追补电费", f"{back_pay:.2f}元"), ("违约使用电费", f"{back_pay * 3:.2f}元"),
                  ("缴纳期限", cn_date(day + timedelta(days=15)))]
        body = ["依据《供电营业规则》有关规定，请于缴纳期限内到供电营业厅办理相关手续，逾期将依法处理。"]
        return Doc("JC04", title, day, fields, body, sign=[("客户签收", self.signer(c, day))])

    # -- 变更 (changes) and 电费 (billing)

    def changes(self, c: Customer, connected: date) -> list[Doc]:
        docs: list[Doc] = []
        if c.renamed:
            docs += self.change(c, "BG07", c.renamed)
            docs.append(self.identity(c, c.renamed, folder=SUBFOLDERS["BG"]))
        for code, chance in (("BG01", 0.1 if c.category == "高压" else 0.0),
                             ("BG02", 0.05 if c.category != "低压居民" else 0.0)):
            if self.rng.random() < chance and connected < REFERENCE_DAY - timedelta(days=60):
                docs += self.change(c, code, _day_between(self.rng, connected, REFERENCE_DAY - timedelta(days=30)))
        return docs

    def change(self, c: Customer, code: str, day: date) -> list[Doc]:
        """A change's 申请书 and 工作单."""
        kind = CHANGE_KINDS[code]
        fields = [*self.ident(c, day), ("证件号码", c.id_on(day)), ("变更类型", kind), *self.supply(c)]
        if code == "BG07":
            fields += [("原户名", c.former_name), ("新户名", c.name)]
        else:
            end = _after(self.rng, day, 180, 360)
            fields += [(f"{kind}期限", f"{cn_date(day)}至{cn_date(end)}")]
        finished = _after(self.rng, day, 2, 10)
        work = [*self.ident(c, finished), ("变更类型", kind), ("受理日期", cn_date(day)),
                ("完成日期", cn_date(finished)), ("经办人员", self.people.one_staff(c.unit))]
        return [Doc(code, f"{kind}申请书", day, fields, sign=[("申请人签字", self.signer(c, day))]),
                Doc(code, f"{kind}工作单", finished, work, ["已按申请完成变更，营销系统档案同步更新。"])]

    def bills(self, c: Customer) -> list[Doc]:
        if self.rng.random() >= 0.15:
            return []
        price = {"居民生活": 0.538, "一般工商业": 0.664, "大工业": 0.612, "农业生产": 0.471}[c.usage]
        docs = []
        for _ in range(self.rng.randint(1, 2)):
            day = _day_between(self.rng, date(2024, 1, 5), REFERENCE_DAY)
            kwh = self.rng.randint(80, 900) * (40 if c.category == "高压" else 1)
            fields = [*self.ident(c, day), ("计费月份", f"{day.year}年{day.month}月"), ("抄见电量", f"{kwh}千瓦时"),
                      ("电价", f"{price}元/千瓦时"), ("电费金额", f"{kwh * price:.2f}元"),
                      ("缴费截止日期", cn_date(day + timedelta(days=20)))]
            docs.append(Doc("DF01", "电费通知单", day, fields, ["请按时缴纳电费，逾期将按规定收取电费违约金。"]))
        return docs

    def history(self, c: Customer) -> list[Doc]:
        """Everything the customer's archive holds, with ~5% missing one required document."""
        docs = self.connection(c)
        connected = max(d.day for d in docs)
        docs += self.inspections(c, connected) + self.changes(c, connected) + self.bills(c)
        if self.rng.random() < 0.03:
            docs.append(self.violation(c, connected))
        if self.rng.random() < 0.05:
            required = [d for d in docs if d.code in STAGES[c.category] and d.folder == ""]
            docs.remove(self.rng.choice(required))
        return docs


def cn_numeral(n: int) -> str:
    """Chinese numeral for 1..99 (十二, 二十)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = ("" if tens == 1 else digits[tens]) + "十" if tens else ""
    return head + (digits[ones] if ones or not tens else "")


def contract_clauses(c: Customer, day: date, years: int) -> list[str]:
    """The numbered clauses of a 供用电合同; high-voltage contracts carry more."""
    values = {"address": c.address, "usage": c.usage, "capacity": c.capacity_text, "voltage": c.voltage,
              "years": years, "start": cn_date(day), "boundary": c.boundary}
    chosen = [(head, text) for head, text, hv_only in CONTRACT_CLAUSES if c.category == "高压" or not hv_only]
    clauses = [f"第{cn_numeral(i)}条　{head}。{text.format(**values)}" for i, (head, text) in enumerate(chosen, 1)]
    return clauses + ["（以下无正文）"]


# --------------------------------------------------------------------------- rendering

FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed, pypdf reads it back
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PAGE_W, PAGE_H = A4
MARGIN = 60
BODY_SIZE = 11
NO_BREAK_BEFORE = frozenset("，。；：、）》”！？")  # CJK punctuation never starts a line
LINE_GAP = 1.65
_char_widths: dict[str, float] = {}


def _width(text: str, size: float) -> float:
    total = 0.0
    for ch in text:
        if ch not in _char_widths:
            _char_widths[ch] = pdfmetrics.stringWidth(ch, FONT, 1)
        total += _char_widths[ch]
    return total * size


def _wrap(text: str, size: float, widths: tuple[float, float]) -> list[str]:
    """Break ``text`` into lines: the first at most widths[0] wide, the others widths[1]."""
    lines: list[str] = []
    current, used = "", 0.0
    for ch in text:
        step = _width(ch, size)
        if current and used + step > widths[min(len(lines), 1)] and ch not in NO_BREAK_BEFORE:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += step
    return lines + [current]


Line = tuple[float, float, str]  # font size, x, text


def _paragraph_lines(paragraphs: Iterable[tuple[str, float, float]]) -> list[Line]:
    """Wrap (text, left offset, first-line indent) paragraphs into body-size lines."""
    usable = PAGE_W - 2 * MARGIN
    lines: list[Line] = []
    for text, left, indent in paragraphs:
        parts = _wrap(text, BODY_SIZE, (usable - left - indent, usable - left))
        lines += [(BODY_SIZE, MARGIN + left + (indent if i == 0 else 0.0), part) for i, part in enumerate(parts)]
    return lines


def _pdf_layout(doc: Doc) -> list[list[Line]]:
    """Pages of lines; the title is the first line of the first page."""
    half = (PAGE_W - 2 * MARGIN) / 2
    head: list[Line] = [(18, (PAGE_W - _width(doc.title, 18)) / 2, doc.title),
                        (BODY_SIZE, (PAGE_W - _width(COMPANY, BODY_SIZE)) / 2, COMPANY)]
    body = head + _paragraph_lines([(f"{k}：{v}", 0.0, 0.0) for k, v in doc.fields]
                                   + [(p, 0.0, 2 * BODY_SIZE) for p in doc.body]
                                   + [("    ".join(r), 0.0, 0.0) for r in doc.rows])
    sign = _paragraph_lines((f"{k}：{v}", half, 0.0) for k, v in doc.sign)
    per_page = int((PAGE_H - 2 * MARGIN) / (BODY_SIZE * LINE_GAP)) - 2
    chunks = [body, sign] if doc.sign_page else [body + sign]
    return [chunk[i:i + per_page] for chunk in chunks for i in range(0, len(chunk), per_page)]


def render_pdf(doc: Doc) -> bytes:
    pages = _pdf_layout(doc)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setTitle(doc.title)
    canvas.setAuthor(COMPANY)
    for number, lines in enumerate(pages, 1):
        y = PAGE_H - MARGIN
        for size, x, text in lines:
            canvas.setFont(FONT, size)
            canvas.drawString(x, y, text)
            y -= size * LINE_GAP
        if len(pages) > 1:
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(PAGE_W / 2, MARGIN / 2, f"第{number}页 共{len(pages)}页")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), source.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_table(document: DocxDocument, fields: Sequence[tuple[str, str]]) -> None:
    """Fields as a form: two ``标签：值`` cells per row, long values on a merged full row."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    texts = [f"{label}：{value}" for label, value in fields]
    index = 0
    while index < len(texts):
        cells = table.add_row().cells
        pair = texts[index:index + 2]
        if len(pair) == 2 and max(map(len, pair)) <= 20:
            cells[0].text, cells[1].text = pair
            index += 2
        elif len(pair[0]) > 20:
            cells[0].merge(cells[1]).text = pair[0]
            index += 1
        else:
            cells[0].text = pair[0]
            index += 1


DOCX_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "TableGrid", "NoList", "Header", "HeaderChar"}
DOCX_DROPPED_PARTS = ("/stylesWithEffects", "/customXml", "/thumbnail")


@lru_cache(maxsize=1)
def docx_template() -> bytes:
    """python-docx's default template cut down to the styles used, with 宋体 as the body font.

    The full template carries ~800 kB of style XML that every open and save would re-process.
    """
    document = docx.Document()
    styles = document.styles.element
    for style in list(styles):
        unused = style.tag == qn("w:style") and style.get(qn("w:styleId")) not in DOCX_STYLES
        if unused or style.tag == qn("w:latentStyles"):
            styles.remove(style)
    for part in (document.part, document.part.package):
        for rel_id, rel in list(part.rels.items()):
            if rel.reltype.endswith(DOCX_DROPPED_PARTS):
                part.rels.pop(rel_id)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "宋体", Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def render_docx(doc: Doc) -> bytes:
    document = docx.Document(io.BytesIO(docx_template()))
    props = document.core_properties
    props.author = props.last_modified_by = COMPANY
    props.title, props.comments = doc.title, ""
    props.created = props.modified = datetime(doc.day.year, doc.day.month, doc.day.day, 9, 0)
    document.sections[0].header.paragraphs[0].text = COMPANY
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(doc.title)
    run.bold, run.font.size = True, Pt(16)
    _docx_table(document, doc.fields)
    for text in doc.body:
        document.add_paragraph(text)
    if doc.rows:
        table = document.add_table(rows=0, cols=len(doc.rows[0]))
        table.style = "Table Grid"
        for values in doc.rows:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = value
    for label, value in doc.sign:
        document.add_paragraph(f"{label}：{value}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


def render_txt(doc: Doc, encoding: str) -> bytes:
    newline = "\r\n" if encoding == "gbk" else "\n"
    return (newline.join(doc.lines()) + newline).encode(encoding)


def encrypt_pdf(data: bytes, password: str = "123456") -> bytes:
    """Encrypt with RC4-128 and a fixed file identifier (pypdf would draw a random one)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    file_id = ByteStringObject(b"archive-sample-0")
    writer.generate_file_identifiers = lambda: setattr(  # type: ignore[method-assign]
        writer, "_ID", ArrayObject((file_id, file_id)))
    writer.encrypt(password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncate": lambda data: data[: len(data) // 2], "encrypt": encrypt_pdf, "empty": lambda data: b"",
}


def render(planned: PlannedFile) -> bytes:
    """The bytes of a planned file, damaged if it was picked to be broken."""
    doc = planned.doc
    if doc is None:
        data = planned.raw
    elif planned.fmt == "pdf":
        data = render_pdf(doc)
    elif planned.fmt == "docx":
        data = render_docx(doc)
    else:
        data = render_txt(doc, planned.fmt.removeprefix("txt-"))
    return DAMAGES[planned.damage](data) if planned.damage else data


# --------------------------------------------------------------------------- planning


def _file_format(rng: random.Random, doc: Doc) -> str:
    if doc.code in ("YK11", "YK04"):
        return "pdf"
    fmt = _weighted(rng, FORMAT_WEIGHTS)
    return f"txt-{rng.choice(('utf-8', 'utf-8', 'gbk'))}" if fmt == "txt" else fmt


def _file_name(rng: random.Random, doc: Doc, fmt: str) -> str:
    stamp = doc.day.isoformat() if rng.random() < 0.7 else f"{doc.day:%Y%m%d}"
    return f"{doc.stem or doc.title}_{stamp}.{fmt.split('-')[0]}"


def plan_documents(rng: random.Random, folder: str, number: str, docs: Iterable[Doc]) -> list[PlannedFile]:
    """Give each document a format and a unique path inside ``folder``."""
    planned, used = [], set()
    for doc in sorted(docs, key=lambda d: d.day):
        fmt = _file_format(rng, doc)
        path = f"{folder}/{doc.folder or SUBFOLDERS[doc.code[:2]]}/{_file_name(rng, doc, fmt)}"
        while path in used:
            stem, ext = path.rsplit(".", 1)
            path = f"{stem}_2.{ext}"
        used.add(path)
        planned.append(PlannedFile(path, number, doc, fmt))
    return planned


def _pick(rng: random.Random, files: list[PlannedFile], test: Callable[[PlannedFile], bool],
          taken: set[str]) -> PlannedFile:
    """A file passing ``test`` in a customer folder not yet used for a broken file."""
    candidates = [f for f in files if test(f) and f.number not in taken]
    chosen = rng.choice(candidates)
    taken.add(chosen.number)
    return chosen


def damage_some(rng: random.Random, files: list[PlannedFile], roster: list[Customer]) -> list[PlannedFile]:
    """Break four files in real customer folders: truncated PDF, encrypted PDF, empty DOCX, a DWG."""
    taken: set[str] = set()
    for damage, fmt in (("truncate", "pdf"), ("encrypt", "pdf"), ("empty", "docx")):
        _pick(rng, files, lambda f, fmt=fmt: f.fmt == fmt and f.doc is not None and f.doc.code != "YK11",
              taken).damage = damage
    free = [c for c in roster if c.number not in taken]
    owner = rng.choice([c for c in free if c.category == "高压"] or free)  # design drawings come with 高压 projects
    day = _day_between(rng, owner.applied, owner.applied + timedelta(days=60))
    drawing = b"AC1027" + bytes(rng.randrange(256) for _ in range(2048))
    path = f"{owner.folder}/业扩/受电工程设计图纸_{day.isoformat()}.dwg"
    dwg = PlannedFile(path, owner.number, None, "dwg", raw=drawing)
    files.append(dwg)
    return [f for f in files if f.damage] + [dwg]


def unassigned_document(forms: Forms, roster: list[Customer]) -> PlannedFile:
    """A valid inspection sheet filed under 待归档: no 户号 in its folder nor in its text."""
    rng = forms.rng
    c = rng.choice(roster)
    day = _day_between(rng, date(2024, 1, 1), REFERENCE_DAY)
    doc = forms.inspection(c, day, None)
    doc.fields = [(k, v) for k, v in doc.fields if k != "户号"]
    return PlannedFile(f"{c.unit}/{UNASSIGNED_FOLDER}/{doc.title}_{day.isoformat()}.pdf", "", doc, "pdf")


# --------------------------------------------------------------------------- output


def _archive_number(code: str, day: date, retention: str, counters: dict[tuple[str, ...], int]) -> str:
    """档号 per DA/T 13: 全宗号-门类·年度-保管期限-类别-件号, e.g. G017-YX·2023-D30-YK-0001."""
    key = (str(day.year), RETENTION_CODES[retention], code[:2])
    counters[key] = counters.get(key, 0) + 1
    return f"G017-YX·{key[0]}-{key[1]}-{key[2]}-{counters[key]:04d}"


def write_catalog(path: Path, rng: random.Random, files: list[PlannedFile], names: dict[str, str]) -> None:
    """catalog.csv for ~30% of the customer documents (code or name as 档案类别, at random)."""
    counters: dict[tuple[str, ...], int] = {}
    rows = []
    for f in files:
        if f.doc is None or not f.number or rng.random() >= 0.3:
            continue
        doc = f.doc
        retention = RETENTION.get(doc.code, RETENTION[doc.code[:2]])
        category = doc.code if rng.random() < 0.5 else name_of(doc.code)
        rows.append((f.path, f.number, category, f"{names[f.number]}{doc.title}", doc.day.isoformat(),
                     _archive_number(doc.code, doc.day, retention, counters), retention))
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CATALOG_HEADER)
        writer.writerows(rows)


def write_customers(path: Path, roster: list[Customer]) -> None:
    with path.open("w", encoding="gbk", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CUSTOMER_HEADER)
        writer.writerows(c.csv_row() for c in roster)


def write_units(path: Path) -> None:
    """The unit tree (units.csv, 单位,上级单位): city company → county company → 供电所."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["单位", "上级单位"])
        writer.writerows([[CITY_COMPANY, ""], [COMPANY, CITY_COMPANY],
                          *([station, COMPANY] for station in UNITS)])


def write_files(root: Path, files: list[PlannedFile], progress: bool) -> None:
    for planned in tqdm(files, desc="sample archive", unit="file", disable=not progress):
        target = root / planned.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(planned))


def plan_archive(customers: int, seed: int) -> tuple[random.Random, list[Customer], list[PlannedFile]]:
    """The roster and every file of the archive ``generate`` writes (the ground truth of
    what each file holds), with the Random to continue from."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    people = People(rng, fake)
    forms = Forms(people)
    roster = make_customers(people, customers)
    files = [f for c in roster for f in plan_documents(rng, c.folder, c.number, forms.history(c))]
    damage_some(rng, files, roster)
    files.append(unassigned_document(forms, roster))
    return rng, roster, files


def generate(root: Path, customers: int = 300, seed: int = 0, progress: bool = False,
             scans: int | None = None, ofd: int | None = None, expired: bool = True
             ) -> SampleSummary:
    """Write a sample archive of ``customers`` accounts into ``root`` (absent or empty).

    ``scans`` customers (default one in fifty: OCR dominates the demo's indexing time) also
    get a scanned inspection sheet, found only through OCR; without a CJK font on the machine
    the scans are skipped with a note. ``ofd`` customers (default and at most one in twenty)
    get OFD e-invoices, every third also an e-contract. ``expired``: old inspection sheets past
    their retention for some customers (the demo's appraisal), beside the planned archive.
    """
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"need at least {MIN_CUSTOMERS} customers")
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    rng, roster, files = plan_archive(customers, seed)
    broken = [f for f in files if f.damage or f.doc is None]
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files, progress)
    write_customers(root / "customers.csv", roster)
    write_units(root / "units.csv")
    write_catalog(root / "catalog.csv", rng, files, {c.number: c.name for c in roster})
    scanned, note = _add_scans(root, random.Random(seed + 1), roster,
                               default_scans(customers) if scans is None else scans)
    count = max(1, customers // 20) if ofd is None else ofd
    electronic = add_ofd(root, random.Random(seed + 2), roster[1::20][:count], COMPANY)
    old = add_expired_records(root, random.Random(seed + 2), roster) if expired else 0
    add_filing_dates(root, random.Random(seed + 3))
    return SampleSummary(len(roster), len(files) + scanned + electronic + old, len(broken),
                         root,
                         tuple(sorted(f.path for f in broken)), scanned, note)


FILING_DEADLINE_DAYS = 30  # the shipped rules' 归档期限
FILING_IN_TIME = 0.88  # the share filed within the deadline; the others late
_NAME_DATE = re.compile(r"_(\d{4})-?(\d{2})-?(\d{2})(?:_\d)?\.[a-z]+$")


def add_filing_dates(root: Path, rng: random.Random) -> None:
    """A 归档日期 in catalog.csv for the customer documents: most filed within the deadline
    after their date, the others late (what was never filed is missing from the archive,
    as some required documents are). A Random of its own: the rest stays as it was."""
    catalog = root / "catalog.csv"
    with catalog.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    header, by_path = rows[0], {row[0]: row for row in rows[1:]}
    for path in sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()):
        found = _NAME_DATE.search(path)
        if not found or path.count("/") < 3 or UNASSIGNED_FOLDER in path:
            continue
        day = date(*map(int, found.groups()))
        late = rng.random() >= FILING_IN_TIME
        days = rng.randint(FILING_DEADLINE_DAYS + 1, FILING_DEADLINE_DAYS * 5) if late \
            else rng.randint(1, FILING_DEADLINE_DAYS)
        row = by_path.setdefault(path, [path] + [""] * (len(header) - 1))
        row.append((day + timedelta(days=days)).isoformat())
    with catalog.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*header, "归档日期"])
        writer.writerows(row + [""] * (len(header) + 1 - len(row)) for row in by_path.values())


def default_scans(customers: int) -> int:
    """How many customers get a scanned sheet by default: one in fifty, at least one."""
    return max(1, customers // 50)


EXPIRED_CUSTOMERS = 12  # customers whose archive holds old inspection sheets past retention


def add_expired_records(root: Path, rng: random.Random, roster: list[Customer]) -> int:
    """Old inspection sheets (2010–2014, 保管期限 10年 in catalog.csv) of customers connected
    before them, so the demo has documents past retention to appraise (鉴定) and dispose of
    (销毁清册). A Random of its own: the rest of the sample stays as it was. Returns how many."""
    fake = Faker("zh_CN")
    fake.seed_instance(rng.randint(0, 2**31))
    forms = Forms(People(rng, fake))
    eligible = [c for c in roster if c.category != "低压居民" and c.applied < date(2009, 6, 30)]
    counters: dict[tuple[str, ...], int] = {}
    rows = []
    for c in rng.sample(eligible, min(EXPIRED_CUSTOMERS, len(eligible))):
        day = _day_between(rng, max(c.applied + timedelta(days=200), date(2010, 1, 1)), date(2014, 12, 31))
        doc = forms.inspection(c, day, None)
        planned = PlannedFile(f"{c.folder}/{SUBFOLDERS['JC']}/{doc.title}_{day.isoformat()}.pdf",
                              c.number, doc, "pdf")
        target = root / planned.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(planned))
        rows.append((planned.path, c.number, doc.code, f"{c.name}{doc.title}", day.isoformat(),
                     _archive_number(doc.code, day, "10年", counters), "10年"))
    with (root / "catalog.csv").open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return len(rows)


def _add_scans(root: Path, rng: random.Random, roster: list, count: int) -> tuple[int, str]:
    """Scans for ``count`` customers spread over the roster, the 明远 demo customer first."""
    from indexer.errors import InputError
    from sample_archive.scans import add_scans

    if count <= 0:
        return 0, ""
    chosen = roster[:1] + roster[1::max(1, len(roster) // count)]
    try:
        return add_scans(root, rng, chosen[:count]), ""
    except InputError as exc:
        return 0, f"未生成扫描件：{exc.message}"
