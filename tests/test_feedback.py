"""FeedbackStore: durable, idempotent, retractable feedback over SQLite."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from typing import TYPE_CHECKING

import pytest

from medspam.errors import ConfigError, InputError
from medspam.feedback import FeedbackStore, UnknownVerdictError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

PAGE = "<p>Order tramadol tonight, no prescription: pills-now.example</p>"
URL = "https://forum.example/t/1"


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    with_store = FeedbackStore(tmp_path / "fb.sqlite3")
    yield with_store
    with_store.close()


def test_feedback_by_verdict_id_copies_the_stored_page(store: FeedbackStore) -> None:
    vid = store.save_page(PAGE, URL, content_type="text/html", verdict="spam", score=0.93,
                          model="medspam-0.1.0")
    feedback, is_new = store.add_feedback(label="ham", verdict_id=vid, note="a clinic",
                                          moderator="ana")
    assert is_new
    assert (feedback.body, feedback.url, feedback.verdict, feedback.score) == (
        PAGE, URL, "spam", 0.93)
    assert (feedback.note, feedback.moderator, feedback.verdict_id) == ("a clinic", "ana", vid)


@pytest.mark.parametrize("by_id", [True, False], ids=["by-verdict-id", "by-page"])
def test_same_page_and_label_is_idempotent(store: FeedbackStore, by_id: bool) -> None:
    vid = store.save_page(PAGE, URL)
    subject = {"verdict_id": vid} if by_id else {"body": PAGE, "url": URL}
    first, first_new = store.add_feedback(label="spam", **subject)
    again, again_new = store.add_feedback(label="spam", **subject)
    assert (first.id, first_new, again_new) == (again.id, True, False)
    assert store.count()["feedback"] == 1


def test_a_new_label_replaces_the_old_one(store: FeedbackStore) -> None:
    vid = store.save_page(PAGE, URL)
    old, _ = store.add_feedback(label="spam", verdict_id=vid)
    new, is_new = store.add_feedback(label="ham", verdict_id=vid)
    assert is_new
    assert new.id != old.id
    assert [fb.label for fb in store.iter_feedback()] == ["ham"]


def test_delete_retracts(store: FeedbackStore) -> None:
    feedback, _ = store.add_feedback(label="spam", body=PAGE, url=URL)
    assert store.delete_feedback(feedback.id)
    assert store.get_feedback(feedback.id) is None
    assert not store.delete_feedback(feedback.id)
    assert store.labelled_records() == []


def test_feedback_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    first = FeedbackStore(path)
    vid = first.save_page(PAGE, URL)
    feedback, _ = first.add_feedback(label="ham", verdict_id=vid)
    first.close()
    second = FeedbackStore(path)
    assert second.get_feedback(feedback.id) == feedback
    assert second.add_feedback(label="ham", verdict_id=vid) == (feedback, False)
    second.close()


def test_database_uses_wal(store: FeedbackStore) -> None:
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_retention_cap_prunes_pages_but_keeps_feedback(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3", max_pages=3)
    ids = [store.save_page(f"<p>page {n}</p>", None) for n in range(5)]
    feedback, _ = store.add_feedback(label="spam", verdict_id=ids[2])
    store.save_page("<p>one more</p>", None)
    assert store.count() == {"pages": 3, "feedback": 1}
    with pytest.raises(UnknownVerdictError, match="older than the last 3"):
        store.add_feedback(label="spam", verdict_id=ids[0])
    assert store.get_feedback(feedback.id).body == "<p>page 2</p>"
    store.close()


def test_keeping_no_pages_issues_no_verdict_ids(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3", max_pages=0)
    assert store.save_page(PAGE, URL) is None
    assert store.count()["pages"] == 0
    store.close()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"label": "maybe", "body": PAGE}, "label must be 'spam' or 'ham'"),
     ({"label": "spam"}, "needs a verdict_id, or the page"),
     ({"label": "spam", "verdict_id": "nope"}, "unknown verdict_id 'nope'")],
    ids=["bad-label", "no-subject", "unknown-id"],
)
def test_bad_feedback_is_refused(store: FeedbackStore, kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        store.add_feedback(**kwargs)


def test_records_and_export_keep_the_page(store: FeedbackStore) -> None:
    store.add_feedback(label="spam", body=PAGE, url=URL)
    store.add_feedback(label="ham", body=b"caf\xe9 prices", url=None)
    records = store.labelled_records()
    assert [(r["label"], r["html"], r["url"]) for r in records] == [
        ("spam", PAGE, URL), ("ham", b"caf\xe9 prices", None)]
    assert all(r["id"].startswith("feedback:") for r in records)
    exported = [fb.to_dict() for fb in store.iter_feedback()]
    assert exported[0]["html"] == PAGE
    assert bytes.fromhex(exported[1]["html_hex"]) == b"caf\xe9 prices"
    json.dumps(exported)


def test_the_redirect_is_kept_with_the_page(store: FeedbackStore) -> None:
    shop = "https://pills-now.example/buy"
    vid = store.save_page("", URL, location=shop)
    by_id, _ = store.add_feedback(label="spam", verdict_id=vid)
    by_page, _ = store.add_feedback(label="spam", body="", url=URL, location=shop)
    without, is_new = store.add_feedback(label="spam", body="", url=URL)
    assert is_new  # the same body at the same address, without the redirect, is another page
    assert [fb.location for fb in (by_id, by_page, without)] == [shop, shop, None]
    assert [r["location"] for r in store.labelled_records()] == [shop, shop, None]
    assert [fb.to_dict(with_page=False)["location"] for fb in store.iter_feedback()] == [
        shop, shop, None]


def test_a_database_from_before_redirects_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE pages (seq INTEGER PRIMARY KEY AUTOINCREMENT, verdict_id TEXT NOT NULL
            UNIQUE, created TEXT NOT NULL, url TEXT, body NOT NULL, content_type TEXT,
            verdict TEXT, score REAL, model TEXT);
        CREATE TABLE feedback (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL, subject TEXT NOT NULL, label TEXT NOT NULL, verdict_id TEXT,
            url TEXT, body NOT NULL, content_type TEXT, verdict TEXT, score REAL, model TEXT,
            note TEXT, moderator TEXT, UNIQUE (subject, label));
        INSERT INTO pages (verdict_id, created, url, body) VALUES ('v1', 't', 'u', 'old page');
        INSERT INTO feedback (id, created, subject, label, url, body)
            VALUES ('f1', 't', 'verdict:v0', 'ham', 'u', 'old feedback');
    """)
    db.close()
    store = FeedbackStore(path)
    assert store.get_feedback("f1").location is None
    feedback, _ = store.add_feedback(label="spam", verdict_id="v1")
    assert (feedback.body, feedback.location) == ("old page", None)
    assert store.save_page(PAGE, URL, location="https://pills-now.example/") is not None
    store.close()


