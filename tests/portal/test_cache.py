"""The shared cache while Redis does not answer (portal.cache): reads miss, copies are not
kept, a claim is refused and a delete fails, so nothing outlives the outage."""

import socket

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.cache import OutageTolerantRedisCache


@pytest.fixture
def cache_without_redis():
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return OutageTolerantRedisCache(
        f"redis://127.0.0.1:{port}/1", {"OPTIONS": {"socket_connect_timeout": 1}}
    )


def test_reads_miss(cache_without_redis):
    assert cache_without_redis.get("session", "missing") == "missing"
    assert cache_without_redis.get_many(["a", "b"]) == {}
    assert cache_without_redis.has_key("a") is False


def test_copies_are_not_kept_and_say_so(cache_without_redis):
    assert cache_without_redis.set("a", 1) is None
    assert cache_without_redis.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache_without_redis.touch("a") is False


def test_a_claim_is_refused_while_the_cache_cannot_tell(cache_without_redis):
    # allauth claims a used one-time code with add(): it must not be claimable twice.
    assert cache_without_redis.add("totp-used", True) is False


def test_a_delete_fails_loudly(cache_without_redis):
    # A log-out that could not remove the cached session must not look done.
    with pytest.raises(RedisConnectionError):
        cache_without_redis.delete("session")
    with pytest.raises(RedisConnectionError):
        cache_without_redis.delete_many(["a"])


def test_the_rate_limiters_lock_is_granted_while_redis_is_down(cache_without_redis, rf):
    """allauth's limiter locks each count with add() and releases it with delete(): refused,
    every log-in waited a second and was answered 429 for as long as Redis was down."""
    from unittest import mock

    from allauth.core.internal import ratelimit

    request = rf.post("/accounts/login/", REMOTE_ADDR="203.0.113.7")
    with mock.patch.object(ratelimit, "cache", cache_without_redis):
        usage = ratelimit.consume(request, app="allauth.account", action="login")
    assert usage is not None  # allowed: the count reads a miss while Redis is down
    assert cache_without_redis.add("allauth:rl:allauth.account:login:x:lock", True) is True
    assert cache_without_redis.delete("allauth:rl:allauth.account:login:x:lock") is False
    assert cache_without_redis.add("allauth:rl:allauth.account:login:x", True) is False
