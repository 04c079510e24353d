"""Made-up customers: names, addresses, equipment and numbers that pass their check digits."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from faker import Faker

from sample_archive.domain import (BOUNDARIES, BRANCH_SUFFIXES, BRANDS, CITIES, CITY,
                                   CLASS_WEIGHTS, INDUSTRIES, LOW_CAPACITY_KW, ORG_WEIGHTS, PINNED,
                                   PINNED_NUMBER, REFERENCE_DAY, REGION_CODES, TRANSFORMERS, UNITS,
                                   USAGE_WEIGHTS, VOLTAGE_WEIGHTS, Customer, Unit, day_between,
                                   id_check_digit, uscc_check_char, weighted)


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
        born = day_between(self.rng, date(1950, 1, 1), date(2000, 12, 31))
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
    usage = usage or weighted(rng, USAGE_WEIGHTS[category])
    voltage = weighted(rng, VOLTAGE_WEIGHTS[category])
    unit_name = rng.choice(list(UNITS))
    capacity, transformers = _equipment(rng, category, voltage)
    latest = date(2022, 6, 30) if category == "高压" else date(2024, 6, 30)
    applied = day_between(rng, date(2008, 1, 1), latest)
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
    renamed = day_between(rng, earliest, REFERENCE_DAY - timedelta(days=30))
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
        pinned = PINNED[index] if index < len(PINNED) else (weighted(rng, CLASS_WEIGHTS), "", "")
        roster.append(_customer(people, number, *pinned))
    return roster


