"""Builders of OFD files for tests: valid packages from the sample generator's writer, and
broken or hostile ones made by editing one member."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sample_archive.ofd import Run, build_ofd, form_runs, zip_members

CONTRACT_ROWS = [("户号", "3301000001"), ("用电人", "杭州明远纺织有限公司"),
                 ("证件号码", "330102198001011234"), ("签订日期", "2023年5月12日")]


def ofd_file(path: Path, pages: list | None = None, **kwargs: object) -> Path:  # noqa: ANN401
    """A valid OFD: by default one contract page of labelled lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_ofd(pages or [form_runs("供用电合同", CONTRACT_ROWS)], **kwargs))
    return path


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def edited_ofd(path: Path, changes: dict[str, bytes | None], base: bytes | None = None) -> Path:
    """A valid OFD with members replaced, added (bytes) or removed (None)."""
    members = members_of(base or build_ofd([form_runs("供用电合同", CONTRACT_ROWS)]))
    for name, data in changes.items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    path.write_bytes(zip_members(members))
    return path


def page_xml(objects: str) -> bytes:
    """A page Content.xml holding ``objects`` (raw XML) in one layer."""
    return ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
            f'<ofd:Content><ofd:Layer ID="1">{objects}</ofd:Layer></ofd:Content></ofd:Page>'
            ).encode("utf-8")


def encrypted_member_ofd(path: Path) -> Path:
    """An OFD whose zip members carry the encryption flag (bit 0 of the general purpose
    flags, in every local header and central directory entry), as a password-protected
    zip does: zipfile refuses to read them."""
    data = bytearray(build_ofd([[Run(20, 30, "机密合同")]]))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 0x1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def ofd_zip_bomb(path: Path, padding_mb: int = 20) -> Path:
    """A valid OFD plus a resource of zeros that compresses over 1000:1."""
    return edited_ofd(path, {"Doc_0/Res/padding.bin": bytes(padding_mb * 2**20)})
