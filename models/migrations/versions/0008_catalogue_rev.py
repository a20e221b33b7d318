"""catalogue_rev: a commune's indicator list names its state, for each worker's cache

Revision ID: 0008_catalogue_rev
Revises: 0007_rate_mark

`commune.catalogue_rev` is a random number that triggers replace whenever what
`models.indicators.catalogue.commune_indicators` reads for that commune changes: a row of
`commune_indicator` (that commune), a national `indicator` (every commune: the ones without a
plan list the national catalogue), a commune's own `indicator` (the communes linking it). A new
commune starts with a random one too, so a number never names two states — not across
databases, not after a restore. Each worker caches the list by (commune, number) and reads
the number with the member at the start of a turn (bot/bookkeeping.py): no extra statement,
and no worker ever serves a list another worker has changed.

Triggers, not application code, so that every writer counts — the plan workbook, the CLI, an
operator's SQL. SQLite drops a table's triggers when a batch migration rebuilds it: a later
migration that rebuilds `commune`, `indicator` or `commune_indicator` must create them again
(`tests/models/test_catalogue_cache.py` checks they exist at head).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_catalogue_rev"
down_revision = "0007_rate_mark"
branch_labels = None
depends_on = None

# PostgreSQL's random() is a double in [0, 1): 2^53 distinct values is plenty.
_PG_NEW = "floor(random() * 9007199254740991)::bigint"

_SQLITE = [
    """CREATE TRIGGER catalogue_rev_commune AFTER INSERT ON commune BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE id = NEW.id; END""",
    """CREATE TRIGGER catalogue_rev_link_insert AFTER INSERT ON commune_indicator BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE id = NEW.commune_id; END""",
    """CREATE TRIGGER catalogue_rev_link_update AFTER UPDATE ON commune_indicator BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE id IN (OLD.commune_id, NEW.commune_id);
       END""",
    """CREATE TRIGGER catalogue_rev_link_delete AFTER DELETE ON commune_indicator BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE id = OLD.commune_id; END""",
    """CREATE TRIGGER catalogue_rev_indicator_insert AFTER INSERT ON indicator BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE NEW.national
           OR id IN (SELECT commune_id FROM commune_indicator WHERE indicator_id = NEW.id); END""",
    """CREATE TRIGGER catalogue_rev_indicator_update AFTER UPDATE ON indicator BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE OLD.national OR NEW.national
           OR id IN (SELECT commune_id FROM commune_indicator
                     WHERE indicator_id IN (OLD.id, NEW.id)); END""",
    """CREATE TRIGGER catalogue_rev_indicator_delete AFTER DELETE ON indicator BEGIN
         UPDATE commune SET catalogue_rev = random() WHERE OLD.national
           OR id IN (SELECT commune_id FROM commune_indicator WHERE indicator_id = OLD.id); END""",
]
_SQLITE_NAMES = [
    "catalogue_rev_commune",
    "catalogue_rev_link_insert",
    "catalogue_rev_link_update",
    "catalogue_rev_link_delete",
    "catalogue_rev_indicator_insert",
    "catalogue_rev_indicator_update",
    "catalogue_rev_indicator_delete",
]

_PG = [
    f"""CREATE FUNCTION catalogue_rev_commune() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.catalogue_rev := {_PG_NEW}; RETURN NEW; END $$""",
    f"""CREATE FUNCTION catalogue_rev_link() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_LEVEL = 'STATEMENT' THEN  -- TRUNCATE
            UPDATE commune SET catalogue_rev = {_PG_NEW};
          ELSIF TG_OP = 'INSERT' THEN
            UPDATE commune SET catalogue_rev = {_PG_NEW} WHERE id = NEW.commune_id;
          ELSIF TG_OP = 'DELETE' THEN
            UPDATE commune SET catalogue_rev = {_PG_NEW} WHERE id = OLD.commune_id;
          ELSE
            UPDATE commune SET catalogue_rev = {_PG_NEW}
              WHERE id IN (OLD.commune_id, NEW.commune_id);
          END IF;
          RETURN NULL;
        END $$""",
    f"""CREATE FUNCTION catalogue_rev_indicator() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_LEVEL = 'STATEMENT' THEN  -- TRUNCATE
            UPDATE commune SET catalogue_rev = {_PG_NEW};
          ELSIF TG_OP = 'INSERT' THEN
            UPDATE commune SET catalogue_rev = {_PG_NEW} WHERE NEW.national
              OR id IN (SELECT commune_id FROM commune_indicator WHERE indicator_id = NEW.id);
          ELSIF TG_OP = 'DELETE' THEN
            UPDATE commune SET catalogue_rev = {_PG_NEW} WHERE OLD.national
              OR id IN (SELECT commune_id FROM commune_indicator WHERE indicator_id = OLD.id);
          ELSE
            UPDATE commune SET catalogue_rev = {_PG_NEW} WHERE OLD.national OR NEW.national
              OR id IN (SELECT commune_id FROM commune_indicator
                        WHERE indicator_id IN (OLD.id, NEW.id));
          END IF;
          RETURN NULL;
        END $$""",
    """CREATE TRIGGER catalogue_rev_commune BEFORE INSERT ON commune
         FOR EACH ROW EXECUTE FUNCTION catalogue_rev_commune()""",
    """CREATE TRIGGER catalogue_rev_link AFTER INSERT OR UPDATE OR DELETE ON commune_indicator
         FOR EACH ROW EXECUTE FUNCTION catalogue_rev_link()""",
    """CREATE TRIGGER catalogue_rev_link_truncate AFTER TRUNCATE ON commune_indicator
         FOR EACH STATEMENT EXECUTE FUNCTION catalogue_rev_link()""",
    """CREATE TRIGGER catalogue_rev_indicator AFTER INSERT OR UPDATE OR DELETE ON indicator
         FOR EACH ROW EXECUTE FUNCTION catalogue_rev_indicator()""",
    """CREATE TRIGGER catalogue_rev_indicator_truncate AFTER TRUNCATE ON indicator
         FOR EACH STATEMENT EXECUTE FUNCTION catalogue_rev_indicator()""",
]


def upgrade() -> None:
    with op.batch_alter_table("commune", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("catalogue_rev", sa.BigInteger(), server_default="0", nullable=False)
        )
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(f"UPDATE commune SET catalogue_rev = {'random()' if sqlite else _PG_NEW}")
    for statement in _SQLITE if sqlite else _PG:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for trigger, table in (
            ("catalogue_rev_commune", "commune"),
            ("catalogue_rev_link", "commune_indicator"),
            ("catalogue_rev_link_truncate", "commune_indicator"),
            ("catalogue_rev_indicator", "indicator"),
            ("catalogue_rev_indicator_truncate", "indicator"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("catalogue_rev_commune", "catalogue_rev_link", "catalogue_rev_indicator"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    with op.batch_alter_table("commune") as batch_op:
        batch_op.drop_column("catalogue_rev")
