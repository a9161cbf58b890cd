"""Tests for medspam.extract: decoding, text blocks, anchors, hidden links, text links, limits."""

from __future__ import annotations

import base64
import os
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medspam.extract import extract_page
from medspam.extract.html import parse_html
from medspam.extract.scripts import MAX_MARKUP_CHARS, read_script
from medspam.page import Link, Page
from medspam.settings import Settings

PAGE_URL = "https://health.example.org/articles/sleep"


def links_by_url(page: Page) -> dict[str, Link]:
    return {link.url: link for link in page.links}


def one_link(html: str, url: str | None = PAGE_URL) -> Link:
    page = extract_page(html, url)
    assert len(page.links) == 1, page.links
    return page.links[0]


# --- page structure ---------------------------------------------------------------------------


def test_title_lang_blocks_and_chrome() -> None:
    page = extract_page(
        '<html lang="en-GB"><head><title> Sleep  well </title><style>p{color:red}</style>'
        "<script>var x = 'not text';</script></head><body>"
        '<nav><a href="/">Home</a></nav><div class="sidebar-menu">Popular posts</div>'
        "<h1>Sleep</h1><p>Rest is <b>important</b>.</p><p>Keep a routine.<br>Go to bed early.</p>"
        "<footer>Copyright</footer></body></html>",
        PAGE_URL,
    )
    assert page.title == "Sleep well"
    assert page.lang == "en"
    assert [(b.text, b.is_chrome) for b in page.blocks] == [
        ("Home", True), ("Popular posts", True), ("Sleep", False), ("Rest is important.", False),
        ("Keep a routine.", False), ("Go to bed early.", False), ("Copyright", True)]
    assert "not text" not in page.text


def test_title_falls_back_to_h1_and_lang_to_meta() -> None:
    page = extract_page('<meta http-equiv="Content-Language" content="de"><h1>Schlaf</h1><p>x</p>')
    assert page.title == "Schlaf"
    assert page.lang == "de"


def test_plain_text_input_gives_one_block_per_line() -> None:
    page = extract_page("First line\n\n  Second   line  \n")
    assert [b.text for b in page.blocks] == ["First line", "Second line"]


def test_page_url_link() -> None:
    page = extract_page("<title>T</title><p>x</p>", "HTTPS://Health.Example.org/a#b")
    assert page.url == "https://health.example.org/a"
    assert page.url_link == Link(url="https://health.example.org/a",
                                 raw="HTTPS://Health.Example.org/a#b", found="page",
                                 host="health.example.org", domain="example.org", anchor="T",
                                 is_external=False)


# --- anchors ------------------------------------------------------------------------------------


def test_anchor_resolution_internal_external_and_rel() -> None:
    page = extract_page(
        '<p>See <a href="/sleep/tips" rel="NoFollow UGC">tips</a> and '
        '<a href="https://buycocaineonline.info/en/product/ketamine">ketamine here</a>.</p>'
        '<p><a href="mailto:x@example.org">mail</a><a href="javascript:void(0)">js</a>'
        '<a href="#top">top</a><a href="https://www.example.org/other">www</a></p>',
        PAGE_URL,
    )
    found = links_by_url(page)
    assert set(found) == {"https://health.example.org/sleep/tips",
                          "https://buycocaineonline.info/en/product/ketamine",
                          "https://health.example.org/articles/sleep",
                          "https://www.example.org/other"}
    internal = found["https://health.example.org/sleep/tips"]
    assert internal.rel == ("nofollow", "ugc")
    assert not internal.is_external
    assert not found["https://www.example.org/other"].is_external
    shop = found["https://buycocaineonline.info/en/product/ketamine"]
    assert shop.is_external
    assert (shop.host, shop.domain, shop.anchor, shop.found) == (
        "buycocaineonline.info", "buycocaineonline.info", "ketamine here", "anchor")
    assert "See tips and ketamine here" in shop.context
    assert 0 <= internal.position < shop.position <= 1


def test_base_href_area_and_image_alt() -> None:
    page = extract_page(
        '<head><base href="https://cdn.example.net/dir/"></head><body>'
        '<a href="page.html"><img src="x.png" alt="Cheap pills"></a>'
        '<map><area href="/map-target" alt="Region"></map></body>',
        PAGE_URL,
    )
    found = links_by_url(page)
    assert found["https://cdn.example.net/dir/page.html"].anchor == "Cheap pills"
    assert found["https://cdn.example.net/map-target"].anchor == "Region"


@pytest.mark.parametrize(("image", "words"), [
    ('<img src="/up/2024/03/comprar-tafil_sin-receta.jpg" alt="">', "comprar tafil sin receta"),
    ('<img src="https://cdn.example/b/Buy%20Xanax.png?w=300">', "Buy Xanax"),
    ('<img src="/b.png" alt="" title="Partner pharmacy">', "Partner pharmacy"),
    ('<img src="/b.png" alt="Partner pharmacy">', "Partner pharmacy"),
    ('<img src="data:image/png;base64,iVBORw0KGgo=">', ""),
])
def test_an_image_link_without_words_is_named_by_its_file(image: str, words: str) -> None:
    """As a screen reader names a link whose image says nothing: by the image's file."""
    assert one_link(f'<a href="https://shop.example/">{image}</a>').anchor == words


def test_links_are_external_when_page_url_is_unknown_and_relative_links_dropped() -> None:
    page = extract_page('<a href="https://example.org/">a</a><a href="/relative">b</a>')
    assert [(link.url, link.is_external) for link in page.links] == [("https://example.org/", True)]


DECLARING_PAGE = (  # syndicated: its canonical names the original on another site
    '<head><link rel="alternate canonical" href="https://original.example.net/a-story">'
    '<meta property="og:url" content="https://news.example.com/health/a-story"></head><body>'
    '<a href="/category/cannabis">Cannabis</a><a href="https://shop.example.org/buy">x</a></body>'
)


def test_without_a_url_the_page_is_judged_at_the_address_it_declares() -> None:
    page = extract_page(DECLARING_PAGE)
    assert page.url == "https://news.example.com/health/a-story"
    assert page.url_link is not None
    assert page.url_link.found == "page"
    assert [(link.url, link.is_external) for link in page.links] == [
        ("https://news.example.com/category/cannabis", False),
        ("https://shop.example.org/buy", True),
    ]
    assert page.notes == ("no URL given: judged at the address the page declares (og:url)",)


@pytest.mark.parametrize(("head", "url"), [
    ('<link rel="Canonical" href="https://a.example.net/1.234">',
     "https://a.example.net/1.234"),  # canonical when there is no og:url
    ('<meta property="OG:URL" content="/relative"><link rel="canonical" href="https://b.example/">',
     "https://b.example/"),  # a relative og:url names no site
    ('<link rel="canonical" href="/relative"><meta property="og:url" content="//x.example/">',
     None),  # relative addresses name no site
    ('<link rel="canonical" href="javascript:alert(1)">', None),
    ('<link rel="canonical" href="https://' + "a" * 100_000 + '.example/">', None),  # no host
])
def test_declared_addresses_that_count(head: str, url: str | None) -> None:
    page = extract_page(f"<head>{head}</head><p>Text</p>")
    assert page.url == url
    assert any("declares" in note for note in page.notes) == (url is not None)


