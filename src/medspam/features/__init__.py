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
    SalePassageScore,
    SaleSentenceCues,
    SaleText,
    SaleTextScore,
    TextCues,
    UnlinkedTextCues,
)
from medspam.features.passages import passages, score_sale_text
from medspam.features.scored import ScoredPage, is_trusted_link, links_to_score
from medspam.features.scorer import Scorer, TfidfTable
from medspam.features.textcues import selling_sentences

FEATURES_VERSION = 12
"""What the feature transformers compute, as a number a model's card records.

A model file holds these transformers, and they run this code: a model trained when they
computed something else would score nonsense without any error. Loading refuses a card of
another version (``medspam.modelio``); bump this with every change to what a transformer gives
for the same input. 1: the models up to ``1c004a2b…`` (their cards have no version); 2: link
tokens are words only, the top-level domain a branch of its own (``52fcfe71…``); 3: the
commerce word list holds the wording of peer offers ("por privado", "per PN", "en MP"); 4:
the page words leave out function words (``PageWords``); 5: frames and redirects are links of
their own kind (``found_frame``, ``found_redirect``); 6: the log-odds of the link every
visitor follows by itself, where a page sends them (``automatic_redirect_log_odds``); 7: context
phrases, phone digits and Snapchat handles (``cbc8729b…``); 8: the best passage's sale-text score
(``sale_passage_log_odds``); 9: a drug with its strength in an address (``path_drug_and_dose``),
and a drug offered without a prescription counts as a sale in ``address_sells_drug``; 10: a
link's context reaches sixteen words before it (``medspam.extract.links``), so a model's link
words change; 11: the drug lexicons hold national brands and spellings (Tilidin, Endone,
Xanor, Temesta, Trankimazin, Medikinet, …), so every cue that counts drugs reads more; 12: the
commerce list holds the web-shop words of Spanish, French and German (cart, checkout, shipping
costs, stock, payment methods, delivery address), so every commerce cue reads more.
"""

__all__ = [
    "FEATURES_VERSION",
    "LinkCues",
    "LinkDomainText",
    "LinkParts",
    "LinkScoreSummary",
    "LinkSuffix",
    "LinkTokens",
    "PageText",
    "PageUrlCues",
    "PageWords",
    "SalePassageScore",
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
    "passages",
    "score_sale_text",
    "selling_sentences",
]
