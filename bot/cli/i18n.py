"""`cdsbot i18n update|check`: keep the per-feature catalogues complete."""

from __future__ import annotations

import argparse

from bot.app import App
from locales import Translator


def register(sub, t: Translator) -> None:
    i18n = sub.add_parser("i18n", help=t._("translation catalogues"))
    i18n_sub = i18n.add_subparsers(dest="i18n_command", required=True)
    i18n_sub.add_parser("update", help=t._("add new strings to the .po files")).set_defaults(
        func=cmd_update
    )


async def cmd_update(app: App, args: argparse.Namespace) -> int:
    from locales.extract import update

    for lang, count in update().items():
        print(f"{lang}: {count} new")
    return 0
