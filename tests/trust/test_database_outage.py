"""The database connection dropped under a running server: no lasting damage."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection

from tests.utils import production_env, start_web, stop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _terminate_other_backends() -> int:
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [params["NAME"]],
        ).fetchall()
    return len(rows)


@pytest.fixture
def gunicorn_server(tmp_path):
    """The production web server (one sync worker, persistent connections) on loopback."""
    env = production_env(CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"))
    process, url = start_web(env=env, log_path=tmp_path / "gunicorn.log")
    yield url
    stop(process)


def test_server_recovers_after_its_database_connections_are_killed(gunicorn_server):
    assert _get(f"{gunicorn_server}/health/")[0] == 200
    assert _terminate_other_backends() >= 1  # at least the web worker's connection
    connection.close()  # ours was killed too
    # Persistent connections are checked at the start of each request (CONN_HEALTH_CHECKS),
    # so the worker reconnects instead of failing on the dead socket.
    statuses = [_get(f"{gunicorn_server}/health/")[0] for _ in range(3)]
    assert statuses == [200, 200, 200]
    status, body = _get(f"{gunicorn_server}/health/")
    assert status == 200
    assert json.loads(body)["checks"]["database"]["ok"] is True
