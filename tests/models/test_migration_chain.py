"""Migrations form one line: helpers landing in parallel must not leave two heads."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

VERSIONS = Path(__file__).parents[2] / "models" / "migrations"


def test_one_head_and_a_linear_chain():
    config = Config()
    config.set_main_option("script_location", str(VERSIONS))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert all(not isinstance(r.down_revision, tuple) for r in revisions)  # no merge points
    assert revisions[-1].down_revision is None
