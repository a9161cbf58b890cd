"""``medspam scan``: inputs, rows, error rows, worker failures, CSV, and the real web pages."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import sys
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from conftest import shared_path
from medspam.batch.inputs import InputSet, Record
from medspam.batch.output import ResultWriter
from medspam.batch.rowformat import read_rows
from medspam.batch.rows import classify_chunk, classify_record, error_row, time_limit
from medspam.batch.runner import WorkerConfig, WorkerPool
from medspam.cli.main import main
from medspam.errors import InputError
from medspam.settings import Settings
from medspam.verdict import Verdict

SPAM_PAGES = {
    "https://forum.example.net/members/4411-buy-oxycodone-online-no-prescription": """
<html><head><title>Pain relief that works: oxycodone guide</title></head><body>
<h1>Oxycodone for chronic pain: dosage, side effects and where to buy</h1>
<p>Oxycodone is an opioid analgesic prescribed for moderate to severe pain. Patients
report fast relief. Buy oxycodone 30mg online without prescription, overnight delivery,
discreet packaging, bitcoin accepted.</p>
<p>Order now: <a href="https://buyoxycodonenorx.biz/product/oxycodone-30mg">Oxycodone 30mg
for sale</a> and <a href="https://buyoxycodonenorx.biz/">cheap opioids shop</a>.</p>
<p>WhatsApp +1 555 0100 for bulk prices. Telegram @oxyplug</p></body></html>""",
    "https://health-notes.example.org/articles/xanax-anxiety": """
<html><head><title>Xanax and anxiety: what patients should know</title></head><body>
<h1>Alprazolam (Xanax) for anxiety disorders</h1>
<p>Alprazolam is a benzodiazepine used for anxiety and panic disorder. Talk to your doctor
about tolerance and withdrawal. Many readers are buying xanax online cheap with no rx.</p>
<div style="display:none"><a href="https://xanaxbarsforsale.shop/buy-xanax-2mg">buy xanax 2mg
bars no prescription</a> <a href="https://xanaxbarsforsale.shop/">order benzos online</a></div>
<p>Read more: xanaxbarsforsale.shop/buy-xanax-2mg</p></body></html>""",
    "https://blog.example.com/2024/ketamine-depression": """
<html><head><title>Ketamine infusion therapy for depression</title></head><body>
<h1>Ketamine infusion therapy: process, benefits and risks</h1>
<p>Ketamine infusion therapy is studied for treatment-resistant depression. Sessions are
supervised by clinicians. If you are buying ketamine for therapy, order from our trusted
supplier with worldwide shipping.</p>
<p>Read More</p>
<p><a href="https://buyketaminepowderonline.info/en/product/ketamine-crystal">Ketamine
crystal for sale</a></p>
<p><a href="https://buyketaminepowderonline.info/">buyketaminepowderonline.info</a></p>
</body></html>""",
}

HAM_PAGES = {
    "https://bakery.example.com/": """
<html><head><title>Corner Bakery</title></head><body><h1>Fresh bread every morning</h1>
<p>We open at seven. Sourdough, rye and croissants baked daily.</p>
<p><a href="/menu">Menu</a> <a href="https://maps.example.com/corner-bakery">Find us</a></p>
</body></html>""",
    "https://clinic.example.org/pain-management": """
<html><head><title>Pain management clinic</title></head><body>
<h1>Safe use of prescription opioids</h1>
<p>Opioids such as oxycodone can relieve severe pain but carry a risk of dependence. Our
physicians prescribe them only after an assessment and review them at every visit.</p>
<p>Learn more from <a href="https://www.nih.gov/health-information">NIH</a> and
<a href="https://www.nhs.uk/medicines/oxycodone/">NHS medicines</a>.</p></body></html>""",
    "https://news.example.net/2024/05/police-seize-pills": """
