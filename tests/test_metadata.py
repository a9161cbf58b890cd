"""Tests for what a page says of itself to search engines, and the markup its JSON data holds."""

from __future__ import annotations

import json
import time

import pytest

from medspam.extract import extract_page
from medspam.extract.metadata import data_markup, structured_data
from medspam.page import Link, Page

PAGE_URL = "https://skin.example.org/eczema-at-night"
SHOP = "https://sleep-store.example/buy-zolpidem-no-prescription"
ARTICLE = "<p>Itching at night keeps many people with eczema awake.</p>"


def page_of(head: str, body: str = ARTICLE) -> Page:
    return extract_page(f"<html><head><title>Eczema</title>{head}</head><body>{body}</body></html>",
                        PAGE_URL)


def external(page: Page) -> list[Link]:
    return [link for link in page.links if link.is_external]


def ld_json(document: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(document)}</script>'


PRODUCT = {"@context": "https://schema.org", "@graph": [
    {"@type": "BlogPosting", "headline": "Eczema at night", "url": PAGE_URL},
    {"@type": "Product", "name": "Zolpidem 10 mg without prescription",
     "description": "Sleep through the night. Discreet delivery.",
     "offers": {"@type": "Offer", "price": "60", "url": SHOP}}]}


# --- the head's descriptions ------------------------------------------------------------------


def test_a_description_is_hidden_text_and_a_domain_in_it_a_hidden_link() -> None:
    """A pharma hack sells in the snippet search engines show; visitors never read it."""
    page = page_of('<meta name="description" content="Buy zolpidem without prescription at '
                   'sleepstore.shop, discreet delivery.">')
    assert "zolpidem" not in page.text
    (link,) = external(page)
    assert (link.url, link.how, link.found) == ("http://sleepstore.shop/", "hidden", "text")
    assert "Buy zolpidem without prescription" in link.context


def test_an_og_url_elsewhere_is_a_hidden_link_named_by_the_card_title() -> None:
    page = page_of('<meta property="og:title" content="Sleep again: zolpidem, no prescription">'
                   f'<meta property="og:url" content="{SHOP}">'
                   '<meta name="keywords" content="eczema, buy zolpidem online">')
    (link,) = external(page)
    assert (link.url, link.how, link.element) == (SHOP, "hidden", "meta[property=og:url]")
    assert link.anchor == "Sleep again: zolpidem, no prescription"
    assert "buy zolpidem online" in link.context


def test_what_the_metadata_says_of_the_page_s_own_site_is_no_link() -> None:
    """The page's own address, its home and its author's page: no address elsewhere."""
    page = page_of(f'<meta property="og:url" content="{PAGE_URL}">'
                   '<meta property="og:description" content="Why eczema itches at night.">'
                   + ld_json({"@graph": [
                       {"@type": "WebPage", "name": "Eczema", "url": PAGE_URL},
                       {"@type": "WebSite", "name": "Skin", "url": "https://skin.example.org/"},
                       {"@type": "Person", "name": "Ann", "url": "/authors/ann"}]}))
    assert page.links == ()


@pytest.mark.parametrize("head", [
    '<meta property="og:url" content="/eczema-at-night">',  # relative: says nothing
    '<meta name="description" content="">',
    '<meta name="viewport" content="width=device-width">',
    '<meta property="og:image" content="https://cdn.example/eczema.jpg">',
])
def test_what_in_the_head_gives_no_link(head: str) -> None:
    assert external(page_of(head)) == []


# --- structured data ----------------------------------------------------------------------------


def test_a_product_s_offer_is_a_hidden_link_named_by_the_product() -> None:
    """The offer has no name of its own: it takes the product's, with its description."""
    (link,) = external(page_of(ld_json(PRODUCT)))
    assert (link.url, link.how, link.element) == (
        SHOP, "hidden", "script[type=application/ld+json]")
    assert link.anchor == "Zolpidem 10 mg without prescription"
    assert "Sleep through the night." in link.context


def test_structured_data_in_the_body_is_read_too() -> None:
    (link,) = external(page_of("", ARTICLE + ld_json(PRODUCT)))
    assert link.url == SHOP


