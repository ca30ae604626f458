#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The series' cover letter, patches/0000-cover-letter.patch.

usage: cover_letter.py fill TEMPLATE COVER_TXT MAINTAINERS PATCH...
       cover_letter.py check PATCHES_DIR
       cover_letter.py authors PATCHES_DIR IDENT

fill: print the cover letter.  TEMPLATE is what "git format-patch
--cover-letter" wrote (its From line, header, shortlog and diffstat, with
"*** SUBJECT HERE ***" and "*** BLURB HERE ***" to fill); COVER_TXT is
patches/cover-letter.txt (first line: the title; the rest: the body).  In
the body, a line "@SHORTLOG@" becomes the numbered subjects of the PATCHes,
and a line "@MAINTAINERS@" the lines of the file MAINTAINERS (what
get_maintainer.pl printed) as To:/Cc: lines.  MAINTAINERS is "-" when the
body has no "@MAINTAINERS@".

check: the cover letter in PATCHES_DIR names every patch of PATCHES_DIR/series
by its subject, and is for as many patches as the series has.  Prints what
is missing; exit status 1 then.

authors: every patch of PATCHES_DIR/series, and the cover letter, is from
IDENT ("Name <email>"), the series' one author, and the cover letter's
shortlog names no one else.  Prints each other identity; exit status 1 then.
"""
import cli
import email.header
import email.parser
import email.policy
import os
import re
import sys

COVER = '0000-cover-letter.patch'
SHORTLOG = '@SHORTLOG@'
MAINTAINERS = '@MAINTAINERS@'


class Error(Exception):
    pass


def subject_of(text):
    """The subject of a patch (format-patch output), unfolded and decoded,
    without its [PATCH ...] prefix."""
    msg = email.parser.HeaderParser(policy=email.policy.default).parsestr(text)
    subject = msg['Subject']
    if subject is None:
        raise Error('no Subject: header')
    subject = ' '.join(str(subject).split())
    return re.sub(r'^\[PATCH[^\]]*\]\s*', '', subject)


def series_list(patches_dir):
    """The patch file names of PATCHES_DIR/series, in order."""
    names = []
    with open(os.path.join(patches_dir, 'series')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line)
    return names


def shortlog(subjects):
    """The numbered subjects, as git format-patch numbers them: "01/23 subject"."""
    w = len(str(len(subjects)))
    return [f'{i:0{w}d}/{len(subjects)} {s}' for i, s in enumerate(subjects, 1)]


def to_cc(maintainers):
    """get_maintainer.pl's lines as To: (the first) and Cc: (the rest), each once."""
    seen, out = set(), []
    for m in maintainers:
        m = m.strip()
        if m and m not in seen:
            seen.add(m)
            out.append(('To: ' if not out else 'Cc: ') + m)
    return out


def parse_cover_text(text):
    """(title, body) of cover-letter.txt."""
    lines = text.split('\n')
    title = lines[0].strip()
    if not title:
        raise Error('the first line (the title) is empty')
    body = '\n'.join(lines[1:]).strip('\n')
    return title, body


def needs_maintainers(body):
    return any(line.strip() == MAINTAINERS for line in body.split('\n'))


def expand(body, subjects, maintainers=None):
    """BODY with its @SHORTLOG@ and @MAINTAINERS@ lines replaced."""
    out = []
    for line in body.split('\n'):
        if line.strip() == SHORTLOG:
            out += shortlog(subjects)
        elif line.strip() == MAINTAINERS:
            if not maintainers:
                raise Error(f'{MAINTAINERS}: get_maintainer.pl named no one')
            out += to_cc(maintainers)
        else:
            out.append(line.rstrip())
    return '\n'.join(out)


def fill(template, title, body):
    """git's cover letter TEMPLATE with TITLE and BODY in place of its
    *** SUBJECT HERE *** and *** BLURB HERE ***."""
    head, sep, rest = template.partition('\n\n')
    if not sep or '*** SUBJECT HERE ***' not in head:
        raise Error('the template is not a cover letter of git format-patch')
    if not title.isascii():
        title = email.header.Header(title, 'utf-8').encode()
    head = head.replace('*** SUBJECT HERE ***', title, 1)
    if not body.isascii() and not re.search(r'(?mi)^Content-Type:', head):
        head += ('\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8'
                 '\nContent-Transfer-Encoding: 8bit')
    lines = rest.split('\n')
    try:
        i = lines.index('*** BLURB HERE ***')
    except ValueError:
        raise Error('the template has no *** BLURB HERE ***') from None
    lines[i:i + 1] = body.split('\n')
    return head + sep + '\n'.join(lines)


