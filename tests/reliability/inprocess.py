"""Run the collection's modules in this process (the same AnsibleModule code path as
`ansible -m`, without a process per run), so hundreds of bad inputs can be tried in seconds.

Every HTTP request a module sends goes through requests.Session.request, which is wrapped to
record it (and, with ``offline``, to refuse it): a module that fails "before any request" must
leave the record empty.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import sys
from pathlib import Path
from unittest import mock

from conftest import REPO, SOURCE_TREE

if str(SOURCE_TREE) not in sys.path:
    sys.path.insert(0, str(SOURCE_TREE))

import requests  # noqa: E402
from ansible.module_utils import basic  # noqa: E402
from ansible.module_utils.testing import patch_module_args  # noqa: E402

PACKAGE = "ansible_collections.dataprotection.evs.plugins"
MODULE_NAMES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def base():
    return importlib.import_module(f"{PACKAGE}.module_utils.module")


class Declared:
    """An ``*_info`` module's ``Info`` declaration (module_utils/info.py) in the shape of a module
    class: its options, the engine's module settings, and ``execute``."""

    def __init__(self, declaration):
        engine = importlib.import_module(f"{PACKAGE}.module_utils.info").InfoEngine
        self.argument_spec = declaration.options
        self.module_kwargs = getattr(engine, "module_kwargs", {})
        self.execute = declaration.execute


def module_class(name: str):
    """The EvsModule subclass a module file defines, or its ``Info`` declaration (``Declared``)."""
    module = importlib.import_module(f"{PACKAGE}.modules.{name}")
    info = importlib.import_module(f"{PACKAGE}.module_utils.info")
    if isinstance(getattr(module, "INFO", None), info.Info):
        return Declared(module.INFO)
    evs_module = base().EvsModule
    classes = [obj for obj in vars(module).values()
               if isinstance(obj, type) and issubclass(obj, evs_module) and obj.__module__ == module.__name__]
    assert len(classes) == 1, (name, classes)
    return classes[0]


def full_spec(cls) -> dict:
    spec = base().connection_argument_spec()
    spec.update(copy.deepcopy(cls.argument_spec))
    return spec


class Exited(BaseException):  # not caught by a module's `except Exception`
    def __init__(self, result: dict):
        super().__init__(result)
        self.result = result


class Recorder:
    def __init__(self, offline: bool):
        self.offline = offline
        self.sent: list[tuple[str, str]] = []


@contextlib.contextmanager
def recording(offline: bool):
    recorder = Recorder(offline)
    real = requests.Session.request

    def request(session, method, url, *args, **kwargs):
        recorder.sent.append((method, url))
        if recorder.offline:
            raise AssertionError(f"a request was sent: {method} {url}")
        return real(session, method, url, *args, **kwargs)

    with mock.patch.object(requests.Session, "request", request):
        yield recorder


def run(name: str, args: dict, offline: bool = False, check_mode: bool = False) -> tuple[dict, list]:
    """(result with ``failed``, requests sent) of module ``name`` with ``args``."""
    cls = module_class(name)

    def exit_json(self, **result):
        raise Exited(dict(result, failed=False))

    def fail_json(self, **result):
        raise Exited(dict(result, failed=True))

    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    with recording(offline) as recorder, \
            mock.patch.object(basic.AnsibleModule, "exit_json", exit_json), \
            mock.patch.object(basic.AnsibleModule, "fail_json", fail_json), \
            patch_module_args(args):
        try:
            cls.execute()
        except Exited as exited:
            return exited.result, recorder.sent
        except SystemExit as exc:  # pragma: no cover - fail_json is patched
            raise AssertionError(f"{name} exited without a result: {exc}")
    raise AssertionError(f"{name} returned without exit_json/fail_json")


def sources() -> Path:
    return SOURCE_TREE
