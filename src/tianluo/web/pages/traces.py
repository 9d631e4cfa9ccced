"""Traces: the reported transfers that were traced, and where one transfer's money went.

``/traces`` lists them with totals; ``/traces/<txn_id>`` draws the money's path (accounts
as nodes, the victim's first; hops as edges with amounts and times), ranks the accounts
to freeze and creates the freeze requests for their banks with the service's own
functions (``service.actions``), as ``POST /api/actions`` does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from tianluo.service.actions import documents, workflow
from tianluo.service.actions.kinds import ActionKind
from tianluo.service.actions.public import document
from tianluo.service.actions.recipients import bank_agency, recipients
from tianluo.service.analysis import traces
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases import cases
from tianluo.service.cases.access import writable_case
from tianluo.service.db.models import Agency
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.service.errors import InvalidInput
from tianluo.service.privacy.masking import Masker
from tianluo.web.pages import formats
from tianluo.web.session import page_requires
from tianluo.web.templating import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(page_requires(Permission.ANALYSE))]
Sender = Annotated[Principal, Depends(page_requires(Permission.SEND_ACTIONS))]
PER_PAGE = 50
UNKNOWN_BANK = ""  # accounts whose bank the lake does not say


@router.get("/traces")
def trace_list(
    request: Request,
    *,
    principal: Analyst,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    q: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[str, Query(pattern="^(time|held|accounts)$")] = "time",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every traced transfer with what is still held, and the freeze requests already made."""
    rows = traces.summaries(context.results, context.workspace)
    totals = traces.totals(rows)
    if q.strip():
        rows = [r for r in rows if q.strip().upper() in r["txn_id"].upper()]
    if sort == "held":
        rows = sorted(rows, key=lambda r: -r["held_amount"])
    elif sort == "accounts":
        rows = sorted(rows, key=lambda r: (-r["accounts"], -r["held_amount"]))
    requested = _freeze_requests_by_transfer(session, principal)
    shown = [
        {
            **r,
            "victim_account": masker.account(r["victim_account"]),
            "requests": requested.get(r["txn_id"], []),
        }
        for r in rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    ]
    values = {
        "rows": shown,
        "totals": totals,
        "matching": len(rows),
        "q": q,
        "sort": sort,
        "page": page,
        "pages": max(1, -(-len(rows) // PER_PAGE)),
    }
    return render(request, "traces_list.html", values)


def _freeze_requests_by_transfer(session: Db, principal: Principal) -> dict[str, list[str]]:
    """The statuses of the freeze requests the user's agency made, by reported transfer."""
    made: dict[str, list[str]] = {}
    sent = workflow.list_actions(session, principal, "sent", None, kind=ActionKind.FREEZE_REQUEST)
    for action in sent:
        made.setdefault(str(action.body.get("txn_id")), []).append(action.status)
    return made


@router.get("/traces/{txn_id}")
def trace_detail(
    request: Request,
    *,
    txn_id: Annotated[str, Path(max_length=100)],
    principal: Analyst,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """The money's path, the freeze list by bank, and the requests made for this transfer."""
    path = traces.money_path(context.results, context.workspace, txn_id)
    banks = recipients(session, ActionKind.FREEZE_REQUEST, principal.agency_id)
    groups = _bank_groups(path["holdings"], banks)
    own_cases = [
        c
        for c in cases.list_cases(session, principal, "open")
        if c.agency_id == principal.agency_id
    ]
    values = {
        "txn_id": txn_id,
        "trace": path,
        "reported": path["reported"],
        "victim": masker.account(path["victim_account"]),
        "holdings": [_holding(h, masker, groups) for h in path["holdings"]],
        "graph": money_graph(path, masker),
        "groups": groups,
        "banks": banks,
        "cases": own_cases,
        "can_send": principal.can(Permission.SEND_ACTIONS),
        "can_unmask": principal.can(Permission.UNMASK) and not masker.unmasked,
        "made": _made_for(session, principal, txn_id, masker),
    }
    return render(request, "traces_detail.html", values)


def _made_for(
    session: Db, principal: Principal, txn_id: str, masker: Masker
) -> list[dict[str, Any]]:
    sent = workflow.list_actions(session, principal, "sent", None, kind=ActionKind.FREEZE_REQUEST)
    return [document(session, a, masker) for a in sent if a.body.get("txn_id") == txn_id]


def _bank_groups(holdings: list[dict[str, Any]], banks: list[Agency]) -> list[dict[str, Any]]:
    """The banks of the accounts to freeze, in a fixed order, each with its likely agency."""
    names = sorted({h.get("bank") or UNKNOWN_BANK for h in holdings})
    groups = []
    for index, name in enumerate(names):
        agency = bank_agency(name or None, banks)
        held = [h for h in holdings if (h.get("bank") or UNKNOWN_BANK) == name]
        groups.append(
            {
                "index": index,
                "bank": name,
                "agency": agency.code if agency else "",
                "accounts": len(held),
                "amount": round(sum(h["amount"] for h in held), 2),
            }
        )
    return groups


def _holding(h: dict[str, Any], masker: Masker, groups: list[dict[str, Any]]) -> dict[str, Any]:
    bank = h.get("bank") or UNKNOWN_BANK
    return {
        "rank": h["rank"],
        "account": masker.account(h["account_id"]),
        "bank": bank,
        "group": next(g["index"] for g in groups if g["bank"] == bank),
        "holder": masker.value(h.get("holder_id_number")),
        "amount": h["amount"],
        "hops": h["hops"],
        "arrived_at": h.get("arrived_at"),
    }


GRAPH_STYLE: list[dict[str, Any]] = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "text-wrap": "wrap",
            "font-size": 10,
            "text-valign": "bottom",
            "text-margin-y": 4,
            "background-color": "#8a96a3",
            "width": 22,
            "height": 22,
        },
    },
    {"selector": "node.victim", "style": {"background-color": "#1e4e8c", "shape": "diamond"}},
    {
        "selector": "node.holding",
        "style": {"background-color": "#9b1c1c", "width": "data(size)", "height": "data(size)"},
    },
    {
        "selector": "edge",
        "style": {
            "label": "data(label)",
            "text-wrap": "wrap",
            "font-size": 9,
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "width": 2,
            "line-color": "#c3ccd6",
            "target-arrow-color": "#c3ccd6",
            "text-background-color": "#fff",
            "text-background-opacity": 0.85,
            "text-background-padding": 2,
        },
    },
    {
        "selector": "edge.reported",
        "style": {"line-color": "#1e4e8c", "target-arrow-color": "#1e4e8c", "width": 3},
    },
]


