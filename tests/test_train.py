import pytest

import medspam.train
from medspam.extract import extract_page
from medspam.page import Link
from medspam.train import (
    PAGE_URL_WEIGHT,
    _as_training_record,
    choose_threshold,
    clear_of,
    is_sale_link,
    link_training_set,
    out_of_fold_pages,
    threshold_pool,
)


def test_feedback_joins_a_training_fold_without_a_medical_label():
    record = _as_training_record({"id": "f1", "url": "https://a.example/", "text": "hi",
                                  "label": "spam"})
    assert (record["pool"], record["html"], record["medical"]) == ("fold-b", "hi", None)
    assert record["labelled_links"] == ()  # it labels the page, not its links
    assert record["category"] == "drug-sales"


def test_sale_links_are_the_injected_targets_and_sale_contacts():
    spam = {"targets": ["shop.example"], "placement": "contact", "kind": "health-article"}
    shop = Link(url="https://shop.example/p", host="shop.example", domain="shop.example")
    other = Link(url="https://nih.gov/", host="nih.gov", domain="nih.gov")
    contact = Link(url="tel:+15551234567", found="contact")
    assert is_sale_link(shop, spam)
    assert is_sale_link(contact, spam)
    assert not is_sale_link(other, spam)
    assert not is_sale_link(contact, {**spam, "placement": "inline"})
    # An offer between people gives its seller's contact; a post that does not sell, none.
    assert is_sale_link(contact, {**spam, "placement": "", "kind": "sales-post"})
    assert not is_sale_link(contact, {**spam, "placement": "", "kind": "forum-post"})


class Result:
    def __init__(self, score, spam, group=None):
        self.verdict = type("V", (), {"score": score})()
        self.is_spam = spam
        self.record = {"group": group if group is not None else f"doc:{id(self)}", "kind": "x"}


def test_threshold_keeps_validation_fpr_under_the_cap():
    ham = [Result(0.9 * s / 1000, spam=False) for s in range(1000)]
    threshold = choose_threshold([*ham, Result(0.9999, spam=True)], max_fpr=0.005)
    assert sum(r.verdict.score >= threshold for r in ham) == 5
    assert choose_threshold([Result(0.1, spam=False)]) == 0.5
    assert choose_threshold([Result(0.999, spam=False)], max_fpr=0.0) == 0.99


def test_threshold_counts_the_variants_of_one_document_once():
    """Five page shapes of one warning are one document the threshold lets through."""
    singles = [Result(0.5 * s / 200, spam=False) for s in range(200)]
    variants = [Result(0.9 - s / 100, spam=False, group="post:214") for s in range(5)]
    threshold = choose_threshold([*singles, *variants], max_fpr=0.005)
    assert threshold < min(r.verdict.score for r in variants)
    # Counted by page, the same scores would let only one of the variants through.
    as_pages = [Result(r.verdict.score, spam=False) for r in variants]
    assert choose_threshold([*singles, *as_pages], max_fpr=0.005) > 0.88


def test_threshold_clears_every_known_real_web_page():
    pages = [Result(0.2, spam=False), Result(0.68, spam=False)]
    assert 0.68 < clear_of(pages, 0.6) < 0.6801
    assert clear_of(pages, 0.7) == 0.7
    assert clear_of([Result(0.9999, spam=False)], 0.7) == 0.99


def test_threshold_is_chosen_on_the_threshold_sets_pages():
    """The composed validation pages' highest ham set no threshold; the written pages do."""
    class Ham(Result):
        def __init__(self, score, source):
            super().__init__(score, spam=False)
            self.record["source"] = source

    written = [Ham(0.6 * s / 200, "written/thirty-fifth") for s in range(200)]
    composed = [Ham(0.95, "medquad/1_CancerGov_QA") for _ in range(5)]
    short = [Ham(0.01, "composition/short_pages") for _ in range(400)]
    everything = [*written, *composed, *short]
    pool = threshold_pool(everything)
    assert pool == written
    # Over all of them the five composed ham would set it; over the written pages they do not.
    assert choose_threshold(pool, max_fpr=0.005) < 0.6 < choose_threshold(everything,
                                                                           max_fpr=0.005)
    with pytest.raises(ValueError, match="threshold sets"):
        threshold_pool([*composed, *short])


