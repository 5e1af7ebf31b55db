"""Rounds of raw figures -> the Markdown report (medians over rounds, ratios, targets) and PNGs."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from measure import RoundResult, ServerSpec, median, percentile
from scale import ScaleSummary

REFERENCE = "docs-daemon"
MIB = 1 << 20


@dataclass
class ServerRuns:
    spec: ServerSpec
    rounds: list[RoundResult]
    missing: str = ""


Metric = Callable[[RoundResult], float | None]


def _latency(attribute: str, fraction: float | None) -> Metric:
    def metric(result: RoundResult) -> float | None:
        values = getattr(result, attribute)
        if attribute == "hovers":
            values = [t for _, t in values]
        if not values:
            return None
        return median(values) if fraction is None else percentile(values, fraction)

    return metric


#: (column, metric, unit) — each a per-round figure; the report shows the median over rounds.
METRICS: tuple[tuple[str, Metric, str], ...] = (
    ("spawn→initialize", lambda r: r.initialize_ms, "ms"),
    ("spawn→first hover", lambda r: r.first_hover_ms, "ms"),
    ("hover median", _latency("hovers", None), "ms"),
    ("hover p99", _latency("hovers", 0.99), "ms"),
    ("completion median", _latency("completions", None), "ms"),
    ("completion p99", _latency("completions", 0.99), "ms"),
    ("resolve median", _latency("resolves", None), "ms"),
    ("symbol median", _latency("symbols", None), "ms"),
    ("symbol p99", _latency("symbols", 0.99), "ms"),
    ("500 pipelined hovers", lambda r: r.pipelined_ms, "ms"),
    ("hover p99 in search flood", _latency("flood_hovers", 0.99), "ms"),
    ("peak RSS", lambda r: r.peak_rss / MIB if r.peak_rss else None, "MiB"),
)


def over_rounds(runs: ServerRuns, metric: Metric) -> tuple[float | None, float | None]:
    """Median over rounds, and the spread (max-min) relative to it."""
    values = [v for v in (metric(r) for r in runs.rounds) if v is not None]
    if not values:
        return None, None
    middle = statistics.median(values)
    spread = (max(values) - min(values)) / middle if middle and len(values) > 1 else None
    return middle, spread


def _fmt(value: float | None, unit: str = "ms") -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or reference is None or reference == 0:
        return "—"
    return f"{value / reference:.1f}x"


def headline(servers: Sequence[ServerRuns]) -> list[str]:
    measured = [s for s in servers if s.rounds]
    header = "| | " + " | ".join(s.spec.name for s in measured) + " |"
    lines = [header, "|---" * (len(measured) + 1) + "|"]
    for column, metric, unit in METRICS:
        cells = []
        for runs in measured:
            value, spread = over_rounds(runs, metric)
            cell = _fmt(value, unit)
            notes = {r.pipelined_note for r in runs.rounds if r.pipelined_note}
            if column.startswith("500 pipelined") and notes:
                cell += " (" + "; ".join(sorted(notes)) + ")"
            if spread is not None and spread >= 0.25:
                cell += f" (±{spread * 50:.0f}%)"
            cells.append(cell)
        lines.append(f"| {column} | " + " | ".join(cells) + " |")
    content = []
    for runs in measured:
        found = runs.rounds[0].content
        content.append(f"{sum(found.values())}/{len(found)}" if found else "—")
    lines.append("| hovers holding the official docs text | " + " | ".join(content) + " |")
    errors = [str(sum(len(r.errors) for r in runs.rounds)) for runs in measured]
    lines.append("| failed rounds | " + " | ".join(errors) + " |")
    return lines


def ratios(servers: Sequence[ServerRuns]) -> list[str]:
    reference = next((s for s in servers if s.spec.name == REFERENCE and s.rounds), None)
    others = [s for s in servers if s.rounds and s is not reference]
    if reference is None or not others:
        return []
    lines = [
        "| (peer ÷ docs-daemon; above 1x means docs-daemon is faster/smaller) | "
        + " | ".join(s.spec.name for s in others)
        + " |",
        "|---" * (len(others) + 1) + "|",
    ]
    for column, metric, _ in METRICS:
        base, _spread = over_rounds(reference, metric)
        cells = [_ratio(over_rounds(s, metric)[0], base) for s in others]
        lines.append(f"| {column} | " + " | ".join(cells) + " |")
    return lines


def per_symbol(servers: Sequence[ServerRuns]) -> dict[str, dict[str, float]]:
    """Server -> symbol -> median hover latency over all rounds."""
    table: dict[str, dict[str, float]] = {}
    for runs in servers:
        if not runs.rounds:
            continue
        names = list(runs.rounds[0].content) or []
        samples: dict[int, list[float]] = {}
        for result in runs.rounds:
            for index, latency in result.hovers:
                samples.setdefault(index, []).append(latency)
        table[runs.spec.name] = {names[i]: median(v) for i, v in samples.items() if i < len(names)}
    return table


def symbol_table(servers: Sequence[ServerRuns]) -> list[str]:
    latencies = per_symbol(servers)
    measured = [s for s in servers if s.rounds]
    if not measured:
        return []
    names = list(measured[0].rounds[0].content)
    lines = [
        "| symbol | " + " | ".join(s.spec.name for s in measured) + " |",
        "|---" * (len(measured) + 1) + "|",
    ]
    for name in names:
        cells = []
        for runs in measured:
            latency = latencies.get(runs.spec.name, {}).get(name)
            mark = "✓" if runs.rounds[0].content.get(name) else "✗"
            cells.append(f"{_fmt(latency)} {mark}")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return lines


def scale_table(results: Sequence[ScaleSummary]) -> list[str]:
    lines = [
        "| size | file | spawn→ready | RSS after load | peak RSS | hover median | hover p99 "
        "| search median | search p99 | one-letter search p99 | search p99, lazy pages |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [
            f"{r.factor}x",
            f"{r.size_bytes / MIB:.0f} MiB",
            _fmt(r.ready_ms),
            _fmt(r.rss_after_load / MIB if r.rss_after_load else None, "MiB"),
            _fmt(r.peak_rss / MIB if r.peak_rss else None, "MiB"),
            _fmt(r.hover_median),
            _fmt(r.hover_p99),
            _fmt(r.search_median),
            _fmt(r.search_p99),
            _fmt(r.broad_p99),
            _fmt(r.lazy_p99),
        ]
        if r.errors:
            cells[-1] += " (error: " + "; ".join(r.errors) + ")"
        lines.append("| " + " | ".join(cells) + " |")
    return lines


@dataclass(frozen=True)
class Target:
    label: str
    measured: float | None
    limit: float
    unit: str = "ms"

    @property
    def met(self) -> bool | None:
        return None if self.measured is None else self.measured <= self.limit


def targets(servers: Sequence[ServerRuns], scale: Sequence[ScaleSummary]) -> list[Target]:
    reference = next((s for s in servers if s.spec.name == REFERENCE and s.rounds), None)
    if reference is None:
        return []

    def ours(metric: Metric) -> float | None:
        return over_rounds(reference, metric)[0]

    found: list[Target] = [
        Target("hover median ≤ 0.5 ms", ours(_latency("hovers", None)), 0.5),
        Target("hover p99 ≤ 1.5 ms", ours(_latency("hovers", 0.99)), 1.5),
        Target("hover p99 during a search flood ≤ 5 ms", ours(_latency("flood_hovers", 0.99)), 5.0),
        Target("spawn→first hover ≤ 500 ms", ours(lambda r: r.first_hover_ms), 500.0),
        Target(
            "peak RSS ≤ 100 MiB",
            ours(lambda r: r.peak_rss / MIB if r.peak_rss else None),
            100,
            "MiB",
        ),
    ]
    latencies = per_symbol(servers)
    mine = latencies.get(REFERENCE, {})
    jedi = latencies.get("jedi-language-server")
    if jedi and mine:
        worst = min(jedi[n] / mine[n] for n in mine if n in jedi and mine[n] > 0)
        # Expressed as "docs-daemon's time ÷ jedi's ≤ 1/5" so every target reads "≤ limit".
        found.append(
            Target("≥ 5x faster than jedi-language-server on every symbol", 1 / worst, 0.2, "x")
        )
    peers = [
        s
        for s in servers
        if s.rounds and s is not reference and s.spec.name not in ("naive", "pygls floor")
    ]
    peer_medians = [
        v for v in (over_rounds(s, _latency("hovers", None))[0] for s in peers) if v is not None
    ]
    if peer_medians:
        found.append(
            Target(
                "hover median no slower than the fastest peer's",
                ours(_latency("hovers", None)),
                min(peer_medians),
            )
        )
    pipelined = [
        v for v in (over_rounds(s, lambda r: r.pipelined_ms)[0] for s in peers) if v is not None
    ]
    if pipelined:
        found.append(
            Target(
                "500 pipelined hovers ≥ 3x faster than the fastest peer",
                ours(lambda r: r.pipelined_ms),
                min(pipelined) / 3,
            )
        )
    for r in scale:
        if r.factor == 50:
            found.append(Target("50x: hover p99 ≤ 2 ms", r.hover_p99, 2.0))
            found.append(Target("50x: search p99 ≤ 20 ms", r.search_p99, 20.0))
    return found


def target_table(found: Sequence[Target]) -> list[str]:
    lines = ["| target | measured | limit | |", "|---|---|---|---|"]
    for t in found:
        if t.unit == "x":
            measured = "—" if t.measured is None else f"{1 / t.measured:.1f}x faster (worst symbol)"
            limit = "5x"
        else:
            measured, limit = _fmt(t.measured, t.unit), _fmt(t.limit, t.unit)
        verdict = {True: "met", False: "**missed**", None: "not measured"}[t.met]
        lines.append(f"| {t.label} | {measured} | {limit} | {verdict} |")
    return lines


def plot_scale(results: Sequence[ScaleSummary], path: Path) -> bool:
    """Cost against database size (PNG); False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    ordered = sorted(results, key=lambda r: r.factor)
    sizes = [r.size_bytes / MIB for r in ordered]
    figure, (latency_axis, memory_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = (
        ("hover p99", [r.hover_p99 for r in ordered]),
        ("search median", [r.search_median for r in ordered]),
        ("search p99", [r.search_p99 for r in ordered]),
        ("search p99, lazy pages", [r.lazy_p99 for r in ordered]),
        ("one-letter search p99", [r.broad_p99 for r in ordered]),
    )
    for label, values in series:
        latency_axis.plot(sizes, values, marker="o", label=label)
    latency_axis.set_xscale("log")
    latency_axis.set_yscale("log")
    latency_axis.set_xlabel("database size (MiB, log)")
    latency_axis.set_ylabel("latency (ms, log)")
    latency_axis.set_title("docs-daemon latency vs database size")
    latency_axis.grid(True, which="both", alpha=0.3)
    latency_axis.legend()
    memory_axis.plot(
        sizes, [(r.peak_rss or 0) / MIB for r in ordered], marker="o", label="peak RSS (MiB)"
    )
    memory_axis.plot(sizes, [r.ready_ms for r in ordered], marker="s", label="spawn→ready (ms)")
    memory_axis.set_xlabel("database size (MiB)")
    memory_axis.set_title("memory and load time vs database size")
    memory_axis.grid(True, alpha=0.3)
    memory_axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def plot_hovers(servers: Sequence[ServerRuns], path: Path) -> bool:
    """Hover median and p99 per server (log scale)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    measured = [s for s in servers if s.rounds]
    medians = [over_rounds(s, _latency("hovers", None))[0] or 0 for s in measured]
    p99s = [over_rounds(s, _latency("hovers", 0.99))[0] or 0 for s in measured]
    figure, axis = plt.subplots(figsize=(9, 4))
    positions = range(len(measured))
    axis.bar([p - 0.2 for p in positions], medians, width=0.4, label="median")
    axis.bar([p + 0.2 for p in positions], p99s, width=0.4, label="p99")
    axis.set_xticks(list(positions), [s.spec.name for s in measured], rotation=15)
    axis.set_yscale("log")
    axis.set_ylabel("hover latency (ms, log)")
    axis.set_title("Hover latency over stdio, same workload")
    axis.grid(True, axis="y", which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
