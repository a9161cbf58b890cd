"""The medspam exception hierarchy: every error the library raises on purpose."""

from __future__ import annotations


class MedspamError(Exception):
    """Base class of every error medspam raises on purpose."""


class InputError(MedspamError, ValueError):
    """The input cannot be classified as given (empty, unreadable, not a page).

    Recoverable: fix or skip the input; the classifier itself is fine.
    """


class ModelError(MedspamError, RuntimeError):
    """The model file or its card is missing, unreadable or incompatible.

    Not recoverable without another model: train one or point to the shipped one.
    """


class ModelIntegrityError(ModelError):
    """The model file's sha256 does not match its card: it was changed or corrupted.

    Not recoverable: the file is refused before it is unpickled, because unpickling runs code.
    """


class ConfigError(MedspamError, ValueError):
    """A setting, or a file a setting names, is invalid or unreadable.

    Not recoverable without fixing the configuration (an option or a ``MEDSPAM_*`` variable).
    """
