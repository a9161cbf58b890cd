r"""What an inline script does to a page unseen: where it sends the visitor, what it writes.

A hacked page sends visitors on with ``location.href = "…"``, ``location.replace(…)`` or
``window.open(…)``, gives a link its shop's address with ``a.href = "…"``, and writes its shop
links with ``document.write('<div style="display:none"><a href=…>')``, ``element.innerHTML =
"…"`` or jQuery (``$(…).append("…")``, ``.html``, ``.prepend``, ``.after``, ``.before``,
``.replaceWith``, or ``$("<a …>").appendTo(…)``). The address or markup is often built so that a
scan for shop names misses it: kept in a variable, joined from pieces (``"https://rx-" +
"shop.example"``, ``["https://rx-", "shop.example"].join("")``), reversed
(``"elpmaxe.pohs//:sptth".split("").reverse().join("")``), escaped (``'\x3ca href…'``) or
encoded (``atob("aHR0cHM6…")``, ``String.fromCharCode(104, …)``, ``unescape("%68%74…")``), or
the whole script run from an encoded string with ``eval(atob("…"))``. This module reads each
of these as far as their literal pieces go: it evaluates no code, only joins string literals
and arrays of them, the variables a script sets to them, and what ``split``, ``reverse``,
``join``, ``atob``, ``unescape``, ``decodeURI(Component)`` and ``String.fromCharCode`` make of
them (an ``eval``-ed script is decoded and read once).

Examples
--------
>>> script_urls("setTimeout(function(){ window.location.href = 'https://x.example/buy' })")
['https://x.example/buy']
>>> script_urls('var u = "https://shop" + ".example/buy"; if (ref) location.replace(u)')
['https://shop.example/buy']
>>> read_script("document.write('<a href=/x>' + unescape('%3Cb%3Ex%3C%2Fb%3E') + '</a>')").markup
'<a href=/x><b>x</b></a>'
>>> script_urls("location = ['https://', 'shop', '.example'].join('')")
['https://shop.example']
>>> script_urls("location = 'yub/elpmaxe.pohs//:sptth'.split('').reverse().join('')")
['https://shop.example/buy']

"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = ["MAX_MARKUP_CHARS", "ScriptEffects", "acts_on_page", "read_script", "script_urls"]

_NAVIGATE, _LINK, _WRITE, _MARKUP, _EVAL = "navigate", "link", "write", "markup", "eval"
_SINKS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(r"location(?:\.href)?\s*=(?![=>])\s*|location\.(?:replace|assign)\s*\(\s*"),
     _NAVIGATE, ()),
    (re.compile(r"window\.open\s*\(\s*"), _NAVIGATE, ()),
    (re.compile(r"\.href\s*=(?![=>])\s*|\.(?:setAttribute|attr)\(\s*[\"']href[\"']\s*,\s*"),
     _LINK, ()),
    (re.compile(r"document\.write(?:ln)?\s*\(\s*"), _WRITE, ()),
    (re.compile(r"HTML\s*=(?![=>])\s*"), _WRITE, ("inner", "outer")),
    (re.compile(r"insertAdjacentHTML\s*\(\s*[\"'][A-Za-z]+[\"']\s*,\s*"), _WRITE, ()),
    (re.compile(r"\.(?:html|append|prepend|after|before|replaceWith)\(\s*"), _MARKUP, ()),
    (re.compile(r"\$\(\s*(?=[\"'`]\s*<)"), _MARKUP, ()),  # $('<a …>').appendTo(…)
    (re.compile(r"jQuery\(\s*(?=[\"'`]\s*<)"), _MARKUP, ()),
    (re.compile(r"eval\(\s*"), _EVAL, ()),
)
"""Where a script sends the visitor (the address follows), gives a link its address
(``a.href = "…"``, ``a.setAttribute("href", "…")``: the address follows), writes markup into
the page (the markup follows; jQuery's methods only when it holds a tag, since
``formData.append("key", …)`` is no write) or runs a string (the script follows), and the
words one of them must follow (``innerHTML =``). Each pattern starts with a literal, which
``re`` finds fast."""

_QUOTED = r""""(?P<dq>(?:[^"\\\n]|\\.)*)"|'(?P<sq>(?:[^'\\\n]|\\.)*)'"""
"""A string literal in double or single quotes (its inside is group ``dq`` or ``sq``)."""
_PIECE = re.compile(
    r"""\s*(?:""" + _QUOTED +
    r"""|`(?P<bq>(?:[^`\\$]|\\.|\$(?!\{))*)`"""
    r"""|(?:window\.)?String\.fromCharCode\(\s*(?P<codes>\d{1,7}(?:\s*,\s*\d{1,7}){7,})\s*\)"""
    r"""|(?:window\.)?(?P<call>atob|unescape|decodeURIComponent|decodeURI)\(\s*"""
    r"""|(?P<array>\[)"""
    r"""|(?P<name>[A-Za-z_$][\w$]*)(?![\w$(\[])(?!\.(?!(?:split|reverse|join)\()))"""
)
"""One piece of a string expression: a literal, character codes, the start of a decoder's
call (its argument is an expression) or of an array, a variable."""
_METHOD = re.compile(
    r"""\.(?P<method>split|reverse|join)\(\s*(?:""" + _QUOTED + r""")?\s*\)""")
