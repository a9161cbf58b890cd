"""Transformers over ScoredPage objects: link-score summary, page-URL cues, text cues, page text."""

from __future__ import annotations

import copy
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from medspam import lexicons, lookalikes
from medspam.features.base import ObjectTransformer, TokenSelector, check_objects
from medspam.features.linkparts import has_any, link_parts
from medspam.features.links import CUE_NAMES as LINK_CUE_NAMES
from medspam.features.links import LinkCues, log_count
from medspam.page import Link, Page

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
_HALF = 0.5
_RAMP = 0.25
DENSITY_MIN_WORDS = 50
"""Densities divide by at least this many words: in a sentence or two, one drug name is
"all drugs" (5 words: density at its cap), which says nothing about the page."""


@dataclass(frozen=True, slots=True)
class ScoredPage:
    """A page with the text the features read and the link scorer's scores of its links."""

    page: Page
    """The extracted page."""
    text: str
    """Title and visible text as the features read it: on a long page, its start and its end
    (:func:`head_and_tail`)."""
    link_scores: tuple[float, ...] = ()
    """Drug-sales score of each link in ``page.links``, in the same order: 0 for a link within
    the page's own site, which is not scored (:func:`links_to_score`)."""
    url_score: float | None = None
    """Drug-sales score of the page's own URL, when known."""
    sale_text_score: float | None = None
    """The sale-text scorer's probability that the page's text offers drugs for sale, when
    known (:meth:`with_sale_text_score`)."""
    unmasked: str = field(default="", init=False)
    """``text`` with look-alike spellings undone (``k3tamine``): what the word lists read."""

    def __post_init__(self) -> None:
        """Derive :attr:`unmasked` from the text."""
        object.__setattr__(self, "unmasked", lookalikes.unmask(self.text))

    @classmethod
    def from_page(
        cls, page: Page, link_scores: tuple[float, ...] = (), url_score: float | None = None,
        *, max_words: int = 1_500,
    ) -> ScoredPage:
        """Bundle ``page`` with its link scores, its text cut to ``max_words`` words."""
        return cls(page=page, text=head_and_tail(page.text, max_words),
                   link_scores=link_scores, url_score=url_score)

    @classmethod
    def from_link_scores(
        cls, page: Page, scores: Iterable[float], *, max_words: int = 1_500
    ) -> ScoredPage:
        """Bundle ``page`` with the link scorer's ``scores`` of :func:`links_to_score` ``(page)``.

        Examples
        --------
        >>> from medspam.page import Link
        >>> page = Page(links=(Link(url="https://a.example/", is_external=False),
        ...                    Link(url="https://b.example/")),
        ...             url_link=Link(url="https://a.example/post", found="page"))
        >>> scored = ScoredPage.from_link_scores(page, [0.9, 0.2])
        >>> scored.link_scores, scored.url_score
        ((0.0, 0.9), 0.2)
        >>> ScoredPage.from_link_scores(page, [0.9])
        Traceback (most recent call last):
        ...
        ValueError: 1 scores for 2 links to score

        Raises
        ------
        ValueError
            If ``scores`` is not one score per link of :func:`links_to_score` ``(page)``.
        """
        given = [float(score) for score in scores]
        wanted = sum(link.is_external for link in page.links) + (page.url_link is not None)
        if len(given) != wanted:
            msg = f"{len(given)} scores for {wanted} links to score"
            raise ValueError(msg)
        outbound = iter(given)
        link_scores = tuple(next(outbound) if link.is_external else 0.0 for link in page.links)
        url_score = given[-1] if page.url_link else None
        return cls.from_page(page, link_scores, url_score, max_words=max_words)

    def with_sale_text_score(self, score: float) -> ScoredPage:
        """The same page with the sale-text scorer's ``score`` of its text.

        The text is not read again (``dataclasses.replace`` would undo its look-alikes anew).

        Examples
        --------
        >>> ScoredPage(Page(), "pills").with_sale_text_score(0.9).sale_text_score
        0.9
        """
        scored = copy.copy(self)
        object.__setattr__(scored, "sale_text_score", float(score))  # frozen: set once, here
        return scored


