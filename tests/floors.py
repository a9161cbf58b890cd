"""The quality floors of ``quality_floor.json``: what they measure, and a tool that moves them.

``test_quality.py`` fails on any metric below its floor (``at_least``) or above its ceiling
(``at_most``). Shipping a model moves them in two commits: the floors it fails are lowered in
their own, deliberate commit, and once it has landed every floor it beats is raised to it. Run
from the checkout, with ../shared beside it::

    python tests/floors.py check  [--model M --trust-model] [--save F | --measured F]
    python tests/floors.py lower  [--measured F]   # failing floors down to the measured values
    python tests/floors.py raise  [--measured F]   # beaten floors up to the measured values
    python tests/floors.py add-set NAME [--measured F]   # floors for a new blind set

Measuring takes about two minutes; ``--save`` keeps it and ``--measured`` re-uses it, so that
lowering and raising read the same numbers. The ``_comment`` (what the floors were measured
on) is written by hand.

Exit status: 0 when every floor holds (``check``) or the file was written; 1 when ``check``
finds a floor broken.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLOOR_PATH = Path(__file__).parent / "quality_floor.json"
FRESH = Path(__file__).parents[1] / "datasets" / "fresh"
FRESH_SETS = {"fresh" if path.stem == "pages" else f"fresh_{path.stem}": path
              for path in sorted(FRESH.glob("*.jsonl"))}
"""Every set of blind pages, by the prefix its floors carry: a set added is measured too."""
SLACK = 1e-9
BOUNDS = ("at_least", "at_most")


def read_floors(path: Path = FLOOR_PATH) -> dict[str, Any]:
    """The floor file: ``_comment``, ``at_least`` and ``at_most``."""
    floors: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return floors


def write_floors(floors: dict[str, Any], path: Path = FLOOR_PATH) -> None:
    """Write the floor file in the layout it is kept in (keys in the order they were added)."""
    path.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def is_blind(name: str) -> bool:
    """The metric is read from the blind pages of ``datasets/fresh``."""
    return name.split(".", maxsplit=1)[0] in FRESH_SETS


def metric(measured: dict[str, Any], name: str) -> Any:
    """The value at a dotted path such as ``test.overall.recall``.

    A key may hold a dot itself (``recall_at_fpr_0.1pct``): parts join until they name a key.

    >>> metric({"a": {"recall_at_fpr_0.1pct": 0.5}}, "a.recall_at_fpr_0.1pct")
    0.5
    """
    value = measured
    parts = name.split(".")
    while parts:
        key = parts.pop(0)
        while key not in value and parts:
            key += "." + parts.pop(0)
        value = value[key]
    return value


def measure_shared(classifier: Any) -> dict[str, Any]:
    """The held-out pools built from ../shared/data, as ``medspam evaluate`` measures them."""
    from medspam.evaluate import evaluate_heldout  # noqa: PLC0415 - only when measuring

    out = evaluate_heldout(classifier)
    out.pop("_results")
    return out


def measure_fresh(classifier: Any) -> dict[str, Any]:
    """Every blind set of ``datasets/fresh``, by its floors' prefix."""
    from medspam.evaluate import classify_records, read_labelled, report  # noqa: PLC0415

    return {name: report(classify_records(classifier, list(read_labelled(path))))
            for name, path in FRESH_SETS.items()}


def holds(bound: str, value: float, floor: float) -> bool:
    """The value is on the right side of its floor (``at_least``) or ceiling (``at_most``)."""
    return value >= floor - SLACK if bound == "at_least" else value <= floor + SLACK


def rounded(bound: str, value: float) -> float:
    """A floor for a measured value: down to 3 decimals, a ceiling up to 4; counts stay.

    >>> rounded("at_least", 103 / 120), rounded("at_most", 2 / 1662), rounded("at_most", 1)
    (0.858, 0.0013, 1)
    """
    if isinstance(value, int):
        return value
    if bound == "at_least":
        return math.floor(round(value * 1000, 6)) / 1000
    return math.ceil(round(value * 10000, 6)) / 10000


