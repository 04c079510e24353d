"""The demo's sample archive holds records past their 保管期限 (sample_archive.generator.
add_expired_records): an archivist of the demo can appraise them and produce a 销毁清册."""

from __future__ import annotations

from pathlib import Path

from sample_archive.domain import CITY_COMPANY
from search_service.config import Settings
from tests.search_service.conftest import signed_in
from tests.searching import copy_index


def test_the_demo_has_records_to_appraise_and_dispose_of(demo_index: Path, tmp_path: Path) -> None:
    index = copy_index(demo_index, tmp_path / "index")  # this test's disposal stays its own
    settings = Settings(index_dir=index, archive_root=demo_index.parent / "sample-archive", demo=True)
    first = signed_in(settings, "demo_archivist_a", "archivist", CITY_COMPANY)
    second = signed_in(first.app, "demo_archivist_b", "archivist", CITY_COMPANY)
    due = first.get("/api/retention/due").json()["documents"]
    assert len(due) >= 5 and all(d["doc_date"] < "2016" for d in due)
    assert {d["doc_type"] for d in due} == {"JC01"}
    case = first.post("/api/retention/proposals", json={"doc_id": due[0]["doc_id"],
                                                        "reason": "已过保管期限，无保存价值"})
    assert case.status_code == 201, case.text
    decided = second.post(f"/api/retention/cases/{case.json()['id']}/decision",
                          json={"approve": True, "reason": "同意销毁"})
    assert decided.json()["status"] == "disposed"
    register = first.get("/api/retention/register").json()
    assert [(c["doc_id"], c["status"]) for c in register["cases"]] == [(due[0]["doc_id"], "disposed")]
    assert first.get("/api/retention/register.xlsx").status_code == 200
