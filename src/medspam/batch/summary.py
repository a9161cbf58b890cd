"""Scan summary: counts, flagged pages by category, top hosts and shop domains, errors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from medspam.batch.rows import Row

TOP = 10
"""Hosts and shop domains listed."""
ERROR_SAMPLES = 5
"""Error rows quoted."""


def host_of(url: str | None) -> str:
    """Return the host of a page URL, or ``(no url)``."""
    if not url:
        return "(no url)"
    try:
        return urlsplit(url).hostname or "(no host)"
    except ValueError:
        return "(bad url)"


@dataclass
class ScanSummary:
    """What a scan found, built row by row.

    Examples
    --------
    >>> summary = ScanSummary()
    >>> summary.add({"id": "1", "url": "https://a.example/x", "verdict": "spam",
    ...              "category": "drug-sales", "links": [], "error": None})
    >>> summary.flagged, summary.flagged_hosts["a.example"]
    (1, 1)

    """

    pages: int = 0
    """Rows, error rows included."""
    flagged: int = 0
    """Rows with verdict ``spam``."""
    errors: int = 0
    """Rows with an error."""
    resumed: int = 0
    """Rows done by an earlier run of the same scan."""
    skipped: int = 0
    """Input records that are not pages (a directory's other files, a WARC's other
    responses), or repeat an id already seen."""
    categories: Counter[str] = field(default_factory=Counter)
    """Flagged rows per category."""
    flagged_hosts: Counter[str] = field(default_factory=Counter)
    """Flagged rows per page host."""
    shop_domains: Counter[str] = field(default_factory=Counter)
    """Flagged pages per domain of their flagged links."""
    error_samples: list[str] = field(default_factory=list)
    """The first few errors, as ``id: error``."""

    def add(self, row: Row) -> None:
        """Count one row."""
        self.pages += 1
        if row.get("error"):
            self.errors += 1
            if len(self.error_samples) < ERROR_SAMPLES:
                self.error_samples.append(f"{row['id']}: {row['error']}")
        if row.get("verdict") != "spam":
            return
        self.flagged += 1
        self.categories[row.get("category") or "?"] += 1
        self.flagged_hosts[host_of(row.get("url"))] += 1
        self.shop_domains.update({link["domain"] for link in row.get("links", ())
                                  if link.get("domain")})

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data (counters most common first)."""
        return {
            "pages": self.pages, "flagged": self.flagged, "errors": self.errors,
            "resumed": self.resumed, "skipped": self.skipped,
            "categories": dict(self.categories.most_common()),
            "flagged_hosts": dict(self.flagged_hosts.most_common(TOP)),
            "shop_domains": dict(self.shop_domains.most_common(TOP)),
            "error_samples": self.error_samples,
        }

    def lines(self) -> list[str]:
        """Return the summary as plain text lines."""
        out = [f"pages: {self.pages}  flagged: {self.flagged}  errors: {self.errors}"
               + (f"  (resumed {self.resumed} from the earlier run)" if self.resumed else "")
               + (f"  skipped: {self.skipped}" if self.skipped else "")]
        if self.categories:
            out.append("flagged by category: " + ", ".join(
                f"{name} {count}" for name, count in self.categories.most_common()))
        for title, counter in (("top hosts", self.flagged_hosts),
                               ("top shop domains", self.shop_domains)):
            if counter:
                out.append(f"{title}: " + ", ".join(
                    f"{name} {count}" for name, count in counter.most_common(TOP)))
        out += [f"error: {sample}" for sample in self.error_samples]
        return out
