"""``medspam report``: per-host audit, escaped HTML, inline charts, rendered by Chromium."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import struct
import subprocess
import tracemalloc
import zlib
from typing import TYPE_CHECKING, Any

import pytest

from medspam.batch.report import SiteAudit, render_html
from medspam.cli.main import main

if TYPE_CHECKING:
    from pathlib import Path

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def row(number: int, url: str | None, verdict: str = "ok", **extra: Any) -> dict[str, Any]:
    """A scan row."""
    return {"id": f"r{number}", "url": url, "verdict": verdict,
            "category": "medical-drug-sales" if verdict == "spam" else "clean",
            "score": 0.97 if verdict == "spam" else 0.02, "threshold": 0.5, "reasons": [],
            "links": [], "notes": [], "error": None, **extra}


ROWS = [
    row(1, "https://forum.example.net/t/1", "spam",
        reasons=[{"text": f"commercial phrase {HOSTILE}", "weight": 2.5, "source": "text"}],
        links=[{"url": f"https://buyoxy.biz/{HOSTILE}", "domain": "buyoxy.biz",
                "anchor": HOSTILE, "score": 0.99, "reasons": []}]),
    row(2, "https://forum.example.net/t/2", "spam",
        links=[{"url": "https://pillshop.example/", "domain": "pillshop.example",
                "anchor": "pills", "score": 0.9, "reasons": []}]),
    row(3, "https://forum.example.net/t/3"),
    row(4, "https://bakery.example.com/"),
    row(5, None, verdict=None, score=None, error="cannot read: bad gzip"),
    row(6, f"https://{HOSTILE}.example/"),
]


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A results file of ``ROWS``."""
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS) + '{"id": "cut', encoding="utf-8")
    return path


def test_audit_counts_per_host() -> None:
    audit = SiteAudit.from_rows(ROWS)
    forum = audit.hosts["forum.example.net"]
    assert (forum.pages, forum.flagged, forum.errors) == (3, 2, 0)
    assert set(forum.shop_domains) == {"buyoxy.biz", "pillshop.example"}
    assert audit.hosts["(no url)"].errors == 1
    assert audit.ranked_hosts()[0].host == "forum.example.net"
    assert sum(audit.score_bins) == 5
    assert audit.score_bins[0] == 3
    assert audit.score_bins[-1] == 2


def test_html_is_escaped_and_self_contained() -> None:
    html = render_html(SiteAudit.from_rows(ROWS), title=HOSTILE)
    assert "<script" not in html
    assert "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html
    assert "<a " not in html, "no URL from a page is made a link"
    assert 'http-equiv="Content-Security-Policy"' in html
    assert html.count("<svg") == 3
    assert 'id="hosts"' in html
    for external in ('src="http', 'href="http', "@import", "url("):
        assert external not in html


