"""``medspam learn``: retrain with moderator feedback; replace the model only if quality holds."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from medspam.cli.common import JOBS, SEED, add_model_options, option, print_json
from medspam.errors import ConfigError
from medspam.feedback import FeedbackStore
from medspam.settings import Settings, ValueRule

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

HIGHER_IS_BETTER = ("recall", "precision", "f1", "roc_auc", "recall_at_fpr_1pct")
"""Test-split metrics that may not drop by more than the margin."""
SHOWN = ("recall", "precision", "fpr", "f1", "roc_auc", "recall_at_fpr_1pct", "fp", "fn")
EXIT_REFUSED = 1
MARGIN = ValueRule(float, "a number of at least 0", lambda v: 0 <= v < math.inf)
"""``--margin``: NaN would make every comparison pass, so it accepts any new model."""


@dataclass(frozen=True)
class Decision:
    """Old versus new metrics, and whether the new model may replace the old."""

    rows: list[tuple[str, float, float]]
    """(metric, old, new) on the same held-out records."""
    problems: list[str]
    """Why the new model is refused; empty when it may replace the old one."""

    @property
    def is_accepted(self) -> bool:
        """Whether no metric dropped past the margin."""
        return not self.problems


def decide(old: dict[str, Any], new: dict[str, Any], margin: float) -> Decision:
    """Compare held-out results of the old and new model.

    Parameters
    ----------
    old, new
        ``evaluate_heldout`` output of each model: ``test`` (a report with ``overall``
        metrics) and ``all_webpages`` (metrics on the real web pages).
    margin
        Largest allowed drop of each metric in ``HIGHER_IS_BETTER``.

    Returns
    -------
    Decision
        The rows to show and every reason to refuse.

    Examples
    --------
    >>> m = lambda r: {"test": {"overall": {"recall": r}}, "all_webpages": {"fp": 0}}
    >>> decide(m(0.95), m(0.96), 0.01).is_accepted, decide(m(0.95), m(0.90), 0.01).problems
    (True, ['recall fell from 0.9500 to 0.9000 (margin 0.01)'])

    """
    old_m, new_m = old["test"]["overall"], new["test"]["overall"]
    rows = [(name, float(old_m[name]), float(new_m[name])) for name in SHOWN
            if name in old_m and name in new_m]
    problems = [f"{name} fell from {before:.4f} to {after:.4f} (margin {margin:g})"
                for name, before, after in rows
                if name in HIGHER_IS_BETTER and _dropped(before, after, margin)]
    old_fp, new_fp = old["all_webpages"].get("fp", 0), new["all_webpages"].get("fp", 0)
    rows.append(("real web pages: false positives", float(old_fp), float(new_fp)))
    if new_fp > old_fp:
        problems.append(f"false positives on real web pages rose from {old_fp} to {new_fp}")
    return Decision(rows, problems)


def _dropped(before: float, after: float, margin: float) -> bool:
    """Whether ``after`` is worse than ``before`` by more than ``margin`` (NaN counts as worse)."""
    if math.isnan(before):
        return False
    return math.isnan(after) or after < before - margin


def add_parser(subparsers: Any) -> None:
    """Register ``learn``."""
    parser = subparsers.add_parser(
        "learn", help="retrain with moderator feedback; replace the model if quality holds",
        description="Turn the feedback stored by `medspam serve` into labelled pages, retrain "
        "with them (they join a training fold, never the test split), compare old and new "
        "model on the same held-out records, and replace the model only if no metric drops "
        "past the margin and no new false positive appears on the real web pages. "
        f"Exit 0 done (or dry run), {EXIT_REFUSED} refused, 2 error.")
    parser.add_argument("--db", type=Path, default=Path("medspam-feedback.sqlite3"),
                        help="feedback database of `medspam serve` (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true",
                        help="show the change, replace nothing")
    parser.add_argument("--margin", type=option(MARGIN), default=0.01,
                        help="largest allowed drop of recall, precision, F1, ROC-AUC "
                        "(default: %(default)s)")
    parser.add_argument("--out", type=Path,
                        help="write the new model to this folder instead of replacing the model")
    parser.add_argument("--seed", type=option(SEED), default=0, help="random seed (default: 0)")
    parser.add_argument("--jobs", type=option(JOBS), default=-1,
                        help="parallel extraction jobs (default: -1, every core)")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    add_model_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Retrain, compare, and replace (or not)."""
    console = Console(stderr=True)
    store = FeedbackStore(args.db, must_exist=True)
    try:
        records = store.labelled_records()
    finally:
        store.close()
    if not records:
        console.print(f"no feedback in {args.db}: nothing to learn")
        return 0
    target = args.model or default_model_path()
    check_before_training(target, args)
    spam = sum(r["label"] == "spam" for r in records)
    console.print(f"learning from {len(records)} feedback pages ({spam} spam, "
                  f"{len(records) - spam} ham)")
    with tempfile.TemporaryDirectory(prefix="medspam-learn-") as tmp:
        new_path = retrain(records, Path(tmp), args, console)
        decision = decide(heldout(target, args, trusted=args.trust_model),
                          heldout(new_path, args, trusted=True),  # we have just made it
                          args.margin)
        show(decision, args, console)
        if args.dry_run or not decision.is_accepted:
            return 0 if args.dry_run else EXIT_REFUSED
        written = install(new_path, args.out or target.parent)
    console.print(f"wrote {written}")
    return 0


