# SPDX-License-Identifier: GPL-2.0
"""The results table and its closing line."""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'harness'))
import report  # noqa: E402


class ReportTest(unittest.TestCase):
    def run_report(self, text):
        with tempfile.NamedTemporaryFile('w', suffix='.tsv', delete=False) as f:
            f.write(text)
        try:
            rows = report.load([f.name])
            return report.render(rows)
        finally:
            os.unlink(f.name)

    def test_counts_and_last_line(self):
        out, n = self.run_report('a\tt1\tpass\t1.0\t\na\tt2\tfail\t2.0\tboom\nb\tt3\tskip\t0\twhy\n')
        self.assertEqual(out[-1], '1 passed, 1 failed, 1 skipped')
        self.assertTrue(any('FAIL' in line and 'boom' in line for line in out))

    def test_no_skip_suffix(self):
        out, _ = self.run_report('a\tt1\tpass\t1.0\t\n')
        self.assertEqual(out[-1], '1 passed, 0 failed')

    def test_nothing_ran_is_a_failure(self):
        with tempfile.NamedTemporaryFile('w', suffix='.tsv', delete=False) as f:
            pass
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(report.main(['report.py', f.name]), 1)
        finally:
            os.unlink(f.name)


if __name__ == '__main__':
    unittest.main()
