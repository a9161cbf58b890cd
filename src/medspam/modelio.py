"""ModelBundle save/load: sha256 checked against the card before unpickling; the default path."""

from __future__ import annotations

import gzip
import io
import pickle
import sys
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from medspam.card import MODEL_SUFFIX, card_path_for, read_card, sha256_of
from medspam.errors import ModelError, ModelIntegrityError
from medspam.features import FEATURES_VERSION, Scorer
from medspam.features.trees import PageBooster

_UNREADABLE = (OSError, EOFError, zlib.error,  # gzip: bad header, truncated, bad deflate
              pickle.UnpicklingError, ValueError, AttributeError, ImportError, IndexError)
"""What decompressing and unpickling raise on a corrupt file: the ``pickle`` docs name
``UnpicklingError``, ``AttributeError``, ``EOFError``, ``ImportError`` and ``IndexError``;
an unknown protocol is a ``ValueError``."""


@dataclass
class ModelBundle:
    """The fitted scorers that make one medspam model, saved together in one file.

    The file is a gzip-compressed pickle of this bundle. It holds medspam's own classes,
    numpy arrays and Python values, no scikit-learn object, so loading it imports none.
    """

    link_model: Scorer
    """Link scorer: sequence of Link -> P(drug sales)."""
    page_model: Scorer
    """Page scorer: sequence of ScoredPage -> P(drug sales)."""
    medical_model: Scorer
    """Medical scorer: sequence of ScoredPage -> P(health content)."""
    threshold: float
    """Operating threshold on the page score, chosen on validation data."""
    sale_text_model: Scorer | None = None
    """Sale-text scorer: sequence of ScoredPage -> P(the text offers drugs for sale); its score
    is a page-scorer feature. ``None`` in models older than it (their page scorer does not
    read it)."""
    page_booster: PageBooster | None = None
    """Boosted trees over the page scorer's features and log-odds; the page score blends the
    two (:func:`medspam.features.trees.blend`). ``None`` in models older than it: the page
    scorer's probability is the page score."""
    max_feature_words: int = 1_500
    """Words of page text the features were trained on."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Free-form training facts (corpus sizes, seed)."""


@dataclass(frozen=True)
class LoadedModel:
    """A bundle with the card it was verified against."""

    bundle: ModelBundle
    card: dict[str, Any]
    path: Path


def default_model_dir() -> Path:
    """Return the folder of the shipped model: inside the wheel, else the checkout's ``models/``.

    Raises
    ------
    ModelError
        If neither place holds a model card.
    """
    packaged = Path(str(resources.files("medspam") / "data" / "model"))
    checkout = Path(__file__).resolve().parents[2] / "models"
    for folder in (packaged, checkout):
        if any(folder.glob("*.card.json")):
            return folder
    msg = f"no shipped model found in {packaged} or {checkout}: run `medspam train`"
    raise ModelError(msg)


def default_model_path() -> Path:
    """Return the path of the shipped model file (the newest version in the folder)."""
    cards = sorted(default_model_dir().glob("*.card.json"), key=_version_key)
    return cards[-1].with_name(cards[-1].name.removesuffix(".card.json") + MODEL_SUFFIX)


