"""The floor tool: broken floors go down, beaten ones up, to the measured values rounded safe."""

import json

import pytest

from floors import FRESH_SETS, add_set, lower, main, raise_, rounded


def _floors():
    return {"_comment": "by hand",
            "at_least": {"test.overall.recall": 0.9, "test.recall_at_fpr_0.5pct": 0.8},
            "at_most": {"test.overall.fpr": 0.002, "all_webpages.fp": 0}}


MEASURED = {"test": {"overall": {"recall": 0.8837, "fpr": 0.0012034},
                     "recall_at_fpr_0.5pct": 0.91234},
            "all_webpages": {"fp": 0}}


def test_lower_moves_only_the_broken_floor_down_to_the_value():
    floors = _floors()
    assert lower(floors, MEASURED) == [("test.overall.recall", 0.9, 0.883)]
    assert floors["at_least"]["test.recall_at_fpr_0.5pct"] == 0.8  # beaten, not broken: kept


def test_raise_moves_beaten_floors_up_and_ceilings_down():
    floors = _floors()
    assert raise_(floors, MEASURED) == [("test.recall_at_fpr_0.5pct", 0.8, 0.912),
                                        ("test.overall.fpr", 0.002, 0.0013)]
    assert floors["at_least"]["test.overall.recall"] == 0.9  # broken: raise leaves it


def test_a_floor_rounds_towards_passing():
    assert rounded("at_least", 0.95) == 0.95  # not 0.949 from 0.95 * 1000 = 949.999…
    assert rounded("at_least", 0.9999) == 0.999
    assert rounded("at_most", 0.00120001) == 0.0013
    assert rounded("at_most", 3) == 3


def test_a_new_blind_set_gets_the_floors_every_other_set_has():
    first, second, new = [name for name in FRESH_SETS if name != "fresh"][:3]
    floors = {"at_least": {f"{first}.overall.recall": 0.8, f"{first}.by_language.en.recall": 0.9,
                           f"{second}.overall.recall": 0.7, "test.overall.recall": 0.9},
              "at_most": {f"{first}.overall.fp": 0, f"{second}.overall.fp": 1}}
    report = {"overall": {"recall": 0.9166, "fp": 2}, "by_language": {"en": {"recall": 1.0}}}
    added = add_set(floors, {new: report}, new.removeprefix("fresh_"))
    assert added == [(f"{new}.overall.recall", None, 0.916), (f"{new}.overall.fp", None, 2)]
    assert floors["at_most"][f"{new}.overall.fp"] == 2


def test_check_exits_1_on_a_broken_floor_and_lower_writes_the_file(tmp_path, capsys):
    path, measured = tmp_path / "floor.json", tmp_path / "measured.json"
    path.write_text(json.dumps(_floors()), encoding="utf-8")
    measured.write_text(json.dumps(MEASURED), encoding="utf-8")
    args = ["--floors", str(path), "--measured", str(measured)]
    assert main(["check", *args]) == 1
    assert "FAIL test.overall.recall: floor 0.9, measured 0.8837" in capsys.readouterr().out
    assert main(["lower", *args]) == 0
    assert main(["check", *args]) == 0
    assert json.loads(path.read_text(encoding="utf-8"))["_comment"] == "by hand"


def test_add_set_refuses_a_set_that_is_not_there(tmp_path):
    with pytest.raises(SystemExit):
        main(["add-set", "no-such-set", "--measured", str(tmp_path / "unread.json")])
