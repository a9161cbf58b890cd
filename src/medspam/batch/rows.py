"""Result rows: classify records under a time limit, keeping the fields a scan reports."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeGuard

from medspam.batch.inputs import Record, one_line

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import FrameType

    from medspam.classifier import Classifier, PageInput
    from medspam.verdict import Verdict

TOP_REASONS = 5
"""Reasons kept per row, strongest first."""
LINK_REASONS = 3
"""Reasons kept per flagged link."""
ROW_FIELDS = ("id", "url", "verdict", "category", "score", "threshold", "reasons", "links",
              "notes", "error")
"""The fields of every row, in order (the CSV columns)."""

Row = dict[str, Any]
TEXT_FIELDS = ("url", "verdict", "category", "error")
"""Row fields that hold text or ``null``."""
SCORE_FIELDS = ("score", "threshold")
"""Row fields that hold a probability or ``null``."""


def is_row(value: Any) -> TypeGuard[Row]:
    """Whether a value read back from a results file has the shape of a row.

    A results file is our own output but may be hand-edited or damaged; what passes here can be
    summarised and reported without further checks. Fields may be missing (rows of older
    versions), but a field that is there has its type, and a score is a number in 0..1.

    Examples
    --------
    >>> is_row({"id": "a", "score": 0.2, "links": [{"domain": "x.example"}]})
    True
    >>> is_row({"id": "a", "score": float("nan")}), is_row({"id": "a", "links": None})
    (False, False)

    """
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return False
    links, reasons, notes = value.get("links", []), value.get("reasons", []), value.get("notes", [])
    return (all(isinstance(value.get(name), str | None) for name in TEXT_FIELDS)
            and all(_is_probability(value.get(name)) for name in SCORE_FIELDS)
            and _is_list_of(reasons, dict) and _is_list_of(notes, str)
            and _is_list_of(links, dict)
            and all(isinstance(link.get("domain"), str | None) for link in links))


def _is_probability(value: Any) -> bool:
    """Whether a value is ``None`` or a number in 0..1 (not NaN, not a bool)."""
    return value is None or (isinstance(value, float | int) and not isinstance(value, bool)
                             and 0 <= value <= 1)


def _is_list_of(value: Any, kind: type) -> bool:
    """Whether a value is a list of ``kind`` items."""
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)


class RecordTimeout(BaseException):
    """A record ran past its time limit (a ``BaseException`` so no ``except Exception`` eats it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`RecordTimeout` in the block after ``seconds`` (main thread only; 0: none)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_timeout(_signum: int, _frame: FrameType | None) -> None:
    """SIGALRM handler."""
    raise RecordTimeout


def classify_chunk(
    classifier: Classifier, records: Sequence[Record], timeout: float
) -> Iterator[list[Row]]:
    """Classify records in one batch; if the batch fails or overruns, one by one.

    Yields lists of rows in record order: one list for a good batch, else one row at a time,
    so a caller can see progress at least every ``timeout`` seconds.
    """
    try:
        with time_limit(timeout):
            verdicts = list(classifier.classify_many(_page_input(r) for r in records))
    except (Exception, RecordTimeout):  # noqa: BLE001 - retried record by record below
        for record in records:
            yield [classify_record(classifier, record, timeout)]
        return
    yield [verdict_row(r, v) for r, v in zip(records, verdicts, strict=True)]


def classify_record(classifier: Classifier, record: Record, timeout: float) -> Row:
    """Classify one record within ``timeout`` seconds; any failure becomes an error row."""
    try:
        with time_limit(timeout):
            verdict = next(classifier.classify_many([_page_input(record)]))
    except RecordTimeout:
        return error_row(record, f"timed out after {timeout:g} s")
    except Exception as exc:  # noqa: BLE001 - the edge of one batch record
        return error_row(record, f"{type(exc).__name__}: {one_line(exc)}")
    return verdict_row(record, verdict)


def _page_input(record: Record) -> PageInput:
    """Build the ``classify_many`` item of a record."""
    if record.body is None:
        raise ValueError(record.error or "record has no body")
    return {"html": record.body, "url": record.url, "content_type": record.content_type,
            "location": record.location}


def verdict_row(record: Record, verdict: Verdict) -> Row:
    """Build the row of a classified record: verdict, top reasons, flagged links and notes.

    The notes are the verdict's, then the reader's (a WARC record cut short).
    """
    # Serialise only what the row keeps: a page has ~100 links, and a few are flagged.
    data = replace(verdict, reasons=verdict.reasons[:TOP_REASONS],
                   links=verdict.flagged_links).to_dict()
    return {
        "id": record.id, "url": record.url, "verdict": data["verdict"],
        "category": data["category"], "score": data["score"], "threshold": data["threshold"],
        "reasons": data["reasons"], "links": [_link_entry(link) for link in data["links"]],
        "notes": [*data["notes"], *record.notes], "error": None,
    }


def _link_entry(link: dict[str, Any]) -> dict[str, Any]:
    """Trim a flagged link to what a row keeps: its top reasons only."""
    return {**link, "reasons": link["reasons"][:LINK_REASONS]}


def error_row(record: Record, error: str) -> Row:
    """Build the row of a record that could not be classified (with the reader's notes)."""
    return {
        "id": record.id, "url": record.url, "verdict": None, "category": None, "score": None,
        "threshold": None, "reasons": [], "links": [], "notes": list(record.notes),
        "error": one_line(error),
    }
