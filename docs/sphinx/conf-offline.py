

# --- appended by `make docs`: build offline -------------------------------------------------
# The ansible-core labels the plugin pages refer to resolve through a local inventory that
# docs/sphinx/offline_inventory.py writes (intersphinx cannot reach docs.ansible.com here).
import os as _os  # noqa: E402

intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/',
                      _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), 'ansible_devel.inv')),
}
