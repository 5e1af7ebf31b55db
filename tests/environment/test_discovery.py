"""Finding the workspace's environment, in each order, on real virtual environments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docs_daemon.environment import Environment, EnvironmentNotFound, find_environment
from docs_daemon.environment import interpreter as interpreter_module
from tests.environment.conftest import TRAP_PTH
from tests.venvs import Venv, create_venv, pip_install

VERSION = (sys.version_info[0], sys.version_info[1])
PINNED_VERSIONS = {"werkzeug": "3.1.9", "jinja2": "3.1.6", "django": "5.2.19"}


def versions(environment: Environment) -> dict[str, str]:
    return {
        key: environment.distributions[key].version
        for key in PINNED_VERSIONS
        if key in environment.distributions
    }


def assert_real_venv(environment: Environment, venv: Venv, how_found: str) -> None:
    assert environment.prefix == venv.path
    assert environment.version == VERSION
    assert environment.site_packages == (venv.site_packages,)
    assert environment.how_found == how_found
    assert versions(environment) == PINNED_VERSIONS
    assert environment.warnings == ()


def base_python() -> Path:
    """The interpreter behind the test venv (no pyvenv.cfg two levels up)."""
    return Path(getattr(sys, "_base_executable", sys.executable)).resolve()


def test_setting_names_a_venv_folder(real_venv: Venv) -> None:
    found = find_environment(str(real_venv.path), None, {"PATH": ""})
    assert_real_venv(found, real_venv, "setting")
    assert found.python == real_venv.python
    assert found.describe() == f"Python {VERSION[0]}.{VERSION[1]} at {real_venv.python} (setting)"


def test_setting_names_the_venv_interpreter(real_venv: Venv) -> None:
    found = find_environment(str(real_venv.python), None, {"PATH": ""})
    assert_real_venv(found, real_venv, "setting")
    assert found.python == real_venv.python


def test_setting_relative_to_the_workspace(real_venv: Venv, tmp_path: Path) -> None:
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "main").symlink_to(real_venv.path)
    found = find_environment("envs/main", tmp_path, {"PATH": ""})
    assert found.prefix == tmp_path / "envs" / "main"
    assert versions(found) == PINNED_VERSIONS


def test_setting_as_a_command_on_path(real_venv: Venv) -> None:
    found = find_environment("python3", None, {"PATH": str(real_venv.path / "bin")})
    assert_real_venv(found, real_venv, "setting")


def test_virtual_env_variable(real_venv: Venv, tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()  # a workspace venv loses to $VIRTUAL_ENV
    found = find_environment(None, tmp_path, {"VIRTUAL_ENV": str(real_venv.path), "PATH": ""})
    assert_real_venv(found, real_venv, "VIRTUAL_ENV")


@pytest.mark.parametrize("folder", [".venv", "venv"])
def test_venv_in_the_workspace(real_venv: Venv, tmp_path: Path, folder: str) -> None:
    (tmp_path / folder).symlink_to(real_venv.path)
    found = find_environment(None, tmp_path, {"PATH": ""})
    assert found.how_found == f"{folder} in the workspace"
    assert found.prefix == tmp_path / folder
    assert versions(found) == PINNED_VERSIONS


def test_python3_on_path_that_is_a_venv_is_read_as_one(real_venv: Venv, tmp_path: Path) -> None:
    found = find_environment(None, tmp_path, {"PATH": str(real_venv.path / "bin")})
    assert_real_venv(found, real_venv, "python3 on PATH")


def test_bare_python3_on_path_is_asked_once(tmp_path: Path) -> None:
    """A real interpreter outside any venv reports its own site directories."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(base_python())
    expected = json.loads(
        subprocess.run(
            [str(base_python()), "-c", "import site, json; print(json.dumps(site.getsitepackages()))"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    found = find_environment(None, tmp_path, {"PATH": str(bin_dir), "PYTHONNOUSERSITE": "1"})
    assert found.how_found == "python3 on PATH"
    assert found.version == VERSION
    assert found.site_packages == tuple(Path(p) for p in expected if Path(p).is_dir())
    assert found.python is not None and found.python.resolve() == base_python()


def test_order_setting_then_virtual_env_then_workspace_then_path(
    real_venv: Venv, tmp_path: Path
) -> None:
    other = create_venv(tmp_path / "other")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / ".venv").symlink_to(other.path)
    environ = {"VIRTUAL_ENV": str(other.path), "PATH": str(other.path / "bin")}
    assert find_environment(str(real_venv.path), workspace, environ).how_found == "setting"
    environ = {"VIRTUAL_ENV": str(real_venv.path), "PATH": str(other.path / "bin")}
    assert find_environment("", workspace, environ).how_found == "VIRTUAL_ENV"
    environ = {"PATH": str(other.path / "bin")}
    assert find_environment(None, workspace, environ).how_found == ".venv in the workspace"
    assert find_environment(None, tmp_path, environ).how_found == "python3 on PATH"


def test_deleted_venv_named_by_virtual_env(tmp_path: Path) -> None:
    gone = create_venv(tmp_path / "gone")
    shutil.rmtree(gone.path)
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment(None, None, {"VIRTUAL_ENV": str(gone.path), "PATH": ""})
    assert str(raised.value) == (
        f"$VIRTUAL_ENV is {gone.path}, which is not a virtual environment (deleted?)"
    )


def test_deleted_venv_named_by_the_setting(tmp_path: Path) -> None:
    gone = create_venv(tmp_path / "gone")
    shutil.rmtree(gone.path)
    for setting in (gone.path, gone.python):
        with pytest.raises(EnvironmentNotFound) as raised:
            find_environment(str(setting), None, {"PATH": ""})
        assert str(raised.value) == f"setting `python`: {setting} does not exist (deleted?)"


def test_venv_whose_interpreter_is_gone_is_still_read(trap_venv: Venv, trap_file: Path) -> None:
    """No process is needed for a venv: remove its interpreter and it still reads."""
    for link in (trap_venv.path / "bin").glob("python*"):
        link.unlink()
    found = find_environment(str(trap_venv.path), None, {"PATH": ""})
    assert found.python is None
    assert found.version == VERSION
    assert list(found.distributions) == ["trap-pkg"]
    assert found.distribution_of("trap_pkg") is found.distributions["trap-pkg"]
    assert not trap_file.exists()


def test_system_site_packages_are_asked_for_without_running_pth_files(
    trap_file: Path, tmp_path: Path
) -> None:
    made = create_venv(tmp_path / "with-system", system_site_packages=True)
    (made.site_packages / "trap.pth").write_text(TRAP_PTH)
    found = find_environment(str(made.path), None, dict(os.environ))
    assert found.site_packages[0] == made.site_packages
    base_sites = json.loads(
        subprocess.run(
            [str(base_python()), "-c", "import site, json; print(json.dumps(site.getsitepackages()))"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    assert found.site_packages[1:] == tuple(Path(p) for p in base_sites if Path(p).is_dir())
    assert not trap_file.exists()
    # The same .pth does run for a normal start: the trap works.
    subprocess.run([str(made.python), "-c", "pass"], check=True, env=dict(os.environ))
    assert trap_file.read_text() == "pth"


def test_setting_that_is_not_python(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello\n")
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment(str(text_file), None, {"PATH": ""})
    assert str(raised.value).startswith(f"cannot run {text_file}: ")
    assert "\n" not in str(raised.value)
    failing = tmp_path / "fails"
    failing.write_text("#!/bin/sh\necho 'Unknown option: -I' >&2\nexit 2\n")
    failing.chmod(0o755)
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment(str(failing), None, {"PATH": os.environ["PATH"]})
    assert str(raised.value) == (
        f"{failing} is not a usable Python 3 interpreter: Unknown option: -I"
    )


def test_interpreter_that_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interpreter_module, "PROBE_TIMEOUT", 0.5)
    hanging = tmp_path / "hangs"
    hanging.write_text("#!/bin/sh\nexec sleep 30\n")
    hanging.chmod(0o755)
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment(str(hanging), None, {"PATH": os.environ["PATH"]})
    assert str(raised.value) == (
        f"{hanging} did not answer within 0.5 s; is it a Python interpreter?"
    )


def test_nothing_found(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment(None, tmp_path, {"PATH": str(tmp_path)})
    assert str(raised.value) == (
        "no Python environment found: set `python`, activate a virtual environment, "
        "or put python3 on PATH"
    )
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment("python9.9", tmp_path, {"PATH": str(tmp_path)})
    assert str(raised.value) == "setting `python`: no 'python9.9' on PATH"


def test_venv_without_site_packages(tmp_path: Path) -> None:
    broken = create_venv(tmp_path / "broken")
    shutil.rmtree(broken.path / "lib")
    with pytest.raises(EnvironmentNotFound) as raised:
        find_environment(str(broken.path), None, {"PATH": ""})
    assert str(raised.value) == f"{broken.path}: virtual environment without a site-packages folder"


def test_pip_installed_into_a_fresh_venv_is_seen(tmp_path: Path, trap_wheel: Path) -> None:
    """Reading is not cached anywhere: a later install shows on the next call."""
    made = create_venv(tmp_path / "fresh")
    assert find_environment(str(made.path), None, {"PATH": ""}).distributions == {}
    pip_install(made, trap_wheel)
    assert list(find_environment(str(made.path), None, {"PATH": ""}).distributions) == ["trap-pkg"]


def test_reading_a_venv_imports_nothing(trap_venv: Venv, trap_file: Path) -> None:
    found = find_environment(str(trap_venv.path), None, dict(os.environ))
    assert found.distributions["trap-pkg"].top_level == ("trap_pkg",)
    assert not trap_file.exists()
    # Importing the package does spring the trap: the check above can fail.
    imported = subprocess.run(
        [str(trap_venv.python), "-c", "import trap_pkg"], capture_output=True, text=True
    )
    assert imported.returncode == 1 and "RuntimeError: imported" in imported.stderr
    assert trap_file.read_text() == "imported"
