import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The sign-up rate limit lives in the cache: every test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()