def test_report_cli_html_and_json(tmp_path: Path, results: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "report.html"
    assert main(["report", str(results), "--html", str(html), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["pages"] == len(ROWS)
    assert data["flagged"] == 2
    assert data["hosts"][0]["host"] == "forum.example.net"
    assert "buyoxy.biz" in html.read_text(encoding="utf-8")


def test_report_needs_an_output(results: Path) -> None:
    assert main(["report", str(results)]) == 2


def png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Decode an 8-bit RGB(A) PNG enough to list its distinct pixels (no Pillow needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    idat = b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IDAT":
            idat += body
        chunks[kind] = body
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8
    assert colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    pixels: set[bytes] = set()
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        current = unfilter(line[0], bytearray(line[1:]), previous, channels)
        pixels.update(bytes(current[x:x + 3]) for x in range(0, stride, channels * 7))
        previous = current
    return width, height, pixels


def unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> bytearray:
    """Undo one PNG scanline filter."""
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        corner = previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                  else corner)) & 0xFF
    return line


def chromium() -> str:
    """The Chromium binary; skip when absent, fail when CI=true."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run must install it")
        pytest.skip("chromium not installed")
    return binary


@pytest.mark.slow
def test_report_renders_in_headless_chromium(tmp_path: Path, results: Path) -> None:
    binary = chromium()
    html = tmp_path / "report.html"
    assert main(["report", str(results), "--html", str(html)]) == 1
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600"]
    shot = tmp_path / "shot.png"
    subprocess.run([binary, *flags, f"--screenshot={shot}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    assert len(pixels) > 3, "the screenshot is blank"
    assert b"\xc0\x39\x2b" in pixels, "the red chart bars are drawn"
    dom = subprocess.run([binary, *flags, "--dump-dom", html.as_uri()], capture_output=True,
                         timeout=120, check=True, text=True).stdout
    assert '<table id="hosts">' in dom
    assert "forum.example.net" in dom
    assert "<script>alert" not in dom


BAD_ROWS = {  # rows a results file may hold after a hand edit or damage (also test_resume)
    "score-nan": '{"id":"x","verdict":"ok","score":NaN}',
    "score-infinity": '{"id":"x","verdict":"ok","score":Infinity}',
    "score-1e400": '{"id":"x","verdict":"ok","score":1e400}',
    "score-negative": '{"id":"x","verdict":"ok","score":-3}',
    "score-below-0": '{"id":"x","verdict":"ok","score":-0.5}',
    "links-null": '{"id":"x","verdict":"spam","links":null}',
    "links-text": '{"id":"x","verdict":"spam","links":"abc"}',
    "links-of-numbers": '{"id":"x","verdict":"spam","links":[1]}',
    "links-of-text": '{"id":"x","verdict":"spam","links":["a"]}',
    "category-list": '{"id":"x","verdict":"spam","category":[1]}',
    "domain-list": '{"id":"x","verdict":"spam","links":[{"url":"u","domain":["d"]}]}',
    "url-number": '{"id":"x","verdict":"spam","url":5}',
    "reasons-null": '{"id":"x","verdict":"spam","reasons":null}',
    "reasons-of-numbers": '{"id":"x","verdict":"spam","reasons":[1]}',
    "reasons-text": '{"id":"x","verdict":"spam","reasons":"abc"}',
    "deep": '{"id":"x","notes":' + "[" * 100_000 + "}",
}


@pytest.mark.parametrize("line", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_report_counts_bad_rows_as_unreadable(
    tmp_path: Path, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(ROWS[3]) + "\n" + line + "\n", encoding="utf-8")
    html = tmp_path / "report.html"
    assert main(["report", str(path), "--json", "--html", str(html)]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert (data["pages"], data["unreadable"], sum(data["score_bins"])) == (1, 1, 1)
    assert "1 lines are not result rows" in err
    assert "1 lines of the results file are not result rows" in html.read_text(encoding="utf-8")


def test_report_csv_score_that_is_not_a_number(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.csv"
    path.write_text("id,url,verdict,category,score,threshold,reasons,links,domains,notes,error\n"
                    "a,https://a.example/,ok,clean,0.1,0.5,,,,,\n"
                    "b,https://b.example/,ok,clean,abc,0.5,,,,,\n", encoding="utf-8")
    assert main(["report", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unreadable"] == 1


def test_audit_does_not_bin_scores_outside_0_1() -> None:
    audit = SiteAudit.from_rows([row(1, None, score=score) for score in (-0.5, 1.5, 0.5)])
    assert audit.score_bins == [0] * 5 + [1] + [0] * 4


@pytest.mark.parametrize("target", ["directory", "missing-folder"])
def test_report_html_that_cannot_be_written_is_an_error(
    tmp_path: Path, results: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path if target == "directory" else tmp_path / "no" / "report.html"
    assert main(["report", str(results), "--html", str(html)]) == 2
    assert f"medspam: error: cannot write {html}" in capsys.readouterr().err


def test_report_escapes_lone_surrogates(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    odd = row(1, "https://caf\udce9.example/", "spam",
              reasons=[{"text": "odd \ud800", "weight": 1.0, "source": "text"}])
    path.write_text(json.dumps(odd) + "\n", encoding="utf-8")  # ASCII: \\ud800 escapes
    html = tmp_path / "report.html"
    assert main(["report", str(path), "--html", str(html), "--title", "caf\udce9"]) == 1
    text = html.read_text(encoding="utf-8")
    assert "<title>caf\\udce9</title>" in text
    assert "odd \\ud800" in text


def test_report_reads_gzipped_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "part-00000.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in ROWS).encode()))
    assert main(["report", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["pages"] == len(ROWS)


@pytest.mark.parametrize("content", [
    b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
    gzip.compress(b"<html><p>a page</p></html>\n"),
    b'{"not": "a row"}\n',
], ids=["warc", "gzipped-page", "other-json"])
def test_report_refuses_a_file_without_result_rows(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    assert main(["report", str(path), "--json"]) == 2
    assert "has no result rows" in capsys.readouterr().err


def test_report_of_an_empty_results_file_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "flagged.jsonl"  # `scan --only-flagged` that flagged nothing
    path.write_bytes(b"")
    assert main(["report", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pages"] == 0


@pytest.mark.parametrize("spelling", ["same", "symlink", "hard-link"])
def test_report_refuses_html_that_is_the_results_file(
    tmp_path: Path, results: Path, spelling: str, capsys: pytest.CaptureFixture[str]
) -> None:
    content = results.read_bytes()
    html = {"same": results, "symlink": tmp_path / "link.html",
            "hard-link": tmp_path / "hard.html"}[spelling]
    if spelling == "symlink":
        html.symlink_to(results)
    elif spelling == "hard-link":
        html.hardlink_to(results)
    assert main(["report", str(results), "--html", str(html)]) == 2
    assert "is the results file" in capsys.readouterr().err
    assert results.read_bytes() == content


def test_report_skips_a_line_over_the_cap_without_holding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("medspam.batch.rowformat.MAX_ROW_LINE", 64 * 1024)
    huge = json.dumps(row(9, "https://huge.example/" + "0" * 20_000_000))  # a row, if read whole
    path = tmp_path / "results.jsonl.gz"
    path.write_bytes(gzip.compress(
        (json.dumps(ROWS[3]) + "\n" + huge + "\n" + json.dumps(ROWS[0]) + "\n").encode()))
    tracemalloc.start()
    try:
        assert main(["report", str(path), "--json"]) == 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    data = json.loads(capsys.readouterr().out)
    assert (data["pages"], data["flagged"], data["unreadable"]) == (2, 1, 1)
    assert peak < 5_000_000, "the 20 MB line was held in memory"


@pytest.mark.parametrize("html", ["", "new/", "-"], ids=["empty", "trailing-slash", "dash"])
def test_report_html_that_names_no_file_is_refused(
    tmp_path: Path, html: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(ROWS[3]) + "\n", encoding="utf-8")
    assert main(["report", str(results), "--html", html]) == 2
    assert "--html" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"], "nothing is created"
