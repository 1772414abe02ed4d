"""The watcher: a real watchdog observer (inotify and polling) on a real temp folder.

Each test drives `poll_ready` itself, so the file writes and the settle checks interleave in
one thread and the outcome does not depend on how busy the machine is; only the observer
threads are concurrent, as in production.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import pytest

from intake.inventory import Item, list_items
from intake.watcher import (
    STILL_BEFORE_SECONDS,
    InboxWatcher,
    WatchError,
    check_layout,
    item_for_path,
    run_watch_loop,
)
from rules import Rulebook
from tests.factory import make_photo, news_draft
from tests.intake_support import ManualClock

UNIT, TYPE = "湖滨社区", "即时通讯信息"
MODES = [pytest.param(False, id="inotify"), pytest.param(True, id="polling")]
DEADLINE = 30.0  # generous: an upper bound to stop waiting, never a speed claim
# Most tests run the watcher on a ManualClock: each poll moves it FAKE_STEP while real time moves
# only REAL_STEP (for watchdog's thread to deliver events), so the settle time passes at once.
# The chunked-writing and loop tests keep the real clock: real-time behaviour has its own tests.
FAKE_STEP, REAL_STEP = 0.1, 0.01
POLL = 0.1  # the polling observer's interval here (production: watcher.POLL_SECONDS)


def quick_rules(rulebook: Rulebook, settle: float = 0.5, rescan: float = 3600.0) -> Rulebook:
    return dataclasses.replace(
        rulebook, intake=dataclasses.replace(rulebook.intake, settle_seconds=settle, rescan_seconds=rescan)
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / UNIT / TYPE).mkdir(parents=True)
    return folder


@pytest.fixture
def watchers() -> Iterator[Callable[..., InboxWatcher]]:
    started: list[InboxWatcher] = []

    def make(
        inbox: Path,
        rules: Rulebook,
        *,
        polling: bool,
        cls: type[InboxWatcher] = InboxWatcher,
        **kwargs: object,
    ) -> InboxWatcher:
        kwargs.setdefault("clock", ManualClock())
        watcher = cls(inbox, rules, polling=polling, poll_seconds=POLL, **kwargs)
        watcher.start()
        started.append(watcher)
        return watcher

    yield make
    for watcher in started:
        watcher.stop()


def poll_until(
    watcher: InboxWatcher,
    done: Callable[[list[str]], bool],
    deadline: float = DEADLINE,
    step: Callable[[], None] | None = None,
) -> list[str]:
    """Poll until `done(taken so far)` or the deadline; returns every key taken."""
    taken: list[str] = []
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if step is not None:
            step()
        taken += watcher.poll_ready()
        if done(taken):
            break
        pause(watcher, FAKE_STEP)
    return taken


def pause(watcher: InboxWatcher, seconds: float) -> None:
    """Let `seconds` pass on the watcher's clock: at once on a ManualClock (a real instant
    for watchdog's thread), on the wall clock otherwise."""
    clock = watcher._clock
    if isinstance(clock, ManualClock):
        clock.advance(seconds)
        time.sleep(REAL_STEP)
    else:
        time.sleep(seconds)


def keep_polling(watcher: InboxWatcher, seconds: float) -> list[str]:
    """Poll for `seconds` on the watcher's clock, and for at least three passes of the polling
    observer in real time, so late events still get their chance to show up."""
    clock = watcher._clock
    taken: list[str] = []
    end, real_end = clock() + seconds, time.monotonic() + 3 * POLL
    while clock() < end or time.monotonic() < real_end:
        taken += watcher.poll_ready()
        pause(watcher, FAKE_STEP)
    return taken


def key(*parts: str) -> str:
    return str(PurePosixPath(*parts))


