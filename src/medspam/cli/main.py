"""The ``medspam`` command line: the parser, logging and exit codes; subcommands do the work."""

from __future__ import annotations

import argparse
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe or a full disk is found here, not after main returns
    except MedspamError as exc:
        print(f"medspam: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("medspam: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader has what it wanted; point stdout at nothing so that the interpreter's
        # last flush at exit does not fail on the closed pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLOSED_PIPE
    except OSError as exc:  # the machine's doing, not the input's: a full disk, a dead mount
        print(f"medspam: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # noqa: BLE001 - a bug must not exit 1, which means "spam found"
        traceback.print_exc()
        print("medspam: internal error (a bug in medspam): please report it with the traceback "
              "above", file=sys.stderr)
        return EXIT_INTERNAL
    return code


if __name__ == "__main__":
    sys.exit(main())
