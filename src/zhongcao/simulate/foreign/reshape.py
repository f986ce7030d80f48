"""The shapes a foreign world's files take after the engine wrote them (see the package docstring)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zhongcao.simulate.foreign.build import Plan
from zhongcao.simulate.spec import WorldSpec

BLANK_ANSWERS = 0.05  # lead-form answers left blank


def variants(p: Plan) -> tuple[str, ...]:
    """Every way the brand is written in the world's text."""
    return (p.brand, p.latin, p.latin.lower(), p.latin.upper(), p.brand + "家")


def _rename(text: str | None, p: Plan, rnd: random.Random) -> str | None:
    if not text or p.brand not in text:
        return text
    parts = text.split(p.brand)
    out = parts[0]
    for part in parts[1:]:
        u = rnd.random()
        name = p.brand if u < 0.5 else (rnd.choice(variants(p)[1:4]) if u < 0.85 else p.brand + "家")
        # A Latin name stands apart from the Chinese around it, as people type it.
        spaced = name.isascii() and not out.endswith("#")
        out += (f" {name} " if spaced else name) + part
    return out


def reshape(out: Path, spec: WorldSpec, p: Plan, seed: int) -> None:
    rnd = random.Random(f"reshape:{spec.key}:{seed}")
    notes = pq.read_table(out / "notes.parquet")
    topic = notes.column("topic").to_pylist()
    own = {t.key for t in spec.topics if t.kind == "own"} | {"negative"}
    about = [nid for nid, t in zip(notes.column("note_id").to_pylist(), topic, strict=True) if t in own]
    sponsored = notes.column("sponsored").to_pylist()
    cols = {name: notes.column(name) for name in notes.column_names if name != "topic"}
    for name in ("title", "body"):
        cols[name] = pa.array([_rename(t, p, rnd) for t in cols[name].to_pylist()], pa.string())
    if seed % 2:  # no brand column at all
        cols.pop("brand")
        cols.pop("product")
    else:  # only the platform's cooperation notes name their brand
        for name in ("brand", "product"):
            cols[name] = pa.array([b if s else None for b, s in zip(cols[name].to_pylist(), sponsored, strict=True)],
                                  pa.string())
    pq.write_table(pa.table(cols), out / "notes.parquet", compression="zstd")

    comments = pq.read_table(out / "comments.parquet")
    text = pa.array([_rename(t, p, rnd) for t in comments.column("text").to_pylist()], pa.string())
    comments = comments.set_column(comments.schema.get_field_index("text"), "text", text)
    pq.write_table(comments, out / "comments.parquet", compression="zstd")

    column = spec.lead_extra_columns[0]
    leads = pq.read_table(out / "leads.parquet")
    answers = [None if rnd.random() < BLANK_ANSWERS else a for a in leads.column(column).to_pylist()]
    leads = leads.set_column(leads.schema.get_field_index(column), column, pa.array(answers, pa.string()))
    pq.write_table(leads, out / "leads.parquet", compression="zstd")

    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    truth["world"] = spec.key
    truth["foreign"] = {
        "category": spec.key.removeprefix("foreign-"),
        "shapes": {"segment_attribute": f"leads.{column}", "brand_column": "absent" if seed % 2 else "sponsored notes only",
                   "topic_column": "absent", "blank_answers": BLANK_ANSWERS,
                   "fake_comment_hours": spec.fake_comment_hours},
    }
    truth["pain_point_attribute"] = spec.truth_static["pain_point_attribute"]
    truth["brand_mentions"] = {"name": p.brand, "aliases": [p.latin], "variants": list(variants(p)),
                               "about_brand_notes": about}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8")
