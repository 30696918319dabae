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


def _run(tasks, workers=2, timeout=None):
    return list(
        run_tasks(_work, tasks, workers=workers, timeout=timeout,
                  on_timeout=lambda t: ("timeout", t), on_error=lambda t, why: ("error", why))
    )


def test_results_come_back_in_task_order():
    tasks = [("sleep", 0.2), ("double", 1), ("double", 2), ("sleep", 0.05), ("double", 3)]
    assert _run(tasks) == [0.2, 2, 4, 0.05, 6]


def test_a_hung_task_is_stopped_and_the_rest_go_on():
    tasks = [("double", 1), ("sleep", 30), ("double", 2), ("double", 3)]
    started = time.monotonic()
    assert _run(tasks, timeout=1.0) == [2, ("timeout", ("sleep", 30)), 4, 6]
    assert time.monotonic() - started < 15


def test_errors_and_dead_workers_are_reported_per_task():
    tasks = [("raise", "bad input"), ("die", 0), ("double", 5)]
    assert _run(tasks, workers=1) == [("error", "ValueError: bad input"), ("error", "worker process died"), 10]


def test_no_tasks_no_workers():
    assert _run([]) == []