def _version_key(card: Path) -> tuple[int, ...]:
    """Sort key of ``medspam-1.2.3.card.json`` by its version numbers."""
    version = card.name.removesuffix(".card.json").rsplit("-", 1)[-1]
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def save_bundle(bundle: ModelBundle, path: Path) -> str:
    """Save ``bundle`` as a gzip-compressed pickle and return the file's sha256.

    The gzip header carries no time stamp, so the same bundle gives the same bytes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as packed:
        pickle.dump(bundle, packed, protocol=pickle.HIGHEST_PROTOCOL)
    data = buffer.getvalue()
    path.write_bytes(data)
    return sha256_of(data)


def load_bundle(path: Path | None = None, *, trusted: bool = False) -> LoadedModel:
    """Load a model: read its card, check the file's sha256, only then unpickle it.

    Parameters
    ----------
    path
        Model file; ``None`` loads the shipped model.
    trusted
        Required for a path outside the shipped model folder: unpickling runs code, so only
        load files you made or trust.

    Raises
    ------
    ModelError
        If the file or card is missing or unreadable, the path is untrusted, or the file does
        not hold a medspam model for this code's features.
    ModelIntegrityError
        If the file's sha256 differs from the card's.
    """
    path = default_model_path() if path is None else Path(path)
    card, data = read_checked(path, trusted=trusted)
    try:
        bundle = pickle.loads(gzip.decompress(data))  # noqa: S301 - read_checked checked sha256
    except _UNREADABLE as exc:
        msg = f"{path} is not a readable medspam model: {exc}"
        raise ModelError(msg) from exc
    _check_bundle(bundle, path)
    return LoadedModel(bundle=bundle, card=card, path=path)


def read_checked(path: Path, *, trusted: bool) -> tuple[dict[str, Any], bytes]:
    """Return a model file's card and bytes once every check short of unpickling has passed.

    Separate from :func:`load_bundle` so a long job (``medspam learn``) can refuse an
    untrusted, missing or tampered model before it starts, not after.

    Raises
    ------
    ModelError, ModelIntegrityError
        As :func:`load_bundle`.
    """
    if not path.name or path.is_dir():  # ``--model ''`` or ``.``: no file name to find a card by
        msg = f"{str(path)!r} is not a model file: name a .pkl.gz file"
        raise ModelError(msg)
    if not trusted and path.resolve().parent != default_model_dir().resolve():
        msg = (f"refusing to load {path}: it is not the shipped model and unpickling runs code; "
               "pass trusted=True (CLI: --trust-model) if you made it or trust its source")
        raise ModelError(msg)
    card = read_card(card_path_for(path))
    _check_features_version(card, path)
    if not path.is_file():
        msg = f"model file {path} not found beside its card"
        raise ModelError(msg)
    data = path.read_bytes()  # checked and unpickled from the same bytes
    actual = sha256_of(data)
    if actual != card["sha256"]:
        msg = f"model file {path} has sha256 {actual}, its card expects {card['sha256']}: refused"
        raise ModelIntegrityError(msg)
    return card, data


def _check_features_version(card: dict[str, Any], path: Path) -> None:
    """Refuse a model trained when the feature transformers computed something else.

    A card without ``features_version`` is of version 1 (the models before the field).

    Raises
    ------
    ModelError
        If the card's version is not this code's :data:`~medspam.features.FEATURES_VERSION`.
    """
    version = card.get("features_version", 1)
    if version != FEATURES_VERSION:
        msg = (f"{path} was trained with features version {version!r}, and this medspam "
               f"computes version {FEATURES_VERSION}: its scores would be wrong, so it is "
               "refused; retrain it with `medspam train` (or `medspam learn`)")
        raise ModelError(msg)


def _check_bundle(bundle: object, path: Path) -> None:
    """Refuse an unpickled object that is not a bundle of scorers for this medspam's features.

    A file can match its card and still hold the wrong things; checking here turns that into
    a clear ``ModelError`` instead of an ``AttributeError`` deep inside loading or scoring.
    """
    if not isinstance(bundle, ModelBundle):
        msg = f"{path} holds a {type(bundle).__name__}, not a medspam ModelBundle"
        raise ModelError(msg)
    for name in ("link_model", "page_model", "medical_model", "sale_text_model"):
        scorer = getattr(bundle, name, None)
        if scorer is None and name == "sale_text_model":  # optional: older models lack it
            continue
        if not isinstance(scorer, Scorer):
            msg = f"{path} holds a {type(scorer).__name__} as {name}, not a medspam Scorer"
            raise ModelError(msg)
        try:
            scorer.check()
        except ValueError as exc:
            msg = (f"{path} was trained with other features than this medspam's ({exc}): "
                   "retrain it with `medspam train`")
            raise ModelError(msg) from exc
    booster = getattr(bundle, "page_booster", None)
    if booster is None:
        return
    if not isinstance(booster, PageBooster):
        msg = f"{path} holds a {type(booster).__name__} as page_booster, not a PageBooster"
        raise ModelError(msg)
    try:
        booster.check(bundle.page_model.feature_names)
    except ValueError as exc:
        msg = f"{path} does not fit together ({exc}): retrain it with `medspam train`"
        raise ModelError(msg) from exc


def python_version() -> str:
    """Return the running Python version as ``3.11.7``."""
    return ".".join(map(str, sys.version_info[:3]))
