"""The clean-room export policy: what `zhongcao marts --export` lets leave the place marts are built.

Every mart has a rule (``POLICY``): the column that counts the distinct people a row describes,
and what happens to a row of fewer than ``min_group_size`` (default 50) of them: it is
**suppressed** (dropped), or **merged** into an ``(other)`` row of its group (the key columns
named set to ``(other)``, the counts summed; an ``(other)`` row still under the minimum is
dropped too). Marts without people in them (spend, public note text and metrics) pass as they
are. No mart may carry a user, lead, order or comment id, and raw comment or search text leaves
only as texts written by at least ``min_group_size`` people. People sketches (salted tokens, the
salt never leaves) are kept unless ``keep_sketches=False``: without them the dashboard's live
view and the scene analyses cannot run (docs/architecture.md).

After the rules run, ``check`` reads every exported row again and fails the export (removing
the marts written) if any row breaks them. The policy per mart is written into the manifest.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from zhongcao.engine.mart_folder import MART_DIR, MartFolder, mart_entry, write_manifest
from zhongcao.engine.sql import quote
from zhongcao.errors import WorkspaceError

DEFAULT_MIN_GROUP = 50
OTHER = "(other)"
# Columns that identify a person or one of their records: never exported.
FORBIDDEN = frozenset({"user_id", "lead_id", "order_id", "comment_id", "conv_id", "phone", "mobile", "手机号"})


@dataclass(frozen=True)
class Rule:
    people: str | None  # SQL for the distinct people a row describes; None: no people in this mart
    merge: tuple[str, ...] = ()  # key columns set to (other) when rows merge; () suppresses instead
    why: str = ""
    keys: tuple[str, ...] = ()  # with merge: the group an (other) row is per; every other column is summed


_S = "suppressed"
POLICY: dict[str, Rule] = {
    "aips_funnel": Rule("users", why=_S),
    "attribution_cost": Rule(None, why="spend per channel, campaign, creator and note: no people"),
    "attribution_journeys": Rule("journeys", ("path",), "rare paths merged into path '(other)' per conversion "
                                 "type, lookback and outcome (withheld from the path models)",
                                 ("conversion_type", "lookback_days", "converted")),
    "attribution_long_transitions": Rule("journeys", why=_S),
    "attribution_long_credit": Rule("journeys", why=_S),
    "attribution_midfunnel": Rule("readers", ("creator_id",), "creators with few readers merged per channel",
                                  ("channel",)),
    "attribution_touch_credit": Rule("journeys", ("note_id", "creator_id"),
                                     "notes with few converting journeys merged per channel",
                                     ("conversion_type", "lookback_days", "channel")),
    "buyer_frequency": Rule("buyers", why=_S),
    "campaign_daily": Rule(None, why="spend per campaign, channel and day: no people"),
    "channel_daily": Rule(None, why="event counts per day and channel (the brand's own ad reports): no people "
                                    "column"),
    "channel_last_touch": Rule("orders", ("channel",), "rare last-touch channels merged per platform", ("platform",)),
    "creator_readers": Rule("readers", why=_S),
    "customer_history": Rule("customers", why=_S),
    "holdout_orders": Rule("group_users", why="lift-study groups smaller than the minimum suppressed"),
    "holdout_touches": Rule("group_users", why="lift-study groups smaller than the minimum suppressed"),
    "lead_outcomes": Rule("leads", why=_S),
    "lead_post_engagement": Rule("leads", why=_S),
    "note_metrics": Rule(None, why="public note statistics: no people"),
    "note_text": Rule(None, why="public note titles and bodies: no user data"),
    "mention_accounts": Rule("CASE WHEN kind = 'note' THEN 2147483647 ELSE accounts END",
                             why="notes are public (as note_metrics) and kept; a comment text leaves only when at "
                                 "least the minimum of accounts wrote it on that note that day at that account age"),
    "nps_monthly": Rule("responses", why=_S),
    "nps_segment": Rule("responses", why=_S),
    "order_baseline": Rule("users", why=_S),
    "order_cube": Rule("buyers", why=_S),
    "platform_daily": Rule("buyers", why=_S),
    "query_weekly": Rule("searchers", why="queries searched by fewer people suppressed"),
    "region_daily": Rule("buyers + leads", why=_S),
    "scene_note_audience": Rule("readers", why=_S),
    "scene_note_comments": Rule("n", why="comment texts written fewer times than the minimum suppressed "
                                     "(raw text leaves only when many wrote it)"),
    "segment_text": Rule("users", why="texts from fewer people suppressed (raw text leaves only when many wrote it)"),
    "touch_cube": Rule("users", why=_S),
}


def export_policy(folder: Path, *, min_group_size: int | None = None, keep_sketches: bool = True) -> dict[str, Any]:
    """Apply the policy to a mart folder in place, check it, and record it in the manifest.

    ``min_group_size`` None: the brand's run setting (brand.toml ``[settings] min_group_size``, kept in
    the manifest by the build), else ``DEFAULT_MIN_GROUP``: the export publishes no smaller group
    than the brand's own findings do."""
    source = MartFolder(folder)
    manifest = source.manifest
    if min_group_size is None:
        min_group_size = ((manifest.get("brand") or {}).get("settings") or {}).get("min_group_size")
    n = DEFAULT_MIN_GROUP if min_group_size is None else int(min_group_size)
    if n < 2:
        raise WorkspaceError("the export's minimum group must be at least 2 people")
    missing = sorted(set(manifest["marts"]) - set(POLICY))
    if missing:
        raise WorkspaceError(f"no export rule for mart(s) {missing}: add one to engine.clean_room.POLICY")
    entries: dict[str, dict[str, Any]] = {}
    con = duckdb.connect()
    try:
        for name in manifest["marts"]:
            path = folder / MART_DIR / name
            table = con.execute(_policy_sql(name, _files(path), n, keep_sketches)).fetch_arrow_table()
            shutil.rmtree(path)
            path.mkdir(parents=True)
            pq.write_table(table, path / "part-00000.parquet")
            entries[name] = {**mart_entry(name, table.schema, table.num_rows),
                             "export_rule": POLICY[name].why or _S}
        about = {k: v for k, v in manifest.items() if k not in ("marts", "format")}
        about.update(exported=True, min_group_size=n, people_sketches=keep_sketches)
        written = write_manifest(folder, entries, **about)
        problems = check(folder, n, con)
    finally:
        con.close()
    if problems:
        shutil.rmtree(folder / MART_DIR, ignore_errors=True)
        (folder / "manifest.json").unlink(missing_ok=True)
        raise WorkspaceError("export refused, nothing written: " + "; ".join(problems[:20]))
    return written


