"""Links written as text: plain URLs, bare domains, obfuscated forms and sales contacts.

Each block of text is de-obfuscated first (:func:`medspam.obfuscation.deobfuscate_mapped`);
matches map back to the text as written, so a link is ``"obfuscated"`` exactly when the written
form differs from the recovered one. Contacts (Telegram, WhatsApp, Wickr, Signal, Threema,
Snapchat, phone numbers) become ``tg:``, ``wa:``, ``wickr:``, ``signal:``, ``threema:``,
``snap:`` and ``tel:`` URIs; a handle readers are told to message on another or no named
platform (``DM @plug247``, ``add plug247 on Session``) becomes ``dm:``.

Examples
--------
>>> [(m.url, m.found) for m in find_text_links("Order at shop[.]example.com or Telegram @plug247")]
[('http://shop.example.com/', 'obfuscated'), ('tg:plug247', 'contact')]

"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medspam import urls
from medspam.obfuscation import BASE64_WEB, base64_address, deobfuscate_mapped

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from medspam.page import Found

__all__ = ["TextMatch", "find_text_links"]

_URL_CHARS = r"[^\s<>\"'\[\]{}|\\^`]"
_HANDLE = r"@?[A-Za-z][\w.]{2,31}"
_PHONE = r"\+?\d[\d \t().-]{6,22}\d"
# Patterns that can start at only a few characters begin with a look-ahead for them, or with
# their literal first character: the scan rejects most places by one test instead of trying
# the pattern, and finds the same matches (tests/test_properties.py checks each against its
# plain form). The text-link search of a real page went from about 2.9 ms to 2.2 ms.
_CONTACT_URL = re.compile(
    r"(?=[hwta])\b(?:https?://)?(?:www\.)?(?:(t|telegram)\.me/(?:joinchat/)?@?(\w{3,64})"
    r"|(wa)\.me/\+?(\d{7,15})"
    r"|api\.(whatsapp)\.com/send/?\?phone=\+?(\d{7,15}))",
    re.IGNORECASE,
)
_CONTACT_NAMED = re.compile(
    r"(?=[twsv])\b(telegram|tg|whats\s?app|wickr(?:\s?me)?|signal|threema|viber|snap(?:chat)?)\b"
    r"(?:[ \t]*(?:id|handle|username|user|number|no\.?|nr\.?|#))?"
    rf"([ \t]*[:=\u2013-][ \t]*|[ \t]+)({_PHONE}|{_HANDLE})",
    re.IGNORECASE,
)
_CONTACT_HANDLE_FIRST = re.compile(
    r"@(?<![\w@]@)([A-Za-z][\w.]{2,31})[ \t]*(?:\(|\b(?:on|via|at|in|over)\b)[ \t]*"
    r"(telegram|wickr(?:\s?me)?|signal|threema|snap(?:chat)?)\b",
    re.IGNORECASE,
)
_CONTACT_VERB_FIRST = re.compile(
    r"(?=[dpmah])\b(?:dm|pm|message|msg|add|hit[ \t]+up)[ \t]+(@?)([A-Za-z][\w.]{2,31})"
    r"(?:[ \t]+(?:on|via)[ \t]+(?:(?:session|snapchat|kik)[ \t]*(?:or|and|/)[ \t]*)?"
    r"(telegram|wickr(?:\s?me)?|signal|threema|session|snapchat|kik)\b)?",
    re.IGNORECASE,
)
_CONTACT_NEAR = re.compile(
    r"(?=[twsvdk])\b(telegram|whats\s?app|wickr(?:\s?me)?|signal|threema|snap(?:chat)?|session"
    r"|discord|kik)\b(?!\.\w)"
    r"[^\w@+\n/]{0,4}(?:[^\W\d_]{1,8}[^\w@+\n/]{1,4}){0,2}?"
    r"(@[A-Za-z][\w.]{2,31}|[A-Za-z]\w*(?:[._]\w|\d)[\w.]*)(?![\w.]*/)",
    re.IGNORECASE,
)
"""A platform named, up to two short words ("a", "an", "sur", "user:", an arrow), then a handle:
an ``@name``, or a bare name with a dot, an underscore or a digit in it (``fiestanorte.24``,
``mateo_rumba_med``, a Threema ID). A plain word after the platform is no handle ("Signal
strength"), nor is an address with a path."""
_WORDS_NEEDED = {
    _CONTACT_URL: (".me/", ".whatsapp.com/"),
    _CONTACT_NAMED: ("telegram", "tg", "whats", "wickr", "signal", "threema", "viber", "snap"),
    _CONTACT_VERB_FIRST: ("dm", "pm", "message", "msg", "add", "hit"),
    _CONTACT_NEAR: ("telegram", "whats", "wickr", "signal", "threema", "snap", "session",
                    "discord", "kik"),
}
"""For each case-blind contact pattern, words of which every match holds one, lower case: a
text that holds none of them (lower-cased) is not searched. Each pattern is tried at nearly
every character (about 0.25 ms a real page each); most pages name no messaging platform."""
_FOLDED_APART = "\u0130\u0131\u017f"
"""The letters a case-blind pattern matches with an ASCII letter that ``str.lower`` does not
make that letter (capital I with a dot and dotless i for ``i``, long s for ``s``; it does make
the Kelvin sign ``k``): a text with one of them is searched whatever words it holds."""
_PHONE_INTERNATIONAL = re.compile(r"(?=[+0])(?<![\w+])(?:\+|00)\d[\d \t().-]{7,22}\d(?![\w])")
_PHONE_CUED = re.compile(
    r"(?=[(\d])(?<![\w+])(?:\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}|0\d(?:[ .-]?\d){7,12})(?!\w)"
)
"""A US-style or national number (``702 555 0139``, ``06 39 98 52 08``, ``0157 3 22 81 904``):
a phone only after a calling cue (:data:`_PHONE_CUE`)."""
_PHONE_CUE = re.compile(
    r"\b(?:call|text|phone|tel|mobile|cell|sms|whats\s?app|signal|contact|order|hotline"
    r"|appel\w*|t[ée]l[ée]phone|portable|num[ée]ro|llam\w*|tel[ée]fono|m[óo]vil|celular"
    r"|anruf\w*|telefon\w*|handy|nummer)\b",
    re.IGNORECASE,
)
_SCHEME_URL = re.compile(rf"(?=h)\bhttps?://{_URL_CHARS}+", re.IGNORECASE)
_WWW_URL = re.compile(rf"(?=w)(?<![\w@./-])www\d?\.{_URL_CHARS}+", re.IGNORECASE)
_BARE = re.compile(
    rf"(?<![\w@./:-])(?:[^\W_][\w-]*\.)+[^\W\d_]{{2,63}}\.?(?::\d{{2,5}})?(?:/{_URL_CHARS}*)?(?![\w@])"
)
_BASE64 = re.compile(rf"(?<![\w+/]){BASE64_WEB}[A-Za-z0-9+/]{{10,}}={{0,2}}")
"""A run of base64 that starts as a web address does (see :func:`_base64_links`)."""
_DOUBLED_SEPARATOR = re.compile(r"[ \t().-]{3,}|--|\.\.")
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")
_TRAILING = ".,;:!?'\")]}»\u2026\u201d\u2019"
"""Punctuation that ends a sentence, not a URL written at its end: also an ellipsis ("Redirecting
to https://…/x…") and closing curly quotes."""
_CUE_WINDOW = 40
_MIN_PHONE_DIGITS = 9
_NANP_DIGITS = 10
_MAX_PHONE_DIGITS = 15
_MIN_NAME = 4
_NOT_NAMES = frozenset(
    {"the", "and", "for", "our", "you", "your", "join", "channel", "group", "contact", "only",
     "here", "link", "below", "now", "app", "messenger", "chat", "with", "this", "that",
     # App-store titles name a platform, not a handle: "Snapchat - Android App".
     "android", "ios", "iphone", "ipad", "apk", "download", "desktop", "windows", "mac", "web"}
)
_SCHEMES = {"telegram": "tg", "tg": "tg", "whatsapp": "wa", "wickr": "wickr", "wickrme": "wickr",
            "signal": "signal", "threema": "threema", "viber": "tel", "snap": "snap",
            "snapchat": "snap", "session": "session", "discord": "discord", "kik": "kik"}


@dataclass(frozen=True, slots=True)
class TextMatch:
    """One link found in a text, with its span in the text as written."""

    url: str
    """Normalised URL, or a contact URI (``tg:plug247``, ``tel:+15551234567``)."""
    raw: str
    """The link as written."""
    found: Found
    """``"text"``, ``"obfuscated"`` or ``"contact"``."""
    start: int
    """Start of the written form in the text."""
    end: int
    """End of the written form in the text."""


def find_text_links(text: str, *, max_url_chars: int = 2048) -> list[TextMatch]:
    """Find links and contacts written in ``text``.

    Parameters
    ----------
    text
        One block of page text.
    max_url_chars
        Longest URL kept; longer ones are cut by normalisation.

    Returns
    -------
    list of TextMatch
        In text order; spans never overlap.

    Examples
    --------
    >>> [m.url for m in find_text_links("See Dr.med. Smith, e.g. file.txt, or visit www.nhs.uk.")]
    ['http://www.nhs.uk/']

    """
    mapped = deobfuscate_mapped(text)

    def written(start: int, end: int) -> tuple[int, int, str]:
        raw_start, raw_end = mapped.source_span(start, end)
        return raw_start, raw_end, text[raw_start:raw_end]

    def disguised(start: int, end: int) -> bool:
        return written(start, end)[2].replace("&amp;", "&") != mapped.text[start:end]

    taken: list[tuple[int, int]] = []
    out: list[TextMatch] = []
    kinds: tuple[tuple[Callable[[str, int], Iterator[_Hit]], Found | None], ...] = (
        (_contacts, "contact"), (_phones, "contact"), (_base64_links, "obfuscated"),
        (lambda text, chars: _web_links(text, chars, disguised), None))
    for finder, kind in kinds:
        for url, start, end in finder(mapped.text, max_url_chars):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            raw_start, raw_end, raw = written(start, end)
            found: Found = kind or ("obfuscated" if disguised(start, end) else "text")
            out.append(TextMatch(url, raw, found, raw_start, raw_end))
    return sorted(out, key=lambda m: m.start)


_Hit = tuple[str, int, int]
"""A URL (or contact URI) and its span in the de-obfuscated text."""


def _contacts(text: str, _: int) -> Iterator[_Hit]:
    """Contact URLs (``t.me/...``, ``wa.me/...``) and named contacts (``Telegram: @x``)."""
    lowered = _lowered(text)
    for match in _search(_CONTACT_URL, text, lowered):
        telegram, handle, _wa, number, _api, api_number = match.groups()
        if telegram:
            yield f"tg:{handle.lower()}", match.start(), match.end()
        else:
            yield f"wa:+{number or api_number}", match.start(), match.end()
    named = itertools.chain(
        ((m, _named_contact(*m.groups())) for m in _search(_CONTACT_NAMED, text, lowered)),
        # "@plug247 on Telegram"
        ((m, _named_contact(m[2], ":", "@" + m[1])) for m in _CONTACT_HANDLE_FIRST.finditer(text)),
        # "DM @plug247", "add plug247 on Session"
        ((m, _messaged_contact(*m.groups()))
         for m in _search(_CONTACT_VERB_FIRST, text, lowered)),
        # "por Telegram a @x", "Signal fiesta.24"
        ((m, _named_contact(m[1], ":", m[2])) for m in _search(_CONTACT_NEAR, text, lowered)),
    )
    for match, uri in named:
        if uri:
            yield uri, match.start(), match.end()


def _lowered(text: str) -> str | None:
    """``text.lower()`` for the word tests of :func:`_search`; ``None`` if they cannot be trusted.

    They cannot when the text holds a letter of :data:`_FOLDED_APART`.
    """
    return None if any(char in text for char in _FOLDED_APART) else text.lower()


def _search(
    pattern: re.Pattern[str], text: str, lowered: str | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, or nothing when ``lowered`` holds none of its needed words.

    ``lowered`` is :func:`_lowered` of ``text``.
    """
    if lowered is not None and not any(word in lowered for word in _WORDS_NEEDED[pattern]):
        return iter(())
    return pattern.finditer(text)


def _messaged_contact(at: str, handle: str, keyword: str | None) -> str:
    """Return the URI of a handle someone is told to message, or ``""`` when unclear.

    An ``@handle`` needs no platform (``dm:``); a bare name needs one (``add plug on Session``).
    """
    if not at and not keyword:
        return ""
    name = handle.rstrip(".").lower()
    if len(name) < _MIN_NAME or name in _NOT_NAMES:
        return ""
    scheme = _SCHEMES.get(re.sub(r"\s|me$", "", (keyword or "").lower()), "dm")
    return f"{scheme}:{name}"


def _named_contact(keyword: str, separator: str, value: str) -> str:
    """Return the URI of a named contact, or ``""`` when the value does not look like one."""
    scheme = _SCHEMES.get(re.sub(r"\s|me$", "", keyword.lower()), "tel")
    digits = re.sub(r"\D", "", value)
    if value[:1].isdigit() or value.startswith("+"):
        if not _MIN_PHONE_DIGITS - 2 <= len(digits) <= _MAX_PHONE_DIGITS:
            return ""
        return f"{scheme if scheme in {'wa', 'signal'} else 'tel'}:+{digits}"
    name = value.lstrip("@").rstrip(".").lower()
    # A name without "@" is a handle only after a colon or a spaced dash ("Telegram: plug",
    # "Telegram - plug"); a bare hyphen joins a word ("Telegram-Kanal", "Telegram-Shop").
    names_a_handle = value.startswith("@") or ":" in separator or (
        "-" in separator and separator != "-")
    if scheme in {"wa", "tel"} or not names_a_handle:
        return ""
    if len(name) < _MIN_NAME or name in _NOT_NAMES:
        return ""
    return f"{scheme}:{name}"


def _phones(text: str, _: int) -> Iterator[_Hit]:
    """Phone numbers: international (``+`` or ``00``), or US-style after a calling cue."""
    for match in _PHONE_INTERNATIONAL.finditer(text):
        number = match.group()
        digits = re.sub(r"\D", "", number)
        if number.startswith("00"):
            digits = digits[2:]
            if digits.startswith("0"):
                continue
        if _is_phone_shape(number, digits):
            yield f"tel:+{digits}", match.start(), match.end()
    for match in _PHONE_CUED.finditer(text):
        cue_zone = text[max(0, match.start() - _CUE_WINDOW) : match.start()]
        number = match.group()
        digits = re.sub(r"\D", "", number)
        if _PHONE_CUE.search(cue_zone) and _is_phone_shape(number, digits) and (
                _is_nanp_number(digits) or any(c in number for c in "(.-")):
            yield "tel:" + digits, match.start(), match.end()


def _is_nanp_number(digits: str) -> bool:
    """Whether ten digits (or a national number from 0) can be one telephone number.

    Written with spaces alone, digit groups are often counts ("order 100 500 1000 tablets"); a
    North American area code and exchange begin with 2 to 9 (``702 555 0139``).
    """
    return digits.startswith("0") or (
        len(digits) == _NANP_DIGITS and digits[0] not in "01" and digits[3] not in "01")


def _is_phone_shape(number: str, digits: str) -> bool:
    """Whether a digit run is shaped like one phone number (not a list or a date)."""
    return (
        _MIN_PHONE_DIGITS <= len(digits) <= _MAX_PHONE_DIGITS
        and _DOUBLED_SEPARATOR.search(number) is None
        and _DATE.search(number) is None
    )


def _base64_links(text: str, max_url_chars: int) -> Iterator[_Hit]:
    """Web addresses written in base64 (``aHR0cHM6Ly9…``), for readers to paste into a decoder."""
    if BASE64_WEB not in text:
        return
    for match in _BASE64.finditer(text):
        address = base64_address(match.group())
        url = urls.normalise_url(address, max_chars=max_url_chars) if address else ""
        if url:
            yield url, match.start(), match.end()


def _web_links(
    text: str, max_url_chars: int, disguised: Callable[[int, int], bool] | None = None,
) -> Iterator[_Hit]:
    """URLs with a scheme, ``www.`` URLs, and plausible bare domains.

    ``disguised(start, end)`` tells whether the span was written with disguised dots
    (``pills[.]cc``): such a bare domain is taken on any real suffix, even one that is a file
    extension or a short word when written plainly (``main.cc``, ``ir a.es``).
    """
    finders: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
        (_SCHEME_URL, _always),
        (_WWW_URL, _always),
        (_BARE, urls.is_plausible_host),
    )
    if "." not in text:
        return
    for pattern, accept in finders:
        for match in pattern.finditer(text):
            written = _trim(match.group())
            start, end = match.start(), match.start() + len(written)
            if not accept(written) and not (
                    pattern is _BARE and disguised is not None and disguised(start, end)
                    and urls.is_plausible_host(written, disguised=True)):
                continue
            url = urls.normalise_url(written, max_chars=max_url_chars)
            if url:
                yield url, start, end


def _always(_: str) -> bool:
    """Accept every candidate."""
    return True


def _trim(candidate: str) -> str:
    """Drop trailing punctuation that ends the sentence, keeping balanced brackets."""
    while candidate and candidate[-1] in _TRAILING:
        last = candidate[-1]
        if last == ")" and candidate.count("(") >= candidate.count(")"):
            break
        candidate = candidate[:-1]
    return candidate
