"""Verdict, Reason and LinkEvidence: the result of classifying one page, and its one JSON schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from medspam.page import Link

SCHEMA_VERSION = 1
"""Version of the JSON schema written by :meth:`Verdict.to_dict`; bumped on breaking changes."""

Category = Literal["medical-drug-sales", "drug-sales", "clean"]
Listed = Literal["allow", "deny"]


def is_flagged(score: float, threshold: float, listed: Listed | None) -> bool:
    """Whether a page is flagged: deny-listed, or not allow-listed and at the threshold.

    The one rule for :attr:`Verdict.is_spam` and for the category the classifier gives.

    Examples
    --------
    >>> is_flagged(0.1, 0.5, "deny"), is_flagged(0.9, 0.5, "allow"), is_flagged(0.5, 0.5, None)
    (True, False, True)
    """
    if listed is not None:
        return listed == "deny"
    return score >= threshold


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence, with the weight it carried in the score.

    Examples
    --------
    >>> Reason("links to buycocaineonline.info", 2.5, "links").to_dict()["weight"]
    2.5
    """

    text: str
    """Human-readable evidence."""
    weight: float
    """Contribution to the model's log-odds (positive pushes towards spam): a page reason's to
    the page score's, a link reason's to the link scorer's linear score before calibration."""
    source: str = "page"
    """Where the evidence comes from: ``page``, ``text``, ``links``, ``url``, ``link``, or
    ``list`` (an operator's domain list, weight 0: not a model contribution)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the reason as a JSON-ready dict."""
        return {"text": self.text, "weight": round(self.weight, 4), "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        """Rebuild a reason from :meth:`to_dict` output."""
        return cls(text=data["text"], weight=float(data["weight"]), source=data.get("source", ""))


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    """A link found on the page with its own drug-sales score and reasons."""

    link: Link
    """The link as extracted."""
    score: float
    """Calibrated probability that the link points to illicit drug sales."""
    reasons: tuple[Reason, ...] = ()
    """Why the link scored as it did, strongest first."""

    def to_dict(self) -> dict[str, Any]:
        """Return the link and its evidence as a JSON-ready dict."""
        link = self.link
        return {
            "url": link.url,
            "domain": link.domain,
            "anchor": link.anchor,
            "found": link.how,
            "hidden": link.is_hidden,
            "scripted": link.is_scripted,
            "automatic": link.is_automatic,
            "element": link.element,
            "via": link.via,
            "external": link.is_external,
            "rel": list(link.rel),
            "raw": link.raw,
            "score": round(self.score, 4),
            "reasons": [r.to_dict() for r in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkEvidence:
        """Rebuild link evidence from :meth:`to_dict` output."""
        found = data.get("found", "anchor")
        link = Link(
            url=data["url"],
            raw=data.get("raw", ""),
            found="anchor" if found == "hidden" else found,
            domain=data.get("domain", ""),
            anchor=data.get("anchor", ""),
            rel=tuple(data.get("rel", ())),
            is_hidden=bool(data.get("hidden", False)),
            is_scripted=bool(data.get("scripted", False)),
            is_automatic=bool(data.get("automatic", False)),
            element=str(data.get("element", "")),
            via=str(data.get("via", "")),
            is_external=bool(data.get("external", True)),
        )
        reasons = tuple(Reason.from_dict(r) for r in data.get("reasons", ()))
        return cls(link=link, score=float(data["score"]), reasons=reasons)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Which model produced a verdict."""

    name: str
    """Model name, e.g. ``medspam``."""
    version: str
    """Model version (the package version that trained it)."""
    sha256: str
    """sha256 of the model file, as verified before loading."""

    def to_dict(self) -> dict[str, Any]:
        """Return the model identity as a JSON-ready dict."""
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The result of classifying one page.

    Examples
    --------
    >>> v = Verdict(score=0.97, threshold=0.5, category="drug-sales")
    >>> v.verdict, v.is_spam
    ('spam', True)
    >>> Verdict.from_dict(v.to_dict()) == v
    True
    """

    score: float
    """Calibrated probability that the page promotes illicit drug sales (0..1)."""
    threshold: float
    """Operating threshold: the page is spam when ``score >= threshold``."""
    category: Category = "clean"
    """``medical-drug-sales`` (medical cover + drug sales), ``drug-sales`` or ``clean``."""
    signals: dict[str, float] = field(default_factory=dict)
    """Independent sub-scores in 0..1: ``medical``, ``drug_sales``, ``links``, ``page_url``,
    ``sale_text`` (the whole text read as an offer) and ``sale_passage`` (its passage most
    like one); with a model that has a page booster, ``page_linear`` and ``page_trees``, the
    two parts of ``drug_sales`` (the mean of their log-odds): the linear page scorer and the
    boosted trees."""
    reasons: tuple[Reason, ...] = ()
    """Evidence for the score, strongest first: each weight is what it adds to the score's
    log-odds, from both parts."""
    links: tuple[LinkEvidence, ...] = ()
    """Every outbound link, each with its own score; most suspicious first. Outbound: leaving
    the page's site (every link, when the page URL is unknown); links within the site are not
    scored, and links to a trusted health domain score 0 with a reason saying so (see
    ``medspam.features.links_to_score``)."""
    model: ModelInfo | None = None
    """The model that produced the verdict."""
    url: str | None = None
    """The page URL as given (normalised), when known."""
    notes: tuple[str, ...] = ()
    """What happened to the input on the way ("truncated at 5242880 bytes", ...)."""
    listed: Listed | None = None
    """Which operator domain list decided the verdict, if one did (:mod:`medspam.domainlists`):
    ``deny`` flags the page whatever its score, ``allow`` keeps the score alone from flagging
    it. ``score`` is the model's either way."""

    @property
    def is_spam(self) -> bool:
        """Whether the page is flagged: deny-listed, or not allow-listed and at the threshold.

        Examples
        --------
        >>> Verdict(score=0.1, threshold=0.5, listed="deny").is_spam
        True
        >>> Verdict(score=0.9, threshold=0.5, listed="allow").is_spam
        False
        """
        return is_flagged(self.score, self.threshold, self.listed)

    @property
    def verdict(self) -> Literal["spam", "ok"]:
        """``spam`` or ``ok``."""
        return "spam" if self.is_spam else "ok"

    @property
    def flagged_links(self) -> tuple[LinkEvidence, ...]:
        """Links whose own score is at least 0.5."""
        return tuple(e for e in self.links if e.score >= 0.5)  # noqa: PLR2004

    def to_dict(self) -> dict[str, Any]:
        """Return the verdict in the documented JSON schema (the only serialiser)."""
        return {
            "schema": SCHEMA_VERSION,
            "verdict": self.verdict,
            "category": self.category,
            "score": round(self.score, 4),
            "threshold": round(self.threshold, 4),
            "url": self.url,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "reasons": [r.to_dict() for r in self.reasons],
            "links": [e.to_dict() for e in self.links],
            "model": self.model.to_dict() if self.model else None,
            "notes": list(self.notes),
            "listed": self.listed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Rebuild a verdict from :meth:`to_dict` output (values rounded as serialised)."""
        model = data.get("model")
        return cls(
            score=float(data["score"]),
            threshold=float(data["threshold"]),
            category=data.get("category", "clean"),
            signals={k: float(v) for k, v in data.get("signals", {}).items()},
            reasons=tuple(Reason.from_dict(r) for r in data.get("reasons", ())),
            links=tuple(LinkEvidence.from_dict(e) for e in data.get("links", ())),
            model=ModelInfo(**model) if model else None,
            url=data.get("url"),
            notes=tuple(data.get("notes", ())),
            listed=data.get("listed"),
        )
