"""Log-in, sessions and tokens, CSRF, throttling, administration of agencies and users."""

from __future__ import annotations

from service_api import Api
from service_data import PASSWORD


def test_health_and_openapi(api: Api) -> None:
    assert api.get("/api/health", as_=None).json() == {"ok": True}
    paths = api.get("/openapi.json", as_=None).json()["paths"]
    assert "/api/screen" in paths and "/api/cases/{case_id}" in paths


def test_login_gives_a_token_and_cookies(api: Api) -> None:
    response = api.post(
        "/api/auth/login", as_=None, json={"username": "amr_analyst", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert "tianluo_session" in response.cookies and "tianluo_csrf" in response.cookies
    me = api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (
        me["username"] == "amr_analyst"
        and me["agency"] == "amr"
        and "unmask" not in me["permissions"]
    )


def test_wrong_password_is_401_and_throttled_after_five(api: Api) -> None:
    for _ in range(5):
        wrong = api.post(
            "/api/auth/login", as_=None, json={"username": "amr_analyst", "password": "nope"}
        )
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "unauthenticated"
    blocked = api.post(
        "/api/auth/login", as_=None, json={"username": "amr_analyst", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0


def test_unknown_user_is_401(api: Api) -> None:
    response = api.post(
        "/api/auth/login", as_=None, json={"username": "ghost", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_login_validation_names_the_field(api: Api) -> None:
    response = api.post("/api/auth/login", as_=None, json={"username": "amr_analyst"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "password"
    broken = api.client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and "Traceback" not in broken.text


def test_no_token_is_401_and_a_bad_token_too(api: Api) -> None:
    assert api.get("/api/alerts", as_=None).status_code == 401
    bad = api.client.get("/api/alerts", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthenticated"


def test_cookie_writes_need_the_csrf_token(api: Api) -> None:
    login = api.post(
        "/api/auth/login", as_=None, json={"username": "amr_analyst", "password": PASSWORD}
    )
    csrf = login.json()["csrf_token"]
    # The client keeps the cookies: a cookie-authenticated write without the CSRF header fails.
    refused = api.client.post("/api/cases", json={"title": "sweep"})
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "csrf_token"
    done = api.client.post("/api/cases", json={"title": "sweep"}, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201
    assert api.client.get("/api/cases").status_code == 200  # reads need no CSRF token


def test_logout_revokes_the_token(api: Api) -> None:
    token = api.post(
        "/api/auth/login", as_=None, json={"username": "amr_analyst", "password": PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.post("/api/auth/logout", headers=headers).status_code == 200
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401


def test_unknown_route_is_json_404(api: Api) -> None:
    response = api.get("/api/nowhere", as_="amr_analyst")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_admin_creates_agencies_and_users(api: Api) -> None:
    agency = api.post(
        "/api/admin/agencies",
        as_="admin",
        json={
            "code": "gz-amr",
            "name": "广州市市场监管局",
            "kind": "market_regulator",
            "province": "44",
        },
    )
    assert agency.status_code == 201
    assert (
        api.post("/api/admin/agencies", as_="admin", json=agency.json() | {"name": "x"}).status_code
        == 409
    )
    bad_kind = api.post(
        "/api/admin/agencies", as_="admin", json={"code": "x1", "name": "x", "kind": "army"}
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["field"] == "kind"
    user = api.post(
        "/api/admin/users",
        as_="admin",
        json={
            "username": "gz_analyst",
            "password": PASSWORD,
            "agency": "gz-amr",
            "role": "analyst",
        },
    )
    assert user.status_code == 201
    short = api.post(
        "/api/admin/users",
        as_="admin",
        json={"username": "gz2", "password": "short", "agency": "gz-amr", "role": "analyst"},
    )
    assert short.status_code == 422 and short.json()["error"]["field"] == "password"
    missing = api.post(
        "/api/admin/users",
        as_="admin",
        json={"username": "gz3", "password": PASSWORD, "agency": "nowhere", "role": "analyst"},
    )
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "agency"
    users = api.get("/api/admin/users", as_="admin").json()
    assert "gz_analyst" in {u["username"] for u in users}
    assert "gz-amr" in {a["code"] for a in api.get("/api/admin/agencies", as_="admin").json()}


def test_admin_deactivates_a_user_and_issues_api_tokens(api: Api) -> None:
    gate = api.user_ids["gate"]
    token = api.post(f"/api/admin/users/{gate}/tokens", as_="admin", json={"days": 30}).json()[
        "token"
    ]
    assert (
        api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    changed = api.patch(
        f"/api/admin/users/{api.user_ids['amr_analyst']}",
        as_="admin",
        json={"role": "investigator"},
    )
    assert changed.json()["role"] == "investigator"
    assert (
        api.patch("/api/admin/users/9999", as_="admin", json={"active": False}).status_code == 404
    )


def test_only_admins_administer(api: Api) -> None:
    response = api.get("/api/admin/users", as_="amr_super")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
