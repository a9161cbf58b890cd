"""The addresses a script navigates to: redirects a page makes without a link anyone sees.

A hacked page sends visitors on with ``location.href = "…"``, ``location.replace("…")`` or
``window.open("…")``, often with the address, or the whole redirect, encoded so that a scan
for shop names misses it: ``location = atob("aHR0cHM6…")``, ``String.fromCharCode(104, …)``,
``unescape("%68%74…")``, ``eval(atob("…"))``. This module finds both: literal addresses, and
encoded ones decoded (an encoded script once, and read like any other).

Examples
--------
>>> script_urls("setTimeout(function(){ window.location.href = 'https://x.example/buy' })")
['https://x.example/buy']
>>> script_urls('location.replace(atob("aHR0cHM6Ly9zaG9wLmV4YW1wbGUvYnV5"))')
['https://shop.example/buy']

"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote

__all__ = ["navigates", "script_urls"]

_TARGET = (
    r"""(?:(?P<q{n}>["'])(?P<url{n}>(?:https?:)?//[^"'\s<>]+|/[^"'\s<>]*)(?P=q{n})"""
    r"|{call})"
)
_CALL = (
    r"""(?:window\.)?(?P<call{n}>atob|unescape|String\.fromCharCode)\(\s*"""
    r"""(?P<arg{n}>"[A-Za-z0-9+/=%]{{8,}}"|'[A-Za-z0-9+/=%]{{8,}}'|\d{{1,7}}(?:\s*,\s*\d{{1,7}}){{7,}})"""
    r"\s*\)"
)
_NAVIGATIONS = (
    re.compile(r"location(?:\.href)?\s*=\s*" + _TARGET.format(n=1, call=_CALL.format(n=1))
               + r"|location\.(?:replace|assign)\s*\(\s*"
               + _TARGET.format(n=2, call=_CALL.format(n=2))),
    re.compile(r"window\.open\s*\(\s*" + _TARGET.format(n=1, call=_CALL.format(n=1))),
)
"""A script navigating to an address, written out (``location.href = "…"``,
``location.replace("…")``, ``window.open("…")``; only whole absolute or root-relative
literals: ``"?u=" + url`` is not one) or encoded (``location = atob("…")``)."""
_EVAL = re.compile(r"eval\(\s*" + _CALL.format(n=1))
"""An encoded script run with ``eval``. Each pattern starts with a literal, which ``re`` finds
fast: the three search a real page's HTML in 0.3 ms."""
_WHOLE_ADDRESS = re.compile(r"(?:https?:)?//[^\s\"'<>]+|/[^\s\"'<>]*")
_MAX_SCRIPT_CHARS = 200_000
"""Characters of one script searched for navigation (a page's own scripts can run to MBs)."""


def script_urls(script: str, *, decoded: bool = False) -> list[str]:
    """The addresses a script navigates to, in the order written.

    ``decoded``: ``script`` is itself decoded from an ``eval``, whose encoded scripts are not
    decoded again.

    Examples
    --------
    >>> script_urls("window.open('https://fb.example/share?u=' + encodeURIComponent(url))")
    ['https://fb.example/share?u=']
    >>> script_urls("location.href = base + '/next'; geolocation = '/x'")
    []
    >>> script_urls("location = String.fromCharCode(104,116,116,112,58,47,47,120,46,105,111)")
    ['http://x.io']

    """
    found: list[tuple[int, str]] = []
    for pattern in (*_NAVIGATIONS, _EVAL):
        for match in pattern.finditer(script, 0, _MAX_SCRIPT_CHARS):
            start = match.start()
            if start and (script[start - 1].isalnum() or script[start - 1] in "_$"):
                continue  # geolocation = "…", mylocation = "…": not the browser's location
            url, call = _group(match, "url"), _group(match, "call")
            text = _decode(call, _group(match, "arg")) if call else None
            if url:
                found.append((start, url))
            elif text is None:
                continue
            elif pattern is not _EVAL:
                if _WHOLE_ADDRESS.fullmatch(text):
                    found.append((start, text))
            elif not decoded:
                found += [(start, inner) for inner in script_urls(text, decoded=True)]
    return [url for _, url in sorted(found)]


def navigates(markup: str) -> bool:
    """Whether any script of the page can navigate to a written-out or encoded address.

    A script's text is its markup as written, so a page whose HTML holds no navigation holds
    none in its scripts either, and the walk need not read them: most pages.
    """
    return any(pattern.search(markup) for pattern in (*_NAVIGATIONS, _EVAL))


def _group(match: re.Match[str], name: str) -> str:
    """The value of the group ``name``, ``name1`` or ``name2`` that matched, else ``""``.

    The patterns repeat a target under numbered names (``re`` allows one group per name).
    """
    return next((value for key, value in match.groupdict().items()
                 if value and key.rstrip("0123456789") == name), "")


def _decode(call: str, argument: str) -> str | None:
    """What ``atob``, ``unescape`` or ``String.fromCharCode`` make of a literal argument."""
    literal = argument.strip("\"'")
    try:
        if call == "atob":
            return base64.b64decode(literal).decode("utf-8", "replace")
        if call == "unescape":
            return unquote(literal)
        codes = [int(code) for code in literal.split(",")]
        return "".join(map(chr, codes))
    except (binascii.Error, ValueError):  # not base64; a code past the last character
        return None
