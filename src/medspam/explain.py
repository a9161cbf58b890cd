"""Model contributions -> ordered, human-readable Reasons for pages and links."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse

from medspam import lexicons
from medspam.features import ScoredPage, Scorer, link_parts, selling_sentences
from medspam.features.linkparts import matching
from medspam.features.links import FOUND_WAYS
from medspam.features.pages import DRUG_TOKEN
from medspam.features.trees import ABSENT, HALF, LINEAR_LOG_ODDS
from medspam.page import Link
from medspam.verdict import LinkEvidence, Reason

MIN_WEIGHT = 0.05
"""Contributions smaller than this (in log-odds) are not worth a reason."""
MAX_REASONS = 8
MAX_COUNTER_REASONS = 3


class LinearExplainer:
    """Per-feature contributions (coefficient x value) of a scorer's linear model.

    The calibration is monotone, so the linear model's contributions explain the score.
    """

    def __init__(self, scorer: Scorer,
                 references: dict[str, tuple[str, ...]] | None = None, *,
                 scale: float = 1.0) -> None:
        """``references`` maps a feature to the one-hot group it is the reference of.

        Contributions are the linear model's, times ``scale`` (:func:`page_scale` puts a page
        scorer's in the page score's log-odds).

        Exactly one member of such a group is set on every row, so its weights are only
        meaningful against each other: each is shifted by its reference's weight (a constant
        per row, like the intercept). The reference then explains nothing, and another
        member says how much it differs from it.
        """
        self.coef = scorer.weights[:, 0] * scale
        self.names = scorer.feature_names
        for reference, group in (references or {}).items():
            members = [self.names.index(name) for name in group]
            self.coef[members] -= self.coef[self.names.index(reference)]

    def contributions(self, features: Any) -> list[list[tuple[str, float]]]:
        """Return, per row, the non-zero ``(feature name, contribution)`` pairs."""
        matrix = sparse.csr_matrix(features, dtype=np.float64)
        # One array product for all entries: the same float64 products, element by element.
        weights = (matrix.data * self.coef[matrix.indices]).tolist()
        names = list(map(self.names.__getitem__, matrix.indices.tolist()))
        bounds = matrix.indptr.tolist()
        return [list(zip(names[start:end], weights[start:end], strict=True))
                for start, end in itertools.pairwise(bounds)]


def page_scale(scorer: Scorer, *, boosted: bool) -> float:
    """What turns the page scorer's contributions into the page score's log-odds.

    Its calibration gives ``1 / (1 + exp(a * decision + b))``, log-odds ``-(a * decision + b)``,
    so a contribution ``c`` to the decision moves them by ``-a * c``; with a page booster, the
    page score's log-odds are half the scorer's (:func:`~medspam.features.trees.blend`).
    """
    slope = -scorer.calibration[0]
    return slope * HALF if boosted else slope


def _group(contribs: list[tuple[str, float]], describe: Callable[[str], str]) -> list[Reason]:
    """Sum contributions that describe to the same group and return reasons by weight."""
    groups: dict[str, float] = defaultdict(float)
    for name, weight in contribs:
        groups[describe(name)] += weight
    return [Reason(text, weight, "") for text, weight in groups.items()
            if abs(weight) >= MIN_WEIGHT]


def _order(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Strongest evidence for spam first, then the strongest evidence against."""
    pro = sorted((r for r in reasons if r.weight > 0), key=lambda r: -r.weight)[:MAX_REASONS]
    con = sorted((r for r in reasons if r.weight < 0), key=lambda r: r.weight)
    return (*pro, *con[:MAX_COUNTER_REASONS])


def _words_list(words: tuple[str, ...]) -> str:
    """Render words as ``'buy', 'cocaine'``."""
    return ", ".join(f"'{w}'" for w in words[:4])


def _address_words(link: Link) -> tuple[str, ...]:
    """The words of a link's host, then of its path."""
    parts = link_parts(link)
    return (*parts.host_words, *parts.path_words)


