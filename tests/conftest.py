"""Shared fixtures: no network, quiet logs, the shipped classifier, the seed page, shared data."""

from __future__ import annotations

import atexit
import html
import logging
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

import medspam

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAGES = Path(__file__).parent / "pages"
SEED_URL = "https://www.learnershub.example.org/post/ketamine-infusion-therapy-process-benefits-and-risks"
LOOPBACK = ("127.", "::1", "localhost")
if "MEDSPAM_CACHE_DIR" not in os.environ:  # the tests, and the processes they start,
    _CACHE = tempfile.mkdtemp(prefix="medspam-test-cache-")  # keep the user cache out of home
    os.environ["MEDSPAM_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any socket connection outside loopback fail: medspam never needs the network."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family == socket.AF_UNIX or str(host).startswith(LOOPBACK):
            return real_connect(self, address)
        msg = f"network access attempted: {address!r}"
        raise OSError(msg)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded)


@pytest.fixture(autouse=True)
def reset_log_level() -> Any:
    """Silence is golden: restore the root log level after each test."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


def shared_path(relative: str) -> Path:
    """A path under ../shared; skip when absent, but fail when CI=true (CI always has it)."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture(scope="session")
def classifier() -> medspam.Classifier:
    """The shipped classifier, loaded once."""
    return medspam.Classifier.load()


def render_seed(text: str, *, cite_health_sites: bool = False) -> str:
    """Render the seed article text as a community-site page, the way it was posted.

    With ``cite_health_sites`` the commercial phrase goes and the Read More block cites
    NIH, NHS and FDA instead of the shop.
    """
    lines = [line.strip() for line in text.splitlines()]
    category, title, *rest = [line for line in lines if line]
    body: list[str] = []
    for line in rest:
        if line.startswith("•"):
            body.append(f"<li>{html.escape(line.lstrip('• '))}</li>")
        elif line.startswith("https://"):
            if not cite_health_sites:
                body.append(f"<p>{html.escape(line)}</p>")
        elif line == "User interests":
            if cite_health_sites:
                body += [f"<p>{u}</p>" for u in (
                    "https://www.nimh.nih.gov/health/topics/depression",
                    "https://www.nhs.uk/mental-health/conditions/depression-in-adults/",
                    "https://www.fda.gov/drugs/news-events-human-drugs/ketamine")]
            body.append('<aside class="user-interests"><h3>User interests</h3>')
        else:
            text = line.replace("buying ketamine therapy", "ketamine therapy") \
                if cite_health_sites else line
            body.append(f"<p>{html.escape(text)}</p>")
    return (f'<!doctype html><html lang="en"><head><title>{html.escape(title)}</title></head>'
            f'<body><nav><a href="/">Home</a> <a href="/explore">Explore</a></nav>'
            f'<div class="category">{html.escape(category)}</div><h1>{html.escape(title)}</h1>'
            f'<article>{"".join(body)}</aside></article></body></html>')


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The canonical seed article text from ../shared/seeds."""
    return shared_path("seeds/ketamine-infusion-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_page(seed_text: str) -> str:
    """The seed article rendered as HTML with its Read More shop links."""
    return render_seed(seed_text)


@pytest.fixture(scope="session")
def seed_page_cited(seed_text: str) -> str:
    """The seed article citing NIH, NHS and FDA, without the commercial phrase."""
    return render_seed(seed_text, cite_health_sites=True)