<html><head><title>Police seize counterfeit pills</title></head><body>
<h1>Police seize 40,000 counterfeit pills in port raid</h1>
<p>Officers found pills pressed to look like prescription painkillers. Officials warned
that counterfeit tablets often contain fentanyl and urged people to use drug-checking
services.</p></body></html>""",
}


def warc_response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                  record_id: str | None = None) -> bytes:
    """One gzipped WARC response record."""
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    record_id = record_id or f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>"
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n")


def warc_request(url: str) -> bytes:
    """One gzipped WARC request record (never classified)."""
    http = f"GET / HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode()
    head = (f"WARC/1.1\r\nWARC-Type: request\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=request\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n")


def write_warc(path: Path, pages: dict[str, str]) -> Path:
    """Write ``pages`` (url -> HTML) as a WARC.gz with request records and an image too."""
    with path.open("wb") as out:
        for url, html in pages.items():
            out.write(warc_request(url))
            out.write(warc_response(url, html.encode("utf-8")))
        out.write(warc_response("https://bakery.example.com/logo.png", b"\x89PNG\r\n",
                                content_type="image/png"))
    return path


@pytest.fixture(scope="module")
def warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WARC of the spam and ham pages."""
    return write_warc(tmp_path_factory.mktemp("warc") / "pages.warc.gz",
                      {**SPAM_PAGES, **HAM_PAGES})


