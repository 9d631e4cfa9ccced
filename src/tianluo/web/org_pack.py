"""An organisation's evidence pack: what an analyst hands to a prosecutor, as one zip file.

- ``evidence.html``: a printable report (the threshold test and its reasons, the
  recruitment tree as an inline SVG diagram, the members, and for each upline→member
  link the evidence that oriented it and the payment records behind it);
- ``members.csv``, ``links.csv``, ``payments.csv``: the same tables for a spreadsheet
  (UTF-8 with a byte-order mark, which Excel needs to read Chinese);
- ``manifest.json``: who made the pack and when, whether numbers are masked, the
  result files it was read from, and the SHA-256 of every file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from html import escape
from typing import Any

from tianluo.web.i18n import Translate
from tianluo.web.pages.formats import local_time
from tianluo.web.templating import TEMPLATES

ROLE_COLOURS = {
    "organizer": "#6e0f0f",
    "leader": "#b8261e",
    "core": "#e8683a",
    "member": "#8a96a3",
}
ROW_PX = 20
LEVEL_PX = 190


@dataclass(frozen=True, slots=True)
class PackInput:
    """What goes into a pack: the organisation, its members and links, who asks, how."""

    org_id: str
    summary: dict[str, Any]
    members: list[dict[str, Any]]
    links: list[dict[str, Any]]
    username: str
    agency: str
    unmasked: bool
    sources: dict[str, str]  # result file → its modification time (ISO)
    made_at: dt.datetime


def tree_rows(members: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int, int | None]]:
    """Members in depth-first order: (member, row, the row of their upline)."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    refs = {m["ref"] for m in members}
    for m in members:
        parent = m["upline_ref"] if m["upline_ref"] in refs else None
        children.setdefault(parent, []).append(m)
    order: list[tuple[dict[str, Any], int, int | None]] = []
    stack: list[tuple[dict[str, Any], int | None]] = [
        (m, None) for m in reversed(children.get(None, []))
    ]
    while stack:
        member, parent_row = stack.pop()
        row = len(order)
        order.append((member, row, parent_row))
        kids = sorted(children.get(member["ref"], []), key=lambda k: (-k["downline"], k["ref"]))
        stack.extend((k, row) for k in reversed(kids))
    return order


def tree_svg(members: list[dict[str, Any]], t: Translate) -> str:
    """The recruitment tree as an SVG diagram: one row per member, levels left to right."""
    rows = tree_rows(members)
    levels = max((m["level"] for m in members), default=1)
    width = levels * LEVEL_PX + 320
    height = len(rows) * ROW_PX + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="11" '
        f'role="img" aria-label="{escape(t("org.tree"))}">'
    ]
    position: dict[int, tuple[int, int]] = {}
    for member, row, parent_row in rows:
        x = 12 + (member["level"] - 1) * LEVEL_PX
        y = 12 + row * ROW_PX
        position[row] = (x, y)
        if parent_row is not None:
            px, py = position[parent_row]
            parts.append(f'<path d="M{px} {py + 5} V{y} H{x - 6}" fill="none" stroke="#b8c0ca" />')
    for member, row, _ in rows:
        x, y = position[row]
        colour = ROLE_COLOURS.get(member["role"], "#8a96a3")
        label = (
            f"{member['person']} · {t('org.role.' + member['role'])} · "
            f"{t('org.pack.downline_short', n=member['downline'])}"
        )
        if member["collected"]:
            label += f" · ¥{member['collected']:,.0f}"
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{colour}" />')
        parts.append(f'<text x="{x + 9}" y="{y + 4}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def members_csv(members: list[dict[str, Any]]) -> bytes:
    header = [
        "person",
        "upline",
        "level",
        "role",
        "downline",
        "recruits",
        "fees_to_upline",
        "paid_upline_yuan",
        "collected_yuan",
        "evidence",
    ]
    rows = [
        [
            m["person"],
            m["upline"] or "",
            m["level"],
            m["role"],
            m["downline"],
            m["recruits"],
            m["fees_to_upline"],
            f"{m['paid_upline']:.2f}",
            f"{m['collected']:.2f}",
            m["evidence"] or "",
        ]
        for m in members
    ]
    return _csv(header, rows)


def links_csv(links: list[dict[str, Any]]) -> bytes:
    header = [
        "upline",
        "member",
        "member_level",
        "member_role",
        "evidence",
        "payments",
        "paid_up_yuan",
        "fee_schedule_payments",
        "paid_down_yuan",
    ]
    rows = [
        [
            link["upline"],
            link["member"],
            link["level"],
            link["role"],
            link["evidence"] or "",
            len(link["payments"]),
            f"{link['paid_up']:.2f}",
            link["fees_up"],
            f"{link['paid_down']:.2f}",
        ]
        for link in links
    ]
    return _csv(header, rows)


def payments_csv(links: list[dict[str, Any]]) -> bytes:
    header = [
        "upline",
        "member",
        "direction",
        "txn_id",
        "time_local",
        "from_account",
        "to_account",
        "amount_yuan",
        "fee_schedule",
        "listed_refund",
        "channel",
        "memo",
    ]
    rows = [
        [
            link["upline"],
            link["member"],
            "member_to_upline" if p["direction"] == "up" else "upline_to_member",
            p["txn_id"],
            local_time(p["ts"], seconds=True),
            p["from_account"],
            p["to_account"],
            f"{p['amount']:.2f}",
            int(p["fee"]),
            int(p["refund"]),
            p["channel"] or "",
            p["memo"] or "",
        ]
        for link in links
        for p in link["payments"]
    ]
    return _csv(header, rows)


def build_pack(pack: PackInput, t: Translate, language: str) -> tuple[bytes, dict[str, Any]]:
    """The zip file's bytes and its manifest."""
    files: dict[str, bytes] = {
        "members.csv": members_csv(pack.members),
        "links.csv": links_csv(pack.links),
        "payments.csv": payments_csv(pack.links),
    }
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    html = TEMPLATES.get_template("organizations_pack.html").render(
        t=t,
        lang=language,
        pack=pack,
        svg=tree_svg(pack.members, t),
        digests=digests,
        made_at=local_time(pack.made_at, seconds=True),
        local_time=local_time,
        payments=sum(len(link["payments"]) for link in pack.links),
    )
    files["evidence.html"] = html.encode("utf-8")
    digests["evidence.html"] = hashlib.sha256(files["evidence.html"]).hexdigest()
    manifest = {
        "org_id": pack.org_id,
        "made_at": pack.made_at.isoformat(),
        "made_by": pack.username,
        "agency": pack.agency,
        "numbers": "in full" if pack.unmasked else "masked",
        "read_from": pack.sources,
        "members": len(pack.members),
        "links": len(pack.links),
        "payments": sum(len(link["payments"]) for link in pack.links),
        "files": {
            name: {"sha256": digest, "bytes": len(files[name])} for name, digest in digests.items()
        },
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.BytesIO()
    stamp = pack.made_at.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("evidence.html", "members.csv", "links.csv", "payments.csv", "manifest.json"):
            info = zipfile.ZipInfo(f"{pack.org_id}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue(), manifest
