"""Electronic-record packages (EEP) of a handover batch: exported through HTTP and the CLI,
read back and verified as the receiving side would; masked for masked roles, refused for
roles that may not export, logged once per document; tampering found by verify-eep."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from search_service.access.audit import Filters
from search_service.api.app import create_app
from search_service.archive_room.eep.package import MANIFEST
from search_service.archive_room.eep.verify import verify_export
from search_service.cli.main import main
from tests.search_service.archive_room.conftest import Clients
from tests.search_service.conftest import TEST_SECRET, IndexedArchive

WEST = "3301000002"  # 张三丰, 城西供电所: 用电申请书.txt with the phone 13998765432
PHONE = "13998765432"


def accepted_batch(users) -> dict:  # noqa: ANN001
    """A batch of WEST handed over by the clerk and accepted by the unit's archivist."""
    created = users["clerk_west"].post("/api/handovers", json={"accounts": [WEST],
                                                               "gaps_reason": "补交中"})
    assert created.status_code == 201, created.text
    batch = created.json()
    decided = users["archivist_west"].post(f"/api/handovers/{batch['id']}/decisions", json={
        "items": [{"doc_id": d["doc_id"], "accept": True} for d in batch["documents"]]})
    assert decided.json()["status"] == "已接收"
    return decided.json()


