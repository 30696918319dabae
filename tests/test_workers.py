import os
import time

from evidence.workers import run_tasks


def _work(task):
    kind, value = task
    if kind == "sleep":
        time.sleep(value)
    elif kind == "raise":
        raise ValueError(value)
    elif kind == "die":
        os._exit(9)
    return value * 2 if kind == "double" else value


def _run(tasks, workers=2, timeout=None, fn=_work):
    return list(
        run_tasks(
            fn,
            tasks,
            workers=workers,
            timeout=timeout,
            on_timeout=lambda t: ("timeout", t),
            on_error=lambda t, why: ("error", why),
        )
    )


def test_results_come_back_in_task_order():
    tasks = [
        ("sleep", 0.2),
        ("double", 1),
        ("double", 2),
        ("sleep", 0.05),
        ("double", 3),
    ]
    assert _run(tasks) == [0.2, 2, 4, 0.05, 6]


def test_a_hung_task_is_stopped_and_the_rest_go_on():
    tasks = [("double", 1), ("sleep", 30), ("double", 2), ("double", 3)]
    started = time.monotonic()
    assert _run(tasks, timeout=1.0) == [2, ("timeout", ("sleep", 30)), 4, 6]
    assert time.monotonic() - started < 15


def test_errors_and_dead_workers_are_reported_per_task():
    tasks = [("raise", "bad input"), ("die", 0), ("double", 5)]
    assert _run(tasks, workers=1) == [
        ("error", "ValueError: bad input"),
        ("error", "worker process died (exit status 9)"),
        10,
    ]


def test_no_tasks_no_workers():
    assert _run([]) == []


def _is_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def test_a_worker_closes_what_the_parent_keeps_from_children(tmp_path):
    """The ingest lock's file (and the parent's pipe ends) must not stay open in a worker."""
    from evidence.workers import keep_from_children

    with (
        (tmp_path / "lock").open("a") as private,
        (tmp_path / "shared").open("a") as shared,
    ):
        with keep_from_children(private):
            assert _run(
                [private.fileno(), shared.fileno()], workers=1, fn=_is_open
            ) == [False, True]
        assert _run([private.fileno()], workers=1, fn=_is_open) == [True]
