"""Boosted trees in the form that scores: a fitted tree ensemble as flat arrays; the page booster.

Training fits scikit-learn's ``HistGradientBoostingClassifier``
(``medspam.features.pipeline.build_page_booster``) and saves its trees as :class:`Trees`, so
that, as with :class:`~medspam.features.scorer.Scorer`, loading a model imports no
scikit-learn. The walk is scikit-learn's (numeric splits only: a value at most the threshold
goes left, a missing one where the split sends missing values), so the sums are the same
(``tests/test_trees.py`` compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

Floats = np.ndarray[Any, np.dtype[np.float64]]

LINEAR_LOG_ODDS = "linear_log_odds"
"""The name of the trees' last column: the linear page scorer's log-odds."""
ABSENT = "absent:"
"""Prefix of a column's name in the trees' contributions where the page lacks it (0 or none):
the trees weigh what a page lacks too, which a linear weight times 0 cannot."""
HALF = 0.5
"""Each half's weight in the page score's log-odds: the page score is their mean."""

_CLIP = 1e-6
"""Probabilities are clipped to ``[_CLIP, 1 - _CLIP]`` before their log-odds are taken."""


@dataclass(frozen=True, eq=False)
class Trees:
    """The trees of a fitted binary tree ensemble, every node of every tree in flat arrays.

    The raw score of a row is ``baseline`` plus the value of the leaf it reaches in each
    tree: the log-odds of the positive class.
    """

    feature: np.ndarray[Any, np.dtype[np.intp]]
    """Column each node splits on (any value at a leaf)."""
    threshold: Floats
    """A value at most this goes to the left child."""
    missing_left: np.ndarray[Any, np.dtype[np.bool_]]
    """Whether a missing value (NaN) goes to the left child."""
    left: np.ndarray[Any, np.dtype[np.intp]]
    """Index of each node's left child in these arrays (itself at a leaf)."""
    right: np.ndarray[Any, np.dtype[np.intp]]
    """Index of each node's right child (itself at a leaf)."""
    value: Floats
    """Each leaf's value (0 at inner nodes)."""
    roots: np.ndarray[Any, np.dtype[np.intp]]
    """Index of each tree's root."""
    depth: int
    """The deepest leaf's depth: a row reaches its leaves in at most this many steps."""
    baseline: float
    """The raw score before any tree."""
    expected: Floats | None = None
    """Each node's expected value: the mean leaf value of the training rows that reach it
    (None in models saved before trees were explained)."""

    def raw(self, x: Floats) -> Floats:
        """The raw score (log-odds) of each row of ``x``: all trees walked a level at a time."""
        return self._sum(self._walk(x, None)[0])

    def explain(self, x: Floats) -> tuple[Floats, Floats]:
        """The raw score of each row, and each column's contribution to it.

        ``raw == bias + contributions.sum(axis=1)``. Walking a tree from its root to a leaf,
        every split moves the expected value from a node's to its child's; the move counts
        for the column the node splits on (the per-path attribution of Saabas, as
        ``treeinterpreter`` computes it). The moves of a path add up to its leaf's value less
        its root's expected value, so the contributions of all trees add up to the raw score
        less :attr:`bias`.

        Raises
        ------
        ValueError
            If the trees were saved without :attr:`expected`.
        """
        leaves, moves = self._walk(x, self._expected())
        return self._sum(leaves), moves.reshape(x.shape)

    @property
    def bias(self) -> float:
        """The raw score every row starts from: the baseline plus each tree's expected value.

        Raises
        ------
        ValueError
            If the trees were saved without :attr:`expected`.
        """
        return self.baseline + float(self._expected()[self.roots].sum())

    def _expected(self) -> Floats:
        """:attr:`expected`, or a ValueError for trees saved without it."""
        if self.expected is None:
            msg = "these trees were saved without their nodes' expected values"
            raise ValueError(msg)
        return self.expected

    def _sum(self, leaves: np.ndarray[Any, np.dtype[np.intp]]) -> Floats:
        """The raw score of rows that reach ``leaves`` (a row of leaves, one per tree)."""
        raw: Floats = self.baseline + self.value[leaves].sum(axis=1)
        return raw

    def _walk(self, x: Floats, expected: Floats | None
              ) -> tuple[np.ndarray[Any, np.dtype[np.intp]], Floats]:
        """The leaf each row of ``x`` reaches in each tree, all trees a level at a time.

        Given the nodes' ``expected`` values, also each row's and column's share of the moves
        on the way, flat (row by row); else an empty array.
        """
        n_rows, n_columns = x.shape
        rows = np.arange(n_rows)[:, None]
        nodes = np.broadcast_to(self.roots, (n_rows, len(self.roots))).copy()
        cells = rows * n_columns  # a row's first cell in the flat contributions
        moves = np.zeros(n_rows * n_columns if expected is not None else 0)
        for _ in range(self.depth):
            values = x[rows, self.feature[nodes]]
            go_left = np.where(np.isnan(values), self.missing_left[nodes],
                               values <= self.threshold[nodes])
            children = np.where(go_left, self.left[nodes], self.right[nodes])
            if expected is not None:
                # A leaf's child is itself: a move of 0, counted to column 0.
                moves += np.bincount((cells + self.feature[nodes]).ravel(),
                                     weights=(expected[children] - expected[nodes]).ravel(),
                                     minlength=len(moves))
            nodes = children
        return nodes, moves


