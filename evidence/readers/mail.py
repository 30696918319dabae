"""E-mail readers: .eml (RFC 5322, Python's email package) and .msg (Outlook, through olefile).

An e-mail's subject is its title (and its first block, a heading), the
sender's organisation and the date come from the headers, and the body is
read as text (or as HTML when that is all it has). Each attached file is
read by the reader for its type into a document of its own
(``RawDocument.attachments``), so that a submission sent as a PDF is cited
by its own title, not as a section of a covering e-mail; a forwarded e-mail
is such a document too, with its own attachments, down to ``MAX_DEPTH``.
An attachment that cannot be read keeps its name and the reason.

``.msg`` files are OLE compound files; the MAPI properties an e-mail needs
(subject, sender, body, transport headers, attachments) are read from their
streams with olefile (BSD) rather than extract-msg, which is GPL-3 and so
cannot be a dependency of this Apache-2.0 project.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import email.utils
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage, Message
from pathlib import PurePath
from typing import IO, Protocol

from ..errors import ReaderError, UnsupportedFormat
from ..models import Attachment, Block, Metadata, RawDocument
from .text import clean_text

#: Attachments inside attachments (a forwarded e-mail's files) are read this deep.
MAX_DEPTH = 3
#: Web-mail and internet providers: their domain says nothing of the sender's organisation.
_PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "mail.com",
    }
)
_PARENTHESISED = re.compile(r"\(([^()]{2,80})\)\s*$")
_ADDRESS = re.compile(r"<[^<>]*>|\S+@\S+")


@dataclass
class Parts:
    """What either kind of e-mail file gives: headers, body, attached files."""

    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    organisation: str = ""
    date: str | None = None
    text: str = ""
    html: str = ""
    attachments: list[tuple[str, bytes]] = field(
        default_factory=list
    )  # (file name, content)


def read_eml(
    data: bytes, *, depth: int = 0, max_pages: int | None = None, ocr: bool = True
) -> RawDocument:
    """Blocks, declared metadata and attachments of an RFC 5322 message (.eml).

    ``max_pages`` and ``ocr`` apply to attached PDFs as to files of their
    own; ``depth`` counts the e-mails this one is attached inside.
    """
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not any(
        message.get(name) for name in ("From", "Subject", "Date", "To", "Message-ID")
    ):
        raise ReaderError("not an e-mail message: no From, To, Subject or Date header")
    return assemble(_eml_parts(message), "eml", depth, max_pages=max_pages, ocr=ocr)


def _header(message: Message, name: str) -> str:
    try:
        return clean_text(str(message.get(name) or ""))
    except (
        ValueError,
        TypeError,
        IndexError,
    ):  # a header the parser cannot make sense of
        return ""


def _eml_parts(message: Message) -> Parts:
    parts = Parts(
        subject=_header(message, "Subject"),
        organisation=_header(message, "Organization"),
    )
    sender = _header(message, "From")
    parts.sender_address = email.utils.parseaddr(sender)[1]
    # The parsed header drops comments; the raw one keeps them (encoded words decoded).
    raw_from = next(
        (value for name, value in message.raw_items() if name.lower() == "from"), ""
    )
    if "(" in raw_from:
        try:
            sender = str(email.header.make_header(email.header.decode_header(raw_from)))
        except (email.errors.HeaderParseError, UnicodeError, LookupError, ValueError):
            pass  # the parsed name, without the comment
    # The name as written, comments kept: "Jane Doe (Bus Users UK) <jane@...>".
    parts.sender_name = clean_text(_ADDRESS.sub(" ", sender))
    parts.date = iso_date(_header(message, "Date"))
    if isinstance(message, EmailMessage):
        for kind in ("plain", "html"):
            body = message.get_body(preferencelist=(kind,))
            if body is not None:
                setattr(parts, "text" if kind == "plain" else "html", _decoded(body))
        for attachment in message.iter_attachments():
            filename = attachment.get_filename() or ""
            if attachment.get_content_type() == "message/rfc822":
                inner = attachment.get_payload()
                content = (
                    inner[0].as_bytes()
                    if isinstance(inner, list)
                    and inner
                    and isinstance(inner[0], Message)
                    else b""
                )
                parts.attachments.append((filename or "forwarded message.eml", content))
            elif filename:
                parts.attachments.append((filename, _payload(attachment)))
    return parts


def _payload(part: Message) -> bytes:
    """A part's content, transfer encoding undone (b"" for a multipart part, which has none)."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _decoded(part: Message) -> str:
    payload = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", "replace")


