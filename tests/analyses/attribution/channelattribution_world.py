"""ChannelAttribution's Data.csv as contract tables, so its journeys go through `zhongcao run`.

Each path row of ``total_conversions`` c and ``total_null`` n becomes c buyers (one order each,
the row's value split evenly) and n people who never bought, every one touched by the path's
channels in order, a minute apart, the order a minute after the last touch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

START = np.datetime64("2024-03-01T00:00:00", "s")


def write_world(data_csv: Path, out: Path) -> pd.DataFrame:
    """Write exposures.parquet and orders.parquet into ``out``; returns Data.csv as read."""
    data = pd.read_csv(data_csv, sep=";")
    out.mkdir(parents=True, exist_ok=True)
    users: list[str] = []
    ts: list[np.datetime64] = []
    channels: list[str] = []
    orders: dict[str, list[object]] = {"order_id": [], "user_id": [], "ordered_at": [], "platform": [], "amount": []}
    person = 0
    for row in data.itertuples():
        chans = [c.strip() for c in str(row.path).split(">")]
        conv, null = int(row.total_conversions), int(row.total_null)
        amount = float(row.total_conversion_value) / conv if conv else 0.0
        for k in range(conv + null):
            person += 1
            uid = f"u{person}"
            # people start on different days so the exposures do not all share one minute
            t0 = START + np.timedelta64(person % 20, "D")
            for i, ch in enumerate(chans):
                users.append(uid)
                ts.append(t0 + np.timedelta64(i, "m"))
                channels.append(ch)
            if k < conv:
                orders["order_id"].append(f"o{person}")
                orders["user_id"].append(uid)
                orders["ordered_at"].append(t0 + np.timedelta64(len(chans), "m"))
                orders["platform"].append("tmall")
                orders["amount"].append(amount)
    pq.write_table(pa.table({"user_id": users, "ts": pa.array(np.array(ts), pa.timestamp("s")),
                             "channel": channels, "action": ["read"] * len(users)}), out / "exposures.parquet")
    pq.write_table(pa.table({**orders, "ordered_at": pa.array(np.array(orders["ordered_at"], dtype="datetime64[s]"),
                                                              pa.timestamp("s"))}), out / "orders.parquet")
    return data
