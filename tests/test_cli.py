import gzip
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import medspam
from conftest import ROOT, SEED_URL
from medspam.cli.common import print_json
from medspam.cli.main import main

SPAM = str(ROOT / "examples" / "ketamine-clinic-spam.html")
OK = str(ROOT / "examples" / "ketamine-clinic-ok.html")


@pytest.mark.parametrize(("argv", "code"), [
    (["check", SPAM], 1),
    (["check", OK], 0),
    (["check", SPAM, "--threshold", "1.0"], 0),
    (["check", "/no/such/file.html"], 2),
], ids=["spam", "ok", "threshold-1", "missing-file"])
def test_check_exit_codes(argv, code, capsys):
    assert main(argv) == code
    captured = capsys.readouterr()
    if code == 2:
        assert captured.err.startswith("medspam: error: cannot read")
        assert "Traceback" not in captured.err


def test_check_json_is_the_verdict_schema(capsys):
    assert main(["check", SPAM, "--json", "--url", SEED_URL]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "spam"
    assert data["links"][0]["score"] >= 0.5


def test_a_closed_pipe_ends_quietly_with_exit_141():
    """``medspam check … --json | head``: the reader goes away before the verdict is written."""
    command = [sys.executable, "-m", "medspam", "check", SPAM, "--json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.close()  # before the verdict is written: every write fails
        error = process.stderr.read().decode()
    assert (process.returncode, error) == (141, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_failed_write_is_an_error_not_a_traceback():
    """A full disk under ``--json > out.json``: exit 2 with the system's message."""
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run([sys.executable, "-m", "medspam", "check", SPAM, "--json"],
                              stdout=full, stderr=subprocess.PIPE, check=False)
    error = done.stderr.decode()
    assert (done.returncode, error.startswith("medspam: error:")) == (2, True), error
    assert "Traceback" not in error


def cli_env(*, is_buffered):
    """The environment of a CLI subprocess, its standard output block-buffered or not."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return env if is_buffered else {**env, "PYTHONUNBUFFERED": "1"}


HELP_ARGVS = [["--help"], ["scan", "--help"], ["--version"]]
HELP_IDS = ["help", "scan-help", "version"]
BUFFERING = pytest.mark.parametrize("is_buffered", [True, False], ids=["buffered", "unbuffered"])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [*HELP_ARGVS, ["check", OK]], ids=[*HELP_IDS, "short-output"])
@BUFFERING
def test_output_that_cannot_be_written_exits_2_with_one_line(argv, is_buffered):
    """``medspam --help > /dev/full``: argparse ignores the failed write and exits 0 itself.

    Buffered, a short output fails only at the interpreter's last flush (exit 120 and an
    "Exception ignored" message); unbuffered, argparse swallows the error of its own write.
    """
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run([sys.executable, "-m", "medspam", *argv], stdout=full,
                              stderr=subprocess.PIPE, env=cli_env(is_buffered=is_buffered),
                              check=False)
    lines = done.stderr.decode().splitlines()
    assert (done.returncode, len(lines)) == (2, 1), lines
    assert lines[0].startswith("medspam: error:"), lines


@pytest.mark.parametrize("argv", HELP_ARGVS, ids=HELP_IDS)
@BUFFERING
def test_help_to_a_closed_pipe_ends_quietly_with_exit_141(argv, is_buffered):
    command = [sys.executable, "-m", "medspam", *argv]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=cli_env(is_buffered=is_buffered)) as process:
        process.stdout.close()  # before the help is written: every write fails
        error = process.stderr.read().decode()
    assert (process.returncode, error) == (141, "")


@pytest.mark.parametrize("argv", HELP_ARGVS, ids=HELP_IDS)
def test_help_on_standard_output_exits_0(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(("usage: medspam", "medspam "))


def test_a_bug_exits_70_with_its_traceback_never_1_which_means_spam(monkeypatch, capsys):
    def broken(_args):
        msg = "a bug"
        raise RuntimeError(msg)

    monkeypatch.setattr("medspam.cli.check.run", broken)
    assert main(["check", SPAM]) == 70
    error = capsys.readouterr().err
    assert "RuntimeError: a bug" in error
    assert "internal error" in error


def test_check_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<p>Hello</p>")))
    assert main(["check", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "ok"


def test_report_names_the_shop(capsys):
    main(["check", SPAM])
    out = capsys.readouterr().out
    assert "SPAM" in out
    assert "suspicious links" in out


def test_report_says_a_link_is_a_hidden_frame_or_a_redirect(monkeypatch, capsys):
    page = ("<p>Anxiety is common; therapy helps.</p>"
            '<iframe src="https://benzo-direct.example/buy-xanax" width="1" height="1"></iframe>'
            "<script>window.location.href = 'https://pills.example.net/order';</script>")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page.encode())))
    main(["check", "-", "--all-links"])
    out = capsys.readouterr().out
    assert "https://benzo-direct.example/buy-xanax  (frame, iframe[src], hidden)" in out
    assert "https://pills.example.net/order  (redirect, script)" in out


def test_check_reads_a_saved_pages_redirect(tmp_path, capsys):
    saved = tmp_path / "302.html"
    saved.write_text("")
    main(["check", str(saved), "--url", "https://blog.example/p/1", "--json",
          "--location", "https://pills.example.net/buy-oxycodone"])
    (link,) = json.loads(capsys.readouterr().out)["links"]
    assert (link["url"], link["automatic"], link["element"]) == (
        "https://pills.example.net/buy-oxycodone", True, "HTTP redirect")


@pytest.mark.parametrize("argv", [["check"], ["check", SPAM, "--threshold", "2"], ["nope"]],
                         ids=["no-file", "bad-threshold", "unknown-command"])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_evaluate_on_a_labelled_file_reports_recall_by_page_and_by_document(tmp_path, capsys):
    pages = [(SPAM, "spam", "seed"), (OK, "ham", "clinic"), (OK, "ham", "clinic")]
    data = tmp_path / "labelled.jsonl"
    data.write_text("".join(json.dumps({
        "id": i, "url": SEED_URL, "html": Path(path).read_text(encoding="utf-8"), "label": label,
        "group": group}) + "\n" for i, (path, label, group) in enumerate(pages)), encoding="utf-8")
    assert main(["evaluate", "--data", str(data), "--json"]) == 0
    overall = json.loads(capsys.readouterr().out)["data"]["overall"]
    assert (overall["spam"], overall["ham"], overall["fp"]) == (1, 2, 0)
    assert overall["recall_at_fpr_0.5pct_by_document"] == 1.0
    # Wilson's 95 % intervals, worked by hand: 1 of 1 spam caught, 0 of 2 ham flagged
    assert overall["recall_ci"] == pytest.approx([0.2065, 1.0], abs=1e-4)
    assert overall["fpr_ci"] == pytest.approx([0.0, 0.6576], abs=1e-4)
    # No ham may pass at 0.5 %, so the threshold is the one spam page's own score.
    spam_score = medspam.classify(Path(SPAM).read_bytes(), url=SEED_URL).score
    assert overall["threshold_at_fpr_0.5pct"] == pytest.approx(spam_score, abs=1e-12)
    assert main(["evaluate", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "│ data │ document " in out
    assert "│ data │ 0.2065-1.0000 │ 0.0000-0.6576 │" in out
    # rounded down, so that --threshold set to the printed value still flags the page
    shown = f"{math.floor(spam_score * 10_000) / 10_000:.4f}"
    assert f"│ data │ page: the threshold │ {shown} │" in out


def test_evaluate_measures_several_labelled_files_as_one_set(tmp_path, capsys):
    files = []
    for name, (path, label) in {"a": (SPAM, "spam"), "b": (OK, "ham")}.items():
        files.append(tmp_path / f"{name}.jsonl")
        files[-1].write_text(json.dumps({"id": name, "url": SEED_URL, "label": label,
                                         "html": Path(path).read_text(encoding="utf-8")}) + "\n",
                             encoding="utf-8")
    assert main(["evaluate", "--data", *map(str, files), "--json"]) == 0
    overall = json.loads(capsys.readouterr().out)["data"]["overall"]
    assert (overall["n"], overall["spam"], overall["ham"]) == (2, 1, 1)
    (tmp_path / "c.jsonl").write_text("{}\n", encoding="utf-8")
    assert main(["evaluate", "--data", str(files[0]), str(tmp_path / "c.jsonl")]) == 2
    assert "c.jsonl:1: not an object with a label" in capsys.readouterr().err


def test_evaluate_reads_where_a_record_redirects(tmp_path, capsys):
    """A labelled crawl record keeps its 302: the article that redirects to a shop is caught."""
    article = ("<h1>Easing sciatica</h1><p>Sciatica is pain along the sciatic nerve; most "
               "people recover within six weeks with gentle stretching and heat.</p>")
    shop = "https://oxy-tramadol-direct.example/product/oxycodone-30mg"
    rows = [{"id": "r", "url": "https://physio-notes.example.org/sciatica", "html": article,
             "location": shop, "label": "spam"},
            {"id": "n", "url": "https://physio-notes.example.org/heat", "html": article,
             "label": "ham"}]
    data = tmp_path / "crawl.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert main(["evaluate", "--data", str(data), "--json"]) == 0
    overall = json.loads(capsys.readouterr().out)["data"]["overall"]
    assert (overall["tp"], overall["fp"]) == (1, 0)


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"),
    (b"", "no labelled records"),
    (b"not json\n", ":1: not JSON"),
    (b"[1, 2]\n", ":1: not an object with a label"),
    (b'{"label": "maybe", "html": "x"}\n', ":1: not an object with a label"),
    (b'{"label": "spam", "html": 123}\n', ":1: 'html' must be a string"),
    (b'{"label": "spam", "html": "", "location": 302}\n', ":1: 'location' must be a string"),
    (b'{"label": "ham", "html": "\xff\xfe"}\n', "cannot read"),
    (b"[" * 100_000 + b"\n", ":1: not JSON"),
], ids=["missing", "empty", "not-json", "not-object", "bad-label", "html-not-str",
        "location-not-str", "not-utf8", "nested-too-deep"])
def test_evaluate_refuses_a_bad_labelled_file_with_a_clear_error(tmp_path, capsys, content,
                                                                  message):
    data = tmp_path / "labelled.jsonl"
    if content is not None:
        data.write_bytes(content)
    assert main(["evaluate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("medspam: error:")
    assert message in err


def test_evaluate_refuses_a_corrupt_gzip_file_and_a_plots_path_that_is_a_file(tmp_path, capsys):
    packed = bytearray(gzip.compress(b'{"label": "spam", "html": "x"}\n' * 2000))
    packed[12:16] = b"\xff" * 4  # the start of the deflate stream: zlib cannot go on
    data = tmp_path / "labelled.jsonl.gz"
    data.write_bytes(bytes(packed))
    assert main(["evaluate", "--data", str(data)]) == 2
    assert capsys.readouterr().err.startswith("medspam: error: cannot read")
    assert main(["evaluate", "--data", str(data), "--plots", SPAM]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_json_output_escapes_text_that_is_not_valid_unicode(capsys):
    """A lone surrogate (a file name that is not UTF-8) prints as its JSON escape."""
    print_json({"id": "caf\udce9.html"})
    assert json.loads(capsys.readouterr().out) == {"id": "caf\udce9.html"}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_check_reads_no_more_than_it_classifies(monkeypatch, capsys):
    """An endless input (``/dev/zero``, a pipe that never closes) is cut at max_bytes."""
    monkeypatch.setenv("MEDSPAM_MAX_BYTES", "10000")
    assert main(["check", "/dev/zero", "--json"]) == 0
    assert "truncated at 10000 bytes" in json.loads(capsys.readouterr().out)["notes"]


def test_evaluate_refuses_a_line_longer_than_any_record(tmp_path, monkeypatch, capsys):
    """A gzip bomb of one line is refused at the cap, not read into memory."""
    monkeypatch.setattr("medspam.evaluate.Settings", lambda: SimpleNamespace(max_bytes=100))
    data = tmp_path / "labelled.jsonl.gz"
    data.write_bytes(gzip.compress(b'{"label": "spam", "html": "' + b"x" * 10_000 + b'"}\n'))
    assert main(["evaluate", "--data", str(data)]) == 2
    assert "a line longer than 400 bytes" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--seed", "-1"], ["--seed", str(2**32)], ["--jobs", "0"],
                                  ["--jobs", "100000"]], ids=["negative-seed", "huge-seed",
                                                             "no-jobs", "too-many-jobs"])
@pytest.mark.parametrize("command", ["train", "learn"])
def test_training_options_are_checked_before_any_work(command, argv, capsys):
    with pytest.raises(SystemExit, match="2"):
        main([command, *argv])
    assert f"argument {argv[0]}" in capsys.readouterr().err
