"""Page and Link: what extraction produces and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Found = Literal["anchor", "frame", "redirect", "text", "obfuscated", "listed", "contact", "page"]
"""How a link was found: an ``<a>``/``<area>`` element (also one a script writes; a form's
address and an element's ``data-href`` count as one), a frame the
page loads (``iframe``, ``frame``, ``embed``, ``object``), a redirect (``meta`` refresh, script
or event-handler navigation), a plain-text URL or bare domain, an obfuscated form
(``hxxps://``, ``example[.]com``), one of more than two domains a page writes defanged
(*listed*: a registry of blocked shops, a security note; see ``medspam.extract.links``), a
contact channel (Telegram, WhatsApp, phone), or the page's own address."""


_CARRIED = frozenset({"frame", "redirect"})


@dataclass(frozen=True, slots=True)
class Link:
    """One outbound link, or link-like contact, found on a page.

    Examples
    --------
    >>> link = Link(url="https://shop.example/buy", raw="shop.example/buy", found="text")
    >>> link.how
    'text'
    """

    url: str
    """Normalised absolute URL (``tg://``, ``tel:`` or ``wa:`` URIs for contacts)."""
    raw: str = ""
    """The link as written on the page, before normalisation and de-obfuscation."""
    found: Found = "anchor"
    """How the link was found."""
    host: str = ""
    """Lower-case host name (IDN in Unicode); empty for contacts."""
    domain: str = ""
    """Registered domain (``buycocaineonline.info``); the full host for platform hosts
    (``someone.blogspot.com``) and IP addresses; empty for contacts."""
    anchor: str = ""
    """Anchor text (or ``alt``/``title`` of an image link); for text links, the matched text."""
    rel: tuple[str, ...] = ()
    """``rel`` tokens, lower case (``nofollow``, ``sponsored``, ``ugc``)."""
    position: float = 0.0
    """Relative position in the document, 0 at the start and 1 at the end."""
    context: str = ""
    """A few words of text around the link."""
    is_hidden: bool = False
    """The link sits in an element hidden with CSS or after ``</html>``."""
    is_external: bool = True
    """The link leaves the page's site (always true when the page URL is unknown)."""
    is_scripted: bool = False
    """A script sets the link: it writes it into the page (``document.write``, ``innerHTML``,
    jQuery) or gives it its address (``a.href = …``). Its address is not in the HTML as sent,
    so a search of the page source for it can miss it."""
    is_automatic: bool = False
    """A redirect the browser follows by itself, for every visitor: the HTTP response's
    (``Location``, ``Refresh``) or a ``meta`` refresh within ten seconds. A visitor never
    stays on the page, so it is judged as where it sends them too."""
    element: str = ""
    """The markup that carries the address, as a CSS selector to find it in the page source:
    ``a[href]``, ``area[href]``, ``svg a[href]``, ``div[data-href]`` (an element a script
    follows when clicked), ``button[data-go]`` (any ``data-`` attribute that holds an address
    in base64: a cloaked link), ``form[action]``, ``button[formaction]``, ``iframe[src]``,
    ``object[data]``, ``meta[http-equiv=refresh]``, ``img[onerror]`` (an event handler),
    ``script``, ``a#id`` (a link a script gives its address), ``HTTP redirect`` (the
    response's ``Location`` or ``Refresh``), or, hidden, ``meta[property=og:url]`` (the page's
    Open Graph address) and ``script[type=application/ld+json]`` (a ``url`` in its structured
    data). Empty for an address written in the text (``found`` says how; the page's
    description for search engines is hidden text) and for the page's own address."""
    via: str = ""
    """The host of another site's redirector the link passes through (``www.google.com`` for
    ``google.com/url?q=https://shop…``): ``url`` is where it sends the reader, ``raw`` what the
    page shows. Empty for a direct link."""
    notes: tuple[str, ...] = ()
    """What normalisation did or could not do ("cut at 2048 characters", "punycode decoded")."""

    @property
    def how(self) -> str:
        """How the link was found, with ``hidden`` taking precedence over a link's own kind.

        A frame or redirect keeps its kind (``is_hidden`` tells a hidden frame): that a page
        loads an address without showing a link says more than that the frame is hidden.
        """
        return "hidden" if self.is_hidden and self.found not in _CARRIED else self.found


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One block of visible text (a paragraph, heading, list item, cell)."""

    text: str
    """The block's text with white space folded."""
    is_chrome: bool = False
    """The block sits in page chrome: ``nav``, ``header``, ``footer``, ``aside`` or a menu."""


@dataclass(frozen=True, slots=True)
class Page:
    r"""A page as extraction sees it: title, visible text by block, language and links.

    Examples
    --------
    >>> page = Page(title="Hi", blocks=(TextBlock("Hello"), TextBlock("Menu", is_chrome=True)))
    >>> page.text
    'Hi\nHello\nMenu'
    >>> page.main_text
    'Hi\nHello'
    """

    url: str | None = None
    """The page's own URL when known, normalised."""
    title: str = ""
    """Content of ``<title>`` (or the first heading when there is none)."""
    blocks: tuple[TextBlock, ...] = ()
    """Visible text blocks in document order."""
    lang: str = ""
    """Declared language (``<html lang>``, ``content-language``), lower case; empty if none."""
    links: tuple[Link, ...] = ()
    """Every outbound link and contact found, in document order, de-duplicated by URL."""
    url_link: Link | None = None
    """The page's own URL as a :class:`Link` (``found="page"``), scored like any link."""
    notes: tuple[str, ...] = field(default=())
    """What extraction did to the input ("decoded as cp1252", "truncated at 5 MB")."""

    @property
    def text(self) -> str:
        """Title and all visible text, one block per line."""
        return "\n".join([self.title, *(b.text for b in self.blocks)] if self.title else
                         [b.text for b in self.blocks])

    @property
    def main_text(self) -> str:
        """Title and visible text outside page chrome, one block per line."""
        parts = [b.text for b in self.blocks if not b.is_chrome]
        return "\n".join([self.title, *parts] if self.title else parts)
