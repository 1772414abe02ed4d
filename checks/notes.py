"""The note (退回说明) a unit reads when its draft comes back, in plain Chinese.

The office forwards it as is, so it must stand alone: which draft, which unit, when it arrived,
each failed rule with the measured value and the requirement, what to do, and — because units
check their length in Word's status bar — the whole-text figure Word shows beside the body
figure the rules use, so nobody argues over the difference. Warnings follow separately: they
do not send the draft back. Written as UTF-8 with BOM and CRLF so Notepad and WPS open it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from checks.labels import PENDING_COUNT, deadline_text, not_counted_words, registered_not_counted, when_text
from checks.model import ImageSummary, Judgement
from extractors.model import ERROR, WARNING, Draft
from rules.model import ContentType, Rulebook

BOM = "\ufeff"
_SENTENCE_ENDS = "。！？）」”"


def _sentence(message: str) -> str:
    """A finding's message as a sentence: a reader message without a final 。 gets one."""
    message = message.strip()
    return message if message.endswith(tuple(_SENTENCE_ENDS)) else message + "。"


def _when(moment: dt.datetime, rulebook: Rulebook) -> str:
    return when_text(moment, rulebook.meta.tz)


def counts_line(draft: Draft) -> str | None:
    """Why Word's status bar shows more than the body figure (None when nothing was counted)."""
    counts = draft.counts
    if not draft.readable or (counts.zishu == 0 and counts.zishu_all == 0):
        return None
    extra = counts.zishu_all - counts.zishu
    if extra > 0:
        return (
            f"字数说明：Word 状态栏显示全文 {counts.zishu_all} 字，其中标题、署名、图片说明等 {extra} 字"
            f"不计入正文，正文按 {counts.zishu} 字计算。"
        )
    return f"字数说明：Word 状态栏显示全文 {counts.zishu_all} 字，正文按 {counts.zishu} 字计算。"


def _head(
    heading: str,
    draft: Draft,
    judgement: Judgement,
    rulebook: Rulebook,
    relpath: str | PurePath | None,
    submission_id: int | None,
) -> list[str]:
    """The lines every note and notice opens with, so a unit finds the same facts in the same
    place: heading, 稿件编号 (once recorded), file, title, unit, type (the last line)."""
    ctype = rulebook.types.get(judgement.content_type or "")
    lines = [heading, ""]
    if submission_id is not None:
        lines.append(f"稿件编号：{submission_id}")
    lines.append(f"稿件：{relpath or draft.source_name}")
    if draft.title:
        lines.append(f"标题：{draft.title}")
    lines.append(f"报送单位：{judgement.unit or '未能识别'}")
    lines.append(f"稿件类型：{ctype.name if ctype else '未能识别'}")
    return lines


def render_note(
    draft: Draft,
    judgement: Judgement,
    rulebook: Rulebook,
    received_at: dt.datetime,
    relpath: str | PurePath | None = None,
    submission_id: int | None = None,
    *,
    self_check: bool = False,
    sending: bool = False,
    on_page: bool = False,
) -> str:
    """The note for one judged draft ("\\n" line ends; `note_bytes` makes the file's bytes).

    `relpath` (the item's path under the inbox) names the draft when given, else its file name;
    `submission_id` (the ledger's 稿件编号), when the draft was recorded, heads the facts.
    `self_check` words it as 自查 (nothing was sent or registered) and ends with where to drop it;
    `sending` (报送 on the unit's page, before its confirmation) ends with what confirming does;
    `on_page` (自查 on the unit's own page, for units that may not reach the shared inbox) points
    to the page's 报送 form instead of the inbox folder, as `sending` does."""
    page = on_page or sending
    rejected = judgement.verdict == "rejected"
    errors = [f for f in judgement.findings if f.severity == ERROR]
    warnings = [f for f in judgement.findings if f.severity == WARNING]
    heading = "自查结果（仅供参考，稿件尚未报送）" if self_check else ("退回说明" if rejected else "收稿回执")
    lines = _head(
        f"{rulebook.meta.subdistrict}信息宣传稿件{heading}",
        draft,
        judgement,
        rulebook,
        relpath,
        submission_id,
    )
    lines[-1] += f"（{judgement.category}）" if judgement.category else ""
    lines.append(f"收稿时间：{_when(received_at, rulebook)}")
    lines.append(_result_line(judgement, rulebook, self_check))
    if errors:
        lines += ["", "未达到的要求："]
        lines += [f"{i}. {_sentence(f.message)}" for i, f in enumerate(errors, 1)]
    counts = counts_line(draft)
    if counts:
        lines += ["", counts]
    photos = photos_line(judgement.images, rulebook.types.get(judgement.content_type or ""))
    if self_check and not rejected and photos:  # what the receipt will say, seen before sending
        lines.append(photos)
    if warnings:
        lines += ["", "提示（不影响是否收稿）："]
        lines += [f"- {_sentence(f.message)}" for f in warnings]
    if rejected:
        lines += ["", _what_to_do(judgement, rulebook, page=self_check and page)]
    if self_check:
        lines += ["", _self_check_closing(draft, judgement, rulebook, sending=sending, page=page)]
    lines += ["", f"{rulebook.meta.subdistrict}{rulebook.meta.office_unit}"]
    return "\n".join(lines) + "\n"


