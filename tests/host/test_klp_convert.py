#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host tests for scripts/livepatch/klp-convert (arm64).

Run with:  python3 -m unittest -v test_klp_convert

The tool source is taken from $KLP_CONVERT_SRC (default: klp-convert.c next
to this file) and built twice in a temporary directory: a normal -O2 -Werror
build and an AddressSanitizer/UBSan build.  All fixtures are assembled or
compiled from the sources below with the Debian aarch64-linux-gnu cross
toolchain; the malformed inputs are derived from them by patching bytes.
The objects of other architectures, which klp-convert must leave alone
unless they are annotated, are compiled with the host gcc (x86_64, and
i386 with -m32 where it works) or written out by make_elf() (any ELF class
and byte order).  Only the Python standard library is used.
"""

import hashlib
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
# The kernel tree with the series applied (harness/series.sh sync, which
# make check and make host-test run first): the tool's source, and the
# arm64 module loader whose relocation types it must cover.
KERNEL = os.environ.get('KLP_CONVERT_KERNEL',
                        os.path.join(HERE, '..', '..', 'out', 'src', 'linux'))
SRC = os.environ.get('KLP_CONVERT_SRC',
                     os.path.join(KERNEL, 'scripts', 'livepatch',
                                  'klp-convert.c'))
CROSS = 'aarch64-linux-gnu-'
# Debian's LLVM, the version harness/lib.sh pins (KLP_LLVM_VERSION)
CLANG = os.environ.get('KLP_CONVERT_CLANG', 'clang-19')

SHN_UNDEF = 0
SHN_LIVEPATCH = 0xff20
SHF_ALLOC = 0x2
SHF_INFO_LINK = 0x40
SHF_RELA_LIVEPATCH = 0x00100000
SHT_PROGBITS = 1
SHT_SYMTAB = 2
SHT_STRTAB = 3
SHT_RELA = 4
SHT_NOBITS = 8
STB_LOCAL, STB_GLOBAL, STB_WEAK = 0, 1, 2
STT_SECTION = 3
NONE = {'NONE', 'NONE_256'}

# Relocation types handled by apply_relocate_add() in
# arch/arm64/kernel/module.c (plus R_ARM_NONE / R_AARCH64_NONE, 0 and 256,
# which write nothing: klp-convert leaves those in their section).
R = {
    'NONE': 0, 'NONE_256': 256,
    'ABS64': 257, 'ABS32': 258, 'ABS16': 259,
    'PREL64': 260, 'PREL32': 261, 'PREL16': 262,
    'MOVW_UABS_G0': 263, 'MOVW_UABS_G0_NC': 264, 'MOVW_UABS_G1': 265,
    'MOVW_UABS_G1_NC': 266, 'MOVW_UABS_G2': 267, 'MOVW_UABS_G2_NC': 268,
    'MOVW_UABS_G3': 269,
    'MOVW_SABS_G0': 270, 'MOVW_SABS_G1': 271, 'MOVW_SABS_G2': 272,
    'LD_PREL_LO19': 273, 'ADR_PREL_LO21': 274, 'ADR_PREL_PG_HI21': 275,
    'ADR_PREL_PG_HI21_NC': 276, 'ADD_ABS_LO12_NC': 277,
    'LDST8_ABS_LO12_NC': 278, 'TSTBR14': 279, 'CONDBR19': 280,
    'JUMP26': 282, 'CALL26': 283, 'LDST16_ABS_LO12_NC': 284,
    'LDST32_ABS_LO12_NC': 285, 'LDST64_ABS_LO12_NC': 286,
    'MOVW_PREL_G0': 287, 'MOVW_PREL_G0_NC': 288, 'MOVW_PREL_G1': 289,
    'MOVW_PREL_G1_NC': 290, 'MOVW_PREL_G2': 291, 'MOVW_PREL_G2_NC': 292,
    'MOVW_PREL_G3': 293, 'LDST128_ABS_LO12_NC': 299,
}
RNAME = {v: k for k, v in R.items()}
R_ADR_GOT_PAGE = 311
R_LD64_GOT_LO12_NC = 312

KLP_SYMBOL_MACRO = r'''
#define KLP_SYMBOL(obj, sym, pos)					\
	asm(".pushsection .klp.syms,\"\",%progbits\n\t"			\
	    ".asciz \"" #obj "." #sym "," #pos "\"\n\t"			\
	    ".popsection")
'''

# ---------------------------------------------------------------------------
# Fixture sources
# ---------------------------------------------------------------------------

# One reference per supported relocation type to annotated undefined
# symbols, in .text and in data sections, plus references that must stay.
ASM_MAIN = r'''
	.text
	.globl	patched_func
	.type	patched_func, %function
patched_func:
	bl	vfunc
	b	vfunc
	adrp	x0, vvar + 16
	adrp	x0, :pg_hi21_nc:vvar
	adr	x0, vvar
	add	x0, x0, :lo12:vvar + 16
	ldrb	w0, [x0, :lo12:vvar]
	ldrh	w0, [x0, :lo12:vvar]
	ldr	w0, [x0, :lo12:vvar]
	ldr	x0, [x0, :lo12:vvar]
	ldr	q0, [x0, :lo12:vvar]
	movz	x0, #:abs_g0:vvar
	movk	x0, #:abs_g0_nc:vvar
	movz	x0, #:abs_g1:vvar
	movk	x0, #:abs_g1_nc:vvar
	movz	x0, #:abs_g2:vvar
	movk	x0, #:abs_g2_nc:vvar
	movz	x0, #:abs_g3:vvar
	movz	x0, #:abs_g0_s:vvar
	movz	x0, #:abs_g1_s:vvar
	movz	x0, #:abs_g2_s:vvar
	movz	x0, #:prel_g0:vvar
	movk	x0, #:prel_g0_nc:vvar
	movz	x0, #:prel_g1:vvar
	movk	x0, #:prel_g1_nc:vvar
	movz	x0, #:prel_g2:vvar
	movk	x0, #:prel_g2_nc:vvar
	movz	x0, #:prel_g3:vvar
	ldr	x0, vvar
	b.eq	vfunc
	tbz	x0, #0, vfunc
	.reloc	., R_AARCH64_NONE, vvar
	nop
	.reloc	., R_AARCH64_NONE, vvar
	nop
	bl	bar.isra.0
	bl	printk
	adrp	x1, jiffies
	ldr	x1, [x1, :lo12:jiffies]
	adrp	x1, mvar
	ldr	x1, [x1, :lo12:mvar]
	adrp	x1, local_data
	add	x1, x1, :lo12:local_data
	ret
	.size	patched_func, . - patched_func

	.section .text.unlikely,"ax",%progbits
cold_path:
	b	vfunc

	.data
	.balign	8
local_data:
	.quad	vvar
	.word	vvar
	.hword	vvar
	.balign	8
	.quad	vvar - .
	.word	vvar - .
	.hword	vvar - .
	.balign	8
	.quad	vvar + 8
	.quad	jiffies
	.quad	wsym
	.quad	local_data

	.section .rodata,"a",%progbits
	.balign	8
	.quad	vfunc
	.word	vvar - .

	.section .data..read_mostly,"aw",%progbits
	.balign	8
	.quad	mvar

	.section .debug_klp_test,"",%progbits
	.quad	vvar

	.bss
	.skip	64

	.weak	wsym

	.section .klp.syms,"",%progbits
	.asciz	"vmlinux.vfunc,0"
	.asciz	"vmlinux.vvar,0"
	.asciz	"target_mod.mvar,2"
	.asciz	"vmlinux.bar.isra.0,1"
	.asciz	"vmlinux.wsym,0"
'''

ANNOT = {
    'vfunc': ('vmlinux', 0),
    'vvar': ('vmlinux', 0),
    'mvar': ('target_mod', 2),
    'bar.isra.0': ('vmlinux', 1),
    'wsym': ('vmlinux', 0),
}

# Relocation types expected, in order, in each livepatch relocation section
# created from ASM_MAIN. Its two relocations that write nothing (the second
# patched to type 256) stay in .rela.text.
MAIN_EXPECTED = {
    '.klp.rela.vmlinux..text': [
        'CALL26', 'JUMP26', 'ADR_PREL_PG_HI21', 'ADR_PREL_PG_HI21_NC',
        'ADR_PREL_LO21', 'ADD_ABS_LO12_NC', 'LDST8_ABS_LO12_NC',
        'LDST16_ABS_LO12_NC', 'LDST32_ABS_LO12_NC', 'LDST64_ABS_LO12_NC',
        'LDST128_ABS_LO12_NC',
        'MOVW_UABS_G0', 'MOVW_UABS_G0_NC', 'MOVW_UABS_G1', 'MOVW_UABS_G1_NC',
        'MOVW_UABS_G2', 'MOVW_UABS_G2_NC', 'MOVW_UABS_G3',
        'MOVW_SABS_G0', 'MOVW_SABS_G1', 'MOVW_SABS_G2',
        'MOVW_PREL_G0', 'MOVW_PREL_G0_NC', 'MOVW_PREL_G1', 'MOVW_PREL_G1_NC',
        'MOVW_PREL_G2', 'MOVW_PREL_G2_NC', 'MOVW_PREL_G3',
        'LD_PREL_LO19', 'CONDBR19', 'TSTBR14', 'CALL26',
    ],
    '.klp.rela.target_mod..text': ['ADR_PREL_PG_HI21', 'LDST64_ABS_LO12_NC'],
    '.klp.rela.vmlinux..text.unlikely': ['JUMP26'],
    '.klp.rela.vmlinux..data': ['ABS64', 'ABS32', 'ABS16', 'PREL64', 'PREL32',
                                'PREL16', 'ABS64', 'ABS64'],
    '.klp.rela.vmlinux..rodata': ['ABS64', 'PREL32'],
    '.klp.rela.target_mod..data..read_mostly': ['ABS64'],
}

# Two compilation units of a livepatch module, compiled like kernel code.
C_UNIT_A = KLP_SYMBOL_MACRO + r'''
extern char *saved_command_line;
KLP_SYMBOL(vmlinux, saved_command_line, 0);
extern int klp_static_counter;
KLP_SYMBOL(vmlinux, klp_static_counter, 0);
extern int klp_static_helper(const char *s, int n);
KLP_SYMBOL(vmlinux, klp_static_helper, 0);
extern unsigned long mod_static_state;
KLP_SYMBOL(klp_target_mod, mod_static_state, 2);
extern int printk(const char *fmt, ...);

int livepatch_cmdline_show(int n)
{
	int ret;

	klp_static_counter += n;
	ret = klp_static_helper(saved_command_line, klp_static_counter);
	printk("%d\n", ret);
	return ret + (int)mod_static_state;
}
'''

C_UNIT_B = KLP_SYMBOL_MACRO + r'''
extern int klp_static_helper(const char *s, int n);
KLP_SYMBOL(vmlinux, klp_static_helper, 0);
extern unsigned long mod_static_state;
KLP_SYMBOL(klp_target_mod, mod_static_state, 2);

int livepatch_tail(const char *s)
{
	mod_static_state = 7;
	return klp_static_helper(s, 1);
}
'''

# Exact (type, symbol) multiset GCC 12 -O2 -mcmodel=small -fno-pic emits.
C_EXPECTED = {
    '.klp.rela.vmlinux..text': sorted([
        ('ADR_PREL_PG_HI21', 'klp_static_counter'),
        ('LDST32_ABS_LO12_NC', 'klp_static_counter'),
        ('LDST32_ABS_LO12_NC', 'klp_static_counter'),
        ('ADR_PREL_PG_HI21', 'saved_command_line'),
        ('LDST64_ABS_LO12_NC', 'saved_command_line'),
        ('CALL26', 'klp_static_helper'),
        ('JUMP26', 'klp_static_helper'),
    ]),
    '.klp.rela.klp_target_mod..text': sorted([
        ('ADR_PREL_PG_HI21', 'mod_static_state'),
        ('LDST64_ABS_LO12_NC', 'mod_static_state'),
        ('ADR_PREL_PG_HI21', 'mod_static_state'),
        ('LDST64_ABS_LO12_NC', 'mod_static_state'),
    ]),
}
C_ANNOT = {
    'saved_command_line': ('vmlinux', 0),
    'klp_static_counter': ('vmlinux', 0),
    'klp_static_helper': ('vmlinux', 0),
    'mod_static_state': ('klp_target_mod', 2),
}

# A module without any annotation.
ASM_PLAIN = r'''
	.text
	.globl	f
f:	bl	printk
	ret
'''


# Compiled with the host gcc: a plain object, and one with an annotation.
HOST_C_PLAIN = r'''
int plain_counter;

int plain_func(int x)
{
	plain_counter += x;
	return plain_counter;
}
'''

HOST_C_ANNOTATED = KLP_SYMBOL_MACRO + r'''
extern int klp_static_counter;
KLP_SYMBOL(vmlinux, klp_static_counter, 0);

int annotated_func(int x)
{
	return klp_static_counter + x;
}
'''

EM_386, EM_PPC, EM_S390, EM_X86_64, EM_AARCH64 = 3, 20, 22, 62, 183
ET_REL = 1

# (ELF class bits, byte order, e_machine) of objects written by make_elf()
OTHER_KINDS = [
    (32, 'little', EM_386),
    (32, 'big', EM_PPC),
    (64, 'big', EM_S390),
    (64, 'little', EM_X86_64),
    (64, 'big', EM_AARCH64),        # aarch64_be
    (32, 'little', EM_AARCH64),     # arm64 ILP32
]


def make_elf(bits, endian, machine, sections):
    """A minimal ET_REL object of any ELF class, byte order and machine.

    @sections is a list of (name, sh_type, contents); the section name
    string table is added as the last section.
    """
    e = '<' if endian == 'little' else '>'
    ehsize, shentsize = (52, 40) if bits == 32 else (64, 64)
    shdr_fmt = e + ('10I' if bits == 32 else 'IIQQQQIIQQ')
    ehdr_fmt = e + ('HHIIIIIHHHHHH' if bits == 32 else 'HHIQQQIHHHHHH')
    sections = list(sections) + [('.shstrtab', SHT_STRTAB, None)]
    names = b'\0'
    name_offs = []
    for name, _, _ in sections:
        name_offs.append(len(names))
        names += name.encode() + b'\0'
    body = b''
    shdrs = bytes(shentsize)
    for (name, sh_type, data), name_off in zip(sections, name_offs):
        data = names if data is None else data
        body += bytes(-len(body) % 8)
        shdrs += struct.pack(shdr_fmt, name_off, sh_type, 0, 0,
                             ehsize + len(body), len(data), 0, 0, 1, 0)
        body += data
    body += bytes(-len(body) % 8)
    ident = (b'\x7fELF' + bytes([1 if bits == 32 else 2,
                                  1 if endian == 'little' else 2, 1]) +
             bytes(9))
    ehdr = ident + struct.pack(ehdr_fmt, ET_REL, machine, 1, 0, 0,
                               ehsize + len(body), 0, ehsize, 0, 0,
                               shentsize, len(sections) + 1, len(sections))
    return ehdr + body + shdrs


def klp_syms(*annotations):
    """Assembly for a .klp.syms section holding @annotations."""
    lines = ['\t.section .klp.syms,"",%progbits']
    lines += ['\t.asciz "%s"' % a for a in annotations]
    return '\n'.join(lines) + '\n'


def ref_from(section, flags, insn='.quad vvar'):
    """A reference to vvar from @section, with vvar annotated."""
    return ('\t.section %s,"%s",%%progbits\n\t.balign 8\n\t%s\n'
            % (section, flags, insn) + klp_syms('vmlinux.vvar,0'))


# ---------------------------------------------------------------------------
# A minimal ELF64 little-endian reader
# ---------------------------------------------------------------------------

class Section:
    def __init__(self, elf, idx, hdr_off, raw):
        (self.name_off, self.type, self.flags, self.addr, self.offset,
         self.size, self.link, self.info, self.addralign,
         self.entsize) = struct.unpack_from('<IIQQQQIIQQ', raw, hdr_off)
        self.idx = idx
        self.hdr_off = hdr_off
        self.name = None

    def contents(self, data):
        if self.type == SHT_NOBITS:
            return b''
        return data[self.offset:self.offset + self.size]


class Symbol:
    def __init__(self, idx, off, raw):
        (self.name_off, self.info, self.other, self.shndx, self.value,
         self.size) = struct.unpack_from('<IBBHQQ', raw, off)
        self.idx = idx
        self.off = off
        self.bind = self.info >> 4
        self.type = self.info & 0xf
        self.name = None


class Rela:
    def __init__(self, off, raw):
        self.offset, info, self.addend = struct.unpack_from('<QQq', raw, off)
        self.sym = info >> 32
        self.type = info & 0xffffffff
        self.off = off


class Elf:
    """Parses the parts of an ELF64 LE relocatable object the tests need."""

    def __init__(self, path_or_bytes):
        if isinstance(path_or_bytes, bytes):
            self.data = path_or_bytes
        else:
            with open(path_or_bytes, 'rb') as f:
                self.data = f.read()
        d = self.data
        assert d[:4] == b'\x7fELF' and d[4] == 2 and d[5] == 1
        (self.e_type, self.e_machine, _, _, _, self.e_shoff, _, _, _, _,
         self.e_shentsize, self.e_shnum,
         self.e_shstrndx) = struct.unpack_from('<HHIQQQIHHHHHH', d, 16)
        self.sections = [Section(self, i, self.e_shoff + 64 * i, d)
                         for i in range(self.e_shnum)]
        shstr = self.sections[self.e_shstrndx].contents(d)
        for s in self.sections:
            s.name = shstr[s.name_off:shstr.index(b'\0', s.name_off)].decode()
        self.symtab = next(s for s in self.sections if s.type == SHT_SYMTAB)
        strtab = self.sections[self.symtab.link].contents(d)
        self.symbols = []
        for i in range(self.symtab.size // 24):
            sym = Symbol(i, self.symtab.offset + 24 * i, d)
            sym.name = strtab[sym.name_off:
                              strtab.index(b'\0', sym.name_off)].decode()
            if sym.type == STT_SECTION and not sym.name:
                sym.name = self.sections[sym.shndx].name
            self.symbols.append(sym)

    def section(self, name):
        found = [s for s in self.sections if s.name == name]
        assert len(found) == 1, 'section %s: %d found' % (name, len(found))
        return found[0]

    def has_section(self, name):
        return any(s.name == name for s in self.sections)

    def symbol(self, name):
        found = [s for s in self.symbols if s.name == name]
        assert len(found) == 1, 'symbol %s: %d found' % (name, len(found))
        return found[0]

    def relas(self, sec):
        if isinstance(sec, str):
            sec = self.section(sec)
        return [Rela(sec.offset + 24 * i, self.data)
                for i in range(sec.size // 24)]


def patch(data, off, fmt, *values):
    """Return a copy of @data with @values packed at @off."""
    buf = bytearray(data)
    struct.pack_into(fmt, buf, off, *values)
    return bytes(buf)


def klp_name(sym, annot):
    obj, pos = annot[sym]
    return '.klp.sym.%s.%s,%d' % (obj, sym, pos)


def sanitizer_env():
    env = dict(os.environ)
    env['ASAN_OPTIONS'] = ('detect_leaks=1:halt_on_error=1:exitcode=86:'
                           'abort_on_error=0:allocator_may_return_null=0')
    env['UBSAN_OPTIONS'] = 'halt_on_error=1:print_stacktrace=1:exitcode=87'
    env['LC_ALL'] = 'C'
    return env


SANITIZER_MARKERS = ('AddressSanitizer', 'LeakSanitizer', 'runtime error:',
                     'UndefinedBehaviorSanitizer', '==ERROR')


# ---------------------------------------------------------------------------
# Building the tool (normal and sanitizer builds), once per test run
# ---------------------------------------------------------------------------

BUILD = {'tmp': None, 'cache': {}}


def _build_tool(out, flags, cc='gcc'):
    cmd = ([cc] + flags + ['-Wall', '-Wextra', '-Werror', '-o', out, SRC,
                           '-lelf'])
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode:
        raise AssertionError('build failed: %s\n%s'
                             % (' '.join(cmd), res.stderr))


def setUpModule():
    for tool in ('gcc', 'as', 'ld', 'readelf'):
        if not shutil.which(CROSS + tool):
            raise AssertionError(CROSS + tool + ' not installed')
    if not shutil.which(CLANG):
        raise AssertionError(CLANG + ' not installed')
    if not os.path.exists(SRC):
        raise AssertionError('no klp-convert source at %s' % SRC)
    tmp = tempfile.mkdtemp(prefix='klp-convert-test-')
    BUILD['tmp'] = tmp
    BUILD['tool'] = os.path.join(tmp, 'klp-convert')
    BUILD['tool_asan'] = os.path.join(tmp, 'klp-convert-asan')
    BUILD['tool_clang'] = os.path.join(tmp, 'klp-convert-clang')
    sanitize = ['-O1', '-g', '-fsanitize=address,undefined',
                '-fno-sanitize-recover=all', '-fno-omit-frame-pointer']
    try:
        _build_tool(BUILD['tool'], ['-O2'])
        _build_tool(BUILD['tool_asan'], sanitize)
        # clang's UBSan checks more (pointer arithmetic on NULL, for one)
        _build_tool(BUILD['tool_clang'], sanitize, CLANG)
    except BaseException:
        # tearDownModule() is not called when setUpModule() fails
        tearDownModule()
        raise


def tearDownModule():
    if BUILD['tmp']:
        shutil.rmtree(BUILD['tmp'], ignore_errors=True)


# ---------------------------------------------------------------------------
# Base class: fixtures and running the tool
# ---------------------------------------------------------------------------

class KlpConvertTestBase(unittest.TestCase):
    """Builds the tool (once per run, in setUpModule) and the fixtures."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = BUILD['tmp']
        cls.tool = BUILD['tool']
        cls.tool_asan = BUILD['tool_asan']
        cls.tool_clang = BUILD['tool_clang']
        cls._cache = BUILD['cache']

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)

    # -- fixtures -----------------------------------------------------------

    def _cached(self, kind, text, build):
        key = hashlib.sha1((kind + '\0' + text).encode()).hexdigest()[:16]
        path = os.path.join(self.tmp, '%s-%s.o' % (kind, key))
        if key not in self._cache:
            build(path)
            self._cache[key] = path
        return path

    def run_cmd(self, cmd):
        res = subprocess.run(cmd, capture_output=True, text=True)
        self.assertEqual(res.returncode, 0,
                         '%s failed:\n%s' % (' '.join(cmd), res.stderr))
        return res

    def asm(self, src):
        """Assemble @src into an object (cached), return its path."""
        def build(path):
            s = path[:-2] + '.s'
            with open(s, 'w') as f:
                f.write(src)
            self.run_cmd([CROSS + 'as', '-o', path, s])
        return self._cached('asm', src, build)

    def asm_flags(self, src, *flags):
        """Assemble @src with extra assembler @flags (cached)."""
        def build(path):
            s = path[:-2] + '.s'
            with open(s, 'w') as f:
                f.write(src)
            self.run_cmd([CROSS + 'as'] + list(flags) + ['-o', path, s])
        return self._cached('asm' + ' '.join(flags), src, build)

    def asm_copy(self, src, name='in.ko'):
        """A private copy of the object assembled from @src."""
        path = os.path.join(self.dir, name)
        shutil.copyfile(self.asm(src), path)
        return path

    def c_module(self):
        """Two C units compiled like arm64 module code, linked with ld -r."""
        def build(path):
            objs = []
            for name, src in (('unit_a', C_UNIT_A), ('unit_b', C_UNIT_B)):
                c = os.path.join(self.tmp, name + '.c')
                with open(c, 'w') as f:
                    f.write(src)
                o = c[:-2] + '.o'
                self.run_cmd([CROSS + 'gcc', '-O2', '-mcmodel=small',
                              '-fno-pic', '-fno-common', '-c', c, '-o', o])
                objs.append(o)
            self.run_cmd([CROSS + 'ld', '-r', '-o', path] + objs)
        return self._cached('cmod', C_UNIT_A + C_UNIT_B, build)

    def main_fixture(self):
        """ASM_MAIN, with the second R_AARCH64_NONE patched to type 256."""
        def build(path):
            elf = Elf(self.asm(ASM_MAIN))
            nones = [r for r in elf.relas('.rela.text') if r.type == 0]
            self.assertEqual(len(nones), 2)
            data = patch(elf.data, nones[1].off + 8, '<Q',
                         (nones[1].sym << 32) | R['NONE_256'])
            with open(path, 'wb') as f:
                f.write(data)
        return self._cached('main', ASM_MAIN, build)

    def host_cc(self, src, *flags):
        """Compile @src with the host gcc and @flags (cached), or None if
        the host gcc cannot build for those flags (e.g. -m32)."""
        def build(path):
            c = path[:-2] + '.c'
            with open(c, 'w') as f:
                f.write(src)
            res = subprocess.run(['gcc', '-O2', '-c'] + list(flags) +
                                 [c, '-o', path], capture_output=True,
                                 text=True)
            if res.returncode:
                with open(path, 'wb'):
                    pass
        path = self._cached('host', ' '.join(flags) + '\0' + src, build)
        return path if os.path.getsize(path) else None

    def write(self, data, name='in.ko'):
        path = os.path.join(self.dir, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    # -- running the tool ---------------------------------------------------

    def klp_convert(self, *args, asan=False, valgrind=False):
        """asan: False, True (the gcc sanitizer build) or 'clang'."""
        tool = {False: self.tool, True: self.tool_asan,
                'clang': self.tool_clang}[asan]
        cmd = [tool] + list(args)
        if valgrind:
            cmd = ['valgrind', '-q', '--error-exitcode=99',
                   '--leak-check=full', '--errors-for-leak-kinds=definite'
                   ] + cmd
        res = subprocess.run(cmd, capture_output=True, text=True,
                             errors='backslashreplace', env=sanitizer_env(),
                             timeout=60)
        for marker in SANITIZER_MARKERS:
            self.assertNotIn(marker, res.stderr,
                             'sanitizer report:\n' + res.stderr)
        return res

    def convert_ok(self, src_path, out=None, *extra):
        out = out or os.path.join(self.dir, 'out.ko')
        res = self.klp_convert(*extra, src_path, out)
        self.assertEqual(res.returncode, 0, res.stderr)
        return out, res

    def leftovers(self):
        return [f for f in os.listdir(self.dir) if '.klp-convert.' in f]

    def assert_refused(self, in_path, patterns, builds=('normal', 'asan')):
        """The tool fails cleanly and leaves no output behind."""
        out = os.path.join(self.dir, 'out.ko')
        for build in builds:
            res = self.klp_convert(in_path, out, asan=build == 'asan')
            self.assertEqual(res.returncode, 1,
                             '%s build: rc %d\n%s'
                             % (build, res.returncode, res.stderr))
            self.assertTrue(res.stderr.startswith('klp-convert: '),
                            res.stderr)
            for p in patterns:
                self.assertRegex(res.stderr, p)
            self.assertEqual(res.stdout, '')
            self.assertFalse(os.path.exists(out), 'output file created')
            self.assertEqual(self.leftovers(), [])
        # an existing OUT is left alone too
        with open(out, 'wb') as f:
            f.write(b'previous contents')
        res = self.klp_convert(in_path, out)
        self.assertEqual(res.returncode, 1)
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), b'previous contents')
        os.unlink(out)
        return res


