"""Property tests that complement test_urls.py and test_extract.py.

Those files already check that arbitrary bytes/str never break ``extract_page``, that
``normalise_url`` never raises and is idempotent on arbitrary text, and that ``[.]``-style
dots around a ``.com`` label are undone. Here: the whole classifier on arbitrary input,
idempotence on realistic generated URLs (Unicode hosts, ports, bases), recovery of generated
multi-label domains from every obfuscation form, page data (JSON and broken JSON) read without
raising, and the exactness of the fast paths (the
fast lexicon pattern and the dynamic-programming word segmenter must give the very same
results as the slow originals, or scores would change).
"""

from __future__ import annotations

import re
import string
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medspam
from medspam import lexicons, lookalikes, urls, wordsplit
from medspam.extract import extract_page
from medspam.extract.redirectors import destination
from medspam.features import linkparts

LABEL = st.from_regex(r"[a-z][a-z0-9]{3,11}", fullmatch=True)
SUFFIX = st.sampled_from(["com", "net", "org", "info", "ru", "co.uk", "de", "shop", "com.br"])
# Characters the regex engine case-folds specially (long s, Kelvin sign, dotless i, micro
# sign, sharp s, sigmas), accents, invisibles and separators.
ODD = ("\u017f\u212a\u0131\u0130\u00b5\u03bc\u00df\u1e9e\u03a3\u03c3\u03c2\u00c9\u00e9\u00dc"
       "\u00fc\u00d1\u00f1\u00ad\u200b\u200c\u2060\u00a0\n\t -._/'\u20190123")
TERMS = sorted({t for name in ("drugs", "commerce", "medical", "no_prescription")
                for t in lexicons.load(name)})


@st.composite
def domains(draw: st.DrawFn) -> str:
    """A registrable domain, sometimes with a sub-domain: ``shop.pillsdirect.co.uk``."""
    labels = draw(st.lists(LABEL, min_size=1, max_size=2))
    return ".".join([*labels, draw(SUFFIX)])


@st.composite
def web_urls(draw: st.DrawFn) -> str:
    """A realistic web URL: any case, Unicode or punycode host, port, path, query, fragment."""
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTtPs"]))
    host = draw(st.one_of(domains(), st.sampled_from(
        ["xn--80ak6aa92e.com", "пример.рф", "Bücher.example", "EXAMPLE.COM", "127.0.0.1",
         "[::1]"])))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = draw(st.text(alphabet=string.ascii_letters + string.digits + "/-._~%é ", max_size=30))
    query = draw(st.sampled_from(["", "?a=1&b=2", "?q=ketamine+buy", "?"]))
    fragment = draw(st.sampled_from(["", "#top", "#"]))
    return f"{scheme}://{host}{port}/{path}{query}{fragment}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)),
       st.one_of(st.none(), st.text(max_size=80), web_urls()))
def test_classify_never_raises(data: str | bytes, url: str | None) -> None:
    verdict = _classifier().classify(data, url)
    assert 0.0 <= verdict.score <= 1.0
    assert verdict.category in {"clean", "drug-sales", "medical-drug-sales"}


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), web_urls()), st.one_of(st.none(), web_urls()),
       st.sampled_from(["", "<p>Moved</p>", b"\x00\xff" * 8]))
def test_any_location_is_read_without_raising(location: str, url: str | None,
                                              body: str | bytes) -> None:
    """Where an HTTP response redirects is a crawl's header: any text at all."""
    page = extract_page(body, url, location=location)
    automatic = [link for link in page.links if link.is_automatic]
    assert len(automatic) <= 1
    assert all(link.found == "redirect" and link.position == 0.0 for link in automatic)


