"""Where the request being handled comes from, for records made deep inside the services.

The audit trail records from which address a staff member acted, yet the services take
an actor, not a request. ``ClientAddressMiddleware`` (nashr.core.middleware) puts the
client's address in a context variable for the time of one request and clears it
afterwards; the services' records read its keyed hash here. A context variable rather
than a thread-local: under ASGI one thread serves many requests, each with its own
context. Commands, tasks and the demo run outside any request, so for them it is empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from nashr.core.clients import address_hash

_CLIENT_ADDRESS: ContextVar[str] = ContextVar("nashr_client_address", default="")


@contextmanager
def client_address_set(address: str) -> Iterator[None]:
    """The client's address for the code run inside the block, restored after it."""
    token = _CLIENT_ADDRESS.set(address)
    try:
        yield
    finally:
        _CLIENT_ADDRESS.reset(token)


def current_address_hash() -> str:
    """The keyed hash of the current request's client address; "" outside a request.

    Hashed only when asked for: most requests record nothing.
    """
    address = _CLIENT_ADDRESS.get()
    return address_hash(address) if address else ""
