"""fetch: download one page for ``medspam check URL``, refusing private and internal addresses.

Every hop (the URL and each redirect) is resolved with DNS, every address it resolves to is
checked, and the connection goes to the checked address itself (the host name travels in the
``Host`` header and TLS SNI, and the certificate is verified against it). So a DNS answer that
changes between the check and the connection cannot redirect the request inside the network.
Only ``medspam check`` fetches; the classifier and the HTTP service never do.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, replace

import httpx

from medspam import __version__
from medspam.errors import InputError

logger = logging.getLogger(__name__)
USER_AGENT = f"medspam/{__version__} (+https://github.com/medspam/medspam)"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"


class FetchError(InputError):
    """The page could not be fetched: refused address, bad URL, network error, too many hops.

    Recoverable: check the URL, or save the page and pass the file instead.
    """


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page."""

    url: str
    """The final URL, after redirects."""
    status: int
    """HTTP status of the final response."""
    body: bytes
    """The body, decompressed, at most ``max_bytes``."""
    content_type: str | None
    """The response's Content-Type header."""
    address: str
    """The IP address the final request went to."""
    redirects: tuple[str, ...] = ()
    """URLs that redirected, in order."""
    is_truncated: bool = False
    """The body was longer than ``max_bytes`` and was cut."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Time limits of one fetch, in seconds."""

    connect: float = 5.0
    read: float = 10.0
    total: float = 30.0


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local, ...).

    Examples
    --------
    >>> [is_public(a) for a in ("93.184.216.34", "127.0.0.1", "10.1.2.3", "169.254.169.254")]
    [True, False, False, False]
    >>> is_public("::ffff:127.0.0.1"), is_public("fe80::1"), is_public("100.64.0.1")
    (False, False, False)

    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """Resolve ``host`` and return an address to connect to.

    Raises
    ------
    FetchError
        If the name does not resolve, or any address it resolves to is not public
        (unless ``allow_private``): a name with one internal address is refused whole.

    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        msg = f"cannot resolve {host!r}: {exc}"
        raise FetchError(msg) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        msg = f"{host!r} resolves to no address"
        raise FetchError(msg)
    blocked = [a for a in addresses if not is_public(a)]
    if blocked and not allow_private:
        msg = (f"refusing to fetch {host!r}: it resolves to non-public address "
               f"{blocked[0]} (private, loopback, link-local or reserved); "
               "pass --allow-private if you mean it")
        raise FetchError(msg)
    return addresses[0]


def fetch(url: str, *, max_bytes: int, allow_private: bool = False,
          limits: Limits | None = None) -> Fetched:
    """Fetch one page, following at most ``MAX_REDIRECTS`` redirects, each one re-checked.

    Parameters
    ----------
    url
        An ``http`` or ``https`` URL.
    max_bytes
        Bytes of body kept (after decompression); the rest is not read.
    allow_private
        Allow private, loopback and link-local addresses (for tests and intranets).
    limits
        Connect, read and total time limits.

    Raises
    ------
    FetchError
        Bad URL, refused address, network error, timeout or too many redirects.

    """
    limits = limits or Limits()
    deadline = time.monotonic() + limits.total
    timeout = httpx.Timeout(limits.read, connect=limits.connect)
    current, hops = _parse(url), list[str]()
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                      headers={"User-Agent": USER_AGENT, "Accept": ACCEPT}) as client:
        while True:
            fetched = _get(client, current, max_bytes=max_bytes, allow_private=allow_private,
                           deadline=deadline)
            if isinstance(fetched, Fetched):
                return replace(fetched, redirects=tuple(hops))
            if len(hops) >= MAX_REDIRECTS:
                msg = f"more than {MAX_REDIRECTS} redirects, last to {fetched}"
                raise FetchError(msg)
            hops.append(str(current))
            current = _parse(str(current.join(fetched)))


def _parse(url: str) -> httpx.URL:
    """Parse and check one URL: http(s), a host, no credentials.

    httpx decodes an IDNA host only when it is read, so reading it belongs inside the ``try``:
    a host like ``xn--zz.com`` or an emoji label raises a ``UnicodeError`` (``IDNAError``).
    """
    try:
        parsed = httpx.URL(url)
        host = parsed.host
    except (httpx.InvalidURL, TypeError, UnicodeError) as exc:
        msg = f"invalid URL {url!r}: {exc}"
        raise FetchError(msg) from exc
    if parsed.scheme not in {"http", "https"} or not host:
        msg = f"only http and https URLs with a host can be fetched, not {url!r}"
        raise FetchError(msg)
    if parsed.userinfo:
        msg = f"refusing a URL with credentials in it: {parsed.copy_with(userinfo=b'')}"
        raise FetchError(msg)
    return parsed


def _get(client: httpx.Client, url: httpx.URL, *, max_bytes: int, allow_private: bool,
         deadline: float) -> Fetched | str:
    """One request to the checked address of ``url``: the page, or the redirect target."""
    port = url.port or (443 if url.scheme == "https" else 80)
    address = resolve(url.host, port, allow_private=allow_private)
    request = client.build_request(
        "GET", url.copy_with(host=address), headers={"Host": url.netloc.decode("ascii")},
        extensions={"sni_hostname": url.raw_host.decode("ascii")})
    logger.info("fetching %s from %s", url, address)
    try:
        response = client.send(request, stream=True)
    except httpx.HTTPError as exc:
        msg = f"cannot fetch {url}: {str(exc) or type(exc).__name__}"
        raise FetchError(msg) from exc
    except UnicodeError as exc:  # httpx reads the redirect target's IDNA host in ``send``
        msg = f"cannot fetch {url}: it redirects to an invalid URL: {exc}"
        raise FetchError(msg) from exc
    try:
        location = str(response.headers.get("location") or "")
        if response.status_code in REDIRECTS and location:
            return location
        body, is_truncated = _read(response, max_bytes, deadline, url)
    finally:
        response.close()
    return Fetched(url=str(url), status=response.status_code, body=body,
                   content_type=response.headers.get("content-type"), address=address,
                   is_truncated=is_truncated)


def _read(response: httpx.Response, max_bytes: int, deadline: float,
          url: httpx.URL) -> tuple[bytes, bool]:
    """Read at most ``max_bytes`` of the body before ``deadline``; say whether it was cut."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                return b"".join(chunks)[:max_bytes], True
            if time.monotonic() > deadline:
                msg = f"fetching {url} took too long"
                raise FetchError(msg)
    except httpx.HTTPError as exc:
        msg = f"cannot read {url}: {str(exc) or type(exc).__name__}"
        raise FetchError(msg) from exc
    return b"".join(chunks), False
