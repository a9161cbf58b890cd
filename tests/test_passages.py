"""The sale-text scorer's passages: runs of lines, quoted speech left out, the best one kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medspam.extract import extract_page
from medspam.features import ScoredPage, passages, score_sale_text
from medspam.features.pages import SalePassageScore
from medspam.features.passages import _passages, sale_words
from medspam.page import Page

PAGES = Path(__file__).parent / "pages"


class WordCounter:
    """A stand-in scorer: P(sale) is the share of 'xanax' among a text's words."""

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, items):
        self.calls += 1
        return [item.unmasked.split().count("xanax") / max(len(item.unmasked.split()), 1)
                for item in items]


def test_lines_join_until_a_passage_has_enough_words():
    text = "one two\nthree four five\n\nsix\nseven eight nine ten"
    assert passages(text, min_words=4) == ["one two three four five", "six seven eight nine ten"]


def test_quoted_offers_are_left_out_in_every_corpus_language():
    quoted = [
        '"Xanax without prescription, discreet shipping"',
        "\u201cXanax without prescription, discreet shipping\u201d",
        "\u201eXanax ohne Rezept, diskreter Versand\u201c",
        "\u00abXanax sans ordonnance, envoi discret\u00bb",
        "\u201aXanax ohne Rezept, diskret\u2018",
    ]
    for quote in quoted:
        found = passages(f"The message read {quote} and we reported it.", min_words=1)
        assert found == ["The message read and we reported it."], quote


def test_a_short_quote_stays_and_so_does_an_unquoted_offer():
    text = 'The "best" deal: xanax without prescription, DM me'
    assert passages(text, min_words=1) == [text]


def test_the_best_passage_is_kept_with_the_whole_texts_score_in_one_call():
    article = "\n".join(["a calm article about sleep and rest for everyone"] * 6)
    offer = "xanax xanax xanax here dm me for xanax"
    scorer = WordCounter()
    page, empty = score_sale_text(scorer, [ScoredPage(Page(), f"{article}\n{offer}"),
                                           ScoredPage(Page(), "")])
    assert scorer.calls == 1
    assert page.sale_passage == offer
    assert page.sale_passage_score == 0.5
    assert page.sale_text_score < 0.1  # the article dilutes the offer in the whole text
    assert (empty.sale_passage, empty.sale_passage_score, empty.sale_text_score) == ("", 0.0, 0.0)


def test_the_passage_feature_is_evidence_for_a_sale_only():
    page = ScoredPage(Page(), "text")
    feature = SalePassageScore().fit([page])
    assert feature._row(page.with_sale_text_score(0.5, passage_score=0.2)) == [0.0]  # noqa: SLF001
    assert feature._row(page.with_sale_text_score(0.5, passage_score=0.9))[0] > 2  # noqa: SLF001
    assert feature._row(page) == [0.0]  # noqa: SLF001 - not scored: no evidence


def test_a_passage_carries_the_words_the_lists_find_in_it():
    """Word-list words found once on the whole page are the ones each passage holds."""
    text = ('Order now\nwithout a prescription and buy xanax online today, we ship fast\n'
            'They wrote: "buy xanax without prescription, fast" and we reported it. '
            + "filler words here " * 8 + "\nno rx needed for tramadol, order now")
    found = _passages(text, min_words=6)
    assert len(found) > 2
    assert [p.words for p in found] == [sale_words(p.text) for p in found]
    assert passages(text, min_words=6) == [p.text for p in found]


@pytest.mark.parametrize("name", sorted(json.loads((PAGES / "expected.json").read_text())))
def test_the_hand_written_pages_passages_carry_their_own_words(name):
    page = extract_page((PAGES / name).read_bytes(), None)
    text = ScoredPage.from_page(page).unmasked
    found = _passages(text)
    assert [p.words for p in found] == [sale_words(p.text) for p in found]
    assert passages(text) == [p.text for p in found]
