"""The sale-text scorer's reading of a page: its whole text, and its passages one by one.

An offer in one comment under a long article, or a sponsored line among dozens of paragraphs,
is a small part of its page: the sale-text scorer, fit on whole texts, reads the whole page as
the article it mostly is. Read passage by passage, the offer is a text of its own. A passage is
a run of the text's blocks (its lines) of at least :data:`PASSAGE_WORDS` words; quoted speech
is left out of the passages, since a page that quotes an offer (``"No prescription needed,
discreet shipping"``) reports it: warnings about spam quote it so. On the first four blind sets
(480 sale pages, 480 hard negatives; the shipped model's sale-text scorer), a passage scored
at least 0.7 on 224 sale pages and 15 hard negatives, the whole text on 129 and none; with
quotes kept, 225 and 33, all but one of the 18 more a warning that quotes spam.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from medspam import lexicons
from medspam.features.scored import ScoredPage
from medspam.page import Page

__all__ = ["PASSAGE_WORDS", "SALE_TEXT_LEXICONS", "Passage", "passages", "sale_words",
           "score_sale_text"]

SALE_TEXT_LEXICONS = ("commerce", "no_prescription", "legit_cues", "drugs")
"""The word lists whose matches the sale-text scorer reads as one word per list."""
_SALE_TEXT_WORDS = tuple((name, "lex" + name.replace("_", "")) for name in SALE_TEXT_LEXICONS)

PASSAGE_WORDS = 20
"""The fewest words of a passage: lines are joined until they reach it. 40 and 80 words gave
passages that dilute a short offer with its neighbours (the blind sets' sale pages with a
passage at 0.7 or more: 195 and 175 against 225 with 20)."""

QUOTED = re.compile(
    r'"[^"\n]{12,}?"'  # straight
    r"|\u201c[^\u201d\n]{12,}?\u201d"  # English curly
    r"|\u201e[^\u201c\u201d\n]{12,}?[\u201c\u201d]"  # German low-high
    r"|\u00ab[^\u00bb\n]{12,}?\u00bb"  # French guillemets
    r"|\u201a[^\u2018\u2019\n]{12,}?[\u2018\u2019]"  # German single
)
"""Quoted speech of a dozen characters or more, in the quotation marks of the corpus languages:
straight and English curly quotes, German low-high quotes, French guillemets, German single
low-high quotes."""


class _Predicts(Protocol):
    """A scorer: one probability per item (a :class:`~medspam.features.Scorer`)."""

    def predict(self, items: Sequence[Any]) -> Iterable[float]: ...


_EMPTY_PAGE = Page()


@dataclass(frozen=True, slots=True)
class Passage(ScoredPage):
    """One passage of a page's text, as the sale-text scorer reads it.

    Its text is cut from the page's text with look-alikes already undone, and its word-list
    words (:func:`sale_words`) are found once on the whole page, not again per passage.
    """

    words: tuple[str, ...] = ()
    """The word-list words of the passage, as :func:`sale_words` gives them."""

    def __post_init__(self) -> None:
        """The text is unmasked already."""
        object.__setattr__(self, "unmasked", self.text)


def sale_words(text: str) -> tuple[str, ...]:
    """One word per match of each of :data:`SALE_TEXT_LEXICONS` in ``text``, list by list.

    Examples
    --------
    >>> sale_words("Compre xanax sin receta")
    ('lexcommerce', 'lexnoprescription', 'lexdrugs')
    """
    return tuple(word for name, word in _SALE_TEXT_WORDS
                 for _ in lexicons.find_spans(name, text))


def passages(text: str, min_words: int = PASSAGE_WORDS) -> list[str]:
    r"""The passages of ``text``: its lines joined into runs of ``min_words`` words, unquoted.

    Examples
    --------
    >>> passages("Intro line here\nsecond line of the intro\nBuy xanax, DM me", min_words=6)
    ['Intro line here second line of the intro', 'Buy xanax, DM me']
    >>> passages('They wrote: "xanax without prescription, fast" to us', min_words=3)
    ['They wrote: to us']
    """
    return [" ".join(lines) for _, _, lines in _runs(QUOTED.sub(" ", text), min_words)]


def _runs(text: str, min_words: int) -> list[tuple[int, int, list[str]]]:
    """Where each passage of ``text`` starts and ends, and its lines (white space collapsed)."""
    runs: list[tuple[int, int, list[str]]] = []
    lines: list[str] = []
    words = first = at = 0
    for line in text.split("\n"):
        start, at = at, at + len(line) + 1
        count = len(line.split())
        if not count:
            continue
        if not lines:
            first = start
        lines.append(" ".join(line.split()))
        words += count
        if words >= min_words:
            runs.append((first, start + len(line), lines))
            lines, words = [], 0
    if lines:
        runs.append((first, len(text), lines))
    return runs


def _passages(text: str, min_words: int = PASSAGE_WORDS) -> list[Passage]:
    """The passages of ``text`` with their word-list words, the lists read once on it all.

    Quoted speech is blanked to as many spaces, so that offsets in the blanked text are the
    text's own; a word-list match counts for the passage whose lines hold it whole, which gives
    each passage the words :func:`sale_words` finds in it (``tests/test_passages.py``).
    """
    blanked = QUOTED.sub(lambda m: " " * len(m.group()), text)
    runs = _runs(blanked, min_words)
    starts = [start for start, _, _ in runs]
    found: list[list[str]] = [[] for _ in runs]
    for name, word in _SALE_TEXT_WORDS:
        for start, end, _ in lexicons.find_spans(name, blanked):
            i = bisect_right(starts, start) - 1
            if i >= 0 and end <= runs[i][1]:
                found[i].append(word)
    return [Passage(_EMPTY_PAGE, " ".join(lines), words=tuple(words))
            for (_, _, lines), words in zip(runs, found, strict=True)]


def score_sale_text(scorer: _Predicts, pages: Sequence[ScoredPage]) -> list[ScoredPage]:
    """``pages`` with the sale-text scorer's score of each text and of its best passage.

    One ``predict`` call reads every whole text and every passage; a page without a passage
    (no text, or only quotes) has passage score 0.
    """
    per_page = [_passages(page.unmasked) for page in pages]
    items = [*pages, *(passage for found in per_page for passage in found)]
    probs = [float(p) for p in scorer.predict(items)] if items else []
    rest = iter(probs[len(pages):])
    out = []
    for page, found, score in zip(pages, per_page, probs[: len(pages)], strict=True):
        scores = [next(rest) for _ in found]
        best = max(range(len(found)), key=scores.__getitem__, default=None)
        passage, passage_score = ("", 0.0) if best is None else (found[best].text, scores[best])
        out.append(page.with_sale_text_score(score, passage=passage,
                                             passage_score=passage_score))
    return out
