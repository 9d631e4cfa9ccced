"""`tianluo user add`, `tianluo db upgrade`, `tianluo audit verify` on a workspace's SQLite file."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from tianluo.cli.app import app

RUNNER = CliRunner()
ENV = {"TIANLUO_DATABASE_URL": "", "TIANLUO_NEW_PASSWORD": "correct-horse-battery"}


def _run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


def test_first_user_is_an_administrator_and_agencies_are_created(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run(
        "user",
        "add",
        "chen",
        "--agency",
        "amr",
        "--agency-kind",
        "market_regulator",
        "--role",
        "analyst",
        "--workspace",
        ws,
    )
    assert code == 0 and "admin at amr (new agency)" in out
    code, out = _run("user", "add", "li", "--agency", "amr", "--role", "analyst", "--workspace", ws)
    assert code == 0 and "analyst at amr" in out
    code, out = _run("user", "add", "li", "--agency", "amr", "--workspace", ws)
    assert code == 1 and "exists" in out
    code, out = _run("user", "add", "wu", "--agency", "bank9", "--workspace", ws)
    assert code == 1 and "kind" in out
    assert _run("db", "upgrade", "--workspace", ws)[0] == 0
    code, out = _run("audit", "verify", "--workspace", ws)
    assert code == 0 and "2 entries" in out


def test_audit_verify_on_a_missing_workspace_fails(tmp_path: Path) -> None:
    assert _run("audit", "verify", "--workspace", str(tmp_path / "none"))[0] != 0


def test_serve_answers_on_its_port(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    port = _free_port()
    env = {**os.environ, **ENV}
    command = [
        sys.executable,
        "-m",
        "tianluo",
        "serve",
        "--workspace",
        str(ws),
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/api/health")
        assert json.loads(body) == {"ok": True}
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    first = json.loads(err.decode().splitlines()[0])  # structured logs: one JSON object a line
    assert {"ts", "level", "logger", "msg"} <= set(first)
    assert (ws / "service" / "tianluo.sqlite3").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get_when_up(url: str) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
