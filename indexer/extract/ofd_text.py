"""An OFD file's text: its text layer in reading order, OCR of the pages that are only
images, then its annotations, attachments and document properties."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import CorruptFileError, EmptyFileError
from indexer.extract.base import (SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Extracted, Limits,
                                  OcrLines, PageHook)
from indexer.extract.images import numbered, ocr_pages
from indexer.extract.ofd import OfdDocument, open_ofd
from indexer.extract.ofd_render import render_for_ocr
from indexer.textquality import is_garbled

# DocInfo fields shown as labelled lines after the text (Title goes first instead).
INFO_LABELS = {"Author": "作者", "Subject": "主题", "Abstract": "摘要", "Creator": "创建程序",
               "CreationDate": "创建日期", "ModDate": "修改日期", "DocUsage": "文档用途"}


def extract_ofd(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    with open_ofd(path, limits) as document:
        texts: list[str] = []
        scanned: list[int] = []
        chars = 0
        for n in range(len(document.page_paths)):
            page = document.page(n)
            text = page.reading_order()[0]
            if (not text.strip() or is_garbled(text)) and page.images:
                scanned.append(n)
                text = ""
            texts.append(text)
            chars += len(text)
            if chars > limits.max_text_chars:
                raise CorruptFileError(f"OFD 文字量异常（超过 {limits.max_text_chars:,} 字），未处理")
        source, confidence, lines = SOURCE_TEXT, None, ()
        if scanned and limits.ocr:
            texts, source, confidence, lines = _ocr(document, texts, scanned, limits, on_page)
        elif scanned and len(scanned) == len(texts):
            raise EmptyFileError("OFD 页面只有图像（可能是扫描件），本次运行关闭了 OCR")
        extras = document.annotation_texts() + document.attachment_texts(limits)
        text = "\n".join([*_title_line(document, texts), *texts, *extras,
                          *_info_lines(document)])
    return Extracted(text, len(texts), source, confidence, lines)


def _ocr(document: OfdDocument, texts: list[str], scanned: list[int], limits: Limits,
         on_page: PageHook) -> tuple[list[str], str, float, tuple[OcrLines, ...]]:
    pages = (render_for_ocr(document, n, limits) for n in scanned)
    ocr_texts, confidence, found = ocr_pages(pages, on_page)
    texts = list(texts)
    for n, text in zip(scanned, ocr_texts):
        texts[n] = text
    source = SOURCE_OCR if len(scanned) == len(texts) else SOURCE_MIXED
    return texts, source, confidence, numbered(scanned, found)


def _title_line(document: OfdDocument, texts: list[str]) -> list[str]:
    """The metadata's title first (it becomes the document's 题名), unless the first page
    already starts with it."""
    title = document.info.get("Title", "")
    first = next((line.strip() for t in texts for line in t.splitlines() if line.strip()), "")
    return [title] if title and not first.startswith(title) else []


def _info_lines(document: OfdDocument) -> list[str]:
    lines = [f"{label}：{document.info[key]}" for key, label in INFO_LABELS.items()
             if document.info.get(key)]
    lines += [f"{name}：{value}" for name, value in document.custom.items()]
    return ["【文档属性】", *lines] if lines else []
