"""HTML walking: one iterative pass over a lexbor tree for title, language, text blocks, anchors.

Anchors are every address the page links to, loads or sends a visitor to: ``a`` and ``area``
links (an inline SVG's too), a form's ``action`` (or a submit button's ``formaction``), an
element's ``data-href`` and an address a ``data-`` attribute cloaks in base64 for a script to
open, and, without a link anyone sees, ``iframe``/``frame``/``embed``/
``object`` sources, a ``meta`` refresh and the addresses a script, a ``javascript:`` link or an
event handler navigates to (``location.href = "…"``, ``window.open("…")``) or gives a link
(``a.href = "…"``): the hidden frames and redirects of hacked pages. The markup a script writes
(``document.write``, ``innerHTML``, jQuery), a frame's inline document (``srcdoc``, a
``data:`` address) and the markup a page's JSON data holds for its script to render are walked
where they stand, as a browser shows them (:mod:`medspam.extract.scripts`). What the page says
of itself to search engines (its description, Open Graph card and structured data) is hidden
text, and the addresses there hidden links (:mod:`medspam.extract.metadata`).

selectolax's lexbor parser is fast (tens of MB/s) and the walk uses ``child``/``next``/``parent``
with an explicit stack, so no nesting depth can overflow Python's stack. Lexbor itself slows
down quadratically on extreme nesting, so markup nested deeper than :data:`MAX_DEPTH` is
flattened before parsing.

Examples
--------
>>> doc = parse_html('<title>T</title><nav><a href="/">Home</a></nav><p>Hi <b>you</b></p>')
>>> [(b.text, b.is_chrome) for b in doc.blocks], doc.anchors[0].href
([('Home', True), ('Hi you', False)], '/')

"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser

from medspam.extract.hidden import HidingRules, is_hidden_element
from medspam.extract.metadata import (
    DATA_TYPES,
    STRUCTURED,
    Described,
    data_markup,
    head_description,
    structured_data,
)
from medspam.extract.scripts import MAX_MARKUP_CHARS, acts_on_page, read_script, script_urls
from medspam.obfuscation import BASE64_WEB, base64_address
from medspam.settings import Settings

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

__all__ = ["MAX_DEPTH", "MAX_REFRESH_DELAY", "Anchor", "Block", "Carrier", "ParsedHtml",
           "parse_html", "read_refresh"]

MAX_DEPTH = 1_000
"""Deepest element nesting parsed as written; deeper tags are dropped (text and links stay)."""

_SKIP = frozenset(
    {"script", "style", "template", "head", "svg", "math", "iframe", "object",
     "embed", "canvas", "select", "-comment", "title"}
)
_BLOCK = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td",
     "th", "tr", "table", "caption", "blockquote", "section", "article", "main", "pre", "br",
     "hr", "form", "fieldset", "legend", "figure", "figcaption", "address", "header", "footer",
     "nav", "aside", "details", "summary", "body", "center", "option", "label", "textarea"}
)
"""Elements whose text is a block of its own. A ``textarea``'s is text a visitor sees, as
written: the embed code a page offers to copy (``<a href="https://…">…</a>``) shows its
addresses, which are read as written in the text."""
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "menu", "menubar"}
)
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:menus?|nav|navbar|navigation|sidebar|footer|breadcrumbs?|cookies?)(?:$|[\s_-])",
    re.IGNORECASE,
)
_LINK_TAGS = frozenset({"a", "area"})
_FORM_TAGS = frozenset({"form", "button", "input"})
"""Elements that send the visitor on when a form is submitted: a form's ``action``, a submit
button's ``formaction``."""
_LINKING = _FORM_TAGS | {"svg"}
"""Elements whose links the walk finds in them, not as it goes: an inline SVG's, a form's."""
_SUBMIT = ('button:not([type]), button[type="submit" i], input[type="submit" i], '
           'input[type="image" i]')
"""A form's submit controls, whose words are the words of the link a form is."""
_SOURCE_OF = {"iframe": "src", "frame": "src", "embed": "src", "object": "data"}
"""Elements that load another document into the page, and the attribute naming it."""
_HANDLERS = frozenset({
    "onclick", "ondblclick", "onauxclick", "oncontextmenu", "onmousedown", "onmouseup",
    "onmouseover", "onmouseenter", "onmousemove", "onmouseout", "onmouseleave", "onpointerdown",
    "onpointerup", "onpointerover", "onpointerenter", "ontouchstart", "ontouchend", "onkeydown",
    "onkeyup", "onkeypress", "onfocus", "onfocusin", "onblur", "onchange", "oninput",
    "onsubmit", "onscroll", "onwheel", "onload", "onerror", "onpageshow", "onbeforeunload",
    "onunload", "onresize", "onanimationstart", "onanimationend", "ontransitionend", "onplay",
})
"""Event handlers read for navigation: the interaction and load events a page fires."""
_NESTING = frozenset({"script", *_SOURCE_OF})
"""Elements that may carry markup of their own: a script's writes, a frame's ``srcdoc`` or
``data:`` document."""
_DATA_HTML = re.compile(r"\s*data:text/html(?P<parameters>[^,]{0,200}),", re.IGNORECASE)
_MAX_DATA_CHARS = 2 * MAX_MARKUP_CHARS
"""Characters of a ``data:`` address decoded (base64 grows a document by a third)."""
_PLACEHOLDERS = frozenset({"", "#", "javascript:", "javascript:;", "javascript:void(0)",
                           "javascript:void(0);"})
