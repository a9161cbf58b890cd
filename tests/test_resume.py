"""A scan killed with SIGKILL twice, then resumed, has exactly one row per record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from medspam.batch.output import ResultWriter
from medspam.batch.rowformat import read_rows
from medspam.batch.summary import ScanSummary
from medspam.cli.main import main
from medspam.errors import InputError
from test_report import BAD_ROWS
from test_scan import HAM_PAGES, SPAM_PAGES, warc_response

if TYPE_CHECKING:
    from pathlib import Path

RECORDS = 300


def make_warc(path: Path) -> set[str]:
    """A WARC of ``RECORDS`` pages cycling through the test pages; return the record ids."""
    pages = [*SPAM_PAGES.items(), *HAM_PAGES.items()]
    ids = set()
    with path.open("wb") as out:
        for number in range(RECORDS):
            url, html = pages[number % len(pages)]
            record_id = f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>"
            ids.add(record_id)
            out.write(warc_response(f"{url}?copy={number}", html.encode(), record_id=record_id))
    return ids


def start_scan(warc: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    """Start ``medspam scan`` in its own process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "medspam", "scan", str(warc), "--out", str(out),
         "--workers", "2", "--chunk-size", "4", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def kill_after_rows(process: subprocess.Popen[bytes], out: Path, rows: int) -> int:
    """SIGKILL the scan (workers too) once ``out`` has at least ``rows`` lines."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= rows:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the scan ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return out.read_bytes().count(b"\n")


@pytest.mark.slow
def test_killed_twice_then_resumed_gives_one_row_per_record(tmp_path: Path) -> None:
    warc = tmp_path / "pages.warc.gz"
    ids = make_warc(warc)
    out = tmp_path / "results.jsonl"
    first = kill_after_rows(start_scan(warc, out), out, 40)
    second = kill_after_rows(start_scan(warc, out, "--resume"), out, first + 60)
    assert 40 <= first < second < RECORDS
    with out.open("ab") as stream:  # a power cut in the middle of a line
        stream.write(b'{"id":"<urn:uuid:half-written')
    final = start_scan(warc, out, "--resume")
    _, stderr = final.communicate(timeout=300)
    assert final.returncode == 1, stderr.decode()
    counts = Counter(row["id"] for row in read_rows(out))
    assert set(counts) == ids
    assert max(counts.values()) == 1
    assert out.read_bytes().endswith(b"\n")
    assert all(json.loads(line) for line in out.read_bytes().splitlines())
    assert "resumed" in stderr.decode()


def test_repair_truncates_a_garbled_tail(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    good = b'{"id":"a","verdict":"ok","error":null}\n{"id":"b","verdict":"spam","error":null}\n'
    out.write_bytes(good + b"\x00\x00\x00\n" + b'{"id":"c","verdict":"ok","error":null}\n')
    seen: list[str] = []
    writer = ResultWriter(out, resume=True, on_previous=lambda row: seen.append(row["id"]))
    writer.close()
    assert seen == ["a", "b"]
    assert writer.done_ids == {"a", "b"}
    assert out.read_bytes() == good, "everything after the first bad line is redone"


GOOD = '{"id":"a","url":"https://a.example/","verdict":"spam","category":"drug-sales","links":[]}\n'


@pytest.mark.parametrize("line", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_resume_treats_odd_rows_as_unreadable(tmp_path: Path, line: str) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text(GOOD + line + "\n" + GOOD.replace('"a"', '"b"'))
    summary = ScanSummary()
    writer = ResultWriter(out, resume=True, on_previous=summary.add)
    writer.close()
    assert writer.done_ids == {"a"}
    assert (summary.pages, summary.flagged) == (1, 1)
    assert out.read_text() == GOOD, "the odd row and what follows are redone"


def test_resume_csv_with_a_score_that_is_not_a_number(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    header = "id,url,verdict,category,score,threshold,reasons,links,domains,notes,error\n"
    good = "a,https://a.example/,ok,clean,0.1,0.5,,,,,\n"
    out.write_text(header + good + "b,https://b.example/,ok,clean,abc,0.5,,,,,\n")
    writer = ResultWriter(out, is_csv=True, resume=True)
    writer.close()
    assert writer.done_ids == {"a"}
    assert out.read_text() == header + good


HEADER = "id,url,verdict,category,score,threshold,reasons,links,domains,notes,error\n"
NOT_RESULTS = {
    "notes": (False, "".join(f"{n}\n" for n in range(1, 1001))),
    "html-report": (False, "<!doctype html>\n<html><p>audit</p></html>\n"),
    "csv-resumed-as-jsonl": (False, HEADER + "a,https://a.example/,ok,clean,0.1,0.5,,,,,\n"),
    "jsonl-resumed-as-csv": (True, GOOD),
    "cut-first-row": (False, GOOD[:20]),
}


@pytest.mark.parametrize(("is_csv", "content"), NOT_RESULTS.values(), ids=NOT_RESULTS.keys())
def test_resume_refuses_a_file_that_is_not_results_and_leaves_it(
    tmp_path: Path, is_csv: bool, content: str
) -> None:
    out = tmp_path / "notes.txt"
    out.write_text(content)
    with pytest.raises(InputError, match=r"does not start like a medspam .* results file"):
        ResultWriter(out, is_csv=is_csv, resume=True)
    assert out.read_text() == content


def test_resume_refuses_a_done_file_that_is_not_ids(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text(GOOD)
    done = tmp_path / "r.jsonl.done"
    done.write_text("my notes\n")
    with pytest.raises(InputError, match=r"r\.jsonl\.done does not start like"):
        ResultWriter(out, resume=True, only_flagged=True)
    assert (out.read_text(), done.read_text()) == (GOOD, "my notes\n")


def long_links_row(record_id: str) -> dict[str, Any]:
    """A spam row with 150 flagged links of ~1,900 characters: a ~290 KB CSV ``links`` cell."""
    links = [{"url": f"https://shop{n}.example/buy?" + "q" * 1900, "domain": f"shop{n}.example",
              "anchor": "buy", "score": 0.9, "reasons": []} for n in range(150)]
    return {"id": record_id, "url": "https://forum.example/", "verdict": "spam",
            "category": "drug-sales", "score": 0.99, "threshold": 0.5, "reasons": [],
            "links": links, "notes": [], "error": None}


def test_csv_row_with_a_huge_links_cell_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    writer = ResultWriter(out, is_csv=True)
    for record_id in ("big", "after"):
        writer.write(long_links_row(record_id))
    writer.close()
    written = out.read_bytes()
    assert max(len(line) for line in written.splitlines()) > 131_072, "over csv's default"
    rows = list(read_rows(out))
    assert [row["id"] for row in rows] == ["big", "after"]
    assert len(rows[0]["links"]) == 150
    resumed = ResultWriter(out, is_csv=True, resume=True)
    resumed.close()
    assert resumed.done_ids == {"big", "after"}
    assert out.read_bytes() == written, "nothing is cut on resume"


def test_resume_cuts_a_row_line_over_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("medspam.batch.rowformat.MAX_ROW_LINE", 1000)
    out = tmp_path / "r.jsonl"
    huge = json.dumps({"id": "huge", "url": "https://x.example/" + "x" * 5000}) + "\n"
    out.write_text(GOOD + huge + GOOD.replace('"a"', '"b"'))
    writer = ResultWriter(out, resume=True)
    writer.close()
    assert writer.done_ids == {"a"}
    assert out.read_text() == GOOD


CHANGED_BY_CSV = ["line\nbreak", "carriage\rreturn", "line\u2028separator", "next\x85line",
                  "lone \ud800 surrogate", "trailing\n"]
"""Ids a CSV line cannot keep as they are (it writes them on one line, as UTF-8)."""


@pytest.mark.parametrize("only_flagged", [False, True], ids=["all-rows", "only-flagged"])
def test_csv_resume_does_not_repeat_ids_the_writer_changes(
    tmp_path: Path, only_flagged: bool
) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text("".join(json.dumps({"id": record_id, "html": "<p>bread</p>"}) + "\n"
                             for record_id in [*CHANGED_BY_CSV, "plain"]))
    out, done = tmp_path / "r.csv", tmp_path / "r.csv.done"
    argv = ["scan", str(pages), "--out", str(out), "--csv", "-j", "1"]
    argv += ["--only-flagged"] if only_flagged else []
    assert main(argv) == 0
    lines = out.read_bytes().splitlines() + (done.read_bytes().splitlines() if only_flagged else [])
    assert len(lines) == 1 + len(CHANGED_BY_CSV) + 1, "the header and one line per record"
    first = (out.read_bytes(), done.exists() and done.read_bytes())
    for _ in range(2):
        assert main([*argv, "--resume"]) == 0
    assert (out.read_bytes(), done.exists() and done.read_bytes()) == first, "nothing added"
