"""Bounds on what one PDF may make a reader inflate and extract.

pdfium parses a page's whole content stream when the page is loaded, before
any of its text can be counted. A 300 KB file whose Flate-compressed content
stream inflates to 100 MB of ``(text) Tj`` operators takes gigabytes there
and minutes of time. So before pdfium sees the file, every Flate stream that
is not an image is inflated here, in bounded chunks that are counted and
dropped, and the file is refused when a stream holds more text operations
or inflates further than any real document needs. Then, as pages are read,
the characters of a page and of the file are bounded too.

What is not caught here (a stream behind a filter chain other than Flate
first, a bomb of vector drawing just under the bounds) is left to the
worker's memory limit (see ``evidence.workers``).
"""

from __future__ import annotations

import re
import zlib

from ..errors import ReaderError

#: Inflated bytes of one stream: a dense page's content is well under 1 MB.
MAX_STREAM_BYTES = 64 * 1024 * 1024
#: Inflated bytes of all streams in a file (fonts, object streams included).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Text-showing operators (Tj, TJ) in one stream: a dense page has a few thousand.
MAX_STREAM_TEXT_OPS = 100_000
#: Characters pdfium finds on one page: a page of small print holds about 10,000.
MAX_PAGE_CHARS = 200_000
#: Characters in a whole file: 5,000 pages (the default page limit) of 4,000 each.
MAX_FILE_CHARS = 20_000_000

#: The keyword that starts a stream's data, with its end of line (a literal
#: first: the search skips ahead fast; the dictionary's end is checked after).
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_FIRST_FILTER = re.compile(rb"/Filter\s*(?:\[\s*)?/(\w+)")
#: How far back from "stream" a stream's dictionary may start.
_DICT_REACH = 4096
_CHUNK = 1024 * 1024


def check_streams(data: bytes) -> None:
    """Raise ReaderError if a Flate stream of ``data`` inflates past the bounds above.

    Memory stays at about a megabyte whatever the streams hold; time is that
    of inflating them (a few hundred MB a second), stopped at the first bound.
    """
    total = 0
    view = memoryview(data)  # slices of it are not copies
    for match in _STREAM.finditer(data):
        if (
            not data[max(0, match.start() - 64) : match.start()]
            .rstrip()
            .endswith(b">>")
        ):
            continue  # "endstream", or the word inside a stream's data
        head = data[max(0, match.start() - _DICT_REACH) : match.start()]
        dictionary = head[
            head.rfind(b"obj") + 1 :
        ]  # from the object's start, or all of the reach
        first = _FIRST_FILTER.search(dictionary)
        if (
            first is None
            or first.group(1) not in (b"FlateDecode", b"Fl")
            or b"/Image" in dictionary
        ):
            continue
        total += _inflate(view, match.end(), MAX_FILE_BYTES - total)


def _inflate(data: memoryview, start: int, room: int) -> int:
    """Inflate the stream at ``start``; returns its size, or raises past a bound.

    A damaged stream is left for pdfium to judge: it ends the count here.
    """
    inflater = zlib.decompressobj()
    size = 0
    ops = 0
    carry = b""  # the last byte of the previous piece: an operator may straddle two
    position = start
    try:
        while position < len(data) and not inflater.eof:
            pending: memoryview | bytes = data[position : position + _CHUNK]
            position += len(pending)
            while pending or inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail or pending, _CHUNK)
                pending = b""
                if not piece:
                    break
                size += len(piece)
                ops += (
                    piece.count(b"Tj")
                    + piece.count(b"TJ")
                    + (carry + piece[:1] in (b"Tj", b"TJ"))
                )
                carry = piece[-1:]
                if ops > MAX_STREAM_TEXT_OPS:
                    raise ReaderError(
                        f"a page holds over {MAX_STREAM_TEXT_OPS:,} pieces of text in one content stream"
                        " (a decompression bomb?)"
                    )
                if size > MAX_STREAM_BYTES:
                    raise ReaderError(
                        f"a stream inflates to over {MAX_STREAM_BYTES >> 20} MB (a decompression bomb?)"
                    )
                if size > room:
                    raise ReaderError(
                        f"its streams inflate to over {MAX_FILE_BYTES >> 20} MB (a decompression bomb?)"
                    )
    except zlib.error:
        pass
    return size


def check_page_chars(count: int, page: int) -> None:
    """Raise ReaderError if page ``page`` (1-based) holds more than ``MAX_PAGE_CHARS`` characters."""
    if count > MAX_PAGE_CHARS:
        raise ReaderError(
            f"page {page} holds {count:,} characters, over the limit of {MAX_PAGE_CHARS:,} a page"
        )


def check_file_chars(total: int, page: int) -> None:
    """Raise ReaderError if the ``total`` characters read up to page ``page`` pass ``MAX_FILE_CHARS``."""
    if total > MAX_FILE_CHARS:
        raise ReaderError(
            f"the text runs past {MAX_FILE_CHARS:,} characters by page {page}, the limit for a file"
        )