def lower(floors: dict[str, Any], measured: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Move every broken floor to the measured value; return (name, old, new) of each."""
    return _move(floors, measured, lambda bound, value, floor: not holds(bound, value, floor))


def raise_(floors: dict[str, Any], measured: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Move every floor the measured value beats by a rounding step; return what moved."""
    def beaten(bound: str, value: float, floor: float) -> bool:
        new = rounded(bound, value)
        return new > floor + SLACK if bound == "at_least" else new < floor - SLACK
    return _move(floors, measured, beaten)


def _move(floors: dict[str, Any], measured: dict[str, Any],
          moves: Callable[[str, float, float], bool]) -> list[tuple[str, Any, Any]]:
    moved = []
    for bound in BOUNDS:
        for name, floor in floors[bound].items():
            value = metric(measured, name)
            if moves(bound, value, floor):
                floors[bound][name] = rounded(bound, value)
                moved.append((name, floor, floors[bound][name]))
    return moved


def set_prefix(name: str) -> str:
    """The prefix of a blind set's floors: ``fresh`` for ``pages``, ``fresh_<name>`` else."""
    return "fresh" if name == "pages" else f"fresh_{name}"


def set_metrics(floors: dict[str, Any], bound: str) -> set[str]:
    """The metrics every blind set with floors is floored on (``overall.recall`` …).

    >>> set_metrics({"at_least": {"fresh.a": 1, "fresh_second.a": 1, "fresh.b": 1}}, "at_least")
    {'a'}
    """
    by_set: dict[str, set[str]] = {}
    for name in floors[bound]:
        prefix, _, suffix = name.partition(".")
        if prefix in FRESH_SETS:
            by_set.setdefault(prefix, set()).add(suffix)
    return set.intersection(*by_set.values()) if by_set else set()


def add_set(floors: dict[str, Any], measured: dict[str, Any],
            name: str) -> list[tuple[str, Any, Any]]:
    """Add the floors of the blind set ``datasets/fresh/<name>.jsonl`` at its measured values:
    those every other blind set has."""
    prefix = set_prefix(name)
    added = []
    for bound in BOUNDS:
        for suffix in sorted(set_metrics(floors, bound)):
            key = f"{prefix}.{suffix}"
            if key not in floors[bound]:
                floors[bound][key] = rounded(bound, metric(measured, key))
                added.append((key, None, floors[bound][key]))
    return added


def measure(model: Path | None, trusted: bool) -> dict[str, Any]:
    """Every metric the floors read, measured with the shipped model or ``model``."""
    from medspam import Classifier  # noqa: PLC0415 - not needed to read the floors

    classifier = Classifier.load(model, trusted=trusted) if model else Classifier.load()
    return {**measure_shared(classifier), **measure_fresh(classifier)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("action", choices=("check", "lower", "raise", "add-set"))
    parser.add_argument("set", nargs="?", help="add-set: the blind set's name (twenty-eighth)")
    parser.add_argument("--model", type=Path, help="measure this model, not the shipped one")
    parser.add_argument("--trust-model", action="store_true", help="load --model unverified")
    parser.add_argument("--save", type=Path, help="write the measurements to this JSON file")
    parser.add_argument("--measured", type=Path, help="read measurements saved by --save")
    parser.add_argument("--floors", type=Path, default=FLOOR_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.action == "add-set" and set_prefix(args.set or "") not in FRESH_SETS:
        parser.error(f"add-set needs the name of a blind set in {FRESH}")

    if args.measured:
        measured = json.loads(args.measured.read_text(encoding="utf-8"))
    else:
        measured = measure(args.model, args.trust_model)
    if args.save:
        args.save.write_text(json.dumps(measured, indent=1) + "\n", encoding="utf-8")

    floors = read_floors(args.floors)
    if args.action == "check":
        broken = [(name, floor, metric(measured, name)) for bound in BOUNDS
                  for name, floor in floors[bound].items()
                  if not holds(bound, metric(measured, name), floor)]
        beaten = raise_(copy.deepcopy(floors), measured)
        for name, floor, value in broken:
            print(f"FAIL {name}: floor {floor}, measured {value}")
        print(f"{len(broken)} broken, {len(beaten)} could be raised, of "
              f"{sum(len(floors[b]) for b in BOUNDS)} floors")
        return 1 if broken else 0
    if args.action == "add-set":
        moved = add_set(floors, measured, args.set)
    else:
        moved = (lower if args.action == "lower" else raise_)(floors, measured)
    for name, old, new in moved:
        print(f"{name}: {old} -> {new}")
    write_floors(floors, args.floors)
    print(f"{len(moved)} floors written to {args.floors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
