"""Build the training corpus from ``../shared/data`` and the composition material."""

from __future__ import annotations

import hashlib
import html
import random
import re
import urllib.parse
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from medspam import urls
from medspam.corpus import sources, written
from medspam.corpus.carriers import legit_carrier
from medspam.corpus.compose import (
    DISGUISES,
    PLACEMENTS,
    PRESCRIBED_DRUGS,
    SPAM_DRUGS,
    Injection,
    Material,
    community_url,
    disguise_drug_names,
    generated_shop_domain,
    info_page_url,
    legit_links,
    shop_url,
    site_url,
)
from medspam.corpus.doorways import doorway
from medspam.corpus.inject import (
    build_injection,
    contact_line,
    pharma_hack,
    service_contact_line,
)
from medspam.extract import extract_page

POOLS = ("fold-a", "fold-b", "valid", "test")
"""Disjoint pools: the scorers are fit on ``fold-a`` and ``fold-b`` (two folds of a cross-fit,
see ``medspam.train``), the threshold chosen on ``valid``; ``test`` is held out. Pools are
disjoint by source document, by host of real pages and by shop domain."""
POOL_WEIGHTS = (0.3, 0.3, 0.2, 0.2)
"""Shares of the pools. ``valid`` is as large as ``test``: at 0.5 % FPR the threshold is set
by the few highest-scoring validation ham, so a pool of ~400 ham let it jump between
retrainings. ``fold-a`` and ``test`` keep their hash ranges (the test documents stay the same)."""
REALPAGES_POOL_WEIGHTS = (0.3, 0.2, 0.2, 0.3)
"""Shares of the pools for ``realpages`` hosts: more of these few real pages are held out
(``test``), and ``valid`` holds as many of them, in proportion, as ``test``, so that the
threshold meets real look-alikes as often as the test does."""
DISPENSING_KINDS = frozenset({"licensed-pharmacy", "telehealth", "clinic", "drug-info"})
"""Hard negatives that prescribe, dispense or dose a drug: they name prescribed drugs only. A
pharmacy refilling "heroin" or a clinic pricing "lsd" taught that product and price pages of
street drugs can be legitimate (``/prescriptions/lsd-refill`` was a ham page address)."""
MEDICAL_KINDS = frozenset({"clinic", "rehab", "drug-info", "warning", "telehealth",
                           "harm-reduction", "licensed-pharmacy"})


