"""Packaged word lists (drugs, sale cues, medical vocabulary, domains) and matching over them.

The lists live in ``medspam/data/lexicons/<name>.txt``: UTF-8, one term per line, ``#`` starts a
comment line, and every file opens with a provenance header. This module is their only reader.

Matching rules, the same for every list:

- case-insensitive, after NFKC normalisation of the terms;
- whole words only: a term never matches inside a longer word, so ``cocaine`` does not match
  ``cocainefree`` or ``cocaines`` and ``pain`` does not match ``Spain``; accented letters count as
  word letters (``cocaína``, ``günstig``), and so do soft hyphens and zero-width joiners.
  Plurals and inflections that matter are listed as terms;
- a space inside a phrase matches any run of whitespace, so ``buy ketamine`` also matches
  ``buy   ketamine``;
- longer terms win over their prefixes (``xanax bars`` before ``xanax``).

Examples
--------
>>> find_terms("drugs", "Buy Ketamine or XANAX today")
['ketamine', 'xanax']
>>> "nih.gov" in load("trusted_health_domains")
True

"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress

import numpy as np

__all__ = ["compile_terms", "find_spans", "find_terms", "load", "names", "normalise_term"]

_PACKAGE = "medspam"
_DIRECTORY = ("data", "lexicons")
_SUFFIX = ".txt"
_SPACES = re.compile(r"\s+")
# Invisible characters that sit inside words (soft hyphen, zero-width (non-)joiner, word joiner):
# a term next to one is part of a longer word ("Öf\u00adfent\u00adlich" holds no "fent"). The
# zero-width space is a separator, like a space, so "\u200bxanax\u200b" still matches.
_JOINERS = "\u00ad\u200c\u200d\u2060"
_BEFORE = rf"(?<![\w{_JOINERS}])"
_AFTER = rf"(?![\w{_JOINERS}])"
_SURROGATES = (0xD800, 0xE000)
_MEMO_CHARS = 65_536
_SHORT_CHARS = 256
"""Texts up to this long are first checked for any word a term starts with (cheap for them)."""


def _directory() -> resources.abc.Traversable:
    """Return the packaged directory that holds the lexicon files."""
    return resources.files(_PACKAGE).joinpath(*_DIRECTORY)


@lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """Names of the packaged lexicons, sorted.

    Returns
    -------
    tuple of str
        File stems of ``medspam/data/lexicons/*.txt``, e.g. ``"drugs"``.

    Examples
    --------
    >>> "commerce" in names()
    True

    """
    found = (
        entry.name.removesuffix(_SUFFIX)
        for entry in _directory().iterdir()
        if entry.name.endswith(_SUFFIX) and entry.is_file()
    )
    return tuple(sorted(found))


def normalise_term(term: str) -> str:
    """Canonical form of a term or matched text: NFKC, lower case, single spaces, stripped.

    Parameters
    ----------
    term
        A term from a list, or text a pattern matched.

    Returns
    -------
    str
        The form ``load`` and ``find_terms`` return.

    Examples
    --------
    >>> normalise_term("  Sin   RECETA ")
    'sin receta'

    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", term)).strip().lower()


def _check_name(name: str) -> None:
    """Raise ``ValueError`` naming the known lexicons when ``name`` is not one of them."""
    if name not in names():
        msg = f"unknown lexicon {name!r}; known lexicons: {', '.join(names())}"
        raise ValueError(msg)


def _parse(text: str) -> tuple[str, ...]:
    """Terms of one lexicon file: comments and blank lines dropped, normalised, de-duplicated."""
    terms = (normalise_term(line) for line in text.splitlines())
    return tuple(dict.fromkeys(t for t in terms if t and not t.startswith("#")))


@lru_cache(maxsize=32)
def load(name: str) -> tuple[str, ...]:
    """Terms of one packaged lexicon, in file order.

    Parameters
    ----------
    name
        A lexicon name from :func:`names`, e.g. ``"drugs"``.

    Returns
    -------
    tuple of str
        Lower-cased, NFKC-normalised, de-duplicated terms; phrases keep single spaces.

    Raises
    ------
    ValueError
        If ``name`` is not a packaged lexicon; the message lists the known ones.

    Examples
    --------
    >>> load("no_prescription")[0]
    'without prescription'

    """
    _check_name(name)
    text = _directory().joinpath(name + _SUFFIX).read_text(encoding="utf-8")
    return _parse(text)


def _term_pattern(term: str) -> str:
    """Regex source of one term: escaped, with each space matching a run of whitespace."""
    return r"\s+".join(re.escape(word) for word in term.split(" "))


@lru_cache(maxsize=32)
def compile_terms(name: str) -> re.Pattern[str]:
    r"""One case-insensitive regex that matches any term of a lexicon as a whole word.

    Parameters
    ----------
    name
        A lexicon name from :func:`names`.

    Returns
    -------
    re.Pattern
        Alternation of the terms, longest first, between lookarounds that reject a word
        character (accented letters included) or an in-word invisible (soft hyphen, joiner).

    Raises
    ------
    ValueError
        If ``name`` is not a packaged lexicon.

    Examples
    --------
    >>> compile_terms("no_prescription").search("Ketamina SIN   RECETA").group()
    'SIN   RECETA'

    """
    terms = sorted(load(name), key=lambda term: (-len(term), term))
    alternation = "|".join(_term_pattern(term) for term in terms) or r"(?!)"
    return re.compile(f"{_BEFORE}(?:{alternation}){_AFTER}", re.IGNORECASE)


def find_terms(name: str, text: str) -> list[str]:
    """Terms of a lexicon found in a text, in order of occurrence, repeats kept.

    Parameters
    ----------
    name
        A lexicon name from :func:`names`.
    text
        Any text; it is searched as given.

    Returns
    -------
    list of str
        Each match in the canonical form of :func:`normalise_term`.

    Raises
    ------
    ValueError
        If ``name`` is not a packaged lexicon.

    Examples
    --------
    >>> find_terms("commerce", "Cheap! Order now, ORDER   NOW")
    ['cheap', 'order now', 'order now']

    """
    return [term for _, _, term in find_spans(name, text)]


def find_spans(name: str, text: str) -> tuple[tuple[int, int, str], ...]:
    """Spans and canonical terms of the matches of a lexicon, as :func:`compile_terms` finds.

    The result is exactly ``compile_terms(name).finditer(text)``, found by a faster
    equivalent pattern (see :func:`_fast_pattern`); results for texts up to 64 K characters
    are remembered, so the features that read the same page text scan it once per lexicon.

    Parameters
    ----------
    name
        A lexicon name from :func:`names`.
    text
        Any text.

    Returns
    -------
    tuple of (int, int, str)
        ``(start, end, term)`` per match, in text order; ``term`` as :func:`normalise_term`.

    Raises
    ------
    ValueError
        If ``name`` is not a packaged lexicon.

    Examples
    --------
    >>> find_spans("drugs", "Buy KETAMINE")
    ((4, 12, 'ketamine'),)

    """
    if len(text) <= _MEMO_CHARS:
        return _spans_memo(name, text)
    return _spans(name, text)


@lru_cache(maxsize=512)
def _spans_memo(name: str, text: str) -> tuple[tuple[int, int, str], ...]:
    """Remembered :func:`_spans` of a short text (page texts are read by several features)."""
    return _spans(name, text)


def _spans(name: str, text: str) -> tuple[tuple[int, int, str], ...]:
    """Find the matches of lexicon ``name`` in ``text``: ``_fast_pattern(name).finditer``.

    A match can only start where a word starts whose case-folded letters are the first word
    of a term (see :func:`_first_words`), so the pattern is tried at those places only.
    """
    pattern = _fast_pattern(name)
    firsts = _first_words(name)
    if firsts is None:
        matches: Iterable[re.Match[str]] = pattern.finditer(text)
    elif len(text) <= _SHORT_CHARS and firsts.isdisjoint(
            _WORD_RUN.findall(text.translate(_fold_table()))):
        return ()  # most short texts (a link's URL words) hold no first word: said at once
    else:
        starts, words = _words(text)
        matches = _matches_at(pattern, text, compress(starts, map(firsts.__contains__, words)))
    return tuple((m.start(), m.end(), normalise_term(m.group())) for m in matches)


def _matches_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, given every position where a match could start."""
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)):
            end = match.end()
            yield match


# --- word starts ----------------------------------------------------------------------------
# Every term starts with a run of word characters ("ketamine" in "ketamine hcl", "over" in
# "over-the-counter"), and the case classes of those characters hold only word characters,
# while the character after the run is a space or a non-word character. A match's first run
# therefore covers a whole word of the text (the look-behind rejects a word character before
# it), and that word, case-folded by the classes, is the term's first run. Lexicons for which
# this cannot be shown are scanned in full.

_WORD_RUN = re.compile(r"\w+")
_WORD_RUN_SPLIT = re.compile(r"(\w+)")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Each character a case class admits -> the term character of that class."""
    return {ord(member): char for char, members in _case_classes().items() for member in members}


@lru_cache(maxsize=128)
def _words(text: str) -> tuple[list[int], list[str]]:
    """Start and case-folded text of each word (run of word characters) of ``text``.

    Remembered for more than a batch of pages (``Classifier`` batches 64): the page features
    read each page's text with one lexicon, then with the others, page after page.

    Split around the words, a word's start is the length of all the pieces before it.
    """
    folded = text.translate(_fold_table())  # one character for one: offsets stay
    pieces = _WORD_RUN_SPLIT.split(folded)  # [between, word, between, ..., word, between]
    ends = list(accumulate(map(len, pieces)))
    return ends[:-1:2], pieces[1::2]


@lru_cache(maxsize=32)
def _first_words(name: str) -> frozenset[str] | None:
    """The first word of each term of lexicon ``name``; ``None`` if word starts cannot tell."""
    classes = _case_classes()
    owners: dict[str, str] = {}
    for char, members in classes.items():
        for member in members:
            if owners.setdefault(member, char) != char or (
                    _WORD_RUN.fullmatch(member) is None) != (_WORD_RUN.fullmatch(char) is None):
                return None  # a character folds two ways, or folding changes what a word is
    firsts = set()
    for term in load(name):
        run = _WORD_RUN.match(term)
        if run is None:
            return None
        after = term[run.end():run.end() + 1]
        if after and after != " " and any(_WORD_RUN.fullmatch(c) for c in classes[after]):
            return None
        firsts.add(run.group())
    return frozenset(firsts)


# --- the fast pattern -----------------------------------------------------------------------
# ``compile_terms`` patterns start with a look-behind and use IGNORECASE, so the regex engine
# cannot skip ahead to plausible first characters: it tries hundreds of alternatives at every
# position. The fast pattern matches exactly the same spans: it spells the first character's
# case-insensitivity as an explicit character class (computed with the regex engine itself, so
# its case rules are kept, e.g. "K" (Kelvin sign) for "k" and long s for "s"), starts with a
# class of all first characters (which lets the engine skip), checks the look-behind after
# that character, branches on the first character's class, and matches the rest of the term
# with a scoped ``(?i:…)``, the same case rules. At one position only terms whose first character
# matches can match, and classes of different first characters never overlap, so within a
# branch the terms keep their original order and the same term wins.


@lru_cache(maxsize=1)
def _case_classes() -> dict[str, str]:
    """Every character of every term -> the characters IGNORECASE lets it match, sorted."""
    chars = sorted({c for name in names() for term in load(name) for c in term} - {" "})
    codes = np.arange(0x110000, dtype="<u4")
    codes = codes[(codes < _SURROGATES[0]) | (codes >= _SURROGATES[1])]
    everything = codes.tobytes().decode("utf-32-le")
    union = re.compile("[" + "".join(map(re.escape, chars)) + "]", re.IGNORECASE)
    candidates = sorted(set(union.findall(everything)))
    classes = {}
    for char in chars:
        single = re.compile(re.escape(char), re.IGNORECASE)
        classes[char] = "".join(c for c in candidates if single.fullmatch(c))
    return classes


def _char_class(members: str) -> str:
    """Regex source matching any of ``members`` (one character: the escaped literal)."""
    if len(members) == 1:
        return re.escape(members)
    return "[" + "".join(map(re.escape, members)) + "]"


def _spelled(text: str) -> str:
    r"""Regex source of a term's tail, its characters as written; spaces match ``\s+``."""
    return "".join(r"\s+" if c == " " else re.escape(c) for c in text)


@lru_cache(maxsize=32)
def _fast_pattern(name: str) -> re.Pattern[str]:
    """A case-sensitive pattern that finds exactly what ``compile_terms(name)`` finds."""
    terms = sorted(load(name), key=lambda term: (-len(term), term))
    classes = _case_classes()
    groups: dict[str, list[str]] = {}
    for term in terms:
        groups.setdefault(classes[term[0]], []).append(_spelled(term[1:]))
    members = [set(first) for first in groups]
    if not groups or sum(map(len, members)) != len(set().union(*members)):
        return compile_terms(name)  # overlapping classes would reorder terms: stay exact
    first = _char_class("".join(sorted(set().union(*members))))
    # The tails follow the explicit class of their first character, so they need not be fast
    # to skip to: one scoped (?i:…) matches what a case class per character would, and
    # compiles ten times faster (the six patterns of a first page: 0.47 → 0.05 s).
    branches = "|".join(f"(?<={_char_class(key)})(?i:{'|'.join(tails)})"
                        for key, tails in groups.items())
    return re.compile(rf"{first}(?<![\w{_JOINERS}][\s\S])(?:{branches}){_AFTER}")
