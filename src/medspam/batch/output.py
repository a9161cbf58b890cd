"""Result files: append rows atomically (JSONL or CSV), repair and read them back to resume."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import itertools
import json
import os
import stat
import zlib
from typing import TYPE_CHECKING, Any

from medspam.batch.rows import ROW_FIELDS, Row, is_row
from medspam.errors import InputError
from medspam.lines import capped_lines
from medspam.settings import MB

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from io import BufferedReader
    from pathlib import Path

CSV_FIELDS = (*ROW_FIELDS[:8], "domains", *ROW_FIELDS[8:])
"""CSV columns: the row fields, lists flattened to text, plus the flagged links' domains."""
DONE_SUFFIX = ".done"
"""Beside the results: ids whose rows were not written (``--only-flagged``), one per line."""
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


class ResultWriter:
    """Append result rows to a file so that a killed run can resume without loss or duplicates.

    Each row is one ``write`` of a whole line to a file opened for appending; :meth:`sync`
    flushes to disk. On resume, a cut or garbled tail is truncated and the ids already done are
    read back from the rows and from the ``.done`` file. Only a tail is ever cut: a file whose
    first line is not a row of this format (a CSV file resumed as JSONL, notes, a report) is
    refused and left as it is.

    An existing path that is not a regular file is never removed or truncated: a device or
    pipe (``/dev/null``, ``/dev/stdout``) is written to as it is, without resume or ``.done``
    file; a directory is refused.

    Parameters
    ----------
    path
        The results file (JSONL, or CSV when ``is_csv``).
    is_csv
        Write CSV instead of JSONL.
    resume
        Continue an existing file; otherwise an existing non-empty file is refused unless
        ``overwrite``.
    overwrite
        Start the file again.
    only_flagged
        Write only spam and error rows; the ids of the others go to the ``.done`` file.
    on_previous
        Called with every row already in the file when resuming.

    Raises
    ------
    InputError
        If the file exists and neither ``resume`` nor ``overwrite`` is set, is not a results
        file of this format, is a directory, or is a device or pipe and ``resume`` is set.

    """

    def __init__(
        self, path: Path, *, is_csv: bool = False, resume: bool = False, overwrite: bool = False,
        only_flagged: bool = False, on_previous: Callable[[Row], None] | None = None,
    ) -> None:
        """Open (and, when resuming, repair) the results file."""
        self.path, self.is_csv, self.only_flagged = path, is_csv, only_flagged
        self.done_path = done_path(path)
        self.done_ids: set[str] = set()
        """Ids done by earlier runs (read back when resuming)."""
        self.is_sink = _is_sink(path, resume=resume)
        """The path is a device or pipe: written to as it is, never synced or resumed."""
        if not self.is_sink and _has_content(path) and not (resume or overwrite):
            msg = f"{path} exists: pass --resume to continue it or --overwrite to start again"
            raise InputError(msg)
        if resume:
            self._restore(on_previous or (lambda _row: None))
        elif not self.is_sink:
            for old in (path, self.done_path):
                _empty(old)
        self._fd = _open_append(path)
        self._done_fd = (_open_append(self.done_path)
                         if not self.is_sink and (only_flagged or _has_content(self.done_path))
                         else None)
        self._unwritten: list[str] = []
        if is_csv and not _has_content(path):
            _write_all(self._fd, _csv_line(CSV_FIELDS))

    def _restore(self, on_previous: Callable[[Row], None]) -> None:
        """Repair the files and read back the done ids."""
        parse = _parse_csv_line if self.is_csv else _parse_json_line

        def keep(row: Row) -> None:
            self.done_ids.add(self.written_id(row["id"]))
            on_previous(row)

        _repair(self.path, parse, keep, header=_csv_line(CSV_FIELDS) if self.is_csv else None,
                kind="CSV results file" if self.is_csv else "JSONL results file")
        _repair(self.done_path, _parse_done_line,
                lambda row: self.done_ids.add(self.written_id(row["id"])),
                kind="list of done ids")

    def written_id(self, record_id: str) -> str:
        r"""The id as a row of this file reads back: compare ids in this form to resume.

        JSON keeps any id exactly; a CSV line turns line breaks into spaces and lone surrogates
        into ``\udXXX`` text, so a record whose id has them must be found under that form, or
        each resume would write its row again.
        """
        return _csv_text(record_id) if self.is_csv else record_id

    def write(self, row: Row) -> None:
        """Append one row (or, with ``only_flagged``, note a clean row's id)."""
        if self.only_flagged and row["verdict"] != "spam" and row["error"] is None:
            self._unwritten.append(row["id"])
        else:
            _write_all(self._fd, _csv_line(_csv_cells(row)) if self.is_csv else _json_line(row))

    def sync(self) -> None:
        """Flush written rows to disk, then record the unwritten ids (never the other way)."""
        if not self.is_sink:
            os.fsync(self._fd)
        if self._done_fd is not None and self._unwritten:
            _write_all(self._done_fd, b"".join(_json_line(i) for i in self._unwritten))
            os.fsync(self._done_fd)
        self._unwritten.clear()

    def close(self) -> None:
        """Sync and close the files."""
        self.sync()
        os.close(self._fd)
        if self._done_fd is not None:
            os.close(self._done_fd)


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
            lines = capped_lines(stream, MAX_ROW_LINE)
            first = next(lines, b"")
            is_csv = first == _csv_line(CSV_FIELDS)
            parse = _parse_csv_line if is_csv else _parse_json_line
            for number, line in enumerate(lines if is_csv else itertools.chain([first], lines),
                                          start=2 if is_csv else 1):
                if line is not None and (row := parse(line)) is not None:
                    yield row
                elif (line is None or line.strip()) and on_unreadable is not None:
                    on_unreadable(number)
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        raise InputError(msg) from exc


