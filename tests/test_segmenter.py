"""The jieba helper process of a short `run`: same words, and nothing to wait for at exit."""

from __future__ import annotations

import time

from checks import duplicate
from intake.segmenter import HelperSegmenter

TEXT = "湖滨社区开展垃圾分类宣传活动，居民积极参与。"


def test_the_helper_gives_jiebas_words_and_is_reaped_on_close() -> None:
    helper = HelperSegmenter()
    proc = helper._proc
    assert proc is not None
    assert helper.lcut(TEXT) == duplicate.jieba_lcut(TEXT)
    helper.close()
    assert proc.returncode is not None  # reaped, not left behind
    assert helper._proc is None
    assert helper.lcut(TEXT) == duplicate.jieba_lcut(TEXT)  # after close: this process's jieba


def test_closing_a_helper_still_loading_jieba_does_not_wait_for_it() -> None:
    helper = HelperSegmenter()
    proc = helper._proc
    assert proc is not None
    started = time.monotonic()
    helper.close()
    waited = time.monotonic() - started
    assert proc.returncode is not None
    assert waited < 1.0, f"close waited {waited:.2f} s for the helper"