def money_graph(path: dict[str, Any], masker: Masker) -> dict[str, Any]:
    """Cytoscape's elements for a money path, left to right: the victim's account, then hops.

    Nodes are named by index (``a0`` is the victim's account), so no account number
    leaks beyond its masked label; positions are set here, one column per hop.
    """
    victim = path["victim_account"]
    held = {h["account_id"]: h for h in path["holdings"]}
    place = _positions(path)
    ids = {account: f"a{i}" for i, account in enumerate(place)}
    largest = max((h["amount"] for h in held.values()), default=1.0) or 1.0
    nodes = []
    for account, (x, y) in place.items():
        facts = path["accounts"].get(account) or {}
        lines = [masker.account(account) or "", facts.get("bank") or ""]
        classes = "victim" if account == victim else ""
        size = 22
        if account in held:
            lines.append(f"¥{formats.yuan(held[account]['amount'])} (#{held[account]['rank']})")
            classes = (classes + " holding").strip()
            size = int(22 + 26 * held[account]["amount"] / largest)
        data = {"id": ids[account], "label": "\n".join(x for x in lines if x), "size": size}
        nodes.append({"data": data, "classes": classes, "position": {"x": x, "y": y}})
    edges = []
    for i, hop in enumerate(path["hops"]):
        if hop["from_account"] not in ids or hop["to_account"] not in ids:
            continue
        label = f"¥{formats.yuan(hop['amount'])}"
        if hop["transfers"] > 1:
            label += f" ×{hop['transfers']}"
        if hop["first_at"]:
            label += "\n" + formats.local_time(hop["first_at"])[5:]
        edges.append(
            {
                "data": {
                    "id": f"e{i}",
                    "source": ids[hop["from_account"]],
                    "target": ids[hop["to_account"]],
                    "label": label,
                },
                "classes": "reported" if hop["depth"] == 0 else "",
            }
        )
    layout = {"name": "preset", "fit": True, "padding": 40}
    return {"elements": nodes + edges, "style": GRAPH_STYLE, "layout": layout}


