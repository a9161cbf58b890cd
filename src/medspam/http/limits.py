"""BodyLimitMiddleware: refuse request bodies over a size limit while they stream in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from collections.abc import Mapping

    from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(HTTPException):
    """The request body is over the limit (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        """Say which limit was passed."""
        super().__init__(413, f"request body is larger than the limit of {limit} bytes")


class BodyLimitMiddleware:
    """ASGI middleware: 413 when ``Content-Length`` or the bytes received pass the limit.

    The body is counted as it arrives, so a client that lies about or omits
    ``Content-Length`` (chunked upload) is stopped at the limit, not after reading it all.

    Parameters
    ----------
    app
        The wrapped ASGI application.
    default
        Limit in bytes for every path not in ``per_path``.
    per_path
        Limits for particular paths, e.g. a larger one for batches.

    """

    def __init__(self, app: ASGIApp, *, default: int, per_path: Mapping[str, int]) -> None:
        """Wrap ``app`` with the limits."""
        self.app = app
        self.default = default
        self.per_path = dict(per_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes received."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default)
        if _content_length(scope) > limit:
            error = BodyTooLargeError(limit)
            await JSONResponse({"detail": error.detail}, status_code=413,
                               headers={"Connection": "close"})(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int:
    """Return the declared ``Content-Length``, or 0 when absent or unreadable."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
