"""The system's CJK font, for everything that draws Chinese text: OFD pages rendered for the
viewer and for OCR, the viewer's watermark, the sample archive's scans."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import InputError

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


def cjk_font_path() -> str:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise InputError("生成扫描件需要中文字体：apt-get install fonts-wqy-zenhei")
