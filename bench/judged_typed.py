"""Judged queries typed the way counter clerks, inspectors and auditors type them (issue 19):
kinds 1-8 of docs/search-quality.md, generated from the sample archive's ground truth with
their own fixed seed (the older kinds keep theirs, so their queries do not change).

    account_separated  户号 with separators or full-width digits: 3301 2345 67, 3301-234-567
    unit_short         a unit's short name + a type: 城东所隐患整改通知书
    no_customer        a company, person or 户号 no customer has (judged by honesty)
    typo_type          a one-character typo or homophone of a brand + a type: 铭远合同
    traditional        names and type words typed in 繁体: 杭州明遠紡織有限公司
    time_words         去年合同, 近三年窃电, 2022到2023年…, 明远上次检查单 (today = 2025-06-30)
    pinyin_mixed       pinyin or initials of a name + a type: mingyuan合同, hzmy检查单
    inspector          unit + year + type + status: 城南供电所2023年隐患整改通知书未整改
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

from search_service.query.segment import PARTICLES

SEED = 19
TYPE_WORDS = {"合同": {"YK11", "YK12"}, "隐患整改通知书": {"JC03"}, "用电申请书": {"YK01"},
              "装表接电工作单": {"YK13"}, "检查单": {"JC01"}, "窃电": {"JC04"}}
# Characters for made-up names that no sample customer has (checked below).
FAKE_BRAND_CHARS = "鹏翔骏驰霖澜岚曦昊晟昱琨瑜璟珂翊煜弈"
FAKE_PEOPLE = ("欧阳翊煜", "司马璟珂", "诸葛昱琨", "上官曦晟", "皇甫澜骏", "慕容霖翔")


def judge_typed(roster: list[Any], truths: list[Any], add: Callable[..., None]) -> None:
    """Add the queries of kinds 1-8 through ``add(kind, q, relevant)``."""
    from sample_archive.domain import BRANDS, CITIES, INDUSTRIES

    rng = random.Random(SEED)
    context = _Context(roster, truths, (*BRANDS, "明远"))
    _accounts(context, rng, add)
    _units(context, add)
    _no_customer(context, rng, add, CITIES, [i for g in INDUSTRIES.values() for i in g])
    _typos(context, rng, add)
    _traditional(context, rng, add)
    _time_words(context, rng, add)
    _pinyin(context, rng, add)
    _inspector(context, add)


class _Context:
    def __init__(self, roster: list[Any], truths: list[Any], brands: tuple[str, ...]) -> None:
        self.roster, self.truths, self.brands = roster, truths, brands
        with_docs = {t.account for t in truths}
        self.customers = [c for c in roster if c.number in with_docs]
        self.companies = [c for c in self.customers if not c.is_person]
        self.names = "\n".join(c.name for c in roster)
        self.chars = sorted({ch for t in truths for ch in t.text
                             if "\u4e00" <= ch <= "\u9fff" and ch not in PARTICLES})

    def docs(self, test: Callable[[Any], bool]) -> list[str]:
        return [t.path for t in self.truths if test(t)]

    def brand(self, name: str) -> str:
        return next((b for b in self.brands if b in name), "")


def _accounts(ctx: _Context, rng: random.Random, add: Callable[..., None]) -> None:
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    shapes = (lambda n: f"{n[:4]} {n[4:8]} {n[8:]}", lambda n: f"{n[:4]}-{n[4:7]}-{n[7:]}",
              lambda n: f"{n[:4]}.{n[4:8]}.{n[8:]}", lambda n: n.translate(full_width),
              lambda n: f"{n[:4]} {n[4:]}", lambda n: f"{n[:3]}-{n[3:6]}-{n[6:]}")
    for n, c in enumerate(rng.sample(ctx.customers, 16)):
        add("account_separated", shapes[n % len(shapes)](c.number),
            ctx.docs(lambda t, c=c: t.account == c.number))


def _units(ctx: _Context, add: Callable[..., None]) -> None:
    for unit in sorted({t.unit for t in ctx.truths if t.unit.endswith("供电所")}):
        for word in ("合同", "隐患整改通知书", "检查单", "用电申请书"):
            codes = TYPE_WORDS[word]
            add("unit_short", f"{unit[:-3]}所{word}",
                ctx.docs(lambda t, unit=unit, codes=codes: t.unit == unit and t.code in codes))


def _no_customer(ctx: _Context, rng: random.Random, add: Callable[..., None],
                 cities: tuple[str, ...], industries: list[str]) -> None:
    from search_service.query.lexicon import CustomerEntry, Lexicon

    lexicon = Lexicon([CustomerEntry(c.number, c.name, c.unit) for c in ctx.roster], ())
    fakes: list[str] = []
    while len(fakes) < 8:
        brand = "".join(rng.sample(FAKE_BRAND_CHARS, 2))
        if brand not in ctx.names and not lexicon.similar(brand) and brand not in fakes:
            fakes.append(brand)
    for n, brand in enumerate(fakes):
        name = f"{rng.choice(cities)}{brand}{rng.choice(industries)}有限公司"
        add("no_customer", name if n % 2 else f"{brand}{rng.choice(('合同', '隐患整改通知书'))}", [])
    for person in FAKE_PEOPLE[:2]:
        add("no_customer", f"{person}合同", [])
    for number in ("9901234567", "9901 2345 67", "3399-000-001", "３３９９０００００１"):
        add("no_customer", number, [])


def _typos(ctx: _Context, rng: random.Random, add: Callable[..., None]) -> None:
    from indexer.pinyin import readings

    def sound(ch: str) -> str:
        return readings(ch)[0][0]

    by_sound: dict[str, list[str]] = {}
    for ch in ctx.chars:
        by_sound.setdefault(sound(ch), []).append(ch)
    for c in rng.sample(ctx.companies, min(24, len(ctx.companies))):
        brand = ctx.brand(c.name)
        at = rng.randrange(len(brand))
        same = [ch for ch in by_sound.get(sound(brand[at]), []) if ch != brand[at]]
        pool = same if same and rng.random() < 0.6 else [ch for ch in ctx.chars if ch != brand[at]]
        for _ in range(20):
            typo = brand[:at] + rng.choice(pool) + brand[at + 1:]
            if typo not in ctx.names:
                break
        else:
            continue
        word = rng.choice(("合同", "隐患整改通知书", "用电申请书", "装表接电工作单"))
        codes = TYPE_WORDS[word]
        add("typo_type", f"{typo}{word}",
            ctx.docs(lambda t, brand=brand, codes=codes: brand in t.name and t.code in codes))


def _traditional(ctx: _Context, rng: random.Random, add: Callable[..., None]) -> None:
    import opencc

    s2t = opencc.OpenCC("s2t")
    for c in rng.sample(ctx.companies, min(16, len(ctx.companies))):
        if s2t.convert(c.name) != c.name:
            add("traditional", s2t.convert(c.name), ctx.docs(lambda t, c=c: t.account == c.number))
        brand = ctx.brand(c.name)
        word = rng.choice(("合同", "隐患整改通知书", "用电申请书"))
        typed = s2t.convert(f"{brand}{word}")
        if typed != f"{brand}{word}":
            add("traditional", typed, ctx.docs(
                lambda t, brand=brand, codes=TYPE_WORDS[word]: brand in t.name and t.code in codes))


def _time_words(ctx: _Context, rng: random.Random, add: Callable[..., None]) -> None:
    from search_service.query.timewords import read_time_word

    from search_quality import TODAY

    words = ("去年", "前年", "今年", "近三年", "近两年", "2023年以来", "2021到2022年", "上个月", "近半年")
    for when in words:
        tw = read_time_word(when, TODAY)
        low = date.fromisoformat(tw.date_from) if tw.date_from else date.min
        high = date.fromisoformat(tw.date_to) if tw.date_to else date.max
        for word in ("合同", "隐患整改通知书", "检查单", "窃电"):
            add("time_words", f"{when}{word}", ctx.docs(
                lambda t, codes=TYPE_WORDS[word], low=low, high=high:
                t.code in codes and t.day is not None and low <= t.day <= high))
    checked = [c for c in ctx.companies if any(t.account == c.number and t.code == "JC01"
                                               for t in ctx.truths)]
    for c in rng.sample(checked, min(12, len(checked))):
        brand = ctx.brand(c.name)  # the brand when no other customer has it, else the name
        name = brand if sum(brand in x.name for x in ctx.roster) == 1 else c.name
        sheets = [t for t in ctx.truths if t.account == c.number and t.code == "JC01"]
        last = max(t.day for t in sheets)
        add("time_words", f"{name}{rng.choice(('上次', '最近一次', '最新', '最后一次'))}检查单",
            [t.path for t in sheets if t.day == last])


def _pinyin(ctx: _Context, rng: random.Random, add: Callable[..., None]) -> None:
    from pypinyin import Style, lazy_pinyin

    def initials(text: str) -> str:
        return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))

    for c in rng.sample(ctx.companies, min(16, len(ctx.companies))):
        brand = ctx.brand(c.name)
        word = rng.choice(("合同", "隐患整改通知书", "用电申请书", "检查单"))
        codes = TYPE_WORDS[word]
        sound = "".join(lazy_pinyin(brand))
        same = [b for b in ctx.brands if "".join(lazy_pinyin(b)) == sound]
        add("pinyin_mixed", f"{sound}{word}", ctx.docs(
            lambda t, same=same, codes=codes: any(b in t.name for b in same) and t.code in codes))
        head = initials(c.name[:4])
        add("pinyin_mixed", f"{head}{word}", ctx.docs(
            lambda t, head=head, codes=codes: head in initials(t.name) and t.code in codes))


def _inspector(ctx: _Context, add: Callable[..., None]) -> None:
    combos = sorted({(t.unit, t.year, t.status) for t in ctx.truths if t.code == "JC03"})
    for unit, year, status in combos:
        add("inspector", f"{unit}{year}年隐患整改通知书{status}", ctx.docs(
            lambda t, unit=unit, year=year, status=status: (t.unit, t.year, t.status, t.code)
            == (unit, year, status, "JC03")))
    for unit, year in sorted({(t.unit, t.year) for t in ctx.truths if t.code == "JC01"})[::3]:
        add("inspector", f"{unit}{year}年用电检查工作单", ctx.docs(
            lambda t, unit=unit, year=year: (t.unit, t.year, t.code) == (unit, year, "JC01")))
