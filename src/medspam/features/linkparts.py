"""LinkParts: the words and facts of one link that link features read, computed once per link."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from medspam import lexicons, lookalikes, urls
from medspam.page import Link

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_LONG_TOKEN = 7
_MIN_INSIDE = 3
_CONTACT_SCHEMES = ("tg:", "tel:", "wa:", "wickr:", "signal:", "threema:", "snap:")
_Trie = dict[str, "_Trie"]


@dataclass(frozen=True, slots=True)
class LinkParts:
    """Words and host facts of one link."""

    host: urls.HostInfo | None
    """Host facts; ``None`` for contacts."""
    host_words: tuple[str, ...]
    """Words of the host name without public suffix and ``www`` (word-split)."""
    path_words: tuple[str, ...]
    """Words of the path and query (word-split)."""
    anchor_words: tuple[str, ...]
    """Lower-case words of the anchor text."""
    context_words: tuple[str, ...]
    """Lower-case words around the link."""
    is_contact: bool
    """The link is a contact channel (Telegram, WhatsApp, phone...)."""
    is_disguised: bool = False
    """A drug is named in look-alike spelling (``k3tamine``, Cyrillic letters) in the link."""


def words_of(
    text: str, *, split: bool = False, only: Callable[[str], bool] | None = None
) -> tuple[str, ...]:
    """Lower-case word tokens of ``text``, with look-alike spellings undone.

    Long tokens are word-split when ``split``; with ``only``, only those it accepts.
    """
    tokens = _TOKEN.findall(lookalikes.unmask(text).lower())
    if not split:
        return tuple(tokens)
    out: list[str] = []
    for token in tokens:
        if (len(token) >= _LONG_TOKEN and not token.isdigit()
                and (only is None or only(token))):
            out.extend(urls.split_words(token))
        else:
            out.append(token)
    return tuple(out)


@lru_cache(maxsize=65_536)
def _text_words(text: str) -> tuple[str, ...]:
    """``words_of(text)``, cached: anchors repeat ("Read more", "Home").

    A menu link's context is its anchor; half the anchor and context texts of real pages are
    repeats.
    """
    return words_of(text)


@lru_cache(maxsize=65_536)
def link_parts(link: Link) -> LinkParts:
    """Return the parts of ``link`` (cached: the same link is read by several features)."""
    # A plain-text link's "anchor" is the URL itself: its words are already host and path.
    anchor = _text_words(link.anchor) if link.found in {"anchor", "contact"} else ()
    context = _text_words(link.context)
    if link.url.startswith(_CONTACT_SCHEMES) or link.found == "contact":
        target = link.url.split(":", 1)[-1]
        # A phone number's digits say nothing of a sale; read as words, they taught the link
        # scorer the number ranges the corpus composes with (and fiction reserves).
        words = tuple(w for w in words_of(target, split=True) if not w.isdigit())
        return LinkParts(None, words, (), anchor, context, is_contact=True,
                         is_disguised=_is_disguised(words + anchor, link))
    host, host_words, path_words = _target_parts(link.host or link.url, link.url)
    return LinkParts(host, host_words, path_words, anchor, context, is_contact=False,
                     is_disguised=_is_disguised(host_words + path_words + anchor, link))


def _is_disguised(words: tuple[str, ...], link: Link) -> bool:
    """Whether a drug named in ``words`` is not written as such in the link's URL or anchor."""
    drugs = matching(words, "drugs")
    if not drugs:
        return False
    written = f"{link.url} {link.anchor}".lower()
    return any(drug not in written for drug in drugs)


@lru_cache(maxsize=65_536)
def _target_parts(
    host_name: str, url: str
) -> tuple[urls.HostInfo, tuple[str, ...], tuple[str, ...]]:
    """Host facts, host words and path words of a link target.

    Cached apart from :func:`link_parts`: the same URL recurs on every page of a site, each
    time with another anchor and context.
    """
    host = urls.describe_host(host_name)
    host_words = _host_words(host.subdomain, host.domain_label)
    try:
        parts = urlsplit(url)
        path = f"{parts.path} {parts.query}"
    except ValueError:
        path = ""
    # Host labels are always split (``buycocaineonline``). Path tokens are split only when a
    # word the link features look for in paths hides inside (``orderxanaxnow``,
    # ``sinreceta``): that is what splitting finds, and splitting every slug word of every
    # link was a third of the time to classify a real page (6 % of real pages' path tokens
    # hold such a word).
    return host, host_words, words_of(path, split=True, only=_hides_path_word)


