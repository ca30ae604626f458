# SPDX-License-Identifier: GPL-2.0
"""Host tests of harness/bench_report.py: BENCH lines to the table."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, '..', '..', 'harness', 'bench_report.py')

LOG = '''[ 1.0] # BENCH call plain 1000 11000
# BENCH call plain 1000 11200
# BENCH call livepatched 1000 112000
# BENCH transition kthreads-0 54 1600200 1200000 0
# BENCH transition kthreads-0 54 1700200 1100000 0
# BENCH transition kthreads-0 54 1650200 1000000 0
# BENCH load livepatch-0-vmlinux-relocs 0 80400
# BENCH load target-with-0-late-relocs 0 20400
# BENCH load livepatch-2000-vmlinux-relocs 2000 120400
# BENCH load target-with-2000-late-relocs 2000 70400
# BENCH load livepatch-0-vmlinux-relocs 0 82400
# BENCH load target-with-0-late-relocs 0 22400
# BENCH load livepatch-2000-vmlinux-relocs 2000 122400
# BENCH load target-with-2000-late-relocs 2000 72400
'''


class BenchReportTest(unittest.TestCase):
    def run_report(self, log, *extra, prev=None):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'console.log')
            with open(path, 'w') as f:
                f.write(log)
            args = [sys.executable, REPORT, d, 'series=' + path, *extra]
            if prev is not None:
                with open(os.path.join(d, 'prev.json'), 'w') as f:
                    json.dump(prev, f)
                args += ['--compare', os.path.join(d, 'prev.json')]
            out = subprocess.run(args, capture_output=True, text=True,
                                 check=True).stdout
            with open(os.path.join(d, 'results.json')) as f:
                return out, json.load(f)

    def test_call_cost_median_and_ratio(self):
        out, data = self.run_report(LOG)
        self.assertEqual(data['calls']['series']['plain']['median'], 11.1)
        self.assertIn('112.0 [112.0..112.0] x10.09', out)

    def test_vmlinux_rows_against_the_plain_vmlinux_call(self):
        log = LOG + ('# BENCH call plain-vmlinux 1000 20000\n'
                     '# BENCH call direct-vmlinux-far 1000 30000\n'
                     '# BENCH call direct-near 1000 22200\n')
        out, _ = self.run_report(log)
        rows = {l.split()[0]: l for l in out.splitlines() if l.startswith('  ')}
        self.assertIn('30.0 [30.0..30.0] x1.50', rows['direct-vmlinux-far'])
        self.assertIn('22.2 [22.2..22.2] x2.00', rows['direct-near'])
        # the plain calls themselves get no ratio
        self.assertNotIn(' x', rows['plain-vmlinux'])

    def test_text_growth_against_base(self):
        with tempfile.TemporaryDirectory() as d:
            log, sizes = os.path.join(d, 'c.log'), os.path.join(d, 'sizes.txt')
            with open(log, 'w') as f:
                f.write(LOG)
            with open(sizes, 'w') as f:
                f.write('vmlinux-.text series 1025000\n'
                        'vmlinux-.text base 1000000\n'
                        'vmlinux-.text series-nofuncplt 1000500\n')
            out = subprocess.run([sys.executable, REPORT, d, 'series=' + log,
                                  '--sizes', sizes],
                                 capture_output=True, text=True, check=True).stdout
        row = [l for l in out.splitlines() if l.strip().startswith('vmlinux-.text')][0]
        self.assertEqual(row.split(), ['vmlinux-.text', '1025000', '+2.50%',
                                       '1000500', '+0.05%', '1000000'])

    def test_transitions_only_kernel(self):
        """The two-vCPU run: a transition table of its own, no call column"""
        with tempfile.TemporaryDirectory() as d:
            one, two = os.path.join(d, 'one.log'), os.path.join(d, 'two.log')
            with open(one, 'w') as f:
                f.write(LOG)
            with open(two, 'w') as f:
                f.write('# BENCH transition kthreads-1000 1044 12000 30000 0\n'
                        '# BENCH transition kthreads-1000 1044 14000 32000 0\n')
            out = subprocess.run([sys.executable, REPORT, d, 'series=' + one,
                                  'series-2cpu=' + two, '--plot'],
                                 capture_output=True, text=True, check=True).stdout
            with open(os.path.join(d, 'transition.dat')) as f:
                dat = f.read()
        self.assertIn('Transition latency (series-2cpu kernel)', out)
        row = [l for l in out.splitlines() if l.strip().startswith('kthreads-1000')][0]
        self.assertEqual(row.split()[1:3], ['1044', '13.0'])
        header = [l for l in out.splitlines() if l.strip().startswith('scenario')][0]
        self.assertNotIn('series-2cpu', header)
        self.assertIn('# series-2cpu', dat)

    def test_tries_of_the_scale_runs(self):
        """Transition lines with the tries at completing them (scale mode)"""
        log = ('# BENCH transition kthreads-10000 10060 900000 1100000 0 3 120000 2 80000\n'
               '# BENCH transition kthreads-10000 10060 1000000 1200000 0 5 200000 2 90000\n'
               '# BENCH transition kthreads-10000 10060 950000 1000000 0 4 150000 1 40000\n')
        out, data = self.run_report(log)
        runs = data['transitions']['series']['kthreads-10000']
        self.assertEqual([r['enable_tries'] for r in runs], [3, 5, 4])
        self.assertEqual(runs[1]['enable_tries_ms'], 200.0)
        self.assertEqual(runs[2]['disable_tries_ms'], 40.0)
        row = [l for l in out.splitlines() if l.strip().startswith('kthreads-10000')]
        self.assertEqual(len(row), 2)
        self.assertEqual(row[0].split()[1:3], ['10060', '950.0'])
        self.assertEqual(row[1].split(), ['kthreads-10000', '4', '[3..5]', '150.0',
                                          '[120.0..200.0]', '2', '[1..2]', '80.0',
                                          '[40.0..90.0]'])
        # a line with another number of fields is not a transition
        out, data = self.run_report(log + '# BENCH transition kthreads-10 60 1 2 0 7\n')
        self.assertEqual(list(data['transitions']['series']), ['kthreads-10000'])

    def test_transitions_median_min_max_of_every_run(self):
        out, _ = self.run_report(LOG)
        row = [l for l in out.splitlines() if l.strip().startswith('kthreads-0')][0]
        # microseconds in the BENCH lines, milliseconds in the table
        self.assertEqual(row.split()[1:], ['54', '1650.2', '[1600.2..1700.2]',
                                           '1100.0', '[1000.0..1200.0]', '0'])
        self.assertIn('median [min..max] of 3 runs', out)

    def test_load_cost_and_cost_per_relocation(self):
        out, data = self.run_report(LOG)
        loads = data['loads']['series']
        self.assertEqual(loads['livepatch-2000-vmlinux-relocs']['raw'], [120.4, 122.4])
        self.assertEqual(loads['target-with-2000-late-relocs']['relocs'], 2000)
        # (121 - 81) ms / 2000 and (71 - 21) ms / 2000
        self.assertIn('a relocation for vmlinux, applied as the livepatch loads: 20.0 us', out)
        self.assertIn('a late relocation, applied as the patched module loads: 25.0 us', out)

    def test_no_load_lines_no_load_table(self):
        out, data = self.run_report('# BENCH call plain 1000 11000\n')
        self.assertEqual(data['loads'], {})
        self.assertNotIn('Load cost', out)

    def test_setup_line_and_record(self):
        out, data = self.run_report(LOG, '--setup', 'QEMU -smp 1')
        self.assertTrue(out.startswith('Guest: QEMU -smp 1\n'))
        self.assertEqual(data['setup'], 'QEMU -smp 1')

    def test_compare_same_run_agrees(self):
        _, first = self.run_report(LOG)
        out, _ = self.run_report(LOG, prev=first)
        self.assertIn('Agreement with the previous run: 8 medians, 8 within 2%, '
                      'largest difference 0.00%', out)
        self.assertNotIn('over 2%', out)

    def test_compare_names_each_median_over_two_percent(self):
        _, first = self.run_report(LOG)
        # plain: median 11100 -> 11400 ns per 1000 calls (+2.70%);
        # kthreads-0 disable: 1100 -> 1110 ms (+0.91%)
        log = LOG.replace('plain 1000 11200', 'plain 1000 11800')
        log = log.replace('54 1700200 1100000 0', '54 1700200 1110000 0')
        out, _ = self.run_report(log, prev=first)
        self.assertIn('8 medians, 7 within 2%, largest difference 2.70% '
                      '(call series plain)', out)
        self.assertIn('  over 2%: call series plain: 11.1 -> 11.4 (2.70%)', out)
        self.assertNotIn('kthreads-0 disable (', out)

    def test_compare_without_previous_run(self):
        out, _ = self.run_report(LOG, '--compare', '/nonexistent/results.json')
        self.assertNotIn('Agreement', out)

    def test_harness_timings_of_the_last_make_check(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'check-timings.tsv')
            with open(path, 'w') as f:
                f.write('host-tests\t13\nguest-default-max\t274\n')
            out, _ = self.run_report(LOG, '--timings', path)
        self.assertIn('Harness: the last make check, seconds by stage', out)
        self.assertEqual([l.split() for l in out.splitlines()
                          if l.startswith('  guest-default-max')],
                         [['guest-default-max', '274']])

    def test_harness_timings_without_a_make_check(self):
        out, _ = self.run_report(LOG, '--timings', '/nonexistent/check-timings.tsv')
        self.assertIn('Harness: no make check has run in this tree yet', out)
        self.assertNotIn('seconds by stage\n', out)

    def test_plot_every_run_and_the_medians(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'console.log')
            with open(path, 'w') as f:
                f.write(LOG)
            subprocess.run([sys.executable, REPORT, d, 'series=' + path, '--plot'],
                           capture_output=True, text=True, check=True)
            with open(os.path.join(d, 'transition.dat')) as f:
                blocks = f.read().split('\n\n\n')
            self.assertTrue(os.path.getsize(os.path.join(d, 'transition.png')) > 0)
        runs = [l for l in blocks[0].splitlines() if not l.startswith('#')]
        self.assertEqual(len(runs), 3)
        self.assertEqual(blocks[1].split(), ['54', '1650.2', '1100.0'])


if __name__ == '__main__':
    unittest.main()
