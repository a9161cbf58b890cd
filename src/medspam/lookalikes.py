r"""Undo look-alike spellings of words: homoglyphs (Cyrillic or Greek letters) and leet (k3tamine).

Spam writes drug names so that word lists miss them; people reading the page do not. ``unmask``
rewrites such words, one character for one, so offsets into the text stay valid and a lexicon
matched on the unmasked text points at the words as written. It changes only words that mix
scripts, or letters with leet digits and symbols; Russian or Greek words and tokens such as
``covid19``, ``b12`` or ``500mg`` stay as written (see :func:`unmask` for the rule).

The homoglyph table comes from the Unicode confusables data bundled with
``confusable-homoglyphs``: every Greek and Cyrillic letter that Unicode lists as confusable with
one ASCII letter.

Examples
--------
>>> unmask("Buy k3tamine and x\u0430nax")
'Buy ketamine and xanax'
>>> unmask("covid19, vitamin b12, 500mg")
'covid19, vitamin b12, 500mg'

"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["unmask"]

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_SCRIPT_BLOCKS = (range(0x0370, 0x0400), range(0x0400, 0x0530))  # Greek, Cyrillic
_MIN_LETTERS = 3
# A word that holds a digit, @ or $, or a non-ASCII letter: the only words unmask may change.
_SUSPECT = re.compile(r"[\w@$]*(?:[0-9@$]|[^\x00-\x7f])[\w@$]*")
# The same matches, found faster: ``_SUSPECT`` is tried at every position, and inside a word
# with no suspect character each try runs to the word's end and back. A match of it starts
# at the start of a word, or (right after an earlier match) at a non-ASCII character that
# is not a word character, so trying only there finds the same matches
# (``tests/test_properties.py`` compares the two).
_SUSPECT_WORD = re.compile(r"(?<![\w@$])[\w@$]*(?:[0-9@$]|[^\x00-\x7f])[\w@$]*"
                           r"|(?<=[\w@$])[^\w@$\x00-\x7f][\w@$]*")
# Whether :func:`unmask` can change anything: a homoglyph needs a Greek or Cyrillic letter, and
# a leet word (letters and leet characters only, both present) has a leet character next to
# a letter (``[^\W\d_]`` holds every letter). Such a place lies inside the word it changes, so
# only the runs of text between ASCII white space that hold one need their words visited: a
# suspect word never holds ASCII white space, and a run starts as a text does for the pattern
# (the character before it is not ``[\w@$]``).
_MAY_CHANGE = re.compile(r"[\u0370-\u052f]|[^\W\d_][013457@$]|[013457@$][^\W\d_]")
_SPACES = " \t\n\r\x0b\x0c"
_SPACE = re.compile(f"[{_SPACES}]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _homoglyphs() -> dict[int, str]:
    """Greek or Cyrillic letter -> the ASCII letter Unicode says it is confusable with.

    Built on first need: the confusables data takes about 0.1 s to load.
    """
    from confusable_homoglyphs import confusables  # noqa: PLC0415 - see above

    table: dict[int, str] = {}
    for block in _SCRIPT_BLOCKS:
        for char in map(chr, block):
            if not char.isalpha():
                continue
            lower = char.lower() if len(char.lower()) == 1 else char
            found = confusables.is_confusable(lower, greedy=True, preferred_aliases=["latin"])
            latin = [h["c"] for entry in found or () for h in entry["homoglyphs"]
                     if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()]
            if latin:
                table[ord(char)] = latin[0] if char == lower else latin[0].upper()
    return table


def unmask(text: str) -> str:
    r"""``text`` with look-alike spellings undone, one character for one.

    In a word (letters, digits, ``@``, ``$``) that has ASCII letters, Greek and Cyrillic
    homoglyphs become their ASCII letter. Then a word made only of letters and leet characters,
    with at least three letters, has each leet character replaced (0 o, 1 i, 3 e, 4 a, 5 s,
    7 t, @ a, $ s). Other words are kept as written.

    Examples
    --------
    >>> unmask("0xyc0d0ne, tr@madol, c0c41n3, 1000mg, web2")
    'oxycodone, tramadol, cocaine, 1000mg, web2'
    >>> greek = "\u03a7\u0391\u039d\u0391\u03a7 bars"  # all Greek: kept
    >>> unmask(greek) == greek
    True
    """
    if _MAY_CHANGE.search(text) is None:
        return text  # most texts: no place where a word could change
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    for place in _MAY_CHANGE.finditer(text):
        if place.start() < done:
            continue  # in the run just unmasked
        start = max(text.rfind(space, done, place.start()) for space in _SPACES) + 1
        end_space = _SPACE.search(text, place.end())
        end = end_space.start() if end_space else len(text)
        pieces += [text[done:start], _SUSPECT_WORD.sub(_unmask_word, text[start:end])]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _unmask_word(match: re.Match[str]) -> str:
    """Unmask one suspect word (see :func:`unmask`)."""
    word = match.group()
    if word.isdigit():
        return word  # a number has no letters to unmask (the common case, so decided first)
    if not word.isascii() and _ASCII_LETTER.search(word) is not None:
        word = word.translate(_homoglyphs())  # homoglyphs only beside ASCII letters
    if word.isalpha():
        return word  # all letters, no leet character (most non-English words)
    if "@" in word and match.string.startswith(".", match.end()):
        return word  # an e-mail address (info@clinic.example), not tr@madol
    letters = sum(c.isalpha() for c in word)
    if letters < _MIN_LETTERS or letters == len(word) or not all(
            c.isalpha() or c in _LEET for c in word):
        return word
    return "".join(_LEET.get(c, c) for c in word)