def test_item_for_path_agrees_with_the_inventory(inbox: Path, rulebook: Rulebook) -> None:
    bundle = inbox / UNIT / TYPE / "活动"
    bundle.mkdir()
    (bundle / "稿.docx").write_bytes(b"x")
    (bundle / "照片").mkdir()
    (bundle / "照片" / "1.jpg").write_bytes(b"y")
    (inbox / UNIT / TYPE / "a.docx").write_bytes(b"x")
    (inbox / UNIT / "【微信】b.docx").write_bytes(b"x")
    (inbox / UNIT / "信息员").mkdir()
    (inbox / UNIT / "信息员" / "表.docx").write_bytes(b"x")
    category = inbox / "办公室" / "党委政务信息" / "正面成绩类"
    category.mkdir(parents=True)
    (category / "c.docx").write_bytes(b"x")
    (category / "组稿").mkdir()
    (category / "组稿" / "d.docx").write_bytes(b"x")
    (inbox / "loose.docx").write_bytes(b"x")

    items = list_items(inbox, rulebook)
    assert len(items) == 7
    for item in items:
        assert item_for_path(inbox, item.path, rulebook) == item
    assert item_for_path(inbox, bundle / "照片" / "1.jpg", rulebook) == Item(
        bundle, PurePosixPath(UNIT, TYPE, "活动"), "bundle"
    )
    assert item_for_path(inbox, category / "组稿" / "d.docx", rulebook) == Item(
        category / "组稿", PurePosixPath("办公室", "党委政务信息", "正面成绩类", "组稿"), "bundle"
    )
    for container in (inbox, inbox / UNIT, inbox / UNIT / TYPE, category, inbox.parent / "elsewhere.docx"):
        assert item_for_path(inbox, container, rulebook) is None
    for junk in ("~$a.docx", ".~lock.a.docx#", "a.docx.part", "Thumbs.db"):
        assert item_for_path(inbox, inbox / UNIT / TYPE / junk, rulebook) is None


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_a_file_written_in_chunks_over_three_seconds_is_taken_once_after_it_stops_growing(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], polling: bool
) -> None:
    # Growing for five times the settle time, a chunk every quarter of it (the margins a
    # settle of 1 s over 5 s had, in 3 s of real time).
    rules = quick_rules(rulebook, settle=0.6)
    watcher = watchers(inbox, rules, polling=polling, clock=time.monotonic)  # real time, on purpose
    target = inbox / UNIT / TYPE / "慢慢写.docx"
    data = news_draft(300, photos=2)
    chunks = [data[i : i + len(data) // 20 + 1] for i in range(0, len(data), len(data) // 20 + 1)]
    taken: list[str] = []
    sightings_while_growing: list[str] = []
    watcher._on_first_sight = lambda items: sightings_while_growing.extend(i.key for i in items)
    start = time.monotonic()
    with target.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            last_write = time.monotonic()
            taken += watcher.poll_ready()
            time.sleep(3.0 / len(chunks))
    assert time.monotonic() - start >= 3.0
    assert taken == []  # never taken while growing
    assert sightings_while_growing == [key(UNIT, TYPE, "慢慢写.docx")]  # first sight = received time
    assert watcher.pending() == [key(UNIT, TYPE, "慢慢写.docx")]

    taken += poll_until(watcher, lambda t: bool(t))
    taken_at = time.monotonic()
    taken += keep_polling(watcher, 1.5)

    assert taken == [key(UNIT, TYPE, "慢慢写.docx")]
    assert taken_at - last_write >= rules.intake.settle_seconds
    assert target.read_bytes() == data


@pytest.mark.integration
def test_stillness_from_before_the_first_look_counts_as_the_file_system_says_up_to_its_bound(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher]
) -> None:
    # An event watchdog held back (behind a claim's move out of the inbox) must not add to the
    # settle time: the file system says how long the draft has been still, and up to
    # STILL_BEFORE_SECONDS of that counts. Here it says an hour: one second of it counts.
    rules = quick_rules(rulebook, settle=STILL_BEFORE_SECONDS + 0.5)
    looked_at: list[Path] = []

    def quiet(path: Path) -> float:
        looked_at.append(path)
        return 3600.0

    watcher = watchers(inbox, rules, polling=False, quiet=quiet)
    draft = inbox / UNIT / TYPE / "a.docx"
    draft.write_bytes(b"x")
    end = time.monotonic() + DEADLINE
    while not watcher.pending() and time.monotonic() < end:
        time.sleep(REAL_STEP)  # the event, on watchdog's thread; the watcher's clock stands still

    assert watcher.poll_ready() == []
    assert watcher.next_wait(10.0) == pytest.approx(0.5)
    pause(watcher, 0.49)
    assert watcher.poll_ready() == []
    pause(watcher, 0.01)
    assert watcher.poll_ready() == [key(UNIT, TYPE, "a.docx")]
    assert looked_at == [draft]  # asked once, when the signature was new


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_a_temp_name_renamed_to_the_final_name_is_taken_once_under_the_final_name(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], polling: bool
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook), polling=polling)
    part = inbox / UNIT / TYPE / "x.docx.part"
    seen_pending: set[str] = set()
    with part.open("wb") as out:
        for chunk in (b"PK" * 1000, b"a" * 5000, b"b" * 5000):
            out.write(chunk)
            out.flush()
            assert watcher.poll_ready() == []
            seen_pending.update(watcher.pending())
            pause(watcher, 0.3)
    for _ in range(10):
        assert watcher.poll_ready() == []
        pause(watcher, 0.1)
    time.sleep(3 * POLL)  # the polling observer has seen the finished .part
    assert watcher.poll_ready() == []
    part.rename(part.with_name("x.docx"))

    taken = poll_until(watcher, lambda t: bool(t))
    taken += keep_polling(watcher, 2.0)

    assert taken == [key(UNIT, TYPE, "x.docx")]
    assert seen_pending == set()


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_office_lock_files_are_left_alone(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], polling: bool
) -> None:
    rules = quick_rules(rulebook, rescan=1.0)
    watcher = watchers(inbox, rules, polling=polling)
    junk = [inbox / UNIT / TYPE / name for name in ("~$稿件.docx", ".~lock.稿件.docx#", "~WRL0001.tmp")]
    for path in junk:
        path.write_bytes(b"owner")

    taken = keep_polling(watcher, 3.0)

    assert taken == []
    assert watcher.pending() == []
    assert all(path.read_bytes() == b"owner" for path in junk)


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_a_bundle_folder_moved_in_whole_is_one_item(
    tmp_path: Path, inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], polling: bool
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook), polling=polling)
    staging = tmp_path / "staging" / "社区活动"
    staging.mkdir(parents=True)
    (staging / "稿件.docx").write_bytes(news_draft(300))
    for i in range(3):
        (staging / f"{i}.jpg").write_bytes(make_photo(seed=i))

    os.rename(staging, inbox / UNIT / TYPE / "社区活动")
    taken = poll_until(watcher, lambda t: bool(t))
    taken += keep_polling(watcher, 2.0)

    assert taken == [key(UNIT, TYPE, "社区活动")]


