"""Every refusal and finding the reader writes for a unit, in one place.

Each is a whole sentence a unit can act on: what is wrong with the file and what to send
instead. The reader's modules raise or return these by name — a constant, or a function when
the sentence names a file, a size or an error class — and keep no sentence of their own: they
used to, and two copies of the password message and of the last-resort "internal error"
message had already drifted apart.
"""

from __future__ import annotations

MSG_EMPTY = "文件无法打开：文件为空（0 字节），请重新报送"
MSG_UNKNOWN = "文件无法打开：不是 Word 文档（.docx/.doc/.wps），请用 Word 或 WPS 另存为 .docx 后重新报送"
MSG_BROKEN = "文件无法打开：文件已损坏或不完整，请用 Word 或 WPS 另存为 .docx 后重新报送"
MSG_ENCRYPTED = "文件设有打开密码，无法读取：请去除密码后重新报送"
MSG_OLE_OTHER = "文件无法打开：这是旧式 Office 文件但不是 Word 文档，请另存为 .docx 后重新报送"
MSG_MACRO = "文件含有宏（启用宏的文档 .docm），出于安全不予读取：请另存为普通 .docx 后重新报送"
MSG_NOT_WORD = "文件无法打开：压缩包中没有 Word 正文，请用 Word 或 WPS 另存为 .docx 后重新报送"
MSG_DTD = "文件无法打开：文档内容含有不安全的 DTD/实体声明，请用 Word 或 WPS 重新另存为 .docx 后报送"
MSG_XML_TOO_BIG = (
    "文件无法打开：文档内容结构过于庞大（格式标记超过上限），请删去多余内容或分成几篇，"
    "用 Word 或 WPS 另存为 .docx 后重新报送"
)
MSG_XML = "文件无法打开：文档内容已损坏（XML 无法解析），请用 Word 或 WPS 另存为 .docx 后重新报送"
MSG_BROKEN_ZIP = "压缩包无法打开：文件已损坏或不完整，请重新压缩后报送"
MSG_MISSING_SOFFICE = "未安装 LibreOffice，无法读取 .doc/.wps 稿件，请另存为 .docx 后重新报送"
MSG_SPECIAL = "不是普通文件（管道、设备或套接字），不予读取：请放入 Word 稿件文件"
MSG_SYMLINK = "文件是符号链接（快捷方式），出于安全不予读取：请直接放入稿件文件本身后重新报送"
MSG_OLD_WORD = "文件是旧版 Word 格式（.doc/.wps），请另存为 .docx 后重新报送。"
MSG_TOO_DEEP = "文件无法打开：文档结构异常（嵌套过深或过大），请用 Word 另存为 .docx 后重新报送。"
MSG_ALTCHUNK = (
    "稿件含有插入的外部文档内容（altChunk），这部分文字要在 Word "
    "打开时才会生成，未能计入字数。请在 Word 中打开后另存为 .docx 再报送。"
)
MSG_FORM_NO_NAME = "不是信息员推荐表：表格中没有“通讯员姓名”一栏（请使用附件2《西湖街道信息员推荐表》）"
MSG_FORM_NAME_EMPTY = "信息员推荐表未填写“通讯员姓名”，请填写后重新报送"


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB"


# ---------------------------------------------------------------------------------------------
# any file


def unreadable(exc: BaseException) -> str:
    """The file system refused the read (gone, no permission, an I/O error)."""
    return f"文件无法读取（{_name(exc)}），请重新报送"


def internal_error(exc: BaseException) -> str:
    """The reader's last guard: an error nobody foresaw, named so the office can report it."""
    return f"文件无法读取（内部错误 {_name(exc)}），请另存为 .docx 后重新报送"


def too_big(size: int, max_bytes: int) -> str:
    return f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.1f} MB），不予读取：请压缩图片或拆分后重新报送"


def broken_word(exc: BaseException) -> str:
    return f"{MSG_BROKEN}（{_name(exc)}）"


# ---------------------------------------------------------------------------------------------
# a Word package's zip directory


def too_many_parts(count: int, limit: int) -> str:
    return (
        f"文件无法打开：压缩包内有 {count} 个部件，超过上限 {limit}，"
        "疑似异常文件，请用 Word 另存为 .docx 后重新报送。"
    )


def part_too_big(part: str, size: int, limit: int) -> str:
    return f"文件无法打开：部件 {part} 解压后 {_mb(size)}，超过上限 {_mb(limit)}（疑似压缩炸弹），不予读取。"


