"""Sales injections: how a positive page carries its drug-sales links, phrases and contacts."""

from __future__ import annotations

import html
import random
import re

from medspam.corpus.carriers import carry
from medspam.corpus.compose import (
    SHORTENERS,
    Injection,
    Material,
    anchors_html,
    sale_page_url,
    shop_url,
)


def _obfuscate(rng: random.Random, url: str) -> str:
    """Write ``url`` the way spammers dodge link filters."""
    style = rng.randrange(4)
    if style == 0:
        return url.replace("https://", "hxxps://").replace(".", "[.]", 1)
    if style == 1:
        return url.replace("https://", "").replace(".", " dot ", 1)
    if style == 2:  # noqa: PLR2004
        return url.replace("https://", "").replace(".", "(.)", 1)
    return url.replace("https://", "h t t p s : / / ").replace(".", "[.]")


_TRADE_WORDS = ("plug", "meds", "rx", "pharma", "vendor", "shop", "direct", "store", "supply")
_NAME_WORDS = ("luna", "kiki", "max", "lena", "nico", "jay", "mia", "kai", "sam", "leo", "noa",
               "sunny", "chill", "blue", "green", "north", "south", "city", "coast", "night",
               "happy", "lucky", "real", "mister", "doc", "candy", "cloud", "relax", "easy",
               "fast", "silver", "gold", "party", "vibes", "dream", "calm", "study", "gym")
_PHONES = {
    "en": ("+1 ({a}) {b}-{d}", "{a}-{b}-{d}", "+44 7{c} {e}", "07{c} {e}", "+61 4{n} {b} {b}"),
    "es": ("+34 6{n} {b} {b}", "6{n} {b} {b}", "+52 55 {d} {d}", "+57 3{n} {b} {d}",
           "+54 9 11 {d}-{d}"),
    "fr": ("+33 6 {p} {p} {p} {p}", "06 {p} {p} {p} {p}", "07 {p} {p} {p} {p}",
           "+32 4{n} {p} {p} {p}", "+41 7{x} {b} {p} {p}"),
    "de": ("+49 1{n} {e}{x}", "01{n} {e}{x}", "0176 {d}{d}", "+43 6{n} {e}",
           "+41 7{x} {b} {p} {p}"),
}
"""Phone shapes of the countries of each language, international and national."""
_PHONE_FIELDS = {"b": 3, "c": 3, "d": 4, "e": 6, "n": 2, "p": 2, "x": 1}
"""How many digits each field of a phone shape stands for."""


def _handle(rng: random.Random) -> str:
    """A messaging handle as sellers pick them: a trade word now and then, mostly a name."""
    first = rng.choice(_TRADE_WORDS if rng.random() < 0.25 else _NAME_WORDS)  # noqa: PLR2004
    joint = rng.choice(("", "_", ".", ""))
    second = rng.choice((*_NAME_WORDS, *_TRADE_WORDS, "uk", "usa", "247", "", ""))
    tail = rng.choice(("", "", str(rng.randint(1, 99)), str(rng.randint(100, 9999))))
    return f"{first}{joint if second else ''}{second}{tail}"


def _phone(rng: random.Random, lang: str) -> str:
    """A mobile number in one of the shapes written in ``lang``'s countries."""
    def digits(match: re.Match[str]) -> str:
        """Fresh digits for each ``{x}`` of a shape: ``a`` an area code, else its count."""
        if match[1] == "a":
            return str(rng.randint(200, 999))
        count = _PHONE_FIELDS[match[1]]
        return "".join(str(rng.randrange(10)) for _ in range(count))
    return re.sub(r"\{(\w)\}", digits, rng.choice(_PHONES.get(lang, _PHONES["en"])))


def _contact(rng: random.Random, material: Material, lang: str, drug: str) -> tuple[str, str]:
    """A contact line and the link it should produce."""
    handle = _handle(rng)
    line = material.pick(rng, "contact_lines", lang).format(
        telegram=handle, phone=_phone(rng, lang), drug=drug)
    return line, handle


