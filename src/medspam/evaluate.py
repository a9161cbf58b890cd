"""The ``medspam evaluate`` workflow: quality metrics of a classifier on labelled pages."""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import binomtest
from sklearn.metrics import brier_score_loss, confusion_matrix, roc_auc_score, roc_curve

from medspam.classifier import Classifier
from medspam.domainlists import SiteLists
from medspam.errors import InputError
from medspam.lines import capped_lines
from medspam.page import Page
from medspam.settings import JSON_OVERHEAD, Settings
from medspam.verdict import Verdict


@dataclass(frozen=True)
class Scored:
    """One labelled example with the classifier's verdict."""

    record: dict[str, Any]
    verdict: Verdict

    @property
    def is_spam(self) -> bool:
        """The label says spam."""
        return bool(self.record["label"] == "spam")


def classify_records(
    classifier: Classifier, records: Sequence[dict[str, Any]], pages: Sequence[Page] | None = None,
) -> list[Scored]:
    """Classify labelled records (re-using already extracted pages when given).

    The model is measured, not the operator's policy: domain lists the classifier carries (from
    ``MEDSPAM_DENY_LIST``, say) are left out, or a listed page would count as the model's.
    """
    if classifier.lists:
        classifier = classifier.with_lists(SiteLists())
    if pages is None:
        verdicts = list(classifier.classify_many(
            {"html": r.get("html") or r.get("text") or "", "url": r.get("url"),
             "location": r.get("location")} for r in records))
    else:
        verdicts = []
        for start in range(0, len(pages), 256):
            verdicts += classifier.classify_pages(pages[start:start + 256])
    return [Scored(r, v) for r, v in zip(records, verdicts, strict=True)]


def document_weights(results: Sequence[Scored]) -> np.ndarray[Any, Any]:
    """One weight per result: 1 for spam; for ham, one over the ham pages of its document.

    A document is a record's ``group`` (one source text, composed in several page shapes); a
    record without one is a document of its own. Counted this way, a ham text composed in five
    page shapes is one false positive, not five.
    """
    groups = [r.record.get("group") or f"#{i}" for i, r in enumerate(results)]
    pages = Counter(g for g, r in zip(groups, results, strict=True) if not r.is_spam)
    return np.array([1.0 if r.is_spam else 1 / pages[g]
                     for g, r in zip(groups, results, strict=True)])


FPR_POINTS = (("0.1", 0.001), ("0.5", 0.005), ("1", 0.01))
"""The false-positive rates at which recall is reported by page and by document, with the
threshold of each, named as in the metric keys (and 5 %, the realpages bar, by page)."""


def operating_point(y: np.ndarray[Any, Any], s: np.ndarray[Any, Any], fpr_max: float,
                    weights: np.ndarray[Any, Any] | None = None) -> tuple[float, float]:
    """The best recall with a false-positive rate at most ``fpr_max``, and the threshold for it.

    The rate counts each ham page by its weight in ``weights`` (by default 1). The threshold
    is the highest score threshold (flag a page when its score is at least it) that reaches
    that recall, so it lets the fewest ham through: on these pages, ``--threshold`` set to it
    flags that share of the spam within the budget. ``nan`` for both without spam and ham,
    and a ``nan`` threshold where no threshold catches any spam within the budget.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> s = np.array([0.1, 0.2, 0.3, 0.8, 0.6, 0.9])
    >>> [round(v, 2) for v in operating_point(y, s, 0.0)], operating_point(y, s, 0.25)
    ([0.5, 0.9], (1.0, 0.6))
    """
    if len(set(y.tolist())) < 2:  # noqa: PLR2004
        return float("nan"), float("nan")
    # Every threshold: by default roc_curve drops the points on a straight line between two
    # others, and the one at the budget can be such a point (hypothesis found one: ham 0,
    # 0.05, 0.1, 0.15 and spam 0.05, 0.1 give recall 0.5 at 50 % FPR, read as 0 without it).
    fpr, tpr, thresholds = roc_curve(y, s, sample_weight=weights, drop_intermediate=False)
    within = np.flatnonzero(fpr <= fpr_max + 1e-12)  # roc_curve's first point has fpr 0
    recall = float(tpr[within[-1]])
    if recall == 0.0:
        return 0.0, float("nan")
    first = int(np.flatnonzero(tpr == tpr[within[-1]])[0])
    return recall, float(thresholds[first])


