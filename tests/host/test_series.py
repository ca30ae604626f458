# SPDX-License-Identifier: GPL-2.0
"""The series tooling (harness/series.sh) against a small fake base tree."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SERIES = os.path.join(TOP, 'harness', 'series.sh')
GIT = ['git', '-c', 'user.name=Test Author', '-c', 'user.email=author@example.org',
       '-c', 'commit.gpgsign=false']


def real_base():
    """checkpatch.pl and its data files come from the real base source."""
    found = glob.glob(os.path.expanduser(
        os.environ.get('KLP_CACHE', '~/.cache/klp-arm64')) + '/base/linux-source-6.12_*')
    if not found:
        raise RuntimeError('no base source in the cache: run "make base" first')
    return found[0]


GOOD_C = '''// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>

int foo(int x)
{
	return x + 1;
}
'''


class SeriesTest(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix='klp-series-test-')
        self.base = os.path.join(self.d, 'base')
        self.patches = os.path.join(self.d, 'patches')
        self.tree = os.path.join(self.d, 'tree')
        self.src = os.path.join(self.d, 'src')
        os.makedirs(os.path.join(self.base, 'lib'))
        os.makedirs(os.path.join(self.base, 'scripts'))
        os.makedirs(self.patches)
        # what checkpatch.pl looks for to believe it is at the top of a kernel tree
        for f in ('COPYING', 'CREDITS', 'Kbuild', 'MAINTAINERS', 'Makefile', 'README'):
            open(os.path.join(self.base, f), 'w').write(f + '\n')
        for d in ('Documentation', 'arch', 'include', 'drivers', 'fs', 'init', 'ipc',
                  'kernel'):
            os.makedirs(os.path.join(self.base, d))
            open(os.path.join(self.base, d, '.keep'), 'w').close()
        rb = real_base()
        for f in ('checkpatch.pl', 'spelling.txt', 'const_structs.checkpatch'):
            shutil.copy(os.path.join(rb, 'scripts', f), os.path.join(self.base, 'scripts', f))
        open(os.path.join(self.base, 'lib', 'foo.c'), 'w').write(GOOD_C)
        self.git(self.base, 'init', '-q')
        self.git(self.base, 'add', '-f', '.')
        self.git(self.base, 'commit', '-q', '-m', 'base')
        self.git(self.base, 'tag', 'base')
        open(os.path.join(self.patches, 'series'), 'w').close()
        shutil.copy(os.path.join(TOP, 'patches', 'checkpatch-exceptions'), self.patches)

    def tearDown(self):
        shutil.rmtree(self.d)

    def git(self, cwd, *args):
        return subprocess.run(GIT + ['-C', cwd] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def series(self, *args, env=None):
        e = dict(os.environ, KLP_BASE_REPO=self.base, KLP_PATCHES=self.patches,
                 KLP_TREE=self.tree, KLP_SERIES_SRC=self.src, OUT=os.path.join(self.d, 'out'))
        e.update(env or {})
        return subprocess.run(['bash', SERIES] + list(args), env=e, capture_output=True,
                              text=True)

    def commit_change(self, text, subject='lib: make foo add two',
                      body='foo() must add two now, for the test.'):
        path = os.path.join(self.tree, 'lib', 'foo.c')
        open(path, 'w').write(GOOD_C.replace('return x + 1;', text))
        self.git(self.tree, 'commit', '-q', '-a', '-m', f'{subject}\n\n{body}')

    def make_tree(self):
        r = self.series('tree')
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_export_is_stable_and_status_agrees(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        r = self.series('status')
        self.assertEqual(r.returncode, 1)
        self.assertIn('only in the work tree: 0001-lib-make-foo-add-two.patch', r.stdout)
        self.assertEqual(self.series('export').returncode, 0)
        self.assertEqual(open(os.path.join(self.patches, 'series')).read(),
                         '0001-lib-make-foo-add-two.patch\n')
        p = os.path.join(self.patches, '0001-lib-make-foo-add-two.patch')
        first = open(p).read()
        self.assertTrue(first.startswith('From 0000000000000000000000000000000000000000 '))
        self.assertIn('Subject: [PATCH] lib: make foo add two', first)
        self.assertNotIn('\n-- \n', first)
        self.assertEqual(self.series('export').returncode, 0)
        self.assertEqual(open(p).read(), first)
        r = self.series('status')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # the exceptions file is not the export's to remove
        self.assertTrue(os.path.exists(os.path.join(self.patches, 'checkpatch-exceptions')))

    def test_status_detects_uncommitted_work(self):
        self.make_tree()
        open(os.path.join(self.tree, 'lib', 'foo.c'), 'a').write('/* more */\n')
        open(os.path.join(self.tree, 'lib', 'new.c'), 'w').write('/* new */\n')
        r = self.series('status')
        self.assertEqual(r.returncode, 1)
        self.assertIn('uncommitted changes', r.stdout)
        self.assertIn('lib/new.c', r.stdout)
        self.assertNotEqual(self.series('export').returncode, 0)

    def test_status_without_tree(self):
        r = self.series('status')
        self.assertEqual(r.returncode, 0)
        self.assertIn('no work tree', r.stdout)

    def test_tree_keeps_unexported_work(self):
        self.make_tree()
        self.commit_change('return x + 3;')
        r = self.series('tree')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('not in patches/', r.stderr)
        self.assertIn('x + 3', open(os.path.join(self.tree, 'lib', 'foo.c')).read())
        r = self.series('tree', env={'FORCE': '1'})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn('x + 3', open(os.path.join(self.tree, 'lib', 'foo.c')).read())

    def test_sync_applies_the_series(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        self.series('export')
        r = self.series('sync')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('x + 2', open(os.path.join(self.src, 'lib', 'foo.c')).read())
        log = self.git(self.src, 'log', '--format=%an: %s', 'base..HEAD')
        self.assertEqual(log, 'Test Author: lib: make foo add two\n')
        # an edit in the build source is undone by the next sync
        open(os.path.join(self.src, 'lib', 'foo.c'), 'w').write('junk\n')
        self.assertEqual(self.series('sync').returncode, 0)
        self.assertIn('x + 2', open(os.path.join(self.src, 'lib', 'foo.c')).read())

    def test_patch_that_does_not_apply_is_named(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        self.series('export')
        p = os.path.join(self.patches, '0001-lib-make-foo-add-two.patch')
        text = open(p).read().replace(' int foo(int x)', ' int foo(long x)')
        open(p, 'w').write(text)
        r = self.series('sync')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('does not apply: patches/0001-lib-make-foo-add-two.patch', r.stderr)
        self.assertIn('lib/foo.c', r.stderr)

    def test_series_names_missing_patch(self):
        open(os.path.join(self.patches, 'series'), 'w').write('0001-gone.patch\n')
        r = self.series('sync')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('0001-gone.patch', r.stderr)

    def test_checkpatch_clean_patch_passes(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        self.series('export')
        r = self.series('check')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('checkpatch 0001-lib-make-foo-add-two.patch\tpass', r.stdout)

    def test_checkpatch_problem_fails(self):
        self.make_tree()
        self.commit_change('return x + 2;   ')     # trailing whitespace
        self.series('export')
        r = self.series('check')
        self.assertEqual(r.returncode, 1)
        self.assertIn('checkpatch 0001-lib-make-foo-add-two.patch\tfail', r.stdout)
        self.assertIn('TRAILING_WHITESPACE', r.stderr)

    def test_exception_needs_a_reason(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        self.series('export')
        with open(os.path.join(self.patches, 'checkpatch-exceptions'), 'a') as f:
            f.write('0001-* LONG_LINE\n')
        r = self.series('check')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('gives no reason', r.stderr)


if __name__ == '__main__':
    unittest.main()