"""A string or array method that rearranges its pieces (``.split("").reverse().join("")``)."""
_COMMA = re.compile(r"\s*,")
_CLOSE_ARRAY = re.compile(r"\s*\]")
_CLOSE = re.compile(r"\s*\)")
_PLUS = re.compile(r"\s*\+(?!\+)")
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}|(.))",
                     re.DOTALL)
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_WHOLE_ADDRESS = re.compile(r"(?:https?:)?//[^\s\"'<>]+|/[^\s\"'<>]*")
_BY_ID_SOURCE = (r"""(?:document\.getElementById\(\s*["']|(?:document\.querySelector|\$|jQuery)"""
                 r"""\(\s*["']#)(?P<id>[\w-]{1,64})["']\s*\)""")
_BY_ID = re.compile(_BY_ID_SOURCE)
"""An element named by its ``id``: ``document.getElementById("go")``, ``$("#go")``, …"""
_BY_ID_BEFORE = re.compile(_BY_ID_SOURCE + r"\s*$")
_NAME_BEFORE = re.compile(r"[A-Za-z_$][\w$]*$")
_RESOURCE = re.compile(r"\.(?:css|m?js)(?:[?#]|$)", re.IGNORECASE)
"""A style sheet or script: what ``.href =`` gives a ``<link>`` a loader adds, not a link."""
_MAX_SCRIPT_CHARS = 200_000
"""Characters of one script searched (a page's own scripts can run to MBs)."""
MAX_MARKUP_CHARS = 200_000
"""Characters of markup kept from one script's writes, and of one variable's value."""
_MAX_ADDRESS_CHARS = 8_192
"""Characters of an address a script navigates to (URLs are cut at 2,048 later)."""
_LIMITS = {_NAVIGATE: _MAX_ADDRESS_CHARS, _LINK: _MAX_ADDRESS_CHARS, _EVAL: _MAX_SCRIPT_CHARS}
"""Characters of the value read after a sink; a write reads as much markup as it has room
for."""
_MAX_DEPTH = 3
"""Variables followed through other variables (``a = b + "x"``; ``b = "…"``), and decoders
called on decoders (``atob(unescape(…))``), this deep."""
_MAX_LOOKUPS = 64
"""Variables looked up in one script."""
_MAX_METHODS = 8
"""Methods read after one piece (``.split("").reverse().join("")`` is three): each copies the
value, so a hostile ``.reverse().reverse()…`` stays linear."""


@dataclass(slots=True)
class ScriptEffects:
    """What one script does to the page, as far as its literals tell."""

    urls: list[str] = field(default_factory=list)
    """Addresses it sends the visitor to, in the order written."""
    links: list[tuple[str, str]] = field(default_factory=list)
    """Addresses it gives the page's links (``a.href = "…"``), in the order written, each with
    the ``id`` of the element it gives it to when the script names one
    (``document.getElementById("go").href = …``), else ``""``."""
    markup: str = ""
    """The markup it writes into the page (``document.write``, ``innerHTML``, …), joined in
    the order written, as a browser joins consecutive writes."""


