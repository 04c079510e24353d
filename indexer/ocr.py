"""Optical character recognition of one page image with RapidOCR (PP-OCR models on onnxruntime).

The models ship inside the ``rapidocr`` wheel; nothing is downloaded. The engine is loaded
once per worker process, on first use. Pages scanned sideways or upside down are detected
from the text boxes (tall boxes: sideways) and the line classifier (most lines turned 180°),
and the lines are put back in reading order of the upright page.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from statistics import median
from typing import Any

import numpy as np
from PIL import Image

Line = tuple[tuple[float, float, float, float], str]  # (left, top, right, bottom), text
MIN_LINE_SCORE = 0.5  # lines the recogniser is less sure of are dropped (RapidOCR's default)
_threads = {"count": -1}  # onnxruntime threads per process; -1 lets it use every core
_engines: dict[int, Any] = {}  # by process id: a forked worker must never touch (nor free)
# the engine it inherited, whose onnxruntime threads did not survive the fork


@dataclass(frozen=True)
class OcrPage:
    """The text of one page in reading order, its confidence (0–1) and the page rotation."""

    text: str
    confidence: float
    rotation: int  # degrees the scan was turned counter-clockwise from upright
    lines: tuple[Line, ...] = ()  # each line's box in the image and text, as found


def set_threads(count: int) -> None:
    """Threads for this process's engine: with one worker per core, one thread each is
    fastest (no oversubscription). Call before the first OCR."""
    _threads["count"] = count


def engine() -> Any:
    """This process's RapidOCR engine (loading the models costs ~1 s)."""
    from rapidocr import RapidOCR

    pid = os.getpid()
    if pid not in _engines:
        _engines[pid] = RapidOCR(params={
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": _threads["count"]})
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engines[pid]


def ocr_image(image: Image.Image) -> OcrPage:
    """Recognise the text of one page image.

    Runs RapidOCR's steps itself (``preprocess_img``, ``run_ocr_steps``, stable through 3.x,
    pinned ``<4``) because its public result drops the classifier's verdicts, which tell an
    upside-down page from an upright one; tests/indexer/test_ocr.py guards both.
    """
    lines, labels = _recognise(image)
    if not lines:
        return OcrPage("", 0.0, 0)
    width, height = image.size
    rotation = page_rotation([b for b, _, _ in lines], labels)
    text = reading_order(lines, rotation, width, height)
    chars = sum(len(t) for _, t, _ in lines)
    confidence = sum(len(t) * s for _, t, s in lines) / chars
    return OcrPage(text, round(float(confidence), 4), rotation, tuple(_boxed(lines)))


def ocr_lines(image: Image.Image) -> list[Line]:
    """Each recognised line's box (left, top, right, bottom in image pixels) and text."""
    lines, _ = _recognise(image)
    return _boxed(lines)


def _boxed(lines: list[tuple[np.ndarray, str, float]]) -> list[Line]:
    return [((float(box[:, 0].min()), float(box[:, 1].min()), float(box[:, 0].max()),
              float(box[:, 1].max())), text) for box, text, _ in lines]


def _recognise(image: Image.Image) -> tuple[list[tuple[np.ndarray, str, float]], list[str]]:
    """The lines (box, text, score) worth keeping, and the classifier's labels."""
    rgb = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR wants BGR like OpenCV
    ocr = engine()
    resized, record = ocr.preprocess_img(rgb)
    det, cls, rec, _ = ocr.run_ocr_steps(resized, record)
    if det.boxes is None or rec.txts is None:
        return [], []
    scale_w, scale_h = record["preprocess"]["ratio_w"], record["preprocess"]["ratio_h"]
    boxes = np.asarray(det.boxes, dtype=float) / [scale_w, scale_h]
    labels = [label for label, _ in (cls.cls_res or [])]
    lines = [(box, text.strip(), score) for box, text, score in zip(boxes, rec.txts, rec.scores)
             if text.strip() and score >= MIN_LINE_SCORE]
    return lines, labels


def page_rotation(boxes: list[np.ndarray], labels: list[str]) -> int:
    """How the page was turned (0/90/180/270, counter-clockwise) judged by all its lines.

    RapidOCR turns a tall box's crop 90° counter-clockwise before reading it; the classifier
    then says whether the crop is upside down. Both votes together give the page rotation.
    """
    tall = sum(1 for b in boxes if _box_size(b)[1] > 1.5 * _box_size(b)[0])
    flipped = sum(1 for label in labels if label == "180")
    sideways = tall * 2 > len(boxes)
    upside_down = flipped * 2 > len(labels) if labels else False
    return {(False, False): 0, (False, True): 180, (True, True): 90, (True, False): 270}[
        (sideways, upside_down)]


def _box_size(box: np.ndarray) -> tuple[float, float]:
    return float(np.ptp(box[:, 0])), float(np.ptp(box[:, 1]))


def reading_order(lines: list[tuple[np.ndarray, str, float]], rotation: int,
                  width: int, height: int) -> str:
    """Join recognised boxes into lines of the upright page, top to bottom, left to right."""
    placed = []
    for box, text, _ in lines:
        x, y = box[:, 0].mean(), box[:, 1].mean()
        w, h = _box_size(box)
        upright = {0: (x, y), 180: (width - x, height - y),
                   90: (height - y, x), 270: (y, width - x)}[rotation]
        placed.append((upright[1], upright[0], min(w, h), text))
    placed.sort()
    tolerance = median(p[2] for p in placed) / 2
    rows: list[list[tuple[float, str]]] = []
    last_y = None
    for y, x, _, text in placed:
        if last_y is None or y - last_y > tolerance:
            rows.append([])
        rows[-1].append((x, text))
        last_y = y
    return "\n".join("  ".join(t for _, t in sorted(row)) for row in rows)
