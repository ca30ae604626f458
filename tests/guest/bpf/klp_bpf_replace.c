// SPDX-License-Identifier: GPL-2.0
/* test-bpf.sh: an atomic replace of the others. */
#define KLP_BPF_REPLACEMENT	klp_bpf_replace_cmdline
#define KLP_BPF_REPLACE		true
#include "klp_bpf_patch.h"