def test_a_given_url_wins_over_the_declared_one() -> None:
    page = extract_page(DECLARING_PAGE, "https://forum.board.example/t/1")
    assert page.url == "https://forum.board.example/t/1"
    assert not page.notes
    assert [(link.url, link.is_external) for link in page.links] == [
        ("https://forum.board.example/category/cannabis", False),
        ("https://shop.example.org/buy", True),
        ("https://news.example.com/health/a-story", True),  # its og:url: a hidden link, last
    ]


def test_duplicate_urls_keep_the_first() -> None:
    page = extract_page('<a href="https://shop.example.com/a">first</a>'
                        '<a href="https://SHOP.example.com/a#x">second</a>'
                        '<p>https://shop.example.com/a</p>')
    assert [(link.anchor, link.found) for link in page.links] == [("first", "anchor")]


def test_platform_links_use_the_user_site() -> None:
    link = one_link('<a href="https://rx-deals.blogspot.com/p/1">blog</a>')
    assert (link.host, link.domain) == ("rx-deals.blogspot.com", "rx-deals.blogspot.com")


# --- hidden links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "style",
    ["display:none", "DISPLAY: NONE !important", "visibility:hidden", "font-size:0",
     "font-size: 0px", "height:0;overflow:hidden", "position:absolute;left:-9999px",
     "position:absolute; top:-5000px", "text-indent:-9999px", "opacity:0"],
)
def test_inline_styles_hide_links(style: str) -> None:
    page = extract_page(f'<p>Visible</p><div style="{style}">Buy <a href="https://pills.example.com/">'
                        "pills</a> cheap</div>")
    assert [b.text for b in page.blocks] == ["Visible"]
    (link,) = page.links
    assert link.is_hidden
    assert link.how == "hidden"
    assert link.context == "Buy pills cheap"


@pytest.mark.parametrize(
    "style", ["display:block", "font-size:0.9em", "opacity:0.5", "left:-10px", "height:0"])
def test_harmless_styles_do_not_hide(style: str) -> None:
    link = one_link(f'<div style="{style}"><a href="https://example.org/">a</a></div>')
    assert not link.is_hidden


def test_hidden_attribute_hides_but_aria_hidden_alone_does_not() -> None:
    page = extract_page('<div hidden><a href="https://a.example.com/">a</a></div>'
                        '<div aria-hidden="true"><a href="https://b.example.com/">b</a></div>')
    assert [(link.host, link.is_hidden) for link in page.links] == [
        ("a.example.com", True), ("b.example.com", False)]


def test_style_block_class_and_id_rules_hide() -> None:
    page = extract_page(
        "<style>/* pharma */ .seo-links { display : none } "
        "#promo{position:absolute;left:-5000px} .shown{color:red}</style>"
        '<div class="box seo-links"><a href="https://a.example.com/">a</a></div>'
        '<div id="promo"><a href="https://b.example.com/">b</a></div>'
        '<div class="shown"><a href="https://c.example.com/">c</a></div>'
    )
    assert [(link.host, link.is_hidden) for link in page.links] == [
        ("a.example.com", True), ("b.example.com", True), ("c.example.com", False)]


def test_links_after_html_end_are_hidden() -> None:
    page = extract_page(
        '<html><body><p>Article <a href="https://example.org/ref">ref</a></p></body></html>\n'
        '<a href="https://pills.example.com/">cheap pills</a> <a href="https://rx.example.net/">rx</a>'
    )
    assert [(link.host, link.is_hidden) for link in page.links] == [
        ("example.org", False), ("pills.example.com", True), ("rx.example.net", True)]


# --- frames and redirects ------------------------------------------------------------------------


SHOP = "https://benzo-direct.example/buy-xanax-2mg"


@pytest.mark.parametrize(("markup", "found", "hidden"), [
    (f'<head><meta http-equiv="Refresh" content="0; URL=\'{SHOP}\'"></head>', "redirect", False),
    ((f'<head><script>if (/google/.test(document.referrer)) top.location.replace("{SHOP}")'
      "</script></head>"), "redirect", False),
    ((f'<p>Text</p><script>setTimeout(function(){{window.location.href = "{SHOP}"}}, 3000)'
      "</script>"), "redirect", False),
    (f"<button onclick=\"location.href='{SHOP}'\">Get it now</button>", "redirect", False),
    (f"<span onclick=\"window.open('{SHOP}', '_blank')\">more</span>", "redirect", False),
    (f"<body onload=\"window.location = '{SHOP}'\"><p>Text</p></body>", "redirect", False),
    (f'<iframe src="{SHOP}" width="1" height="1" frameborder="0"></iframe>', "frame", True),
    (f'<iframe src="{SHOP}" style="display:none"></iframe>', "frame", True),
    (f'<div style="position:absolute;left:-9999px"><iframe src="{SHOP}"></iframe></div>',
     "frame", True),
    (f'<iframe src="{SHOP}" width="100%" height="480"></iframe>', "frame", False),
    (f'<frameset><frame src="{SHOP}"></frameset>', "frame", False),
    (f'<p>Text</p><meta http-equiv="refresh" content="3;url={SHOP}">', "redirect", False),
    (f'<meta http-equiv="refresh" content="0;{SHOP}">', "redirect", False),  # no "url="
    (f'<meta http-equiv="refresh" content="1.5, {SHOP}">', "redirect", False),
    ((f"<script>document.write('<meta http-equiv=\"refresh\" content=\"0;url={SHOP}\">')"
      "</script>"), "redirect", False),
    (f'<embed src="{SHOP}" width="1" height="1">', "frame", True),
    (f'<object data="{SHOP}" type="text/html"></object>', "frame", False),
    (f"<p onmouseover=\"location.href='{SHOP}'\">Read our guide</p>", "redirect", False),
    (f"<img src=\"x.png\" onerror=\"window.location='{SHOP}'\">", "redirect", False),
    ((f'<script>var target = "{SHOP}"; if (/google/.test(document.referrer)) '
      "location.replace(target)</script>"), "redirect", False),
    (('<script>window.location.href = "https://benzo-" + `direct.example` + "/buy-xanax-2mg";'
      "</script>"), "redirect", False),
    (("<script>var host = 'https://benzo-direct.example'; var u = host + '/buy-xanax-2mg';\n"
      "setTimeout(function () { window.open(u) }, 900)</script>"), "redirect", False),
])
def test_frames_and_redirects_are_links_of_their_own_kind(
        markup: str, found: str, hidden: bool) -> None:
    """Hacked pages load or send visitors to a shop without an anchor anyone sees."""
    link = one_link(markup)
    assert (link.url, link.found, link.is_hidden, link.anchor) == (SHOP, found, hidden, "")
    assert link.how == found  # a hidden frame is told by is_hidden, and stays a frame


def test_embed_code_a_page_offers_to_copy_is_text_with_its_addresses() -> None:
    """A ``textarea`` shows its text as written: an embed code's link is an address in it."""
    page = extract_page('<p>Embed this chart:</p><textarea readonly>&lt;p&gt;Chart by &lt;a '
                        f'href="{SHOP}"&gt;strong painkillers&lt;/a&gt;&lt;/p&gt;</textarea>'
                        '<textarea name="comment"></textarea>', PAGE_URL)
    assert page.blocks[1].text == f'<p>Chart by <a href="{SHOP}">strong painkillers</a></p>'
    (link,) = page.links
    assert (link.url, link.found) == (SHOP, "text")
    assert "strong painkillers" in link.context


