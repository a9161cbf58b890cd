"""Cross-validated quality on ``realpages``: every real page held out once, by host.

The model card measures ``realpages`` on the hosts of the test pool: 49 sale pages and 39
look-alikes. At 5 % FPR that allows one look-alike, so one page moves recall by 0.02 and the
bar (0.80 at 5 % FPR) is read at a resolution of one page. This script trains one model per
fold of the real pages' hosts (each fold held out in turn as the test pool; every other corpus
record keeps its pool) and measures the real pages on the pooled held-out scores: all 247
pages, 127 look-alikes, so 5 % FPR allows six.

Run from a checkout with ../shared beside it (one training per fold, about 5 minutes each on
two cores)::

    python benchmarks/realpages_cv.py [--folds 4] [--seed 0] [--work DIR]
        [--out FILE.json]

It changes nothing in the repository; ``--out`` writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from medspam import Classifier
from medspam import train as training
from medspam.corpus import build_corpus
from medspam.evaluate import Scored, classify_records, metrics

TRAIN_POOLS = ("fold-a", "fold-b", "valid")
"""Where a real page goes when its host's fold is not held out, in the shares the corpus gives
them (0.3 / 0.2 / 0.2 of the real pages' hosts)."""
TRAIN_SHARES = (3, 2, 2)


def host_fold(group: str, folds: int) -> int:
    """The cross-validation fold of a real page's host (a stable hash, as pools are)."""
    return int(hashlib.sha256(("cv:" + group).encode("utf-8")).hexdigest()[:8], 16) % folds


def train_pool(group: str) -> str:
    """The training pool of a host that is not held out."""
    slot = int(hashlib.sha256(("pool:" + group).encode("utf-8")).hexdigest()[:8], 16) % sum(
        TRAIN_SHARES)
    for pool, share in zip(TRAIN_POOLS, TRAIN_SHARES, strict=True):
        if slot < share:
            return pool
        slot -= share
    return TRAIN_POOLS[-1]


def corpus_for(fold: int, folds: int) -> Callable[..., list[dict[str, Any]]]:
    """``build_corpus`` with the real pages of ``fold`` held out as the test pool."""

    def build(**kwargs: Any) -> list[dict[str, Any]]:
        records = build_corpus(**kwargs)
        for record in records:
            if record["source"] == "realpages":  # every other record keeps its pool
                held_out = host_fold(record["group"], folds) == fold
                record["pool"] = "test" if held_out else train_pool(record["group"])
        return records

    return build


def run_fold(fold: int, folds: int, seed: int, work: Path) -> list[Scored]:
    """Train with ``fold`` held out; return the held-out real pages with their verdicts."""
    out_dir = work / f"fold-{fold}"
    out_dir.mkdir(parents=True, exist_ok=True)
    build = corpus_for(fold, folds)
    built: list[list[dict[str, Any]]] = []  # the corpus training built, not built again

    def build_and_keep(**kwargs: Any) -> list[dict[str, Any]]:
        built.append(build(**kwargs))
        return built[-1]

    with mock.patch("medspam.train.build_corpus", build_and_keep):
        model_path = training.train(out_dir, seed=seed, progress=lambda m: print(
            f"fold {fold}: {m}", file=sys.stderr))
    held_out = [r for r in built[-1] if r["source"] == "realpages" and r["pool"] == "test"]
    classifier = Classifier.load(model_path, trusted=True)
    return classify_records(classifier, held_out)


def summary(results: list[Scored]) -> dict[str, Any]:
    """The realpages numbers of the model card, on these results."""
    m = metrics(results)
    return {k: round(m[k], 4) if isinstance(m[k], float) else m[k]
            for k in ("n", "spam", "ham", "roc_auc", "recall_at_fpr_5pct", "recall", "fp",
                      "threshold")}


def main() -> None:
    """Train one model per fold and print per-fold and pooled realpages metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "medspam-realpages-cv")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    pooled: list[Scored] = []
    per_fold = {}
    for fold in range(args.folds):
        results = run_fold(fold, args.folds, args.seed, args.work)
        per_fold[f"fold {fold}"] = summary(results)
        print(f"fold {fold}", per_fold[f"fold {fold}"], file=sys.stderr)
        pooled += results
    out = {"seed": args.seed, "folds": per_fold, "pooled": summary(pooled),
           "pooled_at_each_models_threshold": {
               "recall": round(sum(r.verdict.is_spam for r in pooled if r.is_spam)
                               / max(1, sum(r.is_spam for r in pooled)), 4),
               "fp": sum(r.verdict.is_spam for r in pooled if not r.is_spam)}}
    print(json.dumps(out, indent=2))
    if args.out:
        args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
