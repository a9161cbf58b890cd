"""Run the atheris fuzz target for extraction briefly (2,000 inputs, a few seconds).

Skipped when atheris is not installed, but CI (``CI=true``) must have it: there it fails.
Longer runs: ``python fuzz/fuzz_extract.py -max_total_time=600``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

TARGET = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_extract.py"


def test_fuzz_extract_briefly(tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("atheris is missing: CI installs the test extra, which pins it")
        pytest.skip("atheris not installed (pip install atheris)")
    result = subprocess.run(
        [sys.executable, str(TARGET), "-runs=2000", "-max_len=4096", "-seed=1",
         f"-artifact_prefix={tmp_path}/"],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 2000 runs" in result.stderr
