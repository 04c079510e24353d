"""OFD (GB/T 33190, the national fixed-layout format): e-invoices, e-contracts, office-suite
exports.

An OFD file is a zip: ``OFD.xml`` names the document (``DocRoot``) and carries its metadata
(DocInfo: title, author, dates, custom fields such as the invoice number); the document
lists its pages, each a ``Content.xml`` of layers holding TextObject/TextCode (Unicode text
at positions in millimetres) and ImageObject (a picture from the resources). The zip is
checked against the limits before any XML is parsed, the XML is parsed without DTDs,
entities or network, and every path stays inside the package.

Text is read in reading order (lines top to bottom, each left to right, whatever order the
producer wrote the objects in), template pages included; stamp annotations and text
attachments (the invoice XML) follow the pages, then the metadata as labelled lines. A page
without text but with images is rendered (:mod:`indexer.extract.ofd_render`) and read by
OCR like a scan.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from indexer.errors import CorruptFileError, EncryptedFileError, ExtractionError
from indexer.extract.base import Limits
from indexer.extract.office import check_zip

MAX_PAGES = 5000
MAX_NESTING = 32  # PageBlock inside PageBlock
TEXT_ATTACHMENTS = (".xml", ".txt", ".json", ".csv")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)

Box = tuple[float, float, float, float]  # left, top, right, bottom in mm


@dataclass(frozen=True)
class TextRun:
    """One TextCode: its characters, each with the left edge of its box, on one baseline."""

    text: str
    xs: tuple[float, ...]
    y: float  # baseline, mm from the page's top
    size: float

    def box(self, n: int) -> Box:
        right = self.xs[n + 1] if n + 1 < len(self.xs) else self.xs[n] + _advance(
            self.text[n], self.size)
        return (self.xs[n], self.y - self.size * 0.88, max(right, self.xs[n] + self.size / 4),
                self.y + self.size * 0.12)


@dataclass(frozen=True)
class ImagePlacement:
    """An ImageObject: the package member with the picture and where it goes (mm)."""

    member: str
    box: Box


@dataclass
class OfdPage:
    width: float
    height: float
    runs: list[TextRun] = field(default_factory=list)
    images: list[ImagePlacement] = field(default_factory=list)

    def reading_order(self) -> tuple[str, list[Box | None]]:
        """The page's text in reading order and a box per character (None: a separator)."""
        return reading_order(self.runs)


