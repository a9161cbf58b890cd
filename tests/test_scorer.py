"""A Scorer must give exactly what the fitted scikit-learn pipeline it was made from gives,
and a model made of Scorers must load without scikit-learn."""

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from medspam.extract import extract_page
from medspam.features import ScoredPage, Scorer, TfidfTable, links_to_score
from medspam.features.pipeline import (
    build_link_model,
    build_medical_model,
    build_page_model,
    scorer_of,
)
from medspam.page import Page

PAGES_DIR = Path(__file__).parent / "pages"
EXTRA = [
    (("<title>Ketamine therapy</title><p>Ketamine infusions help some patients with depression. "
      "Buy ketamine online: <a href='https://buyketamine.example/product/k-500mg'>order</a> "
      "<a href='https://buyketamine.example/'>shop</a> <a href='/about'>About</a> "
      "<a href='/about'>About us</a> <a href='https://www.nih.gov/health'>NIH</a></p>"),
     "https://blog.example.org/ketamine-therapy"),
    ("<p>Fresh bread every morning. <a href='/menu'>Menu</a> <a href='/menu'>Menu</a></p>",
     "https://bakery.example/"),
    ("", None),
]


def _pages() -> list[Page]:
    """The hand-written test pages and a few small ones: spam (``spam-*``) and ham."""
    pages = [extract_page(path.read_bytes(), f"https://{path.stem}.example/{path.stem}")
             for path in sorted(PAGES_DIR.glob("*.html"))]
    return pages + [extract_page(html, url) for html, url in EXTRA]


def _labels() -> list[int]:
    names = [path.stem for path in sorted(PAGES_DIR.glob("*.html"))]
    return [int(name.startswith("spam")) for name in names] + [1, 0, 0]


@pytest.fixture(scope="module")
def fitted() -> dict[str, tuple[Pipeline, list[object]]]:
    """The three pipelines fit on the test pages (low document-frequency cut-offs), and the
    items each reads."""
    pages, labels = _pages(), _labels()
    assert 0 < sum(labels) < len(labels)
    links = [link for page in pages for link in links_to_score(page)]
    link_labels = [i % 2 for i in range(len(links))]
    link_model = build_link_model().set_params(
        features__tokens__vec__min_df=1, features__chars__vec__min_df=1,
        classify__cv=2).fit(links, link_labels)
    link_scorer = scorer_of(link_model)
    scored = []
    for page in pages:
        items = links_to_score(page)
        probs = link_scorer.predict(list(items)) if items else ()
        scored.append(ScoredPage.from_link_scores(page, probs))
    page_model = build_page_model().set_params(
        features__words__vec__min_df=1, features__words__vec__max_df=1.0,
        classify__cv=2).fit(scored, labels)
    medical_model = build_medical_model().set_params(classify__cv=2).fit(scored, labels)
    return {"link": (link_model, links), "page": (page_model, scored),
            "medical": (medical_model, scored)}


@pytest.mark.parametrize("part", ["link", "page", "medical"])
def test_scorer_gives_what_the_pipeline_gives(fitted, part: str) -> None:
    pipeline, items = fitted[part]
    scorer = pickle.loads(pickle.dumps(scorer_of(pipeline)))  # as a model file holds it
    expected_x = pipeline[:-1].transform(items)
    features = scorer.features(items)
    # The very same stored entries in the same order: explanations sum them in that order.
    for name in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(features, name), getattr(expected_x, name))
    expected = pipeline.predict_proba(items)[:, 1]
    assert 0 < expected.min() < expected.max() < 1  # a test that can tell scorers apart
    np.testing.assert_array_equal(scorer.probabilities(features), expected)
    np.testing.assert_array_equal(scorer.predict(items), expected)
    assert scorer.feature_names == tuple(pipeline[:-1].get_feature_names_out())
    np.testing.assert_array_equal(
        scorer.weights[:, 0], pipeline[-1].calibrated_classifiers_[0].estimator.coef_[0])


def test_scorer_of_refuses_other_shapes(fitted) -> None:
    pipeline, _ = fitted["link"]
    with pytest.raises(ValueError, match="FeatureUnion"):
        scorer_of(Pipeline([("classify", pipeline[-1])]))


def test_scorer_of_refuses_vectorizer_settings_a_table_lacks(fitted) -> None:
    pipeline, items = fitted["page"]
    other = build_page_model().set_params(features__words__vec__binary=True,
                                          features__words__vec__min_df=1, classify__cv=2)
    other.fit(items, [i % 2 for i in range(len(items))])
    with pytest.raises(ValueError, match="no TfidfTable"):
        scorer_of(other)
    assert isinstance(scorer_of(pipeline), Scorer)


