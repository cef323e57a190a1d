# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Look for the run's secrets in what a user of the run sees, and fail when one is there.

    secret_scan.py --secrets-from clouds.yaml [--secrets-from config.yml ...] [--secret VALUE ...]
                   [--token-hashes FILE] [--invocations-in OUTPUT] PATH...

The secrets are every ``password``, ``sk`` and ``secret_key`` value in the YAML files given with
``--secrets-from`` (the clouds.yaml the emulator printed, the integration config) and each
``--secret``, plus the emulator's tokens. Tokens are never stored as strings anywhere (the emulator keeps only their
SHA-256, see ``evs_emulator/auth.py``), so a token is found by its shape (``MII`` and 97 or more
characters of the URL-safe base64 alphabet, of the 240 that ``new_token_string`` gives every token); when
its hash is in ``--token-hashes`` (the issued tokens the emulator_request_log callback copied), the
finding says so.

Each password and secret key is looked for as written, URL-encoded, JSON- and Python-escaped, and
base64-encoded at any position in the encoded text (a ``Basic`` authorization header encodes
``user:password``; the three fragments that cover every alignment are searched).

Every file under PATH is read as bytes. Findings are printed as ``file:line`` with the secret
masked; the exit status is 1 when there is any. ``--invocations-in`` names ansible-test's output:
every target whose output shows tasks must show module invocations with their arguments too
(proof that -vvvv reached its ansible-playbook runs), otherwise the scan fails as well.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import sys
import urllib.parse

import yaml

SECRET_KEYS = ('password', 'sk', 'secret_key')
TOKEN_SHAPE = re.compile(rb'MII[A-Za-z0-9_-]{97,}')
# PEM certificates (the tls target makes some) start with MII too, but their base64 holds + and /
# (so the run of URL-safe characters stops at one of them) and is cut into 64-character lines
PEM_NEIGHBOUR = b'+/'
TARGET_START = re.compile(r'^Running (\S+) integration test (?:role|script)$', re.M)
FAILED_TARGET = re.compile(r'^(?:FATAL|ERROR): Command .* returned exit status', re.M)


def secrets_in(document, found=None):
    """Every value of a password, sk or secret_key key, at any depth."""
    found = [] if found is None else found
    if isinstance(document, dict):
        for key, value in document.items():
            if key in SECRET_KEYS and isinstance(value, str) and value:
                found.append(value)
            else:
                secrets_in(value, found)
    elif isinstance(document, list):
        for value in document:
            secrets_in(value, found)
    return found