@pytest.mark.parametrize(("markup", "words"), [
    (f'<iframe src="{SHOP}" title="  Partner:\n buy Xanax 2mg " width="300"></iframe>',
     "Partner: buy Xanax 2mg"),
    (f'<object data="{SHOP}" title="Sleep shop" width="1" height="1"></object>', "Sleep shop"),
    (f'<iframe src="{SHOP}" title="{"x" * 5_000}"></iframe>', "x" * 1_000),
])
def test_a_frame_s_title_is_its_words(markup: str, words: str) -> None:
    """A frame's title names what it shows, as a link's words name where it goes."""
    link = one_link(markup)
    assert (link.found, link.anchor) == ("frame", words)


@pytest.mark.parametrize("markup", [
    '<meta http-equiv="refresh" content="600">',  # reloads the page
    '<meta http-equiv="refresh" content="0; url=">',  # reloads the page
    '<meta http-equiv="refresh" content="url=https://shop.example/">',  # no delay: no refresh
    "<script>location.href = base + '/next'</script>",  # not a whole literal address
    "<script>location.replace('https://' + location.host + location.pathname)</script>",
    "<button onclick=\"location.href='mailto:desk@example.org'\">Mail us</button>",
    '<script type="application/ld+json">{"url": "https://shop.example/"}</script>',
    '<iframe src="about:blank"></iframe>',
    '<a href="javascript:void(0)">Menu</a>',
    "<div onload=\"location.href='https://shop.example/'\">only a body loads</div>",
    "<p>Our location.href = 'https://shop.example/' explained</p>",  # text, not a script
    "<script>var u = document.querySelector('a').href; location.href = u</script>",
    "<script>location.href = next; var next = makeUrl('/x')</script>",  # not a literal
    "<script>var a = a + '/x'; location.href = a</script>",  # set from itself
])
def test_what_is_no_frame_or_redirect(markup: str) -> None:
    page = extract_page(markup, PAGE_URL)
    assert not [link for link in page.links if link.found in {"frame", "redirect"}]


# --- the markup that carries each address, for a moderator to find it ---------------------------


@pytest.mark.parametrize(("markup", "element"), [
    (f'<a href="{SHOP}">xanax</a>', "a[href]"),
    (f'<map><area href="{SHOP}" alt="xanax"></map>', "area[href]"),
    (f'<svg><a xlink:href="{SHOP}"><text>xanax</text></a></svg>', "svg a[xlink:href]"),
    (f'<svg><a href="{SHOP}"><text>xanax</text></a></svg>', "svg a[href]"),
    (f'<div class="card" data-href="{SHOP}">xanax</div>', "div[data-href]"),
    (f'<form action="{SHOP}"><button>Order</button></form>', "form[action]"),
    (f'<form><button formaction="{SHOP}">Order</button></form>', "button[formaction]"),
    (f'<iframe src="{SHOP}"></iframe>', "iframe[src]"),
    (f'<object data="{SHOP}"></object>', "object[data]"),
    (f'<meta http-equiv="refresh" content="0;url={SHOP}">', "meta[http-equiv=refresh]"),
    (f"<img src=x onerror=\"location.href='{SHOP}'\">", "img[onerror]"),
    (f"<script>window.location = '{SHOP}'</script>", "script"),
    (f'<a id="go">go</a><script>document.getElementById("go").href = "{SHOP}"</script>',
     "a#go"),
    (f"<p>Order at {SHOP}</p>", ""),  # written in the text: found says so
])
def test_each_link_names_the_markup_that_carries_it(markup: str, element: str) -> None:
    assert one_link(markup).element == element


def test_the_http_redirect_is_named_as_such() -> None:
    assert extract_page("", PAGE_URL, location=SHOP).links[0].element == "HTTP redirect"


# --- automatic redirects: where every visitor is sent ----------------------------------------


@pytest.mark.parametrize("location", [5, b"https://shop.example/", ["https://shop.example/"]])
def test_a_location_that_is_not_text_is_a_clear_error(location: object) -> None:
    with pytest.raises(TypeError, match="location as str"):
        extract_page("", PAGE_URL, location=location)  # type: ignore[arg-type]


@pytest.mark.parametrize(("markup", "automatic"), [
    (f'<head><meta http-equiv="Refresh" content="0; URL=\'{SHOP}\'"></head>', True),
    (f'<p>Text</p><meta http-equiv="refresh" content="3;url={SHOP}">', True),  # the body's too
    (f'<meta http-equiv="refresh" content="10, {SHOP}">', True),
    (f'<meta http-equiv="refresh" content="1.2.3; url={SHOP}">', True),  # browsers read 1
    ((f"<script>document.write('<meta http-equiv=\"refresh\" content=\"0;url={SHOP}\">')"
      "</script>"), True),  # a refresh a script writes refreshes the page
    (f'<meta http-equiv="refresh" content="11;url={SHOP}">', False),  # a page left open
    (f'<meta http-equiv="refresh" content="600; url={SHOP}">', False),
    ((f'<iframe srcdoc="<meta http-equiv=&quot;refresh&quot; content=&quot;0;url={SHOP}&quot;>">'
      "</iframe>"), False),  # moves the frame, not the page
    (f'<script>window.location.href = "{SHOP}";</script>', False),  # may wait for a referrer
    (f"<button onclick=\"location.href='{SHOP}'\">Get it now</button>", False),
])
def test_a_refresh_soon_enough_is_an_automatic_redirect(markup: str, automatic: bool) -> None:
    """A visitor who stays ten seconds is sent on; a script or handler may wait for a cue."""
    link = one_link(markup)
    assert (link.url, link.found, link.is_automatic) == (SHOP, "redirect", automatic)


def test_an_automatic_redirect_wins_over_a_link_to_the_same_address() -> None:
    """Where the page sends every visitor matters more than the words of a link there."""
    page = extract_page(f'<p>Our <a href="{SHOP}">partner</a></p>'
                        f'<meta http-equiv="refresh" content="0;url={SHOP}">', PAGE_URL)
    assert [(link.url, link.found, link.is_automatic) for link in page.links] == [
        (SHOP, "redirect", True)]


@pytest.mark.parametrize(("data", "location", "expected"), [
    ("", SHOP, SHOP),  # a 302 without a body
    ('<p>Moved <a href="/new">here</a></p>', "/moved", "https://health.example.org/moved"),
    ('<base href="https://cdn.example/"><p>Moved</p>', "moved", "https://health.example.org/articles/moved"),
    ("Moved permanently.", SHOP, SHOP),  # plain text
    (bytes(range(256)) * 40, SHOP, SHOP),  # binary: no text, the redirect still counts
])
def test_the_http_responses_redirect_is_an_automatic_link(
        data: str | bytes, location: str, expected: str) -> None:
    """A 3xx's ``Location`` resolves against the page's address, never its ``<base href>``."""
    page = extract_page(data, PAGE_URL, location=location)
    first = page.links[0] if page.links[0].url == expected else None
    assert first is not None, page.links
    assert (first.found, first.is_automatic, first.position) == ("redirect", True, 0.0)


