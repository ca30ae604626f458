#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make malformed copies of a good livepatch module (ELF64 little-endian).

usage: klp_mutants.py GOOD.ko OUTDIR

Writes OUTDIR/NNN.ko, one mutation each, and OUTDIR/manifest (one line per
mutant: "NNN.ko<TAB>what was changed").  The mutations aim at what the
livepatch core and the arm64 module loader read of a livepatch module:
- each .klp.rela section: its sh_info (the section it applies to), also
  to .data with every relocation a branch out of reach, sh_link (its symbol
  table), SHF_ALLOC and SHF_RELA_LIVEPATCH dropped, its size and offset,
  and a duplicate of its name;
- relocations of each .klp.rela section: offsets past, straddling and far
  outside the section they apply to, symbol indices out of range or naming
  a symbol that is not a livepatch symbol, types that relocate nothing or
  that the loader does not know, an addend out of range;
- each .klp.sym symbol: its section index, and its name: no position, a
  bad position, a position out of range, no object, an unknown object, and
  an object name longer than MODULE_NAME_LEN.
A mutant may be harmless (the module loads and works) or must be refused:
the guest test (tests/guest/mutants) tells which happened, and fails on
neither (a splat, or a wrong result).
"""
import cli
import os
import struct
import sys

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHF_RELA_LIVEPATCH = 0x00100000
SHN_LIVEPATCH = 0xff20
SHT_PROGBITS, SHT_SYMTAB, SHT_RELA = 1, 2, 4
R_AARCH64_CALL26 = 283
SHDR = struct.Struct('<IIQQQQIIQQ')
SYM = struct.Struct('<IBBHQQ')
RELA = struct.Struct('<QQq')
MODULE_NAME_LEN = 64 - 8


class Elf:
    def __init__(self, data):
        self.data = bytearray(data)
        assert self.data[:4] == b'\x7fELF' and self.data[4] == 2 and self.data[5] == 1
        self.shoff, = struct.unpack_from('<Q', self.data, 0x28)
        self.shnum, self.shstrndx = struct.unpack_from('<HH', self.data, 0x3C)

    def shdr_off(self, i):
        return self.shoff + i * SHDR.size

    def shdr(self, i):
        return list(SHDR.unpack_from(self.data, self.shdr_off(i)))

    def set_shdr(self, i, sh):
        SHDR.pack_into(self.data, self.shdr_off(i), *sh)

    def set_rela(self, off, r_offset=None, r_info=None, r_addend=None):
        """Rewrite the given fields of the Elf64_Rela at file offset off."""
        r = list(RELA.unpack_from(self.data, off))
        for field, value in enumerate((r_offset, r_info, r_addend)):
            if value is not None:
                r[field] = value
        RELA.pack_into(self.data, off, *r)

    def cstr(self, off):
        return self.data[off:self.data.index(b'\0', off)].decode()

    def sec_name(self, i):
        return self.cstr(self.shdr(self.shstrndx)[4] + self.shdr(i)[0])

    def sections(self):
        return [(i, self.sec_name(i), self.shdr(i)) for i in range(self.shnum)]


def mutants(good):
    """Yield (description, bytes) for each mutation of the module @good."""
    base = Elf(good)
    secs = base.sections()
    symtab = next(i for i, _, sh in secs if sh[1] == SHT_SYMTAB)
    st = base.shdr(symtab)
    strtab_i = st[6]
    nsyms = st[5] // SYM.size
    klp_relas = [(i, n, sh) for i, n, sh in secs
                 if sh[1] == SHT_RELA and sh[2] & SHF_RELA_LIVEPATCH]
    assert klp_relas, 'no .klp.rela section'
    nonalloc = next(i for i, _, sh in secs[1:] if not sh[2] & SHF_ALLOC)
    data = next((i for i, n, sh in secs[1:] if n == '.data' and
                 sh[1] == SHT_PROGBITS and
                 sh[2] & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR) ==
                 SHF_ALLOC | SHF_WRITE and sh[5] >= 4), None)

    def edit(what, fn):
        e = Elf(good)
        fn(e)
        return what, bytes(e.data)

    def shdr_field(i, field, value):
        def fn(e):
            sh = e.shdr(i)
            sh[field] = value(sh) if callable(value) else value
            e.set_shdr(i, sh)
        return fn

    for i, name, sh in klp_relas:
        target = base.shdr(sh[7])
        yield edit(f'{name}: sh_info {base.shnum} (no such section)',
                   shdr_field(i, 7, base.shnum))
        yield edit(f'{name}: sh_info 0', shdr_field(i, 7, 0))
        yield edit(f'{name}: sh_info {nonalloc} ({base.sec_name(nonalloc)}, not allocated)',
                   shdr_field(i, 7, nonalloc))
        yield edit(f'{name}: sh_info {i} (itself)', shdr_field(i, 7, i))
        # Made to apply to data, every relocation a branch out of reach
        # there: the module loader reserves no PLT entry for a branch
        # outside text. (Relocations of other types would write the
        # module's own data, which the kernel cannot tell from a module
        # with other data.)
        if data is not None:
            def far_branches_in_data(e, i=i, sh=sh):
                shdr_field(i, 7, data)(e)
                for k in range(sh[5] // RELA.size):
                    off = sh[4] + k * RELA.size
                    info = RELA.unpack_from(e.data, off)[1]
                    e.set_rela(off, 0, info & ~0xffffffff | R_AARCH64_CALL26, 1 << 40)
            yield edit(f'{name}: sh_info {data} ({base.sec_name(data)}), '
                       'every relocation a CALL26 at offset 0 with addend 1 << 40',
                       far_branches_in_data)
        yield edit(f'{name}: sh_link 0', shdr_field(i, 6, 0))
        yield edit(f'{name}: sh_link {base.shnum + 3} (no such section)',
                   shdr_field(i, 6, base.shnum + 3))
        yield edit(f'{name}: sh_link {strtab_i} (a string table)',
                   shdr_field(i, 6, strtab_i))
        yield edit(f'{name}: SHF_ALLOC dropped', shdr_field(i, 2, lambda s: s[2] & ~SHF_ALLOC))
        yield edit(f'{name}: SHF_RELA_LIVEPATCH dropped',
                   shdr_field(i, 2, lambda s: s[2] & ~SHF_RELA_LIVEPATCH))
        yield edit(f'{name}: sh_size not a multiple of the entry size',
                   shdr_field(i, 5, lambda s: s[5] - 4))
        yield edit(f'{name}: sh_size past the end of the file',
                   shdr_field(i, 5, lambda s: s[5] + len(good)))
        yield edit(f'{name}: sh_offset past the end of the file',
                   shdr_field(i, 4, len(good) + 0x1000))
        yield edit(f'{name}: sh_entsize 0', shdr_field(i, 9, 0))
        others = [j for j, _, _ in klp_relas if j != i]
        if others:
            yield edit(f'{name}: a second section of that name',
                       shdr_field(others[0], 0, sh[0]))

        n = sh[5] // RELA.size
        for k in sorted({0, n - 1}):
            off = sh[4] + k * RELA.size
            r_offset, r_info, addend = RELA.unpack_from(good, off)
            rsym, rtype = r_info >> 32, r_info & 0xffffffff

            def rela(field, value, off=off):
                def fn(e):
                    r = [None] * 3
                    r[field] = value
                    e.set_rela(off, *r)
                return fn
            what = f'{name}[{k}] (type {rtype})'
            size = target[5]
            yield edit(f'{what}: r_offset {size} (the end of its section)', rela(0, size))
            yield edit(f'{what}: r_offset {size - 2} (straddles the end)', rela(0, size - 2))
            yield edit(f'{what}: r_offset 0x7ffffff0', rela(0, 0x7ffffff0))
            yield edit(f'{what}: r_offset -8', rela(0, (1 << 64) - 8))
            yield edit(f'{what}: symbol {nsyms} (no such symbol)',
                       rela(1, nsyms << 32 | rtype))
            yield edit(f'{what}: symbol 0', rela(1, rtype))
            plain = next((j for j in range(1, nsyms)
                          if SYM.unpack_from(good, st[4] + j * SYM.size)[3] not in
                          (0, SHN_LIVEPATCH)), None)
            if plain is not None:
                yield edit(f'{what}: symbol {plain} (not a livepatch symbol)',
                           rela(1, plain << 32 | rtype))
            # Not another valid type of another width or meaning (ABS64 for
            # an ADRP, say): that is a module with different code, which
            # the kernel cannot tell from the right one, not a malformed one.
            for t, tname in ((0, 'R_ARM_NONE'), (256, 'R_AARCH64_NONE'),
                             (0xffff, 'unknown')):
                if t != rtype:
                    yield edit(f'{what}: type {t} ({tname})', rela(1, rsym << 32 | t))
            yield edit(f'{what}: addend 1 << 40', rela(2, 1 << 40))

    strtab = base.shdr(strtab_i)
    for j in range(1, nsyms):
        s_off = st[4] + j * SYM.size
        st_name, st_info, st_other, st_shndx, st_value, st_size = SYM.unpack_from(good, s_off)
        if st_shndx != SHN_LIVEPATCH:
            continue
        name_off = strtab[4] + st_name
        name = base.cstr(name_off)
        obj_sym, _, pos = name[len('.klp.sym.'):].rpartition(',')
        obj, _, sym = obj_sym.partition('.')

        def symfield(field, value, s_off=s_off):
            def fn(e):
                s = list(SYM.unpack_from(e.data, s_off))
                s[field] = value
                SYM.pack_into(e.data, s_off, *s)
            return fn
        yield edit(f'{name}: st_shndx SHN_UNDEF', symfield(3, 0))
        yield edit(f'{name}: st_shndx {base.shnum + 1}', symfield(3, base.shnum + 1))

        def rename(new, s_off=s_off):
            """Point the symbol at a new name, in a copy of the string table
            at the end of the file."""
            def fn(e):
                table = e.data[strtab[4]:strtab[4] + strtab[5]]
                where = len(e.data)
                e.data += table + new.encode() + b'\0'
                sh = e.shdr(strtab_i)
                sh[4], sh[5] = where, len(table) + len(new) + 1
                e.set_shdr(strtab_i, sh)
                s = list(SYM.unpack_from(e.data, s_off))
                s[0] = len(table)
                SYM.pack_into(e.data, s_off, *s)
            return fn
        for new, what in ((f'.klp.sym.{obj}.{sym}', 'no position'),
                          (f'.klp.sym.{obj}.{sym},x', 'a position that is no number'),
                          (f'.klp.sym.{obj}.{sym},-1', 'a negative position'),
                          (f'.klp.sym.{obj}.{sym},4294967297', 'a position past 32 bits'),
                          (f'.klp.sym.{obj}.{sym},99999', 'a position out of range'),
                          (f'.klp.sym.{sym},{pos}', 'no object'),
                          (f'.klp.sym..{sym},{pos}', 'an empty object'),
                          (f'.klp.sym.{obj}.,{pos}', 'an empty symbol'),
                          (f'.klp.sym.nosuchobject.{sym},{pos}', 'an unknown object'),
                          (f'.klp.sym.{"o" * (MODULE_NAME_LEN + 8)}.{sym},{pos}',
                           f'an object name longer than MODULE_NAME_LEN ({MODULE_NAME_LEN})'),
                          (f'.klp.sym.{obj}.{"s" * 600},{pos}', 'a 600-byte symbol name')):
            yield edit(f'{name}: renamed {new[:48]}{"..." if len(new) > 48 else ""} ({what})',
                       rename(new))


def main(argv):
    if cli.wants_help(argv, __doc__):
        return 0
    if len(argv) != 3 or any(a.startswith('-') for a in argv[1:]):
        return cli.usage(argv, __doc__)
    good, outdir = argv[1], argv[2]
    with open(good, 'rb') as f:
        data = f.read()
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for n, (what, blob) in enumerate(mutants(data), 1):
        name = f'{n:03d}.ko'
        with open(os.path.join(outdir, name), 'wb') as f:
            f.write(blob)
        lines.append(f'{name}\t{what}\n')
    with open(os.path.join(outdir, 'manifest'), 'w') as f:
        f.writelines(lines)
    print(f'klp_mutants: {len(lines)} mutants of {os.path.basename(good)} in {outdir}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
