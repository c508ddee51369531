"""An API key attached where only the wire sees it: in the request line or headers a connection
writes to one service's host, below every layer that logs or raises.

OpenAlex takes its key as a query parameter (`api_key=`). A key put into the URL a session is
given would reach the transport's log lines, its retry messages, urllib3's own warnings and
the text of connection errors, none of which know to hide a query parameter. So the key is
added by the connection itself, as it writes the request line (or, for Semantic Scholar's
`x-api-key`, the headers), and only when that connection goes to the service's own scheme,
host, port and path: a redirect elsewhere, or any other host the session talks to, never
gets it. requests' PreparedRequest, the Response's `url` and urllib3's recorded URLs stay as
the caller wrote them.

Requests through a proxy go out without the key (urllib3 builds their connections apart).

Imports urllib3: load it only where a request is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class ApiKey:
    """Where one service's key goes: its origin and path, and a query parameter or a header."""

    scheme: str
    host: str
    port: int
    path: str  # the base URL's path without a trailing slash ("" for the root)
    key: str = field(repr=False)
    query_param: str | None = None
    header: str | None = None

    @classmethod
    def for_url(
        cls, base_url: str, key: str, *, query_param: str | None = None, header: str | None = None
    ) -> ApiKey:
        parts = urlsplit(base_url)
        scheme = parts.scheme.lower()
        return cls(
            scheme=scheme,
            host=_host(parts.hostname or ""),
            port=parts.port or DEFAULT_PORTS.get(scheme, 0),
            path=parts.path.rstrip("/"),
            key=key,
            query_param=query_param,
            header=header,
        )

    def applies(self, scheme: str, host: str, port: int | None, target: str) -> bool:
        """Whether a request for `target` (the request line's path and query) on a connection
        to scheme://host:port is one for this service."""
        if (scheme, _host(host), port or DEFAULT_PORTS.get(scheme)) != (
            self.scheme,
            self.host,
            self.port,
        ):
            return False
        path = target.split("?", 1)[0]
        return not self.path or path == self.path or path.startswith(self.path + "/")

    def target(self, target: str) -> str:
        if self.query_param is None:
            return target
        joiner = "&" if "?" in target else "?"
        return f"{target}{joiner}{quote(self.query_param)}={quote(self.key, safe='')}"


def attach_api_key(session: requests.Session, api_key: ApiKey) -> bool:
    """Have `session` send `api_key` on its requests to the key's service, and only there.

    Works on the transport adapter that serves the service's URL (http.build_session's, or a
    test's stand-in built on requests' HTTPAdapter); False when that adapter has no urllib3
    pool manager to extend, and the requests go out without the key.
    """
    base = f"{api_key.scheme}://{api_key.host}:{api_key.port}{api_key.path}/"
    manager = getattr(session.get_adapter(base), "poolmanager", None)
    if not isinstance(manager, PoolManager):
        return False
    # Pools are made per host on first use: from now on every one this adapter makes has
    # connections that know the key, and each decides per request whether it applies.
    manager.clear()
    manager.pool_classes_by_scheme = _pool_classes(api_key)
    return True


def _pool_classes(api_key: ApiKey) -> dict[str, type[HTTPConnectionPool]]:
    def put(
        connection: HTTPConnection,
        scheme: str,
        method: str,
        target: str,
        send: Callable[[str, str], None],
    ) -> None:
        applies = api_key.applies(scheme, connection.host, connection.port, target)
        send(method, api_key.target(target) if applies else target)
        if applies and api_key.header is not None:
            connection.putheader(api_key.header, api_key.key)

    class Keyed:
        """Mixed in before urllib3's connection class: the key goes on as the request line
        is written, for the connection's own scheme."""

        scheme = "http"

        def putrequest(
            self,
            method: str,
            url: str,
            skip_host: bool = False,
            skip_accept_encoding: bool = False,
        ) -> None:
            def send(method: str, url: str) -> None:
                super(Keyed, self).putrequest(  # type: ignore[misc]
                    method, url, skip_host, skip_accept_encoding
                )

            put(self, self.scheme, method, url, send)  # type: ignore[arg-type]

    class KeyedHTTPConnection(Keyed, HTTPConnection):
        scheme = "http"

    class KeyedHTTPSConnection(Keyed, HTTPSConnection):
        scheme = "https"

    class KeyedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = KeyedHTTPConnection

    class KeyedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = KeyedHTTPSConnection

    return {"http": KeyedHTTPConnectionPool, "https": KeyedHTTPSConnectionPool}


def _host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()