def _drug_class_words(address: tuple[str, ...]) -> str:
    """The drug-class or street words of an address, or its first words when none matches."""
    return _words_list(matching(address, "url_drug_words")) or " ".join(address[:6])


_LINK_CUE_TEXTS: dict[str, Callable[[Link], str]] = {
    "domain_drug_and_commerce": lambda link:
        f"shop domain made of drug + commerce words ({' '.join(link_parts(link).host_words)})",
    "domain_has_drug_word": lambda link:
        f"drug name in the domain ({_words_list(matching(link_parts(link).host_words, 'drugs'))})",
    "domain_has_commerce_word": lambda _: "commerce word in the domain",
    "domain_has_pharmacy_word": lambda _: "pharmacy word in the domain",
    "path_drug_and_shop": lambda link:
        f"shop path naming a drug ({'/'.join(link_parts(link).path_words[:6])})",
    "path_has_drug_word": lambda link:
        f"drug name in the path ({_words_list(matching(link_parts(link).path_words, 'drugs'))})",
    "path_has_shop_word": lambda _: "shop or order word in the path",
    "anchor_has_drug_word": lambda link: f"anchor text names a drug: '{link.anchor[:60]}'",
    "anchor_has_commerce_word": lambda link: f"anchor text sells: '{link.anchor[:60]}'",
    "context_has_drug_word": lambda _: "drug named next to the link",
    "context_has_commerce_word": lambda _: "sale wording next to the link",
    "context_no_prescription": lambda _: "'no prescription' wording next to the link",
    "path_drug_and_dose": lambda link:
        f"product path: a drug and its strength ({'/'.join(link_parts(link).path_words[:6])})",
    "path_no_prescription": lambda _: "the URL offers it without a prescription",
    "path_has_legit_word": lambda _: "information, treatment or warning word in the path",
    "address_names_drug_class": lambda link: "drug class or street word in the address ("
        f"{_drug_class_words(_address_words(link))})",
    "address_sells_drug": lambda link:
        f"the address pairs a drug with a sale word ({' '.join(_address_words(link)[:8])})",
    "is_trusted_domain": lambda link: f"{link.domain} is a trusted health domain",
    "is_government_or_academic": lambda _: "government or academic domain",
    "is_platform_host": lambda link: f"hosted on a user-content platform ({link.host})",
    "is_shortener": lambda _: "URL shortener hides the destination",
    "is_hidden": lambda _: "link hidden with CSS",
    "is_contact": lambda _: "contact channel used to sell",
    "found_obfuscated": lambda link: f"obfuscated link ('{link.raw[:60]}')",
    "found_text": lambda _: "written as plain text, not a link",
    "found_frame": lambda _: "loaded in a frame, not shown as a link",
    "found_redirect": lambda _: "a redirect (meta refresh, script or handler), not a link to click",
    "has_disguised_drug_word": lambda _:
        "drug name in disguise (leet digits or look-alike letters)",
}
"""How each link cue reads in words, for the link at hand; a cue not here reads as its name."""


def _link_cue(cue: str, link: Link) -> str:
    """Describe one link cue in words (only this cue's text is built)."""
    describe = _LINK_CUE_TEXTS.get(cue)
    return describe(link) if describe is not None else cue.replace("_", " ")


def _describe_link_feature(name: str, link: Link) -> str:
    """Describe one link feature name in words."""
    step, _, feature = name.partition("__")
    if step == "cues":
        return _link_cue(feature, link)
    if step == "chars":
        what = "handle" if link.found == "contact" else "domain"
        return f"{what} spelled like drug-shop domains"
    kind, _, word = feature.partition("=")
    labels = {"dom": "domain word", "path": "path word", "anchor": "anchor word",
              "tld": "top-level domain", "found": "found as"}
    return f"{labels.get(kind, kind)} '{word}'"


