"""Quality gate: the shipped model, re-measured on held-out data, may not fall below the floor.

The floor in ``quality_floor.json`` holds the numbers of the shipped model; raising it is part
of shipping a better model, lowering it is a deliberate commit that says why. Metrics named
``fresh.…`` (``pages.jsonl``) and ``fresh_<set>.…`` (``<set>.jsonl``: ``second`` …) are
measured on the sets of blind pages in ``datasets/fresh`` (written by us, so they need no
../shared); the others on the held-out pools built from ../shared/data.
"""

import json
from pathlib import Path

import pytest

from conftest import shared_path
from medspam.evaluate import classify_records, evaluate_heldout, read_labelled, report

FLOOR = json.loads((Path(__file__).parent / "quality_floor.json").read_text(encoding="utf-8"))
FRESH = Path(__file__).parents[1] / "datasets" / "fresh"
FRESH_SETS = {"fresh" if path.stem == "pages" else f"fresh_{path.stem}": path
              for path in sorted(FRESH.glob("*.jsonl"))}
"""Every set of blind pages, by the prefix its floors carry: a set added is measured too."""
SLACK = 1e-9


def _is_blind(name):
    """The metric is read from the blind pages of ``datasets/fresh``."""
    return name.split(".")[0] in FRESH_SETS


def _params(bound):
    """Each floor's name; those read from ../shared carry the ``shared_data`` mark."""
    return [pytest.param(name, marks=() if _is_blind(name) else pytest.mark.shared_data)
            for name in sorted(FLOOR[bound])]


@pytest.fixture(scope="module")
def measured_shared(classifier):
    shared_path("data/SOURCES.md")
    out = evaluate_heldout(classifier)
    out.pop("_results")
    return out


@pytest.fixture(scope="module")
def measured_fresh(classifier):
    return {name: report(classify_records(classifier, list(read_labelled(path))))
            for name, path in FRESH_SETS.items()}


@pytest.fixture
def measured(request, name):
    """The evaluation the metric ``name`` is read from: the blind pages, or ../shared's pools."""
    return request.getfixturevalue("measured_fresh" if _is_blind(name) else "measured_shared")


def metric(measured, name):
    """The value at a dotted path such as ``test.overall.recall``.

    A key may hold a dot itself (``recall_at_fpr_0.1pct``): parts join until they name a key.
    """
    value = measured
    parts = name.split(".")
    while parts:
        key = parts.pop(0)
        while key not in value and parts:
            key += "." + parts.pop(0)
        value = value[key]
    return value


def test_every_blind_set_has_floors_and_every_blind_floor_a_set():
    """A set without floors would be measured for nothing; a floor without its set, never."""
    floored = {name.split(".")[0] for bound in ("at_least", "at_most") for name in FLOOR[bound]}
    assert set(FRESH_SETS) == {prefix for prefix in floored if prefix.startswith("fresh")}


@pytest.mark.parametrize("name", _params("at_least"))
def test_metric_is_at_least_its_floor(measured, name):
    value = metric(measured, name)
    assert value >= FLOOR["at_least"][name] - SLACK, f"{name} fell to {value}"


@pytest.mark.parametrize("name", _params("at_most"))
def test_metric_is_at_most_its_ceiling(measured, name):
    value = metric(measured, name)
    assert value <= FLOOR["at_most"][name] + SLACK, f"{name} rose to {value}"