def interval(hits: int, n: int) -> list[float]:
    """The 95 % Wilson interval of the share ``hits / n``, as ``[low, high]``.

    The pages of a pool are counted as independent draws. Composed pages that share a source
    document are not, so for them the true uncertainty is wider than this.

    >>> [round(x, 3) for x in interval(24, 49)]
    [0.356, 0.625]
    >>> interval(0, 0)
    [nan, nan]
    """
    if not n:
        return [float("nan"), float("nan")]
    ci = binomtest(hits, n).proportion_ci(confidence_level=0.95, method="wilson")
    return [float(ci.low), float(ci.high)]


def metrics(results: Sequence[Scored], threshold: float | None = None) -> dict[str, Any]:
    """Precision, recall, F1, FPR, ROC-AUC, Brier score, confusion counts, recall at fixed FPRs.

    ``recall_ci`` and ``fpr_ci`` are 95 % intervals of recall and FPR at the threshold
    (:func:`interval`): a recall of 0.49 measured on 49 pages could be anything from 0.36 to
    0.63.

    Recall at 0.1, 0.5, 1 and 5 % FPR compares models whatever their thresholds. The same
    points ``by_document`` count each ham document once (see :func:`document_weights`), as the
    threshold is chosen: counted by page, one ham text composed in six page shapes moves the
    0.5 % point of a 1,600-page pool on its own. ``threshold_at_fpr_…`` is the score threshold
    of each point by page (:func:`operating_point`): what ``--threshold`` would have to be to
    flag at most that share of these ham pages.
    """
    y = np.array([r.is_spam for r in results], dtype=int)
    s = np.array([r.verdict.score for r in results])
    t = results[0].verdict.threshold if threshold is None and results else (threshold or 0.5)
    pred = (s >= t).astype(int)
    tn, fp, fn, tp = (confusion_matrix(y, pred, labels=[0, 1]).ravel().tolist() if len(y)
                      else [0, 0, 0, 0])
    both = len(set(y.tolist())) == 2  # noqa: PLR2004
    weights = document_weights(results)
    by_page = {pct: operating_point(y, s, fpr) for pct, fpr in (*FPR_POINTS, ("5", 0.05))}
    out: dict[str, Any] = {
        "n": len(results), "spam": int(y.sum()), "ham": int(len(y) - y.sum()),
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "recall_ci": interval(tp, tp + fn),
        "fpr": fp / (fp + tn) if fp + tn else float("nan"),
        "fpr_ci": interval(fp, fp + tn),
        "roc_auc": float(roc_auc_score(y, s)) if both else float("nan"),
        "brier": float(brier_score_loss(y, s)) if len(y) else float("nan"),
        # 0.5 %: the design's operating point; 5 %: the realpages bar
        **{f"recall_at_fpr_{pct}pct": recall for pct, (recall, _) in by_page.items()},
        **{f"recall_at_fpr_{pct}pct_by_document": operating_point(y, s, fpr, weights)[0]
           for pct, fpr in FPR_POINTS},
        **{f"threshold_at_fpr_{pct}pct": by_page[pct][1] for pct, _ in FPR_POINTS},
        "threshold": t,
    }
    p, r = out["precision"], out["recall"]
    out["f1"] = 2 * p * r / (p + r) if p + r and not np.isnan(p + r) else float("nan")
    return out


def breakdown(results: Iterable[Scored], key: str) -> dict[str, dict[str, Any]]:
    """Metrics per value of record field ``key`` (e.g. ``placement``, ``lang``, ``source``)."""
    groups: dict[str, list[Scored]] = defaultdict(list)
    for r in results:
        groups[str(r.record.get(key) or "-")].append(r)
    return {name: _short(metrics(items)) for name, items in sorted(groups.items())}


def _short(m: dict[str, Any]) -> dict[str, Any]:
    """The few numbers worth a row in a breakdown table."""
    return {k: m[k] for k in ("n", "spam", "ham", "recall", "recall_ci", "fpr", "fpr_ci",
                              "precision", "fp", "fn")}


def category_accuracy(results: Iterable[Scored]) -> float:
    """Share of detected spam whose category matches the label's category."""
    hits = [r.verdict.category == r.record.get("category") for r in results
            if r.is_spam and r.verdict.is_spam]
    return sum(hits) / len(hits) if hits else float("nan")


