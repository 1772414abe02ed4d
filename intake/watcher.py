"""The inbox watcher: file events are hints, the inventory is the truth.

A shared folder loses events (SMB/NFS writes from another machine raise no inotify event, an
inotify queue can overflow, an observer thread can die), so nothing here trusts an event to be
complete. Events, a startup scan and a periodic full rescan all feed one queue of item keys; a
set of already-queued keys keeps each item in it once; an item is taken only when its size and
mtime have been still for the rulebook's settle time on a monotonic clock, and a growing file
is never given up on. The watchdog thread only maps a path to its item and queues it: reading,
the ledger and Prefect all run on the caller's (main) thread, in `run_watch_loop`.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from intake.inbox_path import InboxPath, is_real_dir, relative_to_inbox
from intake.inventory import Item, StabilityTracker, list_items, quiet_for, signature
from rules import Rulebook
from workspace import layout_problem

log = logging.getLogger("draftdesk.watch")

TICK_SECONDS = 0.25
"""The longest the main loop sleeps when nothing is settling (it wakes at once on an event). A
loop mechanic, not a rule; it bounds how late a stop request or a rescan is noticed."""

MIN_WAIT_SECONDS = 0.01
"""The shortest sleep of the main loop while an item is due (a loop mechanic, not a rule)."""

STILL_BEFORE_SECONDS = 1.0
"""The most stillness from before the watcher's first look at an item (or at its change) that it
takes the file system's word for (`inventory.quiet_for`: the newest mtime/ctime, which the local
kernel stamps and no copy tool sets back). A loop mechanic, not a rule: watchdog holds every
event that follows a move out of the inbox — each claim is one — for up to 0.5 s to pair the
move's two halves, and the loop may be filing a batch when an event comes; without it, a draft
dropped then waited those tenths of a second on top of the settle time (measured: +0.40 s)."""

STAMP_SLACK_SECONDS = 0.02
"""File times are stamped from the kernel's coarse clock, up to a tick before the change itself:
that much of the file system's word is not taken (a loop mechanic, not a rule)."""

POLL_SECONDS = 1.0
"""How often `--polling` looks at the inbox (watchdog's own default). A loop mechanic, not a
rule: tests pass a shorter one so a polling test waits tenths of a second, not seconds."""

# Events that can mean "an item appeared or changed". Opening and reading a file (which the
# intake does) must not count, or a file the intake left in place would be taken forever.
WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileAttribEvent,
    DirCreatedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]
_RELEVANT = frozenset(cls.event_type for cls in WATCHED_EVENTS)


class WatchError(Exception):
    """The watcher cannot start; the message says why in Chinese, and what to do."""


def check_layout(inbox: Path, outbox: Path | None) -> None:
    """Refuse layouts that lose or loop files (see `workspace.layout_problem`)."""
    problem = layout_problem(inbox, outbox)
    if problem:
        raise WatchError(problem)


def item_for_path(inbox: Path, path: Path, rulebook: Rulebook) -> Item | None:
    """The inbox item `path` is or lies inside, by the inventory's own parser (`InboxPath`):
    anything inside a bundle maps to the bundle; the inbox itself, unit/type/category folders,
    paths outside the inbox, junk and the receipt folder map to None."""
    where = InboxPath.locate(inbox, path, rulebook)
    if where is None or where.kind is None:
        return None
    return Item(inbox / where.relpath, where.relpath, where.kind)


class _Handler(FileSystemEventHandler):
    """Runs on watchdog's thread: map each event path to its item and queue it, nothing more.

    Any exception is logged and swallowed: an exception escaping `dispatch` would end watchdog's
    dispatcher thread and, with it, every later event.
    """

    def __init__(self, watcher: InboxWatcher) -> None:
        super().__init__()
        self._watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        try:
            self._watcher.on_event(event)
        except Exception:
            log.exception("处理文件事件时出错（已忽略，定期全量扫描会补上）：%r", event)