class _RaisingWatcher(InboxWatcher):
    """Fault injection: the event mapping fails for one poisoned name, as a bug would."""

    def on_event(self, event) -> None:  # type: ignore[no-untyped-def]
        if "boom" in os.fsdecode(event.src_path):
            raise RuntimeError("boom")
        super().on_event(event)


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_a_handler_that_raises_does_not_stop_the_watcher(
    inbox: Path,
    rulebook: Rulebook,
    watchers: Callable[..., InboxWatcher],
    polling: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook), polling=polling, cls=_RaisingWatcher)
    caplog.set_level(logging.ERROR, logger="draftdesk.watch")
    (inbox / UNIT / TYPE / "boom.docx").write_bytes(b"x")
    assert poll_until(watcher, lambda _: "boom" in caplog.text) == []
    (inbox / UNIT / TYPE / "good.docx").write_bytes(b"x")

    taken = poll_until(watcher, lambda t: bool(t))

    assert "处理文件事件时出错" in caplog.text
    assert taken == [key(UNIT, TYPE, "good.docx")]
    assert watcher.observer is not None and watcher.observer.is_alive()
    assert watcher.supervise() is False  # nothing died


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_a_dead_emitter_thread_is_detected_and_the_observer_restarted(
    inbox: Path,
    rulebook: Rulebook,
    watchers: Callable[..., InboxWatcher],
    polling: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="draftdesk.watch")
    watcher = watchers(inbox, quick_rules(rulebook), polling=polling)
    old = watcher.observer
    assert old is not None
    shutil.rmtree(inbox)  # a share that vanishes for a moment: watchdog's emitter stops for good
    end = time.monotonic() + DEADLINE
    while all(e.is_alive() for e in old.emitters) and time.monotonic() < end:
        time.sleep(0.05)
    assert any(not e.is_alive() for e in old.emitters)
    assert old.is_alive()  # the trap: the observer still says it is alive

    assert watcher.supervise() is False  # inbox still missing: cannot restart yet, will retry
    assert watcher.restarts == 0
    (inbox / UNIT / TYPE).mkdir(parents=True)
    assert watcher.supervise() is True
    assert watcher.restarts == 1
    assert "已重新启动" in caplog.text
    assert watcher.observer is not old and watcher.observer is not None and watcher.observer.is_alive()
    assert watcher.poll_ready() == []  # the restart's rescan finds the empty inbox
    (inbox / UNIT / TYPE / "after.docx").write_bytes(b"x")

    taken = poll_until(watcher, lambda t: bool(t))

    assert taken == [key(UNIT, TYPE, "after.docx")]
    assert watcher.supervise() is False


