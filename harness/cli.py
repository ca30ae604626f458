# SPDX-License-Identifier: GPL-2.0
"""What every harness command does with its command line: -h or --help
prints its docstring, and a wrong command line prints the usage paragraph
of that docstring (its second), and what was wrong, to stderr."""
import os
import sys


def wants_help(argv, doc):
    """Print @doc and return True when argv asks for help."""
    if any(a in ('-h', '--help') for a in argv[1:]):
        print(doc.strip())
        return True
    return False


def usage(argv, doc, msg=None):
    """Print what was wrong and the usage; return the exit status, 2."""
    if msg:
        print(f'{os.path.basename(argv[0])}: {msg}', file=sys.stderr)
    print(doc.strip().split('\n\n')[1], file=sys.stderr)
    return 2
