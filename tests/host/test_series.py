# SPDX-License-Identifier: GPL-2.0
"""The series tooling (harness/series.sh) against a small fake base tree."""
import glob
import os
import shutil
import subprocess
import tempfile
import time
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


COVER_TXT = '''lib: the test series

The body, as a person writes it.

Patches:

@SHORTLOG@
'''

FAKE_MAINTAINERS = '''FOO LIBRARY
M:	Foo Maintainer <foo@example.org>
M:	Second Person <second@example.org>
L:	foo-list@example.org
S:	Maintained
F:	lib/

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
'''

COVER = '0000-cover-letter.patch'

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
        self.write_cover_txt(COVER_TXT)

    def tearDown(self):
        shutil.rmtree(self.d)

    def git(self, cwd, *args):
        return subprocess.run(GIT + ['-C', cwd] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def series(self, *args, env=None):
        e = dict(os.environ, KLP_BASE_REPO=self.base, KLP_PATCHES=self.patches,
                 KLP_TREE=self.tree, KLP_SERIES_SRC=self.src, OUT=os.path.join(self.d, 'out'),
                 KLP_SERIES_AUTHOR='Test Author <author@example.org>')
        e.update(env or {})
        return subprocess.run(['bash', SERIES] + list(args), env=e, capture_output=True,
                              text=True)

    def commit_change(self, text, subject='lib: make foo add two',
                      body='foo() must add two now, for the test.'):
        path = os.path.join(self.tree, 'lib', 'foo.c')
        open(path, 'w').write(GOOD_C.replace('return x + 1;', text))
        self.git(self.tree, 'commit', '-q', '-a', '-m', f'{subject}\n\n{body}')

    def make_tree(self, env=None):
        r = self.series('tree', env=env)
        self.assertEqual(r.returncode, 0, r.stderr)

    def write_cover_txt(self, text):
        open(os.path.join(self.patches, 'cover-letter.txt'), 'w').write(text)

    def add_to_base(self, files):
        """Commit FILES ({path: text}) to the fake base; base is that commit."""
        for path, text in files.items():
            open(os.path.join(self.base, path), 'w').write(text)
        self.git(self.base, 'add', '-f', '.')
        self.git(self.base, 'commit', '-q', '-m', 'base, more')
        self.git(self.base, 'tag', '-f', 'base')

    def read(self, name):
        return open(os.path.join(self.patches, name)).read()

    def two_patches(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        self.commit_change('return x + 3;', subject='lib: make foo add three, a subject '
                           'long enough for the shortlog to wrap it over two lines',
                           body='foo() must add three now, for the test.')

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

    def test_sync_without_leaves_out_the_named_patches(self):
        self.make_tree()
        self.commit_change('return x + 2;')
        open(os.path.join(self.tree, 'lib', 'bar.c'), 'w').write('/* bar */\n')
        self.git(self.tree, 'add', 'lib/bar.c')
        self.git(self.tree, 'commit', '-q', '-m', 'lib: add bar\n\nbar.c, for the test.')
        self.assertEqual(self.series('export').returncode, 0)
        without = os.path.join(self.d, 'without')
        env = {'KLP_WITHOUT_SRC': without, 'KLP_WITHOUT': '0001-lib-make-foo-*'}
        r = self.series('sync-without', env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('1 patch(es) applied', r.stdout)
        self.assertIn('1 left out (0001-lib-make-foo-*)', r.stdout)
        self.assertIn('x + 1', open(os.path.join(without, 'lib', 'foo.c')).read())
        self.assertTrue(os.path.exists(os.path.join(without, 'lib', 'bar.c')))
        # a glob that names no patch is an error, not the whole series
        r = self.series('sync-without', env=dict(env, KLP_WITHOUT='0009-*'))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("KLP_WITHOUT='0009-*' matches no patch", r.stderr)
        r = self.series('sync-without', env=dict(env, KLP_WITHOUT=''))
        self.assertNotEqual(r.returncode, 0)

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

    def test_export_writes_the_cover_letter(self):
        self.two_patches()
        r = self.series('export')
        self.assertEqual(r.returncode, 0, r.stderr)
        cover = self.read(COVER)
        self.assertTrue(cover.startswith('From 0000000000000000000000000000000000000000 '))
        self.assertIn('\nFrom: Test Author <author@example.org>\n', cover)
        self.assertIn('\nSubject: [PATCH 0/2] lib: the test series\n\nThe body, as a person '
                      'writes it.\n', cover)
        self.assertIn('\n1/2 lib: make foo add two\n2/2 lib: make foo add three, a subject '
                      'long enough for the shortlog to wrap it over two lines\n', cover)
        self.assertNotIn('@SHORTLOG@', cover)
        self.assertNotIn('***', cover)
        # git's shortlog and diffstat of the whole series
        self.assertIn('\nTest Author (2):\n  lib: make foo add two\n', cover)
        self.assertIn('\n lib/foo.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n',
                      cover)
        # not a patch of the series: not listed, not applied, not hashed
        self.assertNotIn(COVER, self.read('series'))
        self.assertEqual(len(self.read('series').splitlines()), 2)
        h = self.series('hash').stdout
        os.rename(os.path.join(self.patches, COVER), os.path.join(self.d, COVER))
        self.assertEqual(self.series('hash').stdout, h)
        os.rename(os.path.join(self.d, COVER), os.path.join(self.patches, COVER))
        r = self.series('sync')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('2 patch(es) applied', r.stdout)
        # status does not see it as a difference
        r = self.series('status')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn(COVER, r.stdout)
        r = self.series('check')
        self.assertIn('cover letter names every patch\tpass', r.stdout)
        # the same tree, remade (new commit dates), gives the same bytes
        self.make_tree(env={'FORCE': '1', 'GIT_COMMITTER_DATE': '2001-02-03T04:05:06Z'})
        self.assertEqual(self.series('export').returncode, 0)
        self.assertEqual(self.read(COVER), cover)

    def test_cover_letter_names_maintainers(self):
        self.add_to_base({'MAINTAINERS': FAKE_MAINTAINERS})
        shutil.copy(os.path.join(real_base(), 'scripts', 'get_maintainer.pl'),
                    os.path.join(self.base, 'scripts'))
        self.add_to_base({})
        self.write_cover_txt(COVER_TXT + '\nTo/Cc:\n\n@MAINTAINERS@\n')
        self.two_patches()
        r = self.series('export')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('\nTo/Cc:\n\nTo: Foo Maintainer <foo@example.org>\n'
                      'Cc: Second Person <second@example.org>\n'
                      'Cc: foo-list@example.org\n'
                      'Cc: linux-kernel@vger.kernel.org\n\n', self.read(COVER))

    def test_export_fails_without_get_maintainer(self):
        self.write_cover_txt(COVER_TXT + '\n@MAINTAINERS@\n')
        self.two_patches()
        r = self.series('export')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('get_maintainer.pl', r.stderr)
        # patches/ is as it was
        self.assertFalse(os.path.exists(os.path.join(self.patches, COVER)))
        self.assertEqual(self.read('series'), '')

    def test_export_fails_when_get_maintainer_fails(self):
        self.add_to_base({'scripts/get_maintainer.pl': 'print STDERR "boom\\n"; exit 1;\n'})
        self.write_cover_txt(COVER_TXT + '\n@MAINTAINERS@\n')
        self.two_patches()
        r = self.series('export')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('boom', r.stderr)
        self.assertIn('get_maintainer.pl failed', r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.patches, COVER)))

    def test_export_needs_cover_letter_txt(self):
        os.remove(os.path.join(self.patches, 'cover-letter.txt'))
        self.two_patches()
        r = self.series('export')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('cover-letter.txt', r.stderr)
        self.assertEqual(self.read('series'), '')

    def test_export_writes_one_author(self):
        """Whoever commits in the work tree, the series has one author."""
        self.make_tree()
        self.commit_change('return x + 2;')
        other = ['-c', 'user.name=Someone Else', '-c', 'user.email=else@example.net']
        path = os.path.join(self.tree, 'lib', 'foo.c')
        open(path, 'w').write(GOOD_C.replace('return x + 1;', 'return x + 3;'))
        subprocess.run(['git'] + other + ['-C', self.tree, 'commit', '-q', '-a', '-m',
                        'lib: make foo add three\n\nfoo() must add three now.'], check=True)
        r = self.series('export')
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ['0002-lib-make-foo-add-three.patch', COVER]:
            text = self.read(name)
            self.assertIn('\nFrom: Test Author <author@example.org>\n', text)
            self.assertNotIn('Someone Else', text)
            self.assertNotIn('else@example.net', text)
        self.assertIn('\nTest Author (2):\n', self.read(COVER))
        # the work tree's history is left as it was
        self.assertEqual(self.git(self.tree, 'log', '-1', '--format=%an'), 'Someone Else\n')
        self.assertEqual(self.series('status').returncode, 0)
        r = self.series('check')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('one author (Test Author <author@example.org>)\tpass', r.stdout)

    def test_check_fails_on_a_second_author(self):
        self.two_patches()
        self.assertEqual(self.series('export').returncode, 0)
        p = os.path.join(self.patches, '0001-lib-make-foo-add-two.patch')
        text = self.read('0001-lib-make-foo-add-two.patch').replace(
            'From: Test Author <author@example.org>',
            'From: Someone Else\n <else@example.net>', 1)
        open(p, 'w').write(text)
        r = self.series('check')
        self.assertEqual(r.returncode, 1)
        self.assertIn('one author (Test Author <author@example.org>)\tfail\t'
                      '0001-lib-make-foo-add-two.patch is from "Someone Else '
                      '<else@example.net>"', r.stdout)
        # a second name in the cover letter's shortlog fails it too
        self.assertEqual(self.series('export').returncode, 0)
        cover = os.path.join(self.patches, COVER)
        text = self.read(COVER).replace('\nTest Author (2):\n',
                                        '\nTest Author (1):\n', 1)
        text = text.replace('\n\n lib/foo.c', '\nSomeone Else (1):\n  lib: x\n\n lib/foo.c', 1)
        open(cover, 'w').write(text)
        r = self.series('check')
        self.assertEqual(r.returncode, 1)
        self.assertIn('its shortlog names "Someone Else"', r.stderr)

    def test_check_cover_names_what_is_missing(self):
        self.two_patches()
        self.assertEqual(self.series('export').returncode, 0)
        r = self.series('check-cover')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('names all 2 patches', r.stdout)
        # a cover letter without the second patch (in neither list)
        path = os.path.join(self.patches, COVER)
        text = self.read(COVER).replace('make foo add three', 'make foo add 3')
        open(path, 'w').write(text)
        r = self.series('check-cover')
        self.assertEqual(r.returncode, 1)
        self.assertIn('does not name 0002-lib-make-foo-add-three-a-subject-long-enough-for-'
                      'the.patch', r.stderr)
        self.assertNotIn('0001-', r.stderr)
        r = self.series('check')
        self.assertEqual(r.returncode, 1)
        self.assertIn('cover letter names every patch\tfail\tpatches/0000-cover-letter.patch '
                      'does not name 0002-', r.stdout)
        os.remove(path)
        r = self.series('check-cover')
        self.assertEqual(r.returncode, 1)
        self.assertIn('0000-cover-letter.patch does not exist', r.stderr)


class WaitForGcTest(unittest.TestCase):
    """lib.sh's wait_for_gc: nothing clones the base while git gc repacks it"""

    def setUp(self):
        self.d = tempfile.mkdtemp(prefix='klp-gc-test-')
        os.makedirs(os.path.join(self.d, 'repo', '.git'))

    def tearDown(self):
        shutil.rmtree(self.d)

    def wait(self):
        lib = os.path.join(TOP, 'harness', 'lib.sh')
        t0 = time.monotonic()
        r = subprocess.run(['bash', '-c', f'. "{lib}"; wait_for_gc "$1"', 'x',
                            os.path.join(self.d, 'repo')],
                           env=dict(os.environ, OUT=os.path.join(self.d, 'out')),
                           capture_output=True, text=True)
        return r, time.monotonic() - t0

    def write_pid(self, pid):
        with open(os.path.join(self.d, 'repo', '.git', 'gc.pid'), 'w') as f:
            f.write(f'{pid} somehost\n')

    def test_waits_while_gc_runs(self):
        # detached, as "git gc --auto" is: no zombie waits for this test
        pid = subprocess.run(['bash', '-c', 'sleep 2 >/dev/null 2>&1 & echo $!'],
                             capture_output=True, text=True, check=True).stdout.strip()
        self.write_pid(pid)
        r, secs = self.wait()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreaterEqual(secs, 1.5)
        self.assertIn('waiting for git gc', r.stdout)

    def test_returns_at_once_without_gc(self):
        r, secs = self.wait()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(secs, 1.5)
        # a gc.pid left behind by a gc that is gone
        dead = subprocess.Popen(['true'])
        dead.wait()
        self.write_pid(dead.pid)
        r, secs = self.wait()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(secs, 1.5)


if __name__ == '__main__':
    unittest.main()
