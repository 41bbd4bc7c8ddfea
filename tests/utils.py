"""Helpers for tests that start the project's own processes (workers, commands)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url_for_subprocess() -> str:
    """The URL of the database this test is using (the test database, not the real one)."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    """An environment for the project's processes as production would run them."""
    # Only what a shell needs from this process: every setting is given explicitly below.
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "webinar.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "SITE_URL": "https://webinars.example.org",
            "DATABASE_URL": database_url_for_subprocess(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "VAR_DIR": str(settings.VAR_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_worker(*, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "webinar",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    """A loopback port nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_web(*, env: dict[str, str], log_path: Path, workers: int = 1) -> tuple:
    """The production web server (gunicorn) on a free loopback port, once it answers.

    Returns the process and its base URL (``http://localhost:<port>``, a host the production
    settings of ``production_env`` allow).
    """
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "webinar.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/health/", timeout=5).close()
            return process, url
        except urllib.error.HTTPError:
            return process, url  # answering, if not healthy: the test says what it expects
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    stop(process)
    raise AssertionError("gunicorn did not start:\n" + log_path.read_text())


class OwnRedis:
    """A Redis server of the test's own on a free port, which the test stops and starts again
    (never a shared one)."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder, self.process = port, folder, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def db_url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        import shutil
        import time

        import pytest
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed", pytrace=False)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        pytest.fail("the test's own Redis did not start", pytrace=False)

    def stop(self) -> None:
        if self.process:
            stop(self.process)
            self.process = None


def delivered_recipients(mail_dir: Path) -> list[str]:
    """Recipients of every message the file mail backend wrote, one entry per message."""
    import email

    recipients = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                recipients.append(email.message_from_string(chunk.strip())["To"])
    return recipients