def stable_fraction(key: str) -> float:
    """A number in [0, 1] fixed by ``key`` (a hash): a choice that draws nothing from the rng."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


def pool_of(key: str, weights: tuple[float, ...] = POOL_WEIGHTS) -> str:
    """Assign ``key`` to a pool by a stable hash."""
    x = stable_fraction(key)
    total = 0.0
    for pool, weight in zip(POOLS, weights, strict=True):
        total += weight
        if x <= total:
            return pool
    return POOLS[-1]


_SENTENCE = re.compile(r"\S.*?(?:[.!?](?=\s|$)|$)", re.DOTALL)
_URL_START = re.compile(r"\b(?:https?\s*:\s*/\s*/\s*|(?=www\s+\.\s))", re.IGNORECASE)
_URL_JOINER = re.compile(r"[./:?=&_%#~-]+")


def _joins(prev: str, token: str) -> bool:
    """Whether two tokens of a tokenised URL were one piece: punctuation or a letter/digit break."""
    if _URL_JOINER.fullmatch(prev) or _URL_JOINER.fullmatch(token):
        return True
    return prev[-1].isdigit() != token[0].isdigit()


def rejoin_urls(line: str) -> str:
    """Undo the Enron corpus's tokenisation of URLs, as the mail showed them.

    The corpus splits ``http://www.meds34r.com/off.html`` into
    ``http : / / www . meds 34 r . com / off . html``; a page shows the address whole.

    Examples
    --------
    >>> rejoin_urls("order at http : / / buynow . meds 34 r . com / off . html today")
    'order at http://buynow.meds34r.com/off.html today'
    >>> rejoin_urls("shipped to your door . phentermine 30 mg")
    'shipped to your door . phentermine 30 mg'
    """
    out, pos = [], 0
    for match in _URL_START.finditer(line):
        if match.start() < pos:
            continue
        kept: list[str] = []
        for token in line[match.end():].split(" "):
            if not token or (kept and not _joins(kept[-1], token)):
                break
            kept.append(token)
        scheme = "http://" if match.group() else ""
        out.append(line[pos:match.start()] + scheme + "".join(kept))
        pos = match.end() + len(" ".join(kept))
    out.append(line[pos:])
    return "".join(out)


class Builder:
    """Composes corpus records; every random choice comes from one seeded generator."""

    def __init__(self, data: Path, material: Material, *, seed: int = 0,
                 written_dir: Path | None = None) -> None:
        self.data = data
        self.material = material
        self.written_dir = written_dir
        self.seed = seed
        self.rng = random.Random(seed)
        self.carrier_rng = random.Random(f"{seed}:carriers")
        self.shops = self._shop_domains()
        self.trusted = self._trusted_domains()
        self.count = 0

    @cached_property
    def _medquad_docs(self) -> list[dict[str, Any]]:
        """The MedQuAD documents, read once (articles and short pages both use them)."""
        return sources.read_medquad(self.data)

    @cached_property
    def _real_pages(self) -> list[sources.RealPage]:
        """The real web pages, read once (as they are, hacked, and as short pages)."""
        return sources.read_webpages(self.data)

    @cached_property
    def _real_page_sites(self) -> list[tuple[str, str]]:
        """The registered site and the address of each real web page, worked out once."""
        return [(urls.describe_host(page.url).site, page.url) for page in self._real_pages]

    def _shop_domains(self) -> dict[str, list[str]]:
        """Shop domains by pool: registered domains from the lists plus generated ones."""
        by_pool: dict[str, list[str]] = {p: [] for p in POOLS}
        listed = {urls.describe_host(h).site for h in sources.drug_shop_hosts(self.data)}
        generated = {generated_shop_domain(self.rng, self.material) for _ in range(6000)}
        for domain in sorted(listed | generated):
            if domain and "." in domain:
                by_pool[pool_of("shop:" + domain)].append(domain)
        return by_pool

    def _trusted_domains(self) -> list[str]:
        """Legitimate health domains for references (gov health + hospitals + a few more)."""
        domains = sources.gov_health_domains(self.data) + sources.hospital_domains(self.data)
        return sorted(set(domains))

    def _record(self, **fields: Any) -> dict[str, Any]:
        """A corpus record with a running id.

        ``text_sells`` labels the record for the sale-text scorer: false for ham, and unless
        given, ``None`` for spam (a sale injected into other text, or not known).
        """
        self.count += 1
        return {"id": f"c{self.count:06d}", "placement": "", "targets": [], "url_sells": False,
                "text_sells": False if fields["label"] == "ham" else None, **fields}

    def _injection(self, pool: str, lang: str, legit: list[tuple[str, str]]) -> Injection:
        """A random injection whose shops come from ``pool``."""
        rng = self.rng
        drug = rng.choice(SPAM_DRUGS)
        domains = [rng.choice(self.shops[pool]) for _ in range(rng.choice((1, 1, 2, 3)))]
        return build_injection(rng, self.material, lang=lang, drug=drug, domains=domains,
                               placement=rng.choice(PLACEMENTS), legit=legit,
                               carrier_rng=self.carrier_rng)

    def compose(
        self, *, title: str, paragraphs: list[str], lang: str, pool: str, spam: bool,
        links: list[tuple[str, str]] | None = None, url: str | None = None,
    ) -> tuple[str, str, Injection]:
        """Render an article in a random page shape; inject a sale when ``spam``."""
        rng = self.rng
        legit = links if links is not None else legit_links(rng, self.trusted, rng.randint(0, 3))
        inj = self._injection(pool, lang, legit) if spam else Injection()
        paras = [html.escape(p) for p in paragraphs]
        if not spam and paras and rng.random() < 0.3:  # noqa: PLR2004
            # Ham carries the sale vocabulary too (warnings, news, clinics), never a sale.
            decoy = self.material.pick(rng, "decoy_sentences", lang)
            paras[rng.randrange(len(paras))] += " " + html.escape(
                decoy.format(drug=rng.choice(SPAM_DRUGS)))
        if inj.sentence or inj.inline_html:
            i = rng.randrange(len(paras)) if paras else 0
            extra = (" " + html.escape(inj.sentence) if inj.sentence else "") + inj.inline_html
            paras = paras or [""]
            paras[i] += extra
        body = "".join(f"<p>{p}</p>" for p in paras)
        block = inj.links_html
        if not block and legit and rng.random() < 0.7:  # noqa: PLR2004
            heading = self.material.pick(rng, "link_block_headings", lang)
            from medspam.corpus.compose import anchors_html  # noqa: PLC0415
            as_text = rng.random() < 0.3  # noqa: PLR2004
            block = f"<h3>{html.escape(heading)}</h3>" + anchors_html(legit, as_text=as_text)
        shape = rng.choice(self.material.shapes)
        # Frames and redirects are no sign of a sale by themselves: pages of both labels embed
        # videos and share buttons.
        head, footer = legit_carrier(self.carrier_rng)
        head, footer = inj.head_html or head, inj.footer_html or footer
        page = shape["html"].format(
            lang=lang, title=html.escape(title), body=body, links=block,
            sidebar=inj.sidebar_html, footer=footer, site_name=rng.choice(
                ("Community", "Voices", "Neighbours Hub", "Health Stories", "Daily Post")),
        )
        if head:
            page = page.replace("</head>", head + "</head>", 1)
        url = inj.page_url or url or community_url(rng, title)
        if not spam and not inj.page_url and rng.random() < 0.15:  # noqa: PLR2004 - drug slugs on ham pages too
            url = info_page_url(rng, rng.choice(SPAM_DRUGS))
        return page, url, inj

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield every corpus record.

        Each family of records draws from its own generator (seeded by the seed and the
        family), so material added to one family leaves the pages of the others as they were.
        """
        families = (self._medquad, self._articles, self._hard_negatives, self._shop_pages,
                    self._enron, self._webpages, self._realpages, self._sales_posts,
                    self._short_pages, self._doorways, self._written)
        for family in families:
            self.rng = random.Random(f"{self.seed}:{family.__name__}")
            self.carrier_rng = random.Random(f"{self.seed}:{family.__name__}:carriers")
            yield from map(self._disguised, family())

    def _disguised(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record, or for a share of composed sale pages, its drug names in disguise.

        The share is fixed by a hash of the seed and the record's id, so no family's draws
        move. Real spam (Enron, SMS, the real pages) stays as it was sent.
        """
        key = f"disguise:{self.seed}:{record['id']}"
        if (record["label"] != "spam" or record["source"].startswith(AS_WRITTEN_SOURCES)
                or stable_fraction(key) >= DISGUISED_SHARE):
            return record
        kinds = sorted(DISGUISES)
        how = kinds[min(int(stable_fraction(key + ":how") * len(kinds)), len(kinds) - 1)]
        page = record["html"]
        text = page.decode("utf-8") if isinstance(page, bytes) else page
        text = disguise_drug_names(text, how)
        return {**record, "html": text.encode("utf-8") if isinstance(page, bytes) else text}

    def _composed(self, *, group: str, title: str, paragraphs: list[str], lang: str,
                  source: str, kind: str, medical: bool, spam: bool,
                  links: list[tuple[str, str]] | None = None,
                  url: str | None = None) -> dict[str, Any]:
        """Compose one record of an article."""
        pool = pool_of(group)
        page, url, inj = self.compose(title=title, paragraphs=paragraphs, lang=lang, pool=pool,
                                      spam=spam, links=links, url=url)
        category = ("medical-drug-sales" if medical else "drug-sales") if spam else "clean"
        return self._record(url=url, html=page, label="spam" if spam else "ham",
                            category=category, source=source, kind=kind, lang=lang,
                            group=group, pool=pool, medical=int(medical),
                            placement=inj.placement, targets=inj.targets,
                            url_sells=bool(inj.page_url))

    def _medquad(self) -> Iterator[dict[str, Any]]:
        """MedQuAD health text, half of it with a sale injected."""
        for doc in self._medquad_docs:
            paragraphs = [p for p in doc["text"].split("\n\n") if p.strip()][:14]
            yield self._composed(group="medquad:" + doc["title"].lower(), title=doc["title"],
                                 paragraphs=paragraphs[1:] or paragraphs, lang="en",
                                 source=doc["source"], kind="health-article", medical=True,
                                 spam=self.rng.random() < 0.5)  # noqa: PLR2004

    def _articles(self) -> Iterator[dict[str, Any]]:
        """Hand-written health articles in four languages, each in several variants."""
        for i, art in enumerate(self.material.articles):
            for variant in range(8):
                yield self._composed(group=f"article:{i}", title=art["title"],
                                     paragraphs=art["paragraphs"], lang=art["lang"],
                                     source="composition/articles", kind="health-article",
                                     medical=True, spam=variant % 2 == 1)

    def _hard_negatives(self) -> Iterator[dict[str, Any]]:
        """Hand-written hard negatives (law, seizures, rehab, clinics, pharmacies)."""
        for i, neg in enumerate(self.material.hard_negatives):
            links = [(ln["url"], ln["anchor"]) for ln in neg.get("links", [])]
            drugs = PRESCRIBED_DRUGS if neg["kind"] in DISPENSING_KINDS else SPAM_DRUGS
            for _ in range(8):
                drug = self.rng.choice(drugs)
                paragraphs = [p.replace("{drug}", drug) for p in neg["paragraphs"]]
                if self.rng.random() < 0.5:  # noqa: PLR2004
                    # Clinics, pharmacies, helplines and police give numbers and channels too.
                    paragraphs.append(service_contact_line(self.rng, self.material,
                                                           neg["lang"], drug))
                yield self._composed(group=f"hardneg:{i}", title=neg["title"].replace(
                    "{drug}", drug), paragraphs=paragraphs, lang=neg["lang"],
                    source="composition/hard_negatives", kind=neg["kind"],
                    medical=neg["kind"] in MEDICAL_KINDS, spam=False, links=links,
                    url=site_url(self.rng, neg["kind"], drug)
                    if self.rng.random() < 0.7 else None)  # noqa: PLR2004 - most on own site

    def _shop_pages(self) -> Iterator[dict[str, Any]]:
        """Hand-written drug-shop pages (drug-sales without medical cover)."""
        for i, shop in enumerate(self.material.shop_pages):
            for _ in range(6):
                drug = self.rng.choice(SPAM_DRUGS)
                fill = {p.replace("{drug}", drug) for p in shop["paragraphs"]}
                yield self._shop_record(group=f"shop:{i}", title=shop["title"].replace(
                    "{drug}", drug), paragraphs=sorted(fill), lang=shop["lang"], drug=drug,
                    source="composition/shop_pages", spam=True)

    def _sales_posts(self) -> Iterator[dict[str, Any]]:
        """Hand-written short posts: sale offers without any link, and posts that do not sell.

        Half of the offers end with a way to reach the seller (a handle or a number in the
        post's language), as most offers between people do.

        Most spam in the other sources carries a sale link or a selling address; these teach
        the page scorer the text of an offer (and of a question or warning naming the same
        drugs), so they mostly sit on a platform address that sells nothing. They do not fit
        the medical scorer: a post about side effects is health talk, yet not the health cover
        of an article, and labelling it either way taught that scorer something false.
        """
        for i, post in enumerate(self.material.sales_posts):
            for _ in range(6):
                drug = self.rng.choice(SPAM_DRUGS)
                paragraphs = [p.replace("{drug}", drug) for p in post["paragraphs"]]
                if post["spam"] and self.rng.random() < 0.5:  # noqa: PLR2004
                    # An offer says how to reach the seller: a handle or a number.
                    paragraphs.append(contact_line(self.rng, self.material, post["lang"], drug))
                record = self._shop_record(
                    group=f"post:{i}", title=post["title"].replace("{drug}", drug),
                    paragraphs=paragraphs,
                    lang=post["lang"], drug=drug, source="composition/sales_posts",
                    spam=post["spam"], kinds=("sales-post", "forum-post"), url_share=0.2)
                record["medical"] = None  # side effects, tapering: health talk, not articles
                yield record

    def _shop_record(self, *, group: str, title: str, paragraphs: list[str], lang: str,
                     drug: str, source: str, spam: bool,
                     kinds: tuple[str, str] = ("shop", "other"),
                     url_share: float = 0.6) -> dict[str, Any]:
        """A shop-like page, on its own shop URL (``url_share`` of spam) or on a platform page.

        ``kinds`` names the record's kind when it is spam and when it is not.
        """
        pool = pool_of(group)
        page, url, _ = self.compose(title=title, paragraphs=paragraphs, lang=lang, pool=pool,
                                    spam=False, links=[])
        url_sells = spam and self.rng.random() < url_share
        if url_sells:
            url = shop_url(self.rng, self.rng.choice(self.shops[pool]), drug, self.material)
        return self._record(url=url, url_sells=url_sells, text_sells=spam, html=page,
                            label="spam" if spam else "ham",
                            category="drug-sales" if spam else "clean", source=source,
                            kind=kinds[0] if spam else kinds[1], lang=lang, group=group,
                            pool=pool, medical=0)

    def _enron(self) -> Iterator[dict[str, Any]]:
        """Enron emails as pages: drug spam as shops; ham as negatives.

        Spam that the source's ``drug_terms`` tag does not mark is left out, not taken as a
        negative: the tag misses disguised names (``affordable lev ! itra & v ( iagra !``,
        ``valliuum``, ``vicodln``): 3 of a random sample of 30 unmarked spam mails sold drugs.
        """
        for mail in sources.read_enron(self.data):
            drug_spam = mail["label"] == "spam" and bool(mail.get("drug_terms"))
            if mail["label"] == "spam" and not drug_spam:
                continue
            sampled = drug_spam or mail.get("drug_terms") or self.rng.random() < 0.08  # noqa: PLR2004
            if not sampled:
                continue
            lines = [rejoin_urls(ln) for ln in mail["text"].splitlines() if ln.strip()]
            title = lines[0].removeprefix("subject :").strip() if lines else "message"
            yield self._shop_record(group="enron:" + mail["file"], title=title[:120],
                                    paragraphs=lines[1:40], lang="en",
                                    drug=self.rng.choice(SPAM_DRUGS), source="enron-spam/enron1",
                                    spam=drug_spam)

    def _webpages(self) -> Iterator[dict[str, Any]]:
        """Real web pages as they are, and half of them with a pharma hack injected."""
        for real in self._real_pages:
            host = urls.describe_host(real.url).site
            pool = pool_of("host:" + host)
            common = {"source": "webpages", "lang": "", "group": "webpage:" + real.name,
                      "pool": pool, "medical": 0}
            yield self._record(url=real.url, html=real.html.decode("utf-8", "replace"),
                               label="ham", category="clean", kind="real-page", **common)
            if self.rng.random() < 0.5:  # noqa: PLR2004
                inj = self._injection(pool, "en", [])
                while inj.placement == "page_url" or not (inj.links_html or inj.inline_html):
                    inj = self._injection(pool, "en", [])
                snippet = (inj.links_html or f"<p>{html.escape(inj.sentence)}{inj.inline_html}</p>")
                hacked = pharma_hack(self.rng, real.html, snippet)
                yield self._record(url=real.url, html=hacked.decode("utf-8", "replace"),
                                   label="spam", category="drug-sales", kind="pharma-hack",
                                   placement=inj.placement, targets=inj.targets, **common)

    def _short_pages(self) -> Iterator[dict[str, Any]]:
        """Short legitimate pages: a few real sentences, with or without an address.

        Most long pages in the corpus are ham and most short ones (real sale pages, Enron
        offers, sale posts) spam, which taught the page scorer that a page with little text is
        a sale: "hi" on an empty page scored 0.70. These are short and clean: the opening
        sentences of MedQuAD articles and of the real web pages (each in the pool of its
        article or host), and SMS messages (chat and non-drug spam: neither sells drugs).
        """
        for doc in self._medquad_docs:
            if self.rng.random() < 0.15:  # noqa: PLR2004
                text = " ".join(doc["text"].split("\n\n")[1:3])
                yield self._short_record(group="medquad:" + doc["title"].lower(),
                                         title=doc["title"], text=text, medical=1,
                                         source=doc["source"], url=None)
        for real in self._real_pages:
            if self.rng.random() < 0.5:  # noqa: PLR2004
                page = extract_page(real.html, real.url)
                text = " ".join(b.text for b in page.blocks if not b.is_chrome)
                yield self._short_record(
                    group="webpage:" + real.name, title=page.title, text=text,
                    medical=0, source="webpages", url=_home_page_or(real.url, real.name),
                    pool=pool_of("host:" + urls.describe_host(real.url).site))
        messages = sorted({m["text"] for m in sources.read_sms(self.data)})
        for text in self.rng.sample(messages, 800):
            yield self._short_record(group="sms:" + text, title="", text=text,
                                     medical=0, source="sms-spam-collection", url=None)

    def _short_record(self, *, group: str, title: str, text: str,
                      medical: int, source: str, url: str | None,
                      pool: str | None = None) -> dict[str, Any]:
        """A clean page of the first one to three sentences of ``text`` (60 words at most)."""
        sentences = _SENTENCE.findall(text)[: self.rng.randint(1, 3)] or [text]
        words = " ".join(" ".join(sentences).split()[:60])
        pool = pool or pool_of(group)
        page, url, _ = self.compose(title=title, paragraphs=[words], lang="en", pool=pool,
                                    spam=False, links=[], url=url)
        if self.rng.random() < 0.4:  # noqa: PLR2004 - bare, as the real sale pages are rendered
            page = f"<html><body><p>{html.escape(words)}</p></body></html>"
        if self.rng.random() < 0.2:  # noqa: PLR2004 - some arrive without their address
            url = None
        return self._record(url=url, html=page, label="ham", category="clean", source=source,
                            kind="short-page", lang="en", group=group, pool=pool,
                            medical=medical)

    def _doorways(self) -> Iterator[dict[str, Any]]:
        """Real pages' addresses that send every visitor on: to a shop, or to another site.

        Without them no training page sent its visitors anywhere, and a page that only
        redirected to a shop scored 0.41: nothing had taught the page scorer what a link
        every visitor follows weighs. The harmless ones go where real sites send everyone
        (:meth:`_elsewhere`).
        """
        for real in self._real_pages:
            rng = self.rng
            if rng.random() >= DOORWAY_SHARE:
                continue
            host = urls.describe_host(real.url).site
            pool = pool_of("host:" + host)
            spam = rng.random() < 0.5  # noqa: PLR2004
            shop = rng.choice(self.shops[pool]) if spam else ""
            target = (shop_url(rng, shop, rng.choice(SPAM_DRUGS), self.material) if spam
                      else self._elsewhere(real, host))
            door = doorway(rng, target, real.html.decode("utf-8", "replace"))
            yield self._record(url=real.url, html=door.html, location=door.location,
                               label="spam" if spam else "ham",
                               category="drug-sales" if spam else "clean",
                               source="composition/doorways", kind="doorway", lang="",
                               group="webpage:" + real.name, pool=pool, medical=0,
                               placement="doorway" if spam else "",
                               targets=[shop] if spam else [])

    def _elsewhere(self, real: sources.RealPage, site: str) -> str:
        """A harmless address to send visitors from ``real`` to.

        Where real sites send everyone: their sign-in page, the same name on a new domain
        (a site that moved), or another real page on another site.
        """
        rng = self.rng
        parts = urllib.parse.urlsplit(real.url)
        path = parts.path or "/"
        choice = rng.random()
        if choice < 1 / 3:
            page = rng.choice(("login", "signin", "account/login", "wp-login.php", "user/login",
                               "auth/login"))
            key = rng.choice(("next", "redirect_to", "return", "returnUrl"))
            back = real.url if rng.random() < 0.5 else path  # noqa: PLR2004
            return f"https://{parts.hostname}/{page}?{key}=" + urllib.parse.quote(back, safe="")
        if choice < 2 / 3:
            label = urls.describe_host(real.url).domain_label
            suffix = rng.choice(("com", "net", "org", "co.uk", "de", "io", "co", "info"))
            return f"https://{rng.choice(('www.', ''))}{label}.{suffix}{path}"
        # A few real pages have no web address (the manifest's "hard::…"): a doorway sent to
        # one has a Location that is no link, as a crawl can record too.
        others = [url for other, url in self._real_page_sites if other != site]
        return rng.choice(others)

    def _realpages(self) -> Iterator[dict[str, Any]]:
        """Real drug-sales pages and look-alikes: URL and first sentences, split by host."""
        for page in sources.read_realpages(self.data):
            pool = pool_of("realhost:" + page["host"], REALPAGES_POOL_WEIGHTS)
            body = f"<html><body><p>{html.escape(page['text'])}</p></body></html>"
            spam = page["label"] == "spam"
            yield self._record(url=page["url"], html=body, label=page["label"], url_sells=spam,
                               category="drug-sales" if spam else "clean",
                               source="realpages", kind=page["kind"], lang=page["lang"],
                               group="realhost:" + page["host"], pool=pool,
                               # Labelled for sale, not for health content: many first
                               # sentences are drug information, which must not teach the
                               # medical scorer that drug information is not health text.
                               medical=None)

    def _written(self) -> Iterator[dict[str, Any]]:
        """The blind sets' pages that train or set the threshold (:mod:`medspam.corpus.written`).

        The training sets' pages join the training folds, the threshold sets' the validation
        pool. Nothing when the builder was given no folder of them.
        """
        if self.written_dir is None:
            return
        for name, page in written.read_sets(self.written_dir, written.TRAINING_SETS):
            fields = written.record_fields(name, page)
            yield self._record(**fields, pool=pool_of(fields["group"], WRITTEN_POOL_WEIGHTS))
        for name, page in written.read_sets(self.written_dir, written.THRESHOLD_SETS):
            yield self._record(**written.record_fields(name, page), pool="valid")


WRITTEN_POOL_WEIGHTS = (0.5, 0.5, 0.0, 0.0)
"""Shares of the pools for written pages: the two training folds only, so the validation
and test pools measure what they measured without them."""

DOORWAY_SHARE = 0.1
"""Share of the real web pages whose address also appears as a doorway
(:mod:`medspam.corpus.doorways`), half of them to a shop."""

DISGUISED_SHARE = 0.1
"""Share of the composed sale pages whose visible drug names are written in disguise (leet
digits or Cyrillic look-alike letters, :data:`DISGUISES`), as drug spam writes them to get past
word filters. Without them no training page held a disguised name, and the page and link
scorers gave the disguise itself no weight (0.0) though a legitimate page never writes one."""
AS_WRITTEN_SOURCES = ("realpages", "enron-spam", "sms-spam-collection", written.WRITTEN_SOURCE)
"""Sources whose spam is kept as it was written: real spam text, and the written pages."""

HOME_PAGE_SHARE = 1 / 3
"""Share of the short real-page records put at their site's home page (``https://host/``)."""


def _home_page_or(url: str, name: str) -> str:
    """The site's home page for a stable third of the real pages, else ``url`` itself.

    Nearly every other page at a site's root was a shop, spam mail or offer on its own address
    (190 spam against 18 ham, seed 0), so the link scorer learnt the root as a sale:
    the home pages of 66 of the 604 real web pages' hosts scored above 0.5 as the page's
    address (``economist.com/``: 0.98); 36 with these home pages, none with link tokens that
    are words only as well (:class:`~medspam.features.LinkTokens`). Opening sentences on a
    home page are what news and blog front pages show.
    """
    if stable_fraction("home:" + name) >= HOME_PAGE_SHARE:
        return url
    host = urls.describe_host(url).host
    return f"{url.split('://', 1)[0]}://{host}/" if host else url


def default_material_dir() -> Path:
    """The checkout's ``datasets/composition`` folder."""
    return Path(__file__).resolve().parents[3] / "datasets" / "composition"


def build_corpus(
    data: Path | None = None, material_dir: Path | None = None, *, seed: int = 0,
    written_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Build every corpus record in memory (a few seconds; no files written).

    ``written_dir`` holds the blind sets (default: the checkout's ``datasets/fresh``); the
    ones that have judged their trial join the training folds (``TRAINING_SETS``), the
    threshold sets the validation pool (``THRESHOLD_SETS``).
    """
    data = data or sources.shared_data_dir()
    material = Material.load(material_dir or default_material_dir())
    return list(Builder(data, material, seed=seed,
                        written_dir=written_dir or written.default_written_dir()).records())
