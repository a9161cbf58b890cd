"""Quality metrics: recall at a fixed false-positive rate, counted by page and by document."""

from types import SimpleNamespace

import pytest

from medspam.evaluate import Scored, document_weights, metrics


def scored(score, label, group=None):
    record = {"label": label} | ({"group": group} if group else {})
    return Scored(record, SimpleNamespace(score=score, threshold=0.5))


def test_one_document_in_six_page_shapes_is_one_false_positive_by_document():
    ham = [scored(i / 1000, "ham") for i in range(194)]
    ham += [scored(0.95, "ham", group="post:354") for _ in range(6)]  # one text, six shapes
    spam = [scored(0.9, "spam") for _ in range(8)] + [scored(0.99, "spam") for _ in range(2)]
    m = metrics([*ham, *spam])
    # 200 ham pages allow one at 0.5 %: by page, the six variants above the spam hide it.
    assert m["recall_at_fpr_0.5pct"] == pytest.approx(0.2)
    # 195 documents allow 0.975 of one: still not the whole document.
    assert m["recall_at_fpr_0.5pct_by_document"] == pytest.approx(0.2)
    # At 1 %, 1.95 documents may pass: the six variants are one of them.
    assert m["recall_at_fpr_1pct"] == pytest.approx(0.2)
    assert m["recall_at_fpr_1pct_by_document"] == pytest.approx(1.0)


def test_records_without_a_document_are_their_own():
    results = [scored(i / 100, "ham") for i in range(100)] + [scored(0.5, "spam")]
    assert document_weights(results).tolist() == [1.0] * 101
    m = metrics(results)
    for pct in ("0.1", "0.5", "1"):
        assert m[f"recall_at_fpr_{pct}pct_by_document"] == m[f"recall_at_fpr_{pct}pct"]


def test_a_ham_page_weighs_one_over_its_documents_pages():
    results = [scored(0.1, "ham", "a"), scored(0.2, "ham", "a"), scored(0.3, "ham", "b"),
               scored(0.9, "spam", "a")]
    assert document_weights(results).tolist() == [0.5, 0.5, 1.0, 1.0]