def test_a_visible_link_to_the_same_address_wins() -> None:
    """A shop's product page links its product where visitors see it: that link, not the
    structured data's, says how the address is carried."""
    (link,) = external(page_of(ld_json(PRODUCT), f'<p>Get it <a href="{SHOP}">here</a></p>'))
    assert (link.how, link.anchor, link.element) == ("anchor", "here", "a[href]")


@pytest.mark.parametrize("data", [
    '{"@type": "Product", "name": "Zolpidem", "offers": {"url": "https://sleep-st',  # cut
    '{"@type": "Product", "image": "https://cdn.example/box.jpg", "name": "Zolpidem"}',
    '{"@type": "Organization", "logo": {"@type": "ImageObject", "url": "/logo.png"}}',
    '{"@type": "Person", "name": "Ann", "image": {"url": "https://cdn.example/ann.jpg"}}',
    ('{"@type": "NewsArticle", "thumbnailUrl": "https://cdn.example/t.jpg", "video": '
     '{"@type": "VideoObject", "contentUrl": "https://cdn.example/v.mp4", '
     '"url": "https://v.example/"}}'),
    "[" * 100_000 + "]" * 100_000,  # nested past Python's recursion limit
    "not json at all",
    '"https://sleep-store.example/"',  # a bare string: no thing described
])
def test_structured_data_that_gives_no_link(data: str) -> None:
    assert structured_data(data, 1_000_000) == []


def test_a_catalogue_is_read_up_to_a_bound() -> None:
    catalogue = [{"@type": "Product", "name": f"Pill {i}", "url": f"{SHOP}/{i}"}
                 for i in range(10_000)]
    assert len(structured_data(json.dumps(catalogue), 10_000_000)) == 200


# --- a framework's page data ------------------------------------------------------------------


def next_data(html: str) -> str:
    data = json.dumps({"props": {"pageProps": {"post": {"title": "ADHD at work",
                                                        "contentHtml": html}}}})
    escaped = data.replace("<", "\\u003c").replace(">", "\\u003e")  # as Next.js writes it
    return f'<script id="__NEXT_DATA__" type="application/json">{escaped}</script>'


def test_an_article_rendered_from_its_data_is_read_as_a_script_writes_it() -> None:
    """A Next.js page sends the article only as JSON; its script renders it for visitors."""
    body = '<div id="__next"><h1>ADHD at work</h1></div>' + next_data(
        f'<p>Focus is hard. Many get help from <a href="{SHOP}">Focus</a> without a wait.</p>')
    page = page_of("", body)
    (link,) = external(page)
    assert (link.url, link.how, link.is_scripted, link.anchor) == (SHOP, "anchor", True, "Focus")
    assert "Focus is hard." in page.text


def test_page_data_cut_short_still_gives_the_markup_it_holds() -> None:
    data = json.dumps({"a": f'<p><a href="{SHOP}">Focus</a></p>', "b": "x" * 50})[:-20]
    assert data_markup(data) == f'<p><a href="{SHOP}">Focus</a></p>'


@pytest.mark.parametrize("data", [
    '{"note": "a < b and c > d"}',
    '{"note": "3 <5 mg"}',
    '{"bad": "\\x3ca href=x\\x3e"}',  # not a JSON escape
    '{"plain": "no markup here"}',
])
def test_page_data_without_markup_gives_none(data: str) -> None:
    assert data_markup(data) == ""


def test_a_script_is_not_read_as_data_and_data_is_not_run() -> None:
    """Only ``application/json`` and ``application/ld+json`` scripts hold data."""
    body = (f'<script type="text/plain">{{"html": "<a href=\\"{SHOP}\\">Focus</a>"}}</script>'
            f'<script type="application/json">{{"next": "location.href = \'{SHOP}\'"}}</script>')
    assert external(page_of("", ARTICLE + body)) == []


def test_huge_page_data_is_bounded() -> None:
    """Five megabytes of page data, every string markup: cut at the nested-markup budget."""
    strings = [f'<p><a href="https://s{i}.example/">pill {i}</a></p>' for i in range(100_000)]
    start = time.perf_counter()
    page = page_of("", next_data("".join(strings)))
    assert time.perf_counter() - start < 10
    assert 0 < len(page.links) < 20_000
    assert any("cut at" in note for note in page.notes)
