"""The operational database: models, engine and sessions, migrations."""

from tianluo.service.db.engine import make_engine, session_factory
from tianluo.service.db.migrate import upgrade

__all__ = ["make_engine", "session_factory", "upgrade"]