class InboxWatcher:
    """Watches `inbox` and says which items are ready (still for the settle time).

    Thread model: `on_event` runs on watchdog's thread and only touches the thread-safe queue
    and the queued-key set; everything else (`poll_ready`, `supervise`, `rescan`) is called
    from one caller thread.
    """

    def __init__(
        self,
        inbox: Path,
        rulebook: Rulebook,
        *,
        polling: bool = False,
        outbox: Path | None = None,
        on_first_sight: Callable[[list[Item]], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        poll_seconds: float = POLL_SECONDS,
        quiet: Callable[[Path], float | None] | None = None,
    ) -> None:
        """`quiet` says how long an item has been still by the file system's clock (see
        `STILL_BEFORE_SECONDS`); by default `inventory.quiet_for` when the watcher runs on the
        real monotonic clock with inotify, none otherwise: a test's clock is not the file
        system's, and a share written from other machines (`polling`) is stamped by their clocks."""
        self.inbox = Path(inbox)
        self.outbox = outbox
        self.rulebook = rulebook
        self.polling = polling
        self.restarts = 0
        self._on_first_sight = on_first_sight
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._tracker = StabilityTracker(rulebook.intake.settle_seconds, clock=clock)
        self._quiet = quiet if quiet is not None or polling or clock is not time.monotonic else quiet_for
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._pending: dict[str, Item] = {}
        self._unsighted: set[str] = set()
        self._rescan_wanted = threading.Event()
        self._news = threading.Event()
        self._next_rescan = 0.0
        self._observer: BaseObserver | None = None
        self._running = False
        self._down_reason: str | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Check the layout, start the observer, and queue everything already in the inbox."""
        check_layout(self.inbox, self.outbox)
        try:
            self._observer = self._new_observer()
        except OSError as exc:
            raise WatchError(f"无法监视收件箱 {self.inbox}：{exc}。请检查权限，或改用 --polling。") from exc
        self._running = True
        self.rescan()

    def stop(self) -> None:
        """Stop and join the observer; safe to call twice."""
        self._running = False
        observer, self._observer = self._observer, None
        if observer is not None:
            _stop_observer(observer)

    def _new_observer(self) -> BaseObserver:
        try:
            return self._started_observer(self.polling)
        except OSError as exc:
            if self.polling or exc.errno not in (errno.ENOSPC, errno.EMFILE):
                raise
        # The system's inotify limits (fs.inotify.max_user_watches / max_user_instances) are
        # used up: polling still sees every change, only a little later.
        log.warning("文件系统事件数量已达系统上限（inotify），改为轮询监视 %s。", self.inbox)
        self.polling = True
        return self._started_observer(True)

    def _started_observer(self, polling: bool) -> BaseObserver:
        observer: BaseObserver = PollingObserver(timeout=self._poll_seconds) if polling else Observer()
        observer.schedule(_Handler(self), os.fspath(self.inbox), recursive=True, event_filter=WATCHED_EVENTS)
        observer.start()
        return observer

    @property
    def observer(self) -> BaseObserver | None:
        """The running watchdog observer (replaced when `supervise` restarts it)."""
        return self._observer

    def supervise(self) -> bool:
        """Restart the observer when it or any emitter thread has died; True when restarted.

        watchdog's `observer.is_alive()` stays true after its emitter dies (a polling emitter
        stops for good when the share briefly vanishes; an inotify one when the watched folder
        is deleted), so each emitter thread is checked. A restart is followed by a full rescan:
        whatever happened while nobody watched is found.
        """
        if not self._running:
            return False
        reason = self._observer_problem()
        if reason is None:
            return False
        reason = self._down_reason or reason
        old, self._observer = self._observer, None
        if old is not None:
            _stop_observer(old)
        try:
            self._observer = self._new_observer()
        except Exception as exc:  # the inbox is gone for now, or worse: keep rescanning, retry
            if self._down_reason is None:
                log.error("无法重新启动文件监视（%s）：%s；将继续定期扫描并重试。", reason, exc)
                self._down_reason = reason
            return False
        self._down_reason = None
        self.restarts += 1
        log.warning("文件监视线程已停止（%s），已重新启动第 %d 次。", reason, self.restarts)
        self._rescan_wanted.set()
        return True

    def _observer_problem(self) -> str | None:
        observer = self._observer
        if observer is None:
            return "监视未运行"
        if not observer.is_alive():
            return "分发线程已退出"
        emitters = _snapshot(observer.emitters)
        if not emitters:
            return "没有事件线程"
        if any(not emitter.is_alive() for emitter in emitters):
            return "事件线程已退出"
        return None

    # -- feeding the queue -----------------------------------------------------------------

    def on_event(self, event: FileSystemEvent) -> None:
        """watchdog thread: queue the item(s) an event touches. A new unit, type or category
        folder (created or moved in whole) asks for a rescan, which finds what is inside."""
        if event.event_type not in _RELEVANT:
            return
        paths = [event.src_path]
        if getattr(event, "dest_path", ""):
            paths.append(event.dest_path)
        for raw in paths:
            path = Path(os.fsdecode(raw))
            item = item_for_path(self.inbox, path, self.rulebook)
            if item is not None:
                self.offer(item)
            elif isinstance(event, DirCreatedEvent | DirMovedEvent) and self._is_new_container(path):
                self._rescan_wanted.set()

    def _is_new_container(self, path: Path) -> bool:
        """A real folder inside the inbox that `InboxPath` says holds items (a unit, type or
        category folder; not junk such as the intake's hidden claim folder, nor the receipts)."""
        rel = relative_to_inbox(self.inbox, path)
        if rel is None or not rel.parts:
            return False
        return InboxPath.parse(rel, self.rulebook, is_dir=True).role == "container" and is_real_dir(path)

    def offer(self, item: Item) -> None:
        """Queue `item` unless it is already queued or pending (thread-safe)."""
        with self._lock:
            if item.key in self._queued:
                return
            self._queued.add(item.key)
        self._queue.put(item)
        self._news.set()

    def wait_for_news(self, timeout: float) -> None:
        """Sleep up to `timeout`, waking early when an event queues an item, so an item's
        settle time starts when it arrives, not at the next tick."""
        self._news.wait(timeout)
        self._news.clear()

    def rescan(self) -> None:
        """Queue every item in the inbox: the truth behind the hints."""
        self._rescan_wanted.clear()
        self._next_rescan = self._clock() + self.rulebook.intake.rescan_seconds
        for item in list_items(self.inbox, self.rulebook):
            self.offer(item)

    # -- deciding ----------------------------------------------------------------------------

    def poll_ready(self) -> list[str]:
        """Keys of items still for the settle time, each handed out once per appearance.

        Also runs the periodic (or requested) rescan and reports first sightings. A vanished
        item is dropped; a changing one waits again; none is ever abandoned.
        """
        if self._rescan_wanted.is_set() or self._clock() >= self._next_rescan:
            self.rescan()
        self._drain()
        present: list[tuple[str, Item, tuple[object, ...]]] = []
        for key, seen in list(self._pending.items()):
            # Events map paths on the fly; the layout is checked again now, on this thread: a
            # path seen vanishing and then recreated as a unit or type folder is not an item.
            item = item_for_path(self.inbox, seen.path, self.rulebook)
            sig = signature(seen.path) if item is not None else None
            if item is None or sig is None or (item.kind == "bundle" and len(sig) == 1):
                # Gone, not an item, or an empty bundle folder (the unit made the folder and is
                # about to drag files in): not ready; the files' own events bring it back.
                self._drop(key)
            else:
                self._pending[key] = item
                present.append((key, item, sig))
        self._report_sightings([item for key, item, _ in present if key in self._unsighted])
        ready: list[str] = []
        for key, item, sig in present:
            if self._tracker.observe(key, sig, self._still_before(item.path)):
                self._drop(key)
                ready.append(key)
        return ready

    def _still_before(self, path: Path) -> Callable[[], float] | None:
        """How long the item at `path` had been still before this look, as far as the watcher
        takes the file system's word (at most `STILL_BEFORE_SECONDS`); None without `quiet`."""
        quiet = self._quiet
        if quiet is None:
            return None

        def seconds() -> float:
            found = quiet(path)
            return 0.0 if found is None else min(STILL_BEFORE_SECONDS, found - STAMP_SLACK_SECONDS)

        return seconds

    def next_wait(self, tick: float) -> float:
        """How long the loop may sleep: `tick` when idle; while items are settling, until the
        first of them has been still for the settle time (a still item is taken on time, not at
        the next tick), yet never below `MIN_WAIT_SECONDS` (no busy loop)."""
        due = self._tracker.due_in() if self._pending else None
        return tick if due is None else max(MIN_WAIT_SECONDS, min(tick, due))

    def pending(self) -> list[str]:
        """Keys seen and waiting to be still (for status output and tests)."""
        self._drain()
        return sorted(self._pending)

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item.key not in self._pending:
                self._pending[item.key] = item
                self._unsighted.add(item.key)

    def _report_sightings(self, items: list[Item]) -> None:
        """First sight is the received time (SPEC §3): report it before the item can be taken.
        Vanished items are never reported; a failed report is retried on the next poll."""
        if not items:
            return
        if self._on_first_sight is not None:
            try:
                self._on_first_sight(items)
            except Exception:
                log.exception("记录收稿时间失败，稍后重试（%d 项）", len(items))
                return
        self._unsighted.difference_update(item.key for item in items)

    def _drop(self, key: str) -> None:
        self._pending.pop(key, None)
        self._unsighted.discard(key)
        self._tracker.forget(key)
        with self._lock:
            self._queued.discard(key)


def _snapshot(emitters: Iterable[threading.Thread]) -> list[threading.Thread]:
    for _ in range(3):
        try:
            return list(emitters)
        except RuntimeError:  # set changed size during iteration: another thread restarted it
            continue
    return []


def _stop_observer(observer: BaseObserver) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=10)
    except Exception:
        log.exception("停止文件监视时出错（已忽略）")


