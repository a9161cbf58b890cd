"""Snapshot the shipped model's exact scores, or compare against a snapshot (speed-up guard).

Every speed-up must leave feature values, and so scores, unchanged. This script classifies the
real web pages, the pages of ``tests/pages`` and the generated small pages, and writes the
unrounded page score, signals, link scores and reason weights (plus reason texts) of each.
With ``--compare`` it reads an earlier snapshot and reports the largest difference; it exits 1
when any number differs by more than ``--tolerance`` (default 1e-9) or any text differs.

Usage::

    python benchmarks/score_snapshot.py --out before.json [--limit 661]
    python benchmarks/score_snapshot.py --out after.json --compare before.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from _pages import real_pages, small_pages, test_pages

import medspam


def snapshot(verdict: medspam.Verdict) -> dict[str, Any]:
    """Unrounded numbers and texts of one verdict."""
    return {
        "score": verdict.score,
        "category": verdict.category,
        "signals": dict(verdict.signals),
        "reasons": [(r.text, r.weight, r.source) for r in verdict.reasons],
        "links": [(e.link.url, e.link.how, e.score, [(r.text, r.weight) for r in e.reasons])
                  for e in verdict.links],
        "notes": list(verdict.notes),
    }


def compare(old: Any, new: Any, path: str, tolerance: float, problems: list[str]) -> float:
    """Walk two snapshots together; return the largest numeric difference, note mismatches."""
    if isinstance(old, float) or isinstance(new, float):
        diff = abs(float(old) - float(new))
        if diff > tolerance:
            problems.append(f"{path}: {old!r} -> {new!r}")
        return diff
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            problems.append(f"{path}: keys {sorted(old)} -> {sorted(new)}")
            return 0.0
        return max((compare(old[k], new[k], f"{path}.{k}", tolerance, problems) for k in old),
                   default=0.0)
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            problems.append(f"{path}: {len(old)} items -> {len(new)}")
            return 0.0
        return max((compare(a, b, f"{path}[{i}]", tolerance, problems)
                    for i, (a, b) in enumerate(zip(old, new, strict=True))), default=0.0)
    if old != new:
        problems.append(f"{path}: {old!r} -> {new!r}")
    return 0.0


def main() -> int:
    """Write a snapshot and optionally compare it with an earlier one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="real pages (default: all)")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    clf = medspam.Classifier.load()
    pages = [*real_pages(args.limit), *test_pages(), *small_pages(100)]
    single = {name: snapshot(clf.classify(body, url)) for name, body, url in pages}
    batched = list(clf.classify_many((body, url) for _, body, url in pages))
    result = {"single": single,
              "batch": {name: snapshot(v) for (name, _, _), v in zip(pages, batched, strict=True)}}
    args.out.write_text(json.dumps(result, indent=0), encoding="utf-8")
    result = json.loads(json.dumps(result))  # tuples -> lists, as the snapshot on disk
    print(f"{len(pages)} pages snapshotted to {args.out}")
    problems: list[str] = []
    worst = compare(result["single"], result["batch"], "single-vs-batch", args.tolerance, problems)
    print(f"single vs classify_many: max |diff| = {worst:.3g}")
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        for mode in ("single", "batch"):
            worst = compare(old[mode], result[mode], mode, args.tolerance, problems)
            print(f"{mode}: max |diff| vs {args.compare} = {worst:.3g}")
    for problem in problems[:20]:
        print("MISMATCH", problem)
    print(f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
