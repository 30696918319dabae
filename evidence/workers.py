"""Run one function over many tasks in worker processes that can be stopped.

``multiprocessing.Pool`` cannot stop one task that hangs, and a hostile file
(a PDF that makes the parser spin, an HTML page nested beyond reason) must
not hang a whole ingest. Here every worker is a forked process with a pipe;
a task that runs past its time limit gets its worker killed and replaced, and
the caller gets ``on_timeout(task)`` in its place. Results come back in task
order, with a bounded number in flight so memory stays flat.

A worker must never outlive the run that started it: a SIGKILLed parent
cannot clean up, and an orphan that keeps a copy of the ingest lock's file
or of a pipe end blocks every later ingest. So each child asks the kernel to
kill it when its parent dies, lets go of what it inherited but does not own
(see ``keep_from_children``), and leaves on end-of-file on its pipe.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_CTX = multiprocessing.get_context("fork")

#: Open objects (files, pipe ends) of this process that forked children must
#: close: by id, so registering is cheap and needs no hashing of the object.
_PRIVATE: dict[int, Any] = {}
_PR_SET_PDEATHSIG = 1


@contextmanager
def keep_from_children(obj: Any) -> Iterator[Any]:
    """While inside, a child forked by ``detach_from_parent`` callers closes its copy of ``obj``.

    For objects with a ``close()`` method whose file descriptor must stay
    this process's alone: a lock taken with ``flock`` is held as long as any
    copy of its descriptor is open, in any process.
    """
    _PRIVATE[id(obj)] = obj
    try:
        yield obj
    finally:
        _PRIVATE.pop(id(obj), None)


def detach_from_parent(parent_pid: int) -> None:
    """In a freshly forked child: die with the parent and drop the parent's private files.

    ``parent_pid`` is taken before the fork, so a parent that died before
    the death signal was armed is noticed too.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (
            OSError,
            AttributeError,
        ):  # no prctl: end-of-file on the pipe still ends us
            pass
    if os.getppid() != parent_pid:
        os._exit(1)
    for obj in list(_PRIVATE.values()):
        try:
            obj.close()
        except OSError:
            pass
    _PRIVATE.clear()


def limit_memory(extra: int | None) -> None:
    """Let this process's address space grow by at most ``extra`` bytes from here.

    A file that makes a reader allocate without end (a PDF whose streams
    inflate to gigabytes) then gets MemoryError, or a refused allocation in
    a C library, in its worker, instead of taking the machine's memory.
    Counted from the current size, since a worker starts with the pipeline
    it inherited. Linux only (it reads /proc); elsewhere nothing is limited.
    """
    if extra is None:
        return
    try:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            size = next(
                int(line.split()[1]) * 1024
                for line in status
                if line.startswith("VmSize:")
            )
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, StopIteration, ValueError):
        pass


def _serve(
    conn: Connection, fn: Callable[[Any], Any], parent_pid: int, memory: int | None
) -> None:
    detach_from_parent(parent_pid)
    limit_memory(memory)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if item is None:
            return
        index, task = item
        result: tuple[str, Any] | None = None
        try:
            result = ("ok", fn(task))
        except MemoryError:
            pass  # reported below, once this block has let go of the frames holding the memory
        except BaseException as exc:  # report, never die silently
            result = ("error", f"{type(exc).__name__}: {exc}")
        del item, task
        try:
            try:
                conn.send((index, result or ("error", "MemoryError: ")))
            except MemoryError:  # the result was too big to pickle within the limit
                result = None
                conn.send((index, ("error", "MemoryError: ")))
        except (OSError, KeyboardInterrupt):
            return


class _Worker:
    def __init__(self, fn: Callable[[Any], Any], memory: int | None = None) -> None:
        self.conn, child = _CTX.Pipe()
        # This end is the parent's: the child (and every later child) closes
        # its copy, so the child reads end-of-file once the parent is gone.
        _PRIVATE[id(self.conn)] = self.conn
        self.process = _CTX.Process(
            target=_serve, args=(child, fn, os.getpid(), memory), daemon=True
        )
        # What the worker inherits (the pipeline, its data) lives as long as it
        # does: frozen, the worker's garbage collector never walks it again,
        # which saves its time and keeps those pages shared with this process.
        gc.freeze()
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        child.close()
        self.task_index: int | None = None
        self.started = 0.0

    def give(self, index: int, task: Any) -> None:
        self.task_index = index
        self.started = time.monotonic()
        self.conn.send((index, task))

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self._close()

    def _close(self) -> None:
        _PRIVATE.pop(id(self.conn), None)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._close()


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int,
    timeout: float | None,
    on_timeout: Callable[[T], R],
    on_error: Callable[[T, str], R],
    memory: int | None = None,
) -> Iterator[R]:
    """Yield ``fn(task)`` for each task, in order.

    A task that takes longer than ``timeout`` seconds yields
    ``on_timeout(task)``; one whose worker raised or died yields
    ``on_error(task, reason)``. ``memory``: bytes each worker may allocate
    beyond its size at start (see ``limit_memory``), None for no limit.
    """
    if not tasks:
        return

    def start() -> _Worker:
        return _Worker(fn, memory)

    pool = [start() for _ in range(max(1, min(workers, len(tasks))))]
    window = 4 * len(pool)
    done: dict[int, R] = {}
    next_task = 0
    next_out = 0
    idle = list(pool)
    try:
        while next_out < len(tasks):
            while idle and next_task < len(tasks) and next_task < next_out + window:
                idle.pop().give(next_task, tasks[next_task])
                next_task += 1
            busy = [w for w in pool if w.task_index is not None]
            if busy:
                wait_for = None
                if timeout is not None:
                    now = time.monotonic()
                    wait_for = max(0.0, min(w.started + timeout for w in busy) - now)
                ready = wait([w.conn for w in busy], timeout=wait_for)
                for worker in busy:
                    if worker.conn in ready:
                        try:
                            index, (status, value) = worker.conn.recv()
                        except (EOFError, OSError):
                            index = worker.task_index
                            assert index is not None  # a busy worker holds a task
                            worker.kill()  # reaps it: its exit status says how it died
                            done[index] = on_error(
                                tasks[index],
                                f"worker process died ({describe_exit(worker.process.exitcode)})",
                            )
                            pool[pool.index(worker)] = replacement = start()
                            idle.append(replacement)
                            continue
                        done[index] = (
                            value if status == "ok" else on_error(tasks[index], value)
                        )
                        worker.task_index = None
                        idle.append(worker)
                    elif (
                        timeout is not None
                        and time.monotonic() - worker.started >= timeout
                    ):
                        index = worker.task_index
                        assert index is not None  # a busy worker holds a task
                        done[index] = on_timeout(tasks[index])
                        worker.kill()
                        pool[pool.index(worker)] = replacement = start()
                        idle.append(replacement)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        for worker in pool:
            if worker.task_index is not None:
                worker.kill()
            else:
                worker.stop()


def describe_exit(exitcode: int | None) -> str:
    """A dead worker's exit status in words: 'killed by SIGABRT', 'exit status 9'."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"