SCRIPT_TOKENS = (
    "document.write(", "location = ", "a.href = ", "$('#x').append(", "eval(", "atob(",
    "unescape(", "String.fromCharCode(104,116,116,112,115,58,47,47)", "var a = ", "var b = ",
    "a", "b", "[", "]", ",", "(", ")", "+", ";", "'", '"', "`", "\\", "'<a href=\"//x.io\">'",
    "'https://s.example/'", "'ptth'", "'aHR0cHM6Ly94LmlvLw=='", ".split('')", ".split(',')",
    ".reverse()", ".join('')", ".join()", " ", "\n",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SCRIPT_TOKENS), max_size=60))
def test_reading_any_script_never_raises_and_stays_bounded(tokens: list[str]) -> None:
    """Scripts built from the expression reader's own pieces, in any order and nesting."""
    from medspam.extract.scripts import MAX_MARKUP_CHARS, read_script  # noqa: PLC0415

    effects = read_script("".join(tokens))
    assert len(effects.markup) <= MAX_MARKUP_CHARS
    assert all(isinstance(url, str) for url in effects.urls)


JSON_TOKENS = ["{", "}", "[", "]", ",", ":", '"', "\\", '\\"', "\\u003c", "\\u003e", "\\u00",
               '"url"', '"name"', '"offers"', '"image"', '"@graph"', '"description"',
               '"https://shop.example/x"', '"/rel"', '"<a href=\\"https://s.example/\\">x</a>"',
               '"<p>"', '"a < b"', "null", "1e999", "true", " ", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(JSON_TOKENS), max_size=80).map("".join))
def test_reading_any_page_data_never_raises(data: str) -> None:
    """JSON and broken JSON from the pieces the metadata reader looks for, in any order."""
    from medspam.extract.metadata import data_markup, structured_data  # noqa: PLC0415

    assert all(isinstance(d.text, str) and d.addresses for d in structured_data(data, 10_000))
    assert isinstance(data_markup(data), str)
    page = extract_page(f'<script type="application/ld+json">{data}</script>'
                        f'<script type="application/json">{data}</script>', "https://a.example/")
    assert all(link.url.startswith(("http://", "https://", "tel:", "tg:", "wa:"))
               for link in page.links)


@settings(max_examples=200, deadline=None)
@given(web_urls(), st.one_of(st.none(), web_urls()))
def test_normalise_url_is_idempotent_on_generated_urls(raw: str, base: str | None) -> None:
    url = urls.normalise_url(raw, base)
    if url is not None:
        assert urls.normalise_url(url) == url
        assert urls.normalise_url(url, base) == url


@settings(max_examples=60, deadline=None)
@given(web_urls(), st.text(max_size=80), st.sampled_from(["q", "u", "url", "to", "redirect"]),
       st.booleans())
def test_a_redirector_passes_on_what_its_query_carries_and_never_raises(
        target: str, junk: str, name: str, quoted: bool) -> None:
    """Any query is read without raising; a web address it carries, quoted or not, is found.

    Written unquoted, an address with ``&``, ``#`` or ``+`` is not whole in a query (they end
    the parameter, begin the fragment, stand for a space), and one with ``%`` may be decoded
    once more; quoted, only ``%`` is ambiguous, since a second decoding is the rule.
    """
    found = destination(f"https://go.example/?{name}={junk}")
    assert found is None or found.lower().startswith(("http://", "https://"))
    carried = urllib.parse.quote(target, safe="") if quoted else target
    host = urllib.parse.urlsplit(target).hostname
    ambiguous = "%" if quoted else "&#+%"
    if host and not set(ambiguous) & set(target):
        found = destination(f"https://go.example/out?x=1&{name}={carried}")
        assert found is not None
        assert urllib.parse.urlsplit(found).hostname == host


OBFUSCATIONS = {
    "hxxps": lambda d: f"hxxps://{d}/shop",
    "h**p": lambda d: f"h**p://{d}/shop",
    "spaced-scheme": lambda d: f"h t t p s : / / {d}/shop",
    "bracket-dots": lambda d: d.replace(".", "[.]"),
    "paren-dots": lambda d: d.replace(".", "(.)"),
    "dot-word": lambda d: d.replace(".", "[dot]"),
    "zero-width": "\u200b".join,
    "soft-hyphens": lambda d: d.replace(".", "\u00ad.\u00ad"),
    "fullwidth": lambda d: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in d),
    "entities": lambda d: d.replace(".", "&#46;"),
}


