"""Lost leads + competitors + segment pain points on a simulated writing-course world: time and peak memory."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.harness import as_dict, measure
from zhongcao import pipeline
from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.engine import Workspace


def bench_audience(folder: Path, users: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        ws_dir = Path(tmp) / "ws"
        ingest = measure(lambda: pipeline.ingest(folder, ws_dir))
        ws = Workspace(ws_dir)
        lost = measure(lambda: LostLeadAnalysis().fit(ws))
        segments_mart = measure(lambda: SegmentAnalysis(attribute="age_band").fit(ws))
        segments_rows = measure(lambda: SegmentAnalysis(attribute="child_grade").fit(ws))
        top = lost.result.competitors_.head(2)["offer"].tolist()
    return {
        "name": "audience",
        "what": "lost leads + competitors (marts) and segment pain points by age_band (mart) and child_grade "
                "(staged user rows) on the writing-course world; ingest shown for scale",
        "users": users,
        "ingest": as_dict(ingest),
        "lost": as_dict(lost),
        "segments_age_band": as_dict(segments_mart),
        "segments_child_grade": as_dict(segments_rows),
        "top_competitors": top,
    }
