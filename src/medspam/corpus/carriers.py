"""Carriers: a sale address a page carries otherwise than as a link written in its HTML.

Hacked pages often carry the shop without an anchor a reader could see: a frame of one pixel,
a ``meta`` refresh, a script that sends visitors from a search engine on to the shop (Sucuri
and Rspamd flag all three). Others write their links with a script, so that a scan of the
source misses the shop's name (``document.write``, ``innerHTML``, jQuery, an array joined, a
string reversed or base64-encoded), or put them in elements a link filter does not read (an
SVG, a frame's inline ``srcdoc``, a form, a ``data-href``). Legitimate pages carry all of
these too (video and map embeds, tag-manager frames, share buttons, a refresh that reloads
the page, a newsletter link a script writes, an e-mail address reversed against harvesters,
search and donation forms, social icons), so the corpus writes both, and no kind of carrier
says "sale" by itself.

Every choice here draws from the caller's own generator: the corpus's other draws stay put.
"""

from __future__ import annotations

import base64
import html
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medspam.corpus.compose import Injection

__all__ = ["CARRIED_PLACEMENTS", "CARRIERS", "LEGIT_CARRIED_SHARE", "carry", "legit_carrier"]

CARRIED_PLACEMENTS = ("inline", "sidebar", "footer")
"""The placements whose shop anchors a share of injections carries otherwise instead: their
slots take any markup, and their draws are the same with or without it."""
CARRIERS = (("frame", 0.2), ("redirect", 0.2), ("script", 0.15), ("element", 0.15))
"""Each carrier, and the share of the injections of :data:`CARRIED_PLACEMENTS` it carries:
``frame`` and ``redirect`` load or send to the shop without a link; ``script`` writes the
links (or gives a link its address) with a script; ``element`` puts them in an SVG, a frame's
``srcdoc``, a form or a ``data-href``. The rest keep their plain anchors."""
LEGIT_CARRIED_SHARE = 0.25
"""Share of composed pages (of either label) that carry a harmless frame, redirect, scripted
link or form, SVG or ``data-href`` element."""

_FRAMES = (
    '<iframe src="{url}" width="1" height="1" frameborder="0"></iframe>',
    '<iframe src="{url}" style="display:none"></iframe>',
    '<div style="position:absolute;left:-9999px"><iframe src="{url}"></iframe></div>',
    '<iframe src="{url}" width="0" height="0" scrolling="no"></iframe>',
    '<iframe src="{url}" width="100%" height="480" loading="lazy" title="{anchor}"></iframe>',
)
_BODY_REDIRECTS = (
    '<script>window.location.href = "{url}";</script>',
    "<script>setTimeout(function () {{ location.replace('{url}'); }}, 3000);</script>",
    "<button class=\"btn\" onclick=\"location.href='{url}'\">{anchor}</button>",
    "<span class=\"more\" onclick=\"window.open('{url}')\">{anchor}</span>",
    ('<script>if (document.referrer.indexOf("google") > -1) {{ window.location = "{url}"; }}'
     "</script>"),
)
_HEAD_REDIRECTS = (
    '<meta http-equiv="refresh" content="{delay};url={url}">',
    ("<script>var r = document.referrer; if (/google|bing|yahoo/.test(r)) "
     "{{ top.location.replace('{url}'); }}</script>"),
)
_LEGIT_FRAMES = (
    ('<iframe width="560" height="315" src="https://www.youtube.com/embed/{token}" '
     'title="Video" allowfullscreen></iframe>'),
    ('<iframe src="https://www.google.com/maps/embed?pb={token}" width="400" height="300" '
     'style="border:0" loading="lazy"></iframe>'),
    '<iframe src="https://player.vimeo.com/video/{number}" width="640" height="360"></iframe>',
    ('<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-{token}" '
     'height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>'),
    ('<iframe src="https://www.facebook.com/plugins/like.php?layout=button&amp;width=90" '
     'width="90" height="20" scrolling="no" frameborder="0"></iframe>'),
)
_LEGIT_REDIRECTS = (
    "<button onclick=\"location.href='/newsletter'\">Subscribe</button>",
    ("<a class=\"share\" onclick=\"window.open('https://www.facebook.com/sharer/sharer.php?u=' "
     '+ encodeURIComponent(location.href)); return false;" href="#">Share</a>'),
    ("<script>if (location.protocol !== 'https:') {{ location.replace('https://' + "
     "location.host + location.pathname); }}</script>"),
    "<span onclick=\"window.open('/print/{number}', 'print', 'width=800')\">Print</span>",
    ('<script>document.getElementById("login").onclick = function () {{ window.location.href '
     '= "/login?next={number}"; }};</script>'),
)
_LEGIT_HEAD = (
    '<meta http-equiv="refresh" content="{delay}">',
)
_WRITERS = (
    "<script>document.write('{js}');</script>",
    ('<span id="{id}"></span><script>document.getElementById("{id}").innerHTML = '
     "'{js}';</script>"),
    ('<div id="{id}"></div><script>jQuery(function ($) {{ $("#{id}").append(\'{js}\'); }});'
     "</script>"),
    "<script>document.write([{pieces}].join(''));</script>",
    "<script>document.write('{reversed}'.split('').reverse().join(''));</script>",
    "<script>document.write(atob('{base64}'));</script>",
    "<script>document.write(unescape('{percent}'));</script>",
)
"""Scripts that write markup: ``{js}`` is it as a string literal, ``{pieces}`` as an array of
literals, ``{reversed}`` reversed, ``{base64}`` and ``{percent}`` encoded."""
_ADDRESSED = ('<a id="{id}" href="#">{anchor}</a><script>document.getElementById("{id}").href '
              "= '{url}';</script>")
