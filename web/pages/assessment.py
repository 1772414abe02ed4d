"""考核: a period's completion, adoptions and points per unit, with its chart and workbook."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from rules.periods import Period, parse_period
from web.chart import completion_chart
from web.deps import Clerk
from web.desk import Desk, Refused
from web.forms import XLSX, attachment
from workspace import now

router = APIRouter()


def _period(desk: Desk, text: str) -> Period:
    text = text.strip() or now(desk.rulebook).strftime("%Y-%m")
    try:
        return parse_period(text)
    except ValueError:
        raise Refused(400, f"期间“{text}”无法识别：请写月份 2021-03、季度 2021Q1 或年度 2021。") from None


def _fmt(hundredths: int) -> str:
    value = hundredths / 100
    return f"{value:+g}" if value else "0"


@router.get("/score", response_class=HTMLResponse)
def score_page(request: Request, desk: Clerk, period: str = "") -> Response:
    chosen = _period(desk, period)
    assessed = desk.report(chosen)
    report = assessed.report
    types = [k for k in report.type_names if any(k in u.completion for u in report.units)]
    open_types = [
        k for k in report.type_names if k not in types and any(k in u.progress for u in report.units)
    ]
    short_names = {k: min(names, key=len) for k, names in report.type_short_names.items()}
    warnings = [w for w in (assessed.still_open, assessed.rulebook_warning) if w]
    return desk.page(
        request,
        "score.html",
        report=report,
        period=chosen,
        types=types,
        open_types=open_types,
        short_names=short_names,
        warnings=[w if w.startswith("注意：") else f"注意：{w}" for w in warnings],
        chart=completion_chart(report),
        fmt=_fmt,
    )


@router.get("/score/xlsx")
def score_download(desk: Clerk, period: str = "") -> Response:
    from service.score import score

    scored = score(desk.ws, desk.rulebook, _period(desk, period))
    return FileResponse(scored.workbook, media_type=XLSX, headers=attachment(scored.workbook.name))
