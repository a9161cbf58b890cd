"""medspam: catch web pages that dress up illicit drug sales as health content, and say why."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from medspam.errors import InputError, MedspamError, ModelError, ModelIntegrityError
from medspam.page import Link, Page
from medspam.settings import Settings
from medspam.verdict import LinkEvidence, Reason, Verdict

if TYPE_CHECKING:
    from medspam.classifier import Classifier

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



def __getattr__(name: str) -> Any:
    """``medspam.Classifier``, imported on first use: it brings scikit-learn (about 1 s)."""
    if name == "Classifier":
        from medspam.classifier import Classifier  # noqa: PLC0415 - the lazy import itself
        return Classifier
    msg = f"module 'medspam' has no attribute {name!r}"
    raise AttributeError(msg)


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
                from medspam.classifier import Classifier  # noqa: PLC0415 - lazy, see above
                _default = Classifier.load()
    return _default.classify(html, url)