@settings(max_examples=60, deadline=None)
@given(domains(), st.sampled_from(sorted(OBFUSCATIONS)))
def test_deobfuscation_recovers_generated_domains(domain: str, how: str) -> None:
    written = OBFUSCATIONS[how](domain)
    assert domain in urls.deobfuscate(f"order at {written} today")
    page = extract_page(f"<p>Order at {written} today, discreet shipping.</p>")
    hosts = {link.host for link in page.links}
    assert domain in hosts, (written, hosts)


@st.composite
def lexicon_texts(draw: st.DrawFn) -> str:
    """Text made of lexicon terms in random case and spacing, glued by odd characters."""
    parts = []
    for term in draw(st.lists(st.sampled_from(TERMS), max_size=8)):
        flips = draw(st.lists(st.booleans(), min_size=len(term), max_size=len(term)))
        cased = "".join(c.upper() if f else c for c, f in zip(term, flips, strict=True))
        space = draw(st.sampled_from([" ", "  ", "\n", "\u00a0", "\u200b", "\t "]))
        parts.append(cased.replace(" ", space))
        parts.append(draw(st.text(alphabet=ODD, max_size=3)))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.one_of(lexicon_texts(), st.text(alphabet=ODD + "abcdefghiklmnorstuxyz", max_size=80)))
def test_fast_lexicon_matching_is_exactly_the_regex(text: str) -> None:
    for name in ("drugs", "commerce", "medical", "no_prescription", "shop_path_words"):
        slow = [(m.start(), m.end(), lexicons.normalise_term(m.group()))
                for m in lexicons.compile_terms(name).finditer(text)]
        assert list(lexicons.find_spans(name, text)) == slow


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.from_regex(r"[a-z0-9]{4,64}", fullmatch=True),
    st.lists(st.sampled_from(["buy", "cheap", "oxy", "pharma", "direct", "online", "ketamine",
                              "the", "in", "a", "shop", "rx", "meds", "24", "store", "now"]),
             min_size=1, max_size=10).map("".join),
))
def test_word_segmentation_is_exactly_wordsegment(token: str) -> None:
    tables = wordsplit._tables()  # noqa: SLF001 - the reference is the segmenter itself
    assert wordsplit._segment(tables, token) == tables.segmenter.segment(token)  # noqa: SLF001


def _path_words_list() -> list[str]:
    return sorted(linkparts._path_words_inside())  # noqa: SLF001


@given(st.one_of(
    st.from_regex(r"[a-z0-9]{1,40}", fullmatch=True),
    st.lists(st.sampled_from([*_path_words_list()[::7], "x", "9", "buy", "now", "sin"]),
             min_size=1, max_size=6).map("".join),
))
def test_path_word_pattern_finds_exactly_the_hidden_words(token: str) -> None:
    words = linkparts._path_words_inside()  # noqa: SLF001
    n = len(token)
    hidden = any(token[i:j] in words for i in range(n) for j in range(i + 1, n + 1))
    assert (linkparts._path_word_pattern().search(token) is not None) == hidden  # noqa: SLF001


# Letters, leet digits and symbols, homoglyphs, accents, non-ASCII punctuation, separators.
UNMASK_CHARS = ("axnoe0134@$._-' \n\u0430\u043e\u03bf\u00e9\u2019\u2014\u00a0\u200b\u00b5"
                "29_\u00e4\u00b2")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=UNMASK_CHARS, max_size=40))