"""A link a script gives its address (one shop)."""
_ELEMENTS = (
    ('<svg width="240" height="20" role="img"><a href="{url}"><text x="0" y="15">{anchor}'
     "</text></a></svg>"),
    '<form action="{url}" method="get"><button type="submit">{anchor}</button></form>',
    ('<form action="{url}" method="post"><input type="hidden" name="ref" value="{id}">'
     '<input type="submit" value="{anchor}"></form>'),
    '<div class="card" data-href="{url}"><span>{anchor}</span></div>',
)
"""Elements that carry one shop each, without an ``a`` in the page's HTML."""
_SRCDOC = ('<iframe width="{size}" height="{size}" frameborder="0" srcdoc="{document}">'
           "</iframe>")
"""A frame whose inline document holds the links."""
_LEGIT_WRITTEN = (
    ('<div id="nl{number}"></div><script>document.getElementById("nl{number}").innerHTML = '
     "'<a href=\"/newsletter\">Get our weekly newsletter</a>';</script>"),
    ("<script>document.write('<a href=\"https://www.facebook.com/sharer/sharer.php\">"
     "Share on Facebook</a>');</script>"),
    ('<div id="rel{number}"></div><script>jQuery(function ($) {{ $("#rel{number}").append('
     "'<a href=\"/topics\">More topics</a>'); }});</script>"),
    ("<script>document.write('<a href=\"' + ['mai', 'lto:', 'info', '@', 'contact-desk.org']"
     ".join('') + '\">E-mail us</a>');</script>"),
    ("<script>document.write('>a/<su liamE>\"gro.ksed-tcatnoc@ofni:otliam\"=ferh a<'"
     ".split('').reverse().join(''));</script>"),
    ("<script>document.write(atob('PGEgaHJlZj0iL3ByaXZhY3kiPlByaXZhY3kgcG9saWN5PC9hPg=='))"
     "</script>"),
)
"""Harmless scripted links: a newsletter link, a share link, e-mail addresses kept from
harvesters (joined, reversed), a base64-encoded privacy link."""
_LEGIT_ELEMENTS = (
    ('<form action="https://www.google.com/search" method="get"><input name="q">'
     '<input type="hidden" name="sitesearch" value="example.org"><button>Search</button>'
     "</form>"),
    ('<form action="https://{token}.us{digit}.list-manage.com/subscribe/post" method="post">'
     '<input type="email" name="EMAIL"><input type="submit" value="Subscribe"></form>'),
    ('<form action="https://www.paypal.com/donate" method="post"><input type="hidden" '
     'name="hosted_button_id" value="{token}"><input type="image" alt="Donate with PayPal">'
     "</form>"),
    ('<svg width="24" height="24"><a href="https://twitter.com/healthvoices{number}">'
     '<title>Twitter</title><path d="M0 0h24v24H0z"/></a></svg>'),
    ('<div class="fb-page" data-href="https://www.facebook.com/healthstories{number}" '
     'data-tabs="timeline"></div>'),
    ('<iframe width="100%" height="120" srcdoc="&lt;p&gt;Comments are closed. &lt;a '
     'href=&quot;/guidelines&quot;&gt;Community guidelines&lt;/a&gt;&lt;/p&gt;"></iframe>'),
)
"""Harmless forms (site search, newsletter, donation), an SVG icon link, a ``data-href``
widget and a ``srcdoc`` frame."""
_LEGIT = (*(("", frame) for frame in _LEGIT_FRAMES),
          *(("", redirect) for redirect in _LEGIT_REDIRECTS),
          *((head, "") for head in _LEGIT_HEAD),
          *(("", written) for written in _LEGIT_WRITTEN),
          *(("", element) for element in _LEGIT_ELEMENTS))
