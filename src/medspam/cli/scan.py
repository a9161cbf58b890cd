"""``medspam scan``: classify directories, JSONL and WARC files in parallel, resumably."""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from medspam.batch.inputs import InputSet
from medspam.batch.runner import WorkerConfig
from medspam.batch.scan import Progress as OnProgress
from medspam.batch.scan import ScanOptions, scan
from medspam.cli.common import (
    add_list_options,
    add_model_options,
    file_to_write,
    option,
    print_json,
    settings_from,
)
from medspam.settings import POSITIVE_INT, SECONDS, WORKERS

if TYPE_CHECKING:
    from collections.abc import Iterator

DESCRIPTION = """Classify every page of the inputs and write one row per record.

inputs: directories (searched for .html/.htm, gzipped too), JSONL files ({id, url, html} or
{id, url, text} per line, gzipped too), WARC files (.warc, .warc.gz; response records), or -
to read such names from standard input, one per line.

exit codes: 0 nothing flagged, 1 something flagged, 2 usage or input error."""


def add_parser(subparsers: Any) -> None:
    """Register ``scan``."""
    parser = subparsers.add_parser(
        "scan", help="classify directories, JSONL and WARC files (parallel, resumable)",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="directory, JSONL(.gz) or WARC(.gz) file, or - for a list")
    out = parser.add_argument_group("output")
    out.add_argument("-o", "--out", required=True, metavar="FILE",
                     help="results file, one row per record (JSONL unless --csv); "
                     "not - (--resume reads it back: use /dev/stdout to stream rows)")
    out.add_argument("--csv", action="store_true", help="write CSV instead of JSONL")
    out.add_argument("--only-flagged", action="store_true",
                     help="write only spam and error rows (the rest are still counted)")
    out.add_argument("--json", action="store_true", help="print the summary as JSON")
    again = out.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue an interrupted scan: skip the records already done")
    again.add_argument("--overwrite", action="store_true", help="replace an existing results file")
    work = parser.add_argument_group("work")
    work.add_argument("-j", "--workers", type=option(WORKERS),
                      help="worker processes (default: all cores)")
    work.add_argument("--chunk-size", type=option(POSITIVE_INT), default=32,
                      help="records per task")
    work.add_argument("--record-timeout", type=option(SECONDS), metavar="SECONDS",
                      help="time limit per record (default: 30)")
    add_model_options(parser)
    add_list_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Scan the inputs, print the summary; exit 1 when anything was flagged."""
    # Before the inputs, which may read standard input. Not "-": --resume reads results back.
    out = file_to_write(args.out, "--out")
    settings = settings_from(args).with_options(record_timeout=args.record_timeout)
    inputs = InputSet(args.inputs, max_bytes=settings.max_bytes)
    config = WorkerConfig(model=None if args.model is None else str(args.model),
                          trusted=args.trust_model, settings=settings)
    options = ScanOptions(out=out, is_csv=args.csv, resume=args.resume,
                          overwrite=args.overwrite, only_flagged=args.only_flagged,
                          workers=settings.workers or _cores(), chunk_size=args.chunk_size)
    with _progress_bar(enabled=sys.stderr.isatty()) as progress:
        summary = scan(inputs, config, options, progress=progress)
    if args.json:
        print_json(summary.to_dict())
    else:
        for line in summary.lines():
            print(line, file=sys.stderr)
    return 1 if summary.flagged else 0


def _cores() -> int:
    """CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def _progress_bar(*, enabled: bool) -> Iterator[OnProgress | None]:
    """Show a rich progress bar on standard error (pages, pages/s, ETA by input bytes)."""
    if not enabled:
        yield None
        return
    start = time.monotonic()
    columns = (SpinnerColumn(), TextColumn("{task.fields[pages]} pages"),
               TextColumn("{task.fields[rate]} pages/s"), BarColumn(), TaskProgressColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("scan", total=None, pages=0, rate="-")

        def update(pages: int, done: int, total: int) -> None:
            rate = pages / max(time.monotonic() - start, 1e-9)
            bar.update(task, completed=done, total=total or None, pages=pages, rate=f"{rate:.1f}")

        yield update
