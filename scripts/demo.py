"""`make demo`: simulate a city, load it, run every detector, export, and evaluate.

python scripts/demo.py --work work --persons 20000 --seed 7
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from tianluo.detectors.runner import run_detectors
from tianluo.engine import open_engine
from tianluo.evaluate import evaluate, print_report
from tianluo.ingest import load_feed, render
from tianluo.results import export_results
from tianluo.rules import load_rules
from tianluo.service.admin import open_database
from tianluo.service.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_accounts
from tianluo.settings import load_settings
from tianluo.simulate import simulate_city
from tianluo.workspace import Workspace

console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("work"))
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    city, ws_dir, results = args.work / "city", args.work / "ws", args.work / "results"
    for old in (city, ws_dir, results):
        shutil.rmtree(old, ignore_errors=True)

    console.print(Rule(f"1. Simulating Nanning with {args.persons:,} people (seed {args.seed})"))
    summary = simulate_city(city, args.persons, args.seed)
    console.print(
        f"{sum(summary.rows.values()):,} records in {len(summary.rows)} sources; planted "
        f"{summary.participants:,} pyramid participants in {summary.organizations} "
        f"organisations and {summary.dens} dens ({summary.seconds:.1f} s) -> {city}"
    )

    console.print(Rule("2. Ingesting the feed"))
    workspace = Workspace.at(ws_dir)
    render(load_feed(city, workspace), console)

    console.print(Rule("3. Running the detectors"))
    settings = load_settings()
    rules = load_rules(settings.rules_file)
    with open_engine(workspace, "duckdb", settings=settings) as engine:
        report = run_detectors(engine, rules)
    for name, rows, seconds in report.ran:
        console.print(f"  {name}: {rows:,} rows in {seconds:.1f} s")
    for name, why in report.skipped:
        console.print(f"  skipped {name}: {why}")

    console.print(Rule("4. Exporting results"))
    written = export_results(workspace, results, "csv")
    console.print(
        ", ".join(f"{n} -> {p}" for n, p in written.items())
        or "no contract results yet: the detectors of suspects, dens, organisations and "
        "fraud come with their issues; the residency rule and presence are in "
        f"{workspace.derived}"
    )

    console.print(Rule("5. Evaluating against the planted truth"))
    print_report(evaluate(city, workspace, rules=rules), console)

    console.print(Rule("6. Preparing the workbench"))
    engine = open_database(workspace)
    seed_demo_accounts(engine)
    engine.dispose()
    console.print(f"Demo agencies and accounts are in {ws_dir} (every password: {DEMO_PASSWORD})")
    for account in DEMO_ACCOUNTS:
        console.print(f"  {account.username:<20} {account.what}")

    console.print(Rule(f"Done in {time.perf_counter() - started:.0f} s"))
    console.print(
        f"Workspace: {ws_dir}  (open {workspace.database} with DuckDB to query the lake)\n"
        "Open the workbench:\n"
        f"  .venv/bin/tianluo serve --workspace {ws_dir}\n"
        "  then browse to http://127.0.0.1:8000 and log in as amr_analyst "
        f"(password {DEMO_PASSWORD}); police_analyst sees the fraud side."
    )


if __name__ == "__main__":
    main()