def test_suspect_words_are_found_exactly_as_the_original_pattern(text: str) -> None:
    def spans(pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        return [m.span() for m in pattern.finditer(text)]

    assert spans(lookalikes._SUSPECT_WORD) == spans(lookalikes._SUSPECT)  # noqa: SLF001


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=UNMASK_CHARS + "\t", max_size=60))
def test_unmask_visits_every_word_it_would_change(text: str) -> None:
    every_word = lookalikes._SUSPECT.sub(lookalikes._unmask_word, text)  # noqa: SLF001
    assert lookalikes.unmask(text) == every_word


_CLASSIFIER: list[medspam.Classifier] = []


def _classifier() -> medspam.Classifier:
    """The shipped classifier, loaded once for the property tests (fixtures do not mix
    with ``@given``)."""
    if not _CLASSIFIER:
        _CLASSIFIER.append(medspam.Classifier.load())
    return _CLASSIFIER[0]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n\t\u00a0\u2003.", max_size=60), st.integers(0, 12))
def test_page_text_keeps_the_first_and_last_words(text: str, max_words: int) -> None:
    from medspam.features.scored import head_and_tail  # noqa: PLC0415

    words = list(re.finditer(r"\S+", text))
    tail_words = max_words // 5
    expected = text
    if len(words) > max_words:  # the cut counted word by word
        expected = text[: words[max_words - tail_words].start()].rstrip()
        if tail_words:
            expected += "\n" + text[words[-tail_words].start():]
    assert head_and_tail(text, max_words) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abÄk. -\t\n\u00a0\u2003", max_size=30), st.integers(1, 4),
       st.integers(0, 3))
def test_char_ngrams_are_scikit_learns(text: str, min_n: int, extra: int) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

    from medspam.features.scorer import _char_wb_ngrams  # noqa: PLC0415

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(min_n, min_n + extra))
    assert _char_wb_ngrams(min_n, min_n + extra, text) == vectorizer.build_analyzer()(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["bitcoin", "BTC", "Crypto", "usdt", "monero", "XMR", "ethereum",
                                 "litecoin", "bit", "s", "_", " ", ".", "é", "\u017f", "K"]),
                max_size=12).map("".join))
def test_crypto_pattern_finds_what_the_plain_alternation_finds(text: str) -> None:
    from medspam.features.textcues import _CRYPTO  # noqa: PLC0415

    plain = re.compile(r"\b(?:bitcoin|btc|crypto|usdt|monero|xmr|ethereum|litecoin)\b",
                       re.IGNORECASE)
    assert _CRYPTO.findall(text) == plain.findall(text)


TEXT_LINK_FRAGMENTS = ["Telegram", "tg", "whats app", "WhatsApp", "wickr me", "Signal", "threema",
                       "viber", "t.me/", "wa.me/", "api.whatsapp.com/send?phone=", "https://",
                       "HTTP://", "www.", "WWW2.", "dm", "PM", "message", "add", "hit up", " on ",
                       " via ", "(", ")", "@", "+", "00", "555", "123", "4567", "-", ".", ":",
                       " ", "\t", "/", "id", "plug247", "shop", "_", "é", "\u017f", "\u212a",
                       "Session", "discord", "KIK", "snap", "sms", "au ", "a ", "\U0001f449", "0",
                       "06 39 ", "fiesta.24"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(TEXT_LINK_FRAGMENTS), max_size=14).map("".join))
