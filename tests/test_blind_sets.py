"""Every blind set in datasets/fresh keeps the form its brief asks for (as review.py checks)."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

FRESH = Path(__file__).parents[1] / "datasets" / "fresh"
_spec = importlib.util.spec_from_file_location("review", FRESH / "review.py")
review = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(review)


@pytest.mark.parametrize("path", sorted(FRESH.glob("*.jsonl")), ids=lambda path: path.stem)
def test_a_blind_set_is_well_formed_and_balanced(path):
    pages, problems = review.read(path)
    assert problems == []
    assert Counter((page["lang"], page["label"]) for page in pages) == {
        (lang, label): 30 for lang in ("en", "es", "fr", "de") for label in ("spam", "ham")}


def test_the_review_finds_what_a_reader_must_check(tmp_path):
    page = {"id": "en99-001", "url": "https://www.health.gov.example/x", "label": "ham",
            "category": "drug-sales", "kind": "news", "lang": "en", "placement": "",
            "note": "n", "html": "<!DOCTYPE html><title>t</title><p>Call 020 7946 0123 or "
                                 "0161 555 2424. Prices 165.00 100 bars</p>"
                                 '<a href="https://www.nhs.uk/">NHS</a>'}
    path = tmp_path / "set.jsonl"
    path.write_text(review.json.dumps(page) + "\n" + review.json.dumps(page) + "\n")
    _, problems = review.read(path)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "label 'ham' with category 'drug-sales'", "id seen before",
        "label 'ham' with category 'drug-sales'"]
    assert [number for number, _ in review.phones(page)] == ["0161 555 2424"]  # not fiction
    assert review.hosts(page) == {"www.nhs.uk"}
