"""Property-based bad input over every module's argument spec (hypothesis): a value outside an
option's type or choices, an unknown option, or a missing required option makes the module fail
with one clear message naming the option, with no traceback, before any request is sent.

Modules are found from plugins/modules, so a new module is covered without editing this file.
"""

from __future__ import annotations

from collections import Counter

import pytest
from ansible.module_utils.common.validation import (check_type_bool, check_type_dict, check_type_int,
                                                    check_type_list)
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import record_figures
from inprocess import MODULE_NAMES, full_spec, module_class, run

TRIED = Counter()
CONNECTION = {"auth": {"auth_url": "https://iam.invalid/v3", "username": "u", "password": "p-secret-123",
                       "user_domain_name": "d", "project_name": "eu-de"}, "region": "eu-de"}
CHECKERS = {"int": check_type_int, "bool": check_type_bool, "dict": check_type_dict, "list": check_type_list}
# Values for which ansible-core's own type checks crash instead of refusing (see
# test_ansible_core_crashes_on_some_values): not the collection's doing, so not drawn here.
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)


def refused_by_ansible(kind: str):
    """True when ansible-core refuses ``value`` for ``kind`` cleanly (TypeError/ValueError)."""
    checker = CHECKERS[kind]

    def refused(value) -> bool:
        try:
            checker(value)
        except (TypeError, ValueError):
            return True
        except Exception:  # an ansible-core crash: covered by the xfail test below
            return False
        return False
    return refused


anything = st.one_of(st.text(max_size=12), st.integers(min_value=-10**6, max_value=10**6),
                     st.floats(allow_nan=False, allow_infinity=False, width=32),
                     st.lists(st.integers(min_value=-99, max_value=99), min_size=1, max_size=3),
                     st.dictionaries(st.text(min_size=1, max_size=5), st.integers(min_value=0, max_value=9),
                                     min_size=1, max_size=2))


def invalid_values(option: dict):
    """Values Ansible cannot turn into the option's type (by its own checks), or outside its
    choices; None when every value is acceptable (a free text or a path)."""
    kind = option.get("type", "str")
    if option.get("choices"):
        choices = {str(c) for c in option["choices"]}
        return st.text(min_size=1, max_size=20).filter(lambda t: t not in choices)
    if kind in CHECKERS:
        if kind == "dict" and option.get("options"):
            # ansible-core crashes on a number or a list for a dict with sub-options
            return st.text(min_size=1, max_size=12).filter(refused_by_ansible(kind))
        return anything.filter(refused_by_ansible(kind))
    return None


def valid_value(option: dict):
    if option.get("choices"):
        return option["choices"][0]
    if option.get("type") == "list" and option.get("elements") == "dict" and option.get("options"):
        return [valid_element(option)]
    return {"int": 1, "bool": True, "dict": {}, "list": ["x"] if option.get("elements") == "str" else []}.get(
        option.get("type", "str"), "x")


def valid_element(option: dict) -> dict:
    """One valid element of a list of dicts with sub-options: its required sub-options."""
    return {name: valid_value(sub) for name, sub in option["options"].items() if sub.get("required")}


def base_args(spec: dict, module: str | None = None) -> dict:
    """Connection settings plus a valid value for every required option, and for the first
    option of each required_one_of group (and what it requires with required_by)."""
    args = dict(CONNECTION)
    for name, option in spec.items():
        if option.get("required"):
            args[name] = valid_value(option)
    kwargs = getattr(module_class(module), "module_kwargs", {}) if module else {}
    for group in kwargs.get("required_one_of", ()):
        if not any(name in args for name in group):
            args[group[0]] = valid_value(spec[group[0]])
    for name, needed in kwargs.get("required_by", {}).items():
        if name in args:
            for other in ([needed] if isinstance(needed, str) else needed):
                args.setdefault(other, valid_value(spec[other]))
    return args


