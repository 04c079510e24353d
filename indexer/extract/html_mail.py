"""Web pages (.html) and e-mail messages (.eml): their text as a reader sees it.

A page loses its scripts, styles and markup, block elements become lines. A message is its
subject, sender, recipients and date, then its text parts (an HTML-only body read as a
page), then the names of its attachments."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from indexer.errors import CorruptFileError
from indexer.extract.base import Extracted, Limits, PageHook
from indexer.tables import decode_text

_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title",
                     "table", "section", "article", "header", "footer", "pre", "blockquote"})
_CELLS = frozenset({"td", "th"})
_HEADERS = (("主题", "subject"), ("发件人", "from"), ("收件人", "to"), ("抄送", "cc"),
            ("日期", "date"))


def extract_html(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    return Extracted(html_text(decode_text(path.read_bytes())), 1)


def html_text(markup: str) -> str:
    """The visible text of an HTML page or fragment, one line per block element."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError):
        return ""  # nothing but whitespace or comments
    for element in root.iter("script", "style", "noscript", "template"):
        element.drop_tree() if element.getparent() is not None else None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _CELLS:
            element.tail = "\t" + (element.tail or "")
    lines = (line.strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def extract_eml(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    try:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except (ValueError, LookupError, TypeError) as exc:
        raise CorruptFileError("邮件文件格式不规范，无法解析") from exc
    assert isinstance(message, EmailMessage)
    lines = [f"{label}：{message[key]}" for label, key in _HEADERS if message[key]]
    lines.extend(_body_texts(message))
    names = [part.get_filename() for part in message.iter_attachments() if part.get_filename()]
    if names:
        lines.append("附件：" + "、".join(names))
    return Extracted("\n".join(lines), 1)


def _body_texts(message: EmailMessage) -> list[str]:
    """The plain-text body, or the HTML one read as a page when there is no plain text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return []
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: decode the bytes ourselves
        content = decode_text(part.get_payload(decode=True) or b"")
    if part.get_content_subtype() == "html":
        content = html_text(content)
    return [content.strip()]
