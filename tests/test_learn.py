"""``medspam learn``: feedback becomes training data; the model is replaced if quality holds."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from medspam.card import card_path_for, sha256_of
from medspam.cli import learn
from medspam.cli.main import main
from medspam.extract import extract_page
from medspam.features import FEATURES_VERSION
from medspam.feedback import FeedbackStore

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path

SPAM = "<p>Order oxycodone 80mg tonight, no prescription: pills-overnight.example</p>"
HAM = "<p>Our clinic offers supervised ketamine treatment after a psychiatric referral.</p>"


def heldout(recall: float = 0.96, precision: float = 0.99, fp: int = 0) -> dict[str, Any]:
    overall = {"recall": recall, "precision": precision, "fpr": 0.002, "f1": 0.97,
               "roc_auc": 0.995, "recall_at_fpr_1pct": 0.97, "fp": 3, "fn": 4}
    return {"test": {"overall": overall}, "all_webpages": {"fp": fp}}


@pytest.mark.parametrize(
    ("new", "margin", "problems"),
    [(heldout(), 0.01, []),
     (heldout(recall=0.951), 0.01, []),
     (heldout(recall=0.949), 0.01, ["recall fell from 0.9600 to 0.9490 (margin 0.01)"]),
     (heldout(precision=0.90), 0.1, []),
     (heldout(precision=float("nan")), 0.1, ["precision fell from 0.9900 to nan (margin 0.1)"]),
     (heldout(fp=1), 0.5, ["false positives on real web pages rose from 0 to 1"])],
    ids=["same", "within-margin", "past-margin", "wide-margin", "nan", "new-false-positive"],
)
def test_decide(new: dict[str, Any], margin: float, problems: list[str]) -> None:
    decision = learn.decide(heldout(), new, margin)
    assert decision.problems == problems
    assert decision.is_accepted is (not problems)
    assert ("recall", 0.96, new["test"]["overall"]["recall"]) in decision.rows


def test_feedback_becomes_labelled_training_records(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    vid = store.save_page(SPAM.encode("utf-8"), "https://forum.example/t/9",
                          content_type="text/html")
    store.add_feedback(label="spam", verdict_id=vid)
    store.add_feedback(label="ham", body=HAM, url=None)
    retracted, _ = store.add_feedback(label="spam", body="<p>never mind</p>", url=None)
    store.delete_feedback(retracted.id)
    records = store.labelled_records()
    store.close()
    assert [(r["label"], r["url"]) for r in records] == [
        ("spam", "https://forum.example/t/9"), ("ham", None)]
    pages = [extract_page(r["html"], r["url"]) for r in records]
    assert "oxycodone" in pages[0].text
    assert "ketamine" in pages[1].text


def write_model(path: Path, data: bytes) -> None:
    """A model file and a card whose sha256 matches it (the content need not unpickle)."""
    path.write_bytes(data)
    card = {"name": "medspam", "version": "0.1.0", "sha256": sha256_of(data), "threshold": 0.5,
            "features_version": FEATURES_VERSION}
    card_path_for(path).write_text(json.dumps(card))


@pytest.fixture
def fake_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A target model pair, a fast fake ``retrain`` and per-model held-out results."""
    target = tmp_path / "models" / "medspam-0.1.0.pkl.gz"
    target.parent.mkdir()
    write_model(target, b"old model")
    state: dict[str, Any] = {"target": target, "results": {"old": heldout(), "new": heldout()},
                             "trusted": []}

    def retrain(records: list[dict[str, Any]], out_dir: Path, *_: Any) -> Path:
        state["records"] = records
        path = out_dir / "medspam-0.1.0.pkl.gz"
        write_model(path, b"new model")
        return path

    def fake_heldout(model: Path, _args: argparse.Namespace, *, trusted: bool) -> dict[str, Any]:
        state["trusted"].append(trusted)
        return state["results"]["old" if model == target else "new"]

    monkeypatch.setattr(learn, "retrain", retrain)
    monkeypatch.setattr(learn, "heldout", fake_heldout)
    db = tmp_path / "fb.sqlite3"
    store = FeedbackStore(db)
    store.add_feedback(label="spam", body=SPAM, url="https://forum.example/t/9")
    store.close()
    state["argv"] = ["learn", "--db", str(db), "--model", str(target), "--trust-model"]
    return state