def _encoded(address: str) -> dict[str, str]:
    encoded = base64.b64encode(address.encode()).decode()
    return {"base64": encoded, "base64_head": encoded[:10], "base64_tail": encoded[10:],
            "codes": ",".join(str(ord(c)) for c in address),
            "escaped": "".join(f"%{ord(c):02x}" for c in address),
            "escaped_base64": "".join(f"%{ord(c):02x}" for c in encoded)}


@pytest.mark.parametrize("script", [
    'window.location = atob("{base64}");',
    "top.location.replace(String.fromCharCode({codes}))",
    "document.location.href = unescape('{escaped}')",
    "setTimeout(function () {{ window.open(window.atob('{base64}')) }}, 500)",
    'location.href = atob("{base64_head}" + "{base64_tail}")',  # decoders read expressions
    'var k = "{base64}"; location.replace(atob(k))',
    "window.location = decodeURIComponent('{escaped}')",
    "location = atob(unescape('{escaped_base64}'))",
])
def test_a_redirect_to_an_encoded_address_is_read(script: str) -> None:
    """Hacks encode the shop's address so that a scan for its name misses it."""
    link = one_link(f"<script>{script.format(**_encoded(SHOP))}</script>")
    assert (link.url, link.found) == (SHOP, "redirect")


def test_a_handler_that_evals_an_encoded_redirect_is_read() -> None:
    script = base64.b64encode(f'location.href = "{SHOP}"'.encode()).decode()
    link = one_link(f"<button onclick=\"eval(atob('{script}'))\">Go</button>")
    assert (link.url, link.found) == (SHOP, "redirect")


def test_an_encoded_redirect_script_is_read_once_decoded() -> None:
    script = base64.b64encode(f'window.location.href = "{SHOP}";'.encode()).decode()
    link = one_link(f'<script>eval(atob("{script}"))</script>')
    assert (link.url, link.found) == (SHOP, "redirect")


@pytest.mark.parametrize("script", [
    'var u = atob("{base64}"); console.log(u)',  # decodes an address, navigates nowhere
    'location.href = atob("SGVsbG8sIHdvcmxkIQ==")',  # decodes to no address
    "location = String.fromCharCode(9999999, 1, 2, 3, 4, 5, 6, 7, 8)",  # no such character
    'window.location = atob("not*base64*at*all")',
])
def test_what_decodes_to_no_redirect(script: str) -> None:
    page = extract_page(f"<script>{script.format(**_encoded(SHOP))}</script>", PAGE_URL)
    assert not [link for link in page.links if link.found == "redirect"]


# Markup a script writes is walked where the script stands, as a browser shows it.
_WRITTEN = f'<div style="display:none"><a href="{SHOP}">buy xanax online</a></div>'
_WRITTEN_QUOTED = _WRITTEN.replace('"', '\\"')


@pytest.mark.parametrize("script", [
    f"document.write('{_WRITTEN}');",
    # one stream over several writes, as browsers join them
    ("""document.write('<div style="display:none">');\n"""
     f"""document.writeln('<a href="{SHOP}">buy xanax online</a>');\ndocument.write('</div>')"""),
    "document.write(unescape('" + "".join(f"%{ord(c):02X}" for c in _WRITTEN) + "'))",
    "document.write('" + "".join(f"\\x{ord(c):02x}" for c in _WRITTEN) + "')",
    f"document.write('{_WRITTEN[:30]}' + '{_WRITTEN[30:60]}' +\n  '{_WRITTEN[60:]}')",
    f"var block = '{_WRITTEN}'; document.getElementById('side').innerHTML = block;",
    f"document.body.insertAdjacentHTML('beforeend', '{_WRITTEN}')",
    f"$('#side').html('{_WRITTEN}')",  # jQuery
    f"var ad = '{_WRITTEN}';\njQuery(function ($) {{ $('body').append(ad); }});",
    f'$("footer").before("{_WRITTEN_QUOTED}")',
    f"jQuery('{_WRITTEN}').appendTo('body')",
    "eval(atob('" + base64.b64encode(f"document.write('{_WRITTEN}')".encode()).decode() + "'))",
])
def test_links_a_script_writes_are_read_with_their_hiding(script: str) -> None:
    page = extract_page(f"<p>Sleep well.</p><script>{script}</script><p>Rest.</p>", PAGE_URL)
    [link] = page.links
    assert (link.url, link.found, link.is_hidden, link.is_scripted, link.anchor) == (
        SHOP, "anchor", True, True, "buy xanax online")


def test_links_in_the_html_as_sent_are_not_scripted() -> None:
    page = extract_page(f'<a href="{SHOP}">x</a><iframe src="https://v.example/e"></iframe>'
                        "<script>location.replace('https://r.example/')</script>", PAGE_URL)
    assert [link.is_scripted for link in page.links] == [False, False, False]


def test_what_a_script_writes_is_bounded() -> None:
    """A variable written a thousand times does not make a thousand copies."""
    script = f"var a = '{'<b>x</b>' * 1_000}'; document.write({' + '.join(['a'] * 1_000)})"
    assert len(read_script(script).markup) == MAX_MARKUP_CHARS


def test_jquery_writes_only_markup() -> None:
    """``formData.append("name", …)`` or ``params.append("page", "2")`` writes nothing."""
    page = extract_page("<p>Before.</p><script>var f = new FormData(); f.append('name', 'x');"
                        "q.append('page', '2'); $('#n').html('<b>New</b>')</script>", PAGE_URL)
    assert page.text.split() == ["Before.", "New"]


def test_text_a_script_writes_stands_where_the_script_does() -> None:
    page = extract_page("<p>Before.</p><script>document.write('<p>Written ' + \"text.</p>\")"
                        "</script><p>After.</p>", PAGE_URL)
    assert page.text.split() == ["Before.", "Written", "text.", "After."]


@pytest.mark.parametrize("script", [
    f"el.innerHTML = '<a href=\"{SHOP}\">' + item.title + '</a>'",  # not all literal
    "document.write(new Date().getFullYear())",
    f"var HTML = '<a href=\"{SHOP}\">x</a>'",  # a variable, not innerHTML
    "var old = $('#side').html(); $('#side').append(item)",  # a getter; not a literal
    "$('#side').addClass('open'); $(document).ready(init)",  # selectors, not markup
    f"if (el.innerHTML == '<a href=\"{SHOP}\">x</a>') go()",  # a comparison
    # what written scripts write is not read (one level)
    f"document.write('<script>document.write(\\'<a href=\"{SHOP}\">x</a>\\')<\\/script>')",
])
def test_what_writes_no_link(script: str) -> None:
    page = extract_page(f"<script>{script}</script>", PAGE_URL)
    assert not [link for link in page.links if link.host == "benzo-direct.example"]


