"""Written pages: the spent blind sets of ``datasets/fresh``, as training and as threshold pages.

Each blind set was written by four helper sessions, blind to the corpus, to judge one trial
(``docs/model-history.md``). Once it has judged it, or its pages were read, it is spent as a
judge; as training it is what no template gives: pages by many writers, of every kind of site,
sale and lawful use of drug words the briefs asked for. A held-out set is never read here: one
that has yet to judge its trial, or one that judged the shipped model (it joins the training
sets with the next model, so that ``medspam train`` gives the shipped model).

The training sets' pages join the two training folds only, so the test pool measures what it
measured without them; the threshold sets' pages join the validation pool and never train
(:data:`THRESHOLD_SETS`). They are labelled by page: spam or ham; the text of a shop page or
of an offer between people sells, a ham page's does not, an article's that carries a sale is
not known; whether a page is medical is not known. Their links are labelled where the label
is known: every link of a ham page is lawful; a spam page's own address sells on a shop page
or where its writer said so (``page_url``), and its contacts sell on an offer between people
or a contact-only sale; a spam page's other links are not labelled (a page's note says where
its sale is, not which address).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medspam.corpus.sources import read_jsonl

BLIND_SETS = (
    "pages", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second",
    "twenty-third", "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh",
    "twenty-eighth", "twenty-ninth", "thirtieth", "thirty-first", "thirty-second",
    "thirty-third", "thirty-fourth", "thirty-fifth", "thirty-sixth", "thirty-seventh",
    "thirty-eighth", "thirty-ninth", "fortieth", "forty-first",
    "forty-second", "forty-third", "forty-fourth", "forty-fifth",
)
"""Every blind set of ``datasets/fresh`` (``<name>.jsonl``), in the order they were written."""
TRAINED_ON = 34
"""How many blind sets, from the first, train: those that judged their trial, or were read,
before the shipped model. A model that ships raises it past the sets that judged it."""
TRAINING_SETS = BLIND_SETS[:TRAINED_ON]
"""Blind sets that judged their trial, or were read, before the shipped model: they train."""
HELD_OUT_SETS = BLIND_SETS[TRAINED_ON:]
"""Blind sets never read for training: the newest, sealed until it judges a trial, and those
that judged the shipped model or were written after its training sets (they join with the
next model, so that ``medspam train`` gives the shipped model on this code). Which set judged
which trial, and why ``TRAINED_ON`` stands where it does: ``datasets/fresh/README.md`` and
``docs/model-history.md``."""
THRESHOLD_SETS = ("thirty-fifth", "thirty-sixth", "thirty-seventh", "thirty-eighth",
                  "thirty-ninth", "fortieth")
"""Spent blind sets that set the threshold and never train: they join the validation pool.

The threshold is chosen on their pages alone (``medspam.train.threshold_pool``): 720 ham
pages written blind by many hands, the kind of page the blind sets judge a model on. From the
composed validation ham it swung between 0.70 and 0.86 between near-identical models
(``docs/model-history.md``, items 77-81)."""
WRITTEN_SOURCE = "written/"
"""The ``source`` of a written page's corpus record: ``written/<set name>``."""
SELLING_KINDS = frozenset({"shop", "sales-post"})
"""Kinds of spam page whose whole text sells (not an article with a sale slipped in)."""


def default_written_dir() -> Path:
    """The checkout's ``datasets/fresh`` folder."""
    return Path(__file__).resolve().parents[3] / "datasets" / "fresh"


def set_of(record: dict[str, Any]) -> str | None:
    """The blind set a corpus record was written in, or ``None`` for a record not written.

    Examples
    --------
    >>> set_of({"source": "written/thirty-fifth"}), set_of({"source": "medquad/3_GHR_QA"})
    ('thirty-fifth', None)
    """
    source = record["source"]
    return source.removeprefix(WRITTEN_SOURCE) if source.startswith(WRITTEN_SOURCE) else None


def read_sets(folder: Path, names: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (set name, page) of the sets ``names`` in ``folder``, set by set in file order.

    Raises
    ------
    FileNotFoundError
        If a set's file is missing: training, or choosing the threshold, on part of them
        would go unnoticed.
    """
    for name in names:
        for page in read_jsonl(folder / f"{name}.jsonl"):
            yield name, page


def record_fields(name: str, page: dict[str, Any]) -> dict[str, Any]:
    """The corpus fields of one written page of set ``name`` (all but its pool and id)."""
    spam = page["label"] == "spam"
    return {
        "url": page["url"], "html": page["html"], "label": page["label"],
        "category": page["category"], "kind": page.get("kind", ""),
        "lang": page.get("lang", ""), "placement": page.get("placement", ""),
        "source": WRITTEN_SOURCE + name, "group": f"written:{name}:{page['id']}",
        "targets": [], "url_sells": spam and _own_address_sells(page),
        "labelled_links": SPAM_LINKS_LABELLED if spam else None, "medical": None,
        "text_sells": _text_sells(page) if spam else False,
    }


SPAM_LINKS_LABELLED = ("page", "contact")
"""The links of a written spam page whose label is known: its own address and its contacts."""


def _own_address_sells(page: dict[str, Any]) -> bool:
    """Whether a written spam page's own address sells: a shop's, or where its writer said so."""
    return page.get("kind") == "shop" or page.get("placement") == "page_url"


def _text_sells(page: dict[str, Any]) -> bool | None:
    """True for a spam page whose whole text sells; ``None`` (not known) for other spam."""
    return True if page.get("kind") in SELLING_KINDS else None
