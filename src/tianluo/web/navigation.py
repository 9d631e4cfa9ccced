"""The workbench's menu: each page, its label and the permission that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission


@dataclass(frozen=True, slots=True)
class MenuItem:
    path: str
    label: str  # a key of the catalogue (``tianluo.web.i18n``)
    permissions: frozenset[Permission]  # any one of them shows the item

    def visible_to(self, principal: Principal) -> bool:
        return any(principal.can(p) for p in self.permissions)


def _item(path: str, label: str, *permissions: Permission) -> MenuItem:
    return MenuItem(path, label, frozenset(permissions))


MENU: tuple[MenuItem, ...] = (
    _item("/", "nav.overview", Permission.ANALYSE),
    _item("/map", "nav.map", Permission.ANALYSE),
    _item("/alerts", "nav.alerts", Permission.READ_ALERTS),
    _item("/organizations", "nav.organizations", Permission.ANALYSE),
    _item("/traces", "nav.traces", Permission.ANALYSE),
    _item("/cases", "nav.cases", Permission.READ_CASES),
    _item("/actions", "nav.actions", Permission.SEND_ACTIONS, Permission.ANSWER_ACTIONS),
    _item("/screening", "nav.screening", Permission.APPROVE_WATCH, Permission.READ_AUDIT),
    _item("/audit", "nav.audit", Permission.READ_AUDIT),
)


def menu_for(principal: Principal) -> list[MenuItem]:
    return [item for item in MENU if item.visible_to(principal)]


def home_for(principal: Principal) -> str:
    """The first page the user may open: where log-in and ``/`` send them."""
    items = menu_for(principal)
    return items[0].path if items else "/account"
