"""Prometheus metrics of one app: requests, latency and verdicts, in a registry of its own."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from medspam.verdict import Verdict

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "unmatched"
"""Route label of requests that matched no route (keeps label values bounded)."""


class Metrics:
    """The service's metrics; one registry per app, so apps in one process do not mix."""

    def __init__(self, pending: Callable[[], float]) -> None:
        """Create the metrics; ``pending`` reports the classifications in progress."""
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "medspam_http_requests", "HTTP requests by route, method and status code.",
            ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram(
            "medspam_http_request_duration_seconds", "HTTP request latency by route.",
            ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.verdicts = Counter(
            "medspam_verdicts", "Verdicts given, by verdict and category.",
            ["verdict", "category"], registry=self.registry)
        gauge = Gauge("medspam_classifications_pending",
                      "Classifications queued or running in this process.",
                      registry=self.registry)
        gauge.set_function(pending)

    def count_verdict(self, verdict: Verdict) -> None:
        """Count one verdict."""
        self.verdicts.labels(verdict.verdict, verdict.category).inc()

    def render(self) -> bytes:
        """Return the Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


class MetricsMiddleware:
    """ASGI middleware that counts each request and times it, labelled by route template."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        """Wrap ``app``, recording into ``metrics``."""
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting its status code and duration."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def noting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        finally:
            route = getattr(scope.get("route"), "path", UNMATCHED)
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)
