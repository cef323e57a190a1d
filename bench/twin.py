"""The twin of a playbook: the same plays and tasks (loops, conditions, registers, check mode)
with each of the collection's modules replaced by an Ansible builtin, so the difference in run
time is what the collection adds over Ansible itself.

- ``debug``: ``ansible.builtin.debug: {msg: <the module's arguments>}`` (an action that runs in
  the controller; the arguments are templated just the same);
- ``ping``: ``ansible.builtin.ping: {}`` (a real module run through AnsiballZ: Ansible's floor
  for any module).

Registered results are replaced by the values the real run registered (recorded by the bench_log
callback), given as extra vars, which take precedence over ``register``; so later tasks see the
same data and loop over the same items.

Roles: tasks in ``roles/<name>/tasks/*.yml`` of a role the playbook uses by a path relative to
the playbook are rewritten too (a copy under the twin's directory); roles of the collection
(``dataprotection.evs.<role>``) are copied from ``roles/`` of the collection into the twin's
directory and referenced by their short name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from benchlib import ROOT

COLLECTION = "dataprotection.evs."
TASK_LISTS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")
ROLE_KEYS = ("ansible.builtin.include_role", "ansible.builtin.import_role", "include_role", "import_role")


def _module_key(task: dict) -> str | None:
    for key in task:
        if key.startswith(COLLECTION):
            return key
    return None


def _rewrite_tasks(tasks: list, kind: str, roles: set) -> list:
    out = []
    for task in tasks or []:
        if not isinstance(task, dict):
            out.append(task)
            continue
        task = dict(task)
        for key in TASK_LISTS:
            if key in task and isinstance(task[key], list):
                task[key] = _rewrite_tasks(task[key], kind, roles)
        module = _module_key(task)
        if module:
            args = task.pop(module)
            task["ansible.builtin.debug" if kind == "debug" else "ansible.builtin.ping"] = (
                {"msg": args} if kind == "debug" else {})
        for key in ROLE_KEYS:
            if key in task and isinstance(task[key], dict) and str(task[key].get("name", "")).startswith(COLLECTION):
                roles.add(task[key]["name"][len(COLLECTION):])
                task[key] = dict(task[key], name=task[key]["name"][len(COLLECTION):])
        out.append(task)
    return out


def make_twin(playbook: Path, out_dir: Path, kind: str = "debug") -> Path:
    """Write the twin of ``playbook`` into ``out_dir``; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plays = yaml.safe_load(playbook.read_text())
    roles: set = set()
    for play in plays:
        for key in TASK_LISTS:
            if key in play:
                play[key] = _rewrite_tasks(play[key], kind, roles)
        new_roles = []
        for role in play.get("roles", []) or []:
            name = role if isinstance(role, str) else role.get("role") or role.get("name")
            if name and name.startswith(COLLECTION):
                roles.add(name[len(COLLECTION):])
                name = name[len(COLLECTION):]
            new_roles.append(name if isinstance(role, str) else dict(role, role=name))
            if not isinstance(role, str):
                new_roles[-1].pop("name", None)
        if "roles" in play:
            play["roles"] = new_roles
    done: set = set()
    while roles - done:  # roles that include other roles of the collection (protect -> snapshot_policy)
        role = sorted(roles - done)[0]
        done.add(role)
        source = ROOT / "roles" / role
        target = out_dir / "roles" / role
        shutil.rmtree(target, ignore_errors=True)
        if source.exists():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("molecule"))
            for path in (target / "tasks").glob("*.yml"):
                data = yaml.safe_load(path.read_text())
                if isinstance(data, list):
                    path.write_text(yaml.safe_dump(_rewrite_tasks(data, kind, roles), sort_keys=False))
    twin = out_dir / f"{playbook.stem}-{kind}.yml"
    twin.write_text(yaml.safe_dump(plays, sort_keys=False))
    return twin