class OfdDocument:
    """An open OFD package: its metadata and, on demand, its pages."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        root = self._xml("OFD.xml")
        body = _first(root, "DocBody")
        doc_root = _text(_first(body, "DocRoot")) if body is not None else ""
        if not doc_root:
            raise CorruptFileError("OFD 文件缺少文档主体（OFD.xml 未指明 DocRoot）")
        info = _first(body, "DocInfo")
        self.info = {_local(e): (e.text or "").strip() for e in (info if info is not None else ())
                     if _local(e) not in ("CustomDatas", "Keywords") and (e.text or "").strip()}
        self.custom = {e.get("Name", ""): (e.text or "").strip()
                       for e in (info.iter("{*}CustomData") if info is not None else ())
                       if e.get("Name") and (e.text or "").strip()}
        self.doc_path = _join("", doc_root)
        self.document = self._xml(self.doc_path)
        self.page_paths = [_join(self.doc_path, p.get("BaseLoc", ""))
                           for p in _children(_first(self.document, "Pages"), "Page")]
        if len(self.page_paths) > MAX_PAGES:
            raise CorruptFileError(f"OFD 页数异常（{len(self.page_paths)} 页，上限 {MAX_PAGES}）")
        self.page_ids = [p.get("ID", "") for p in _children(_first(self.document, "Pages"),
                                                             "Page")]
        common = _first(self.document, "CommonData")
        self.default_area = _area(_first(common, "PageArea")) or (210.0, 297.0)
        self.templates = {t.get("ID", ""): _join(self.doc_path, t.get("BaseLoc", ""))
                          for t in _children(common, "TemplatePage")}
        self.media = self._media(common)

    def _xml(self, member: str) -> etree._Element:
        if member not in self.names:
            raise CorruptFileError(f"OFD 文件不完整（缺少 {member or 'OFD.xml'}）")
        try:
            return etree.fromstring(self.archive.read(member), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise CorruptFileError(f"OFD 文件内部 XML 格式错误或不完整（{member}: {exc}）") from exc

    def read(self, member: str) -> bytes:
        return self.archive.read(member)

    def _media(self, common: etree._Element | None) -> dict[str, str]:
        """MultiMedia ID → package member, from the public and document resources."""
        found: dict[str, str] = {}
        for kind in ("PublicRes", "DocumentRes"):
            for ref in _children(common, kind):
                res_path = _join(self.doc_path, _text(ref))
                if res_path not in self.names:
                    continue
                res = self._xml(res_path)
                folder = _join(res_path, res.get("BaseLoc", "")) + "/"
                for media in res.iter("{*}MultiMedia"):
                    found[media.get("ID", "")] = _join(folder, _text(_first(media, "MediaFile")))
        return found

    def page(self, index: int) -> OfdPage:
        """Page ``index`` (from 0): its size, text runs and images, template content first."""
        path = self.page_paths[index]
        content = self._xml(path)
        width, height = _area(_first(content, "Area")) or self.default_area
        page = OfdPage(width, height)
        for template in _children(content, "Template"):
            template_path = self.templates.get(template.get("TemplateID", ""))
            if template_path:
                self._objects(self._xml(template_path), page)
        self._objects(content, page)
        return page

    def _objects(self, content: etree._Element, page: OfdPage) -> None:
        for layer in content.iter("{*}Layer"):
            self._block(layer, page, 0)

    def _block(self, block: etree._Element, page: OfdPage, depth: int) -> None:
        if depth > MAX_NESTING:
            raise CorruptFileError("OFD 页面结构异常（PageBlock 嵌套过深），无法解析")
        for element in block:
            name = _local(element)
            if name == "TextObject":
                page.runs.extend(text_runs(element))
            elif name == "ImageObject":
                member = self.media.get(element.get("ResourceID", ""))
                box = _boundary(element)
                if member and box:
                    page.images.append(ImagePlacement(member, box))
            elif name == "PageBlock":
                self._block(element, page, depth + 1)

    def _listing(self, name: str) -> tuple[str, list[etree._Element]]:
        """The path of the document's Annotations or Attachments list and its entries."""
        ref = _text(_first(self.document, name))
        path = _join(self.doc_path, ref) if ref else ""
        entry = "Page" if name == "Annotations" else "Attachment"
        return path, list(self._xml(path).iter(f"{{*}}{entry}")) if path in self.names else []

    def annotation_texts(self) -> list[str]:
        """Remarks and text objects of the document's annotations (stamps, notes)."""
        path, pages = self._listing("Annotations")
        texts = []
        for page in pages:
            annot_path = _join(path, _text(_first(page, "FileLoc")))
            if annot_path not in self.names:
                continue
            for annot in self._xml(annot_path).iter("{*}Annot"):
                remark = _text(_first(annot, "Remark"))
                runs = [r for t in annot.iter("{*}TextObject") for r in text_runs(t)]
                texts += [t for t in (remark, reading_order(runs)[0]) if t.strip()]
        return texts

    def attachment_texts(self, limits: Limits) -> list[str]:
        """The text of XML, plain-text, JSON and CSV attachments (e-invoice data)."""
        path, attachments = self._listing("Attachments")
        texts = []
        for attachment in attachments:
            member = _join(path, _text(_first(attachment, "FileLoc")))
            if member not in self.names or not member.lower().endswith(TEXT_ATTACHMENTS):
                continue
            if member.lower().endswith(".xml"):
                try:
                    tree = self._xml(member)
                except CorruptFileError:
                    continue  # a broken attachment does not spoil the document
                body = "\n".join(t.strip() for t in tree.itertext() if t.strip())
            else:
                body = self.read(member)[:limits.max_text_chars].decode("utf-8", "replace")
            texts.append(f"附件：{attachment.get('Name') or posixpath.basename(member)}\n{body}")
        return texts


