"""Shortcut checks: does the model lean on one feature family, or on how the corpus was made?

Run from a checkout with ../shared beside it (takes several minutes)::

    python benchmarks/shortcut_checks.py [--model models/medspam-0.1.0.pkl.gz] [--out FILE.json]
        [--update-card]

1. Ablations: the page scorer (and the page booster) refit without each feature family
   (link-score summary, page-URL cues, text cues, the sale-text score, page words), without all
   link evidence and without all text;
   recall and FPR on the held-out test pool at the threshold chosen the same way as in
   training. medspam has no domain-list feature: the
   drug-shop lists only supply shop domains for composition, so there is nothing to ablate.
2. Adversarial variants of the held-out spam pages: synonyms for the sale verbs, leet and
   Cyrillic look-alike spellings of drug names, "without a script", a sales sentence in
   another language; recall on each variant against the original.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

from sklearn.base import clone

from medspam import Classifier
from medspam.card import MODEL_SUFFIX, card_path_for, write_card
from medspam.corpus import build_corpus
from medspam.corpus.compose import DISGUISES
from medspam.evaluate import classify_records, metrics
from medspam.features.pipeline import build_page_model, scorer_of
from medspam.modelio import LoadedModel
from medspam.settings import Settings
from medspam.train import (
    FOLDS,
    choose_threshold,
    extract_all,
    fit_page_booster,
    out_of_fold_pages,
    threshold_pool,
    weight_of,
)

FAMILIES = {"without link scores": ["links"], "without page-URL cues": ["url"],
            "without link scores and page-URL cues": ["links", "url"],
            "without text cues": ["cues", "unlinked", "sentences"],
            "without the sale-text score": ["text", "passage"],
            "without page words": ["words"],
            "without text (cues + sale-text score + words)": ["cues", "unlinked", "sentences",
                                                              "text", "passage", "words"]}
CYRILLIC, LEET = DISGUISES["cyrillic"], DISGUISES["leet"]  # as the corpus writes them
DRUGS = re.compile(r"\b(ketamine|oxycodone|xanax|tramadol|adderall|fentanyl|cocaine|valium|"
                   r"percocet|hydrocodone|alprazolam|diazepam|ambien|codeine|morphine)\b",
                   re.IGNORECASE)
VARIANTS = {
    "synonyms (purchase/acquire)": lambda h: re.sub(r"\b[Bb]uy(ing)?\b", "acquire", re.sub(
        r"\b[Oo]rder(ing)?\b", "purchase", h)),
    "leet drug names (k3t4m1n3)": lambda h: DRUGS.sub(lambda m: m.group().translate(LEET), h),
    "Cyrillic look-alikes in drug names": lambda h: DRUGS.sub(
        lambda m: m.group().translate(CYRILLIC), h),
    "'without a script'": lambda h: h.replace("without a prescription", "without a script")
    .replace("no prescription", "no script"),
    "sales sentence in Spanish": lambda h: h.replace(
        "</p>", " Compra sin receta con envío discreto.</p>", 1),
}


def ablations(clf: Classifier, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Refit the page scorer (and booster) without each feature family; measure on the test pool."""
    pages = extract_all(records)
    bundle = clf._model.bundle  # noqa: SLF001 - a development script reads the fitted parts
    by_pool: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_pool.setdefault(record["pool"], []).append(i)
    fit = [i for pool in FOLDS for i in by_pool[pool]]
    # The page scorer's training input, as training makes it: link scores out of fold.
    scored = out_of_fold_pages([records[i] for i in fit], [pages[i] for i in fit],
                               seed=bundle.meta.get("seed", 0), progress=print_err)
    fit_records = [records[i] for i in fit]
    out = {"full model": _measure(clf, records, pages, by_pool)}
    for name, drop in FAMILIES.items():
        variant = LoadedModel(_refit(bundle, scored, fit_records, drop), clf.card,
                              clf._model.path)  # noqa: SLF001
        out[name] = _measure(Classifier(variant, settings=Settings(threshold=0.5)), records,
                             pages, by_pool)
        print(name, out[name], file=sys.stderr)
    return out


