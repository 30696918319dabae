"""HTML reader: the page's main text, without navigation, cookie banners or footers.

Evidence pages saved from the web carry menus, share bars and footers that
would otherwise be indexed and cited as if the author had written them. The
reader drops those, picks the main-content element (``<main>``, then
``<article>``, then ``[role=main]``, then the element holding the most
paragraph text) and walks it iteratively, so pathological nesting cannot
exhaust the stack.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import ReaderError
from ..metadata import normalise_date
from ..models import Block, BlockKind, Metadata, RawDocument
from ..resources import data_path
from .furniture import DATED_CHROME, is_chrome
from .text import clean_text, decode_bytes

_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")

#: Inline elements: their text runs on with the text around them.
_INLINE = frozenset(
    "a abbr acronym b bdi bdo big br cite code data del dfn em font i img ins kbd "
    "label mark q s samp small span strike strong sub sup time tt u var wbr".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
#: Elements emitted whole as one paragraph (their inner markup is inline).
_LEAF_BLOCKS = frozenset("p pre address dt dd figcaption caption summary".split())
_LISTS = frozenset(("ul", "ol"))

#: Metadata names that declare a publication date, best first.
_DATE_META = (
    "article:published_time",
    "dcterms.date",
    "dc.date",
    "date",
    "citation_publication_date",
    "dcterms.issued",
)


@lru_cache(maxsize=1)
def _noise() -> tuple[frozenset[str], frozenset[str], frozenset[str], tuple[str, ...]]:
    with data_path("html_noise.json").open(encoding="utf-8") as handle:
        rules = json.load(handle)
    return (
        frozenset(rules["drop_tags"]),
        frozenset(rules["drop_tokens"]),
        frozenset(rules["keep_tags"]),
        tuple(rules["drop_roles"]),
    )


def decode_html(data: bytes) -> str:
    """Decode with the page's declared charset when UTF-8 fails."""
    if not data.strip():
        raise ReaderError("empty file")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            declared = _CHARSET.search(data[:4096])
            if declared:
                try:
                    return data.decode(declared.group(1).decode("ascii"))
                except (LookupError, UnicodeDecodeError):
                    pass
    return decode_bytes(data)


#: The most title candidates handed to the metadata step.
MAX_PROMINENT = 5
#: Blocks longer than this are never page controls.
_CHROME_CHARS = 120


def read_html(data: bytes) -> RawDocument:
    """Blocks, title candidates and declared metadata from the bytes of an HTML page."""
    tree = LexborHTMLParser(decode_html(data))
    declared = _declared(tree)
    _drop_noise(tree)
    root = _main_element(tree)
    blocks: list[Block] = []
    for block in _blocks(root) if root is not None else ():
        if (
            block.kind != "heading"
            and len(block.text) <= _CHROME_CHARS
            and is_chrome(block.text)
        ):
            # "Back to top", "Print this page", "Last updated ...": controls the
            # page did not mark as navigation. An update stamp still dates the page.
            if declared.date is None and DATED_CHROME.search(block.text):
                declared.date = normalise_date(block.text)
            continue
        blocks.append(block)
    return RawDocument(
        blocks=blocks,
        format="html",
        declared=declared,
        prominent=_prominent(tree, declared),
    )


def html_fragment_blocks(markup: str) -> list[Block]:
    """Blocks of a piece of HTML embedded in another format (a raw HTML block in Markdown).

    The same noise rules apply (no script, style, navigation), but the whole
    fragment is read: it has no page around it to find a main element in.
    """
    tree = LexborHTMLParser(markup)
    _drop_noise(tree)
    root = tree.body
    return list(_blocks(root)) if root is not None else []


def _prominent(tree: LexborHTMLParser, declared: Metadata) -> list[str]:
    """The page's <h1> texts (site chrome already dropped), then its <title>."""
    out: list[str] = []
    for node in tree.css("h1"):
        text = _text(node)
        if text and text not in out:
            out.append(text)
    if declared.title and declared.title not in out:
        out.append(declared.title)
    return out[:MAX_PROMINENT]


def _meta(tree: LexborHTMLParser, *names: str) -> str | None:
    for name in names:
        for attr in ("name", "property"):
            node = tree.css_first(f'meta[{attr}="{name}" i]')
            if node is not None:
                content = clean_text(node.attributes.get("content") or "")
                if content:
                    return content
    return None


def _declared(tree: LexborHTMLParser) -> Metadata:
    title_node = tree.css_first("title")
    title = clean_text(title_node.text()) if title_node is not None else ""
    title = title or _meta(tree, "og:title", "dc.title", "citation_title") or ""
    org = _meta(
        tree,
        "og:site_name",
        "author",
        "dc.creator",
        "dcterms.publisher",
        "citation_author",
    )
    raw_date = _meta(tree, *_DATE_META)
    return Metadata(
        title=title or None,
        org=org,
        date=normalise_date(raw_date) if raw_date else None,
    )


def _is_noise_attr(node: LexborNode, tokens: frozenset[str]) -> bool:
    attrs = node.attributes
    value = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    return any(token in tokens for token in _TOKEN_SPLIT.split(value))


#: Class tokens and ARIA roles of a page's list of footnotes or endnotes.
_NOTE_TOKENS = frozenset(("footnote", "footnotes", "endnote", "endnotes"))
_NOTE_ROLES = frozenset(("doc-endnotes", "doc-footnote", "doc-endnote"))
#: A superscript that is a note mark: a number, a letter or a dagger, maybe bracketed.
_NOTE_MARK = re.compile(r"^\[?(?:\d{1,3}|[a-z]|[*\u2020\u2021\u00a7])\]?$")
_WORD_BEFORE = re.compile(r"(?:[^\W\d_]{3,}|[.,;:)\]\u201d\u2019\"'])$")


