#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the results table of a run and its closing line.

usage: report.py RESULTS.tsv...
Each line of a results file: group, test, result (pass/fail/skip), seconds,
detail.  Exit status 1 if anything failed or nothing ran.
"""
import cli
import sys


def load(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            for line in f:
                parts = line.rstrip('\n').split('\t')
                if len(parts) >= 4:
                    parts += [''] * (5 - len(parts))
                    rows.append(parts[:5])
    return rows


def render(rows):
    out = []
    gw = max([len('profile')] + [len(r[0]) for r in rows])
    tw = min(60, max([len('test')] + [len(r[1]) for r in rows]))
    out.append(f'{"profile":<{gw}}  {"test":<{tw}}  {"result":<6}  {"seconds":>7}')
    for g, t, res, secs, detail in rows:
        line = f'{g:<{gw}}  {t:<{tw}}  {res.upper() if res == "fail" else res:<6}  {float(secs):>7.1f}'
        if res != 'pass' and detail:
            line += f'  {detail[:160]}'
        out.append(line)
    n = {k: sum(1 for r in rows if r[2] == k) for k in ('pass', 'fail', 'skip')}
    last = f'{n["pass"]} passed, {n["fail"]} failed'
    if n['skip']:
        last += f', {n["skip"]} skipped'
    out.append(last)
    return out, n


def main(argv):
    if cli.wants_help(argv, __doc__):
        return 0
    if any(a.startswith('-') for a in argv[1:]):
        return cli.usage(argv, __doc__)
    rows = load(argv[1:])
    out, n = render(rows)
    print('\n'.join(out))
    return 1 if n['fail'] or not rows else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
