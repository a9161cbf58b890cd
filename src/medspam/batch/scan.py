"""A scan: records from the inputs, through the worker pool, into a resumable results file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medspam.batch.output import DONE_SUFFIX, ResultWriter
from medspam.batch.runner import WorkerConfig, WorkerPool
from medspam.batch.summary import ScanSummary
from medspam.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from medspam.batch.inputs import InputSet, Record
    from medspam.batch.rows import Row

Progress = Callable[[int, int, int], None]
"""Called as rows arrive with (rows done, input bytes read, input bytes in all)."""


@dataclass(frozen=True)
class ScanOptions:
    """Where results go and how the work is split."""

    out: Path
    """Results file (JSONL, or CSV with ``is_csv``)."""
    is_csv: bool = False
    """Write CSV instead of JSONL."""
    resume: bool = False
    """Continue an interrupted scan into the same file."""
    overwrite: bool = False
    """Replace an existing results file."""
    only_flagged: bool = False
    """Write only spam and error rows (the others are still counted and remembered)."""
    workers: int = 1
    """Worker processes."""
    chunk_size: int = 32
    """Records per task."""


def scan(
    inputs: InputSet, config: WorkerConfig, options: ScanOptions,
    *, progress: Progress | None = None,
) -> ScanSummary:
    """Classify every record of ``inputs`` not already done; return the summary of the scan.

    Raises
    ------
    InputError
        If the results file exists and may not be resumed or replaced, or is an input.
    ModelError
        If the workers cannot load the model.

    """
    _refuse_input_as_output(inputs, options.out)
    summary = ScanSummary()
    writer = ResultWriter(options.out, is_csv=options.is_csv, resume=options.resume,
                          overwrite=options.overwrite, only_flagged=options.only_flagged,
                          on_previous=summary.add)
    summary.resumed = summary.pages
    clean_elsewhere = len(writer.done_ids) - summary.pages  # ids only in the .done file
    summary.pages += clean_elsewhere
    summary.resumed += clean_elsewhere

    def on_rows(rows: list[Row]) -> None:
        for row in rows:
            writer.write(row)
            summary.add(row)
        writer.sync()
        if progress is not None:
            progress(summary.pages - summary.resumed, inputs.bytes_read, inputs.total_bytes)

    try:
        pool = WorkerPool(config, workers=options.workers, chunk_size=options.chunk_size)
        pool.run(_new_records(inputs, writer.done_ids, summary), on_rows)
    finally:
        writer.close()
    summary.skipped += inputs.skipped
    return summary


def _new_records(
    inputs: InputSet, done_before: set[str], summary: ScanSummary
) -> Iterator[Record]:
    """Yield the records not done by an earlier run; skip and count repeated ids."""
    seen: set[str] = set()
    for record in inputs:
        if record.id in done_before:
            continue
        if record.id in seen:
            summary.skipped += 1
            continue
        seen.add(record.id)
        yield record


def _refuse_input_as_output(inputs: InputSet, out: Path) -> None:
    """Refuse a results (or ``.done``) file that is one of the inputs: writing would destroy it.

    Files are compared by device and inode, so another spelling, a symlink or a hard link of
    an input is caught too.

    Raises
    ------
    InputError
        If the results file or its ``.done`` file is an input.

    """
    outputs: dict[tuple[int, int], Path] = {}
    for path in (out, out.with_name(out.name + DONE_SUFFIX)):
        try:
            info = path.stat()
        except OSError:
            continue  # not there yet: it cannot be an input
        outputs[info.st_dev, info.st_ino] = path
    for source in inputs.sources if outputs else ():
        try:
            info = source.path.stat()
        except OSError:
            continue
        if (clash := outputs.get((info.st_dev, info.st_ino))) is not None:
            msg = f"{clash} is also an input ({source.path}): choose another --out"
            raise InputError(msg)