LINK_REFERENCES = {"cues__found_anchor": tuple(f"cues__found_{how}" for how in FOUND_WAYS)}
"""How a link was found is read against an anchor, the usual way (:class:`LinearExplainer`):
read alone in model b8411f74, "found anchor" weighed -8.7 on every anchor and "written as
plain text" -6.1, which said that being plain text lowered a link's score, where it raises it
by 2.6."""

BASELINE_LINK_FEATURES = frozenset({"cues__is_external"})
"""Link features that are the starting point of every link a moderator reads, not a reason:
each outbound link carries the large weight of being outbound (internal links are nearly never
sale links), so "is external" led every link's reasons and told nothing about that link. It
still counts in the score, as the intercept does."""


def link_reasons(link: Link, contribs: list[tuple[str, float]]) -> tuple[Reason, ...]:
    """Reasons for one link's score, leaving out its baseline (``BASELINE_LINK_FEATURES``)."""
    contribs = [(name, weight) for name, weight in contribs
                if name not in BASELINE_LINK_FEATURES]
    reasons = _group(contribs, lambda name: _describe_link_feature(name, link))
    return _order([Reason(r.text, r.weight, "link") for r in reasons])


def _sale_phrase(scored: ScoredPage) -> str:
    """The first commercial phrase within a few words of a drug name, quoted as written."""
    text = scored.text
    drugs = lexicons.find_spans("drugs", scored.unmasked)  # same offsets as the text
    for sale_start, sale_end, _ in lexicons.find_spans("commerce", scored.unmasked):
        for start, end, _ in drugs:
            if abs(start - sale_start) <= 80:  # noqa: PLR2004 - same window as the feature
                lo, hi = min(start, sale_start), max(end, sale_end)
                return " ".join(text[lo:hi].split())[:100]
    return ""


_QUOTE_CHARS = 100
_WORDS_BEFORE_DRUG = 6


def _sentence_reason(scored: ScoredPage) -> str:
    """Describe the selling-sentence cues, quoting the first such sentence as written.

    The flags and the counts, on every page or only on pages without a sale link, describe
    alike: one reason, weighted by all of them.
    """
    spans = selling_sentences(scored.unmasked)  # same offsets as the text
    if not spans:
        return "a sentence sells a drug: ''"
    start, end = spans[0]
    # A long sentence is quoted from a little before its first drug name, which a moderator
    # must see (the seed article's sale sits at the end of a 160-character sentence).
    drug = next((at for at, _, _ in lexicons.find_spans("drugs", scored.unmasked)
                 if start <= at < end), start)
    quote = " ".join(scored.text[start:end].split())
    if len(quote) > _QUOTE_CHARS:
        before = scored.text[start:drug].split()
        quote = " ".join(before[-_WORDS_BEFORE_DRUG:] + scored.text[drug:end].split())
        quote = ("… " if len(before) > _WORDS_BEFORE_DRUG else "") + _clipped(quote)
    return f"a sentence sells a drug: '{quote}'"


def _passage_quote(scored: ScoredPage) -> str:
    """The best sale passage, quoted from a few words before its first drug name.

    Passages are cut from the text with look-alike spellings undone (``k3tamine`` reads
    ``ketamine``) and quoted speech left out (:mod:`medspam.features.passages`).
    """
    passage = " ".join(scored.sale_passage.split())
    drug = next(iter(lexicons.find_spans("drugs", passage)), None)
    if drug is None or len(passage) <= _QUOTE_CHARS:
        return _clipped(passage)
    before = passage[: drug[0]].split()
    quote = " ".join(before[-_WORDS_BEFORE_DRUG:]) + " " + passage[drug[0]:]
    return ("… " if len(before) > _WORDS_BEFORE_DRUG else "") + _clipped(quote.strip())


def _clipped(text: str) -> str:
    """``text`` cut after its last whole word within :data:`_QUOTE_CHARS`, marked ``…`` if cut.

    A quote that stops mid-word, or with no mark, reads as the sentence's end.
    """
    if len(text) <= _QUOTE_CHARS:
        return text
    cut = text.rfind(" ", 0, _QUOTE_CHARS + 1)
    return (text[:cut] if cut > 0 else text[:_QUOTE_CHARS]) + " …"


