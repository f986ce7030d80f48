"""`zhongcao marts` on a real Spark standalone cluster (a master and one worker on localhost).

The cluster comes from the pyspark package itself (``spark-class …deploy.master.Master`` and
``…deploy.worker.Worker``): one worker, one core, 1 GB. A 2,000-user hiking-shoes world written
as Parquet goes through `zhongcao marts --engine spark --master spark://127.0.0.1:PORT` and
through `zhongcao marts` on DuckDB; every mart must agree, and `zhongcao run --marts` on the two
folders must give the same findings. Cost: four JVMs (master, worker, driver, executor: about
1.5 GB together) and one task at a time on the worker's single core; on the shared 2-core
development machine at a load average of about 10 the Spark build took 446-496 s and the whole
test 13-17 minutes (pytest's own process peaked at 0.98 GB). A machine that cannot start the
cluster (no Java, a JVM that dies, no registration within 2 minutes) skips with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.engine.marts_compare import differences, findings, mart_differences, raw_mart
from zhongcao.engine import marts

# About 8 minutes on two idle cores (17 under load): make test-slow and CI run it, make test does not.
pytestmark = [pytest.mark.spark, pytest.mark.sweep]
SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{log.name} exited: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"no {text!r} in {log} after {seconds}s: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pyspark = pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java 17+ on PATH")
    home = Path(pyspark.__file__).parent
    logs = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_HOME": str(home), "PYSPARK_PYTHON": sys.executable,
           "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
           "SPARK_LOG_DIR": str(logs), "SPARK_WORKER_DIR": str(logs / "work")}
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    spark_class = str(home / "bin" / "spark-class")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        master_log = logs / "master.log"
        with master_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                 "--webui-port", str(_free_port())], env=env, stdout=out, stderr=subprocess.STDOUT))
        _wait_for(master_log, "I have been elected leader", procs[0])
        worker_log = logs / "worker.log"
        with worker_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "1",
                 "--memory", "1g", "--webui-port", str(_free_port()), "--work-dir", str(logs / "work")],
                env=env, stdout=out, stderr=subprocess.STDOUT))
        _wait_for(worker_log, "Successfully registered with master", procs[1])
    except (OSError, RuntimeError, TimeoutError) as exc:
        # This machine cannot host the cluster (no free port, a JVM refused to start, too slow to
        # register in 2 minutes): nothing of zhongcao ran yet, so say why and skip rather than fail.
        _stop(procs)
        pytest.skip(f"no standalone Spark cluster on this machine: {exc}"[:3000])
    try:
        yield url
    finally:
        _stop(procs)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):  # only the processes this fixture started
        if proc.poll() is not None:
            continue
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    procs.clear()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zhongcao.simulate import simulate

    folder = tmp_path_factory.mktemp("cluster-world") / "input"
    simulate("hiking-shoes", folder, users=2_000, seed=3)
    assert all(p.suffix in (".parquet", ".toml", ".json") for p in folder.iterdir())
    return folder


def test_marts_on_a_standalone_cluster_match_duckdb_and_give_the_same_findings(
        cluster: str, world: Path, tmp_path: Path) -> None:
    from zhongcao.cli.main import app

    runner = CliRunner()
    spark_out, duck_out = tmp_path / "spark", tmp_path / "duckdb"
    settings = ["spark.executor.memory=512m", "spark.executor.cores=1", "spark.cores.max=1",
                "spark.driver.host=127.0.0.1", "spark.driver.bindAddress=127.0.0.1",
                # a tiny world on one core: one task per stage and no re-planning between stages
                "spark.sql.shuffle.partitions=1", "spark.default.parallelism=1", "spark.sql.adaptive.enabled=false",
                f"spark.executorEnv.PYTHONPATH={SRC}"]
    args = ["marts", str(world), "--out", str(spark_out), "--engine", "spark", "--master", cluster]
    for item in settings:
        args += ["--conf", item]
    started = time.monotonic()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    print(f"spark build {time.monotonic() - started:.0f}s")
    result = runner.invoke(app, ["marts", str(world), "--out", str(duck_out)])
    assert result.exit_code == 0, result.output

    from zhongcao.engine.mart_folder import MartFolder

    on_spark, on_duckdb = MartFolder(spark_out).manifest, MartFolder(duck_out).manifest
    assert on_spark["engine"] == "spark" and on_spark["spark"]["master"] == cluster
    assert set(on_spark["marts"]) == set(on_duckdb["marts"]) == set(marts())
    assert on_spark["input_rows"] == on_duckdb["input_rows"]
    # What the prerequisites read, by the same queries on Spark's staged views (engine.facts).
    assert on_spark["facts"] == on_duckdb["facts"]
    exact = []
    for name in marts():
        # The same column types (a DECIMAL on one engine and a DOUBLE on the other compares equal
        # as numbers but is another input to the analyses: pandas objects vs floats).
        assert _types(on_spark, name) == _types(on_duckdb, name), name
        left, right = raw_mart(duck_out, name), raw_mart(spark_out, name)
        assert on_spark["marts"][name]["rows"] == on_duckdb["marts"][name]["rows"] == len(left), name
        if not mart_differences(left, right):
            exact.append(name)
            continue
        # Sums of fractional credits (1/n, position and decay weights) are added in another order:
        # rows matched on their grain, doubles within 1e-9 relative.
        assert not (diff := mart_differences(left, right, rel=1e-9)), (name, diff)
    print(f"bit for bit: {len(exact)} of {len(marts())} marts; within 1e-9: {sorted(set(marts()) - set(exact))}")
    # Money is summed exactly (DECIMAL) on both engines, so every mart the models read is the same bits.
    assert READ_BY_MODELS <= set(exact), READ_BY_MODELS - set(exact)
    for manifest in (on_spark, on_duckdb):  # the salt stays where the marts were built
        assert "salt" not in str(manifest).lower()

    for folder in (spark_out, duck_out):
        result = runner.invoke(app, ["run", "--marts", str(folder), "--out", str(folder / "run"), "--lang", "en"])
        assert result.exit_code == 0, result.output
    a, b = findings(spark_out / "run"), findings(duck_out / "run")
    assert [f["id"] for f in a["findings"]] == [f["id"] for f in b["findings"]]
    assert len(a["findings"]) >= 10
    assert set(a["analyses"]) == set(b["analyses"])
    for name in a["analyses"]:
        # identical inputs, identical findings: the sampler, the budget and the fits included
        rel = 1e-9 if name in FRACTIONAL else 0.0
        assert not (diff := differences(a["analyses"][name], b["analyses"][name], rel=rel)), (name, diff[:10])


def _types(manifest: dict[str, Any], mart: str) -> list[tuple[str, str]]:
    """A mart's column names and Arrow types as the manifest records them (a list's item name, which
    each Parquet writer picks, left out)."""
    return [(c["name"], re.sub(r"list<\w+:", "list<", c["type"])) for c in manifest["marts"][mart]["columns"]]


# The marts behind the marketing-mix sampler, the budget plan and the repurchase fit: bit for bit.
READ_BY_MODELS = {"channel_daily", "platform_daily", "channel_last_touch", "customer_history", "region_daily",
                  "campaign_daily", "buyer_frequency", "aips_funnel"}
# Analyses reading the attribution marts' fractional credit sums (last-bit differences, not amplified).
FRACTIONAL = {"attribution", "creators"}
