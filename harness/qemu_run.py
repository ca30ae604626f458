#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a kernel under QEMU, keep the console log, judge the run.

The QEMU profile (qemu/*.conf) names the machine, the CPU and, with "arch=",
the QEMU system emulator (qemu-system-ARCH, aarch64 unless it says
otherwise).  The guest gets only the devices it uses: a serial console, and
no network card, so that no option ROM or firmware file is needed.

usage: qemu_run.py --profile-conf qemu/max.conf --kernel Image --initrd I
                   --append ARGS --log console.log [--results out.tsv]
                   [--group NAME] [--timeout S] [--show all|user|none]
                   [--interactive] [--extra "qemu args"] [--smp N]
"""
import argparse
import os
import select
import shlex
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402


def read_conf(path):
    conf = {}
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                k, v = line.split('=', 1)
                conf[k.strip()] = v.strip()
    for k in ('machine', 'cpu'):
        if k not in conf:
            sys.exit(f'error: {path}: no "{k}=" line')
    return conf


def qemu_cmd(conf, a):
    cmd = ['qemu-system-' + conf.get('arch', 'aarch64'),
           '-M', conf['machine'], '-cpu', conf['cpu'],
           '-smp', a.smp or conf.get('smp', '2'), '-m', conf.get('memory', '2048'),
           '-nographic', '-no-reboot', '-nic', 'none',
           '-kernel', a.kernel, '-append', a.append]
    if a.initrd:
        cmd += ['-initrd', a.initrd]
    cmd += shlex.split(conf.get('extra', '')) + shlex.split(a.extra or '')
    return cmd


def run(a):
    conf = read_conf(a.profile_conf)
    cmd = qemu_cmd(conf, a)
    if a.interactive:
        os.execvp(cmd[0], cmd)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines, buf, exit_kind = [], b'', 'exit'
    in_dmesg = False
    # Once /init says it has finished (and then dumps the kernel log), the
    # guest has this long of silence to power off: a kernel that cannot
    # power off halts instead.
    finished_at, poweroff_grace = None, 60.0
    with open(a.log, 'w') as log:
        log.write('# ' + ' '.join(shlex.quote(c) for c in cmd) + '\n')
        while True:
            left = a.timeout - (time.monotonic() - t0)
            if left <= 0:
                exit_kind = 'timeout'
                break
            if finished_at is not None and time.monotonic() - finished_at > poweroff_grace:
                log.write(f'# qemu_run: finished, then {poweroff_grace:.0f} s without '
                          'output and no power off; stopping QEMU\n')
                break
            r, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
            if not r:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *full, buf = buf.split(b'\n')
            now = time.monotonic() - t0
            for b in full:
                text = b.decode('utf-8', 'replace')
                lines.append((now, text))
                log.write(text + '\n')
                c = ktap.clean(text)
                if c == 'klp-harness: dmesg begin':
                    in_dmesg = True
                if a.show == 'all' or (a.show == 'user' and not in_dmesg
                                       and not c.startswith('[')
                                       and not c.startswith('klp-harness: dmesg')):
                    print(c, flush=True)
                if c == 'klp-harness: dmesg end':
                    in_dmesg = False
                if c == 'klp-harness: finished' or finished_at is not None:
                    finished_at = time.monotonic()
            log.flush()
        if buf:
            lines.append((time.monotonic() - t0, buf.decode('utf-8', 'replace')))
            log.write(buf.decode('utf-8', 'replace') + '\n')
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    st = ktap.parse(lines)
    if exit_kind != 'timeout' and st['finished'] is not None:
        exit_kind = 'poweroff'
    results = ktap.judge(st, exit_kind, a.timeout)
    ok = all(r.result != 'fail' for r in results)
    if not ok and (exit_kind == 'timeout' or st['finished'] is None or st['panic']):
        print(f'--- {a.group}: the guest did not finish; last 50 console lines '
              f'({a.log}):', file=sys.stderr)
        for _, text in lines[-50:]:
            print('  | ' + ktap.clean(text), file=sys.stderr)
    if a.results:
        with open(a.results, 'a') as f:
            for r in results:
                f.write(r.tsv(a.group) + '\n')
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--profile-conf', required=True)
    p.add_argument('--kernel', required=True)
    p.add_argument('--initrd')
    p.add_argument('--append', default='')
    p.add_argument('--log', default='/dev/null')
    p.add_argument('--results')
    p.add_argument('--group', default='guest')
    p.add_argument('--timeout', type=float, default=900)
    p.add_argument('--show', choices=('all', 'user', 'none'), default='none')
    p.add_argument('--interactive', action='store_true')
    p.add_argument('--extra')
    p.add_argument('--smp', help="vCPUs, instead of the profile's smp=")
    sys.exit(run(p.parse_args()))


if __name__ == '__main__':
    main()
