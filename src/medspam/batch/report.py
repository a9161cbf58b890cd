"""Site audit report: scan rows grouped by host, rendered as one self-contained HTML file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from medspam.batch.summary import host_of
from medspam.batch.svg import bar_chart, histogram

if TYPE_CHECKING:
    from collections.abc import Iterable

    from medspam.batch.rows import Row

BINS = 10
"""Score histogram bins over 0..1."""
MAX_HOSTS = 1_000
"""Hosts listed in the table (most flagged first)."""
MAX_EVIDENCE = 50
"""Flagged pages shown with their evidence per host."""
TOP = 15
"""Bars per chart."""
STYLE = """body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:1150px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px;margin:18px 0 4px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#eee}td.n{text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #ddd;background:#fff}
.spam{color:#c0392b;font-weight:bold}code{word-break:break-all}
article{border-left:3px solid #c0392b;padding-left:10px;margin:10px 0}"""


@dataclass
class HostAudit:
    """What the scan found on one host."""

    host: str
    """Host name of the pages."""
    pages: int = 0
    """Pages scanned."""
    flagged: int = 0
    """Pages flagged as spam."""
    errors: int = 0
    """Pages that could not be classified."""
    shop_domains: Counter[str] = field(default_factory=Counter)
    """Domains of flagged links, by number of flagged pages linking them."""
    evidence: list[Row] = field(default_factory=list)
    """The first flagged rows, with their reasons and links."""


@dataclass
class SiteAudit:
    """Scan rows aggregated per host, with a score histogram.

    Examples
    --------
    >>> audit = SiteAudit.from_rows([{"id": "1", "url": "https://a.example/", "verdict": "ok",
    ...                               "score": 0.01, "links": [], "error": None}])
    >>> audit.pages, audit.hosts["a.example"].pages
    (1, 1)

    """

    hosts: dict[str, HostAudit] = field(default_factory=dict)
    """Per host audits."""
    score_bins: list[int] = field(default_factory=lambda: [0] * BINS)
    """Pages per score bin."""
    unreadable: int = 0
    """Lines of the results file that are not well-formed rows, so not counted anywhere."""

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> SiteAudit:
        """Aggregate scan rows."""
        audit = cls()
        for row in rows:
            audit.add(row)
        return audit

    def add(self, row: Row) -> None:
        """Count one row."""
        host = host_of(row.get("url"))
        audit = self.hosts.setdefault(host, HostAudit(host))
        audit.pages += 1
        if row.get("error"):
            audit.errors += 1
        score = row.get("score")
        if isinstance(score, float | int) and 0 <= score <= 1:  # NaN and out of range: no bin
            self.score_bins[min(int(score * BINS), BINS - 1)] += 1
        if row.get("verdict") == "spam":
            audit.flagged += 1
            audit.shop_domains.update({link["domain"] for link in row.get("links", ())
                                       if link.get("domain")})
            if len(audit.evidence) < MAX_EVIDENCE:
                audit.evidence.append(row)

    @property
    def pages(self) -> int:
        """Pages scanned on every host."""
        return sum(h.pages for h in self.hosts.values())

    @property
    def flagged(self) -> int:
        """Pages flagged on every host."""
        return sum(h.flagged for h in self.hosts.values())

    def ranked_hosts(self) -> list[HostAudit]:
        """Hosts, most flagged first."""
        return sorted(self.hosts.values(), key=lambda h: (-h.flagged, -h.pages, h.host))

    def shop_domains(self) -> Counter[str]:
        """Count flagged pages per linked shop domain, over every host."""
        total: Counter[str] = Counter()
        for audit in self.hosts.values():
            total.update(audit.shop_domains)
        return total

    def to_dict(self) -> dict[str, Any]:
        """Return the audit as JSON-ready data (without the evidence rows)."""
        return {
            "pages": self.pages, "flagged": self.flagged, "unreadable": self.unreadable,
            "score_bins": self.score_bins,
            "shop_domains": dict(self.shop_domains().most_common()),
            "hosts": [{"host": h.host, "pages": h.pages, "flagged": h.flagged,
                       "errors": h.errors, "shop_domains": dict(h.shop_domains.most_common())}
                      for h in self.ranked_hosts()],
        }


def render_html(audit: SiteAudit, *, title: str = "medspam site audit") -> str:
    """Render the audit as one HTML document: summary, charts, host table, evidence.

    Everything taken from the pages is HTML-escaped and no URL is made a link, so a hostile
    page cannot run code or be one click away. The document loads nothing from outside.
    """
    hosts = audit.ranked_hosts()
    flagged_hosts = [(h.host, h.flagged) for h in hosts if h.flagged][:TOP]
    charts = (histogram("score histogram (pages per score bin)", audit.score_bins),
              bar_chart("flagged pages per host", flagged_hosts),
              bar_chart("top linked shop domains", audit.shop_domains().most_common(TOP)))
    return "".join((
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"),
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        (f"<h1>{escape(title)}</h1><p>{audit.pages} pages on {len(hosts)} hosts, "
        f'<span class="spam">{audit.flagged} flagged</span>.'
        + (f" {audit.unreadable} lines of the results file are not result rows and are not "
           "counted." if audit.unreadable else "") + "</p>"),
        '<div class="charts">', *charts, "</div>",
        _host_table(hosts),
        "<h2>Evidence</h2>" if audit.flagged else "",
        *(_host_evidence(h) for h in hosts if h.flagged),
        "</body></html>\n",
    ))


def _host_table(hosts: list[HostAudit]) -> str:
    """Render the per-host table."""
    rows = [
        f'<tr><td><code>{escape(h.host)}</code></td><td class="n">{h.pages}</td>'
        f'<td class="n">{h.flagged}</td><td class="n">{h.errors}</td>'
        f"<td>{escape(', '.join(d for d, _ in h.shop_domains.most_common()))}</td></tr>"
        for h in hosts[:MAX_HOSTS]
    ]
    more = (f"<p>{len(hosts) - MAX_HOSTS} more hosts not listed.</p>"
            if len(hosts) > MAX_HOSTS else "")
    return ('<h2>Hosts</h2><table id="hosts"><thead><tr><th>host</th><th>pages</th>'
            "<th>flagged</th><th>errors</th><th>shop domains linked</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>" + more)


def _host_evidence(host: HostAudit) -> str:
    """Render the flagged pages of one host with their reasons and links."""
    more = host.flagged - len(host.evidence)
    return (f"<section><h3>{escape(host.host)}: {host.flagged} flagged of {host.pages}</h3>"
            + "".join(_page_evidence(row) for row in host.evidence)
            + (f"<p>{more} more flagged pages not shown.</p>" if more > 0 else "")
            + "</section>")


def _page_evidence(row: Row) -> str:
    """One flagged page: score, category, reasons and flagged links."""
    reasons = "".join(
        f"<li>{escape(str(r.get('text', '')))}"
        + (f" ({r['weight']:+.2f})" if isinstance(r.get("weight"), float | int)
           and r.get("source") != "list" else "")
        + "</li>"
        for r in row.get("reasons", ()))
    links = "".join(
        f"<tr><td><code>{escape(str(link.get('url', '')))}</code></td>"
        f"<td>{escape(str(link.get('domain') or ''))}</td>"
        f"<td>{escape(str(link.get('anchor') or ''))}</td>"
        f"<td class=\"n\">{_number(link.get('score'))}</td></tr>"
        for link in row.get("links", ()))
    return (f"<article><p><code>{escape(str(row.get('url') or row.get('id')))}</code><br>"
            f'<span class="spam">{escape(str(row.get("category")))}</span> score '
            f"{_number(row.get('score'))}</p>"
            + (f"<ul>{reasons}</ul>" if reasons else "")
            + ("<table><thead><tr><th>flagged link</th><th>domain</th><th>anchor</th>"
               f"<th>score</th></tr></thead><tbody>{links}</tbody></table>" if links else "")
            + "</article>")


def _number(value: Any) -> str:
    """Format a score for display."""
    return f"{value:.3f}" if isinstance(value, float | int) else "-"