def read_script(
    script: str, *, room: int = MAX_MARKUP_CHARS, decoded: bool = False
) -> ScriptEffects:
    """Where ``script`` navigates and what it writes.

    ``room``: characters of markup to read at most (a variable written a thousand times
    stays bounded). ``decoded``: ``script`` is itself decoded from an ``eval``, whose encoded
    scripts are not decoded again.

    Examples
    --------
    >>> read_script("document.write('<div hidden>'); document.write('<a href=/x>x</a></div>')")
    ScriptEffects(urls=[], links=[], markup='<div hidden><a href=/x>x</a></div>')
    >>> read_script("el.innerHTML = '<b>' + user.name + '</b>'")  # not all literal
    ScriptEffects(urls=[], links=[], markup='')
    >>> read_script("var a = document.createElement('a'); a.href = 'https://x.example/'")
    ScriptEffects(urls=[], links=[('', 'https://x.example/')], markup='')
    >>> read_script("var a = document.getElementById('go'); a.href = 'https://x.example/'")
    ScriptEffects(urls=[], links=[('go', 'https://x.example/')], markup='')

    """
    script = script[:_MAX_SCRIPT_CHARS]
    found: list[tuple[int, str, str, str]] = []
    expressions = _Expressions(script)
    for sink, kind, prefixes in _SINKS:
        for match in sink.finditer(script):
            start = match.start()
            if prefixes:
                prefix = next((p for p in prefixes if script.endswith(p, 0, start)), "")
                if not prefix:
                    continue
                start -= len(prefix)
            if start > 0 and script[start].isalpha() and (
                    script[start - 1].isalnum() or script[start - 1] in "_$"):
                continue  # geolocation = "…", mylocation = "…": not the browser's location
            if kind == _LINK and script.endswith("location", 0, start):
                continue  # location.href = "…" navigates (the first sink)
            if kind in {_WRITE, _MARKUP} and room <= 0:
                continue
            value, whole = expressions.at(match.end(), _LIMITS.get(kind, room))
            done = _effects(kind, value, whole, decoded, room)
            room -= sum(len(text) for what, text, _ in done if what == "markup")
            element_id = _receiver_id(script, start) if kind == _LINK and done else ""
            found += [(start, what, text, element_id or given) for what, text, given in done]
    found.sort(key=lambda item: item[0])  # stable: what one eval does stays in its order
    return ScriptEffects(
        urls=[text for _, what, text, _ in found if what == "url"],
        links=[(element_id, text) for _, what, text, element_id in found if what == "link"],
        markup="".join(text for _, what, text, _ in found if what == "markup"))


def _effects(
    kind: str, value: str, whole: bool, decoded: bool, room: int,
) -> list[tuple[str, str, str]]:
    """What one sink does with the ``value`` that follows it.

    Each effect is ("url", "link" or "markup", its value, the ``id`` of the element an
    ``eval``-ed script gives a link to or ""). ``room``: characters of markup an
    ``eval``-ed script may still write.
    """
    if kind in {_NAVIGATE, _LINK}:
        address = _WHOLE_ADDRESS.match(value)  # the known start may be a whole address
        is_address = address is not None and address.end() == len(value)
        if kind == _LINK:  # a link given a style sheet's address is a <link> a loader adds
            return [("link", value, "")] if is_address and not _RESOURCE.search(value) else []
        return [("url", value, "")] if is_address else []
    if not whole:
        return []
    if kind in {_WRITE, _MARKUP}:
        return [("markup", value, "")] if kind == _WRITE or "<" in value else []
    if decoded:
        return []
    inner = read_script(value, room=room, decoded=True)
    effects = [("url", url, "") for url in inner.urls]
    effects += [("link", url, element_id) for element_id, url in inner.links]
    if inner.markup:
        effects.append(("markup", inner.markup, ""))
    return effects


def script_urls(script: str) -> list[str]:
    """The addresses a script (or a handler, or a ``javascript:`` link) navigates to.

    Examples
    --------
    >>> script_urls("window.open('https://fb.example/share?u=' + encodeURIComponent(url))")
    ['https://fb.example/share?u=']
    >>> script_urls("location.href = base + '/next'; geolocation = '/x'")
    []
    >>> script_urls("location = String.fromCharCode(104,116,116,112,58,47,47,120,46,105,111)")
    ['http://x.io']

    """
    effects = read_script(script, room=0)  # what a handler writes is not walked
    return effects.urls + [url for _, url in effects.links]  # a link given an address goes there


def acts_on_page(markup: str) -> bool:
    """Whether any script of the page may navigate or write: the page's HTML names a sink.

    A script's text is its markup as written, so a page whose HTML names no sink
    (``location… =``, ``location.replace(``, ``window.open(``, ``.href =``,
    ``.setAttribute("href",`` or ``.attr("href",``, ``document.write``, ``innerHTML =``,
    ``insertAdjacentHTML(``, jQuery's ``.append(`` and its kin or ``$("<``, ``eval(``) holds
    no script that navigates or writes, and the walk need not read its scripts and handlers.
    """
    return any(sink.search(markup) for sink, _, _ in _SINKS)