def links_to_score(page: Page) -> tuple[Link, ...]:
    """The links the link scorer reads on ``page``: those that leave its site, then its own URL.

    A link within the page's own site is the site's navigation. The link scorer, fit on every
    link of the training pages, gave such links at most 0.002 on the 661 real web pages, where
    they are four links in five (54,607), and at most 0.17 on the held-out corpus pages (99.9 %
    under 0.001): scoring them and reading their words was about 40 % of the model's time on a
    real page, and changed no verdict. They count as links with score 0; a site is judged by
    its own address (the page URL) and by where it sends its readers.
    """
    outbound = tuple(link for link in page.links if link.is_external)
    return (*outbound, page.url_link) if page.url_link else outbound


def head_and_tail(text: str, max_words: int) -> str:
    r"""Cut ``text`` to ``max_words`` words: its first words and, after a line break, its last.

    The last fifth of the budget reads the end of a long page, where a pharma hack sits as
    often as at the top (a sales sentence before ``</body>`` or after ``</html>``, in the
    footer): cutting to the first words only let a hacked 2,000-word article hide the drug
    it sells. The work stays bounded by ``max_words`` words however long the page.

    Examples
    --------
    >>> head_and_tail("one two three four five six seven", 5)
    'one two three four\nseven'
    >>> head_and_tail("one two three", 5)
    'one two three'
    """
    tail_words = max_words // 5
    head_end = _words_end(text, max_words - tail_words)
    first_cut = _WORD.search(text, head_end) if head_end is not None else None
    # The first word cut and the tail after it: more than max_words words in all?
    if first_cut is None or _words_end(text, tail_words + 1, first_cut.start()) is None:
        return text  # at most max_words words
    head = text[: first_cut.start()].rstrip()
    if not tail_words:
        return head
    before_tail = text.rsplit(None, tail_words)[0]  # scans from the end only
    return head + "\n" + text[len(before_tail):].lstrip()


def _words_end(text: str, count: int, start: int = 0) -> int | None:
    """Where the first ``count`` white-space separated words from ``start`` end; ``None`` if fewer.

    One possessive match in C (it never backtracks) instead of a Python step per word.
    """
    words = _first_words(count).match(text, start)
    return words.end() if words else None


@lru_cache(maxsize=4)
def _first_words(count: int) -> re.Pattern[str]:
    """A pattern matching the first ``count`` white-space separated words of a text."""
    return re.compile(rf"(?:\s*+\S++){{{count}}}")


SUMMARY_NAMES = (
    "max_link_score",
    "max_external_link_score",
    "max_text_link_score",
    "max_hidden_link_score",
    "max_contact_score",
    "links_over_half",
    "share_of_links_over_half",
    "page_url_score",
    "link_count",
    "hidden_link_count",
    "max_link_log_odds",
    "page_url_log_odds",
    "any_link_log_odds",
)


def mentions_drug(scored: ScoredPage) -> bool:
    """Whether the page names a drug in its text, title, URL or the words of a link it scores.

    The links within the page's own site are not read (:func:`links_to_score`): their visible
    anchors are page text already, and their addresses are the site's navigation.
    """
    if lexicons.find_spans("drugs", scored.unmasked):  # cached: the text cues scan it too
        return True
    return any(
        has_any(parts.host_words + parts.path_words + parts.anchor_words + parts.context_words,
                "drugs")
        for parts in map(link_parts, links_to_score(scored.page)))