def iso_date(value: str) -> str | None:
    """An RFC 5322 date as YYYY-MM-DD, or None."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.date().isoformat() if 1900 <= parsed.year <= 2100 else None


def sender_organisation(parts: Parts) -> str | None:
    """The Organization header; else a name in brackets after the sender's; else the sender's domain."""
    if parts.organisation:
        return parts.organisation
    bracketed = _PARENTHESISED.search(parts.sender_name)
    if bracketed:
        return clean_text(bracketed.group(1))
    domain = parts.sender_address.rpartition("@")[2].lower().strip(">. ")
    if domain and "." in domain and domain not in _PERSONAL_DOMAINS:
        return domain
    return None


def assemble(
    parts: Parts,
    fmt: str,
    depth: int,
    *,
    max_pages: int | None = None,
    ocr: bool = True,
) -> RawDocument:
    """The e-mail's own blocks (subject heading, body), and each attached file read apart.

    Attachments are not sections of the e-mail: each is a document of its
    own (``RawDocument.attachments``), so it is cited by its own title,
    and an unreadable one carries its reason for ingest to report.
    """
    blocks: list[Block] = []
    if parts.subject:
        blocks.append(Block("heading", parts.subject, None, 1))
    blocks.extend(_body_blocks(parts))
    declared = Metadata(
        title=parts.subject or None, org=sender_organisation(parts), date=parts.date
    )
    return RawDocument(
        blocks=blocks,
        format=fmt,
        declared=declared,
        prominent=[parts.subject] if parts.subject else [],
        attachments=[
            _attachment(name, content, depth, max_pages=max_pages, ocr=ocr)
            for name, content in _unique_names(parts.attachments)
        ],
    )


def _unique_names(attachments: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Attachments under their bare file names, a second "a.pdf" renamed "a (2).pdf".

    Ids and paths of attachment documents derive from these names, so they
    must differ within one e-mail; the first of a name keeps it unchanged.
    """
    taken: set[str] = set()
    out: list[tuple[str, bytes]] = []
    for filename, content in attachments:
        name = PurePath(filename.replace("\\", "/")).name or "attachment"
        stem, suffix = PurePath(name).stem, PurePath(name).suffix
        count = 1
        while name.lower() in taken:
            count += 1
            name = f"{stem} ({count}){suffix}"
        taken.add(name.lower())
        out.append((name, content))
    return out


def _attachment(
    name: str, content: bytes, depth: int, *, max_pages: int | None, ocr: bool
) -> Attachment:
    """One attached file read by the reader for its type, or the reason it cannot be."""
    from . import read_bytes  # the readers' registry imports this module

    found = Attachment(name, hashlib.sha256(content).hexdigest(), len(content))
    try:
        if depth >= MAX_DEPTH:
            raise ReaderError("attachments nested too deeply")
        found.document = read_bytes(
            content,
            PurePath(name).suffix.lower(),
            max_pages=max_pages,
            ocr=ocr,
            depth=depth + 1,
        )
    except UnsupportedFormat as exc:
        found.reason, found.unsupported = str(exc), True
    except ReaderError as exc:
        found.reason = str(exc)
    return found


def _body_blocks(parts: Parts) -> list[Block]:
    from .html import read_html
    from .plaintext import read_text

    if parts.text.strip():
        return read_text(parts.text.encode("utf-8")).blocks
    if parts.html.strip():
        try:
            return read_html(parts.html.encode("utf-8")).blocks
        except ReaderError:
            return []
    return []


