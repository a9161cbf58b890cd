"""The page as the features read it: its text cut to a budget, and the scores of its links.

:class:`ScoredPage` is what every page-level transformer reads: the extracted page, the words
of its text that the features read (:func:`head_and_tail`), the link scorer's score of each
link that leaves the site for a domain not on the trusted list (:func:`links_to_score`) and
of the page's own URL, and the sale-text scorer's score of the text.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from medspam import lookalikes
from medspam.features.linkparts import vocabulary
from medspam.page import Link, Page

__all__ = ["ScoredPage", "head_and_tail", "is_trusted_link", "links_to_score"]

_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class ScoredPage:
    """A page with the text the features read and the link scorer's scores of its links."""

    page: Page
    """The extracted page."""
    text: str
    """Title and visible text as the features read it: on a long page, its start and its end
    (:func:`head_and_tail`)."""
    link_scores: tuple[float, ...] = ()
    """Drug-sales score of each link in ``page.links``, in the same order: 0 for a link within
    the page's own site or to a trusted health domain, which is not scored
    (:func:`links_to_score`)."""
    url_score: float | None = None
    """Drug-sales score of the page's own URL, when known."""
    sale_text_score: float | None = None
    """The sale-text scorer's probability that the page's text offers drugs for sale, when
    known (:meth:`with_sale_text_score`)."""
    sale_passage: str = ""
    """The passage of the text the sale-text scorer reads as most like an offer
    (:func:`~medspam.features.passages.passages`), when known."""
    sale_passage_score: float | None = None
    """The sale-text scorer's probability for :attr:`sale_passage`, when known."""
    unmasked: str = field(default="", init=False)
    """``text`` with look-alike spellings undone (``k3tamine``): what the word lists read."""

    def __post_init__(self) -> None:
        """Derive :attr:`unmasked` from the text."""
        object.__setattr__(self, "unmasked", lookalikes.unmask(self.text))

    @classmethod
    def from_page(
        cls, page: Page, link_scores: tuple[float, ...] = (), url_score: float | None = None,
        *, max_words: int = 1_500,
    ) -> ScoredPage:
        """Bundle ``page`` with its link scores, its text cut to ``max_words`` words."""
        return cls(page=page, text=head_and_tail(page.text, max_words),
                   link_scores=link_scores, url_score=url_score)

    @classmethod
    def from_link_scores(
        cls, page: Page, scores: Iterable[float], *, max_words: int = 1_500
    ) -> ScoredPage:
        """Bundle ``page`` with the link scorer's ``scores`` of :func:`links_to_score` ``(page)``.

        Examples
        --------
        >>> from medspam.page import Link
        >>> page = Page(links=(Link(url="https://a.example/", is_external=False),
        ...                    Link(url="https://b.example/")),
        ...             url_link=Link(url="https://a.example/post", found="page"))
        >>> scored = ScoredPage.from_link_scores(page, [0.9, 0.2])
        >>> scored.link_scores, scored.url_score
        ((0.0, 0.9), 0.2)
        >>> ScoredPage.from_link_scores(page, [0.9])
        Traceback (most recent call last):
        ...
        ValueError: 1 scores for 2 links to score

        Raises
        ------
        ValueError
            If ``scores`` is not one score per link of :func:`links_to_score` ``(page)``.
        """
        given = [float(score) for score in scores]
        read = [_is_scored(link) for link in page.links]
        wanted = sum(read) + (page.url_link is not None)
        if len(given) != wanted:
            msg = f"{len(given)} scores for {wanted} links to score"
            raise ValueError(msg)
        outbound = iter(given)
        link_scores = tuple(next(outbound) if r else 0.0 for r in read)
        url_score = given[-1] if page.url_link else None
        return cls.from_page(page, link_scores, url_score, max_words=max_words)

    def with_sale_text_score(self, score: float, *, passage: str = "",
                             passage_score: float | None = None) -> ScoredPage:
        """The same page with the sale-text scorer's ``score`` of its text and best passage.

        The text is not read again (``dataclasses.replace`` would undo its look-alikes anew).

        Examples
        --------
        >>> ScoredPage(Page(), "pills").with_sale_text_score(0.9).sale_text_score
        0.9
        """
        scored = copy.copy(self)
        # frozen: set once, here
        object.__setattr__(scored, "sale_text_score", float(score))
        object.__setattr__(scored, "sale_passage", passage)
        object.__setattr__(scored, "sale_passage_score",
                           None if passage_score is None else float(passage_score))
        return scored


