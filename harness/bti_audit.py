#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every arm64 function of a BTI kernel starts with a landing pad.

usage: bti_audit.py [--results OUT.tsv --group G] ELF...

With ARM64_BTI_KERNEL, an indirect branch (BR, BLR) must land on a BTI
landing pad.  The PLT entries of modules, the livepatch PLT slots of the
series included, branch with BR X16, which sets PSTATE.BTYPE to 0b01: BTI C,
BTI J, BTI JC, PACIASP and PACIBSP accept it.  A function (STT_FUNC) is what
a livepatch relocation names, and so what such a branch can reach: each one
in an executable section of vmlinux or of a module must begin with one of
those.  Assembly entry code that is never called (SYM_CODE_*) has no
function type and is not checked.  Two kinds of function are exempt:
  __pi_*               the early boot code of arch/arm64/kernel/pi/, built
                       with -mbranch-protection=none: it runs before the MMU
                       (and so BTI) is on, from .init.text, freed after boot;
  __CortexA53843419_*  the linker's erratum 843419 veneers, reached with B.

Prints each function that lacks a landing pad; exit status 1 if any does.
"""
import argparse
import struct
import sys

SHF_EXECINSTR = 0x4
STT_FUNC = 2
EXEMPT_PREFIXES = ('__pi_', '__CortexA53843419_')
HINT_MASK, HINT = 0xFFFFF01F, 0xD503201F
LANDING_PADS = {
    0x22 << 5: 'bti c',
    0x24 << 5: 'bti j',
    0x26 << 5: 'bti jc',
    0x19 << 5: 'paciasp',
    0x1B << 5: 'pacibsp',
}


def audit(path):
    """Return (functions checked, [(name, insn)] without a landing pad)."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        raise ValueError(f'{path}: not a 64-bit little-endian ELF file')
    e_type, e_machine = struct.unpack_from('<HH', data, 16)
    if e_machine != 183:
        raise ValueError(f'{path}: not an arm64 (EM_AARCH64) file')
    e_shoff, = struct.unpack_from('<Q', data, 0x28)
    e_shentsize, e_shnum, _ = struct.unpack_from('<HHH', data, 0x3A)
    secs = [struct.unpack_from('<IIQQQQIIQQ', data, e_shoff + i * e_shentsize)
            for i in range(e_shnum)]
    checked, bad = 0, []
    for name_idx, sh_type, flags, addr, off, size, link, info, align, entsize in secs:
        if sh_type != 2:        # SHT_SYMTAB
            continue
        strtab = secs[link]
        for j in range(size // 24):
            st_name, st_info, _, st_shndx, st_value, st_size = \
                struct.unpack_from('<IBBHQQ', data, off + j * 24)
            if st_info & 0xF != STT_FUNC or not 0 < st_shndx < len(secs):
                continue
            sec = secs[st_shndx]
            if not sec[2] & SHF_EXECINSTR or sec[1] == 8:   # SHT_NOBITS
                continue
            # ET_REL: st_value is an offset in the section; else an address.
            pos = st_value if e_type == 1 else st_value - sec[3]
            if not 0 <= pos <= sec[5] - 4:
                continue
            insn, = struct.unpack_from('<I', data, sec[4] + pos)
            s = strtab[4] + st_name
            name = data[s:data.index(b'\0', s)].decode('utf-8', 'replace')
            if name.startswith(EXEMPT_PREFIXES):
                continue
            checked += 1
            if (insn & HINT_MASK) != HINT or (insn & 0xFE0) not in LANDING_PADS:
                bad.append((name, insn))
    return checked, bad


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--results')
    p.add_argument('--group', default='bti')
    p.add_argument('files', nargs='+')
    a = p.parse_args()
    total, missing = 0, []
    for path in a.files:
        n, bad = audit(path)
        total += n
        missing += [(path, name, insn) for name, insn in bad]
    for path, name, insn in missing:
        print(f'{path}: {name} begins with 0x{insn:08x}, not a BTI landing pad')
    summary = (f'{total} functions in {len(a.files)} files: '
               f'{len(missing)} without a landing pad')
    print(summary)
    if a.results:
        with open(a.results, 'a') as f:
            res = 'fail' if missing else 'pass'
            detail = '' if not missing else '; '.join(n for _, n, _ in missing[:5])
            f.write(f'{a.group}\tevery function begins with a BTI landing pad\t'
                    f'{res}\t0\t{summary}{": " + detail if detail else ""}\n')
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