def part_ratio(part: str, size: int, compressed: int) -> str:
    return (
        f"文件无法打开：部件 {part} 压缩比异常（{size} 字节压成 {compressed} 字节，疑似压缩炸弹），不予读取。"
    )


def total_too_big(limit: int) -> str:
    return f"文件无法打开：解压后总大小超过上限 {_mb(limit)}（疑似压缩炸弹），不予读取。"


def part_over_limit(part: str) -> str:
    return f"文件无法打开：部件 {part} 超过大小上限，不予读取。"


# ---------------------------------------------------------------------------------------------
# LibreOffice (.doc/.wps)


def soffice_no_start(exc: BaseException) -> str:
    return f"LibreOffice 无法启动（{_name(exc)}），请另存为 .docx 后重新报送"


def soffice_timeout(seconds: float) -> str:
    return f"LibreOffice 转换超时（超过 {seconds:g} 秒），请另存为 .docx 后重新报送"


def soffice_failed(returncode: int | None) -> str:
    return f"LibreOffice 无法转换此文件（退出码 {returncode}），文件可能已损坏，请另存为 .docx 后重新报送"


# ---------------------------------------------------------------------------------------------
# pictures


def photo_unreadable(key: str, exc: BaseException) -> str:
    return f"图片 {key} 无法读取（{_name(exc)}），请重新导出后报送"


def photo_empty(key: str) -> str:
    return f"图片 {key} 为空（0 字节）"


def photo_bomb(key: str, limit: int) -> str:
    return f"图片 {key} 像素超过上限（{limit} 像素），未读取，请压缩后重新报送"


def photo_too_many_pixels(key: str, width: int, height: int, limit: int) -> str:
    return f"图片 {key} 像素超过上限（{width}×{height}，上限 {limit} 像素），请压缩后重新报送"


def photo_unsupported(key: str, kind: str) -> str:
    return f"图片 {key} 格式不受支持（{kind}），请改用 JPG 或 PNG 图片"


def photo_undecodable(key: str, exc: BaseException) -> str:
    return f"图片 {key} 已损坏，无法解码（{_name(exc)}），请重新导出后报送"


def photo_not_counted(problem: str) -> str:
    """A picture's problem as a draft's finding: the picture is left out of the count."""
    return f"{problem.rstrip('。')}，未计入。"


def attached_photo_unreadable(name: str, refusal: str) -> str:
    return f"图片 {name} 无法读取：{refusal}"


# ---------------------------------------------------------------------------------------------
# bundles (a folder or a .zip of one draft and its photos and media)


def _where(container: str) -> str:
    return "文件夹" if container == "dir" else "压缩包"


def bundle_stray(container: str, name: str) -> str:
    return f"{_where(container)}中的文件 {name} 不是稿件、图片或音视频，已忽略"


def bundle_draft_count(container: str, drafts: list[str]) -> str:
    listed = "、".join(drafts)
    return f"{_where(container)}中应有且只有一个 Word 稿件，现有 {len(drafts)} 个" + (
        f"：{listed}" if listed else ""
    )


def folder_unlistable(rel: str, exc: BaseException) -> str:
    return f"文件夹 {rel} 无法列出（{_name(exc)}），已跳过"


def folder_too_many(budget: int) -> str:
    return f"文件夹中文件过多（超过 {budget} 个），请只放稿件、照片和音视频"


def bundle_skipped(rel: str, refusal: str) -> str:
    return f"{rel}：{refusal}，已忽略"


def folder_unreadable(exc: BaseException) -> str:
    return f"文件夹无法读取（{_name(exc)}），请重新报送"


def folder_too_big(total: int, limit: int) -> str:
    return f"文件夹中稿件和图片共 {_mb(total)}，超过上限 {_mb(limit)}，不予读取"


def zip_member_too_big(name: str) -> str:
    return f"压缩包中的 {name} 超过大小上限，不予读取"


def zip_member_escapes(name: str) -> str:
    return f"压缩包中的 {name} 路径越出压缩包，已忽略"


def zip_member_symlink(name: str) -> str:
    return f"压缩包中的 {name} 是符号链接，已忽略"


# ---------------------------------------------------------------------------------------------
# officer forms (附件2 信息员推荐表)


def form_not_word(exc: BaseException) -> str:
    return f"文件无法打开，不是有效的 Word（.docx）文件：{_name(exc)}"
