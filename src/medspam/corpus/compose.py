"""Compose corpus pages: real text in page shapes, with or without a drug-sales injection."""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLACEMENTS = (
    "read_more", "read_more_text", "inline", "sidebar", "footer", "obfuscated", "hidden",
    "shortener", "contact", "page_url",
)
"""Where a composed positive carries its sale."""

SPAM_DRUGS = (
    "ketamine", "oxycodone", "oxycontin", "percocet", "hydrocodone", "norco", "dilaudid",
    "hydromorphone", "fentanyl", "tramadol", "tapentadol", "codeine", "morphine", "methadone",
    "cocaine", "heroin", "methamphetamine", "mdma", "lsd", "adderall", "ritalin", "modafinil",
    "xanax", "alprazolam", "valium", "diazepam", "klonopin", "clonazepam", "ativan",
    "lorazepam", "ambien", "zolpidem", "soma", "phentermine", "viagra", "cialis", "suboxone",
    "vicodin", "roxicodone", "opana", "demerol", "etizolam", "dmt", "psilocybin",
)
STREET_DRUGS = frozenset({"cocaine", "heroin", "methamphetamine", "mdma", "lsd", "dmt",
                          "psilocybin"})
"""The drugs of ``SPAM_DRUGS`` that no pharmacy, online doctor or clinic dispenses to patients
(heroin-assisted treatment and licensed psilocybin services are too rare to model)."""
PRESCRIBED_DRUGS = tuple(d for d in SPAM_DRUGS if d not in STREET_DRUGS)
"""The drugs a legitimate pharmacy, telehealth service, clinic or monograph can offer."""
NEUTRAL_LINK_DOMAINS = (
    "facebook.com", "twitter.com", "instagram.com", "youtube.com", "linkedin.com",
    "wikipedia.org", "reddit.com", "pinterest.com", "bbc.co.uk", "nytimes.com",
    "theguardian.com", "reuters.com", "spiegel.de", "lemonde.fr", "elpais.com",
    "github.com", "medium.com", "apple.com", "google.com", "amazon.com",
)
SHORTENERS = ("bit.ly", "tinyurl.com", "cutt.ly", "is.gd", "rb.gy", "t.ly", "shorturl.at")
COMMUNITY_HOSTS = (
    "community.{w}.org", "forum.{w}.net", "{w}.blogspot.com", "{w}.wordpress.com",
    "www.{w}-talk.com", "answers.{w}.com", "{w}.hashnode.dev", "www.{w}hub.net",
    "{w}.tumblr.com", "members.{w}.org", "www.{w}.co.uk", "{w}.jimdofree.com",
    "www.{w}news.de", "foro.{w}.es", "www.{w}.fr", "{w}.substack.com", "www.{w}.com.au",
)
HOST_WORDS = (
    "wellness", "sharing", "neighbours", "voices", "stories", "healthy", "lifestyle", "garden",
    "together", "citizen", "writers", "daily", "insight", "mindful", "family", "travelers",
    "thinkers", "openpost", "bloggers", "kommune", "vivir", "ensemble", "nachbarn", "makers",
)
PROFILE_PATHS = (
    "/members/{n}-{slug}", "/profile/{slug}", "/user/{slug}-{n}", "/campaign/{slug}",
    "/classified/{n}/{slug}", "/question/{n}/{slug}", "/{slug}-{n}",
)
SALE_SLUGS = (
    "buy-{drug}-online", "order-{drug}-{dose}mg-overnight-no-rx", "{drug}-for-sale",
    "buy-{drug}-without-prescription", "cheap-{drug}-online-delivery", "{drug}-{dose}mg-online",
    "where-to-buy-{drug}-safely", "get-{drug}-overnight", "comprar-{drug}-sin-receta",
    "{drug}-kaufen-ohne-rezept", "acheter-{drug}-sans-ordonnance",
)
TOPIC_PATHS = (
    "/category/health/{drug}", "/tag/{drug}", "/topics/{drug}-addiction", "/news/{n}-{drug}-study",
    "/drugs/{drug}", "/category/social-issues/{drug}/", "/health-topics/{drug}-overdose",
    "/medicines/{drug}-{n}", "/factsheets/{drug}", "/research/{drug}-clinical-trial-{n}",
)
"""Paths of legitimate sites that name a drug: tag, category, topic and fact-sheet pages."""
TOPIC_WORDS = ("info", "depression", "pain", "sleep", "anxiety", "addiction", "treatment",
               "prevention", "mental-health", "medicines", "safety", "research")

