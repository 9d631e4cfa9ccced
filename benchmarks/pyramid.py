"""Pyramid-selling detectors at scale: a 1,000,000-person city on DuckDB, and Spark against DuckDB.

    python -m benchmarks.pyramid city --persons 1000000 --seed 1        # step pyramid_1m
    python -m benchmarks.pyramid spark --persons 20000 --seed 7         # step pyramid_spark
    python -m benchmarks.pyramid detect WORKSPACE --engine duckdb --only a,b   # one measured run

Targets (issue #4): every pyramid detector on the 1,000,000-person city (100 million
pings or more) on DuckDB in under 10 minutes and under 12 GiB; the same detectors on
Spark local mode on a 20,000-person city give DuckDB's results, with the time reported.

*The family* is what ``tianluo run`` runs for pyramid selling: ``presence_daily`` and
every detector of ``PYRAMID_DETECTORS`` (statistics and heat map included), in the
runner's order. Entity resolution (``person_keys``), which every detector reads, runs
first in a process of its own and is reported apart, so that the figures exist both
with and without it.

``city`` simulates the city unless ``bench-data/city-<N>`` (the ``simulate`` step's
folder; ``city-<N>-seed<S>`` for other seeds) already holds it, ingests it unless the
workspace is already loaded, then runs ``detect`` twice (resolution, then the family),
each in a fresh process so that its peak memory is its own, and, with ``--evaluate``,
scores the results against the city's truth. ``spark`` does the same on a small city
in two workspaces: DuckDB in one; in the other Spark resolves (compared with DuckDB's
keys), then DuckDB's keys are copied in, so that the family runs on the same persons
on both engines, and every result and derived table is compared
(``benchmarks.engine_compare``).

``detect`` reports, per detector: seconds, CPU seconds (this process, and Spark's JVM
where there is one), peak resident memory of this process (the kernel's high-water
mark, reset before each detector) and of this process with its children (sampled
twice a second: the JVM's share on Spark), rows written and the load average when it
started. The machine may be shared: the load average before and after is recorded
beside every figure, and a measured process that passes ``--rss-limit-gib`` resident
(16 GiB) is stopped and reported as stopped rather than left to the kernel's
out-of-memory killer, which could take someone else's process. Others may edit the
detectors meanwhile: ``city`` and ``spark`` copy the package to
``bench-data/code/<fingerprint>`` first and every process of the step imports that
copy (the fingerprint is in the figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq

import tianluo
from benchmarks.engine_compare import PERSON_KEYS, compare_workspaces
from tianluo.detectors.detector import Detector
from tianluo.detectors.pyramid import PYRAMID_DETECTORS
from tianluo.detectors.runner import RESOLVE, SHARED_DETECTORS, run_detectors
from tianluo.engine import EngineKind, open_engine
from tianluo.rules import load_rules
from tianluo.settings import load_settings
from tianluo.workspace import Workspace

GIB = 1 << 30
FAMILY = tuple(d.name for d in (*SHARED_DETECTORS, *PYRAMID_DETECTORS))
RESOLVE_FILES = (  # what entity resolution writes (tianluo.resolve.pipeline)
    "derived/person_records.parquet",
    "derived/resolve_edges.parquet",
    "derived/resolve_model.json",
    "results/person_keys.parquet",
)
RESULTS = ("suspects", "dens", "organizations", "org_summary", "participant_stats", "heat_cells")


def code_fingerprint(package: Path | None = None) -> str:
    """A digest of the ``tianluo`` package's files (the code a figure was measured on)."""
    package = package or Path(tianluo.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def use_snapshot(data: Path) -> str:
    """Copy the package as it is now and make every child process import that copy.

    Others may edit the detectors while a step runs; a step's processes (DuckDB's run
    and Spark's, say) must all run the same code. Returns the code's fingerprint.
    """
    package = Path(tianluo.__file__).parent
    fingerprint = code_fingerprint(package)
    root = (data / "code" / fingerprint).resolve()
    if not (root / "tianluo").exists():
        shutil.copytree(
            package, root / "tianluo.partial", ignore=shutil.ignore_patterns("__pycache__")
        )
        (root / "tianluo.partial").rename(root / "tianluo")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return fingerprint


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux); False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu_seconds(me: psutil.Process) -> tuple[float, float]:
    """CPU seconds of this process and of its live children (Spark's JVM)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = 0.0
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        children += times.user + times.system
    return usage.ru_utime + usage.ru_stime, children


class MemorySampler(threading.Thread):
    """Samples the resident memory of this process and its children (the JVM) twice a second."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.me = psutil.Process()
        self.peak = 0
        self.window_peak = 0
        self._stop_event = threading.Event()

    def sample(self) -> int:
        total = self.me.memory_info().rss
        for child in self.me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return int(total)

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.take()

    def take(self) -> None:
        rss = self.sample()
        self.peak = max(self.peak, rss)
        self.window_peak = max(self.window_peak, rss)

    def new_window(self) -> int:
        """The peak since the last window began; start a new one."""
        self.take()
        peak, self.window_peak = self.window_peak, 0
        return peak

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.take()