def _best_link(
    evidence: tuple[LinkEvidence, ...], keep: Callable[[Link], bool]
) -> LinkEvidence | None:
    """The highest-scoring outbound link that ``keep`` accepts, if any."""
    return max((e for e in evidence if e.link.found != "page" and keep(e.link)),
               key=lambda e: e.score, default=None)


def _named(link: LinkEvidence) -> str:
    """A link as a reason names it: how the page carries it, its domain and its score.

    Every feature that reads a link describes it this way, so the features that read the
    same link (its score, its log-odds, gated or not; the top link of its kind; how many
    links look like sales) add up to one reason that names it once.

    The words say how the link is carried, not that it sells: the same link is a reason
    against a sale when it scores low (a clinic's phone number, a news site's own domain).
    """
    name = f"{link.link.domain or link.link.url} (link score {link.score:.2f})"
    scripted = ", set by a script" if link.link.is_scripted else ""
    # A link followed through another site's redirector: the page shows the redirector's
    # address (``medspam.extract.redirectors``), so the reason says where it passed.
    through = f", through {link.link.via}" if link.link.via else ""
    return _carried(link.link, name) + through + scripted


def _carried(link: Link, name: str) -> str:
    """How the page carries the link ``name``s: a contact, redirect, frame, hidden link …."""
    if link.found == "contact":
        return f"contact channel: {name}"
    if link.found == "redirect":
        return f"redirects {'every visitor ' if link.is_automatic else ''}to {name}"
    if link.found == "frame":
        return f"loads {name} in a {'hidden ' if link.is_hidden else ''}frame"
    if link.is_hidden:
        return f"hidden link to {name}"
    if link.found in {"text", "obfuscated"}:
        return f"address written out in the text: {name}"
    return f"links to {name}"


def _links_to(evidence: tuple[LinkEvidence, ...], keep: Callable[[Link], bool]) -> str:
    """The reason of a feature that reads the top outbound link ``keep`` accepts.

    A page whose links all stay on its own site has none: its links scored 0.
    """
    best = _best_link(evidence, keep)
    return "no link leaves the site" if best is None else _named(best)


def _any_link(_: Link) -> bool:
    """Every outbound link: the features that read the page's top link."""
    return True


_Describe = Callable[[ScoredPage, tuple[LinkEvidence, ...]], str]
_LINK_SUMMARY_TEXTS: dict[str, _Describe] = {
    # Built on demand: each looks through every link of the page. The page scorer fits these
    # features against each other (the top link's score counts for a sale, its log-odds or
    # the share of sale links partly against), so a reason per feature would show the same
    # link for and against a sale. Each names the link it reads; the reasons that name the
    # same link add up to one, and a moderator sees one net weight per link.
    "max_link_score": lambda _, ev: _links_to(ev, _any_link),
    "max_external_link_score": lambda _, ev: _links_to(ev, lambda link: link.is_external),
    "max_text_link_score":
        lambda _, ev: _links_to(ev, lambda link: link.found in {"text", "obfuscated"}),
    "max_hidden_link_score": lambda _, ev: _links_to(ev, lambda link: link.is_hidden),
    "max_contact_score": lambda _, ev: _links_to(ev, lambda link: link.found == "contact"),
    "automatic_redirect_log_odds": lambda _, ev: _links_to(ev, lambda link: link.is_automatic),
    **dict.fromkeys(("max_link_log_odds", "any_link_log_odds", "links_over_half",
                     "share_of_links_over_half"), lambda _, ev: _links_to(ev, _any_link)),
    "link_count": lambda scored, _: f"number of links ({len(_scored_links(scored))})",
    "hidden_link_count": lambda scored, _:
        f"number of hidden links ({sum(link.is_hidden for link in _scored_links(scored))})",
}


def _scored_links(scored: ScoredPage) -> tuple[Link, ...]:
    """The links the link-score summary counts (one score per link; 0 where not scored)."""
    return scored.page.links[: len(scored.link_scores)]


