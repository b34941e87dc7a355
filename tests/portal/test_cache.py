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
