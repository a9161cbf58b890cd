"""Review a blind set before it lands: its form, its phone numbers and its institutional hosts.

Each set is written by helpers from a brief (``BRIEF-<set>.md``), and read by a maintainer
before it is merged. This prints what needs a human eye::

    python datasets/fresh/review.py SET.jsonl [more.jsonl …]

- **form** (exit 1 if any): a line that is not a JSON object, a field missing, an id twice, a
  label that is not spam or ham, a category that does not match it, html without
  ``<!DOCTYPE html>`` or ``<title>``;
- **counts** by language, label, category, kind and placement;
- **phone numbers** outside the ranges the brief allows for invented people and firms (the
  fiction ranges, or a subscriber part of 0000): each with its page and the words around it,
  to check by hand that it is a real public helpline or fictional;
- **institutional hosts** (government, university, health-service domains): the brief lets a
  page link to a real agency, never put invented text under one; each with its page.

It reads only the files it is given and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
from collections import Counter
from pathlib import Path

from medspam.extract import extract_page
from medspam.urls import host_of

FIELDS = ("id", "url", "html", "label", "category", "kind", "lang", "placement", "note")
CATEGORIES = {"ham": {"clean"}, "spam": {"medical-drug-sales", "drug-sales"}}
PHONE = re.compile(r"(?<![\w/=.-])(?:\+|00|\()?\d[\d .()/-]{6,18}\d(?![\w/-])")
FICTION = (
    re.compile(r"^(?:44|0)7700900\d{3}$"),           # UK drama numbers (Ofcom)
    re.compile(r"^(?:44|0)(?:1[1-9]1496|11[3-8]496|2079460|1914980|2920180|289649|1632960)\d+$"),
    re.compile(r"^(?:61|0)(?:4915701|4915705|4915706|491570|[2-8]5550|[2-8]7010)\d+$"),  # Australia
    re.compile(r"^1?\d{3}55501\d{2}$"),               # US/Canada 555-01xx
    re.compile(r"^(?:33|0)63998\d{4}$"),              # France, fiction range
    re.compile(r"^(?:49|0)3023125\d{3}$"),            # Germany, fiction range
    re.compile(r"^(?:34)?6000000\d{2}$"),             # Spain: the brief's stand-in
    re.compile(r"^\d{0,6}0000\d*$"),                   # a subscriber part of 0000
)
NOT_PHONE = re.compile(
    r"\d\.\d\d\s|\d\d/\d\d/\d|^(?:19|20)\d\d-|\d\d[-.]\d\d[-.](?:19|20)\d\d")
"""A price list or a date."""
INSTITUTIONAL = re.compile(
    r"(?:^|\.)(?:gov|gouv|gob|gv|bund|admin|nhs|edu|ac|mil)(?:\.[a-z]{2})?$"
    r"|\.(?:gov|edu|mil)$|(?:^|\.)(?:nih|cdc|who|europa|ameli|sante|bfarm)\.")


def read(path: Path) -> tuple[list[dict], list[str]]:
    """The pages of a set, and what is wrong with its form."""
    pages, problems, seen = [], [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            page = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path.name}:{number}: not JSON ({error})")
            continue
        if not isinstance(page, dict):
            problems.append(f"{path.name}:{number}: not an object")
            continue
        where = f"{path.name}:{number} {page.get('id')}"
        problems += [f"{where}: no {field}" for field in FIELDS if field not in page]
        if page.get("id") in seen:
            problems.append(f"{where}: id seen before")
        seen.add(page.get("id"))
        if page.get("category") not in CATEGORIES.get(page.get("label"), ()):
            problems.append(f"{where}: label {page.get('label')!r} with category "
                            f"{page.get('category')!r}")
        html = str(page.get("html", ""))
        if not html[:20].lower().startswith("<!doctype html") or "<title" not in html.lower():
            problems.append(f"{where}: html lacks <!DOCTYPE html> or <title>")
        pages.append(page)
    return pages, problems


def text_of(html: str) -> str:
    """Every word of the page, hidden ones too (extraction keeps the visible text only)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def phones(page: dict) -> list[tuple[str, str]]:
    """Numbers outside the allowed ranges, each with the words around it."""
    text, found = text_of(page.get("html", "")), []
    for match in PHONE.finditer(text):
        number = match.group()
        groups = re.findall(r"\d+", number)
        if (len("".join(groups)) < 7 or any(len(group) < 2 for group in groups[1:])  # noqa: PLR2004
                or NOT_PHONE.search(number)):
            continue  # a price list, a date or a table, not a phone number
        digits = "".join(groups).removeprefix("00")
        if any(rule.match(digits) for rule in FICTION):
            continue
        start, end = max(0, match.start() - 50), match.end() + 30
        found.append((match.group().strip(), text[start:end].strip()))
    return found


def hosts(page: dict) -> set[str]:
    """Institutional hosts of the page's address and of every link extraction finds."""
    extracted = extract_page(page.get("html", ""), page.get("url"))
    links = [*extracted.links, *([extracted.url_link] if extracted.url_link else [])]
    return {link.host for link in links if INSTITUTIONAL.search(link.host)}


def review(paths: list[Path]) -> int:
    """Print each set's report; 1 if a set's form is wrong, else 0."""
    problems: list[str] = []
    for path in paths:
        pages, wrong = read(path)
        problems += wrong
        print(f"## {path} ({len(pages)} pages)")
        for field in ("lang", "label", "category", "kind", "placement"):
            counts = Counter(str(page.get(field)) for page in pages)
            print(f"{field}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
        print("\nphone numbers outside the fiction ranges (check each by hand):")
        for page in pages:
            for number, context in phones(page):
                print(f"  {page.get('id')} [{page.get('label')}] {number}: …{context}…")
        print("\ninstitutional hosts (a link to a real agency is fine; a page under one is not):")
        for page in pages:
            for name in sorted(hosts(page)):
                own = name == host_of(page.get("url", ""))
                print(f"  {page.get('id')} [{page.get('label')}] {name}"
                      + ("  <- the page's own address" if own else ""))
        print()
    for problem in problems:
        print(f"FORM {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    """Review the sets named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sets", nargs="+", type=Path, help="JSONL files of a blind set")
    return review(parser.parse_args(argv).sets)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `review.py … | head` ends quietly
    sys.exit(main())
