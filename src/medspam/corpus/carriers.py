"""Carriers: a sale address a page loads or redirects to instead of showing it as a link.

Hacked pages often carry the shop without an anchor a reader could see: a frame of one pixel,
a ``meta`` refresh, a script that sends visitors from a search engine on to the shop (Sucuri
and Rspamd flag all three). Legitimate pages carry frames and redirects too (video and map
embeds, tag-manager frames, share buttons, a refresh that reloads the page), so the corpus
writes both, and neither kind of carrier says "sale" by itself.

Every choice here draws from the caller's own generator: the corpus's other draws stay put.
"""

from __future__ import annotations

import html
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medspam.corpus.compose import Injection

__all__ = ["CARRIED_PLACEMENTS", "CARRIED_SHARE", "LEGIT_CARRIED_SHARE", "carry", "legit_carrier"]

CARRIED_PLACEMENTS = ("inline", "sidebar", "footer")
"""The placements whose shop anchors a share of injections carries as a frame or redirect
instead: their slots take any markup, and their draws are the same with or without it."""
CARRIED_SHARE = 0.4
"""Share of the injections of :data:`CARRIED_PLACEMENTS` carried as a frame or redirect."""
LEGIT_CARRIED_SHARE = 0.15
"""Share of composed pages (of either label) that embed a frame or make a harmless redirect."""

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
_LEGIT = (*(("", frame) for frame in _LEGIT_FRAMES),
          *(("", redirect) for redirect in _LEGIT_REDIRECTS),
          *((head, "") for head in _LEGIT_HEAD))
"""Every harmless carrier as (head, body) markup."""


def carry(rng: random.Random, inj: Injection, shops: list[tuple[str, str]]) -> None:
    """Carry ``inj``'s shop anchors as frames or a redirect, for a share of placements.

    ``shops`` are the injection's (URL, anchor text) pairs. The injection keeps its slot
    (inline, sidebar or footer) so that its page is laid out as before; a redirect of the
    sidebar or footer may move to the head (a ``meta`` refresh, a referrer check).
    """
    if inj.placement not in CARRIED_PLACEMENTS or rng.random() >= CARRIED_SHARE:
        return
    slot = inj.placement
    kind = rng.choice(("frame", "redirect"))
    in_head = kind == "redirect" and slot != "inline" and rng.random() < 0.5  # noqa: PLR2004
    styles = _FRAMES if kind == "frame" else _HEAD_REDIRECTS if in_head else _BODY_REDIRECTS
    style = rng.choice(styles)
    carried = shops[:1] if slot == "inline" or kind == "redirect" else shops
    markup = "".join(style.format(url=html.escape(url), anchor=html.escape(anchor),
                                  delay=rng.choice((0, 0, 1, 3, 5))) for url, anchor in carried)
    inj.placement = kind
    if in_head:
        inj.head_html, inj.sidebar_html, inj.footer_html = markup, "", ""
    elif slot == "inline":
        inj.inline_html = " " + markup
    elif slot == "sidebar":
        inj.sidebar_html = markup
    else:
        inj.footer_html = markup


def legit_carrier(rng: random.Random) -> tuple[str, str]:
    """For a share of pages, a harmless frame or redirect: (head, body) markup, else empty."""
    if rng.random() >= LEGIT_CARRIED_SHARE:
        return "", ""
    fill = {"token": f"{rng.getrandbits(40):x}", "number": rng.randint(1000, 99999),
            "delay": rng.choice((300, 600, 900))}
    head, body = rng.choice(_LEGIT)
    return head.format(**fill), body.format(**fill)
