"""Operator domain lists: sites never flagged (allow) and shop domains always flagged (deny).

The model never reads a domain list: its test shops are on no list, and a list feature would
let it learn names instead of selling. Lists are the operator's own policy on top of the
model, as SpamAssassin's and Rspamd's are: a moderator's confirmed shops, a partner's sites.

A list file holds one domain per line. Blank lines and ``#`` comments are skipped, and hosts
files (``0.0.0.0 shop.example``) and adblock rules (``||shop.example^``) are read too, so the
published drug-domain lists load as they are. A listed domain covers its subdomains.

Examples
--------
>>> deny = DomainList.parse(["# shops", "0.0.0.0 pills.example", "||Kétamine.example^"])
>>> deny.match("www.pills.example"), deny.match("kétamine.example"), deny.match("example")
('pills.example', 'kétamine.example', None)
>>> deny.match("xn--ktamine-bya.example")
'kétamine.example'

"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from medspam.errors import ConfigError
from medspam.urls import host_of

_HOSTS_FILE_ADDRESSES = frozenset({"0.0.0.0", "127.0.0.1", "::", "::1"})  # noqa: S104


@dataclass(frozen=True, slots=True)
class DomainList:
    """A set of domains, each covering its subdomains."""

    domains: frozenset[str]
    """Lower-case domains, internationalised labels in Unicode (as :attr:`Link.host`)."""
    name: str = "list"
    """Where the list came from (its file name), for the reasons that cite it."""

    @classmethod
    def parse(cls, lines: Iterable[str], *, name: str = "list") -> DomainList:
        """Read domains from lines of a list file; lines that hold no domain are skipped."""
        domains = set()
        for line in lines:
            entry = _entry(line)
            host = host_of(entry) if entry else ""
            if host:
                domains.add(host)
        return cls(frozenset(domains), name)

    @classmethod
    def read(cls, path: str | Path) -> DomainList:
        """Read a list file (UTF-8).

        Raises
        ------
        ConfigError
            The file cannot be read.
        """
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            msg = f"cannot read domain list {path}: {exc.strerror or exc}"
            raise ConfigError(msg) from exc
        return cls.parse(text.splitlines(), name=Path(path).name)

    def match(self, host: str) -> str | None:
        """Return the listed domain that ``host`` (a host or URL) is or lies under, if any."""
        labels = host_of(host).split(".") if host else []
        for start in range(len(labels)):
            candidate = ".".join(labels[start:])
            if candidate in self.domains:
                return candidate
        return None


def _entry(line: str) -> str:
    """The domain a list line names, or ``""``: comments, hosts files and adblock rules."""
    words = line.split("#", 1)[0].split()
    if len(words) > 1 and words[0] in _HOSTS_FILE_ADDRESSES:
        words = words[1:]
    if len(words) != 1:
        return ""
    word = words[0].removeprefix("||").removesuffix("^").removeprefix("*.").rstrip(".")
    return "" if word in _HOSTS_FILE_ADDRESSES or word == "localhost" else word


@dataclass(frozen=True, slots=True)
class SiteLists:
    """The operator's allow and deny lists, as one classifier applies them."""

    allow: DomainList | None = None
    """Sites whose own pages are never flagged by the model's score alone."""
    deny: DomainList | None = None
    """Domains whose pages, and pages linking to them, are always flagged."""

    @classmethod
    def read(cls, allow: str | Path | None, deny: str | Path | None) -> SiteLists:
        """Read the lists the settings name; ``None`` leaves a list out."""
        return cls(allow=DomainList.read(allow) if allow else None,
                   deny=DomainList.read(deny) if deny else None)

    def __bool__(self) -> bool:
        """Whether any list is set."""
        return self.allow is not None or self.deny is not None
