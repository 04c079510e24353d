"""Schemathesis against /openapi.json: no input yields a 500, every response fits the schema.

Hypothesis drives each operation's strategy directly (schemathesis' pytest plugin does not
support pytest 9 yet); examples are few and derandomized so the run stays short.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from search_service.api.app import create_app
from tests.search_service.conftest import bearer_token

EXAMPLES = 100


OPERATIONS = {
    "GET /api/search", "GET /api/suggest", "GET /api/documents/{doc_id}",
    "GET /api/documents/{doc_id}/file",
    "GET /api/customers/{account_no}", "GET /api/health", "POST /api/login", "POST /api/logout",
    "GET /api/me", "GET /api/audit/events", "GET /api/audit/events.csv", "GET /api/audit/verify",
    "GET /api/audit/alerts", "GET /api/failed-files",
    "GET /api/admin/users", "POST /api/admin/users", "PUT /api/admin/users/{name}/role",
    "POST /api/admin/users/{name}/disable", "POST /api/admin/users/{name}/enable",
    "POST /api/admin/users/{name}/unlock", "POST /api/admin/users/{name}/password",
    "GET /api/admin/users/{name}/tokens", "DELETE /api/admin/tokens/{token_id}",
    "GET /api/me/tokens", "POST /api/me/tokens", "DELETE /api/me/tokens/{token_id}",
    "GET /api/oversight/overview", "GET /api/oversight/lists/{name}",
    "GET /api/oversight/export.xlsx", "GET /api/oversight/assessment",
    "GET /api/oversight/assessment.xlsx", "GET /api/spot-checks", "POST /api/spot-checks",
    "GET /api/spot-checks/{check_id}", "PUT /api/spot-checks/{check_id}/items",
    "POST /api/spot-checks/{check_id}/finish", "GET /api/spot-checks/{check_id}/report.pdf",
    # the archive room and the page viewer
    "GET /api/documents/{doc_id}/pages/{number}.png", "GET /api/documents/{doc_id}/masked.pdf",
    "POST /api/loans", "GET /api/loans", "GET /api/loans/mine", "GET /api/loans/pending",
    "GET /api/loans/register.xlsx", "GET /api/loans/{loan_id}",
    "POST /api/loans/{loan_id}/approve", "POST /api/loans/{loan_id}/refuse",
    "POST /api/loans/{loan_id}/return", "POST /api/loans/{loan_id}/renew",
    "POST /api/handovers/check", "POST /api/handovers", "GET /api/handovers",
    "GET /api/handovers/{batch_id}", "POST /api/handovers/{batch_id}/decisions",
    "GET /api/handovers/{batch_id}/list.pdf", "GET /api/handovers/{batch_id}/list.xlsx",
    "GET /api/handovers/{batch_id}/eep.zip",
    "GET /api/paper", "PUT /api/customers/{account_no}/paper", "GET /api/retention/due",
    "POST /api/retention/proposals", "POST /api/retention/cases/{case_id}/decision",
    "GET /api/retention/register", "GET /api/retention/register.xlsx"}


@pytest.fixture(scope="module")
def app(indexed_archive, tmp_path_factory):
    """The service on a copy of its own: fuzzed sign-ins, loans and handovers stay there."""
    own = indexed_archive.private_copy(tmp_path_factory.mktemp("openapi"))
    return create_app(own.settings())


# A query with nothing searchable in it (")") is a documented 400, not a schema violation.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "423", "429", "5xx"]}}})


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@pytest.fixture(scope="module")
def tokens(app):
    """Requests as a city-level archivist (archive routes), an auditor (log routes) or an
    administrator (account routes)."""
    return {role: {"Authorization": f"Bearer {bearer_token(app, role, role)}"}
            for role in ("archivist", "auditor", "admin")}


def operations(schema) -> dict[str, object]:
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.label] = operation
    return found


def test_every_api_operation_is_covered(api_schema):
    assert set(operations(api_schema)) == OPERATIONS


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_conforms_to_its_schema(api_schema, tokens, label):
    operation = operations(api_schema)[label]
    auth = tokens["auditor" if "/api/audit/" in label
                  else "admin" if "/api/admin/" in label else "archivist"]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call_and_validate(headers=auth)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}

    check()
