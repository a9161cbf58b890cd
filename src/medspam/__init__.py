"""medspam: catch web pages that dress up illicit drug sales as health content, and say why."""

from __future__ import annotations

import logging
import threading

from medspam.classifier import Classifier
from medspam.errors import InputError, MedspamError, ModelError, ModelIntegrityError
from medspam.page import Link, Page
from medspam.settings import Settings
from medspam.verdict import LinkEvidence, Reason, Verdict

__version__ = "0.1.0"
__all__ = [
    "Classifier",
    "InputError",
    "Link",
    "LinkEvidence",
    "MedspamError",
    "ModelError",
    "ModelIntegrityError",
    "Page",
    "Reason",
    "Settings",
    "Verdict",
    "__version__",
    "classify",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

_default: Classifier | None = None
_default_lock = threading.Lock()


def classify(html: str | bytes, url: str | None = None) -> Verdict:
    """Classify one page with the shipped model, loaded on the first call.

    Parameters
    ----------
    html
        The page: HTML or plain text, as ``str`` or ``bytes``.
    url
        The page's own URL, when known; it is evidence too.

    Returns
    -------
    Verdict
        Verdict, score, category, reasons and every link with its own score.

    Examples
    --------
    >>> classify("<p>Our bakery opens at seven.</p>").verdict
    'ok'
    """
    global _default  # noqa: PLW0603 - the lazily created default, as tldextract.extract does
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Classifier.load()
    return _default.classify(html, url)
