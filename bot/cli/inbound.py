"""`cdsbot inbound list|replay`: failed messages, replayed once a fix is deployed.

The terminal is a log too: no text, names or platform ids unless `--show-text` is given.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.app import App
from bot.cli.common import CliError
from bot.files import file_links
from bot.replay import replay_failed
from models.inbound import FailedRow, failed_messages


def register(sub) -> None:
    inbound = sub.add_parser("inbound", help="messages whose handling failed")
    inbound_sub = inbound.add_subparsers(dest="inbound_command", required=True)
    show = inbound_sub.add_parser("list", help="failed messages (id, channel, time, kind)")
    show.add_argument(
        "--show-text", action="store_true", help="also print what was typed (personal data)"
    )
    show.set_defaults(func=cmd_list)
    replay = inbound_sub.add_parser(
        "replay", help="run failed messages through the bot again; the bot sends the replies"
    )
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--id", dest="ids", type=int, nargs="+", action="extend", metavar="N",
        help="ids from `cdsbot inbound list`",
    )  # fmt: skip
    which.add_argument("--all", action="store_true", help="every failed message")
    replay.add_argument(
        "--force",
        action="store_true",
        help="also replay typed answers whose chat has since been asked another question",
    )
    replay.set_defaults(func=cmd_replay)


def local(app: App, at: datetime | None) -> str:
    return at.astimezone(app.settings.tz).strftime("%d/%m/%Y %H:%M") if at else "-"


def kind_of(row: FailedRow) -> str:
    return "button" if row.payload.get("choice") else str(row.payload.get("kind", "?"))


async def cmd_list(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        rows = await failed_messages(session)
    print(f"{'id':>6}  {'channel':<9} {'received':<17} kind")
    for row in rows:
        line = f"{row.id:>6}  {row.channel:<9} {local(app, row.received_at):<17} {kind_of(row)}"
        if args.show_text:
            # repr: one line per message, control characters escaped.
            line += f"  {str(row.payload.get('text') or '')[:80]!r}"
        print(line)
    print(f"{len(rows)} failed message(s).")
    return 0


async def cmd_replay(app: App, args: argparse.Namespace) -> int:
    if args.all:
        async with app.sessionmaker() as session:
            ids = [row.id for row in await failed_messages(session)]
    else:
        ids = args.ids
        if any(i < 1 for i in ids):
            raise CliError("--id takes message ids from `cdsbot inbound list`")
    results = await replay_failed(
        app.engine,
        app.pipeline,
        ids=ids,
        public_links=file_links(app.settings, app.files_dir) is not None,
        force=args.force,
    )
    for r in results:
        where = f"#{r.id} {r.channel} {local(app, r.received_at)}" if r.channel else f"#{r.id}"
        if r.outcome == "replayed":
            sent = "reply queued" if r.queued else "no reply to send"
            print(f"{where}: replayed, {sent}")
        elif r.outcome == "failed":
            print(f"{where}: failed again, kept")
        elif r.outcome == "moved_on":
            print(f"{where}: kept, the chat was asked another question since (--force replays)")
        else:
            print(f"{where}: not a failed message, skipped")
    replayed = sum(r.outcome == "replayed" for r in results)
    failed = sum(r.outcome == "failed" for r in results)
    kept = sum(r.outcome == "moved_on" for r in results)
    print(
        f"Replayed: {replayed}, failed again: {failed}, kept (chat moved on): {kept}. "
        "The running bot sends the replies."
    )
    return 1 if failed else 0