def test_text_link_patterns_match_exactly_their_plain_forms(text: str) -> None:
    from medspam.extract import textlinks  # noqa: PLC0415

    lead = re.compile(r"\(\?=(?:\[[^\]]*\]|\w)\)")  # the look-ahead for first characters
    handle_first = re.compile(
        r"(?<![\w@])@([A-Za-z][\w.]{2,31})[ \t]*(?:\(|\b(?:on|via|at|in|over)\b)[ \t]*"
        r"(telegram|wickr(?:\s?me)?|signal|threema)\b", re.IGNORECASE)
    for name in ("_CONTACT_URL", "_CONTACT_NAMED", "_CONTACT_VERB_FIRST", "_CONTACT_NEAR",
                 "_PHONE_INTERNATIONAL", "_PHONE_CUED", "_SCHEME_URL", "_WWW_URL",
                 "_CONTACT_HANDLE_FIRST"):
        fast = getattr(textlinks, name)
        plain = (handle_first if name == "_CONTACT_HANDLE_FIRST" else
                 re.compile(lead.sub("", fast.pattern, count=1), fast.flags))
        assert plain.pattern != fast.pattern
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(text)], name


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*TEXT_LINK_FRAGMENTS, "\u0131", "\u0130", "S\u0130GNAL",
                                 "s\u0131gnal", "\u017fnap", "\u212aik", "sess\u0131on",
                                 "t.ME/", ".Me/"]), max_size=14).map("".join))
def test_contact_word_tests_never_skip_a_match(text: str) -> None:
    from medspam.extract import textlinks  # noqa: PLC0415

    lowered = textlinks._lowered(text)  # noqa: SLF001
    for pattern in textlinks._WORDS_NEEDED:  # noqa: SLF001
        found = [(m.span(), m.groups()) for m in textlinks._search(pattern, text, lowered)]  # noqa: SLF001
        assert found == [(m.span(), m.groups()) for m in pattern.finditer(text)], pattern.pattern


def test_only_the_letters_folded_apart_match_ascii_letters_that_lower_does_not_make() -> None:
    from medspam.extract import textlinks  # noqa: PLC0415

    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    apart = {char for letter in string.ascii_lowercase
             for char in re.findall(letter, everything, re.IGNORECASE)
             if char.lower() != letter}
    assert apart == set(textlinks._FOLDED_APART)  # noqa: SLF001


DEOBFUSCATION_FRAGMENTS = ["[", "(", "{", "<", "]", ")", "}", ">", ".", "dot", "DOT", "Punto",
                           "pUnKt", "point", "ponto", "\u017f", "\u212a", " ", "\t", "shop", "com",
                           "h", "H", "t", "T", "x", "*", "p", "s", ":", "/", "hxxp", "HTTPS",
                           "[:]", "(:)", "[://]", "\u00e9", "_", "0"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(DEOBFUSCATION_FRAGMENTS), max_size=16).map("".join))
def test_deobfuscation_quick_tests_never_skip_a_match(text: str) -> None:
    from medspam import obfuscation  # noqa: PLC0415

    if obfuscation._SCHEME.search(text):  # noqa: SLF001
        assert obfuscation._SCHEME_COLON.search(text)  # noqa: SLF001
    if obfuscation._BRACKET_DOT.search(text):  # noqa: SLF001
        assert obfuscation._BRACKETED_QUICK.search(text)  # noqa: SLF001


URL_FRAGMENTS = ["http", "https", "HTTP", "://", "//", "shop", "b-c", "xn--80ak6aa92e", "-", ".",
                 "com", "/", "?", "#", "\\", "\t", "\n", "\r", "%2F", "\u00e9", " ", "@", ":",
                 "80", "[", "]", "&", "=", '"', "<", "`", "\x00", "\x7f", "\u200b", "_", "A"]


@settings(max_examples=2000, deadline=None)
@given(st.one_of(web_urls(), st.lists(st.sampled_from(URL_FRAGMENTS), max_size=16).map("".join),
                 st.tuples(st.sampled_from(["http://shop.example", "https://xn--80ak6aa92e.com",
                                            "http://a.b-c.co.uk/", "https://t.co?"]),
                           st.lists(st.sampled_from(URL_FRAGMENTS), max_size=8)).map(
                     lambda start_parts: start_parts[0] + "".join(start_parts[1]))))
def test_plain_urls_are_read_as_urlsplit_reads_them(text: str) -> None:
    assert urls._absolute(text) == urls._absolute_split(text)  # noqa: SLF001
