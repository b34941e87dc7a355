"""A loopback port for a server a test starts (gunicorn, Redis, PostgreSQL)."""

import os
import socket


def free_port():
    """A loopback port nobody holds, from PORTAL_TEST_FAULT_PORTS when it is set, else one
    the system gives. Probed by binding it, not by connecting: a port that an outgoing
    connection holds as its local end answers no connection, yet a server cannot bind it."""
    wanted = os.environ.get("PORTAL_TEST_FAULT_PORTS", "")
    candidates = [0]
    if wanted:
        low, high = (int(part) for part in wanted.split("-"))
        candidates = list(range(low, high + 1))
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {wanted}")