def test_dry_run_shows_the_change_and_replaces_nothing(
    fake_training: dict[str, Any], capsys: pytest.CaptureFixture[str],
) -> None:
    fake_training["results"]["new"] = heldout(recall=0.98)
    assert main([*fake_training["argv"], "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"]
    assert out["dry_run"]
    assert out["metrics"]["recall"]["change"] == pytest.approx(0.02)
    assert fake_training["target"].read_bytes() == b"old model"
    assert [r["label"] for r in fake_training["records"]] == ["spam"]


def test_quality_drop_is_refused(fake_training: dict[str, Any],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    fake_training["results"]["new"] = heldout(recall=0.90)
    assert main(fake_training["argv"]) == learn.EXIT_REFUSED
    assert "refused: recall fell from 0.9600 to 0.9000" in capsys.readouterr().err
    assert fake_training["target"].read_bytes() == b"old model"


def test_holding_quality_replaces_the_model_and_keeps_the_old(
    fake_training: dict[str, Any],
) -> None:
    target: Path = fake_training["target"]
    assert main(fake_training["argv"]) == 0
    card = target.with_name("medspam-0.1.0.card.json")
    assert target.read_bytes() == b"new model"
    assert json.loads(card.read_text())["sha256"] == sha256_of(b"new model")
    assert target.with_name(target.name + ".previous").read_bytes() == b"old model"
    assert not list(target.parent.glob("*.tmp"))


def test_out_writes_elsewhere(fake_training: dict[str, Any], tmp_path: Path) -> None:
    assert main([*fake_training["argv"], "--out", str(tmp_path / "candidate")]) == 0
    assert (tmp_path / "candidate" / "medspam-0.1.0.pkl.gz").read_bytes() == b"new model"
    assert fake_training["target"].read_bytes() == b"old model"


def test_no_feedback_nothing_to_learn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    FeedbackStore(tmp_path / "empty.sqlite3").close()
    assert main(["learn", "--db", str(tmp_path / "empty.sqlite3")]) == 0
    assert "nothing to learn" in capsys.readouterr().err


def test_a_missing_database_is_an_error_not_created(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "typo" / "fb.sqlite3"
    assert main(["learn", "--db", str(db)]) == 2
    assert f"feedback database {db} not found" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()


def test_the_old_model_is_trusted_only_with_the_flag(fake_training: dict[str, Any],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a for a in fake_training["argv"] if a != "--trust-model"]
    assert main(argv) == 2
    assert "refusing to load" in capsys.readouterr().err
    assert "records" not in fake_training  # refused before the retrain
    assert main(fake_training["argv"]) == 0
    assert fake_training["trusted"] == [True, True]


def tamper(target: Path, tmp_path: Path) -> Path:
    target.write_bytes(b"tampered")
    return tmp_path / "out"


def out_is_a_file(_target: Path, tmp_path: Path) -> Path:
    (tmp_path / "out").write_text("a file")
    return tmp_path / "out"


def out_under_a_file(_target: Path, tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("a file")
    return tmp_path / "file" / "out"


@pytest.mark.parametrize(
    ("spoil", "match"),
    [(tamper, "has sha256 .* refused"), (out_is_a_file, r"cannot write the new model to .*out"),
     (out_under_a_file, r"cannot write the new model to .*file.out: .*file is not a writable")],
    ids=["tampered-model", "out-is-a-file", "out-under-a-file"])
def test_bad_model_or_out_is_refused_before_training(
    fake_training: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    spoil: Callable[[Path, Path], Path], match: str,
) -> None:
    out = spoil(fake_training["target"], tmp_path)
    assert main([*fake_training["argv"], "--out", str(out)]) == 2
    assert re.search(match, capsys.readouterr().err)
    assert "records" not in fake_training


@pytest.mark.parametrize("margin", ["nan", "-0.1", "inf", "abc"])
def test_margin_must_be_a_finite_non_negative_number(margin: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="2"):
        main(["learn", "--margin", margin])
    assert "expected a number of at least 0" in capsys.readouterr().err
