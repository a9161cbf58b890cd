import dataclasses
import gzip
import json
import pickle
import shutil
from pathlib import Path

import pytest

from medspam import Classifier, ModelError, ModelIntegrityError
from medspam.card import card_path_for, read_card
from medspam.features import FEATURES_VERSION
from medspam.modelio import default_model_path, load_bundle


@pytest.fixture
def model_copy(tmp_path):
    source = default_model_path()
    target = tmp_path / source.name
    shutil.copy2(source, target)
    shutil.copy2(card_path_for(source), card_path_for(target))
    return target


def test_copy_loads_only_when_trusted(model_copy):
    with pytest.raises(ModelError, match="trusted=True"):
        Classifier.load(model_copy)
    assert Classifier.load(model_copy, trusted=True).threshold > 0


def test_tampered_model_is_refused_before_unpickling(model_copy):
    with model_copy.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        Classifier.load(model_copy, trusted=True)


def test_missing_card_is_a_clear_error(model_copy):
    card_path_for(model_copy).unlink()
    with pytest.raises(ModelError, match=r"card .* not found"):
        Classifier.load(model_copy, trusted=True)


def _resave(bundle, path):
    """Save ``bundle`` at ``path`` with its card's sha256 updated: a file that matches its card."""
    from medspam.modelio import save_bundle  # noqa: PLC0415

    card_path = card_path_for(path)
    card = json.loads(card_path.read_text())
    card["sha256"] = save_bundle(bundle, path)
    card_path.write_text(json.dumps(card))


def test_a_model_of_other_features_is_refused_at_load(model_copy):
    """A model trained with other feature code is refused with a clear error, not scored."""
    bundle = load_bundle(model_copy, trusted=True).bundle
    names = list(bundle.page_model.feature_names)
    names[names.index("cues__drug_terms")] = "cues__renamed_cue"
    bundle.page_model = dataclasses.replace(bundle.page_model, feature_names=tuple(names))
    _resave(bundle, model_copy)
    with pytest.raises(ModelError, match=r"other features .*renamed_cue.*medspam train"):
        Classifier.load(model_copy, trusted=True)


def test_a_page_booster_of_other_columns_is_refused_at_load(model_copy):
    """Trees fit on other page columns than the page scorer's would score nonsense."""
    bundle = load_bundle(model_copy, trusted=True).bundle
    assert bundle.page_booster is not None
    booster = bundle.page_booster
    bundle.page_booster = dataclasses.replace(booster, columns=booster.columns[::-1].copy())
    _resave(bundle, model_copy)
    with pytest.raises(ModelError, match=r"page booster's columns .*medspam train"):
        Classifier.load(model_copy, trusted=True)


def write_model(folder, data, card_text=None):
    """A model file of ``data`` in ``folder`` with a card that matches its sha256."""
    import json  # noqa: PLC0415

    from medspam.card import sha256_of  # noqa: PLC0415

    path = folder / "x.pkl.gz"
    path.write_bytes(data)
    card = {"name": "x", "version": "0", "sha256": sha256_of(data), "threshold": 0.5,
            "features_version": FEATURES_VERSION}
    card_path_for(path).write_text(json.dumps(card) if card_text is None else card_text)
    return path


@pytest.mark.parametrize("version", [None, 1, "2", FEATURES_VERSION + 1],
                         ids=["absent", "old", "text", "newer"])
def test_a_model_of_other_features_is_refused_before_unpickling(tmp_path, version):
    """Its transformers would run this code and score nonsense without an error."""
    card = {"name": "x", "version": "0", "sha256": "0" * 64, "threshold": 0.5}
    if version is not None:
        card["features_version"] = version
    path = write_model(tmp_path, b"not even a pickle", json.dumps(card))
    expected = 1 if version is None else version
    with pytest.raises(ModelError, match=(
            f"trained with features version {expected!r}, and this medspam computes version "
            f"{FEATURES_VERSION}.*medspam train")):
        Classifier.load(path, trusted=True)


def test_the_shipped_card_records_this_codes_features_version():
    assert read_card(card_path_for(default_model_path()))["features_version"] == FEATURES_VERSION


@pytest.mark.parametrize("card_text", ["5", "null", '"name version sha256 threshold"', "[]"],
                         ids=["number", "null", "string", "list"])
def test_a_card_that_is_not_a_json_object_is_refused(tmp_path, card_text):
    path = write_model(tmp_path, b"", card_text)
    with pytest.raises(ModelError, match=r"x\.card\.json holds a JSON \w+, not an object"):
        Classifier.load(path, trusted=True)


@pytest.mark.parametrize(("field", "value"), [("name", [1]), ("sha256", None), ("threshold", 5),
                                             ("threshold", "0.5"), ("threshold", True)],
                         ids=["name-list", "sha-null", "threshold-5", "threshold-text",
                              "threshold-bool"])
def test_a_card_field_of_the_wrong_type_or_range_is_refused(tmp_path, field, value):
    card = {"name": "medspam", "version": "0.1.0", "sha256": "0" * 64, "threshold": 0.5}
    path = write_model(tmp_path, b"", json.dumps({**card, field: value}))
    with pytest.raises(ModelError, match=f"has a {field} of the wrong type or range"):
        Classifier.load(path, trusted=True)


def _bundle_of_strings():
    from medspam.modelio import ModelBundle  # noqa: PLC0415

    return pickle.dumps(ModelBundle("not", "a", "scorer", 0.5))


@pytest.mark.parametrize(
    ("data", "match"),
    [(gzip.compress(b"\x80\x09."), r"x\.pkl\.gz is not a readable .*unsupported pickle protocol"),
     (gzip.compress(b"x" * 100)[:12] + b"\xff" * 20 + gzip.compress(b"x" * 100)[-8:],
      r"x\.pkl\.gz is not a readable medspam model"),
     (b"not gzip at all", r"x\.pkl\.gz is not a readable medspam model"),
     (gzip.compress(pickle.dumps(5)), r"x\.pkl\.gz holds a int, not a medspam ModelBundle"),
     (gzip.compress(_bundle_of_strings()), r"x\.pkl\.gz holds a str as link_model, not a")],
    ids=["pickle-protocol-9", "corrupt-deflate", "not-gzip", "not-a-bundle", "scorer-not-scorer"])
def test_a_corrupt_model_matching_its_card_is_refused(tmp_path, data, match):
    path = write_model(tmp_path, data)
    with pytest.raises(ModelError, match=match):
        Classifier.load(path, trusted=True)


@pytest.mark.parametrize("name", ["", ".", "a folder"])
def test_a_model_path_without_a_file_name_is_refused(name, tmp_path):
    path = tmp_path if name == "a folder" else Path(name)
    with pytest.raises(ModelError, match="is not a model file"):
        Classifier.load(path, trusted=True)
