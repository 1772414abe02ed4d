"""E-mail intake against a real IMAP server (Dovecot on a loopback port): mails appended over
IMAP become items in the units' inbox folders, are filed by the real intake pipeline, and are
moved only after filing; unknown senders and mails with no document stay unread and listed; a
server killed mid-fetch costs a retry and nothing is taken twice."""

from __future__ import annotations

import email.header
import logging
import threading
import urllib.parse

import pytest

from intake import mail as mail_intake
from intake.mail import receive_mail
from intake.mail_config import load_mail_config
from intake.pipeline import sweep
from ledger import intake as ledger
from ledger.schema import open_ledger
from service.mail import left_mail_lines, left_mails
from tests.factory import make_photo, news_draft
from tests.intake_support import NOW, inbox_items, workspace
from tests.mail_support import PASSWORD, USER, Dovecot, mail

pytestmark = pytest.mark.integration

DOC_NAME = "湖滨社区垃圾分类宣传.docx"


@pytest.fixture
def server():
    dovecot = Dovecot()
    dovecot.start()
    try:
        yield dovecot
    finally:
        dovecot.close()


@pytest.fixture
def ws_rb(tmp_path, monkeypatch, server):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.setenv("DD_TEST_MAIL_PASSWORD", PASSWORD)
    ws, rb = workspace(tmp_path / "ws")
    (ws.root / "mail.toml").write_text(
        f"""[[accounts]]
name = "收稿邮箱"
host = "127.0.0.1"
port = {server.port}
security = "none"
user = "{USER}"
password_env = "DD_TEST_MAIL_PASSWORD"
folder = "INBOX"
after = "move:已收稿"
[senders]
"hubin@example.cn" = "湖滨"
"school@example.cn" = "聚新社区"
[settings]
timeout_seconds = 5
""",
        encoding="utf-8",
    )
    return ws, rb