def detect(workspace: Workspace, engine_kind: EngineKind, only: list[str]) -> dict[str, Any]:
    """Run the named detectors as ``tianluo run --only`` does, measuring each (see module)."""
    me = psutil.Process()
    settings = load_settings()
    rules = load_rules(settings.rules_file)
    sampler = MemorySampler()
    sampler.start()
    load_before = _load()
    started = time.perf_counter()
    per: dict[str, dict[str, Any]] = {}
    current: list[Any] = []  # the detector running: name, cpu at start

    def close_current() -> None:
        if not current:
            return
        name, own, children = current
        own_now, children_now = _cpu_seconds(me)
        per[name]["cpu_seconds"] = round(own_now - own, 1)
        if engine_kind == "spark":
            per[name]["jvm_cpu_seconds"] = round(children_now - children, 1)
        per[name]["peak_rss_gib"] = round(_peak_rss_bytes() / GIB, 2)
        per[name]["peak_rss_with_children_gib"] = round(sampler.new_window() / GIB, 2)
        current.clear()

    def on_start(detector: Detector) -> None:
        close_current()
        print(f"{time.strftime('%H:%M:%S')} running {detector.name}", file=sys.stderr, flush=True)
        per[detector.name] = {"load_at_start": _load()}
        _reset_peak_rss()
        sampler.new_window()
        current.extend([detector.name, *_cpu_seconds(me)])

    _reset_peak_rss()
    with open_engine(workspace, engine_kind, settings=settings) as engine:
        opened = time.perf_counter()
        open_peak = _peak_rss_bytes()
        report = run_detectors(engine, rules, on_start=on_start, only=only)
        close_current()
        own, children = _cpu_seconds(me)  # before the JVM (if any) exits with the engine
    finished = time.perf_counter()
    sampler.stop()
    for name, rows, seconds in report.ran:
        per[name] = {"rows": rows, "seconds": seconds, **per[name]}
    peaks = [p["peak_rss_gib"] for p in per.values()]
    return {
        "engine": engine_kind,
        "code": code_fingerprint(),
        "code_path": str(Path(tianluo.__file__).parent),
        "detectors": per,
        "skipped": dict(report.skipped),
        "open_seconds": round(opened - started, 2),
        "detector_seconds": round(sum(s for _, _, s in report.ran), 2),
        "seconds": round(finished - started, 2),
        "peak_rss_gib": max([round(open_peak / GIB, 2), *peaks]),
        "peak_rss_with_children_gib": round(sampler.peak / GIB, 2),
        "cpu_seconds": round(own, 1),
        **({"jvm_cpu_seconds": round(children, 1)} if engine_kind == "spark" else {}),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": _load(),
    }


class ChildKilledError(RuntimeError):
    """A measured process outgrew the memory guard and was stopped."""


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in (process, *process.children(recursive=True)):
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def _guarded_run(command: list[str], rss_limit_gib: float = 0.0) -> str:
    """Run ``command``; return what it printed. Stop it past ``rss_limit_gib`` resident.

    The machine is shared: an out-of-memory kill could take someone else's process
    instead, so the child (with its own children) is stopped first.
    """
    print("$", " ".join(command[1:]), file=sys.stderr, flush=True)
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile("w+") as out,
        subprocess.Popen(command, stdout=out, text=True, start_new_session=True) as child,
    ):
        watched = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            if rss_limit_gib and peak > rss_limit_gib * GIB:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                raise ChildKilledError(
                    f"{' '.join(command[2:])}: stopped at {peak / GIB:.1f} GiB resident after "
                    f"{time.perf_counter() - started:.0f} s (guard {rss_limit_gib} GiB)"
                )
            time.sleep(1.0)
        if child.returncode:
            raise subprocess.CalledProcessError(child.returncode, command)
        out.seek(0)
        return out.read()


def _child(args: list[str], rss_limit_gib: float = 0.0) -> dict[str, Any]:
    """Run ``python -m <args>`` in a fresh process; return the JSON it prints."""
    text = _guarded_run([sys.executable, "-m", *args], rss_limit_gib)
    result: dict[str, Any] = json.loads(text[text.index("{") :])
    print(json.dumps(result), file=sys.stderr, flush=True)
    return result


