"""FittedScorer: a fitted scorer pipeline called step by step, for classifying at speed.

A scikit-learn ``Pipeline(FeatureUnion, CalibratedClassifierCV)`` called on one page spends
more time in its per-call machinery (parameter validation, ``set_output`` wrappers, joblib's
``Parallel`` inside ``FeatureUnion``, input checks) than in the work itself. ``FittedScorer``
runs the same fitted steps in the same order with the same arithmetic, so its features and
probabilities are identical to the pipeline's (``tests/test_scorer.py`` compares them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import chain, pairwise, repeat
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

_ALMOST_ONE = 1.0 + 1e-5


class FittedScorer:
    """The fitted steps of one scorer: feature transformers, a linear model, a calibrator.

    Parameters
    ----------
    pipeline
        A fitted ``Pipeline([("features", FeatureUnion), ("classify", CalibratedClassifierCV)])``
        whose calibrated classifier is one sigmoid-calibrated linear model (``ensemble=False``).

    Raises
    ------
    ValueError
        If the pipeline does not have that shape.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        union, calibrated = pipeline[0], pipeline[-1]
        if (len(pipeline) != 2 or not isinstance(union, FeatureUnion)  # noqa: PLR2004
                or not isinstance(calibrated, CalibratedClassifierCV)
                or union.transformer_weights is not None
                or len(calibrated.calibrated_classifiers_) != 1
                or calibrated.method != "sigmoid"):
            msg = ("expected a fitted Pipeline(FeatureUnion, CalibratedClassifierCV) with one "
                   "sigmoid-calibrated classifier and no transformer weights")
            raise ValueError(msg)
        self._branches = [
            [step for _, step in transformer.steps] if isinstance(transformer, Pipeline)
            else [transformer]
            for _, transformer in union.transformer_list
            if transformer is not None and not isinstance(transformer, str)  # "drop"
        ]
        fitted = calibrated.calibrated_classifiers_[0]
        self._coef_t = fitted.estimator.coef_.T
        self._intercept = fitted.estimator.intercept_
        self._calibrator = fitted.calibrators[0]

    def features(self, items: Sequence[Any]) -> Any:
        """Return the feature matrix of ``items``: the pipeline's ``[:-1].transform(items)``."""
        blocks = []
        for steps in self._branches:
            block: Any = items
            for step in steps:
                block = _transform_unique(step, block)
            blocks.append(block)
        if not any(sparse.issparse(block) for block in blocks):
            return np.concatenate(blocks, axis=1)
        # scikit-learn stacks as COO and converts to CSR with sorted indices; the blocks are
        # CSR with sorted indices, which the CSR stack keeps: the same matrix, built faster.
        csr = [sparse.csr_matrix(block) for block in blocks]
        for block in csr:
            block.sort_indices()
        return sparse.hstack(csr, format="csr")

    def probabilities(self, features: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Return P(positive) per row: the pipeline's ``predict_proba(...)[:, 1]``."""
        scores = safe_sparse_dot(features, self._coef_t, dense_output=True) + self._intercept
        proba: np.ndarray[Any, np.dtype[np.float64]] = self._calibrator.predict(
            scores.reshape(-1))
        proba[(proba > 1.0) & (proba <= _ALMOST_ONE)] = 1.0
        return proba

    def predict(self, items: Sequence[Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Return P(positive) of each item."""
        return self.probabilities(self.features(items))


def _transform(step: Any, texts: list[str]) -> Any:
    """``step.transform(texts)``; a sublinear, l2-normed TF-IDF vectorizer without its checks.

    The same operations as ``TfidfVectorizer.transform`` in the same order (count, float64,
    log + 1, times idf, l2 row norm), minus its per-call input validation.
    """
    if not (isinstance(step, TfidfVectorizer) and step.sublinear_tf and step.use_idf
            and step.norm == "l2" and not step.binary and step.dtype is np.float64):
        return step.transform(texts)
    matrix = _counts(step, texts)
    np.log(matrix.data, matrix.data)
    matrix.data += 1.0
    matrix.data *= step.idf_[matrix.indices]
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def _counts(step: TfidfVectorizer, texts: list[str]) -> Any:
    """The term counts of ``texts`` as floats: ``step._count_vocab(texts, fixed_vocab=True)``.

    scikit-learn looks up every occurrence of every term in a Python loop (an unknown term
    raises and catches a ``KeyError``); here every term of every text is looked up in one
    pass in C, and the known ones become a sparse matrix whose repeated (row, term) entries
    add up to the counts. Equal counts, sorted indices: the same matrix.
    """
    analyze, vocabulary = _analyzer(step, known_pairs_only=True), step.vocabulary_
    per_text = [analyze(text) for text in texts]
    terms = list(chain.from_iterable(per_text))
    columns = np.fromiter(map(vocabulary.get, terms, repeat(-1)), dtype=np.int32,
                          count=len(terms))
    rows = np.repeat(np.arange(len(texts), dtype=np.int32), list(map(len, per_text)))
    known = columns >= 0
    matrix = sparse.coo_matrix(
        (np.ones(int(known.sum()), dtype=np.float64), (rows[known], columns[known])),
        shape=(len(texts), len(vocabulary))).tocsr()  # sums repeated entries
    matrix.sort_indices()
    return matrix


def _analyzer(
    step: TfidfVectorizer, *, known_pairs_only: bool = False
) -> Callable[[str], list[str]]:
    """``step.build_analyzer()``, or a faster function with the same output for str input.

    With ``known_pairs_only``, word pairs are left out whose first word starts none of the
    vectorizer's pairs: they have no column, so the counts of its terms are the same.

    A ``char_wb`` analyzer is :func:`_char_wb_ngrams`. A word analyzer without stop words,
    accents stripping or custom preprocessor is the tokenizer (``str.split``, or the token
    pattern over the lower-cased text) followed by word n-grams up to pairs; the pattern's
    tokens are kept for the last batch of texts, since the page scorer and the medical scorer
    read the same page text.
    """
    if (step.analyzer == "char_wb" and step.input == "content" and step.preprocessor is None
            and step.strip_accents is None and step.lowercase):
        return partial(_char_wb_ngrams, *step.ngram_range)
    plain = (step.analyzer == "word" and step.input == "content" and step.stop_words is None
             and step.preprocessor is None and step.strip_accents is None
             and tuple(step.ngram_range) in {(1, 1), (1, 2)})
    if plain and step.tokenizer is str.split and not step.lowercase:
        tokenize: Callable[[str], list[str]] = str.split
    elif (plain and step.tokenizer is None and step.lowercase
          and re.compile(step.token_pattern).groups == 0):
        tokenize = partial(_lower_tokens, step.token_pattern)
    else:
        return step.build_analyzer()  # type: ignore[no-any-return]
    if tuple(step.ngram_range) == (1, 1):
        return tokenize
    if known_pairs_only:
        starts = _pair_starts(step)
        return lambda text: _with_pairs(tokenize(text), starts)
    return lambda text: _with_pairs(tokenize(text))


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


@lru_cache(maxsize=8)
def _pair_starts(step: TfidfVectorizer) -> frozenset[str]:
    """The first word of each word pair in the vocabulary of ``step``."""
    return frozenset(term.split(" ", 1)[0] for term in step.vocabulary_ if " " in term)


@lru_cache(maxsize=128)
def _lower_tokens(pattern: str, text: str) -> list[str]:
    """``re.findall(pattern, text.lower())``, remembered (do not mutate the result).

    A batch's page texts are all read by the page scorer before the medical scorer reads
    them again, so the memo holds more than a batch (``Classifier`` batches 64 pages).
    """
    return re.findall(pattern, text.lower())


def _with_pairs(tokens: list[str], starts: frozenset[str] | None = None) -> list[str]:
    """The tokens followed by each pair of neighbours joined by a space (word 1-2-grams).

    With ``starts``, only the pairs whose first word is one of them.
    """
    if starts is None:
        return [*tokens, *map(" ".join, pairwise(tokens))]
    return [*tokens, *(f"{first} {second}" for first, second in pairwise(tokens)
                       if first in starts)]


def _transform_unique(step: Any, block: Any) -> Any:
    """``step.transform(block)``; a list of strings is transformed once per distinct string.

    Most links of a page share its host, so their domain texts repeat; equal inputs give
    equal rows, so the result is the same matrix.
    """
    if not (isinstance(block, list) and block and all(isinstance(x, str) for x in block)):
        return step.transform(block)
    index: dict[str, int] = {}
    rows = [index.setdefault(text, len(index)) for text in block]
    if len(index) == len(block):
        return _transform(step, block)
    return _transform(step, list(index))[rows]
