"""Put the docs-daemon server and its runtime dependencies into the extension, for one platform.

Run by ``npm run package`` (through ``scripts/package.mjs``) with any Python 3.11+ that has pip:

    python3 scripts/bundle_server.py --target linux-x64

1. builds the project's wheel from the repository root into ``<repo>/dist/``;
2. resolves its dependencies for each supported CPython version (one ``pip install --dry-run
   --report`` per version);
3. installs the pure-Python ones (a ``py3-none-any`` wheel exists, as for SQLAlchemy and
   websockets, which then run their pure-Python fallbacks) once into ``bundled/libs/common``,
   and the compiled ones (greenlet, selectolax, rpds-py) per version into
   ``bundled/libs/cp3XX``, as wheels built for the target platform;
4. installs the project's wheel (with the bundled documentation database) into ``common``.

The dependencies are cached under ``build/bundle/<target>`` keyed by the wheel's
``Requires-Dist`` lines, so a rebuild after a source change only reinstalls the project.
Environment markers other than ``python_version`` are evaluated for the machine that runs the
script (pip's own limitation); none of the server's dependencies uses one today.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

EXTENSION = Path(__file__).resolve().parent.parent
REPO = EXTENSION.parent.parent
PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")
#: Bumped when the layout this script writes changes, so old caches are not reused.
LAYOUT = 1


def _manylinux(arch: str) -> list[str]:
    # VS Code itself needs glibc 2.28, so wheels up to manylinux_2_28 are usable everywhere it runs.
    return [f"manylinux_2_{minor}_{arch}" for minor in range(17, 29)] + [f"manylinux2014_{arch}"]


def _macos(archs: tuple[str, ...]) -> list[str]:
    releases = [f"10_{minor}" for minor in range(9, 16)] + [f"{major}_0" for major in range(11, 15)]
    return [f"macosx_{release}_{arch}" for release in releases for arch in archs]


#: VS Code's target names and the wheel platform tags that run there.
TARGETS: dict[str, list[str]] = {
    "linux-x64": _manylinux("x86_64"),
    "linux-arm64": _manylinux("aarch64"),
    "alpine-x64": ["musllinux_1_1_x86_64", "musllinux_1_2_x86_64"],
    "alpine-arm64": ["musllinux_1_1_aarch64", "musllinux_1_2_aarch64"],
    "darwin-x64": _macos(("x86_64", "intel", "universal2")),
    "darwin-arm64": _macos(("arm64", "universal2")),
    "win32-x64": ["win_amd64"],
    "win32-arm64": ["win_arm64"],
}


def log(message: str) -> None:
    print(f"[bundle-server] {message}", file=sys.stderr, flush=True)


def pip(*args: str, quiet: bool = True) -> None:
    command = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"]
    if quiet:
        command.append("--quiet")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"pip {args[0]} failed:\n{result.stdout}\n{result.stderr}")


def build_wheel(out: Path) -> Path:
    """The project's wheel, built from the repository (the bundled database included)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("docs_daemon-*.whl"):
        old.unlink()
    log(f"building the docs-daemon wheel into {out}")
    pip("wheel", "--no-deps", "--wheel-dir", str(out), str(REPO))
    (wheel,) = out.glob("docs_daemon-*.whl")
    return wheel


def requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    return sorted(line for line in metadata.splitlines() if line.startswith("Requires-Dist:"))


def platform_options(target: str, version: str) -> list[str]:
    options = ["--only-binary=:all:", "--python-version", version, "--implementation", "cp"]
    for tag in TARGETS[target]:
        options += ["--platform", tag]
    return options


def resolve(wheel: Path, target: str, version: str) -> dict[str, tuple[str, bool]]:
    """Every dependency as name -> (version, whether the resolved wheel is pure Python)."""
    with tempfile.TemporaryDirectory() as temp:
        report = Path(temp) / "report.json"
        pip(
            "install", "--dry-run", "--ignore-installed", "--report", str(report),
            "--target", str(Path(temp) / "target"), *platform_options(target, version), str(wheel),
        )  # fmt: skip
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    resolved = {}
    for item in installs:
        name = item["metadata"]["name"].lower().replace("_", "-")
        if name == "docs-daemon":
            continue
        filename = item["download_info"]["url"].rsplit("/", 1)[-1]
        resolved[name] = (item["metadata"]["version"], filename.endswith("-none-any.whl"))
    return resolved


