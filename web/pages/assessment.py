"""考核: a period's assessment as `score` makes it (`PeriodAssessment`): the unit table with the
rule beside each column, the chart, the year's 推荐名单, the workbook, and for each unit the
drafts and adoptions behind its figures. The page lays the assessment out; it decides nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from rules.periods import Period, parse_period
from service.desk import figures_of
from service.errors import DeskError, bad_period
from service.requests import period_progress
from web.chart import completion_chart
from web.deps import Clerk
from web.desk import Desk, Refused
from web.forms import XLSX, attachment
from web.wording import say
from workspace import now

router = APIRouter()


def _period(desk: Desk, text: str) -> Period:
    text = text.strip() or now(desk.rulebook).strftime("%Y-%m")
    try:
        return parse_period(text)
    except ValueError:
        raise Refused(400, say(bad_period(text))) from None


@router.get("/score", response_class=HTMLResponse)
def score_page(request: Request, desk: Clerk, period: str = "") -> Response:
    chosen = _period(desk, period)
    assessment = desk.report(chosen)
    rows = [(line.unit, list(zip(assessment.columns, line.cells, strict=True))) for line in assessment.lines]
    return desk.page(
        request,
        "score.html",
        a=assessment,
        report=assessment.report,
        period=chosen,
        rows=rows,
        type_rules=[c.rule for c in assessment.columns if c.key.startswith("type:")],
        chart=completion_chart(assessment.report),
        requests=period_progress(desk.ws, chosen),
    )


@router.get("/score/unit", response_class=HTMLResponse)
def score_unit_page(request: Request, desk: Clerk, period: str = "", unit: str = "") -> Response:
    chosen = _period(desk, period)
    try:
        behind = figures_of(desk.ws, chosen, unit)
    except DeskError as exc:
        raise Refused(404, str(exc)) from None
    assessment = desk.report(chosen)
    line = next(line for line in assessment.lines if line.unit == behind.unit)
    figures = [(c, cell) for c, cell in zip(assessment.columns, line.cells, strict=True) if c.key != "unit"]
    return desk.page(request, "score_unit.html", a=assessment, period=chosen, behind=behind, figures=figures)


@router.get("/score/xlsx")
def score_download(desk: Clerk, period: str = "") -> Response:
    from service.score import score

    scored = score(desk.ws, _period(desk, period))
    return FileResponse(scored.workbook, media_type=XLSX, headers=attachment(scored.workbook.name))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/score/bulletin.docx")
def bulletin_download(desk: Clerk, period: str = "") -> Response:
    """The period's 通报 as written by `draftdesk bulletin` (an earlier one is kept beside it)."""
    from service.bulletin import bulletin

    published = bulletin(desk.ws, desk.rulebook, _period(desk, period))
    return FileResponse(published.path, media_type=DOCX, headers=attachment(published.path.name))