def _detect_child(
    root: Path, engine: str, only: tuple[str, ...], rss_limit_gib: float = 0.0
) -> dict[str, Any]:
    return _child(
        ["benchmarks.pyramid", "detect", str(root), "--engine", engine, "--only", ",".join(only)],
        rss_limit_gib,
    )


def city_dir(data: Path, persons: int, seed: int) -> Path:
    """Where the city lives: the ``simulate`` step's folder for seed 1, else one per seed."""
    return data / (f"city-{persons}" if seed == 1 else f"city-{persons}-seed{seed}")


def ensure_city(data: Path, persons: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The simulated city's feed, simulating it (measured) when it is not there yet."""
    feed = city_dir(data, persons, seed)
    if (feed / "truth").exists() and (feed / "pings").exists():
        return feed, {"reused": str(feed)}
    shutil.rmtree(feed, ignore_errors=True)
    figures = _child(
        ["benchmarks.simulate", str(feed), "--persons", str(persons), "--seed", str(seed)]
    )
    return feed, figures


def ensure_ingested(feed: Path, root: Path) -> dict[str, Any]:
    """Ingest the feed into ``root`` unless a finished ingest of it is there."""
    done = root / "INGESTED_FROM"
    stamp = f"{feed.resolve()} {(feed / 'truth').stat().st_mtime_ns}"  # a re-simulated city
    if done.exists() and done.read_text() == stamp:
        return {"reused": str(root)}
    figures = _child(["benchmarks.ingest", str(feed), str(root), "--label", "city"])
    done.write_text(stamp)
    return figures


def _rows(workspace: Workspace) -> dict[str, int]:
    out = {}
    for name in RESULTS:
        path = workspace.result_path(name)
        if path.exists():
            out[name] = pq.ParquetFile(path).metadata.num_rows
    return out


def _pings(workspace: Workspace) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in workspace.lake_files("pings"))


def _evaluate(feed: Path, root: Path, rss_limit_gib: float) -> dict[str, Any]:
    """``tianluo evaluate`` in its own process: time, and the pyramid sections' figures."""
    (root / "evaluation.json").unlink(missing_ok=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "tianluo", "evaluate", str(feed), "--workspace", str(root)]
    try:
        _guarded_run(command, rss_limit_gib)
    except ChildKilledError as exc:
        return {"stopped": str(exc)}
    seconds = round(time.perf_counter() - started, 1)
    report = json.loads((root / "evaluation.json").read_text())
    wanted = ("suspects", "dens", "organizations", "person_keys")
    return {"seconds": seconds, **{k: v for k, v in report.items() if k in wanted}}


def _guarded_detect(root: Path, only: tuple[str, ...], rss_limit_gib: float) -> dict[str, Any]:
    try:
        return _detect_child(root, "duckdb", only, rss_limit_gib)
    except ChildKilledError as exc:
        print(exc, file=sys.stderr, flush=True)
        return {"stopped": str(exc)}


def city(
    data: Path, persons: int, seed: int, evaluate: bool, rss_limit_gib: float
) -> dict[str, Any]:
    """Simulate (or reuse), ingest (or reuse), resolve, run the family; see the module."""
    code = use_snapshot(data)
    feed, simulated = ensure_city(data, persons, seed)
    root = data / f"pyramid-ws-{persons}-seed{seed}"
    ingested = ensure_ingested(feed, root)
    workspace = Workspace.at(root, create=False)
    for name in RESOLVE_FILES:  # never let an earlier run's keys stand in for this one's
        (root / name).unlink(missing_ok=True)
    resolved = _guarded_detect(root, (RESOLVE.name,), rss_limit_gib)
    family = _guarded_detect(root, FAMILY, rss_limit_gib)
    figures: dict[str, Any] = {
        "persons": persons,
        "seed": seed,
        "code": code,
        "pings": _pings(workspace),
        "simulate": simulated,
        "ingest": ingested,
        "person_keys": resolved,
        "family_read_resolved_keys": "stopped" not in resolved,
        "family": family,
    }
    if "stopped" in family:
        return figures
    figures |= {
        "family_seconds": family["detector_seconds"],
        "family_peak_rss_gib": family["peak_rss_gib"],
        "result_rows": _rows(workspace),
        "within_target": bool(family["detector_seconds"] < 600 and family["peak_rss_gib"] < 12),
    }
    if "stopped" not in resolved:
        figures["with_person_keys_seconds"] = round(
            family["detector_seconds"] + resolved["detector_seconds"], 2
        )
        figures["with_person_keys_peak_rss_gib"] = max(
            family["peak_rss_gib"], resolved["peak_rss_gib"]
        )
    if evaluate:
        figures["evaluation"] = _evaluate(feed, root, rss_limit_gib)
    return figures