def cases():
    """(module, option path, strategy) for every option that has invalid values."""
    found = []
    for name in MODULE_NAMES:
        for option_name, option in full_spec(module_class(name)).items():
            strategy = invalid_values(option)
            if strategy is not None:
                found.append((name, (option_name,), strategy))
            for sub_name, sub in (option.get("options") or {}).items():
                strategy = invalid_values(sub)
                if strategy is not None:
                    found.append((name, (option_name, sub_name), strategy))
    return found


CASES = cases()


@pytest.fixture(scope="module", autouse=True)
def count_the_bad_inputs_tried():
    yield
    # once per test process (pytest-xdist runs several): the inputs this one tried
    record_figures("bad-input-properties", bad_inputs=sum(TRIED.values()), modules=len(TRIED))


def assert_clean_failure(result: dict, sent: list, *words: str) -> None:
    assert result["failed"], result
    assert sent == [], f"requests were sent: {sent}"
    assert isinstance(result.get("msg"), str) and result["msg"].strip(), result
    assert "exception" not in result and "Traceback" not in result["msg"], result
    assert "p-secret-123" not in repr(result)
    for word in words:
        assert word in result["msg"], (word, result["msg"])


def test_every_module_has_options_to_try():
    modules = {name for name, _, _ in CASES}
    assert modules == set(MODULE_NAMES), set(MODULE_NAMES) - modules


@pytest.mark.parametrize("module,path,strategy", CASES, ids=[f"{m}:{'.'.join(p)}" for m, p, _ in CASES])
@settings(max_examples=5, **SETTINGS)
@given(data=st.data())
def test_a_value_outside_the_type_or_choices_fails_before_any_request(module, path, strategy, data):
    value = data.draw(strategy)
    spec = full_spec(module_class(module))
    args = base_args(spec, module)
    if len(path) == 1:
        args[path[0]] = value
    elif spec[path[0]].get("type") == "list":
        args[path[0]] = [dict(valid_element(spec[path[0]]), **{path[1]: value})]
    else:
        args[path[0]] = dict(args.get(path[0]) or {}, **{path[1]: value})
    result, sent = run(module, args, offline=True)
    TRIED[module] += 1
    # ansible-core's message for a dict with sub-options does not name it (a finding)
    named = not (len(path) == 1 and spec[path[0]].get("options"))
    assert_clean_failure(result, sent, *([path[-1]] if named else []))


@pytest.mark.parametrize("module", MODULE_NAMES)
@settings(max_examples=3, **SETTINGS)
@given(name=st.from_regex(r"\A[a-z][a-z_]{2,15}\Z"))
def test_an_unknown_option_fails_before_any_request(module, name):
    spec = full_spec(module_class(module))
    if name in spec or any(name in (o.get("aliases") or ()) for o in spec.values()):
        return
    args = dict(base_args(spec, module), **{name: "x"})
    result, sent = run(module, args, offline=True)
    TRIED[module] += 1
    assert_clean_failure(result, sent, name)


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_a_missing_required_option_fails_before_any_request(module):
    spec = full_spec(module_class(module))
    required = [name for name, option in spec.items() if option.get("required")]
    for name in required:
        args = base_args(spec, module)
        del args[name]
        result, sent = run(module, args, offline=True)
        TRIED[module] += 1
        assert_clean_failure(result, sent, name)


@pytest.mark.xfail(strict=True, reason="ansible-core 2.19 crashes in its own argument checks (not the collection)")
@pytest.mark.parametrize("option,value", [("timeout", "Infinity"), ("timeout", [2**63, 0, 0]), ("auth", 0)],
                         ids=["int-infinity", "int-list-read-as-a-decimal-tuple", "suboptions-dict-number"])
def test_ansible_core_crashes_on_some_values(option, value):
    args = dict(base_args(full_spec(module_class("disk_info"))), **{option: value})
    result, sent = run("disk_info", args, offline=True)
    assert_clean_failure(result, sent)
