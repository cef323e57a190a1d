"""The conformance suite's one checker: an answer against a vendor SDK's model, field by field.

Huawei Cloud SDK models (huaweicloudsdkevs/cbr/sdrs/iam) declare every field of an answer in
`openapi_types` (attribute -> type) and `attribute_map` (attribute -> JSON key). `mismatches`
walks the answer and the model together: a JSON key the model does not know, a field of the
model the answer leaves out (unless the caller lists it as optional, with the reason), and a
value of the wrong JSON type are each one line. The models do not say which fields are
required, so the suites name the optional ones (fields the documents call optional, or that
exist on Huawei Cloud only); everything else is treated as required.

openstacksdk/otcextensions resources declare body attributes (`resource.Body`), not
requiredness: `resource_mismatches` reports the keys they do not know.
"""

from __future__ import annotations

import importlib
import re
from typing import Mapping

PRIMITIVES = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "date": (str,), "datetime": (str,),
    "object": (object,),
}
LIST_RE = re.compile(r"^list\[(.+)\]$")
DICT_RE = re.compile(r"^dict\(str, ?(.+)\)$")


def _model_class(model: type, name: str) -> type:
    package = importlib.import_module(model.__module__.rsplit(".", 1)[0])
    return getattr(package, name)


def _is_header(json_key: str) -> bool:
    # response models also map the answer's headers (X-Request-Id, ...): not body fields
    return json_key[:1].isupper()


def _value_mismatches(owner: type, type_name: str, value, path: str, optional: Mapping[str, str],
                      extras: Mapping[str, str]) -> list[str]:
    if value is None:
        return []
    match = LIST_RE.match(type_name)
    if match:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} where the model has {type_name}"]
        return [m for i, item in enumerate(value)
                for m in _value_mismatches(owner, match.group(1), item, f"{path}[{i}]", optional, extras)]
    match = DICT_RE.match(type_name)
    if match:
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__} where the model has {type_name}"]
        return [m for key, item in value.items()
                for m in _value_mismatches(owner, match.group(1), item, f"{path}.{key}", optional, extras)]
    if type_name in PRIMITIVES:
        allowed = PRIMITIVES[type_name]
        if isinstance(value, bool) and bool not in allowed and object not in allowed:
            return [f"{path}: bool where the model has {type_name}"]
        if not isinstance(value, allowed):
            return [f"{path}: {type(value).__name__} {value!r} where the model has {type_name}"]
        return []
    return mismatches(_model_class(owner, type_name), value, optional, path, extras)


def mismatches(model: type, data, optional: Mapping[str, str] | None = None, path: str = "$",
               extras: Mapping[str, str] | None = None) -> list[str]:
    """Every difference between `data` (decoded JSON) and `model`; `optional` maps
    "ModelName.json_key" to the reason that field may be absent, `extras` to the document of
    the cloud that has it although the model does not (OTC's and Huawei Cloud's APIs differ)."""
    optional, extras = optional or {}, extras or {}
    if not isinstance(data, dict):
        return [f"{path}: {type(data).__name__} where the model {model.__name__} has an object"]
    fields = {json_key: attr for attr, json_key in model.attribute_map.items() if not _is_header(json_key)}
    # "Model.*": a map of free keys (metadata) of which the model names a few; none required
    free = f"{model.__name__}.*" in optional
    found = [f"{path}.{key}: not in the model {model.__name__}" for key in data
             if key not in fields and not free and f"{model.__name__}.{key}" not in extras]
    for json_key, attr in fields.items():
        if json_key not in data:
            if f"{model.__name__}.{json_key}" not in optional and not free:
                found.append(f"{path}.{json_key}: missing (required by the model {model.__name__})")
            continue
        found += _value_mismatches(model, model.openapi_types[attr], data[json_key], f"{path}.{json_key}", optional,
                                   extras)
    return found


def resource_mismatches(resource_class: type, data, extras: Mapping[str, str] | None = None,
                        path: str = "$") -> list[str]:
    """Keys of `data` that the openstacksdk/otcextensions resource does not declare (nested
    resources, declared with `type=`, are walked too), except the vendor's documented extras
    ("Resource.json_key" -> where the cloud documents it)."""
    extras = extras or {}
    from openstack import fields, resource

    if not isinstance(data, dict):
        return [f"{path}: {type(data).__name__} where the resource {resource_class.__name__} has an object"]
    declared = {}
    for _, component in resource_class._attributes_iterator(components=(fields.Body,)):
        declared[component.name] = component
    found = []
    for key, value in data.items():
        component = declared.get(key)
        if component is None:
            if f"{resource_class.__name__}.{key}" not in extras:
                found.append(f"{path}.{key}: not in the resource {resource_class.__name__}")
            continue
        nested = component.data_type
        if isinstance(nested, type) and issubclass(nested, resource.Resource) and isinstance(value, dict):
            found += resource_mismatches(nested, value, extras, f"{path}.{key}")
        elif component.list_type and isinstance(component.list_type, type) and \
                issubclass(component.list_type, resource.Resource) and isinstance(value, list):
            found += [m for i, item in enumerate(value)
                      for m in resource_mismatches(component.list_type, item, extras, f"{path}.{key}[{i}]")]
    return found


def assert_answer_conforms(response, optional: Mapping[str, str] | None = None,
                           extras: Mapping[str, str] | None = None):
    """A huaweicloudsdk response object: its raw body against its own model class. Returns the
    decoded body."""
    data = response.to_json_object()
    body_fields = [k for k in type(response).attribute_map.values() if not _is_header(k)]
    if data is None and not body_fields:
        return None
    problems = mismatches(type(response), data, optional, extras=extras)
    assert not problems, f"{type(response).__name__}:\n  " + "\n  ".join(problems)
    return data


def assert_resource_conforms(resource_class: type, data, extras: Mapping[str, str] | None = None) -> None:
    problems = resource_mismatches(resource_class, data, extras)
    assert not problems, f"{resource_class.__name__}:\n  " + "\n  ".join(problems)


def huawei_client(client_class, base_url: str, tenant, service_prefix: str, project: dict | None = None):
    """A huaweicloudsdk client signing with the tenant's AK/SK, for its first project or `project`
    (one of its projects in another region). The SDKs keep only scheme and host of an endpoint
    and send `/v2/{project_id}/...` themselves (see README)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials

    credentials = BasicCredentials(tenant.user["access_key"], tenant.user["secret_key"],
                                   (project or tenant.project)["id"])
    return client_class.new_builder().with_credentials(credentials).with_endpoints(
        [f"{base_url}{service_prefix}"]).build()


def use_clouds_yaml(base_url: str, directory, monkeypatch) -> None:
    """Point openstacksdk/otcextensions at a clouds.yaml for this emulator (`evs-emulator
    clouds-yaml`), with no other OS_* variable in the way."""
    import os

    from .cli import clouds_yaml
    from .config import Config

    path = directory / "clouds.yaml"
    path.write_text(clouds_yaml(Config.load(), base_url))
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    for name in [k for k in os.environ if k.startswith("OS_") and k != "OS_CLIENT_CONFIG_FILE"]:
        monkeypatch.delenv(name)
