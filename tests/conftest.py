from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import EventFactory, SeriesFactory, UserFactory, default_series
from webinar import roles

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_sessionstart(session):
    """Forget the content types cached by an earlier session of the same process.

    mutmut runs several sessions in one process, each on a test database of its own (kept with
    ``--reuse-db``): ids cached from the previous database would be written into this one's
    admin log and fail its foreign key.
    """
    from django.apps import apps

    if apps.ready:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Under `make mutation`, a mutant's quickest tests run first.

    mutmut stops at the first failing test (``-x``), so a mutant caught by a test of a few
    milliseconds is not also put through the PDF renders. The durations are those mutmut
    measured (``mutants/mutmut-stats.json``: the call alone), replaced by the whole time of
    each test (fixtures included) where its stats run recorded it. pytest-django's own
    ordering (transactional tests last) is applied after this one and keeps it within each
    group.
    """
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    stats = Path("mutmut-stats.json")
    if not stats.exists():
        return
    durations = json.loads(stats.read_text()).get("duration_by_test", {})
    # mutmut times a test's call only: a test whose fixture renders a PDF looks instant.
    durations.update(_whole_durations())
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


# Under mutmut's stats run, each test's whole time (setup, call and teardown), by node id; kept
# in the folder it runs in (mutants/) for the ordering above.
WHOLE_DURATIONS = Path("mutmut-whole-durations.json")
_whole_durations_of_this_session: dict[str, float] = {}


def _whole_durations() -> dict[str, float]:
    try:
        return json.loads(WHOLE_DURATIONS.read_text())
    except (OSError, ValueError):
        return {}


def pytest_runtest_logreport(report):
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        seen = _whole_durations_of_this_session.get(report.nodeid, 0.0)
        _whole_durations_of_this_session[report.nodeid] = seen + report.duration


def _database_name_at_start() -> str:
    from django.conf import settings

    return settings.DATABASES["default"]["NAME"]


# The database's name as configured, read when this module is first imported. Django's test
# set-up renames the configured database to the test one and, with --reuse-db, leaves it so;
# mutmut forks each mutant's session from the process whose stats run did that, where the name
# now read would be the test database's.
_CONFIGURED_DATABASE_NAME = _database_name_at_start()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Under `make mutation`, each mutant's session works on its own copy of the test database.

    The test database is kept from session to session (``--reuse-db``). On SQLite our
    transactions take its write lock as they begin: two mutants tested side by side on it would
    take turns, test by test, leaving one core idle. On PostgreSQL, where the sign-up's locking
    rules are exercised, the transactional tests empty it: two mutants would empty each other's.
    The copy (SQLite's backup of the file; on PostgreSQL a database made from the kept one as
    its template) is removed when the session ends.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        yield
        return
    if database["ENGINE"] == "django.db.backends.postgresql":
        yield from _postgresql_copy(database)
        return
    kept = Path(database.get("TEST", {}).get("NAME") or "")
    if database["ENGINE"] != "django.db.backends.sqlite3" or not kept.is_file():
        yield
        return
    import sqlite3

    copy = kept.with_name(f"{kept.stem}-{os.getpid()}{kept.suffix}")
    with sqlite3.connect(kept) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    database["TEST"]["NAME"] = str(copy)
    try:
        yield
    finally:
        database["TEST"]["NAME"] = str(kept)
        for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            path.unlink(missing_ok=True)


def _postgresql_copy(database: dict):
    import psycopg

    test = database.setdefault("TEST", {})
    kept = test.get("NAME") or f"test_{_CONFIGURED_DATABASE_NAME}"
    copy = f"{kept}_{os.getpid()}"
    server = {
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{kept}" STRATEGY FILE_COPY')
    test["NAME"] = copy
    try:
        yield
    finally:
        test["NAME"] = kept
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def _missing_service(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _media_of_this_session(tmp_path_factory):
    """Under `make mutation`, each session stores its files in a folder of its own.

    mutmut keeps VAR_DIR from one session to the next (for the test database), and the ids and
    slugs that name the stored reports start again in each session's database: without this, a
    session would find another's files where it expects only its own.
    """
    if "MUTANT_UNDER_TEST" not in os.environ:
        yield
        return
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _required_services(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing_service("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    if request.node.get_closest_marker("redis") and not redis_reachable(TEST_REDIS_URL):
        _missing_service(f"this test needs Redis at {TEST_REDIS_URL}")


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts in English. A request leaves its language active in the thread, so
    without this an Arabic page in one test would turn the next test's messages Arabic."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    from tests.utils import free_port

    return free_port()


@pytest.fixture
def broker_down(unused_port):
    """Celery pointed at a Redis port that refuses connections, as in an outage."""
    from django.conf import settings

    from webinar.celery import app

    keys = ("task_always_eager", "broker_url", "broker_write_url", "broker_transport_options")
    saved = {key: app.conf.get(key) for key in keys}
    down = f"redis://127.0.0.1:{unused_port}/0"
    app.conf.update(
        task_always_eager=False,
        broker_url=down,
        # Celery prefers the CELERY_BROKER_URL environment variable to broker_url (CI sets it to
        # a Redis that works): the write URL is what publishing uses, and it wins over both.
        broker_write_url=down,
        broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS,
    )
    _forget_broker_connections()
    yield
    app.conf.update(saved)
    _forget_broker_connections()


def _forget_broker_connections() -> None:
    """The next message opens a connection to the configured broker (the producer pool keeps
    its own: resetting the connection pool alone would publish to the previous broker)."""
    from webinar.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_url() -> str:
    return TEST_REDIS_URL


@pytest.fixture
def event(db):
    return EventFactory()


def _role_group(name: str) -> Group:
    """The role's group; transactional tests flush the one the data migration made."""
    from django.contrib.auth.models import Permission

    if not Group.objects.filter(name=name).exists():
        roles.sync_role_groups(group_model=Group, permission_model=Permission)
    return Group.objects.get(name=name)


