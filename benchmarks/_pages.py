"""Page sources shared by the benchmark scripts: the real web pages and generated ~5 KB pages.

The real pages are read from ``../shared/data/webpages/pages.tar.xz`` (with ``manifest.jsonl``
for their URLs) at run time and never copied into the repository. The small pages are
generated here from a handful of sentences written for this benchmark, half of them
health articles with shop links, half ordinary pages.
"""

from __future__ import annotations

import json
import random
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEBPAGES = ROOT.parent / "shared" / "data" / "webpages"
TESTS_PAGES = ROOT / "tests" / "pages"

Page = tuple[str, bytes, str | None]
"""(name, body, url) of one benchmark page."""


def real_pages(limit: int | None = None) -> list[Page]:
    """Return the real web pages (name, bytes, url) in manifest order, up to ``limit``."""
    archive_path = WEBPAGES / "pages.tar.xz"
    if not archive_path.exists():
        sys.exit(f"{archive_path} not found: the real-page benchmarks need ../shared/data")
    manifest = [json.loads(line) for line in
                (WEBPAGES / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if line]
    urls = {row["file"]: row.get("url") for row in manifest}
    order = {row["file"]: i for i, row in enumerate(manifest)}
    pages: list[Page] = []
    with tarfile.open(archive_path, "r:xz") as archive:
        for member in archive.getmembers():
            name = Path(member.name).name
            if not member.isfile() or name not in urls:
                continue
            handle = archive.extractfile(member)
            if handle is not None:
                pages.append((name, handle.read(), urls[name]))
    pages.sort(key=lambda page: order[page[0]])
    return pages[:limit] if limit else pages


def test_pages() -> list[Page]:
    """Return the hand-written pages of ``tests/pages`` with the URL of ``expected.json``."""
    expected = json.loads((TESTS_PAGES / "expected.json").read_text(encoding="utf-8"))
    rows = expected if isinstance(expected, list) else expected.get("pages", expected)
    url_of: dict[str, str | None] = {}
    if isinstance(rows, dict):
        url_of = {k: (v.get("url") if isinstance(v, dict) else None) for k, v in rows.items()}
    return [(p.name, p.read_bytes(), url_of.get(p.name) or url_of.get(p.stem))
            for p in sorted(TESTS_PAGES.glob("*.html"))]


_HEALTH = [
    "Chronic pain affects one adult in five and often comes with poor sleep and low mood.",
    "Doctors weigh the benefits of opioid medicines against the risk of dependence.",
    "Physiotherapy, exercise and talking therapies help many patients more than pills do.",
    "Ask your pharmacist how to store and dispose of leftover tablets safely.",
    "Ketamine is used in anaesthesia and, under supervision, for treatment-resistant depression.",
    "Side effects include nausea, dizziness and raised blood pressure during the infusion.",
    "Benzodiazepines such as diazepam are prescribed for short periods because of tolerance.",
    "A clinical trial compared two doses of the medication over twelve weeks.",
]
_SALES = [
    "Readers keep asking where to buy oxycodone 30mg without a prescription: see below.",
    "Order xanax bars online, discreet shipping, pay with bitcoin, $3 per pill.",
    "Cheap ketamine for sale, overnight delivery, no rx needed.",
]
_ORDINARY = [
    "The bakery opens at seven and the sourdough sells out before noon most Saturdays.",
    "Our hiking club meets at the station and walks twelve kilometres along the river.",
    "The council approved a new cycle lane on the high street after a long consultation.",
    "Tomatoes need full sun, steady watering and a stake once the first trusses form.",
    "The museum's winter exhibition shows maps of the coast drawn between 1700 and 1850.",
    "Match report: the home side equalised in the last minute after a corner.",
]
_SHOPS = ["buyoxyonline.shop", "xanaxbarsdirect.info", "cheapketaminestore.net"]
_SAFE = ["www.nhs.uk", "medlineplus.gov", "www.bbc.co.uk", "en.wikipedia.org"]


def small_pages(count: int = 400, size: int = 5_000, seed: int = 0) -> list[Page]:
    """Generate ``count`` pages of about ``size`` bytes: half spam-like, half ordinary."""
    rng = random.Random(seed)  # noqa: S311 - page variety, not secrecy
    pages: list[Page] = []
    for i in range(count):
        is_spam = i % 2 == 0
        pool = _HEALTH + (_SALES if is_spam else [])
        if not is_spam and i % 4 == 1:
            pool = _ORDINARY
        title = rng.choice(pool)[:60]
        parts = [f"<!doctype html><html lang='en'><head><title>{title}</title></head><body>",
                 "<nav><a href='/'>Home</a> <a href='/about'>About</a></nav><article>"]
        while sum(map(len, parts)) < size - 400:
            parts.append(f"<p>{' '.join(rng.choice(pool) for _ in range(3))}</p>")
        hosts = _SHOPS if is_spam else _SAFE
        parts += [f"<p><a href='https://{host}/page-{i}'>Read more on {host}</a></p>"
                  for host in rng.sample(hosts, 2)]
        if is_spam:
            parts.append(f"<p>Telegram: @plug{i:04d} or {rng.choice(_SHOPS)}/order</p>")
        parts.append("</article><footer>© 2024 Community site</footer></body></html>")
        body = "".join(parts).encode()
        pages.append((f"small-{i:04d}.html", body, f"https://community.example/post/{i}"))
    return pages
