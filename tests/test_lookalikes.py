"""unmask: look-alike spellings undone one character for one; ordinary text left alone."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medspam import Link, Page, lexicons
from medspam.features import ScoredPage, TextCues, link_parts
from medspam.lookalikes import unmask
from medspam.page import TextBlock

CYRILLIC_A, GREEK_O = "\u0430", "\u03bf"


@pytest.mark.parametrize(("written", "meant"), [
    ("k3tamine", "ketamine"),
    ("0xyc0d0ne", "oxycodone"),
    ("tr@madol", "tramadol"),
    ("c0c41n3", "cocaine"),
    (f"x{CYRILLIC_A}n{CYRILLIC_A}x", "xanax"),
    (f"{GREEK_O}xycodone", "oxycodone"),
    (f"Buy V{CYRILLIC_A}LIUM 10mg", "Buy VaLIUM 10mg"),
])
def test_disguised_words_are_unmasked(written: str, meant: str) -> None:
    assert unmask(written) == meant


@pytest.mark.parametrize("text", [
    "covid19 and vitamin b12, 500mg or 1000 mg, mp3, 2024-05-01, $20, h2o",
    "\u041c\u043e\u0441\u043a\u0432\u0430 \u0438 \u0410\u0444\u0438\u043d\u044b",  # all Cyrillic
    "\u03a7\u0391\u039d\u0391\u03a7 \u03b5\u03af\u03bd\u03b1\u03b9",  # all Greek
    "Call +1 555 0100 or email info@clinic.example",
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert unmask(text) == text


@given(st.text())
def test_unmask_keeps_length_and_is_idempotent(text: str) -> None:
    once = unmask(text)
    assert len(once) == len(text)
    assert unmask(once) == once


def test_text_cues_find_disguised_drug_names() -> None:
    plain = ScoredPage.from_page(Page(title="Shop", blocks=(), links=()))
    text = "Order k3tamine and x" + CYRILLIC_A + "nax online, fast delivery."
    page = ScoredPage.from_page(Page(title="Shop", blocks=(TextBlock(text),)))
    cues = TextCues().fit([plain])
    row = dict(zip(cues.get_feature_names_out(), cues.transform([page])[0], strict=True))
    assert row["drug_terms"] > 0
    assert row["disguised_drug_terms"] > 0
    assert [term for _, _, term in lexicons.find_spans("drugs", page.unmasked)] == [
        "ketamine", "xanax"]


def test_links_with_disguised_drug_names_are_marked() -> None:
    disguised = link_parts(Link(url="https://k3tamine-shop.example/buy", anchor="order"))
    assert "ketamine" in disguised.host_words
    assert disguised.is_disguised
    plain = link_parts(Link(url="https://buyketamine.example/", anchor="ketamine"))
    assert not plain.is_disguised
