# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make integration` runs the targets in shards at once, split by their recorded seconds
(tests/tools/integration_shards.py): the shards end about together, every target is in exactly
one, and a target without a recorded time counts as the median one."""

from __future__ import annotations

import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location('integration_shards', os.path.join(HERE, '..', 'tools', 'integration_shards.py'))
integration_shards = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(integration_shards)


def test_the_slow_targets_are_spread_and_the_quick_ones_fill_up():
    seconds = {'region': 150, 'drill': 110, 'restore': 100, 'a': 30, 'b': 30, 'c': 20, 'd': 10}
    shards = integration_shards.split(sorted(seconds), 2, seconds)
    assert shards == [['a', 'b', 'c', 'region'], ['d', 'drill', 'restore']]
    assert [sum(seconds[name] for name in shard) for shard in shards] == [230, 220]


def test_an_unrecorded_target_counts_as_the_median():
    seconds = {'slow': 100, 'mid': 40, 'quick': 10}
    # new counts 40: slow | mid, new, quick
    assert integration_shards.split(['new', 'mid', 'quick', 'slow'], 2, seconds) == [['slow'], ['mid', 'new', 'quick']]


def test_never_more_shards_than_targets_and_one_job_is_one_shard():
    assert integration_shards.split(['disk'], 2, {}) == [['disk']]
    assert integration_shards.split(['b', 'a', 'c'], 1, {'a': 5}) == [['a', 'b', 'c']]


def test_the_recorded_times_name_every_target(capsys):
    times = os.path.join(HERE, '..', 'tools', 'target_times.json')
    targets_dir = os.path.join(HERE, '..', 'integration', 'targets')
    targets = sorted(name for name in os.listdir(targets_dir) if not name.startswith(('setup_', 'prepare_')))
    with open(times) as handle:
        assert sorted(json.load(handle)) == targets
    integration_shards.main(['integration_shards.py', times, '2'] + targets)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert sorted(' '.join(lines).split()) == targets
