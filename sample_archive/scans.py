"""Scanned-looking forms for the sample archive: paper inspection sheets signed by the customer.

Each form is rendered with Pillow in a CJK font from a Debian package (fonts-wqy-zenhei or
fonts-noto-cjk), then made to look scanned: a red stamp, a handwriting-like signature, a
slight tilt, grey paper and noise, some pages turned 90/180/270°. Saved as JPG, PNG,
multi-page TIFF or an image-only PDF into ``<root>/<供电单位>/<户号>_<户名>/扫描件/``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from indexer.fonts import cjk_font_path

PAGE = (1240, 1754)  # A4 at 150 dpi
SUBFOLDER = "扫描件"
RESULTS = ("未发现安全隐患", "发现安全隐患：配电房未配备灭火器", "发现安全隐患：电缆沟积水",
           "计量装置封印完好", "发现违约用电：私自增加用电容量")


@dataclass(frozen=True)
class Subject:
    """What a scanned form shows of its customer."""

    account_no: str
    name: str
    org: str
    address: str
    volt_level: str

    @classmethod
    def of(cls, customer: Any) -> Subject:
        """From :class:`indexer.customers.Customer` or the sample generator's customer."""
        return cls(getattr(customer, "account_no", None) or customer.number, customer.name,
                   getattr(customer, "org", None) or customer.unit, customer.address,
                   getattr(customer, "volt_level", None) or customer.voltage)