def links_to_score(page: Page) -> tuple[Link, ...]:
    """The links the link scorer reads on ``page``: those that leave its site, then its own URL.

    A link within the page's own site is the site's navigation. The link scorer, fit on every
    link of the training pages, gave such links at most 0.002 on the 661 real web pages, where
    they are four links in five (54,607), and at most 0.17 on the held-out corpus pages (99.9 %
    under 0.001): scoring them and reading their words was about 40 % of the model's time on a
    real page, and changed no verdict. They count as links with score 0; a site is judged by
    its own address (the page URL) and by where it sends its readers.

    Nor is a link to a trusted health domain scored (:func:`is_trusted_link`): an article that
    sends its readers to a licensed chain's product page (``walgreens.com/store/c/tramadol-…``)
    names a drug and a shop in one address, as a drug shop's link does, and read as one
    (0.79-0.89 on the seed article). It counts as a link with score 0; the page's own URL is
    scored wherever it is, since pharma hacks live on trusted sites.

    Nor is an address the page lists (``found="listed"``: one of more than two domains it
    writes defanged, see :data:`medspam.extract.links.LISTED_AFTER`). A regulator's list of
    blocked shops or a security note names them so that no one follows them; read as links,
    four such lists in the eighth blind set scored 0.77-0.91 as sales.

    Examples
    --------
    >>> page = Page(links=(Link(url="https://www.walgreens.com/store/c/tramadol",
    ...                         domain="walgreens.com"),
    ...                    Link(url="https://pills.example/tramadol", domain="pills.example")),
    ...             url_link=Link(url="https://blog.example/post", found="page"))
    >>> [link.url for link in links_to_score(page)]
    ['https://pills.example/tramadol', 'https://blog.example/post']
    >>> links_to_score(Page(links=(Link(url="https://pills.example/", found="listed"),)))
    ()
    """
    outbound = tuple(link for link in page.links if _is_scored(link))
    return (*outbound, page.url_link) if page.url_link else outbound


def is_trusted_link(link: Link) -> bool:
    """Whether ``link`` leaves the page's site for a domain on the trusted health list.

    Examples
    --------
    >>> is_trusted_link(Link(url="https://www.nhs.uk/medicines/", domain="www.nhs.uk"))
    True
    >>> is_trusted_link(Link(url="https://pills.example/", domain="pills.example"))
    False
    """
    return link.is_external and link.domain in vocabulary("trusted_health_domains")


def _is_scored(link: Link) -> bool:
    """Whether the link scorer reads ``link`` (:func:`links_to_score`)."""
    return link.is_external and link.found != "listed" and not is_trusted_link(link)


def head_and_tail(text: str, max_words: int) -> str:
    r"""Cut ``text`` to ``max_words`` words: its first words and, after a line break, its last.

    The last fifth of the budget reads the end of a long page, where a pharma hack sits as
    often as at the top (a sales sentence before ``</body>`` or after ``</html>``, in the
    footer): cutting to the first words only let a hacked 2,000-word article hide the drug
    it sells. The work stays bounded by ``max_words`` words however long the page.

    Examples
    --------
    >>> head_and_tail("one two three four five six seven", 5)
    'one two three four\nseven'
    >>> head_and_tail("one two three", 5)
    'one two three'
    """
    tail_words = max_words // 5
    head_end = _words_end(text, max_words - tail_words)
    first_cut = _WORD.search(text, head_end) if head_end is not None else None
    # The first word cut and the tail after it: more than max_words words in all?
    if first_cut is None or _words_end(text, tail_words + 1, first_cut.start()) is None:
        return text  # at most max_words words
    head = text[: first_cut.start()].rstrip()
    if not tail_words:
        return head
    before_tail = text.rsplit(None, tail_words)[0]  # scans from the end only
    return head + "\n" + text[len(before_tail):].lstrip()


def _words_end(text: str, count: int, start: int = 0) -> int | None:
    """Where the first ``count`` white-space separated words from ``start`` end; ``None`` if fewer.

    One possessive match in C (it never backtracks) instead of a Python step per word.
    """
    words = _first_words(count).match(text, start)
    return words.end() if words else None


@lru_cache(maxsize=4)
def _first_words(count: int) -> re.Pattern[str]:
    """A pattern matching the first ``count`` white-space separated words of a text."""
    return re.compile(rf"(?:\s*+\S++){{{count}}}")
