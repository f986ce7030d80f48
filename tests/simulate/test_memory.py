"""Generating a larger world streams chunks to Parquet, so memory stays modest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import resource, sys
from pathlib import Path
from zhongcao.simulate import simulate
simulate("hiking-shoes", Path(sys.argv[1]), users=50_000, seed=1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_peak_memory_is_modest(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "w")], capture_output=True, text=True,
                         check=True, timeout=120)
    peak_kib = int(out.stdout.strip().splitlines()[-1])
    assert peak_kib < 1.5 * 1024 * 1024
