"""URLs: de-obfuscate, normalise and describe hosts (offline suffix list).

Every function here works offline: host facts come from one private ``TLDExtract`` that reads
only the public suffix list snapshot bundled with tldextract, never the network. Word splitting
lives in :mod:`medspam.wordsplit` and de-obfuscation in :mod:`medspam.obfuscation`; both are
re-exported here.

Examples
--------
>>> normalise_url(deobfuscate("hxxps://BuyCocaineOnline[.]info/en?x=1#top"))
'https://buycocaineonline.info/en?x=1'
>>> describe_host("shop.buycocaineonline.info").site
'buycocaineonline.info'
>>> split_words("buycocaineonline")
['buy', 'cocaine', 'online']

"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import tldextract

from medspam import lexicons
from medspam.obfuscation import (
    DOT_LOOKALIKES,
    INVISIBLE_CHARS,
    MIN_BARE_LABEL,
    Deobfuscated,
    deobfuscate,
    deobfuscate_mapped,
)
from medspam.wordsplit import register_vocabulary, split_words

__all__ = [
    "Deobfuscated",
    "HostInfo",
    "deobfuscate",
    "deobfuscate_mapped",
    "describe_host",
    "host_of",
    "is_plausible_host",
    "normalise_url",
    "register_vocabulary",
    "split_words",
]

_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)
_WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PLATFORM_HOSTS = (
    "wordpress.com", "tumblr.com", "substack.com", "medium.com", "weebly.com", "livejournal.com",
    "over-blog.com", "typepad.com", "jimdofree.com", "webnode.page", "tilda.ws", "ucoz.net",
    "ucoz.ru", "site123.me", "mystrikingly.com", "tripod.com", "angelfire.com", "hubpages.com",
    "sites.google.com", "wixsite.com", "squarespace.com", "hatenablog.com", "ning.com",
)
_CONFUSABLE_SCRIPTS = frozenset({"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
_FILE_EXTENSION_TLDS = frozenset(
    {"py", "md", "sh", "zip", "mov", "pl", "rs", "ps", "pm", "so", "cc", "js", "cs", "ts", "ai"}
)
_WORD_TLDS = frozenset(
    {"il", "je", "it", "is", "to", "no", "on", "so", "do", "es", "la", "le", "el", "tu", "se",
     "si", "an", "as", "by", "my", "or", "am", "be", "go", "he", "we", "ne", "na", "ma", "mi",
     "ja", "et", "en", "un", "al"}
)
_MAX_HOST = 253
_MAX_LABEL = 63
_CACHED_CHARS = 512


# --- normalisation --------------------------------------------------------------------------

_STRIP = "".join(chr(c) for c in range(33)) + "\x7f" + INVISIBLE_CHARS
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_PATH_ESCAPES = {" ": "%20", '"': "%22", "<": "%3C", ">": "%3E", "`": "%60"}
_ASCII_HOST = re.compile(r"[a-z0-9._-]+\Z")
_PATH_BAD = re.compile(r"[\x00-\x20\x7f\"<>`]")
_PLAIN_URL = re.compile(
    r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/[^?#\\\t\n\r]*)?(?:\?([^#\\\t\n\r]*))?(?:#.*)?\Z",
    re.DOTALL,
)
"""A URL as most links are written: ``http`` or ``https`` in lower case, a lower-case ASCII
host with no port or user, no backslash. ``urlsplit`` reads it as these groups (scheme, host,
path, query), so :func:`_absolute` reads it without (0.44 against 1.25 ms a real page for the
pages' ~110 URLs; tests/test_properties.py checks both give the same)."""


def normalise_url(raw: str, base: str | None = None, *, max_chars: int = 2048) -> str | None:
    """Return the canonical absolute form of a web URL, or ``None`` when it is not one.

    Resolves against ``base``; lower-cases scheme and host; decodes punycode host labels to
    Unicode; drops user info, default ports and the fragment; gives bare domains ``http://``;
    cuts at ``max_chars``. Idempotent, and never raises on a ``str``.

    Parameters
    ----------
    raw
        The URL as written (``href`` value, plain-text URL or bare domain).
    base
        The URL that relative references resolve against.
    max_chars
        Longest result kept; longer URLs are cut.

    Returns
    -------
    str or None
        The URL, or ``None`` for other schemes (``javascript:``, ``mailto:``...) and garbage.

    Examples
    --------
    >>> normalise_url("buycocaineonline.info")
    'http://buycocaineonline.info/'
    >>> normalise_url("../b?q=1#x", "HTTPS://Example.COM:443/a/c")
    'https://example.com/b?q=1'
    >>> normalise_url("mailto:someone@example.com") is None
    True

    """
    if len(raw) <= _CACHED_CHARS and (base is None or len(base) <= _CACHED_CHARS):
        return _normalise_cached(raw, base, max_chars)
    return _normalise(raw, base, max_chars)


@lru_cache(maxsize=32_768)
def _normalise_cached(raw: str, base: str | None, max_chars: int) -> str | None:
    """Normalise a short URL, remembering the result (pages repeat their links)."""
    return _normalise(raw, base, max_chars)


def _normalise(raw: str, base: str | None, max_chars: int) -> str | None:
    """Normalise and cut at ``max_chars`` (see :func:`normalise_url`)."""
    url = _normalise_once(raw, base)
    if url is not None and len(url) > max_chars:
        url = _normalise_once(url[:max_chars], None)
    return url


def _normalise_once(raw: str, base: str | None) -> str | None:
    """One normalisation pass (see :func:`normalise_url`)."""
    text = _TAB_NEWLINE.sub("", raw.strip(_STRIP))
    if base:
        base = _normalised_base(base)
        if base and not _SCHEME_PREFIX.match(text):
            try:
                text = urljoin(base, text)
            except ValueError:
                return None
    return _absolute(text)


@lru_cache(maxsize=256)
def _normalised_base(base: str) -> str | None:
    """Normalise a base URL once (pages resolve many links against one base)."""
    return _normalise_once(base, None)


def _absolute(text: str) -> str | None:
    """Normalise an absolute URL, or a scheme-less one that starts with a plausible host."""
    plain = _PLAIN_URL.match(text)
    if plain is not None:
        scheme, host, path, query = plain.groups()
        return _assembled(scheme, host, None, path or "", query or "")
    return _absolute_split(text)


def _absolute_split(text: str) -> str | None:
    """:func:`_absolute` of any text, read with ``urlsplit``."""
    scheme_match = _SCHEME_PREFIX.match(text)
    if scheme_match and "." in scheme_match.group(1) and text[scheme_match.end() :][:1].isdigit():
        scheme_match = None  # host:port, not a scheme
    if scheme_match is None:
        if text.startswith("//"):
            text = "http:" + text
        elif _looks_like_host(re.split(r"[/?#\\]", text, maxsplit=1)[0]):
            text = "http://" + text
        else:
            return None
    elif scheme_match.group(1).lower() not in _WEB_SCHEMES:
        return None
    head, mark, tail = text.partition("?")
    text = head.replace("\\", "/") + mark + tail
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname or ""
    except ValueError:
        return None
    return _assembled(parts.scheme.lower(), host, port, parts.path, parts.query)


def _assembled(scheme: str, host: str, port: int | None, path: str, query: str) -> str | None:
    """Write a web URL from its parts, the host cleaned and the default port dropped."""
    host = _clean_host(host)
    if not host:
        return None
    port_part = f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else ""
    path = _PATH_BAD.sub(lambda m: _PATH_ESCAPES.get(m.group(), ""), path) or "/"
    query = _PATH_BAD.sub(lambda m: _PATH_ESCAPES.get(m.group(), ""), query)
    return f"{scheme}://{host}{port_part}{path}{'?' + query if query else ''}"


def _looks_like_host(text: str) -> bool:
    """Whether a scheme-less reference starts with a host that has a real public suffix."""
    host = _clean_host(text.split(":", 1)[0])
    return bool(host) and "." in host and _host_facts(host).is_valid


@lru_cache(maxsize=65_536)
def _clean_host(host: str) -> str:
    """Lower-cased, Unicode (punycode decoded) host, or ``""`` when it cannot be a host."""
    host = host.strip().strip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        return _ip_host(host)
    for dot, plain in DOT_LOOKALIKES.items():
        host = host.replace(dot, plain)
    host = ".".join(_fold(_decode_label(label)) for label in host.split("."))
    labels = host.split(".")
    valid = (
        0 < len(host) <= _MAX_HOST
        and all(0 < len(label) <= _MAX_LABEL for label in labels)
        and (_ASCII_HOST.match(host) is not None or all(_is_host_char(c) for c in host))
    )
    return host if valid else ""


def _is_host_char(char: str) -> bool:
    """Whether a character may appear in a (Unicode) host name."""
    return char.isalnum() or char in "-_." or unicodedata.category(char).startswith("M")


def _ip_host(host: str) -> str:
    """Bracketed IPv6 host, or ``""`` when ``host`` is not an IPv6 address."""
    try:
        return f"[{ipaddress.IPv6Address(host).compressed}]"
    except ValueError:
        return ""


def _decode_label(label: str) -> str:
    """Decode an ``xn--`` label to Unicode; other labels (and bad punycode) stay as they are."""
    if label[:4].lower() != "xn--" or not label.isascii():
        return label
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label
    return decoded if not decoded.isascii() else label


def _fold(label: str) -> str:
    """Lower-case and NFKC-normalise a label until it no longer changes."""
    if label.isascii():
        return label.lower()
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", label.lower())
        if folded == label:
            break
        label = folded
    return label


# --- host facts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostInfo:
    """Facts about one host name, from the bundled public suffix list.

    Examples
    --------
    >>> info = describe_host("https://someone.blogspot.com/2024/post")
    >>> info.registered_domain, info.site, info.is_platform
    ('blogspot.com', 'someone.blogspot.com', True)

    """

    host: str
    """Lower-case host (IDN labels in Unicode); ``""`` when the input had none."""
    subdomain: str
    """Labels left of the registered domain (``shop.en``)."""
    domain_label: str
    """The label under the public suffix (``buycocaineonline``)."""
    suffix: str
    """The ICANN public suffix (``info``, ``co.uk``); ``""`` if there is none."""
    registered_domain: str
    """Domain label plus suffix (``buycocaineonline.info``); ``""`` if there is no suffix."""
    site: str
    """Who controls the pages: the registered domain, but the user's own host on platforms
    (``someone.blogspot.com``) and the address itself for IP hosts."""
    is_ip: bool
    """The host is an IPv4 or IPv6 address."""
    is_platform: bool
    """The host is a user site on a shared platform (PSL private section or a known host)."""
    is_punycode: bool
    """The host has internationalised labels (written as ``xn--`` punycode on the wire)."""
    has_mixed_script: bool
    """A label mixes Latin with Cyrillic, Greek or similar look-alike letters."""
    is_valid: bool
    """The host has a real public suffix and a label under it, or is an IP address."""


@lru_cache(maxsize=65_536)
def describe_host(host_or_url: str) -> HostInfo:
    """Describe a host (or the host of a URL) with the bundled public suffix list, offline.

    Parameters
    ----------
    host_or_url
        A bare host (``www.example.co.uk``) or a URL.

    Returns
    -------
    HostInfo
        Host facts; an invalid input gives ``is_valid=False`` rather than an error.

    Examples
    --------
    >>> describe_host("news.bbc.co.uk").suffix
    'co.uk'
    >>> describe_host("203.0.113.9").site
    '203.0.113.9'

    """
    return _host_facts(host_of(host_or_url))


def host_of(host_or_url: str) -> str:
    """The host of a host or URL as :attr:`HostInfo.host` has it, without the suffix lookup.

    Examples
    --------
    >>> host_of("https://WWW.Example.ORG./path"), host_of("xn--ktamine-bya.example:8080")
    ('www.example.org', 'kétamine.example')
    """
    text = host_or_url.strip()
    if "/" in text or "?" in text or "#" in text or "@" in text:
        url = normalise_url(text)
        return _clean_host((urlsplit(url).hostname or "") if url else "")
    return _clean_host(text.rsplit(":", 1)[0] if text.count(":") == 1 else text)


@lru_cache(maxsize=65_536)
def _host_facts(host: str) -> HostInfo:
    """Describe an already cleaned host."""
    bare = host.strip("[]")
    is_ip = _is_ip(bare)
    if is_ip or not host:
        return HostInfo(
            host=host, subdomain="", domain_label="", suffix="", registered_domain="", site=host,
            is_ip=is_ip, is_platform=False, is_punycode=False, has_mixed_script=False,
            is_valid=is_ip,
        )
    icann = _EXTRACT.extract_str(host, include_psl_private_domains=False)
    registered = f"{icann.domain}.{icann.suffix}" if icann.domain and icann.suffix else ""
    site, is_platform = _site(host, registered)
    labels = host.split(".")
    return HostInfo(
        host=host,
        subdomain=icann.subdomain,
        domain_label=icann.domain,
        suffix=icann.suffix,
        registered_domain=registered,
        site=site,
        is_ip=False,
        is_platform=is_platform,
        is_punycode=not host.isascii() or any(lab.startswith("xn--") for lab in labels),
        has_mixed_script=any(_is_mixed_script(label) for label in labels),
        is_valid=bool(registered) and all(labels),
    )


def _is_ip(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _site(host: str, registered: str) -> tuple[str, bool]:
    """Return the site of a host and whether it is a platform user site."""
    private = _EXTRACT.extract_str(host)
    if private.is_private and private.domain:
        return f"{private.domain}.{private.suffix}", True
    subdomains = _platform_subdomains()
    if not host.endswith(subdomains):  # one test for most hosts, not each of ~130 roots
        return registered or host, False
    for subdomain in subdomains:
        if host.endswith(subdomain):
            user = host[: -len(subdomain)].rsplit(".", 1)[-1]
            if user != "www":
                return f"{user}{subdomain}", True
    return registered or host, False


@lru_cache(maxsize=1)
def _platform_subdomains() -> tuple[str, ...]:
    """Known platform hosts, dot first: the built-in list, then the ``platform_hosts`` lexicon."""
    try:
        extra = lexicons.load("platform_hosts")
    except ValueError:
        extra = ()
    return tuple(dict.fromkeys("." + root for root in (*_PLATFORM_HOSTS, *extra)))


def _is_mixed_script(label: str) -> bool:
    """Whether a label mixes Latin letters with look-alike scripts, or two such scripts."""
    if label.isascii():
        return False
    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in label if c.isalpha()}
    lookalikes = scripts & _CONFUSABLE_SCRIPTS
    return bool(lookalikes) and ("LATIN" in scripts or len(lookalikes) > 1)


def is_plausible_host(text: str, *, disguised: bool = False) -> bool:
    """Whether a bare-domain candidate found in text is plausibly a real host.

    The rule: the host has valid labels and a real public suffix (bundled list) whose last
    label is alphabetic, and a label under it; then it needs one more sign of being a link:
    a ``www.`` prefix, a path (``/...``), or a label of at least four characters with a
    suffix that is neither a common file extension (``.py``, ``.md``, ``.zip``...) nor a
    common short word (``.il``, ``.je``, ``.to``: ``géographiques.il`` is a missing space),
    and not written in title case after a lower-case name (``patients.It``).
    So ``Dr.med``, ``e.g``, ``U.S``, ``No.5``, ``v1.2``, ``file.txt``, ``setup.py`` are not
    hosts, while ``buycocaineonline.info``, ``www.rx.ru`` and ``t.co/abc`` are. A candidate
    whose dots were ``disguised`` (``pills[.]cc``, ``farmacia dot es``) was written as an
    address on purpose: the valid labels and real suffix are enough.

    Parameters
    ----------
    text
        A candidate such as ``buycocaineonline.info`` or ``shop.example/p/1``.
    disguised
        The writer disguised the candidate's dots, as only addresses are.

    Returns
    -------
    bool
        True when the candidate should be treated as a link.

    Examples
    --------
    >>> [is_plausible_host(t) for t in ("buycocaineonline.info", "Dr.med", "file.txt")]
    [True, False, False]
    >>> is_plausible_host("pills.cc"), is_plausible_host("pills.cc", disguised=True)
    (False, True)

    """
    head, slash, path = text.partition("/")
    written = head.split(":", 1)[0].rstrip(".")
    info = _host_facts(_clean_host(written))
    if not info.is_valid or info.is_ip or not info.suffix.rsplit(".", 1)[-1].isalpha():
        return False
    if disguised or written.lower().startswith("www.") or (slash and path):
        return True
    tld_written = written.rsplit(".", 1)[-1]
    is_title_case = tld_written[:1].isupper() and not written.isupper()
    return (
        len(info.domain_label) >= MIN_BARE_LABEL
        and info.suffix not in _FILE_EXTENSION_TLDS
        and info.suffix not in _WORD_TLDS
        and not is_title_case
    )
