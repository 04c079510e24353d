"""Text extraction: decide a file's type by content, then run that format's extractor.

Each extractor returns :class:`Extracted` or raises a specific
:class:`~indexer.errors.ExtractionError` whose message says why, in Chinese. Extraction of one
file may be slow or hostile; the pipeline runs it in a worker process it can kill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from indexer.analysis import fold_lookalikes
from indexer.errors import EmptyFileError, FileTooLargeError
from indexer.extract.base import (SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Extracted, Limits,
                                  OcrLines, PageHook, quiet_libraries, size_text)
from indexer.filetypes import sniff

__all__ = ["SOURCE_MIXED", "SOURCE_OCR", "SOURCE_TEXT", "Extracted", "Limits", "OcrLines",
           "PageHook", "extract", "quiet_libraries", "size_text"]


def extract(path: Path, limits: Limits | None = None, on_page: PageHook | None = None) -> Extracted:
    """Extract the text of one archived file, dispatching on its content type."""
    from indexer.extract import html_mail, images, legacy, office, ofd_text, opendocument, pdf

    limits = limits or Limits()
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("文件为空（0 字节）")
    if size > limits.max_bytes:
        raise FileTooLargeError(f"文件过大（{size_text(size)}，上限 {size_text(limits.max_bytes)}），"
                                "未处理")
    kind = sniff(path)
    hook = on_page or (lambda: None)
    extractors: dict[str, Callable[[Path, Limits, PageHook], Extracted]] = {
        "pdf": pdf.extract_pdf, "docx": office.extract_docx, "xlsx": office.extract_xlsx,
        "pptx": office.extract_pptx, "text": office.extract_txt, "ofd": ofd_text.extract_ofd,
        "html": html_mail.extract_html, "eml": html_mail.extract_eml,
        **dict.fromkeys(("odt", "ods", "odp"), opendocument.extract_odf),
        **{k: partial(legacy.extract_legacy, kind=k) for k in legacy.KINDS},
        **dict.fromkeys(images.KINDS, images.extract_image),
    }
    result = extractors[kind](path, limits, hook)
    if not result.text.strip():
        raise EmptyFileError("文件中没有可提取的文字")
    return replace(result, text=fold_lookalikes(result.text))  # ⻧代烃 shown as 卤代烃
