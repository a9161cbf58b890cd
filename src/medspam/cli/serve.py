"""``medspam serve``: run the HTTP service (classification, moderator page, feedback)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.cli.common import add_list_options, add_model_options, load_classifier, option
from medspam.errors import ConfigError, MedspamError
from medspam.feedback import FeedbackStore
from medspam.settings import COUNT, POSITIVE_INT, SECONDS, ValueRule

if TYPE_CHECKING:
    import argparse

FACTORY = "medspam.http.app:app_from_env"
MAX_PORT = 65_535
PORT = ValueRule(int, f"a port number from 1 to {MAX_PORT}", lambda v: 1 <= v <= MAX_PORT)


def add_parser(subparsers: Any) -> None:
    """Register ``serve``."""
    parser = subparsers.add_parser(
        "serve", help="run the HTTP service and moderator page (needs medspam[http])",
        description="Serve POST /v1/classify, /v1/classify/batch, /v1/feedback, the moderator "
        "page at /, /healthz, /metrics and OpenAPI docs at /docs. The service never fetches "
        "a URL it is given. Every MEDSPAM_HTTP_<OPTION> variable sets the option too. Exit 0 "
        "when stopped, 2 on a bad option, model or database, or a port already in use.")
    net = parser.add_argument_group("network")
    net.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    net.add_argument("--port", type=option(PORT), default=8000, help="port (default: 8000)")
    net.add_argument("--workers", type=option(POSITIVE_INT), default=1,
                     help="worker processes, each with its own model copy (default: 1)")
    store = parser.add_argument_group("feedback")
    store.add_argument("--db", type=Path, help="SQLite file for pages and feedback "
                       "(default: medspam-feedback.sqlite3)")
    store.add_argument("--api-key-env", default="MEDSPAM_API_KEY", metavar="VAR",
                       help="environment variable holding the API key that feedback and export "
                       "require; unset or empty means no key (default: MEDSPAM_API_KEY)")
    store.add_argument("--keep-pages", type=option(COUNT), dest="max_pages_kept", metavar="N",
                       help="classified pages kept for feedback by verdict_id (default: 10000)")
    limits = parser.add_argument_group("limits")
    limits.add_argument("--max-body", type=option(POSITIVE_INT), dest="max_body_bytes",
                        metavar="BYTES",
                        help="largest request body (default: 6 MiB; 413 beyond)")
    limits.add_argument("--max-batch", type=option(POSITIVE_INT), dest="max_batch_pages",
                        metavar="PAGES",
                        help="most pages per batch request (default: 32)")
    limits.add_argument("--timeout", type=option(SECONDS), metavar="SECONDS",
                        help="seconds per request (default: 30)")
    limits.add_argument("--threads", type=option(POSITIVE_INT),
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
    settings = ServiceSettings.from_env().with_options(
        db=args.db, max_pages_kept=args.max_pages_kept, max_body_bytes=args.max_body_bytes,
        max_batch_pages=args.max_batch_pages, timeout=args.timeout, threads=args.threads,
        model=args.model, trust_model=args.trust_model or None)
    # Fail fast, with the CLI's error message, before any worker starts.
    load_classifier(args)
    FeedbackStore(settings.db, max_pages=settings.max_pages_kept).close()
    check_port_free(args.host, args.port)
    os.environ.update(settings.to_env(api_key_env=args.api_key_env))
    if args.threshold is not None:
        os.environ["MEDSPAM_THRESHOLD"] = str(args.threshold)
    for name in ("allow_list", "deny_list"):  # each worker reads the files again
        if getattr(args, name) is not None:
            os.environ[f"MEDSPAM_{name.upper()}"] = str(Path(getattr(args, name)).resolve())
    uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="info", server_header=False)
    return 0


def check_port_free(host: str, port: int) -> None:
    """Refuse an address that cannot be bound, before any worker starts.

    Otherwise uvicorn logs an ERROR and exits 3; binding the way it does (``SO_REUSEADDR``)
    finds a port in use, a host that is not local, or a port that needs privileges.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:
        msg = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise ConfigError(msg) from exc
