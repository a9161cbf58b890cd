"""FeedbackStore: classified pages and moderator corrections, kept durably in SQLite (WAL).

Every page the HTTP service classifies is stored under its ``verdict_id`` (the newest
``max_pages`` only), so a moderator can correct a verdict by id without resending the page.
Feedback copies the page it is about, so pruning old pages never loses a correction.

Examples
--------
>>> import tempfile, pathlib
>>> store = FeedbackStore(pathlib.Path(tempfile.mkdtemp()) / "fb.sqlite3")
>>> vid = store.save_page("<p>buy ketamine</p>", "https://shop.example/", verdict="spam", score=0.9)
>>> first, is_new = store.add_feedback(label="ham", verdict_id=vid)
>>> again, is_new_again = store.add_feedback(label="ham", verdict_id=vid)
>>> again.id == first.id, is_new, is_new_again
(True, True, False)
>>> [r["label"] for r in store.labelled_records()]
['ham']
>>> store.close()

"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from medspam.errors import ConfigError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterator

Label = Literal["spam", "ham"]
LABELS = ("spam", "ham")
DEFAULT_MAX_PAGES = 10_000
"""Classified pages kept for feedback by ``verdict_id``; older ones are pruned."""
EXPORT_CHUNK = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    verdict_id TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    url TEXT,
    body NOT NULL,
    content_type TEXT,
    verdict TEXT,
    score REAL,
    model TEXT,
    location TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    subject TEXT NOT NULL,
    label TEXT NOT NULL CHECK (label IN ('spam', 'ham')),
    verdict_id TEXT,
    url TEXT,
    body NOT NULL,
    content_type TEXT,
    verdict TEXT,
    score REAL,
    model TEXT,
    note TEXT,
    moderator TEXT,
    location TEXT,
    UNIQUE (subject, label)
);
"""
_FEEDBACK_COLUMNS = ("id", "created", "label", "verdict_id", "url", "location", "body",
                     "content_type", "verdict", "score", "model", "note", "moderator")
_PAGE_COLUMNS = ("url", "location", "body", "content_type", "verdict", "score", "model")
"""What feedback copies from a stored page."""
_TABLE_COLUMNS = {
    "pages": ("seq", "verdict_id", "created", *_PAGE_COLUMNS),
    "feedback": ("seq", "subject", *_FEEDBACK_COLUMNS)}
"""Columns the queries use, checked when a database is opened (see ``_open``)."""
_ADDED_COLUMNS = {"location": "TEXT"}
"""Columns added after the first release: a database made before gets them when opened."""


class UnknownVerdictError(InputError, LookupError):
    """No stored page has this ``verdict_id`` (never issued, or pruned by the retention cap).

    Recoverable: send the page itself (``html`` and ``url``) with the feedback instead.
    """


@dataclass(frozen=True, slots=True)
class Feedback:
    """One stored moderator correction."""

    id: str
    """Feedback id, stable for the same page and label."""
    created: str
    """UTC time it was first stored (ISO 8601)."""
    label: Label
    """The moderator's label: ``spam`` or ``ham``."""
    verdict_id: str | None
    """The verdict it corrects, when given by id."""
    url: str | None
    """The page's URL."""
    location: str | None
    """Where the page's HTTP response redirected every visitor (its ``Location``), if anywhere."""
    body: str | bytes
    """The page as classified (text, or bytes as uploaded)."""
    content_type: str | None
    """Content-Type the page came with, if any."""
    verdict: str | None
    """The service's verdict at the time (``spam``/``ok``), when known."""
    score: float | None
    """The service's score at the time, when known."""
    model: str | None
    """``name-version`` of the model that gave the verdict, when known."""
    note: str | None
    """Free-text note from the moderator."""
    moderator: str | None
    """Who gave the feedback, as the caller names them."""

    def to_dict(self, *, with_page: bool = True) -> dict[str, Any]:
        """Return a JSON-ready dict; bytes that are not UTF-8 are exported as ``html_hex``."""
        out: dict[str, Any] = {k: getattr(self, k) for k in _FEEDBACK_COLUMNS if k != "body"}
        if with_page:
            out.update(_page_field(self.body))
        return out


def _page_field(body: str | bytes) -> dict[str, str]:
    """Return the page as a JSON field: ``html`` when it is text, else ``html_hex``."""
    if isinstance(body, str):
        return {"html": body}
    try:
        return {"html": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"html_hex": body.hex()}