"""An ``href`` that leads nowhere: a script decides where the link goes."""
_LOADS = frozenset({"body", "frameset", "img", "iframe", "frame", "object", "embed", "input"})
"""Elements whose ``onload`` runs (a ``div`` never loads)."""
_TINY = frozenset({"0", "1", "0px", "1px"})
"""Frame widths or heights that show nothing: the hidden frame of a hacked page."""
_REFRESH_URL = re.compile(
    r"""\s*+([\d.]++)\s*+[;,]?+\s*+(?:url\s*+=\s*+)?+["']?+([^"'\s]+)""",
    re.IGNORECASE)
"""A refresh's delay and address, as HTML parses them: ``0; url='…'``, ``0;…``, ``5, …``."""
MAX_REFRESH_DELAY = 10.0
"""Seconds: a refresh that sends visitors on within this is automatic (see
:attr:`Anchor.is_automatic`); a later one reloads a page left open, as news sites do."""
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)
_KEPT_WHEN_DEEP = _VOID | _LINK_TAGS
_MANY_TAGS = 20_000
_MAX_TITLE = 1_000
_FILE_SEPARATORS = re.compile(r"[-_.+]+")
_MAX_CONTROL_TEXT = 1_000
"""Characters of a submit control's words kept as its form's link text, and of a frame's
``title``."""


Carrier = Literal["anchor", "frame", "redirect"]
"""How a page carries an address: a link to click, a frame it loads, a redirect it makes."""


@dataclass(slots=True)
class Anchor:
    """An address the page links to, frames or redirects to, as found, before URL resolution."""

    href: str
    """The address as written (``href``, ``src``, the refresh's or script's URL)."""
    rel: tuple[str, ...]
    """``rel`` tokens, lower case."""
    element_index: int
    """Index of the element among the walked elements."""
    is_hidden: bool
    """The anchor sits in a hidden element."""
    parts: list[str] = field(default_factory=list)
    """Text pieces inside the anchor."""
    alt: str = ""
    """``alt``/``title`` of an image inside it (or of the ``area`` itself)."""
    block_serial: int = -1
    """Serial number of the text buffer the anchor began in (see ``ParsedHtml.block_of``)."""
    carrier: Carrier = "anchor"
    """``anchor`` (``a``, ``area``), ``frame`` (``iframe``, ``frame``, ``embed``, ``object``)
    or ``redirect`` (``meta`` refresh, script or event-handler navigation)."""
    is_scripted: bool = False
    """Found in markup a script writes, not in the HTML as sent."""
    is_fallback: bool = False
    """A form's ``action``, an element's ``data-href`` or an address the page's metadata gives:
    an ``a`` or ``area`` link to the same address wins, with its own words (a search form posts
    to the home page the logo links)."""
    is_automatic: bool = False
    """A redirect the browser follows by itself, for every visitor: the HTTP response's or a
    ``meta`` refresh within :data:`MAX_REFRESH_DELAY`. It wins over a link to the same address."""
    element: str = ""
    """The markup that carries the address (see :attr:`medspam.page.Link.element`)."""

    @property
    def text(self) -> str:
        """Anchor text with white space folded, else the image ``alt``/``title``."""
        return " ".join("".join(self.parts).split()) or self.alt


@dataclass(frozen=True, slots=True)
class Block:
    """One block of text as walked, visible or hidden."""

    text: str
    """Text with white space folded."""
    is_chrome: bool
    """Inside page chrome (navigation, header, footer, aside, menus)."""
    is_hidden: bool
    """Inside a hidden element: not shown to visitors."""
    element_index: int
    """Index of the element the block starts in."""


