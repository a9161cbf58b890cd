"""``medspam spark-scan`` in Spark local mode gives the rows ``medspam scan`` gives."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from medspam.batch.rowformat import read_rows
from medspam.cli.main import main
from medspam.spark import read_paths, scan_paths
from test_scan import HAM_PAGES, SPAM_PAGES, warc_response, write_warc

if TYPE_CHECKING:
    from pathlib import Path


def require_spark() -> None:
    """Skip without PySpark or Java; fail instead when CI=true."""
    missing = [name for name, found in (("pyspark", importlib.util.find_spec("pyspark")),
                                        ("java", shutil.which("java"))) if not found]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} missing: install medspam[spark] and a JRE")
        pytest.skip(f"{', '.join(missing)} not available")


def test_read_paths_plain_gzip_and_prefix(tmp_path: Path) -> None:
    listing = tmp_path / "warc.paths.gz"
    listing.write_bytes(gzip.compress(b"crawl-data/a.warc.gz\n\ncrawl-data/b.warc.gz\n"))
    assert read_paths(listing, "s3://commoncrawl/") == [
        "s3://commoncrawl/crawl-data/a.warc.gz", "s3://commoncrawl/crawl-data/b.warc.gz"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(ValueError, match="lists no WARC paths"):
        read_paths(empty)


def test_read_paths_refuses_a_list_it_cannot_decode(tmp_path: Path) -> None:
    listing = tmp_path / "paths.txt"
    listing.write_bytes(b"/data/caf\xe9.warc.gz\n")
    with pytest.raises(ValueError, match="cannot read the path list"):
        read_paths(listing)


def test_one_unreadable_warc_is_an_error_row_and_the_next_is_read(
        tmp_path: Path, classifier: Any) -> None:
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, dict(list(HAM_PAGES.items())[:2]))
    missing = str(tmp_path / "gone.warc.gz")
    rows = list(scan_paths([missing, str(warc)], SimpleNamespace(value=classifier)))  # type: ignore[arg-type]
    assert [(row["id"] == missing, row["verdict"]) for row in rows] == [
        (True, None), (False, "ok"), (False, "ok")]
    assert rows[0]["error"]


def without_record_id(record: bytes) -> bytes:
    """A gzipped WARC record without its WARC-Record-ID header."""
    text = gzip.decompress(record)
    start = text.index(b"WARC-Record-ID:")
    return gzip.compress(text[:start] + text[text.index(b"\r\n", start) + 2:])


def test_scan_paths_reads_urls_and_names_them(tmp_path: Path, classifier: Any) -> None:
    warc = tmp_path / "pages.warc.gz"
    warc.write_bytes(b"".join(without_record_id(warc_response(url, html.encode()))
                              for url, html in list(HAM_PAGES.items())[:2]))
    url = warc.as_uri()
    rows = list(scan_paths([url], SimpleNamespace(value=classifier)))  # type: ignore[arg-type]
    assert [row["verdict"] for row in rows] == ["ok", "ok"]
    assert rows[0]["id"].startswith(f"{url}@"), "fallback ids name the URL, not the copy"


@pytest.mark.slow
def test_spark_rows_equal_scan_rows(tmp_path: Path) -> None:
    require_spark()
    spam, ham = list(SPAM_PAGES.items()), list(HAM_PAGES.items())
    warcs = [write_warc(tmp_path / "a.warc.gz", dict(spam[:2] + ham[:1])),
             write_warc(tmp_path / "b.warc.gz", dict(spam[2:] + ham[1:]))]
    listing = tmp_path / "warc.paths"
    listing.write_text("".join(f"{path}\n" for path in warcs))
    scanned = tmp_path / "scan.jsonl"
    assert main(["scan", *map(str, warcs), "--out", str(scanned), "-j", "1"]) == 1
    output = tmp_path / "spark-out"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_DRIVER_PYTHON": sys.executable}
    done = subprocess.run(
        [sys.executable, "-m", "medspam", "spark-scan", "--input", str(listing),
         "--output", str(output), "--master", "local[2]", "--json"],
        capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 1, done.stderr[-3000:]
    assert json.loads(done.stdout) == {"pages": 6, "flagged": 3, "errors": 0}
    assert (output / "_SUCCESS").exists()
    parts = sorted(output.glob("part-*"))
    assert len(parts) == len(warcs), "one partition per WARC"
    spark_rows = sorted((row for part in parts for row in read_rows(part)),
                        key=lambda r: r["id"])
    scan_rows = sorted(read_rows(scanned), key=lambda r: r["id"])
    assert spark_rows == scan_rows


def test_an_existing_output_folder_is_refused_before_the_job(tmp_path: Path, capsys: Any) -> None:
    """Spark fails on an existing output only after the whole job; refuse it up front."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark not installed")
    listing = tmp_path / "paths.txt"
    listing.write_text("a.warc.gz\n")
    (tmp_path / "out").mkdir()
    assert main(["spark-scan", "--input", str(listing), "--output", str(tmp_path / "out")]) == 2
    assert "exists" in capsys.readouterr().err


def test_read_paths_refuses_a_line_no_path_is_as_long_as(tmp_path: Path) -> None:
    listing = tmp_path / "paths.gz"
    listing.write_bytes(gzip.compress(b"a" * 200_000 + b"\n"))
    with pytest.raises(ValueError, match="no WARC path"):
        read_paths(listing)
