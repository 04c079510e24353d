import random
from pathlib import Path

from indexer.customers import Customer
from indexer.extract import SOURCE_OCR, extract
from sample_archive.scans import SUBFOLDER, add_scans

# At least this share of the 户号 and 户名 printed on the sample scans must come back from OCR.
# Measured: 100% of 80 fields on 40 scans (bench/bench_ocr.py, docs/benchmarks-ocr.md); the
# margin allows one missed field in this test's 12 without letting a broken orientation step
# (which loses whole pages, 2 fields each) or a broken reading order pass.
MIN_FIELD_ACCURACY = 0.9


def customers(count: int) -> list[Customer]:
    names = ["杭州明远纺织有限公司", "张三丰", "宁波华丰纺织有限公司", "李秀英", "温州瓯江电机厂", "陈建国"]
    return [Customer(f"33010{n:05d}", names[n % len(names)], "低压居民", "居民生活", "220V",
                     ["城东供电所", "城西供电所"][n % 2], f"杭州市西湖区文三路{n + 1}号", "", "")
            for n in range(count)]


def test_scans_land_in_customer_folders_and_are_reproducible(tmp_path: Path) -> None:
    roster = customers(3)
    assert add_scans(tmp_path / "a", random.Random(7), roster) == 3
    assert add_scans(tmp_path / "b", random.Random(7), roster) == 3
    for customer in roster:
        folder = Path(customer.org, f"{customer.account_no}_{customer.name}", SUBFOLDER)
        (scan_a,) = (tmp_path / "a" / folder).iterdir()
        (scan_b,) = (tmp_path / "b" / folder).iterdir()
        assert scan_a.name == scan_b.name and scan_a.read_bytes() == scan_b.read_bytes()


def test_ocr_finds_account_numbers_and_names_on_sample_scans(tmp_path: Path) -> None:
    roster = customers(6)
    add_scans(tmp_path, random.Random(11), roster)
    found = 0
    for customer in roster:
        (path,) = (tmp_path / customer.org / f"{customer.account_no}_{customer.name}"
                   / SUBFOLDER).iterdir()
        result = extract(path)
        assert result.source == SOURCE_OCR
        text = result.text.replace(" ", "")
        found += (customer.account_no in text) + (customer.name in text)
    accuracy = found / (2 * len(roster))
    assert accuracy >= MIN_FIELD_ACCURACY, f"OCR found {accuracy:.0%} of 户号/户名"


def test_sample_generators_customers_are_accepted(tmp_path: Path) -> None:
    from faker import Faker

    from sample_archive.customers import People, make_customers

    fake = Faker("zh_CN")
    fake.seed_instance(0)
    roster = make_customers(People(random.Random(0), fake), 2)
    assert add_scans(tmp_path, random.Random(0), roster) == 2
    for customer in roster:
        assert len(list((tmp_path / customer.folder / SUBFOLDER).iterdir())) == 1
