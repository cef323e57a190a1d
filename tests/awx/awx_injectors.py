"""What AWX does with a credential type's injectors when it launches a job (its
CredentialType.inject_credential, re-stated): the credential's inputs form the template namespace
(empty values left out, missing booleans False), each ``file`` template is rendered with a
sandboxed Jinja2 into a file only the job may read and named as ``tower.filename.<label>``, then
each ``env`` template is rendered into the job's environment."""
import os
import stat
import tempfile

from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment


class Namespace:
    pass


def undeclared(credential_type):
    """The names the injector templates use that are neither input fields nor ``tower``."""
    env = ImmutableSandboxedEnvironment()
    fields = set(f['id'] for f in credential_type['inputs']['fields']) | {'tower'}
    injectors = credential_type['injectors']
    templates = list(injectors.get('file', {}).values()) + list(injectors.get('env', {}).values())
    names = set()
    for template in templates:
        names |= meta.find_undeclared_variables(env.parse(template))
    return names - fields


def inject(credential_type, inputs, private_dir):
    fields = credential_type['inputs']['fields']
    tower = Namespace()
    namespace = {'tower': tower}
    for name, value in inputs.items():
        if isinstance(value, bool) or len(value):
            namespace[name] = value
    for field in fields:
        if field['type'] == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    files = {}
    for label, template in credential_type['injectors'].get('file', {}).items():
        data = sandbox.from_string(template).render(**namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as out:
            out.write(data)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        files[label] = path
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = Namespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
    env = {}
    for name, template in credential_type['injectors'].get('env', {}).items():
        env[name] = sandbox.from_string(template).render(**namespace)
    return env, files