# ---------------------------------------------------------------------------
# Conversion of the assembly fixture
# ---------------------------------------------------------------------------

class TestAsmConversion(KlpConvertTestBase):

    def setUp(self):
        super().setUp()
        self.in_path = self.main_fixture()
        self.out_path, self.res = self.convert_ok(self.in_path)
        self.inp = Elf(self.in_path)
        self.out = Elf(self.out_path)

    def test_success_prints_nothing(self):
        self.assertEqual(self.res.stdout, '')
        self.assertEqual(self.res.stderr, '')

    def test_klp_rela_section_names_are_exact(self):
        klp = sorted(s.name for s in self.out.sections
                     if s.name.startswith('.klp.rela.'))
        self.assertEqual(klp, sorted(MAIN_EXPECTED))

    def test_klp_rela_section_headers(self):
        for name in MAIN_EXPECTED:
            s = self.out.section(name)
            rest = name[len('.klp.rela.'):]
            target = rest[rest.index('.') + 1:]
            with self.subTest(section=name):
                self.assertEqual(s.type, SHT_RELA)
                self.assertEqual(s.flags, SHF_ALLOC | SHF_INFO_LINK |
                                 SHF_RELA_LIVEPATCH)
                self.assertTrue(s.flags & SHF_RELA_LIVEPATCH)
                self.assertEqual(s.link, self.out.symtab.idx)
                self.assertEqual(s.info, self.out.section(target).idx)
                self.assertEqual(self.out.sections[s.info].name, target)
                self.assertEqual(s.entsize, 24)
                self.assertEqual(s.addralign, 8)
                self.assertEqual(s.offset % 8, 0)

    def test_new_sections_appended_after_existing(self):
        n = self.inp.e_shnum
        self.assertEqual(self.out.e_shnum, n + len(MAIN_EXPECTED))
        self.assertTrue(all(s.name.startswith('.klp.rela.')
                            for s in self.out.sections[n:]))
        self.assertEqual(self.out.e_shstrndx, self.inp.e_shstrndx)

    def test_every_supported_relocation_type_is_converted(self):
        seen = set()
        for name, types in MAIN_EXPECTED.items():
            got = [RNAME.get(r.type, r.type) for r in self.out.relas(name)]
            self.assertEqual(got, types, name)
            seen.update(got)
        self.assertEqual(seen, set(R) - NONE)

    def test_fixture_covers_every_type_of_the_arm64_loader(self):
        path = os.path.join(KERNEL, 'arch/arm64/kernel/module.c')
        with open(path) as f:
            src = f.read()
        # apply_relocate_add(), and the function that does its work since
        # "arm64: module: synchronise the CPUs once per section of late
        # relocations"
        bodies = re.findall(r'\n(?:static )?int (?:__)?apply_relocate_add\(.*?\n}\n',
                            src, re.S)
        self.assertTrue(bodies)
        cases = set(re.findall(r'case (R_(?:AARCH64|ARM)_\w+):',
                               ''.join(bodies)))
        expected = {'R_ARM_NONE', 'R_AARCH64_NONE'}
        expected |= {'R_AARCH64_' + n for n in R if not n.startswith('NONE')}
        self.assertEqual(cases, expected)

    def test_moved_relocations_keep_offset_type_addend(self):
        """Moved entries keep r_offset, type, symbol index and r_addend."""
        moved = {}
        for s in self.inp.sections:
            if s.type != SHT_RELA:
                continue
            target = self.inp.sections[s.info]
            for r in self.inp.relas(s):
                sym = self.inp.symbols[r.sym].name
                if sym in ANNOT and target.flags & SHF_ALLOC and \
                        RNAME.get(r.type) not in NONE:
                    key = '.klp.rela.%s.%s' % (ANNOT[sym][0], target.name)
                    moved.setdefault(key, []).append(
                        (r.offset, r.type, r.addend, r.sym,
                         klp_name(sym, ANNOT)))
        got = {}
        for name in MAIN_EXPECTED:
            got[name] = [(r.offset, r.type, r.addend, r.sym,
                          self.out.symbols[r.sym].name)
                         for r in self.out.relas(name)]
        self.assertEqual(got, moved)
        addends = [r[2] for r in got['.klp.rela.vmlinux..text']]
        self.assertEqual(addends[2], 16)
        self.assertEqual(addends[5], 16)
        self.assertEqual([r[2] for r in got['.klp.rela.vmlinux..data']][-2],
                         8)

    def test_non_annotated_relocations_stay_in_place(self):
        """Relocations against other symbols, and those that write nothing,
        stay in their section."""
        for s in self.inp.sections:
            if s.type != SHT_RELA:
                continue
            target = self.inp.sections[s.info]
            kept = [(r.offset, r.type, r.addend, r.sym)
                    for r in self.inp.relas(s)
                    if self.inp.symbols[r.sym].name not in ANNOT or
                    not target.flags & SHF_ALLOC or
                    RNAME.get(r.type) in NONE]
            out = [(r.offset, r.type, r.addend, r.sym)
                   for r in self.out.relas(self.out.sections[s.idx])]
            self.assertEqual(out, kept, s.name)
        text = [self.out.symbols[r.sym].name
                for r in self.out.relas('.rela.text')]
        vvar = '.klp.sym.vmlinux.vvar,0'
        self.assertEqual(text, [vvar, vvar, 'printk', 'jiffies', 'jiffies',
                                '.data', '.data'])
        self.assertEqual(self.out.symbol('printk').shndx, SHN_UNDEF)
        self.assertEqual(self.out.symbol('jiffies').shndx, SHN_UNDEF)

    def test_non_allocated_section_relocations_left_alone(self):
        relas = self.out.relas('.rela.debug_klp_test')
        self.assertEqual(len(relas), 1)
        self.assertEqual(self.out.symbols[relas[0].sym].name,
                         '.klp.sym.vmlinux.vvar,0')
        self.assertFalse(self.out.has_section(
            '.klp.rela.vmlinux..debug_klp_test'))

    def test_symbols_converted_in_place(self):
        self.assertEqual(len(self.out.symbols), len(self.inp.symbols))
        self.assertEqual(self.out.symtab.info, self.inp.symtab.info)
        for a, b in zip(self.inp.symbols, self.out.symbols):
            with self.subTest(symbol=a.name):
                self.assertEqual((a.info, a.other, a.value, a.size),
                                 (b.info, b.other, b.value, b.size))
                if a.name in ANNOT:
                    self.assertEqual(a.shndx, SHN_UNDEF)
                    self.assertEqual(b.shndx, SHN_LIVEPATCH)
                    self.assertEqual(b.name, klp_name(a.name, ANNOT))
                else:
                    self.assertEqual((a.name, a.shndx), (b.name, b.shndx))

    def test_weak_binding_preserved(self):
        self.assertEqual(self.out.symbol('.klp.sym.vmlinux.wsym,0').bind,
                         STB_WEAK)
        self.assertEqual(self.out.symbol('.klp.sym.vmlinux.vvar,0').bind,
                         STB_GLOBAL)

    def test_symbol_name_with_dots_and_sympos(self):
        sym = self.out.symbol('.klp.sym.vmlinux.bar.isra.0,1')
        self.assertEqual(sym.shndx, SHN_LIVEPATCH)
        self.assertEqual(self.out.symbol('.klp.sym.target_mod.mvar,2').shndx,
                         SHN_LIVEPATCH)

    def test_names_parse_like_the_kernel(self):
        """Mimic the sscanf()s of kernel/livepatch/core.c."""
        sym_re = re.compile(r'\.klp\.sym\.([^.]{1,55})\.([^,]{1,511}),(\d+)')
        sec_re = re.compile(r'\.klp\.rela\.([^.]{1,55})')
        for s in self.out.sections:
            if not s.flags & SHF_RELA_LIVEPATCH:
                continue
            sec_obj = sec_re.match(s.name).group(1)
            for r in self.out.relas(s):
                sym = self.out.symbols[r.sym]
                self.assertEqual(sym.shndx, SHN_LIVEPATCH)
                m = sym_re.match(sym.name)
                self.assertIsNotNone(m, sym.name)
                self.assertEqual(m.group(1), sec_obj)

    def test_existing_sections_unchanged(self):
        changed = {self.inp.symtab.idx, self.inp.symtab.link,
                   self.inp.e_shstrndx}
        changed |= {s.idx for s in self.inp.sections if s.type == SHT_RELA}
        for a in self.inp.sections:
            b = self.out.sections[a.idx]
            with self.subTest(section=a.name):
                self.assertEqual(
                    (a.name, a.type, a.flags, a.addr, a.link, a.info,
                     a.addralign, a.entsize),
                    (b.name, b.type, b.flags, b.addr, b.link, b.info,
                     b.addralign, b.entsize))
                if a.type == SHT_NOBITS:
                    self.assertEqual(a.size, b.size)
                if a.idx not in changed:
                    self.assertEqual(a.contents(self.inp.data),
                                     b.contents(self.out.data))
        self.assertEqual(self.out.section('.bss').size, 64)
        for idx in (self.inp.symtab.link, self.inp.e_shstrndx):
            old = self.inp.sections[idx].contents(self.inp.data)
            new = self.out.sections[idx].contents(self.out.data)
            self.assertEqual(new[:len(old)], old, 'string table not appended')
        self.assertEqual(self.out.section('.klp.syms').contents(self.out.data),
                         self.inp.section('.klp.syms').contents(self.inp.data))

    def test_output_layout_is_valid(self):
        size = len(self.out.data)
        self.assertEqual(self.out.e_shoff % 8, 0)
        self.assertLessEqual(self.out.e_shoff + 64 * self.out.e_shnum, size)
        ranges = [(0, 64), (self.out.e_shoff,
                            self.out.e_shoff + 64 * self.out.e_shnum)]
        for s in self.out.sections[1:]:
            if s.type == SHT_NOBITS or not s.size:
                continue
            self.assertLessEqual(s.offset + s.size, size)
            if s.addralign:
                self.assertEqual(s.offset % s.addralign, 0, s.name)
            ranges.append((s.offset, s.offset + s.size))
        ranges.sort()
        for (a0, a1), (b0, b1) in zip(ranges, ranges[1:]):
            self.assertLessEqual(a1, b0, 'overlapping file ranges')

    def test_readelf_accepts_output(self):
        res = subprocess.run([CROSS + 'readelf', '-a', '-W', self.out_path],
                             capture_output=True, text=True)
        self.assertEqual(res.returncode, 0)
        self.assertEqual(res.stderr, '')
        self.assertRegex(res.stdout,
                         r'\.klp\.rela\.vmlinux\.\.text +RELA .* AIo ')
        self.assertIn('OS [0xff20] .klp.sym.vmlinux.vvar,0', res.stdout)

    def test_output_keeps_input_permissions(self):
        path = os.path.join(self.dir, 'perm-in.ko')
        shutil.copyfile(self.in_path, path)
        os.chmod(path, 0o640)
        out, _ = self.convert_ok(path, os.path.join(self.dir, 'perm.ko'))
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o640)

    def test_sanitizer_build_gives_identical_output(self):
        out = os.path.join(self.dir, 'asan.ko')
        res = self.klp_convert(self.in_path, out, asan=True)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(res.stderr, '')
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), self.out.data)


