"""Password mode as a colleague meets it: the addresses printed, the 401 page, logging out, and
`draftdesk web --hash-password` asking in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app as cli
from tests.intake_support import workspace
from tests.test_web import NOW, seed_ledger
from web import server
from web.app import create_app
from web.auth import hash_password, verify_password
from web.chart import completion_chart
from web.pages.selfcheck import received_at

# Every test here serves a real SQLite ledger through the desk.
pytestmark = pytest.mark.integration


@pytest.fixture()
def guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rulebook = workspace(tmp_path / "ws")
    seed_ledger(ws.root)
    return TestClient(create_app(ws, rulebook, password_hash=hash_password("秘密"), protect=True))


def test_the_401_page_says_any_user_name_will_do(guarded: TestClient) -> None:
    for page in ("/intake", "/ledger/"):
        refused = guarded.get(page)
        assert refused.status_code == 401 and "用户名随便填" in refused.text, page
        assert refused.headers["www-authenticate"].startswith("Basic")


def test_password_mode_offers_a_way_to_log_out(guarded: TestClient) -> None:
    home = guarded.get("/", auth=("任意", "秘密")).text
    assert '<a href="/logout" class="logout">退出</a>' in home
    out = guarded.get("/logout", auth=("任意", "秘密"))
    # the desk refuses the password the browser keeps, so the browser forgets it
    assert out.status_code == 401 and "已退出办公桌" in out.text and "<title>已退出" in out.text
    assert out.headers["www-authenticate"].startswith("Basic")


def test_on_this_machine_alone_there_is_nothing_to_log_out_of(tmp_path: Path) -> None:
    ws, rulebook = workspace(tmp_path / "ws")
    client = TestClient(create_app(ws, rulebook))
    assert "/logout" not in client.get("/").text
    assert client.get("/logout").status_code == 404


def test_every_address_is_printed_as_the_machines_real_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "machine_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    shown = server.shown_addresses("0.0.0.0", 8793)
    assert (
        shown
        == "http://192.168.1.20:8793/、http://10.0.0.5:8793/（其他电脑）；http://127.0.0.1:8793/（本机）"
    )
    assert "0.0.0.0" not in shown
    assert server.shown_addresses("192.168.1.20", 8793) == "http://192.168.1.20:8793/"
    monkeypatch.setattr(server, "machine_addresses", lambda: [])
    assert "未找到本机的网络地址" in server.shown_addresses("::", 8793)


def test_the_machines_addresses_leave_out_loopback() -> None:
    assert all(not a.startswith("127.") for a in server.machine_addresses())


def test_hash_password_asks_in_chinese_and_again_when_the_two_differ() -> None:
    answer = CliRunner().invoke(cli, ["web", "--hash-password"], input="一\n二\n秘密\n秘密\n")
    assert answer.exit_code == 0, answer.output
    assert "请输入办公桌密码：" in answer.output and "请再输入一遍，确认密码：" in answer.output
    assert "两次输入的密码不一致" in answer.output
    assert not re.search(r"[A-Za-z]{3,}(?![^\n]*password_hash)", answer.output.split("把下面一行")[0])
    stored = re.search(r'password_hash = "([^"]+)"', answer.output)
    assert stored and verify_password("秘密", stored.group(1))


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2021-03-12T10:30", "2021-03-12T10:30"),
        ("2021-03-12 10:30", "2021-03-12T10:30"),
        ("2021/3/12 9:05", "2021-03-12T09:05"),
        ("2021年3月12日 10时30分", "2021-03-12T10:30"),
        ("2021年3月12日", "2021-03-12T00:00"),
        ("", None),
    ],
)
def test_the_self_check_time_box_reads_how_people_write_a_time(typed: str, read: str | None) -> None:
    assert received_at(typed) == read


@pytest.mark.parametrize("typed", ["昨天", "2021-13-01 10:00", "12:30"])
def test_a_time_the_box_cannot_read_is_refused_without_iso(typed: str) -> None:
    with pytest.raises(Exception, match="无法识别") as refused:
        received_at(typed)
    assert "ISO" not in str(refused.value)


def test_the_completion_chart_has_a_legend() -> None:
    class Count:
        def __init__(self, counted: int, quota: int) -> None:
            self.counted, self.quota = counted, quota

    class Unit:
        def __init__(self, name: str, counted: int) -> None:
            self.unit, self.completion = name, {"instant": Count(counted, 4)}

    class Report:
        def __init__(self) -> None:
            self.units = [Unit("蠡河社区", 4), Unit("湖滨社区", 1)]

    svg = completion_chart(Report())
    for label in ("完成任务", "完成一半以上", "不到一半", "任务篇数"):
        assert f">{label}" in svg, label
