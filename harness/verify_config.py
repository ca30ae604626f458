#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every symbol the config fragments ask for has the asked value.

usage: verify_config.py [--base BASE_CONFIG [--changes FILE]] DOT_CONFIG FRAGMENT...

Later fragments override earlier ones, as with merge_config.sh.  Exits 1
and lists every symbol that did not stick (typically: a dependency is
missing, or the symbol does not exist in this tree).

With --base (the configuration the profile starts from: Debian's), it also
sorts every symbol whose value differs from BASE_CONFIG: asked for by a
fragment, new (BASE_CONFIG does not have it: the series' own options and
what they select), the toolchain's (CC_HAS_*, AS_IS_*, RUSTC_VERSION, ...:
what the compiler can do), and changed by olddefconfig.  An option that BASE_CONFIG has on (y, m)
and DOT_CONFIG has off, or y and m, without a fragment asking, is "forced
off", and the exit status is 1: the series must not take away what the
distribution chose.  --changes FILE gets the whole list; the output has the
counts and every change that is not new.
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


# What the toolchain can do or is, not what anyone chose: CC_HAS_*, AS_IS_*,
# RUSTC_VERSION and the like.  CC_OPTIMIZE_FOR_* or GCC_PLUGINS are choices.
TOOLCHAIN = re.compile(r'^CONFIG_((CC|AS|LD)_(HAS|IS|CAN|HAVE)_|TOOLCHAIN_HAS_|RUSTC_|'
                       r'BINDGEN_|(GCC|CLANG|AS|LD|LLD|PAHOLE)_VERSION$|CC_VERSION_TEXT$|'
                       r'ARCH_USE_GNU_PROPERTY$)')
# What "on" is worth: a change to a lower value takes something away.
RANK = {'n': 0, 'm': 1, 'y': 2}


def changes(base_lines, config_lines, fragments):
    """Sort the symbols whose value differs from the base configuration.

    Returns {kind: [line]} for the kinds 'asked', 'new', 'toolchain',
    'changed' and 'forced off'."""
    base, have, want = parse(base_lines), parse(config_lines), asked(fragments)
    out = {k: [] for k in ('asked', 'new', 'toolchain', 'changed', 'forced off')}
    for sym in sorted(set(base) | set(have)):
        was, now = base.get(sym, 'n'), have.get(sym, 'n')
        if was == now:
            continue
        # "unset": not in the file at all (a string option too)
        line = f'{sym}: {base.get(sym, "unset")} -> {have.get(sym, "unset")}'
        if sym in want:
            out['asked'].append(f'{line} ({want[sym][1]})')
        elif TOOLCHAIN.search(sym):
            out['toolchain'].append(line)
        elif was in RANK and now in RANK and RANK[now] < RANK[was]:
            out['forced off'].append(line)
        elif sym not in base:
            out['new'].append(line)
        else:
            out['changed'].append(line)
    return out


def report_changes(base_path, base_lines, config_lines, fragments, path=None):
    """Print the changes from the base configuration; True when none is forced off."""
    ch = changes(base_lines, config_lines, fragments)
    name = base_path.rsplit('/', 1)[-1]
    counts = ', '.join(f'{len(v)} {k}' for k, v in ch.items())
    print(f'config: against {name}: {counts}')
    if path:
        with open(path, 'w') as f:
            f.write(f'# The symbols whose value differs from {name}\n')
            for kind, lines in ch.items():
                f.write(f'\n## {kind} ({len(lines)})\n')
                f.writelines(line + '\n' for line in lines)
    for kind in ('asked', 'toolchain', 'changed'):
        for line in ch[kind]:
            print(f'  {kind}: {line}')
    for line in ch['forced off']:
        print(f'error: forced off: {line} (not asked for by any fragment)', file=sys.stderr)
    return not ch['forced off']


def main(argv):
    if cli.wants_help(argv, __doc__):
        return 0
    args = argv[1:]
    base = changes_out = None
    while args and args[0] in ('--base', '--changes'):
        if len(args) < 2:
            return cli.usage(argv, __doc__, f'{args[0]} needs a file')
        if args[0] == '--base':
            base = args[1]
        else:
            changes_out = args[1]
        args = args[2:]
    if len(args) < 2 or (changes_out and not base):
        return cli.usage(argv, __doc__)
    with open(args[0]) as f:
        config = f.readlines()
    frags = []
    for path in args[1:]:
        with open(path) as f:
            frags.append((path.rsplit('/', 1)[-1], f.readlines()))
    bad = mismatches(config, frags)
    if bad:
        print(f'error: {len(bad)} config symbol(s) did not stick:', file=sys.stderr)
        for b in bad:
            print('  ' + b, file=sys.stderr)
        return 1
    print(f'config: all {len(asked(frags))} requested symbols have the requested value')
    if base:
        with open(base) as f:
            if not report_changes(base, f.readlines(), config, frags, changes_out):
                return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
