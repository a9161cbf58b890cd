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
from collections.abc import Sequence
from typing import Any, Protocol

from medspam.features.scored import ScoredPage
from medspam.page import Page

__all__ = ["PASSAGE_WORDS", "passages", "score_sale_text"]

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
    def predict(self, items: Sequence[Any]) -> Sequence[float]: ...


def passages(text: str, min_words: int = PASSAGE_WORDS) -> list[str]:
    r"""The passages of ``text``: its lines joined into runs of ``min_words`` words, unquoted.

    Examples
    --------
    >>> passages("Intro line here\nsecond line of the intro\nBuy xanax, DM me", min_words=6)
    ['Intro line here second line of the intro', 'Buy xanax, DM me']
    >>> passages('They wrote: "xanax without prescription, fast" to us', min_words=3)
    ['They wrote:   to us']
    """
    out: list[str] = []
    lines: list[str] = []
    words = 0
    for line in QUOTED.sub(" ", text).split("\n"):
        count = len(line.split())
        if not count:
            continue
        lines.append(line.strip())
        words += count
        if words >= min_words:
            out.append(" ".join(lines))
            lines, words = [], 0
    if lines:
        out.append(" ".join(lines))
    return out


def score_sale_text(scorer: _Predicts, pages: Sequence[ScoredPage]) -> list[ScoredPage]:
    """``pages`` with the sale-text scorer's score of each text and of its best passage.

    One ``predict`` call reads every whole text and every passage; a page without a passage
    (no text, or only quotes) has passage score 0.
    """
    per_page = [passages(page.unmasked) for page in pages]
    items = [*pages, *(ScoredPage(Page(), passage) for found in per_page for passage in found)]
    probs = [float(p) for p in scorer.predict(items)] if items else []
    rest = iter(probs[len(pages):])
    out = []
    for page, found, score in zip(pages, per_page, probs[: len(pages)], strict=True):
        scores = [next(rest) for _ in found]
        best = max(range(len(found)), key=scores.__getitem__, default=None)
        passage, passage_score = ("", 0.0) if best is None else (found[best], scores[best])
        out.append(page.with_sale_text_score(score, passage=passage,
                                             passage_score=passage_score))
    return out
