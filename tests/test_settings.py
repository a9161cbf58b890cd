from dataclasses import fields
from pathlib import Path

import pytest

from medspam import Settings
from medspam.cli.main import main
from medspam.errors import ConfigError


def test_from_env_reads_prefixed_variables():
    settings = Settings.from_env({"MEDSPAM_MAX_BYTES": "1000", "MEDSPAM_THRESHOLD": "0.8"})
    assert (settings.max_bytes, settings.threshold) == (1000, 0.8)


def test_with_options_ignores_none():
    assert Settings(threshold=0.7).with_options(threshold=None).threshold == 0.7


def test_settings_are_frozen():
    with pytest.raises(AttributeError, match="cannot assign"):
        Settings().max_bytes = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "raw", "accepted"),
    [("MEDSPAM_THRESHOLD", "abc", "from 0 to 1"), ("MEDSPAM_THRESHOLD", "", "from 0 to 1"),
     ("MEDSPAM_THRESHOLD", "-1", "from 0 to 1"), ("MEDSPAM_THRESHOLD", "5", "from 0 to 1"),
     ("MEDSPAM_THRESHOLD", "nan", "from 0 to 1"), ("MEDSPAM_MAX_BYTES", "1.5", "from 1 to 1 GiB"),
     ("MEDSPAM_MAX_BYTES", "-1", "from 1 to 1 GiB"),
     ("MEDSPAM_MAX_BYTES", "1000000000000", "from 1 to 1 GiB"),
     ("MEDSPAM_MAX_LINKS", "abc", "from 1 to"), ("MEDSPAM_MAX_LINKS", str(2**63), "from 1 to"),
     ("MEDSPAM_WORKERS", "-2", "every core"), ("MEDSPAM_WORKERS", "100000", "up to 256"),
     ("MEDSPAM_RECORD_TIMEOUT", "0", "above 0"),
     ("MEDSPAM_RECORD_TIMEOUT", "inf", "above 0"), ("MEDSPAM_RECORD_TIMEOUT", "1e10", "at most")],
    ids=["word", "empty", "negative-threshold", "threshold-above-1", "nan", "fractional-bytes",
         "negative-bytes", "terabyte", "word-links", "overflowing-links", "negative-workers",
         "too-many-workers", "zero-timeout", "infinite-timeout", "timeout-past-setitimer"])
def test_from_env_refuses_bad_values_naming_the_variable(variable: str, raw: str,
                                                         accepted: str) -> None:
    with pytest.raises(ConfigError, match=rf"{variable}=.*expected .*{accepted}"):
        Settings.from_env({variable: raw})


def test_from_env_accepts_the_edges_of_each_range() -> None:
    settings = Settings.from_env({"MEDSPAM_THRESHOLD": "1", "MEDSPAM_WORKERS": "0",
                                  "MEDSPAM_MAX_LINKS": " 1 "})
    assert (settings.threshold, settings.workers, settings.max_links) == (1.0, 0, 1)


def test_bad_environment_is_a_clear_cli_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>")
    monkeypatch.setenv("MEDSPAM_THRESHOLD", "abc")
    assert main(["check", str(page)]) == 2
    assert "medspam: error: MEDSPAM_THRESHOLD='abc' is invalid" in capsys.readouterr().err


def test_every_default_reads_back_from_the_environment() -> None:
    """Each field has a rule, and its default is inside the accepted range."""
    defaults = {f.name: f.default for f in fields(Settings) if f.default is not None}
    env = {f"MEDSPAM_{name.upper()}": str(value) for name, value in defaults.items()}
    assert Settings.from_env(env) == Settings()
