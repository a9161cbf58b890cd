"""``medspam report``: turn scan results into a site audit (HTML file, or JSON)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.batch.output import file_identity
from medspam.batch.report import SiteAudit, render_html
from medspam.batch.rowformat import read_rows
from medspam.cli.common import file_to_write, print_json
from medspam.errors import InputError

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``report``."""
    parser = subparsers.add_parser(
        "report", help="site audit of scan results: per host counts, charts, evidence",
        description="Group `medspam scan` results by host: pages scanned, flagged pages, shop "
        "domains linked, the evidence for each flagged page, and charts, in one "
        "self-contained HTML file. Exit 0 nothing flagged, 1 something flagged, 2 error "
        "(including a file with lines but not one result row).")
    parser.add_argument("results", type=Path,
                        help="results file written by `medspam scan` (JSONL or CSV, gzipped too)")
    parser.add_argument("--html", metavar="FILE", help="write the HTML report here")
    parser.add_argument("--title", default="medspam site audit", help="report title")
    parser.add_argument("--json", action="store_true", help="print the per-host audit as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the audit, write the HTML and/or print JSON; exit 1 when anything was flagged."""
    if args.html is None and not args.json:
        msg = "nothing to do: pass --html FILE and/or --json"
        raise InputError(msg)
    html = None if args.html is None else file_to_write(args.html, "--html")
    _refuse_results_as_html(args.results, html)
    audit = _read_audit(args.results)
    if html is not None:
        _write_html(html, render_html(audit, title=args.title))
    if args.json:
        print_json(audit.to_dict())
    return 1 if audit.flagged else 0


def _refuse_results_as_html(results: Path, html: Path | None) -> None:
    """Refuse an ``--html`` file that is the results file: the report would replace the rows.

    Compared as files (:func:`~medspam.batch.output.file_identity`), so a symlink or hard
    link of the results is caught too.

    Raises
    ------
    InputError
        If ``html`` is the results file.

    """
    identity = None if html is None else file_identity(html)
    if identity is not None and identity == file_identity(results):
        msg = f"--html {html} is the results file {results}: choose another --html"
        raise InputError(msg)


def _read_audit(path: Path) -> SiteAudit:
    """Aggregate a results file; warn about lines that are not rows, refuse a file of none.

    A file with lines but not one result row (a WARC, a page, other JSON) is not a results
    file: reporting "0 pages" for it would pass it off as a clean scan.
    """
    audit = SiteAudit()

    def count_unreadable(_line: int) -> None:
        audit.unreadable += 1

    for row in read_rows(path, on_unreadable=count_unreadable):
        audit.add(row)
    if audit.unreadable and not audit.pages:
        msg = (f"{path} has no result rows ({audit.unreadable} lines of something else): "
               "give a results file written by `medspam scan`")
        raise InputError(msg)
    if audit.unreadable:
        print(f"medspam: warning: {path}: {audit.unreadable} lines are not result rows; "
              "they are not counted", file=sys.stderr)
    return audit


def _write_html(path: Path, html: str) -> None:
    """Write the report; text that is not valid Unicode (lone surrogates) is escaped.

    Raises
    ------
    InputError
        If the file cannot be written (a directory, a missing folder, no permission).

    """
    try:
        path.write_text(html, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise InputError(msg) from exc