class LinkScoreSummary(ObjectTransformer):
    """Summary of the link scorer's scores over a page's links and its own URL.

    The ``max_*`` scores count only on pages that name a drug somewhere: a shop link on a
    page that never names a drug is commerce, not drug sales.
    """

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name per summary value."""
        return list(SUMMARY_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Summary values of one page."""
        scored: ScoredPage = item
        pairs = list(zip(scored.page.links, scored.link_scores, strict=False))

        def top(keep: Any) -> float:
            return max((s for link, s in pairs if keep(link)), default=0.0)

        over = sum(s >= _HALF for _, s in pairs)
        # A sale link sells drugs only where a drug is named: in the text or in a link.
        gate = float(mentions_drug(scored))
        return [
            gate * top(lambda _: True),
            gate * top(lambda link: link.is_external),
            gate * top(lambda link: link.found in {"text", "obfuscated"}),
            gate * top(lambda link: link.is_hidden),
            gate * top(lambda link: link.found == "contact"),
            gate * log_count(over, 20),
            gate * over / len(pairs) if pairs else 0.0,
            # Above even odds only: an address the link scorer doubts is no evidence of a sale,
            # and every page has one (a café's home page scores 0.36, not "a bit of a sale").
            max(0.0, 2 * (scored.url_score or 0.0) - 1),
            log_count(len(pairs), 500),
            log_count(sum(link.is_hidden for link, _ in pairs), 100),
            # In log-odds, one near-certain sale link can outweigh everything else on a page.
            gate * log_odds(top(lambda _: True)) if pairs else 0.0,
            # A page classified without its URL says nothing either way, as for links.
            log_odds(scored.url_score) if scored.url_score is not None else 0.0,
            # Ungated: a near-certain sale link counts even where the page names no drug
            # (a pharma hack without a sales sentence); the fit weighs it against the gated one.
            # A page without links says nothing either way: 0, not the log-odds of "no sale".
            log_odds(top(lambda _: True)) if pairs else 0.0,
        ]


def log_odds(p: float, cap: float = 8.0) -> float:
    """The log-odds of probability ``p``, clipped to ``[-cap, cap]`` and scaled to ``[-1, 1]``."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-cap, min(cap, math.log(p / (1 - p)))) / cap


_SITE_ONLY_CUES = frozenset({"domain_has_commerce_word"})
"""Address cues left out of the page-URL cues: a commerce word alone in a page's own domain
(``carepharmacyonline``, ``familyrx``, ``cheapmedstore``) says what the site is, not what the
page sells. On the composed pages it marked licensed pharmacies, so the page scorer learnt it
as evidence *against* a sale (-1.1 in log-odds) and held it against real shops; what an
address sells is read by the cues that pair a drug with a sale word (``address_sells_drug``
and the like)."""

PAGE_URL_CUE_NAMES = (
    *(name for name in LINK_CUE_NAMES[: LINK_CUE_NAMES.index("path_has_legit_word") + 1]
      if name not in _SITE_ONLY_CUES),  # domain and path words
    "is_trusted_domain",
    "is_government_or_academic",
    "is_platform_host",
    "has_disguised_drug_word",
)
"""The link cues that describe an address, not a link on a page (anchor, context, placement)."""
_PAGE_URL_COLUMNS = tuple(LINK_CUE_NAMES.index(name) for name in PAGE_URL_CUE_NAMES)


class PageUrlCues(ObjectTransformer):
    """The link cues of the page's own URL that say what the address sells or informs about.

    The link scorer's one number for the page URL is fit on every kind of link, where page
    addresses are few; these cues let the page scorer weigh the address itself against the
    text (``/members/4821-adderall-kaufen-ohne-rezept`` on a health page against
    ``vivirrx.com/order`` on a pharmacy page that asks for prescriptions). A page without a
    URL has all cues 0.
    """

    input_type = ScoredPage

    _link_cues = LinkCues()

    def transform(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]:  # noqa: N803
        """Return one row of page-URL cues per page, the URLs read in one batch."""
        items: Sequence[ScoredPage] = check_objects(X, ScoredPage)
        out = np.zeros((len(items), len(PAGE_URL_CUE_NAMES)))
        rows = [i for i, scored in enumerate(items) if scored.page.url_link is not None]
        if rows:
            links = [items[i].page.url_link for i in rows]
            out[rows] = self._link_cues.transform(links)[:, list(_PAGE_URL_COLUMNS)]
        return out

    def _feature_names(self) -> list[str]:
        """One name per cue, named as the link cue it copies."""
        return list(PAGE_URL_CUE_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Cue values of one page's URL."""
        return [float(v) for v in self.transform([item])[0]]


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


def _word_count(text: str) -> int:
    """Number of white-space separated words, at least 1 (remembered for short texts)."""
    return _word_count_memo(text) if len(text) <= _MEMO_CHARS else max(len(_WORD.findall(text)), 1)


@lru_cache(maxsize=256)
def _word_count_memo(text: str) -> int:
    """:func:`_word_count` of a text, remembered: TextCues and MedicalCues read the same text."""
    return max(len(_WORD.findall(text)), 1)


