"""`.env.example` lists every setting the code reads, and nothing the code does not read."""

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).parent.parent.parent
# Read by deploy/compose.yaml, not by the bot (tests/ops/test_deploy.py checks compose uses them).
COMPOSE_ONLY = {
    "POSTGRES_PASSWORD", "WORKERS", "POSTGRES_MAX_CONNECTIONS", "POSTGRES_SHARED_BUFFERS",
    "CDSBOT_SITE",
}  # fmt: skip


def listed(path: Path) -> dict[str, str]:
    """The uncommented `NAME=value` lines of an env file."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            out[match[1]] = match[2]
    return out


def test_env_example_lists_every_setting():
    names = set(listed(ROOT / ".env.example")) - COMPOSE_ONLY
    wanted = {name.upper() for name in Settings.model_fields}
    assert sorted(wanted - names) == [], "add these to .env.example, with a line saying what"
    assert sorted(names - wanted) == [], "these are in .env.example but bot/settings.py ignores"


def test_env_example_as_written_is_a_valid_configuration(monkeypatch, tmp_path):
    for name in listed(ROOT / ".env.example"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=ROOT / ".env.example")
    assert settings.metrics is False and settings.metrics_port is None
    assert settings.job_grace_hours == 2 and settings.zalo_send_per_second == 10
    assert settings.log_format == "text"
