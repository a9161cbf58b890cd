"""Classifier: load a model once, classify pages one at a time or in batches."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit

from medspam.domainlists import SiteLists
from medspam.explain import (
    LINK_REFERENCES,
    LinearExplainer,
    link_reasons,
    page_reasons,
    page_scale,
)
from medspam.extract import extract_page
from medspam.features import ScoredPage, is_trusted_link, links_to_score, score_sale_text
from medspam.features.trees import blend
from medspam.modelio import LoadedModel, load_bundle
from medspam.page import Link, Page
from medspam.settings import Settings
from medspam.verdict import Category, LinkEvidence, Listed, ModelInfo, Reason, Verdict, is_flagged

MEDICAL_CUTOFF = 0.5
"""A spam page whose medical signal reaches this is ``medical-drug-sales``."""
EXPLAINED_LINK_SCORE = 0.2
"""Links scoring at least this get their own reasons."""
BATCH_SIZE = 64

PageInput = str | bytes | tuple[str | bytes, str | None] | dict[str, Any]
"""What :meth:`Classifier.classify_many` accepts per page: the page, ``(page, url)``, or a
dict with ``html`` or ``text`` and optionally ``url``, ``content_type`` (the HTTP header,
whose charset decodes bytes) and ``location`` (where the HTTP response redirects)."""


@dataclass(frozen=True)
class _Scored:
    """Intermediate result of one page before its verdict is built."""

    scored: ScoredPage
    links: tuple[Link, ...]
    """The links the link scorer read: the outbound ones, then the page URL."""
    scores: tuple[float, ...]
    """The link scorer's score of each of ``links``."""
    link_rows: list[list[tuple[str, float]]]
    trusted: tuple[Link, ...] = ()
    """The outbound links to trusted health domains, which the link scorer does not read."""


