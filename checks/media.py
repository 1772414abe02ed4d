"""学习强国 audio and video submissions: a bundle whose point is a recording, not the text.

The seed accepts 学习强国 pieces "可为音频、视频、图文"; only 图文 has length and photo rules. So a
bundle carrying an audio or video file skips them, and instead each such file must be in a format
the rulebook lists, since the office has to play and forward it.
"""

from __future__ import annotations

from extractors.model import ERROR, Draft, Finding
from rules.model import ContentType, Rulebook


def is_media_submission(draft: Draft, ctype: ContentType) -> bool:
    """True when the type lets recordings replace text and photos, and the draft carries one."""
    return ctype.media_skips_text and bool(draft.media)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_media(draft: Draft, rulebook: Rulebook) -> list[Finding]:
    """A `media` error for every attached file that is not a known audio or video format."""
    images = rulebook.images
    known = set(images.audio_extensions) | set(images.video_extensions)
    findings = []
    for media in draft.media:
        if _extension(media.name) not in known:
            findings.append(
                Finding(
                    "media",
                    ERROR,
                    (
                        f"附件“{media.name}”不是可识别的音频或视频格式，要求为音频（{'、'.join(images.audio_extensions)}）"
                        f"或视频（{'、'.join(images.video_extensions)}）。请转换格式后重新报送。"
                    ),
                )
            )
    return findings