@pytest.mark.parametrize(("markup", "hidden", "scripted", "text"), [
    (f'<svg viewBox="0 0 9 9"><a href="{SHOP}"><text>buy xanax</text></a></svg>',
     False, False, "buy xanax"),
    (f'<svg><a xlink:href="{SHOP}"><text>buy <tspan>xanax</tspan></text></a></svg>',
     False, False, "buy xanax"),
    (f'<svg style="display:none"><a href="{SHOP}"><text>buy xanax</text></a></svg>',
     True, False, "buy xanax"),
    (f"<iframe srcdoc='<p>Shop: <a href=\"{SHOP}\">buy xanax</a></p>'></iframe>",
     False, False, "buy xanax"),
    (f"<iframe width=1 height=1 srcdoc='<a href=\"{SHOP}\">buy xanax</a>'></iframe>",
     True, False, "buy xanax"),
    ('<iframe src="data:text/html;base64,' + base64.b64encode(
        f'<p>Shop: <a href="{SHOP}">buy xanax</a></p>'.encode()).decode() + '"></iframe>',
     False, False, "buy xanax"),
    ((f'<object width="0" data="data:text/html;charset=utf-8,%3Ca%20href%3D%22{SHOP}%22%3Ebuy'
     '%20xanax%3C%2Fa%3E"></object>'), True, False, "buy xanax"),
    ((f'<a id="go" href="#">buy xanax</a><script>document.getElementById("go").href = '
      f'"{SHOP}";</script>'), False, True, "buy xanax"),
    (("<a id=go>buy xanax</a><script>var a = document.querySelector('#go');\n"
      "a.setAttribute('href', 'https://benzo-' + 'direct.example/buy-xanax-2mg')</script>"),
     False, True, "buy xanax"),
    ((f"<head><script>$(function () {{ $('#go').attr('href', '{SHOP}') }})</script></head>"
      '<div style="display:none"><a id="go" href="/offers">buy xanax</a></div>'),
     True, True, "buy xanax"),
    (f"<p>x</p><script>document.getElementById('no-such').href = '{SHOP}'</script>",
     False, True, ""),
    ((f'<div hidden><script>var a = document.createElement("a"); a.href = "{SHOP}";'
      "document.currentScript.parentNode.appendChild(a)</script></div>"), True, True, ""),
])
def test_links_in_svg_srcdoc_and_given_by_scripts_are_read(
        markup: str, hidden: bool, scripted: bool, text: str) -> None:
    """A browser shows an SVG's links and those of a frame's inline document (``srcdoc``,
    ``data:``), and follows an address a script gives a link: a hack can use any of them."""
    link = next(link for link in extract_page(markup, PAGE_URL).links
                if link.host == "benzo-direct.example")
    assert (link.url, link.found, link.is_hidden, link.is_scripted, link.anchor) == (
        SHOP, "anchor", hidden, scripted, text)


def test_an_anchor_given_addresses_twice_is_one_anchor_with_the_last() -> None:
    doc = parse_html("<head><script>document.getElementById('go').href = "
                     "'https://first.example/a'</script></head><p>Rest <a id=go>buy xanax</a>"
                     f"</p><script>document.getElementById('go').href = '{SHOP}'</script>")
    assert [(anchor.href, anchor.text, anchor.is_scripted) for anchor in doc.anchors] == [
        (SHOP, "buy xanax", True)]


@pytest.mark.parametrize("markup", [
    ("<script>var s = document.createElement('link'); s.rel = 'stylesheet';"
     "s.href = 'https://cdn.example/site.css?v=3'</script>"),  # a style sheet, not a link
    "<script>location.href = 'https://r.example/next'</script>",  # a redirect
    "<script>a.href = base + '/next'</script>",  # not a whole literal address
    "<script>if (a.href == 'https://shop.example/') go()</script>",  # a comparison
    "<svg><title>Share</title><use href='#icon-share'></use></svg>",  # no link
    "<template><svg><a href='https://shop.example/'>x</a></svg></template>",  # not shown
    '<iframe src="data:text/html;base64,%%%not-base64%%%"></iframe>',
    "<iframe src='data:text/plain,<a href=\"https://shop.example/\">x</a>'></iframe>",  # text
])
def test_what_gives_no_link_from_svg_or_scripts(markup: str) -> None:
    page = extract_page(markup, PAGE_URL)
    assert not [link for link in page.links if link.found != "redirect"]
    assert not [link for link in page.links if link.host in {"cdn.example", "shop.example"}]


@pytest.mark.parametrize(("markup", "hidden", "text"), [
    (f'<form action="{SHOP}" method="get"><button>buy xanax</button></form>', False, "buy xanax"),
    ((f'<form action="{SHOP}" method="post"><input name="q"><button type="button">No</button>'
      '<input type="submit" value="buy xanax"></form>'), False, "buy xanax"),
    (f'<form><input name="q"><button formaction="{SHOP}">buy <b>xanax</b></button></form>',
     False, "buy xanax"),
    (f'<div style="display:none"><form action="{SHOP}"><input type="text"></form></div>',
     True, ""),
    (f'<div class="card" data-href="{SHOP}"><p>buy xanax</p></div>', False, "buy xanax"),
    (f'<p>Rest <span hidden data-href="{SHOP}">buy xanax</span></p>', True, "buy xanax"),
])
def test_a_form_or_data_href_sends_the_visitor_on_as_a_link(
        markup: str, hidden: bool, text: str) -> None:
    """Submitting a form goes to its ``action``; a page's script follows a ``data-href``."""
    link = one_link(markup)
    assert (link.url, link.found, link.is_hidden, link.is_scripted, link.anchor) == (
        SHOP, "anchor", hidden, False, text)


@pytest.mark.parametrize("markup", [
    '<form action=""><input name="q"></form>',  # submits to the page itself
    '<form action="javascript:void(0)"><button>Go</button></form>',
    '<form><button type="submit">Search</button></form>',
    '<button formaction="  ">Go</button>',
    '<div data-href="">x</div>',
])
def test_what_forms_and_data_href_do_not_link(markup: str) -> None:
    assert not extract_page(markup, PAGE_URL).links


def test_a_data_href_inside_a_link_leaves_the_link_its_words() -> None:
    page = extract_page('<a href="https://news.example/story">Read <span data-href='
                        '"https://ads.example/x">the story</span></a>', PAGE_URL)
    assert [(link.url, link.anchor) for link in page.links] == [
        ("https://news.example/story", "Read the story")]


CLOAKED_SHOP = base64.b64encode(SHOP.encode()).decode().rstrip("=")
"""The shop's address in base64, as link cloaking keeps it (padding dropped, as some do)."""
NOT_TEXT = base64.b64encode(b"https://\xff\xfe").decode()


@pytest.mark.parametrize(("markup", "element", "text"), [
    (f'<button class="js-go" data-go="{CLOAKED_SHOP}">See my kit</button>',
     "button[data-go]", "See my kit"),
    (f'<a href="#" data-lnk="{CLOAKED_SHOP}">buy xanax</a>', "a[data-lnk]", "buy xanax"),
    (f'<a data-u="{CLOAKED_SHOP}=">buy xanax</a>', "a[data-u]", "buy xanax"),
    (f'<span hidden data-x="{CLOAKED_SHOP}">buy xanax</span>', "span[data-x]", "buy xanax"),
])
def test_a_link_cloaked_in_base64_is_read(markup: str, element: str, text: str) -> None:
    """SEO plugins and hacks keep a link's address in a ``data-`` attribute, in base64, for a
    script to open on a click: scanners that read ``href`` miss it; medspam reads it."""
    link = one_link(f"<p>{markup}</p>")
    assert (link.url, link.found, link.element, link.anchor) == (SHOP, "anchor", element, text)


