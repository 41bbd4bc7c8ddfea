"""Caches that misbehave the ways a shared cache can: down, or forgetting a key at once."""

from django.core.cache.backends.locmem import LocMemCache


class DownCache(LocMemCache):
    """A cache server that refuses every connection."""

    def add(self, *args, **kwargs):
        raise ConnectionRefusedError("cache server down")


class ForgetfulCache(LocMemCache):
    """Every key expires before it is read again (the window ran out between two calls)."""

    def add(self, *args, **kwargs):
        return True

    def incr(self, key, delta=1, version=None):
        self.delete(key, version=version)
        return super().incr(key, delta, version=version)  # ValueError: the key is gone


class ForgetsOnceCache(LocMemCache):
    """The count's key expires once, just between making it and counting (then behaves)."""

    forgot = False

    def incr(self, key, delta=1, version=None):
        if not ForgetsOnceCache.forgot:
            ForgetsOnceCache.forgot = True
            self.delete(key, version=version)
        return super().incr(key, delta, version=version)
