"""Hidden content: inline styles, the ``hidden`` attribute and simple ``<style>`` rules that hide.

The "pharma hack" of compromised sites puts shop links in elements a visitor never sees. This
module decides, element by element, whether an element hides its content. It reads inline
``style`` values and the page's own ``<style>`` blocks, for simple ``.class`` and ``#id``
selectors only (reasonable effort, no cascade).

Examples
--------
>>> is_hiding_style("position: absolute; left: -9999px")
True
>>> rules = HidingRules.from_css(".x{display:none} #y{color:red} div.z{font-size:0}")
>>> sorted(rules.classes), sorted(rules.ids)
(['x', 'z'], [])

"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

__all__ = ["HidingRules", "is_hidden_element", "is_hiding_style"]

_ZERO = r"-?0(?:\.0+)?(?:px|pt|em|rem|%|vh|vw)?(?=;|!|$)"
_FAR = r"-\d{3,}(?:\.\d+)?(?:px|pt|em|rem)?"
_HIDING = re.compile(
    "|".join(
        (
            r"(?:^|;)display:none",
            r"(?:^|;)visibility:(?:hidden|collapse)",
            rf"(?:^|;)font-size:{_ZERO}",
            rf"(?:^|;)opacity:{_ZERO}",
            rf"(?:^|;)(?:left|top|right|margin-left|margin-top|text-indent):{_FAR}",
        )
    )
)
_COLLAPSED = re.compile(rf"(?:^|;)(?:max-)?(?:height|width):{_ZERO}")
_OVERFLOW_HIDDEN = re.compile(r"(?:^|;)overflow(?:-[xy])?:hidden")
_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_TRIGGER = re.compile(r":\s*(?:none|hidden|collapse|-?0(?![.\d])|-\s*\d{3})", re.IGNORECASE)
_PROPERTY = re.compile(r"([\w-]+)\s*\Z")
_HIDING_PROPERTIES = frozenset(
    {"display", "visibility", "font-size", "opacity", "left", "top", "right", "margin-left",
     "margin-top", "text-indent", "overflow", "overflow-x", "overflow-y"}
)
_PROPERTY_WINDOW = 40
_SIMPLE_SELECTOR = re.compile(r"^[a-z0-9]*([.#])([\w-]+)$", re.IGNORECASE)
_MAX_CSS = 1_000_000


@lru_cache(maxsize=8192)
def is_hiding_style(style: str) -> bool:
    """Whether a CSS declaration list hides its element.

    Parameters
    ----------
    style
        Declarations as in a ``style`` attribute (``"display: none; color: red"``).

    Returns
    -------
    bool
        True for ``display:none``, ``visibility:hidden``, ``font-size:0``, ``opacity:0``,
        far negative offsets or indents (``left:-9999px``, ``text-indent:-5000px``), and
        zero height or width with ``overflow:hidden``.

    Examples
    --------
    >>> is_hiding_style("height:0; overflow:hidden"), is_hiding_style("font-size: 0.9em")
    (True, False)

    """
    compact = _SPACE.sub("", style.lower())
    if _HIDING.search(compact):
        return True
    return bool(_COLLAPSED.search(compact) and _OVERFLOW_HIDDEN.search(compact))


@dataclass(frozen=True, slots=True)
class HidingRules:
    """Class names and ids that the page's own ``<style>`` blocks hide."""

    classes: frozenset[str] = frozenset()
    """Class names hidden by a ``.name`` (or ``tag.name``) rule."""
    ids: frozenset[str] = frozenset()
    """Ids hidden by a ``#name`` (or ``tag#name``) rule."""

    @classmethod
    def from_css(cls, css: str) -> HidingRules:
        """Collect hiding rules with simple class or id selectors from a style sheet."""
        classes: set[str] = set()
        ids: set[str] = set()
        for selectors, body in _hiding_candidates(_COMMENT.sub("", css[:_MAX_CSS])):
            if not is_hiding_style(body):
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match:
                    (classes if match.group(1) == "." else ids).add(match.group(2))
        return cls(frozenset(classes), frozenset(ids))

    @classmethod
    def from_styles(cls, sheets: Iterable[str]) -> HidingRules:
        """Collect hiding rules from several ``<style>`` blocks."""
        return cls.from_css("\n".join(sheets))

    def __bool__(self) -> bool:
        """Whether there is any rule at all."""
        return bool(self.classes or self.ids)


def _hiding_candidates(css: str) -> Iterator[tuple[str, str]]:
    """(selectors, declarations) of the rules that contain a hiding-like declaration."""
    seen: set[int] = set()
    for match in _TRIGGER.finditer(css):
        name = _PROPERTY.search(css, max(0, match.start() - _PROPERTY_WINDOW), match.start())
        if name is None or name.group(1).lower() not in _HIDING_PROPERTIES:
            continue
        opening = css.rfind("{", 0, match.start())
        if opening < 0 or opening in seen or css.rfind("}", 0, match.start()) > opening:
            continue
        seen.add(opening)
        closing = css.find("}", match.end())
        selectors_start = max(css.rfind("}", 0, opening), css.rfind("{", 0, opening)) + 1
        yield css[selectors_start:opening], css[opening + 1 : closing if closing >= 0 else None]


def is_hidden_element(attributes: Mapping[str, str | None], rules: HidingRules) -> bool:
    """Whether an element hides its content, from its attributes and the page's rules.

    Parameters
    ----------
    attributes
        The element's attributes.
    rules
        Hiding rules from the page's ``<style>`` blocks.

    Returns
    -------
    bool
        True for the ``hidden`` attribute, a hiding inline ``style``, or a class or id that
        a page rule hides. ``aria-hidden`` alone hides nothing from sight, so it does not count.

    Examples
    --------
    >>> is_hidden_element({"class": "a x"}, HidingRules(classes=frozenset({"x"})))
    True

    """
    if "hidden" in attributes:
        return True
    style = attributes.get("style")
    if style and is_hiding_style(style):
        return True
    if not rules:
        return False
    element_id = attributes.get("id")
    if element_id and element_id in rules.ids:
        return True
    names = attributes.get("class")
    return bool(names and not rules.classes.isdisjoint(names.split()))