# ---------------------------------------------------------------------------
# Conversion of a C module built from two compilation units
# ---------------------------------------------------------------------------

class TestCModule(KlpConvertTestBase):

    def setUp(self):
        super().setUp()
        self.in_path = self.c_module()
        self.out_path, self.res = self.convert_ok(self.in_path)
        self.inp = Elf(self.in_path)
        self.out = Elf(self.out_path)

    def test_annotations_from_both_units_with_duplicates(self):
        strings = self.inp.section('.klp.syms').contents(
            self.inp.data).split(b'\0')[:-1]
        self.assertEqual(len(strings), 6)
        self.assertEqual(len(set(strings)), 4)
        self.assertEqual(self.res.stderr, '')

    def test_exact_relocations_emitted_by_gcc(self):
        got = {}
        for s in self.out.sections:
            if s.flags & SHF_RELA_LIVEPATCH:
                got[s.name] = sorted(
                    (RNAME[r.type], self.out.symbols[r.sym].name)
                    for r in self.out.relas(s))
        expected = {name: sorted((t, klp_name(sym, C_ANNOT))
                                 for t, sym in relas)
                    for name, relas in C_EXPECTED.items()}
        self.assertEqual(got, expected)

    def test_moved_entries_match_input(self):
        inp = [(r.offset, r.type, r.addend, r.sym)
               for r in self.inp.relas('.rela.text')
               if self.inp.symbols[r.sym].name in C_ANNOT]
        out = []
        for name in C_EXPECTED:
            out += [(r.offset, r.type, r.addend, r.sym)
                    for r in self.out.relas(name)]
        self.assertEqual(sorted(out), sorted(inp))
        for name in C_EXPECTED:
            self.assertEqual(self.out.section(name).info,
                             self.out.section('.text').idx)

    def test_printk_and_string_literal_stay(self):
        kept = sorted((RNAME[r.type], self.out.symbols[r.sym].name)
                      for r in self.out.relas('.rela.text'))
        self.assertEqual(kept, [('ADD_ABS_LO12_NC', '.rodata.str1.8'),
                                ('ADR_PREL_PG_HI21', '.rodata.str1.8'),
                                ('CALL26', 'printk')])
        self.assertEqual(len(self.out.relas('.rela.eh_frame')), 2)

    def test_converted_symbols(self):
        for sym, (obj, pos) in C_ANNOT.items():
            s = self.out.symbol('.klp.sym.%s.%s,%d' % (obj, sym, pos))
            self.assertEqual(s.shndx, SHN_LIVEPATCH)
            self.assertEqual(s.bind, STB_GLOBAL)
            self.assertFalse(any(x.name == sym for x in self.out.symbols))


