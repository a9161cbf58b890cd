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
from functools import lru_cache
from importlib import resources

__all__ = ["compile_terms", "find_terms", "load", "names", "normalise_term"]

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
    return [normalise_term(match.group()) for match in compile_terms(name).finditer(text)]
