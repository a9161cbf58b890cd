"""ClassifyRunner: run classification in a bounded thread pool, with a time limit per request."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from starlette.exceptions import HTTPException

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


class ClassifyRunner:
    """Runs blocking classification jobs off the event loop.

    A job that overruns ``timeout`` gets the caller a 504; Python cannot stop a running
    thread, so the job finishes in the background (extraction limits in ``Settings`` bound
    how long that takes) and still counts towards ``max_pending`` until it does. When
    ``max_pending`` jobs are queued or running, new requests get a 503 at once.

    Parameters
    ----------
    threads
        Threads that classify.
    timeout
        Seconds a request waits for its job.
    max_pending
        Jobs queued or running before new ones are refused.

    """

    def __init__(self, *, threads: int, timeout: float, max_pending: int) -> None:
        """Start the thread pool."""
        self.timeout = timeout
        self.max_pending = max_pending
        self._pool = ThreadPoolExecutor(max(threads, 1), thread_name_prefix="medspam-classify")
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Jobs queued or running now."""
        return self._pending

    async def run(self, job: Callable[[], T]) -> T:
        """Run ``job`` in the pool and return its result.

        Raises
        ------
        HTTPException
            503 when too many jobs are pending, 504 when the job overran the time limit.

        """
        with self._lock:
            if self._pending >= self.max_pending:
                raise HTTPException(503, f"busy: {self._pending} classifications pending; "
                                    "retry shortly", headers={"Retry-After": "1"})
            self._pending += 1
        future = self._pool.submit(job)
        future.add_done_callback(self._done)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            msg = (f"classification took longer than {self.timeout:g} s; "
                   "try a smaller page or a larger time limit")
            raise HTTPException(504, msg) from None

    def _done(self, _future: Future[T]) -> None:
        """Free a pending slot when a job ends (or is cancelled before it starts)."""
        with self._lock:
            self._pending -= 1

    def shutdown(self) -> None:
        """Stop the pool; queued jobs are cancelled, running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