# -- Outlook .msg ---------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_msg(
    data: bytes, *, depth: int = 0, max_pages: int | None = None, ocr: bool = True
) -> RawDocument:
    """Blocks and declared metadata from an Outlook message (.msg); limits as for :func:`read_eml`."""
    import olefile

    if not data.startswith(_OLE_MAGIC):
        raise ReaderError("not an Outlook message (OLE) file")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError) as exc:
        raise ReaderError(f"not a readable Outlook message: {exc}") from exc
    try:
        if not ole.exists("__properties_version1.0"):
            raise ReaderError("not an Outlook message: no MAPI properties")
        parts = _msg_parts(ole)
    finally:
        ole.close()
    return assemble(parts, "msg", depth, max_pages=max_pages, ocr=ocr)


class _Ole(Protocol):
    """What the .msg reader reads of an ``olefile.OleFileIO`` (olefile has no type information)."""

    def exists(self, filename: str) -> bool: ...

    def openstream(self, filename: str) -> IO[bytes]: ...

    def listdir(self, streams: bool = ..., storages: bool = ...) -> list[list[str]]: ...


def _msg_string(ole: _Ole, storage: str, prop: str) -> str:
    """A string property from its stream: Unicode (001F) or the message's 8-bit code page (001E)."""
    for kind, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
        path = f"{storage}__substg1.0_{prop}{kind}"
        if ole.exists(path):
            raw = ole.openstream(path).read()
            return raw.decode(codec, "replace").rstrip("\x00")
    return ""


def _msg_binary(ole: _Ole, storage: str, prop: str) -> bytes:
    path = f"{storage}__substg1.0_{prop}0102"
    if ole.exists(path):
        return ole.openstream(path).read()
    return b""


def _msg_parts(ole: _Ole) -> Parts:
    headers = _msg_string(
        ole, "", "007D"
    )  # the internet headers, when the message came by SMTP
    parsed = (
        email.message_from_string(headers, policy=email.policy.default)
        if headers
        else None
    )
    parts = Parts(
        subject=clean_text(_msg_string(ole, "", "0037")),
        sender_name=clean_text(_msg_string(ole, "", "0C1A")),
        sender_address=_msg_string(ole, "", "0C1F") or _msg_string(ole, "", "5D01"),
        text=_msg_string(ole, "", "1000"),
    )
    if parsed is not None:
        parts.organisation = _header(parsed, "Organization")
        parts.date = iso_date(_header(parsed, "Date"))
        if not parts.sender_address:
            parts.sender_address = email.utils.parseaddr(_header(parsed, "From"))[1]
    if parts.date is None:
        parts.date = _msg_sent(ole)
    if "@" not in parts.sender_address:
        parts.sender_address = ""  # an Exchange address (/O=...) names no domain
    if not parts.text:
        html = _msg_binary(ole, "", "1013")
        parts.html = (
            html.decode("utf-8", "replace") if html else _msg_string(ole, "", "1013")
        )
    for entry in ole.listdir(streams=False, storages=True):
        if len(entry) != 1 or not entry[0].startswith("__attach_version1.0_"):
            continue
        storage = entry[0] + "/"
        name = (
            _msg_string(ole, storage, "3707")
            or _msg_string(ole, storage, "3704")
            or "attachment"
        )
        content = _msg_binary(ole, storage, "3701")
        if content:
            parts.attachments.append((name, content))
    return parts


#: PR_CLIENT_SUBMIT_TIME then PR_MESSAGE_DELIVERY_TIME, as PT_SYSTIME property tags.
_SENT_TAGS = (0x00390040, 0x0E060040)


def _msg_sent(ole: _Ole) -> str | None:
    """The date the message was sent (or delivered), from the fixed-size property stream."""
    raw = ole.openstream("__properties_version1.0").read()
    found: dict[int, int] = {}
    # The top-level stream has a 32-byte header, then 16-byte entries: tag, flags, value.
    for offset in range(32, len(raw) - 15, 16):
        tag = int.from_bytes(raw[offset : offset + 4], "little")
        if tag in _SENT_TAGS:
            found[tag] = int.from_bytes(raw[offset + 8 : offset + 16], "little")
    for tag in _SENT_TAGS:
        if found.get(tag):
            days = found[tag] // (
                10_000_000 * 86_400
            )  # FILETIME: 100 ns steps since 1601-01-01
            try:
                day = date(1601, 1, 1) + timedelta(days=days)
            except OverflowError:
                continue
            if 1900 <= day.year <= 2100:
                return day.isoformat()
    return None