@pytest.mark.parametrize("markup", [
    f'<a href="https://news.example/story" data-u="{CLOAKED_SHOP}">story</a>',  # href leads
    '<div data-id="aHR0cA">x</div>',  # "http", no address
    f'<div data-x="{NOT_TEXT}">x</div>',  # "https://" and bytes that are not UTF-8
    '<div data-x="aHR0cHM6Ly9zaG9wIGV4YW1wbGU">x</div>',  # "https://shop example": no URL
    f'<div title="{CLOAKED_SHOP}">x</div>',  # not a data- attribute
])
def test_what_is_no_cloaked_link(markup: str) -> None:
    assert [link.element for link in extract_page(markup, PAGE_URL).links] in ([], ["a[href]"])


@pytest.mark.parametrize("written", [
    f"<p>Mods delete links, so decode this yourself:</p><pre><code>{CLOAKED_SHOP}</code></pre>",
    f"<p>Die Adresse als Base64: {CLOAKED_SHOP}== einfach dekodieren.</p>",
])
def test_an_address_written_in_base64_is_read(written: str) -> None:
    """Forum spam gives a shop's address in base64 for readers to paste into a decoder."""
    link = one_link(written)
    assert (link.url, link.found) == (SHOP, "obfuscated")
    assert link.raw.startswith(CLOAKED_SHOP)


@pytest.mark.parametrize("text", [
    "aHR0cA and aHR0cHM6Ly9zaG9wIGV4YW1wbGU",  # "http"; "https://shop example": no URL
    f"x{CLOAKED_SHOP}",  # inside a longer token: not where an address starts
    f"{NOT_TEXT}",  # "https://" and bytes that are not UTF-8
])
def test_what_is_no_address_in_base64(text: str) -> None:
    assert extract_page(f"<p>{text}</p>", PAGE_URL).links == ()


def test_a_link_wins_over_a_form_to_the_same_address() -> None:
    """A site's search form posts to the home page its logo links: the logo's words stay."""
    page = extract_page('<form action="https://news.example/"><button>Search</button></form>'
                        '<div data-href="https://news.example/">Top story</div>'
                        '<a href="https://news.example/">News Example</a>', PAGE_URL)
    assert [(link.url, link.anchor) for link in page.links] == [
        ("https://news.example/", "News Example")]


@pytest.mark.parametrize("script", [
    "document.write(['<div hidden><a hr', 'ef=\"{shop}\">buy ', 'xanax</a></div>'].join(''))",
    ("var p = ['<div hidden>', '<a href=\"{shop}\">', 'buy xanax</a>', '</div>'];"
     " document.write(p.join(''))"),
    "document.write('{reversed}'.split('').reverse().join(''))",
    "var r = '{reversed}'; document.write(r.split('').reverse().join(''))",
    "var r = '{reversed}'.split(''); document.write(r.reverse().join(''))",
    ("document.write(['<div hidden><a href=\"https:', '', 'benzo-direct.example',"
     " 'buy-xanax-2mg\">buy xanax</a></div>'].join('/'))"),
])
def test_markup_a_script_joins_from_pieces_is_read(script: str) -> None:
    """Hacks keep a shop's address in pieces of an array, or reversed, out of a scan's sight."""
    written = f'<div hidden><a href="{SHOP}">buy xanax</a></div>'
    reversed_ = written[::-1].replace('"', '\\"')
    page = extract_page("<p>Sleep.</p><script>" + script.format(shop=SHOP, reversed=reversed_)
                        + "</script>", PAGE_URL)
    [link] = page.links
    assert (link.url, link.is_hidden, link.is_scripted, link.anchor) == (
        SHOP, True, True, "buy xanax")


@pytest.mark.parametrize("script", [
    "location = ['https://benzo-direct.example/', next].join('')",  # an unknown item
    "location = ['https://benzo-direct.example/x'].reverse()",  # an array, not a string
    "location = 'moc.elpmaxe-ozneb//:sptth'.reverse()",  # strings have no reverse()
    "location = [['https://benzo-direct.example/x']].join('')",  # nested arrays: not read
    "var parts = ['https://benzo-direct.example/x']; parts.push(q); location = parts",
    # at most eight methods after a piece: each copies it (a hostile chain stays linear)
    "location = 'x/elpmaxe.tcerid-ozneb//:sptth'.split('')" + ".reverse()" * 9 + ".join('')",
])
def test_what_arrays_do_not_give(script: str) -> None:
    page = extract_page(f"<script>{script}</script>", PAGE_URL)
    assert not [link for link in page.links if link.host == "benzo-direct.example"]


def test_a_javascript_link_is_a_redirect_with_its_text() -> None:
    link = one_link(f"<a href=\"javascript:location.href='{SHOP}'\">buy xanax</a>")
    assert (link.url, link.found, link.anchor) == (SHOP, "redirect", "buy xanax")


def test_a_redirect_resolves_against_the_page_and_an_anchor_to_it_wins() -> None:
    page = extract_page("<button onclick=\"location.href='/newsletter'\">Subscribe</button>"
                        '<a href="https://a.example.com/x">x</a>'
                        "<script>window.open('https://a.example.com/x')</script>", PAGE_URL)
    assert [(link.url, link.found, link.is_external) for link in page.links] == [
        ("https://health.example.org/newsletter", "redirect", False),
        ("https://a.example.com/x", "anchor", True)]


# --- links written as text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "url", "found"),
    [
        ("Order at https://shop.example.com/b?id=1.", "https://shop.example.com/b?id=1", "text"),
        ("Redirecting to https://shop.example.com/b…", "https://shop.example.com/b", "text"),
        ("\u201cOrder at https://shop.example.com/b\u201d", "https://shop.example.com/b", "text"),
        ("Order at www.shop.example.com/buy, today", "http://www.shop.example.com/buy", "text"),
        ("Read More: buycocaineonline.info/en/product", "http://buycocaineonline.info/en/product",
         "text"),
        ("Shop: buycocaineonline.info", "http://buycocaineonline.info/", "text"),
        ("Go to hxxps://pills.example.com now", "https://pills.example.com/", "obfuscated"),
        ("Go to pills[.]example[.]com now", "http://pills.example.com/", "obfuscated"),
        ("Go to buycocaineonline dot info now", "http://buycocaineonline.info/", "obfuscated"),
        ("alprazolam dot to/es/comprar-valium", "http://alprazolam.to/es/comprar-valium",
         "obfuscated"),
        ("Go to h t t p s : / / pills.example.com", "https://pills.example.com/", "obfuscated"),
        ("Go to pills\u200b.example.com", "http://pills.example.com/", "obfuscated"),
        ("Go to \uff50\uff49\uff4c\uff4c\uff53\uff0e\uff43\uff4f\uff4d", "http://pills.com/",
         "obfuscated"),
        ("Go to xn--pypal-4ve.com/login", "http://p\u0430ypal.com/login", "text"),
        ("Get it from benzo-direct[.]cc today", "http://benzo-direct.cc/", "obfuscated"),
        ("Pide en farmacia-online[.]es ya", "http://farmacia-online.es/", "obfuscated"),
        ("Pide en r i v o p h a r m a punto com", "http://rivopharma.com/", "obfuscated"),
        ("Bestellen: g h b - s h o p (punkt) c o m", "http://ghb-shop.com/", "obfuscated"),
    ],
    ids=["scheme", "ellipsis", "curly-quote", "www", "bare-path", "bare", "hxxps", "bracket-dots",
         "spoken-dot", "spoken-dot-word-tld-with-path", "spaced-scheme", "zero-width", "full-width",
         "punycode", "bracket-dot-file-extension-tld", "bracket-dot-word-tld", "spelled-punto",
         "spelled-bracket-punkt"],
)
def test_text_links(text: str, url: str, found: str) -> None:
    link = one_link(f"<p>{text}</p>", None)
    assert (link.url, link.found) == (url, found)
    assert link.raw in text
    assert link.is_external


