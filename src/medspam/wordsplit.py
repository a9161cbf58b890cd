"""Split domain labels and URL slugs into words: wordsegment's answers, computed faster.

Examples
--------
>>> split_words("buycocaineonline")
['buy', 'cocaine', 'online']

"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

import wordsegment

from medspam import lexicons

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["register_vocabulary", "split_words"]

_MIN_SPLIT = 4
_MAX_SPLIT = 64
_BOOST_COUNT = 2e6
_MIN_VOCAB_WORD = 3

@lru_cache(maxsize=1)
def _segmenter() -> wordsegment.Segmenter:
    """Load, once, a private word segmenter that knows drug and shop words."""
    segmenter = wordsegment.Segmenter()
    segmenter.load()
    for name in ("drugs", "commerce"):
        try:
            _boost(segmenter, lexicons.load(name))
        except ValueError:
            continue
    return segmenter


def _boost(segmenter: wordsegment.Segmenter, words: Iterable[str]) -> None:
    """Give single ASCII words at least a healthy count in the segmenter's unigrams."""
    unigrams = segmenter.unigrams
    for word in words:
        if len(word) >= _MIN_VOCAB_WORD and word.isascii() and word.isalnum():
            key = word.lower()
            unigrams[key] = max(unigrams.get(key, 0.0), _BOOST_COUNT)
    _log_probs.cache_clear()


def register_vocabulary(words: Iterable[str]) -> None:
    """Teach :func:`split_words` more words (drug names, shop words), so they split whole.

    Parameters
    ----------
    words
        Words; multi-word phrases, non-ASCII words and words under three letters are ignored.

    Examples
    --------
    >>> register_vocabulary(["zopiclone"])
    >>> split_words("zopiclonestore")
    ['zopiclone', 'store']

    """
    _boost(_segmenter(), words)
    split_words.cache_clear()


@lru_cache(maxsize=65_536)
def split_words(token: str) -> list[str]:
    """Split a domain label or URL slug into words.

    Parameters
    ----------
    token
        A label or slug, e.g. ``"buycocaineonline"`` or ``"ketamine-s-isomer"``.

    Returns
    -------
    list of str
        Lower-case words; non-ASCII or very long parts stay whole. Do not mutate the
        returned list: results are cached.

    Examples
    --------
    >>> split_words("oxypharmadirect")
    ['oxy', 'pharma', 'direct']
    >>> split_words("ketamine-s-isomer")
    ['ketamine', 's', 'isomer']

    """
    words: list[str] = []
    for part in re.split(r"[\W_]+", token.lower()):
        if not part:
            continue
        if len(part) < _MIN_SPLIT or not part.isascii() or len(part) > _MAX_SPLIT:
            words.append(part)
        else:
            words.extend(_segment(_segmenter(), part))
    return words


# wordsegment's ``Segmenter.segment`` recurses over every (rest of text, previous word) pair
# and builds a bigram string for each candidate: about 1 ms per label, the slowest step of
# scoring a link. ``_segment`` returns exactly the same words (same scores, same float
# arithmetic, same tie-breaking by ``max`` over ``(score, words)``) by dynamic programming:
# a position's best split after a previous word equals its best split without context
# unless a bigram "previous next" exists for one of the next words, which is rare.
_CHUNK = 250
_CARRIED_WORDS = 5
_START = "<s>"

_Best = tuple[float, list[str]]


def _segment(segmenter: wordsegment.Segmenter, text: str) -> list[str]:
    """Return exactly ``segmenter.segment(text)``, computed without recursion."""
    clean = segmenter.clean(text)
    words: list[str] = []
    carried = ""
    for offset in range(0, len(clean), _CHUNK):
        chunk = carried + clean[offset : offset + _CHUNK]
        chunk_words = _best_split(segmenter, chunk)[1]
        carried = "".join(chunk_words[-_CARRIED_WORDS:])
        if carried == chunk and offset + _CHUNK >= len(clean):
            # A last chunk of at most five words: wordsegment searches it again, same result.
            return words + chunk_words
        words += chunk_words[:-_CARRIED_WORDS]
    return words + _best_split(segmenter, carried)[1]


@lru_cache(maxsize=4)
def _followers(segmenter: wordsegment.Segmenter) -> dict[str, frozenset[str]]:
    """First word of each bigram -> the words that follow it in a bigram."""
    follow: dict[str, set[str]] = {}
    for pair in segmenter.bigrams:
        first, _, second = pair.partition(" ")
        follow.setdefault(first, set()).add(second)
    return {first: frozenset(seconds) for first, seconds in follow.items()}


@lru_cache(maxsize=4)
def _log_probs(segmenter: wordsegment.Segmenter) -> tuple[dict[str, float], list[float]]:
    """log10 P(word) of each known word, and of an unknown word by length (wordsegment's).

    The values are computed by the very expressions wordsegment evaluates per candidate.
    """
    total = segmenter.total
    known = {word: math.log10(count / total) for word, count in segmenter.unigrams.items()}
    unknown = [math.log10(10.0 / (total * 10**size)) for size in range(segmenter.limit + 1)]
    return known, unknown


def _best_split(segmenter: wordsegment.Segmenter, text: str) -> _Best:
    """The ``(score, words)`` wordsegment's ``search(text)`` returns, by dynamic programming.

    ``best_*[pos]`` is the best split of ``text[pos:]`` without context; ``context`` holds
    the rare positions where a bigram with the previous word changes it.
    """
    n = len(text)
    limit = segmenter.limit
    follow = _followers(segmenter)
    known, unknown = _log_probs(segmenter)
    unigrams = segmenter.unigrams
    best_score = [0.0] * (n + 1)
    best_words: list[list[str]] = [[]] * (n + 1)
    context: dict[tuple[int, str], _Best] = {}
    has_context = [False] * (n + 1)

    def rest(end: int, word: str) -> _Best:
        hit = context.get((end, word)) if has_context[end] else None
        return hit or (best_score[end], best_words[end])

    def pick(pos: int, nexts: list[str], scores: list[float]) -> _Best:
        top = max(scores)
        return max((top, [word, *rest(end, word)[1]])
                   for end, word, score in zip(range(pos + 1, n + 1), nexts, scores, strict=False)
                   if score == top)

    for pos in range(n - 1, -1, -1):
        nexts = [text[pos:end] for end in range(pos + 1, min(n, pos + limit) + 1)]
        scores = []
        for end, word in enumerate(nexts, pos + 1):
            probability = known.get(word)
            if probability is None:
                probability = unknown[len(word)]
            scores.append(probability + (rest(end, word)[0] if has_context[end]
                                         else best_score[end]))
        best_score[pos], best_words[pos] = pick(pos, nexts, scores)
        # Every previous word is a different length, so no two are equal.
        previous_words = ((text[start:pos] for start in range(max(0, pos - limit), pos))
                          if pos else (_START,))
        for previous in previous_words:
            followers = follow.get(previous)
            if not followers or previous not in unigrams or followers.isdisjoint(nexts):
                continue
            changed = list(scores)
            for i, word in enumerate(nexts):
                if word in followers:
                    changed[i] = (math.log10(segmenter.score(word, previous))
                                  + rest(pos + 1 + i, word)[0])
            context[(pos, previous)] = pick(pos, nexts, changed)
            has_context[pos] = True
    return rest(0, _START)
