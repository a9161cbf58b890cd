"""Parse the real web pages with beautifulsoup4 + lxml, plain lxml.html and selectolax (Lexbor).

Each parser builds the tree, takes the visible text and counts ``a[href]`` links, on one core::

    python benchmarks/parser_compare.py [--limit N]

This is the measurement behind extraction running on selectolax (README, "How it works").
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import lxml.html
from _pages import real_pages
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from selectolax.lexbor import LexborHTMLParser


def with_bs4(html: bytes) -> tuple[int, int]:
    """Text length and link count with beautifulsoup4 on the lxml parser."""
    with warnings.catch_warnings():  # a few real pages start with an XML declaration
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    return len(soup.get_text(" ")), len(soup.select("a[href]"))


def with_lxml(html: bytes) -> tuple[int, int]:
    """Text length and link count with lxml.html."""
    tree = lxml.html.fromstring(html)
    return len(tree.text_content()), len(tree.xpath("//a[@href]"))


def with_selectolax(html: bytes) -> tuple[int, int]:
    """Text length and link count with selectolax's Lexbor parser."""
    tree = LexborHTMLParser(html)
    body = tree.body
    return len(body.text(separator=" ") if body else ""), len(tree.css("a[href]"))


def measure(parse: Callable[[bytes], tuple[int, int]], pages: list[bytes]) -> tuple[float, int]:
    """MB/s over ``pages`` by CPU time, and the total link count (a sanity check)."""
    start = time.process_time()
    links = sum(parse(page)[1] for page in pages)
    seconds = time.process_time() - start
    return sum(map(len, pages)) / 1e6 / seconds, links


def main() -> None:
    """Print one row per parser."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=200, help="real pages to parse")
    pages = [html for _, html, _ in real_pages(parser.parse_args().limit)]
    print(f"{len(pages)} pages, {sum(map(len, pages)) / 1e6:.1f} MB")
    print("| parser | MB/s (CPU) | pages/s | a[href] found |\n|---|---:|---:|---:|")
    for name, parse in (("beautifulsoup4 + lxml", with_bs4), ("lxml.html", with_lxml),
                        ("selectolax (Lexbor)", with_selectolax)):
        rate, links = measure(parse, pages)
        print(f"| {name} | {rate:.1f} | {rate * 1e6 * len(pages) / sum(map(len, pages)):.0f} "
              f"| {links} |")


if __name__ == "__main__":
    main()
