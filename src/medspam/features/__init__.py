"""Feature extraction over Page and Link objects, and the Scorer that turns features into scores.

The training pipelines are in ``medspam.features.pipeline`` (it imports scikit-learn; nothing
here does).
"""

from medspam.features.linkparts import LinkParts, link_parts
from medspam.features.links import LinkCues, LinkDomainText, LinkSuffix, LinkTokens
from medspam.features.pages import (
    LinkScoreSummary,
    PageText,
    PageUrlCues,
    PageWords,
    SaleSentenceCues,
    SaleText,
    SaleTextScore,
    TextCues,
    UnlinkedTextCues,
)
from medspam.features.scored import ScoredPage, is_trusted_link, links_to_score
from medspam.features.scorer import Scorer, TfidfTable
from medspam.features.textcues import selling_sentences

__all__ = [
    "LinkCues",
    "LinkDomainText",
    "LinkParts",
    "LinkScoreSummary",
    "LinkSuffix",
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
    "is_trusted_link",
    "link_parts",
    "links_to_score",
    "selling_sentences",
]