def _files(path: Path) -> str:
    return "'" + str(path / "*.parquet").replace("'", "''") + "'"


def _policy_sql(name: str, files: str, n: int, keep_sketches: bool) -> str:
    rule = POLICY[name]
    columns = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({files})").fetchall()]
    kept = [c for c in columns if c.lower() not in FORBIDDEN and (keep_sketches or c != "people_sketch")]
    cols = ", ".join(quote(c) for c in kept)
    base = f"SELECT {cols} FROM read_parquet({files})"
    if rule.people is None:
        return base
    if not rule.merge:
        return f"{base} WHERE ({rule.people}) >= {n}"
    # Rows under the minimum become one (other) row per group of the rule's keys; numbers are summed.
    keys = [c for c in rule.keys if c in kept]
    merged = [f"'{OTHER}' AS {quote(c)}" if c in rule.merge else
              quote(c) if c in keys else
              "NULL AS people_sketch" if c == "people_sketch" else f"SUM({quote(c)}) AS {quote(c)}" for c in kept]
    group = f" GROUP BY {', '.join(quote(k) for k in keys)}" if keys else ""
    return (f"WITH rows AS ({base}) "
            f"SELECT * FROM rows WHERE ({rule.people}) >= {n} "
            f"UNION ALL SELECT * FROM (SELECT {', '.join(merged)} FROM rows WHERE ({rule.people}) < {n}{group}) "
            f"WHERE ({rule.people}) >= {n}")


def check(folder: Path, n: int, con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Every way an exported folder breaks the policy (empty when it keeps it)."""
    own = con is None
    con = con or duckdb.connect()
    problems: list[str] = []
    try:
        for name, entry in MartFolder(folder).manifest["marts"].items():
            files = _files(folder / entry["path"])
            columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({files})").fetchall()]
            bad = sorted(c for c in columns if c.lower() in FORBIDDEN)
            if bad:
                problems.append(f"{name} carries {bad}")
            rule = POLICY.get(name)
            if rule is None:
                problems.append(f"{name} has no export rule")
                continue
            if rule.people is not None:
                under = con.execute(f"SELECT COUNT(*) FROM read_parquet({files}) WHERE ({rule.people}) < {n} "
                                    f"OR ({rule.people}) IS NULL").fetchone()[0]
                if under:
                    problems.append(f"{name}: {under} row(s) describe fewer than {n} people")
    finally:
        if own:
            con.close()
    return problems
