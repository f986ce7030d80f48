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
*accepts phone* may carry `phone` instead; it is normalised to 11 digits and hashed into
`user_id` at ingestion, and the raw number is never written anywhere. Region columns are
normalised to canonical province names (广东省, 广东, 粤 or 深圳 all become 广东).

## Personal identifiers: what is hashed, what is masked

Nothing a person typed or was keyed by reaches the workspace, the marts, findings, the report,
the dashboard, exports or the command line's output as a phone number:

- **Hashed** (stays joinable): every id column of every table (`user_id`, `creator_id`,
  `note_id`, `comment_id`, `lead_id`, `order_id`): a value that is a mainland mobile number, in
  any spelling (`+86 138-0013-8000`, `13800138000.0`), becomes HMAC-SHA256 of its 11 digits, so
  it joins with the same number in a `phone` column of another table; a value that merely holds a
  number (`wx13800138000`) is hashed whole. This holds for every value of every row, whatever
  share of the column looks like phones (`comments.user_id` included).
- **Phone columns by content**: an extra column is judged by all its rows, not its first ones;
  when at least 80% of its present values are mobile numbers it is a phone column (hashed into
  `user_id` where the table accepts phone, dropped elsewhere).
- **Masked** (`138****8000`): a number inside any other text: titles, bodies, tags, comments,
  search queries, creator names, products, campaigns, every other text column and every kept
  extra column (an integer column holding numbers becomes text first). Rejected rows and
  problem messages show masked forms only.
- **The key**: hashes are keyed with a secret drawn once per workspace (32 random bytes in
  `WORKSPACE/hash.key`, readable by its owner only), so the 11-digit space cannot be enumerated;
  an unkeyed SHA-256 of a phone falls in about 1.6 hours on one core. The key is never stored in
  the database, exported, printed or logged. To join with a partner's hashed data both sides must
  use one key: one runs `zhongcao keygen --out partner.key`, hands the file over out of band, and
  both ingest with `--hash-key-file partner.key` (or `ZHONGCAO_HASH_KEY_FILE=partner.key`). A new
  workspace adopts that key; a workspace that already has another key refuses it. `zhongcao import`
  hashes with the key of `--workspace WS` or of `--hash-key-file`. A workspace built before keyed
  hashing is refused at the next ingest: ingest its input into a new workspace.
- **Lists of accounts** (the accounts of a coordinated attack) are not published in findings or
  the report; `zhongcao evidence safety.attack --workspace WS --out FILE` writes them on request,
  as masked handles.

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
            out.append("- Accepts phone: a `phone` column is hashed (keyed) into `user_id` at ingestion.")
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
    out.append(LOADING)
    return "\n".join(out) + "\n"


# What a load promises (engine/workspace, ingest/readers, ingest/limits; tests/engine/test_concurrency.py,
# test_stress.py and tests/ingest/test_defects.py check it). Kept here so the page states it once.
LOADING = """
## Loading: what the workspace guarantees

**One writer, consistent readers.** A load holds an exclusive lock on the workspace (`WS/.lock`, a
`flock`). A second `zhongcao ingest` into the same workspace stops at once with *workspace WS is
being loaded by pid N since TIME*; a lock left by a process that died is taken over (the kernel
releases it with the process) and the load says so. Each load builds in its own staging area
(`WS/.staging/<pid>-<random>/`), writes new Parquet segments beside the old ones, and swaps the
database in with one `os.replace`. Readers (`analyze`, `run`, the dashboard) read one snapshot for
a whole findings document; segments are never rewritten, and files no database lists are removed
only while no load runs and no reader holds the workspace.

**All or nothing, even when killed.** A failed load leaves the database byte for byte as it was.
A load killed at any point (kill -9, a power cut) leaves either the old state or the new one
whole; its staging area and unlisted segments are removed the next time the workspace is opened
or loaded, and `zhongcao doctor WS` reports and repairs them (it exits 2 on what it cannot
repair, such as a listed segment deleted by hand).

**Generations.** Every load that changes anything (rows, quarantined rows or `brand.toml`) writes a
new generation into the workspace; re-ingesting the same folder changes nothing, and re-ingesting
it with an edited `brand.toml` stores the new settings. Caches of results are keyed by it.

**The same rows twice.** A file already loaded (same content hash) is skipped. Keyed tables refuse
keys they already hold. Keyless tables (`exposures`, `spend`, `surveys`) carry a fingerprint of
their rows (count and an order-independent hash of the contract columns), so the same rows sent
again in another format (Parquet re-sent as CSV) are skipped with a warning instead of counted
twice. Rows that only partly overlap earlier ones are not detected.

**Files.** Table names are matched case-insensitively (`ORDERS.CSV` is `orders`). A browser's copy
(`orders (1).csv`, `orders - 副本.csv`) is not read, and the message says to rename it. A folder, a
named pipe, a dangling or looping symbolic link named like a table is refused with its cause.
CSV may be separated by commas, tabs, `;` or `|`; a title row above the header (a merged
banner) is skipped with a warning; a JSON array saved as `.jsonl` is read with a warning. Every
sheet of a workbook is read: sheets under the same header are appended (rows numbered on), a
sheet with another header is reported and not read.

**Values.** These are warnings, grouped per file and column with a count and one example, and
never reject a row: text cells are cut to 32,767 characters (Excel's own limit) and NUL bytes
removed; dates before 2000 or more than a year ahead, amounts above 1,000,000,000 CNY a row and
counts above 100,000,000,000 are kept as written and reported.
"""


if __name__ == "__main__":
    sys.stdout.write(contract_markdown())