def _describe_page_feature(
    name: str, scored: ScoredPage, evidence: tuple[LinkEvidence, ...]
) -> str:
    """Describe one page feature name in words."""
    if name == LINEAR_LOG_ODDS:
        return "the page scorer's evidence taken together, as the trees weigh it"
    step, _, feature = name.partition("__")
    if step == "links":
        describe = _LINK_SUMMARY_TEXTS.get(feature)
        return describe(scored, evidence) if describe else feature.replace("_", " ")
    if step == "sentences":
        return _sentence_reason(scored)
    if feature == "sale_text_log_odds":
        score = scored.sale_text_score or 0.0
        return f"the text reads like a drug-sales offer (sale-text score {score:.2f})"
    if feature == "sale_passage_log_odds":
        score = scored.sale_passage_score or 0.0
        return f"a passage reads like a drug-sales offer ({score:.2f}): '{_passage_quote(scored)}'"
    describe_cue = _TEXT_CUE_TEXTS.get(feature)
    return describe_cue(scored) if describe_cue else feature.replace("_", " ")


def _names_drugs(scored: ScoredPage) -> str:
    """The reason of the cues that read the page's drug names, quoting the most frequent."""
    return "names controlled substances: " + _most_common(scored, "drugs")


def _reads_medical(scored: ScoredPage) -> str:
    """The reason of the cues that read the page's medical words, quoting the most frequent."""
    return "reads like a health article: " + _most_common(scored, "medical")


_TEXT_CUE_TEXTS: dict[str, Callable[[ScoredPage], str]] = {
    # The cues that read the same words -- the drug names as a count, a number of kinds and a
    # density; the medical words as a count and a density -- are fit against each other (the
    # drug count against a sale, the kinds for it: drug-law and information pages name one drug
    # often), so they describe alike and add up to one reason.
    "drug_terms": _names_drugs,
    "distinct_drugs": _names_drugs,
    "drug_density": _names_drugs,
    "medical_terms": _reads_medical,
    "medical_density": _reads_medical,
    "commerce_terms": lambda scored: "commerce words: " + _most_common(scored, "commerce"),
    "sale_words_near_drug":
        lambda scored: f"commercial phrase near a controlled substance: '{_sale_phrase(scored)}'",
    "no_prescription": lambda _: "offers drugs without a prescription",
    "crypto_payment": lambda _: "mentions crypto payment",
    "prices": lambda _: "lists prices",
    "doses": lambda _: "lists doses",
    "disguised_drug_terms":
        lambda _: "writes drug names in disguise (leet digits, look-alike letters)",
    "title_has_drug": lambda _: "title names a drug",
    "title_has_commerce": lambda _: "title sells",
    "legit_terms": lambda _: "wording of legitimate drug pages (prescriptions, warnings, law)",
}


def _most_common(scored: ScoredPage, lexicon: str) -> str:
    """The page's most frequent terms of ``lexicon``, quoted (``'ketamine', 'cocaine'``)."""
    return _most_common_terms(lexicon, scored.unmasked)


@lru_cache(maxsize=16)
def _most_common_terms(lexicon: str, text: str) -> str:
    """:func:`_most_common` of a text, remembered: the cues of one reason ask alike."""
    counts = Counter(term for _, _, term in lexicons.find_spans(lexicon, text))
    return _words_list(tuple(term for term, _ in counts.most_common(4)))


def _wording_reasons(words: list[tuple[str, float]]) -> list[Reason]:
    """One reason for the words that push towards spam, one for those that push against.

    They say what the words do to the score, not what pages they are typical of: the page
    scorer weighs its words beside the sale-text score and the text cues, so 'buy <drug>' can
    lower the score (the sale-text score has counted it already, and warnings say it too)
    while being anything but typical of legitimate pages.
    """
    reasons = []
    for sign, effect in ((1, "raise"), (-1, "lower")):
        side = sorted((w for w in words if w[1] * sign > 0), key=lambda w: -abs(w[1]))
        total = sum(w[1] for w in side)
        if abs(total) >= MIN_WEIGHT:
            # The page words read every drug name as one token; a moderator reads "<drug>".
            quoted = _words_list(tuple(w.replace(DRUG_TOKEN, "<drug>") for w, _ in side[:4]))
            reasons.append(Reason(f"words that {effect} the score: {quoted}", total, "text"))
    return reasons