@contextmanager
def open_ofd(path: Path, limits: Limits | None = None) -> Iterator[OfdDocument]:
    """The OFD package at ``path``, checked against the limits; errors are ExtractionErrors."""
    limits = limits or Limits()
    check_zip(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if any(i.flag_bits & 0x1 for i in archive.infolist()) or any(
                    posixpath.basename(n).lower() == "encryptions.xml" for n in names):
                raise EncryptedFileError("OFD 文件已加密（需要密钥或密码才能打开）")
            yield OfdDocument(archive)
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise CorruptFileError(f"OFD 文件损坏或不完整（{type(exc).__name__}: {exc}）") from exc
    except (ValueError, IndexError, KeyError) as exc:
        raise CorruptFileError(f"OFD 文件内容异常（{type(exc).__name__}: {exc}）") from exc


# --------------------------------------------------------------------------- text geometry


def text_runs(obj: etree._Element) -> list[TextRun]:
    """The TextCodes of a TextObject with their characters' positions on the page (mm)."""
    box = _boundary(obj)
    if box is None:
        return []
    ctm = _numbers(obj.get("CTM", "")) or [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    if len(ctm) != 6:
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    scale = abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]) ** 0.5 or 1.0
    size = (_float(obj.get("Size")) or 3.5) * scale
    runs, x, y = [], 0.0, 0.0
    for code in obj.iter("{*}TextCode"):
        text = code.text or ""
        x = _float(code.get("X"), x)
        y = _float(code.get("Y"), y)
        deltas = _deltas(code.get("DeltaX", ""), len(text))
        xs, cx = [], x
        for n, char in enumerate(text):
            xs.append(cx)
            cx += deltas[n] if n < len(deltas) else _advance(char, size / scale)
        if text.strip():
            px = [ctm[0] * v + ctm[2] * y + ctm[4] + box[0] for v in xs]
            py = ctm[1] * x + ctm[3] * y + ctm[5] + box[1]
            runs.append(TextRun(text, tuple(px), py, size))
        x = cx
    return runs


def reading_order(runs: list[TextRun]) -> tuple[str, list[Box | None]]:
    """Runs grouped into lines by baseline (top to bottom), each line left to right; a wide
    gap within a line becomes a tab (a form's label and value), lines end with a newline."""
    lines: list[list[TextRun]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.xs[0])):
        if lines and abs(run.y - lines[-1][0].y) <= 0.4 * max(run.size, lines[-1][0].size):
            lines[-1].append(run)
        else:
            lines.append([run])
    text: list[str] = []
    boxes: list[Box | None] = []
    for line in lines:
        end = None
        for run in sorted(line, key=lambda r: r.xs[0]):
            if end is not None and run.xs[0] - end > run.size * 0.8:
                text.append("\t")
                boxes.append(None)
            for n, char in enumerate(run.text):
                text.append(char)
                boxes.append(run.box(n))
            end = run.box(len(run.text) - 1)[2]
        text.append("\n")
        boxes.append(None)
    return "".join(text).rstrip("\n"), boxes[:len("".join(text).rstrip("\n"))]


def _advance(char: str, size: float) -> float:
    return size if ord(char) > 0x2E7F else size / 2


def _deltas(value: str, count: int) -> list[float]:
    """DeltaX/DeltaY: numbers, where ``g N d`` stands for N times d."""
    tokens, out, n = value.split(), [], 0
    while n < len(tokens) and len(out) < count:
        if tokens[n] == "g" and n + 2 < len(tokens):
            out += [_float(tokens[n + 2])] * min(int(_float(tokens[n + 1])), count)
            n += 3
        else:
            out.append(_float(tokens[n]))
            n += 1
    return out


# --------------------------------------------------------------------------- small XML helpers


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _first(element: etree._Element | None, name: str) -> etree._Element | None:
    return None if element is None else element.find(f"{{*}}{name}")


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if element is None else element.findall(f"{{*}}{name}")


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _join(base: str, ref: str) -> str:
    """A package path: ``ref`` from the folder of member ``base``, or from the root with a
    leading slash; never outside the package."""
    ref = ref.strip().replace("\\", "/")
    joined = ref if ref.startswith("/") else posixpath.join(posixpath.dirname(base), ref)
    return posixpath.normpath("/" + joined).lstrip("/")  # ".." stops at the package root


def _float(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def _numbers(value: str) -> list[float]:
    return [_float(v) for v in value.split()]


def _boundary(element: etree._Element) -> Box | None:
    values = _numbers(element.get("Boundary", ""))
    return (values[0], values[1], values[0] + values[2], values[1] + values[3]) \
        if len(values) == 4 else None


def _area(area: etree._Element | None) -> tuple[float, float] | None:
    values = _numbers(_text(_first(area, "PhysicalBox")))
    return (values[2], values[3]) if len(values) == 4 and values[2] > 0 and values[3] > 0 else None
