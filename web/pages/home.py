"""The home page: links to every page, the Prefect UI when its server runs, intake at a glance
(the server's state, and how and when the inbox was last swept), the last verify and the mails
left unread in the mailbox for the office; and logging out. Off 127.0.0.1 the home page asks
for the password like every office page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.deps import Clerk, Open
from web.desk import BASIC_CHALLENGE, Refused

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, desk: Clerk) -> Response:
    from service.mail import left_mails
    from service.status import intake_glance, notify_summary
    from service.verify import summary_line

    return desk.page(
        request,
        "home.html",
        intake=intake_glance(desk.ws, desk.prefect_url()),
        verified=summary_line(desk.ws),
        messages=notify_summary(desk.ws),
        left_mails=left_mails(desk.ws),
    )


@router.get("/logout", response_class=HTMLResponse)
def logout(desk: Open) -> Response:
    """Log out of password mode: a browser forgets the password it keeps for the desk when the
    desk refuses it (401). On this machine alone there is no password to forget."""
    if not desk.guard.protect:
        raise Refused(404, "本机使用办公桌不需要密码，也就不需要退出。")
    raise Refused(
        401,
        "已退出办公桌。要继续使用，请打开首页重新输入密码（用户名随便填）；关闭浏览器也会退出。",
        {"WWW-Authenticate": BASIC_CHALLENGE},
        title="已退出",
    )
