"""``medspam evaluate``: precision, recall, FPR and more on held-out or labelled pages."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from medspam.card import card_path_for, read_card, write_card
from medspam.cli.common import add_model_options, load_classifier, print_json
from medspam.errors import InputError


def add_parser(subparsers: Any) -> None:
    """Register ``evaluate``."""
    parser = subparsers.add_parser(
        "evaluate", help="measure quality on the held-out split or a labelled JSONL file",
        description="Without --data: rebuild the corpus from ../shared/data and evaluate on "
        "the held-out test pool, plus all real web pages. With --data: JSONL(.gz) files of "
        "{id, url, html|text, label: spam|ham}. Besides precision, recall and FPR (with 95 % "
        "intervals) it prints recall at 0.1, 0.5 and 1 % FPR and the --threshold that reaches "
        "each on these pages: on your own labelled pages, the threshold for your "
        "false-positive budget.")
    parser.add_argument("--data", type=Path, nargs="+", metavar="FILE",
                        help="labelled JSONL(.gz) files, measured as one set")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--plots", type=Path,
                        help="folder for a reliability plot and a PR curve (PNG, needs matplotlib)")
    parser.add_argument("--update-card", action="store_true",
                        help="write the held-out results (and --plots) into the model's card")
    add_model_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the metrics."""
    from medspam import evaluate as ev  # noqa: PLC0415 - heavy, and only this command needs it

    if args.plots and args.plots.exists() and not args.plots.is_dir():
        msg = f"--plots {args.plots}: not a folder"
        raise InputError(msg)
    classifier = load_classifier(args)
    out: dict[str, Any]
    results: list[ev.Scored]
    if args.data:
        records = [record for path in args.data for record in ev.read_labelled(path)]
        results = ev.classify_records(classifier, records)
        out = {"data": ev.report(results)}
    else:
        out = ev.evaluate_heldout(classifier)
        results = out.pop("_results")
    plots = ev.plot(results, args.plots) if args.plots else []
    if args.update_card:
        update_card(classifier, out, plots)
    if args.json:
        print_json(out)
    else:
        show(out, Console())
    return 0


def show(out: dict[str, Any], console: Console) -> None:
    """Print the headline metrics of each evaluated set as a table."""
    from medspam.evaluate import FPR_POINTS  # noqa: PLC0415 - heavy; loaded by run already

    points = [pct for pct, _ in FPR_POINTS]
    table = Table(title="medspam evaluate")
    for column in ("set", "n", "spam", "ham", "precision", "recall", "FPR", "FP", "ROC-AUC"):
        table.add_column(column, justify="right" if column != "set" else "left")
    intervals = Table(title="95 % intervals at the threshold")
    for column in ("set", "recall", "FPR"):
        intervals.add_column(column, justify="right" if column != "set" else "left")
    at_fpr = Table(title="recall at a fixed false-positive rate, and the threshold for it")
    for column in ("set", "ham counted by", *(f"{pct} %" for pct in points)):
        at_fpr.add_column(column, justify="right" if "%" in column else "left")
    for name, report in out.items():
        m = report.get("overall", report)
        if not m:
            continue
        table.add_row(name, str(m["n"]), str(m["spam"]), str(m["ham"]),
                      *(f"{m[k]:.4f}" for k in ("precision", "recall", "fpr")), str(m["fp"]),
                      f"{m.get('roc_auc', float('nan')):.4f}")
        intervals.add_row(name, _interval_text(m["recall_ci"]), _interval_text(m["fpr_ci"]))
        for counted, key in (("page", "recall_at_fpr_{}pct"),
                             ("document", "recall_at_fpr_{}pct_by_document")):
            at_fpr.add_row(name, counted, *(f"{m.get(key.format(pct), float('nan')):.4f}"
                                            for pct in points))
        at_fpr.add_row(name, "page: the threshold", *(
            _threshold_text(m.get(f"threshold_at_fpr_{pct}pct", float("nan")))
            for pct in points))
    console.print(table)
    console.print(intervals)
    console.print("The intervals count pages as independent draws; pages composed from one "
                  "document are not, so for them the true intervals are wider.")
    console.print(at_fpr)
    console.print("The threshold of each point by page is the --threshold (MEDSPAM_THRESHOLD) "
                  "that flags at most that share of these ham pages.")


def _interval_text(interval: list[float]) -> str:
    """A 95 % interval to four places, as the table's other numbers.

    >>> _interval_text([0.84305, 0.88282]), _interval_text([float("nan")] * 2)
    ('0.8430-0.8828', '-')
    """
    return "-" if any(map(math.isnan, interval)) else "{:.4f}-{:.4f}".format(*interval)


def _threshold_text(threshold: float) -> str:
    """A threshold to four places, rounded down.

    Rounded up, it would miss the page whose score it is: 0.56697 shown as 0.5670 flags one
    spam page fewer on the test pool.

    >>> _threshold_text(0.5669671985768009), _threshold_text(float("nan"))
    ('0.5669', 'nan')
    """
    return "nan" if math.isnan(threshold) else f"{math.floor(threshold * 10_000) / 10_000:.4f}"


def update_card(classifier: Any, out: dict[str, Any], plots: list[Path]) -> None:
    """Record evaluation results and plot paths (relative to the card) in the model's card."""
    path = card_path_for(classifier.model_path)
    card = read_card(path)
    card.setdefault("metrics", {}).update({f"evaluate_{name}": report.get("overall", report)
                            for name, report in out.items()})
    if "test" in out:  # the held-out breakdown, as training wrote it, measured again
        card["metrics"]["test_breakdown"] = out["test"]
    card["plots"] = [os.path.relpath(plot, path.parent) for plot in plots]
    write_card(path, card)
