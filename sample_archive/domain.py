"""The sample archive's world: the county company and its units, the weights that shape its
customers, the document families each business stage files, and the records they become."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path


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


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def after(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


