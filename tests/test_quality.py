"""Quality gate: the shipped model, re-measured on held-out data, may not fall below the floor.

The floor in ``quality_floor.json`` holds the numbers of the shipped model; raising it is part
of shipping a better model, lowering it is a deliberate commit that says why. Metrics named
``fresh.…`` (``pages.jsonl``) and ``fresh_<set>.…`` (``<set>.jsonl``: ``second`` …) are
measured on the sets of blind pages in ``datasets/fresh`` (written by us, so they need no
../shared); the others on the held-out pools built from ../shared/data. ``floors.py`` beside
this file measures every metric and moves the floors when a model ships.
"""

import pytest

from conftest import shared_path
from floors import FRESH_SETS, SLACK, is_blind, measure_fresh, measure_shared, metric, read_floors

FLOOR = read_floors()


def _params(bound):
    """Each floor's name; those read from ../shared carry the ``shared_data`` mark."""
    return [pytest.param(name, marks=() if is_blind(name) else pytest.mark.shared_data)
            for name in sorted(FLOOR[bound])]


@pytest.fixture(scope="module")
def measured_shared(classifier):
    shared_path("data/SOURCES.md")
    return measure_shared(classifier)


@pytest.fixture(scope="module")
def measured_fresh(classifier):
    return measure_fresh(classifier)


@pytest.fixture
def measured(request, name):
    """The evaluation the metric ``name`` is read from: the blind pages, or ../shared's pools."""
    return request.getfixturevalue("measured_fresh" if is_blind(name) else "measured_shared")


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
