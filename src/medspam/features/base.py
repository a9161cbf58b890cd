"""Shared plumbing for transformers over Page and Link objects: input checks, feature names.

The transformers need no scikit-learn: a model file holds them as they are, so loading it
imports none. Training wraps each in a scikit-learn step (``medspam.features.pipeline``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def check_objects(X: Any, kind: type[T]) -> Sequence[T]:  # noqa: N803 - scikit-learn's name
    """Return ``X`` as a sequence of ``kind``; a lone object or string is rejected.

    Raises
    ------
    ValueError
        If ``X`` is a single object or a string instead of a sequence of them.
    TypeError
        If an item is not a ``kind``.
    """
    if isinstance(X, (str, bytes, kind)):
        msg = f"sequence expected: got one {type(X).__name__}; wrap it in a list"
        raise ValueError(msg)  # noqa: TRY004 - scikit-learn's convention for bad X
    items = list(X)
    for item in items:
        if not isinstance(item, kind):
            msg = f"expected {kind.__name__} objects, got {type(item).__name__}"
            raise TypeError(msg)
    return items


class ObjectTransformer:
    """Base of transformers whose input is a sequence of Python objects, not an array.

    A transformer learns nothing: its columns are fixed by its class, so ``fit`` only checks
    the input. Subclasses set ``input_type`` and implement ``_feature_names()`` and
    ``_row(item)``.
    """

    input_type: type = object

    def fit(self, X: Any, y: Any = None) -> ObjectTransformer:  # noqa: N803, ARG002
        """Check the input; there is nothing to learn."""
        check_objects(X, self.input_type)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> Any:  # noqa: N803
        """``fit(X, y).transform(X)``."""
        return self.fit(X, y).transform(X)

    def transform(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]:  # noqa: N803
        """Return one row of features per object."""
        items: Sequence[Any] = check_objects(X, self.input_type)
        rows = [self._row(item) for item in items]
        return np.asarray(rows, dtype=np.float64).reshape(len(items), len(self._feature_names()))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray[Any, Any]:  # noqa: ARG002
        """Return the readable feature names (scikit-learn's name for it)."""
        return np.asarray(self._feature_names(), dtype=object)

    def _feature_names(self) -> list[str]:
        """Names of the columns ``_row`` returns."""
        raise NotImplementedError

    def _row(self, item: Any) -> list[float]:
        """Feature values of one object."""
        raise NotImplementedError


class TokenSelector(ObjectTransformer):
    """Base of selectors that turn each object into one string for a text vectorizer."""

    def transform(self, X: Any) -> list[str]:  # type: ignore[override]  # noqa: N803
        """Return one string per object."""
        items: Sequence[Any] = check_objects(X, self.input_type)
        return [self._text(item) for item in items]

    def _feature_names(self) -> list[str]:
        """A selector yields text, not columns."""
        return []

    def _text(self, item: Any) -> str:
        """The string a vectorizer reads for one object."""
        raise NotImplementedError
