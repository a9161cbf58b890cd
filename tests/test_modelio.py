import shutil

import pytest

from medspam import Classifier, ModelError, ModelIntegrityError
from medspam.card import card_path_for
from medspam.modelio import default_model_path


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


def test_a_model_of_other_features_is_refused_at_load(model_copy):
    """A model trained with other feature code is refused with a clear error, not scored."""
    import dataclasses  # noqa: PLC0415
    import json  # noqa: PLC0415

    from medspam.modelio import load_bundle, save_bundle  # noqa: PLC0415

    bundle = load_bundle(model_copy, trusted=True).bundle
    names = list(bundle.page_model.feature_names)
    names[names.index("cues__drug_terms")] = "cues__renamed_cue"
    bundle.page_model = dataclasses.replace(bundle.page_model, feature_names=tuple(names))
    card_path = card_path_for(model_copy)
    card = json.loads(card_path.read_text())
    card["sha256"] = save_bundle(bundle, model_copy)
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"other features .*renamed_cue.*medspam train"):
        Classifier.load(model_copy, trusted=True)
