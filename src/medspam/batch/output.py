"""Result files: append rows atomically (JSONL or CSV), and repair them to resume."""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from medspam.batch import rowformat
from medspam.batch.rowformat import (
    CSV_FIELDS,
    csv_cells,
    csv_line,
    csv_text,
    json_line,
    parse_csv_line,
    parse_done_line,
    parse_json_line,
)
from medspam.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from medspam.batch.rows import Row

DONE_SUFFIX = ".done"
"""Beside the results: ids whose rows were not written (``--only-flagged``), one per line."""


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
            _write_all(self._fd, csv_line(CSV_FIELDS))

    def _restore(self, on_previous: Callable[[Row], None]) -> None:
        """Repair the files and read back the done ids."""
        parse = parse_csv_line if self.is_csv else parse_json_line

        def keep(row: Row) -> None:
            self.done_ids.add(self.written_id(row["id"]))
            on_previous(row)

        _repair(self.path, parse, keep, header=csv_line(CSV_FIELDS) if self.is_csv else None,
                kind="CSV results file" if self.is_csv else "JSONL results file")
        _repair(self.done_path, parse_done_line,
                lambda row: self.done_ids.add(self.written_id(row["id"])),
                kind="list of done ids")

    def written_id(self, record_id: str) -> str:
        r"""The id as a row of this file reads back: compare ids in this form to resume.

        JSON keeps any id exactly; a CSV line turns line breaks into spaces and lone surrogates
        into ``\udXXX`` text, so a record whose id has them must be found under that form, or
        each resume would write its row again.
        """
        return csv_text(record_id) if self.is_csv else record_id

    def write(self, row: Row) -> None:
        """Append one row (or, with ``only_flagged``, note a clean row's id)."""
        if self.only_flagged and row["verdict"] != "spam" and row["error"] is None:
            self._unwritten.append(row["id"])
        else:
            _write_all(self._fd, csv_line(csv_cells(row)) if self.is_csv else json_line(row))

    def sync(self) -> None:
        """Flush written rows to disk, then record the unwritten ids (never the other way)."""
        if not self.is_sink:
            os.fsync(self._fd)
        if self._done_fd is not None and self._unwritten:
            _write_all(self._done_fd, b"".join(json_line(i) for i in self._unwritten))
            os.fsync(self._done_fd)
        self._unwritten.clear()

    def close(self) -> None:
        """Sync and close the files."""
        self.sync()
        os.close(self._fd)
        if self._done_fd is not None:
            os.close(self._done_fd)


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
        lines = rowformat.row_lines(stream)
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
