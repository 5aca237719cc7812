"""Reading a release: a file or a string in, a :class:`~hmic_graph.model.records.Source` out.

Text is decoded as UTF-8; as UTF-16 or UTF-32 when it opens with their
byte-order mark (Windows "Unicode" text); else as Windows-1252 with a
:class:`DecodingWarning` (older releases saved from Word). A saved HTML page
is reduced to its main text first. Only regular files are read: a named
pipe or a device is refused before it is opened for reading, so reading
never waits on one. Anything that is not text gives a
:class:`ReleaseUnreadable` naming the file, never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import warnings
from html.parser import HTMLParser
from pathlib import Path

from hmic_graph.model.errors import ReleaseUnreadable
from hmic_graph.model.records import Source

__all__ = [
    "MAX_RELEASE_BYTES",
    "DecodingWarning",
    "read_source",
    "source_from_text",
    "split_releases",
]

#: Press releases are a few kilobytes; anything this large is not one.
MAX_RELEASE_BYTES = 5 * 1024 * 1024

_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


class DecodingWarning(UserWarning):
    """A release was not valid UTF-8 and was decoded as Windows-1252."""


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_from_text(text: str, *, path: str | None = None, url: str | None = None) -> Source:
    """Wrap release text already in memory.

    Line endings are normalised to ``\\n`` so offsets do not depend on the
    platform a file was saved on.

    :raises ReleaseUnreadable: the text is empty or only white space.

    >>> source_from_text("Headline\\r\\nBody.").text
    'Headline\\nBody.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ReleaseUnreadable("the release is empty", path=path)
    try:
        sha256 = _checksum(text)
    except UnicodeEncodeError as exc:  # a lone surrogate: not text any file could hold
        raise ReleaseUnreadable(
            f"the text holds a lone surrogate (U+{ord(text[exc.start]):04X}), which is not Unicode text",
            path=path,
        ) from None
    return Source(text=text, path=path, url=url, sha256=sha256)


# Byte-order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReleaseUnreadable(
                    f"the file opens with a {encoding.upper()} byte-order mark but is not "
                    f"{encoding.upper()} text (byte {exc.start})",
                    path=path,
                ) from None
    if b"\x00" in data:
        raise ReleaseUnreadable("this is a binary file, not a text release", path=path)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise ReleaseUnreadable(
                "the file is neither UTF-8 nor Windows-1252 text", path=path, line=line
            ) from exc
        warnings.warn(f"{path}: not valid UTF-8; decoded as Windows-1252", DecodingWarning, stacklevel=3)
        return text, "cp1252"


def read_source(path: str | Path) -> Source:
    """Read a release from a plain-text or saved HTML file.

    :raises ReleaseUnreadable: the path is missing, a directory, not a regular
        file (a named pipe, a device, a socket), unreadable, too large,
        binary, not text in UTF-8, UTF-16/32 (with a byte-order mark) or
        Windows-1252, or empty.
    """
    file = Path(path)
    name = str(file)
    try:
        # Opened without waiting (a named pipe would block until a writer came),
        # then checked through the open descriptor, so what is read is what was checked.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ReleaseUnreadable("no such file", path=name) from None
    except IsADirectoryError:
        raise ReleaseUnreadable("this is a directory, not a release file", path=name) from None
    except OSError as exc:
        raise ReleaseUnreadable(f"cannot read the file: {exc.strerror}", path=name) from exc
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ReleaseUnreadable("this is a directory, not a release file", path=name)
        if not stat.S_ISREG(mode):
            raise ReleaseUnreadable(
                f"this is {_KINDS_OF_FILE.get(stat.S_IFMT(mode), 'not a regular file')}, "
                "not a release file; only regular files are read",
                path=name,
            )
        size = os.fstat(fd).st_size
        if size > MAX_RELEASE_BYTES:
            raise ReleaseUnreadable(_too_large(size), path=name)
        # No more than the limit: the file may grow while it is read.
        chunks, left = [], MAX_RELEASE_BYTES + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > MAX_RELEASE_BYTES:
            raise ReleaseUnreadable(_too_large(MAX_RELEASE_BYTES, at_least=True), path=name)
    except OSError as exc:
        raise ReleaseUnreadable(f"cannot read the file: {exc.strerror}", path=name) from exc
    finally:
        os.close(fd)
    text, encoding = _decode(data, name)
    url = published = None
    if _HTML_START.match(data[:1024]) or file.suffix.lower() in {".html", ".htm"}:
        text, url, published = html_to_text(text)
    source = source_from_text(text, path=name, url=url)
    return Source(
        text=source.text,
        path=name,
        url=url,
        sha256=source.sha256,
        encoding=encoding,
        published=published,
    )


