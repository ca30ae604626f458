# SPDX-License-Identifier: GPL-2.0
"""Every harness command written in Python: --help prints its usage and
succeeds, and a wrong command line fails with its usage and writes nothing
(bench_report.py once took "--help" for its output directory)."""
import os
import subprocess
import sys
import tempfile
import unittest

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'harness')
COMMANDS = ('bench_report.py', 'bti_audit.py', 'cover_letter.py', 'klp_mutants.py',
            'qemu_run.py', 'report.py', 'verify_config.py')

# A wrong command line for each: no arguments where some are needed, an
# unknown option, an option without its value.
WRONG = {
    'bench_report.py': ([], ['--bogus'], ['out'], ['out', 'no-equals-sign'],
                        ['out', '--sizes'], ['series=log']),
    'cover_letter.py': ([], ['--bogus'], ['check']),
    'klp_mutants.py': ([], ['--bogus'], ['good.ko'], ['good.ko', 'out', 'extra']),
    'report.py': (['--bogus'],),
    'verify_config.py': ([], ['.config'], ['--base'], ['--changes', 'x', '.config', 'f']),
}


class CommandLineTest(unittest.TestCase):
    def run_in_scratch(self, cmd, args):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([sys.executable, os.path.join(HARNESS, cmd)] + list(args),
                               cwd=d, capture_output=True, text=True, timeout=60)
            return r, os.listdir(d)

    def test_every_command_is_listed(self):
        found = []
        for f in os.listdir(HARNESS):
            if f.endswith('.py'):
                with open(os.path.join(HARNESS, f)) as src:
                    if "__name__ == '__main__'" in src.read():
                        found.append(f)
        self.assertEqual(sorted(found), sorted(COMMANDS))

    def test_bench_report_names_a_missing_console_log(self):
        r, left = self.run_in_scratch('bench_report.py', ['out', 'series=no-such.log'])
        self.assertEqual(r.returncode, 1)
        self.assertIn('series: ', r.stderr)
        self.assertIn('no-such.log', r.stderr)
        self.assertNotIn('Traceback', r.stderr)
        self.assertEqual(left, [])

    def test_help_prints_usage_and_writes_nothing(self):
        for cmd in COMMANDS:
            with self.subTest(cmd=cmd):
                r, left = self.run_in_scratch(cmd, ['--help'])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn('usage', r.stdout.lower())
                self.assertEqual(left, [])

    def test_wrong_command_line_fails_with_usage_and_writes_nothing(self):
        for cmd, cases in WRONG.items():
            for args in cases:
                with self.subTest(cmd=cmd, args=args):
                    r, left = self.run_in_scratch(cmd, args)
                    self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                    self.assertIn('usage', r.stderr.lower())
                    self.assertNotIn('Traceback', r.stderr)
                    self.assertEqual(left, [])


if __name__ == '__main__':
    unittest.main()
