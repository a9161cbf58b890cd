"""Link assembly: anchors and text matches become :class:`~medspam.page.Link` objects.

Resolves and normalises URLs, adds host facts, external/hidden flags, position and context,
de-duplicates by URL (an automatic redirect wins over a link to the same URL, links over a form
or ``data-href``, and these over the same URL written as text) and caps the count.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from medspam import urls
from medspam.extract.metadata import ELEMENTS as METADATA_ELEMENTS
from medspam.extract.redirectors import destination
from medspam.extract.textlinks import TextMatch, find_text_links
from medspam.page import Link

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from medspam.extract.html import Anchor, Block, ParsedHtml
    from medspam.settings import Settings

__all__ = ["LinkContext", "collect_links", "page_link"]

_CONTEXT_WORDS_BEFORE = 16
"""Words of a link's context before it: an offer often names the drug a sentence before
its link ("… tramadol without a GP. He gets it here: bit.ly/…")."""
_CONTEXT_WORDS_AFTER = 6
_CONTEXT_CHARS = 200


@dataclass(frozen=True, slots=True)
class LinkContext:
    """What every link of one page is judged against."""

    page_url: str | None
    """The page's normalised URL, if known."""
    base_url: str | None
    """The URL relative references resolve against (``<base href>`` or the page URL)."""
    settings: Settings
    """Limits."""

    @property
    def page_site(self) -> str:
        """The page's site (see :class:`medspam.urls.HostInfo`), ``""`` if unknown."""
        return urls.describe_host(self.page_url).site if self.page_url else ""


def page_link(page_url: str, raw: str, title: str) -> Link:
    """Make the page's own URL a link (``found="page"``)."""
    info = urls.describe_host(page_url)
    return Link(url=page_url, raw=raw, found="page", host=info.host, domain=info.site,
                anchor=title, position=0.0, is_external=False)


def collect_links(doc: ParsedHtml, context: LinkContext, notes: list[str]) -> tuple[Link, ...]:
    """Every link of a walked page, in document order, de-duplicated and capped.

    Parameters
    ----------
    doc
        The walked page.
    context
        Page URL, base URL and limits.
    notes
        Page notes; limits hit are appended.

    Returns
    -------
    tuple of Link
        Anchors, text links and contacts.

    """
    limit = context.settings.max_links
    total = max(doc.element_count, 1)
    found = _anchor_links(doc, context, total)
    for block, match in _text_matches(doc.blocks, context.settings.max_url_chars):
        if len(found) >= limit:
            break
        link = _text_link(match, block, context, total)
        found.setdefault(link.url, link)
    if len(found) >= limit:
        notes.append(f"links capped at {limit}")
    if any(len(link.raw) > context.settings.max_url_chars for link in found.values()):
        notes.append(f"URLs cut at {context.settings.max_url_chars} characters")
    links = _listed(found.values())
    if listed := len({link.domain for link in links if link.found == "listed"}):
        notes.append(f"{listed} domains written defanged: read as a list the page names, "
                     "not as links it carries")
    return tuple(sorted(links, key=lambda link: link.position))


def _anchor_links(doc: ParsedHtml, context: LinkContext, total: int) -> dict[str, Link]:
    """The links of a walked page's anchors, by URL, up to the page's cap."""
    limit = context.settings.max_links
    found: dict[str, Link] = {}
    # Automatic redirects, links, then forms and data-href elements; stable (document order).
    for anchor in sorted(doc.anchors, key=_precedence):
        if len(found) >= limit:
            break
        target = _anchor_target(anchor, context)
        if target is None:
            continue
        url, via = target
        # A page links an address many times (a quarter of real pages' anchors): only the
        # first makes a link, so the others are not built.
        if url not in found:
            link = _anchor_link(anchor, doc, context, total, url=url, via=via)
            # What the page's metadata says of its own site (the page, its home, its author)
            # is no link: only an address elsewhere there is one a search engine sends to.
            if link.is_external or anchor.element not in METADATA_ELEMENTS:
                found[url] = link
    return found


LISTED_AFTER = 2
"""A sale writes one or two shop addresses defanged (``shop[.]com``) so that filters miss them
(60 of the 61 sale pages of the eight blind sets before the ninth that defang any; one
defangs four). A page that defangs more is listing them so that no reader follows them, as
registries of blocked shops and security notes do (3 to 14 domains on the six such ham pages
of those sets). No page of the training corpus defangs more than two (13,326 pages, checked
when the rule was added): a model trained before it read its training pages as this code
does."""


def _listed(links: Iterable[Link]) -> list[Link]:
    """``links``, with the defanged ones found as ``listed`` where more than two domains are.

    Examples
    --------
    >>> shops = [Link(url=f"https://s{i}.example/", domain=f"s{i}.example", found="obfuscated")
    ...          for i in range(3)]
    >>> [link.found for link in _listed(shops)], [link.found for link in _listed(shops[:2])]
    (['listed', 'listed', 'listed'], ['obfuscated', 'obfuscated'])
    """
    links = list(links)
    defanged = {link.domain for link in links if link.found == "obfuscated"}
    if len(defanged) <= LISTED_AFTER:
        return links
    return [replace(link, found="listed") if link.found == "obfuscated" else link
            for link in links]


