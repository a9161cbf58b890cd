"""Quality gate: the shipped model, re-measured on held-out data, may not fall below the floor.

The floor in ``quality_floor.json`` holds the numbers of the shipped model; raising it is part
of shipping a better model, lowering it is a deliberate commit that says why.
"""

import json
from pathlib import Path

import pytest

from conftest import shared_path
from medspam.evaluate import evaluate_heldout

FLOOR = json.loads((Path(__file__).parent / "quality_floor.json").read_text(encoding="utf-8"))
SLACK = 1e-9


@pytest.fixture(scope="module")
def measured(classifier):
    shared_path("data/SOURCES.md")
    out = evaluate_heldout(classifier)
    out.pop("_results")
    return out


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


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(FLOOR["at_least"]))
def test_metric_is_at_least_its_floor(measured, name):
    value = metric(measured, name)
    assert value >= FLOOR["at_least"][name] - SLACK, f"{name} fell to {value}"


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(FLOOR["at_most"]))
def test_metric_is_at_most_its_ceiling(measured, name):
    value = metric(measured, name)
    assert value <= FLOOR["at_most"][name] + SLACK, f"{name} rose to {value}"
