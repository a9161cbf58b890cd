"""``medspam check``: classify one page and print a report a moderator can act on."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from medspam.cli.common import add_list_options, add_model_options, load_classifier, print_json
from medspam.errors import InputError

if TYPE_CHECKING:
    from medspam.classifier import Classifier
    from medspam.verdict import Verdict

MAX_LINKS_SHOWN = 10


def add_parser(subparsers: Any) -> None:
    """Register ``check``."""
    parser = subparsers.add_parser(
        "check", help="classify one page (a file or - for stdin)",
        description="Classify one page and explain the verdict. Exit 0 ok, 1 spam, 2 error.")
    parser.add_argument("page", help="HTML or text file, - to read standard input, or an "
                        "http(s) URL to fetch")
    parser.add_argument("--url", help="the page's own URL (it is evidence too; default for a "
                        "fetched page: its final URL)")
    parser.add_argument("--location", help="where the page's HTTP response redirected (a "
                        "crawl's 3xx Location): a link every visitor follows, never fetched")
    parser.add_argument("--allow-private", action="store_true",
                        help="let a URL fetch reach private, loopback and link-local addresses")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument("--all-links", action="store_true",
                        help="list every outbound link, not only suspicious ones")
    add_model_options(parser)
    add_list_options(parser)
    parser.set_defaults(run=run)


def read_input(name: str, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a page from a file or standard input.

    Bounded so that ``/dev/zero`` or an endless pipe ends: the classifier cuts a page at
    ``max_bytes`` and says so in a note, so one byte more than that is all it needs.
    """
    try:
        if name == "-":
            return sys.stdin.buffer.read(limit)
        with Path(name).open("rb") as stream:
            return stream.read(limit)
    except OSError as exc:
        msg = f"cannot read {name}: {exc.strerror or exc}"
        raise InputError(msg) from exc


def run(args: argparse.Namespace) -> int:
    """Classify the page and report; exit 1 when it is spam."""
    classifier = load_classifier(args)
    if is_url(args.page):
        verdict = classify_fetched(classifier, args)
    else:
        verdict = classifier.classify(
            read_input(args.page, classifier.settings.max_bytes + 1), args.url,
            location=args.location)
    if args.json:
        print_json(verdict.to_dict())
    else:
        render(verdict, Console(), all_links=args.all_links)
    return 1 if verdict.is_spam else 0


def is_url(name: str) -> bool:
    """Whether the ``page`` argument is an http(s) URL rather than a file name.

    Examples
    --------
    >>> is_url("https://example.org/page"), is_url("page.html"), is_url("HTTP://x.org")
    (True, False, True)
    """
    return name.lower().startswith(("http://", "https://"))


def classify_fetched(classifier: Classifier, args: argparse.Namespace) -> Verdict:
    """Fetch the page at ``args.page`` and classify it with its Content-Type's charset."""
    try:
        from medspam.fetch import fetch  # noqa: PLC0415 - httpx comes with the http extra
    except ImportError as exc:
        msg = "fetching a URL needs httpx: pip install 'medspam[http]'"
        raise InputError(msg) from exc
    page = fetch(args.page, max_bytes=classifier.settings.max_bytes,
                 allow_private=args.allow_private)
    if page.redirects:
        print(f"medspam: note: {' -> '.join((*page.redirects, page.url))}: judged at the page "
              "it redirects to", file=sys.stderr)
    if page.is_truncated:
        print(f"medspam: note: page cut at {classifier.settings.max_bytes} bytes",
              file=sys.stderr)
    return classifier.classify(page.body, args.url or page.url, content_type=page.content_type,
                               location=args.location)


def render(verdict: Verdict, console: Console, *, all_links: bool = False) -> None:
    """Print a readable report of ``verdict``."""
    colour = "bold red" if verdict.is_spam else "bold green"
    decided = f"  [bold]{verdict.listed}-listed[/]" if verdict.listed else ""
    console.print(f"[{colour}]{verdict.verdict.upper()}[/]  {verdict.category}  "
                  f"score {verdict.score:.3f} (threshold {verdict.threshold:.3f}){decided}")
    if verdict.url:
        console.print(f"page: {escape(verdict.url)}")
    console.print("signals: " + "  ".join(f"{k} {v:.2f}" for k, v in verdict.signals.items()))
    if verdict.reasons:
        console.print("\n[bold]why[/]")
        for reason in verdict.reasons:
            sign = "red" if reason.weight > 0 else "green"
            weight = "  list" if reason.source == "list" else f"{reason.weight:+6.2f}"
            console.print(f"  [{sign}]{weight}[/]  {escape(reason.text)}")
    shown = verdict.links if all_links else verdict.flagged_links
    if shown:
        title = "links" if all_links else "suspicious links"
        console.print(f"\n[bold]{title}[/] ({len(shown)} of {len(verdict.links)})")
        for evidence in shown[:MAX_LINKS_SHOWN if not all_links else None]:
            link = evidence.link
            anchor = f", anchor: {escape(repr(link.anchor[:50]))}" if link.found == "anchor" else ""
            hidden = ", hidden" if link.is_hidden and link.how != "hidden" else ""
            scripted = ", set by a script" if link.is_scripted else ""
            automatic = ", automatic" if link.is_automatic else ""
            via = f", through {link.via}" if link.via else ""
            # Where to look in the page source, unless it is a plain <a href>.
            element = f", {link.element}" if link.element not in {"", "a[href]"} else ""
            console.print(f"  {evidence.score:.2f}  {escape(link.url)}  [dim]({link.how}"
                          f"{automatic}{escape(element)}{escape(via)}{hidden}{scripted}{anchor})[/]")
            for reason in evidence.reasons[:3]:
                if reason.weight > 0:
                    console.print(f"        - {escape(reason.text)}")
    if verdict.notes:
        console.print("\n[bold]notes[/]")
        for note in verdict.notes:
            console.print(f"  - {escape(note)}")