INFO_SLUGS = (
    "{drug}-side-effects", "what-is-{drug}", "{drug}-dosage-and-safety", "{drug}-addiction-help",
    "{drug}-withdrawal-symptoms", "is-{drug}-safe-during-pregnancy", "{drug}-overdose-signs",
    "my-experience-with-{drug}-therapy", "{drug}-for-depression-what-to-know",
    "{drug}-and-alcohol-interactions", "how-{drug}-works", "{drug}-tolerance-explained",
    "efectos-secundarios-de-{drug}", "{drug}-nebenwirkungen", "effets-secondaires-{drug}",
)
"""Informational slugs naming a drug: ham page URLs, so a drug in a URL is not a sale alone."""

SITE_URLS = {
    "clinic": ("https://www.{w}clinic.com/{drug}-therapy/pricing",
               "https://{w}health.org/services/{drug}-infusion", "https://www.{w}md.com/book/{drug}",
               "https://www.{drug}clinic{w}.com/treatment"),
    "rehab": ("https://www.{w}recovery.org/{drug}-addiction-treatment",
              "https://{w}rehab.com/programs/{drug}-detox", "https://www.{w}-recovery.net/call-now",
              "https://www.quit{drug}.org/help"),
    "licensed-pharmacy": ("https://www.{w}pharmacy.com/prescriptions/{drug}-refill",
                          "https://{w}-apotheke.de/rezept/{drug}", "https://www.{w}rx.com/order",
                          "https://www.{w}pharmacy.com/", "https://{w}pharmacy.co.uk/delivery",
                          "https://www.{w}-farmacia.es/sobre-nosotros",
                          "https://{w}pharmacie.fr/livraison"),
    "telehealth": ("https://www.{w}care.com/treatments/{drug}", "https://{w}telehealth.com/start"),
    "news": ("https://www.{w}news.com/{y}/{n}/{drug}-seizure-police",
             "https://{w}times.co.uk/news/{drug}-dealers-jailed-{n}"),
    "law": ("https://www.{w}law.com/controlled-substances/{drug}",
            "https://{w}legal.org/is-{drug}-legal"),
    "warning": ("https://www.{w}health.org/never-buy-{drug}-online",
                "https://{w}safety.org/fake-{drug}-pills-warning",
                "https://{drug}awareness.org/counterfeit-pills"),
    "harm-reduction": ("https://{w}drugchecking.org/{drug}-test-strips",
                       "https://www.{w}harmreduction.org/{drug}-safer-use",
                       "https://www.{drug}safety.net/test-kits"),
    "drug-info": ("https://www.{w}meds.com/drugs/{drug}-dosage",
                  "https://{w}druginfo.org/{drug}/side-effects",
                  "https://www.{drug}facts.org/dosage"),
}
"""Page URLs of legitimate sites that name drugs, prices and orders: the hard negatives' own.
Some sites are named for the drug they treat, warn of or inform about (``quitxanax.org``,
``ketamineclinic…``): a drug in a domain is not a sale alone."""


