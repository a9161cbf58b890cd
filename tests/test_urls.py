"""Tests for medspam.urls: de-obfuscation, normalisation, host facts, word splitting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medspam import urls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hxxps://shop.example.com/buy", "https://shop.example.com/buy"),
        ("hXXp://shop.example.com", "http://shop.example.com"),
        ("h t t p s : / / shop.example.com", "https://shop.example.com"),
        ("http[:]//shop.example.com", "http://shop.example.com"),
        ("shop[.]example[.]com", "shop.example.com"),
        ("shop(.)example{.}com", "shop.example.com"),
        ("shop[dot]example(dot)com", "shop.example.com"),
        ("buycocaineonline dot info", "buycocaineonline.info"),
        ("alprazolam dot to/es/comprar", "alprazolam.to/es/comprar"),
        ("oxyhub dot co dot uk", "oxyhub.co.uk"),
        ("farmacia-rx dot com dot mx/tramadol", "farmacia-rx.com.mx/tramadol"),
        ("pills&#46;example&period;com", "pills.example.com"),
        ("pil\u200bls.exa\u00admple.co\ufeffm", "pills.example.com"),
        ("\uff50\uff49\uff4c\uff4c\uff53\uff0e\uff43\uff4f\uff4d", "pills.com"),
        ("pills\u3002com", "pills.com"),
        ("visita rivopharma punto com hoy", "visita rivopharma.com hoy"),
        ("bei ghb-shop Punkt de bestellen", "bei ghb-shop.de bestellen"),
        ("sur aubepine point fr", "sur aubepine.fr"),
        ("em farmaciaja ponto net", "em farmaciaja.net"),
        ("Ritalin bei concentra punkt ch bestellen", "Ritalin bei concentra.ch bestellen"),
        ("rivopharma (punto) com", "rivopharma.com"),
        ("r i v o p h a r m a punto com", "rivopharma.com"),
        ("g h b - s h o p (punkt) c o m", "ghb-shop.com"),
        ("see s h o p . c o m now", "see shop.com now"),
    ],
    ids=["hxxps", "hXXp", "spaced-scheme", "bracket-colon", "bracket-dot", "paren-brace-dot",
         "bracket-word-dot", "spoken-dot", "spoken-dot-any-tld-with-path",
         "spoken-dots-second-level", "spoken-dots-second-level-path", "entities",
         "zero-width", "full-width", "ideographic-dot", "punto", "punkt", "point", "ponto",
         "punkt-country",
         "bracket-punto", "spelled-punto", "spelled-bracket-punkt-spelled-tld", "spelled-dot"],
)
def test_deobfuscate_recovers_links(text: str, expected: str) -> None:
    assert urls.deobfuscate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Connect each dot to the next one.",
        "The dot com bubble burst in 2000.",
        "Mark the dot co dot uk way.",  # the name's first label is too short
        "Take one tablet (or two) [see label] {daily}.",
        "Dr.med. Anna Weber, e.g. in Jan. 2024",
        "Visit https://www.nhs.uk/ for advice.",
        "desde este punto de vista",
        "entre point de départ et arrivée",
        "um ponto de vista",
        "Dieser Punkt ist wichtig.",
        "Put a tiny dot at the centre, then dot it with butter; este punto es claro.",
        "la ley punto org",  # the first label is too short
        "Options a b c d and e.",
    ],
    ids=["dot-to", "dot-com-bubble", "short-first-label", "brackets", "abbreviations",
         "plain-url", "punto-de", "point-de", "ponto-de", "punkt-prose", "dot-at-it-es",
         "punto-short-label",
         "single-letters"],
)
def test_deobfuscate_leaves_prose_alone(text: str) -> None:
    assert urls.deobfuscate(text) == text


def test_deobfuscate_maps_back_to_written_text() -> None:
    text = "see shop[.]example[.]com now"
    mapped = urls.deobfuscate_mapped(text)
    start = mapped.text.index("shop")
    end = start + len("shop.example.com")
    raw_start, raw_end = mapped.source_span(start, end)
    assert text[raw_start:raw_end] == "shop[.]example[.]com"


@pytest.mark.parametrize(
    ("raw", "base", "expected"),
    [
        ("buycocaineonline.info", None, "http://buycocaineonline.info/"),
        ("HTTPS://Example.COM:443/a?b=1#frag", None, "https://example.com/a?b=1"),
        ("http://example.com:8080/x", None, "http://example.com:8080/x"),
        ("/shop/item", "https://blog.example.org/post/1", "https://blog.example.org/shop/item"),
        ("../b", "https://example.org/a/c/d", "https://example.org/a/b"),
        ("//cdn.example.net/x", None, "http://cdn.example.net/x"),
        ("http://user:secret@evil.example/", None, "http://evil.example/"),
        ("http://xn--pypal-4ve.com/login", None, "http://p\u0430ypal.com/login"),
        ("http://[2001:db8::1]:80/", None, "http://[2001:db8::1]/"),
        ("  https://example.com/a b  ", None, "https://example.com/a%20b"),
        ("http:\\\\evil.example\\path", None, "http://evil.example/path"),
    ],
    ids=["bare-domain", "case-port-fragment", "odd-port", "relative", "dot-segments",
         "scheme-relative", "userinfo", "punycode", "ipv6", "spaces", "backslashes"],
)
def test_normalise_url(raw: str, base: str | None, expected: str) -> None:
    assert urls.normalise_url(raw, base) == expected
    assert urls.normalise_url(expected) == expected


@pytest.mark.parametrize(
    "raw",
    ["javascript:alert(1)", "mailto:a@example.com", "data:text/html,hi", "tel:+15551234567",
     "", "   ", "#top", "/relative/only", "index.html", "http://", "http://exa mple.com/",
     "http://[::1", "http://example.com:99999/"],
)
def test_normalise_url_rejects_non_web(raw: str) -> None:
    assert urls.normalise_url(raw) is None


def test_normalise_url_cuts_long_urls() -> None:
    url = urls.normalise_url("https://example.com/" + "a" * 5000, max_chars=100)
    assert url is not None
    assert len(url) == 100
    assert urls.normalise_url(url, max_chars=100) == url


@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=60)))
def test_normalise_url_never_raises_and_is_idempotent(raw: str, base: str | None) -> None:
    url = urls.normalise_url(raw, base)
    if url is not None:
        assert urls.normalise_url(url) == url


URL_LIKE = r"(https?://)?[a-zA-Z0-9\u0430-\u044f.-]{1,30}(/[ -~]{0,20})?"


@given(st.from_regex(URL_LIKE, fullmatch=True))
def test_normalise_url_is_idempotent_on_url_like_text(raw: str) -> None:
    url = urls.normalise_url(raw)
    if url is not None:
        assert urls.normalise_url(url) == url


@given(st.text(max_size=200))
def test_deobfuscate_and_describe_host_never_raise(text: str) -> None:
    urls.deobfuscate(text)
    urls.describe_host(text)
    urls.is_plausible_host(text)


@given(st.sampled_from(["[.]", "(.)", "{.}", "[dot]", " dot "]),
       st.from_regex(r"[a-z]{4,12}", fullmatch=True))
def test_deobfuscation_recovers_the_domain(dot: str, label: str) -> None:
    assert urls.deobfuscate(f"visit {label}{dot}com now") == f"visit {label}.com now"


@pytest.mark.parametrize(
    ("host", "site", "suffix", "registered"),
    [
        ("shop.buycocaineonline.info", "buycocaineonline.info", "info", "buycocaineonline.info"),
        ("news.bbc.co.uk", "bbc.co.uk", "co.uk", "bbc.co.uk"),
        ("someone.blogspot.com", "someone.blogspot.com", "com", "blogspot.com"),
        ("www.someone.blogspot.com", "someone.blogspot.com", "com", "blogspot.com"),
        ("pills.github.io", "pills.github.io", "io", "github.io"),
        ("cheapmeds.wordpress.com", "cheapmeds.wordpress.com", "com", "wordpress.com"),
        ("https://rx.tumblr.com/post/1", "rx.tumblr.com", "com", "tumblr.com"),
        ("203.0.113.9", "203.0.113.9", "", ""),
    ],
    ids=["subdomain", "co-uk", "blogspot", "blogspot-www", "github-io", "wordpress", "tumblr-url",
         "ip"],
)
def test_describe_host_site(host: str, site: str, suffix: str, registered: str) -> None:
    info = urls.describe_host(host)
    assert (info.site, info.suffix, info.registered_domain) == (site, suffix, registered)


def test_describe_host_flags() -> None:
    blog = urls.describe_host("someone.blogspot.com")
    assert blog.is_platform
    assert blog.is_valid
    ip = urls.describe_host("http://203.0.113.9/x")
    assert ip.is_ip
    assert ip.is_valid
    plain = urls.describe_host("buycocaineonline.info")
    assert plain.domain_label == "buycocaineonline"
    assert not plain.is_platform
    assert not plain.is_punycode
    assert not plain.has_mixed_script
    assert not urls.describe_host("localhost").is_valid
    assert not urls.describe_host("file.txt").is_valid


def test_describe_host_punycode_and_mixed_script() -> None:
    lookalike = urls.describe_host("xn--pypal-4ve.com")
    assert lookalike.host == "p\u0430ypal.com"
    assert lookalike.is_punycode
    assert lookalike.has_mixed_script
    german = urls.describe_host("xn--mnchen-3ya.de")
    assert german.host == "m\u00fcnchen.de"
    assert german.is_punycode
    assert not german.has_mixed_script


def test_describe_host_works_offline() -> None:
    # conftest makes every socket connect fail: the bundled suffix list must be enough.
    assert urls.describe_host("pharmacy.example.co.uk").suffix == "co.uk"


@pytest.mark.parametrize(
    "text",
    ["buycocaineonline.info", "www.rx.ru", "t.co/abc123", "pills.example.com/buy",
     "WWW.EXAMPLE.COM"],
)
def test_plausible_hosts(text: str) -> None:
    assert urls.is_plausible_host(text)


@pytest.mark.parametrize(
    "text",
    ["Dr.med", "e.g", "i.e", "U.S", "No.5", "file.txt", "image.png", "index.html", "v1.2",
     "setup.py", "README.md", "notes.zip", "patients.It", "abc.com", "1.2.3.4"],
)
def test_implausible_hosts(text: str) -> None:
    assert not urls.is_plausible_host(text)


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("buycocaineonline", ["buy", "cocaine", "online"]),
        ("oxypharmadirect", ["oxy", "pharma", "direct"]),
        ("cheapxanaxnorx", ["cheap", "xanax", "no", "rx"]),
        ("ketamine-s-isomer", ["ketamine", "s", "isomer"]),
        ("BuyKetamine", ["buy", "ketamine"]),
        ("rx", ["rx"]),
        ("cocaína", ["cocaína"]),
    ],
)
def test_split_words(token: str, words: list[str]) -> None:
    assert urls.split_words(token) == words


def test_register_vocabulary_teaches_new_words() -> None:
    urls.register_vocabulary(["qzxlorphine"])
    assert urls.split_words("buyqzxlorphine") == ["buy", "qzxlorphine"]
