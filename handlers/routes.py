"""Every flow the bot answers, in one list: what handles `/tiendo` is found here.

Each module below has a `router` (`handlers/core/router.py`); they are joined in this order (the
order /trogiup and the Telegram menu keep for commands of equal rank). A new flow is one module
and one line here."""

from __future__ import annotations

from handlers.core.router import Router
from handlers.flows import (
    account,
    auditlog,
    group,
    households,
    invite,
    join,
    link,
    members,
    mine,
    ranking,
    reminders,
    target,
    team,
    web,
)
from handlers.progress import flow as progress
from handlers.report import flow as report
from handlers.visits import details, fix, quick, revisit, visit

ROUTERS = (
    account.router,  # /trogiup, /ngonngu
    auditlog.router,  # /nhatky
    fix.router,  # /sua
    group.router,  # /lienketnhom
    households.router,  # /hodan
    invite.router,  # /moi
    join.router,  # /start and an invite code
    link.router,  # /lienket
    members.router,  # /thanhvien, /xoathanhvien
    mine.router,  # /cuatoi
    progress.router,  # /tiendo
    quick.router,  # one-line visit logs typed as free text
    ranking.router,  # /bangxephang
    reminders.router,  # /tatnhac, /batnhac, /caidat
    report.router,  # /baocao
    revisit.router,  # /henlai
    target.router,  # /muctieu
    team.router,  # /doi
    visit.router,  # /ghinhan
    details.router,  # the visit's questions after the household
    web.router,  # /web
)

ROUTES = Router.include(ROUTERS)
COMMANDS = ROUTES.commands
WORDS = ROUTES.words
STEPS = ROUTES.steps
TEXT_HANDLERS = ROUTES.texts
