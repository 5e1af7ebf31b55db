"""Print a seeded random set of the accuracy benchmark's positions with their code, for a
person to check the oracle by hand (the figure goes in results/accuracy-oracle-check.md).

    .venv/bin/python benchmarks/accuracy_check.py [JSON] [--count 30]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH)]

from realcode import corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = corpus.default_cache_dir() / "accuracy.json"
    parser.add_argument("json", type=Path, nargs="?", default=default)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    positions = json.loads(args.json.read_text())["positions"]
    root = corpus.site_packages(corpus.ensure_venv(corpus.default_cache_dir()))
    by_shape: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for position in positions:
        by_shape[position["shape"]].append(position)
    rng = random.Random(args.seed)
    picked: list[dict[str, Any]] = []
    shapes = sorted(by_shape)
    while len(picked) < args.count and any(by_shape.values()):
        for shape in shapes:
            if by_shape[shape] and len(picked) < args.count:
                picked.append(by_shape[shape].pop(rng.randrange(len(by_shape[shape]))))
    for number, position in enumerate(picked, 1):
        path, line, column = position["key"].rsplit(":", 2)
        text = (root / path).read_text(encoding="utf-8").splitlines()
        index = int(line) - 1
        print(f"#{number} {position['key']} [{position['shape']}] {position['name']!r}")
        for shown in range(max(0, index - 2), index + 1):
            print(f"    {shown + 1:5} | {text[shown]}")
        print(
            f"    {' ' * (int(column) + 7)}^ oracle: {position['category']} "
            f"{position['target'] or ''} ({position['oracle']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
