"""Shared plumbing for transformers over Page and Link objects: input checks and tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

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


class ObjectTransformer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Base of transformers whose input is a sequence of Python objects, not an array.

    Subclasses set ``input_type`` and implement ``_feature_names()`` and ``_rows(items)``.
    """

    input_type: type = object

    def fit(self, X: Any, y: Any = None) -> ObjectTransformer:  # noqa: N803, ARG002
        """Check the input and record the feature names; no other state is learned."""
        check_objects(X, self.input_type)
        self.feature_names_out_ = np.asarray(self._feature_names(), dtype=object)
        self.n_features_out_ = len(self.feature_names_out_)
        return self

    def transform(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]:  # noqa: N803
        """Return one row of features per object."""
        check_is_fitted(self, "feature_names_out_")
        items: Sequence[Any] = check_objects(X, self.input_type)
        rows = [self._row(item) for item in items]
        return np.asarray(rows, dtype=np.float64).reshape(len(items), self.n_features_out_)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray[Any, Any]:  # noqa: ARG002
        """Return the readable feature names."""
        check_is_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def __sklearn_tags__(self) -> Any:
        """Declare that the input is a sequence of objects, not a 2-D array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags

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
        check_is_fitted(self, "feature_names_out_")
        items: Sequence[Any] = check_objects(X, self.input_type)
        return [self._text(item) for item in items]

    def _feature_names(self) -> list[str]:
        """A selector yields text, not columns."""
        return []

    def _text(self, item: Any) -> str:
        """The string a vectorizer reads for one object."""
        raise NotImplementedError
