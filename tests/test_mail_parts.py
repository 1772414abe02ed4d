"""E-mail intake's pure parts: mail.toml's validation (Chinese, naming the key), attachment names
in every encoding Chinese mail clients use, and where a mail's item goes in the inbox."""

from __future__ import annotations

import email.header
import urllib.parse
from pathlib import Path, PurePosixPath

import pytest

from intake.mail_config import MailConfigError, load_mail_config
from intake.mail_message import Attachment, attachments_of, header_text, item_of, parse_mail, sender_of
from rules import DEFAULT_RULEBOOK, load_rulebook
from tests.mail_support import mail

RB = load_rulebook(DEFAULT_RULEBOOK)

GOOD = """[[accounts]]
name = "收稿邮箱"
host = "imap.163.com"
port = 993
security = "ssl"
user = "xihu_xxb@163.com"
password_env = "DRAFTDESK_MAIL_PASSWORD"
folder = "INBOX"
after = "move:已收稿"
[senders]
"HuBin@example.cn" = "湖滨"
[types]
"湖滨社区" = "即时"
"""


def _load(tmp_path: Path, text: str):
    (tmp_path / "mail.toml").write_text(text, encoding="utf-8")
    return load_mail_config(tmp_path, RB)


def test_mail_toml_in_the_issues_shape_loads_with_units_and_types_resolved(tmp_path, monkeypatch):
    config = _load(tmp_path, GOOD)
    assert config is not None
    account = config.accounts[0]
    assert (account.action, account.move_to, account.port, account.security) == ("move", "已收稿", 993, "ssl")
    assert config.unit_of(" hubin@EXAMPLE.cn") == "湖滨社区" and config.unit_of("x@y.cn") is None
    assert config.types == {"湖滨社区": "instant"} and config.interval_minutes == 5.0
    assert account.since is None
    dated = _load(tmp_path, GOOD.replace('folder = "INBOX"', 'folder = "INBOX"\nsince = 2021-03-01'))
    assert dated is not None and str(dated.accounts[0].since) == "2021-03-01"
    monkeypatch.setenv("DRAFTDESK_MAIL_PASSWORD", "abc授权码")
    assert account.password() == "abc授权码"
    monkeypatch.delenv("DRAFTDESK_MAIL_PASSWORD")
    with pytest.raises(MailConfigError, match="环境变量 DRAFTDESK_MAIL_PASSWORD 为空") as unset:
        account.password()
    assert "请把邮箱的授权码设为这个环境变量" in str(unset.value) and "password_file" in str(unset.value)


def test_no_mail_toml_means_no_mail_intake(tmp_path):
    assert load_mail_config(tmp_path, RB) is None


def test_every_bad_key_is_named_at_once_in_chinese(tmp_path):
    bad = GOOD.replace('security = "ssl"', 'security = "tls"').replace(
        'after = "move:已收稿"', 'after = "delete"'
    )
    bad = bad.replace('"湖滨"', '"月球社区"').replace(
        'password_env = "DRAFTDESK_MAIL_PASSWORD"', 'password = "明文"'
    )
    bad = bad.replace('folder = "INBOX"', 'folder = "INBOX"\nsince = "上个月"')
    bad += "[settings]\ninterval_minutes = 0\n"
    with pytest.raises(MailConfigError) as caught:
        _load(tmp_path, bad)
    text = str(caught.value)
    assert text.startswith("mail.toml 有误：")
    for part in (
        "accounts[1].password：不认识的设置项",
        "accounts[1].security：应是 ssl、starttls 或 none",
        'accounts[1].after：应是 "move:<文件夹>"、"flag" 或 "seen"',
        "password_env 与 password_file 须且只须填一个",
        "senders.HuBin@example.cn：规则文件中没有单位「月球社区」",
        "settings.interval_minutes：应是大于 0 的数",
        "accounts[1].since：应是日期，如 2021-03-01（不加引号）",
    ):
        assert part in text
    assert "明文" not in text


def test_a_password_file_is_read_relative_to_the_workspace(tmp_path):
    (tmp_path / "secret.txt").write_text("授权码xyz\n", encoding="utf-8")
    config = _load(
        tmp_path, GOOD.replace('password_env = "DRAFTDESK_MAIL_PASSWORD"', 'password_file = "secret.txt"')
    )
    assert config is not None and config.accounts[0].password() == "授权码xyz"