@pytest.mark.integration
def test_a_periodic_rescan_finds_a_file_whose_event_was_missed(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher]
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook, rescan=1.0), polling=False)
    assert watcher.observer is not None
    watcher.observer.unschedule_all()  # events are now lost, as on a share written from elsewhere
    (inbox / UNIT / TYPE / "missed.docx").write_bytes(b"x")

    taken = poll_until(watcher, lambda t: bool(t))

    assert taken == [key(UNIT, TYPE, "missed.docx")]


@pytest.mark.integration
def test_files_already_in_the_inbox_are_found_at_start(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher]
) -> None:
    (inbox / UNIT / TYPE / "old.docx").write_bytes(b"x")
    sightings: list[str] = []
    watcher = watchers(
        inbox,
        quick_rules(rulebook),
        polling=False,
        on_first_sight=lambda items: sightings.extend(i.key for i in items),
    )

    taken = poll_until(watcher, lambda t: bool(t))

    assert taken == [key(UNIT, TYPE, "old.docx")]
    assert sightings == [key(UNIT, TYPE, "old.docx")]


def test_an_outbox_inside_the_inbox_is_refused(tmp_path: Path, inbox: Path, rulebook: Rulebook) -> None:
    with pytest.raises(WatchError, match="位于收件箱"):
        InboxWatcher(inbox, rulebook, outbox=inbox / "outbox").start()
    linked = tmp_path / "outbox"
    os.symlink(inbox / UNIT, linked)
    with pytest.raises(WatchError, match="位于收件箱"):
        check_layout(inbox, linked)
    check_layout(inbox, tmp_path / "real-outbox")  # beside the inbox: fine


def test_a_missing_inbox_is_refused(tmp_path: Path, rulebook: Rulebook) -> None:
    with pytest.raises(WatchError, match="不存在"):
        InboxWatcher(tmp_path / "nowhere", rulebook).start()