@pytest.fixture
def organiser(db):
    """An organiser in the team of the test series (where factories put events)."""
    user = UserFactory(is_staff=True)
    user.groups.add(_role_group(roles.ORGANISERS))
    default_series().team.add(user)
    return user


@pytest.fixture
def rapporteur(db):
    user = UserFactory(is_staff=True)
    user.groups.add(_role_group(roles.RAPPORTEURS))
    default_series().team.add(user)
    return user


@pytest.fixture
def other_organiser(db):
    """An organiser of another series: nothing of the test series is theirs."""
    user = UserFactory(is_staff=True, email="other-series@example.org")
    user.groups.add(_role_group(roles.ORGANISERS))
    SeriesFactory(title="Another series", slug="another-series").team.add(user)
    return user


@pytest.fixture
def participant(db):
    return UserFactory()


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def pytest_sessionfinish(session, exitstatus):
    """Remove the per-run folder that tests/settings.py made (database file, media, queue).

    After mutmut's stats run, record the whole time of each test it ran.
    """
    import shutil
    import tempfile

    from django.conf import settings

    if _whole_durations_of_this_session:
        WHOLE_DURATIONS.write_text(
            json.dumps({**_whole_durations(), **_whole_durations_of_this_session}, indent=0)
        )
        _whole_durations_of_this_session.clear()

    var_dir = str(settings.VAR_DIR)
    if var_dir.startswith(tempfile.gettempdir()) and "webinar-test-" in var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT after collectstatic, for server processes run with production settings."""
    from tests.utils import manage, production_env

    root = tmp_path_factory.mktemp("static")
    env = production_env(STATIC_ROOT=str(root), CELERY_BROKER_URL="filesystem://")
    env["DATABASE_URL"] = "sqlite:///:memory:"  # collectstatic needs no database
    result = manage("collectstatic", "--noinput", "-v", "0", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return str(root)
