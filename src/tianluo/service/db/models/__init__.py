"""The tables of the operational database, one module per area."""

from tianluo.service.db.models.actions import Action
from tianluo.service.db.models.alerts import Alert
from tianluo.service.db.models.audit import AuditEntry, AuditHead
from tianluo.service.db.models.cases import Case, CaseFile, CaseItem, CaseNote, CaseShare
from tianluo.service.db.models.history import Change
from tianluo.service.db.models.identity import Agency, ApiToken, LoginFailure, User
from tianluo.service.db.models.screening import ScreenCheck, WatchEntry

__all__ = [
    "Action",
    "Agency",
    "Alert",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Case",
    "CaseFile",
    "CaseItem",
    "CaseNote",
    "CaseShare",
    "Change",
    "LoginFailure",
    "ScreenCheck",
    "User",
    "WatchEntry",
]
