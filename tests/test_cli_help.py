"""`cdsbot --help`, a subcommand's help and argparse's own errors speak the operator's language:
Vietnamese by default, English with DEFAULT_LOCALE=en, read before (and despite) other settings."""

import argparse
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.cli.main import build_parser
from locales import LOCALES_DIR
from tests.cli_inproc import cli  # noqa: F401 - fixture

ROOT = Path(__file__).parent.parent


def cdsbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    environ.pop("DEFAULT_LOCALE", None)
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_is_vietnamese_by_default(tmp_path):
    top = cdsbot(tmp_path, "--help")
    assert top.returncode == 0, top.stderr
    assert top.stdout.startswith("cách dùng: cdsbot")
    for words in (
        "Trợ lý của Tổ công nghệ số cộng đồng",
        "tham số bắt buộc:",
        "tùy chọn:",
        "hiện trợ giúp này rồi thoát",
        "sao lưu cơ sở dữ liệu ra tệp",
    ):
        assert words in top.stdout
    assert "usage" not in top.stdout and "options:" not in top.stdout

    sub = cdsbot(tmp_path, "target", "set", "--help")
    assert sub.returncode == 0, sub.stderr
    assert sub.stdout.startswith("cách dùng: cdsbot target set")
    assert "mục tiêu tính theo phần trăm của tổng số" in sub.stdout
    assert "tên xã (không cần nếu chỉ có một xã)" in sub.stdout


def test_bad_choice_is_one_vietnamese_error_without_traceback(tmp_path):
    bad = cdsbot(tmp_path, "jobs", "run", "bogus")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("cách dùng: cdsbot jobs run")
    assert "cdsbot jobs run: lỗi: tham số name: lựa chọn không hợp lệ: 'bogus'" in bad.stderr
    assert "(chọn một trong: 'morning'" in bad.stderr
    assert "Traceback" not in bad.stderr and "invalid choice" not in bad.stderr


def test_english_with_default_locale_en(tmp_path):
    top = cdsbot(tmp_path, "--help", DEFAULT_LOCALE="en")
    assert top.returncode == 0, top.stderr
    assert top.stdout.startswith("usage: cdsbot")
    assert "Community digital team bot" in top.stdout
    assert "show this help message and exit" in top.stdout
    assert "copy the database to a file" in top.stdout

    bad = cdsbot(tmp_path, "jobs", "run", "bogus", DEFAULT_LOCALE="en")
    assert bad.returncode == 2
    assert "cdsbot jobs run: error: argument name: invalid choice: 'bogus'" in bad.stderr
    assert "Traceback" not in bad.stderr and "lỗi" not in bad.stderr


def test_help_reads_the_locale_from_dotenv_despite_another_bad_setting(tmp_path):
    # `.env` is where an operator sets it; a wrong TIMEZONE must not silence --help.
    (tmp_path / ".env").write_text("DEFAULT_LOCALE=en\nTIMEZONE=Nowhere/Else\n")
    top = cdsbot(tmp_path, "invite", "create", "--help")
    assert top.returncode == 0, top.stderr
    assert "usage: cdsbot invite create" in top.stdout
    assert "days it stays valid (default 30)" in top.stdout
    # The command itself still stops at the setting, with its one line.
    ran = cdsbot(tmp_path, "demo")
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert "TIMEZONE" in ran.stderr and len(ran.stderr.strip().splitlines()) == 1


def test_unknown_default_locale_helps_in_vietnamese_and_fails_the_command(cli):  # noqa: F811
    ran = cli("--help", locale="fr")
    assert ran.returncode == 0 and ran.stdout.startswith("cách dùng: cdsbot")
    ran = cli("demo", locale="fr")
    assert ran.returncode == 2 and "DEFAULT_LOCALE" in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1


def test_missing_arguments_in_process(cli):  # noqa: F811
    ran = cli("target", "set", "DIEN")
    assert ran.returncode == 2
    assert "lỗi: thiếu tham số bắt buộc: --population, --baseline-date, --deadline" in ran.stderr
    ran = cli("inbound", "replay", "--all", "--id", "1", locale="en")
    assert "argument --id: not allowed with argument --all" in ran.stderr


def test_argparse_speaks_english_again_after_our_parser():
    """The swap of argparse's gettext lasts only while our parser works."""
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["jobs", "run", "bogus"])
    assert "cách dùng" in parser.format_usage()
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")


PERCENT = re.compile(r"%(?:\([a-z_]+\))?[sr]")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_argparse_placeholders_match(lang):
    """argparse fills its messages with %-placeholders, which test_locales does not check."""
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "cli_help.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PERCENT.findall(ids[0]))
        wrong += [message.id for form in forms if sorted(PERCENT.findall(form)) != expected]
        # A help text's lone % would break argparse's own formatting of it.
        wrong += [message.id for form in forms if "%" in PERCENT.sub("", form)]
    assert wrong == []
