"""Split domain labels and URL slugs into words: wordsegment's answers, computed faster.

Examples
--------
>>> split_words("buycocaineonline")
['buy', 'cocaine', 'online']

"""

from __future__ import annotations

import hashlib
import marshal
import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import add
from typing import TYPE_CHECKING

import wordsegment

from medspam import cache, lexicons

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["register_vocabulary", "split_words"]

_MIN_SPLIT = 4
_MAX_SPLIT = 64
_BOOST_COUNT = 2e6
_MIN_VOCAB_WORD = 3
_BOOSTED_LEXICONS = ("drugs", "commerce", "url_drug_words")


@dataclass(slots=True, eq=False)
class _Tables:
    """wordsegment's segmenter, knowing drug and shop words, and what a split reads from it."""

    segmenter: wordsegment.Segmenter
    """Its unigram and bigram counts (``score``), ``limit`` and ``clean``."""
    known: dict[str, float]
    """log10 P(word) of each known word (wordsegment's expression)."""
    unknown: list[float]
    """log10 P(word) of an unknown word, by its length."""
    follow: dict[str, frozenset[str]]
    """First word of each bigram -> the words that follow it in a bigram."""
    starters: frozenset[str]
    """The known words that start a bigram: the only previous words that change a split."""


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Build the tables once a process, or load them from the user's cache.

    Loading is three times faster than building, which is most of a fresh process's first
    verdict (:mod:`medspam.cache`).
    """
    boosts = _boost_words(map(_lexicon, _BOOSTED_LEXICONS))
    name = f"wordsegment-{_cache_key(boosts)}.marshal"
    segmenter = wordsegment.Segmenter()
    cached = _from_cache(name)
    if cached is None:
        segmenter.load()
        _boost_counts(segmenter.unigrams, boosts)
        known = {word: math.log10(count / segmenter.TOTAL)
                 for word, count in segmenter.unigrams.items()}
        follow = _followers(segmenter.bigrams)
        cache.write(name, marshal.dumps((segmenter.unigrams, segmenter.bigrams, known, follow)),
                    replacing="wordsegment-*.marshal")
    else:
        segmenter.unigrams, segmenter.bigrams, known, follow = cached
    segmenter.total, segmenter.limit = segmenter.TOTAL, segmenter.LIMIT
    total = segmenter.total
    unknown = [math.log10(10.0 / (total * 10**size)) for size in range(segmenter.limit + 1)]
    starters = frozenset(word for word in follow if word in segmenter.unigrams)
    return _Tables(segmenter, known, unknown, follow, starters)


def _lexicon(name: str) -> tuple[str, ...]:
    """A lexicon's terms, or none if the package has no such lexicon."""
    try:
        return lexicons.load(name)
    except ValueError:
        return ()


def _boost_words(word_lists: Iterable[Iterable[str]]) -> list[str]:
    """The single ASCII words of the lists, lower case, sorted: the words to boost."""
    return sorted({word.lower() for words in word_lists for word in words
                   if len(word) >= _MIN_VOCAB_WORD and word.isascii() and word.isalnum()})


def _boost_counts(unigrams: dict[str, float], words: Iterable[str]) -> None:
    """Give each word at least a healthy count in the segmenter's unigrams."""
    for word in words:
        unigrams[word] = max(unigrams.get(word, 0.0), _BOOST_COUNT)


def _cache_key(boosts: list[str]) -> str:
    """A digest of what the cached tables depend on.

    That is wordsegment's data (its version), the boosted words and marshal's format (the
    Python version).
    """
    facts = [getattr(wordsegment, "__version__", ""), sys.version_info[:2], marshal.version,
             boosts]
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:20]


def _from_cache(name: str) -> tuple[dict[str, float], dict[str, float], dict[str, float],
                                    dict[str, frozenset[str]]] | None:
    """The cached (unigrams, bigrams, known, follow), if the file is there and whole."""
    data = cache.read(name)
    if data is None:
        return None
    try:
        tables = marshal.loads(data)  # noqa: S302 - the user's own private file (medspam.cache)
    except (EOFError, ValueError, TypeError):
        return None
    shapes = (dict, dict, dict, dict)
    if (not isinstance(tables, tuple) or len(tables) != len(shapes)
            or not all(map(isinstance, tables, shapes))):
        return None
    return tables


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
    tables = _tables()
    boosts = _boost_words([words])
    _boost_counts(tables.segmenter.unigrams, boosts)
    for word in boosts:
        tables.known[word] = math.log10(tables.segmenter.unigrams[word] / tables.segmenter.total)
    tables.starters = tables.starters.union(word for word in boosts if word in tables.follow)
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
            words.extend(_segment(_tables(), part))
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


def _segment(tables: _Tables, text: str) -> list[str]:
    """Return exactly ``tables.segmenter.segment(text)``, computed without recursion."""
    clean = tables.segmenter.clean(text)
    words: list[str] = []
    carried = ""
    for offset in range(0, len(clean), _CHUNK):
        chunk = carried + clean[offset : offset + _CHUNK]
        chunk_words = _best_split(tables, chunk)[1]
        carried = "".join(chunk_words[-_CARRIED_WORDS:])
        if carried == chunk and offset + _CHUNK >= len(clean):
            # A last chunk of at most five words: wordsegment searches it again, same result.
            return words + chunk_words
        words += chunk_words[:-_CARRIED_WORDS]
    return words + _best_split(tables, carried)[1]


def _followers(bigrams: dict[str, float]) -> dict[str, frozenset[str]]:
    """First word of each bigram -> the words that follow it in a bigram."""
    follow: dict[str, set[str]] = {}
    for pair in bigrams:
        first, _, second = pair.partition(" ")
        follow.setdefault(first, set()).add(second)
    return {first: frozenset(seconds) for first, seconds in follow.items()}


def _best_split(tables: _Tables, text: str) -> _Best:
    """The ``(score, words)`` wordsegment's ``search(text)`` returns, by dynamic programming.

    ``best_*[pos]`` is the best split of ``text[pos:]`` without context; ``context`` holds
    the rare positions where a bigram with the previous word changes it. A position's
    candidate scores are summed by ``map`` (same additions, same order) except where a
    candidate's rest has a context, which is looked up one by one.
    """
    n = len(text)
    segmenter = tables.segmenter
    limit = segmenter.limit
    follow, starters, known, unknown = tables.follow, tables.starters, tables.known, tables.unknown
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