def _drop_note_marks(tree: LexborHTMLParser) -> None:
    """Footnote reference marks and a note's link back are not text.

    A mark is a superscript linking within the page, or a bare superscript
    number after a word or punctuation ("calls<sup>1</sup>"; "m<sup>2</sup>"
    is a unit and stays).
    """
    for node in reversed(
        tree.css(
            'sup, a[role="doc-noteref"], a[role="doc-backlink"], a.footnote-backref'
        )
    ):
        if node.tag != "sup":
            node.decompose()
            continue
        text = clean_text(node.text(deep=True))
        if not _NOTE_MARK.match(text):
            continue
        linked = node.css_first('a[href^="#"]') is not None
        before = node.prev
        previous = (
            (before.text_content or "")
            if before is not None and before.tag == "-text"
            else (before.text(deep=True) if before is not None else "")
        )
        if linked or _WORD_BEFORE.search(previous.rstrip()):
            node.decompose()


def _is_notes(node: LexborNode) -> bool:
    """The element holding the page's footnotes or endnotes."""
    attrs = node.attributes
    if (attrs.get("role") or "").lower() in _NOTE_ROLES:
        return True
    value = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    return any(token in _NOTE_TOKENS for token in value.split())


def _drop_noise(tree: LexborHTMLParser) -> None:
    drop_tags, drop_tokens, keep_tags, drop_roles = _noise()
    for br in tree.css("br"):
        br.replace_with(" ")
    _drop_note_marks(tree)
    kept_headers = {node.mem_id for node in tree.css("main header, article header")}
    tree.strip_tags(sorted(drop_tags - {"header"}))
    roles = ", ".join(f'[role="{role}" i]' for role in drop_roles)
    # Reverse document order: descendants go before their ancestors, so no
    # node is touched after an ancestor has freed it.
    for node in reversed(
        tree.css(f"header, {roles}, [class], [id], [hidden], [aria-hidden=true]")
    ):
        tag = node.tag
        if tag in keep_tags or (tag == "header" and node.mem_id in kept_headers):
            continue
        attrs = node.attributes
        if (
            tag == "header"
            or "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or (attrs.get("role") or "").lower() in drop_roles
            or _is_noise_attr(node, drop_tokens)
        ):
            node.decompose()


def _main_element(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in ("main", "article", '[role="main"]'):
        found = [n for n in tree.css(selector) if clean_text(n.text(deep=True))]
        if found:
            return (
                max(found, key=lambda n: len(n.text(deep=True)))
                if selector == "article"
                else found[0]
            )
    return _densest(tree) or tree.body


def _densest(tree: LexborHTMLParser) -> LexborNode | None:
    """The element whose paragraphs hold the most text (grandparents get half)."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    order: dict[int, int] = {}
    for paragraph in tree.css("p"):
        length = len(clean_text(paragraph.text(deep=True)))
        if not length:
            continue
        parent = paragraph.parent
        for share in (1.0, 0.5):
            if parent is None or parent.tag in ("html", "#document"):
                break
            key = parent.mem_id
            nodes[key] = parent
            order.setdefault(key, len(order))
            scores[key] = scores.get(key, 0.0) + length * share
            parent = parent.parent
    if not scores:
        return None
    best = max(scores, key=lambda k: (scores[k], -order[k]))
    return nodes[best]


def _text(node: LexborNode) -> str:
    return clean_text(node.text(deep=True, separator=""))


def _cells(row: LexborNode) -> list[str]:
    return [_text(cell) for cell in row.iter() if cell.tag in ("td", "th")]


def _blocks(root: LexborNode) -> Iterator[Block]:
    """Walk the main element in document order with an explicit stack.

    Each frame is a container being read: its child iterator, the inline text
    gathered so far, the kind that text becomes, and the list depth.
    """
    stack: list[tuple[Iterator[LexborNode], list[str], BlockKind, int]] = [
        (root.iter(include_text=True), [], "paragraph", 0)
    ]
    while stack:
        children, run, kind, depth = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            text = clean_text("".join(run))
            if text:
                yield Block(kind, text, level=depth if kind == "list_item" else 0)
            continue
        tag = child.tag
        if tag == "-text":
            run.append(child.text_content or "")
            continue
        if tag is None or tag.startswith(("-", "#")):  # no tag, comments, doctype
            continue
        if tag in _INLINE:
            run.append(child.text(deep=True, separator=""))
            continue
        # A block element: what came before it is a block of its own.
        text = clean_text("".join(run))
        run.clear()
        if text:
            yield Block(kind, text, level=depth if kind == "list_item" else 0)
        if tag in _HEADINGS:
            heading = _text(child)
            if heading:
                yield Block("heading", heading, level=_HEADINGS[tag])
        elif tag in _LEAF_BLOCKS:
            body = _text(child)
            if body:
                yield Block(kind, body, level=depth if kind == "list_item" else 0)
        elif tag == "tr":
            cells = [c for c in _cells(child) if c]
            if cells:
                yield Block("table_row", " | ".join(cells))
        elif tag == "li":
            item_kind: BlockKind = "footnote" if kind == "footnote" else "list_item"
            stack.append((child.iter(include_text=True), [], item_kind, max(depth, 1)))
        elif tag in _LISTS:
            stack.append(
                (
                    child.iter(include_text=True),
                    [],
                    "footnote" if _is_notes(child) else kind,
                    depth + 1,
                )
            )
        else:
            stack.append(
                (
                    child.iter(include_text=True),
                    [],
                    "footnote" if _is_notes(child) else kind,
                    depth,
                )
            )