def _now() -> str:
    """Return the current UTC time, ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def page_subject(body: str | bytes, url: str | None, location: str | None = None) -> str:
    """Identity of a page given by content: sha256 of its URL, body and redirect.

    A response without a redirect hashes as it did before responses had one.
    """
    data = body.encode("utf-8") if isinstance(body, str) else body
    redirect = b"" if location is None else b"\0location:" + location.encode("utf-8")
    digest = hashlib.sha256((url or "").encode("utf-8") + b"\0" + data + redirect).hexdigest()
    return f"page:{digest}"


def _open(path: Path) -> sqlite3.Connection:
    """Connect in WAL mode, create missing tables, and check existing ones have our columns.

    Checking here, once, turns a directory, a non-database file or a foreign ``feedback``
    table into one clear error at start-up instead of a failure on some later request.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_SCHEMA)
        _add_missing_columns(db)
        for table, columns in _TABLE_COLUMNS.items():
            db.execute(f"SELECT {', '.join(columns)} FROM {table} LIMIT 0")  # noqa: S608
    except sqlite3.Error:
        db.close()
        raise
    return db


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Give a database made by an earlier release the columns added since (empty in old rows).

    A table that is not ours is left alone: the column check after this refuses it. The
    write lock is taken first, so workers opening one database at once add a column once.
    """
    with db:
        db.execute("BEGIN IMMEDIATE")
        for table, columns in _TABLE_COLUMNS.items():
            have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if not have.issuperset(set(columns) - set(_ADDED_COLUMNS)):
                continue
            for column in sorted(_ADDED_COLUMNS.keys() - have):
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {_ADDED_COLUMNS[column]}")


class FeedbackStore:
    """SQLite store of classified pages and feedback; safe across threads and processes.

    Parameters
    ----------
    path
        Database file; created with its tables when missing, unless ``must_exist``.
    max_pages
        Classified pages kept for feedback by id (newest first); 0 keeps none.
    must_exist
        Refuse a missing file instead of creating it: a reader (``medspam learn``) given a
        mistyped path would otherwise find an empty store and quietly learn nothing.

    Raises
    ------
    ConfigError
        If the file is missing (with ``must_exist``), cannot be opened or created, is not an
        SQLite database, or has tables without the columns this store uses.

    """

    def __init__(self, path: str | Path, *, max_pages: int = DEFAULT_MAX_PAGES,
                 must_exist: bool = False) -> None:
        """Open (or create) the database in WAL mode."""
        self.path = Path(path)
        self.max_pages = max_pages
        self._lock = threading.Lock()
        if must_exist and not self.path.exists():
            msg = f"feedback database {self.path} not found: check the path"
            raise ConfigError(msg)
        try:
            self._db = _open(self.path)
        except (OSError, sqlite3.Error) as exc:
            msg = f"cannot use {self.path} as the feedback database: {exc}"
            raise ConfigError(msg) from exc

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def save_page(
        self, body: str | bytes, url: str | None, *, location: str | None = None,
        content_type: str | None = None, verdict: str | None = None, score: float | None = None,
        model: str | None = None,
    ) -> str | None:
        """Keep a classified page and return its new ``verdict_id`` (``None`` when none are kept).

        ``location`` is where its HTTP response redirected, as it was classified.

        Pages beyond ``max_pages`` are pruned, oldest first.
        """
        if self.max_pages <= 0:
            return None
        verdict_id = uuid.uuid4().hex
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            cursor = self._db.execute(
                "INSERT INTO pages (verdict_id, created, url, location, body, content_type, "
                "verdict, score, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (verdict_id, _now(), url, location, body, content_type, verdict, score, model))
            self._db.execute("DELETE FROM pages WHERE seq <= ?",
                             ((cursor.lastrowid or 0) - self.max_pages,))
        return verdict_id

    def add_feedback(
        self, *, label: str, verdict_id: str | None = None, body: str | bytes | None = None,
        url: str | None = None, location: str | None = None, note: str | None = None,
        moderator: str | None = None,
    ) -> tuple[Feedback, bool]:
        """Store a correction by ``verdict_id`` or by page (``body``, ``url``, ``location``).

        Idempotent: the same page and label return the stored feedback unchanged. A different
        label for the same page replaces the earlier one (the moderator changed their mind).

        Returns
        -------
        tuple of (Feedback, bool)
            The stored feedback and whether it was new.

        Raises
        ------
        InputError
            If the label is not ``spam``/``ham`` or neither a verdict id nor a page is given.
        UnknownVerdictError
            If ``verdict_id`` is not (or no longer) stored.

        """
        if label not in LABELS:
            msg = f"label must be 'spam' or 'ham', not {label!r}"
            raise InputError(msg)
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._page_row(verdict_id, body, url, location)
            subject = (f"verdict:{verdict_id}" if verdict_id
                       else page_subject(row["body"], url, location))
            existing = self._feedback_where("subject = ? AND label = ?", (subject, label))
            if existing:
                return existing[0], False
            self._db.execute("DELETE FROM feedback WHERE subject = ?", (subject,))
            values = {**row, "id": uuid.uuid4().hex, "created": _now(), "subject": subject,
                      "label": label, "verdict_id": verdict_id, "note": note,
                      "moderator": moderator}
            self._db.execute(
                f"INSERT INTO feedback ({', '.join(values)}) "  # noqa: S608 - fixed column names
                f"VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
            return self._feedback_where("id = ?", (values["id"],))[0], True

    def _page_row(
        self, verdict_id: str | None, body: str | bytes | None, url: str | None,
        location: str | None,
    ) -> dict[str, Any]:
        """Return the page feedback is about: the stored one for ``verdict_id``, else the given."""
        if verdict_id:
            found = self._db.execute(
                f"SELECT {', '.join(_PAGE_COLUMNS)} FROM pages "  # noqa: S608 - fixed SQL
                "WHERE verdict_id = ?", (verdict_id,)).fetchone()
            if found is None:
                msg = (f"unknown verdict_id {verdict_id!r}: it was never issued or is older than "
                       f"the last {self.max_pages} classified pages; send html and url instead")
                raise UnknownVerdictError(msg)
            return dict(zip(_PAGE_COLUMNS, found, strict=True))
        if body is None:
            msg = "feedback needs a verdict_id, or the page (html or text) and its url"
            raise InputError(msg)
        return {"url": url, "location": location, "body": body, "content_type": None,
                "verdict": None, "score": None, "model": None}

    def _feedback_where(self, where: str, params: tuple[Any, ...]) -> list[Feedback]:
        """Feedback rows matching an SQL condition, oldest first."""
        rows = self._db.execute(
            f"SELECT {', '.join(_FEEDBACK_COLUMNS)} FROM feedback "  # noqa: S608 - fixed SQL
            f"WHERE {where} ORDER BY seq", params).fetchall()
        return [Feedback(*row) for row in rows]

    def get_feedback(self, feedback_id: str) -> Feedback | None:
        """Return the feedback with this id, or ``None``."""
        with self._lock:
            found = self._feedback_where("id = ?", (feedback_id,))
        return found[0] if found else None

    def delete_feedback(self, feedback_id: str) -> bool:
        """Retract feedback; return whether it existed."""
        with self._lock, self._db:
            return self._db.execute("DELETE FROM feedback WHERE id = ?",
                                    (feedback_id,)).rowcount > 0

    def iter_feedback(self) -> Iterator[Feedback]:
        """Every stored feedback, oldest first, read in small chunks."""
        last = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT seq, {', '.join(_FEEDBACK_COLUMNS)} FROM feedback "  # noqa: S608
                    "WHERE seq > ? ORDER BY seq LIMIT ?", (last, EXPORT_CHUNK)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield from (Feedback(*row[1:]) for row in rows)

    def labelled_records(self) -> list[dict[str, Any]]:
        """Feedback as labelled records ``{id, url, location, html, label}`` for training."""
        return [{"id": f"feedback:{fb.id}", "url": fb.url, "location": fb.location,
                 "html": fb.body, "label": fb.label}
                for fb in self.iter_feedback()]

    def count(self) -> dict[str, int]:
        """Numbers of stored pages and feedback rows."""
        with self._lock:
            pages = self._db.execute("SELECT count(*) FROM pages").fetchone()[0]
            feedback = self._db.execute("SELECT count(*) FROM feedback").fetchone()[0]
        return {"pages": int(pages), "feedback": int(feedback)}
