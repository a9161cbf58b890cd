"""Settings: the limits, threshold and worker count one process runs with."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from medspam.errors import ConfigError

MB = 1024 * 1024
JSON_OVERHEAD = 4
"""A JSONL line may be this many times ``max_bytes`` (escaping) before it is refused unread."""


@dataclass(frozen=True, slots=True)
class ValueRule:
    """How one setting is read from text: its type and the values that make sense.

    A typo or a nonsensical value (``-1`` bytes, a threshold of 5, ``nan`` seconds) would
    otherwise crash every command or silently disable a limit, so environment variables
    (:meth:`Settings.from_env`) and command-line options (``medspam.cli.common.option``)
    refuse it up front with the same rule.
    """

    kind: Callable[[str], Any]
    """Converts the text (``int``, ``float``, ``str``)."""
    accepted: str
    """The accepted values, in words, for the error message."""
    is_valid: Callable[[Any], bool] = lambda _value: True
    """Whether a converted value is in range."""

    def convert(self, raw: str) -> Any:
        """Return the value of ``raw``, or raise a ``ValueError`` that says what is accepted."""
        try:
            value = self.kind(raw)
        except ValueError:
            value = None
        if value is None or not self.is_valid(value):
            msg = f"{raw!r} is invalid: expected {self.accepted}"
            raise ValueError(msg)
        return value

    def read_env(self, variable: str, raw: str) -> Any:
        """Return the value of environment ``variable``, or raise ``ConfigError`` naming it."""
        try:
            return self.convert(raw)
        except ValueError as exc:
            msg = f"{variable}={exc}"
            raise ConfigError(msg) from None


LARGEST = 2**31 - 1
"""The largest count, size or length a setting takes: beyond it ``islice``, ``read`` and
friends overflow (a C ``ssize_t`` or ``int``) instead of saying no."""
POSITIVE_INT = ValueRule(int, f"a whole number from 1 to {LARGEST:,}",
                         lambda v: 1 <= v <= LARGEST)
COUNT = ValueRule(int, f"a whole number from 0 to {LARGEST:,}", lambda v: 0 <= v <= LARGEST)
MOST_WORKERS = 256
WORKERS = ValueRule(int, f"0 (every core) or a whole number up to {MOST_WORKERS}",
                    lambda v: 0 <= v <= MOST_WORKERS)
"""Worker processes: each holds a model (about 0.5 GB), so thousands would exhaust memory."""
BYTES = ValueRule(int, f"a number of bytes from 1 to 1 GiB ({1024 * MB:,})",
                  lambda v: 1 <= v <= 1024 * MB)
"""Page sizes: the WARC reader allocates ``max_bytes`` up front for each record it reads."""
LONGEST = 1_000_000.0
"""The longest time limit in seconds (11.6 days): ``setitimer`` overflows near 9.2e9 s, and a
limit of weeks is no limit."""
SECONDS = ValueRule(float, f"a number of seconds above 0 and at most {LONGEST:,.0f}",
                    lambda v: 0 < v <= LONGEST)
PROBABILITY = ValueRule(float, "a number from 0 to 1", lambda v: 0 <= v <= 1)
TEXT = ValueRule(str, "text")


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and options that travel together through extraction and classification.

    Build it once per process: from defaults, from keywords, or with :meth:`from_env`.

    Bounds: the caps below bound the work and memory of one page whatever it holds. At most
    ``max_bytes`` are decoded and parsed (lexbor builds the tree in C; nesting deeper than
    1,000 levels is flattened first), at most ``max_elements`` are walked, ``max_text_chars``
    of text kept, ``max_written_chars`` of nested markup (script writes, frame documents,
    markup in page data) read, ``max_links`` links scored, each URL cut at ``max_url_chars``,
    and the features read ``max_feature_words`` words. With the defaults, every case of the
    hostile suite (``tests/test_hostile.py``: 50 MB page, 100,000-deep nesting, 1,000,000 links,
    10 MB attribute, entity flood, binary, UTF-16 without BOM, NUL bytes, huge and invalid URLs,
    IDN homographs, scripts writing 32 MB of markup, frames carrying inline documents, floods
    of page metadata and data) got a
    verdict in at most about 2 s on one core, and the peak resident memory grows by less than
    1 GB (the suite's asserted bound; measured growth is in ``benchmarks/README.md``). Each
    cap that bites adds a note to ``Verdict.notes``.

    Examples
    --------
    >>> Settings().max_bytes
    5242880
    >>> Settings(threshold=0.9).threshold
    0.9
    """

    max_bytes: int = 5 * MB
    """Bytes of a page read (characters for ``str`` input); the rest is dropped and a note
    says so ("truncated at 5 MB")."""
    max_elements: int = 200_000
    """HTML elements walked; the rest of the tree is ignored and a note says so
    ("stopped after 200000 elements")."""
    max_links: int = 2_000
    """Links kept per page (anchors, plain-text URLs, contacts together); each is scored, so
    this bounds the link scorer's work ("links capped at 2000")."""
    max_text_chars: int = 400_000
    """Characters of visible text kept per page ("visible text cut at 400000 characters")."""
    max_written_chars: int = 1_000_000
    """Characters of markup nested in a page read per page: what its scripts write
    (``document.write``, ``innerHTML``) and its frames' inline documents (``srcdoc``,
    ``data:``), at most 200,000 a script or frame ("markup nested in the page (script
    writes, frame documents) cut at 1000000 characters")."""
    max_url_chars: int = 2_048
    """Characters of one URL kept; longer URLs are cut and the link says so (page note
    "URLs cut at 2048 characters")."""
    max_feature_words: int = 1_500
    """Words of page text the features read: the start of the page (title included) and, on a
    longer page, its last fifth of this budget, where pharma hacks sit."""
    threshold: float | None = None
    """Spam threshold on the calibrated score; ``None`` uses the model card's."""
    workers: int = 0
    """Worker processes for batch work; 0 means one per CPU core."""
    record_timeout: float = 30.0
    """Seconds one batch record may take before it becomes an error row."""
    allow_list: str | None = None
    """File of sites whose own pages the model's score alone never flags
    (:mod:`medspam.domainlists`); a deny-listed link on them still does."""
    deny_list: str | None = None
    """File of shop domains: a page on one of them, or linking to one, is always flagged."""

    def with_options(self, **options: Any) -> Settings:
        """Return a copy with the given options changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``MEDSPAM_<FIELD>`` environment variables over the defaults.

        Raises
        ------
        ConfigError
            A variable is not a number of the field's type or is out of its range; the
            message names the variable and the accepted values.

        Examples
        --------
        >>> Settings.from_env({"MEDSPAM_THRESHOLD": "0.7"}).threshold
        0.7
        """
        env = os.environ if environ is None else environ
        options: dict[str, Any] = {}
        for field in fields(cls):
            variable = f"MEDSPAM_{field.name.upper()}"
            if (raw := env.get(variable)) is not None:
                options[field.name] = _ENV_RULES[field.name].read_env(variable, raw)
        return cls(**options)


_ENV_RULES: dict[str, ValueRule] = {
    "max_bytes": BYTES, "max_elements": POSITIVE_INT, "max_links": POSITIVE_INT,
    "max_text_chars": POSITIVE_INT, "max_written_chars": POSITIVE_INT,
    "max_url_chars": POSITIVE_INT,
    "max_feature_words": POSITIVE_INT, "threshold": PROBABILITY, "workers": WORKERS,
    "record_timeout": SECONDS, "allow_list": TEXT, "deny_list": TEXT}
"""How :meth:`Settings.from_env` reads and checks each field: every field has a rule."""
