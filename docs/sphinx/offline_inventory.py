"""Write a Sphinx object inventory for the ansible-core docs labels the generated plugin pages
refer to, so the docs site builds offline (intersphinx cannot fetch docs.ansible.com here).

    python offline_inventory.py RST_DIR OUT_FILE

Only labels with a known page are written; any other unresolved reference still fails the
(-W) build, so a new kind of reference is noticed instead of pointing nowhere.
"""
import re
import sys
import zlib
from pathlib import Path

BASE_PAGES = {
    'common_return_values': ('reference_appendices/common_return_values.html#common-return-values',
                             'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html#ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
    'playbooks_intro': ('playbook_guide/playbooks_intro.html', 'Ansible playbooks'),
    'inventory': ('inventory_guide/intro_inventory.html', 'How to build your inventory'),
    # a module with an action plugin (its wait in steps) says so and links to what one is
    'action_plugins': ('plugins/action.html#action-plugins', 'Action plugins'),
}


def referenced(rst_dir):
    labels, envvars, defined = set(), set(), set()
    for path in Path(rst_dir).glob('**/*.rst'):
        text = path.read_text()
        labels |= set(re.findall(r':ref:`(?:[^`<]*<)?([A-Za-z0-9_.-]+)>?`', text))
        envvars |= set(name.replace('\\', '') for name in re.findall(r':envvar:`([A-Z0-9_\\]+)`', text))
        defined |= set(re.findall(r'^\.\. _([^:]+):', text, re.M))
    return labels - defined, envvars


def main(rst_dir, out):
    labels, envvars = referenced(rst_dir)
    lines = []
    for label in sorted(labels & set(BASE_PAGES)):
        uri, title = BASE_PAGES[label]
        lines.append('%s std:label -1 %s %s' % (label, uri, title))
    for name in sorted(envvars):
        lines.append('%s std:envvar 1 reference_appendices/config.html#envvar-%s -' % (name, name))
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    Path(out).write_bytes(header.encode() + zlib.compress(('\n'.join(lines) + '\n').encode()))


if __name__ == '__main__':
    main(*sys.argv[1:])
