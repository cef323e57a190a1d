"""The README's generated parts stay in sync with the code."""

from __future__ import annotations

import re
from pathlib import Path

from evs_emulator.config import Config
from evs_emulator.coverage import markdown

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_coverage_table_matches_the_router():
    table = re.search(r"<!-- coverage:start -->\n(.*)<!-- coverage:end -->", README, re.S).group(1)
    assert table == markdown(), "run: python -m evs_emulator.coverage, and paste into README.md"


def test_every_timing_is_documented_with_its_default():
    for name, seconds in Config.load().default_timings.items():
        assert f"| `{name}` | {seconds:g} |" in README
