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
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable

from faker import Faker
from tqdm import tqdm

from indexer.doctypes import name_of
from sample_archive.customers import People, make_customers
from sample_archive.domain import (CATALOG_HEADER, CITY_COMPANY, COMPANY, CUSTOMER_HEADER,
                                   FORMAT_WEIGHTS, MIN_CUSTOMERS, REFERENCE_DAY, RETENTION,
                                   RETENTION_CODES, SUBFOLDERS, UNASSIGNED_FOLDER, UNITS, Customer,
                                   Doc, PlannedFile, SampleSummary, day_between, weighted)
from sample_archive.forms import Forms
from sample_archive.ofd import add_ofd
from sample_archive.render import render


def _file_format(rng: random.Random, doc: Doc) -> str:
    if doc.code in ("YK11", "YK04"):
        return "pdf"
    fmt = weighted(rng, FORMAT_WEIGHTS)
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
    day = day_between(rng, owner.applied, owner.applied + timedelta(days=60))
    drawing = b"AC1027" + bytes(rng.randrange(256) for _ in range(2048))
    path = f"{owner.folder}/业扩/受电工程设计图纸_{day.isoformat()}.dwg"
    dwg = PlannedFile(path, owner.number, None, "dwg", raw=drawing)
    files.append(dwg)
    return [f for f in files if f.damage] + [dwg]


def unassigned_document(forms: Forms, roster: list[Customer]) -> PlannedFile:
    """A valid inspection sheet filed under 待归档: no 户号 in its folder nor in its text."""
    rng = forms.rng
    c = rng.choice(roster)
    day = day_between(rng, date(2024, 1, 1), REFERENCE_DAY)
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
        day = day_between(rng, max(c.applied + timedelta(days=200), date(2010, 1, 1)), date(2014, 12, 31))
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
