"""Offline stand-in for the get-pip.py that ansible-test downloads.

ansible-test bootstraps pip in its sanity/units venvs by fetching get-pip.py from
ci-files.testing.ansible.com, which these machines cannot reach. It uses a cached
copy when one exists, so `make` puts this file there; it installs pip from the
interpreter's own ensurepip and then the requested packages from the registry.
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q'] + args)
