"""The province deployment files agree with the code: compose services and environment against
bot/settings.py, the Containerfile's layers, the proxy keeping operator endpoints inside."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.settings import Settings
from tests.ops.test_env_example import COMPOSE_ONLY, listed

ROOT = Path(__file__).parent.parent.parent
DEPLOY = ROOT / "deploy"
SETTINGS = {name.upper() for name in Settings.model_fields}
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_the_database_the_workers_and_the_proxy_with_health_and_restarts(compose):
    services = compose["services"]
    assert set(services) == {"db", "worker", "proxy"}
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert set(compose["volumes"]) >= {"pgdata", "files"}
    worker = services["worker"]
    assert worker["deploy"]["replicas"] == "${WORKERS:-2}"
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    assert worker["healthcheck"]["test"] == ["CMD", "python", "-m", "bot.probe"]
    assert worker["build"] == {"context": "..", "dockerfile": "deploy/Containerfile"}
    # Only the proxy is published; workers share one address behind it.
    assert "ports" not in worker and services["proxy"]["ports"] == ["80:80", "443:443"]
    assert services["proxy"]["depends_on"]["worker"]["condition"] == "service_healthy"


def test_compose_environment_is_made_of_real_settings(compose):
    worker = compose["services"]["worker"]
    # The workers read the operator's .env (every setting of .env.example) …
    assert worker["env_file"] == "../.env"
    assert (DEPLOY / worker["env_file"]).resolve().parent == ROOT
    # … and the few values compose must own, each a setting bot/settings.py reads.
    env = worker["environment"]
    assert set(env) <= SETTINGS, set(env) - SETTINGS
    assert env["WEB_PORT"] == "8080" and worker["expose"] == ["8080"]
    db = compose["services"]["db"]["environment"]
    url = make_url(env["DATABASE_URL"].replace("${POSTGRES_PASSWORD:?", "pw${"))
    assert (url.host, url.port, url.username, url.database) == (
        "db", 5432, db["POSTGRES_USER"], db["POSTGRES_DB"],
    )  # fmt: skip
    assert Settings(database_url=url.render_as_string(False)).database_url.startswith(
        "postgresql+asyncpg://"
    )
    assert Settings(**{k.lower(): v for k, v in env.items() if k != "DATABASE_URL"})


def test_every_compose_variable_is_in_env_example(compose):
    used = set(VARIABLE.findall((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    example = listed(ROOT / ".env.example")
    assert sorted(used - set(example)) == [], "document these in .env.example"
    assert used == COMPOSE_ONLY, "keep COMPOSE_ONLY in tests/ops/test_env_example.py in step"


def test_containerfile_installs_locked_dependencies_before_the_code_and_runs_unprivileged():
    lines = [
        line.strip()
        for line in (DEPLOY / "Containerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    text = "\n".join(lines)
    lock = next(i for i, line in enumerate(lines) if line.startswith("COPY") and "uv.lock" in line)
    deps = next(i for i, line in enumerate(lines) if "--no-install-project" in line)
    code = lines.index("COPY . .")
    assert lock < deps < code, "dependencies must be a layer of their own, before the code"
    assert "--frozen" in lines[deps]
    user = lines.index("USER cdsbot")
    assert user < lines.index(next(line for line in lines if line.startswith("CMD")))
    assert "useradd --system" in text
    assert re.search(r'HEALTHCHECK .*\n?.*CMD \["python", "-m", "bot.probe"\]', text)
    # What the build must not copy (a local venv, data with personal data, secrets).
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".env", "data", ".git"} <= set(ignored)


def test_the_proxy_keeps_metrics_and_readiness_inside_and_balances_every_worker():
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "@internal path /metrics /readyz" in caddyfile
    assert "respond @internal 404" in caddyfile
    assert "dynamic a worker 8080" in caddyfile


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed")
def test_caddy_accepts_the_caddyfile(tmp_path):
    for site in (":80", "cdsbot.example.gov.vn"):
        done = subprocess.run(
            ["caddy", "validate", "--adapter", "caddyfile", "--config", "Caddyfile"],
            cwd=DEPLOY, env={"CDSBOT_SITE": site, "HOME": str(tmp_path),
                             "XDG_DATA_HOME": str(tmp_path)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]


def test_systemd_units_wait_for_readiness():
    single = (DEPLOY / "cdsbot.service").read_text(encoding="utf-8")
    template = (DEPLOY / "cdsbot@.service").read_text(encoding="utf-8")
    assert "ExecStartPost=/opt/cdsbot/.venv/bin/python -m bot.probe --wait 120" in single
    assert "METRICS_PORT=910%i /opt/cdsbot/.venv/bin/cdsbot run" in template
    assert "METRICS_PORT=910%i /opt/cdsbot/.venv/bin/python -m bot.probe" in template
