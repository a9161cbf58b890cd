"""The sale-text scorer's passages: runs of lines, quoted speech left out, the best one kept."""

from __future__ import annotations

from medspam.features import ScoredPage, passages, score_sale_text
from medspam.features.pages import SalePassageScore
from medspam.page import Page


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
