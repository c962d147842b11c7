"""LibreOffice as a program the generator runs: where it is, and running it headless within a
time limit. Used by import (old Office files → XLSX/DOCX, importing/legacy.py) and by the
build's PDFs (build/pdf.py); each says for itself what it converts and what a failure means.

Where: the program named by the environment variable GENERATOR_SOFFICE, else `soffice` (or
`libreoffice`, as some Linux packages call it) on PATH, else where LibreOffice's installers put
it (its Windows installer does not add it to PATH). A GENERATOR_SOFFICE that names no file is an
error naming the variable, never silently passed over.

Running: in a process group of its own (soffice starts soffice.bin), which is killed whole when
the time limit passes or the build is interrupted (Ctrl-C), so that no LibreOffice is left
behind holding its profile.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from enum import Enum
from pathlib import Path

from generator.errors import EnvironmentProblem

VARIABLE = "GENERATOR_SOFFICE"  # the environment variable naming the LibreOffice program
# Where LibreOffice's installers put it, for a LibreOffice that is not on PATH (its Windows
# installer does not add it there).
INSTALLED: tuple[str, ...] = (
    (
        "%ProgramFiles%/LibreOffice/program/soffice.exe",
        "%ProgramFiles(x86)%/LibreOffice/program/soffice.exe",
    )
    if sys.platform == "win32"
    else ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)
    if sys.platform == "darwin"
    else ()
)


class OfficeSetting(EnvironmentProblem):
    """GENERATOR_SOFFICE names no program."""


def find_office(installed: Iterable[str]) -> str | None:
    """The LibreOffice program: GENERATOR_SOFFICE, else soffice or libreoffice on PATH, else
    the first of `installed` (paths with %VARIABLES%) that is there; None when there is none.
    Raises OfficeSetting when GENERATOR_SOFFICE is set and names no file."""
    named = os.environ.get(VARIABLE, "").strip()
    if named:
        path = Path(os.path.expandvars(named))
        if path.is_dir():  # the program's folder: the program in it
            program = next((p for p in _programs(path) if p.is_file()), None)
            if program is None:
                raise OfficeSetting(
                    f"环境变量 {VARIABLE} 的值“{named}”是一个文件夹，其中没有 soffice "
                    "（soffice.exe、soffice 或 libreoffice）：应为 LibreOffice 的 program 文件夹"
                    "或 soffice 的完整路径，例如 C:\\Program Files\\LibreOffice\\program；"
                    "改正它，或删除它以在 PATH 中查找 soffice"
                )
            path = program
        if not path.is_file():
            raise OfficeSetting(
                f"环境变量 {VARIABLE} 的值“{named}”不是 LibreOffice 程序（没有这个文件）："
                "应为 soffice 的完整路径，例如 C:\\Program Files\\LibreOffice\\program\\soffice.exe"
                "；改正它，或删除它以在 PATH 中查找 soffice"
            )
        return str(path)
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    places = (Path(os.path.expandvars(place)) for place in installed)
    return next((str(place) for place in places if place.is_file()), None)


def _programs(folder: Path) -> list[Path]:
    return [folder / name for name in ("soffice.exe", "soffice", "libreoffice")]


class Ran(Enum):
    DONE = "done"  # LibreOffice ran and ended (each file converted or not)
    UNSTARTED = "unstarted"
    TIMED_OUT = "timed out"


def run_office(
    command: list[str], seconds: float, environment: Mapping[str, str] | None = None
) -> tuple[Ran, str]:
    """Run LibreOffice, at most `seconds` long (with `environment` added to ours); how it
    went, and why it could not start. Killed whole when the time is up or on an interrupt."""
    env = None if environment is None else {**os.environ, **environment}
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=sys.platform != "win32",  # its own process group: killed whole
        )
    except OSError as error:
        return Ran.UNSTARTED, error.strerror or str(error)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        kill_office(process)
        return Ran.TIMED_OUT, ""
    except BaseException:  # Ctrl-C, SIGTERM: never leave it running
        kill_office(process)
        raise
    return Ran.DONE, ""


def kill_office(process: subprocess.Popen[bytes]) -> None:
    """Stop LibreOffice and what it started (soffice starts soffice.bin)."""
    if sys.platform == "win32":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False
        )
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
    process.wait()
