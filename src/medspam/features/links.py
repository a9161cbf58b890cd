"""Transformers over Link objects: lexicon cues, URL/anchor tokens and domain characters."""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache
from typing import Any

from medspam import lexicons
from medspam.features.base import ObjectTransformer, TokenSelector
from medspam.features.linkparts import link_parts, says, vocabulary
from medspam.page import Link

FOUND_WAYS = ("anchor", "frame", "redirect", "text", "obfuscated", "contact", "page")
"""How a link was found (:attr:`medspam.page.Link.found`), one cue each."""
_TRUSTED_SUFFIXES = ("gov", "edu", "mil", "int", "gov.uk", "nhs.uk", "ac.uk", "gc.ca", "gouv.fr")

CUE_NAMES = (
    "domain_has_drug_word",
    "domain_has_commerce_word",
    "domain_drug_and_commerce",
    "domain_has_pharmacy_word",
    "path_has_drug_word",
    "path_has_shop_word",
    "path_drug_and_shop",
    "path_drug_and_dose",
    "path_no_prescription",
    "address_names_drug_class",
    "address_sells_drug",
    "path_has_legit_word",
    "anchor_has_drug_word",
    "anchor_has_commerce_word",
    "context_has_drug_word",
    "context_has_commerce_word",
    "context_no_prescription",
    "is_trusted_domain",
    "is_government_or_academic",
    "is_platform_host",
    "is_shortener",
    "is_ip_address",
    "is_punycode",
    "is_mixed_script",
    "is_contact",
    "is_hidden",
    "is_external",
    "rel_nofollow",
    "rel_sponsored_or_ugc",
    *(f"found_{how}" for how in FOUND_WAYS),
    "domain_digit_count",
    "domain_hyphen_count",
    "has_disguised_drug_word",
)

_PHARMACY_WORDS = frozenset(
    {"pharmacy", "pharma", "rx", "meds", "med", "pills", "pill", "drugstore", "apotheke",
     "farmacia", "pharmacie", "tablets", "chemist"}
)