class _Expressions:
    """Reads string expressions in one script, remembering the variables it looked up.

    Looking a variable up searches the whole script, so one script gets at most
    :data:`_MAX_LOOKUPS` of them (a hostile ``a1 + a2 + … + a50000`` stays linear).
    """

    def __init__(self, script: str) -> None:
        self.script = script
        self.variables: dict[str, str | list[str] | None] = {}

    def at(self, position: int, limit: int, depth: int = 0) -> tuple[str, bool]:
        """The string a ``+``-joined expression at ``position`` makes, as far as it is known.

        Returns the value of its leading known pieces, cut at ``limit`` characters, and
        whether they are all of it (a value cut at the limit counts as whole): literals,
        decoders called on such expressions, and variables the script sets to them.
        """
        value, whole, _ = self._read(position, limit, depth)
        return value, whole

    def _read(self, position: int, limit: int, depth: int) -> tuple[str, bool, int]:
        """:meth:`at`, and the position where the reading stopped."""
        script = self.script
        parts: list[str] = []
        size = 0
        while True:
            piece = _PIECE.match(script, position)
            known = None if piece is None else self._value(piece, limit, depth)
            if known is None:
                return "".join(parts), False, position
            value, position = known
            parts.append(value)
            size += len(value)
            if size >= limit:
                return "".join(parts)[:limit], True, position
            plus = _PLUS.match(script, position)
            if plus is None:
                return "".join(parts), _ends(script, position), position
            position = plus.end()

    def _value(self, piece: re.Match[str], limit: int, depth: int) -> tuple[str, int] | None:
        """The string one piece stands for and where the piece ends, or None if not known."""
        value = self._rearranged(piece, limit, depth)
        return None if value is None or isinstance(value[0], list) else (value[0], value[1])

    def _rearranged(
        self, piece: re.Match[str], limit: int, depth: int
    ) -> tuple[str | list[str], int] | None:
        """What one piece stands for after the methods that rearrange it, and where they end.

        The methods are ``.split(…)``, ``.reverse()`` and ``.join(…)``. The value is a string,
        or an array's strings not joined (yet), or None if not known.
        """
        known = self._piece(piece, limit, depth)
        if known is None:
            return None
        value, position = known
        for _ in range(_MAX_METHODS + 1):
            method = _METHOD.match(self.script, position)
            if method is None:
                return value, position
            argument = method.group("dq") if method.group("dq") is not None else method.group("sq")
            separator = None if argument is None else _unescape(argument)
            name = method.group("method")
            if name == "split" and isinstance(value, str):
                value = [value] if separator is None else (
                    list(value) if not separator else value.split(separator))
            elif name == "reverse" and isinstance(value, list) and separator is None:
                value = value[::-1]
            elif name == "join" and isinstance(value, list):
                value = ("," if separator is None else separator).join(value)
            else:  # not a method of this value, or a reverse with an argument
                return None
            position = method.end()
        return None  # more methods than are read

    def _piece(
        self, piece: re.Match[str], limit: int, depth: int
    ) -> tuple[str | list[str], int] | None:
        """What one piece stands for (a string, or an array's strings) and where it ends."""
        kind = piece.lastgroup
        if kind in {"dq", "sq", "bq"}:
            return _unescape(piece.group(kind)), piece.end()
        if kind == "codes":
            value = _from_codes(piece.group("codes"))
            return None if value is None else (value, piece.end())
        if depth >= _MAX_DEPTH:
            return None
        if kind == "call":
            return self._call(piece, limit, depth)
        if kind == "array":
            return self._array(piece.end(), limit, depth + 1)
        known = self._lookup(piece.group("name"), depth)
        return None if known is None else (known, piece.end())

    def _lookup(self, name: str, depth: int) -> str | list[str] | None:
        """A variable's value, looked up once (at most :data:`_MAX_LOOKUPS` per script)."""
        if name not in self.variables:
            if len(self.variables) >= _MAX_LOOKUPS:
                return None
            self.variables[name] = None  # a variable set from itself is not known
            self.variables[name] = self._variable(name, depth)
        return self.variables[name]

    def _call(self, piece: re.Match[str], limit: int, depth: int) -> tuple[str, int] | None:
        """What a decoder makes of the expression it is called on, and where its call ends."""
        argument, whole, end = self._read(piece.end(), 2 * limit, depth + 1)
        close = _CLOSE.match(self.script, end)
        value = _decode(piece.group("call"), argument) if whole and close else None
        return None if value is None or close is None else (value, close.end())

    def _array(self, position: int, limit: int, depth: int) -> tuple[list[str], int] | None:
        """The strings of an array literal whose items start at ``position``, and its end.

        Every item must be a known string expression, and all of them at most ``limit``
        characters together.
        """
        items: list[str] = []
        size = 0
        close = _CLOSE_ARRAY.match(self.script, position)
        while close is None:
            value, whole, position = self._read(position, limit, depth)
            size += len(value)
            if not whole or size >= limit:
                return None
            items.append(value)
            comma = _COMMA.match(self.script, position)
            if comma is None:
                close = _CLOSE_ARRAY.match(self.script, position)
                if close is None:
                    return None
            else:
                position = comma.end()
                close = _CLOSE_ARRAY.match(self.script, position)  # a trailing comma
        return items, close.end()

    def _variable(self, name: str, depth: int) -> str | list[str] | None:
        """The whole value of the script's last assignment to ``name``, if it is known.

        That is a string, or an array's strings (``var parts = ["https://", "shop.example"]``).
        """
        end = -1
        script = self.script
        for setting in re.finditer(rf"{re.escape(name)}\s*=(?![=>])\s*", script):
            start = setting.start()  # the pattern starts with a literal, which re finds fast
            if not start or not (script[start - 1].isalnum() or script[start - 1] in "_$."):
                end = setting.end()
        if end < 0:
            return None
        piece = _PIECE.match(script, end)
        known = None if piece is None else self._rearranged(piece, MAX_MARKUP_CHARS, depth + 1)
        if known is not None and _ends(script, known[1]):  # one piece: all of the value
            value = known[0]
            return value if isinstance(value, list) else value[:MAX_MARKUP_CHARS]
        if known is not None and isinstance(known[0], list):  # an array is not added to
            return None
        joined, whole = self.at(end, MAX_MARKUP_CHARS, depth + 1)
        return joined if whole else None


