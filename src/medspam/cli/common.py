"""Options and helpers shared by subcommands: model loading, settings, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.settings import Settings

if TYPE_CHECKING:
    from medspam.classifier import Classifier


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--model``, ``--trust-model`` and ``--threshold``."""
    group = parser.add_argument_group("model")
    group.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    group.add_argument("--trust-model", action="store_true",
                       help="allow a model file outside the shipped folder (unpickling runs code)")
    group.add_argument("--threshold", type=_probability,
                       help="spam threshold on the score (default: the model card's)")


def _probability(text: str) -> float:
    """Parse a number in 0..1 for argparse."""
    value = float(text)
    if not 0.0 <= value <= 1.0:
        msg = f"{text} is not between 0 and 1"
        raise argparse.ArgumentTypeError(msg)
    return value


def settings_from(args: argparse.Namespace) -> Settings:
    """Build the settings of one run: environment, then command-line options."""
    return Settings.from_env().with_options(threshold=getattr(args, "threshold", None),
                                            workers=getattr(args, "workers", None))


def load_classifier(args: argparse.Namespace) -> Classifier:
    """Load the classifier the options name."""
    from medspam.classifier import Classifier  # noqa: PLC0415 - scikit-learn: only when needed

    return Classifier.load(args.model, settings=settings_from(args), trusted=args.trust_model)


def print_json(data: Any) -> None:
    """Print one JSON document."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
