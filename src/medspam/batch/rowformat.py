"""A result row as one line of JSONL or CSV, and back; reading a results file.

The writer (:mod:`medspam.batch.output`) and the readers (``medspam report``, resume, the Spark
part files) share these line formats, so a row reads back as it was written.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import itertools
import json
import zlib
from typing import TYPE_CHECKING, Any

from medspam.batch.rows import ROW_FIELDS, Row, is_row
from medspam.errors import InputError
from medspam.lines import LineStream, capped_lines
from medspam.settings import MB

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from io import BufferedReader
    from pathlib import Path

CSV_FIELDS = (*ROW_FIELDS[:8], "domains", *ROW_FIELDS[8:])
"""CSV columns: the row fields, lists flattened to text, plus the flagged links' domains."""
GZIP_MAGIC = b"\x1f\x8b"
"""A gzipped results file (Spark ``--compress`` part files) starts with these bytes."""
UNENCODABLE = "backslashreplace"
r"""How text that is not valid Unicode is written: a lone surrogate (a file name that is not
UTF-8, an escaped ``\ud800`` in a JSONL input) becomes ``\udXXX``, which in JSON is the
escape of that very character, so a row reads back exactly as it was (in CSV, as text)."""
MAX_ROW_LINE = 64 * MB
"""Longest row line read back; a longer line is unreadable, skipped without being held.

A bound is needed because any file can be given as results (``report /dev/zero``, a gzip of
one 4 GB line). A row is bounded by its record: its id and URL come from a JSONL line of at
most 20 MB (``JSON_OVERHEAD`` times the default 5 MB ``max_bytes``), its flagged links from a
page cut at 5 MB; 64 MiB leaves room for escaping and normalised URLs. It is also the CSV
cell limit (a cell is never longer than its line)."""


def row_lines(stream: LineStream) -> Iterator[bytes | None]:
    """The lines of a results file, each ``None`` when longer than ``MAX_ROW_LINE``."""
    return capped_lines(stream, MAX_ROW_LINE)


def read_rows(path: Path, *, on_unreadable: Callable[[int], None] | None = None) -> Iterator[Row]:
    """Yield the rows of a results file (JSONL, or CSV by its header; gzipped too).

    A line that is not a well-formed row (see :func:`~medspam.batch.rows.is_row`), or is
    longer than ``MAX_ROW_LINE``, is skipped and its line number passed to ``on_unreadable``,
    so a caller can say that something was not counted instead of crashing on it or hiding it.
    Blank lines are ignored.

    Raises
    ------
    InputError
        If the file cannot be read (or its gzip stream is damaged).

    """
    try:
        with path.open("rb") as raw:
            stream: gzip.GzipFile | BufferedReader = (
                gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == GZIP_MAGIC else raw)
            lines = row_lines(stream)
            first = next(lines, b"")
            is_csv = first == csv_line(CSV_FIELDS)
            parse = parse_csv_line if is_csv else parse_json_line
            for number, line in enumerate(lines if is_csv else itertools.chain([first], lines),
                                          start=2 if is_csv else 1):
                if line is not None and (row := parse(line)) is not None:
                    yield row
                elif (line is None or line.strip()) and on_unreadable is not None:
                    on_unreadable(number)
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        raise InputError(msg) from exc


def parse_json_line(line: bytes) -> Row | None:
    """Parse one JSONL row; ``None`` when it is not a complete, well-formed row."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
    return row if is_row(row) else None


def parse_done_line(line: bytes) -> Row | None:
    """Parse one line of the ``.done`` file (a JSON string)."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return {"id": value} if isinstance(value, str) else None


def parse_csv_line(line: bytes) -> Row | None:
    """Parse one CSV row back into the fields a summary needs."""
    _allow_long_csv_cells()
    try:
        cells = next(csv.reader([line.decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if len(cells) != len(CSV_FIELDS):
        return None
    row: dict[str, Any] = dict(zip(CSV_FIELDS, (c or None for c in cells), strict=True))
    urls, domains = (row.pop("links") or "").split(), (row.pop("domains") or "").split()
    row["links"] = [{"url": u, "domain": "" if d == "-" else d}
                    for u, d in zip(urls, domains, strict=False)]
    row["reasons"] = [{"text": text} for text in (row["reasons"] or "").split(LIST_SEPARATOR)
                      if text]
    row["notes"] = [note for note in (row["notes"] or "").split(LIST_SEPARATOR) if note]
    try:
        for name in ("score", "threshold"):
            row[name] = None if row[name] is None else float(row[name])
    except ValueError:
        return None
    row["id"] = row["id"] or ""
    return row if is_row(row) else None


@functools.cache
def _allow_long_csv_cells() -> None:
    """Raise the csv module's cell limit (128 KiB) to ``MAX_ROW_LINE``, once per process.

    The writer has no such limit: a page with 150 long flagged links makes a ``links`` cell
    of about 300 KB, and a row it wrote must read back, or its spam goes unreported and
    ``--resume`` cuts it and every row after it.
    """
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ROW_LINE))


LIST_SEPARATOR = " | "
"""Between the items of a list cell (``reasons``, ``notes``)."""


def _joined(items: Iterable[str]) -> str:
    """Items as one cell, each item's own ``" | "`` written ``" ¦ "``.

    So the cell splits back into the same items (a reason quoting a title such as "Buy xanax
    online | no prescription").
    """
    return LIST_SEPARATOR.join(item.replace(LIST_SEPARATOR, " ¦ ") for item in items)


def csv_cells(row: Row) -> list[Any]:
    """Flatten a row into CSV cells: lists become ``|``- or space-separated text."""
    flat = {
        **row,
        "reasons": _joined(r["text"] for r in row["reasons"]),
        "links": " ".join(link["url"] for link in row["links"]),
        "domains": " ".join(link["domain"] or "-" for link in row["links"]),
        "notes": _joined(row["notes"]),
    }
    return [flat[name] for name in CSV_FIELDS]


def csv_line(cells: Any) -> bytes:
    """One CSV line of cells in their :func:`csv_text` form."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([csv_text(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8")


def csv_text(value: Any) -> str:
    r"""A CSV cell's text as written, and so as read back.

    Line breaks (all that ``str.splitlines`` knows) become spaces, so a row is one line; lone
    surrogates become ``\udXXX`` text (``UNENCODABLE``).
    """
    text = "" if value is None else " ".join(str(value).splitlines())
    return text.encode("utf-8", UNENCODABLE).decode("utf-8")


def json_line(value: Any) -> bytes:
    """One JSON line."""
    return (json_text(value) + "\n").encode("utf-8")


def json_text(value: Any) -> str:
    r"""Compact JSON whose lone surrogates are written as ``\udXXX`` escapes (``UNENCODABLE``).

    The text then encodes as UTF-8 wherever it goes: a results file, a Spark part file.

    Examples
    --------
    >>> json_text({"id": "caf\udce9.html"})
    '{"id":"caf\\udce9.html"}'
    >>> json.loads(json_text({"id": "caf\udce9.html"})) == {"id": "caf\udce9.html"}
    True

    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", UNENCODABLE).decode("utf-8")