def _draft_mail() -> bytes:
    """From a known sender: the type in the subject, the docx named in GBK by RFC 2231, three
    photos named in raw GBK bytes, RFC 2047 GB2312 and RFC 2231 UTF-8 continuations."""
    doc = news_draft(300, title="湖滨社区开展垃圾分类宣传活动")
    gbk = urllib.parse.quote(DOC_NAME.encode("gb18030")).encode()
    encoded = email.header.Header("现场照片2.jpg", "gb2312").encode().encode()
    return mail(
        "湖滨社区 <HuBin@Example.cn>",
        "【即时信息】湖滨社区开展垃圾分类宣传活动",
        [
            (b"attachment; filename*=GBK''" + gbk, doc, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (b'attachment; filename="' + "现场照片1.jpg".encode("gbk") + b'"', make_photo(seed=11), "image/jpeg"),
            (b'attachment; filename="' + encoded + b'"', make_photo(seed=12), "image/jpeg"),
            (b"attachment; filename*0*=UTF-8''%E7%8E%B0%E5%9C%BA; filename*1*=%E7%85%A7%E7%89%873.jpg", make_photo(seed=13), "image/jpeg"),
        ],
    )  # fmt: skip


def _run(ws, rb):
    return receive_mail(ws, rb, load_mail_config(ws.root, rb))


def _submissions(ws):
    db = open_ledger(ws.ledger_path)
    try:
        return ledger._rows(db, "SELECT * FROM submissions ORDER BY id")
    finally:
        db.close()


def test_a_mail_is_filed_once_with_its_unit_and_type_and_moved_only_after_filing(ws_rb, server):
    ws, rb = ws_rb
    server.append(_draft_mail())
    server.append(
        mail(
            "stranger@example.com",
            "【即时信息】投稿",
            [(b'attachment; filename="x.docx"', news_draft(300), "application/octet-stream")],
        )
    )
    server.append(mail("school@example.cn", "【即时信息】没有附件"))

    first = _run(ws, rb)
    bundle = ws.inbox / "湖滨社区" / "即时通讯信息" / "湖滨社区垃圾分类宣传"
    assert first.problems == []
    assert "ID sent: name=draftdesk" in server.log()  # 163/126 refuse SELECT without it
    assert first.taken == ["湖滨社区/即时通讯信息/湖滨社区垃圾分类宣传"]
    assert sorted(p.name for p in bundle.iterdir()) == sorted(
        [DOC_NAME, "现场照片1.jpg", "现场照片2.jpg", "现场照片3.jpg"]
    )
    assert (first.left, first.done) == (2, 0)
    # Written into the inbox, not yet filed: every mail still in INBOX, all unread.
    assert server.uids("INBOX") == [1, 2, 3] and server.uids("INBOX", "UNSEEN") == [1, 2, 3]
    assert server.uids("已收稿") == []

    again = _run(ws, rb)  # a second run before filing takes nothing twice and moves nothing
    assert (again.taken, again.done, again.left) == ([], 0, 0)
    assert server.uids("INBOX") == [1, 2, 3]

    result = sweep(ws, rb)
    assert [o.verdict for o in result.outcomes] == ["accepted"]
    row = _submissions(ws)[0]
    assert (row["unit"], row["content_type"], row["photos_total"], row["state"]) == (
        "湖滨社区",
        "instant",
        3,
        "filed",
    )

    after = _run(ws, rb)
    assert (after.taken, after.done) == ([], 1)
    assert server.uids("INBOX") == [2, 3]  # the unknown sender's and the empty mail stay, unread
    assert server.uids("INBOX", "UNSEEN") == [2, 3]
    assert len(server.uids("已收稿")) == 1
    assert _run(ws, rb).taken == [] and len(_submissions(ws)) == 1
    assert sweep(ws, rb).outcomes == [] and inbox_items(ws) == []

    left = {m.sender: m.reason for m in left_mails(ws)}
    assert left == {
        "stranger@example.com": "发件人不在 mail.toml 的 [senders] 中",
        "school@example.cn": "邮件没有稿件附件（.docx、.doc、.wps 或 .zip）",
    }
    assert "stranger@example.com《【即时信息】投稿》" in "\n".join(left_mail_lines(ws))

    # The office adds the stranger to [senders]: the next run takes the mail after all.
    toml = ws.root / "mail.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[senders]", '[senders]\n"stranger@example.com" = "滆湖社区"'
        ),
        encoding="utf-8",
    )
    assert _run(ws, rb).taken == ["滆湖社区/即时通讯信息/x.docx"]
    assert [m.sender for m in left_mails(ws)] == ["school@example.cn"]


