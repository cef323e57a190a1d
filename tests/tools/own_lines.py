"""Lines of code of a module's own, and the wait calls in it (issue 18: a module is mostly its
documentation; the engines in module_utils wait, modules never do).

A module's own lines are its lines of code without the DOCUMENTATION, EXAMPLES and RETURN
strings, blank lines and comment lines. A wait call is a call of the waiting machinery
(``waiter()``, ``Waiter``, ``for_status``, ``wait_until_free``, ``poll``, ``sleep``); a module
declares what to wait for (``Pending`` and its steps) and the engine waits.

    python own_lines.py plugins/modules/*.py
"""
import ast
import re
import sys

DOCUMENTATION_STRINGS = ('DOCUMENTATION', 'EXAMPLES', 'RETURN')
WAIT_CALL = re.compile(r'\b(waiter|Waiter|for_status|wait_until_free|wait_for_all|poll|sleep)\s*\(')


def code_lines(path):
    """{line number: text} of the module's own code lines."""
    with open(path, encoding='utf-8') as handle:
        source = handle.read()
    documentation = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) in DOCUMENTATION_STRINGS for t in node.targets):
            documentation.update(range(node.lineno, node.end_lineno + 1))
    return dict((number, line) for number, line in enumerate(source.splitlines(), 1)
                if number not in documentation and line.strip() and not line.strip().startswith('#'))


def own_lines(path):
    return len(code_lines(path))


def wait_calls(path):
    """The own lines that call the waiting machinery: [(line number, text)]."""
    return [(number, line.strip()) for number, line in sorted(code_lines(path).items()) if WAIT_CALL.search(line)]


def main(paths):
    for path in paths:
        calls = ''.join('\n     wait call at %d: %s' % call for call in wait_calls(path))
        print('%4d %s%s' % (own_lines(path), path, calls))


if __name__ == '__main__':
    main(sys.argv[1:])
