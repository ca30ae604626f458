#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the BENCH lines of benchmark console logs into a table, raw data and
a plot.

usage: bench_report.py OUTDIR KERNEL=CONSOLE_LOG... [--sizes FILE]
                       [--timings FILE] [--setup TEXT] [--compare JSON]
                       [--plot]

KERNEL names the kernel a console log comes from (for instance "series" and
"base").  Writes OUTDIR/results.json and OUTDIR/calls.csv and
OUTDIR/transitions.csv, and with --plot OUTDIR/transition.png (gnuplot).
--setup says how the guest ran, --compare JSON adds how far each median is
from the same median of an earlier results.json.
"""
import cli
import json
import os
import re
import statistics
import subprocess
import sys

LINE = re.compile(r'BENCH (call|transition|load) (.*)$')


def parse(path):
    calls, transitions, loads = {}, {}, {}
    with open(path, errors='replace') as f:
        for raw in f:
            m = LINE.search(raw.replace('\r', '').strip())
            if not m:
                continue
            fields = m.group(2).split()
            if m.group(1) == 'call' and len(fields) == 3:
                name, n, ns = fields[0], int(fields[1]), int(fields[2])
                calls.setdefault(name, []).append(ns / n)
            elif m.group(1) == 'transition' and len(fields) in (5, 9):
                name, tasks, en, dis, sig = fields[:5]
                run = {'tasks': int(tasks), 'enable_ms': int(en) / 1000,
                       'disable_ms': int(dis) / 1000, 'signals': int(sig)}
                if len(fields) == 9:
                    # the livepatch core's tries at completing each
                    # transition, and the time they took
                    et, eus, dt, dus = map(int, fields[5:])
                    run |= {'enable_tries': et, 'enable_tries_ms': eus / 1000,
                            'disable_tries': dt, 'disable_tries_ms': dus / 1000}
                transitions.setdefault(name, []).append(run)
            elif m.group(1) == 'load' and len(fields) == 3:
                name, relocs, ms = fields[0], int(fields[1]), int(fields[2]) / 1000
                loads.setdefault(name, {'relocs': relocs, 'ms': []})['ms'].append(ms)
    return calls, transitions, loads


def summary(values):
    return {'median': statistics.median(values), 'min': min(values),
            'max': max(values), 'n': len(values)}


CALL_ORDER = ['plain', 'livepatched', 'livepatched-ftrace-path',
              'ftrace-ops', 'fgraph',
              'livepatched+ftrace-ops', 'direct-near',
              'plain-vmlinux', 'direct-vmlinux-near', 'direct-vmlinux-far',
              'livepatched-vmlinux-near', 'livepatched-vmlinux-far',
              'livepatched-vmlinux-ftrace-path',
              'ftrace-ops-sample-0-ops', 'ftrace-ops-sample-1-ops']


def plain_of(name):
    """The unpatched call a scenario is measured against."""
    return 'plain-vmlinux' if 'vmlinux' in name else 'plain'


def build(kernels, sizes, timings):
    data = {'calls': {}, 'transitions': {}, 'loads': {}, 'sizes': sizes,
            'timings': timings}
    for kernel, (calls, transitions, loads) in kernels.items():
        data['calls'][kernel] = {k: summary(v) | {'raw': v} for k, v in calls.items()}
        data['transitions'][kernel] = transitions
        if loads:
            data['loads'][kernel] = {k: summary(v['ms']) | {'relocs': v['relocs'], 'raw': v['ms']}
                                     for k, v in loads.items()}
    return data


def table(data):
    out = []
    # The kernels of the call and size tables: a transitions-only run (the
    # two-vCPU one) has only transition figures.
    kernels = [k for k in data['calls'] if data['calls'][k]]
    out.append('Call cost of one noinline function, ns per call under -icount shift=0 '
               '(median [min..max]); ratio against the unpatched call of the same kernel')
    hdr = f'  {"scenario":<26}' + ''.join(f'{k:>36}' for k in kernels)
    out.append(hdr)
    names = [n for n in CALL_ORDER if any(n in data['calls'][k] for k in kernels)]
    for name in names:
        row = f'  {name:<26}'
        for k in kernels:
            c = data['calls'][k].get(name)
            plain = data['calls'][k].get(plain_of(name))
            if not c:
                row += f'{"-":>36}'
                continue
            ratio = ''
            if plain and plain is not c and not name.startswith('ftrace-ops-sample'):
                ratio = f' x{c["median"] / plain["median"]:.2f}'
            cell = f'{c["median"]:.1f} [{c["min"]:.1f}..{c["max"]:.1f}]{ratio}'
            row += f'{cell:>36}'
        out.append(row)
    for k, tr in data['transitions'].items():
        if not tr:
            continue
        out.append('')
        out.append(f'Transition latency ({k} kernel), ms, median [min..max] of '
                   f'{len(next(iter(tr.values())))} runs; fake signals needed')
        out.append(f'  {"scenario":<22}{"tasks":>7}{"enable":>26}{"disable":>26}{"signals":>9}')

        def cell(values):
            return f'{statistics.median(values):.1f} [{min(values):.1f}..{max(values):.1f}]'
        for name, runs in tr.items():
            out.append(f'  {name:<22}{runs[0]["tasks"]:>7}'
                       f'{cell([r["enable_ms"] for r in runs]):>26}'
                       f'{cell([r["disable_ms"] for r in runs]):>26}'
                       f'{sum(r["signals"] for r in runs):>9}')
        tried = {n: runs for n, runs in tr.items() if all('enable_tries' in r for r in runs)}
        if tried:
            out.append('  Tries at completing the transition (each walks every task): '
                       'how many, and ms spent in them, median [min..max]')
            out.append(f'  {"scenario":<22}{"tries":>13}{"enable ms":>26}'
                       f'{"tries":>13}{"disable ms":>26}')

            def count(values):
                return f'{statistics.median(values):g} [{min(values)}..{max(values)}]'
            for name, runs in tried.items():
                out.append(f'  {name:<22}'
                           f'{count([r["enable_tries"] for r in runs]):>13}'
                           f'{cell([r["enable_tries_ms"] for r in runs]):>26}'
                           f'{count([r["disable_tries"] for r in runs]):>13}'
                           f'{cell([r["disable_tries_ms"] for r in runs]):>26}')
    for k, loads in data['loads'].items():
        out.append('')
        out.append(f'Load cost of livepatch relocations ({k} kernel), ms of insmod, '
                   'median [min..max]')
        out.append(f'  {"scenario":<32}{"relocations":>12}{"ms":>22}')
        for name, c in loads.items():
            ms = f'{c["median"]:.1f} [{c["min"]:.1f}..{c["max"]:.1f}]'
            out.append(f'  {name:<32}{c["relocs"]:>12}{ms:>22}')
        for kind, what in (('livepatch-{}-vmlinux-relocs',
                            'a relocation for vmlinux, applied as the livepatch loads'),
                           ('target-with-{}-late-relocs',
                            'a late relocation, applied as the patched module loads')):
            with_r = [c for n, c in loads.items()
                      if n == kind.format(c['relocs']) and c['relocs']]
            without = loads.get(kind.format(0))
            if with_r and without:
                c = with_r[0]
                us = (c['median'] - without['median']) * 1000 / c['relocs']
                out.append(f'  {what}: {us:.1f} us')
    if data['sizes']:
        # Every kernel that has a size, base last; each other one's growth
        # against base.
        sk = []
        for per in data['sizes'].values():
            sk += [k for k in per if k not in sk]
        if 'base' in sk:
            sk = [k for k in sk if k != 'base'] + ['base']
        out.append('')
        out.append('Text size, bytes; growth against base')
        out.append(f'  {"object":<28}' + ''.join(f'{k:>18}' for k in sk))
        for obj, per in data['sizes'].items():
            row = f'  {obj:<28}'
            for k in sk:
                v, b = per.get(k), per.get('base')
                cell = '-' if v is None else str(v)
                if v is not None and b and k != 'base':
                    cell += f' {100 * (v - b) / b:+.2f}%'
                row += f'{cell:>18}'
            out.append(row)
    out.append('')
    if data['timings']:
        out.append('Harness: the last make check, seconds by stage')
        for stage, secs in data['timings']:
            out.append(f'  {stage:<28}{secs:>6}')
    else:
        out.append('Harness: no make check has run in this tree yet; '
                   'its seconds by stage appear here after one')
    return out


def medians(data):
    """Every median figure of a results.json, by a name that says what it is"""
    out = {}
    for k, calls in data.get('calls', {}).items():
        for name, c in calls.items():
            out[f'call {k} {name}'] = c['median']
    for k, tr in data.get('transitions', {}).items():
        for name, runs in tr.items():
            for what in ('enable_ms', 'disable_ms'):
                out[f'transition {k} {name} {what[:-3]}'] = \
                    statistics.median(r[what] for r in runs)
    for k, loads in data.get('loads', {}).items():
        for name, c in loads.items():
            out[f'load {k} {name}'] = c['median']
    return out


def compare(data, prev, limit=2.0):
    """Lines on how far each median is from the one of an earlier run"""
    now, before = medians(data), medians(prev)
    common = [n for n in now if n in before and before[n]]
    if not common:
        return ['Agreement with the previous run: no figure in common']
    diffs = {n: abs(now[n] - before[n]) * 100 / before[n] for n in common}
    worst = max(common, key=diffs.get)
    over = [n for n in common if diffs[n] > limit]
    out = [f'Agreement with the previous run: {len(common)} medians, '
           f'{len(common) - len(over)} within {limit:g}%, largest difference '
           f'{diffs[worst]:.2f}% ({worst})']
    for n in over:
        out.append(f'  over {limit:g}%: {n}: {before[n]:g} -> {now[n]:g} '
                   f'({diffs[n]:.2f}%)')
    return out


def write_csv(outdir, data):
    with open(os.path.join(outdir, 'calls.csv'), 'w') as f:
        f.write('kernel,scenario,ns_per_call\n')
        for k, calls in data['calls'].items():
            for name, c in calls.items():
                for v in c['raw']:
                    f.write(f'{k},{name},{v:.3f}\n')
    with open(os.path.join(outdir, 'transitions.csv'), 'w') as f:
        f.write('kernel,scenario,tasks,enable_ms,disable_ms,signals\n')
        for k, tr in data['transitions'].items():
            for name, runs in tr.items():
                for r in runs:
                    f.write(f'{k},{name},{r["tasks"]},{r["enable_ms"]},'
                            f'{r["disable_ms"]},{r["signals"]}\n')


def plot(outdir, data):
    blocks = []         # per kernel: (kernel, every run, medians)
    for k, tr in data['transitions'].items():
        points, medians = [], []
        for name, runs in tr.items():
            if name.startswith('kthreads-'):
                for r in runs:
                    points.append((r['tasks'], r['enable_ms'], r['disable_ms']))
                medians.append((statistics.median(r['tasks'] for r in runs),
                                statistics.median(r['enable_ms'] for r in runs),
                                statistics.median(r['disable_ms'] for r in runs)))
        if points:
            blocks.append((k, points, medians))
    if not blocks:
        return None
    dat = os.path.join(outdir, 'transition.dat')
    with open(dat, 'w') as f:
        f.write('# tasks enable-ms disable-ms: for each kernel, every run, then '
                '(after two blank lines) the median of each scenario\n')
        for i, (k, points, medians) in enumerate(blocks):
            f.write(f'# {k}\n')
            for p in sorted(points):
                f.write(f'{p[0]} {p[1]} {p[2]}\n')
            f.write('\n\n')
            for p in sorted(medians):
                f.write(f'{p[0]:g} {p[1]} {p[2]}\n')
            f.write('\n\n')
    plots = []
    for i, (k, _, _) in enumerate(blocks):
        for col, what, lt in ((2, 'enable', 1 + 2 * i), (3, 'disable', 2 + 2 * i)):
            plots.append(f'"{dat}" index {2 * i + 1} using 1:{col} with linespoints '
                         f'lt {lt} pt 7 title "{k}: {what} -> transition done (median)"')
            plots.append(f'"{dat}" index {2 * i} using 1:{col} with points '
                         f'lt {lt} pt 1 notitle')
    png = os.path.join(outdir, 'transition.png')
    script = f'''set terminal png size 800,600
set output "{png}"
set title "Livepatch transition latency against the number of tasks (QEMU -icount)"
set xlabel "tasks in the guest (sleeping kthreads added: 0, 100, 1000)"
set ylabel "ms"
set logscale y
set key below
set grid
plot {", ".join(plots)}
'''
    subprocess.run(['gnuplot'], input=script, text=True, check=True)
    return png


def main(argv):
    args = argv[1:]
    if cli.wants_help(argv, __doc__):
        return 0

    def usage(msg):
        return cli.usage(argv, __doc__, msg)

    if not args or args[0].startswith('-') or '=' in args[0]:
        return usage('the first argument must be the output directory')
    outdir = args.pop(0)
    sizes, timings, want_plot, setup, prev = {}, [], False, None, None
    kernels = {}
    takes_value = ('--sizes', '--timings', '--setup', '--compare')
    while args:
        a = args.pop(0)
        if a in takes_value and not args:
            return usage(f'{a} needs a value')
        if a == '--sizes':
            with open(args.pop(0)) as f:
                for line in f:
                    obj, kernel, size = line.split()
                    sizes.setdefault(obj, {})[kernel] = int(size)
        elif a == '--timings':
            path = args.pop(0)
            if os.path.exists(path):
                with open(path) as f:
                    timings = [(s, int(n)) for s, n in (l.split('\t') for l in f if '\t' in l)]
        elif a == '--plot':
            want_plot = True
        elif a == '--setup':
            setup = args.pop(0)
        elif a == '--compare':
            path = args.pop(0)
            if os.path.exists(path):
                with open(path) as f:
                    prev = json.load(f)
        elif a.startswith('-') or '=' not in a:
            return usage(f"'{a}' is neither an option nor KERNEL=CONSOLE_LOG")
        else:
            kernel, path = a.split('=', 1)
            try:
                kernels[kernel] = parse(path)
            except OSError as e:
                print(f'bench_report.py: {kernel}: {e}', file=sys.stderr)
                return 1
    if not kernels:
        return usage('no KERNEL=CONSOLE_LOG')
    os.makedirs(outdir, exist_ok=True)
    data = build(kernels, sizes, timings)
    if setup:
        data['setup'] = setup
    with open(os.path.join(outdir, 'results.json'), 'w') as f:
        json.dump(data, f, indent=1)
    write_csv(outdir, data)
    lines = ([f'Guest: {setup}', ''] if setup else []) + table(data)
    if prev is not None:
        lines += [''] + compare(data, prev)
    if want_plot:
        png = plot(outdir, data)
        if png:
            lines.append('')
            lines.append(f'Plot: {os.path.relpath(png)}')
    print('\n'.join(lines))
    with open(os.path.join(outdir, 'table.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
