# SPDX-License-Identifier: GPL-2.0
"""Config verification: what a fragment asks for must be in the .config."""
import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'harness'))
import verify_config as vc  # noqa: E402

CONFIG = """\
CONFIG_MODULES=y
CONFIG_NR_CPUS=4
CONFIG_CMDLINE="a b"
# CONFIG_KASAN is not set
""".splitlines(True)


class ConfigTest(unittest.TestCase):
    def test_all_stuck(self):
        frag = ('f', ['CONFIG_MODULES=y\n', 'CONFIG_NR_CPUS=4\n', '# CONFIG_KASAN is not set\n',
                      '# CONFIG_NOT_THERE is not set\n', 'CONFIG_CMDLINE="a b"\n'])
        self.assertEqual(vc.mismatches(CONFIG, [frag]), [])

    def test_dropped_symbol_is_reported(self):
        frag = ('debug.config', ['CONFIG_KASAN=y\n', 'CONFIG_MODULES=y\n'])
        self.assertEqual(vc.mismatches(CONFIG, [frag]),
                         ['CONFIG_KASAN: debug.config asks for y, the config has not set'])

    def test_every_dropped_symbol_is_listed(self):
        frag = ('f', ['CONFIG_A=y\n', 'CONFIG_B=m\n', 'CONFIG_NR_CPUS=8\n'])
        bad = vc.mismatches(CONFIG, [frag])
        self.assertEqual(len(bad), 3)
        self.assertIn('CONFIG_NR_CPUS: f asks for 8, the config has 4', bad)

    def test_later_fragment_wins(self):
        frags = [('a', ['CONFIG_KASAN=y\n']), ('b', ['# CONFIG_KASAN is not set\n'])]
        self.assertEqual(vc.mismatches(CONFIG, frags), [])

    def test_unset_request_violated(self):
        frag = ('f', ['# CONFIG_MODULES is not set\n'])
        self.assertEqual(vc.mismatches(CONFIG, [frag]),
                         ['CONFIG_MODULES: f asks for n, the config has y'])

    def test_main_exit_status(self):
        import tempfile
        d = tempfile.mkdtemp()
        cfg, frag = os.path.join(d, 'config'), os.path.join(d, 'x.config')
        open(cfg, 'w').writelines(CONFIG)
        open(frag, 'w').write('CONFIG_KPROBES=y\n')
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(vc.main(['v', cfg, frag]), 1)
        self.assertIn('CONFIG_KPROBES: x.config asks for y', err.getvalue())
        open(frag, 'w').write('CONFIG_MODULES=y\n')
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(vc.main(['v', cfg, frag]), 0)


if __name__ == '__main__':
    unittest.main()
