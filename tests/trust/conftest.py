import pytest

from tests.utils import OwnRedis


@pytest.fixture
def own_redis(tmp_path, unused_port):
    """A Redis server of this test's own, which the test stops and starts again."""
    server = OwnRedis(unused_port, tmp_path)
    server.start()
    yield server
    server.stop()