def run_watch_loop(
    watcher: InboxWatcher,
    process: Callable[[list[str]], object],
    stop_event: threading.Event,
    *,
    heartbeat: Callable[[], None] | None = None,
    heartbeat_seconds: float | None = None,
    tick: float = TICK_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """The main loop, on the caller's thread: supervise, heartbeat, and hand ready keys to
    `process` until `stop_event` is set.

    `process` is where Prefect and the pipeline run: never on watchdog's thread. An exception
    from it is logged and the loop goes on; the periodic rescan offers the items again.
    """
    beat_every = (
        heartbeat_seconds if heartbeat_seconds is not None else watcher.rulebook.intake.heartbeat_seconds
    )
    last_beat: float | None = None
    while not stop_event.is_set():
        watcher.supervise()
        ready = watcher.poll_ready()
        # The beat comes after the sightings: on the first pass they are the files that arrived
        # while draftdesk was down, and the heartbeat gap is what marks them as such (SPEC §3).
        now = clock()
        if heartbeat is not None and (last_beat is None or now - last_beat >= beat_every):
            last_beat = now
            try:
                heartbeat()
            except Exception:
                log.exception("写入心跳失败（已忽略）")
        if ready and not stop_event.is_set():
            try:
                process(ready)
            except Exception:
                log.exception("处理 %d 份稿件时出错；定期扫描会再次收取", len(ready))
        if not stop_event.is_set():
            watcher.wait_for_news(watcher.next_wait(tick))
