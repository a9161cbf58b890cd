"""Hostile input through the whole classifier: always a verdict, with bounded work and memory.

Work is bounded by the ``Settings`` caps (bytes read, elements walked, text kept, links kept,
URL length) and by the flattening of nesting deeper than ``extract.html.MAX_DEPTH``; each case
asserts that the cap it hits is reported in ``Verdict.notes``, which proves the cap was applied
(no timing asserts: timing belongs in ``benchmarks/``). Memory: the peak resident set of the
test process may grow by at most ``MAX_PEAK_GROWTH_MB`` per case (the documented bound in
``Settings``; measured peaks are in ``benchmarks/README.md``).
"""

from __future__ import annotations

import base64
import html
import json
import random
import resource
import sys
from collections.abc import Callable

import pytest

import medspam
from medspam.settings import MB, Settings

MAX_PEAK_GROWTH_MB = 1024
CAP = Settings()
TRUNCATED = f"truncated at {CAP.max_bytes // MB} MB"
NESTED = ("markup nested in the page (script writes, frame documents, page data) cut at "
          f"{CAP.max_written_chars} characters")
PAGE_DATA = "page data (JSON) cut at the nested-markup limits"


def _peak_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def _deep() -> str:
    deep = '<p>deep: buy ketamine at <a href="https://deep-shop.example.com/">shop</a></p>'
    return "<div>" * 100_000 + deep + "</div>" * 100_000


