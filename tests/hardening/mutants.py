"""Shows that the hardening tests can fail: runs each one against a server with a plausible
bug injected (see ``injected/sitecustomize.py``) and checks that it fails, and that it passes
again without the bug.

    .venv/bin/python -m tests.hardening.mutants            # all, about 2 minutes
    .venv/bin/python -m tests.hardening.mutants leak       # one fault
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

#: fault -> the test that must catch it.
MUTANTS = {
    "leak": "tests/hardening/test_soak.py::test_soak_mixed_requests",
    "past-the-end": "tests/hardening/test_fuzz.py::test_random_documents_and_positions",
    "reload-without-checks": (
        "tests/hardening/test_faults.py::test_bad_replacement_keeps_the_old_copy_serving"
    ),
    "ignore-parent": (
        "tests/hardening/test_faults.py::test_parent_killed_server_exits_within_two_seconds"
    ),
    "bind-everywhere": (
        "tests/hardening/test_security.py::test_network_modes_bind_loopback_by_default[--tcp]"
    ),
    "page-escape": (
        "tests/hardening/test_security.py::test_symbol_locations_stay_inside_the_cache"
    ),
}


def run(test: str, fault: str | None) -> bool:
    """True when the test passed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(HERE / "injected"), env.get("PYTHONPATH")])
    )
    if fault:
        env["DOCS_DAEMON_INJECT"] = fault
    else:
        env.pop("DOCS_DAEMON_INJECT", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0


def main(names: list[str]) -> int:
    wrong = 0
    for fault in names or list(MUTANTS):
        test = MUTANTS[fault]
        caught = not run(test, fault)
        clean = run(test, None)
        verdict = "caught" if caught else "NOT CAUGHT"
        print(f"{fault:24} {verdict:11} clean run {'passes' if clean else 'FAILS'}  {test}")
        wrong += not caught
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
