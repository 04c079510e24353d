import pytest

from indexer.records import text_source_label
from indexer.schema import (
    TEXT_SOURCE_LAYER,
    TEXT_SOURCE_MIXED,
    TEXT_SOURCE_OCR,
    TEXT_SOURCE_OCR_LOW,
)


@pytest.mark.parametrize(("source", "confidence", "label"), [
    ("text", None, TEXT_SOURCE_LAYER),
    ("ocr", 0.99, TEXT_SOURCE_OCR),
    ("mixed", 0.95, TEXT_SOURCE_MIXED),
    ("ocr", 0.62, TEXT_SOURCE_OCR_LOW),
    ("mixed", 0.80, TEXT_SOURCE_OCR_LOW),
])
def test_text_source_facet_value(source: str, confidence: float | None, label: str) -> None:
    assert text_source_label(source, confidence) == label
