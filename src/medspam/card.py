"""Model card: written by ``medspam train``, read and checked before a model is loaded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from medspam.errors import ModelError

CARD_SUFFIX = ".card.json"
MODEL_SUFFIX = ".pkl.gz"
TEXT_FIELDS = ("name", "version", "sha256")
REQUIRED = (*TEXT_FIELDS, "threshold")
"""Card fields every model needs: text, and the threshold, a probability."""


def card_path_for(model_path: Path) -> Path:
    """Return the card path that belongs beside ``model_path``.

    Examples
    --------
    >>> card_path_for(Path("models/medspam-0.1.0.pkl.gz")).name
    'medspam-0.1.0.card.json'
    """
    return model_path.with_name(model_path.name.removesuffix(MODEL_SUFFIX) + CARD_SUFFIX)


def sha256_of(data: bytes) -> str:
    """Return the hex sha256 of a model file's bytes, as its card records it.

    Examples
    --------
    >>> sha256_of(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def read_card(path: Path) -> dict[str, Any]:
    """Read and check a model card.

    Raises
    ------
    ModelError
        If the card is missing, not a JSON object, or lacks a required field.
    """
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        msg = f"model card {path} not found: every model file needs its card beside it"
        raise ModelError(msg) from exc
    except (OSError, ValueError) as exc:
        msg = f"model card {path} is unreadable: {exc}"
        raise ModelError(msg) from exc
    if not isinstance(card, dict):
        msg = (f"model card {path} holds a JSON {type(card).__name__}, not an object: "
               "regenerate it with `medspam train`")
        raise ModelError(msg)
    missing = [key for key in REQUIRED if key not in card]
    if missing:
        msg = f"model card {path} lacks {', '.join(missing)}: regenerate it with `medspam train`"
        raise ModelError(msg)
    threshold = card["threshold"]
    wrong = [key for key in TEXT_FIELDS if not isinstance(card[key], str)]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not (
            0 <= threshold <= 1):
        wrong.append("threshold")
    if wrong:  # they reach every verdict (``model``) and decide it (``threshold``)
        msg = (f"model card {path} has a {', '.join(wrong)} of the wrong type or range: "
               "regenerate it with `medspam train`")
        raise ModelError(msg)
    return card


def write_card(path: Path, card: dict[str, Any]) -> None:
    """Write a card as pretty JSON and its Markdown rendering beside it."""
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    path.with_name(path.name.removesuffix(CARD_SUFFIX) + ".card.md").write_text(
        render_markdown(card), encoding="utf-8"
    )


def _table(rows: dict[str, Any]) -> str:
    """Render a flat dict of metrics as a Markdown table."""
    lines = ["| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in rows.items()
              if not isinstance(v, (dict, list)) or _is_interval(v)]
    return "\n".join(lines)


def _is_interval(value: Any) -> bool:
    """``[low, high]``: a 95 % interval of a metric (:func:`medspam.evaluate.interval`)."""
    return isinstance(value, list) and len(value) == 2 and all(  # noqa: PLR2004
        isinstance(x, float) for x in value)


def _fmt(value: Any) -> str:
    """Format a number or an interval for a table.

    >>> _fmt(0.8642), _fmt([0.84305, 0.88282]), _fmt(3)
    ('0.8642', '[0.8430, 0.8828]', '3')
    """
    if _is_interval(value):
        return "[" + ", ".join(f"{x:.4f}" for x in value) + "]"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def render_markdown(card: dict[str, Any]) -> str:
    """Render the card in the sections of the skops default template."""
    parts = [
        f"# Model card: {card['name']} {card['version']}",
        "## Model description",
        card.get("description", ""),
        (f"- file sha256: `{card['sha256']}`\n- scikit-learn {card['sklearn_version']}"
         f"\n- operating threshold: {card['threshold']:.4f}"
         f"\n- features version: {card.get('features_version', 1)} (loading refuses another)"),
        "## Intended uses & limitations",
        card.get("intended_use", ""),
        "\n".join(f"- {item}" for item in card.get("limitations", [])),
        "## Training procedure",
        card.get("training", ""),
        "## Training data",
        "```json\n" + json.dumps(card.get("data", {}), indent=2) + "\n```",
        "## Evaluation results",
    ]
    for name, metrics in card.get("metrics", {}).items():
        if name.endswith("_breakdown"):
            parts += _breakdown(name, metrics)
        else:
            parts += [f"### {name}", _table(metrics) if isinstance(metrics, dict) else str(metrics)]
    parts += [f"![{Path(plot).stem}]({plot})" for plot in card.get("plots", [])]
    if card.get("shortcut_checks"):
        parts += ["## Shortcut checks", card["shortcut_checks"].get("about", "")]
        for name in ("ablations", "adversarial"):
            rows = card["shortcut_checks"].get(name, {})
            parts += [f"### {name}", _grid(rows)]
    return "\n\n".join(p for p in parts if p) + "\n"


def _breakdown(name: str, report: dict[str, Any]) -> list[str]:
    """One table per grouping of a test report (category, placement, language...)."""
    out = []
    for group, rows in report.items():
        if group != "overall" and isinstance(rows, dict) and rows:
            out += [f"### {name.removesuffix('_breakdown')} {group.replace('_', ' ')}",
                    _grid(rows)]
    return out


def _grid(rows: dict[str, dict[str, Any]]) -> str:
    """Render ``{row: {column: value}}`` as a Markdown table."""
    columns = [c for c in ("n", "spam", "ham", "recall", "recall_ci", "fpr", "fpr_ci", "roc_auc",
                           "recall_at_fpr_1pct", "fp", "fn") if any(c in r for r in rows.values())]
    if not columns:
        return "\n".join(f"- {k}: {_fmt(v)}" for k, v in rows.items())
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += ["| " + (key or "-") + " | " + " | ".join(_fmt(r.get(c, "")) for c in columns) + " |"
              for key, r in rows.items()]
    return "\n".join(lines)
