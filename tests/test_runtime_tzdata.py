"""Time zones work on a host without a tz database, because `tzdata` is a dependency.

Slim containers and Windows have no /usr/share/zoneinfo; `zoneinfo` then needs the `tzdata`
package, or every update of a person with a zone fails before the engine runs (`/crisis`
included). The project must declare it, and the bot's zone code must work with the system
database hidden (PYTHONTZPATH pointing at an empty folder).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.runtime_proc import ROOT


def test_tzdata_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.split(">")[0].split("=")[0].strip().lower() == "tzdata"
               for dep in project["dependencies"])


def test_zones_resolve_with_no_system_tz_database(tmp_path: Path) -> None:
    empty = tmp_path / "no-zoneinfo"
    empty.mkdir()
    probe = ("from datetime import datetime, UTC\n"
             "from bot.schedule.checkins import zone\n"
             "for name in ('Europe/Berlin', 'America/New_York', 'Australia/Sydney'):\n"
             "    z = zone(name)\n"
             "    assert str(z) == name, z\n"
             "    print(name, datetime(2026, 7, 1, tzinfo=UTC).astimezone(z).utcoffset())\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={"PYTHONPATH": str(ROOT), "PYTHONTZPATH": str(empty)})
    assert result.returncode == 0, result.stderr
    assert "Europe/Berlin 2:00:00" in result.stdout