def _copy_lake(source: Path, target: Path) -> None:
    """A second workspace with the same loaded sources and nothing derived."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("lake", "loads", "quarantine"):
        if (source / name).exists():
            shutil.copytree(source / name, target / name)


def _copy_resolution(source: Path, target: Path) -> None:
    """Copy ``source``'s resolution into ``target``; keep ``target``'s in ``own-resolution/``."""
    kept = target / "own-resolution"
    shutil.rmtree(kept, ignore_errors=True)
    for name in RESOLVE_FILES:
        if (target / name).exists():
            (kept / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(target / name, kept / name)
    for name in RESOLVE_FILES:
        if (source / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)


def spark(data: Path, persons: int, seed: int) -> dict[str, Any]:
    """The family on DuckDB and on Spark local mode over one city; results compared."""
    code = use_snapshot(data)
    feed, simulated = ensure_city(data, persons, seed)
    base = data / f"pyramid-spark-{persons}-seed{seed}"
    duck, sparked = base / "duckdb", base / "spark"
    ingested = ensure_ingested(feed, duck)
    for name in ("derived", "results"):
        shutil.rmtree(duck / name, ignore_errors=True)
    _copy_lake(duck, sparked)
    keys_duckdb = _detect_child(duck, "duckdb", (RESOLVE.name,))
    keys_spark = _detect_child(sparked, "spark", (RESOLVE.name,))
    keys_equal = compare_workspaces(
        Workspace.at(duck, create=False), Workspace.at(sparked, create=False), (PERSON_KEYS,)
    )
    _copy_resolution(duck, sparked)  # the family's inputs: the same persons on both engines
    family_duckdb = _detect_child(duck, "duckdb", FAMILY)
    family_spark = _detect_child(sparked, "spark", FAMILY)
    compared = compare_workspaces(
        Workspace.at(duck, create=False), Workspace.at(sparked, create=False)
    )
    return {
        "persons": persons,
        "seed": seed,
        "code": code,
        "same_code_everywhere": {code}
        == {r["code"] for r in (keys_duckdb, keys_spark, family_duckdb, family_spark)},
        "pings": _pings(Workspace.at(duck, create=False)),
        "simulate": simulated,
        "ingest": ingested,
        "person_keys": {
            "duckdb_seconds": keys_duckdb["detector_seconds"],
            "spark_seconds": keys_spark["detector_seconds"],
            "spark_open_seconds": keys_spark["open_seconds"],
            "equal": keys_equal["person_keys"],
        },
        "duckdb": family_duckdb,
        "spark": family_spark,
        "duckdb_seconds": family_duckdb["detector_seconds"],
        "spark_seconds": family_spark["detector_seconds"],
        "spark_over_duckdb": round(
            family_spark["detector_seconds"] / max(family_duckdb["detector_seconds"], 0.01), 1
        ),
        "result_rows": _rows(Workspace.at(duck, create=False)),
        "all_equal": all(v.get("equal", False) for v in compared.values()),
        "equal": {k: v.get("equal", False) for k, v in compared.items()},
        "comparison": compared,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("city", help="simulate, ingest, resolve, the family on DuckDB")
    two = commands.add_parser("spark", help="the family on DuckDB and Spark, compared")
    for sub, persons, seed in ((one, 1_000_000, 1), (two, 20_000, 7)):
        sub.add_argument("--data", type=Path, default=Path("bench-data"))
        sub.add_argument("--persons", type=int, default=persons)
        sub.add_argument("--seed", type=int, default=seed)
    one.add_argument("--evaluate", action="store_true", help="score against the truth too")
    one.add_argument(
        "--rss-limit-gib", type=float, default=16.0, help="stop a run past this (shared machine)"
    )
    run = commands.add_parser("detect", help="run and measure named detectors")
    run.add_argument("workspace", type=Path)
    run.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    run.add_argument("--only", default=",".join(FAMILY))
    args = parser.parse_args()
    if args.command == "detect":
        workspace = Workspace.at(args.workspace, create=False)
        kind: EngineKind = "spark" if args.engine == "spark" else "duckdb"
        figures = detect(workspace, kind, args.only.split(","))
    elif args.command == "city":
        figures = city(args.data, args.persons, args.seed, args.evaluate, args.rss_limit_gib)
    else:
        figures = spark(args.data, args.persons, args.seed)
    print(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