def contact_line(rng: random.Random, material: Material, lang: str, drug: str) -> str:
    """A line that gives a seller's handle or number for ``drug``."""
    return _contact(rng, material, lang, drug)[0]


def service_contact_line(rng: random.Random, material: Material, lang: str, drug: str) -> str:
    """A line that gives a clinic's, pharmacy's, helpline's or police number or channel.

    Handles and numbers are drawn as sellers' are: only the words around them tell them apart.
    """
    return material.pick(rng, "service_contact_lines", lang).format(
        handle=_handle(rng), phone=_phone(rng, lang), drug=drug)


def build_injection(  # noqa: C901 - one branch per placement reads best
    rng: random.Random, material: Material, *, lang: str, drug: str, domains: list[str],
    placement: str, legit: list[tuple[str, str]], carrier_rng: random.Random | None = None,
) -> Injection:
    """Build the injection for ``placement`` with shop links on ``domains``.

    With ``carrier_rng``, a share of inline, sidebar and footer placements carry their shops
    as frames or a redirect instead (:func:`medspam.corpus.carriers.carry`), drawing only
    from ``carrier_rng``.
    """
    inj = Injection(placement=placement)
    if rng.random() < 0.6:  # noqa: PLR2004 - the seed's only cue was one word; often none at all
        inj.sentence = material.pick(rng, "sales_sentences", lang).format(drug=drug)
    urls = [shop_url(rng, d, drug, material) for d in domains]
    inj.targets = list(domains)
    shops = [(u, material.pick(rng, "anchors", lang).format(drug=drug)) for u in urls]
    mixed = shops + legit[: rng.randint(0, len(legit))]
    rng.shuffle(mixed)
    heading = f"<h3>{html.escape(material.pick(rng, 'link_block_headings', lang))}</h3>"
    if placement == "read_more":
        inj.links_html = heading + anchors_html(mixed)
    elif placement == "read_more_text":
        inj.links_html = heading + anchors_html(mixed, as_text=True)
    elif placement == "inline":
        url, anchor = shops[0]
        inj.inline_html = f' <a href="{html.escape(url)}">{html.escape(anchor)}</a>'
    elif placement == "sidebar":
        inj.sidebar_html = heading + anchors_html(shops)
    elif placement == "footer":
        inj.footer_html = anchors_html(shops)
    elif placement == "obfuscated":
        inj.inline_html = " " + html.escape(_obfuscate(rng, urls[0]))
    elif placement == "hidden":
        inj.links_html = rng.choice(material.injections["hidden_wrappers"]).format(
            links=anchors_html(shops))
    elif placement == "shortener":
        short = f"https://{rng.choice(SHORTENERS)}/{rng.randbytes(4).hex()}"
        inj.links_html = heading + anchors_html([(short, shops[0][1])])
        inj.targets = [short]
    elif placement == "contact":
        line, handle = _contact(rng, material, lang, drug)
        inj.inline_html = " " + html.escape(line)
        inj.targets = [handle]
    elif placement == "page_url":
        inj.page_url = sale_page_url(rng, drug)
        inj.targets = []
    if carrier_rng is not None:
        carry(carrier_rng, inj, shops)
    return inj


def pharma_hack(rng: random.Random, page_html: bytes, injection_html: str) -> bytes:
    """Insert ``injection_html`` into a real page the way compromised sites carry it."""
    text = page_html.decode("utf-8", "replace")
    where = rng.randrange(3)
    lower = text.lower()
    if where == 0 and "</body>" in lower:
        i = lower.rfind("</body>")
    elif where == 1 and "<p" in lower:
        i = lower.find("<p", len(lower) // 3)
        i = i if i >= 0 else len(text)
    else:
        i = len(text)
    return (text[:i] + injection_html + text[i:]).encode("utf-8")
