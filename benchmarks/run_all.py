"""One benchmark run: the four speed scripts back to back, in one report.

Issue 6 compares medspam with SpamAssassin from one run, and this machine's speed drifts by
up to a third between windows, so numbers from different runs do not compare. This script
runs ``classify_bench.py``, ``profile_stages.py``, ``spamassassin_compare.py`` and
``scan_bench.py`` in turn, each in its own process as it would run alone, and writes their
tables to one Markdown report headed by when, on which commit and model, and under what load
they ran. A script that fails is reported with its error output, and the others still run.

Usage::

    python benchmarks/run_all.py --out run.md [--sa-limit 300 --sa-small 400]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from medspam.card import card_path_for, read_card
from medspam.modelio import default_model_path

HERE = Path(__file__).resolve().parent


def scripts(sa_limit: int, sa_small: int) -> list[tuple[str, list[str]]]:
    """Each benchmark of the run and its arguments, in the order they run."""
    return [
        ("End to end: one `classify` call per page", ["classify_bench.py"]),
        ("Where the time goes", ["profile_stages.py"]),
        ("Side by side with SpamAssassin",
         ["spamassassin_compare.py", "--limit", str(sa_limit), "--small", str(sa_small)]),
        ("Scan of the real pages as one WARC", ["scan_bench.py"]),
    ]


def header() -> list[str]:
    """When, on which commit and model, and under what load the run started."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,  # noqa: S607
                            capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=HERE,  # noqa: S607
                           capture_output=True, text=True, check=False).stdout.strip()
    sha256 = read_card(card_path_for(default_model_path()))["sha256"]
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [f"# Benchmark run, {started}", "",
            f"- commit `{commit or 'unknown'}`{' with uncommitted changes' if dirty else ''}",
            f"- model sha256 `{sha256[:8]}…`",
            f"- {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {load}", ""]


def run(title: str, argv: list[str]) -> list[str]:
    """Run one benchmark script and return its section of the report."""
    started = dt.datetime.now(dt.UTC).strftime("%H:%M:%S")
    done = subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]], cwd=HERE,  # noqa: S603
                          capture_output=True, text=True, check=False)
    lines = [f"## {title} (`{' '.join(argv)}`, started {started} UTC)", ""]
    if done.returncode != 0:
        lines += [f"**failed** with exit code {done.returncode}:", "", "```",
                  *done.stderr.strip().splitlines()[-20:], "```"]
    else:
        lines += done.stdout.strip().splitlines()
    return [*lines, ""]


def main() -> None:
    """Run every benchmark in turn and write one report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the Markdown report")
    parser.add_argument("--sa-limit", type=int, default=300, help="real pages for SpamAssassin")
    parser.add_argument("--sa-small", type=int, default=400, help="5 KB pages for SpamAssassin")
    args = parser.parse_args()
    report = header()
    for title, argv in scripts(args.sa_limit, args.sa_small):
        print(f"running {argv[0]} …", file=sys.stderr, flush=True)
        report += run(title, argv)
    args.out.write_text("\n".join(report))
    print(f"report written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
