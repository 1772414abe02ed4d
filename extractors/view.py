"""A `Draft` as plain JSON values: what `draftdesk inspect --json` prints.

Why here and not in `cli/`: the view is a pure function of the reader's value, so it lives
beside the value it renders, and a new `Draft` field and its key change together; the command
stays thin (read, call this, print). Its keys are a contract — later versions add keys, never
rename or drop one.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from extractors.model import Draft


def draft_json(given: str, draft: Draft) -> dict[str, Any]:
    """Everything the reader saw, as plain JSON values; `paragraphs` lists each counted paragraph
    with its part and 字数, so anyone can see what made up `counts`."""
    event = draft.event_date
    return {
        "path": given,
        "source_name": draft.source_name,
        "container": draft.container,
        "sha256": draft.sha256,
        "readable": draft.readable,
        "title": draft.title,
        "metadata": dict(draft.metadata),
        "byline": draft.byline,
        "captions": list(draft.captions),
        "lead": draft.lead,
        "counts": dataclasses.asdict(draft.counts),
        "photos": [
            {
                "key": p.key,
                "source": p.source,
                "format": p.format,
                "width": p.width,
                "height": p.height,
                "size_bytes": p.size_bytes,
                "phash": p.phash,
                "problem": p.problem,
            }
            for p in draft.photos
        ],
        "linked_photos": list(draft.linked_photos),
        "media": [dataclasses.asdict(m) for m in draft.media],
        "event_date": dataclasses.asdict(event) if event else None,
        "publish_date": draft.publish_date.isoformat() if draft.publish_date else None,
        "parts": [dataclasses.asdict(p) for p in draft.parts],
        "paragraphs": [{"part": p.part, "text": p.text, "zishu": p.zishu} for p in draft.paragraphs],
        "findings": [dataclasses.asdict(f) for f in draft.findings],
    }