def photos_line(images: ImageSummary, ctype: ContentType | None) -> str:
    """The photos as the rules counted them: every picture, the distinct usable ones that count
    (合格照片), and the HD ones where the type asks for HD photos; nothing for a type that asks
    for no photos and got none. One wording for the receipt and the 自查 answer."""
    if not images.total and not (ctype and ctype.min_photos):
        return ""
    hd = f"，其中高清 {images.hd} 张" if ctype and ctype.hd_photos else ""
    return f"照片：共 {images.total} 张，合格照片 {images.distinct} 张{hd}"


def _not_counted(judgement: Judgement, rulebook: Rulebook) -> str:
    """不计入本季度完成数: the draft's type's period, the one wording notes and notices share."""
    ctype = rulebook.types.get(judgement.content_type or "")
    return not_counted_words(ctype.period if ctype else "")


def _result_line(judgement: Judgement, rulebook: Rulebook, self_check: bool) -> str:
    counted = "计入考核" if judgement.counted else f"但{_not_counted(judgement, rulebook)}"
    if self_check:
        if judgement.verdict == "rejected":
            return "自查结果：如现在报送，将被退回，不计入考核。请按下列要求修改后再报送。"
        return f"自查结果：如现在报送，将判为合格，{counted}。"
    if judgement.verdict == "rejected":
        return "处理结果：退回。本稿不计入考核，请按下列要求修改后重新报送。"
    return f"处理结果：合格，已登记，{counted}。"


SEND_CLOSING = "稿件还没有报送。确认报送后，稿件放入本单位的收稿文件夹，登记后出回执。"
PAGE_FORM = "本页上方的“报送稿件”"
PAGE_CLOSING = (
    f"这只是自查，稿件没有报送，也没有登记。正式报送请用{PAGE_FORM}：选好稿件类型，把文档和照片一起选上，"
    "上传并自查后确认报送。"
)


def _self_check_closing(
    draft: Draft, judgement: Judgement, rulebook: Rulebook, *, sending: bool, page: bool
) -> str:
    """How a self-check ends: what confirming does (报送), the page's form (自查 on the unit's
    page), or the inbox folder (the office's 自查)."""
    if sending:
        return SEND_CLOSING
    return PAGE_CLOSING if page else _where_to_drop(draft, judgement, rulebook)


def _where_to_drop(draft: Draft, judgement: Judgement, rulebook: Rulebook) -> str:
    """The self-check's last word: nothing was sent, and the folder that sends it. A bundle (a
    document with its photos) must arrive as one folder or one .zip, or the intake files each
    file on its own and rejects them all."""
    ctype = rulebook.types.get(judgement.content_type or "")
    folder = f"inbox/{judgement.unit or '<单位>'}/{ctype.name if ctype else '<稿件类型>'}/"
    head = "这只是自查，稿件没有报送，也没有登记。"
    if draft.container == "bundle":
        name = PurePath(draft.source_name).stem or "稿件名"
        return (
            f"{head}正式报送请把文档和照片一起放进一个以稿件命名的文件夹（如“{name}”），"
            f"或打包成一个 .zip 文件，再放入共享收件箱的 {folder} 文件夹；"
            "不要把文档和照片分开直接放入，否则会被逐个登记并退回。"
        )
    return f"{head}正式报送请把稿件放入共享收件箱的 {folder} 文件夹。"


