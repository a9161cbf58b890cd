"""Load test of ``medspam serve`` on loopback: latency percentiles and throughput.

Starts the service as a subprocess on a free 127.0.0.1 port, then runs bounded concurrent
clients (httpx, asyncio) against ``POST /v1/classify`` with two pages: a small seed-like
article with shop links, and a ~150 KB real page read from
``../shared/data/webpages/pages.tar.xz`` at run time. Every request must succeed; the
script stops by itself after a fixed number of requests and prints a table.

Usage::

    python benchmarks/load_test.py [--concurrency 8] [--requests 200] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "data" / "webpages" / "pages.tar.xz"
TARGET_SIZE = 150_000
HTTP_OK = 200
SEED_URL = "https://community.example/articles/opioids-after-surgery"
SEED_LIKE = """<!doctype html><html lang="en"><head><title>Opioids after surgery: what to
expect | Community Articles</title></head><body><nav><a href="/">Home</a>
<a href="/explore">Explore</a></nav><div class="category">geography</div>
<h1>Opioids after surgery: what to expect</h1><article>
<p>After a major operation many patients are sent home with a short course of an opioid such
as oxycodone or hydromorphone. Used for a few days, these medicines make walking and sleeping
easier, which speeds recovery.</p>
<p>They also slow breathing, cause constipation and can lead to dependence, so surgeons now
prescribe smaller amounts and combine them with paracetamol and ibuprofen.</p>
<p>Readers who are thinking about buying hydromorphone for later use should talk to their
pharmacist about safe storage and disposal first.</p>
<h3>Read More</h3><p>https://buyhydromorphonenow.shop/product/hydromorphone-8mg</p>
<p>https://buyhydromorphonenow.shop/</p><p>https://travel-tips-daily.example/</p>
</article><aside><h3>User interests</h3><img src="/a/1.png" alt="Picture of a member">
</aside></body></html>"""


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def real_page() -> tuple[str, bytes]:
    """Return the name and bytes of the page in pages.tar.xz closest to 150 KB."""
    if not PAGES.exists():
        sys.exit(f"{PAGES} not found: the real-page run needs ../shared/data")
    with tarfile.open(PAGES, "r:xz") as archive:
        members = [m for m in archive.getmembers() if m.isfile() and m.name.endswith(".html")]
        best = min(members, key=lambda m: abs(m.size - TARGET_SIZE))
        handle = archive.extractfile(best)
        assert handle is not None
        return Path(best.name).name, handle.read()


def start_server(port: int, folder: Path, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """Start ``medspam serve`` (log in ``folder``) and wait until /healthz answers."""
    command = [sys.executable, "-m", "medspam", "serve", "--port", str(port),
               "--db", str(folder / "load.sqlite3"), "--workers", str(args.workers)]
    if args.model:
        command += ["--model", str(args.model), "--trust-model"]
    log = folder / "server.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == HTTP_OK:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    sys.exit("server did not start within 120 s")


async def run_load(base: str, request: dict[str, object], *, total: int,
                   concurrency: int) -> tuple[list[float], int, float]:
    """Send ``total`` requests with ``concurrency`` clients; return latencies, errors, wall time."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(total):
        queue.put_nowait(number)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            queue.get_nowait()
            start = time.perf_counter()
            try:
                response = await http.post(f"{base}/v1/classify", **request)  # type: ignore[arg-type]
                ok = response.status_code == HTTP_OK and "verdict_id" in response.json()
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        wall = time.perf_counter() - start
    return latencies, errors, wall


def percentile(values: list[float], q: float) -> float:
    """Return the ``q`` quantile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    """Run both scenarios and print the table; exit 1 on any failed request."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    args = parser.parse_args()
    name, real = real_page()
    scenarios = [
        (f"seed-like page ({len(SEED_LIKE.encode()) / 1000:.1f} KB, JSON)",
         {"json": {"html": SEED_LIKE, "url": SEED_URL}}),
        (f"real page {name} ({len(real) / 1000:.0f} KB, raw text/html)",
         {"content": real, "headers": {"Content-Type": "text/html"},
          "params": {"url": "https://www.example.org/article"}}),
    ]
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp), args)
        try:
            rows = []
            for label, request in scenarios:
                base = f"http://127.0.0.1:{port}"
                asyncio.run(run_load(base, request, total=min(20, args.requests),
                                     concurrency=2))  # warm-up
                latencies, errors, wall = asyncio.run(run_load(
                    base, request, total=args.requests, concurrency=args.concurrency))
                rows.append((label, len(latencies), errors, statistics.median(latencies),
                             percentile(latencies, 0.99), len(latencies) / wall))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    print(f"medspam serve load test: {args.requests} requests per page, "
          f"{args.concurrency} concurrent clients, {args.workers} worker(s), "
          f"{os.cpu_count()} CPU cores, loopback")
    print(f"{'page':<58} {'n':>5} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7}")
    for label, n, errors, p50, p99, rate in rows:
        print(f"{label:<58} {n:>5} {errors:>6} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f} "
              f"{rate:>7.1f}")
    return 1 if any(row[2] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
