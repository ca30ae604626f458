# SPDX-License-Identifier: GPL-2.0
"""Host tests of harness/bti_audit.py on objects made with the arm64 cross
assembler: it must find a function without a landing pad, and only that."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
AUDIT = os.path.join(HERE, '..', '..', 'harness', 'bti_audit.py')
AS = 'aarch64-linux-gnu-as'

SOURCE = '''
	.text
	.globl with_bti, with_paciasp, without, code_label
	.type with_bti, %function
with_bti:
	hint 34
	ret
	.type with_paciasp, %function
with_paciasp:
	hint 25
	ret
	.type without, %function
without:
	nop
	ret
	.type __pi_early, %function
__pi_early:
	nop
	ret
code_label:
	nop
	ret
'''


class BtiAuditTest(unittest.TestCase):
    def audit(self, source):
        with tempfile.TemporaryDirectory() as d:
            s, o = os.path.join(d, 't.s'), os.path.join(d, 't.o')
            with open(s, 'w') as f:
                f.write(source)
            subprocess.run([AS, '-o', o, s], check=True)
            res = os.path.join(d, 'r.tsv')
            p = subprocess.run([sys.executable, AUDIT, '--results', res,
                                '--group', 'g', o], capture_output=True, text=True)
            with open(res) as f:
                return p.returncode, p.stdout, f.read().split('\t')

    def test_finds_the_function_without_a_landing_pad(self):
        rc, out, row = self.audit(SOURCE)
        self.assertEqual(rc, 1)
        self.assertIn('without begins with 0xd503201f', out)
        # functions with BTI C or PACIASP, __pi_* and non-function labels pass
        for name in ('with_bti', 'with_paciasp', '__pi_early', 'code_label'):
            self.assertNotIn(name + ' begins', out)
        self.assertIn('3 functions in 1 files: 1 without a landing pad', out)
        self.assertEqual(row[2], 'fail')

    def test_all_landing_pads(self):
        rc, out, row = self.audit(SOURCE.replace('without:\n\tnop', 'without:\n\thint 36'))
        self.assertEqual(rc, 0, out)
        self.assertEqual(row[2], 'pass')


if __name__ == '__main__':
    unittest.main()
