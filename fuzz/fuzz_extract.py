"""atheris fuzz target for extraction: any bytes, as bytes or as text, must give a Page.

Run briefly (as ``tests/test_fuzz.py`` does) or for as long as you like::

    python fuzz/fuzz_extract.py -runs=2000 -max_len=4096
    python fuzz/fuzz_extract.py -max_total_time=600 corpus_dir/

Any exception other than a ``Page`` coming back is a finding: atheris prints the input and
writes it to ``crash-<sha1>``.
"""

# ruff: noqa: INP001  (a script run by path, not a package module)
from __future__ import annotations

import sys

import atheris

# Instrument medspam's own modules only: instrumenting scikit-learn, scipy and friends
# (imported by the medspam package) would take a minute and guide nothing.
with atheris.instrument_imports(include=["medspam"]):
    from medspam.extract import extract_page
    from medspam.page import Page

URLS = (None, "https://example.org/post/1", "http://[::1]:99999/%%%", "hxxp://x[.]y/")


def test_one_input(data: bytes) -> None:
    """Extract ``data`` as bytes or as text, with a page URL chosen by the data."""
    fdp = atheris.FuzzedDataProvider(data)
    url = URLS[fdp.ConsumeIntInRange(0, len(URLS) - 1)]
    body: str | bytes
    if fdp.ConsumeBool():
        body = fdp.ConsumeUnicode(fdp.remaining_bytes())  # any str, lone surrogates included
    else:
        body = fdp.ConsumeBytes(fdp.remaining_bytes())
    page = extract_page(body, url)
    if not isinstance(page, Page):
        msg = f"extract_page returned {type(page).__name__}"
        raise TypeError(msg)


def main() -> None:
    """Run the fuzzer with the command-line options libFuzzer understands."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
