# SPDX-License-Identifier: GPL-2.0
"""Host tests of the QEMU side of the harness: harness/qemu_run.py's command
line for every QEMU profile in qemu/, and the kernel profiles' settings."""
import glob
import os
import subprocess
import sys
import tempfile
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, '..', '..')
sys.path.insert(0, os.path.join(TOP, 'harness'))
import qemu_run  # noqa: E402

PROFILES = sorted(glob.glob(os.path.join(TOP, 'qemu', '*.conf')))


def cmd_for(conf_path):
    conf = qemu_run.read_conf(conf_path)
    a = types.SimpleNamespace(smp=None, kernel='K', append='A', initrd='I', extra='')
    return conf, qemu_run.qemu_cmd(conf, a)


class QemuCommandTest(unittest.TestCase):
    def test_profiles_exist(self):
        names = {os.path.basename(p)[:-5] for p in PROFILES}
        self.assertLessEqual({'max', 'a57', 'a53', 'x86_64'}, names)

    def test_no_network_card(self):
        """No NIC, so no option ROM (efi-virtio.rom) is needed: ipxe-qemu is
        only a Recommends of qemu-system-arm."""
        for p in PROFILES:
            _, cmd = cmd_for(p)
            i = cmd.index('-nic')
            self.assertEqual(cmd[i + 1], 'none', p)

    def test_emulator_of_the_profile(self):
        for p in PROFILES:
            conf, cmd = cmd_for(p)
            arch = conf.get('arch', 'aarch64')
            self.assertEqual(cmd[0], 'qemu-system-' + arch, p)
        _, cmd = cmd_for(os.path.join(TOP, 'qemu', 'x86_64.conf'))
        self.assertIn('-vga', cmd)
        self.assertEqual(cmd[cmd.index('-vga') + 1], 'none')


class KernelProfileTest(unittest.TestCase):
    """profile_get / load_profile of harness/lib.sh, as build.sh uses them"""

    def load(self, profile):
        script = ('. harness/lib.sh; load_profile "$1"; '
                  'echo "$KARCH $KCC $KIMAGE $DEB_ARCH"; echo "${KBUILD_ARGS[*]}"; '
                  'profile_fragments "$1" | xargs')
        # lib.sh makes OUT's log directories: give it a scratch one.
        with tempfile.TemporaryDirectory() as out_dir:
            out = subprocess.run(['bash', '-c', script, 'x', profile], cwd=TOP,
                                 capture_output=True, text=True, check=True,
                                 env=dict(os.environ, OUT=out_dir)).stdout
        return out.splitlines()

    def test_default(self):
        what, args, frags = self.load('default')
        self.assertEqual(what, 'arm64 gcc arch/arm64/boot/Image arm64')
        self.assertIn('CROSS_COMPILE=aarch64-linux-gnu-', args)
        self.assertEqual(frags, 'base arm64 default livepatch')

    def test_clang_pins_one_llvm(self):
        what, args, frags = self.load('clang')
        self.assertEqual(what.split()[:2], ['arm64', 'clang'])
        llvm = [a for a in args.split() if a.startswith('LLVM=')]
        self.assertEqual(len(llvm), 1)
        self.assertRegex(llvm[0], r'^LLVM=-[0-9]+$')
        self.assertIn('CC=ccache clang' + llvm[0][5:], args)
        self.assertIn('clang', frags.split())

    def test_x86_64(self):
        what, args, frags = self.load('x86_64')
        self.assertEqual(what, 'x86_64 gcc arch/x86/boot/bzImage amd64')
        self.assertIn('ARCH=x86_64', args)
        self.assertNotIn('arm64', frags.split())


if __name__ == '__main__':
    unittest.main()