ANALYZER_TEXTS = ["Buy Ketamine ONLINE now, 500mg: ketamine-s-isomer!", "", "a", "dom=rx path=buy",
                  "Naïve café, Ärzte und Apotheke; Ketamin kaufen  \n x"]


def _vectorizers_and_tables(pipeline: Pipeline) -> list[tuple[TfidfVectorizer, TfidfTable]]:
    """Each fitted vectorizer of the pipeline and the TfidfTable its scorer has for it."""
    vectorizers = [step for _, branch in pipeline[0].transformer_list
                   if isinstance(branch, Pipeline)
                   for _, step in branch.steps if isinstance(step, TfidfVectorizer)]
    tables = [step for branch in scorer_of(pipeline).branches for step in branch
              if isinstance(step, TfidfTable)]
    assert len(tables) == len(vectorizers) > 0
    return list(zip(vectorizers, tables, strict=True))


@pytest.mark.parametrize("part", ["link", "page", "medical"])
def test_tables_read_the_vectorizers_terms(fitted, part: str) -> None:
    pipeline, _ = fitted[part]
    for vectorizer, table in _vectorizers_and_tables(pipeline):
        expected = vectorizer.build_analyzer()
        vocabulary = vectorizer.vocabulary_
        # Word pairs that start no pair of the vocabulary are left out: they have no column.
        assert [[term for term in table.analyze(t) if term in vocabulary]
                for t in ANALYZER_TEXTS] == [[term for term in expected(t) if term in vocabulary]
                                             for t in ANALYZER_TEXTS]
        for text in ANALYZER_TEXTS:
            terms = table.analyze(text)
            if table.ngram_range == (1, 2):  # every word, then some of the pairs, in order
                assert [t for t in terms if " " not in t] == [
                    t for t in expected(text) if " " not in t]
                assert [t for t in expected(text) if t in set(terms)] == terms
            else:
                assert terms == expected(text)


@pytest.mark.parametrize("part", ["link", "page", "medical"])
def test_tables_give_the_vectorizers_matrix(fitted, part: str) -> None:
    pipeline, _ = fitted[part]
    texts = [*ANALYZER_TEXTS, ANALYZER_TEXTS[0], "", ANALYZER_TEXTS[0]]  # repeats read once
    for vectorizer, table in _vectorizers_and_tables(pipeline):
        expected, matrix = vectorizer.transform(texts), table.transform(texts)
        assert matrix.shape == expected.shape
        for name in ("data", "indices", "indptr"):
            np.testing.assert_array_equal(getattr(matrix, name), getattr(expected, name))


class _Fixed:
    """A branch step that gives the same block whatever it reads."""

    def __init__(self, block: object) -> None:
        self.block = block

    def transform(self, _items: object) -> object:
        return self.block


def test_features_stack_blocks_as_scipy_does() -> None:
    dense = np.array([[0.0, -0.0, np.nan, 1.5], [0.0, 0.0, 0.0, 0.0], [2.0, 0.0, np.inf, -1.0]])
    explicit_zeros = sparse.csr_matrix(
        (np.array([0.0, 3.0, 0.0]), np.array([1, 4, 0]), np.array([0, 2, 2, 3])), shape=(3, 6))
    unsorted = sparse.csr_matrix(
        (np.array([1.0, 2.0, 3.0]), np.array([5, 1, 2]), np.array([0, 2, 2, 3])), shape=(3, 6))
    blocks = [dense, explicit_zeros, unsorted, sparse.csr_matrix((3, 2))]
    # What the blocks give as CSR matrices with sorted indices, stacked by scipy: dense zeros
    # dropped, NaN and stored zeros kept, each row's entries block after block.
    expected = sparse.hstack([sparse.csr_matrix(block).sorted_indices() for block in blocks],
                             format="csr")
    scorer = Scorer(branch_names=("a", "b", "c", "d"),
                    branches=tuple((_Fixed(block),) for block in blocks),
                    weights=np.zeros((18, 1)), intercept=np.zeros(1), calibration=(1.0, 0.0),
                    feature_names=())
    features = scorer.features([None, None, None])
    assert features.shape == expected.shape == (3, 18)
    for name in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(features, name), getattr(expected, name))


def test_the_shipped_model_loads_and_classifies_without_scikit_learn() -> None:
    code = ("import sys, medspam\n"
            "v = medspam.Classifier.load().classify('<p>Buy ketamine online</p>')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'joblib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout
