"""Alembic's environment: run on the connection handed over by ``tianluo.service.db.migrate``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from tianluo.service.db import models  # noqa: F401  (registers every table on the metadata)
from tianluo.service.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    connection = sa.create_engine(config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
