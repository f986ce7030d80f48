"""Generating a larger world streams chunks to Parquet, so memory stays modest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from zhongcao.simulate import simulate
simulate("hiking-shoes", Path(sys.argv[1]), users=50_000, seed=1)
# VmHWM is this process's own peak; ru_maxrss would carry over the forking parent's size
# (Linux keeps it across exec), which inside a large pytest run is the test runner's memory.
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def test_peak_memory_is_modest(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "w")], capture_output=True, text=True,
                         check=True, timeout=120)
    peak_kib = int(out.stdout.strip().splitlines()[-1])
    assert peak_kib < 1.5 * 1024 * 1024
