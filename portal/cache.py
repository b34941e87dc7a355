"""The shared cache on Redis, made to ride out a Redis outage.

The cache holds copies (sessions are written through to the database) and rate-limit
counts, so a Redis that stopped must not stop people: while it is down, a read is a miss and
a copy is not kept. What must not be lost stays strict: deleting a key (a log-out, a session
key changed at log-in) raises, because a copy left behind would outlive the outage; and
``add``, which claims something once (a one-time code used), answers "already there", so
nothing is claimed twice while the cache cannot tell.

One exception: the short lock django-allauth's rate limiter takes around each count
(``allauth:rl:...:lock``, with ``add`` then ``delete``) is granted, and its release skipped,
while Redis is down. Refused, every log-in, sign-up and password reset waited a second and
was answered 429 for as long as the outage lasted; granted, the count it guards reads a miss,
so the limits do not count until Redis is back, as every other copy.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError)


def _down(operation, error):
    logger.warning("Cache %s skipped, Redis does not answer (%s).", operation, error)


class OutageTolerantRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE as error:
            _down("read", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE as error:
            _down("read", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE as error:
            _down("read", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except OUTAGE as error:
            _down("write", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE as error:
            _down("write", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE as error:
            _down("write", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE as error:
            _down("claim", error)
            return _rate_limit_lock(key)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE as error:
            if not _rate_limit_lock(key):
                raise
            _down("release", error)
            return False


def _rate_limit_lock(key):
    """The lock allauth's rate limiter holds while it updates a count (its key's shape is
    allauth's: tests/portal/test_cache.py runs the limiter itself against a Redis that is
    down, so a change of that shape fails there)."""
    return isinstance(key, str) and key.startswith("allauth:rl:") and key.endswith(":lock")
