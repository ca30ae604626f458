# SPDX-License-Identifier: GPL-2.0
"""The console judge: KTAP results, splats, hangs and panics."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'harness'))
import ktap  # noqa: E402

BOOT = ['[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x000f0510]',
        'klp-harness: init: 6.12.117 aarch64, mode test']
DONE = ['klp-harness: finished', 'klp-harness: dmesg begin',
        '[    1.000000] some info line', 'klp-harness: dmesg end']


def judge(lines, exit_kind='poweroff'):
    timed = [(float(i), line) for i, line in enumerate(lines)]
    return ktap.judge(ktap.parse(timed), exit_kind, timeout=60)


def by_name(results):
    return {r.name: r for r in results}


class KtapTest(unittest.TestCase):
    def test_all_pass(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..2',
            '# selftests: harness: test-a.sh', '# TEST: a ... ok',
            'ok 1 selftests: harness: test-a.sh',
            '# selftests: harness: test-b.sh',
            'ok 2 selftests: harness: test-b.sh'] + DONE))
        self.assertEqual(res['harness: test-a.sh'].result, 'pass')
        self.assertEqual(res['harness: test-b.sh'].result, 'pass')
        self.assertEqual(res['boot to /init'].result, 'pass')
        self.assertEqual(res['guest finished its work'].result, 'pass')
        self.assertEqual(res['kernel log clean'].result, 'pass')
        self.assertEqual(len(res), 5)

    def test_seconds_span_header_to_result(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..1', '# selftests: c: t.sh', '# x', '# y',
            'ok 1 selftests: c: t.sh'] + DONE))
        self.assertEqual(res['c: t.sh'].seconds, 3.0)

    def test_fail_and_skip(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..3',
            'not ok 1 selftests: c: a.sh # exit=1',
            'ok 2 selftests: c: b.sh # SKIP',
            'ok 3 selftests: c: d.sh # TODO not yet'] + DONE))
        self.assertEqual(res['c: a.sh'].result, 'fail')
        self.assertEqual(res['c: a.sh'].detail, 'exit=1')
        self.assertEqual(res['c: b.sh'].result, 'skip')
        self.assertEqual(res['c: d.sh'].result, 'fail')

    def test_kselftest_timeout_is_a_failure(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..1',
            'not ok 1 selftests: c: slow.sh # TIMEOUT 45 seconds'] + DONE))
        self.assertEqual(res['c: slow.sh'].result, 'fail')
        self.assertIn('TIMEOUT', res['c: slow.sh'].detail)

    def test_outer_timeout(self):
        res = by_name(judge(BOOT + ['TAP version 13', '1..2',
                                    'ok 1 selftests: c: a.sh'], exit_kind='timeout'))
        self.assertEqual(res['c: a.sh'].result, 'pass')
        self.assertEqual(res['test #2 of 2'].result, 'fail')
        self.assertEqual(res['guest finished its work'].result, 'fail')
        self.assertIn('timed out', res['guest finished its work'].detail)

    def test_panic_mid_test(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..2', 'ok 1 selftests: c: a.sh',
            '# selftests: c: b.sh',
            '[    5.1] Unable to handle kernel NULL pointer dereference at virtual address 0',
            '[    5.2] Kernel panic - not syncing: Oops: Fatal exception'], exit_kind='exit'))
        self.assertEqual(res['test #2 of 2'].result, 'fail')
        self.assertEqual(res['guest finished its work'].result, 'fail')
        self.assertEqual(res['guest finished its work'].detail, 'kernel panic')
        self.assertEqual(res['kernel log clean'].result, 'fail')

    def test_truncated_output(self):
        res = by_name(judge(BOOT + ['TAP version 13', '1..3', 'ok 1 selftests: c: a.sh',
                                    'ok 2 selftests: c: b'], exit_kind='exit'))
        self.assertEqual(res['test #3 of 3'].result, 'fail')
        self.assertEqual(res['guest finished its work'].result, 'fail')

    def test_each_collection_has_its_own_plan(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..2', 'ok 1 selftests: a: t1.sh', 'ok 2 selftests: a: t2.sh',
            'TAP version 13', '1..3', 'ok 1 selftests: b: t1.sh',
            '[    9.0] Kernel panic - not syncing: Oops'], exit_kind='exit'))
        self.assertEqual(res['a: t2.sh'].result, 'pass')
        self.assertEqual(res['b: t1.sh'].result, 'pass')
        self.assertEqual(res['test #2 of 3 (collection 2)'].result, 'fail')
        self.assertEqual(res['test #3 of 3 (collection 2)'].result, 'fail')
        self.assertNotIn('test #2 of 2 (collection 1)', res)

    def test_no_boot(self):
        res = by_name(judge(['[    0.0] Booting Linux', '[    0.1] Kernel panic - not syncing: VFS'],
                            exit_kind='exit'))
        self.assertEqual(res['boot to /init'].result, 'fail')
        self.assertEqual(res['guest finished its work'].result, 'fail')

    def test_warn_between_passing_tests_fails_the_run(self):
        res = by_name(judge(BOOT + [
            'TAP version 13', '1..2', 'ok 1 selftests: c: a.sh',
            '[    3.0] ------------[ cut here ]------------',
            '[    3.0] WARNING: CPU: 1 PID: 80 at kernel/foo.c:12 foo+0x10/0x20',
            '[    3.0] Call trace:',
            'ok 2 selftests: c: b.sh'] + DONE))
        self.assertEqual(res['c: a.sh'].result, 'pass')
        self.assertEqual(res['c: b.sh'].result, 'pass')
        self.assertEqual(res['kernel log clean'].result, 'fail')
        self.assertIn('WARNING: CPU: 1', res['kernel log clean'].detail)

    def test_splats_found(self):
        for line in ['BUG: KASAN: slab-out-of-bounds in foo+0x1/0x2',
                     'WARNING: possible circular locking dependency detected',
                     'BUG: sleeping function called from invalid context at x.c:1',
                     'Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP',
                     'arm64/mm: Found insecure W+X mapping at address 0xffff',
                     'INFO: task kworker/0:1:12 blocked for more than 120 seconds.',
                     'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
                     'BUG: KFENCE: use-after-free read in foo']:
            res = by_name(judge(BOOT + ['TAP version 13', '1..0', '[ 1.0] ' + line] + DONE))
            self.assertEqual(res['kernel log clean'].result, 'fail', line)

    def test_injected_allocation_failure_traces(self):
        fail = ['[ 2.0] failnth: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)',
                '[ 2.0] CPU: 0 UID: 0 PID: 99 Comm: failnth Not tainted 6.12.117 #1',
                '[ 2.0] Call trace:', '[ 2.0]  dump_backtrace+0x0/0x10',
                '[ 2.0]  warn_alloc+0x0/0x10', '[ 2.0] Mem-Info:']
        vfail = ['[ 2.1] failnth: vmalloc error: size 8192, vm_struct allocation failed',
                 '[ 2.1] Call trace:']
        begin = ['[ 1.9] klp-harness-faults: begin']
        end = ['[ 3.0] klp-harness-faults: end']
        # expected only between the markers
        res = by_name(judge(BOOT + ['TAP version 13', '1..0'] + begin + fail + vfail + end
                            + DONE))
        self.assertEqual(res['kernel log clean'].result, 'pass')
        self.assertIn('2 stack trace(s) of injected', res['kernel log clean'].detail)
        # and in the dmesg dump
        res = by_name(judge(BOOT + ['TAP version 13', '1..0', 'klp-harness: finished',
                                    'klp-harness: dmesg begin'] + begin + fail + end +
                            ['klp-harness: dmesg end']))
        self.assertEqual(res['kernel log clean'].result, 'pass')
        # a dump that lost the start marker (the ring buffer wrapped):
        # the window is the kernel time the markers enclosed on the console
        res = by_name(judge(BOOT + ['TAP version 13', '1..0'] + begin + fail + end +
                            ['klp-harness: finished', 'klp-harness: dmesg begin'] +
                            fail + end + ['klp-harness: dmesg end']))
        self.assertEqual(res['kernel log clean'].result, 'pass')
        late = [line.replace('[ 2.0]', '[ 4.0]') for line in fail]
        res = by_name(judge(BOOT + ['TAP version 13', '1..0'] + begin + fail + end +
                            ['klp-harness: finished', 'klp-harness: dmesg begin'] +
                            late + ['klp-harness: dmesg end']))
        self.assertEqual(res['kernel log clean'].result, 'fail')
        for lines in (
                fail,                                   # no window
                begin + fail + end + fail,              # after the window
                begin + ['[ 2.0] Call trace:'] + end,   # no allocation failure
                begin + fail + ['[ 2.0] Call trace:'] + end,   # a second trace
                begin + fail + ['[ 2.0] WARNING: CPU: 0 PID: 9 at x'] + end,
                begin + ['[ 2.0] BUG: KASAN: use-after-free in x'] + end):
            res = by_name(judge(BOOT + ['TAP version 13', '1..0'] + lines + DONE))
            self.assertEqual(res['kernel log clean'].result, 'fail', lines)

    def test_splat_in_dmesg_dump_counts(self):
        res = by_name(judge(BOOT + ['TAP version 13', '1..0', 'klp-harness: finished',
                                    'klp-harness: dmesg begin',
                                    '[ 2.0] WARNING: CPU: 0 PID: 1 at x', 'klp-harness: dmesg end']))
        self.assertEqual(res['kernel log clean'].result, 'fail')

    def test_dmesg_dump_is_not_ktap(self):
        res = by_name(judge(BOOT + ['TAP version 13', '1..0', 'klp-harness: finished',
                                    'klp-harness: dmesg begin', 'ok 9 selftests: fake: x.sh',
                                    'klp-harness: dmesg end']))
        self.assertNotIn('fake: x.sh', res)

    def test_carriage_returns(self):
        res = by_name(judge([line + '\r' for line in BOOT + [
            'TAP version 13', '1..1', 'ok 1 selftests: c: a.sh'] + DONE]))
        self.assertEqual(res['c: a.sh'].result, 'pass')
        self.assertEqual(res['guest finished its work'].result, 'pass')

    def test_tsv(self):
        r = ktap.Result('c: a.sh', 'fail', 1.25, 'exit=1\tx')
        self.assertEqual(r.tsv('default/max'), 'default/max\tc: a.sh\tfail\t1.2\texit=1 x')


if __name__ == '__main__':
    unittest.main()