@dataclass(slots=True)
class ParsedHtml:
    """What one walk over the HTML found."""

    title: str = ""
    """``<title>`` text, else the first ``<h1>``."""
    lang: str = ""
    """Primary language subtag declared by ``<html lang>`` or ``content-language``."""
    base_href: str = ""
    """``<base href>`` value, if any."""
    declared_url: tuple[str, str] = ("", "")
    """The address the page gives for itself, and the tag: ``og:url``, else ``canonical``
    (looked for only when asked: ``parse_html(find_declared_url=True)``)."""
    blocks: list[Block] = field(default_factory=list)
    """Visible and hidden text blocks, in document order."""
    anchors: list[Anchor] = field(default_factory=list)
    """Every ``a[href]`` and ``area[href]``, form address, ``data-href``, frame source and
    redirect, in document order (the ``meta`` refresh and the head's scripts first)."""
    block_of: dict[int, int] = field(default_factory=dict)
    """Text buffer serial number -> index in ``blocks`` (buffers that held text only)."""
    element_count: int = 0
    """Elements walked."""
    notes: list[str] = field(default_factory=list)
    """Limits hit ("stopped after 200000 elements")."""


def parse_html(
    markup: str, settings: Settings | None = None, *, find_declared_url: bool = False
) -> ParsedHtml:
    """Parse HTML and walk it once.

    Parameters
    ----------
    markup
        The page as text.
    settings
        Limits (elements walked, characters of text kept).
    find_declared_url
        Also find the address the page declares (``declared_url``), needed only when the
        caller gave none: two more tree searches, 0.06 ms on a real page.

    Returns
    -------
    ParsedHtml
        Title, language, base URL, text blocks and anchors.

    """
    settings = settings or Settings()
    notes: list[str] = []
    if markup.count("<") > _MANY_TAGS:
        markup = _flatten_deep(markup, notes)
    tree = LexborHTMLParser(markup)
    rules = HidingRules.from_styles(node.text(deep=True) for node in tree.css("style"))
    walker = _Walker(rules, settings, read_scripts=acts_on_page(markup),
                     reads_cloaks=BASE64_WEB in markup)
    _read_head(tree, walker)
    if tree.root is not None:
        walker.walk(tree.root)
    walker.finish()
    doc = walker.doc
    doc.title = _title(tree)
    doc.lang = _lang(tree)
    base = tree.css_first("base[href]")
    doc.base_href = (base.attributes.get("href") or "") if base is not None else ""
    if find_declared_url:
        doc.declared_url = _declared_url(tree, settings.max_url_chars * 2)
    doc.notes = notes + doc.notes
    return doc


def _flatten_deep(markup: str, notes: list[str]) -> str:
    """Drop tags nested deeper than :data:`MAX_DEPTH`; their text and all links stay."""
    depth = 0
    dropped = 0

    def visit(match: re.Match[str]) -> str:
        nonlocal depth, dropped
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _KEPT_WHEN_DEEP:
            return match.group()
        depth += -1 if closing else 1
        if (depth > MAX_DEPTH and not closing) or (closing and depth >= MAX_DEPTH):
            dropped += 1
            return ""
        return match.group()

    flat = _TAG.sub(visit, markup)
    if dropped:
        notes.append(f"nesting deeper than {MAX_DEPTH} levels flattened ({dropped} tags dropped)")
    return flat


def read_refresh(content: str) -> tuple[float, str] | None:
    """The delay and address of a refresh, or ``None`` when it only reloads the page.

    ``content`` is a ``meta`` refresh's ``content``, or the HTTP ``Refresh`` header.

    Examples
    --------
    >>> read_refresh("0; url='https://shop.example/'"), read_refresh("300")
    ((0.0, 'https://shop.example/'), None)
    """
    match = _REFRESH_URL.match(content)
    if match is None:
        return None
    try:
        delay = float(match.group(1))
    except ValueError:  # "1.2.3": browsers read the leading number
        delay = float(match.group(1).split(".", 1)[0] or 0)
    return delay, match.group(2)


def _fold(text: str, limit: int | None = None) -> str:
    """Fold runs of white space to one space and strip; cut at ``limit`` characters, if given.

    Only four times ``limit`` characters are read (a 10 MB attribute is not split).
    """
    if limit is None:
        return " ".join(text.split())
    return " ".join(text[: limit * 4].split())[:limit]


def _read_head(tree: LexborHTMLParser, walker: _Walker) -> None:
    """Read what the walk skips in the head: its descriptions, a ``meta`` refresh, scripts."""
    head = tree.head
    if head is None:
        return
    described = head_description(head)
    if described is not None:
        walker.described.append(described)
    for node in head.css('meta[http-equiv="refresh" i], script'):
        if node.tag == "meta":
            walker.add_refresh(node.attributes, is_hidden=False)
        else:
            walker.add_nested(node, "script", node.attributes)