@dataclass(frozen=True, eq=False)
class PageBooster:
    """Boosted trees over the page scorer's features and its log-odds, blended with it.

    The trees read the page scorer's columns ``columns`` (its features that are not words)
    and, last, the log-odds of the page scorer's probability. The page score is the mean of
    the page scorer's log-odds and the trees' (:func:`blend`): the linear scorer holds half
    of every score, and the trees add what only interactions of the features show; both
    halves are explained, feature by feature (:meth:`explain`).
    """

    trees: Trees
    columns: np.ndarray[Any, np.dtype[np.intp]]
    """The page scorer's columns the trees read, in order."""
    feature_names: tuple[str, ...]
    """Name of each column the trees read: the page scorer's, then ``linear_log_odds``."""

    def check(self, page_feature_names: tuple[str, ...]) -> None:
        """Check that the page scorer's columns ``columns`` are the ones the trees were fit on.

        Raises
        ------
        ValueError
            If a column is out of range or has another name.
        """
        names = [page_feature_names[i] if 0 <= i < len(page_feature_names) else None
                 for i in self.columns.tolist()]
        if names != list(self.feature_names[:-1]):
            msg = "the page booster's columns are not the page scorer's it was trained on"
            raise ValueError(msg)

    def log_odds(self, features: Any, linear: Floats) -> Floats:
        """The trees' log-odds of each row.

        ``features`` are the page scorer's feature rows, ``linear`` its probabilities.
        """
        return self.trees.raw(booster_inputs(features, self.columns, linear))

    def explain(self, features: Any, linear: Floats
                ) -> tuple[Floats, list[list[tuple[str, float]]]]:
        """The trees' log-odds of each row, and what each column adds to the page score.

        A row's pairs are its non-zero ``(column name, contribution)``, in the page score's
        log-odds: half the trees' own (:func:`blend`); a column the row lacks (0 or missing) is
        named with :data:`ABSENT` before it. Trees saved before they could be explained give
        no pairs.
        """
        rows = booster_inputs(features, self.columns, linear)
        if self.trees.expected is None:
            return self.trees.raw(rows), [[] for _ in rows]
        raw, contributions = self.trees.explain(rows)
        lacking = np.nan_to_num(rows) == 0
        return raw, [
            [((ABSENT if lacks[j] else "") + self.feature_names[j], HALF * float(row[j]))
             for j in np.flatnonzero(row)]
            for row, lacks in zip(contributions, lacking, strict=True)]


def blend(linear: Floats, trees_log_odds: Floats) -> Floats:
    """The page score: the mean of the linear page scorer's and the trees' log-odds."""
    score: Floats = expit(HALF * (log_odds(linear) + trees_log_odds))
    return score


def booster_inputs(features: Any, columns: np.ndarray[Any, np.dtype[np.intp]],
                   linear: Floats) -> Floats:
    """The page booster's input rows: the page features' ``columns``, then the linear log-odds."""
    picked = features[:, columns]
    dense = picked.toarray() if hasattr(picked, "toarray") else np.asarray(picked)
    return np.column_stack([dense, log_odds(linear)])


def log_odds(p: Floats) -> Floats:
    """The log-odds of ``p``, clipped to ``[_CLIP, 1 - _CLIP]`` first."""
    clipped = np.clip(p, _CLIP, 1.0 - _CLIP)
    odds: Floats = np.log(clipped / (1.0 - clipped))
    return odds
