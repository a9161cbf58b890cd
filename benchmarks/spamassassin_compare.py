"""medspam next to Apache SpamAssassin on the same pages, in the same run: throughput ratio.

SpamAssassin (Debian ``spamassassin``/``spamc`` packages, its stock rules, which include
``20_drugs.cf``) runs as ``spamd`` on 127.0.0.1 with ``--local`` (no DNS or network tests), no
Bayes auto-learning and one child, pinned to one core. Each page is sent with ``spamc`` as the
HTML body of a minimal mail, one at a time, exactly as a mail filter would see it. medspam
classifies the same pages one ``classify`` call at a time, pinned to the same core, after
SpamAssassin has finished (the two never compete for the CPU). Prints pages/s for both, the
ratio, and how many pages each flagged.

Needs ``apt-get install -y spamassassin spamc``. Usage::

    python benchmarks/spamassassin_compare.py [--limit 100] [--small 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate
from pathlib import Path

from _pages import Page, real_pages, small_pages

import medspam

CORE = 0
SITE_CONFIG = Path("/etc/spamassassin")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_mail(body: bytes, url: str | None, number: int) -> bytes:
    """Wrap a page as a minimal HTML mail."""
    head = (f"From: sender@example.org\r\nTo: moderator@example.org\r\n"
            f"Subject: page {number} {url or ''}\r\nDate: {formatdate()}\r\n"
            f"Message-ID: <page{number}@example.org>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n")
    return head.encode() + body


def start_spamd(port: int, folder: Path) -> subprocess.Popen[bytes]:
    """Start spamd on loopback with network tests off; wait until it answers."""
    for source in SITE_CONFIG.iterdir():  # Debian's plugin loaders (*.pre) and local.cf
        if source.is_file():
            shutil.copy(source, folder / source.name)
    (folder / "zz_benchmark.cf").write_text(
        "use_bayes 0\nbayes_auto_learn 0\nskip_rbl_checks 1\nuse_razor2 0\nuse_pyzor 0\n",
        encoding="utf-8")
    command = ["taskset", "-c", str(CORE), "spamd", "--local", "--listen", f"127.0.0.1:{port}",
               "--allowed-ips", "127.0.0.1", "--max-children", "1", "--min-children", "1",
               "--nouser-config", "--siteconfigpath", str(folder), "--pidfile",
               str(folder / "spamd.pid"), "--syslog", "stderr", "--username", "nobody"]
    process = subprocess.Popen(command, stderr=(folder / "spamd.log").open("wb"))  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ping = subprocess.run(["spamc", "-d", "127.0.0.1", "-p", str(port), "-K"],  # noqa: S603, S607
                              capture_output=True, check=False)
        if ping.returncode == 0:
            return process
        time.sleep(0.5)
    process.terminate()
    sys.exit(f"spamd did not start: see {folder / 'spamd.log'}")


def run_spamassassin(pages: list[Page], port: int) -> tuple[float, int]:
    """Send every page through spamc; return wall seconds and the count flagged as spam."""
    flagged = 0
    start = time.perf_counter()
    for number, (_, body, url) in enumerate(pages):
        result = subprocess.run(  # noqa: S603
            ["spamc", "-d", "127.0.0.1", "-p", str(port), "-c", "-s", str(6 * 1024 * 1024)],  # noqa: S607
            input=as_mail(body, url, number), capture_output=True, check=False)
        flagged += result.returncode == 1
    return time.perf_counter() - start, flagged


def run_medspam(pages: list[Page]) -> tuple[float, int]:
    """Classify every page once; return wall seconds and the count flagged as spam."""
    clf = medspam.Classifier.load()
    clf.classify(pages[0][1])
    flagged = 0
    start = time.perf_counter()
    for _, body, url in pages:
        flagged += clf.classify(body, url).is_spam
    return time.perf_counter() - start, flagged


def main() -> None:
    """Run both on the same pages and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=100, help="real pages")
    parser.add_argument("--small", type=int, default=200, help="generated ~5 KB pages")
    args = parser.parse_args()
    if not (shutil.which("spamd") and shutil.which("spamc") and shutil.which("taskset")):
        sys.exit("needs spamd, spamc (apt-get install -y spamassassin spamc) and taskset")
    os.sched_setaffinity(0, {CORE})
    sets = {"real web pages": real_pages(args.limit), "~5 KB pages": small_pages(args.small)}
    folder = Path(tempfile.mkdtemp(prefix="sa-bench-"))
    folder.chmod(0o755)
    port = free_port()
    spamd = start_spamd(port, folder)
    try:
        sa = {name: run_spamassassin(pages, port) for name, pages in sets.items()}
    finally:
        spamd.terminate()
        spamd.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    ms = {name: run_medspam(pages) for name, pages in sets.items()}
    print("| pages | n | SpamAssassin pages/s | medspam pages/s | ratio | SA flagged | "
          "medspam flagged |")
    print("|---|---|---|---|---|---|---|")
    for name, pages in sets.items():
        sa_rate, ms_rate = len(pages) / sa[name][0], len(pages) / ms[name][0]
        print(f"| {name} | {len(pages)} | {sa_rate:.1f} | {ms_rate:.0f} | "
              f"{ms_rate / sa_rate:.0f}x | {sa[name][1]} | {ms[name][1]} |")
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
