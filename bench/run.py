"""The benchmark: `make bench` (N=1000000 by default; `make bench N=100000`).

Fills (or reuses) a database of N dossiers — an SQLite file under bench/data/, or the
PostgreSQL database of DATABASE_URL — then measures, prints a table and writes
bench/results.json: {"n", "engine", "results": [{"name", "value", "unit", "target",
"met"}]}. Speed is measured here, never asserted by the tests.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="dossiers in the data set")
    parser.add_argument(
        "--only", action="append", metavar="STEP", help="measure only this step (repeatable)"
    )
    options = parser.parse_args()
    if options.n < 10_000:
        parser.error("--n: at least 10,000 dossiers (the tracking book alone reads 10,000)")
    data = ROOT / "bench" / "data"
    data.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data / f'bench-{options.n}.sqlite3'}")
    os.environ["DJANGO_DEBUG"] = "1"  # seed_demo runs in development mode only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")
    # The demo signs with the keys of a SoftHSM2 token kept beside the database, named
    # before anything reads the settings.
    os.environ.setdefault("QMS_PKCS11_TOKEN", "qms-bench")
    os.environ.setdefault("QMS_PKCS11_PIN", "bench-pin")
    os.environ.setdefault("QMS_SIGNING_DEMO_ENROL", "1")  # a database seeded before the keys
    from qms.keys import init_softhsm_token

    os.environ["SOFTHSM2_CONF"] = init_softhsm_token(
        data / "softhsm", label=os.environ["QMS_PKCS11_TOKEN"], pin=os.environ["QMS_PKCS11_PIN"]
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from bench import dataset, measure

    stamp = dataset.ensure(options.n, log)
    settings.DEBUG = False  # no query log while measuring
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client
    results = [
        measure.Result("data set: generation rate", round(stamp.rate), "dossiers/s"),
        measure.Result("data set: generation time", round(stamp.seconds), "s"),
    ]
    unknown = set(options.only or ()) - set(measure.STEPS)
    if unknown:
        parser.error(f"--only: no step {sorted(unknown)}; the steps are {list(measure.STEPS)}")
    for name, step in measure.STEPS.items():
        if options.only and name not in options.only:
            continue
        started = time.perf_counter()
        log(f"measuring: {name} …")
        measure.reset_peak()
        held = measure.resident_mib()
        results += step()
        peak = measure.peak_mib()
        results.append(within(f"{name}: peak memory", peak, measure.PEAK_TARGETS_MIB.get(name)))
        added = peak - held
        results.append(within(f"{name}: memory added", added, measure.MEMORY_TARGETS_MIB.get(name)))
        log(f"  done in {time.perf_counter() - started:.0f} s")
    engine = connection.vendor
    report = {"n": options.n, "engine": engine, "results": [r.as_dict() for r in results]}
    (ROOT / "bench" / "results.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(table(report))


def within(name: str, mib: float, limit: int | None):
    """A memory figure, against its target when it has one."""
    from bench.measure import Result

    if limit is None:
        return Result(name, round(mib), "MiB")
    return Result(name, round(mib), "MiB", f"< {limit}", mib < limit)


def table(report: dict) -> str:
    lines = [f"{report['n']:,} dossiers on {report['engine']}", ""]
    width = max(len(row["name"]) for row in report["results"])
    for row in report["results"]:
        verdict = "" if row["met"] is None else ("met" if row["met"] else "MISSED")
        target = f"target {row['target']}" if row["target"] else ""
        lines.append(
            f"{row['name']:<{width}}  {row['value']:>12,} {row['unit']:<12} {target:<16} {verdict}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
