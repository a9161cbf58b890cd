"""Batch readers: directories, JSONL and WARC files as a stream of records with stable ids."""

from __future__ import annotations

import gzip
import json
import os
import stat
import sys
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from medspam.errors import InputError
from medspam.extract import MAX_REFRESH_DELAY, read_refresh
from medspam.lines import capped_lines
from medspam.settings import JSON_OVERHEAD

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from io import BufferedReader


Kind = Literal["page", "jsonl", "warc"]
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
WARC_SUFFIXES = (".warc",)
PAGE_MEDIA_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
"""WARC responses of other media types (images, PDF, scripts) are skipped, not classified,
unless they redirect."""


@dataclass(frozen=True, slots=True)
class Record:
    """One page to classify, or the reason it could not be read.

    Examples
    --------
    >>> Record("site/index.html", body=b"<p>hi</p>").error is None
    True

    """

    id: str
    """Stable id: WARC-Record-ID, the JSONL ``id`` (or ``file:line``), or the file path."""
    url: str | None = None
    """The page's own URL when the input knows it."""
    body: str | bytes | None = None
    """The page (HTML or text); ``None`` when ``error`` is set."""
    content_type: str | None = None
    """HTTP ``Content-Type`` (with its charset) when the input has one."""
    location: str | None = None
    """Where the HTTP response redirects (a 3xx's ``Location``, a ``Refresh`` header's address)."""
    error: str | None = None
    """Why the record could not be read; such a record becomes an error row."""
    notes: tuple[str, ...] = ()
    """What happened while reading (a WARC record cut short); added to the row's notes."""


@dataclass(frozen=True, slots=True)
class Source:
    """One input file and how to read it."""

    path: Path
    kind: Kind
    size: int
    error: str | None = None
    """Why the file cannot be read (it then becomes one error record, never opened)."""


