"""FittedScorer must give exactly what the fitted scikit-learn pipeline gives."""

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from medspam import Classifier
from medspam.extract import extract_page
from medspam.features.scorer import FittedScorer

PAGES = [
    (("<title>Ketamine therapy</title><p>Ketamine infusions help some patients with depression. "
      "Buy ketamine online: <a href='https://buyketamine.example/product/k-500mg'>order</a> "
      "<a href='https://buyketamine.example/'>shop</a> <a href='/about'>About</a> "
      "<a href='/about'>About us</a> <a href='https://www.nih.gov/health'>NIH</a></p>"),
     "https://blog.example.org/ketamine-therapy"),
    ("<p>Fresh bread every morning. <a href='/menu'>Menu</a> <a href='/menu'>Menu</a></p>",
     "https://bakery.example/"),
    ("", None),
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.mark.parametrize("part", ["link_model", "page_model", "medical_model"])
def test_fitted_scorer_matches_the_pipeline(classifier: Classifier, part: str) -> None:
    pipeline = getattr(classifier._model.bundle, part)  # noqa: SLF001 - comparing internals
    scorer = FittedScorer(pipeline)
    pages = [extract_page(html, url) for html, url in PAGES]
    if part == "link_model":
        items = [link for page in pages for link in (*page.links, page.url_link) if link]
    else:
        items = [s.scored for s in classifier._score_links(pages)]  # noqa: SLF001
    expected_x = pipeline[:-1].transform(items)
    features = scorer.features(items)
    # The very same stored entries in the same order: explanations sum them in that order.
    for name in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(features, name), getattr(expected_x, name))
    expected = pipeline.predict_proba(items)[:, 1]
    np.testing.assert_array_equal(scorer.probabilities(features), expected)
    np.testing.assert_array_equal(scorer.predict(items), expected)


def test_fitted_scorer_refuses_other_shapes(classifier: Classifier) -> None:
    pipeline = classifier._model.bundle.link_model  # noqa: SLF001
    with pytest.raises(ValueError, match="FeatureUnion"):
        FittedScorer(Pipeline([("classify", pipeline[-1])]))


ANALYZER_TEXTS = ["Buy Ketamine ONLINE now, 500mg: ketamine-s-isomer!", "", "a", "dom=rx path=buy",
                  "Naïve café, Ärzte und Apotheke; Ketamin kaufen  \n x"]


@pytest.mark.parametrize("part", ["link_model", "page_model", "medical_model"])
def test_fast_analyzers_give_the_vectorizers_own_tokens(classifier: Classifier, part: str) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

    from medspam.features.scorer import _analyzer  # noqa: PLC0415 - a private helper

    pipeline = getattr(classifier._model.bundle, part)  # noqa: SLF001
    vectorizers = [step for _, branch in pipeline[0].transformer_list
                   if isinstance(branch, Pipeline)
                   for _, step in branch.steps if isinstance(step, TfidfVectorizer)]
    assert vectorizers
    for vectorizer in vectorizers:
        expected = vectorizer.build_analyzer()
        assert [_analyzer(vectorizer)(t) for t in ANALYZER_TEXTS] == [
            expected(t) for t in ANALYZER_TEXTS]
        # Leaving out pairs that start no vocabulary pair drops only terms without a column.
        vocabulary = vectorizer.vocabulary_
        pairs_pruned = _analyzer(vectorizer, known_pairs_only=True)
        assert [[term for term in pairs_pruned(t) if term in vocabulary]
                for t in ANALYZER_TEXTS] == [[term for term in expected(t) if term in vocabulary]
                                             for t in ANALYZER_TEXTS]
