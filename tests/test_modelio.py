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
