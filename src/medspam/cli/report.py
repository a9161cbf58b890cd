"""``medspam report``: turn scan results into a site audit (HTML file, or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.batch.output import read_rows
from medspam.batch.report import SiteAudit, render_html
from medspam.cli.common import print_json
from medspam.errors import InputError

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``report``."""
    parser = subparsers.add_parser(
        "report", help="site audit of scan results: per host counts, charts, evidence",
        description="Group `medspam scan` results by host: pages scanned, flagged pages, shop "
        "domains linked, the evidence for each flagged page, and charts, in one "
        "self-contained HTML file. Exit 0 nothing flagged, 1 something flagged, 2 error.")
    parser.add_argument("results", type=Path, help="results file written by `medspam scan`")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here")
    parser.add_argument("--title", default="medspam site audit", help="report title")
    parser.add_argument("--json", action="store_true", help="print the per-host audit as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the audit, write the HTML and/or print JSON; exit 1 when anything was flagged."""
    if args.html is None and not args.json:
        msg = "nothing to do: pass --html FILE and/or --json"
        raise InputError(msg)
    audit = SiteAudit.from_rows(read_rows(args.results))
    if args.html is not None:
        args.html.write_text(render_html(audit, title=args.title), encoding="utf-8")
    if args.json:
        print_json(audit.to_dict())
    return 1 if audit.flagged else 0
