"""Every refusal the reader writes for a unit, in one place.

Each is a whole sentence a unit can act on: what is wrong with the file and what to send
instead. The reader's modules raise or return these by name; they used to keep their own
copies, and two copies of the password message had already drifted apart.
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
