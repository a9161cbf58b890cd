"""fetch and ``medspam check URL``: size cap, redirects, and no private addresses by default."""

from __future__ import annotations

import http.server
import threading
from typing import TYPE_CHECKING, Any

import pytest

from medspam.cli.main import main
from medspam.fetch import MAX_REDIRECTS, USER_AGENT, FetchError, fetch, is_public, resolve

if TYPE_CHECKING:
    from collections.abc import Iterator

PAGE = "<html><body><p>Prix du café: 2 €. Ouvert tous les jours.</p></body></html>"


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves a few fixed routes; remembers the User-Agent it saw."""

    seen_agents: list[str] = []  # noqa: RUF012 - shared by the test server's handlers

    def do_GET(self) -> None:
        Handler.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            self._send(302, b"", location="/page" if left == 0 else f"/hop/{left - 1}")
        elif self.path == "/page":
            self._send(200, PAGE.encode("cp1252"), "text/html; charset=windows-1252")
        elif self.path == "/big":
            self._send(200, b"<p>" + b"a" * 50_000 + b"</p>", "text/html")
        elif self.path == "/to-file":
            self._send(302, b"", location="file:///etc/passwd")
        elif self.path == "/to-bad-idna":
            self._send(302, b"", location="http://xn--zz.com/")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str = "text/html",
              location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetches_with_an_honest_user_agent(server: str) -> None:
    page = fetch(f"{server}/page", max_bytes=10_000, allow_private=True)
    assert (page.status, page.url, page.address) == (200, f"{server}/page", "127.0.0.1")
    assert page.body == PAGE.encode("cp1252")
    assert page.content_type == "text/html; charset=windows-1252"
    assert Handler.seen_agents[-1] == USER_AGENT
    assert USER_AGENT.startswith("medspam/")


def test_follows_redirects_up_to_the_limit(server: str) -> None:
    page = fetch(f"{server}/hop/{MAX_REDIRECTS - 1}", max_bytes=10_000, allow_private=True)
    assert page.url == f"{server}/page"
    assert len(page.redirects) == MAX_REDIRECTS
    with pytest.raises(FetchError, match=rf"more than {MAX_REDIRECTS} redirects"):
        fetch(f"{server}/hop/{MAX_REDIRECTS}", max_bytes=10_000, allow_private=True)


def test_body_is_capped(server: str) -> None:
    page = fetch(f"{server}/big", max_bytes=1_000, allow_private=True)
    assert (len(page.body), page.is_truncated) == (1_000, True)


def test_redirect_to_another_scheme_is_refused(server: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch(f"{server}/to-file", max_bytes=10_000, allow_private=True)


def test_redirect_to_an_undecodable_host_is_a_fetch_error(server: str) -> None:
    with pytest.raises(FetchError, match="redirects to an invalid URL: Invalid A-label"):
        fetch(f"{server}/to-bad-idna", max_bytes=10_000, allow_private=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "10.0.0.8", "169.254.169.254",
                                  "192.168.1.1", "0.0.0.0", "2130706433"],
                         ids=lambda h: h)
def test_private_addresses_are_refused_without_connecting(host: str) -> None:
    with pytest.raises(FetchError, match="refusing to fetch"):
        fetch(f"http://{host}:9/", max_bytes=1_000)


def test_redirect_into_the_private_network_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                      server: str) -> None:
    """A public first hop that redirects to loopback is stopped at the redirect."""
    checked: list[str] = []

    def public_first(host: str, port: int, *, allow_private: bool) -> str:
        checked.append(host)
        return resolve(host, port, allow_private=len(checked) == 1 or allow_private)

    monkeypatch.setattr("medspam.fetch.resolve", public_first)
    with pytest.raises(FetchError, match=r"refusing to fetch '127\.0\.0\.1'"):
        fetch(f"{server}/hop/0", max_bytes=10_000)
    assert checked == ["127.0.0.1", "127.0.0.1"]


@pytest.mark.parametrize(
    ("url", "match"),
    [("ftp://example.org/", "only http and https"), ("http://user:pw@example.org/", "credentials"),
     ("http://no-such-host.invalid/", "cannot resolve"),
     ("http://xn--zz.com/", "invalid URL.*Invalid A-label"),
     ("http://xn--ls8h.la/", "invalid URL.*not allowed")],
    ids=["ftp", "credentials", "unresolvable", "bad-a-label", "emoji-a-label"],
)
def test_bad_urls(url: str, match: str) -> None:
    with pytest.raises(FetchError, match=match):
        fetch(url, max_bytes=1_000)


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("::1", False),
     ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.0.1", False), ("169.254.1.1", False),
     ("fe80::1", False), ("fc00::1", False), ("100.64.0.1", False), ("0.0.0.0", False),
     ("224.0.0.1", False), ("::ffff:10.0.0.1", False), ("240.0.0.1", False)],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_check_url_classifies_the_fetched_page(server: str, capsys: pytest.CaptureFixture[str],
                                               classifier: Any) -> None:
    del classifier  # the shipped model must be present
    code = main(["check", f"{server}/hop/1", "--allow-private", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert f'"url": "{server}/page"' in out
    assert (f"note: {server}/hop/1 -> {server}/hop/0 -> {server}/page: judged at the page it "
            "redirects to") in err


def test_check_url_refuses_loopback_without_the_flag(server: str,
                                                     capsys: pytest.CaptureFixture[str],
                                                     classifier: Any) -> None:
    del classifier
    assert main(["check", f"{server}/page"]) == 2
    assert "refusing to fetch '127.0.0.1'" in capsys.readouterr().err