# ---------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------

SPECIAL_SECTIONS = {
    # name: (flags, reason regex)
    '__jump_table': ('aw', 'special section'),
    '.altinstructions': ('a', 'special section'),
    '__ex_table': ('a', 'special section'),
    '__bug_table': ('aw', 'special section'),
    '.static_call_sites': ('aw', 'special section'),
    '__mcount_loc': ('a', 'special section'),
    '__patchable_function_entries': ('aw', 'special section'),
    '__param': ('a', 'special section'),
    '.noinstr.text': ('ax', 'special section'),
    '.init.text': ('ax', 'init/exit section'),
    '.init.data': ('aw', 'init/exit section'),
    '.exit.text': ('ax', 'init/exit section'),
    '.data..percpu': ('aw', 'per-CPU section'),
    '.data..percpu..shared_aligned': ('aw', 'per-CPU section'),
}


class TestRefusals(KlpConvertTestBase):

    def test_refuse_got_relocation(self):
        src = ('\t.text\n\tadrp x0, :got:vvar\n'
               '\tldr x0, [x0, :got_lo12:vvar]\n' + klp_syms('vmlinux.vvar,0'))
        path = self.asm_copy(src)
        res = self.assert_refused(path, [
            r'klp-convert: %s: \.text\+0x0: vvar: relocation type '
            r'R_AARCH64_ADR_GOT_PAGE \(311\) is not supported' % path,
            r'\.text\+0x4: vvar: relocation type R_AARCH64_LD64_GOT_LO12_NC',
            r'2 relocation\(s\) cannot be converted'])
        self.assertEqual(len(res.stderr.splitlines()), 3)

    def test_refuse_unknown_relocation_type(self):
        path = self.main_fixture()
        elf = Elf(path)
        r = elf.relas('.rela.data')[0]
        data = patch(elf.data, r.off + 8, '<Q', (r.sym << 32) | 1000)
        self.assert_refused(self.write(data), [
            r'\.data\+0x0: vvar: relocation type 1000 is not supported'])

    def test_unannotated_reference_from_special_section_is_fine(self):
        """Only references to annotated symbols are refused."""
        src = ('\t.section __jump_table,"aw",%progbits\n\t.quad jiffies\n' +
               ref_from('.text', 'ax', 'bl vvar'))
        out, res = self.convert_ok(self.asm_copy(src))
        self.assertEqual(res.stderr, '')
        self.assertTrue(Elf(out).has_section('.klp.rela.vmlinux..text'))

    def test_refuse_reports_every_bad_relocation(self):
        src = ('\t.section __ex_table,"a",%progbits\n\t.word vvar - .\n'
               '\t.section .init.text,"ax",%progbits\n\tnop\n\tbl vvar\n' +
               ref_from('.text', 'ax', 'bl vvar'))
        self.assert_refused(self.asm_copy(src), [
            r'__ex_table\+0x0: vvar: special section',
            r'\.init\.text\+0x4: vvar: init/exit section',
            r'2 relocation\(s\) cannot be converted'])

    def test_refuse_conflicting_annotations_object(self):
        src = ref_from('.text', 'ax', 'bl vvar') + klp_syms('other_mod.vvar,0')
        self.assert_refused(self.asm_copy(src), [
            r"conflicting annotations for symbol 'vvar'",
            r'"vmlinux\.vvar,0"', r'"other_mod\.vvar,0"'])

    def test_refuse_conflicting_annotations_position(self):
        src = ref_from('.text', 'ax', 'bl vvar') + klp_syms('vmlinux.vvar,1')
        self.assert_refused(self.asm_copy(src), [
            r"conflicting annotations for symbol 'vvar': "
            r'"vmlinux\.vvar,0" and "vmlinux\.vvar,1"'])

    def test_refuse_annotated_symbol_defined_globally(self):
        src = ('\t.data\n\t.globl vvar\nvvar:\t.quad 0\n' +
               klp_syms('vmlinux.vvar,0'))
        self.assert_refused(self.asm_copy(src), [
            r"symbol 'vvar' is annotated \(\"vmlinux\.vvar,0\"\) but "
            r"defined in this module \(\.data\)"])

    def test_refuse_annotated_symbol_defined_locally(self):
        src = ('\t.data\nvvar:\t.quad 0\n\t.text\n\tadrp x0, vvar\n' +
               klp_syms('vmlinux.vvar,0'))
        self.assert_refused(self.asm_copy(src), [
            r"symbol 'vvar' is annotated .* but defined in this module"])

    def _bad_annotation(self, text, reason):
        src = ref_from('.text', 'ax', 'bl vvar') + klp_syms(text)
        self.assert_refused(self.asm_copy(src), [
            r'bad annotation in \.klp\.syms "%s": .*%s'
            % (re.escape(text), reason)])

    def test_bad_annotation_no_dot_no_comma(self):
        self._bad_annotation('vmlinuxvvar0', 'expected')

    def test_bad_annotation_no_comma(self):
        self._bad_annotation('vmlinux.vvar0', 'expected')

    def test_bad_annotation_no_dot(self):
        self._bad_annotation('vmlinux_vvar,0', 'expected')

    def test_bad_annotation_non_numeric_position(self):
        self._bad_annotation('vmlinux.vvar,x1', 'not a decimal number')

    def test_bad_annotation_hex_position(self):
        self._bad_annotation('vmlinux.vvar,0x1', 'not a decimal number')

    def test_bad_annotation_empty_position(self):
        self._bad_annotation('vmlinux.vvar,', 'not a decimal number')

    def test_bad_annotation_position_overflow(self):
        self._bad_annotation('vmlinux.vvar,99999999999999999999999',
                             'out of range')

    def test_bad_annotation_object_too_long(self):
        self._bad_annotation('m' * 56 + '.vvar,0', 'longer than 55')

    def test_bad_annotation_empty_object(self):
        self._bad_annotation('.vvar,0', 'empty object name')

    def test_bad_annotation_empty_symbol(self):
        self._bad_annotation('vmlinux.,0', 'empty symbol name')

    def test_bad_annotation_symbol_too_long(self):
        self._bad_annotation('vmlinux.' + 's' * 512 + ',0', 'longer than 511')

    def test_bad_annotation_comma_in_symbol(self):
        self._bad_annotation('vmlinux.a,b,0', "',' in symbol name")

    def test_longest_valid_names_accepted(self):
        obj, sym = 'm' * 55, 's' * 511
        src = ('\t.text\n\tbl %s\n' % sym) + klp_syms('%s.%s,3' % (obj, sym))
        out, res = self.convert_ok(self.asm_copy(src))
        self.assertEqual(res.stderr, '')
        elf = Elf(out)
        self.assertEqual(elf.symbol('.klp.sym.%s.%s,3' % (obj, sym)).shndx,
                         SHN_LIVEPATCH)
        self.assertTrue(elf.has_section('.klp.rela.%s..text' % obj))