def report(results: Sequence[Scored]) -> dict[str, Any]:
    """The full evaluation: overall, per category, placement, language and source."""
    spam_by_cat = {
        cat: _short(metrics([r for r in results if not r.is_spam or
                             r.record.get("category") == cat]))
        for cat in ("medical-drug-sales", "drug-sales")
    }
    return {
        "overall": metrics(results),
        "by_category": spam_by_cat,
        "by_placement": breakdown([r for r in results if r.is_spam], "placement"),
        "by_language": breakdown(results, "lang"),
        "by_source": breakdown(results, "source"),
        "by_kind": breakdown(results, "kind"),
        "category_accuracy": category_accuracy(results),
    }


def read_labelled(path: Path) -> Iterable[dict[str, Any]]:
    """Read a labelled JSONL(.gz) file of ``{id, url, html|text, label}`` records.

    A record may say where its HTTP response redirected (``location``, as in ``medspam scan``).

    Raises
    ------
    InputError
        If the file cannot be read (missing, not UTF-8, a broken gzip stream), holds no record,
        or a line is not a JSON object with a ``label`` of ``spam`` or ``ham``.
    """
    count = 0
    for number, line in _numbered_lines(path):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deep
            msg = f"{path}:{number}: not JSON ({exc})"
            raise InputError(msg) from exc
        if not isinstance(record, dict) or record.get("label") not in {"spam", "ham"}:
            msg = f"{path}:{number}: not an object with a label of 'spam' or 'ham'"
            raise InputError(msg)
        record.setdefault("html", record.get("text", ""))
        for field in ("html", "text", "url", "location"):
            if record.get(field) is not None and not isinstance(record[field], str):
                msg = f"{path}:{number}: '{field}' must be a string"
                raise InputError(msg)
        count += 1
        yield record
    if not count:
        msg = f"{path}: no labelled records"
        raise InputError(msg)


def _numbered_lines(path: Path) -> Iterable[tuple[int, str]]:
    """The non-blank lines of a text or gzip file with their numbers; read errors as InputError.

    A line is read up to ``JSON_OVERHEAD`` times the largest page, as ``medspam scan`` reads
    JSONL: a longer one (a gzip bomb of one line) is refused before it fills the memory.
    """
    cap = JSON_OVERHEAD * Settings().max_bytes
    opener: Any = gzip.open if path.suffix == ".gz" else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for line in capped_lines(handle, cap):
                number += 1
                if line is None:
                    msg = f"{path}:{number}: a line longer than {cap:,} bytes"
                    raise InputError(msg)
                if line.strip():
                    yield number, line.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        where = f"{path}:{number}" if number else str(path)
        msg = f"cannot read {where}: {getattr(exc, 'strerror', None) or exc}"
        raise InputError(msg) from exc


def evaluate_heldout(classifier: Classifier) -> dict[str, Any]:
    """Evaluate on the corpus test pool, the held-out real pages and all real web pages."""
    from medspam.corpus import build_corpus  # noqa: PLC0415 - needs ../shared/data

    records = [r for r in build_corpus() if r["pool"] == "test" or r["kind"] == "real-page"]
    results = classify_records(classifier, records)
    test = [r for r in results if r.record["pool"] == "test"]
    return {
        "test": report(test),
        "test_realpages": metrics([r for r in test if r.record["source"] == "realpages"]),
        "all_webpages": metrics([r for r in results if r.record["kind"] == "real-page"]),
        "_results": test,
    }


def plot(results: Sequence[Scored], folder: Path) -> list[Path]:
    """Write a reliability plot and a precision-recall curve as PNG files."""
    import matplotlib as mpl  # noqa: PLC0415 - optional dependency

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from sklearn.calibration import calibration_curve  # noqa: PLC0415
    from sklearn.metrics import precision_recall_curve  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    y = np.array([r.is_spam for r in results], dtype=int)
    s = np.array([r.verdict.score for r in results])
    prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy="quantile")
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect")
    ax.plot(prob_pred, prob_true, "o-", label="medspam")
    ax.set(xlabel="predicted score", ylabel="share of spam", title="Reliability (test)")
    ax.legend()
    paths = [folder / "reliability.png", folder / "pr_curve.png"]
    fig.savefig(paths[0], dpi=100)
    plt.close(fig)
    precision, recall, _ = precision_recall_curve(y, s)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot(recall, precision)
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (test)",
           xlim=(0, 1.01), ylim=(0, 1.01))
    fig.savefig(paths[1], dpi=100)
    plt.close(fig)
    return paths
