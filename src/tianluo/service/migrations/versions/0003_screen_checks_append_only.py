"""The screening checks are append-only in the database itself, as the audit log is.

A check is recorded before it is answered and never changed: the database refuses an
UPDATE or a DELETE of ``screen_checks``, so that nobody rewrites who was checked and
why, through the service or beside it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "the screening checks are append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER screen_checks_no_{verb.lower()} BEFORE {verb} ON screen_checks "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION screen_checks_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER screen_checks_append_only BEFORE UPDATE OR DELETE ON screen_checks "
        "FOR EACH ROW EXECUTE FUNCTION screen_checks_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS screen_checks_no_{verb}")
        return
    op.execute("DROP TRIGGER IF EXISTS screen_checks_append_only ON screen_checks")
    op.execute("DROP FUNCTION IF EXISTS screen_checks_append_only()")
