#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one guest run from its console: KTAP results, kernel splats, and
whether the guest got through its work.

The console carries the kernel's messages (console loglevel 5: warnings and
worse), the kselftest runner's KTAP output, the harness markers printed by
guest/init, and at the end a dump of the whole kernel log.
"""
import re

# A kernel report that fails the run even when every test said ok.
SPLAT = re.compile(
    r'WARNING:|BUG:|Oops|Unable to handle kernel|Kernel panic|kernel BUG at'
    r'|Call trace:|UBSAN:|INFO: possible (recursive|circular)'
    r'|possible circular locking dependency|inconsistent lock state'
    r'|KASAN:|KFENCE:|W\+X mappings: FAILED|Found insecure W\+X mapping'
    r'|rcu: INFO: rcu_.* detected stalls|blocked for more than \d+ seconds'
    r'|Internal error:|SError Interrupt')

# The fault injection test (tests/guest/mutants/test-faults.sh) makes
# allocations fail on purpose, and the kernel reports some of those failures
# with a stack trace.  Between its two markers, and only there, the one
# "Call trace:" that follows each allocation failure report is expected.
# Anything else in that window (a WARNING, a KASAN or lockdep report, a
# trace without an allocation failure before it) still fails the run.
FAULTS_BEGIN = 'klp-harness-faults: begin'
FAULTS_END = 'klp-harness-faults: end'
ALLOC_FAILURE = re.compile(r'page allocation failure: order:\d+|vmalloc error: size \d+')
# The kernel's timestamp of a console line.  The dump of the kernel log at
# the end may have lost the window's start marker (a long run fills the
# ring buffer), so there the window is the span of kernel time that the
# markers enclosed on the console.
KTIME = re.compile(r'^\[\s*(\d+\.\d+)\]')

RESULT = re.compile(r'^(not )?ok (\d+)\s+(?:selftests: )?(.*?)\s*(?:#\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)\s*$')
HEADER = re.compile(r'^# selftests: (.*?)\s*$')
MARK = 'klp-harness: '


class Result:
    def __init__(self, name, result, seconds=0.0, detail=''):
        self.name, self.result, self.seconds, self.detail = name, result, seconds, detail

    def __repr__(self):
        return f'Result({self.name!r}, {self.result!r}, {self.seconds:.1f}, {self.detail!r})'

    def tsv(self, group):
        detail = self.detail.replace('\t', ' ').replace('\n', ' ')
        return f'{group}\t{self.name}\t{self.result}\t{self.seconds:.1f}\t{detail}'


def clean(line):
    return line.replace('\r', '').rstrip('\n')


def parse(lines):
    """lines: iterable of (seconds since start, text).  Returns a dict."""
    # One KTAP document per kselftest collection: each has its own plan.
    st = {'init': None, 'finished': None, 'docs': [], 'tests': [],
          'splats': [], 'panic': False, 'last_t': 0.0, 'injected': 0}
    start = None            # when the current test began
    in_dmesg = False
    in_faults = False       # between the fault injection test's markers
    alloc_failure = False   # an allocation failure report awaits its trace
    windows = []            # [start, end] kernel times of those windows
    for t, raw in lines:
        line = clean(raw)
        st['last_t'] = t
        m = KTIME.match(line)
        ktime = float(m.group(1)) if m else None
        if FAULTS_BEGIN in line or FAULTS_END in line:
            in_faults = FAULTS_BEGIN in line
            alloc_failure = False
            if in_faults:
                windows.append([ktime, None])
            elif windows:
                windows[-1][1] = ktime
        else:
            if in_dmesg and ktime is not None:
                in_faults = any(b is not None and b <= ktime and (e is None or ktime <= e)
                                for b, e in windows)
                alloc_failure = alloc_failure and in_faults
            if in_faults and ALLOC_FAILURE.search(line):
                alloc_failure = True
            elif alloc_failure and 'Call trace:' in line:
                alloc_failure = False
                st['injected'] += 1
                continue
        if SPLAT.search(line):
            st['splats'].append(line.strip())
            if 'Kernel panic' in line:
                st['panic'] = True
        if line.startswith(MARK):
            what = line[len(MARK):]
            if what.startswith('init:'):
                st['init'] = t
                start = t
            elif what == 'finished':
                st['finished'] = t
            elif what == 'dmesg begin':
                in_dmesg = True
            elif what == 'dmesg end':
                in_dmesg = False
            continue
        if in_dmesg:
            continue
        if line.startswith('TAP version'):
            st['docs'].append({'plan': None, 'seen': set()})
            continue
        m = PLAN.match(line)
        if m:
            if not st['docs'] or st['docs'][-1]['plan'] is not None:
                st['docs'].append({'plan': None, 'seen': set()})
            st['docs'][-1]['plan'] = int(m.group(1))
            start = t
            continue
        m = HEADER.match(line)
        if m:
            start = t
            continue
        m = RESULT.match(line)
        if m:
            failed, num, name, directive = m.group(1), int(m.group(2)), m.group(3), m.group(4) or ''
            d = directive.strip()
            if d.upper().startswith('SKIP'):
                res = 'skip'
            elif failed:
                res = 'fail'
            elif d.upper().startswith('TODO'):
                res = 'fail'   # an expected failure is not a pass here
            else:
                res = 'pass'
            secs = t - start if start is not None else 0.0
            if not st['docs']:
                st['docs'].append({'plan': None, 'seen': set()})
            st['docs'][-1]['seen'].add(num)
            st['tests'].append(Result(name.strip(), res, secs, d))
            start = t
    return st


def judge(st, exit_kind, timeout=None, tail=None):
    """Turn a parsed console into results.

    exit_kind: 'poweroff' (QEMU exited after the guest powered off),
    'timeout' (the harness killed it), or 'exit' (QEMU exited otherwise).
    """
    res = []
    boot = Result('boot to /init', 'pass' if st['init'] is not None else 'fail',
                  st['init'] or 0.0)
    if st['init'] is None:
        boot.detail = 'the kernel never started /init'
    res.append(boot)

    res.extend(st['tests'])
    for i, doc in enumerate(st['docs']):
        if doc['plan'] is None:
            continue
        where = f' (collection {i + 1})' if len(st['docs']) > 1 else ''
        for num in range(1, doc['plan'] + 1):
            if num not in doc['seen']:
                res.append(Result(f'test #{num} of {doc["plan"]}{where}', 'fail', 0.0,
                                  'no result: the guest stopped before it ran'))

    done = Result('guest finished its work', 'pass', st['last_t'])
    if exit_kind == 'timeout':
        done.result, done.detail = 'fail', f'timed out after {timeout} s'
    elif st['panic']:
        done.result, done.detail = 'fail', 'kernel panic'
    elif st['finished'] is None:
        done.result, done.detail = 'fail', 'the guest stopped before the tests finished'
    res.append(done)

    splat = Result('kernel log clean', 'pass')
    if st['injected']:
        splat.detail = (f'{st["injected"]} stack trace(s) of injected allocation '
                        f'failures expected')
    if st['splats']:
        splat.result = 'fail'
        splat.detail = f'{len(st["splats"])} line(s) like: {st["splats"][0]}'
    res.append(splat)
    return res
