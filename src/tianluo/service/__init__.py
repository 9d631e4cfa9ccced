"""The service agencies share: API, users and roles, alerts and cases, actions, screening, audit.

app.py          create_app(): the table of contents of the service
settings.py     ServiceSettings (TIANLUO_ environment variables)
context.py      what one running service holds: database, results, screening index
db/             SQLAlchemy models and sessions; migrations/ the Alembic scripts
auth/           agencies, users, roles, passwords, tokens, log-in throttling, CSRF
privacy/        masking of identity numbers and phones
audit/          the append-only, hash-chained audit log and its verification
alerts/ cases/ actions/ screening/ analysis/   the services, called by JSON routes and pages
routers/        the JSON API, one module per area
errors.py       one exception tree, each class with its HTTP status; handlers.py the JSON answers
"""

from tianluo.service.app import create_app
from tianluo.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