def _make_special_section_test(name, flags, reason):
    def test(self):
        insn = 'bl vvar' if 'x' in flags else '.quad vvar'
        src = '\t.text\n\tnop\n' + ref_from(name, flags, insn)
        path = self.asm_copy(src)
        self.assert_refused(path, [
            r'^klp-convert: %s: %s\+0x0: vvar: %s'
            % (re.escape(path), re.escape(name), reason)])
    return test


for _name, (_flags, _reason) in SPECIAL_SECTIONS.items():
    setattr(TestRefusals, 'test_refuse_reloc_from_' +
            re.sub(r'\W', '_', _name).strip('_'),
            _make_special_section_test(_name, _flags, _reason))


# ---------------------------------------------------------------------------
# Malformed ELF
# ---------------------------------------------------------------------------

class TestMalformed(KlpConvertTestBase):
    """Every malformed input gives a clean error, with both builds."""

    def setUp(self):
        super().setUp()
        self.elf = Elf(self.main_fixture())
        self.data = self.elf.data

    def refuse(self, data, pattern):
        self.assert_refused(self.write(data), [pattern])

    def shdr(self, name, field):
        offs = {'name': 0, 'type': 4, 'flags': 8, 'offset': 24, 'size': 32,
                'link': 40, 'info': 44, 'addralign': 48, 'entsize': 56}
        return self.elf.section(name).hdr_off + offs[field]

    def test_empty_file(self):
        self.refuse(b'', 'not an ELF file')

    def test_not_elf(self):
        self.refuse(b'this is not an ELF file\n' * 10, 'not an ELF file')

    def test_truncated_in_ident(self):
        self.refuse(self.data[:10], 'truncated ELF header')

    def test_truncated_in_header(self):
        self.refuse(self.data[:40], 'truncated ELF header')
        self.refuse(self.data[:63], 'truncated ELF header')

    def test_truncated_in_section_headers(self):
        self.refuse(self.data[:self.elf.e_shoff + 10],
                    'section header table .* extends past the end')
        self.refuse(self.data[:-1],
                    'section header table .* extends past the end')

    def test_truncated_section_contents(self):
        # move the section header table to the front, then cut the data
        shdrs = self.data[self.elf.e_shoff:]
        body = self.data[:self.elf.e_shoff]
        data = patch(body[:64] + shdrs + body[64:], 0x28, '<Q', 64)
        shift = len(shdrs)
        buf = bytearray(data)
        for i in range(1, self.elf.e_shnum):
            off = 64 + 64 * i + 24
            old = struct.unpack_from('<Q', buf, off)[0]
            if old >= 64:
                struct.pack_into('<Q', buf, off, old + shift)
        good = bytes(buf)
        self.assertEqual(Elf(good).section('.klp.syms').contents(good),
                         self.elf.section('.klp.syms').contents(self.data))
        strtab = Elf(good).sections[self.elf.symtab.link]
        self.refuse(good[:strtab.offset + 3],
                    r'section \d+: contents .* extend past the end')

    def test_section_size_past_end(self):
        self.refuse(patch(self.data, self.shdr('.text', 'size'), '<Q',
                          len(self.data)),
                    r'section 1: contents .* extend past the end')

    def test_section_offset_overflow(self):
        data = patch(self.data, self.shdr('.text', 'offset'), '<Q',
                     0xffffffffffffff00)
        data = patch(data, self.shdr('.text', 'size'), '<Q', 0x200)
        self.refuse(data, r'section 1: contents .* extend past the end')

    def test_elf32(self):
        self.refuse(patch(self.data, 4, 'B', 1), 'not a 64-bit ELF file')

    def test_big_endian(self):
        # Read as big-endian, the section header table is out of the file.
        self.refuse(patch(self.data, 5, 'B', 2),
                    r'cannot read the section headers to look for '
                    r'KLP_SYMBOL\(\) annotations: section header table '
                    r'extends past the end of the file')

    def test_wrong_machine(self):
        self.refuse(patch(self.data, 18, '<H', 62),
                    r'KLP_SYMBOL\(\) annotations found, but klp-convert '
                    r'supports only arm64 \(EM_AARCH64\) modules, not '
                    r'machine 62$')

    def test_not_relocatable(self):
        self.refuse(patch(self.data, 16, '<H', 2),
                    'not a relocatable object')

    def test_program_headers(self):
        self.refuse(patch(self.data, 56, '<H', 1), 'program headers')

    def test_wrong_shentsize(self):
        self.refuse(patch(self.data, 58, '<H', 40),
                    'invalid section header size 40')

    def test_no_sections(self):
        self.refuse(patch(self.data, 60, '<H', 0), 'no section headers')

    def test_shstrndx_out_of_range(self):
        self.refuse(patch(self.data, 62, '<H', self.elf.e_shnum),
                    'e_shstrndx %d is out of range' % self.elf.e_shnum)
        self.refuse(patch(self.data, 62, '<H', 0xffff),
                    'e_shstrndx 65535 is out of range')

    def test_shstrndx_not_a_string_table(self):
        self.refuse(patch(self.data, 62, '<H', 1),
                    'section name string table .* is not SHT_STRTAB')

    def test_sh_link_out_of_range(self):
        self.refuse(patch(self.data, self.shdr('.rela.text', 'link'), '<I',
                          500), r'sh_link 500 is out of range')

    def test_symtab_link_out_of_range(self):
        self.refuse(patch(self.data, self.shdr('.symtab', 'link'), '<I',
                          self.elf.e_shnum), r'sh_link \d+ is out of range')

    def test_symtab_link_not_a_string_table(self):
        self.refuse(patch(self.data, self.shdr('.symtab', 'link'), '<I', 1),
                    'symbol string table .* is not SHT_STRTAB')

    def test_rela_link_not_symtab(self):
        self.refuse(patch(self.data, self.shdr('.rela.text', 'link'), '<I',
                          1), r'\.rela\.text: sh_link 1 is not the symbol')

    def test_sh_info_out_of_range(self):
        self.refuse(patch(self.data, self.shdr('.rela.text', 'info'), '<I',
                          0x10000), r'sh_info 65536 is out of range')

    def test_symtab_info_out_of_range(self):
        self.refuse(patch(self.data, self.shdr('.symtab', 'info'), '<I',
                          1000), r'symbol table sh_info 1000 is out of range')

    def test_sh_name_outside_shstrtab(self):
        self.refuse(patch(self.data, self.shdr('.text', 'name'), '<I',
                          0x7fffffff),
                    r'sh_name 0x7fffffff is outside the section name')

    def test_st_name_outside_strtab(self):
        sym = self.elf.symbol('vvar')
        self.refuse(patch(self.data, sym.off, '<I', 0xfffffff0),
                    r'symbol %d: st_name 0xfffffff0 is outside the string'
                    % sym.idx)

    def test_misaligned_section_header_table(self):
        # Found by make fuzz: libelf used the table in place, at an address
        # misaligned for Elf64_Shdr (undefined behaviour, and a fault on a
        # host that traps unaligned loads).
        off = self.elf.e_shoff
        self.assertEqual(off + 64 * self.elf.e_shnum, len(self.data))
        data = patch(self.data[:off] + bytes(4) + self.data[off:], 0x28,
                     '<Q', off + 4)
        self.refuse(data, 'section header table offset 0x%x is not 8-byte '
                    'aligned' % (off + 4))

    def test_huge_alignment(self):
        # Found by make fuzz: libelf padded the output to honour a 4 TiB
        # alignment, and the tool wrote gigabytes (an afl hang).
        self.refuse(patch(self.data, self.shdr('.data', 'addralign'), '<Q',
                          1 << 42),
                    r'section \d+: alignment 0x40000000000 is larger than the '
                    r'largest page size \(0x10000\)')
        out = os.path.join(self.dir, 'out.ko')
        data = patch(self.data, self.shdr('.data', 'addralign'), '<Q', 0x10000)
        res = self.klp_convert(self.write(data), out)
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_misaligned_table_section(self):
        sec = self.elf.section('.rela.text')
        self.refuse(patch(self.data, self.shdr('.rela.text', 'offset'), '<Q',
                          sec.offset + 4),
                    r'section \d+: offset 0x%x is not 8-byte aligned'
                    % (sec.offset + 4))

    def test_empty_klp_syms(self):
        # Found by make fuzz: an empty .klp.syms has no buffer, and the
        # string walk did arithmetic on the NULL pointer.  No annotation,
        # nothing to convert.
        data = patch(self.data, self.shdr('.klp.syms', 'size'), '<Q', 0)
        for asan in (False, True, 'clang'):
            out = os.path.join(self.dir, 'out.ko')
            res = self.klp_convert(self.write(data), out, asan=asan)
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertEqual(res.stderr, '')
            os.unlink(out)

    def test_r_info_symbol_out_of_range(self):
        r = self.elf.relas('.rela.text')[3]
        self.refuse(patch(self.data, r.off + 8, '<Q',
                          (0xffffff << 32) | r.type),
                    r'\.rela\.text: entry 3: symbol index 16777215 is out')

    def test_st_shndx_garbage(self):
        sym = self.elf.symbol('printk')
        self.refuse(patch(self.data, sym.off + 6, '<H', 0xfe00),
                    r"symbol %d \(printk\): section index 0xfe00 is out"
                    % sym.idx)

    def test_st_shndx_xindex(self):
        sym = self.elf.symbol('printk')
        self.refuse(patch(self.data, sym.off + 6, '<H', 0xffff),
                    'extended section indexes are not supported')

    def test_livepatch_symbol_with_bad_name(self):
        sym = self.elf.symbol('printk')
        self.refuse(patch(self.data, sym.off + 6, '<H', SHN_LIVEPATCH),
                    r'SHN_LIVEPATCH symbol without the \.klp\.sym\. prefix')

    def test_unterminated_strtab(self):
        s = self.elf.sections[self.elf.symtab.link]
        self.refuse(patch(self.data, s.offset + s.size - 1, 'B', 0x41),
                    'symbol string table .* is not NUL-terminated')

    def test_unterminated_shstrtab(self):
        s = self.elf.sections[self.elf.e_shstrndx]
        self.refuse(patch(self.data, s.offset + s.size - 1, 'B', 0x41),
                    'section name string table .* is not NUL-terminated')

    def test_empty_strtab(self):
        self.refuse(patch(self.data, self.elf.sections[
            self.elf.symtab.link].hdr_off + 32, '<Q', 0),
            'symbol string table .* is empty')

    def test_rela_wrong_entsize(self):
        self.refuse(patch(self.data, self.shdr('.rela.text', 'entsize'),
                          '<Q', 16), r'sh_entsize 16, expected 24')

    def test_rela_size_not_multiple_of_entsize(self):
        s = self.elf.section('.rela.text')
        self.refuse(patch(self.data, self.shdr('.rela.text', 'size'), '<Q',
                          s.size - 1), 'not a multiple of the entry size 24')

    def test_symtab_wrong_entsize(self):
        self.refuse(patch(self.data, self.shdr('.symtab', 'entsize'), '<Q',
                          16), r'sh_entsize 16, expected 24')

    def test_bad_alignment(self):
        self.refuse(patch(self.data, self.shdr('.text', 'addralign'), '<Q',
                          3), 'alignment 0x3 is not a power of two')

    def test_missing_symtab(self):
        self.refuse(patch(self.data, self.shdr('.symtab', 'type'), '<I',
                          SHT_PROGBITS), 'no symbol table')

    def test_two_symtabs(self):
        # .rela.data has the size and entry size of a symbol table
        self.refuse(patch(self.data, self.shdr('.rela.data', 'type'), '<I',
                          SHT_SYMTAB), 'more than one symbol table')

    def test_klp_syms_unterminated(self):
        s = self.elf.section('.klp.syms')
        self.refuse(patch(self.data, s.offset + s.size - 1, 'B', 0x41),
                    r'\.klp\.syms \(section \d+\): unterminated string')

    def test_klp_syms_not_progbits(self):
        self.refuse(patch(self.data, self.shdr('.klp.syms', 'type'), '<I',
                          SHT_NOBITS), r'\.klp\.syms .* is not SHT_PROGBITS')

    def test_random_corruption_never_crashes(self):
        """Byte flips in the headers and tables: exit 0 or 1, never crash."""
        rng = random.Random(20241212)
        regions = [(0, 64), (self.elf.e_shoff, len(self.data))]
        for s in (self.elf.symtab, self.elf.section('.rela.text'),
                  self.elf.section('.klp.syms')):
            regions.append((s.offset, s.offset + s.size))
        out = os.path.join(self.dir, 'out.ko')
        for i in range(60):
            buf = bytearray(self.data)
            for _ in range(rng.randint(1, 4)):
                lo, hi = rng.choice(regions)
                buf[rng.randrange(lo, hi)] = rng.randrange(256)
            path = self.write(bytes(buf), 'fuzz.ko')
            res = self.klp_convert(path, out, asan=True)
            self.assertIn(res.returncode, (0, 1),
                          'case %d: %s' % (i, res.stderr))
            if res.returncode:
                self.assertTrue(res.stderr.startswith('klp-convert: '))
                self.assertFalse(os.path.exists(out))
            elif os.path.exists(out):
                os.unlink(out)
            self.assertEqual(self.leftovers(), [])