@dataclass
class Material:
    """The hand-written composition material in ``datasets/composition``."""

    shapes: list[dict[str, str]]
    injections: dict[str, Any]
    articles: list[dict[str, Any]]
    hard_negatives: list[dict[str, Any]]
    shop_pages: list[dict[str, Any]]
    shop_urls: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    sales_posts: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path) -> Material:
        """Read every material file of ``folder``."""
        def read(name: str) -> Any:
            return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))

        return cls(
            shapes=read("page_shapes")["shapes"],
            injections=read("injections"),
            articles=read("articles")["articles"],
            hard_negatives=read("hard_negatives")["pages"],
            shop_pages=read("shop_pages")["pages"],
            shop_urls=read("shop_urls"),
            sales_posts=read("sales_posts")["posts"],
        )

    def pick(self, rng: random.Random, key: str, lang: str) -> str:
        """Pick one entry of an injection list in ``lang`` (English when it has none)."""
        table = self.injections[key]
        return str(rng.choice(table.get(lang) or table["en"]))


@dataclass
class Injection:
    """What a positive adds to a page; empty for negatives."""

    placement: str = ""
    sentence: str = ""
    links_html: str = ""
    sidebar_html: str = ""
    footer_html: str = ""
    inline_html: str = ""
    page_url: str = ""
    head_html: str = ""
    targets: list[str] = field(default_factory=list)


DISGUISES = {
    "leet": str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0"}),
    "cyrillic": str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441",
                               "p": "\u0440", "x": "\u0445"}),
}
"""How drug-spam writes drug names past word filters: leet digits (``k3t4m1n3``) and Cyrillic
look-alike letters (``\u0445\u0430nax``), one character for one."""
_TAG_OR_TEXT = re.compile(r"(<[^>]*>?)|([^<]+)")
_SPAM_DRUG = re.compile(r"\b(?:" + "|".join(sorted(SPAM_DRUGS, key=len, reverse=True)) + r")\b",
                        re.IGNORECASE)
_BEFORE_IN_ADDRESS = frozenset("/.@:-_=")
"""A character before a drug name that puts it inside an address (``x.shop/ketamine``)."""
_AFTER_IN_ADDRESS = _BEFORE_IN_ADDRESS - {"."}
"""The same after it; a dot there ends a sentence unless a letter or digit follows."""


def disguise_drug_names(page: str, how: str) -> str:
    """``page`` with the drug names of its visible text written in disguise ``how``.

    Names inside tags (URLs, attributes) and inside addresses written out in the text
    (``shop.example/ketamine-500mg``) stay as they are: spam disguises what a reader and a
    word filter see, not the shop's address.

    Examples
    --------
    >>> disguise_drug_names('<a href="/ketamine">Buy ketamine</a> at x.shop/ketamine', "leet")
    '<a href="/ketamine">Buy k3t4m1n3</a> at x.shop/ketamine'
    """
    table = DISGUISES[how]

    def name(match: re.Match[str]) -> str:
        text, start, end = match.string, match.start(), match.end()
        before, after = text[start - 1:start], text[end:end + 1]
        if before in _BEFORE_IN_ADDRESS or after in _AFTER_IN_ADDRESS:
            return match.group()
        if after == "." and text[end + 1:end + 2].isalnum():
            return match.group()  # ketamine.shop
        return match.group().translate(table)

    def piece(match: re.Match[str]) -> str:
        tag, text = match.groups()
        return tag if tag is not None else _SPAM_DRUG.sub(name, text)

    return _TAG_OR_TEXT.sub(piece, page)


