"""Benchmark: what masking the whole text before cutting costs a search page and a reindex.

    .venv/bin/python bench/bench_masking.py [--repeat 7]

For document texts of 2, 20 and 200 KB with a few personal numbers (and one text with a
number on every line), in one run side by side (medians of ``--repeat`` runs):

- a snippet as before (cut, then ``mask_html`` on the cut fragment: leaks at the window's
  edges) and as now (``snippet(..., masked=True)``: window and margin masked, then cut);
- the document view's marked text, unmasked and masked whole;
- the engine record (``engine_record``: now with ``canonical_numbers``) beside the cost of
  tokenizing the same text (``token_text``), which every reindex pays anyway.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout
from indexer.analysis import token_text
from search_service.access.masking import canonical_numbers, mask_html
from search_service.engines.projection import engine_record
from search_service.viewer.highlight import compile_phrases, mark_all, snippet

LINE = "本次检查发现现场设备运行情况良好，配电房各项记录齐全，变压器 S11-M-630/10 运行正常。\n"
NUMBERS = "证件号码：330102 19870623 4417，联系电话 +86 137 5862 9034，开户账号 6217856390427715208。\n"
PATTERN = compile_phrases([("灭火", "火器")])


def texts() -> dict[str, str]:
    def document(size: int, every: int) -> str:
        lines = [NUMBERS if n % every == 0 else LINE for n in range(size // len(LINE))]
        lines[len(lines) // 2] = "配电房未配备灭火器。\n"
        return "".join(lines)

    return {"2 KB": document(2_000, 10), "20 KB": document(20_000, 40),
            "200 KB": document(200_000, 400), "20 KB, a number every line": document(20_000, 1)}


def median_ms(work: Callable[[], object], repeat: int, inner: int = 20) -> float:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        for _ in range(inner):
            work()
        runs.append((time.perf_counter() - began) / inner * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print("| text | snippet before | snippet now | document unmasked | document masked"
          " | engine record | tokenizing |")
    print("|---|---|---|---|---|---|---|")
    for name, text in texts().items():
        row = {"content": text, "title": "用电检查工作单", "customer_name": "钱七",
               "address": "河坊街7号"}
        figures = [
            median_ms(lambda: mask_html(snippet(text, PATTERN)), args.repeat),
            median_ms(lambda: snippet(text, PATTERN, masked=True), args.repeat),
            median_ms(lambda: mark_all(text, PATTERN), args.repeat, 5),
            median_ms(lambda: mark_all(text, PATTERN, masked=True), args.repeat, 5),
            median_ms(lambda: engine_record(row), args.repeat, 5),
            median_ms(lambda: token_text(text), args.repeat, 5),
        ]
        print(f"| {name} | " + " | ".join(f"{f:.2f} ms" for f in figures) + " |")
    assert canonical_numbers(NUMBERS).startswith("证件号码：330102198706234417")


if __name__ == "__main__":
    main()
