"""create_app: the FastAPI application of ``medspam serve``; no globals, one app per call."""

from __future__ import annotations

import base64
import hashlib
import re
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from medspam import __version__
from medspam.classifier import Classifier
from medspam.errors import MedspamError
from medspam.feedback import FeedbackStore, UnknownVerdictError
from medspam.http import classify_api, feedback_api
from medspam.http.config import ServiceSettings
from medspam.http.limits import BodyLimitMiddleware
from medspam.http.metrics import Metrics, MetricsMiddleware
from medspam.http.runner import ClassifyRunner
from medspam.http.schemas import HealthOut
from medspam.http.service import Service
from medspam.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DESCRIPTION = """Classify web pages that dress up illicit drug sales as health content, and say
why; collect moderator feedback for retraining.

**The service never fetches a URL.** A `url` you send is evidence only (it is scored like a
link); nothing the service receives makes it open a network connection."""


def create_app(classifier: Classifier, store: FeedbackStore,
               settings: ServiceSettings | None = None) -> FastAPI:
    """Build the app over one classifier and one feedback store.

    Parameters
    ----------
    classifier
        The loaded classifier every request uses.
    store
        Where classified pages and feedback are kept; closed when the app shuts down.
    settings
        Limits, API key and threads; defaults to ``ServiceSettings()``.

    """
    settings = settings or ServiceSettings()
    runner = ClassifyRunner(threads=settings.threads, timeout=settings.timeout,
                            max_pending=settings.max_pending)
    metrics = Metrics(pending=lambda: runner.pending)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.shutdown()
        store.close()

    app = FastAPI(title="medspam", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.service = Service(classifier, store, settings, runner, metrics)
    app.include_router(classify_api.router)
    app.include_router(feedback_api.router)
    _add_pages(app, metrics)
    _add_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, default=settings.max_body_bytes,
                       per_path={"/v1/classify/batch": settings.max_batch_bytes})
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def _add_pages(app: FastAPI, metrics: Metrics) -> None:
    """Add ``/`` (moderator page), ``/healthz`` and ``/metrics``."""
    service: Service = app.state.service

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def moderator_page() -> HTMLResponse:
        html, script_hash = _moderator_html()
        csp = (f"default-src 'none'; script-src '{script_hash}'; style-src 'unsafe-inline'; "
               "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")
        return HTMLResponse(html, headers={"Content-Security-Policy": csp,
                                           "X-Content-Type-Options": "nosniff"})

    @app.get("/healthz", response_model=HealthOut, tags=["service"])
    def healthz() -> dict[str, Any]:
        """Liveness, with the loaded model and threshold."""
        return {"status": "ok", "version": __version__,
                "model": service.classifier.model_info.to_dict(),
                "threshold": service.classifier.threshold}

    @app.get("/metrics", response_class=Response, tags=["service"])
    def prometheus_metrics() -> Response:
        """Prometheus text: requests by route and status, latency histogram, verdict counts."""
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")


@lru_cache(maxsize=1)
def _moderator_html() -> tuple[str, str]:
    """Return the packaged moderator page and the CSP hash of its one inline script."""
    html = resources.files("medspam").joinpath("static/moderator.html").read_text("utf-8")
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    digest = hashlib.sha256((script.group(1) if script else "").encode()).digest()
    return html, "sha256-" + base64.b64encode(digest).decode()


def _add_error_handlers(app: FastAPI) -> None:
    """Turn bad input into clear 4xx JSON errors, and bugs into a 500 that names no internals."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                   "type": e.get("type", "")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return JSONResponse({"message": f"{where}: {first['msg']}" if where else first["msg"],
                             "detail": errors}, status_code=422)

    @app.exception_handler(UnknownVerdictError)
    async def unknown_verdict(_request: Request, exc: UnknownVerdictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(MedspamError)
    async def bad_input(_request: Request, exc: MedspamError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def internal(_request: Request, _exc: Exception) -> JSONResponse:
        # Starlette re-raises the exception after this response, so the server logs it.
        return JSONResponse({"detail": "internal error (logged)"}, status_code=500)


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory``: everything from ``MEDSPAM_*`` variables.

    Each worker process of ``medspam serve --workers N`` builds its own app this way.
    """
    settings = ServiceSettings.from_env()
    classifier = Classifier.load(settings.model, settings=Settings.from_env(),
                                 trusted=settings.trust_model)
    store = FeedbackStore(settings.db, max_pages=settings.max_pages_kept)
    return create_app(classifier, store, settings)