def test_concurrent_duplicates_store_one_row(store: FeedbackStore) -> None:
    other = FeedbackStore(store.path)  # a second connection, as another worker process has
    vid = store.save_page(PAGE, URL)
    ids: list[str] = []

    def send(target: FeedbackStore) -> None:
        ids.append(target.add_feedback(label="spam", verdict_id=vid)[0].id)

    threads = [threading.Thread(target=send, args=(s,)) for s in (store, other) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert len(set(ids)) == 1
    assert store.count()["feedback"] == 1


def a_directory(tmp_path: Path) -> Path:
    return tmp_path


def a_garbage_file(tmp_path: Path) -> Path:
    (tmp_path / "junk").write_bytes(b"\x00garbage" * 512)
    return tmp_path / "junk"


def a_foreign_feedback_table(tmp_path: Path) -> Path:
    db = sqlite3.connect(tmp_path / "other.sqlite3")
    db.execute("CREATE TABLE feedback (id TEXT, label TEXT)")
    db.close()
    return tmp_path / "other.sqlite3"


def under_a_regular_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    return tmp_path / "file" / "fb.sqlite3"


@pytest.mark.parametrize(
    ("make", "match"),
    [(a_directory, "unable to open"), (a_garbage_file, "not a database"),
     (a_foreign_feedback_table, "no such column"),
     (under_a_regular_file, "File exists|Not a directory")],
    ids=["directory", "garbage-file", "foreign-feedback-table", "under-a-regular-file"])
def test_an_unusable_database_is_a_clear_error(tmp_path: Path, make: Callable[[Path], Path],
                                               match: str) -> None:
    path = make(tmp_path)
    with pytest.raises(ConfigError, match=rf"cannot use {re.escape(str(path))} as the feedback "
                       rf"database: .*({match})"):
        FeedbackStore(path)


def test_must_exist_refuses_a_missing_file_without_creating_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"feedback database .*missing.fb\.sqlite3 not found"):
        FeedbackStore(tmp_path / "missing" / "fb.sqlite3", must_exist=True)
    assert not (tmp_path / "missing").exists()
