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
from itertools import compress
from operator import add
from typing import TYPE_CHECKING

import wordsegment

from medspam import lexicons

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["register_vocabulary", "split_words"]

_MIN_SPLIT = 4
_MAX_SPLIT = 64
_BOOST_COUNT = 2e6
_MIN_VOCAB_WORD = 3

@lru_cache(maxsize=1)
def _segmenter() -> wordsegment.Segmenter:
    """Load, once, a private word segmenter that knows drug, drug-class and shop words."""
    segmenter = wordsegment.Segmenter()
    segmenter.load()
    for name in ("drugs", "commerce", "url_drug_words"):
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
    the rare positions where a bigram with the previous word changes it. A position's
    candidate scores are summed by ``map`` (same additions, same order) except where a
    candidate's rest has a context, which is looked up one by one.
    """
    n = len(text)
    limit = segmenter.limit
    follow, starters = _followers(segmenter), _bigram_starters(segmenter)
    known, unknown = _log_probs(segmenter)
    best_score = [0.0] * (n + 1)
    best_words: list[list[str]] = [[]] * (n + 1)
    context: dict[tuple[int, str], _Best] = {}
    has_context = [False] * (n + 1)

    def rest(end: int, word: str) -> _Best:
        hit = context.get((end, word)) if has_context[end] else None
        return hit or (best_score[end], best_words[end])

    def pick(pos: int, nexts: list[str], scores: list[float]) -> _Best:
        return _pick(nexts, scores, lambda i, word: rest(pos + 1 + i, word)[1])

    for pos in range(n - 1, -1, -1):
        last = min(n, pos + limit)
        nexts = [text[pos:end] for end in range(pos + 1, last + 1)]
        # log P(word) of each candidate (an unknown word's by its length), plus its rest.
        scores = list(map(add, map(known.get, nexts, unknown[1:]), best_score[pos + 1:last + 1]))
        for end in compress(range(pos + 1, last + 1), has_context[pos + 1:last + 1]):
            word = nexts[end - pos - 1]
            scores[end - pos - 1] = known.get(word, unknown[len(word)]) + rest(end, word)[0]
        best_score[pos], best_words[pos] = pick(pos, nexts, scores)
        # Every previous word is a different length, so no two are equal.
        previous_words = ([text[start:pos] for start in range(max(0, pos - limit), pos)]
                          if pos else [_START])
        for previous in filter(starters.__contains__, previous_words):
            followers = follow[previous]
            if followers.isdisjoint(nexts):
                continue
            changed = list(scores)
            for i, word in enumerate(nexts):
                if word in followers:
                    changed[i] = (math.log10(segmenter.score(word, previous))
                                  + rest(pos + 1 + i, word)[0])
            context[(pos, previous)] = pick(pos, nexts, changed)
            has_context[pos] = True
    return rest(0, _START)


def _pick(
    nexts: list[str], scores: list[float], words_after: Callable[[int, str], list[str]]
) -> _Best:
    """The best ``(score, words)`` of a position: top score, ties broken by the words."""
    top = max(scores)
    if scores.count(top) == 1:  # the usual case: one best candidate
        i = scores.index(top)
        return top, [nexts[i], *words_after(i, nexts[i])]
    return max((top, [word, *words_after(i, word)])
               for i, (word, score) in enumerate(zip(nexts, scores, strict=True))
               if score == top)


@lru_cache(maxsize=4)
def _bigram_starters(segmenter: wordsegment.Segmenter) -> frozenset[str]:
    """The known words that start a bigram: the only previous words that can change a split."""
    return frozenset(word for word in _followers(segmenter) if word in segmenter.unigrams)
