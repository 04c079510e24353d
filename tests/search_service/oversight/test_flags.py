"""Customer-level facet values in bulk, for the search engine's records."""

from __future__ import annotations

from search_service.migrate import make_engine
from search_service.oversight.flags import customer_flags


def test_flags_per_account(oversight_archive) -> None:
    engine = make_engine(oversight_archive.settings().db_url())
    flags = customer_flags(engine, ["3302000001", "3302000002", "3302000003", "3302000005",
                                    "9999999999", ""], oversight_archive.root)
    assert flags == {
        "3302000001": {"complete": "不齐全", "missing_types": ["YK08", "YK09"],
                       "hazard_overdue": "是", "contract_state": "即将到期"},
        "3302000002": {"complete": "齐全", "missing_types": [], "hazard_overdue": "否",
                       "contract_state": "有效"},
        "3302000003": {"complete": "齐全", "missing_types": [], "hazard_overdue": "否",
                       "contract_state": "已过期"},
        "3302000005": {"complete": "不齐全",
                       "missing_types": ["YK01", "YK02", "YK03", "YK11", "YK13"],
                       "hazard_overdue": "否", "contract_state": "无合同"},
    }
