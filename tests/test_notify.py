"""Messages after filing (intake/notify.py), against a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from intake.notify import NotifyConfigError, load_config, shown
from intake.pipeline import sweep
from ledger import notifications
from ledger.schema import open_ledger
from service.status import status_lines
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, outbox_items, workspace


class Receiver:
    """A real local webhook: records every JSON body Apprise's json:// plugin posts."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, str]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def ws_now(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    return workspace(tmp_path / "ws")


def _notify(ws, text: str) -> None:
    (ws.root / "notify.toml").write_text(text, encoding="utf-8")


@pytest.mark.integration
def test_each_filed_draft_sends_its_unit_one_message_and_the_office_a_summary(ws_now, receiver):
    ws, rulebook = ws_now
    url = f"json://127.0.0.1:{receiver.port}/"
    _notify(ws, f'office = ["{url}office"]\n[units]\n"湖滨社区" = ["{url}unit"]\n')
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(100, photos=1, seed=5))
    result = sweep(ws, rulebook, settled=True)
    assert len(result.outcomes) == 2
    bodies = sorted(b["message"] for b in receiver.bodies)
    assert len(bodies) == 3
    assert "本次收稿 2 件：合格 1 件（计入 1 件），退回 1 件。" in bodies
    accepted = next(o for o in result.outcomes if o.verdict == "accepted")
    rejected = next(o for o in result.outcomes if o.verdict == "rejected")
    assert any(
        b.startswith(f"稿件编号 {accepted.submission_id} ")
        and b.endswith("：合格，计入 2021年3月即时通讯信息任务。")
        for b in bodies
    )
    assert any(f"稿件编号 {rejected.submission_id} " in b and "：退回（字数）" in b for b in bodies)
    db = open_ledger(ws.ledger_path)
    assert notifications.counts(db) == {"sent": 3, "pending": 0, "failed": 0}


@pytest.mark.integration
def test_a_notifier_that_is_down_never_stops_filing_and_its_failure_is_shown(ws_now, receiver):
    ws, rulebook = ws_now
    port = receiver.port
    receiver.close()  # nothing listens there now
    _notify(
        ws,
        f'[units]\n"湖滨社区" = ["json://127.0.0.1:{port}/?token=SECRETKEY"]\n[settings]\nattempts = 2\ntimeout_seconds = 1\n',
    )
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    result = sweep(ws, rulebook, settled=True)
    assert [o.verdict for o in result.outcomes] == ["accepted"]
    assert len(outbox_items(ws)) == 1  # filed whatever the notifier does
    db = open_ledger(ws.ledger_path)
    assert notifications.counts(db) == {"sent": 0, "pending": 1, "failed": 0}
    sweep(ws, rulebook, settled=True)  # the next sweep retries, then gives up (attempts = 2)
    assert notifications.counts(db) == {"sent": 0, "pending": 0, "failed": 1}
    lines = "\n".join(status_lines(ws))
    assert "消息发送失败 1 条" in lines
    assert "SECRETKEY" not in lines
    assert all("SECRETKEY" not in str(v) for row in db["notifications"].rows for v in row.values())


@pytest.mark.integration
def test_a_workspace_without_notify_toml_sends_nothing_and_queues_nothing(ws_now):
    ws, rulebook = ws_now
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    sweep(ws, rulebook, settled=True)
    assert notifications.counts(open_ledger(ws.ledger_path)) == {"sent": 0, "pending": 0, "failed": 0}


def test_notify_toml_names_every_bad_key_in_chinese(tmp_path, rulebook):
    (tmp_path / "notify.toml").write_text(
        'office = "json://x"\n[units]\n"火星社区" = ["json://y/"]\n', encoding="utf-8"
    )
    with pytest.raises(NotifyConfigError) as caught:
        load_config(tmp_path, rulebook)
    assert "office：应是地址列表" in str(caught.value)
    assert "units.火星社区：规则文件中没有这个单位" in str(caught.value)


def test_an_address_is_shown_with_its_key_hidden():
    assert "abcdef123456" not in shown("json://user:abcdef123456@127.0.0.1:9/")


def test_an_address_is_shown_as_scheme_host_and_a_short_path_never_its_query():
    url = "json://127.0.0.1:8799/hubin?method=POST&overflow=upstream&retry=0&wait=0.5&optional=no"
    assert shown(url) == "json://127.0.0.1:8799/hubin"
    assert shown("json://user:abcdef123456@127.0.0.1:9/") == "json://127.0.0.1:9"
    assert shown("json://127.0.0.1:9/hooks/secret-token-1234") == "json://127.0.0.1:9/hooks/…"
    assert "?" not in shown("wecombot://abcdefghijklmnop12345")


@pytest.mark.integration
def test_a_unit_below_quota_is_reminded_once_days_before_the_month_ends(tmp_path, monkeypatch, receiver):
    from service.reminders import send_reminders

    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-28T09:00:00")  # 3 days before 31 March
    ws, _ = workspace(tmp_path / "ws")
    url = f"json://127.0.0.1:{receiver.port}/"
    _notify(ws, f'[units]\n"湖滨社区" = ["{url}"]\n')
    assert send_reminders(ws) == 1
    assert send_reminders(ws) == 0  # the same reminder is never queued twice
    (body,) = [b["message"] for b in receiver.bodies]
    assert body.startswith("提醒：湖滨社区2021年3月即时通讯信息还差 1 篇")
    assert body.endswith("截止 2021年3月31日。请抓紧报送。")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-20T09:00:00")
    assert send_reminders(ws) == 0  # not the reminding day


@pytest.mark.integration
def test_watch_and_serve_send_the_days_reminders_from_a_thread_beside_them(tmp_path, monkeypatch, receiver):
    import threading
    import time

    from service.reminders import keep_reminding

    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-28T09:00:00")
    ws, _ = workspace(tmp_path / "ws")
    _notify(ws, f'[units]\n"湖滨社区" = ["json://127.0.0.1:{receiver.port}/"]\n')
    stop = threading.Event()
    thread = threading.Thread(target=keep_reminding, args=(ws, stop, 0.05), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not receiver.bodies and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # later checks the same day send nothing more
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert [b["message"][:12] for b in receiver.bodies] == ["提醒：湖滨社区2021年"]