def print_err(message: str) -> None:
    """Progress on standard error."""
    print(message, file=sys.stderr)


def _refit(bundle: Any, scored: list[Any], records: list[dict[str, Any]],
           drop: list[str]) -> Any:
    """A copy of ``bundle`` whose page scorer (and page booster, if it has one) is fit again as
    training fits it, with the ``drop`` families switched off."""
    present = set(bundle.page_model.branch_names)
    seed = bundle.meta.get("seed", 0)
    # Older models lack the later families ("sentences", "text", "passage").
    unfitted = build_page_model(random_state=seed).set_params(
        **{f"features__{name}": "drop" for name in drop if name in present})
    page_model = scorer_of(clone(unfitted).fit(
        scored, [int(r["label"] == "spam") for r in records],
        classify__sample_weight=[weight_of(r) for r in records]))
    booster = (None if bundle.page_booster is None
               else fit_page_booster(records, scored, page_model, unfitted, seed=seed))
    return dataclasses.replace(bundle, page_model=page_model, page_booster=booster)


def _measure(clf: Classifier, records: list[dict[str, Any]], pages: list[Any],
             by_pool: dict[str, list[int]]) -> dict[str, float]:
    """Threshold on valid (as training does), then recall/FPR on test."""
    valid = classify_records(clf, [records[i] for i in by_pool["valid"]],
                             [pages[i] for i in by_pool["valid"]])
    test = classify_records(clf, [records[i] for i in by_pool["test"]],
                            [pages[i] for i in by_pool["test"]])
    m = metrics(test, choose_threshold(threshold_pool(valid)))
    return {k: round(m[k], 4) for k in ("recall", "fpr", "roc_auc", "recall_at_fpr_1pct")}


def adversarial(clf: Classifier, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall of the held-out spam pages, original and under each variant."""
    spam = [r for r in records if r["pool"] == "test" and r["label"] == "spam"]

    def recall(transform: Any) -> float:
        pages = [{"html": transform(r["html"]), "url": r["url"], "location": r.get("location")}
                 for r in spam]
        flagged = sum(v.is_spam for v in clf.classify_many(pages))
        return round(flagged / len(spam), 4)

    out = {"original": recall(lambda h: h)}
    for name, transform in VARIANTS.items():
        out[name] = recall(transform)
        print(name, out[name], file=sys.stderr)
    return out


ABOUT = (
    "From `python benchmarks/shortcut_checks.py` (raw: medspam-0.1.0.shortcuts.json). Ablations "
    "refit the page scorer without a feature family and choose the threshold on validation as "
    "training does; medspam has no domain-list feature (the shop lists only supply domains for "
    "composition). Adversarial rows are recall of the held-out spam pages after rewriting them."
)


def card_section(results: dict[str, Any]) -> dict[str, Any]:
    """The model card's Shortcut checks section: the results as tables."""
    adversarial = {name: {"recall": recall} for name, recall in results["adversarial"].items()}
    return {"about": ABOUT, "ablations": results["ablations"], "adversarial": adversarial}


def raw_path(model_path: Path) -> Path:
    """The raw results file the card's section names: ``medspam-0.1.0.shortcuts.json``."""
    return model_path.with_name(model_path.name.removesuffix(MODEL_SUFFIX) + ".shortcuts.json")


def main() -> None:
    """Run both checks and print (or write) the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--update-card", action="store_true",
                        help="write the results into the model card's Shortcut checks section "
                             "and the raw file beside it")
    args = parser.parse_args()
    clf = Classifier.load(args.model, trusted=args.model is not None)
    records = build_corpus()
    results = {"ablations": ablations(clf, records), "adversarial": adversarial(clf, records)}
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.update_card:  # the card's section and the raw file it names, from one run
        section = card_section(results)
        write_card(card_path_for(clf.model_path), {**clf.card, "shortcut_checks": section})
        raw_path(clf.model_path).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
