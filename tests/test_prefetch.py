"""Prefetch: work started early on a pool, taken by key, done on the asking thread when not begun."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from extractors.prefetch import Prefetch


def test_results_come_back_by_key_whatever_order_they_were_started_in() -> None:
    with Prefetch(lambda k: k * 10, workers=2) as pre:
        for k in (3, 1, 2):
            pre.start(k)
        assert pre.take_all([1, 2, 3, 4]) == [10, 20, 30, 40]  # 4 was never started: done here


def test_work_the_pool_has_not_begun_is_done_on_the_asking_thread() -> None:
    gate = threading.Event()
    ran_on: dict[int, str] = {}

    def work(k: int) -> int:
        if k == 0:
            gate.wait(5)  # the pool's only thread is held here until 1 is done
        ran_on[k] = threading.current_thread().name
        if k == 1:
            gate.set()
        return k

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pool")
    try:
        pre = Prefetch(work, pool)
        for k in (0, 1, 2):
            pre.start(k)
        assert pre.take(2) == 2 and ran_on[2] == threading.current_thread().name
        assert pre.take_all([0, 1]) == [0, 1]
        assert ran_on[0].startswith("pool") and ran_on[1] == threading.current_thread().name
    finally:
        gate.set()
        pool.shutdown()


def test_work_nobody_takes_is_cancelled_and_errors_reach_the_taker() -> None:
    gate = threading.Event()
    ran: list[int] = []

    def work(k: int) -> int:
        if k == 0:
            gate.wait(5)  # held until 2, done on the asking thread, lets it go
        if k == 3:
            raise ValueError("bad")
        ran.append(k)
        if k == 2:
            gate.set()
        return k

    pre: Prefetch[int, int] = Prefetch(work, workers=1)
    for k in (0, 1, 2, 3):
        pre.start(k)
    assert pre.take_all([0, 2]) == [0, 2]  # 1 and 3 are cancelled before the pool reaches them
    pre.start(3)
    with pytest.raises(ValueError):
        pre.take(3)
    pre.close()
    assert sorted(ran) == [0, 2]