def test_text_link_raw_is_the_written_form() -> None:
    link = one_link("<p>Go to hxxps://pills[.]example[.]com/buy now</p>")
    assert link.raw == "hxxps://pills[.]example[.]com/buy"
    assert link.anchor == link.raw
    assert link.context == "Go to hxxps://pills[.]example[.]com/buy now"


def test_punycode_text_link_is_noted() -> None:
    link = one_link("<p>xn--pypal-4ve.com</p>")
    assert "punycode decoded" in link.notes


@pytest.mark.parametrize(
    "text",
    ["Dr.med. Anna Weber", "Common side effects, e.g. nausea, i.e. mild", "U.S. guidance",
     "Chanel No.5", "Open file.txt or image.png or index.html", "Release v1.2.3 is out",
     "Run setup.py and read README.md", "Write to nurse@example.org",
     "Take 2.5 mg twice daily", "Patients.It works well.", "Build main.cc, then run it.js"],
)
def test_prose_is_not_a_link(text: str) -> None:
    assert extract_page(f"<p>{text}</p>").links == ()


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Contact us on Telegram: @plug247 for fast delivery", "tg:plug247"),
        ("Telegram @GreenPlug_uk", "tg:greenplug_uk"),
        ("Order via t.me/plug247", "tg:plug247"),
        ("WhatsApp +1 555 123 4567 any time", "wa:+15551234567"),
        ("Message wa.me/447700900123", "wa:+447700900123"),
        ("Wickr: drugplug", "wickr:drugplug"),
        ("Signal: +44 7700 900123", "signal:+447700900123"),
        ("Call +44 7700 900123 now", "tel:+447700900123"),
        ("call 555-123-4567 today", "tel:5551234567"),
        ("DM @meds_uk for the menu and price list", "dm:meds_uk"),
        ("Add meds_uk on Session or Telegram to order", "tg:meds_uk"),
        ("add plug247 on Session to order", "session:plug247"),
        ("Telegram - plug247", "tg:plug247"),
        ("Telegram-@plug247", "tg:plug247"),
        ("Commande uniquement sur Snap : kev.delivery69", "snap:kev.delivery69"),
        ("Kontakt über Snapchat: studi_blister", "snap:studi_blister"),
        ("dm @lena.night on snapchat", "snap:lena.night"),
        ("Yo pido por Telegram a @focusmeds_es, les dices", "tg:focusmeds_es"),
        ("Escribid al Signal fiestanorte.24 y os lo dejo", "signal:fiestanorte.24"),
        ("Discord (r4zor_dealz) Bescheid sagen", "discord:r4zor_dealz"),
        ("Contact uniquement par SMS au 06 39 98 52 08, merci", "tel:0639985208"),
        ("TEXT ONLY 702 555 0139, no calls", "tel:7025550139"),
    ],
    ids=["telegram-colon", "telegram-at", "t-me", "whatsapp", "wa-me", "wickr", "signal",
         "intl-phone", "us-phone", "dm-handle", "add-on-platforms", "add-on-session",
         "telegram-dash", "telegram-hyphen-at", "snap-colon", "snapchat-colon",
         "dm-on-snapchat", "platform-then-words", "bare-handle-with-dot", "discord",
         "national-number-after-cue", "spaced-us-number-after-cue"],
)
def test_contacts(text: str, url: str) -> None:
    link = one_link(f"<p>{text}</p>", None)
    assert (link.url, link.found, link.host, link.domain) == (url, "contact", "", "")
    assert link.raw in text


@pytest.mark.parametrize(
    "text",
    ["Visit on 2024-01-15 or 15.01.2024 at 10:30", "Take 500 mg, then 250 mg every 12 hours",
     "Price $1,299.99 for 100 tablets", "Order 100 500 1000 tablets", "Years 1990 2000 2010 2020",
     "The signal was weak", "Telegram is an app", "Add the flour on Monday",
     "Add salt and message me on Telegram", "Message our nurse on the phone",
     "Ermittler legen einen Telegram-Shop lahm", "Verkauft wurde über einen Telegram-Kanal",
     "Follow us on Snapchat and Instagram", "Oh snap, that was fast",
     "Snapchat - Android App", "Telegram - Desktop download", "Telegram a las 20.30 horas",
     "The signal strength dropped", "Text 100 200 3000 times"],
)
def test_not_contacts(text: str) -> None:
    assert extract_page(f"<p>{text}</p>").links == ()


# --- decoding -----------------------------------------------------------------------------------


def test_utf8_bom() -> None:
    page = extract_page(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>")
    assert page.blocks[0].text == "café"
    assert page.notes == ("decoded as utf-8 (byte-order mark)",)


def test_utf16_bom() -> None:
    page = extract_page("\ufeff<p>Schlaf gut, Grüße</p>".encode("utf-16-le"))
    assert page.blocks[0].text == "Schlaf gut, Grüße"


def test_utf16_without_bom_does_not_crash() -> None:
    page = extract_page("<p>Schlaf gut und träum süß</p>".encode("utf-16-le"))
    assert page.blocks[0].text == "Schlaf gut und träum süß"
    assert any("utf-16" in note for note in page.notes)


def test_meta_charset_windows_1252() -> None:
    data = '<meta charset="windows-1252"><p>Gr\xfc\xdfe \x96 caf\xe9</p>'.encode("latin-1")
    page = extract_page(data)
    assert page.blocks[0].text == "Grüße \N{EN DASH} café"
    assert "decoded as cp1252 (meta charset)" in page.notes


def test_http_content_type_wins_over_meta() -> None:
    data = '<meta charset="utf-8"><p>Привет</p>'.encode("cp1251")
    page = extract_page(data, content_type="text/html; charset=windows-1251")
    assert page.blocks[0].text == "Привет"


def test_undeclared_legacy_bytes_are_detected() -> None:
    text = "Große Überraschung für alle Käufer, schöne Grüße. " * 20
    data = f"<p>{text}</p>".encode("cp1252")
    page = extract_page(data)
    assert "Große" in page.blocks[0].text
    assert any("detected" in note for note in page.notes)


# --- robustness and limits ----------------------------------------------------------------------


def test_type_error_for_other_types() -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        extract_page(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"", "", "   ", b"\x00" * 100, "<<<>>>", "<a href=>", "<!--"])
def test_empty_and_junk_inputs_give_a_page(data: str | bytes) -> None:
    assert isinstance(extract_page(data), Page)


