"""Where the time of ``Classifier.classify`` goes, stage by stage, on one core.

Runs the same steps as ``Classifier.classify_pages`` for one page at a time, with a timer
around each stage: decode + parse only (the floor: selectolax/lexbor builds the tree, nothing
is walked), extract (decode, parse, walk), urls (link assembly: normalise, host facts, text
links; part of extract), link features, link predict, the sale-text scorer over the whole text
and each passage (the text cut to its budget is part of it), page features (page and medical
scorers), predict, explain (contributions, reasons, verdict). Prints a Markdown table of
mean ms/page per stage for the real web pages and for generated ~5 KB pages.

Usage::

    python benchmarks/profile_stages.py [--limit 661] [--small 400]
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from _pages import Page, real_pages, small_pages
from selectolax.lexbor import LexborHTMLParser

import medspam
import medspam.extract
from medspam.classifier import EXPLAINED_LINK_SCORE, _Scored
from medspam.extract.decode import decode_bytes
from medspam.features import ScoredPage, links_to_score, score_sale_text

STAGES = ("parse only (floor)", "extract (incl. urls)", "  of which urls/links",
          "link features", "link predict", "sale text (whole + passages)", "page features",
          "predict", "explain")


class Timer:
    """Wall and CPU time per stage, summed over pages."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time one stage."""
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[name] += time.perf_counter() - wall
        self.cpu[name] += time.process_time() - cpu

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``func`` timed under ``name``."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return func(*args, **kwargs)
        return timed


def classify_timed(clf: medspam.Classifier, body: bytes, url: str | None, timer: Timer) -> None:
    """``clf.classify(body, url)`` split into timed stages (mirrors ``classify_pages``)."""
    with timer.stage("parse only (floor)"):
        LexborHTMLParser(decode_bytes(body[: clf.settings.max_bytes]).text)
    with timer.stage("extract (incl. urls)"):
        page = medspam.extract.extract_page(body, url, settings=clf.settings)
    bundle = clf._model.bundle  # noqa: SLF001 - a profile looks inside
    link_scorer, page_scorer = clf._link_scorer, clf._page_scorer  # noqa: SLF001
    medical_scorer = clf._medical_scorer  # noqa: SLF001
    links = links_to_score(page)
    probs = np.zeros(0)
    with timer.stage("link features"):
        features = link_scorer.features(list(links)) if links else None
    with timer.stage("link predict"):
        if features is not None:
            probs = link_scorer.probabilities(features)
    with timer.stage("explain"):
        explain = probs >= EXPLAINED_LINK_SCORE
        rows = iter(clf._link_explainer.contributions(features[np.flatnonzero(explain)])  # noqa: SLF001
                    if features is not None else [])
        link_rows = [next(rows) if e else [] for e in explain]
    scores = tuple(float(p) for p in probs)
    with timer.stage("sale text (whole + passages)"):
        scored = ScoredPage.from_link_scores(page, scores, max_words=bundle.max_feature_words)
        if clf._sale_text_scorer is not None:  # noqa: SLF001 - older models lack it
            scored = score_sale_text(clf._sale_text_scorer, [scored])[0]  # noqa: SLF001
    with timer.stage("page features"):
        page_x = page_scorer.features([scored])
        medical_x = medical_scorer.features([scored])
    with timer.stage("predict"):
        score = float(page_scorer.probabilities(page_x)[0])
        medical = float(medical_scorer.probabilities(medical_x)[0])
    with timer.stage("explain"):
        contribs = clf._page_explainer.contributions(page_x)[0]  # noqa: SLF001
        clf._verdict(_Scored(scored, links, scores, link_rows), score, medical, contribs)  # noqa: SLF001


def profile(clf: medspam.Classifier, pages: list[Page]) -> tuple[Timer, float]:
    """Profile every page once; return the timer and the total wall time."""
    timer = Timer()
    original = medspam.extract.collect_links
    medspam.extract.collect_links = timer.wrap("  of which urls/links", original)
    start = time.perf_counter()
    try:
        for _, body, url in pages:
            classify_timed(clf, body, url, timer)
    finally:
        medspam.extract.collect_links = original
    return timer, time.perf_counter() - start


def main() -> None:
    """Print the stage table for the real pages and the small pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="real pages (default: all)")
    parser.add_argument("--small", type=int, default=400, help="generated ~5 KB pages")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    clf = medspam.Classifier.load()
    sets = {"real web pages": real_pages(args.limit), "~5 KB pages": small_pages(args.small)}
    clf.classify(sets["~5 KB pages"][0][1])  # load lazy tables outside the timings
    results = {name: profile(clf, pages) for name, pages in sets.items()}
    print("| stage | " + " | ".join(f"{n} ms/page wall (cpu)" for n in results) + " |")
    print("|---|" + "---|" * len(results))
    for stage in STAGES:
        cells = [f"{t.wall[stage] / len(sets[n]) * 1e3:.2f} "
                 f"({t.cpu[stage] / len(sets[n]) * 1e3:.2f})" for n, (t, _) in results.items()]
        print(f"| {stage} | " + " | ".join(cells) + " |")
    model = [sum(t.wall[s] for s in STAGES[1:] if not s.startswith(" ")) / len(sets[n]) * 1e3
             for n, (t, _) in results.items()]
    print("| **classify total** (excl. floor) | " + " | ".join(f"{m:.2f}" for m in model) + " |")
    for name, (_, wall) in results.items():
        print(f"{name}: {len(sets[name])} pages, {wall:.1f} s wall including the floor")


if __name__ == "__main__":
    main()