def _near(anchors: list[int], others: list[int], distance: int) -> int:
    """How many of ``others`` lie within ``distance`` characters of an anchor (sorted lists)."""
    count = 0
    for pos in others:
        i = bisect_left(anchors, pos - distance)
        if i < len(anchors) and anchors[i] <= pos + distance:
            count += 1
    return count


class TextCues(ObjectTransformer):
    """Lexicon cues of the page text: drug terms, sale words near them, medical vocabulary."""

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name per cue."""
        return list(CUE_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Cue values of one page."""
        scored: ScoredPage = item
        if len(scored.text) <= _MEMO_CHARS:
            return list(_text_cues_memo(scored.text, scored.unmasked, scored.page.title))
        return _text_cues(scored.text, scored.unmasked, scored.page.title)


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


def _text_cues(text: str, unmasked: str, title: str) -> list[float]:
    """:class:`TextCues` values of a page's text, its unmasked form and its title."""
    words = max(_word_count(unmasked), DENSITY_MIN_WORDS)
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


class UnlinkedTextCues(TextCues):
    """The text cues again, on pages where no link and not the page's own URL looks like a sale.

    Most spam the page scorer learns from links to a shop, so the plain text cues weigh little
    next to the link summary; a shop page, a spam mail or a contact-only injection has no sale
    link, and its text must carry it. The values are scaled by :func:`unlinked_share`: whole
    where no link or address looks like a sale, 0 where one clearly does, so these cues get
    their own weights for the pages without link evidence.
    """

    def _row(self, item: Any) -> list[float]:
        """Cue values of one page, scaled down as its best link or address looks like a sale."""
        share = unlinked_share(item)
        return [share * value for value in super()._row(item)] if share else [0.0] * len(CUE_NAMES)


def unlinked_share(scored: ScoredPage) -> float:
    """How far a page is without link evidence: 1 below a best link score of 0.25, 0 above 0.75.

    A ramp, not a cut at even odds: with a cut, a page whose Wikipedia link the link scorer
    put at 0.52 instead of 0.49 lost all its link-less cues at once and jumped from 0.13 to 0.81.

    Examples
    --------
    >>> page = Page(title="Bread")
    >>> [unlinked_share(ScoredPage(page, "", (s,))) for s in (0.1, 0.5, 0.9)]
    [1.0, 0.5, 0.0]
    """
    evidence = max((*scored.link_scores, scored.url_score or 0.0), default=0.0)
    return min(max((_HALF + _RAMP - evidence) / (2 * _RAMP), 0.0), 1.0)


SENTENCE_CUE_NAMES = (
    "sale_sentence",
    "sale_sentences",
    "unlinked_sale_sentence",
    "unlinked_sale_sentences",
)


class SaleSentenceCues(ObjectTransformer):
    """Whether a sentence of the page sells a drug, and how many do.

    The text cues count drug, sale and no-prescription terms on a log scale over the page,
    where one hit is a fifth of the range and the regularised fit gives it little weight;
    a spam mail or a forum offer often has one selling sentence and nothing else. These are
    flags at full scale, per sentence, and a sentence that also warns (``Never buy ... online
    without a prescription``) does not count (:func:`selling_sentences`). The ``unlinked_``
    copies are scaled by :func:`unlinked_share`, as in :class:`UnlinkedTextCues`, so the fit
    weighs text alone where no link sells.
    """

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name per cue."""
        return list(SENTENCE_CUE_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Cue values of one page."""
        scored: ScoredPage = item
        selling = selling_sentences(scored.unmasked)
        values = [float(bool(selling)), log_count(len(selling), 10)]
        share = unlinked_share(scored)
        return [*values, *(share * value for value in values)]


