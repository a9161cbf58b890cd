"""Unfitted scikit-learn pipelines of the link scorer, the page scorer and the medical scorer."""

from __future__ import annotations

import re
from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from medspam import lexicons
from medspam.features.links import LinkCues, LinkDomainText, LinkTokens
from medspam.features.pages import (
    LinkScoreSummary,
    MedicalCues,
    PageText,
    PageUrlCues,
    SaleSentenceCues,
    TextCues,
    UnlinkedTextCues,
)


def _calibrated(c: float, random_state: int) -> CalibratedClassifierCV:
    """A balanced logistic regression, sigmoid-calibrated on out-of-fold predictions.

    ``ensemble=False`` keeps one fitted regression, whose coefficients explain each verdict.
    """
    base = LogisticRegression(
        C=c, class_weight="balanced", max_iter=5_000, random_state=random_state
    )
    return CalibratedClassifierCV(base, method="sigmoid", cv=5, ensemble=False)


def medical_vocabulary() -> list[str]:
    """The single words of the medical lexicon, as the default word tokenizer sees them."""
    token = re.compile(r"(?u)\b\w\w+\b")
    return sorted({w for term in lexicons.load("medical") for w in token.findall(term.lower())})


def _words(**options: Any) -> TfidfVectorizer:
    """A word vectorizer with sublinear term frequencies.

    Page vectorizers drop words found in more than 30 % of pages (``max_df``): function
    words in every language, which explain nothing.
    """
    return TfidfVectorizer(sublinear_tf=True, **options)


def build_link_model(*, c: float = 1.0, random_state: int = 0) -> Pipeline:
    """Return the unfitted link scorer: Link objects in, drug-sales probability out.

    Examples
    --------
    >>> [name for name, _ in build_link_model().named_steps["features"].transformer_list]
    ['cues', 'tokens', 'chars']
    """
    features = FeatureUnion([
        ("cues", LinkCues()),
        ("tokens", Pipeline([
            ("select", LinkTokens()),
            ("vec", _words(tokenizer=str.split, token_pattern=None, lowercase=False, min_df=2)),
        ])),
        ("chars", Pipeline([
            ("select", LinkDomainText()),
            ("vec", _words(analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                           max_features=30_000)),
        ])),
    ])
    return Pipeline([("features", features), ("classify", _calibrated(c, random_state))])


def build_page_model(*, c: float = 1.0, random_state: int = 0) -> Pipeline:
    """Return the unfitted page scorer: ScoredPage objects in, drug-sales probability out.

    Examples
    --------
    >>> [name for name, _ in build_page_model().named_steps["features"].transformer_list]
    ['links', 'url', 'cues', 'unlinked', 'sentences', 'words']
    """
    features = FeatureUnion([
        ("links", LinkScoreSummary()),
        ("url", PageUrlCues()),
        ("cues", TextCues()),
        ("unlinked", UnlinkedTextCues()),
        ("sentences", SaleSentenceCues()),
        ("words", Pipeline([
            ("select", PageText()),
            ("vec", _words(ngram_range=(1, 2), min_df=5, max_df=0.3, max_features=20_000)),
        ])),
    ])
    return Pipeline([("features", features), ("classify", _calibrated(c, random_state))])


def build_medical_model(*, c: float = 1.0, random_state: int = 0) -> Pipeline:
    """Return the unfitted medical scorer: ScoredPage objects in, P(health content) out.

    Its words are the medical lexicon's (four languages), so it judges health content by
    vocabulary that generalises beyond the styles of the training pages.

    Examples
    --------
    >>> [name for name, _ in build_medical_model().named_steps["features"].transformer_list]
    ['cues', 'words']
    """
    features = FeatureUnion([
        ("cues", MedicalCues()),
        ("words", Pipeline([
            ("select", PageText()),
            ("vec", _words(vocabulary=medical_vocabulary())),
        ])),
    ])
    return Pipeline([("features", features), ("classify", _calibrated(c, random_state))])
