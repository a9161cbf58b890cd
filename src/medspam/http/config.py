"""ServiceSettings: the HTTP service's limits, database and API key, built once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medspam.settings import COUNT, MB, POSITIVE_INT, SECONDS, ValueRule

if TYPE_CHECKING:
    from collections.abc import Mapping

ENV_PREFIX = "MEDSPAM_HTTP_"
DEFAULT_KEY_ENV = "MEDSPAM_API_KEY"


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """Options of one ``medspam serve`` process (classification limits live in ``Settings``).

    Examples
    --------
    >>> ServiceSettings.from_env({"MEDSPAM_HTTP_MAX_BATCH_PAGES": "8"}).max_batch_pages
    8
    >>> ServiceSettings.from_env({"MEDSPAM_API_KEY": "s3cret"}).api_key
    's3cret'
    >>> "s3cret" in repr(ServiceSettings(api_key="s3cret"))
    False

    """

    db: Path = Path("medspam-feedback.sqlite3")
    """SQLite file for classified pages and feedback."""
    api_key: str | None = field(default=None, repr=False)
    """When set, feedback and export need it in the ``X-API-Key`` header. Never logged."""
    max_body_bytes: int = 6 * MB
    """Largest request body of ``/v1/classify`` and ``/v1/feedback`` (413 beyond)."""
    max_batch_bytes: int = 24 * MB
    """Largest request body of ``/v1/classify/batch`` (413 beyond)."""
    max_batch_pages: int = 32
    """Most pages in one batch request (422 beyond)."""
    timeout: float = 30.0
    """Seconds one classification request may take (504 beyond)."""
    threads: int = 4
    """Classification threads per worker process."""
    max_pending: int = 64
    """Classifications queued or running per process before requests get 503."""
    max_pages_kept: int = 10_000
    """Classified pages kept so feedback can name them by ``verdict_id``; 0 keeps none."""
    model: Path | None = None
    """Model file; ``None`` for the shipped model."""
    trust_model: bool = False
    """Allow a model file outside the shipped folder (unpickling runs code)."""

    def with_options(self, **options: Any) -> ServiceSettings:
        """Return a copy with the given options changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """Build settings from ``MEDSPAM_HTTP_<FIELD>`` variables over the defaults.

        The API key is read from the variable named by ``MEDSPAM_HTTP_API_KEY_ENV``
        (default ``MEDSPAM_API_KEY``), so the key itself never appears on a command line.
        A value of the wrong type or out of range raises :class:`~medspam.errors.ConfigError`
        naming the variable.
        """
        env = os.environ if environ is None else environ
        options: dict[str, Any] = {}
        for name, rule in _ENV_RULES.items():
            variable = ENV_PREFIX + name.upper()
            if (raw := env.get(variable)) is not None:
                options[name] = rule.read_env(variable, raw)
        key = env.get(env.get(ENV_PREFIX + "API_KEY_ENV", DEFAULT_KEY_ENV), "")
        return cls(api_key=key or None, **options)

    def to_env(self, *, api_key_env: str = DEFAULT_KEY_ENV) -> dict[str, str]:
        """Environment that makes :meth:`from_env` rebuild these settings (without the key)."""
        env = {ENV_PREFIX + "API_KEY_ENV": api_key_env}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name != "api_key" and value is not None:
                env[ENV_PREFIX + item.name.upper()] = str(value)
        return env


def _read_flag(raw: str) -> bool:
    """Read a yes/no value; anything but ``1``, ``true`` or ``yes`` is no (the safe side)."""
    return raw.strip().lower() in {"1", "true", "yes"}


_ENV_RULES: dict[str, ValueRule] = {
    "db": ValueRule(Path, "a file path"), "model": ValueRule(Path, "a file path"),
    "trust_model": ValueRule(_read_flag, "yes or no"),
    "max_body_bytes": POSITIVE_INT, "max_batch_bytes": POSITIVE_INT,
    "max_batch_pages": POSITIVE_INT, "timeout": SECONDS, "threads": POSITIVE_INT,
    "max_pending": POSITIVE_INT, "max_pages_kept": COUNT}
"""How :meth:`ServiceSettings.from_env` reads and checks each field (not the API key)."""
