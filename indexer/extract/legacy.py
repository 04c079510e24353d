"""Old binary Office formats (.doc, .xls, .ppt, WPS Office .wps/.et/.dps) and RTF, converted
by LibreOffice (``soffice --headless``) to DOCX/XLSX/PPTX with a time limit, then read as
those."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from indexer.errors import CorruptFileError, ExtractionTimeoutError, NeedsLibreOfficeError
from indexer.extract.base import Extracted, Limits, PageHook

KINDS = ("doc", "xls", "wps", "rtf", "ppt")
_TARGET = {"doc": "docx", "wps": "docx", "rtf": "docx", "xls": "xlsx", "ppt": "pptx"}
HINT = ("需要安装 LibreOffice 才能读取 .doc/.xls/.ppt/.wps 文件："
        "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
        "libreoffice-impress-nogui，然后运行 "
        "archive-search index --retry-failed")


def extract_legacy(path: Path, limits: Limits, on_page: PageHook, kind: str) -> Extracted:
    """Convert a ``kind`` file (doc, xls, wps, rtf) with LibreOffice, then read the result."""
    from indexer.extract import office

    binary = limits.soffice
    if not binary or not Path(binary).is_file() and not shutil.which(binary):
        raise NeedsLibreOfficeError(f"{kind.upper()} 格式{HINT}")
    target = _TARGET[kind]
    with tempfile.TemporaryDirectory(prefix="archive-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"input.{'doc' if kind == 'wps' else kind}"
        shutil.copyfile(path, source)  # a plain ASCII name: odd names break soffice
        converted = convert(binary, source, target, work, limits.soffice_timeout)
        reader = {"xlsx": office.extract_xlsx, "pptx": office.extract_pptx}.get(
            target, office.extract_docx)
        return reader(converted, limits, on_page)


def convert(binary: str, source: Path, target: str, work: Path, timeout: float) -> Path:
    """Convert ``source`` to ``target`` format in ``work``; kill LibreOffice on timeout."""
    profile = work / "profile"  # a private profile: parallel conversions do not collide
    command = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", target, "--outdir", str(work / "out"),
               str(source)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, env={**os.environ, "HOME": str(work)})
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ExtractionTimeoutError(f"LibreOffice 转换超时（超过 {timeout:.0f} 秒），已终止") from exc
    result = work / "out" / f"{source.stem}.{target}"
    if not result.is_file():  # LibreOffice's own output says nothing a person can act on
        raise CorruptFileError("LibreOffice 无法打开此文件（文件损坏、格式不符或设置了打开密码）")
    return result
