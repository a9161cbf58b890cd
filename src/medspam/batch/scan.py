"""A scan: records from the inputs, through the worker pool, into a resumable results file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medspam.batch.inputs import PAGE_SUFFIXES
from medspam.batch.output import ResultWriter, done_path, file_identity
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
        If the results file exists and may not be resumed or replaced, is not a results file
        of this format (when resuming), or is or would become an input.
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
        pool.run(_new_records(inputs, writer, summary), on_rows)
    finally:
        writer.close()
    summary.skipped += inputs.skipped
    return summary


def _new_records(
    inputs: InputSet, writer: ResultWriter, summary: ScanSummary
) -> Iterator[Record]:
    """Yield the records not done by an earlier run; skip and count repeated ids.

    Ids are compared as the results file holds them (:meth:`ResultWriter.written_id`): a CSV
    row does not keep every id exactly, and a record must match the row it wrote.
    """
    seen: set[str] = set()
    for record in inputs:
        record_id = writer.written_id(record.id)
        if record_id in writer.done_ids:
            continue
        if record_id in seen:
            summary.skipped += 1
            continue
        seen.add(record_id)
        yield record


def _refuse_input_as_output(inputs: InputSet, out: Path) -> None:
    """Refuse a results (or ``.done``) file that is, or would become, one of the inputs.

    Writing over an input would destroy it. Files are compared by device and inode, so another
    spelling, a symlink or a hard link of an input is caught too. A results file with a page's
    name is refused even before it exists: inside an input folder, the next scan of that
    folder (``--resume``) would find it as a page.

    Raises
    ------
    InputError
        If the results file or its ``.done`` file is an input, or has a page's name.

    """
    if out.name.lower().removesuffix(".gz").endswith(PAGE_SUFFIXES):
        msg = (f"--out {out} has a page's name, so a scan of its folder would read it as an "
               "input: name results .jsonl or .csv (the HTML report is `medspam report --html`)")
        raise InputError(msg)
    outputs = {identity: path for path in (out, done_path(out))
               if (identity := file_identity(path)) is not None}  # not there: not an input
    for source in inputs.sources if outputs else ():
        identity = file_identity(source.path)
        if identity is not None and (clash := outputs.get(identity)) is not None:
            msg = f"{clash} is also an input ({source.path}): choose another --out"
            raise InputError(msg)