def has_pure_wheel(name: str, version: str, temp: Path) -> bool:
    """Whether the release also ships a py3-none-any wheel (a compiled one is only a speed-up)."""
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--only-binary=:all:", "--implementation", "py", "--platform", "any",
        "--python-version", PYTHON_VERSIONS[0], "--dest", str(temp), f"{name}=={version}",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True).returncode == 0


def install_dependencies(wheel: Path, target: str, out: Path) -> None:
    """Pure dependencies into ``out/common``; compiled ones, and any whose release differs
    between Python versions, into ``out/cp3XX``."""
    by_version = {version: resolve(wheel, target, version) for version in PYTHON_VERSIONS}
    pure: dict[str, str] = {}
    compiled: dict[str, dict[str, str]] = {version: {} for version in PYTHON_VERSIONS}
    with tempfile.TemporaryDirectory() as temp:
        checked: dict[tuple[str, str], bool] = {}
        for version, resolved in by_version.items():
            for name, (release, is_pure) in resolved.items():
                if not is_pure and (name, release) not in checked:
                    checked[name, release] = has_pure_wheel(name, release, Path(temp))
                same_everywhere = all(r.get(name, ("",))[0] == release for r in by_version.values())
                if (is_pure or checked[name, release]) and same_everywhere:
                    pure[name] = release
                else:
                    compiled[version][name] = release
    log(f"pure Python: {', '.join(sorted(pure))}")
    pip(
        "install", "--no-deps", "--no-compile", "--target", str(out / "common"),
        "--only-binary=:all:", "--implementation", "py", "--platform", "any",
        "--python-version", PYTHON_VERSIONS[0],
        *(f"{name}=={release}" for name, release in sorted(pure.items())),
    )  # fmt: skip
    for version, names in compiled.items():
        if not names:
            continue
        tag = "cp" + version.replace(".", "")
        log(f"per version for {target}, CPython {version}: {', '.join(sorted(names))}")
        pip(
            "install", "--no-deps", "--no-compile", "--target", str(out / tag),
            *platform_options(target, version),
            *(f"{name}=={release}" for name, release in sorted(names.items())),
        )  # fmt: skip


def tidy(libs: Path) -> None:
    """Drop what the server never runs: scripts, byte code, test suites, C sources and headers."""
    for folder in libs.iterdir():
        shutil.rmtree(folder / "bin", ignore_errors=True)
        shutil.rmtree(folder / "include", ignore_errors=True)
    folders = [f for f in libs.rglob("*") if f.is_dir()]
    for folder in folders:
        if folder.name == "__pycache__" or (
            folder.name == "tests" and folder.parent.parent != libs
        ):
            shutil.rmtree(folder, ignore_errors=True)
    for pattern in ("*.c", "*.cpp", "*.h", "*.pyx", "*.pxd"):
        for found in libs.rglob(pattern):
            found.unlink()


def bundle(target: str, dist: Path) -> Path:
    wheel = build_wheel(dist)
    key = hashlib.sha256(
        json.dumps([LAYOUT, target, PYTHON_VERSIONS, requirements(wheel)]).encode()
    ).hexdigest()
    cache = EXTENSION / "build" / "bundle" / target
    stamp = cache / "key.txt"
    if not stamp.is_file() or stamp.read_text() != key:
        versions = ", ".join(PYTHON_VERSIONS)
        log(f"resolving the server's dependencies for {target}, CPython {versions}")
        shutil.rmtree(cache, ignore_errors=True)
        install_dependencies(wheel, target, cache / "libs")
        tidy(cache / "libs")
        stamp.write_text(key)
    else:
        log(f"dependencies for {target} unchanged: reusing {cache.relative_to(EXTENSION)}")
    libs = EXTENSION / "bundled" / "libs"
    shutil.rmtree(libs, ignore_errors=True)
    shutil.copytree(cache / "libs", libs)
    pip("install", "--no-deps", "--no-compile", "--target", str(libs / "common"), str(wheel))
    tidy(libs)
    (libs / "bundle.json").write_text(
        json.dumps({"target": target, "python": list(PYTHON_VERSIONS), "wheel": wheel.name}) + "\n"
    )
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, choices=sorted(TARGETS))
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="where the wheel goes")
    args = parser.parse_args()
    wheel = bundle(args.target, args.dist)
    size = sum(f.stat().st_size for f in (EXTENSION / "bundled" / "libs").rglob("*") if f.is_file())
    log(f"bundled {wheel.name} for {args.target}: {size / 1e6:.1f} MB in bundled/libs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
