#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every symbol the config fragments ask for has the asked value.

usage: verify_config.py DOT_CONFIG FRAGMENT...

Later fragments override earlier ones, as with merge_config.sh.  Exits 1
and lists every symbol that did not stick (typically: a dependency is
missing, or the symbol does not exist in this tree).
"""
import cli
import re
import sys

SET = re.compile(r'^(CONFIG_[A-Za-z0-9_]+)=(.*)$')
UNSET = re.compile(r'^# (CONFIG_[A-Za-z0-9_]+) is not set$')


def parse(lines):
    """Map symbol -> value ('n' for "is not set") for a config or fragment."""
    values = {}
    for line in lines:
        line = line.rstrip('\n')
        m = SET.match(line)
        if m:
            values[m.group(1)] = m.group(2)
            continue
        m = UNSET.match(line)
        if m:
            values[m.group(1)] = 'n'
    return values


def asked(fragments):
    """Fragments are (name, lines); returns symbol -> (value, fragment name)."""
    want = {}
    for name, lines in fragments:
        for sym, val in parse(lines).items():
            want[sym] = (val, name)
    return want


def mismatches(config_lines, fragments):
    have = parse(config_lines)
    bad = []
    for sym, (val, frag) in sorted(asked(fragments).items()):
        got = have.get(sym, 'n')
        if got != val:
            shown = 'not set' if sym not in have or got == 'n' else got
            bad.append(f'{sym}: {frag} asks for {val}, the config has {shown}')
    return bad


def main(argv):
    if cli.wants_help(argv, __doc__):
        return 0
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        config = f.readlines()
    frags = []
    for path in argv[2:]:
        with open(path) as f:
            frags.append((path.rsplit('/', 1)[-1], f.readlines()))
    bad = mismatches(config, frags)
    if bad:
        print(f'error: {len(bad)} config symbol(s) did not stick:', file=sys.stderr)
        for b in bad:
            print('  ' + b, file=sys.stderr)
        return 1
    print(f'config: all {len(asked(frags))} requested symbols have the requested value')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
