"""Links through someone else's redirector: where they send the reader.

A search engine's click-through link (``google.com/url?q=https://shop…``), a social network's
(``l.facebook.com/l.php?u=https%3A%2F%2Fshop…``), a newsletter's click tracker and an ad
network's carry the address they send the reader to in their query; a translation proxy
(``shop-net.translate.goog``) writes it in its host. Read as they are, a sale passed through
one of them is a link to Google, Facebook, the tracker or the proxy.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

_PROXY_SUFFIX = ".translate.goog"
"""Google Translate's proxy: ``shop-net.translate.goog`` serves ``shop.net`` (a ``-`` in the
host is written ``--``)."""
_WEB = ("http://", "https://")


def destination(url: str) -> str | None:
    """The web address a link to ``url`` sends its reader to, where another site passes it on.

    That is a whole web address on another host in the query (percent-decoded up to twice,
    the first such parameter), or the host a translation proxy serves. ``None`` otherwise.

    Examples
    --------
    >>> destination("https://www.google.com/url?q=https://shop.example/buy&sa=D")
    'https://shop.example/buy'
    >>> destination("https://l.facebook.com/l.php?u=https%3A%2F%2Fpills.example%2Fxanax&h=AT0")
    'https://pills.example/xanax'
    >>> destination("https://click.news.example/c?url=https%253A%252F%252Fshop.example%252Fa")
    'https://shop.example/a'
    >>> destination("https://calm--meds-net.translate.goog/xanax?_x_tr_sl=en&_x_tr_tl=de&p=2")
    'https://calm-meds.net/xanax?p=2'
    >>> destination("https://example.org/search?q=xanax") is None
    True
    >>> destination("https://example.org/login?next=https://example.org/account") is None
    True
    """
    if "?" not in url and _PROXY_SUFFIX not in url:  # most links: nothing to pass on
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if host.endswith(_PROXY_SUFFIX):
        served = host.removesuffix(_PROXY_SUFFIX)
        served = served.replace("--", "\0").replace("-", ".").replace("\0", "-")
        query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("_x_tr_"))
        return urlunsplit(("https", served, parts.path, query, ""))
    for _, value in parse_qsl(parts.query):
        passed = value if value.lower().startswith(_WEB) else unquote(value)
        if passed.lower().startswith(_WEB) and _host(passed) not in {"", host}:
            return passed
    return None


def _host(url: str) -> str:
    """The host of ``url``, ``""`` when it has none or cannot be parsed."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
