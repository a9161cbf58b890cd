"""The ``medspam`` command line: the parser, logging and exit codes; subcommands do the work."""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from medspam import __version__
from medspam.cli import check, corpus, evaluate, learn, report, scan, serve, spark_scan, train
from medspam.errors import MedspamError

EXIT_OK, EXIT_SPAM, EXIT_ERROR = 0, 1, 2
EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_CLOSED_PIPE = 70, 130, 141
EPILOG = """exit codes:
  0    no spam found
  1    spam found (check, scan, report, spark-scan)
  2    usage or input error (bad option, unreadable file, model refused, a write failed)
  70   internal error: a bug in medspam (the traceback is printed; please report it)
  130  interrupted (Ctrl-C)
  141  the output's reader went away (a closed pipe: `medspam check … --json | head`)"""

COMMANDS = (check, corpus, train, evaluate, serve, learn, scan, report, spark_scan)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="medspam", description="Catch web pages that dress up illicit drug sales as "
        "health content, and say why.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"medspam {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (-v info, -vv debug)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def _parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; write ``--help`` or ``--version`` text so that a failed write shows.

    argparse prints that text and exits inside ``parse_args``, and ignores an error writing it,
    so ``medspam --help > /dev/full`` would exit 0. The text is caught here instead, then
    written and flushed: a full disk or a closed pipe raises, as for any other output.
    """
    text = io.StringIO()
    try:
        with contextlib.redirect_stdout(text):
            return parser.parse_args(argv)
    except SystemExit:
        if text.getvalue():
            print(text.getvalue(), end="", flush=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    try:
        args = _parse_args(build_parser(), argv)
        level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe or a full disk is found here, not after main returns
    except MedspamError as exc:
        print(f"medspam: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("medspam: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader has what it wanted
        _drop_unwritable_stdout()
        return EXIT_CLOSED_PIPE
    except OSError as exc:  # the machine's doing, not the input's: a full disk, a dead mount
        print(f"medspam: error: {exc}", file=sys.stderr)
        _drop_unwritable_stdout()
        return EXIT_ERROR
    except Exception:  # noqa: BLE001 - a bug must not exit 1, which means "spam found"
        traceback.print_exc()
        print("medspam: internal error (a bug in medspam): please report it with the traceback "
              "above", file=sys.stderr)
        return EXIT_INTERNAL
    return code


def _drop_unwritable_stdout() -> None:
    """Point standard output at nothing if it cannot be flushed, so that exit cannot fail on it.

    Output that could not be written (to a closed pipe, a full disk) stays buffered, and the
    interpreter's last flush would try it again: exit code 120 and an "Exception ignored"
    message. Standard output that still works (the error was the results file's) is kept.
    """
    try:
        sys.stdout.flush()
    except OSError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
