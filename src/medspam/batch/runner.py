"""Worker processes: classify chunks of records in parallel; restart a worker stuck on a record."""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from medspam.batch.inputs import Record
from medspam.batch.rows import Row, classify_chunk, classify_record, error_row
from medspam.errors import MedspamError, ModelError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from multiprocessing.context import SpawnContext

    from medspam.classifier import Classifier
    from medspam.settings import Settings

logger = logging.getLogger(__name__)

QUEUED_CHUNKS = 2
"""Chunks given to a worker ahead of its results, so it never waits for work."""
KILL_GRACE = 5.0
"""Seconds past twice the record time limit before a silent worker is killed and replaced."""
POLL_SECONDS = 0.5

WARM_UP_PAGE = ('<p>Warm-up: k3tamine, x\u0430nax.</p>'
                '<a href="https://buyketamineonline.example/orderxanaxnow">order here</a>')
"""Classified once by each new worker so that its lazy tables load before it reports ready
(and are frozen with the model): a leet word and a Cyrillic letter load the look-alike table,
a long host label and path word the word splitter's."""
GC_THRESHOLDS = (10_000, 20, 20)
"""A worker's ``gc.set_threshold``: young collections 14x rarer than Python's (700, 10, 10)."""

Task = tuple[list[Record], bool]
"""Records for one worker, and whether to classify them one by one (after a failure)."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs to build its classifier."""

    model: str | None
    """Model file; ``None`` for the shipped model."""
    trusted: bool
    """Allow a model file outside the shipped folder."""
    settings: Settings
    """Limits, threshold and the per-record time limit."""


def _worker_main(config: WorkerConfig, tasks: Connection, results: Connection) -> None:
    """Worker process: load the model once, then classify the tasks it is sent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from medspam.classifier import Classifier  # noqa: PLC0415 - the parent never needs it

    try:
        classifier = Classifier.load(config.model, settings=config.settings,
                                     trusted=config.trusted)
    except MedspamError as exc:
        results.send(("fatal", str(exc)))
        return
    _settle(classifier)
    results.send(("ready", None))
    timeout = config.settings.record_timeout
    try:
        while (task := tasks.recv()) is not None:
            records, isolate = task
            if isolate:
                for record in records:
                    results.send(("rows", [classify_record(classifier, record, timeout)]))
            else:
                for rows in classify_chunk(classifier, records, timeout):
                    results.send(("rows", rows))
    except (EOFError, BrokenPipeError):
        return  # the parent is gone


def _settle(classifier: Classifier) -> None:
    """Load the classifier's lazy tables, then spare them and the model garbage collection.

    A worker keeps its model, word lists and word-segmenter tables for life, yet the cyclic
    collector traversed them again at every full collection, and ran a young collection
    every 700 new containers while a page allocates hundreds of thousands that reference
    counting frees anyway: about a tenth of a worker's time on real pages. Frozen objects
    are never traversed; a higher young threshold collects less often (cycles are rare here,
    so little garbage waits). Results do not change: only when garbage is collected does.
    """
    classifier.classify(WARM_UP_PAGE, url="https://warm-up.example/")
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _send_tasks(outbox: queue.SimpleQueue[Task | None], tasks: Connection) -> None:
    """Thread: send tasks to one worker without ever blocking the parent's loop."""
    try:
        while (task := outbox.get()) is not None:
            tasks.send(task)
        tasks.send(None)
    except OSError:
        logger.debug("worker gone before its tasks were sent")