def _repair(
    path: Path, parse: Callable[[bytes], Row | None], keep: Callable[[Row], None], *,
    kind: str, header: bytes | None = None,
) -> None:
    """Feed the valid lines of ``path`` to ``keep`` and truncate it after the last one.

    Only a damaged tail is cut. A file whose first line is not a row (or the CSV ``header``)
    is not a ``kind`` at all: some other file given as ``--out``, or results of the other
    format. Cutting at its first line would empty it, so it is refused and left alone.

    Raises
    ------
    InputError
        If the file has content but does not start with a row (or ``header``).

    """
    if not _has_content(path):
        return
    with path.open("rb") as stream:
        lines = capped_lines(stream, MAX_ROW_LINE)
        is_ours = header is None or next(lines) == header
        valid = len(header or b"") if is_ours else 0
        for line in lines if is_ours else ():
            if line is None or not line.endswith(b"\n") or (row := parse(line)) is None:
                break
            keep(row)
            valid += len(line)
    if not valid:
        msg = (f"{path} does not start like a medspam {kind}, so it is left as it is: give "
               "the --out of an earlier scan (with --csv if that scan had it), another --out, "
               "or --overwrite to replace it")
        raise InputError(msg)
    if valid < path.stat().st_size:
        os.truncate(path, valid)


def _parse_json_line(line: bytes) -> Row | None:
    """Parse one JSONL row; ``None`` when it is not a complete, well-formed row."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
    return row if is_row(row) else None


def _parse_done_line(line: bytes) -> Row | None:
    """Parse one line of the ``.done`` file (a JSON string)."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return {"id": value} if isinstance(value, str) else None


def _parse_csv_line(line: bytes) -> Row | None:
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
    row["reasons"] = [{"text": text} for text in (row["reasons"] or "").split(" | ") if text]
    row["notes"] = [note for note in (row["notes"] or "").split(" | ") if note]
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


def _csv_cells(row: Row) -> list[Any]:
    """Flatten a row into CSV cells: lists become ``|``- or space-separated text."""
    flat = {
        **row,
        "reasons": " | ".join(r["text"] for r in row["reasons"]),
        "links": " ".join(link["url"] for link in row["links"]),
        "domains": " ".join(link["domain"] or "-" for link in row["links"]),
        "notes": " | ".join(row["notes"]),
    }
    return [flat[name] for name in CSV_FIELDS]


def _csv_line(cells: Any) -> bytes:
    """One CSV line of cells in their :func:`_csv_text` form."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_csv_text(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8")


def _csv_text(value: Any) -> str:
    r"""A CSV cell's text as written, and so as read back.

    Line breaks (all that ``str.splitlines`` knows) become spaces, so a row is one line; lone
    surrogates become ``\udXXX`` text (``UNENCODABLE``).
    """
    text = "" if value is None else " ".join(str(value).splitlines())
    return text.encode("utf-8", UNENCODABLE).decode("utf-8")


def _json_line(value: Any) -> bytes:
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


def _write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` (one ``write`` call unless the kernel takes less)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _open_append(path: Path) -> int:
    """Open a file for appending, creating it.

    Raises
    ------
    InputError
        If the file cannot be opened for writing.

    """
    try:
        return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise InputError(msg) from exc


def done_path(path: Path) -> Path:
    """The ``.done`` file beside the results file ``path``.

    Raises
    ------
    InputError
        If ``path`` names no file (``.``, ``/``): there is nothing to write to.

    """
    if not path.name:
        msg = f"--out {str(path)!r} names no file: give a results file such as results.jsonl"
        raise InputError(msg)
    return path.with_name(path.name + DONE_SUFFIX)


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of a file (``None`` when it cannot be reached).

    Two paths name the same file when these match: another spelling, a symlink or a hard link
    of a file is caught where comparing names would miss it. Used to refuse writing over an
    input (``scan --out``, ``report --html``).
    """
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _has_content(path: Path) -> bool:
    """Whether the file exists and is not empty."""
    return path.exists() and path.stat().st_size > 0


def _is_sink(path: Path, *, resume: bool) -> bool:
    """Whether ``path`` is an existing device or pipe to write to as it is (not a file).

    Raises
    ------
    InputError
        If the path or its ``.done`` file is a directory, or a sink is to be resumed.

    """
    for target in (path, done_path(path)):
        if target.is_dir():
            msg = f"{target} is a directory: give a results file name"
            raise InputError(msg)
    try:
        mode = path.stat().st_mode
    except OSError:
        return False  # not there yet (or unreachable: opening it reports why)
    if stat.S_ISREG(mode):
        return False
    if resume:
        msg = f"{path} is not a regular file: --resume needs a results file"
        raise InputError(msg)
    return True


def _empty(path: Path) -> None:
    """Empty a results or ``.done`` file to start again; anything else is left alone.

    Truncating instead of unlinking never removes what the path names: a symlink, or a
    device such as ``/dev/null`` (unlinking that as root breaks the whole machine).
    """
    if path.is_file():
        os.truncate(path, 0)