def _lacking_reason(lacking: list[tuple[str, float]]) -> list[Reason]:
    """One reason, net, for the trees' weight of the cues the page lacks.

    The page scorer's weight of a cue the page lacks is 0; the trees' is not (no price, no
    legitimate reference, no text cue where a link sells: the ``unlinked`` cues are 0 then).
    Naming each lacking cue would read as if the page said the opposite, so they are one
    reason, unnamed.
    """
    total = sum(weight for _, weight in lacking)
    if abs(total) < MIN_WEIGHT:
        return []
    return [Reason("the cues the page lacks, as the trees weigh them", total, "page")]


_PAGE_URL_SCORES = frozenset({"links__page_url_score", "links__page_url_log_odds"})
"""The link-summary features that read the link scorer's score of the page's own URL."""


def _page_url_reason(scored: ScoredPage, items: list[tuple[str, float]]) -> Reason | None:
    """One reason for everything the page's own URL contributes, with the cues that won.

    The page scorer reads the address twice, as the link scorer's score and as its own cues,
    and fits some cues against the others (a shop path naming a drug counts less than a shop
    word and a drug name apart), so a reason per feature would list the same address for and
    against a sale. A moderator gets one number for the address and the cues on its side.
    """
    net = sum(weight for _, weight in items)
    url_link = scored.page.url_link
    if abs(net) < MIN_WEIGHT or url_link is None:
        return None
    side = sorted((item for item in items if item[1] * net > 0), key=lambda item: -abs(item[1]))
    cues = [_link_cue(name.removeprefix("url__"), url_link) for name, _ in side
            if name.startswith("url__")][:3]
    scored_as = ("" if scored.url_score is None
                 else f", scored {scored.url_score:.2f} as a sale link")
    text = f"the page's own URL{scored_as}: {scored.page.url}"
    return Reason(text + (f" ({'; '.join(cues)})" if cues else ""), net, "url")


def page_reasons(
    scored: ScoredPage, contribs: list[tuple[str, float]], evidence: tuple[LinkEvidence, ...]
) -> tuple[Reason, ...]:
    """Reasons for one page's score, strongest first.

    ``contribs`` may name a feature more than once (the page scorer's contribution and the
    trees'): a feature counts once, with their sum.
    """
    def source(name: str) -> str:
        step = name.partition("__")[0]
        return {"links": "links", "cues": "text", "unlinked": "text", "sentences": "text",
                "text": "text", "words": "text"}.get(step, "page")

    grouped: dict[str, list[tuple[str, float]]] = defaultdict(list)
    words: list[tuple[str, float]] = []
    address: list[tuple[str, float]] = []
    lacking: list[tuple[str, float]] = []
    totals: dict[str, float] = defaultdict(float)
    for name, weight in contribs:
        totals[name] += weight
    for name, weight in totals.items():
        if name.startswith(ABSENT):
            lacking.append((name, weight))
        elif name.startswith("words__"):
            words.append((name.removeprefix("words__"), weight))
        elif name.startswith("url__") or name in _PAGE_URL_SCORES:
            address.append((name, weight))
        else:
            grouped[source(name)].append((name, weight))
    reasons = _wording_reasons(words) + _lacking_reason(lacking)
    url_reason = _page_url_reason(scored, address)
    if url_reason is not None:
        reasons.append(url_reason)
    for src, items in grouped.items():
        for r in _group(items, lambda name: _describe_page_feature(name, scored, evidence)):
            reasons.append(Reason(r.text, r.weight, src))
    return _order(reasons)