def _receiver_id(script: str, dot: int) -> str:
    """The ``id`` of the element whose ``.href`` (or ``.setAttribute``) is at ``dot``.

    The element is named where it is used (``document.getElementById("go").href``,
    ``querySelector("#go")``, ``$("#go")``) or by the variable set to it last before
    (``var a = document.getElementById("go"); a.href = …``); otherwise ``""``.
    """
    named = _BY_ID_BEFORE.search(script, max(0, dot - 200), dot)
    if named:
        return named.group("id")
    variable = _NAME_BEFORE.search(script, max(0, dot - 64), dot)
    if variable is None:
        return ""
    setting = re.compile(rf"(?<![\w$.]){re.escape(variable.group())}\s*=(?![=>])\s*")
    settings = list(setting.finditer(script, 0, dot))  # in order: the last one counts
    by_id = _BY_ID.match(script, settings[-1].end()) if settings else None
    return by_id.group("id") if by_id else ""


def _ends(script: str, position: int) -> bool:
    """Whether an expression ends at ``position``: a statement, call or argument ends."""
    while position < len(script) and script[position] in " \t":
        position += 1
    return position >= len(script) or script[position] in ");,]}\r\n"


def _unescape(literal: str) -> str:
    r"""A JavaScript string literal's value (``\x3c``, ``\u003c``, ``\'``, ``\n`` …)."""
    if "\\" not in literal:
        return literal
    return _ESCAPE.sub(_unescaped, literal)


def _unescaped(escape: re.Match[str]) -> str:
    hex_code = escape.group(1) or escape.group(2) or escape.group(3)
    if hex_code:
        return chr(min(int(hex_code, 16), 0x10FFFF))
    return _ESCAPED.get(escape.group(4), escape.group(4))


def _decode(call: str, argument: str) -> str | None:
    """What ``atob``, ``unescape``, ``decodeURI`` or ``decodeURIComponent`` make of a string."""
    if call != "atob":
        return unquote(argument)
    try:
        return base64.b64decode(argument, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):  # not base64
        return None


def _from_codes(codes: str) -> str | None:
    """What ``String.fromCharCode`` makes of comma-separated codes (None past the last)."""
    try:
        return "".join(map(chr, map(int, codes.split(","))))
    except ValueError:  # a code past the last character
        return None
