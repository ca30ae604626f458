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


# Against a distribution's configuration (--base).
BASE = """\
CONFIG_MODULES=y
CONFIG_NR_CPUS=512
CONFIG_PREEMPT_VOLUNTARY=y
CONFIG_VIRTIO_NET=m
CONFIG_CC_HAS_FOO=y
CONFIG_KVM=y
# CONFIG_LIVEPATCH is not set
""".splitlines(True)

AFTER = """\
CONFIG_MODULES=y
CONFIG_NR_CPUS=512
CONFIG_PREEMPT_VOLUNTARY=y
CONFIG_VIRTIO_NET=m
CONFIG_KVM=y
CONFIG_LIVEPATCH=y
CONFIG_HAVE_NEW_THING=y
""".splitlines(True)


class BaseConfigTest(unittest.TestCase):
    frag = [('livepatch.config', ['CONFIG_LIVEPATCH=y\n'])]

    def test_sorted_by_kind(self):
        ch = vc.changes(BASE, AFTER, self.frag)
        self.assertEqual(ch['asked'], ['CONFIG_LIVEPATCH: n -> y (livepatch.config)'])
        self.assertEqual(ch['new'], ['CONFIG_HAVE_NEW_THING: unset -> y'])
        self.assertEqual(ch['toolchain'], ['CONFIG_CC_HAS_FOO: y -> unset'])
        self.assertEqual(ch['forced off'], [])

    def test_forced_off_and_weakened(self):
        after = [line for line in AFTER if 'KVM' not in line]
        after = [line.replace('PREEMPT_VOLUNTARY=y', 'PREEMPT_VOLUNTARY=m') for line in after]
        after = [line.replace('VIRTIO_NET=m', 'VIRTIO_NET=y') for line in after]
        after.append('CONFIG_NR_CPUS=8\n')
        ch = vc.changes(BASE, after, self.frag)
        self.assertEqual(ch['forced off'], ['CONFIG_KVM: y -> unset',
                                            'CONFIG_PREEMPT_VOLUNTARY: y -> m'])
        self.assertEqual(ch['changed'], ['CONFIG_NR_CPUS: 512 -> 8',
                                         'CONFIG_VIRTIO_NET: m -> y'])

    def test_toolchain_is_what_the_compiler_can_do(self):
        for sym in ('CONFIG_CC_HAS_FOO', 'CONFIG_AS_IS_GNU', 'CONFIG_LD_CAN_USE_KEEP_IN_OVERLAY',
                    'CONFIG_TOOLCHAIN_HAS_ZBB', 'CONFIG_RUSTC_VERSION', 'CONFIG_GCC_VERSION',
                    'CONFIG_PAHOLE_VERSION', 'CONFIG_CC_VERSION_TEXT',
                    'CONFIG_ARCH_USE_GNU_PROPERTY'):
            self.assertTrue(vc.TOOLCHAIN.search(sym), sym)
        # choices, which fail when they are forced off
        for sym in ('CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE', 'CONFIG_GCC_PLUGINS',
                    'CONFIG_LD_DEAD_CODE_DATA_ELIMINATION', 'CONFIG_ASN1'):
            self.assertFalse(vc.TOOLCHAIN.search(sym), sym)
        base = ['CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE=y\n']
        self.assertEqual(vc.changes(base, ['# CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE is not set\n'],
                                    [])['forced off'],
                         ['CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE: y -> n'])

    def test_a_fragment_may_turn_off(self):
        frag = self.frag + [('x.config', ['# CONFIG_KVM is not set\n'])]
        after = [line for line in AFTER if 'KVM' not in line]
        ch = vc.changes(BASE, after, frag)
        self.assertEqual(ch['forced off'], [])
        self.assertEqual(ch['asked'][0], 'CONFIG_KVM: y -> unset (x.config)')

    def test_main_fails_on_forced_off(self):
        import tempfile
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        d = tmp.name
        paths = {n: os.path.join(d, n) for n in ('base', 'config', 'livepatch.config', 'out')}
        open(paths['base'], 'w').writelines(BASE)
        open(paths['livepatch.config'], 'w').write('CONFIG_LIVEPATCH=y\n')
        argv = ['v', '--base', paths['base'], '--changes', paths['out'],
                paths['config'], paths['livepatch.config']]
        open(paths['config'], 'w').writelines(AFTER)
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(vc.main(argv), 0)
        self.assertIn('## new (1)\nCONFIG_HAVE_NEW_THING: unset -> y\n', open(paths['out']).read())
        open(paths['config'], 'w').writelines(line for line in AFTER if 'KVM' not in line)
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            self.assertEqual(vc.main(argv), 1)
        self.assertIn('forced off: CONFIG_KVM: y -> unset', err.getvalue())


if __name__ == '__main__':
    unittest.main()