class _Worker:
    """One worker process and the records it was given, in the order it returns them."""

    def __init__(self, context: SpawnContext, config: WorkerConfig) -> None:
        task_reader, task_writer = context.Pipe(duplex=False)
        result_reader, result_writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_worker_main, daemon=True,
                                       args=(config, task_reader, result_writer))
        self.process.start()
        task_reader.close()
        result_writer.close()
        self.results = result_reader
        self.outbox: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        threading.Thread(target=_send_tasks, args=(self.outbox, task_writer),
                         daemon=True).start()
        self.pending: deque[tuple[Record, bool]] = deque()
        self.is_ready = False
        self.last_progress = time.monotonic()

    def give(self, task: Task) -> None:
        """Queue a task for the worker."""
        if not self.pending:
            self.last_progress = time.monotonic()
        self.pending.extend((record, task[1]) for record in task[0])
        self.outbox.put(task)

    def stop(self) -> None:
        """Ask the worker to finish, then make sure it is gone."""
        self.outbox.put(None)
        self.process.join(timeout=5)
        self.kill()

    def kill(self) -> None:
        """End the worker process now."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.results.close()


class WorkerPool:
    """Classify records in worker processes, each loading the model once.

    A record that fails or runs past ``settings.record_timeout`` becomes an error row. A worker
    that stops answering (stuck in native code) or dies is replaced; its unfinished records are
    retried one by one, so only the record at fault gets an error row.

    Parameters
    ----------
    config
        Model and settings for the workers.
    workers
        Number of worker processes.
    chunk_size
        Records per task (the model classifies a chunk in one batch).

    """

    def __init__(self, config: WorkerConfig, *, workers: int, chunk_size: int = 32) -> None:
        """Start the worker processes."""
        self.config, self.chunk_size = config, chunk_size
        self._context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self._context, config) for _ in range(max(1, workers))]
        self._retry: deque[Task] = deque()
        timeout = config.settings.record_timeout
        self._kill_after = 2 * timeout + KILL_GRACE if timeout > 0 else float("inf")

    def run(self, records: Iterable[Record], on_rows: Callable[[list[Row]], None]) -> None:
        """Classify ``records``, calling ``on_rows`` with each batch of finished rows.

        Raises
        ------
        ModelError
            If a worker cannot load the model.

        """
        chunks = self._chunks(iter(records), on_rows)
        try:
            while (self._feed(chunks) or self._retry
                   or any(worker.pending for worker in self._workers)):
                wait([w.results for w in self._workers]
                     + [w.process.sentinel for w in self._workers], timeout=POLL_SECONDS)
                for index, worker in enumerate(self._workers):
                    self._collect(index, worker, on_rows)
        except BaseException:
            for worker in self._workers:
                worker.kill()
            raise
        for worker in self._workers:
            worker.stop()

    def _chunks(self, records: Iterator[Record],
                on_rows: Callable[[list[Row]], None]) -> Iterator[list[Record]]:
        """Group records into chunks; records that carry a read error become rows at once."""
        while True:
            chunk: list[Record] = []
            for record in itertools.islice(records, self.chunk_size):
                if record.error is None:
                    chunk.append(record)
                else:
                    on_rows([error_row(record, record.error)])
            if not chunk:
                return
            yield chunk

    def _feed(self, chunks: Iterator[list[Record]]) -> bool:
        """Give ready workers work; return whether the input may hold more."""
        limit = QUEUED_CHUNKS * self.chunk_size
        for worker in self._workers:
            while worker.is_ready and len(worker.pending) < limit:
                if self._retry:
                    worker.give(self._retry.popleft())
                elif (chunk := next(chunks, None)) is not None:
                    worker.give((chunk, False))
                else:
                    return False
        return True

    def _collect(self, index: int, worker: _Worker, on_rows: Callable[[list[Row]], None]) -> None:
        """Take a worker's messages; replace it when it died or got stuck."""
        try:
            while worker.results.poll():
                self._handle(worker, worker.results.recv(), on_rows)
        except (EOFError, OSError):
            pass  # the worker died; its exit code tells below
        if not worker.process.is_alive():
            if not worker.is_ready:
                msg = f"a worker process failed to start (exit code {worker.process.exitcode})"
                raise ModelError(msg)
            self._replace(index, f"worker crashed (exit code {worker.process.exitcode})", on_rows)
        elif worker.pending and time.monotonic() - worker.last_progress > self._kill_after:
            timeout = self.config.settings.record_timeout
            self._replace(index, f"timed out after {timeout:g} s (worker restarted)", on_rows)

    def _handle(self, worker: _Worker, message: tuple[str, Any],
                on_rows: Callable[[list[Row]], None]) -> None:
        """Act on one message from a worker."""
        kind, payload = message
        if kind == "fatal":
            raise ModelError(payload)
        if kind == "ready":
            worker.is_ready = True
            worker.last_progress = time.monotonic()
            return
        for row in payload:
            record, _ = worker.pending.popleft()
            if record.id != row["id"]:  # pragma: no cover - an invariant of the protocol
                msg = f"worker returned {row['id']!r} for {record.id!r}"
                raise RuntimeError(msg)
        worker.last_progress = time.monotonic()
        on_rows(payload)

    def _replace(self, index: int, reason: str, on_rows: Callable[[list[Row]], None]) -> None:
        """Kill a worker and start another; retry its records one by one."""
        worker = self._workers[index]
        worker.kill()
        pending = list(worker.pending)
        logger.warning("replacing worker %d: %s", index, reason)
        if pending and pending[0][1]:
            on_rows([error_row(pending[0][0], reason)])
            pending = pending[1:]
        if pending:
            self._retry.appendleft(([record for record, _ in pending], True))
        self._workers[index] = _Worker(self._context, self.config)
