# SPDX-License-Identifier: GPL-2.0
"""The cover letter of the series (harness/cover_letter.py): the expansion of
its placeholders and the check of make series-check.  No kernel tree."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(TOP, 'harness'))
import cover_letter  # noqa: E402

SCRIPT = os.path.join(TOP, 'harness', 'cover_letter.py')
SERIES = os.path.join(TOP, 'harness', 'series.sh')

SUBJECTS = [
    'livepatch: free a function\'s ftrace filter without allocating',
    'arm64: enable livepatch',
    'arm64: module: refuse PLT entries that cannot reach their target, a subject that '
    'git folds',
]

# What "git format-patch --cover-letter" writes, for two of them.
TEMPLATE = '''From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test Author <author@example.org>
Date: Sun, 22 Nov 2026 04:59:16 +0000
Subject: [PATCH 0/3] *** SUBJECT HERE ***

*** BLURB HERE ***

Test Author (3):
  livepatch: free a function's ftrace filter without allocating
  arm64: enable livepatch
  arm64: module: refuse PLT entries that cannot reach their target, a
    subject that git folds

 arch/arm64/Kconfig | 1 +
 1 file changed, 1 insertion(+)

'''


def patch_text(subject):
    """A format-patch file, its Subject: folded as git folds long ones."""
    header = f'Subject: [PATCH] {subject}'
    if len(header) > 78:
        cut = header.rfind(' ', 0, 78)
        header = header[:cut] + '\n' + header[cut:]
    return ('From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
            'From: Test Author <author@example.org>\n'
            'Date: Sun, 22 Nov 2026 04:59:16 +0000\n'
            f'{header}\n\nThe body.\n---\n')


class Expand(unittest.TestCase):
    def test_subject_is_unfolded_without_prefix(self):
        text = patch_text(SUBJECTS[2])
        self.assertIn('their\n target', text)
        self.assertEqual(cover_letter.subject_of(text), SUBJECTS[2])

    def test_shortlog_numbers_the_subjects(self):
        body = 'Intro.\n\n@SHORTLOG@\n\nEnd.'
        self.assertEqual(cover_letter.expand(body, SUBJECTS[:2]),
                         'Intro.\n\n1/2 livepatch: free a function\'s ftrace filter without '
                         'allocating\n2/2 arm64: enable livepatch\n\nEnd.')
        many = cover_letter.shortlog([f's{i}' for i in range(1, 24)])
        self.assertEqual(many[0], '01/23 s1')
        self.assertEqual(many[-1], '23/23 s23')

    def test_maintainers_become_to_and_cc(self):
        body = 'To/Cc\n\n  @MAINTAINERS@  \n'
        got = cover_letter.expand(body, [], ['A <a@x>', 'b@list', 'A <a@x>', '', 'C <c@x>'])
        self.assertEqual(got, 'To/Cc\n\nTo: A <a@x>\nCc: b@list\nCc: C <c@x>\n')

    def test_maintainers_needed(self):
        with self.assertRaises(cover_letter.Error):
            cover_letter.expand('@MAINTAINERS@', [], [])
        with self.assertRaises(cover_letter.Error):
            cover_letter.make(TEMPLATE, 'Title\n\n@MAINTAINERS@\n', None, [])

    def test_fill(self):
        got = cover_letter.make(TEMPLATE, 'arm64: the title\n\nThe body.\n\n@SHORTLOG@\n',
                                None, [patch_text(s) for s in SUBJECTS])
        self.assertIn('\nSubject: [PATCH 0/3] arm64: the title\n\nThe body.\n\n1/3 livepatch: ',
                      got)
        self.assertIn('\n3/3 arm64: module: refuse PLT entries that cannot reach their '
                      'target, a subject that git folds\n\nTest Author (3):\n', got)
        self.assertTrue(got.endswith(' 1 file changed, 1 insertion(+)\n\n'))
        self.assertNotIn('***', got)
        self.assertNotIn('Content-Type', got)

    def test_fill_non_ascii(self):
        got = cover_letter.make(TEMPLATE, 'Titel für arm64\n\nGrüße.\n', None, [])
        self.assertIn('Subject: [PATCH 0/3] =?utf-8?q?Titel_f=C3=BCr_arm64?=\n', got)
        self.assertIn('Content-Type: text/plain; charset=UTF-8\n', got)
        self.assertIn('\n\nGrüße.\n', got)

    def test_the_repository_cover_letter_txt(self):
        with open(os.path.join(TOP, 'patches', 'cover-letter.txt')) as f:
            title, body = cover_letter.parse_cover_text(f.read())
        self.assertEqual(title, 'arm64: livepatch for Linux 6.12 LTS')
        for heading in ('Base and why 6.12', 'What the series adds, against upstream 6.17+',
                        'How it was tested', 'Benchmarks', 'Patches', 'To/Cc'):
            self.assertIn('\n' + heading + '\n', '\n' + body)
        lines = [line.strip() for line in body.split('\n')]
        self.assertIn('@SHORTLOG@', lines)
        self.assertIn('@MAINTAINERS@', lines)


class Check(unittest.TestCase):
    """The check of make series-check, on a patches/ directory."""

    def setUp(self):
        self.d = tempfile.mkdtemp(prefix='klp-cover-test-')
        self.names = []
        for i, s in enumerate(SUBJECTS, 1):
            name = f'{i:04d}-{s[:20].replace(" ", "-")}.patch'
            with open(os.path.join(self.d, name), 'w') as f:
                f.write(patch_text(s))
            self.names.append(name)
        with open(os.path.join(self.d, 'series'), 'w') as f:
            f.write('# the series\n' + ''.join(n + '\n' for n in self.names))

    def tearDown(self):
        shutil.rmtree(self.d)

    def write_cover(self, text):
        with open(os.path.join(self.d, cover_letter.COVER), 'w') as f:
            f.write(text)

    def complete(self):
        return cover_letter.make(TEMPLATE, 'Title\n\n@SHORTLOG@\n', None,
                                 [patch_text(s) for s in SUBJECTS])

    def run_script(self):
        return subprocess.run([sys.executable, SCRIPT, 'check', self.d],
                              capture_output=True, text=True)

    def test_complete_passes(self):
        self.write_cover(self.complete())
        self.assertEqual(cover_letter.check(self.d), [])
        r = self.run_script()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_git_shortlog_alone_is_enough(self):
        # no @SHORTLOG@ list: git's shortlog, wrapped, names them all
        self.write_cover(cover_letter.make(TEMPLATE, 'Title\n\nBody.\n', None, []))
        self.assertEqual(cover_letter.check(self.d), [])

    def test_missing_patch_is_named(self):
        text = self.complete().replace('arm64: enable livepatch\n', 'arm64: enable it\n')
        self.write_cover(text)
        problems = cover_letter.check(self.d)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn(f'does not name {self.names[1]}: "arm64: enable livepatch"', problems[0])
        r = self.run_script()
        self.assertEqual(r.returncode, 1)
        self.assertIn(self.names[1], r.stdout)
        self.assertNotIn(self.names[0], r.stdout)

    def test_a_longer_subject_does_not_name_a_shorter(self):
        text = self.complete().replace('arm64: enable livepatch\n',
                                       'arm64: enable livepatch on Sundays\n')
        self.write_cover(text)
        self.assertEqual(len(cover_letter.check(self.d)), 1)

    def test_stale_count_and_placeholders(self):
        text = self.complete().replace('[PATCH 0/3]', '[PATCH 0/2]') + '@SHORTLOG@\n'
        self.write_cover(text)
        problems = cover_letter.check(self.d)
        self.assertTrue(any('is for 2 patches, patches/series has 3' in p for p in problems),
                        problems)
        self.assertTrue(any('still has @SHORTLOG@' in p for p in problems), problems)

    def test_count_as_git_writes_it(self):
        self.assertEqual(cover_letter.cover_count('Subject: [PATCH 00/25] arm64: x\n'), 25)
        self.assertEqual(cover_letter.cover_count('X: y\nSubject: [PATCH v2 0/3] x\n'), 3)
        self.assertEqual(cover_letter.cover_count('Subject: [PATCH 000/100] x\n'), 100)
        self.assertIsNone(cover_letter.cover_count('Subject: [PATCH 01/25] x\n'))
        self.assertIsNone(cover_letter.cover_count('Subject: [PATCH] x\n'))

    def test_no_cover_letter(self):
        problems = cover_letter.check(self.d)
        self.assertEqual(len(problems), 1)
        self.assertIn('0000-cover-letter.patch does not exist', problems[0])

    def test_series_sh_check_cover(self):
        """series.sh check-cover runs the same check, without any tree."""
        env = dict(os.environ, KLP_PATCHES=self.d, OUT=os.path.join(self.d, 'out'),
                   KLP_BASE_REPO=os.path.join(self.d, 'nowhere'))
        self.write_cover(self.complete().replace('their target', 'the target'))
        r = subprocess.run(['bash', SERIES, 'check-cover'], env=env, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f'does not name {self.names[2]}', r.stderr)
        self.write_cover(self.complete())
        r = subprocess.run(['bash', SERIES, 'check-cover'], env=env, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('names all 3 patches', r.stdout)


if __name__ == '__main__':
    unittest.main()
