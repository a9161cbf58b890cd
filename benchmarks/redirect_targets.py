"""Cross-site redirects a crawl records: how many harmless ones are flagged, how many to shops?

A crawl keeps every 3xx response: a site that moved, a campaign address, a sign-in page, a
partner's page. Each distinct site the 661 real web pages link to (one of its addresses, as
the page links it) is taken as the ``Location`` of an empty 302 from an unrelated page, the
shape of a doorway with nothing but where it sends visitors. A flagged one is a false positive
a crawl audit would show. (A corpus with doorway pages, ``docs/model-history.md`` item 24,
would send its harmless doorways to such sites: count then only the sites no training doorway
sends to.) The other side: empty 302s to shop addresses made as the corpus makes them
(``shop_url``) on the shop domains of its test pool, none of which any training page links.

Run from a checkout with ../shared beside it (about a minute)::

    python benchmarks/redirect_targets.py [--model FILE --trust-model] [--show 10]

It changes nothing in the repository.
"""

from __future__ import annotations

import argparse
import random

from _pages import real_pages

from medspam import Classifier, urls
from medspam.corpus.build import Builder, default_material_dir
from medspam.corpus.compose import SPAM_DRUGS, Material, shop_url
from medspam.corpus.sources import shared_data_dir
from medspam.extract import extract_page

FROM = "https://old-site.example.net/page"
"""The page that redirects: a site none of the targets belongs to."""


def link_targets() -> dict[str, str]:
    """One address per site the real web pages link to or frame (site -> address)."""
    targets: dict[str, str] = {}
    for _, body, url in real_pages():
        for link in extract_page(body, url).links:
            if (link.is_external and link.found in {"anchor", "frame"} and link.domain
                    and link.url.startswith("http")):
                targets.setdefault(link.domain, link.url)
    return targets


def shop_addresses(count: int) -> list[str]:
    """``count`` shop addresses on the test pool's shop domains of the corpus (seed 0)."""
    builder = Builder(shared_data_dir(), Material.load(default_material_dir()), seed=0)
    rng = random.Random(0)  # noqa: S311 - a reproducible draw, not a secret
    domains = rng.sample(builder.shops["test"], count)
    return [shop_url(rng, domain, rng.choice(SPAM_DRUGS), builder.material) for domain in domains]


def scores(classifier: Classifier, addresses: list[str]) -> list[tuple[float, str]]:
    """The score of an empty 302 to each address, highest first."""
    verdicts = classifier.classify_many(
        {"html": "", "url": FROM, "location": address} for address in addresses)
    return sorted(zip((v.score for v in verdicts), addresses, strict=True), reverse=True)


def main() -> None:
    """Classify an empty 302 to each target and print how many are flagged."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model file (default: the shipped model)")
    parser.add_argument("--trust-model", action="store_true")
    parser.add_argument("--shops", type=int, default=300, help="shop addresses to try")
    parser.add_argument("--show", type=int, default=10, help="highest scores to list")
    args = parser.parse_args()
    classifier = Classifier.load(args.model, trusted=args.trust_model)
    threshold = classifier.threshold
    harmless = scores(classifier, list(link_targets().values()))
    shops = scores(classifier, shop_addresses(args.shops))
    print(f"threshold {threshold:.3f}: empty 302s to the sites real pages link to, "
          f"{sum(s >= threshold for s, _ in harmless)} of {len(harmless)} flagged; "
          f"to test-pool shops, {sum(s >= threshold for s, _ in shops)} of {len(shops)}")
    for score, address in harmless[: args.show]:
        print(f"  {score:.3f}  {urls.normalise_url(address) or address}")


if __name__ == "__main__":
    main()