def render_notice(
    draft: Draft,
    judgement: Judgement,
    rulebook: Rulebook,
    received_at: dt.datetime,
    relpath: str | PurePath | None = None,
    submission_id: int | None = None,
) -> str:
    """The short notice beside a draft that is 合格 and registered but not counted (late, an
    announcement, or for now a probable same event): why, with the deadline and the time it
    was received."""
    ctype = rulebook.types.get(judgement.content_type or "")
    said = registered_not_counted(ctype.period if ctype else "")  # said once, in the line below
    reasons = [
        f for f in judgement.findings if f.severity == WARNING and f.rule in ("timeliness", "same_event")
    ]
    why = [_sentence(f.message).removesuffix(said) for f in reasons]
    # Neither late nor an announcement, only probably the same event: not counted for now.
    late = any(_sentence(f.message).endswith(said) for f in reasons if f.rule == "timeliness")
    pending = judgement.same_event_of is not None and not late and not judgement.is_announcement
    not_counted = PENDING_COUNT if pending else _not_counted(judgement, rulebook)
    if judgement.is_announcement:
        why.append("公告、通知类稿件按规定不纳入考核。")
    lines = _head(
        f"{rulebook.meta.subdistrict}信息宣传稿件不计入说明",
        draft,
        judgement,
        rulebook,
        relpath,
        submission_id,
    )
    if judgement.event_deadline is not None:
        lines.append(f"报送截止：{deadline_text(judgement.event_deadline, rulebook.meta.tz)}")
    lines.append(f"收稿时间：{_when(received_at, rulebook)}")
    lines += ["", f"已登记，但{not_counted}：{''.join(why) or '见收稿回执。'}"]
    lines += ["", f"{rulebook.meta.subdistrict}{rulebook.meta.office_unit}"]
    return "\n".join(lines) + "\n"


def _what_to_do(judgement: Judgement, rulebook: Rulebook, *, page: bool = False) -> str:
    """What a unit does with a draft sent back: resend it, into its inbox folder or (`page`, a
    self-check on the unit's own page) through the page's 报送 form."""
    ctype = rulebook.types.get(judgement.content_type or "")
    where = f"inbox/{judgement.unit or '<单位>'}/{ctype.name if ctype else '<稿件类型>'}/"
    resend = f"在{PAGE_FORM}重新上传报送" if page else f"重新放入 {where} 报送"
    if any(f.rule == "duplicate" for f in judgement.findings):
        return f"如确为新的稿件，请修改后{resend}；如有疑问请联系{rulebook.meta.subdistrict}{rulebook.meta.office_unit}。"
    return (
        f"请修改后{resend}（重新报送的稿件按新的收稿时间计算时效）。"
        f"如有疑问请联系{rulebook.meta.subdistrict}{rulebook.meta.office_unit}。"
    )


def internal_error_note(
    name: str, unit: str | None, received_at: dt.datetime, rulebook: Rulebook, error: str
) -> str:
    """The note for a draft draftdesk itself failed on (a bug, not the unit's fault): it is
    filed as rejected so nothing stays half-done, and both the unit and the office are told
    what to do. `error` names the failure for the maintainer (an exception class)."""
    office = f"{rulebook.meta.subdistrict}{rulebook.meta.office_unit}"
    lines = [
        f"{rulebook.meta.subdistrict}信息宣传稿件退回说明",
        "",
        f"稿件：{name}",
        f"报送单位：{unit or '未能识别'}",
        f"收稿时间：{_when(received_at, rulebook)}",
        f"处理结果：退回。系统处理本稿时出错（内部错误 {error}），未能审核；原稿已原样保存在退稿目录。",
        "",
        "请用 Word 或 WPS 打开稿件，另存为新的 .docx 文件后重新报送；如仍退回，请联系" + office + "。",
        f"办公室：请把本说明和原稿交给系统维护人员（错误类型 {error}）。",
        "",
        office,
    ]
    return "\n".join(lines) + "\n"


def note_bytes(text: str) -> bytes:
    """The note file's bytes: UTF-8 with a BOM and CRLF line ends, as Windows editors expect.
    A character UTF-8 cannot hold (a lone surrogate) becomes "?" rather than losing the note."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return (BOM + body.removeprefix(BOM)).encode("utf-8", errors="replace")