def add_scans(root: Path, rng: random.Random, customers: Sequence[Any]) -> int:
    """Write one scanned inspection sheet per customer (every fifth also a contract page);
    returns the number of files written. Indexing reads each page by OCR (~1 s a page on
    this kind of machine), so pass a share of the customers, not all of them."""
    font_path = cjk_font_path()
    written = 0
    for n, customer in enumerate(map(Subject.of, customers)):
        folder = root / customer.org / f"{customer.account_no}_{customer.name}" / SUBFOLDER
        folder.mkdir(parents=True, exist_ok=True)
        day = date(2019, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        pages = [inspection_sheet(customer, day, rng, font_path)]
        if n % 5 == 4:
            pages.append(contract_page(customer, day, rng, font_path))
        scans = [scanned(page, rng) for page in pages]
        fmt = rng.choice(("jpg", "jpg", "jpg", "png", "pdf", "tif")) if len(scans) == 1 else "tif"
        save(scans, folder / f"用电检查工作单_{day:%Y%m%d}", fmt, day)
        written += 1
    return written


def inspection_sheet(customer: Subject, day: date, rng: random.Random,
                     font_path: str) -> Image.Image:
    rows = [("户号", customer.account_no), ("户名", customer.name),
            ("用电地址", customer.address), ("电压等级", customer.volt_level),
            ("检查日期", f"{day.year}年{day.month}月{day.day}日"),
            ("检查结果", rng.choice(RESULTS)), ("检查人员", rng.choice(("王建国", "李强", "陈静")))]
    return form("用电检查工作单", rows, customer, rng, font_path)


def contract_page(customer: Subject, day: date, rng: random.Random,
                  font_path: str) -> Image.Image:
    rows = [("户号", customer.account_no), ("用电人", customer.name),
            ("合同容量", f"{rng.choice((50, 200, 315, 630))}kVA"),
            ("签订日期", f"{day.year}年{day.month}月{day.day}日")]
    return form("供用电合同 签署页", rows, customer, rng, font_path)


def form(title: str, rows: list[tuple[str, str]], customer: Subject, rng: random.Random,
         font_path: str) -> Image.Image:
    """A clean page: title, a two-column bordered table, a stamp and a signature."""
    page = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(page)
    big, normal = ImageFont.truetype(font_path, 56), ImageFont.truetype(font_path, 36)
    draw.text((PAGE[0] // 2, 150), title, font=big, fill="black", anchor="mm")
    left, right, top, height = 110, PAGE[0] - 110, 260, 96
    for i, (label, value) in enumerate(rows):
        y = top + i * height
        draw.rectangle((left, y, right, y + height), outline="black", width=2)
        draw.line((left + 250, y, left + 250, y + height), fill="black", width=2)
        draw.text((left + 24, y + height // 2), label, font=normal, fill="black", anchor="lm")
        draw.text((left + 280, y + height // 2), value, font=normal, fill="black", anchor="lm")
    bottom = top + len(rows) * height + 140
    draw.text((left + 24, bottom), "客户签字：", font=normal, fill="black", anchor="lm")
    signature(draw, (left + 240, bottom - 40), rng)
    stamp(page, (right - 230, bottom - 40), customer.org, rng, font_path)
    return page


def signature(draw: ImageDraw.ImageDraw, origin: tuple[int, int], rng: random.Random) -> None:
    """A handwriting-like scribble: a few smooth strokes of varying slope."""
    x, y = origin
    for _ in range(rng.randint(2, 4)):
        points = []
        amplitude, phase = rng.uniform(12, 30), rng.uniform(0, math.pi)
        for step in range(40):
            points.append((x + step * rng.uniform(3.5, 5.5),
                           y + 40 + amplitude * math.sin(phase + step / rng.uniform(2.5, 4))))
        draw.line(points, fill=(20, 30, 90), width=rng.randint(3, 5), joint="curve")
        x += rng.randint(60, 120)


def stamp(page: Image.Image, centre: tuple[int, int], org: str, rng: random.Random,
          font_path: str) -> None:
    """A red round seal with the unit's name, pressed slightly askew over the page."""
    size = 300
    seal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (200, 30, 30, rng.randint(150, 210))
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=9)
    draw.regular_polygon((size // 2, size // 2, 34), 5, fill=red)
    small = ImageFont.truetype(font_path, 30)
    draw.text((size // 2, size // 2 + 70), "检查专用章", font=small, fill=red, anchor="mm")
    draw.text((size // 2, size // 2 - 70), org[:6], font=small, fill=red, anchor="mm")
    seal = seal.rotate(rng.uniform(-30, 30), resample=Image.BICUBIC)
    page.paste(seal, (centre[0] - size // 2, centre[1] - size // 2), seal)


def scanned(page: Image.Image, rng: random.Random) -> Image.Image:
    """Make a clean page look scanned: tilt, grey paper, noise, blur, sometimes turned."""
    tilted = page.rotate(rng.uniform(-3, 3), resample=Image.BICUBIC, expand=True,
                         fillcolor=(235, 235, 230))
    noise = paper_noise(tilted.size, rng)
    paper = Image.blend(tilted, noise, 0.08).filter(ImageFilter.GaussianBlur(0.6))
    turn = rng.choices((0, 90, 180, 270), weights=(70, 10, 10, 10))[0]
    return paper.rotate(turn, expand=True) if turn else paper


def paper_noise(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Coarse grey noise drawn from ``rng`` (cheap, and the same for the same seed)."""
    import numpy as np

    source = np.random.default_rng(rng.randrange(2**32))
    small = source.normal(128, rng.uniform(8, 20), (size[1] // 4, size[0] // 4))
    return Image.fromarray(small.clip(0, 255).astype("uint8")).resize(size).convert("RGB")


def save(pages: list[Image.Image], stem: Path, fmt: str, scanned_on: date) -> Path:
    """Save as JPG/PNG (one page), multi-page TIFF or an image-only PDF dated ``scanned_on``."""
    path = stem.with_suffix(f".{fmt}")
    first, rest = pages[0], pages[1:]
    if fmt == "jpg":
        first.save(path, quality=70)
    elif fmt == "png":
        first.convert("L").save(path)
    elif fmt == "tif":
        first.convert("L").save(path, save_all=True, compression="tiff_deflate",
                                append_images=[p.convert("L") for p in rest])
    else:
        when = datetime.combine(scanned_on, time(9, 30))
        first.save(path, save_all=True, append_images=rest, resolution=150,
                   creationDate=when.timetuple(), modDate=when.timetuple())
    return path