def test_random_bytes_give_a_page() -> None:
    data = random.Random(7).randbytes(5 * 1024 * 1024)
    page = extract_page(data, PAGE_URL)
    assert page.url == PAGE_URL
    assert "looks binary" in page.notes


def test_deep_nesting_completes_quickly() -> None:
    deep = '<p>deep <a href="https://deep.example.com/">x</a></p>'
    html = "<div>" * 100_000 + deep + "</div>" * 100_000
    start = time.perf_counter()
    page = extract_page(html)
    assert time.perf_counter() - start < 10
    assert [link.host for link in page.links] == ["deep.example.com"]
    assert any("flattened" in note for note in page.notes)


def test_deep_inline_nesting_does_not_recurse() -> None:
    page = extract_page("<span>" * 50_000 + "text" + "</span>" * 50_000)
    assert page.blocks[0].text == "text"


def test_size_caps_are_noted() -> None:
    limits = Settings(max_bytes=2000, max_links=5, max_text_chars=50, max_url_chars=40,
                      max_elements=100)
    html = "".join(f'<p>para {i} <a href="https://s{i}.example.com/{"x" * 60}">l</a></p>'
                   for i in range(200))
    page = extract_page(html.encode(), settings=limits)
    assert len(page.links) == 5
    assert sum(len(b.text) for b in page.blocks) <= 50
    assert all(len(link.url) <= 40 for link in page.links)
    assert all("cut at 40 characters" in link.notes for link in page.links)
    for note in ("truncated at 2000 bytes", "links capped at 5", "URLs cut at 40 characters",
                 "visible text cut at 50 characters"):
        assert note in page.notes


def test_element_cap_is_noted() -> None:
    page = extract_page("<p>x</p>" * 500, settings=Settings(max_elements=100))
    assert "stopped after 100 elements" in page.notes


@pytest.mark.parametrize(
    "html",
    ['<a href="https://x.example.com/">' * 20_000, "&amp;" * 500_000, "<p>\x00\x00nul</p>",
     '<div title="' + "a" * 10_000_000 + '">big</div>', "<a href=" + "x" * 100_000 + ">y</a>"],
    ids=["unclosed-anchors", "entity-flood", "nul-bytes", "huge-attribute", "huge-href"],
)
def test_hostile_inputs_give_a_page(html: str) -> None:
    assert isinstance(extract_page(html), Page)


def test_many_links_are_capped() -> None:
    html = "".join(f'<a href="https://h{i}.example.com/">l</a>' for i in range(100_000))
    page = extract_page(html)
    assert len(page.links) == Settings().max_links


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_arbitrary_input_never_raises(data: str | bytes) -> None:
    assert isinstance(extract_page(data, PAGE_URL), Page)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<a href='https://a.example.com/'>", "</a>",
                                 "<p>", "text ", "<style>.x{display:none}</style>",
                                 "<span class='x'>", "</html>", "www.b.example.com ", "<br>",
                                 "Telegram: @abcdef ", "<script>", "</script>"]), max_size=60))
def test_arbitrary_markup_never_raises(parts: list[str]) -> None:
    page = extract_page("".join(parts))
    assert all(0.0 <= link.position <= 1.0 for link in page.links)


def test_os_random_bytes_small() -> None:
    assert isinstance(extract_page(os.urandom(4096)), Page)


@pytest.mark.parametrize(
    "text",
    ["Les données géographiques.Il faut", "Visit on 002022-12-06 08:00", "IBAN 0000 0240 0118 33"],
)
def test_run_together_words_and_codes_are_not_links(text: str) -> None:
    assert extract_page(f"<p>{text}</p>").links == ()


def test_escaped_ampersand_is_not_obfuscation() -> None:
    link = one_link("<p>https://example.com/t?a=1&amp;amp;b=2</p>")
    assert (link.url, link.found) == ("https://example.com/t?a=1&b=2", "text")


def test_links_inside_noscript_are_hidden_links_and_their_text_is_not_shown():
    page = extract_page(
        '<p>Sleep advice.</p><noscript><div><a href="https://pills.example.shop/buy">'
        "order zolpidem</a> enable scripts</div></noscript>", "https://blog.example.org/sleep")
    [link] = [link for link in page.links if link.is_external]
    assert (link.url, link.is_hidden, link.how) == (
        "https://pills.example.shop/buy", True, "hidden")
    assert "zolpidem" not in page.text


@pytest.mark.parametrize(("shops", "found"), [(1, "obfuscated"), (2, "obfuscated"), (3, "listed"),
                                              (9, "listed")])
def test_a_page_that_defangs_more_than_two_shops_lists_them(shops, found):
    """A sale defangs one or two addresses; a registry of blocked shops defangs many."""
    items = "".join(f"<li>shop-{i}-pills[.]com</li>" for i in range(shops))
    page = extract_page(f"<p>Blocked sites:</p><ul>{items}</ul><p>See nightowl-store.net for more"
                        "</p>", "https://regulator.example/notice")
    defanged = [link for link in page.links if "pills" in link.domain]
    assert [link.found for link in defanged] == [found] * shops
    assert [link.found for link in page.links if link.domain == "nightowl-store.net"] == ["text"]


@pytest.mark.parametrize(("href", "url", "through"), [
    ("https://www.google.com/url?q=https://calmshop.net/buy-oxycodone&sa=D",
     "https://calmshop.net/buy-oxycodone", "www.google.com"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fpillstore.shop%2Fxanax&h=AT0",
     "https://pillstore.shop/xanax", "l.facebook.com"),
    ("https://calm--meds-net.translate.goog/xanax?_x_tr_sl=en&_x_tr_tl=de",
     "https://calm-meds.net/xanax", "calm--meds-net.translate.goog"),
])
def test_a_link_through_a_redirector_is_a_link_to_where_it_sends(href, url, through):
    """Read as it is, a sale passed through Google or Facebook is a link to Google or Facebook."""
    page = extract_page(f'<p>I got mine <a href="{href}">here</a>.</p>',
                        "https://blog.example.org/post")
    (link,) = page.links
    assert (link.url, link.found, link.is_external, link.raw) == (url, "anchor", True, href)
    assert (link.via, link.notes) == (through, ())


def test_a_share_button_for_the_page_itself_is_a_link_within_its_site():
    page = extract_page('<a href="https://www.facebook.com/sharer/sharer.php?u='
                        'https://blog.example.org/post">Share</a>', "https://blog.example.org/post")
    assert [(link.url, link.is_external) for link in page.links] == [
        ("https://blog.example.org/post", False)]


def test_a_links_context_reaches_back_a_sentence_for_the_drug_an_offer_names():
    """An offer names the drug a sentence before its link: the context reads sixteen words back."""
    text = ("A member recommends tramadol without seeing a GP for the pain. "
            "He says he gets it here: bit.ly/3Rk9tQm and it arrives in two days, no questions.")
    link = next(link for link in extract_page(f"<p>{text}</p>").links
                if link.domain == "bit.ly")
    # Sixteen words before the link (the sentence's first word is the seventeenth), six after.
    assert link.context.startswith("member recommends tramadol without seeing a GP")
    assert link.context.endswith("bit.ly/3Rk9tQm and it arrives in two days,")