def test_attachment_names_in_gbk_rfc2231_and_rfc2047_are_decoded():
    rfc2231 = b"attachment; filename*=GBK''" + urllib.parse.quote("湖滨社区稿件.docx".encode("gbk")).encode()
    raw_gbk = b'attachment; filename="' + "現場照片𠀀1.jpg".encode("gb18030") + b'"'
    rfc2047 = (
        b'attachment; filename="' + email.header.Header("现场照片2.jpg", "gb2312").encode().encode() + b'"'
    )
    continued = b"attachment; filename*0*=UTF-8''%E7%8E%B0%E5%9C%BA; filename*1*=%E7%85%A7%E7%89%873.jpg"
    raw = mail(
        "湖滨 <HuBin@Example.CN>",
        "=?GB2312?B?" + __import__("base64").b64encode("【即时】标题".encode("gb2312")).decode() + "?=",
        [(d, bytes([i]), "image/jpeg") for i, d in enumerate((rfc2231, raw_gbk, rfc2047, continued))],
    )
    msg = parse_mail(raw)
    assert sender_of(msg) == "hubin@example.cn"
    assert header_text(msg["Subject"]) == "【即时】标题"
    assert [(a.name, a.payload) for a in attachments_of(msg)] == [
        ("湖滨社区稿件.docx", b"\x00"),
        ("現場照片𠀀1.jpg", b"\x01"),
        ("现场照片2.jpg", b"\x02"),
        ("现场照片3.jpg", b"\x03"),
    ]


def test_unsafe_and_repeated_names_are_made_safe_and_distinct():
    raw = mail(
        "a@b.cn",
        "x",
        [
            (b'attachment; filename="../a/b.jpg"', b"1", "image/jpeg"),
            (b'attachment; filename="../a/b.jpg"', b"2", "image/jpeg"),
        ],
    )
    assert [a.name for a in attachments_of(parse_mail(raw))] == ["_a_b.jpg", "_a_b（2）.jpg"]


def _att(*names: str) -> list[Attachment]:
    return [Attachment(n, b"x") for n in names]


@pytest.mark.parametrize(
    ("subject", "names", "default", "relpath", "bundle"),
    [
        ("【即时信息】标题", ("稿件.docx",), None, "湖滨社区/即时通讯信息/稿件.docx", False),
        ("回复：[微信]标题", ("稿件.docx", "1.jpg"), None, "湖滨社区/微信原创稿件/稿件", True),
        ("无标签", ("【强国】稿件.docx",), None, "湖滨社区/学习强国/【强国】稿件.docx", False),
        ("无标签", ("稿件.docx",), "instant", "湖滨社区/即时通讯信息/稿件.docx", False),
        ("无标签", ("稿件.docx",), None, "湖滨社区/稿件.docx", False),
        ("【即时】打包", ("材料.zip",), None, "湖滨社区/即时通讯信息/材料.zip", False),
        (
            "【即时】照片和压缩包",
            ("材料.zip", "1.jpg"),
            None,
            "湖滨社区/即时通讯信息/【即时】照片和压缩包",
            True,
        ),
    ],
)
def test_the_item_lies_where_a_unit_would_drop_it(subject, names, default, relpath, bundle):
    item = item_of("湖滨社区", subject, _att(*names), RB, default)
    assert item is not None
    assert (item.relpath, item.bundle, len(item.files)) == (PurePosixPath(relpath), bundle, len(names))


def test_a_bundle_with_no_type_is_zipped_into_the_units_folder():
    import io
    import zipfile

    item = item_of("湖滨社区", "无标签", [Attachment("稿件.docx", b"d"), Attachment("1.jpg", b"p")], RB, None)
    assert item is not None and item.relpath == PurePosixPath("湖滨社区/稿件.zip") and not item.bundle
    with zipfile.ZipFile(io.BytesIO(item.files[0].payload)) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == {"稿件.docx": b"d", "1.jpg": b"p"}


def test_a_mail_with_only_photos_has_no_item():
    assert item_of("湖滨社区", "【即时】照片", _att("1.jpg", "2.jpg"), RB, None) is None


def test_a_run_with_a_mailbox_left_unread_does_not_open_with_done():
    # "收信完成" above "the password is not set" read as if all went well.
    from intake.mail import MailRunResult
    from service.mail import mail_summary

    problem = "邮箱「收稿邮箱」的密码未设置：环境变量 DRAFTDESK_MAIL_PASSWORD 为空。"
    lines = mail_summary(MailRunResult(problems=[problem]))
    assert lines[0].startswith("收信结束（有邮箱没有收成，见下）：新收稿件 0 件") and lines[-1] == problem
    assert mail_summary(MailRunResult(done=1))[0].startswith("收信完成：新收稿件 0 件")
