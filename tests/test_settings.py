import pytest

from medspam import Settings


def test_from_env_reads_prefixed_variables():
    settings = Settings.from_env({"MEDSPAM_MAX_BYTES": "1000", "MEDSPAM_THRESHOLD": "0.8"})
    assert (settings.max_bytes, settings.threshold) == (1000, 0.8)


def test_with_options_ignores_none():
    assert Settings(threshold=0.7).with_options(threshold=None).threshold == 0.7


def test_settings_are_frozen():
    with pytest.raises(AttributeError, match="cannot assign"):
        Settings().max_bytes = 1  # type: ignore[misc]