def test_a_server_killed_mid_fetch_costs_a_retry_and_nothing_twice(ws_rb, server, monkeypatch):
    ws, rb = ws_rb
    for n in range(3):
        doc = news_draft(300, title=f"湖滨社区第{n}次活动", seed=n)
        name = f"【即时信息】活动{n}.docx".encode("gb18030")
        server.append(
            mail(
                "hubin@example.cn",
                f"活动{n}",
                [(b'attachment; filename="' + name + b'"', doc, "application/octet-stream")],
            )
        )
    real_take, calls = mail_intake._take, []

    def take_then_die(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            server.kill()  # the connection drops while the second mail is fetched
        return real_take(*args, **kwargs)

    monkeypatch.setattr(mail_intake, "_take", take_then_die)
    broken = _run(ws, rb)
    assert broken.taken == ["湖滨社区/即时通讯信息/【即时信息】活动0.docx"]
    assert len(broken.problems) == 1 and broken.problems[0].startswith("邮箱「收稿邮箱」")
    assert "Traceback" not in broken.problems[0]

    down = _run(ws, rb)  # still down: one line, nothing else
    assert down.taken == [] and down.problems == [
        "邮箱「收稿邮箱」连不上邮件服务器，下次收信再试（没有邮件丢失）。"
    ]

    server.start()
    monkeypatch.setattr(mail_intake, "_take", real_take)
    back = _run(ws, rb)
    assert back.problems == []
    assert sorted(back.taken) == [f"湖滨社区/即时通讯信息/【即时信息】活动{n}.docx" for n in (1, 2)]
    assert len(sweep(ws, rb).outcomes) == 3
    assert _run(ws, rb).done == 3
    assert server.uids("INBOX") == [] and len(server.uids("已收稿")) == 3
    assert sorted(r["original_name"] for r in _submissions(ws)) == [
        f"【即时信息】活动{n}.docx" for n in range(3)
    ]


def test_a_crash_after_the_rename_is_never_written_twice(ws_rb, server, monkeypatch):
    """The item reached the inbox but the run died before recording it written: the next run
    finds it there and neither rewrites nor loses it."""
    ws, rb = ws_rb
    server.append(
        mail(
            "hubin@example.cn",
            "【即时信息】一篇",
            [(b'attachment; filename="a.docx"', news_draft(300), "application/octet-stream")],
        )
    )

    def die(*args, **kwargs):
        raise OSError("killed")

    monkeypatch.setattr(mail_intake.mail_ledger, "set_state", die)
    assert _run(ws, rb).problems  # written, not recorded as written
    monkeypatch.undo()
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.setenv("DD_TEST_MAIL_PASSWORD", PASSWORD)
    assert _run(ws, rb).taken == []
    assert [p.name for p in inbox_items(ws)] == ["a.docx"]
    sweep(ws, rb)
    assert _run(ws, rb).done == 1 and server.uids("INBOX") == []


def test_the_office_learns_a_wrong_password_in_one_line(ws_rb, monkeypatch):
    ws, rb = ws_rb
    monkeypatch.setenv("DD_TEST_MAIL_PASSWORD", "wrong")
    result = _run(ws, rb)
    assert result.problems == [
        "邮箱「收稿邮箱」登录被拒绝，请核对 mail.toml 的用户名和授权码，下次收信再试（没有邮件丢失）。"
    ]
    assert "wrong" not in result.problems[0]
    monkeypatch.setenv("DD_TEST_MAIL_PASSWORD", PASSWORD)
    toml = ws.root / "mail.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('folder = "INBOX"', 'folder = "收件箱"'), encoding="utf-8"
    )
    assert _run(ws, rb).problems == [
        "邮箱「收稿邮箱」没有文件夹「收件箱」，请核对 mail.toml 的 folder，下次收信再试（没有邮件丢失）。"
    ]


def test_draftdesk_mail_once_and_the_home_page_list_the_mails_left_for_the_office(ws_rb, server, capsys):
    from fastapi.testclient import TestClient

    from cli.mail import mail_command
    from web.app import create_app

    ws, rb = ws_rb
    server.append(
        mail(
            "stranger@example.com",
            "请帮忙转发",
            [(b'attachment; filename="x.docx"', b"doc", "application/octet-stream")],
        )
    )
    server.append(_draft_mail())
    assert mail_command(ws.root) == 0
    out = capsys.readouterr().out
    assert "收信完成：新收稿件 1 件" in out and "留待办公室查看 1 封" in out
    html = TestClient(create_app(ws, rb)).get("/").text
    assert "邮箱中留待查看的邮件" in html and "stranger@example.com" in html and "请帮忙转发" in html
    assert "2021年3月12日 10:00" in html  # the mail's own time, as the office reads it

    server.kill()
    assert mail_command(ws.root) == 1
    assert "连不上邮件服务器" in capsys.readouterr().out


def test_draftdesk_mail_without_mail_toml_says_how_to_set_it_up(tmp_path):
    import typer

    from cli.mail import mail_command

    ws, _ = workspace(tmp_path / "ws")
    with pytest.raises(typer.Exit) as caught:
        mail_command(ws.root)
    assert caught.value.exit_code == 2


def test_mails_received_before_since_are_not_looked_at(ws_rb, server):
    ws, rb = ws_rb
    toml = ws.root / "mail.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('folder = "INBOX"', 'folder = "INBOX"\nsince = 2999-01-01'),
        encoding="utf-8",
    )
    server.append(_draft_mail())
    assert (_run(ws, rb).taken, left_mails(ws)) == ([], [])
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("since = 2999-01-01", "since = 2021-01-01"), encoding="utf-8"
    )
    assert len(_run(ws, rb).taken) == 1


