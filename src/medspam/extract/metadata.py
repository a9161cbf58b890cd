r"""What a page says of itself where no visitor reads it, and the article its data carries.

A pharma hack often leaves the article a visitor sees alone and sells where search engines and
social sites look: the ``<meta>`` description and keywords, the Open Graph and Twitter card
(``og:title``, ``og:description``, an ``og:url`` on the shop) and the JSON-LD structured data
(a ``Product`` whose offer's ``url`` is the shop). Those words are hidden text and those
addresses hidden links (:func:`head_description`, :func:`structured_data`).

A page rendered by a script from its data (Next.js writes the article from
``<script id="__NEXT_DATA__" type="application/json">``) shows its visitors markup that the HTML
as sent holds only as JSON strings: :func:`data_markup` gives that markup, which the walk reads
as a script's writes.

Examples
--------
>>> data = '{"@type": "Product", "name": "Pills", "offers": {"url": "https://shop.example/"}}'
>>> structured_data(data, 1_000)[0].addresses
(('https://shop.example/', 'Pills'),)
>>> data_markup(r'{"post": {"html": "\u003cp\u003eHi \u003ca href=/x\u003eyou\u003c/a\u003e"}}')
'<p>Hi <a href=/x>you</a>'

"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from selectolax.lexbor import LexborNode

__all__ = ["DATA_TYPES", "ELEMENTS", "STRUCTURED", "Described", "data_markup",
           "head_description", "structured_data"]

STRUCTURED = "application/ld+json"
"""The ``type`` of a script that holds JSON-LD structured data."""
DATA_TYPES = frozenset({STRUCTURED, "application/json"})
"""``type``s of scripts that hold data, not code: structured data, a framework's page data."""
_OWN_ADDRESS_ELEMENT = "meta[property=og:url]"
_STRUCTURED_ELEMENT = f"script[type={STRUCTURED}]"
ELEMENTS = frozenset({_OWN_ADDRESS_ELEMENT, _STRUCTURED_ELEMENT})
"""The markup that carries the addresses metadata gives (:attr:`Described.element`)."""
_DESCRIBING = ('meta[name="description" i], meta[name="keywords" i], '
               'meta[property="og:title" i], meta[property="og:description" i], '
               'meta[name="twitter:title" i], meta[name="twitter:description" i], '
               'meta[property="twitter:title" i], meta[property="twitter:description" i]')
"""The head's descriptions of the page, for search engines and link previews."""
_OWN_ADDRESS = 'meta[property="og:url" i]'
_MAX_WORDS_CHARS = 2_000
"""Characters of one description, name or address kept (a 10 MB attribute is not copied)."""
_MAX_OBJECTS = 200
"""JSON-LD objects read from one script (a page describes a few things; a shop's catalogue
lists its products, all alike)."""
_NAMES = ("name", "headline", "title")
_MEDIA = frozenset({"image", "logo", "photo", "thumbnail", "thumbnailurl", "video", "audio",
                    "associatedmedia", "primaryimageofpage", "contenturl", "embedurl"})
"""Keys whose values are a thing's pictures and media: files, not pages a visitor goes to."""
_WEB = ("http://", "https://")
_STRING = re.compile(r'"(?P<body>(?:[^"\\]++|\\.)*+)(?P<end>"|\Z)')
"""A JSON string literal, read even in JSON that is cut or broken; one cut short runs to the
end (so that no quote inside it starts another search to the end)."""
_LONGEST_ESCAPE = 6
"""Characters of the longest JSON escape, ``\\u003c``."""
_ESCAPED_TAG = re.compile(r"<|\\u003c", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z][\w-]*+(?:\s[^<>]*+)?/?>")
"""An element's start tag: a string that holds one is markup (``"a < b"`` is not)."""


class Described(NamedTuple):
    """Words and addresses a page gives for search engines and previews, not for visitors."""

    text: str
    """The words, hidden text of the page."""
    addresses: tuple[tuple[str, str], ...]
    """Addresses given, each with the words that name it: hidden links of the page."""
    element: str
    """The markup that carries the addresses (see :attr:`medspam.page.Link.element`)."""


