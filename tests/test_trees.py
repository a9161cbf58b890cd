"""The page booster's trees must sum what the fitted scikit-learn model sums, load without
scikit-learn, and never lower a page's score as the linear page scorer's rises."""

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier

from medspam.extract import extract_page
from medspam.features.pipeline import (
    BOOSTED_BRANCHES,
    booster_of,
    build_page_booster,
    build_page_model,
    scorer_of,
    trees_of,
)
from medspam.features.scorer import Scorer
from medspam.features.trees import ABSENT, PageBooster, blend, booster_inputs, log_odds
from medspam.train import FOLDS, fit_page_booster

N_PAGE_FEATURES = 6
COLUMNS = np.array([0, 2, 3, 5], dtype=np.intp)
NAMES = tuple(f"{branch}__f{i}" for i, branch in
              enumerate(["links", "words", "url", "cues", "words", "text"]))


def _page_rows(n: int, seed: int) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Sparse page-feature rows, linear probabilities, and labels that need an interaction."""
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, N_PAGE_FEATURES))
    dense[rng.random(dense.shape) < 0.3] = 0.0  # sparse zeros, as absent cues are
    linear = expit(rng.normal(size=n) * 2)
    labels = ((dense[:, 0] > 0) & (dense[:, 3] > 0) | (linear > 0.9)).astype(int)
    return sparse.csr_matrix(dense), linear, labels


def _fitted(seed: int = 0) -> tuple[HistGradientBoostingClassifier, np.ndarray]:
    features, linear, labels = _page_rows(600, seed)
    rows = booster_inputs(features, COLUMNS, linear)
    rows[::17, 1] = np.nan  # missing values, each split sending them one way
    model = build_page_booster(rows.shape[1]).set_params(max_iter=60).fit(rows, labels)
    return model, rows


def _page_scorer() -> Scorer:
    return Scorer(branch_names=(), branches=(), weights=np.zeros((N_PAGE_FEATURES, 1)),
                  intercept=np.zeros(1), calibration=(-1.0, 0.0), feature_names=NAMES)


def test_trees_sum_what_the_model_sums() -> None:
    model, rows = _fitted()
    trees = pickle.loads(pickle.dumps(trees_of(model)))  # as a model file holds them
    expected = model.decision_function(rows)
    assert expected.std() > 1  # trees that tell rows apart
    assert trees.depth > 1
    np.testing.assert_allclose(trees.raw(rows), expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(expit(trees.raw(rows)), model.predict_proba(rows)[:, 1],
                               rtol=0, atol=1e-12)


def test_contributions_add_up_to_the_raw_score() -> None:
    """Each row's contributions and the bias sum to its raw score, and every tree's root
    expects the mean leaf value of the rows it was fit on."""
    model, rows = _fitted()
    trees = trees_of(model)
    assert trees.expected is not None
    leaves = trees._walk(rows, None)[0]  # noqa: SLF001
    np.testing.assert_allclose(trees.expected[trees.roots],
                               trees.value[leaves].mean(axis=0), rtol=0, atol=1e-12)
    raw, contributions = trees.explain(rows)
    np.testing.assert_array_equal(raw, trees.raw(rows))
    assert contributions.shape == rows.shape
    np.testing.assert_allclose(trees.bias + contributions.sum(axis=1), raw, rtol=0, atol=1e-9)
    # The labels follow columns 0 and 3 and the linear score: those carry the most.
    carried = np.abs(contributions).mean(axis=0)
    assert set(np.argsort(carried)[-3:].tolist()) == {0, 2, 4}, carried


def test_a_column_no_tree_splits_on_contributes_nothing() -> None:
    model, rows = _fitted()
    rows = np.column_stack([rows, np.ones(len(rows))])
    model = build_page_booster(rows.shape[1]).set_params(max_iter=20).fit(
        rows, model.predict(rows[:, :-1]))
    contributions = trees_of(model).explain(rows)[1]
    assert (contributions[:, -1] == 0).all()
    assert np.abs(contributions[:, :-1]).sum() > 0


def test_trees_saved_without_expected_values_cannot_explain() -> None:
    trees = dataclasses.replace(trees_of(_fitted()[0]), expected=None)
    with pytest.raises(ValueError, match="without their nodes' expected values"):
        trees.explain(np.zeros((1, len(COLUMNS) + 1)))


def test_a_booster_saved_without_expected_values_scores_alike_and_explains_nothing() -> None:
    booster = booster_of(_fitted()[0], _page_scorer(), COLUMNS)
    old = dataclasses.replace(booster, trees=dataclasses.replace(booster.trees, expected=None))
    features, linear, _ = _page_rows(20, seed=3)
    log_odds_now, pairs = booster.explain(features, linear)
    log_odds_before, no_pairs = old.explain(features, linear)
    np.testing.assert_array_equal(log_odds_now, log_odds_before)
    assert no_pairs == [[] for _ in range(20)]
    assert all(pairs)
    rows = booster_inputs(features, COLUMNS, linear)
    for row, values in zip(pairs, rows, strict=True):
        named = {name.removeprefix(ABSENT): name.startswith(ABSENT) for name, _ in row}
        assert set(named) <= set(booster.feature_names)
        # A column the page lacks (0) is named so.
        assert all(lacks == (values[booster.feature_names.index(name)] == 0)
                   for name, lacks in named.items())
    # Both kinds occur, so that neither half of the naming is checked on nothing.
    names = [name for row in pairs for name, _ in row]
    assert any(name.startswith(ABSENT) for name in names)
    assert not all(name.startswith(ABSENT) for name in names)


def test_booster_blends_the_two_log_odds() -> None:
    model, _ = _fitted()
    booster = booster_of(model, _page_scorer(), COLUMNS)
    assert booster.feature_names == ("links__f0", "url__f2", "cues__f3", "text__f5",
                                     "linear_log_odds")
    features, linear, _ = _page_rows(50, seed=1)
    rows = booster_inputs(features, COLUMNS, linear)
    np.testing.assert_array_equal(rows[:, :-1], features.toarray()[:, COLUMNS])
    trees = model.decision_function(rows)
    np.testing.assert_allclose(booster.log_odds(features, linear), trees, rtol=0, atol=1e-10)
    np.testing.assert_allclose(booster.log_odds(features.toarray(), linear), trees,
                               rtol=0, atol=1e-10)
    np.testing.assert_allclose(blend(linear, trees),
                               expit((np.log(linear / (1 - linear)) + trees) / 2), atol=1e-12)


def test_a_surer_linear_scorer_never_lowers_the_score() -> None:
    model, _ = _fitted()
    booster = booster_of(model, _page_scorer(), COLUMNS)
    features, linear, _ = _page_rows(200, seed=2)
    surer = np.clip(linear + 0.05, 0, 1)
    assert (blend(surer, booster.log_odds(features, surer))
            >= blend(linear, booster.log_odds(features, linear))).all()


def test_log_odds_are_finite_at_zero_and_one() -> None:
    odds = log_odds(np.array([0.0, 0.5, 1.0]))
    assert np.isfinite(odds).all()
    assert odds[1] == 0.0
    assert odds[0] == pytest.approx(-odds[2])


def test_check_refuses_columns_of_another_page_scorer() -> None:
    booster = booster_of(_fitted()[0], _page_scorer(), COLUMNS)
    booster.check(NAMES)
    with pytest.raises(ValueError, match="not the page scorer's"):
        booster.check((*NAMES[:2], "url__renamed", *NAMES[3:]))
    with pytest.raises(ValueError, match="not the page scorer's"):
        booster.check(NAMES[:4])


def test_booster_of_refuses_categorical_splits() -> None:
    rows = np.random.default_rng(0).integers(0, 3, size=(100, 2)).astype(float)
    model = HistGradientBoostingClassifier(categorical_features=[0], max_iter=3).fit(
        rows, rows[:, 0] == 1)
    with pytest.raises(ValueError, match="without categories"):
        booster_of(model, _page_scorer(), np.array([0], dtype=np.intp))


def test_page_booster_is_a_plain_pickle() -> None:
    booster = booster_of(_fitted()[0], _page_scorer(), COLUMNS)
    assert b"sklearn" not in pickle.dumps(booster)
    assert isinstance(pickle.loads(pickle.dumps(booster)), PageBooster)


def test_the_shipped_page_score_is_the_blend_of_its_two_parts() -> None:
    from medspam import Classifier  # noqa: PLC0415

    html = ("<title>Ketamine for depression</title><p>Ketamine infusions help some patients "
            "with treatment-resistant depression. Buy ketamine online: "
            "<a href='https://buyketamine.example/product/k-500mg'>order here</a></p>")
    verdict = Classifier.load().classify(html, url="https://blog.example.org/ketamine")
    linear, trees = verdict.signals["page_linear"], verdict.signals["page_trees"]
    assert linear != trees
    assert verdict.score == pytest.approx(
        float(blend(np.array([linear]), log_odds(np.array([trees])))[0]), abs=1e-9)


def test_fit_page_booster_reads_the_page_scorers_non_word_columns() -> None:
    """Training's own path: out-of-fold page scores, the page scorer's columns, a check that
    passes, and trees that rank the hand-written spam pages above the ham ones."""
    from medspam import Classifier  # noqa: PLC0415

    paths = sorted((Path(__file__).parent / "pages").glob("*.html"))
    pages = [extract_page(path.read_bytes(), f"https://{path.stem}.example/") for path in paths]
    # Link scores as classify gives them, from the shipped link scorer.
    # Three copies of each page: a leaf holds at least 20 pages, and 33 would not split.
    scored = [s.scored for s in Classifier.load()._score_links(pages)] * 3  # noqa: SLF001
    labels = [int(path.stem.startswith("spam")) for path in paths] * 3
    records = [{"label": "spam" if y else "ham", "source": "test", "pool": FOLDS[i % 2]}
               for i, y in enumerate(labels)]
    unfitted = build_page_model().set_params(
        features__words__vec__min_df=1, features__words__vec__max_df=1.0, classify__cv=2)
    page_model = scorer_of(build_page_model().set_params(**unfitted.get_params()).fit(
        scored, labels))
    booster = fit_page_booster(records, scored, page_model, unfitted, seed=0)
    booster.check(page_model.feature_names)
    assert {name.split("__", 1)[0] for name in booster.feature_names[:-1]} == set(
        BOOSTED_BRANCHES)
    assert booster.feature_names[-1] == "linear_log_odds"
    features = page_model.features(scored)
    trees = booster.log_odds(features, page_model.probabilities(features))
    spam, ham = trees[np.array(labels) == 1], trees[np.array(labels) == 0]
    assert spam.mean() > ham.mean()
