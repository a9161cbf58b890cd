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


def add_list_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--allow-list`` and ``--deny-list`` (:mod:`medspam.domainlists`)."""
    group = parser.add_argument_group(
        "domain lists", "the operator's own policy over the model; one domain per line, "
        "subdomains included; hosts files and ||domain^ rules are read too")
    group.add_argument("--allow-list", metavar="FILE",
                       help="sites whose own pages the score alone never flags "
                       "(default: $MEDSPAM_ALLOW_LIST)")
    group.add_argument("--deny-list", metavar="FILE",
                       help="shop domains: a page on one, or linking to one, is always flagged "
                       "(default: $MEDSPAM_DENY_LIST)")


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
                                            workers=getattr(args, "workers", None),
                                            allow_list=getattr(args, "allow_list", None),
                                            deny_list=getattr(args, "deny_list", None))


def load_classifier(args: argparse.Namespace) -> Classifier:
    """Load the classifier the options name."""
    from medspam.classifier import Classifier  # noqa: PLC0415 - scikit-learn: only when needed

    return Classifier.load(args.model, settings=settings_from(args), trusted=args.trust_model)


def print_json(data: Any) -> None:
    """Print one JSON document."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