_KINDS_OF_FILE = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _too_large(size: int, *, at_least: bool = False) -> str:
    """The message for a file of ``size`` bytes, over :data:`MAX_RELEASE_BYTES`.

    >>> _too_large(5 * 1024 * 1024 + 1)
    'the file is 5,242,881 bytes (5.0 MiB); a press release is at most 5,242,880 bytes (5 MiB)'
    """
    more = "more than " if at_least else ""
    return (
        f"the file is {more}{size:,} bytes ({size / 2**20:.1f} MiB); a press release is at most "
        f"{MAX_RELEASE_BYTES:,} bytes ({MAX_RELEASE_BYTES // 2**20} MiB)"
    )


class _MainText(HTMLParser):
    """Collects the readable text of a page, one block element per paragraph."""

    _SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "aside", "form"})
    _BLOCK = frozenset(
        {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.url: str | None = None
        self.published: str | None = None
        self.in_main = False
        self.main_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in {"main", "article"}:
            self.in_main = True
        if tag == "link" and ("rel", "canonical") in attrs:
            self.url = dict(attrs).get("href")
        if tag == "meta" and ("property", "og:url") in attrs and self.url is None:
            self.url = dict(attrs).get("content")
        if tag == "meta" and self.published is None:
            names = {v for k, v in attrs if k in ("name", "property", "itemprop")}
            if names & {
                "article:published_time",
                "datePublished",
                "date",
                "dcterms.issued",
                "DC.date.issued",
            }:
                self.published = (dict(attrs).get("content") or "")[:10] or None
        if tag == "time" and self.published is None and self.in_main:
            self.published = (dict(attrs).get("datetime") or "")[:10] or None
        if tag in self._BLOCK:
            self._emit("\n\n" if tag != "br" else "\n")
        if tag == "li":
            self._emit("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        if tag in self._BLOCK:
            self._emit("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._emit(re.sub(r"\s+", " ", data))

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        if self.in_main:
            self.main_parts.append(text)


def html_to_text(html: str) -> tuple[str, str | None, str | None]:
    """The main text of an HTML page, its canonical URL and its publication date, if it names them."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.main_parts if "".join(parser.main_parts).strip() else parser.parts)
    lines = [line.strip() for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    published = (
        parser.published
        if parser.published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parser.published)
        else None
    )
    return text, parser.url, published


_NUMBERED_HEADLINE = re.compile(
    r"^[ \t]*(?:#|Release\s+)\d{1,4}\s*/\s*(?:19|20)\d{2}\b", re.MULTILINE
)


def split_releases(source: Source) -> list[Source]:
    r"""The releases in one source: a saved news page can hold several, each
    opening with a numbered headline ("#015/2012 ..."). A source with fewer
    than two numbered headlines is one release.

    Offsets in each part count from the part's own start, and each part keeps
    the file's path and URL with a checksum of its own text.

    >>> parts = split_releases(source_from_text("#001/2013 A\n\nText.\n#002/2013 B\n\nMore."))
    >>> [p.text.splitlines()[0] for p in parts]
    ['#001/2013 A', '#002/2013 B']
    """
    starts = [m.start() for m in _NUMBERED_HEADLINE.finditer(source.text)]
    if len(starts) < 2:
        return [source]
    parts = []
    for start, end in zip(starts, [*starts[1:], len(source.text)], strict=True):
        text = source.text[start:end].rstrip() + "\n"
        parts.append(
            Source(
                text=text,
                path=source.path,
                url=source.url,
                sha256=_checksum(text),
                encoding=source.encoding,
                published=source.published,
            )
        )
    return parts
