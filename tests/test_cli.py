import io
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEED_URL
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


def test_check_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<p>Hello</p>")))
    assert main(["check", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "ok"


def test_report_names_the_shop(capsys):
    main(["check", SPAM])
    out = capsys.readouterr().out
    assert "SPAM" in out
    assert "suspicious links" in out


@pytest.mark.parametrize("argv", [["check"], ["check", SPAM, "--threshold", "2"], ["nope"]],
                         ids=["no-file", "bad-threshold", "unknown-command"])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err
