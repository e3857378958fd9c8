"""The version of the code that shapes the benchmark's and the load test's data."""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What decides the data set beside the migrations: its generator and the rules and
# demo it builds on.
SHAPING = (
    "bench/dataset.py",
    "procedures/importer.py",
    "procedures/demo.py",
    "qms/oversight/demo.py",
)


def code_version() -> str:
    """A hash of what decides the data's shape: every migration and SHAPING."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("*/migrations/0*.py"), *(ROOT / name for name in SHAPING)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