def export(client, batch_id: int, tmp_path: Path, name: str) -> Path:  # noqa: ANN001
    response = client.get(f"/api/handovers/{batch_id}/eep.zip")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def rezip(path: Path, contents: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


def test_archivist_exports_packages_with_originals_that_verify(room_app, users,
                                                               indexed_archive, tmp_path) -> None:
    batch = accepted_batch(users)
    path = export(users["archivist_west"], batch["id"], tmp_path, "eep.zip")
    report = verify_export(path)
    assert report.ok, report.errors
    assert (report.packages, report.batch_no, report.masked) == (
        len(batch["documents"]), batch["batch_no"], False)
    contents = members(path)
    packages = sorted(n for n in contents if n.startswith("records/"))
    assert len(packages) == len(batch["documents"]) and MANIFEST in contents
    package = etree.fromstring(contents[packages[0]])
    entity = package.find("被签名对象/封装内容/文件实体块/文件实体")
    doc = next(d for d in batch["documents"] if d["doc_id"] == entity.get("档案编号"))
    assert entity.findtext("著录项/户号") == WEST and entity.findtext("著录项/户名") == "张三丰"
    assert entity.findtext("著录项/供电单位") == "城西供电所"
    assert entity.findtext("著录项/文件类别") == "用电申请书"
    assert entity.findtext("移交信息/移交批次") == batch["batch_no"]
    assert entity.findtext("移交信息/接收人") == "archivist_west"
    assert entity.findtext("移交信息/接收日期")  # the filing date
    original = base64.b64decode(entity.findtext("文件数据"))
    assert original == (indexed_archive.root / doc["path"]).read_bytes()
    fixity = {e.get("算法"): e.text for e in entity.findall("固化信息/哈希值")}
    assert fixity["SHA-256"] == hashlib.sha256(original).hexdigest()
    assert fixity["SM3"] == hashlib.new("sm3", original).hexdigest()
    assert PHONE in entity.findtext("文本内容")
    assert "archivist_west" in package.findtext("电子签名块/电子签名/签名人")
    assert package.findtext("被签名对象/封装包类型") == "原始型"
    _, rows = room_app.state.access.audit.query(Filters(actions=("eep_export",)))
    assert sorted((r["user"], r["target_doc"], r["outcome"]) for r in rows) == sorted(
        ("archivist_west", d["doc_id"], "allowed") for d in batch["documents"])
    assert all(r["details"] == {"batch": batch["batch_no"], "masked": False} for r in rows)


def test_a_masked_role_gets_masked_text_and_no_originals(room_app, users, tmp_path) -> None:
    batch = accepted_batch(users)
    path = export(users["clerk_west"], batch["id"], tmp_path, "masked.zip")
    report = verify_export(path)
    assert report.ok and report.masked, report.errors
    raw = b"".join(members(path).values())
    assert PHONE.encode() not in raw and "139****5432".encode() in raw
    assert b"<\xe6\x96\x87\xe4\xbb\xb6\xe6\x95\xb0\xe6\x8d\xae" not in raw  # no <文件数据
    _, rows = room_app.state.access.audit.query(Filters(actions=("eep_export",)))
    assert {(r["user"], r["details"]["masked"]) for r in rows} == {("clerk_west", True)}


def test_refused_for_roles_that_may_not_export_and_outside_the_unit(room_app, users) -> None:
    batch = accepted_batch(users)
    assert users["auditor"].get(f"/api/handovers/{batch['id']}/eep.zip").status_code == 403
    outside = users["archivist_east"].get(f"/api/handovers/{batch['id']}/eep.zip")
    assert outside.status_code == 404 and set(outside.json()) == {"error"}
    _, rows = room_app.state.access.audit.query(Filters(actions=("eep_export",)))
    assert sorted((r["user"], r["outcome"], r["reason"]) for r in rows) == [
        ("archivist_east", "denied", "out_of_scope"), ("auditor", "denied", "role")]


def test_only_accepted_documents_are_exported(users) -> None:
    created = users["clerk_west"].post("/api/handovers", json={"accounts": [WEST],
                                                               "gaps_reason": "补交中"}).json()
    waiting = users["archivist_west"].get(f"/api/handovers/{created['id']}/eep.zip")
    assert waiting.status_code == 400 and "已接收" in waiting.json()["error"]["message"]


def test_verify_finds_tampering_and_missing_packages(users, tmp_path) -> None:
    batch = accepted_batch(users)
    good = members(export(users["archivist_west"], batch["id"], tmp_path, "eep.zip"))
    name = next(n for n in good if n.startswith("records/"))

    text_changed = dict(good)
    text_changed[name] = good[name].replace("张三丰".encode(), "李四".encode(), 1)
    errors = verify_export(rezip(tmp_path / "a.zip", text_changed)).errors
    assert any("被签名对象与签名结果" in e for e in errors)
    assert any("与清单不符" in e for e in errors)

    missing = {n: d for n, d in good.items() if n != name}
    assert verify_export(rezip(tmp_path / "b.zip", missing)).errors == [
        f"清单中的封装包缺失：{name}"]

    package = etree.fromstring(good[name])
    payload = package.find("被签名对象/封装内容/文件实体块/文件实体/文件数据")
    payload.text = base64.b64encode(b"another file").decode()
    single = tmp_path / "one.xml"
    single.write_bytes(etree.tostring(package, encoding="UTF-8", xml_declaration=True))
    errors = verify_export(single).errors
    assert any("原文件与固化信息的 SHA-256 不符" in e for e in errors)
    assert any("被签名对象与签名结果" in e for e in errors)


def test_a_file_changed_since_indexing_is_not_exported(indexed_archive, tmp_path) -> None:
    root = tmp_path / "archive"
    shutil.copytree(indexed_archive.root, root, symlinks=True)
    private = IndexedArchive(root, indexed_archive.private_copy(tmp_path).index_dir)
    users = Clients(create_app(private.settings()))
    batch = accepted_batch(users)
    changed = root / batch["documents"][0]["path"]
    changed.write_bytes(changed.read_bytes() + b"\n")
    response = users["archivist_west"].get(f"/api/handovers/{batch['id']}/eep.zip")
    assert response.status_code == 400
    assert batch["documents"][0]["path"] in response.json()["error"]["message"]


def test_cli_exports_as_a_named_account_and_verifies(room_app, users, indexed_archive,
                                                     tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVE_SEARCH_SECRET", TEST_SECRET)
    batch = accepted_batch(users)
    settings = room_app.state.reader.settings
    common = ["--index", str(settings.index_dir), "--root", str(indexed_archive.root)]
    out = tmp_path / "cli.zip"
    assert main(["export-eep", batch["batch_no"], "--user", "clerk_west", "--out", str(out),
                 *common]) == 0
    assert "脱敏" in capsys.readouterr().out
    assert main(["verify-eep", str(out)]) == 0
    assert "校验通过" in capsys.readouterr().out
    assert main(["export-eep", batch["batch_no"], "--user", "nobody", *common]) == 2
    assert "没有用户" in capsys.readouterr().err
    assert main(["export-eep", "YJ-19990101-9999", "--user", "clerk_west", *common]) == 2
    assert users["auditor"]  # signed in once: the account exists
    assert main(["export-eep", batch["batch_no"], "--user", "auditor", *common]) == 1
    assert "不能导出" in capsys.readouterr().err
    broken = dict(members(out))
    broken.pop(MANIFEST)
    assert main(["verify-eep", str(rezip(tmp_path / "x.zip", broken))]) == 1
    assert "缺少清单" in capsys.readouterr().out
    assert main(["verify-eep", str(tmp_path / "none.zip")]) == 2
