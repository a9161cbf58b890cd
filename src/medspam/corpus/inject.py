"""Sales injections: how a positive page carries its drug-sales links, phrases and contacts."""

from __future__ import annotations

import html
import random

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


def _contact(rng: random.Random, material: Material, lang: str, drug: str) -> tuple[str, str]:
    """A contact line and the link it should produce."""
    handle = rng.choice(("plug", "meds", "rx", "pharma", "vendor", "shop")) + \
        rng.choice(("247", "_uk", "direct", "store", "usa", str(rng.randint(10, 999))))
    phone = f"+1 {rng.randint(200, 999)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
    line = material.pick(rng, "contact_lines", lang).format(telegram=handle, phone=phone,
                                                            drug=drug)
    return line, handle


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