class SaleTextScore(ObjectTransformer):
    """The sale-text scorer's evidence that the page's text sells drugs, as log-odds over even.

    ``max(0, logit(p))``: the sale-text scorer, fit on whole texts that sell (drug spam mail,
    shop pages, offers in posts) against texts that do not, only ever adds evidence. Text that
    does not read as an offer says nothing against a page that links to a shop: with the
    two-sided log-odds the page scorer learnt to raise pages whose text did not sell, and a
    real page asking where to buy cocaine in Lima rose from 0.74 to 0.83. 0 when the page has
    no sale-text score (a model without that scorer).

    Examples
    --------
    >>> page = ScoredPage(Page(), "valium 10 mg, 60 pills $279")
    >>> [round(SaleTextScore().fit([page])._row(page.with_sale_text_score(p))[0], 2)
    ...  for p in (0.2, 0.5, 0.9)]
    [0.0, 0.0, 2.2]
    """

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name."""
        return ["sale_text_log_odds"]

    def _row(self, item: Any) -> list[float]:
        """The clipped log-odds of one page's sale-text score."""
        score = item.sale_text_score
        if score is None:
            return [0.0]
        p = min(max(score, 1e-6), 1.0 - 1e-6)
        return [max(math.log(p / (1.0 - p)), 0.0)]


MEDICAL_CUE_NAMES = ("medical_terms", "distinct_medical_terms", "medical_density")

MEDICAL_LEXICONS = ("medical", "health_words")
"""The word lists of the medical scorer: clinical words, and everyday health words that only
the category reads (``health_words.txt`` says why; the page scorer's cues read ``medical``)."""


class MedicalCues(ObjectTransformer):
    """How much medical vocabulary a page uses, and nothing else.

    Clinical words (``medical.txt``) and everyday health words (``health_words.txt``, read by
    the medical scorer only) count alike. The medical scorer must not learn that sale words
    mean "not medical" (spam under health cover has both).
    """

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name per cue."""
        return list(MEDICAL_CUE_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Cue values of one page."""
        text = item.text
        words = _word_count(text)
        medical = [term for name in MEDICAL_LEXICONS for term in lexicons.find_terms(name, text)]
        return [log_count(len(medical), 200), log_count(len(set(medical)), 60),
                min(len(medical) / words * 10, 1.0)]


class PageText(TokenSelector):
    """The page text the features read, for a word vectorizer."""

    input_type = ScoredPage

    def _text(self, item: Any) -> str:
        """Text of one page."""
        scored: ScoredPage = item
        return scored.text


SALE_TEXT_LEXICONS = ("commerce", "no_prescription", "legit_cues", "drugs")
"""The word lists whose matches :class:`SaleText` adds to the text as one word per list."""
_SALE_TEXT_WORDS = tuple((name, "lex" + name.replace("_", "")) for name in SALE_TEXT_LEXICONS)


class SaleText(PageText):
    """The page text with look-alike spellings undone, for the sale-text scorer's words.

    After the text come one word per match of each of :data:`SALE_TEXT_LEXICONS`
    (``lexcommerce``, ``lexnoprescription``, ...). The lists are written in the four corpus
    languages and more, so an offer in a language with few selling texts to learn from shares
    words with offers in others: the held-out Spanish shop pages ("No pedimos receta
    médica...") had sale-text scores of 0.15 to 0.44 without them and 0.43 to 0.90 with them
    (models trained on the same corpus).

    Examples
    --------
    >>> SaleText()._text(ScoredPage(Page(), "Compre xanax sin receta"))
    'Compre xanax sin receta lexcommerce lexnoprescription lexdrugs'
    """

    def _text(self, item: Any) -> str:
        """Unmasked text of one page and its word-list words."""
        scored: ScoredPage = item
        text = scored.unmasked
        words = [word for name, word in _SALE_TEXT_WORDS
                 for _ in lexicons.find_spans(name, text)]
        return " ".join((text, *words))


DRUG_TOKEN = "drugname"  # noqa: S105 - a word, not a secret
"""What :class:`PageWords` writes for every drug name."""


class PageWords(PageText):
    """The page text for the page scorer's words, every drug name written as one token.

    The words say how a page talks (``buy drugname online``, ``drugname nasal spray``), not
    which drug it names: which drugs the training pages name is an accident of the corpus
    (the ketamine clinics among the hard negatives taught that "ketamine" is a legitimate
    word, held against a ketamine shop), and the drug cues already count drug names.
    """

    def _text(self, item: Any) -> str:
        """Unmasked text of one page with its drug names replaced."""
        scored: ScoredPage = item
        text = scored.unmasked
        spans = lexicons.find_spans("drugs", text)
        if not spans:
            return text
        pieces, last = [], 0
        for start, end, _ in spans:
            pieces += [text[last:start], f" {DRUG_TOKEN} "]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)
