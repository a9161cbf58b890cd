"""A scan killed with SIGKILL twice, then resumed, has exactly one row per record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from medspam.batch.output import ResultWriter, read_rows
from medspam.batch.summary import ScanSummary
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
ODD_ROWS = {
    "links-null": '{"id":"x","verdict":"spam","links":null}',
    "links-of-text": '{"id":"x","verdict":"spam","links":["a"]}',
    "category-list": '{"id":"x","verdict":"spam","category":[1]}',
    "domain-list": '{"id":"x","verdict":"spam","links":[{"url":"u","domain":["d"]}]}',
    "url-number": '{"id":"x","verdict":"spam","url":5}',
    "score-nan": '{"id":"x","verdict":"ok","score":NaN}',
    "deep": '{"id":"x","notes":' + "[" * 100_000 + "}",
}


@pytest.mark.parametrize("line", ODD_ROWS.values(), ids=ODD_ROWS.keys())
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
