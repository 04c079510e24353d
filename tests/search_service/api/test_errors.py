"""Every error leaves the API as ``{"error": {"code", "message"}}`` with a Chinese message."""

from __future__ import annotations

import re

import pytest

HAN = re.compile(r"[\u4e00-\u9fff]")


def assert_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert HAN.search(body["error"]["message"]), body
    return body["error"]["message"]


@pytest.mark.parametrize("params,names", [
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"page_size": "101"}, "page_size"),
    ({"sort": "price"}, "sort"),
    ({"date_from": "2023-13-01"}, "date_from"),
    ({"date_to": "昨天"}, "date_to"),
    ({"q": "明" * 501}, "q"),
])
def test_bad_parameters_are_422_naming_the_parameter(client, params, names):
    message = assert_error(client.get("/api/search", params=params), 422, "invalid_parameter")
    assert names in message


def test_422_lists_every_bad_parameter(client):
    message = assert_error(client.get("/api/search", params={"page": "0", "sort": "x"}),
                           422, "invalid_parameter")
    assert "page" in message and "sort" in message and "relevance" in message
    assert "'relevance'、'date_desc'、'date_asc'" in message and " or " not in message


def test_unparseable_queries_are_400_or_answered(client):
    """Whoosh's parser is lenient; whatever a user types yields a result or a 400."""
    for q in ('"', "(", "AND", "title:", "明远 OR", "*", "content:[a TO", "\\", "~2", "^"):
        response = client.get("/api/search", params={"q": q})
        if response.status_code != 200:
            assert_error(response, 400, "bad_query")


def test_query_of_punctuation_only_is_400(client):
    message = assert_error(client.get("/api/search", params={"q": "，。！"}), 400, "bad_query")
    assert "没有可检索的词" in message


def test_unknown_api_path_and_method(client):
    assert_error(client.get("/api/nothing"), 404, "not_found")
    assert_error(client.post("/api/search"), 405, "method_not_allowed")


def test_bad_document_id_is_422(client):
    assert_error(client.get("/api/documents/not-an-id"), 422, "invalid_parameter")


def test_pages_render_errors_as_a_page(client):
    response = client.get("/", params={"page": "0"})
    assert response.status_code == 422 and "text/html" in response.headers["content-type"]
    assert "参数 page 应不小于 1" in response.text
    response = client.get("/customers/9999999999")
    assert response.status_code == 404 and "没有户号为“9999999999”的客户或档案" in response.text