@pytest.mark.integration
def test_the_loop_hands_ready_keys_to_process_on_the_calling_thread(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], tmp_path: Path
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook), polling=False, clock=time.monotonic)  # the real loop
    filed = tmp_path / "filed"
    filed.mkdir()
    stop = threading.Event()
    calls: list[tuple[list[str], int]] = []
    beats: list[int] = []

    def process(keys: list[str]) -> None:
        calls.append((keys, threading.get_ident()))
        for k in keys:
            (inbox / k).rename(filed / Path(k).name)  # what the intake does: file it away
        if len(filed_keys()) == 2:
            stop.set()

    def filed_keys() -> list[str]:
        return [k for keys, _ in calls for k in keys]

    def drop_two() -> None:
        (inbox / UNIT / TYPE / "one.docx").write_bytes(b"1")
        time.sleep(1.5)
        (inbox / UNIT / TYPE / "two.docx").write_bytes(b"2")

    dropper = threading.Thread(target=drop_two)
    dropper.start()
    timer = threading.Timer(DEADLINE, stop.set)
    timer.start()
    run_watch_loop(watcher, process, stop, heartbeat=lambda: beats.append(1), heartbeat_seconds=3600)
    timer.cancel()
    dropper.join()

    assert filed_keys() == [key(UNIT, TYPE, "one.docx"), key(UNIT, TYPE, "two.docx")]
    assert {ident for _, ident in calls} == {threading.get_ident()}
    assert beats == [1]
    assert sorted(p.name for p in filed.iterdir()) == ["one.docx", "two.docx"]


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_a_file_name_that_is_not_utf8_is_taken_under_its_escaped_key(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], polling: bool
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook), polling=polling)
    raw = os.fsencode(inbox / UNIT / TYPE) + b"/\xb8\xe5\xbc\xfe.docx"  # GBK bytes of 稿件
    with open(raw, "wb") as out:
        out.write(b"x")

    taken = poll_until(watcher, lambda t: bool(t))

    assert taken == [key(UNIT, TYPE, "\\xb8\\xe5\\xbc\\xfe.docx")]
    assert [i.key for i in list_items(inbox, rulebook)] == taken


@pytest.mark.integration
def test_a_symlink_and_a_fifo_are_taken_as_items_without_being_opened(
    tmp_path: Path, inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher]
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook), polling=False)
    secret = tmp_path / "secret.docx"
    secret.write_bytes(b"secret")
    os.symlink(secret, inbox / UNIT / TYPE / "link.docx")
    os.mkfifo(inbox / UNIT / TYPE / "pipe.docx")  # opening this would block forever

    taken = poll_until(watcher, lambda t: len(t) == 2)

    assert sorted(taken) == [key(UNIT, TYPE, "link.docx"), key(UNIT, TYPE, "pipe.docx")]


@pytest.mark.integration
def test_a_failed_first_sight_record_is_retried_before_the_item_is_lost(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher]
) -> None:
    calls: list[list[str]] = []

    def flaky(items: list[Item]) -> None:
        calls.append([i.key for i in items])
        if len(calls) == 1:
            raise OSError("database is locked")

    watcher = watchers(inbox, quick_rules(rulebook), polling=False, on_first_sight=flaky)
    (inbox / UNIT / TYPE / "a.docx").write_bytes(b"x")

    taken = poll_until(watcher, lambda t: bool(t))

    assert taken == [key(UNIT, TYPE, "a.docx")]
    assert calls == [[key(UNIT, TYPE, "a.docx")], [key(UNIT, TYPE, "a.docx")]]


@pytest.mark.integration
def test_an_empty_bundle_folder_waits_for_its_files(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher]
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook, rescan=1.0), polling=False)
    bundle = inbox / UNIT / TYPE / "新建文件夹"
    bundle.mkdir()
    assert keep_polling(watcher, 2.5) == []  # made, but nothing dragged in yet
    (bundle / "稿件.docx").write_bytes(news_draft(300))

    taken = poll_until(watcher, lambda t: bool(t))

    assert taken == [key(UNIT, TYPE, "新建文件夹")]


@pytest.mark.integration
def test_a_stopped_dispatcher_thread_is_restarted(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="draftdesk.watch")
    watcher = watchers(inbox, quick_rules(rulebook), polling=False)
    old = watcher.observer
    assert old is not None
    old.stop()
    old.join(timeout=10)

    assert watcher.supervise() is True
    assert "分发线程已退出" in caplog.text
    (inbox / UNIT / TYPE / "a.docx").write_bytes(b"x")
    assert poll_until(watcher, lambda t: bool(t)) == [key(UNIT, TYPE, "a.docx")]


