"""Counts over a page's text: word-list terms, prices, doses, crypto, selling sentences.

:func:`text_cues` gives the values the page scorer's text cues (:data:`CUE_NAMES`) hold, each
on a log scale or as a density; :func:`selling_sentences` finds the sentences that sell a drug.
The transformers that make columns of them are in :mod:`medspam.features.pages`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from medspam import lexicons, lookalikes
from medspam.features.links import log_count

__all__ = ["CUE_NAMES", "DENSITY_MIN_WORDS", "selling_sentences", "text_cues", "word_count"]

_WORD = re.compile(r"\S+")
_PRICE = re.compile(
    r"(?:[$€£]\s?\d+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?\s?(?:usd|eur|euros?|dollars?|[$€£]))",
    re.IGNORECASE,
)
_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|ug|ml|g)\b", re.IGNORECASE)
# The look-ahead holds the first letters of the words (same matches): the scan rejects most
# places by one class test instead of trying each word.
_CRYPTO = re.compile(r"\b(?=[bcumxel])(?:bitcoin|btc|crypto|usdt|monero|xmr|ethereum|litecoin)\b",
                     re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_NEAR_CHARS = 80
_MEMO_CHARS = 65_536
DENSITY_MIN_WORDS = 50
"""Densities divide by at least this many words: in a sentence or two, one drug name is
"all drugs" (5 words: density at its cap), which says nothing about the page."""

CUE_NAMES = (
    "drug_terms",
    "disguised_drug_terms",
    "distinct_drugs",
    "drug_density",
    "commerce_terms",
    "sale_words_near_drug",
    "no_prescription",
    "crypto_payment",
    "prices",
    "doses",
    "medical_terms",
    "medical_density",
    "legit_terms",
    "title_has_drug",
    "title_has_commerce",
)


def _positions(name: str, text: str) -> list[int]:
    """Start offsets of the terms of lexicon ``name`` in ``text``."""
    return [start for start, _, _ in lexicons.find_spans(name, text)]


def word_count(text: str) -> int:
    """Number of white-space separated words, at least 1 (remembered for short texts)."""
    return _word_count_memo(text) if len(text) <= _MEMO_CHARS else max(len(_WORD.findall(text)), 1)


@lru_cache(maxsize=256)
def _word_count_memo(text: str) -> int:
    """:func:`word_count` of a text, remembered: TextCues and MedicalCues read the same text."""
    return max(len(_WORD.findall(text)), 1)


def _near(anchors: list[int], others: list[int], distance: int) -> int:
    """How many of ``others`` lie within ``distance`` characters of an anchor (sorted lists)."""
    count = 0
    for pos in others:
        i = bisect_left(anchors, pos - distance)
        if i < len(anchors) and anchors[i] <= pos + distance:
            count += 1
    return count


def selling_sentences(unmasked: str) -> list[tuple[int, int]]:
    """Spans of the sentences that sell a drug: a drug name and sale or no-prescription wording.

    A sentence counts only when it has no wording of legitimate pages too: ``Never buy xanax
    online without a prescription`` warns. Sentences end at ``.``, ``!`` or ``?`` before white
    space, and at line breaks (blocks).

    Examples
    --------
    >>> text = "We sell real vicodin. Never buy xanax online. Vendo tapentadol sin receta!"
    >>> [text[a:b] for a, b in selling_sentences(text)]
    ['We sell real vicodin.', ' Vendo tapentadol sin receta!']
    """
    ends = [m.end() for m in _SENTENCE_END.finditer(unmasked)]

    def sentences(name: str) -> set[int]:
        return {bisect_right(ends, start) for start in _positions(name, unmasked)}

    sale = sentences("commerce") | sentences("no_prescription")
    selling = (sentences("drugs") & sale) - sentences("legit_cues")
    bounds = [0, *ends, len(unmasked)]
    return [(bounds[i], bounds[i + 1]) for i in sorted(selling)]


def text_cues(text: str, unmasked: str, title: str) -> list[float]:
    """The values of :data:`CUE_NAMES` for a page's text, its unmasked form and its title.

    Remembered for texts up to 64 K characters: the text cues are read twice per page, once
    more for the pages without link evidence (``UnlinkedTextCues``).
    """
    if len(text) <= _MEMO_CHARS:
        return list(_text_cues_memo(text, unmasked, title))
    return _text_cues(text, unmasked, title)


def _text_cues(text: str, unmasked: str, title: str) -> list[float]:
    """:class:`TextCues` values of a page's text, its unmasked form and its title."""
    words = max(word_count(unmasked), DENSITY_MIN_WORDS)
    drug_spans = lexicons.find_spans("drugs", unmasked)
    disguised = sum(text[start:end].lower() != unmasked[start:end].lower()
                    for start, end, _ in drug_spans)
    drugs = [term for _, _, term in drug_spans]
    commerce = _positions("commerce", unmasked)
    medical = lexicons.find_terms("medical", unmasked)
    title = lookalikes.unmask(title)
    return [
        log_count(len(drugs), 100),
        log_count(disguised, 10),
        log_count(len(set(drugs)), 20),
        min(len(drugs) / words * 20, 1.0),
        log_count(len(commerce), 100),
        log_count(_near([start for start, _, _ in drug_spans], commerce, _NEAR_CHARS), 30),
        log_count(len(_positions("no_prescription", unmasked)), 10),
        log_count(len(_CRYPTO.findall(unmasked)), 10),
        log_count(len(_PRICE.findall(unmasked)), 30),
        log_count(len(_DOSE.findall(unmasked)), 30),
        log_count(len(medical), 200),
        min(len(medical) / words * 10, 1.0),
        log_count(len(_positions("legit_cues", unmasked)), 30),
        float(bool(lexicons.find_terms("drugs", title))),
        float(bool(lexicons.find_terms("commerce", title))),
    ]


@lru_cache(maxsize=512)
def _text_cues_memo(text: str, unmasked: str, title: str) -> tuple[float, ...]:
    """:func:`_text_cues`, remembered: TextCues and UnlinkedTextCues read the same page."""
    return tuple(_text_cues(text, unmasked, title))
