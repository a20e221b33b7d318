"""The `cdsbot` argument parser in the operator's language.

Our own help texts are translated where each command registers them (`register(sub, t)`).
argparse's own words ("usage:", "options", "show this help message and exit", its error lines)
come from `argparse._` and `argparse.ngettext`, which it looks up at call time; `CliParser`
points them at our catalogue (locales/*/LC_MESSAGES/cli_help.po, msgids as argparse spells
them) only while it builds, formats or parses, and puts the standard ones back after. The CLI is
one thread, so the swap cannot leak into another parser at the same moment.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from locales import Translator


@contextmanager
def speaking(t: Translator) -> Iterator[None]:
    """argparse's own messages through `t` for the length of the block."""
    saved = argparse._, argparse.ngettext

    def gettext(message: str) -> str:
        # argparse also passes None (a subparsers group without a description).
        return t._(message) if message else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        # No values: argparse fills in its %-placeholders itself.
        return t.ngettext(singular, plural, n)

    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose subparsers, help and errors speak `t`'s language."""

    def __init__(self, *args: Any, t: Translator, **kwargs: Any) -> None:
        self.t = t
        with speaking(t):  # the "options" heading and -h's help are made here
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any):
        kwargs.setdefault("parser_class", partial(CliParser, t=self.t))
        with speaking(self.t):
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with speaking(self.t):
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with speaking(self.t):
            return super().format_usage()

    def format_help(self) -> str:
        with speaking(self.t):
            return super().format_help()

    def error(self, message: str):
        with speaking(self.t):
            super().error(message)
