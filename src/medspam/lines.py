"""Reading lines with a bound: a file of one endless line must not fill the memory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator


class LineStream(Protocol):
    """A binary stream read by lines (a file, a gzip stream)."""

    def readline(self, size: int = -1, /) -> bytes:
        """Read one line of at most ``size`` bytes."""


def capped_lines(stream: LineStream, cap: int) -> Iterator[bytes | None]:
    r"""Yield the lines of ``stream``; ``None`` for a line of ``cap`` bytes or more.

    An over-long line is never held whole: its rest is read past in ``cap``-byte pieces, and
    only when the next line is asked for, so a caller that stops at the ``None`` reads no
    further. JSONL inputs, labelled files, results files and path lists all read this way.

    Examples
    --------
    >>> import io
    >>> list(capped_lines(io.BytesIO(b"ab\n" + b"x" * 10 + b"\ncd"), 5))
    [b'ab\n', None, b'cd']
    """
    while line := stream.readline(cap):
        if len(line) < cap or line.endswith(b"\n"):
            yield line
            continue
        yield None
        while (rest := stream.readline(cap)) and not rest.endswith(b"\n"):
            pass