class _OneRound(threading.Event):
    """A stop event that ends `keep_receiving_mail` after one round, remembering the pause it
    asked for (no waiting on the wall clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.asked.append(timeout)
        self.set()
        return True


def test_watch_and_serve_read_the_mailbox_every_interval_minutes(ws_rb, server, caplog):
    from service.mail import keep_receiving_mail

    ws, _ = ws_rb
    toml = ws.root / "mail.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "timeout_seconds = 5", "timeout_seconds = 5\ninterval_minutes = 2"
        ),
        encoding="utf-8",
    )
    server.append(_draft_mail())
    stop = _OneRound()
    keep_receiving_mail(ws, stop)
    assert stop.asked == [120.0]
    assert [p.name for p in (ws.inbox / "湖滨社区" / "即时通讯信息").iterdir() if p.is_dir()] == [
        "湖滨社区垃圾分类宣传"
    ]

    server.kill()
    caplog.set_level(logging.WARNING, logger="draftdesk.mail")
    keep_receiving_mail(ws, _OneRound())
    assert [r.getMessage() for r in caplog.records] == [
        "邮箱「收稿邮箱」连不上邮件服务器，下次收信再试（没有邮件丢失）。"
    ]


def test_a_folder_whose_uidvalidity_changed_does_not_hand_a_taken_mail_over_again(ws_rb, server):
    """After a server reset (new UIDVALIDITY, the same mails), a mail taken before is known by
    its Message-ID: not written again, and acted on once its item is filed."""
    ws, rb = ws_rb
    toml = ws.root / "mail.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('after = "move:已收稿"', 'after = "flag"'), encoding="utf-8"
    )
    server.append(_draft_mail())
    assert len(_run(ws, rb).taken) == 1

    server.kill()
    uidlist = server.root / "mail" / USER / "dovecot-uidlist"
    head, _, rest = uidlist.read_text().partition("\n")
    fields = [f"V{int(f[1:]) + 1}" if f.startswith("V") else f for f in head.split()]
    uidlist.write_text(" ".join(fields) + "\n" + rest)
    server.start()

    assert _run(ws, rb).taken == []  # the item lies in the inbox already
    assert len(sweep(ws, rb).outcomes) == 1
    assert _run(ws, rb).done == 1
    assert server.uids("INBOX", "FLAGGED") == [1] and len(_submissions(ws)) == 1
    db = open_ledger(ws.ledger_path)
    try:
        rows = ledger._rows(db, "SELECT uidvalidity, uid, state FROM mail_messages ORDER BY id")
    finally:
        db.close()
    assert len({r["uidvalidity"] for r in rows}) == 2 and [r["state"] for r in rows] == ["written", "done"]


def test_a_mail_gone_from_the_folder_before_its_item_is_filed_is_only_recorded_done(ws_rb, server):
    ws, rb = ws_rb
    server.append(_draft_mail())
    assert len(_run(ws, rb).taken) == 1
    with server.client() as imap:  # a person deletes the mail in the webmail meanwhile
        imap.select("INBOX")
        imap.uid("STORE", "1", "+FLAGS", "(\\Deleted)")
        imap.expunge()
    sweep(ws, rb)
    after = _run(ws, rb)
    assert (after.done, after.problems) == (0, [])
    assert _run(ws, rb).problems == [] and len(_submissions(ws)) == 1


def test_a_second_mail_run_while_one_is_going_does_nothing_and_says_so(ws_rb):
    from service.mail import mail_summary

    ws, rb = ws_rb
    with mail_intake._mail_lock(ws) as mine:
        assert mine
        result = _run(ws, rb)
    assert result.busy and result.taken == [] and result.problems == []
    assert mail_summary(result)[0].startswith("另一个收信")
