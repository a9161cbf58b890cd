"""Transformers over ScoredPage objects: link-score summary, page-URL cues, text cues, page text.

The page as they read it is :mod:`medspam.features.scored`; the counts over its text that the
text cues hold are :mod:`medspam.features.textcues`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from stop_words import get_stop_words

from medspam import lexicons
from medspam.features.base import ObjectTransformer, TokenSelector, check_objects
from medspam.features.linkparts import has_any, link_parts
from medspam.features.links import CUE_NAMES as LINK_CUE_NAMES
from medspam.features.links import LinkCues, log_count
from medspam.features.passages import Passage, sale_words
from medspam.features.scored import ScoredPage, links_to_score
from medspam.features.textcues import CUE_NAMES, selling_sentences, text_cues, word_count

_HALF = 0.5
_RAMP = 0.25

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
    "automatic_redirect_log_odds",
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
        sent = [s for link, s in pairs if link.is_automatic]
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
            # Where every visitor is sent (an HTTP redirect, a refresh): the page they see.
            # A page that sends no one says nothing either way.
            log_odds(max(sent)) if sent else 0.0,
        ]


def log_odds(p: float, cap: float = 8.0) -> float:
    """The log-odds of probability ``p``, clipped to ``[-cap, cap]`` and scaled to ``[-1, 1]``."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-cap, min(cap, math.log(p / (1 - p)))) / cap


_SITE_ONLY_CUES = frozenset({"domain_has_commerce_word", "path_drug_and_dose"})
"""Address cues left out of the page-URL cues: a commerce word alone in a page's own domain
(``carepharmacyonline``, ``familyrx``, ``cheapmedstore``) says what the site is, not what the
page sells; a drug and its strength in its path is a product page, a licensed pharmacy's as
well as a shop's (the cue reads links only). On the composed pages the commerce word marked
licensed pharmacies, so the page scorer learnt it as evidence *against* a sale (-1.1 in
log-odds) and held it against real shops; what an address sells is read by the cues that pair
a drug with a sale word (``address_sells_drug`` and the like)."""

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


class TextCues(ObjectTransformer):
    """Lexicon cues of the page text: drug terms, sale words near them, medical vocabulary."""

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name per cue."""
        return list(CUE_NAMES)

    def _row(self, item: Any) -> list[float]:
        """Cue values of one page."""
        scored: ScoredPage = item
        return text_cues(scored.text, scored.unmasked, scored.page.title)


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
    >>> from medspam.page import Page
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
    >>> from medspam.page import Page
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
        return [_evidence_for(item.sale_text_score)]


class SalePassageScore(ObjectTransformer):
    """The sale-text scorer's evidence that one passage of the page sells drugs, as log-odds.

    ``max(0, logit(p))`` of the best passage (:mod:`medspam.features.passages`): an offer in a
    comment under a long article, which the whole text's score dilutes. Only ever evidence for
    a sale, as :class:`SaleTextScore`; 0 when not known.

    Examples
    --------
    >>> from medspam.page import Page
    >>> page = ScoredPage(Page(), "long article ... DM me for xanax")
    >>> SalePassageScore().fit([page])._row(page.with_sale_text_score(0.1, passage_score=0.9))
    [2.1972245773362196]
    """

    input_type = ScoredPage

    def _feature_names(self) -> list[str]:
        """One name."""
        return ["sale_passage_log_odds"]

    def _row(self, item: Any) -> list[float]:
        """The clipped log-odds of one page's best passage score."""
        return [_evidence_for(item.sale_passage_score)]


def _evidence_for(score: float | None) -> float:
    """``max(0, logit(score))``, 0 for no score: a probability as evidence for, never against."""
    if score is None:
        return 0.0
    p = min(max(score, 1e-6), 1.0 - 1e-6)
    return max(math.log(p / (1.0 - p)), 0.0)


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
        words = word_count(text)
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


