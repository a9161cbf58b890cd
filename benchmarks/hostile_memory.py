"""Peak memory and time of each hostile-suite case, each in a fresh process.

``tests/test_hostile.py`` asserts the bound (peak growth < 1 GB); this script measures it:
for every case, a fresh interpreter loads the shipped model, builds the input, and classifies
it once; it reports the growth of the peak resident set over the peak after loading and
building the input, the wall time of ``classify`` and the notes of the verdict.

Usage::

    python benchmarks/hostile_memory.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {tests!r})
import medspam
from test_hostile import CASES
clf = medspam.Classifier.load()
make, url, _ = CASES[{name!r}]
data = make()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
verdict = clf.classify(data, url)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"mb": after - before, "s": seconds, "notes": list(verdict.notes),
                  "input_mb": len(data) / 1e6}}))
"""


def main() -> None:
    """Measure every case and print a Markdown table."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_hostile import CASES  # noqa: PLC0415 - the cases live with the tests

    print("| case | input MB | classify s | peak RSS growth MB | notes |")
    print("|---|---|---|---|---|")
    for name in CASES:
        code = CHILD.format(tests=str(ROOT / "tests"), name=name)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                             check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        notes = "; ".join(n[:60] for n in row["notes"]) or "-"
        print(f"| {name} | {row['input_mb']:.1f} | {row['s']:.2f} | {row['mb']:.0f} | {notes} |")


if __name__ == "__main__":
    main()