@lru_cache(maxsize=16_384)
def _host_words(subdomain: str, domain_label: str) -> tuple[str, ...]:
    """Words of a host's labels without ``www``, word-split (cached: links share hosts)."""
    labels = [*subdomain.split("."), domain_label]
    return tuple(
        w for label in labels if label and label != "www" for w in words_of(label, split=True)
    )


@lru_cache(maxsize=65_536)
def _hides_path_word(token: str) -> bool:
    """Whether a word of the :data:`PATH_LEXICONS` hides inside ``token`` (cached).

    One search with a pattern that branches letter by letter (see :func:`_path_word_pattern`):
    the same answer as looking up every substring, about ten times faster.
    """
    return _path_word_pattern().search(token) is not None


PATH_LEXICONS = ("drugs", "commerce", "shop_path_words", "no_prescription", "legit_cues",
                 "info_words", "url_drug_words")
"""The word lists link features read in URL paths: every one of ``links.CUE_LEXICONS``
(``tests/test_features.py`` checks), or its words inside slugs go unsplit."""


@lru_cache(maxsize=1)
def _path_words_inside() -> frozenset[str]:
    """The words of the :data:`PATH_LEXICONS` looked for inside tokens.

    Single-word terms count from three letters (``oxy``), words of phrases from four
    (``receta`` of "sin receta"; "sin" itself would be found in half the slugs).
    """
    words = set()
    for name in PATH_LEXICONS:
        for term in lexicons.load(name):
            shortest = _MIN_INSIDE if " " not in term else _MIN_INSIDE + 1
            words |= {w for w in term.split()
                      if len(w) >= shortest and w.isascii() and w.isalnum()}
    return frozenset(words)


@lru_cache(maxsize=1)
def _path_word_pattern() -> re.Pattern[str]:
    """A pattern that finds any of :func:`_path_words_inside` in a token.

    A trie of the words, spelled as nested alternatives (``ox(?:y|...)``), so each start is
    tried character by character rather than word by word. A word that has a shorter word
    as its prefix is left out: a token holding it holds the shorter word too.
    """
    trie: _Trie = {}
    for word in sorted(_path_words_inside(), key=lambda w: (len(w), w)):
        node = trie
        for char in word:
            if "" in node:
                break  # a shorter word is a prefix of this one
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = {}

    def spell(node: _Trie) -> str:
        branches = [re.escape(char) + spell(child) for char, child in sorted(node.items()) if char]
        if len(branches) <= 1:
            return "".join(branches)
        return "(?:" + "|".join(branches) + ")"

    return re.compile(spell(trie))


@lru_cache(maxsize=16)
def vocabulary(name: str) -> frozenset[str]:
    """Single-word terms of a lexicon (phrases are matched in text, not in URL words)."""
    return frozenset(t for t in lexicons.load(name) if " " not in t)


def has_any(words: tuple[str, ...], name: str) -> bool:
    """Whether any of ``words`` is a single-word term of lexicon ``name``."""
    return not vocabulary(name).isdisjoint(words)


@lru_cache(maxsize=65_536)
def says(text: str, name: str) -> bool:
    """Whether ``text`` holds a term of lexicon ``name``, phrases included (``sans ordonnance``).

    Cached: a site's menu contexts recur on each of its pages.

    Examples
    --------
    >>> says("le trouve sans ordonnance ici", "no_prescription"), says("Home", "commerce")
    (True, False)
    """
    return bool(text) and bool(lexicons.find_spans(name, text))


def matching(words: tuple[str, ...], name: str) -> tuple[str, ...]:
    """The words that are single-word terms of lexicon ``name``, in order, without repeats."""
    vocab = vocabulary(name)
    if vocab.isdisjoint(words):
        return ()  # most links name no drug: said without a Python loop
    return tuple(dict.fromkeys(w for w in words if w in vocab))