def _fifty_mb() -> bytes:
    para = b"<p>Order ketamine and xanax at pills-direct.example.com, no prescription.</p>\n"
    return b"<html><body>" + para * (50 * MB // len(para))


def _utf16_no_bom() -> bytes:
    return ("<html><body><p>Buy ketamine online at shop-direct.example.com</p>" * 500
            ).encode("utf-16-le")


def _nul_bytes() -> bytes:
    return b"<p>buy\x00 keta\x00mine\x00</p>" * 20_000 + b"\x00" * 100_000


def _million_links() -> str:
    return "".join(f'<a href="https://h{i}.example.com/p">l{i}</a>' for i in range(1_000_000))


def _huge_attribute() -> str:
    return '<div title="' + "a" * (10 * MB) + '">buy ketamine</div><p>after</p>'


def _entity_flood() -> str:
    return "<p>" + "&amp;&#x41;&lt;&#128512;" * 500_000 + "</p>"


def _bad_urls() -> str:
    hrefs = ["http://[::1", "http://%zz%zz/", "javascript:alert(1)", "http://a..b/",
             "https://" + "x" * 1_000_000 + ".com/", "http://host:99999/", "//", "http://@/",
             "https://shop.example.com/" + "p" * 100_000, "data:text/html,<script>"]
    return "".join(f'<a href="{h}">x</a>' for h in hrefs) + "<p>see hxxp://[.]/ and www.</p>"


def _homographs() -> str:
    return ('<p><a href="https://xn--pypal-4ve.com/login">paypal</a> '
            '<a href="https://\u0430pple.com/">apple</a> '
            '<a href="https://xn--80ak6aa92e.com/">apple</a> and ketamine-shop.xn--p1ai</p>')


def _script_writes() -> str:
    block = "<p>buy xanax</p><a href='https://h.example/x'>x</a>" * 80  # 4 KB, written 8 times
    script = f'<script>var b = "{block}"; document.write(b + b + b + b + b + b + b + b)</script>'
    return script * 1_000  # 4 MB of HTML writing 32 MB of markup


def _frame_documents() -> str:
    document = html.escape("<p>buy xanax</p><a href='https://h.example/x'>x</a>" * 2_000)
    data = base64.b64encode(("<a href='https://d.example/y'>y</a>" * 4_000).encode()).decode()
    return (f'<iframe srcdoc="{document}"></iframe>'  # 100 KB documents, 4 MB of HTML
            f'<iframe src="data:text/html;base64,{data}"></iframe>') * 12


def _forms_and_data_href() -> str:
    return "".join(f'<form action="https://f{i}.example/buy"><button>order {i}</button></form>'
                   f'<div data-href="https://d{i}.example/x"><p>card {i}</p></div>'
                   for i in range(100_000))  # 14 MB: 70,000 of each read, 2,000 links kept


def _cloaked_links() -> str:
    huge = "aHR0c" + "A" * (2 * MB)  # a 2 MB attribute that starts like one
    addresses = (base64.b64encode(f"https://c{i}.example/x".encode()).decode()
                 for i in range(100_000))
    cards = "".join(f'<span data-go="{a}">card</span>' for a in addresses)
    return f'<div data-go="{huge}">x</div>' + cards  # 8 MB: 2,000 links kept


def _base64_text() -> str:
    huge = "aHR0c" + "A" * (2 * MB)  # a 2 MB word that starts like one
    addresses = " ".join(base64.b64encode(f"https://t{i}.example/x".encode()).decode()
                         for i in range(100_000))
    return f"<p>{huge}</p><p>{addresses}</p>"  # 5 MB of text: cut, links capped


def _script_arrays() -> str:
    item = "'<a href=\\'https://s.example/x\\'>buy xanax</a>',"
    script = f"<script>document.write([{item * 4_000}''].join(''))</script>"
    reverse = "<script>location = '" + "x" * 150_000 + "'.split('').reverse().join('')</script>"
    return (script + reverse) * 20  # 7 MB: arrays of 160 KB joined, strings reversed


def _metadata_flood() -> str:
    description = '<meta name="description" content="' + "buy pills " * 100_000 + '">'  # 1 MB
    products = json.dumps([{"@type": "Product", "name": f"pill {i}",
                            "url": f"https://p{i}.example/"} for i in range(1_000)])
    structured = f'<script type="application/ld+json">{products}</script>' * 20  # 1 MB
    data = json.dumps({"html": '<a href="https://n.example/">x</a>' * 75_000})  # 2.7 MB
    return (f"<html><head>{description}{structured}</head><body>"
            f'<script type="application/json">{data}</script></body></html>')


CASES: dict[str, tuple[Callable[[], str | bytes], str | None, tuple[str, ...]]] = {
    "100k-deep-nesting": (_deep, None, ("nesting deeper than 1000 levels flattened",)),
    "50-mb-page": (_fifty_mb, None,
                   (TRUNCATED, f"visible text cut at {CAP.max_text_chars} characters")),
    "binary": (lambda: random.Random(5).randbytes(2 * MB), None, ("looks binary",)),
    "utf16-without-bom": (_utf16_no_bom, None,
                          ("decoded as utf-16-le (no byte-order mark; NUL pattern)",)),
    "nul-bytes": (_nul_bytes, None, ()),
    "million-links": (_million_links, None, (TRUNCATED, f"links capped at {CAP.max_links}")),
    "10-mb-attribute": (_huge_attribute, None, (TRUNCATED,)),
    "entity-flood": (_entity_flood, None,
                     (f"visible text cut at {CAP.max_text_chars} characters",)),
    "invalid-huge-urls": (_bad_urls, "http://" + "u" * 100_000 + ".example/%%%",
                          (f"URLs cut at {CAP.max_url_chars} characters",)),
    "idn-homographs": (_homographs, "https://xn--80ak6aa92e.com/", ()),
    "script-writes-flood": (_script_writes, None, (NESTED,)),
    "frame-documents-flood": (_frame_documents, None, (NESTED,)),
    "forms-and-data-href-flood": (_forms_and_data_href, None,
                                  (TRUNCATED, f"links capped at {CAP.max_links}")),
    "script-arrays-flood": (_script_arrays, None, (TRUNCATED,)),
    "cloaked-links-flood": (_cloaked_links, None,
                            (TRUNCATED, f"links capped at {CAP.max_links}")),
    "base64-text-flood": (_base64_text, None, (TRUNCATED,)),
    "metadata-flood": (_metadata_flood, None, (PAGE_DATA,)),
}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_hostile_input_gets_a_verdict_within_the_caps(
    classifier: medspam.Classifier, name: str
) -> None:
    make, url, notes = CASES[name]
    data = make()
    before = _peak_mb()
    verdict = classifier.classify(data, url)
    del data
    assert verdict.category in {"clean", "drug-sales", "medical-drug-sales"}
    assert 0.0 <= verdict.score <= 1.0
    for note in notes:
        assert any(n.startswith(note) for n in verdict.notes), verdict.notes
    assert len(verdict.links) <= CAP.max_links
    assert all(len(e.link.url) <= CAP.max_url_chars for e in verdict.links)
    assert _peak_mb() - before < MAX_PEAK_GROWTH_MB


def test_idn_homographs_are_decoded_and_flagged(classifier: medspam.Classifier) -> None:
    verdict = classifier.classify(_homographs(), "https://xn--80ak6aa92e.com/")
    by_host = {e.link.host: e.link for e in verdict.links}
    assert "p\u0430ypal.com" in by_host  # Cyrillic a (U+0430), decoded from punycode
    assert "punycode decoded" in by_host["p\u0430ypal.com"].notes
    assert "\u0430pple.com" in by_host
    assert verdict.url == "https://\u0430\u0440\u0440\u04cf\u0435.com/"


def test_arrays_in_a_flood_are_read_within_the_budget(classifier: medspam.Classifier) -> None:
    """The flood's first scripts still write their joined anchors; the rest are bounded."""
    verdict = classifier.classify(_script_arrays())
    assert [e.link.url for e in verdict.links if e.link.host == "s.example"] == [
        "https://s.example/x"]


def test_caps_are_configurable(classifier: medspam.Classifier) -> None:
    small = medspam.Classifier(classifier._model, settings=Settings(  # noqa: SLF001
        max_bytes=10_000, max_links=3, max_elements=50, max_text_chars=100))
    verdict = small.classify(_million_links()[:200_000])
    for note in ("truncated at 10000 bytes", "links capped at 3", "stopped after 50 elements"):
        assert note in verdict.notes
    assert len(verdict.links) <= 3
