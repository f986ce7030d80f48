"""Render docs/data-contract.md from the declarations, so the page can never drift.

Regenerate with ``python -m zhongcao.contract.docs > docs/data-contract.md``.
"""

from __future__ import annotations

import sys

from zhongcao.contract.platforms import PLATFORMS
from zhongcao.contract.tables import BRAND_SETTINGS, CURRENCY, FILE_SUFFIXES, TABLES, TIMEZONE

INTRO = f"""# Data contract

An input folder holds one file per table, named `<table>` plus one of {", ".join(f"`{s}`" for s in FILE_SUFFIXES)},
and an optional `brand.toml`. Every table below declares its grain, columns, types, keys and a
one-line description per column. Columns marked **required** must be present and non-empty in
every row. Timestamps are ISO 8601; naive ones are {TIMEZONE} local time, and tz-aware ones are
converted to it. Money is {CURRENCY}. Text files may be UTF-8, UTF-8 with BOM, or GBK/GB18030.

Types:

| type | accepted forms |
|---|---|
| `str` | text |
| `int` | integer |
| `count` | integer ≥ 0; Chinese display forms such as `1.2万`, `3亿`, `1.5w`, `10w+` (a lower bound), `1,234` |
| `float` | decimal number |
| `money` | CNY amount with decimals; `¥`, `￥`, `元` and thousands separators are stripped |
| `bool` | true/false, 1/0, yes/no, 是/否, 已报备/未报备 |
| `timestamp` | ISO 8601, `2025/3/1 12:00`, epoch seconds or milliseconds |
| `date` | `2025-03-01` |
| `tags` | `#`-separated text or a JSON list of strings |

Identity: `user_id` is a pseudonymous key shared by platform and brand data. Tables marked
*accepts phone* may carry `phone` instead; it is normalised to 11 digits and hashed with SHA-256
into `user_id` at ingestion, and the raw number is never written anywhere. Region columns are
normalised to canonical province names (广东省, 广东, 粤 or 深圳 all become 广东).

Headers may use the Chinese aliases listed per column (common export spellings).
"""


def contract_markdown() -> str:
    out = [INTRO]
    for t in TABLES.values():
        out.append(f"\n## `{t.name}`\n\n{t.description}\n\n- Grain: {t.grain}.")
        if t.key:
            out.append(f"- Key: {', '.join(f'`{k}`' for k in t.key)} (unique; duplicates are rejected).")
        if t.keeps_extra:
            out.append("- Extra columns are kept as attributes.")
        if t.accepts_phone:
            out.append("- Accepts phone: a `phone` column is hashed into `user_id` at ingestion.")
        for r in t.references:
            out.append(f"- `{r.column}` refers to `{r.table}.{r.target}` (broken references are warnings).")
        out.append("\n| column | type | required | description | aliases |\n|---|---|---|---|---|")
        for c in t.columns:
            rule = ""
            if c.choices:
                rule = f" One of {', '.join(f'`{x}`' for x in c.choices)}."
            elif c.minimum is not None or c.maximum is not None:
                rule = f" Range [{c.minimum if c.minimum is not None else '−∞'}, {c.maximum if c.maximum is not None else '∞'}]."
            aliases = ", ".join(c.aliases)
            out.append(f"| `{c.name}` | {c.type} | {'required' if c.required else ''} | {c.description}{rule} | {aliases} |")
    out.append("\n## Platforms\n\nEvery `platform` column (orders) is mapped to one code at ingestion, "
               "like provinces: spellings are matched ignoring case, spaces and punctuation; an unknown "
               "platform is kept as written (lower-cased) with one warning per file (`contract/platforms.py`).\n\n"
               "| code | spellings |\n|---|---|")
    for code, names in PLATFORMS.items():
        out.append(f"| `{code}` | {', '.join(names)} |")
    out.append("\n## `brand.toml`\n\n| key | type | description |\n|---|---|---|")
    for s in BRAND_SETTINGS:
        out.append(f"| `{s.name}` | {s.type} | {s.description} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(contract_markdown())