def _data_document(source: str) -> str:
    """The HTML document a ``data:text/html`` address carries, base64 or percent-encoded."""
    header = _DATA_HTML.match(source)
    if header is None:
        return ""
    data = source[header.end(): header.end() + _MAX_DATA_CHARS]
    if ";base64" not in header.group("parameters").lower():
        return unquote(data)
    data = data[: len(data) // 4 * 4]
    try:
        return base64.b64decode(data).decode("utf-8", "replace")
    except (binascii.Error, ValueError):  # not base64
        return ""


def _cloaked(attributes: dict[str, str | None]) -> tuple[str, str] | None:
    """A ``data-`` attribute that holds a web address in base64, and the address it holds.

    Link cloaking keeps a link's address out of the markup, and a script opens it on a click
    (``<button data-go="aHR0cHM6…">``, ``<a href="#" data-lnk="aHR0cHM6…">``): SEO plugins
    hide affiliate links so, and hacked pages their shops, from scanners that read ``href``.

    Examples
    --------
    >>> _cloaked({"class": "go", "data-go": "aHR0cHM6Ly9zaG9wLmV4YW1wbGUvYnV5"})
    ('data-go', 'https://shop.example/buy')
    >>> _cloaked({"data-id": "aHR0cA"}) is None  # "http": no address
    True
    """
    for name, value in attributes.items():
        if name.startswith("data-") and value and (address := base64_address(value)):
            return name, address
    return None


def _title(tree: LexborHTMLParser) -> str:
    """``<title>`` text, else the first ``<h1>``'s."""
    for selector in ("title", "h1"):
        node = tree.css_first(selector)
        if node is not None:
            text = _fold(node.text(deep=True), _MAX_TITLE)
            if text:
                return text
    return ""


def _declared_url(tree: LexborHTMLParser, max_chars: int) -> tuple[str, str]:
    """The absolute address the page declares for itself, and the tag that declares it.

    ``og:url`` comes first, then ``<link rel=canonical>``: a syndicated article's canonical
    names the original on another site, its ``og:url`` the page as published. Measured on the
    661 real web pages classified without their URLs (model ``52fcfe71…``): ``og:url`` first
    flagged none, canonical first one (that syndicated article, 0.84), neither two. Relative
    values say nothing about the site and are left out. The value is cut at ``max_chars`` (a
    10 MB attribute is not copied; normalising cuts the URL again).
    """
    for selector, attribute, name in (('meta[property="og:url" i]', "content", "og:url"),
                                      ('link[rel~="canonical" i]', "href", "canonical")):
        node = tree.css_first(selector)
        value = ((node.attributes.get(attribute) or "") if node is not None else "").strip()
        if value[:8].lower().startswith(("http://", "https://")):
            return value[:max_chars], name
    return "", ""


def _lang(tree: LexborHTMLParser) -> str:
    """Primary subtag of ``<html lang>`` or ``content-language``, lower case."""
    node = tree.css_first("html[lang]")
    value = node.attributes.get("lang") if node is not None else None
    if not value:
        meta = tree.css_first('meta[http-equiv="content-language" i]')
        value = meta.attributes.get("content") if meta is not None else None
    primary = re.split(r"[-_,;\s]", (value or "").strip(), maxsplit=1)[0].lower()
    return primary if primary.isalpha() and len(primary) <= 8 else ""  # noqa: PLR2004


class _State(NamedTuple):
    """What an element passes to its content."""

    is_skipped: bool
    is_hidden: bool
    is_chrome: bool
    anchor: Anchor | None

    def with_anchor(self, anchor: Anchor) -> _State:
        """The state inside ``anchor``: ``_replace(anchor=…)`` at half its cost."""
        return _State(self.is_skipped, self.is_hidden, self.is_chrome, anchor)


_ROOT_STATE = _State(is_skipped=False, is_hidden=False, is_chrome=False, anchor=None)


class _Walker:
    """Walks the tree once, collecting blocks and anchors (the hot path: kept lean)."""

    def __init__(self, rules: HidingRules, settings: Settings, *, read_scripts: bool,
                 reads_cloaks: bool) -> None:
        """Start an empty walk with hiding ``rules`` and ``settings`` limits.

        ``read_scripts``: read inline scripts and event handlers (see
        :func:`medspam.extract.scripts.acts_on_page`). ``reads_cloaks``: look for links whose
        address a ``data-`` attribute holds in base64 (:func:`_cloaked`).
        """
        self.rules = rules
        self.read_scripts = read_scripts
        self.reads_cloaks = reads_cloaks
        self.writing = False
        """Walking markup the page carries inside it (see :meth:`walk_markup`)."""
        self.scripted = False
        """… and a script wrote it."""
        self.by_id: dict[str, tuple[Anchor, bool]] = {}
        """Anchors with an ``id``, and whether they are listed (have an address)."""
        self.given: dict[str, str] = {}
        """Addresses scripts gave to anchors by ``id`` before the anchors came."""
        self.described: list[Described] = []
        """What the page says of itself to search engines, recorded when the walk ends."""
        self.max_written = settings.max_written_chars
        self.written_room = settings.max_written_chars
        self.max_elements = settings.max_elements
        self.max_chars = settings.max_text_chars
        self.doc = ParsedHtml()
        self.state = _ROOT_STATE
        self.stack: list[tuple[_State, bool]] = []
        self.buffer: list[str] = []
        self.buffer_start = 0
        self.serial = 0
        self.chars = 0

    def walk(self, root: LexborNode) -> None:
        """Visit every node under ``root`` in document order, without recursion.

        A script's written markup is walked the same way, from :meth:`add_script`, inside
        this walk: it stops where it began (``base`` open elements).
        """
        node: LexborNode | None = root
        base = len(self.stack)
        while node is not None:
            tag = node.tag or ""
            if tag == "-text":
                self.add_text(node.text_content or "")
            elif not tag.startswith("-"):
                attributes = node.attributes
                if tag in _NESTING:
                    self.add_nested(node, tag, attributes)
                self.enter(tag, attributes)
                if tag in _LINKING and not self.stack[-1][0].is_skipped:
                    self.add_inner_links(node, tag, attributes)
                child = None if self.state.is_skipped else node.child
                if child is not None:
                    node = child
                    continue
                self.leave()
            if self.doc.element_count > self.max_elements:
                note = f"stopped after {self.max_elements} elements"
                if note not in self.doc.notes:
                    self.doc.notes.append(note)
                while len(self.stack) > base:
                    self.leave()
                break
            node = self._next_node(node, base)
        self.flush()

    def _next_node(self, node: LexborNode, base: int) -> LexborNode | None:
        """Return the node after ``node``'s subtree, leaving the parents it finishes.

        It leaves them down to ``base`` open elements: where the walk began.
        """
        while len(self.stack) > base:
            sibling = node.next
            if sibling is not None:
                return sibling
            parent = node.parent
            if parent is None:
                return None
            node = parent
            self.leave()
        return None

    def enter(self, tag: str, attributes: dict[str, str | None]) -> None:
        """Open an element frame."""
        self.doc.element_count += 1
        state = self.state
        new = state
        if tag in _SKIP and not state.is_skipped:
            new = new._replace(is_skipped=True)
        if not state.is_hidden and (tag == "noscript" or (  # browsers run scripts: not shown
                attributes and is_hidden_element(attributes, self.rules))):
            new = new._replace(is_hidden=True)
        if not state.is_chrome and _is_chrome(tag, attributes):
            new = new._replace(is_chrome=True)
        is_block = tag in _BLOCK
        if is_block or new is not state:
            self.flush()
        address = _address_of(tag, attributes, state.anchor, self.read_scripts)
        cloak = None
        if self.reads_cloaks and state.anchor is None and (
                (attributes.get(address) or "").strip().lower() in _PLACEHOLDERS):
            cloak = _cloaked(attributes)
            address = cloak[0] if cloak else address
        if address and not new.is_skipped:
            new = new.with_anchor(self.open_anchor(
                tag, attributes, address, new.is_hidden, href=cloak[1] if cloak else None))
        elif tag == "img" and state.anchor is not None and not state.anchor.alt:
            state.anchor.alt = _image_words(attributes)
        if not state.is_skipped and (tag in _SOURCE_OF or (
                self.read_scripts and not _HANDLERS.isdisjoint(attributes))):
            self.add_carried(tag, attributes, new.is_hidden)
        elif tag == "meta" and not state.is_skipped:  # browsers refresh from the body too
            self.add_refresh(attributes, is_hidden=new.is_hidden)
        self.stack.append((state, is_block))
        self.state = new

    def leave(self) -> None:
        """Close the innermost element frame."""
        inner = self.state
        outer, is_block = self.stack.pop()
        if is_block or outer.is_hidden != inner.is_hidden or outer.is_chrome != inner.is_chrome:
            self.flush()
        self.state = outer

    def open_anchor(
        self, tag: str, attributes: dict[str, str | None], address: str, is_hidden: bool,
        href: str | None = None,
    ) -> Anchor:
        """Record an anchor element whose address is attribute ``address`` (:func:`_address_of`).

        ``href``, when given, is the address decoded from that attribute (:func:`_cloaked`).
        On pages whose scripts are read, an anchor with an ``id`` is kept by it, so that a
        script can give it an address (:meth:`give_address`), before or after it; one without
        its address attribute is listed only once a script gives it one.
        """
        rel = tuple(token.lower() for token in (attributes.get("rel") or "").split())
        href = (attributes.get(address) or "") if href is None else href
        element_id = attributes.get("id") if self.read_scripts else None
        listed = address in attributes
        carrier: Carrier = "anchor"
        if href[:11].lower() == "javascript:":  # href="javascript:location.href='…'"
            href, carrier = next(iter(script_urls(href)), href), "redirect"
        anchor = Anchor(
            href=href,
            rel=rel,
            element_index=self.doc.element_count,
            is_hidden=is_hidden,
            block_serial=self.serial,
            carrier=carrier,
            is_scripted=self.scripted,
            is_fallback=address.startswith("data-"),
            element=f"{tag}[{address}]" if listed else f"{tag}#{element_id}",
        )
        if tag == "area":
            anchor.alt = _fold(attributes.get("alt") or attributes.get("title") or "")
        if element_id in self.given:  # a script before the anchor gave it its address
            anchor.href, anchor.carrier = self.given.pop(element_id), "anchor"
            anchor.is_scripted = listed = True
        if element_id:
            self.by_id.setdefault(element_id, (anchor, listed))
        if listed:
            self.doc.anchors.append(anchor)
        return anchor

    def give_address(self, element_id: str, href: str) -> None:
        """A script gives a link an address (``document.getElementById("go").href = …``).

        The anchor with ``element_id`` takes it, keeping its text and hiding; with no such
        anchor (yet), or none named, the address is a link of its own, with no text.
        """
        anchor, listed = self.by_id.get(element_id, (None, False))
        if anchor is None:
            if element_id:  # an anchor further on, or none: see finish()
                self.given.setdefault(element_id, href)
            else:
                self.add_target("anchor", href, self.state.is_hidden, is_scripted=True,
                                element="script")
            return
        anchor.href, anchor.carrier, anchor.is_scripted = href, "anchor", True
        if not listed:
            self.by_id[element_id] = (anchor, True)
            self.doc.anchors.append(anchor)

    def finish(self) -> None:
        """Record what is left when the walk ends.

        Addresses scripts gave to anchors the page does not have are links of their own; what
        the page says of itself to search engines comes last (:meth:`add_described`).
        """
        for href in self.given.values():
            self.add_target("anchor", href, is_hidden=False, is_scripted=True, element="script")
        self.given.clear()
        for described in self.described:
            self.add_described(described)
        self.described.clear()

    def add_carried(self, tag: str, attributes: dict[str, str | None], is_hidden: bool) -> None:
        """Record the document an element loads and the addresses its handlers navigate to.

        A frame's words are its ``title``, which names what it shows (as accessibility asks
        of every frame). Handlers are read only on pages that pass the script gate
        (``read_scripts``).
        """
        source = attributes.get(_SOURCE_OF.get(tag, ""))
        if source:
            tiny = attributes.get("width") in _TINY or attributes.get("height") in _TINY
            title = _fold(attributes.get("title") or "", _MAX_CONTROL_TEXT)
            self.add_target("frame", source, is_hidden or tiny, text=title,
                            element=f"{tag}[{_SOURCE_OF[tag]}]")
        if not self.read_scripts:
            return
        for name in attributes:
            if name in _HANDLERS and (name != "onload" or tag in _LOADS):
                for url in script_urls(attributes.get(name) or ""):
                    self.add_target("redirect", url, is_hidden, element=f"{tag}[{name}]")

    def add_inner_links(
        self, node: LexborNode, tag: str, attributes: dict[str, str | None]
    ) -> None:
        """Record the links of an inline SVG, or where submitting a form sends the visitor."""
        if tag == "svg":
            self.add_svg_links(node)
        else:
            self.add_form_target(node, tag, attributes)

    def add_form_target(
        self, node: LexborNode, tag: str, attributes: dict[str, str | None]
    ) -> None:
        """Record where submitting a form sends the visitor, as a link.

        That is its ``action``, or a submit button's ``formaction``; the link's words are the
        submit control's. An empty address submits to the page itself. Forms do not nest in
        parsed HTML, so looking for each form's submit control stays linear.
        """
        href = attributes.get("action" if tag == "form" else "formaction")
        if not href or not href.strip():
            return
        control = node.css_first(_SUBMIT) if tag == "form" else node
        text = ""
        if control is not None:
            text = ((control.attributes.get("value") or control.attributes.get("alt") or "")
                    if control.tag == "input" else control.text(deep=True))
        self.add_target("anchor", href, self.state.is_hidden, text=text[:_MAX_CONTROL_TEXT],
                        is_fallback=True,
                        element="form[action]" if tag == "form" else f"{tag}[formaction]")

    def add_refresh(self, attributes: dict[str, str | None], *, is_hidden: bool) -> None:
        """Record the address a ``meta`` refresh sends the visitor to, if it is one.

        It is automatic when soon enough, unless a frame's document holds it: that refresh
        moves the frame, not the page.
        """
        if (attributes.get("http-equiv") or "").strip().lower() == "refresh":
            refresh = read_refresh(attributes.get("content") or "")
            if refresh is not None:
                delay, href = refresh
                in_frame = self.writing and not self.scripted
                self.add_target("redirect", href, is_hidden, element="meta[http-equiv=refresh]",
                                is_automatic=delay <= MAX_REFRESH_DELAY and not in_frame)

    def add_target(
        self, carrier: Carrier, href: str, is_hidden: bool, *, element: str,
        is_scripted: bool = False, text: str = "", is_fallback: bool = False,
        is_automatic: bool = False,
    ) -> None:
        """Record an address found where the walk stands, outside an element it walks into.

        A redirect or an address a script gives a link has no text of its own; an SVG link, a
        form's address or a frame with a ``title`` has ``text``, its words. ``element`` is the
        markup that carries it (:attr:`Anchor.element`).
        """
        self.doc.anchors.append(Anchor(
            href=href, rel=(), element_index=self.doc.element_count, is_hidden=is_hidden,
            parts=[text] if text else [], block_serial=self.serial, carrier=carrier,
            is_scripted=is_scripted or self.scripted, is_fallback=is_fallback,
            is_automatic=is_automatic, element=element))

    def add_script(self, script: str | None) -> None:
        """Record the addresses an inline script navigates to, and walk the markup it writes.

        The markup is walked where the script stands, as a browser shows it; what the scripts
        in it write is not read (one level).
        """
        effects = read_script(script or "", room=self.room())
        for url in effects.urls:
            self.add_target("redirect", url, self.state.is_hidden, element="script")
        for element_id, url in effects.links:
            self.give_address(element_id, url)
        self.walk_markup(effects.markup, is_hidden=False, is_scripted=True)

    def add_nested(self, node: LexborNode, tag: str, attributes: dict[str, str | None]) -> None:
        """Read what an inline script does or the data it holds, or walk a frame's document.

        A frame's document is an ``iframe``'s ``srcdoc``, or a frame's ``data:text/html``
        address; it stands where the frame does, hidden when the frame is (or is tiny).
        """
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            if kind in DATA_TYPES:
                self.add_data(node.text(deep=True), kind)
            elif self.read_scripts and "src" not in attributes:
                self.add_script(node.text(deep=True))
            return
        markup = attributes.get("srcdoc") if tag == "iframe" else None  # srcdoc wins over src
        if markup is None:
            markup = _data_document(attributes.get(_SOURCE_OF[tag]) or "")
        if markup:
            tiny = attributes.get("width") in _TINY or attributes.get("height") in _TINY
            hidden = tiny or bool(is_hidden_element(attributes, self.rules))
            self.walk_markup(markup[: self.room()], is_hidden=hidden, is_scripted=False)

    def add_data(self, data: str, kind: str) -> None:
        """Read a script that holds data, not code.

        That is what its structured data describes, or the markup a framework's page data
        holds, walked as the page's script writes it.
        """
        if kind == STRUCTURED:
            self.described += structured_data(data, self.max_written)
        elif not self.writing and self.room() > 0:  # else walk_markup would walk none of it
            markup, room = data_markup(data[: self.max_written]), self.room()
            if len(data) > self.max_written or len(markup) > room:
                self.doc.notes.append("page data (JSON) cut at the nested-markup limits")
            self.walk_markup(markup[:room], is_hidden=False, is_scripted=True)

    def add_described(self, described: Described) -> None:
        """Record what the page says of itself to search engines: hidden text, hidden links.

        The words are a hidden block of their own and the addresses links in it, named by
        their words. They come after everything the walk found, so that a link, address or
        phone number the visitor sees wins over the same one there (a rehab centre's
        description gives its number as its page does).
        """
        self.flush()
        outer = self.state
        self.state = _State(outer.is_skipped, is_hidden=True, is_chrome=outer.is_chrome,
                            anchor=None)
        self.add_text(described.text)
        for href, words in described.addresses:
            self.add_target("anchor", href, is_hidden=True, text=words, is_fallback=True,
                            element=described.element)
        self.flush()
        self.state = outer

    def room(self) -> int:
        """Characters of nested markup (script writes, frame documents, page data) to walk."""
        return max(0, min(self.written_room, MAX_MARKUP_CHARS))

    def walk_markup(self, markup: str, *, is_hidden: bool, is_scripted: bool) -> None:
        """Walk markup that the page carries inside it, in place, one level deep.

        A script's writes and a frame's inline document are parsed as a body and walked with
        the state of where they stand (``is_hidden`` hides them further). Their characters count
        against the page's budget, ``Settings.max_written_chars``.
        """
        if not markup or self.written_room <= 0:
            return
        self.written_room -= len(markup)
        if self.written_room <= 0:
            self.doc.notes.append("markup nested in the page (script writes, frame documents, "
                                  f"page data) cut at {self.max_written} characters")
        if self.writing or self.state.is_skipped:
            return
        root = LexborHTMLParser("<body>" + markup).body  # its scripts stay in the body
        if root is None:
            return
        outer = self.state
        if is_hidden:
            self.state = outer._replace(is_hidden=True)
        self.writing, self.scripted = True, is_scripted
        self.walk(root)
        self.writing, self.scripted = False, False
        self.state = outer

    def add_svg_links(self, svg: LexborNode) -> None:
        """Record the links of an inline SVG (``<a href>`` or ``xlink:href``).

        The walk skips the rest of an SVG: icons' titles are not text a visitor reads.
        """
        for node in svg.css("a"):
            attributes = node.attributes
            name = "href" if attributes.get("href") else "xlink:href"
            href = attributes.get(name)
            if href:
                self.add_target("anchor", href, self.state.is_hidden, text=node.text(deep=True),
                                element=f"svg a[{name}]")

    def add_text(self, text: str) -> None:
        """Add a text node to the open block and to the open anchor."""
        anchor = self.state.anchor
        if anchor is not None:
            anchor.parts.append(text)
        if not self.buffer:
            self.buffer_start = self.doc.element_count
        self.buffer.append(text)

    def flush(self) -> None:
        """End the open text block."""
        if not self.buffer:
            self.serial += 1
            return
        text = _fold("".join(self.buffer))
        self.buffer = []
        state = self.state
        if text and not state.is_hidden:
            text = self._capped(text)
        if text:
            self.doc.block_of[self.serial] = len(self.doc.blocks)
            block = Block(text, state.is_chrome, state.is_hidden, self.buffer_start)
            self.doc.blocks.append(block)
        self.serial += 1

    def _capped(self, text: str) -> str:
        """Cut visible text at the page's character budget, noting it once."""
        room = self.max_chars - self.chars
        if len(text) > room:
            if room >= 0:
                self.doc.notes.append(f"visible text cut at {self.max_chars} characters")
            text = text[: max(room, 0)]
        self.chars += len(text) + (1 if text else 0)
        return text


def _address_of(
    tag: str, attributes: dict[str, str | None], inside: Anchor | None, read_scripts: bool
) -> str:
    """The attribute that holds an element's address as an anchor, or ``""`` if it is none.

    ``href`` for ``a`` and ``area`` (also an anchor with an ``id`` and no ``href`` on a page
    whose scripts are read: a script may give it one); ``data-href`` for any other element
    with one, which the page's script follows when it is clicked (``<div data-href="…">``),
    unless it stands ``inside`` an anchor, whose words it would take.
    """
    if tag in _LINK_TAGS and "href" in attributes:
        return "href"
    if inside is None and attributes.get("data-href"):
        return "data-href"
    if tag in _LINK_TAGS and read_scripts and "id" in attributes:
        return "href"
    return ""


def _image_words(attributes: dict[str, str | None]) -> str:
    """What an image says as a link's words: its ``alt`` or ``title``, else its file's name.

    A link whose image gives no words (no ``alt``, or ``alt=""`` as a CMS's image widget
    writes it) has no name of its own; a screen reader then reads its file's name, and a
    hack's banner names its offer there (``comprar-tafil-sin-receta.jpg``).

    Examples
    --------
    >>> _image_words({"src": "/img/buy-xanax_2mg.JPG?v=3", "alt": ""})
    'buy xanax 2mg'
    >>> _image_words({"src": "/img/banner.jpg", "alt": "Our partner pharmacy"})
    'Our partner pharmacy'
    """
    words = attributes.get("alt") or attributes.get("title") or _file_name(
        attributes.get("src") or "")
    return _fold(words, _MAX_TITLE)


def _file_name(source: str) -> str:
    """The words of the file an address names, without its extension (``""`` for ``data:``)."""
    if source[:5].lower() == "data:":
        return ""
    name = source[:_MAX_TITLE].split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return _FILE_SEPARATORS.sub(" ", unquote(name.rsplit(".", 1)[0]))


def _is_chrome(tag: str, attributes: dict[str, str | None]) -> bool:
    """Whether an element is page chrome by its tag, role, class or id."""
    if tag in _CHROME_TAGS:
        return True
    if not attributes:
        return False
    role = attributes.get("role")
    if role and role.lower() in _CHROME_ROLES:
        return True
    return _has_chrome_name(attributes.get("class"), attributes.get("id"))


@lru_cache(maxsize=4096)
def _has_chrome_name(names: str | None, element_id: str | None) -> bool:
    """Whether a class list or id names page chrome (cached: pages repeat their classes)."""
    text = f"{names or ''} {element_id or ''}"
    return len(text) > 1 and _CHROME_WORDS.search(text) is not None
