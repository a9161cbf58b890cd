"""Scorer: a fitted scorer in the form that classifies, fast and without scikit-learn.

Training fits scikit-learn pipelines (``medspam.features.pipeline``) and saves each as a
``Scorer``: the same feature transformers, each TF-IDF vectorizer as a :class:`TfidfTable`
(its vocabulary, idf weights and tokenizer settings), the linear model's weights and the
sigmoid of its calibration. Loading a model so imports no scikit-learn (most of a fresh
process's start-up), and scoring skips the pipeline's per-call machinery (parameter
validation, ``set_output`` wrappers, joblib's ``Parallel`` inside ``FeatureUnion``, input
checks), which on one page costs more than the work itself. The arithmetic is scikit-learn's,
in the same order, so features and probabilities are identical to the fitted pipeline's
(``tests/test_scorer.py`` compares them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, pairwise, repeat
from typing import Any, Literal

import numpy as np
from scipy import sparse
from scipy.special import expit

_ALMOST_ONE = 1.0 + 1e-5

Floats = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True, eq=False)
class TfidfTable:
    """A fitted TF-IDF vectorizer: sublinear term counts times idf, each row of unit length.

    It gives what scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` with the same
    settings gives; ``medspam.features.pipeline.scorer_of`` makes one from a fitted one.
    """

    vocabulary: dict[str, int]
    """Term -> column."""
    idf: Floats
    """Idf weight of each column."""
    analyzer: Literal["word", "char_wb"]
    """Words, or character n-grams of each white-space separated word."""
    ngram_range: tuple[int, int]
    """Smallest and largest n-gram: (1, 1) or (1, 2) words, (3, 5) characters, ..."""
    token_pattern: str | None
    """Regular expression of a word in the lower-cased text; ``None``: split at white space,
    case kept."""
    pair_starts: frozenset[str] = field(init=False, compare=False)
    """The first word of each word pair in the vocabulary."""

    def __post_init__(self) -> None:
        """Derive ``pair_starts`` from the vocabulary."""
        pairs = self.analyzer == "word" and self.ngram_range[1] > 1
        starts = frozenset(term.split(" ", 1)[0] for term in self.vocabulary
                           if pairs and " " in term)
        object.__setattr__(self, "pair_starts", starts)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the derived ``pair_starts``."""
        return {k: v for k, v in self.__dict__.items() if k != "pair_starts"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore the fields and derive ``pair_starts`` again."""
        self.__dict__.update(state)
        self.__post_init__()

    def analyze(self, text: str) -> list[str]:
        """The terms of ``text``, in the order of the fitted vectorizer's ``build_analyzer()``.

        Word pairs whose first word starts no pair of the vocabulary are left out: they have
        no column, so the counts are the same.
        """
        if self.analyzer == "char_wb":
            return _char_wb_ngrams(*self.ngram_range, text)
        tokens = (text.split() if self.token_pattern is None
                  else _lower_tokens(self.token_pattern, text))
        if self.ngram_range == (1, 1):
            return tokens
        return _with_pairs(tokens, self.pair_starts)

    def transform(self, texts: list[str]) -> Any:
        """Return the CSR matrix of ``texts``; equal texts are analysed once."""
        index: dict[str, int] = {}
        rows = [index.setdefault(text, len(index)) for text in texts]
        if len(index) == len(texts):
            return self._transform(texts)
        return _take_rows(self._transform(list(index)), rows)

    def _transform(self, texts: list[str]) -> Any:
        """Count, float64, log + 1, times idf, l2 row norm: ``TfidfVectorizer.transform``."""
        matrix = self._counts(texts)
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
        matrix.data *= self.idf[matrix.indices]
        _normalize_rows_l2(matrix)
        return matrix

    def _counts(self, texts: list[str]) -> Any:
        """The term counts of ``texts`` as floats, with sorted indices.

        scikit-learn looks up every occurrence of every term in a Python loop; here every
        term of every text is looked up in one pass in C, and the (row, column) pairs of the
        known ones are counted.
        """
        per_text = [self.analyze(text) for text in texts]
        terms = list(chain.from_iterable(per_text))
        columns = np.fromiter(map(self.vocabulary.get, terms, repeat(-1)), dtype=np.int32,
                              count=len(terms))
        rows = np.repeat(np.arange(len(texts), dtype=np.int32), list(map(len, per_text)))
        known = columns >= 0
        return _pair_counts(rows[known], columns[known], (len(texts), len(self.vocabulary)))


def _pair_counts(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> Any:
    """The CSR matrix of how often each (row, column) pair occurs, as floats.

    What a COO matrix of ones converted to CSR gives (repeated pairs summed, indices sorted),
    built as one scipy matrix instead of three. Each pair becomes one number,
    ``row * n_columns + column``, so the sorted distinct numbers are the pairs row by row,
    each row's columns in order.
    """
    n_columns = shape[1]
    keys, counts = np.unique(rows.astype(np.int64) * n_columns + columns, return_counts=True)
    key_rows = keys // n_columns
    matrix = _csr(counts.astype(np.float64), keys - key_rows * n_columns,
                  np.bincount(key_rows, minlength=shape[0]), shape)
    matrix.has_canonical_format = True  # as ``tocsr`` leaves it: sorted, no repeats
    return matrix


def _take_rows(matrix: Any, rows: list[int]) -> Any:
    """``matrix[rows]`` of a CSR matrix, gathered here and built as one scipy matrix.

    scipy's row indexing first validates and converts the index, which costs more than the
    gathering itself.
    """
    take = np.asarray(rows, dtype=np.intp)
    starts = matrix.indptr[take]
    lengths = matrix.indptr[take + 1] - starts
    firsts = np.cumsum(lengths) - lengths  # where each taken row starts in the result
    positions = np.arange(int(lengths.sum())) + np.repeat(starts - firsts, lengths)
    return _csr(matrix.data[positions], matrix.indices[positions], lengths,
                (len(take), matrix.shape[1]))


def _csr(data: np.ndarray, indices: np.ndarray, row_lengths: np.ndarray,
         shape: tuple[int, int]) -> Any:
    """One CSR matrix of entries given row by row, ``row_lengths[i]`` entries in row ``i``.

    scipy picks the index type (int32 when it fits) as for any other CSR matrix.
    """
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(row_lengths, out=indptr[1:])
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


def _normalize_rows_l2(matrix: Any) -> None:
    """Divide each row of a CSR matrix by its Euclidean length, in place.

    scikit-learn's ``inplace_csr_row_normalize_l2``: the squares of a row summed in order
    (``bincount`` adds its weights one by one), the square root, one division per entry.
    """
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data * matrix.data,
                                minlength=matrix.shape[0]))
    norms[norms == 0.0] = 1.0
    matrix.data /= norms[rows]


Step = Any
"""A feature transformer (``medspam.features.base.ObjectTransformer``) or a TfidfTable."""


@dataclass(frozen=True, eq=False)
class Scorer:
    """One fitted scorer: feature branches, a linear model and its sigmoid calibration.

    P(positive) = ``expit(-(a * (x . weights + intercept) + b))`` with ``(a, b)`` the
    calibration, as scikit-learn's ``CalibratedClassifierCV(method="sigmoid")`` computes it.
    """

    branch_names: tuple[str, ...]
    """Name of each feature branch (``cues``, ``words``, ...)."""
    branches: tuple[tuple[Step, ...], ...]
    """Each branch's steps, applied in turn; the branches' outputs are stacked side by side."""
    weights: Floats
    """The linear model's coefficients, one column (shape ``(n_features, 1)``)."""
    intercept: Floats
    """The linear model's intercept (shape ``(1,)``)."""
    calibration: tuple[float, float]
    """The calibrating sigmoid's ``a`` and ``b``."""
    feature_names: tuple[str, ...]
    """``branch__feature`` name of each column."""

    def check(self) -> None:
        """Check that this code's transformers give the columns the model was trained on.

        Raises
        ------
        ValueError
            If a transformer names other columns, or the counts differ: the model was trained
            with other feature code and would score nonsense.
        """
        expected: list[str | None] = []
        for branch, steps in zip(self.branch_names, self.branches, strict=True):
            last = steps[-1]
            if isinstance(last, TfidfTable):
                expected += [None] * len(last.vocabulary)  # terms come with the table
            else:
                expected += [f"{branch}__{name}" for name in last.get_feature_names_out()]
        if len(expected) != len(self.feature_names) or len(expected) != len(self.weights):
            msg = (f"the features give {len(expected)} columns, the model was trained on "
                   f"{len(self.feature_names)}")
            raise ValueError(msg)
        for name, trained in zip(expected, self.feature_names, strict=True):
            if name is not None and name != trained:
                msg = f"feature {trained!r} of the model is {name!r} in this code"
                raise ValueError(msg)

    def features(self, items: Sequence[Any]) -> Any:
        """Return the feature matrix of ``items`` (the pipeline's ``[:-1].transform``)."""
        blocks = []
        for steps in self.branches:
            block: Any = items
            for step in steps:
                block = step.transform(block)
            blocks.append(block)
        if not any(sparse.issparse(block) for block in blocks):
            return np.concatenate(blocks, axis=1)
        return _stack_csr(blocks)

    def probabilities(self, features: Any) -> Floats:
        """Return P(positive) per row (the pipeline's ``predict_proba(...)[:, 1]``)."""
        scores = np.asarray(features @ self.weights).reshape(-1) + self.intercept
        a, b = self.calibration
        proba: Floats = expit(-(a * scores + b))
        proba[(proba > 1.0) & (proba <= _ALMOST_ONE)] = 1.0
        return proba

    def predict(self, items: Sequence[Any]) -> Floats:
        """Return P(positive) of each item."""
        return self.probabilities(self.features(items))


def _stack_csr(blocks: list[Any]) -> Any:
    """The blocks side by side as one CSR matrix with sorted indices.

    scikit-learn stacks them as COO and converts to CSR with sorted indices; this gives the
    same entries in the same order (as ``sparse.hstack`` of each block as a CSR matrix with
    sorted indices would): each row's entries block after block. It builds one scipy matrix
    instead of one per block and the stack: each costs tens of microseconds of checks, more
    than the arithmetic of a page.
    """
    if (len(blocks) == 1 and isinstance(blocks[0], sparse.csr_matrix)
            and blocks[0].has_sorted_indices):
        return blocks[0]  # the block itself: a fresh matrix of its transformer
    n_rows = blocks[0].shape[0]
    parts, offset = [], 0
    for block in blocks:
        if block.shape[0] != n_rows:
            msg = f"blocks of {n_rows} and {block.shape[0]} rows cannot be stacked"
            raise ValueError(msg)
        parts.append(_entries(block, offset))
        offset += block.shape[1]
    rows, columns, values = (np.concatenate(part) for part in zip(*parts, strict=True))
    order = np.argsort(rows, kind="stable")  # each row's entries stay block after block
    return _csr(values[order], columns[order], np.bincount(rows, minlength=n_rows),
                (n_rows, offset))


def _entries(block: Any, offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, column + ``offset`` and value of each entry of a block, row by row, columns in order.

    A sparse block's stored entries (explicit zeros too); a dense block's entries other than
    zero (NaN too), the ones ``sparse.csr_matrix`` of it keeps.
    """
    if not sparse.issparse(block):
        block = np.asarray(block)
        rows, columns = np.nonzero(block)
        return rows, columns + offset, block[rows, columns]
    csr = block.tocsr()  # itself if already CSR; repeated entries of others summed
    if not csr.has_sorted_indices:
        csr = csr.sorted_indices()
    nnz = csr.indptr[-1]
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    return rows, csr.indices[:nnz].astype(np.int64) + offset, csr.data[:nnz]


def _char_wb_ngrams(min_n: int, max_n: int, text: str) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of the lower-cased text, by slicing.

    Each white-space separated word, padded with one space each side, gives its n-grams for
    each n in turn; a padded word no longer than n is one n-gram, and the longer n are skipped.
    """
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(min_n, max_n + 1):
            if size <= n:
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


@lru_cache(maxsize=128)
def _lower_tokens(pattern: str, text: str) -> list[str]:
    """``re.findall(pattern, text.lower())``, remembered (do not mutate the result).

    A batch's page texts are all read by the page scorer before the medical scorer reads
    them again, so the memo holds more than a batch (``Classifier`` batches 64 pages).
    """
    return re.findall(pattern, text.lower())


def _with_pairs(tokens: list[str], starts: frozenset[str]) -> list[str]:
    """The tokens, then each pair of neighbours whose first word is one of ``starts``.

    Word 1-2-grams as scikit-learn forms them: a pair is its two words joined by a space.
    """
    return [*tokens, *(f"{first} {second}" for first, second in pairwise(tokens)
                       if first in starts)]