def slugify(text: str) -> str:
    """Lower-case ASCII-ish slug of a title."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:60] or "page"


def community_url(rng: random.Random, title: str) -> str:
    """A page URL on a community or blogging host, the same generator for spam and ham."""
    host = rng.choice(COMMUNITY_HOSTS).format(w=rng.choice(HOST_WORDS))
    path = rng.choice(("/articles/{n}/{slug}", "/{slug}", "/post/{slug}-{n}", "/t/{slug}/{n}",
                       "/blog/{y}/{slug}"))
    return "https://" + host + path.format(n=rng.randint(100, 99999), slug=slugify(title),
                                           y=rng.randint(2015, 2026))


def sale_page_url(rng: random.Random, drug: str) -> str:
    """A platform page URL whose slug sells (the page-URL placement)."""
    host = rng.choice(COMMUNITY_HOSTS).format(w=rng.choice(HOST_WORDS))
    slug = rng.choice(SALE_SLUGS).format(drug=drug, dose=rng.choice((2, 5, 8, 10, 30, 80)))
    return "https://" + host + rng.choice(PROFILE_PATHS).format(n=rng.randint(10, 99999), slug=slug)


def info_page_url(rng: random.Random, drug: str) -> str:
    """A community page URL whose slug names a drug without selling it."""
    host = rng.choice(COMMUNITY_HOSTS).format(w=rng.choice(HOST_WORDS))
    slug = rng.choice(INFO_SLUGS).format(drug=drug)
    return "https://" + host + rng.choice(PROFILE_PATHS).format(n=rng.randint(10, 99999), slug=slug)


def site_url(rng: random.Random, kind: str, drug: str) -> str | None:
    """A legitimate site's page URL for a hard negative of ``kind``, if the kind has one."""
    patterns = SITE_URLS.get(kind)
    if not patterns:
        return None
    return rng.choice(patterns).format(w=rng.choice(HOST_WORDS), drug=drug, n=rng.randint(10, 999),
                                       y=rng.randint(2015, 2026))


def shop_url(rng: random.Random, domain: str, drug: str, material: Material) -> str:
    """A shop URL on ``domain``: home page or a product path naming ``drug``."""
    patterns = material.shop_urls["path_patterns"]
    if rng.random() < 0.25:  # noqa: PLR2004
        return f"https://{domain}/"
    path = rng.choice(patterns).format(drug=drug, dose=rng.choice((1, 2, 5, 10, 30)),
                                       number=rng.randint(10, 9999))
    return f"https://{domain}{path if path.startswith('/') else '/' + path}"


def generated_shop_domain(rng: random.Random, material: Material) -> str:
    """A shop domain made of drug and commerce words on a weighted TLD (``buyxanaxrx.shop``)."""
    words = material.shop_urls
    tlds, weights = zip(*words["tlds"], strict=True)
    parts = [rng.choice(words["prefixes"]) if rng.random() < 0.7 else "",  # noqa: PLR2004
             rng.choice(SPAM_DRUGS),
             rng.choice(words["suffixes"]) if rng.random() < 0.7 else ""]  # noqa: PLR2004
    sep = "-" if rng.random() < 0.2 else ""  # noqa: PLR2004
    label = sep.join(p for p in parts if p)
    return f"{label}.{rng.choices(tlds, weights=weights)[0]}"


def legit_links(rng: random.Random, trusted: list[str], k: int) -> list[tuple[str, str]]:
    """``k`` links to trusted or neutral sites with plausible anchors."""
    out = []
    for _ in range(k):
        if rng.random() < 0.08:  # noqa: PLR2004 - shorteners carry ham links too
            out.append((f"https://{rng.choice(SHORTENERS)}/{rng.randbytes(4).hex()}",
                        rng.choice(("Read more", "source", "link", "full story"))))
            continue
        domain = rng.choice(trusted) if rng.random() < 0.7 else rng.choice(NEUTRAL_LINK_DOMAINS)  # noqa: PLR2004
        drug = rng.choice(SPAM_DRUGS)
        path = rng.choice(("", "/health", "/topics/{s}", "/article/{n}", "/news/{n}-{s}",
                           *TOPIC_PATHS))
        url = f"https://www.{domain}" + path.format(
            s=rng.choice(TOPIC_WORDS), n=rng.randint(1, 9999), drug=drug)
        anchor = rng.choice((domain, "Source", "more information", "Read more", url, "here",
                             "official guidance", "study", "fact sheet", drug.title(),
                             f"{drug.title()} facts"))
        out.append((url, anchor))
    return out


def anchors_html(links: list[tuple[str, str]], *, as_text: bool = False) -> str:
    """Render links as a list of anchors, or as plain-text URLs like the seed's Read More."""
    if as_text:
        return "".join(f"<p>{html.escape(url)}</p>" for url, _ in links)
    return "<ul>" + "".join(
        f'<li><a href="{html.escape(url)}">{html.escape(anchor)}</a></li>' for url, anchor in links
    ) + "</ul>"