"""Every harmless carrier as (head, body) markup."""


def carry(rng: random.Random, inj: Injection, shops: list[tuple[str, str]]) -> None:
    """Carry ``inj``'s shop anchors otherwise, for a share of placements (:data:`CARRIERS`).

    ``shops`` are the injection's (URL, anchor text) pairs. The injection keeps its slot
    (inline, sidebar or footer) so that its page is laid out as before; a redirect of the
    sidebar or footer may move to the head (a ``meta`` refresh, a referrer check).
    """
    if inj.placement not in CARRIED_PLACEMENTS:
        return
    draw, kind = rng.random(), ""
    for carrier, share in CARRIERS:
        if draw < share:
            kind = carrier
            break
        draw -= share
    if not kind:
        return
    slot = inj.placement
    in_head = kind == "redirect" and slot != "inline" and rng.random() < 0.5  # noqa: PLR2004
    carried = shops[:1] if slot == "inline" or kind == "redirect" else shops
    if kind in {"frame", "redirect"}:
        styles = _FRAMES if kind == "frame" else _HEAD_REDIRECTS if in_head else _BODY_REDIRECTS
        style = rng.choice(styles)
        markup = "".join(style.format(url=html.escape(url), anchor=html.escape(anchor),
                                      delay=rng.choice((0, 0, 1, 3, 5))) for url, anchor in carried)
    elif kind == "script":
        markup = _scripted(rng, inj, slot, carried)
    else:
        markup = _in_elements(rng, inj, slot, carried)
    inj.placement = kind
    if in_head:
        inj.head_html, inj.sidebar_html, inj.footer_html = markup, "", ""
    elif slot == "inline":
        inj.inline_html = " " + markup
    elif slot == "sidebar":
        inj.sidebar_html = markup
    else:
        inj.footer_html = markup


def _slot_markup(inj: Injection, slot: str) -> str:
    """The markup an injection's slot holds as plain anchors."""
    return {"inline": inj.inline_html, "sidebar": inj.sidebar_html,
            "footer": inj.footer_html}[slot].strip()


def _scripted(rng: random.Random, inj: Injection, slot: str, shops: list[tuple[str, str]]) -> str:
    """A script that writes the slot's markup, or gives a link the (first) shop's address."""
    element_id = f"w{rng.getrandbits(24):x}"
    if rng.random() < 0.15:  # noqa: PLR2004
        url, anchor = shops[0]
        return _ADDRESSED.format(id=element_id, anchor=html.escape(anchor), url=_js(url))
    markup = _slot_markup(inj, slot)
    cut = rng.randint(6, 14)
    return rng.choice(_WRITERS).format(
        id=element_id, js=_js(markup),
        pieces=", ".join(f"'{_js(markup[i:i + cut])}'" for i in range(0, len(markup), cut)),
        reversed=_js(markup[::-1]),
        base64=base64.b64encode(markup.encode()).decode(),
        percent="".join(f"%{byte:02X}" for byte in markup.encode()))


def _in_elements(
    rng: random.Random, inj: Injection, slot: str, shops: list[tuple[str, str]]
) -> str:
    """The shops in SVG links, forms or ``data-href`` elements, or the slot's markup in a
    frame's ``srcdoc``."""
    if rng.random() < 0.25:  # noqa: PLR2004
        return _SRCDOC.format(size=rng.choice((1, 1, 300)),
                              document=html.escape(_slot_markup(inj, slot), quote=True))
    style = rng.choice(_ELEMENTS)
    return " ".join(style.format(url=html.escape(url), anchor=html.escape(anchor),
                                 id=f"r{rng.getrandbits(20):x}") for url, anchor in shops)


def _js(text: str) -> str:
    """``text`` as the inside of a single-quoted JavaScript string in an HTML script."""
    return (text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
            .replace("</", "<\\/"))


def legit_carrier(rng: random.Random) -> tuple[str, str]:
    """For a share of pages, a harmless frame or redirect: (head, body) markup, else empty."""
    if rng.random() >= LEGIT_CARRIED_SHARE:
        return "", ""
    fill = {"token": f"{rng.getrandbits(40):x}", "number": rng.randint(1000, 99999),
            "delay": rng.choice((300, 600, 900)), "digit": rng.randint(1, 21)}
    head, body = rng.choice(_LEGIT)
    return head.format(**fill), body.format(**fill)
