"""Spark job: classify the pages of many WARC files on a cluster, the Common Crawl way.

The driver loads and verifies the model once and broadcasts the classifier; each Python worker
unpickles it once and reuses it for every WARC of every partition. Rows have the schema of
``medspam scan`` and are written as JSONL part files.
"""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import shutil
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.batch.inputs import InputSet, Record
from medspam.batch.rowformat import json_text
from medspam.batch.rows import classify_chunk, error_row
from medspam.errors import InputError
from medspam.lines import capped_lines

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from pyspark.broadcast import Broadcast
    from pyspark.sql import SparkSession

    from medspam.classifier import Classifier

CHUNK_SIZE = 32
"""Records classified in one batch, as in ``medspam scan``."""
PATH_CAP = 64 * 1024
"""The longest line a path list may have: far above any path or URL, and a gzip bomb of one
line is refused at it instead of filling the driver's memory."""


def read_paths(listing: Path, prefix: str = "") -> list[str]:
    """Read a list of WARC paths (plain or gzipped, like Common Crawl's ``warc.paths.gz``).

    Raises
    ------
    InputError
        If the list cannot be read or is empty.

    """
    try:
        with gzip.open(listing, "rb") if listing.suffix == ".gz" else listing.open("rb") as stream:
            paths = []
            for line in capped_lines(stream, PATH_CAP):
                if line is None:
                    msg = f"{listing}: a line of {PATH_CAP:,} bytes or more is no WARC path"
                    raise InputError(msg)
                if line.strip():
                    paths.append(prefix + line.decode("utf-8").strip())
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        msg = f"cannot read the path list {listing}: {exc}"
        raise InputError(msg) from exc
    if not paths:
        msg = f"{listing} lists no WARC paths"
        raise InputError(msg)
    return paths


def run_job(
    spark: SparkSession, paths: list[str], output: str, classifier: Classifier,
    *, compress: bool = False,
) -> dict[str, int]:
    """Classify the WARCs at ``paths`` (one partition each) and write JSONL rows to ``output``.

    Returns
    -------
    dict
        ``pages``, ``flagged`` and ``errors`` counted by accumulators (tasks retried by
        Spark may count twice).

    """
    context = spark.sparkContext
    shared = context.broadcast(classifier)
    counts = {name: context.accumulator(0) for name in ("pages", "flagged", "errors")}

    def scan_partition(partition: Iterable[str]) -> Iterator[str]:
        for row in scan_paths(partition, shared):
            counts["pages"].add(1)
            counts["flagged"].add(row["verdict"] == "spam")
            counts["errors"].add(row["error"] is not None)
            yield json_text(row)

    rows = context.parallelize(paths, numSlices=len(paths)).mapPartitions(scan_partition)
    codec = "org.apache.hadoop.io.compress.GzipCodec" if compress else None
    rows.saveAsTextFile(output, compressionCodecClass=codec)
    shared.unpersist()
    return {name: accumulator.value for name, accumulator in counts.items()}


def scan_paths(paths: Iterable[str], shared: Broadcast[Classifier]) -> Iterator[dict[str, Any]]:
    """Rows of every record of the WARCs at ``paths`` (runs in a Spark Python worker).

    A WARC that cannot be read (missing, a remote copy that fails, a stream cut short) gives
    one error row named for its path after the rows it gave, and the next WARC is read: one
    bad file must not fail the task, and with it the job and every good file's rows.
    """
    classifier = shared.value
    for path in paths:
        try:
            yield from _scan_path(path, classifier)
        except (InputError, OSError, EOFError, zlib.error) as exc:
            yield error_row(Record(path), f"{type(exc).__name__}: {exc}")


def _scan_path(path: str, classifier: Classifier) -> Iterator[dict[str, Any]]:
    """Rows of every record of the WARC at ``path``."""
    with _local_copy(path) as local:
        records = iter(InputSet([str(local)], max_bytes=classifier.settings.max_bytes))
        while chunk := [_renamed(r, local, path) for r in itertools.islice(records, CHUNK_SIZE)]:
            yield from (error_row(r, r.error) for r in chunk if r.error is not None)
            good = [r for r in chunk if r.error is None]
            for rows in classify_chunk(classifier, good, classifier.settings.record_timeout):
                yield from rows


def _renamed(record: Record, local: Path, path: str) -> Record:
    """Rename a fallback id so it names the original path, not the local copy."""
    if not record.id.startswith(str(local)):
        return record
    return dataclasses.replace(record, id=path + record.id.removeprefix(str(local)))


@contextmanager
def _local_copy(path: str) -> Iterator[Path]:
    """Give a local file for ``path``: itself, or a temporary copy of a URL (needs fsspec)."""
    if "://" not in path:
        yield Path(path)
        return
    try:
        import fsspec  # noqa: PLC0415 - needed only for remote paths
    except ImportError as exc:
        msg = f"{path}: remote paths need fsspec (and s3fs for s3://)"
        raise InputError(msg) from exc
    with (tempfile.NamedTemporaryFile(suffix=Path(path).name) as local,
          fsspec.open(path, "rb") as remote):
        shutil.copyfileobj(remote, local)
        local.flush()
        yield Path(local.name)
