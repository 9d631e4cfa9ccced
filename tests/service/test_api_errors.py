"""Errors are JSON, never a stack trace; logs are JSON lines."""

from __future__ import annotations

import json
import logging

from service_api import Api

from tianluo.service.logs import JsonFormatter


def test_an_unexpected_failure_is_a_json_500_without_a_trace(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    workspace.result_path("participant_stats").write_bytes(b"not parquet")
    response = api.get("/api/statistics", as_="amr_analyst")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "internal error; it was logged"}
    }
    assert "Traceback" not in response.text


def test_wrong_method_is_json_405(api: Api) -> None:
    response = api.client.delete("/api/screen")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_log_lines_are_json_with_their_fields() -> None:
    record = logging.makeLogRecord(
        {
            "name": "tianluo.service.access",
            "msg": "request",
            "levelname": "INFO",
            "path": "/api/screen",
            "status": 200,
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "request" and line["path"] == "/api/screen" and line["status"] == 200