@pytest.mark.integration
def test_the_loop_survives_a_failing_batch_and_the_rescan_offers_it_again(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], caplog: pytest.LogCaptureFixture
) -> None:
    watcher = watchers(inbox, quick_rules(rulebook, rescan=1.0), polling=False, clock=time.monotonic)
    (inbox / UNIT / TYPE / "a.docx").write_bytes(b"x")
    stop = threading.Event()
    calls: list[list[str]] = []

    def process(keys: list[str]) -> None:
        calls.append(keys)
        if len(calls) == 1:
            raise RuntimeError("ledger is locked")
        stop.set()

    timer = threading.Timer(DEADLINE, stop.set)
    timer.start()
    run_watch_loop(watcher, process, stop)
    timer.cancel()

    assert calls == [[key(UNIT, TYPE, "a.docx")], [key(UNIT, TYPE, "a.docx")]]
    assert "处理 1 份稿件时出错" in caplog.text


@pytest.mark.integration
def test_files_found_at_start_after_downtime_get_their_mtime_not_the_restart_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop records first sightings before its first heartbeat, so the heartbeat gap still
    shows the downtime (SPEC §3): real ledger, real watcher."""
    import datetime as dt

    from intake.received import beat, record_sightings
    from ledger import intake as ledger
    from ledger.schema import open_ledger
    from service.setup import init_workspace
    from workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    init_workspace(ws)
    rules = quick_rules(ws.rulebook())
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-10T09:00:00+08:00")
    beat(ws, "watch")  # the last heartbeat before the office machine went off
    draft = ws.inbox / UNIT / TYPE / "周末报送.docx"
    draft.write_bytes(b"x")
    sent = dt.datetime(2021, 3, 11, 10, 0, tzinfo=rules.meta.tz)
    os.utime(draft, (sent.timestamp(), sent.timestamp()))
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-12T15:00:00+08:00")  # back on, two days later

    watcher = InboxWatcher(
        ws.inbox, rules, outbox=ws.outbox, on_first_sight=lambda items: record_sightings(ws, rules, items)
    )
    watcher.start()
    stop = threading.Event()
    try:
        run_watch_loop(watcher, lambda keys: stop.set(), stop, heartbeat=lambda: beat(ws, "watch"))
    finally:
        watcher.stop()

    db = open_ledger(ws.ledger_path)
    try:
        first_seen = ledger.sightings(db, [key(UNIT, TYPE, "周末报送.docx")])
    finally:
        db.close()
    assert dt.datetime.fromisoformat(first_seen[key(UNIT, TYPE, "周末报送.docx")]) == sent


@pytest.mark.integration
@pytest.mark.parametrize("polling", MODES)
def test_receipts_written_into_the_units_receipt_folder_are_never_offered(
    inbox: Path, rulebook: Rulebook, watchers: Callable[..., InboxWatcher], polling: bool
) -> None:
    rules = quick_rules(rulebook, settle=0.2)
    watcher = watchers(inbox, rules, polling=polling)
    receipts = inbox / UNIT / rules.intake.receipt_folder
    receipts.mkdir()
    (receipts / "1_稿.docx.合格.txt").write_bytes(b"\xef\xbb\xbf\xe6\x94\xb6\xe7\xa8\xbf\r\n")
    (receipts / "2_稿.docx").write_bytes(b"looks like a draft, lies among receipts")
    (inbox / UNIT / TYPE / "稿.docx").write_bytes(b"a draft")  # written after the receipts

    taken = poll_until(watcher, lambda got: key(UNIT, TYPE, "稿.docx") in got)

    assert taken == [key(UNIT, TYPE, "稿.docx")]
    assert watcher.pending() == []
    watcher.rescan()  # the truth behind the events: the draft (still there) again, no receipt
    assert watcher.pending() == [key(UNIT, TYPE, "稿.docx")]
