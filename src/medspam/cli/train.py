"""``medspam train``: build the corpus from ../shared/data and write a model and its card."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from medspam.card import card_path_for, read_card
from medspam.cli.common import JOBS, SEED, option, print_json


def add_parser(subparsers: Any) -> None:
    """Register ``train``."""
    parser = subparsers.add_parser(
        "train", help="train a model from ../shared/data and write it with its card",
        description="Build the corpus (datasets/RECIPE.md), fit the scorers, choose the "
        "threshold on validation data, evaluate on held-out data and write model + card.")
    parser.add_argument("--out", type=Path, default=Path("models"),
                        help="output folder (default: models/)")
    parser.add_argument("--seed", type=option(SEED), default=0, help="random seed (default: 0)")
    parser.add_argument("--jobs", type=option(JOBS), default=-1,
                        help="parallel extraction jobs (default: -1, every core)")
    parser.add_argument("--json", action="store_true", help="print the model card as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train and report where the model went."""
    from medspam.train import train  # noqa: PLC0415 - heavy, and only this command needs it

    console = Console(stderr=True)
    path = train(args.out, seed=args.seed, n_jobs=args.jobs,
                 progress=lambda msg: console.print(f"[dim]train:[/] {msg}"))
    card = read_card(card_path_for(path))
    if args.json:
        print_json(card)
    else:
        test = card["metrics"]["test"]
        console.print(f"wrote {path} (sha256 {card['sha256'][:12]}…), threshold "
                      f"{card['threshold']:.4f}; test recall {test['recall']:.4f}, "
                      f"FPR {test['fpr']:.4f}, precision {test['precision']:.4f}")
    return 0