def make(template, cover_text, maintainers, patch_texts):
    title, body = parse_cover_text(cover_text)
    subjects = [subject_of(t) for t in patch_texts]
    if needs_maintainers(body) and maintainers is None:
        raise Error(f'the body has {MAINTAINERS} but get_maintainer.pl was not run')
    return fill(template, title, expand(body, subjects, maintainers))


def names(cover, subject):
    """COVER names SUBJECT: the subject's words end a line (they may be
    wrapped over several, as git's shortlog does)."""
    words = subject.split()
    if not words:
        return True
    pat = r'(?m)(?:^|\s)' + r'\s+'.join(map(re.escape, words)) + r'[ \t]*$'
    return re.search(pat, cover) is not None


def cover_count(cover):
    """N of the cover letter's "Subject: [PATCH 0/N]" (git writes 00/25 for 25), or None."""
    m = re.search(r'(?m)^Subject: \[PATCH(?: [^\]]*)? 0+/(\d+)\]', cover)
    return int(m.group(1)) if m else None


def check(patches_dir):
    """What the cover letter of PATCHES_DIR lacks: a list of messages."""
    path = os.path.join(patches_dir, COVER)
    if not os.path.exists(path):
        return [f'patches/{COVER} does not exist (make export writes it '
                'from patches/cover-letter.txt)']
    with open(path, encoding='utf-8', errors='replace') as f:
        cover = f.read()
    problems = []
    series = series_list(patches_dir)
    count = cover_count(cover)
    if count is None:
        problems.append(f'patches/{COVER} has no "Subject: [PATCH 0/N]" line')
    elif count != len(series):
        problems.append(f'patches/{COVER} is for {count} patches, patches/series '
                        f'has {len(series)} (make export)')
    for p in series:
        try:
            with open(os.path.join(patches_dir, p), encoding='utf-8', errors='replace') as f:
                subject = subject_of(f.read())
        except (OSError, Error) as e:
            problems.append(f'{p}: {e}')
            continue
        if not names(cover, subject):
            problems.append(f'patches/{COVER} does not name {p}: "{subject}"')
    for placeholder in (SHORTLOG, MAINTAINERS, '*** SUBJECT HERE ***', '*** BLURB HERE ***'):
        if placeholder in cover:
            problems.append(f'patches/{COVER} still has {placeholder}')
    return problems


def author_of(text):
    """The From: of a patch, unfolded and decoded."""
    msg = email.parser.HeaderParser(policy=email.policy.default).parsestr(text)
    author = msg['From']
    if author is None:
        raise Error('no From: header')
    return ' '.join(str(author).split())


def authors(patches_dir, ident):
    """Messages for each patch (and the cover letter) not from IDENT."""
    problems = []
    names = series_list(patches_dir)
    if os.path.exists(os.path.join(patches_dir, COVER)):
        names = [COVER] + names
    for p in names:
        try:
            text = read(os.path.join(patches_dir, p))
            author = author_of(text)
        except (OSError, UnicodeDecodeError, Error) as e:
            problems.append(f'{p}: {e}')
            continue
        if author != ident:
            problems.append(f'{p} is from "{author}", not the series\' author "{ident}"')
        if p == COVER:
            # git's shortlog: "Name (N):", then the subjects indented
            wanted = ident.split(' <')[0]
            for m in re.finditer(r'(?m)^(\S.*) \((\d+)\):$', text):
                if m.group(1) != wanted:
                    problems.append(f'{p}: its shortlog names "{m.group(1)}" for '
                                    f'{m.group(2)} patch(es), not "{wanted}"')
    return problems


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def main(argv):
    if cli.wants_help(argv, __doc__):
        return 0
    try:
        if len(argv) >= 5 and argv[1] == 'fill':
            maint = None if argv[4] == '-' else read(argv[4]).splitlines()
            sys.stdout.write(make(read(argv[2]), read(argv[3]), maint,
                                  [read(p) for p in argv[5:]]))
            return 0
        if len(argv) == 3 and argv[1] == 'check':
            problems = check(argv[2])
            for p in problems:
                print(p)
            return 1 if problems else 0
        if len(argv) == 4 and argv[1] == 'authors':
            problems = authors(argv[2], argv[3])
            for p in problems:
                print(p)
            return 1 if problems else 0
    except (OSError, Error) as e:
        print(f'error: cover letter: {e}', file=sys.stderr)
        return 1
    return cli.usage(argv, __doc__)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
