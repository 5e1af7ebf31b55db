"""The real-code accuracy benchmark's parts: corpus, sites, oracle, docs names, server runs,
report. ``benchmarks/accuracy.py`` is the command."""