COLUMN = 300  # pixels between hops
ROW = 120  # pixels between accounts of one hop


def _positions(path: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Where each account goes: column = hops from the victim, rows follow the parents' order."""
    children: dict[str, list[tuple[float, str]]] = {}
    for hop in path["hops"]:
        children.setdefault(hop["from_account"], []).append((-hop["amount"], hop["to_account"]))
    victim = path["victim_account"]
    roots = [victim] if victim else sorted({h["path"][0] for h in path["holdings"] if h["path"]})
    columns: list[list[str]] = [roots]
    seen = set(roots)
    while columns[-1]:
        following = []
        for parent in columns[-1]:
            for _, child in sorted(children.get(parent, [])):
                if child not in seen:
                    seen.add(child)
                    following.append(child)
        columns.append(following)
    for account in path["accounts"]:  # anything the hops did not reach stays visible
        if account not in seen:
            columns[-1].append(account)
    height = max(len(c) for c in columns)
    place: dict[str, tuple[int, int]] = {}
    for x, column in enumerate(c for c in columns if c):
        top = (height - len(column)) * ROW // 2
        for y, account in enumerate(column):
            place[account] = (x * COLUMN, top + y * ROW)
    return place


@router.post("/traces/{txn_id}/freeze")
def create_freeze_requests(
    request: Request,
    *,
    txn_id: Annotated[str, Path(max_length=100)],
    principal: Sender,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    rank: Annotated[list[int] | None, Form()] = None,
    recipient: Annotated[list[str] | None, Form()] = None,
    case_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """One freeze request per bank agency, for the accounts ticked; created, not yet sent."""
    path = traces.money_path(context.results, context.workspace, txn_id)
    banks = recipients(session, ActionKind.FREEZE_REQUEST, principal.agency_id)
    groups = _bank_groups(path["holdings"], banks)
    chosen = _chosen_recipients(recipient or [], groups, {b.code for b in banks})
    ticked = set(rank or [])
    if not ticked:
        raise InvalidInput("tick at least one account to freeze", field="rank")
    case = None
    if case_id.strip():
        if not case_id.strip().isdigit():
            raise InvalidInput("case_id is a case number", field="case_id")
        case = writable_case(session, principal, int(case_id))
    by_agency: dict[str, list[str]] = {}
    for holding in path["holdings"]:
        if holding["rank"] not in ticked:
            continue
        bank = holding.get("bank") or UNKNOWN_BANK
        group = next(g for g in groups if g["bank"] == bank)
        agency = chosen.get(group["index"])
        if not agency:
            raise InvalidInput(
                f"choose the agency that receives the request for {bank or 'unknown bank'}",
                field="recipient",
            )
        by_agency.setdefault(agency, []).append(holding["account_id"])
    created = []
    for agency, accounts in by_agency.items():
        body = documents.freeze_body(context.results, txn_id, accounts, context.workspace)
        action = workflow.create(
            session,
            principal,
            kind=ActionKind.FREEZE_REQUEST,
            to_agency=agency,
            body=body,
            case_id=case.id if case else None,
        )
        created.append(document(session, action, masker))
    return render(request, "actions_batch.html", {"actions": created, "just_created": True})


def _chosen_recipients(
    values: list[str], groups: list[dict[str, Any]], codes: set[str]
) -> dict[int, str]:
    """``recipient`` fields are ``<bank group>:<agency code>``; blank choices are left out."""
    chosen: dict[int, str] = {g["index"]: g["agency"] for g in groups if g["agency"]}
    for value in values:
        index, _, code = value.partition(":")
        if not index.isdigit() or int(index) >= len(groups):
            raise InvalidInput(f"unknown bank group in {value!r}", field="recipient")
        if code and code not in codes:
            raise InvalidInput(f"{code!r} is not a bank agency", field="recipient")
        if code:
            chosen[int(index)] = code
        else:
            chosen.pop(int(index), None)
    return chosen