class LinkCues(ObjectTransformer):
    """Lexicon and structure cues of each link, one named column per cue.

    Examples
    --------
    >>> from medspam.page import Link
    >>> cues = LinkCues().fit([Link(url="https://a.example/")])
    >>> "domain_drug_and_commerce" in cues.get_feature_names_out()
    True
    """

    input_type = Link

    def _feature_names(self) -> list[str]:
        """One name per cue."""
        return list(CUE_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Cue values of one link."""
        link: Link = item
        parts = link_parts(link)
        host = parts.host
        registered = host.registered_domain if host else ""
        suffix = host.suffix if host else ""
        trusted = registered in vocabulary("trusted_health_domains")
        official = suffix in _TRUSTED_SUFFIXES or suffix.endswith((".gov", ".edu", ".gob.es"))
        # A trusted or government host's name is the institution's (``opioids.gov``), not a
        # product: its words count for nothing here. Its path still does (hacked pages).
        dom = () if trusted or official else parts.host_words
        path = parts.path_words
        drugs, commerce, shop, legit, info, no_rx, _ = _cue_vocabularies()
        dom_drug = not drugs.isdisjoint(dom)
        dom_commerce = not commerce.isdisjoint(dom) or not shop.isdisjoint(dom)
        path_drug = not drugs.isdisjoint(path)
        path_shop = not shop.isdisjoint(path) or not commerce.isdisjoint(path)
        drug_class = names_drug_class(dom + path)
        unprescribed = _says_no_prescription(dom + path)
        # A licensed pharmacy's own product page names the drug and its strength in its
        # address (``/schlaf/zolpidem-al-10-mg-20-filmtabletten``); a link to such a page from
        # elsewhere is what a sale injection looks like. The product cues read links only.
        linked = link.found != "page"
        # Booleans stay as they are: the transform makes every value a float in one array call.
        return [
            dom_drug,
            dom_commerce,
            dom_drug and dom_commerce,
            not _PHARMACY_WORDS.isdisjoint(dom),
            path_drug,
            path_shop,
            path_drug and path_shop,
            # A product's address: the drug and its strength (``/schlaf/zolpidem-10mg``).
            linked and (path_drug or drug_class) and _names_dose(path),
            unprescribed,
            drug_class,
            # Drug and sale words in different parts: a shop host with the drug in its path
            # (``shopmedionline.com/norco``), a drug class with a sale word anywhere, or a
            # drug offered without a prescription (``focuslane.co/adderall-no-prescription``).
            (dom_drug or path_drug or drug_class)
            and (dom_commerce or path_shop or (linked and unprescribed)),
            not legit.isdisjoint(path) or not info.isdisjoint(path),
            not drugs.isdisjoint(parts.anchor_words),
            not commerce.isdisjoint(parts.anchor_words),
            not drugs.isdisjoint(parts.context_words),
            # Context is prose: its sale and no-prescription wording is mostly phrases.
            not commerce.isdisjoint(parts.context_words) or says(link.context, "commerce"),
            not no_rx.isdisjoint(parts.context_words) or says(link.context, "no_prescription"),
            trusted,
            official,
            bool(host and host.is_platform),
            registered in vocabulary("shorteners"),
            bool(host and host.is_ip),
            bool(host and host.is_punycode),
            bool(host and host.has_mixed_script),
            parts.is_contact,
            link.is_hidden,
            link.is_external,
            "nofollow" in link.rel,
            "sponsored" in link.rel or "ugc" in link.rel,
            *(link.found == how for how in FOUND_WAYS),
            min(sum(map(str.isdigit, host.domain_label if host else "")), 8) / 8,
            min((host.domain_label.count("-") if host else 0), 4) / 4,
            parts.is_disguised,
        ]


CUE_LEXICONS = ("drugs", "commerce", "shop_path_words", "legit_cues", "info_words",
                "no_prescription", "url_drug_words")
"""The word lists :class:`LinkCues` reads in URL, anchor and context words. URL path tokens
are word-split only for ``linkparts.PATH_LEXICONS``, which must hold each of these (tested)."""


@lru_cache(maxsize=1)
def _cue_vocabularies() -> tuple[frozenset[str], ...]:
    """The single words of each of :data:`CUE_LEXICONS`, in that order (looked up once)."""
    return tuple(vocabulary(name) for name in CUE_LEXICONS)


@lru_cache(maxsize=65_536)
def names_drug_class(words: tuple[str, ...]) -> bool:
    """Whether address words name a drug the way addresses do, beyond a single drug name.

    That is a word of the ``url_drug_words`` list (``buy-steroids-canada``,
    ``ultrapsychedelicsshop``: words too common in page text to count there), or a drug name of
    several words spelled across address words (``advancedresearchchemicals``: "research
    chemicals"). Cached: a site's links recur on each of its pages.

    Examples
    --------
    >>> names_drug_class(("buy", "steroids", "canada")), names_drug_class(("research", "chemicals"))
    (True, True)
    >>> names_drug_class(("chemicals", "research")), names_drug_class(("garden", "center"))
    (False, False)
    """
    if not vocabulary("url_drug_words").isdisjoint(words):
        return True
    if len(words) < 2:  # noqa: PLR2004 - a phrase needs two words
        return False
    return any(" " in term for _, _, term in lexicons.find_spans("drugs", " ".join(words)))


_DOSE = re.compile(r"\d+(?:mg|mcg|ug|µg|ml|g)|mg|mcg|ug|µg|ml", re.ASCII)
"""A strength or amount as address words hold it: digits and a unit (``30mg``, ``3g``), or a
unit alone after its digits (``30`` ``mg``); a bare ``g`` is too common a word to count."""


def _names_dose(words: tuple[str, ...]) -> bool:
    """Whether address words hold a strength or amount (``30mg``, ``10`` ``mg``, ``3g``).

    Examples
    --------
    >>> _names_dose(("zolpidem", "10mg")), _names_dose(("oxycodone", "30", "mg"))
    (True, True)
    >>> _names_dose(("ketamine", "side", "effects")), _names_dose(("g",))
    (False, False)
    """
    return any(_DOSE.fullmatch(w) for w in words)


@lru_cache(maxsize=65_536)
def _says_no_prescription(words: tuple[str, ...]) -> bool:
    """Whether URL words spell a no-prescription phrase (``.../xanax-sin-receta``, ``norx``).

    Cached: a site's links recur on each of its pages.
    """
    return bool(words) and bool(lexicons.find_spans("no_prescription", " ".join(words)))


class LinkTokens(TokenSelector):
    """Prefixed word tokens of each link for a vectorizer: ``dom=buy path=product anchor=buy``.

    Words only. Each row is scaled to unit length, so in a link with few known words each
    weighs more; a token on every link (how it was found, its top-level domain) then weighed
    most where the words were unknown: the found-as-page token alone put the home pages of 20
    of the 604 real web pages' hosts (``economist.com/``) at 0.98 as sale addresses. How a
    link was found is a cue (:class:`LinkCues`); the top-level domain is :class:`LinkSuffix`.

    Examples
    --------
    >>> from medspam.page import Link
    >>> LinkTokens().fit_transform([Link(url="https://rx.info/shop/buy", anchor="Buy")])
    ['dom=rx path=shop path=buy path=shop_buy anchor=buy']
    """

    input_type = Link

    def _text(self, item: Any) -> str:
        """Tokens of one link."""
        link: Link = item
        parts = link_parts(link)
        tokens = [f"dom={w}" for w in parts.host_words]
        path = [w for w in parts.path_words if not w.isdigit()]
        tokens += [f"path={w}" for w in path]
        # Word pairs tell a sale slug from a warning or fact sheet: buy_xanax vs never_buy.
        tokens += [f"path={a}_{b}" for a, b in itertools.pairwise(path)]
        if link.found == "page":  # a page's own address reads differently from a link it holds
            tokens += [f"page={w}" for w in (*parts.host_words, *path)]
        tokens += [f"anchor={w}" for w in parts.anchor_words]
        return " ".join(tokens)


class LinkSuffix(TokenSelector):
    """The link's public suffix as one token (``tld=info``), vectorized on its own: one-hot.

    Examples
    --------
    >>> from medspam.page import Link
    >>> LinkSuffix().fit_transform([Link(url="https://rx.co.uk/buy"), Link(url="tg:@rx")])
    ['tld=co.uk', '']
    """

    input_type = Link

    def _text(self, item: Any) -> str:
        """The suffix token of one link, ``""`` without a host."""
        host = link_parts(item).host
        return f"tld={host.suffix}" if host is not None and host.suffix else ""


class LinkDomainText(TokenSelector):
    """The host name without public suffix, for character n-grams (``buycocaineonline``)."""

    input_type = Link

    def _text(self, item: Any) -> str:
        """Host label text of one link, or the handle of a contact."""
        parts = link_parts(item)
        if parts.host is None:
            return " ".join(parts.host_words)
        host = parts.host
        name = host.host.removesuffix("." + host.suffix) if host.suffix else host.host
        return name.removeprefix("www.")


def log_count(n: float, cap: float = 50.0) -> float:
    """Scale a count to 0..1 on a log scale, saturating at ``cap``."""
    return math.log1p(min(n, cap)) / math.log1p(cap)