def _fit_records():
    def record(i, pool, source="composition/articles"):
        return {"id": f"r{i}", "pool": pool, "source": source,
                "targets": ["shop.example"],
                **({"labelled_links": ()} if source == "feedback" else {}),
                "url_sells": False, "placement": "inline", "kind": "health-article",
                "text_sells": None if source == "feedback" else bool(i % 2)}
    records = [record(0, "fold-a"), record(1, "fold-b"), record(2, "fold-a"),
               record(3, "fold-b", source="feedback")]
    html = ('<p>Text {} <a href="https://shop.example/buy">a</a> '
            '<a href="https://nih.gov/">b</a></p>')
    pages = [extract_page(html.format(i), f"https://site{i}.example/page")
             for i in range(len(records))]
    return records, pages


def test_link_training_set_labels_links_weighs_page_urls_and_skips_pages_without_targets():
    records, pages = _fit_records()
    links, labels, weights = link_training_set(records, pages)
    assert len(links) == 3 * 3  # two links and the page URL of each page whose links are known
    assert [link.found for link in links[:3]] == ["anchor", "anchor", "page"]
    assert labels[:3] == [1, 0, 0]
    assert weights[:3] == [1.0, 1.0, PAGE_URL_WEIGHT]


def test_each_fold_is_scored_by_link_and_sale_text_scorers_fit_without_it(monkeypatch):
    """Out-of-fold scores: the page scorer learns from scores on links and texts never fit."""
    records, pages = _fit_records()

    class Fitted:
        def __init__(self, seen):
            self.seen = seen

        def predict(self, items):  # 1.0 for the links and texts of pages it was fit on
            return [float(getattr(item, "url", None) in self.seen
                          or getattr(item, "text", None) in self.seen) for item in items]

    def fit_links(training, *, seed):  # noqa: ARG001 - the signature it replaces
        return Fitted({link.url for link in training[0] if link.found == "page"})

    fitted_on = []

    def fit_text(records, scored, *, seed):  # noqa: ARG001 - the signature it replaces
        fitted_on.append([r["id"] for r in records])
        return Fitted({s.text for s in scored})

    monkeypatch.setattr(medspam.train, "_fit_link_scorer", fit_links)
    monkeypatch.setattr(medspam.train, "_fit_sale_text_scorer", fit_text)
    scored = out_of_fold_pages(records, pages, seed=0, progress=lambda _: None)
    assert [s.page.url for s in scored] == [p.url for p in pages]
    assert all(s.url_score == 0.0 for s in scored)
    assert all(s.sale_text_score == 0.0 for s in scored)
    assert fitted_on == [["r1", "r3"], ["r0", "r2"]]


def test_out_of_fold_scoring_refuses_records_outside_the_folds():
    records, pages = _fit_records()
    records[0]["pool"] = "valid"
    with pytest.raises(ValueError, match="outside the folds"):
        out_of_fold_pages(records, pages, seed=0, progress=lambda _: None)


def test_a_record_that_knows_some_link_labels_gives_only_those():
    html = ('<p>Order here <a href="https://shop.example/buy">a</a> or on Telegram @pillplug24 '
            '<a href="https://nih.gov/">b</a></p>')
    page = extract_page(html, "https://shop.example/oxycodone")
    record = {"source": "written/second", "targets": [], "url_sells": True,
              "placement": "contact", "kind": "health-article",
              "labelled_links": ("page", "contact")}
    links, labels, _ = link_training_set([record], [page])
    assert {link.found for link in links} == {"page", "contact"}
    assert labels == [1] * len(links)  # its own address and its contact sell
