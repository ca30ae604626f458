#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the host tests; write one results row per test case.

usage: run.py [RESULTS.tsv]
"""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class Recorder(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.rows = []
        self._t = 0.0

    def startTest(self, test):
        self._t = time.monotonic()
        super().startTest(test)

    def _row(self, test, result, detail=''):
        name = test.id().split('.', 1)[-1]
        detail = detail.strip().splitlines()[-1] if detail.strip() else ''
        self.rows.append((name, result, time.monotonic() - self._t, detail))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._row(test, 'pass')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._row(test, 'fail', self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._row(test, 'fail', self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._row(test, 'skip', reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._row(test, 'fail', 'expected failures are not allowed')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._row(test, 'fail', 'expected failures are not allowed')


def main(argv):
    suite = unittest.defaultTestLoader.discover(HERE, pattern='test_*.py', top_level_dir=HERE)
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=1, stream=sys.stderr)
    result = runner.run(suite)
    if len(argv) > 1:
        with open(argv[1], 'w') as f:
            for name, res, secs, detail in result.rows:
                detail = detail.replace('\t', ' ')
                f.write(f'host\t{name}\t{res}\t{secs:.1f}\t{detail}\n')
    return 0 if result.wasSuccessful() and result.testsRun else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