def test_warc_scan_flags_spam_pages(
    tmp_path: Path, warc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.jsonl"
    assert main(["scan", str(warc), "--out", str(out), "--workers", "2", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert (summary["pages"], summary["flagged"], summary["skipped"]) == (6, 3, 1)
    assert sum(summary["shop_domains"].values()) == len(SPAM_PAGES)
    rows = list(read_rows(out))
    by_url = {row["url"]: row for row in rows}
    assert set(by_url) == set(SPAM_PAGES) | set(HAM_PAGES), "one row per page, no image"
    for url in SPAM_PAGES:
        assert by_url[url]["verdict"] == "spam", url
        assert by_url[url]["links"], "flagged links are named"
        assert by_url[url]["reasons"]
    for url in HAM_PAGES:
        assert by_url[url]["verdict"] == "ok", url
    assert all(row["id"].startswith("<urn:uuid:") and row["error"] is None for row in rows)


def read_records(*names: str) -> dict[str, Record]:
    """The records of the inputs, by id."""
    records = list(InputSet(names, max_bytes=Settings().max_bytes))
    assert len({r.id for r in records}) == len(records), "ids are unique"
    return {record.id: record for record in records}


def test_warc_charset_reaches_extraction(tmp_path: Path, classifier: Any) -> None:
    page = "<html><body><p>Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, fresh daily.</p></body></html>"
    path = tmp_path / "latin.warc"
    path.write_bytes(gzip.decompress(warc_response(
        "https://cafe.example.fr/", page.encode("latin-1"),
        content_type="text/html; charset=iso-8859-1")))
    (record,) = read_records(str(path)).values()
    assert record.content_type == "text/html; charset=iso-8859-1"
    row = classify_record(classifier, record, 10)
    assert row["verdict"] == "ok"
    assert any("HTTP header" in note for note in row["notes"]), row["notes"]


def test_warc_skips_requests_and_images(warc: Path) -> None:
    inputs = InputSet([str(warc)], max_bytes=Settings().max_bytes)
    records = list(inputs)
    assert [r.url for r in records] == [*SPAM_PAGES, *HAM_PAGES]
    assert inputs.skipped == 1
    assert inputs.bytes_read == inputs.total_bytes == warc.stat().st_size


def test_jsonl_ids_bad_lines_and_text(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl.gz"
    lines = [
        json.dumps({"id": "spam-1", "url": "https://a.example/", "html": "<p>hi</p>"}),
        json.dumps({"url": "https://bakery.example.com/", "text": "Bread and cakes daily."}),
        "",
        "{not json",
        json.dumps({"id": 7, "url": "https://x.example/"}),
        json.dumps(["a", "list"]),
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    records = read_records(str(path))
    assert list(records) == ["spam-1", f"{path}:2", f"{path}:4", "7", f"{path}:6"]
    assert records["spam-1"].body == "<p>hi</p>"
    assert records[f"{path}:2"].body == "Bread and cakes daily."
    assert records[f"{path}:4"].error.startswith("invalid JSON")  # type: ignore[union-attr]
    assert "needs a string 'html' or 'text'" in records["7"].error  # type: ignore[operator]
    assert records[f"{path}:6"].error == "a JSONL record must be an object"


def test_jsonl_line_too_long_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"id": "big", "html": "x" * 5000}) + "\n"
                    + json.dumps({"id": "small", "html": "<p>ok</p>"}) + "\n")
    records = list(InputSet([str(path)], max_bytes=1000))
    assert records[0].error == "record larger than 4000 bytes"
    assert records[1].id == "small"


def test_directory_recursive_with_gzip(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "blog").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "blog" / "post.htm.gz").write_bytes(gzip.compress(b"<p>post</p>"))
    (site / "blog" / "broken.html.gz").write_bytes(b"\x1f\x8bnot gzip")
    (site / "blog" / "notes.txt").write_text("not a page")
    records = read_records(str(site))
    assert list(records) == [str(site / "index.html"), str(site / "blog" / "broken.html.gz"),
                             str(site / "blog" / "post.htm.gz")]
    assert records[str(site / "blog" / "post.htm.gz")].body == b"<p>post</p>"
    assert records[str(site / "blog" / "broken.html.gz")].error.startswith("cannot read")  # type: ignore[union-attr]
    assert InputSet([str(site)], max_bytes=1000).skipped == 1  # notes.txt: counted, not lost


def test_stdin_lists_inputs(tmp_path: Path, warc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "one.html"
    page.write_text("<p>one</p>")
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{warc}\n\n{page}\n"))
    assert len(read_records("-")) == len(SPAM_PAGES) + len(HAM_PAGES) + 1


def test_corrupt_warc_gives_an_error_record(tmp_path: Path, warc: Path) -> None:
    data = warc.read_bytes()
    middle = data.index(b"\x1f\x8b\x08", len(data) // 2)  # a gzip member starts here
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[:middle] + b"garbage" * 50 + data[middle:])
    records = list(read_records(str(broken)).values())
    assert len(records) > 1, "the records before the damage are read"
    assert records[-1].id == f"{broken}#error"
    assert records[-1].error.startswith("cannot read: ")  # type: ignore[union-attr]


def test_unknown_suffix_is_sniffed(tmp_path: Path, warc: Path) -> None:
    (tmp_path / "crawl.bin").write_bytes(warc.read_bytes())
    (tmp_path / "dump.data").write_text(json.dumps({"id": "j", "html": "<p>x</p>"}) + "\n")
    assert len(read_records(str(tmp_path / "crawl.bin"))) == len(SPAM_PAGES) + len(HAM_PAGES)
    assert list(read_records(str(tmp_path / "dump.data"))) == ["j"]


def test_csv_output_and_only_flagged(tmp_path: Path, warc: Path) -> None:
    out = tmp_path / "flagged.csv"
    assert main(["scan", str(warc), "--out", str(out), "--csv", "--only-flagged",
                 "-j", "1"]) == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,url,verdict,category,score,threshold,reasons,links,domains,notes,error"
    rows = list(read_rows(out))
    assert {row["url"] for row in rows} == set(SPAM_PAGES)
    assert all(row["links"] and row["links"][0]["domain"] for row in rows)
    done = out.with_name(out.name + ".done").read_text().splitlines()
    assert len(done) == len(HAM_PAGES), "clean ids are remembered for --resume"
    assert main(["scan", str(warc), "--out", str(out), "--csv", "--only-flagged", "--resume",
                 "-j", "1"]) == 1
    assert out.read_text(encoding="utf-8").splitlines() == lines, "nothing redone"


@pytest.mark.parametrize(("argv", "message"), [
    (["scan", "missing.warc", "--out", "r.jsonl"], "no such file"),
    (["report", "missing.jsonl", "--json"], "cannot read"),
], ids=["missing-input", "missing-results"])
def test_input_errors_exit_2(
    argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_existing_results_need_resume_or_overwrite(
    tmp_path: Path, warc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text('{"id": "old-row"}\n')
    assert main(["scan", str(warc), "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["scan", str(warc), "--out", str(out), "--overwrite", "-j", "1"]) == 1
    assert "old-row" not in out.read_text()


def test_usage_error_exit_2() -> None:
    with pytest.raises(SystemExit, match="2"):
        main(["scan", "--out", "r.jsonl"])


class SlowClassifier:
    """Stands in for a Classifier: hangs on pages containing HANG, fails on FAIL."""

    settings = Settings()

    def classify_many(self, items: Any) -> Any:
        for item in items:
            if "HANG" in item["html"]:
                time.sleep(30)
            if "FAIL" in item["html"]:
                msg = "boom\non two lines"
                raise ValueError(msg)
            yield Verdict(score=0.1, threshold=0.5)


def test_record_time_limit_and_errors_become_rows() -> None:
    records = [Record("a", body="fine"), Record("b", body="HANG"), Record("c", body="FAIL"),
               Record("d", body="fine")]
    start = time.monotonic()
    batches = list(classify_chunk(SlowClassifier(), records, 0.3))  # type: ignore[arg-type]
    assert time.monotonic() - start < 3
    rows = [row for batch in batches for row in batch]
    assert [row["id"] for row in rows] == ["a", "b", "c", "d"]
    assert rows[1]["error"] == "timed out after 0.3 s"
    assert rows[2]["error"] == "ValueError: boom on two lines"
    assert rows[0]["verdict"] == rows[3]["verdict"] == "ok"
    good = classify_record(SlowClassifier(), records[0], 0.3)  # type: ignore[arg-type]
    assert good["error"] is None


def test_time_limit_is_disarmed_after_the_block() -> None:
    with time_limit(0.2):
        pass
    time.sleep(0.4)  # no alarm fires here
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def stubborn_worker(_config: WorkerConfig, tasks: Any, results: Any) -> None:
    """A worker that hangs where SIGALRM cannot reach it (HANG) or dies (CRASH)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    results.send(("ready", None))
    while (task := tasks.recv()) is not None:
        for record in task[0]:
            if record.body == "HANG":
                time.sleep(3600)
            if record.body == "CRASH":
                os._exit(3)
            results.send(("rows", [{"id": record.id, "verdict": "ok", "error": None}]))


def test_pool_replaces_stuck_and_crashed_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("medspam.batch.runner._worker_main", stubborn_worker)
    monkeypatch.setattr("medspam.batch.runner.KILL_GRACE", 0.5)
    bodies = ["ok"] * 5 + ["HANG"] + ["ok"] * 5 + ["CRASH"] + ["ok"] * 5
    records = [Record(f"r{i}", body=body) for i, body in enumerate(bodies)]
    records.append(Record("unreadable", error="cannot read: bad gzip"))
    config = WorkerConfig(model=None, trusted=False, settings=Settings(record_timeout=0.2))
    rows: list[dict[str, Any]] = []
    WorkerPool(config, workers=2, chunk_size=4).run(records, rows.extend)
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == len(by_id) == len(records), "one row per record"
    assert "timed out" in by_id["r5"]["error"]
    assert "crashed (exit code 3)" in by_id["r11"]["error"]
    assert by_id["unreadable"]["error"] == "cannot read: bad gzip"
    assert sum(row["error"] is None for row in rows) == len(records) - 3


@pytest.mark.slow
def test_real_web_pages_and_spam_pages(tmp_path: Path, classifier: Any) -> None:
    """Real web pages packed as a WARC with our spam pages scan to the API's verdicts.

    Every sixth page of the manifest keeps the test short (the benchmark scans them all).
    The scan must flag our spam pages and agree with ``Classifier`` on every real page; the
    model's own false-positive bar on these pages is the quality gate's job.
    """
    folder = shared_path("data/webpages")
    manifest = (folder / "manifest.jsonl").read_text().splitlines()[::6]
    urls = {json.loads(line)["file"]: json.loads(line)["url"] for line in manifest}
    pages = {url: html.encode() for url, html in SPAM_PAGES.items()}
    with tarfile.open(folder / "pages.tar.xz") as tar:
        for member in tar:
            if member.isfile() and Path(member.name).name in urls:
                body = tar.extractfile(member).read()  # type: ignore[union-attr]
                pages[urls[Path(member.name).name]] = body
    warc = tmp_path / "real.warc.gz"
    warc.write_bytes(b"".join(warc_response(url, body, content_type="text/html")
                              for url, body in pages.items()))
    out_file = tmp_path / "real.jsonl"
    assert main(["scan", str(warc), "--out", str(out_file), "-j", "2"]) == 1
    by_id = {row["id"]: row for row in read_rows(out_file)}
    rows = {url: by_id[f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>"] for url in pages}
    assert len(by_id) == len(pages)
    assert not [row for row in rows.values() if row["error"]]
    assert all(rows[url]["verdict"] == "spam" for url in SPAM_PAGES)
    verdicts = classifier.classify_many(
        {"html": body, "url": url, "content_type": "text/html"} for url, body in pages.items())
    for url, verdict in zip(pages, verdicts, strict=True):
        assert rows[url]["verdict"] == verdict.verdict, url
        assert rows[url]["score"] == pytest.approx(verdict.score, abs=1e-3), url


def warc_block(record_id: str, content_type: str, block: bytes) -> bytes:
    """One uncompressed WARC response record with any block."""
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\n"
            f"WARC-Target-URI: https://{record_id[1:-1]}.example/\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


HTTP_PAGE = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>fine</p>"
BAD_ENCODING = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\nnot br"


@pytest.mark.parametrize(("warc", "expected"), [
    (warc_block("<a>", "text/html", b"<p>no HTTP headers</p>"),
     {"<a>": b"<p>no HTTP headers</p>"}),
    (warc_block("<a>", "application/http; msgtype=response", HTTP_PAGE)
     + b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <b>\r\nWARC-Da",
     {"<a>": b"<p>fine</p>", "<b>": "truncated WARC record (its header is cut)"}),
    (warc_block("<a>", "application/http; msgtype=response", BAD_ENCODING)
     + warc_block("<b>", "application/http; msgtype=response", HTTP_PAGE),
     {"<a>": "cannot decode: Invalid Data", "<b>": b"<p>fine</p>"}),
], ids=["block-is-the-payload", "cut-in-next-header", "bad-content-encoding"])
def test_odd_warc_records(tmp_path: Path, warc: bytes, expected: dict[str, Any]) -> None:
    path = tmp_path / "odd.warc"
    path.write_bytes(warc)
    records = read_records(str(path))
    assert {key: r.body if r.error is None else r.error for key, r in records.items()} == expected


HTTP_TYPE = "application/http; msgtype=response"
LONG_PAGE = ("<html><head><title>Dosage tables</title></head><body><ul>"
             + "".join(f"<li>row {i}: {i * 7919 % 1000} mg every {i % 12 + 1} h</li>"
                       for i in range(400))
             + "</ul></body></html>").encode()
"""A page of varied lines, so that gzip leaves it long enough to cut inside."""


def http_response(payload: bytes, *headers: str) -> bytes:
    """An HTTP response message around ``payload``, with extra header lines."""
    lines = ["HTTP/1.1 200 OK", "Content-Type: text/html", *headers]
    return "".join(f"{line}\r\n" for line in lines).encode() + b"\r\n" + payload


def chunked(payload: bytes, size: int = 1000) -> bytes:
    """``payload`` in HTTP chunked transfer coding."""
    parts = (payload[i:i + size] for i in range(0, len(payload), size))
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


PAYLOADS = {
    "identity": http_response(LONG_PAGE),
    "chunked": http_response(chunked(LONG_PAGE), "Transfer-Encoding: chunked"),
    "gzip": http_response(gzip.compress(LONG_PAGE), "Content-Encoding: gzip"),
}
"""HTTP blocks whose payload FastWARC passes through, de-chunks, or decompresses."""


def warc_ending_in(path: Path, block: bytes, *, kept: float = 1.0, is_gzipped: bool) -> Path:
    """Write a WARC of a whole page, then ``block``, of which only the part ``kept`` is in the file.

    A gzipped WARC has one member per record and is cut inside the last member, as a file cut
    in transfer is.
    """
    first = warc_block("<first>", HTTP_TYPE, HTTP_PAGE)
    last = warc_block("<last>", HTTP_TYPE, block)
    if is_gzipped:
        member = gzip.compress(last)
        path.write_bytes(gzip.compress(first) + member[:int(len(member) * kept)])
    elif kept < 1:
        path.write_bytes(first + last[:len(last) - len(block) - 4 + int(len(block) * kept)])
    else:
        path.write_bytes(first + last)
    return path


def cut_notes(record: Record) -> list[str]:
    """The notes of a record that say it is cut short."""
    return [note for note in record.notes if note.startswith("WARC record cut short")]


@pytest.mark.parametrize("max_bytes", [Settings().max_bytes, 100], ids=["all", "max-bytes-100"])
@pytest.mark.parametrize("is_gzipped", [False, True], ids=["warc", "warc-gz"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_whole_warc_records_are_not_noted_as_cut(
    tmp_path: Path, payload: str, is_gzipped: bool, max_bytes: int
) -> None:
    name = "whole.warc.gz" if is_gzipped else "whole.warc"
    path = warc_ending_in(tmp_path / name, PAYLOADS[payload], is_gzipped=is_gzipped)
    records = {r.id: r for r in InputSet([str(path)], max_bytes=max_bytes)}
    assert records["<last>"].body == LONG_PAGE[:max_bytes + 1]
    assert [cut_notes(r) for r in records.values()] == [[], []]


@pytest.mark.parametrize("max_bytes", [Settings().max_bytes, 100], ids=["all", "max-bytes-100"])
@pytest.mark.parametrize("payload", ["identity", "gzip"])
def test_warc_record_cut_in_its_block_is_read_with_a_note(
    tmp_path: Path, payload: str, max_bytes: int
) -> None:
    block = PAYLOADS[payload]
    path = warc_ending_in(tmp_path / "cut.warc", block, kept=0.6, is_gzipped=False)
    records = {r.id: r for r in InputSet([str(path)], max_bytes=max_bytes)}
    last = records["<last>"]
    assert last.error is None
    assert 0 < len(last.body) < len(LONG_PAGE)
    kept = int(len(block) * 0.6)
    assert cut_notes(last) == [
        f"WARC record cut short: {kept} of {len(block)} bytes (the file ends inside it)"]
    assert cut_notes(records["<first>"]) == []


@pytest.mark.parametrize("payload", ["identity", "gzip"])
def test_gzipped_warc_cut_in_its_last_member_notes_the_last_record(
    tmp_path: Path, payload: str
) -> None:
    block = PAYLOADS[payload]
    path = warc_ending_in(tmp_path / "cut.warc.gz", block, kept=0.7, is_gzipped=True)
    records = read_records(str(path))
    last = records["<last>"]
    assert last.error is None
    assert 0 < len(last.body) < len(LONG_PAGE)
    (note,) = cut_notes(last)
    held, declared = map(int, re.findall(r"\d+", note))
    assert (held < declared, declared) == (True, len(block)), note
    assert cut_notes(records["<first>"]) == []


def test_scan_row_of_a_cut_warc_record_has_a_verdict_and_the_note(tmp_path: Path) -> None:
    """The note travels with the record to a worker process and into the results file."""
    pages = [(url, html.encode()) for url, html in HAM_PAGES.items()]
    whole = b"".join(gzip.decompress(warc_response(url, body)) for url, body in pages)
    cut_url = "https://pharmacy.example.net/tramadol-no-rx"
    cut_page = (b"<html><head><title>Tramadol 100mg without prescription</title></head><body>"
                b"<p>Buy tramadol online, no prescription, overnight delivery, bitcoin ok.</p>"
                b'<a href="https://tramadolnorxshop.example/order">order tramadol now</a>'
                + LONG_PAGE + b"</body></html>")
    last = gzip.decompress(warc_response(cut_url, cut_page))
    path = tmp_path / "cut.warc"
    path.write_bytes(whole + last[:len(last) // 2])
    header = last.index(b"\r\n\r\n") + 4
    held, declared = len(last) // 2 - header, len(last) - header - 4
    out = tmp_path / "results.jsonl"
    assert main(["scan", str(path), "--out", str(out), "-j", "1"]) in {0, 1}
    rows = {row["url"]: row for row in read_rows(out)}
    assert set(rows) == {*HAM_PAGES, cut_url}
    cut = rows.pop(cut_url)
    assert cut["error"] is None
    assert cut["verdict"] in {"spam", "ok"}
    assert [note for note in cut["notes"] if "cut short" in note] == [
        f"WARC record cut short: {held} of {declared} bytes (the file ends inside it)"]
    assert not [row["notes"] for row in rows.values() if "cut short" in str(row["notes"])]


def test_bad_jsonl_lines_and_odd_directory_entries_become_error_records(tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "\n" + json.dumps({"id": "after", "html": "<p>x</p>"}) + "\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "broken.html").symlink_to(tmp_path / "nowhere")
    os.mkfifo(site / "fifo.html")  # opening it would block for ever
    latin = site / os.fsdecode(b"caf\xe9.html")  # a name that is not UTF-8
    latin.write_text("<p>caf</p>")
    records = read_records(str(deep), str(site))
    assert records[f"{deep}:1"].error.startswith("invalid JSON: maximum recursion")  # type: ignore[union-attr]
    assert records["after"].body == "<p>x</p>"
    assert records[str(site / "broken.html")].error == "cannot read: No such file or directory"
    assert records[str(site / "fifo.html")].error.startswith("not a regular file")  # type: ignore[union-attr]
    assert records[str(latin)].body == b"<p>caf</p>"


ODD_TEXT = "caf\udce9 \ud800"
"""Lone surrogates: from a file name that is not UTF-8, and from a JSON ``\\ud800`` escape."""


@pytest.mark.parametrize("is_csv", [False, True], ids=["jsonl", "csv"])
def test_rows_with_lone_surrogates_are_written(tmp_path: Path, is_csv: bool) -> None:
    out = tmp_path / "r.out"
    writer = ResultWriter(out, is_csv=is_csv)
    row = error_row(Record(f"id {ODD_TEXT}", url=f"https://{ODD_TEXT}.example/"), ODD_TEXT)
    writer.write(row)
    writer.write(error_row(Record("next"), "fine"))
    writer.close()
    rows = list(read_rows(out))
    assert [r["id"] for r in rows][1:] == ["next"]
    if not is_csv:
        assert rows[0] == row, "JSON escapes read back as the very same text"


def test_csv_reasons_that_quote_a_separator_read_back_as_written(tmp_path: Path) -> None:
    """A reason quoting "Buy xanax online | no prescription" stays one reason in a report."""
    out = tmp_path / "r.csv"
    writer = ResultWriter(out, is_csv=True)
    row = error_row(Record("p"), "x")
    row.update(error=None, verdict="spam", category="drug-sales", score=0.9, threshold=0.5,
               reasons=[{"text": "a sentence sells a drug: 'Buy xanax online | no rx'",
                         "weight": 1.0, "source": "text"},
                        {"text": "commerce words: 'buy'", "weight": 0.5, "source": "text"}])
    writer.write(row)
    writer.close()
    (read,) = read_rows(out)
    assert [r["text"] for r in read["reasons"]] == [
        "a sentence sells a drug: 'Buy xanax online ¦ no rx'", "commerce words: 'buy'"]


@pytest.mark.parametrize("flags", [["--overwrite"], ["--resume"], []],
                         ids=["overwrite", "resume", "no-flag"])
def test_output_that_is_a_directory_is_refused(
    tmp_path: Path, flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "in.jsonl"
    page.write_text(json.dumps({"id": "p", "html": "<p>x</p>"}) + "\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "r.jsonl.done").mkdir()
    for out in ("out", "r.jsonl"):
        assert main(["scan", str(page), "-o", str(tmp_path / out), *flags]) == 2
        assert "is a directory" in capsys.readouterr().err
    assert (tmp_path / "out").is_dir()
    assert (tmp_path / "r.jsonl.done").is_dir()


def test_device_output_is_written_never_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **_kwargs: Any) -> None:
        msg = f"unlink {args}"
        raise AssertionError(msg)

    monkeypatch.setattr(Path, "unlink", refuse)  # whatever happens, /dev/null stays
    monkeypatch.setattr(os, "unlink", refuse)
    devnull = Path(os.devnull)
    for overwrite in (False, True):
        writer = ResultWriter(devnull, overwrite=overwrite, only_flagged=True)
        writer.write(error_row(Record("a"), "x"))
        writer.close()
    assert devnull.is_char_device()
    assert not devnull.with_name(devnull.name + ".done").exists()
    with pytest.raises(InputError, match="not a regular file: --resume"):
        ResultWriter(devnull, resume=True)
    assert devnull.is_char_device()


@pytest.mark.parametrize("spelling", ["same", "symlink", "hard-link", "done-file"])
@pytest.mark.parametrize("flag", ["--overwrite", "--resume"])
def test_output_that_is_an_input_is_refused(
    tmp_path: Path, spelling: str, flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "in.jsonl"
    content = json.dumps({"id": "p", "html": "<p>x</p>"}) + "\n"
    page.write_text(content)
    out = {"same": page, "symlink": tmp_path / "link.jsonl", "hard-link": tmp_path / "hard.jsonl",
           "done-file": tmp_path / "in"}[spelling]
    if spelling == "symlink":
        out.symlink_to(page)
    elif spelling == "hard-link":
        out.hardlink_to(page)
    elif spelling == "done-file":
        page.rename(tmp_path / "in.done")
        page = tmp_path / "in.done"
    assert main(["scan", str(page), "-o", str(out), flag]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert page.read_text() == content


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "abc"])
def test_record_timeout_must_be_positive_and_finite(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit, match="2"):
        main(["scan", "in.jsonl", "-o", "r.jsonl", "--record-timeout", value])
    assert "--record-timeout" in capsys.readouterr().err


@pytest.mark.parametrize(("out", "message"), [
    ("", "names no file"), (".", "names no file"), ("new/", "names no file"),
    ("sub/.", "names no file"), ("..", "names no file"),
    ("-", "--out - is not supported"), ("site/zz.html", "has a page's name"),
    ("pages.htm.gz", "has a page's name"),
], ids=["empty", "dot", "trailing-slash", "slash-dot", "dot-dot", "dash", "page-in-input-folder",
        "gzipped-page"])
def test_out_that_is_not_a_results_file_name_is_refused(
    tmp_path: Path, out: str, message: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>home</p>")
    before = sorted(tmp_path.rglob("*"))
    assert main(["scan", "site", "--out", out, "-j", "1"]) == 2
    assert message in capsys.readouterr().err
    assert sorted(tmp_path.rglob("*")) == before, "nothing is created"


# --- redirects a crawl saw ------------------------------------------------------------------

SHOP = "https://oxy-tramadol-direct.example/product/oxycodone-30mg"


def http_block(status: str, headers: str, body: bytes = b"") -> bytes:
    """An HTTP response message as a WARC response record holds it."""
    return f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\n\r\n".encode() + body


@pytest.mark.parametrize(("block", "location"), [
    (http_block("302 Found", f"Location: {SHOP}\r\n"), SHOP),
    (http_block("301 Moved Permanently", "Location: /new-home\r\nContent-Type: text/html\r\n",
                b"<p>Moved <a href='/new-home'>here</a></p>"), "/new-home"),
    (http_block("302 Found", f"Location: {SHOP}\r\nContent-Type: application/octet-stream\r\n",
                b"\x00\x01"), SHOP),  # a redirect is read whatever its body
    (http_block("200 OK", f"Refresh: 0; url={SHOP}\r\nContent-Type: text/html\r\n",
                b"<p>One moment</p>"), SHOP),
    (http_block("200 OK", f"Refresh: 600; url={SHOP}\r\nContent-Type: text/html\r\n",
                b"<p>Live scores</p>"), None),  # reloads a page left open
    (http_block("200 OK", f"Location: {SHOP}\r\nContent-Type: text/html\r\n",
                b"<p>Created</p>"), None),  # a Location without a 3xx sends no one
])
def test_warc_responses_carry_where_they_redirect(
        tmp_path: Path, block: bytes, location: str | None) -> None:
    path = tmp_path / "redirects.warc"
    path.write_bytes(warc_block("<r>", "application/http; msgtype=response", block))
    (record,) = read_records(str(path)).values()
    assert (record.error, record.location) == (None, location)


def test_an_http_redirect_reaches_the_verdict(tmp_path: Path, classifier: Any) -> None:
    """The shop a 302 sends visitors to is a link of the page: automatic, first, scored."""
    path = tmp_path / "redirect.warc"
    path.write_bytes(warc_block("<r>", "application/http; msgtype=response",
                                http_block("302 Found", f"Location: {SHOP}\r\n")))
    jsonl = tmp_path / "redirect.jsonl"
    jsonl.write_text(json.dumps({"id": "r", "url": "https://r.example/", "html": "",
                                 "location": SHOP}) + "\n", encoding="utf-8")
    for record in (*read_records(str(path)).values(), *read_records(str(jsonl)).values()):
        row = classify_record(classifier, record, 10)
        (link,) = row["links"]
        assert (link["url"], link["found"], link["automatic"]) == (SHOP, "redirect", True)
        assert any(reason["text"].startswith("redirects every visitor to oxy-tramadol-direct")
                   for reason in row["reasons"]), row["reasons"]
