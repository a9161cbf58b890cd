"""Options and helpers shared by subcommands: model loading, settings, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.errors import InputError
from medspam.settings import MOST_WORKERS, PROBABILITY, Settings, ValueRule

if TYPE_CHECKING:
    from collections.abc import Callable

    from medspam.classifier import Classifier


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--model``, ``--trust-model`` and ``--threshold``."""
    group = parser.add_argument_group("model")
    group.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    group.add_argument("--trust-model", action="store_true",
                       help="allow a model file outside the shipped folder (unpickling runs code)")
    group.add_argument("--threshold", type=option(PROBABILITY),
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


SEED = ValueRule(int, "a whole number from 0 to 4,294,967,295", lambda v: 0 <= v < 2**32)
"""``--seed`` of train and learn: numpy and scikit-learn take no other random state."""
JOBS = ValueRule(int, f"-1 (every core) or a whole number from 1 to {MOST_WORKERS}",
                 lambda v: v == -1 or 1 <= v <= MOST_WORKERS)
"""``--jobs`` of train and learn: processes beyond the cores are no faster, and each holds
pages in memory."""


def file_to_write(text: str, option_name: str) -> Path:
    """The file an output option names, refused when the text names no file.

    Checked on the text because ``Path`` drops what matters: ``Path("new/")`` is ``new``, a
    file that would be created where a folder was meant, and ``Path("")`` is ``.``. ``-``
    would be a file named ``-``, not standard output.

    Raises
    ------
    InputError
        If the text is empty, ends in ``/``, ``.`` or ``..``, or is ``-``.

    """
    if text == "-":
        msg = (f"{option_name} - is not supported: give /dev/stdout to write to standard "
               "output, or ./- for a file named -")
        raise InputError(msg)
    if text.rsplit("/", 1)[-1] in {"", ".", ".."}:
        msg = f"{option_name} {text!r} names no file: give a file name"
        raise InputError(msg)
    return Path(text)


def option(rule: ValueRule) -> Callable[[str], Any]:
    """Return an argparse ``type`` that reads an option by ``rule``.

    A bad value then exits 2 with argparse's usage message and the accepted range, the same
    rule a ``MEDSPAM_*`` variable is checked with.
    """

    def convert(text: str) -> Any:
        try:
            return rule.convert(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return convert


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
    r"""Print one JSON document.

    Text that is not valid Unicode (a lone surrogate from a file name that is not UTF-8, or an
    escaped ``\ud800`` in a JSONL input) is written as its ``\udXXX`` escape, which JSON reads
    back as the same character, as results files are (``batch.rowformat.UNENCODABLE``).
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")
