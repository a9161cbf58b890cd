import json

import pytest

from medspam import Link, LinkEvidence, Reason, Verdict
from medspam.verdict import ModelInfo

VERDICTS = [
    Verdict(score=0.1, threshold=0.6),
    Verdict(
        score=0.97,
        threshold=0.6,
        category="medical-drug-sales",
        signals={"drug_sales": 0.97, "medical": 0.9},
        reasons=(Reason("links to buyx.example", 2.5, "links"),),
        links=(LinkEvidence(Link(url="https://buyx.example/p", domain="buyx.example",
                                 found="text", is_hidden=True), 0.99,
                            (Reason("shop domain", 1.0, "link"),)),),
        model=ModelInfo("medspam", "0.1.0", "ab" * 32),
        url="https://community.example/post/1",
        notes=("decoded as cp1252",),
    ),
]


@pytest.mark.parametrize("verdict", VERDICTS, ids=["clean", "spam-with-links"])
def test_round_trip_through_json(verdict):
    data = json.loads(json.dumps(verdict.to_dict()))
    assert Verdict.from_dict(data).to_dict() == data


@pytest.mark.parametrize(
    ("score", "threshold", "expected"),
    [(0.5, 0.5, "spam"), (0.49, 0.5, "ok"), (0.99, 0.995, "ok")],
    ids=["at-threshold", "below", "high-threshold"],
)
def test_verdict_follows_threshold(score, threshold, expected):
    assert Verdict(score=score, threshold=threshold).verdict == expected


def test_schema_fields_are_the_documented_ones():
    keys = set(VERDICTS[1].to_dict())
    assert keys == {"schema", "verdict", "category", "score", "threshold", "url", "signals",
                    "reasons", "links", "model", "notes", "listed"}
    link = VERDICTS[1].to_dict()["links"][0]
    assert link["found"] == "hidden"
    assert set(link) == {"url", "domain", "anchor", "found", "hidden", "scripted", "automatic",
                         "element", "via", "external", "rel", "raw", "score", "reasons"}