class Classifier:
    """Classifies pages with one loaded model; safe to reuse across calls and threads.

    Examples
    --------
    >>> clf = Classifier.load()
    >>> verdict = clf.classify("<p>Fresh bread every morning.</p>", url="https://bakery.example/")
    >>> verdict.verdict
    'ok'
    """

    def __init__(self, model: LoadedModel, *, settings: Settings | None = None,
                 lists: SiteLists | None = None) -> None:
        self.settings = settings or Settings()
        self.lists = lists if lists is not None else SiteLists.read(
            self.settings.allow_list, self.settings.deny_list)
        """The operator's domain lists: ``lists``, else the files the settings name."""
        self._model = model
        bundle = model.bundle
        self._link_scorer = bundle.link_model
        self._page_scorer = bundle.page_model
        self._medical_scorer = bundle.medical_model
        self._page_booster = bundle.page_booster
        self._sale_text_scorer = bundle.sale_text_model
        self._link_explainer = LinearExplainer(bundle.link_model, LINK_REFERENCES)
        self._page_explainer = LinearExplainer(
            bundle.page_model, scale=page_scale(bundle.page_model,
                                                boosted=bundle.page_booster is not None))
        self.model_info = ModelInfo(
            name=model.card["name"], version=model.card["version"], sha256=model.card["sha256"]
        )

    @classmethod
    def load(
        cls, path: str | Path | None = None, *, settings: Settings | None = None,
        trusted: bool = False, lists: SiteLists | None = None,
    ) -> Classifier:
        """Load a model (the shipped one by default), checking its sha256 first.

        Parameters
        ----------
        path
            Model file; ``None`` loads the model shipped with the package.
        settings
            Limits and threshold; defaults to ``Settings()``.
        trusted
            Needed for a model file outside the shipped folder (unpickling runs code).
        lists
            Allow and deny domain lists; by default the files ``settings`` names, if any.

        Raises
        ------
        ConfigError
            A domain list file the settings name cannot be read.
        ModelError
            The model or its card is missing or unreadable, or the path is not trusted.
        ModelIntegrityError
            The file does not match the sha256 in its card.
        """
        return cls(load_bundle(None if path is None else Path(path), trusted=trusted),
                   settings=settings, lists=lists)

    def with_lists(self, lists: SiteLists) -> Classifier:
        """The same model and settings with other domain lists (``SiteLists()``: none)."""
        return Classifier(self._model, settings=self.settings, lists=lists)

    @property
    def threshold(self) -> float:
        """The operating threshold: the settings' if given, else the model card's."""
        if self.settings.threshold is not None:
            return self.settings.threshold
        return float(self._model.bundle.threshold)

    @property
    def card(self) -> dict[str, Any]:
        """The model card the model was verified against."""
        return self._model.card

    @property
    def model_path(self) -> Path:
        """The model file this classifier was loaded from."""
        return self._model.path

    def classify(
        self, html: str | bytes, url: str | None = None, *, content_type: str | None = None,
        location: str | None = None,
    ) -> Verdict:
        """Classify one page (HTML or text, bytes or str) with its URL when known.

        ``content_type`` is the HTTP ``Content-Type`` header, whose charset decodes bytes.
        ``location`` is where the HTTP response redirects (a 3xx's ``Location``, or a
        ``Refresh`` header's address): the page sends every visitor there.

        Raises
        ------
        TypeError
            If ``html`` is not ``str`` or ``bytes``.
        """
        page = extract_page(html, url, settings=self.settings, content_type=content_type,
                            location=location)
        return self.classify_pages([page])[0]

    def classify_many(self, pages: Iterable[PageInput]) -> Iterator[Verdict]:
        """Classify many pages lazily, batching the model calls.

        Each item is a page, a ``(page, url)`` pair, or a dict with ``html``/``text``, ``url``
        and ``content_type``.
        """
        items = iter(pages)
        while batch := list(itertools.islice(items, BATCH_SIZE)):
            yield from self.classify_pages([self._extract(item) for item in batch])

    def _extract(self, item: PageInput) -> Page:
        """Extract one ``classify_many`` item."""
        if isinstance(item, dict):
            body = item.get("html", item.get("text"))
            if body is None:
                msg = "a page dict needs an 'html' or 'text' field"
                raise TypeError(msg)
            return extract_page(body, item.get("url"), settings=self.settings,
                                content_type=item.get("content_type"),
                                location=item.get("location"))
        if isinstance(item, tuple):
            return extract_page(item[0], item[1], settings=self.settings)
        return extract_page(item, None, settings=self.settings)

    def classify_pages(self, pages: Sequence[Page]) -> list[Verdict]:
        """Classify already extracted pages in one batch of model calls."""
        scored = self._score_sale_text(self._score_links(pages))
        inputs = [s.scored for s in scored]
        scores, parts, contribs = self._score_pages(inputs)
        medical = self._medical_scorer.predict(inputs)
        return [
            self._verdict(s, float(p), float(m), c, part)
            for s, p, m, c, part in zip(scored, scores, medical, contribs, parts, strict=True)
        ]

    def _score_pages(self, inputs: list[ScoredPage]) -> tuple[
            np.ndarray, list[dict[str, float]], list[list[tuple[str, float]]]]:
        """The page scores of ``inputs``, their parts, and what each feature adds to them.

        A page's ``(feature name, contribution)`` pairs are in its score's log-odds: the
        page scorer's, then (with a page booster) the trees'; they add up to the log-odds
        less a constant.
        """
        features = self._page_scorer.features(inputs)
        linear = self._page_scorer.probabilities(features)
        contribs = self._page_explainer.contributions(features)
        if self._page_booster is None:
            return linear, [{} for _ in linear], contribs
        trees_log_odds, trees_contribs = self._page_booster.explain(features, linear)
        parts = [{"page_linear": float(lin), "page_trees": float(t)}
                 for lin, t in zip(linear, expit(trees_log_odds), strict=True)]
        return (blend(linear, trees_log_odds), parts,
                [lin + t for lin, t in zip(contribs, trees_contribs, strict=True)])

    def _score_links(self, pages: Sequence[Page]) -> list[_Scored]:
        """Score the outbound links and page URL of ``pages`` in one link-model call."""
        per_page = [links_to_score(page) for page in pages]
        flat = [link for links in per_page for link in links]
        if flat:
            features = self._link_scorer.features(flat)
            probs = self._link_scorer.probabilities(features)
            explain = probs >= EXPLAINED_LINK_SCORE
            rows = self._link_explainer.contributions(features[np.flatnonzero(explain)])
            contribs = iter(rows)
            all_rows = [next(contribs) if e else [] for e in explain]
        else:
            probs, all_rows = np.zeros(0), []
        out, start = [], 0
        for page, links in zip(pages, per_page, strict=True):
            end = start + len(links)
            scores = tuple(float(p) for p in probs[start:end])
            scored = ScoredPage.from_link_scores(page, scores,
                                                 max_words=self._model.bundle.max_feature_words)
            trusted = tuple(link for link in page.links if is_trusted_link(link))
            out.append(_Scored(scored, links, scores, all_rows[start:end], trusted))
            start = end
        return out

    def _score_sale_text(self, scored: list[_Scored]) -> list[_Scored]:
        """``scored`` with the sale-text scorer's scores of each text and passage, in one call."""
        if self._sale_text_scorer is None or not scored:
            return scored
        pages = score_sale_text(self._sale_text_scorer, [s.scored for s in scored])
        return [dataclasses.replace(s, scored=page) for s, page in zip(scored, pages, strict=True)]

    def _verdict(
        self, s: _Scored, score: float, medical: float, contribs: list[tuple[str, float]],
        page_parts: dict[str, float],
    ) -> Verdict:
        """Build the verdict of one scored page; ``page_parts`` are the page score's parts."""
        page = s.scored.page
        evidence = tuple(
            LinkEvidence(link, p, link_reasons(link, rows) if rows else ())
            for link, p, rows in zip(s.links, s.scores, s.link_rows, strict=True)
        ) + tuple(LinkEvidence(link, 0.0, (_trusted_reason(link),)) for link in s.trusted)
        outbound = tuple(sorted((e for e in evidence if e.link.found != "page"),
                                key=lambda e: -e.score))
        listed, list_reasons = self._listed(evidence)
        reasons = list_reasons + page_reasons(s.scored, contribs, evidence)
        category: Category = "clean"
        if is_flagged(score, self.threshold, listed):
            category = "medical-drug-sales" if medical >= MEDICAL_CUTOFF else "drug-sales"
        signals = {
            "drug_sales": score,
            "medical": medical,
            "links": max((e.score for e in outbound), default=0.0),
        }
        signals.update(page_parts)
        if s.scored.url_score is not None:
            signals["page_url"] = s.scored.url_score
        if s.scored.sale_text_score is not None:
            signals["sale_text"] = s.scored.sale_text_score
        if s.scored.sale_passage_score is not None:
            signals["sale_passage"] = s.scored.sale_passage_score
        return Verdict(
            score=score, threshold=self.threshold, category=category, signals=signals,
            reasons=reasons, links=outbound, model=self.model_info, url=page.url,
            notes=page.notes, listed=listed,
        )

    def _listed(
        self, evidence: tuple[LinkEvidence, ...]
    ) -> tuple[Listed | None, tuple[Reason, ...]]:
        """Which domain list decides a page, and why.

        The page's or a link's host on the deny list flags the page, on an allow-listed site
        too (pharma hacks live on trusted sites); else the page's own host on the allow list
        keeps the score alone from flagging it.
        """
        if not self.lists:
            return None, ()
        deny, allow = self.lists.deny, self.lists.allow
        if deny is not None:
            reasons = tuple(
                Reason(f"{_whose(e.link)} is on the deny list ({deny.name}: {domain})", 0.0, "list")
                for e in evidence if e.link.host and (domain := deny.match(e.link.host)))
            if reasons:
                return "deny", tuple(dict.fromkeys(reasons))
        page = next((e.link for e in evidence if e.link.found == "page"), None)
        if allow is not None and page is not None and (domain := allow.match(page.host)):
            return "allow", (Reason(f"the page's site {page.host} is on the allow list "
                                    f"({allow.name}: {domain}): its score alone does not flag "
                                    "it", 0.0, "list"),)
        return None, ()


def _trusted_reason(link: Link) -> Reason:
    """Why a link to a trusted health domain scores 0 (:func:`~medspam.features.links_to_score`)."""
    return Reason(f"{link.domain} is a trusted health domain: links to it are not scored", 0.0,
                  "link")


def _whose(link: Link) -> str:
    """How a list reason names a host: the page's own, or a link's and how it was found."""
    if link.found == "page":
        return f"the page's own host {link.host}"
    return f"a link's host {link.host} ({link.how})"