class SaleText(PageText):
    """The page text with look-alike spellings undone, for the sale-text scorer's words.

    After the text come one word per match of each of
    :data:`~medspam.features.passages.SALE_TEXT_LEXICONS`
    (``lexcommerce``, ``lexnoprescription``, ...). The lists are written in the four corpus
    languages and more, so an offer in a language with few selling texts to learn from shares
    words with offers in others: the held-out Spanish shop pages ("No pedimos receta
    médica...") had sale-text scores of 0.15 to 0.44 without them and 0.43 to 0.90 with them
    (models trained on the same corpus).

    Examples
    --------
    >>> from medspam.page import Page
    >>> SaleText()._text(ScoredPage(Page(), "Compre xanax sin receta"))
    'Compre xanax sin receta lexcommerce lexnoprescription lexdrugs'
    """

    def _text(self, item: Any) -> str:
        """Unmasked text of one page (or passage) and its word-list words."""
        if isinstance(item, Passage):  # its words were found once on the whole page
            return " ".join((item.unmasked, *item.words))
        scored: ScoredPage = item
        return " ".join((scored.unmasked, *sale_words(scored.unmasked)))


DRUG_TOKEN = "drugname"  # noqa: S105 - a word, not a secret
"""What :class:`PageWords` writes for every drug name."""


STOP_WORD_LANGUAGES = ("english", "spanish", "french", "german", "italian", "portuguese",
                       "dutch", "polish")
"""The languages whose function words :class:`PageWords` leaves out: the corpus's four, and
Italian, Polish, Dutch and Portuguese, the next languages of the real sale pages (8, 7, 3 and 3
of 247 pages). Russian, with 3 pages too, was not in the list the model was measured with."""
WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")
"""A word as scikit-learn's word vectorizers see it by default (their ``token_pattern``)."""


@functools.cache
def stop_words() -> frozenset[str]:
    """The function words of :data:`STOP_WORD_LANGUAGES` that the page words leave out.

    The ``stop-words`` package's lists, lower case, less the single-word terms of the commerce,
    no-prescription and legitimate-cue word lists (the English list holds "buy" and "order").
    The lists are long (about 3,500 words; English alone has "free", "best" and "get", German
    "ohne"): the text cues and the sale-text scorer still read every word.

    Examples
    --------
    >>> {"und", "et", "en", "wer", "the"} <= stop_words(), "buy" in stop_words()
    (True, False)
    """
    words = {word.lower() for language in STOP_WORD_LANGUAGES
             for word in get_stop_words(language)}
    keep = {term for name in ("commerce", "no_prescription", "legit_cues")
            for term in lexicons.load(name)}
    return frozenset(words - keep)


class PageWords(PageText):
    """The page's words for the page scorer: drug names as one token, function words left out.

    The words say how a page talks (``buy drugname online``, ``drugname nasal spray``), not
    which drug it names: which drugs the training pages name is an accident of the corpus
    (the ketamine clinics among the hard negatives taught that "ketamine" is a legitimate
    word, held against a ketamine shop), and the drug cues already count drug names. Nor
    which language a page is written in: with function words the fit gave them its largest
    weights ("und" -1.9, "et" -2.3, "en" +2.7, "wer" +3.4, model ``4b0f9c39…``), which learns
    how many of the training pages of each language were spam.

    Examples
    --------
    >>> from medspam.page import Page
    >>> PageWords()._text(ScoredPage(Page(), "Ich hab noch Xanax und wer will, kauft es online"))
    'drugname kauft online'
    """

    def _text(self, item: Any) -> str:
        """The lower-cased words of one page's unmasked text, drug names replaced."""
        scored: ScoredPage = item
        text = scored.unmasked
        spans = lexicons.find_spans("drugs", text)
        if spans:
            pieces, last = [], 0
            for start, end, _ in spans:
                pieces += [text[last:start], f" {DRUG_TOKEN} "]
                last = end
            pieces.append(text[last:])
            text = "".join(pieces)
        stop = stop_words()
        return " ".join(word for word in WORD_TOKEN.findall(text.lower()) if word not in stop)