# ---------------------------------------------------------------------------
# Idempotence, in-place conversion, no-op, CLI
# ---------------------------------------------------------------------------

class TestFileHandling(KlpConvertTestBase):

    def test_second_run_is_byte_identical_noop(self):
        out1, _ = self.convert_ok(self.main_fixture())
        out2, res = self.convert_ok(out1, os.path.join(self.dir, 'out2.ko'))
        self.assertEqual(res.stderr, '')
        with open(out1, 'rb') as a, open(out2, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_second_run_in_place_does_not_touch_file(self):
        out, _ = self.convert_ok(self.main_fixture())
        os.utime(out, (1000000000, 1000000000))
        before = os.stat(out)
        res = self.klp_convert('-v', out, out)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual((res.stdout, res.stderr), ('', ''))
        after = os.stat(out)
        self.assertEqual(before.st_mtime_ns, after.st_mtime_ns)
        self.assertEqual(before.st_ino, after.st_ino)

    def test_c_module_second_run_identical(self):
        out1, _ = self.convert_ok(self.c_module())
        out2, res = self.convert_ok(out1, os.path.join(self.dir, 'out2.ko'))
        self.assertEqual(res.stderr, '')
        with open(out1, 'rb') as a, open(out2, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_in_place_conversion(self):
        path = os.path.join(self.dir, 'mod.ko')
        shutil.copyfile(self.main_fixture(), path)
        res = self.klp_convert(path, path)
        self.assertEqual(res.returncode, 0, res.stderr)
        ref, _ = self.convert_ok(self.main_fixture())
        with open(path, 'rb') as a, open(ref, 'rb') as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(sorted(os.listdir(self.dir)), ['mod.ko', 'out.ko'])

    def test_in_place_via_other_path(self):
        path = os.path.join(self.dir, 'mod.ko')
        shutil.copyfile(self.main_fixture(), path)
        res = self.klp_convert(path, os.path.join(self.dir, '.', 'mod.ko'))
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertTrue(Elf(path).has_section('.klp.rela.vmlinux..text'))

    def test_in_place_refusal_leaves_file_alone(self):
        src = ('\t.text\n\tadrp x0, :got:vvar\n' + klp_syms('vmlinux.vvar,0'))
        path = self.asm_copy(src)
        with open(path, 'rb') as f:
            before = f.read()
        res = self.klp_convert(path, path)
        self.assertEqual(res.returncode, 1)
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(self.leftovers(), [])

    def test_no_klp_syms_in_place_untouched(self):
        path = self.asm_copy(ASM_PLAIN)
        os.utime(path, (1000000000, 1000000000))
        before = os.stat(path)
        res = self.klp_convert(path, path)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual((res.stdout, res.stderr), ('', ''))
        after = os.stat(path)
        self.assertEqual(before.st_mtime_ns, after.st_mtime_ns)
        self.assertEqual(before.st_ino, after.st_ino)
        self.assertEqual(os.listdir(self.dir), ['in.ko'])

    def test_no_klp_syms_copied_verbatim(self):
        path = self.asm_copy(ASM_PLAIN)
        out, res = self.convert_ok(path)
        self.assertEqual(res.stderr, '')
        with open(path, 'rb') as a, open(out, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_no_klp_syms_replaces_existing_output(self):
        path = self.asm_copy(ASM_PLAIN)
        out = self.write(b'old', 'out.ko')
        self.convert_ok(path, out)
        with open(path, 'rb') as a, open(out, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_leftover_relocations_of_converted_symbols_are_moved(self):
        """E.g. after ld -r of an already converted object with others."""
        src = ('\t.text\n\tnop\n\tbl ".klp.sym.vmlinux.foo,0"\n\tbl printk\n' +
               klp_syms('vmlinux.foo,0'))
        elf = Elf(self.asm(src))
        sym = elf.symbol('.klp.sym.vmlinux.foo,0')
        self.assertEqual(sym.shndx, SHN_UNDEF)
        path = self.write(patch(elf.data, sym.off + 6, '<H', SHN_LIVEPATCH))
        out, res = self.convert_ok(path)
        self.assertEqual(res.stderr, '')
        out = Elf(out)
        relas = out.relas('.klp.rela.vmlinux..text')
        self.assertEqual([(r.offset, RNAME[r.type], out.symbols[r.sym].name)
                          for r in relas],
                         [(4, 'CALL26', '.klp.sym.vmlinux.foo,0')])
        self.assertEqual([out.symbols[r.sym].name
                          for r in out.relas('.rela.text')], ['printk'])
        self.assertEqual(out.symbol('.klp.sym.vmlinux.foo,0').shndx,
                         SHN_LIVEPATCH)

    def test_unreferenced_annotation_warns(self):
        src = ref_from('.text', 'ax', 'bl vvar') + klp_syms(
            'vmlinux.gone,0')
        out, res = self.convert_ok(self.asm_copy(src))
        self.assertEqual(res.stdout, '')
        lines = res.stderr.splitlines()
        self.assertEqual(len(lines), 1, res.stderr)
        self.assertRegex(lines[0], r'^klp-convert: .*: warning: annotation '
                         r'"vmlinux\.gone,0": no undefined symbol \'gone\'')
        self.assertTrue(Elf(out).has_section('.klp.rela.vmlinux..text'))

    def test_only_unreferenced_annotations_copy_verbatim(self):
        src = ASM_PLAIN + klp_syms('vmlinux.gone,0')
        path = self.asm_copy(src)
        out, res = self.convert_ok(path)
        self.assertIn('warning', res.stderr)
        with open(path, 'rb') as a, open(out, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_empty_strings_in_klp_syms_are_skipped(self):
        src = (ref_from('.text', 'ax', 'bl vvar') +
               '\t.section .klp.syms,"",%progbits\n\t.byte 0, 0\n')
        out, res = self.convert_ok(self.asm_copy(src))
        self.assertEqual(res.stderr, '')

    def test_verbose_prints_one_line_per_section(self):
        _, res = self.convert_ok(self.main_fixture(), None, '-v')
        lines = res.stdout.splitlines()
        self.assertEqual(len(lines), len(MAIN_EXPECTED))
        for name in MAIN_EXPECTED:
            self.assertTrue(any(('created %s (' % name) in line
                                for line in lines), name)
        self.assertIn('created .klp.rela.vmlinux..text (32 relocations)',
                      res.stdout)
        self.assertEqual(res.stderr, '')

    def test_usage(self):
        for args in ([], ['a'], ['a', 'b', 'c'], ['-x', 'a', 'b']):
            res = self.klp_convert(*args)
            self.assertEqual(res.returncode, 1, args)
            self.assertIn('usage: klp-convert [-v] IN OUT', res.stderr)

    def test_missing_input(self):
        path = os.path.join(self.dir, 'nonexistent.ko')
        self.assert_refused(path, [r'^klp-convert: %s: cannot open'
                                   % re.escape(path)])

    def test_unwritable_output_directory(self):
        out = os.path.join(self.dir, 'no-such-dir', 'out.ko')
        res = self.klp_convert(self.main_fixture(), out)
        self.assertEqual(res.returncode, 1)
        self.assertRegex(res.stderr, r'^klp-convert: .*: cannot create')


# ---------------------------------------------------------------------------
# Modules of other architectures, ELF classes and byte orders
# ---------------------------------------------------------------------------

class TestOtherModules(KlpConvertTestBase):
    """Kbuild runs klp-convert on every module of every architecture when
    CONFIG_LIVEPATCH is set: one without a .klp.syms section is never
    refused and never changed, an annotated one that is not a 64-bit
    little-endian arm64 object is refused with the reason."""

    def x86_64_object(self, annotated=False):
        path = self.host_cc(HOST_C_ANNOTATED if annotated else HOST_C_PLAIN)
        elf = Elf(path)
        self.assertEqual(elf.e_machine, EM_X86_64)
        self.assertEqual(elf.has_section('.klp.syms'), annotated)
        return path

    def i386_object(self, annotated=False):
        """Built with gcc -m32, else the bytes of a minimal ELF32 object."""
        path = self.host_cc(HOST_C_ANNOTATED if annotated else HOST_C_PLAIN,
                            '-m32')
        if path:
            with open(path, 'rb') as f:
                data = f.read()
            self.assertEqual(data[4], 1)
            self.assertEqual(struct.unpack_from('<H', data, 18)[0], EM_386)
            return path
        return self.crafted(32, 'little', EM_386, annotated)

    @staticmethod
    def crafted(bits, endian, machine, annotated):
        sections = [('.text', SHT_PROGBITS, b'\xc3' * 16),
                    ('.data', SHT_PROGBITS, b'\0' * 8)]
        if annotated:
            sections.append(('.klp.syms', SHT_PROGBITS,
                             b'vmlinux.klp_static_counter,0\0'))
        return make_elf(bits, endian, machine, sections)

    def arm64_c_module(self):
        """A C module without annotations, built like arm64 module code."""
        def build(path):
            c = os.path.join(self.tmp, 'plain.c')
            with open(c, 'w') as f:
                f.write(HOST_C_PLAIN)
            o = c[:-2] + '.o'
            self.run_cmd([CROSS + 'gcc', '-O2', '-mcmodel=small', '-fno-pic',
                          '-fno-common', '-c', c, '-o', o])
            self.run_cmd([CROSS + 'ld', '-r', '-o', path, o])
        return self._cached('cplain', HOST_C_PLAIN, build)

    def assert_left_alone(self, src, asan=False, valgrind=False):
        """IN != OUT: copied byte for byte; IN == OUT: not touched.

        @src is the path of the object or its contents."""
        if isinstance(src, bytes):
            data = src
        else:
            with open(src, 'rb') as f:
                data = f.read()
        path = self.write(data, 'in.ko')
        out = self.write(b'previous contents', 'out.ko')
        res = self.klp_convert('-v', path, out, asan=asan,
                               valgrind=valgrind)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual((res.stdout, res.stderr), ('', ''))
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), data)

        os.unlink(out)
        os.utime(path, (1000000000, 1000000000))
        before = os.stat(path)
        res = self.klp_convert(path, path, asan=asan, valgrind=valgrind)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual((res.stdout, res.stderr), ('', ''))
        after = os.stat(path)
        self.assertEqual((before.st_mtime_ns, before.st_ino),
                         (after.st_mtime_ns, after.st_ino))
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.listdir(self.dir), ['in.ko'])
        os.unlink(path)

    def assert_refused_in_place_too(self, src, patterns):
        """Refused as IN -> OUT, and as IN == IN, which stays as it was.

        @src is the path of the object or its contents."""
        if isinstance(src, bytes):
            data = src
        else:
            with open(src, 'rb') as f:
                data = f.read()
        path = self.write(data)
        res = self.assert_refused(path, patterns)
        self.assertEqual(len(res.stderr.splitlines()), 1, res.stderr)
        res = self.klp_convert(path, path)
        self.assertEqual(res.returncode, 1)
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(self.leftovers(), [])

    # -- no annotations: left alone ------------------------------------

    def test_x86_64_object_left_alone(self):
        for asan in (False, True):
            with self.subTest(asan=asan):
                self.assert_left_alone(self.x86_64_object(), asan=asan)

    def test_i386_object_left_alone(self):
        for asan in (False, True):
            with self.subTest(asan=asan):
                self.assert_left_alone(self.i386_object(), asan=asan)

    def test_crafted_objects_of_every_kind_left_alone(self):
        for bits, endian, machine in OTHER_KINDS:
            with self.subTest(bits=bits, endian=endian, machine=machine):
                data = self.crafted(bits, endian, machine, False)
                path = self.write(data, 'crafted.o')
                res = subprocess.run(['readelf', '-S', '-W', path],
                                     capture_output=True, text=True)
                self.assertEqual((res.returncode, res.stderr), (0, ''))
                self.assertIn('.data', res.stdout)
                os.unlink(path)
                self.assert_left_alone(data, asan=True)

    def test_aarch64_be_and_ilp32_objects_left_alone(self):
        for flag in ('-EB', '-mabi=ilp32'):
            with self.subTest(flag=flag):
                self.assert_left_alone(self.asm_flags(ASM_PLAIN, flag),
                                       asan=True)

    def test_arm64_module_without_annotations_is_byte_identical(self):
        self.assert_left_alone(self.arm64_c_module())
        self.assert_left_alone(self.asm(ASM_PLAIN), asan=True)

    def test_unannotated_arm64_module_is_never_refused(self):
        """Even what klp-convert would refuse in an annotated module."""
        elf = Elf(self.asm(ASM_PLAIN))
        symtab_entsize = elf.symtab.hdr_off + 56
        cases = {
            'GOT relocation, reference from __jump_table': self.asm(
                '\t.text\n\tadrp x0, :got:vvar\n'
                '\t.section __jump_table,"aw",%progbits\n\t.quad vvar\n'),
            'symbol table entry size 16':
                patch(elf.data, symtab_entsize, '<Q', 16),
            'symbol table sh_link out of range':
                patch(elf.data, elf.symtab.hdr_off + 40, '<I', 500),
        }
        for what, src in cases.items():
            with self.subTest(what):
                self.assert_left_alone(src, asan=True)

    # -- annotations on another architecture: refused -------------------

    def test_annotated_x86_64_object_refused(self):
        self.assert_refused_in_place_too(self.x86_64_object(True), [
            r'^klp-convert: .*: KLP_SYMBOL\(\) annotations found, but '
            r'klp-convert supports only arm64 \(EM_AARCH64\) modules, not '
            r'machine 62$'])

    def test_annotated_i386_object_refused(self):
        self.assert_refused_in_place_too(self.i386_object(True), [
            r'KLP_SYMBOL\(\) annotations found, but klp-convert supports '
            r'only arm64 \(EM_AARCH64\) modules, not machine 3$'])

    def test_annotated_crafted_objects_refused(self):
        for bits, endian, machine in OTHER_KINDS:
            if machine == EM_AARCH64:
                reason = (r'supports only 64-bit little-endian arm64 '
                          r'modules, not %d-bit %s-endian ones$'
                          % (bits, endian))
            else:
                reason = (r'supports only arm64 \(EM_AARCH64\) modules, '
                          r'not machine %d$' % machine)
            with self.subTest(bits=bits, endian=endian, machine=machine):
                data = self.crafted(bits, endian, machine, True)
                self.assert_refused_in_place_too(data, [
                    r'KLP_SYMBOL\(\) annotations found, but klp-convert '
                    + reason])

    def test_annotated_aarch64_be_and_ilp32_objects_refused(self):
        src = ref_from('.text', 'ax', 'bl vvar')
        for flag, kind in (('-EB', '64-bit big-endian'),
                           ('-mabi=ilp32', '32-bit little-endian')):
            with self.subTest(flag=flag):
                self.assert_refused_in_place_too(self.asm_flags(src, flag), [
                    r'annotations found, but klp-convert supports only '
                    r'64-bit little-endian arm64 modules, not %s ones$'
                    % kind])

    # -- cannot tell ----------------------------------------------------

    def test_unreadable_x86_64_object_refused_without_blaming_arm64(self):
        with open(self.x86_64_object(), 'rb') as f:
            data = f.read()
        shoff = struct.unpack_from('<Q', data, 40)[0]
        cases = [(data[:40], 'truncated ELF header'),
                 (data[:shoff + 10], 'section header table extends past'),
                 (patch(data, 62, '<H', 0), 'no section name string table')]
        for data, why in cases:
            with self.subTest(why=why):
                res = self.assert_refused(self.write(data), [
                    r'^klp-convert: .*: cannot read the section headers to '
                    r'look for KLP_SYMBOL\(\) annotations: ' + why])
                self.assertNotIn('arm64', res.stderr)

    def test_corrupted_x86_64_object_copied_verbatim_or_refused(self):
        """Whatever the corruption: never a crash, never a changed copy."""
        with open(self.x86_64_object(), 'rb') as f:
            good = f.read()
        elf_shoff = struct.unpack_from('<Q', good, 40)[0]
        regions = [(0, 64), (elf_shoff, len(good))]
        rng = random.Random(20250101)
        out = os.path.join(self.dir, 'out.ko')
        for i in range(40):
            buf = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                lo, hi = rng.choice(regions)
                buf[rng.randrange(lo, hi)] = rng.randrange(256)
            path = self.write(bytes(buf), 'fuzz.ko')
            res = self.klp_convert(path, out, asan=True)
            self.assertIn(res.returncode, (0, 1),
                          'case %d: %s' % (i, res.stderr))
            if res.returncode:
                self.assertTrue(res.stderr.startswith('klp-convert: '))
                self.assertFalse(os.path.exists(out))
            else:
                self.assertEqual(res.stderr, '')
                with open(out, 'rb') as f:
                    self.assertEqual(f.read(), bytes(buf), 'case %d' % i)
                os.unlink(out)
            self.assertEqual(self.leftovers(), [])


# ---------------------------------------------------------------------------
# Valgrind
# ---------------------------------------------------------------------------

class TestValgrind(KlpConvertTestBase):

    def test_valgrind_conversion(self):
        out = os.path.join(self.dir, 'out.ko')
        res = self.klp_convert(self.main_fixture(), out, valgrind=True)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(res.stderr, '')
        self.assertTrue(Elf(out).has_section('.klp.rela.vmlinux..text'))

    def test_valgrind_malformed(self):
        elf = Elf(self.main_fixture())
        r = elf.relas('.rela.text')[0]
        cases = [elf.data[:elf.e_shoff + 100],
                 patch(elf.data, r.off + 8, '<Q', (0xffff << 32) | r.type)]
        for data in cases:
            res = self.klp_convert(self.write(data),
                                   os.path.join(self.dir, 'out.ko'),
                                   valgrind=True)
            self.assertEqual(res.returncode, 1, res.stderr)
            self.assertEqual(len(res.stderr.splitlines()), 1, res.stderr)

    def test_valgrind_other_architecture(self):
        plain = TestOtherModules.crafted(64, 'little', EM_X86_64, False)
        klp = TestOtherModules.crafted(64, 'little', EM_X86_64, True)
        path = self.write(plain)
        out = os.path.join(self.dir, 'out.ko')
        for args in ((path, out), (path, path)):
            res = self.klp_convert(*args, valgrind=True)
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertEqual(res.stderr, '')
            with open(args[1], 'rb') as f:
                self.assertEqual(f.read(), plain)
        for data, rc in ((klp, 1), (plain[:100], 1)):
            res = self.klp_convert(self.write(data, 'other.ko'),
                                   os.path.join(self.dir, 'out2.ko'),
                                   valgrind=True)
            self.assertEqual(res.returncode, rc, res.stderr)
            self.assertEqual(len(res.stderr.splitlines()), 1, res.stderr)

    def test_valgrind_refusal(self):
        src = ref_from('__jump_table', 'aw') + klp_syms('vmlinux.vvar,0')
        res = self.klp_convert(self.asm_copy(src),
                               os.path.join(self.dir, 'out.ko'),
                               valgrind=True)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertEqual(len(res.stderr.splitlines()), 2, res.stderr)


# ---------------------------------------------------------------------------
# The fuzzing corpus (make fuzz, tests/fuzz/klp-convert/): every input that
# reached a new path, replayed under ASan and UBSan
# ---------------------------------------------------------------------------

CORPUS = os.path.join(HERE, '..', 'fuzz', 'klp-convert')


class TestFuzzCorpus(KlpConvertTestBase):

    def test_corpus_replays_cleanly(self):
        """Each input converts (exit 0) or is refused with one message
        (exit 1), with no sanitizer report, no hang and no leftovers."""
        files = sorted(os.listdir(CORPUS))
        self.assertGreater(len(files), 0, 'no corpus in ' + CORPUS)
        counts = {0: 0, 1: 0}
        for name in files:
            out = os.path.join(self.dir, 'out.ko')
            rcs = []
            for build in (True, 'clang'):
                with self.subTest(input=name, build=build):
                    res = self.klp_convert(os.path.join(CORPUS, name), out,
                                           asan=build)
                    self.assertIn(res.returncode, (0, 1), res.stderr)
                    rcs.append(res.returncode)
                    if res.returncode:
                        self.assertTrue(
                            res.stderr.startswith('klp-convert: '),
                            res.stderr)
                        self.assertFalse(os.path.exists(out))
                    self.assertEqual(self.leftovers(), [])
                if os.path.exists(out):
                    os.unlink(out)
            self.assertEqual(len(set(rcs)), 1, '%s: builds disagree' % name)
            counts[rcs[0]] += 1
        print('\nklp-convert corpus: %d inputs, %d converted or copied, '
              '%d refused' % (len(files), counts[0], counts[1]),
              file=sys.stderr)


if __name__ == '__main__':
    unittest.main()
