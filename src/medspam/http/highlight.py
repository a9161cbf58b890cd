"""The moderator's view of a page: its extracted text with suspicious phrases marked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medspam import lexicons

if TYPE_CHECKING:
    from medspam.page import Page

HIGHLIGHT_LEXICONS = ("drugs", "drug_slang", "no_prescription", "commerce")
"""Lexicons whose terms are marked, in order of precedence where matches overlap."""
MAX_VIEW_CHARS = 100_000
"""Characters of page text returned for viewing."""


def page_view(page: Page) -> dict[str, Any]:
    """Return the page's title, text and the spans of lexicon terms in it.

    Offsets count Unicode code points. Overlapping matches keep the earliest, then the
    longest, then the one from the lexicon listed first in ``HIGHLIGHT_LEXICONS``.

    Examples
    --------
    >>> from medspam.page import Page, TextBlock
    >>> view = page_view(Page(blocks=(TextBlock("Buy ketamine online"),)))
    >>> [(h["term"], h["lexicon"]) for h in view["highlights"]]
    [('Buy', 'commerce'), ('ketamine', 'drugs'), ('online', 'commerce')]

    """
    full = page.text
    text = full[:MAX_VIEW_CHARS]
    found = [
        (match.start(), -(match.end() - match.start()), rank, name, match.group())
        for rank, name in enumerate(HIGHLIGHT_LEXICONS)
        for match in lexicons.compile_terms(name).finditer(text)
    ]
    highlights, end = [], 0
    for start, negative_length, _, name, term in sorted(found):
        if start >= end:
            end = start - negative_length
            highlights.append({"start": start, "end": end, "lexicon": name, "term": term})
    return {"title": page.title, "text": text, "truncated": len(full) > len(text),
            "highlights": highlights}
