"""Document pages rendered by two processes at once: a dense corpus has tens of thousands.

Once the site model is built, the build forks: the second process starts on
the document pages straight away while the first writes the theme, list and
search pages, then joins in. Both take documents a few at a time from one
shared counter, so neither idles while the other has work. Each page is a
pure function of the model and the snapshot, so which process writes it
changes no byte. Each process reads its documents' passages and findings
(a document at a time: the model holds no list of every finding) through its own store connection
(a SQLite connection must not cross a fork; the second one reads a copy of
the first one's snapshot, so both see the same state) and notes the links of the pages
it writes; the second sends its notes back at the end, so the link check
still sees every page.

Where there is no fork (Windows), or the corpus is small, one process does it all.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import SiteError
from ..models import Passage
from ..store import Store
from .views import DocView, FindingView, SiteModel, stream_finding_views

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

#: Fewer documents than this are not worth a second process.
PARALLEL_MIN_DOCUMENTS = 200
#: Documents taken from the shared counter at a time.
CHUNK = 4

RenderDocument = Callable[[DocView, Sequence[Passage], Sequence[FindingView]], str]


def shares_work(documents: int) -> bool:
    """Whether a build of ``documents`` pages forks a second process for them."""
    return hasattr(os, "fork") and documents >= PARALLEL_MIN_DOCUMENTS


class PageWriter(Protocol):
    """What the document pages need of the site writer."""

    def put(self, rel: str, text: str) -> None: ...

    def detached(self) -> PageWriter: ...

    def harvest(self) -> Iterator[Any]: ...

    def absorb(self, piece: Any) -> None: ...


class DocumentPages:
    """Every document's page, shared between this process and, where it can, a forked one."""

    def __init__(
        self,
        index_dir: os.PathLike[str] | str,
        model: SiteModel,
        render: RenderDocument,
        reading: Callable[[Store], None] | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.docs = model.docs
        self.render = render
        #: Told the store each process reads its documents from, before it renders them.
        self.reading = reading
        self.by_id = {d.doc_id: d for d in model.docs}

    def shared(self, writer: PageWriter) -> _Helper:
        """A context in which a second process, if any, renders document pages; see :class:`_Helper`."""
        return _Helper(self, writer)

    def render_claimed(
        self, store: Store, writer: PageWriter, claims: Iterator[int]
    ) -> None:
        if self.reading is not None:
            self.reading(store)
        for n in claims:
            doc = self.docs[n]
            mine = list(stream_finding_views(store, self.by_id, doc_id=doc.doc_id))
            writer.put(doc.href, self.render(doc, store.passages(doc.doc_id), mine))


class _Claims:
    """Document numbers handed out CHUNK at a time to whichever process asks next."""

    def __init__(self, total: int, shared: bool) -> None:
        self.total = total
        self._next: Synchronized[int] | None = (
            multiprocessing.get_context("fork").Value("q", 0) if shared else None
        )
        self._local = 0

    def __iter__(self) -> Iterator[int]:
        while True:
            if self._next is None:
                start, self._local = self._local, self._local + CHUNK
            else:
                with self._next.get_lock():
                    start = self._next.value
                    self._next.value = start + CHUNK
            if start >= self.total:
                return
            yield from range(start, min(start + CHUNK, self.total))


class _Helper:
    """Forks on entry (when it can); :meth:`render_rest` renders what is left and collects the other half.

    Leaving the context by an exception (Ctrl-C included) stops the second
    process and waits for it, so nothing outlives the build.
    """

    def __init__(self, pages: DocumentPages, writer: PageWriter) -> None:
        self.pages = pages
        self.writer = writer
        self.pid = 0
        self.fd = -1
        self.claims = _Claims(len(pages.docs), False)
        self.frozen = False

    def __enter__(self) -> _Helper:
        if not shares_work(len(self.pages.docs)):
            return self
        try:
            claims = _Claims(len(self.pages.docs), True)
            read_fd, write_fd = os.pipe()
        except OSError:  # no shared memory for the counter: one process does it all
            return self
        # objects made so far are never collected in the child, so its
        # collector never writes to (and so never copies) the parent's pages
        gc.freeze()
        self.frozen = True
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return self
        if pid == 0:
            os.close(read_fd)
            _child(self.pages, self.writer, claims, write_fd)
        os.close(write_fd)
        self.pid, self.fd, self.claims = pid, read_fd, claims
        return self

    def render_rest(self, store: Store, writer: PageWriter) -> None:
        """Render documents until none are left, then take in the second process's pages."""
        self.pages.render_claimed(store, writer, iter(self.claims))
        if not self.pid:
            return
        done = False
        with os.fdopen(self.fd, "rb") as pipe:
            self.fd = -1
            try:
                # the second process's notes come in pieces, each taken in as it is read:
                # they are never all in memory at once
                while not done:
                    outcome, payload = pickle.load(pipe)
                    if outcome == "error":
                        raise payload
                    if outcome == "done":
                        done = True
                    else:
                        writer.absorb(payload)
            except (EOFError, pickle.UnpicklingError):  # it died before it had said all
                pass
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not done:
            raise SiteError(
                f"the second process rendering document pages stopped ({_how(status)})"
            )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def _child(pages: DocumentPages, writer: PageWriter, claims: _Claims, fd: int) -> None:
    """The second process: render claimed documents, send back what was written, exit without unwinding."""
    code = 1
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            # Ctrl-C reaches both processes; the first reports it, this one just stops
            signal.signal(signal.SIGINT, lambda *_: os._exit(130))
        try:
            local = writer.detached()
            with Store(pages.index_dir) as store:
                pages.render_claimed(store, local, iter(claims))
            pieces = local.harvest()
        except BaseException as exc:
            with os.fdopen(fd, "wb") as pipe:
                pipe.write(_pickled_error(exc))
        else:
            with os.fdopen(fd, "wb") as pipe:
                try:
                    # pickled straight into the pipe a piece at a time: plain data, no copy held as bytes
                    for piece in pieces:
                        pickle.dump(
                            ("piece", piece), pipe, protocol=pickle.HIGHEST_PROTOCOL
                        )
                except BaseException as exc:
                    pipe.write(_pickled_error(exc))
                else:
                    pickle.dump(("done", None), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                    code = 0
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _pickled_error(exc: BaseException) -> bytes:
    try:
        return pickle.dumps(("error", exc), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps(
            (
                "error",
                SiteError(
                    f"rendering document pages failed: {type(exc).__name__}: {exc}"
                ),
            )
        )


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"
