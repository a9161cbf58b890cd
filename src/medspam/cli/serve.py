"""``medspam serve``: run the HTTP service (classification, moderator page, feedback)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.cli.common import add_list_options, add_model_options, load_classifier
from medspam.errors import MedspamError

if TYPE_CHECKING:
    import argparse

FACTORY = "medspam.http.app:app_from_env"


def add_parser(subparsers: Any) -> None:
    """Register ``serve``."""
    parser = subparsers.add_parser(
        "serve", help="run the HTTP service and moderator page (needs medspam[http])",
        description="Serve POST /v1/classify, /v1/classify/batch, /v1/feedback, the moderator "
        "page at /, /healthz, /metrics and OpenAPI docs at /docs. The service never fetches "
        "a URL it is given. Every MEDSPAM_HTTP_<OPTION> variable sets the option too.")
    net = parser.add_argument_group("network")
    net.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    net.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    net.add_argument("--workers", type=int, default=1,
                     help="worker processes, each with its own model copy (default: 1)")
    store = parser.add_argument_group("feedback")
    store.add_argument("--db", type=Path, help="SQLite file for pages and feedback "
                       "(default: medspam-feedback.sqlite3)")
    store.add_argument("--api-key-env", default="MEDSPAM_API_KEY", metavar="VAR",
                       help="environment variable holding the API key that feedback and export "
                       "require; unset or empty means no key (default: MEDSPAM_API_KEY)")
    store.add_argument("--keep-pages", type=int, dest="max_pages_kept", metavar="N",
                       help="classified pages kept for feedback by verdict_id (default: 10000)")
    limits = parser.add_argument_group("limits")
    limits.add_argument("--max-body", type=int, dest="max_body_bytes", metavar="BYTES",
                        help="largest request body (default: 6 MiB; 413 beyond)")
    limits.add_argument("--max-batch", type=int, dest="max_batch_pages", metavar="PAGES",
                        help="most pages per batch request (default: 32)")
    limits.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="seconds per request (default: 30)")
    limits.add_argument("--threads", type=int,
                        help="classification threads per worker (default: 4)")
    add_model_options(parser)
    add_list_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the model loads, then run uvicorn until interrupted."""
    try:
        import uvicorn  # noqa: PLC0415 - optional dependency, only this command needs it

        from medspam.http.config import ServiceSettings  # noqa: PLC0415
    except ImportError as exc:
        msg = f"{exc.name} is missing: install the http extra (pip install 'medspam[http]')"
        raise MedspamError(msg) from exc
    load_classifier(args)  # fail fast, with the CLI's error message, before any worker starts
    settings = ServiceSettings.from_env().with_options(
        db=args.db, max_pages_kept=args.max_pages_kept, max_body_bytes=args.max_body_bytes,
        max_batch_pages=args.max_batch_pages, timeout=args.timeout, threads=args.threads,
        model=args.model, trust_model=args.trust_model or None)
    os.environ.update(settings.to_env(api_key_env=args.api_key_env))
    if args.threshold is not None:
        os.environ["MEDSPAM_THRESHOLD"] = str(args.threshold)
    for name in ("allow_list", "deny_list"):  # each worker reads the files again
        if getattr(args, name) is not None:
            os.environ[f"MEDSPAM_{name.upper()}"] = str(Path(getattr(args, name)).resolve())
    uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="info", server_header=False)
    return 0