def check_before_training(target: Path, args: argparse.Namespace) -> None:
    """Refuse a model or output folder that would fail only after the minutes-long retrain.

    The environment is read, the model gets every check short of unpickling (trust, card,
    sha256), and the folder the new model goes to must be, or be creatable in, a writable
    folder.
    """
    from medspam.modelio import read_checked  # noqa: PLC0415 - lazy

    Settings.from_env()  # a bad MEDSPAM_* variable fails now, not when evaluating
    read_checked(target, trusted=args.trust_model)
    if args.dry_run:
        return
    folder = args.out or target.parent
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        msg = f"cannot write the new model to {folder}: {existing} is not a writable folder"
        raise ConfigError(msg)


def default_model_path() -> Path:
    """Return the shipped model file, which ``learn`` replaces unless told otherwise."""
    from medspam.modelio import default_model_path as shipped  # noqa: PLC0415 - lazy

    return shipped()


def retrain(records: Sequence[dict[str, Any]], out_dir: Path, args: argparse.Namespace,
            console: Console) -> Path:
    """Train a new model with ``records`` added to the training pool; return its path."""
    from medspam.train import train  # noqa: PLC0415 - heavy, and only this command needs it

    return train(out_dir, seed=args.seed, n_jobs=args.jobs, extra_records=records,
                 progress=lambda msg: console.print(f"[dim]learn:[/] {msg}"))


def heldout(model: Path, args: argparse.Namespace, *, trusted: bool) -> dict[str, Any]:
    """``evaluate_heldout`` of one model file (same records for every model)."""
    from medspam.classifier import Classifier  # noqa: PLC0415
    from medspam.evaluate import evaluate_heldout  # noqa: PLC0415

    settings = Settings.from_env().with_options(threshold=args.threshold)
    classifier = Classifier.load(model, settings=settings, trusted=trusted)
    result = evaluate_heldout(classifier)
    result.pop("_results", None)
    return result


def install(new_path: Path, folder: Path) -> Path:
    """Copy the new model and its card into ``folder``; the old pair is kept as ``*.previous``.

    The model goes first and the card last: a crash in between leaves a pair whose hashes
    disagree, which loading refuses, never a silently mixed model.
    """
    from medspam.card import card_path_for  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / new_path.name
    for source, dest in ((new_path, target), (card_path_for(new_path), card_path_for(target))):
        if dest.exists():
            shutil.copy2(dest, dest.with_name(dest.name + ".previous"))
        staged = dest.with_name(dest.name + ".tmp")
        shutil.copy2(source, staged)
        staged.replace(dest)
    return target


def show(decision: Decision, args: argparse.Namespace, console: Console) -> None:
    """Print the comparison and the decision."""
    if args.json:
        print_json({"accepted": decision.is_accepted, "dry_run": args.dry_run,
                    "problems": decision.problems,
                    "metrics": {name: {"old": old, "new": new, "change": new - old}
                                for name, old, new in decision.rows}})
        return
    table = Table(title="held-out test split: old model vs new model")
    for column in ("metric", "old", "new", "change"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name, old, new in decision.rows:
        table.add_row(name, f"{old:.4f}", f"{new:.4f}", f"{new - old:+.4f}")
    Console().print(table)
    for problem in decision.problems:
        console.print(f"[red]refused:[/] {problem}")
    if args.dry_run:
        console.print("dry run: nothing replaced")
