"""``medspam corpus build``: write the composed corpus as JSONL and its dataset card."""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console


def add_parser(subparsers: Any) -> None:
    """Register ``corpus`` with its ``build`` action."""
    parser = subparsers.add_parser(
        "corpus", help="build the training corpus from ../shared/data (datasets/RECIPE.md)",
        description="Compose the corpus exactly as `medspam train` does and write it as "
        "JSONL(.gz) records {id, url, html, label, category, pool, source, kind, lang, "
        "placement, ...}, with a dataset card of counts per pool, category, placement and "
        "language. The output holds text read from ../shared/data: keep it out of the "
        "repository.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="write the corpus and its dataset card")
    build.add_argument("--out", type=Path, required=True, help="output JSONL or JSONL.gz file")
    build.add_argument("--card", type=Path,
                       help="dataset card (Markdown) to write (default: beside --out)")
    build.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    build.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build, write and summarise the corpus."""
    from medspam.corpus import build_corpus  # noqa: PLC0415 - needs ../shared/data

    records = build_corpus(seed=args.seed)
    opener: Any = gzip.open if args.out.suffix == ".gz" else open
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with opener(args.out, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    card = args.card or args.out.with_name(args.out.name.split(".")[0] + ".card.md")
    card.write_text(dataset_card(records, seed=args.seed), encoding="utf-8")
    Console(stderr=True).print(f"wrote {len(records)} records to {args.out} and {card}")
    return 0


def dataset_card(records: list[dict[str, Any]], *, seed: int) -> str:
    """A Markdown dataset card: counts per pool by label, category, placement, language, source."""
    from medspam.corpus import POOLS  # noqa: PLC0415 - like build_corpus, imported when used
    lines = [f"# medspam corpus (seed {seed})", "",
             (f"{len(records)} records, composed by `medspam corpus build` as "
              "datasets/RECIPE.md describes. Counts per pool:"), ""]
    for key in ("label", "category", "placement", "lang", "source", "kind"):
        counts = Counter((r["pool"], r.get(key) or "-") for r in records)
        values = sorted({v for _, v in counts})
        lines += [f"## by {key}", "", "| " + key + " | " + " | ".join(POOLS) + " |",
                  "|---" * (len(POOLS) + 1) + "|"]
        lines += ["| " + value + " | " + " | ".join(str(counts[(p, value)]) for p in POOLS) + " |"
                  for value in values]
        lines.append("")
    return "\n".join(lines)