def _precedence(anchor: Anchor) -> int:
    """Which of anchors to one address makes its link: the lowest (see ``collect_links``)."""
    return 0 if anchor.is_automatic else 2 if anchor.is_fallback else 1


def _text_matches(blocks: list[Block], max_url_chars: int) -> Iterator[tuple[Block, TextMatch]]:
    """Text links of all blocks, searched in one pass over the joined text (much faster)."""
    starts: list[int] = []
    position = 0
    for block in blocks:
        starts.append(position)
        position += len(block.text) + 1
    joined = "\n".join(block.text for block in blocks)
    for match in find_text_links(joined, max_url_chars=max_url_chars):
        index = bisect.bisect_right(starts, match.start) - 1
        offset = starts[index]
        yield blocks[index], replace(match, start=match.start - offset, end=match.end - offset)


def _anchor_target(anchor: Anchor, context: LinkContext) -> tuple[str, str] | None:
    """An anchor's URL and the redirector it passes through (:func:`_followed`), or ``None``."""
    max_chars = context.settings.max_url_chars
    url = urls.normalise_url(anchor.href, context.base_url, max_chars=max_chars)
    return None if url is None else _followed(url, max_chars)


def _anchor_link(
    anchor: Anchor, doc: ParsedHtml, context: LinkContext, total: int, *, url: str, via: str
) -> Link:
    """Make the link of one anchor to ``url``, passed on by the redirector ``via`` (or ``""``)."""
    max_chars = context.settings.max_url_chars
    info = urls.describe_host(_host_of(url))
    text = anchor.text
    block_index = doc.block_of.get(anchor.block_serial)
    block = doc.blocks[block_index].text if block_index is not None else ""
    start = block.find(text) if text else -1
    around = _context(block, start, start + len(text)) if start >= 0 else text
    return Link(
        url=url,
        raw=anchor.href[: max_chars * 2],
        found=anchor.carrier,
        host=info.host,
        domain=info.site,
        anchor=text,
        rel=anchor.rel,
        position=min(anchor.element_index / total, 1.0),
        context=around,
        is_hidden=anchor.is_hidden,
        is_external=_is_external(info, context),
        is_scripted=anchor.is_scripted,
        is_automatic=anchor.is_automatic,
        element=anchor.element,
        via=via,
        notes=_url_notes(anchor.href, max_chars),
    )


def _text_link(match: TextMatch, block: Block, context: LinkContext, total: int) -> Link:
    """Make the link of one text match."""
    is_contact = match.found == "contact"
    url, via = (match.url, "") if is_contact else _followed(
        match.url, context.settings.max_url_chars)
    info = None if is_contact else urls.describe_host(_host_of(url))
    return Link(
        url=url,
        raw=match.raw,
        found=match.found,
        host=info.host if info else "",
        domain=info.site if info else "",
        anchor=match.raw,
        position=min(block.element_index / total, 1.0),
        context=_context(block.text, match.start, match.end),
        is_hidden=block.is_hidden,
        is_external=True if info is None else _is_external(info, context),
        via=via,
        notes=_url_notes(match.raw, context.settings.max_url_chars),
    )


def _followed(url: str, max_chars: int) -> tuple[str, str]:
    """``url``, or where it sends the reader through another site's redirector, and its host.

    The link is read as a link to the address passed on (:mod:`medspam.extract.redirectors`):
    the redirector's own host says nothing of where the reader lands.
    """
    target = destination(url)
    followed = urls.normalise_url(target, max_chars=max_chars) if target else None
    if followed is None:
        return url, ""
    return followed, _host_of(url)


def _host_of(url: str) -> str:
    """Return the host of a normalised URL (cheaper than parsing it again)."""
    netloc = url.split("/", 3)[2]
    return netloc if netloc.endswith("]") else netloc.rsplit(":", 1)[0]


def _is_external(info: urls.HostInfo, context: LinkContext) -> bool:
    """Whether a link leaves the page's site (always, when the page URL is unknown)."""
    site = context.page_site
    return not site or info.site != site


def _url_notes(raw: str, max_chars: int) -> tuple[str, ...]:
    """Say what normalisation did: cut a long URL, decoded a punycode host."""
    notes = [f"cut at {max_chars} characters"] if len(raw) > max_chars else []
    if "xn--" in raw[:_CONTEXT_CHARS].lower():
        notes.append("punycode decoded")
    return tuple(notes)


def _context(text: str, start: int, end: int) -> str:
    """About twenty words around ``text[start:end]``, the span itself included, most before it."""
    before = text[max(0, start - _CONTEXT_CHARS) : start].split()[-_CONTEXT_WORDS_BEFORE:]
    after = text[end : end + _CONTEXT_CHARS].split()[:_CONTEXT_WORDS_AFTER]
    return " ".join([*before, text[start:end].strip(), *after]).strip()
