"""The archive's own vocabulary: what a word in a query may name.

Built from the customers (户名, their brand syllables), the unit names, the document type
names and keywords (:mod:`indexer.doctypes`) and the hazard statuses. It decides which
parts of a query are entities (a unit, a document type, a status: filters; a customer name
or brand: a name to match) and feeds the segmenter's user dictionary.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from indexer import doctypes
from indexer.analysis import fold, is_han

# Entity kinds. Filters become removable chips; names stay text to match.
ORG = "org"
DOC_TYPE = "doc_type"
YEAR = "year"
HAZARD_STATUS = "hazard_status"
CUSTOMER = "customer"  # a whole 户名
BRAND = "brand"  # the distinctive part of a company name (明远 of 杭州明远纺织有限公司)
FILTER_KINDS = (ORG, DOC_TYPE, YEAR, HAZARD_STATUS)

HAZARD_STATUSES = ("未整改", "整改中", "已整改", "逾期")

# Short words staff use for document types, beside each type's name and keywords.
DOC_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "合同": ("YK11", "YK12"),
    "申请": ("YK01",), "申请书": ("YK01",),
    "检查单": ("JC01",), "工作单": ("JC01",),
    "隐患": ("JC03",), "隐患整改": ("JC03",), "整改通知": ("JC03",), "隐患通知书": ("JC03",),
    "违约": ("JC04",), "窃电": ("JC04",), "违约用电": ("JC04",), "窃电通知书": ("JC04",),
    "回执": ("JC05",), "复查": ("JC05",),
    "勘查": ("YK06",), "方案": ("YK07",), "电费": ("DF01",), "身份证": ("YK02",),
}

# Legal forms and industries at the end of company names, regions at their start.
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "总厂", "分厂", "厂",
               "商行", "店", "合作社", "农场", "经营部", "工作室", "中心")
INDUSTRIES = (
    "纺织", "机械制造", "机械", "化纤", "化工", "铸造", "印染", "造纸", "塑业", "新材料", "水泥",
    "商贸", "贸易", "餐饮管理", "餐饮", "酒店管理", "酒店", "超市", "物流", "科技", "物业管理",
    "物业", "汽车服务", "五金", "农业开发", "水产养殖", "茶业", "果蔬种植", "生态农业", "实业",
    "食品", "建材", "电子", "电器", "服装", "制衣", "包装", "印刷", "医药", "建设", "工程",
    "房地产开发", "置业", "投资", "发展", "能源", "材料", "塑料", "家具", "陶瓷", "钢铁",
)
REGIONS = (
    "浙江", "江苏", "上海", "北京", "杭州", "宁波", "温州", "绍兴", "湖州", "嘉兴", "金华",
    "衢州", "舟山", "台州", "丽水", "临江", "临平", "萧山", "余杭", "富阳", "桐庐", "淳安",
    "建德", "义乌", "东阳",
)
_REGION_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{2,3}?[省市县区镇]")
_BRANCH = re.compile(r"[（(][^）)]*[）)]$")
_YEAR = re.compile(r"^(19[89]\d|20\d\d)年?$")
_MIN_REGION_SHARE = 3  # a two-character prefix shared by this many company names is a region


@dataclass(frozen=True)
class Entity:
    """What one word names: a filter value (``values`` of ``kind``) or a name to match."""

    kind: str
    values: tuple[str, ...]
    text: str

    @property
    def is_filter(self) -> bool:
        return self.kind in FILTER_KINDS


@dataclass(frozen=True)
class CustomerEntry:
    """A customer as suggestions and understanding see it (no personal data)."""

    account_no: str
    name: str
    org: str


def is_company(name: str) -> bool:
    return any(_BRANCH.sub("", name).endswith(form) for form in LEGAL_FORMS)


def brand_of(name: str, regions: Iterable[str] = REGIONS) -> str:
    """The distinctive part of a company name: 杭州明远纺织有限公司 → 明远; "" for a person."""
    rest = _BRANCH.sub("", name.strip())
    if not is_company(rest):
        return ""
    rest = _strip_suffixes(_strip_suffixes(rest, LEGAL_FORMS), INDUSTRIES)
    for region in sorted(regions, key=len, reverse=True):
        if rest.startswith(region) and len(rest) - len(region) >= 2:
            rest = rest[len(region):]
            break
    else:
        match = _REGION_SUFFIX.match(rest)
        if match and len(rest) - match.end() >= 2:
            rest = rest[match.end():]
    return rest if 2 <= len(rest) <= 4 and all(is_han(c) for c in rest) else ""


def _strip_suffixes(text: str, suffixes: Iterable[str]) -> str:
    ordered = sorted(suffixes, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for suffix in ordered:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text, changed = text[:-len(suffix)], True
                break
    return text


def shared_regions(names: Iterable[str]) -> set[str]:
    """Two-character prefixes many company names share: regions of this archive (临江…)."""
    counts = Counter(name[:2] for name in names if is_company(name) and len(name) > 6)
    return {prefix for prefix, n in counts.items()
            if n >= _MIN_REGION_SHARE and all(is_han(c) for c in prefix)}


def short_names(unit: str) -> tuple[str, ...]:
    """What staff call a unit: 城东供电所 → 城东所, 城区供电公司 → 城区公司 (国网… without 国网)."""
    found = []
    for long, short in (("供电所", "所"), ("供电公司", "公司"), ("供电分公司", "分公司")):
        if unit.endswith(long) and len(unit) > len(long) + 1:
            found.append(unit[:-len(long)] + short)
    found += [name[2:] for name in found if name.startswith("国网") and len(name) > 4]
    return tuple(found)


def unit_aliases(units: Iterable[str],
                 configured: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """Alias → unit: each unit's short names (:func:`short_names`; one that two units share
    is left out) and the aliases configured in units.csv (column 简称), which always win."""
    derived: dict[str, set[str]] = {}
    for unit in units:
        for alias in short_names(unit):
            derived.setdefault(alias, set()).add(unit)
    aliases = {a: next(iter(u)) for a, u in derived.items() if len(u) == 1}
    for unit, names in (configured or {}).items():
        aliases.update({a: unit for a in names if a})
    return aliases


class Lexicon:
    """Word → entity for one archive, plus every customer name (for "is this part of a name").

    Words and names are held folded (:func:`indexer.analysis.fold`): 萬順 finds 万顺."""

    def __init__(self, customers: Iterable[CustomerEntry], units: Iterable[str],
                 aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.customers = tuple(sorted(customers, key=lambda c: c.account_no))
        self.units = tuple(sorted({u for u in units if u}))
        self.aliases = unit_aliases(self.units, aliases)
        self._accounts = [c.account_no for c in self.customers]
        names = [fold(c.name) for c in self.customers]
        self.regions = set(REGIONS) | shared_regions(names)
        self.brands = {c.account_no: brand_of(fold(c.name), self.regions)
                       for c in self.customers}
        self.words: dict[str, Entity] = {}
        self._add_filters()
        for c in self.customers:
            self._add(fold(c.name), Entity(CUSTOMER, (c.name,), c.name))
            brand = self.brands[c.account_no]
            if brand:
                self._add(brand, Entity(BRAND, (brand,), brand))
        self._names = "\n".join(names)
        self._similar = _similarity_keys([*{b for b in self.brands.values() if b},
                                          *(n for n in names
                                            if not is_company(n) and len(n) <= 4)])
        digest = hashlib.sha256("\n".join([self._names, *self.units, *self.aliases])
                                .encode()).hexdigest()
        self.key = digest[:16]

    def _add_filters(self) -> None:
        for unit in self.units:
            self._add(fold(unit), Entity(ORG, (unit,), unit))
        for alias, unit in self.aliases.items():
            self._add(fold(alias), Entity(ORG, (unit,), alias))
        for status in HAZARD_STATUSES:
            self._add(status, Entity(HAZARD_STATUS, (status,), status))
        for word, codes in DOC_TYPE_WORDS.items():
            self._add(word, Entity(DOC_TYPE, codes, word))
        for doc_type in doctypes.DOC_TYPES:
            for word in (doc_type.name, *doc_type.keywords):
                if len(word) >= 2:
                    self._add(word, Entity(DOC_TYPE, (doc_type.code,), word))

    def _add(self, word: str, entity: Entity) -> None:
        self.words.setdefault(word, entity)  # filters first: a unit named like a brand stays a unit

    def entity(self, word: str) -> Entity | None:
        """What ``word`` names, if anything (years are recognised by their form)."""
        match = _YEAR.match(word)
        if match:
            return Entity(YEAR, (match.group(1),), word)
        return self.words.get(fold(word))

    def in_a_name(self, text: str) -> bool:
        """Whether ``text`` occurs inside some customer's name."""
        return len(text) >= 2 and fold(text) in self._names

    def accounts_named(self, name: str) -> list[str]:
        """户号 of the customers whose whole 户名 is ``name``."""
        name = fold(name)
        return [c.account_no for c in self.customers if fold(c.name) == name]

    def has_account_prefix(self, digits: str) -> bool:
        """Whether some customer's 户号 starts with ``digits``."""
        at = bisect.bisect_left(self._accounts, digits)
        return at < len(self._accounts) and self._accounts[at].startswith(digits)

    def similar(self, word: str) -> list[str]:
        """Brands and person names one character away from ``word``, or sounding the same
        (明园 → 明远): what a typo probably meant."""
        word = fold(word)
        if len(word) < 2 or not all(is_han(c) for c in word):
            return []
        found = [w for key in _keys(word) for w in self._similar.get(key, ()) if w != word]
        return list(dict.fromkeys(found))

    def dictionary_words(self) -> list[str]:
        """Words the segmenter must keep whole."""
        return [*self.words, *INDUSTRIES, *LEGAL_FORMS, *self.regions]


def _keys(word: str) -> list[str]:
    """One key per position with that character blanked, and the word's pinyin."""
    from indexer.pinyin import readings

    keys = [word[:i] + "?" + word[i + 1:] for i in range(len(word))]
    sounds = readings(word)
    if len(sounds) == len(word):
        keys.append(" ".join(r[0] for r in sounds))
    return keys


def _similarity_keys(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        for key in _keys(word):
            index.setdefault(key, []).append(word)
    return {k: tuple(v) for k, v in index.items()}


EMPTY = Lexicon((), ())
