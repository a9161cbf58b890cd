"""The user cache of derived tables: a shortcut that never changes an answer or fails a verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medspam import cache, urls, wordsplit

TOKENS = ["buycocaineonline", "oxypharmadirect", "ketamine-s-isomer", "thebestpharmacyintown"]


@pytest.fixture
def fresh_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private cache folder, and word tables built again on first use (and after)."""
    monkeypatch.setenv("MEDSPAM_CACHE_DIR", str(tmp_path / "cache"))
    wordsplit._tables.cache_clear()  # noqa: SLF001
    urls.split_words.cache_clear()
    yield tmp_path / "cache"
    wordsplit._tables.cache_clear()  # noqa: SLF001
    urls.split_words.cache_clear()


def _splits() -> list[list[str]]:
    urls.split_words.cache_clear()
    return [list(urls.split_words(token)) for token in TOKENS]


def test_word_tables_load_from_the_cache_exactly_as_built(fresh_tables: Path) -> None:
    fresh_tables.mkdir(mode=0o700)
    (fresh_tables / "wordsegment-0123456789abcdef0123.marshal").write_bytes(b"older tables")
    built = wordsplit._tables()  # noqa: SLF001 - builds them, writes the cache, drops the old
    [cached_file] = fresh_tables.iterdir()
    assert cached_file.stat().st_mode & 0o077 == 0  # private to the user
    assert fresh_tables.stat().st_mode & 0o077 == 0
    splits = _splits()
    wordsplit._tables.cache_clear()  # noqa: SLF001
    loaded = wordsplit._tables()  # noqa: SLF001 - from the cache
    assert loaded is not built
    assert loaded.known == built.known
    assert loaded.follow == built.follow
    assert loaded.starters == built.starters
    assert loaded.segmenter.unigrams == built.segmenter.unigrams
    assert loaded.segmenter.bigrams == built.segmenter.bigrams
    assert _splits() == splits == [["buy", "cocaine", "online"], ["oxy", "pharma", "direct"],
                                   ["ketamine", "s", "isomer"],
                                   ["the", "best", "pharmacy", "in", "town"]]


@pytest.mark.parametrize("spoil", [
    lambda path: path.write_bytes(b"not marshal data"),
    lambda path: path.write_bytes(path.read_bytes()[: 1000]),  # cut short
    lambda path: path.chmod(0o666),  # others could have written it: not read
])
def test_a_spoiled_cache_file_is_not_used(fresh_tables: Path, spoil: object) -> None:
    wordsplit._tables()  # noqa: SLF001
    [cached_file] = fresh_tables.iterdir()
    spoil(cached_file)  # type: ignore[operator]
    wordsplit._tables.cache_clear()  # noqa: SLF001
    assert _splits()[0] == ["buy", "cocaine", "online"]
    # the spoiled file was not used: the tables were built again and stored anew, privately
    assert cached_file.stat().st_mode & 0o077 == 0
    assert wordsplit._from_cache(cached_file.name) is not None  # noqa: SLF001


def test_the_cache_can_be_turned_off(fresh_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDSPAM_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert _splits()[0] == ["buy", "cocaine", "online"]
    assert not fresh_tables.exists()


@pytest.mark.usefixtures("fresh_tables")
def test_an_unwritable_cache_folder_is_ignored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("MEDSPAM_CACHE_DIR", str(blocked / "cache"))
    assert _splits()[0] == ["buy", "cocaine", "online"]
    assert cache.read("anything") is None


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MEDSPAM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "medspam"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path("~/.cache/medspam").expanduser()