def base64_fragments(secret: bytes):
    """Parts of the base64 text of `secret` that are the same wherever it starts in the input."""
    fragments = []
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for offset in range(3):
            text = encode(b'\0' * offset + secret)
            first = -(-offset * 8 // 6)  # the first character made of the secret's bits only
            last = (offset + len(secret)) * 8 // 6  # ... and the end of the last one
            fragments.append(text[first:last])
    return fragments


def variants(secret: str):
    """(form, bytes) pairs of the ways `secret` can be written in a log."""
    forms = {
        'as is': secret,
        'URL-encoded': urllib.parse.quote(secret, safe=''),
        'URL-encoded (path)': urllib.parse.quote(secret),
        'form-encoded': urllib.parse.quote_plus(secret),
        'JSON-escaped': json.dumps(secret, ensure_ascii=False)[1:-1],
        'JSON-escaped (ASCII)': json.dumps(secret, ensure_ascii=True)[1:-1],
        'Python-escaped': repr(secret)[1:-1],
    }
    out, seen = [], set()
    for form, text in forms.items():
        data = text.encode('utf-8')
        if data not in seen:
            seen.add(data)
            out.append((form, data))
    for data in base64_fragments(secret.encode('utf-8')):
        if len(data) >= 8 and data not in seen:
            seen.add(data)
            out.append(('base64', data))
    return out


class Scanner:
    def __init__(self, secrets, token_hashes=()):
        self.secrets = sorted(set(secrets), key=len, reverse=True)
        self.token_hashes = set(token_hashes)
        self.patterns = [(number, form, data) for number, secret in enumerate(self.secrets, 1)
                         for form, data in variants(secret)]
        self.findings = []
        self.files = 0
        self.bytes = 0

    def scan_bytes(self, name, data):
        self.files += 1
        self.bytes += len(data)
        hits = []  # (position, length, label)
        for number, form, pattern in self.patterns:
            start = data.find(pattern)
            while start != -1:
                hits.append((start, len(pattern), 'secret #%d (%s)' % (number, form)))
                start = data.find(pattern, start + 1)
        for match in TOKEN_SHAPE.finditer(data):
            before = data[match.start() - 1:match.start()]
            after = data[match.end():match.end() + 1]
            if (before and before in PEM_NEIGHBOUR) or (after and after in PEM_NEIGHBOUR):
                continue
            issued = self._issued(match.group())
            hits.append((match.start(), match.end() - match.start(), 'token%s' % (' (issued in this run)' if issued else '')))
        for position, length, label in sorted(hits):
            line_start = data.rfind(b'\n', 0, position) + 1
            line_end = data.find(b'\n', position)
            line_end = len(data) if line_end == -1 else line_end
            line = data[line_start:line_end]
            self.findings.append('%s:%d: %s: %s' % (
                name, data.count(b'\n', 0, position) + 1, label, self.mask(line)))
        return len(hits)

    def _issued(self, candidate: bytes):
        # an issued token is 243 characters; a longer run may be a token with text glued on
        return any(hashlib.sha256(candidate[:size]).hexdigest() in self.token_hashes
                   for size in (243, len(candidate)))

    def mask(self, line: bytes, width=240):
        for number, form, pattern in self.patterns:
            line = line.replace(pattern, b'<secret #%d>' % number)
        line = TOKEN_SHAPE.sub(b'<token>', line)
        text = line.decode('utf-8', 'replace')
        if len(text) > width:
            cut = max(text.find('<secret #'), text.find('<token>'), 0)
            begin = max(0, cut - width // 2)
            text = ('...' if begin else '') + text[begin:begin + width] + '...'
        return text

    def scan_path(self, path):
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    self.scan_path(os.path.join(root, name))
        elif os.path.isfile(path):
            with open(path, 'rb') as handle:
                self.scan_bytes(path, handle.read())


def silent_targets(output: str):
    """(targets whose output shows tasks but no module arguments, invocations shown, targets)."""
    starts = list(TARGET_START.finditer(output))
    silent, invocations = [], 0
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(output)
        section = output[start.end():end]
        shown = section.count('"module_args"')
        invocations += shown
        # a target ansible-test reports failed fails the suite anyway, maybe before any module ran
        if 'TASK [' in section and not shown and not FAILED_TARGET.search(section):
            silent.append(start.group(1))
    return silent, invocations, len(starts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--secrets-from', action='append', default=[], help='YAML file holding secrets')
    parser.add_argument('--secret', action='append', default=[], help='one more secret (a wrong password a test sends)')
    parser.add_argument('--token-hashes', help='file with the SHA-256 of every issued token, one a line')
    parser.add_argument('--invocations-in', help="ansible-test's output: each target must show module arguments")
    parser.add_argument('paths', nargs='+')
    args = parser.parse_args(argv)

    secrets = list(args.secret)
    for path in args.secrets_from:
        with open(path) as handle:
            secrets_in(yaml.safe_load(handle), secrets)
    if not secrets:
        parser.error('no secret found in %s: nothing to look for' % ', '.join(args.secrets_from))
    hashes = []
    if args.token_hashes and os.path.exists(args.token_hashes):
        with open(args.token_hashes) as handle:
            hashes = handle.read().split()
    scanner = Scanner(secrets, hashes)
    for path in args.paths:
        scanner.scan_path(path)

    failed = False
    for finding in scanner.findings:
        print('LEAK %s' % finding)
    print('secret scan: %d files, %d bytes, %d secrets looked for (%d passwords and secret keys, '
          '%d tokens issued and any token-shaped string), %d found'
          % (scanner.files, scanner.bytes, len(scanner.secrets) + len(set(hashes)), len(scanner.secrets),
             len(set(hashes)), len(scanner.findings)))
    if scanner.findings:
        failed = True
    if args.invocations_in:
        with open(args.invocations_in, encoding='utf-8', errors='replace') as handle:
            silent, invocations, targets = silent_targets(handle.read())
        print('secret scan: %d module invocations with their arguments shown in the output of %d targets'
              % (invocations, targets))
        if silent or not invocations:
            print('secret scan: these targets show tasks but no module arguments (not run at -vvvv?): %s'
                  % (', '.join(silent) or 'all'))
            failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
