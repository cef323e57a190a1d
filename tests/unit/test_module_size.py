# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bar of issue 18 for every module (tests/tools/own_lines.py counts): at most 60 lines of
its own besides its documentation, and no wait call: a module declares, the engines work."""

from __future__ import annotations

import glob
import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location('own_lines', os.path.join(HERE, '..', 'tools', 'own_lines.py'))
own_lines = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(own_lines)

MODULES = sorted(glob.glob(os.path.join(HERE, '..', '..', 'plugins', 'modules', '*.py')))
MOST_OWN_LINES = 60


@pytest.mark.parametrize('path', MODULES, ids=os.path.basename)
def test_a_module_is_mostly_its_documentation(path):
    assert own_lines.own_lines(path) <= MOST_OWN_LINES


@pytest.mark.parametrize('path', MODULES, ids=os.path.basename)
def test_a_module_never_waits_itself(path):
    assert own_lines.wait_calls(path) == []


def test_the_count_leaves_out_documentation_blank_and_comment_lines(tmp_path):
    module = tmp_path / 'thing.py'
    module.write_text("#!/usr/bin/python\nDOCUMENTATION = r'''\nmodule: thing\n'''\n\n"
                      "EXAMPLES = '''\n- x\n'''\nRETURN = ''\n# a comment\n"
                      "def main():\n    waiter().poll(lambda: None)  # waits itself\n")
    assert own_lines.own_lines(str(module)) == 2
    assert own_lines.wait_calls(str(module)) == [(12, 'waiter().poll(lambda: None)  # waits itself')]
