"""Single-page ``classify`` latency and throughput on one core, peak memory, model load time.

For the real web pages (``../shared/data/webpages``, median ~145 KB) and for generated ~5 KB
pages: every page is classified once with ``Classifier.classify`` (one call per page, as the
HTTP service does), timing each call; then all pages again with ``classify_many`` (batched
model calls, as ``scan`` does). Reports p50/p90/p99/max latency, pages/s and MB/s by wall
clock and by CPU time (the CPU figure is what one core delivers when another process competes
for it), the peak resident memory of the process, and the load time of the shipped model in
a fresh interpreter (median of three). The process is pinned to one core.

Usage::

    python benchmarks/classify_bench.py [--limit 661] [--small 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _pages import Page, real_pages, small_pages

import medspam

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ketamine-clinic-spam.html"
LOAD_SNIPPET = (
    "import sys, time; t = time.perf_counter(); import medspam; "
    "c = medspam.Classifier.load(); loaded = time.perf_counter() - t; "
    "c.classify(open(sys.argv[1], 'rb').read(), 'https://community.example.org/a'); "
    "print(loaded, time.perf_counter() - t)"
)


def load_time(runs: int = 3) -> dict[str, float]:
    """Seconds to import medspam and load the shipped model in a fresh interpreter, and to
    its first verdict (the example page, whose links load the word segmenter's tables)."""
    loads, firsts = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET, str(EXAMPLE)],  # noqa: S603
                             check=True, capture_output=True, text=True,
                             env=os.environ.copy())
        loaded, first = map(float, out.stdout.strip().splitlines()[-1].split())
        loads.append(loaded)
        firsts.append(first)
    return {"median_s": statistics.median(loads), "min_s": min(loads),
            "first_verdict_median_s": statistics.median(firsts)}


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def bench(clf: medspam.Classifier, pages: list[Page]) -> dict[str, Any]:
    """Classify each page once singly (timed per call), then all at once with classify_many."""
    latencies, spam = [], 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _, body, url in pages:
        start = time.perf_counter()
        verdict = clf.classify(body, url)
        latencies.append(time.perf_counter() - start)
        spam += verdict.is_spam
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    batch_wall, batch_cpu = time.perf_counter(), time.process_time()
    batched = sum(v.is_spam for v in clf.classify_many((body, url) for _, body, url in pages))
    batch_wall, batch_cpu = time.perf_counter() - batch_wall, time.process_time() - batch_cpu
    megabytes = sum(len(body) for _, body, _ in pages) / 1e6
    return {
        "pages": len(pages),
        "median_kb": statistics.median(len(b) for _, b, _ in pages) / 1e3,
        "p50_ms": percentile(latencies, 50) * 1e3,
        "p90_ms": percentile(latencies, 90) * 1e3,
        "p99_ms": percentile(latencies, 99) * 1e3,
        "max_ms": max(latencies) * 1e3,
        "pages_per_s_wall": len(pages) / wall,
        "pages_per_s_cpu": len(pages) / cpu,
        "mb_per_s_wall": megabytes / wall,
        "batch_pages_per_s_wall": len(pages) / batch_wall,
        "batch_pages_per_s_cpu": len(pages) / batch_cpu,
        "spam": spam,
        "spam_batched": batched,
    }


def main() -> None:
    """Run the benchmark and print a Markdown table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="real pages (default: all)")
    parser.add_argument("--small", type=int, default=1000, help="generated ~5 KB pages")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    results: dict[str, Any] = {"load": load_time()}
    clf = medspam.Classifier.load()
    sets = {"real web pages": real_pages(args.limit), "~5 KB pages": small_pages(args.small)}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name, pages in sets.items():
        results[name] = bench(clf, pages)
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["rss_after_load_and_pages_read_mb"] = rss_before
    results["loadavg"] = os.getloadavg()
    print("| pages | n | median KB | p50 ms | p90 ms | p99 ms | max ms | pages/s wall | "
          "pages/s CPU | MB/s wall | classify_many pages/s wall (CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in sets:
        r = results[name]
        print(f"| {name} | {r['pages']} | {r['median_kb']:.0f} | {r['p50_ms']:.1f} | "
              f"{r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
              f"{r['pages_per_s_wall']:.0f} | {r['pages_per_s_cpu']:.0f} | "
              f"{r['mb_per_s_wall']:.1f} | {r['batch_pages_per_s_wall']:.0f} "
              f"({r['batch_pages_per_s_cpu']:.0f}) |")
    print(f"\nmodel load in a fresh process (import + load, median of 3): "
          f"{results['load']['median_s']:.2f} s; to the first verdict (the example page): "
          f"{results['load']['first_verdict_median_s']:.2f} s")
    print(f"peak RSS: {results['peak_rss_mb']:.0f} MB "
          f"(after load + reading the pages: {rss_before:.0f} MB)")
    print(f"load average during the run: {results['loadavg']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:  # noqa: PTH123
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
