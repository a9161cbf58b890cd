"""Doorways: pages that send every visitor on at once, to a shop or to another site.

A hacked site's pages, and pages made for search engines, send their visitors on to a shop:
an HTTP redirect (a crawl keeps the 302 and its near-empty body) or a ``meta`` refresh, the
page's own text left for search engines. Sites send visitors on for harmless reasons too: a
page that moved to another site, a campaign address, a partner's page. The corpus writes both
with the same bodies and the same redirects; only where they send differs.

Every choice here draws from the caller's own generator.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

__all__ = ["HTTP_SHARE", "Doorway", "doorway"]

HTTP_SHARE = 0.5
"""Share of doorways that redirect by HTTP (a record's ``location``) rather than a refresh."""

_HTTP_BODIES = (
    "",
    ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
     "<title>{status}</title>\n</head><body>\n<h1>{reason}</h1>\n"
     '<p>The document has moved <a href="{url}">here</a>.</p>\n</body></html>\n'),
    ("<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n"
     "<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
    '<a href="{url}">{reason}</a>.\n',
)
"""Bodies servers send with a redirect (none; Apache's; nginx's; a bare link)."""
_REFRESH_BODIES = (
    "<html><head>{refresh}</head><body></body></html>",
    ('<html><head><meta charset="utf-8">{refresh}<title>Redirecting…</title></head>'
     '<body><p>Redirecting to <a href="{url}">{url}</a>…</p></body></html>'),
    ("<!DOCTYPE html><html><head>{refresh}</head><body><p>If you are not redirected "
     'automatically, follow this <a href="{url}">link</a>.</p></body></html>'),
)
"""Pages that exist only to refresh to the address."""
_STATUSES = (("301 Moved Permanently", "Moved Permanently"), ("302 Found", "Found"),
             ("307 Temporary Redirect", "Temporary Redirect"))


@dataclass(frozen=True, slots=True)
class Doorway:
    """A page that sends every visitor to ``location`` or by a refresh in its ``html``."""

    html: str
    location: str | None
    """Where the HTTP response redirects, for an HTTP doorway; else ``None``."""


def doorway(rng: random.Random, url: str, page: str) -> Doorway:
    """A page that sends every visitor to ``url``.

    ``page`` is the page as it was: a share of refresh doorways keep it (its text is for
    search engines) and only add the refresh to its head.
    """
    if rng.random() < HTTP_SHARE:
        status, reason = rng.choice(_STATUSES)
        body = rng.choice(_HTTP_BODIES)
        return Doorway(body.format(status=status, reason=reason, url=html.escape(url)), url)
    refresh = (f'<meta http-equiv="refresh" content="{rng.choice((0, 0, 0, 1, 2, 5))};'
               f'url={html.escape(url)}">')
    head = page.lower().find("</head>")
    if rng.random() < 0.4 and head >= 0:  # noqa: PLR2004
        return Doorway(page[:head] + refresh + page[head:], None)
    return Doorway(rng.choice(_REFRESH_BODIES).format(refresh=refresh, url=html.escape(url)), None)