def head_description(head: LexborNode) -> Described | None:
    """The description, keywords and cards of a page's ``<head>``, and its ``og:url``.

    Examples
    --------
    >>> from selectolax.lexbor import LexborHTMLParser
    >>> head = LexborHTMLParser('<meta name="description" content="Buy pills">'
    ...     '<meta property="og:title" content="Sleep"><meta property="og:url" '
    ...     'content="https://shop.example/">').head
    >>> described = head_description(head)
    >>> described.text, described.addresses
    ('Buy pills. Sleep.', (('https://shop.example/', 'Sleep'),))
    """
    words: dict[str, str] = {}
    for node in head.css(_DESCRIBING):
        content = _words(node.attributes.get("content"))
        if content:
            words.setdefault(content, (node.attributes.get("property")
                                       or node.attributes.get("name") or "").lower())
    own = head.css_first(_OWN_ADDRESS)
    address = _words(own.attributes.get("content")) if own is not None else ""
    addresses: tuple[tuple[str, str], ...] = ()
    if address.lower().startswith(_WEB):
        title = next((text for text, name in words.items() if name.endswith("title")), "")
        addresses = ((address, title),)
    if not words and not addresses:
        return None
    return Described(_sentences(words), addresses, _OWN_ADDRESS_ELEMENT)


def structured_data(data: str, max_chars: int) -> list[Described]:
    """The things a JSON-LD script describes that have an address: names and ``url``s.

    Each object with a web address in its ``url`` gives its name (``name``, ``headline`` or
    ``title``; an object without one, such as a product's ``offers``, is named by the object it
    is in) and ``description`` as words, and its address named by its name. Broken JSON, which
    search engines forgive, gives nothing.

    Examples
    --------
    >>> structured_data('{"@graph": [{"@type": "WebSite", "name": "Blog"}]}', 1_000)
    []
    """
    try:
        document = json.loads(data[:max_chars], strict=False)
    except (ValueError, RecursionError):
        return []
    found = []
    for thing, name, words in _objects(document):
        address = _words(thing.get("url"))
        if address.lower().startswith(_WEB):
            found.append(Described(words, ((address, name),), _STRUCTURED_ELEMENT))
        if len(found) >= _MAX_OBJECTS:
            break
    return found


def data_markup(data: str) -> str:
    """The markup a page's JSON data holds in its strings, joined: what its script renders.

    Every string literal is read, so JSON cut at a limit still gives what it has. Data without
    a ``<`` in any form holds no markup and is not split into literals.
    """
    if _ESCAPED_TAG.search(data) is None:
        return ""
    pieces = []
    for match in _STRING.finditer(data):
        body = match.group("body")
        if _ESCAPED_TAG.search(body) is None:
            continue
        if not match.group("end"):  # cut short, perhaps inside an escape
            escape = body.rfind("\\", -_LONGEST_ESCAPE)
            body = body[:escape] if escape >= 0 else body
        try:
            value = json.loads(f'"{body}"', strict=False)
        except ValueError:  # a bad escape
            continue
        if _TAG.search(value):
            pieces.append(value)
    return "\n".join(pieces)


def _objects(document: Any) -> Iterator[tuple[dict[str, Any], str, str]]:
    """Every JSON object in ``document``, outermost first, with its name and its words.

    The words are its name and description; an object without a name has the name and words
    of the object it is in. Pictures and media (:data:`_MEDIA`) are left out.
    """
    stack: list[tuple[Any, str, str]] = [(document, "", "")]
    while stack:
        value, name, words = stack.pop()
        if isinstance(value, dict):
            own = next((text for key in _NAMES if (text := _words(value.get(key)))), "")
            if own:
                name, words = own, _sentences((own, _words(value.get("description"))))
            yield value, name, words
            stack.extend((inner, name, words) for key, inner in reversed(list(value.items()))
                         if key.lower() not in _MEDIA)
        elif isinstance(value, list):
            stack.extend((inner, name, words) for inner in reversed(value))


def _sentences(parts: Iterable[str]) -> str:
    """Pieces of text as sentences: a full stop after each that does not end in one."""
    return " ".join(part if part[-1] in ".!?" else f"{part}." for part in parts if part)


def _words(value: Any) -> str:
    """A string value with white space folded and cut; ``""`` for anything else."""
    return " ".join(value[: _MAX_WORDS_CHARS * 2].split())[:_MAX_WORDS_CHARS] if isinstance(
        value, str) else ""
