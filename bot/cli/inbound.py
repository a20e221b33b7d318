"""`cdsbot inbound list|replay`: failed messages, replayed once a fix is deployed.

The terminal is a log too: no text, names or platform ids unless `--show-text` is given.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.app import App
from bot.cli.common import CliError
from bot.files import file_links
from bot.operator_text import _, op_t
from bot.replay import replay_failed
from locales import N_, Translator
from models.inbound import FailedRow, failed_messages


def register(sub, t: Translator) -> None:
    inbound = sub.add_parser("inbound", help=t._("messages whose handling failed"))
    inbound_sub = inbound.add_subparsers(dest="inbound_command", required=True)
    show = inbound_sub.add_parser("list", help=t._("failed messages (id, channel, time, kind)"))
    show.add_argument(
        "--show-text", action="store_true", help=t._("also print what was typed (personal data)")
    )
    show.set_defaults(func=cmd_list)
    replay = inbound_sub.add_parser(
        "replay", help=t._("run failed messages through the bot again; the bot sends the replies")
    )
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--id", dest="ids", type=int, nargs="+", action="extend", metavar="N",
        help=t._("ids from `cdsbot inbound list`"),
    )  # fmt: skip
    which.add_argument("--all", action="store_true", help=t._("every failed message"))
    replay.add_argument(
        "--force",
        action="store_true",
        help=t._("also replay typed answers whose chat has since been asked another question"),
    )
    replay.set_defaults(func=cmd_replay)


# What the platform delivered, as Incoming.kind says it; a pressed button is its own kind here.
KINDS = {
    "button": N_("button"),
    "text": N_("text"),
    "photo": N_("photo"),
    "location": N_("location"),
    "contact": N_("contact"),
    "sticker": N_("sticker"),
    "voice": N_("voice message"),
    "document": N_("file"),
    "unsupported": N_("unsupported"),
}


def local(app: App, t: Translator, at: datetime | None) -> str:
    if at is None:
        return "-"
    at = at.astimezone(app.settings.tz)
    return f"{t.date(at)} {t.time(at)}"


def kind_of(t: Translator, row: FailedRow) -> str:
    kind = "button" if row.payload.get("choice") else str(row.payload.get("kind", "?"))
    return t._(KINDS[kind]) if kind in KINDS else kind


async def cmd_list(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    async with app.sessionmaker() as session:
        rows = await failed_messages(session)
    header = (_("id"), _("channel"), _("received"), _("kind"))
    cells = [(str(r.id), r.channel, local(app, t, r.received_at), kind_of(t, r)) for r in rows]
    wide = [max(len(c[i]) for c in [header, *cells]) for i in range(3)]

    def line(c: tuple[str, ...]) -> str:
        return f"{c[0]:>{wide[0]}}  {c[1]:<{wide[1]}}  {c[2]:<{wide[2]}}  {c[3]}"

    print(line(header))
    for row, c in zip(rows, cells, strict=True):
        text = line(c)
        if args.show_text:
            # repr: one line per message, control characters escaped.
            text += f"  {str(row.payload.get('text') or '')[:80]!r}"
        print(text)
    print(t.ngettext("{n} failed message.", "{n} failed messages.", len(rows)))
    return 0


async def cmd_replay(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    if args.all:
        async with app.sessionmaker() as session:
            ids = [row.id for row in await failed_messages(session)]
    else:
        ids = args.ids
        if any(i < 1 for i in ids):
            raise CliError(_("--id takes message ids from `cdsbot inbound list`"))
    results = await replay_failed(
        app.engine,
        app.pipeline,
        ids=ids,
        public_links=file_links(app.settings, app.files_dir) is not None,
        force=args.force,
    )
    for r in results:
        # Ids stay as typed (no thousands separator): they go back into `--id`.
        where = f"#{r.id} {r.channel} {local(app, t, r.received_at)}" if r.channel else f"#{r.id}"
        if r.outcome == "replayed" and r.queued:
            print(_("{where}: replayed, reply queued", where=where))
        elif r.outcome == "replayed":
            print(_("{where}: replayed, no reply to send", where=where))
        elif r.outcome == "failed":
            print(_("{where}: failed again, kept", where=where))
        elif r.outcome == "moved_on":
            print(
                _(
                    "{where}: kept, the chat was asked another question since (--force replays)",
                    where=where,
                )
            )
        else:
            print(_("{where}: not a failed message, skipped", where=where))
    replayed = sum(r.outcome == "replayed" for r in results)
    failed = sum(r.outcome == "failed" for r in results)
    kept = sum(r.outcome == "moved_on" for r in results)
    print(
        _(
            "Replayed: {replayed}, failed again: {failed}, kept (chat moved on): {kept}. "
            "The running bot sends the replies.",
            replayed=t.num(replayed),
            failed=t.num(failed),
            kept=t.num(kept),
        )
    )
    return 1 if failed else 0
