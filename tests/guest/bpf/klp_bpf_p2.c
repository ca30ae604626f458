// SPDX-License-Identifier: GPL-2.0
/* test-bpf.sh: the second, stacked on the first. */
#define KLP_BPF_REPLACEMENT	klp_bpf_p2_cmdline
#define KLP_BPF_REPLACE		false
#include "klp_bpf_patch.h"
