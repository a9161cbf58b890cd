"""No network at run time: loading the model and classifying never open a connection.

conftest.py already makes non-loopback connects fail; this test goes further and records
every attempt, loopback included, and name lookups, so a swallowed failure cannot hide one.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import medspam
from medspam import urls

if TYPE_CHECKING:
    import pytest

PAGES = Path(__file__).parent / "pages"


def test_load_and_classify_attempt_no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def forbidden(name: str) -> Any:
        def record(*args: Any, **_: Any) -> Any:
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            msg = f"network use forbidden: {name}"
            raise OSError(msg)
        return record

    for attribute in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, attribute, forbidden(f"socket.{attribute}"))
    for function in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, function, forbidden(function))
    urls.describe_host.cache_clear()
    clf = medspam.Classifier.load()
    for path in sorted(PAGES.glob("*.html")):
        clf.classify(path.read_bytes(), url="https://fresh-host-for-the-test.example.net/p")
    verdict = clf.classify(
        "<p>Visit new-shop-never-seen.xn--p1ai, hxxps://pills[.]example.co.uk and "
        '<a href="https://sub.domain.unknown-suffix-zz/">x</a></p>')
    assert verdict.links
    assert attempts == []
