from medspam.page import Link
from medspam.train import (
    _as_training_record,
    choose_threshold,
    clear_of,
    is_sale_link,
    threshold_pool,
)


def test_feedback_joins_the_page_pool_without_a_medical_label():
    record = _as_training_record({"id": "f1", "url": "https://a.example/", "text": "hi",
                                  "label": "spam"})
    assert (record["pool"], record["html"], record["medical"]) == ("page", "hi", None)
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


class Result:
    def __init__(self, score, spam):
        self.verdict = type("V", (), {"score": score})()
        self.is_spam = spam


def test_threshold_keeps_validation_fpr_under_the_cap():
    ham = [Result(0.9 * s / 1000, spam=False) for s in range(1000)]
    threshold = choose_threshold([*ham, Result(0.9999, spam=True)], max_fpr=0.005)
    assert sum(r.verdict.score >= threshold for r in ham) == 5
    assert choose_threshold([Result(0.1, spam=False)]) == 0.5
    assert choose_threshold([Result(0.999, spam=False)], max_fpr=0.0) == 0.99


def test_threshold_clears_every_known_real_web_page():
    pages = [Result(0.2, spam=False), Result(0.68, spam=False)]
    assert 0.68 < clear_of(pages, 0.6) < 0.6801
    assert clear_of(pages, 0.7) == 0.7
    assert clear_of([Result(0.9999, spam=False)], 0.7) == 0.99


def test_threshold_is_chosen_without_the_short_pages():
    """Easy ham added to the corpus must not loosen the operating point."""
    class Ham(Result):
        def __init__(self, score, kind):
            super().__init__(score, spam=False)
            self.record = {"kind": kind}

    contested = [Ham(0.9 * s / 200, "health-article") for s in range(200)]
    short = [Ham(0.01, "short-page") for _ in range(400)]
    pool = threshold_pool([*contested, *short])
    assert len(pool) == len(contested)
    assert choose_threshold(pool, max_fpr=0.005) > choose_threshold([*contested, *short],
                                                                     max_fpr=0.005)