class InputSet:
    """The records of several inputs in order, with how many input bytes were read so far.

    Parameters
    ----------
    names
        Files, directories (searched for ``.html``/``.htm``, gzipped too), or ``-`` for a list
        of such names on standard input, one per line.
    max_bytes
        Bytes of one page kept; a larger page is cut (extraction notes it).

    Raises
    ------
    InputError
        If a name does not exist.

    """

    def __init__(self, names: Iterable[str], *, max_bytes: int) -> None:
        """Find the input files (see the class docstring)."""
        self.sources: list[Source] = []
        self.skipped = 0
        """Records that are not pages: files in a directory that are not HTML (counted when
        the inputs are found), WARC responses of other media types (counted as they are
        read)."""
        for name in _expand_stdin(names):
            sources, others = find_sources(name)
            self.sources += sources
            self.skipped += others
        self.max_bytes = max_bytes
        self.total_bytes = sum(source.size for source in self.sources)
        self.bytes_read = 0

    def __iter__(self) -> Iterator[Record]:
        """Yield every record of every source."""
        for source in self.sources:
            start = self.bytes_read
            reader = {"page": self._read_page, "jsonl": self._read_jsonl,
                      "warc": self._read_warc}[source.kind]
            if source.error is not None:
                yield Record(str(source.path), error=source.error)
            else:
                yield from reader(source, start)
            self.bytes_read = start + source.size

    def _read_page(self, source: Source, _start: int) -> Iterator[Record]:
        """Yield one HTML file as a record."""
        try:
            with _open(source.path) as stream:
                body = stream.read(self.max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            yield Record(str(source.path), error=f"cannot read: {one_line(exc)}")
            return
        yield Record(str(source.path), body=body)

    def _read_jsonl(self, source: Source, start: int) -> Iterator[Record]:
        """Yield the records of a JSONL file, one per non-blank line."""
        cap = JSON_OVERHEAD * self.max_bytes
        with source.path.open("rb") as raw:
            stream: gzip.GzipFile | BufferedReader = (
                gzip.GzipFile(fileobj=raw) if _is_gzip(source.path) else raw)
            lineno = 0
            try:
                for line in capped_lines(stream, cap):
                    lineno += 1
                    self.bytes_read = start + raw.tell()
                    if line is None:
                        yield Record(f"{source.path}:{lineno}",
                                     error=f"record larger than {cap} bytes")
                    elif line.strip():
                        yield _json_record(line, f"{source.path}:{lineno}")
            except (OSError, EOFError, zlib.error) as exc:
                yield Record(f"{source.path}#error", error=f"cannot read: {one_line(exc)}")

    def _read_warc(self, source: Source, start: int) -> Iterator[Record]:
        """Yield the page records of a WARC file (responses with an HTML or text body)."""
        try:
            from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: PLC0415
        except ImportError as exc:
            msg = "WARC input needs FastWARC: pip install 'medspam[warc]'"
            raise InputError(msg) from exc
        try:
            with source.path.open("rb") as stream:
                yield from self._warc_pages(
                    ArchiveIterator(stream, record_types=WarcRecordType.response,
                                    parse_http=True, auto_decode="all", fsspec_args=False),
                    source, start)
        except (OSError, ValueError) as exc:
            yield Record(f"{source.path}#error", error=f"cannot read: {one_line(exc)}")

    def _warc_pages(self, records: Iterable[Any], source: Source, start: int) -> Iterator[Record]:
        """Yield the responses with an HTML or text body as records; count the others.

        Only the file's last record can be cut short (a record follows only a whole one), so
        each page waits for the next record; the last one is checked (:func:`_cut_short`).
        """
        last: tuple[Record, int] | None = None  # a page and where its record starts
        for warc in records:
            if last is not None:
                yield last[0]
                last = None
            self.bytes_read = start + warc.stream_pos
            record_id = str(warc.record_id or f"{source.path}@{warc.stream_pos}")
            if "Content-Length" not in warc.headers:
                yield Record(record_id, error="truncated WARC record (its header is cut)")
                continue
            content_type = _payload_type(warc)
            location = _redirect(warc)
            if (location is None and content_type
                    and not content_type.lower().startswith(PAGE_MEDIA_TYPES)):
                self.skipped += 1
                continue
            url = warc.headers.get("WARC-Target-URI")
            try:
                body = warc.reader.read(self.max_bytes + 1)
            except OSError as exc:  # a bad Content-Encoding or chunking of this one record
                yield Record(record_id, url=url, error=f"cannot decode: {one_line(exc)}")
                continue
            record = Record(record_id, url=url, body=body, content_type=content_type,
                            location=location)
            last = (record, warc.stream_pos)
        if last is not None:
            record, stream_pos = last
            yield replace(record, notes=_cut_short(source.path, stream_pos, record.id))


def _cut_short(path: Path, stream_pos: int, record_id: str) -> tuple[str, ...]:
    """Note a record whose block the file ends inside (its ``Content-Length`` promises more).

    Such a record is still classified: the part the file holds may be enough. The block is
    read again, undecoded: a chunked or compressed payload decodes to another length, and a
    cut one may decode without an error. No note when the record at ``stream_pos`` is not the
    one expected (inside a WARC gzipped as one stream, ``stream_pos`` is no record's start).
    """
    from fastwarc.warc import ArchiveIterator  # noqa: PLC0415 - imported by _read_warc

    try:
        with path.open("rb") as stream:
            stream.seek(stream_pos)
            warc = next(iter(ArchiveIterator(stream, parse_http=False, fsspec_args=False)), None)
            if warc is None or str(warc.record_id) != record_id:
                return ()
            declared = int(warc.headers["Content-Length"])
            held = int(warc.reader.consume())
    except (OSError, ValueError, KeyError):
        return ()
    if held >= declared:
        return ()
    return (f"WARC record cut short: {held} of {declared} bytes (the file ends inside it)",)


def _redirect(warc: Any) -> str | None:
    """Where a response sends every visitor: a 3xx's ``Location``, else a ``Refresh``'s address.

    A ``Refresh`` later than ``MAX_REFRESH_DELAY`` reloads a page left open: it is not read.
    """
    headers = warc.http_headers
    if headers is None:
        return None
    location = headers.get("Location")
    if location and 300 <= (headers.status_code or 0) < 400:  # noqa: PLR2004 - HTTP's 3xx
        return str(location)
    refresh = read_refresh(headers.get("Refresh") or "")
    return refresh[1] if refresh is not None and refresh[0] <= MAX_REFRESH_DELAY else None


def _payload_type(warc: Any) -> str | None:
    """The payload's Content-Type: the HTTP header, or the record's own for a non-HTTP block.

    A response whose block is not an HTTP message (no ``application/http`` type, or headers
    that do not parse) has no HTTP headers; its whole block is then taken as the payload.
    """
    if warc.http_headers is not None:
        return warc.http_headers.get("Content-Type")  # type: ignore[no-any-return]
    own = warc.headers.get("Content-Type")
    return None if own is None or own.lower().startswith("application/http") else str(own)


def find_sources(name: str) -> tuple[list[Source], int]:
    """Return the input files one command-line name stands for, and the files passed over.

    The second value counts the files of a directory that are no page (images, scripts,
    style sheets): the scan counts them as skipped.

    Raises
    ------
    InputError
        If the name does not exist.

    """
    path = Path(name)
    if path.is_dir():
        pages, others = _walk_pages(path)
        return [_page_source(p) for p in pages], others
    if not path.is_file():
        problem = ("not a regular file or directory" if path.exists()
                   else "no such file or directory")
        msg = f"{name}: {problem}"
        raise InputError(msg)
    return [Source(path, kind_of(path), path.stat().st_size)], 0


def kind_of(path: Path) -> Kind:
    """Tell a file's kind from its name, or from its first bytes when the name says nothing."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PAGE_SUFFIXES):
        return "page"
    try:
        with _open(path) as stream:
            head = stream.read(8).lstrip()
    except (OSError, EOFError, zlib.error):
        return "page"
    if head.startswith(b"WARC/"):
        return "warc"
    return "jsonl" if head.startswith(b"{") else "page"


def _page_source(path: Path) -> Source:
    """A page found in a directory; one that is not a regular file is an error source.

    Only regular files are read: opening a FIFO blocks for ever, a device may never end, and
    a broken symlink cannot be opened. Each becomes an error row, so nothing goes unreported.
    """
    try:
        info = path.stat()
    except OSError as exc:
        return Source(path, "page", 0, error=f"cannot read: {one_line(exc.strerror or exc)}")
    if not stat.S_ISREG(info.st_mode):
        return Source(path, "page", 0, error="not a regular file (a FIFO, device or socket)")
    return Source(path, "page", info.st_size)


def _walk_pages(root: Path) -> tuple[list[Path], int]:
    """The HTML files under ``root`` (gzipped too), sorted, and the count of other files."""
    pages, others = [], 0
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.lower().removesuffix(".gz").endswith(PAGE_SUFFIXES):
                pages.append(Path(folder) / name)
            else:
                others += 1
    return pages, others


def _expand_stdin(names: Iterable[str]) -> Iterator[str]:
    """Replace ``-`` by the names listed on standard input."""
    for name in names:
        if name == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield name


def _json_record(line: bytes, fallback_id: str) -> Record:
    """Parse one JSONL line into a record (an error record when it is not a page object)."""
    try:
        data: Any = json.loads(line)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep to parse
        return Record(fallback_id, error=f"invalid JSON: {one_line(exc)}")
    if not isinstance(data, dict):
        return Record(fallback_id, error="a JSONL record must be an object")
    record_id = fallback_id if data.get("id") is None else str(data["id"])
    url = data.get("url")
    body = data.get("html", data.get("text"))
    if not isinstance(body, str) or not (url is None or isinstance(url, str)):
        return Record(record_id, url=url if isinstance(url, str) else None,
                      error="a JSONL record needs a string 'html' or 'text' (and 'url')")
    content_type, location = data.get("content_type"), data.get("location")
    return Record(record_id, url=url, body=body,
                  content_type=content_type if isinstance(content_type, str) else None,
                  location=location if isinstance(location, str) else None)


def _open(path: Path) -> gzip.GzipFile | BufferedReader:
    """Open a file for reading, decompressing gzip."""
    return gzip.open(path, "rb") if _is_gzip(path) else path.open("rb")


def _is_gzip(path: Path) -> bool:
    """Whether the file starts with the gzip magic number."""
    with path.open("rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def one_line(problem: BaseException | str) -> str:
    """Render an exception or message as one short line."""
    return " ".join(str(problem).split())[:300] or type(problem).__name__
