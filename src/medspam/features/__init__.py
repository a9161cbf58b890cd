"""Feature extraction over Page and Link objects, and the Scorer that turns features into scores.

The training pipelines are in ``medspam.features.pipeline`` (it imports scikit-learn; nothing
here does).
"""

from medspam.features.linkparts import LinkParts, link_parts
from medspam.features.links import LinkCues, LinkDomainText, LinkTokens
from medspam.features.pages import (
    LinkScoreSummary,
    PageText,
    PageUrlCues,
    PageWords,
    SaleSentenceCues,
    SaleText,
    SaleTextScore,
    ScoredPage,
    TextCues,
    UnlinkedTextCues,
    links_to_score,
    selling_sentences,
)
from medspam.features.scorer import Scorer, TfidfTable

__all__ = [
    "LinkCues",
    "LinkDomainText",
    "LinkParts",
    "LinkScoreSummary",
    "LinkTokens",
    "PageText",
    "PageUrlCues",
    "PageWords",
    "SaleSentenceCues",
    "SaleText",
    "SaleTextScore",
    "ScoredPage",
    "Scorer",
    "TextCues",
    "TfidfTable",
    "UnlinkedTextCues",
    "link_parts",
    "links_to_score",
    "selling_sentences",
]
