"""Feature extraction: scikit-learn transformers over Page and Link objects."""

from medspam.features.linkparts import LinkParts, link_parts
from medspam.features.links import LinkCues, LinkDomainText, LinkTokens
from medspam.features.pages import (
    LinkScoreSummary,
    PageText,
    PageUrlCues,
    SaleSentenceCues,
    ScoredPage,
    TextCues,
    UnlinkedTextCues,
    selling_sentences,
)
from medspam.features.pipeline import build_link_model, build_medical_model, build_page_model

__all__ = [
    "LinkCues",
    "LinkDomainText",
    "LinkParts",
    "LinkScoreSummary",
    "LinkTokens",
    "PageText",
    "PageUrlCues",
    "SaleSentenceCues",
    "ScoredPage",
    "TextCues",
    "UnlinkedTextCues",
    "build_link_model",
    "build_medical_model",
    "build_page_model",
    "link_parts",
    "selling_sentences",
]
