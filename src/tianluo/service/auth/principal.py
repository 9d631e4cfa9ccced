"""The user behind a request, as the services see them."""

from __future__ import annotations

from dataclasses import dataclass

from tianluo.service.auth.roles import PERMISSIONS, AgencyKind, Permission, Role


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    username: str
    role: Role
    agency_id: int
    agency_code: str
    agency_kind: AgencyKind
    via_cookie: bool = False

    def can(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]
