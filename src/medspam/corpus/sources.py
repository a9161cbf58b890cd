"""Readers of the real data in ``../shared/data``: read at build time, never copied."""

from __future__ import annotations

import gzip
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from medspam.errors import InputError


def shared_data_dir() -> Path:
    """Return ``../shared/data`` (or ``$MEDSPAM_SHARED_DATA``).

    Raises
    ------
    InputError
        If ``$MEDSPAM_SHARED_DATA`` names a folder without ``SOURCES.md``, or none is found.
    """
    env = os.environ.get("MEDSPAM_SHARED_DATA")
    if env:  # named on purpose: a wrong folder is an error, not a silent fall-back
        if (Path(env) / "SOURCES.md").is_file():
            return Path(env)
        msg = f"MEDSPAM_SHARED_DATA={env}: no SOURCES.md there"
        raise InputError(msg)
    here = Path(__file__).resolve()
    candidates = [parent / "shared" / "data" for parent in here.parents]
    candidates.append(Path.cwd().parent / "shared" / "data")
    for path in candidates:
        if (path / "SOURCES.md").is_file():
            return path
    msg = "shared data not found: put it at ../shared/data or set MEDSPAM_SHARED_DATA"
    raise InputError(msg)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the objects of a JSONL or JSONL.gz file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True, slots=True)
class RealPage:
    """One of the real web pages (HTML bytes and its original URL)."""

    name: str
    url: str
    html: bytes


def read_webpages(data: Path) -> list[RealPage]:
    """Read the real web pages from ``webpages/pages.tar.xz`` and its manifest."""
    folder = data / "webpages"
    urls = {r["file"]: r["url"] for r in read_jsonl(folder / "manifest.jsonl")}
    pages = []
    with tarfile.open(folder / "pages.tar.xz") as tar:
        for member in tar:
            name = Path(member.name).name
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is not None and name in urls:
                pages.append(RealPage(name=name, url=urls[name], html=handle.read()))
    return sorted(pages, key=lambda p: p.name)


def read_medquad(data: Path) -> list[dict[str, Any]]:
    """Read the MedQuAD documents (health Q&A text from NIH sites)."""
    return list(read_jsonl(data / "medquad" / "medquad_docs.jsonl.gz"))


def read_enron(data: Path) -> list[dict[str, Any]]:
    """Read the Enron1 spam/ham emails; ``drug_terms`` (stored as a JSON string) as a list."""
    mails = list(read_jsonl(data / "enron-spam" / "enron1.jsonl.gz"))
    for mail in mails:
        terms = mail.get("drug_terms") or "[]"
        mail["drug_terms"] = json.loads(terms) if isinstance(terms, str) else list(terms)
    return mails


def read_sms(data: Path) -> list[dict[str, Any]]:
    """Read the SMS Spam Collection messages (chat and generic, non-drug spam)."""
    return list(read_jsonl(data / "sms-spam-collection" / "sms_spam.jsonl.gz"))


def read_realpages(data: Path) -> list[dict[str, Any]]:
    """Read the real drug-sales pages and their look-alikes (URL + first sentences)."""
    return list(read_jsonl(data / "realpages" / "pages.jsonl.gz"))


@cache
def read_domains(data: Path, relative: str) -> tuple[str, ...]:
    """Read a one-host-per-line domain list."""
    lines = (data / relative).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def drug_shop_hosts(data: Path) -> list[str]:
    """Hosts of the drug-selling domain lists (Block List Project drugs + Shallalist drugs)."""
    hosts = set(read_domains(data, "blocklistproject-drugs/domains.txt"))
    hosts |= set(read_domains(data, "shallalist/drugs_domains.txt"))
    return sorted(h for h in hosts if not h.replace(".", "").isdigit())


def gov_health_domains(data: Path) -> list[str]:
    """US .gov health domains."""
    return list(read_domains(data, "gov-health-domains/domains.txt"))


def hospital_domains(data: Path) -> list[str]:
    """Hospital and clinic domains (Shallalist hospitals)."""
    return list(read_domains(data, "shallalist/hospitals_domains.txt"))
