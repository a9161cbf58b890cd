"""Extraction: page bytes or text plus its URL become a :class:`~medspam.page.Page`.

``decode`` turns bytes into text, ``html`` walks the parsed tree (``hidden`` decides what a
visitor cannot see), ``textlinks`` finds links written as text, and ``links`` assembles them.

Examples
--------
>>> page = extract_page(b'<title>Hi</title><p>Visit <a href="/shop">our shop</a></p>',
...                     "https://example.org/post")
>>> page.title, page.links[0].url, page.links[0].is_external
('Hi', 'https://example.org/shop', False)

"""

from __future__ import annotations

import re

from medspam import urls
from medspam.extract.decode import Decoded, decode_bytes, decode_text
from medspam.extract.html import (
    MAX_REFRESH_DELAY,
    Anchor,
    Block,
    ParsedHtml,
    parse_html,
    read_refresh,
)
from medspam.extract.links import LinkContext, collect_links, page_link
from medspam.page import Link, Page, TextBlock
from medspam.settings import MB, Settings

__all__ = ["MAX_REFRESH_DELAY", "extract_page", "read_refresh"]

_TAG_START = re.compile(r"<[a-zA-Z!/?]")
_ANCHOR_TAG = re.compile(r"<(?:a|area)\b[^>]*?\bhref", re.IGNORECASE)
_HTML_END = ("</html", "</HTML", "</Html")


def extract_page(
    data: str | bytes,
    url: str | None = None,
    *,
    settings: Settings | None = None,
    content_type: str | None = None,
    location: str | None = None,
) -> Page:
    """Extract title, visible text blocks, language and every link from one page.

    Parameters
    ----------
    data
        The page: HTML or plain text, as ``str`` or ``bytes``.
    url
        The page's own URL, when known; links resolve against it.
    settings
        Size limits; the defaults when omitted.
    content_type
        The HTTP ``Content-Type`` header, whose ``charset`` helps decoding.
    location
        Where the HTTP response sends the visitor: a redirect's ``Location``, or the address
        of a ``Refresh`` header (:func:`read_refresh`). It is an automatic redirect.

    Returns
    -------
    Page
        Always a page, possibly empty; ``notes`` say what decoding and the limits did.

    Raises
    ------
    TypeError
        If ``data`` is neither ``str`` nor ``bytes``, or ``location`` is not a ``str``.

    Examples
    --------
    >>> extract_page("Order at hxxps://pills[.]example.com now").links[0].found
    'obfuscated'

    """
    if not isinstance(data, str | bytes):
        msg = f"extract_page() takes the page as str or bytes, not {type(data).__name__}"
        raise TypeError(msg)
    if location is not None and not isinstance(location, str):
        msg = f"extract_page() takes the location as str, not {type(location).__name__}"
        raise TypeError(msg)
    settings = settings or Settings()
    notes: list[str] = []
    decoded = _decode(data, settings.max_bytes, content_type, notes)
    page_url = urls.normalise_url(url, max_chars=settings.max_url_chars) if url else None
    if decoded.is_binary:
        doc = ParsedHtml()
    elif _TAG_START.search(decoded.text):
        doc = parse_html(decoded.text, settings, find_declared_url=not url)
        _hide_after_html_end(decoded.text, doc.anchors)
    else:
        doc = _plain_text(decoded.text, settings)
    notes += doc.notes
    if location:
        doc.anchors.insert(0, _http_redirect(location, page_url, settings.max_url_chars))
    if not url and doc.declared_url[0]:
        url, page_url = _declared(doc, settings, notes)
    base = urls.normalise_url(doc.base_href, page_url) if doc.base_href else None
    context = LinkContext(page_url, base or page_url, settings)
    return _page(doc, collect_links(doc, context, notes), page_url, url, notes)


def _declared(doc: ParsedHtml, settings: Settings, notes: list[str]) -> tuple[str, str | None]:
    """The address the page declares, taken as its URL when the caller gave none (noted).

    Without an address every link counts as leaving the page's site, so a news page's own
    "cannabis" section scored as a shop (2 of the 661 real web pages were flagged without
    their URLs, none with them or with the addresses they declare). A page can declare any
    address: callers who know the URL should give it.
    """
    declared, tag = doc.declared_url
    page_url = urls.normalise_url(declared, max_chars=settings.max_url_chars)
    if page_url is not None:
        notes.append(f"no URL given: judged at the address the page declares ({tag})")
    return declared, page_url


def _http_redirect(location: str, page_url: str | None, max_chars: int) -> Anchor:
    """The HTTP response's redirect as the page's first anchor, resolved against its URL.

    A ``Location`` resolves against the page's address, never against a ``<base href>``.
    """
    href = urls.normalise_url(location, page_url, max_chars=max_chars) or location
    return Anchor(href=href, rel=(), element_index=0, is_hidden=False, carrier="redirect",
                  is_automatic=True, element="HTTP redirect")


def _decode(
    data: str | bytes, max_bytes: int, content_type: str | None, notes: list[str]
) -> Decoded:
    """Cut the input at ``max_bytes`` (characters for text) and decode it, noting both."""
    if len(data) > max_bytes:
        data = data[:max_bytes]
        notes.append(f"truncated at {_size(max_bytes)}")
    decoded = decode_bytes(data, content_type) if isinstance(data, bytes) else decode_text(data)
    notes += decoded.notes
    return decoded


def _size(n_bytes: int) -> str:
    """Format a byte count for a note: ``5 MB`` or ``1500 bytes``."""
    return f"{n_bytes / MB:g} MB" if n_bytes >= MB else f"{n_bytes} bytes"


def _hide_after_html_end(markup: str, anchors: list[Anchor]) -> None:
    """Mark the anchors written after the last ``</html>`` as hidden.

    Parsers move such content to the end of ``<body>``, so they are the last anchors walked.
    """
    end = max(markup.rfind(tag) for tag in _HTML_END)
    if end < 0:
        return
    count = len(_ANCHOR_TAG.findall(markup, end))
    for anchor in anchors[len(anchors) - count :] if count else ():
        anchor.is_hidden = True


def _plain_text(text: str, settings: Settings) -> ParsedHtml:
    """Blocks of a page without markup: one per non-empty line."""
    doc = ParsedHtml()
    lines = (" ".join(line.split()) for line in text[: settings.max_text_chars].splitlines())
    for line in lines:
        if line:
            doc.block_of[len(doc.blocks)] = len(doc.blocks)
            doc.blocks.append(_block(line, len(doc.blocks)))
    doc.element_count = len(doc.blocks)
    if len(text) > settings.max_text_chars:
        doc.notes.append(f"visible text cut at {settings.max_text_chars} characters")
    return doc


def _block(text: str, index: int) -> Block:
    """Make a visible, non-chrome block of plain text."""
    return Block(text, is_chrome=False, is_hidden=False, element_index=index)


def _page(
    doc: ParsedHtml, links: tuple[Link, ...], page_url: str | None, raw_url: str | None,
    notes: list[str],
) -> Page:
    """Assemble the page."""
    blocks = tuple(TextBlock(b.text, b.is_chrome) for b in doc.blocks if not b.is_hidden)
    url_link = page_link(page_url, raw_url or page_url, doc.title) if page_url else None
    return Page(url=page_url, title=doc.title, blocks=blocks, lang=doc.lang, links=links,
                url_link=url_link, notes=tuple(dict.fromkeys(notes)))
