"""Benchmark ``medspam scan`` on the real web pages packed as a WARC.

Measures pages/s for: reading the WARC (FastWARC and warcio), a bare parse (decode, Lexbor
tree, its text and hrefs, none of medspam's extraction rules), the parse-only floor
(read + extract, no model, one process), and ``scan`` with 1 and 2 workers (end to end, and
steady state after the workers have loaded the model). Prints a Markdown table.

    python benchmarks/scan_bench.py [--repeat 1] [--pages ../shared/data/webpages]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import tarfile
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from medspam.batch.inputs import InputSet
from medspam.batch.runner import WorkerConfig
from medspam.batch.scan import ScanOptions, scan
from medspam.extract import extract_page
from medspam.extract.decode import decode_bytes
from medspam.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "webpages"


def warc_record(url: str, body: bytes, number: int) -> bytes:
    """One gzipped WARC response record."""
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    head = (f"WARC/1.1\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{number}:{url}')}>\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=6)


def pack(pages: Path, target: Path, repeat: int) -> int:
    """Pack the pages of ``pages.tar.xz`` (URLs from the manifest) as a WARC; return the count."""
    urls = {}
    for line in (pages / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        urls[entry["file"]] = entry["url"]
    bodies = []
    with tarfile.open(pages / "pages.tar.xz") as tar:
        for member in tar:
            name = Path(member.name).name
            if member.isfile() and name in urls:
                bodies.append((urls[name], tar.extractfile(member).read()))  # type: ignore[union-attr]
    with target.open("wb") as out:
        for copy in range(repeat):
            for number, (url, body) in enumerate(bodies):
                out.write(warc_record(url, body, copy * len(bodies) + number))
    return repeat * len(bodies)


def timed(run: Callable[[], int]) -> tuple[int, float]:
    """Run ``run`` and return (pages it reports, seconds)."""
    start = time.perf_counter()
    pages = run()
    return pages, time.perf_counter() - start


def read_fastwarc(warc: Path) -> int:
    """Iterate the responses with FastWARC and read every body."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: PLC0415

    return sum(len(r.reader.read()) > 0 for r in ArchiveIterator(
        str(warc), record_types=WarcRecordType.response, parse_http=True))


def read_warcio(warc: Path) -> int:
    """Iterate the responses with warcio and read every body."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    with warc.open("rb") as stream:
        return sum(len(r.content_stream().read()) > 0 for r in ArchiveIterator(stream)
                   if r.rec_type == "response")


def bare_parse(warc: Path) -> int:
    """Read the WARC as ``scan`` does; decode, parse with Lexbor, take the text and every href.

    The least any scanner of these pages must do, with none of medspam's extraction rules
    (hidden blocks, chrome, link context and normalisation, URLs in text, contacts).
    """
    settings = Settings()
    pages = 0
    for record in InputSet([str(warc)], max_bytes=settings.max_bytes):
        tree = LexborHTMLParser(decode_bytes(record.body or b"", record.content_type).text)
        _ = tree.body.text(separator=" ") if tree.body else ""
        _ = [node.attributes.get("href") for node in tree.css("a[href]")]
        pages += 1
    return pages


def parse_only(warc: Path) -> int:
    """Read the WARC as ``scan`` does and extract every page, without the model."""
    settings = Settings()
    pages = 0
    for record in InputSet([str(warc)], max_bytes=settings.max_bytes):
        extract_page(record.body or b"", record.url, settings=settings,
                     content_type=record.content_type)
        pages += 1
    return pages


def run_scan(warc: Path, out: Path, workers: int) -> tuple[int, float, float, float, float]:
    """Scan with ``workers``.

    Returns (pages, end-to-end seconds, steady-state pages/s from the first row on,
    parent CPU seconds, worker CPU seconds).
    """
    first: list[tuple[float, int]] = []

    def progress(pages: int, _read: int, _total: int) -> None:
        if not first:
            first.append((time.perf_counter(), pages))

    self_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    summary = scan(InputSet([str(warc)], max_bytes=Settings().max_bytes),
                   WorkerConfig(model=None, trusted=False, settings=Settings()),
                   ScanOptions(out=out, overwrite=True, workers=workers), progress=progress)
    end = time.perf_counter()
    parent = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(self_before)
    children = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(children_before)
    first_time, first_pages = first[0]
    return (summary.pages, end - start, (summary.pages - first_pages) / (end - first_time),
            parent, children)


def _cpu(usage: resource.struct_rusage) -> float:
    """User plus system CPU seconds."""
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Pack the pages, run every measurement, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--repeat", type=int, default=1,
                        help="copies of the page set (a second copy finds the caches of one "
                             "worker warm, and only half of them with two)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        count = pack(args.pages, warc, args.repeat)
        size = warc.stat().st_size / 1e6
        print(f"{count} pages, WARC {size:.1f} MB gzipped, {os.cpu_count()} cores\n")
        print("| measurement | pages/s | wall s | parent CPU s | worker CPU s |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, reader in (("read only, FastWARC", read_fastwarc),
                             ("read only, warcio", read_warcio),
                             ("bare parse (read + decode + Lexbor tree, text, hrefs)",
                              bare_parse),
                             ("parse-only floor (read + extract, 1 process)", parse_only)):
            pages, seconds = timed(lambda reader=reader: reader(warc))
            print(f"| {name} | {pages / seconds:.1f} | {seconds:.2f} | | |")
        for workers in (1, 2):
            pages, seconds, steady, parent, children = run_scan(
                warc, Path(tmp) / f"r{workers}.jsonl", workers)
            label = f"scan, {workers} worker{'s' * (workers > 1)}"
            print(f"| {label}, end to end | {pages / seconds:.1f} | {seconds:.2f} | "
                  f"{parent:.1f} | {children:.1f} |")
            print(f"| {label}, steady state (after model load) | {steady:.1f} | | | |")


if __name__ == "__main__":
    main()
