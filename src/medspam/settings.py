"""Settings: the limits, threshold and worker count one process runs with."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

MB = 1024 * 1024


_ENV_TYPES: dict[str, type] = {"threshold": float, "record_timeout": float, "allow_list": str,
                               "deny_list": str}
"""How ``from_env`` reads each field that is not an ``int``."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and options that travel together through extraction and classification.

    Build it once per process: from defaults, from keywords, or with :meth:`from_env`.

    Bounds: the caps below bound the work and memory of one page whatever it holds. At most
    ``max_bytes`` are decoded and parsed (lexbor builds the tree in C; nesting deeper than
    1,000 levels is flattened first), at most ``max_elements`` are walked, ``max_text_chars``
    of text kept, ``max_links`` links scored, each URL cut at ``max_url_chars``, and the
    features read ``max_feature_words`` words. With the defaults, every case of the hostile
    suite (``tests/test_hostile.py``: 50 MB page, 100,000-deep nesting, 1,000,000 links,
    10 MB attribute, entity flood, binary, UTF-16 without BOM, NUL bytes, huge and invalid
    URLs, IDN homographs) got a verdict in at most about 2 s on one core, and the peak resident
    memory grows by less than 1 GB (the suite's asserted bound; measured growth is in
    ``benchmarks/README.md``). Each cap that bites adds a note to ``Verdict.notes``.

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

        Examples
        --------
        >>> Settings.from_env({"MEDSPAM_THRESHOLD": "0.7"}).threshold
        0.7
        """
        env = os.environ if environ is None else environ
        options: dict[str, Any] = {}
        for field in fields(cls):
            raw = env.get(f"MEDSPAM_{field.name.upper()}")
            if raw is not None:
                options[field.name] = _ENV_TYPES.get(field.name, int)(raw)
        return cls(**options)
