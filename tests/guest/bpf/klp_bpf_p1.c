// SPDX-License-Identifier: GPL-2.0
/* test-bpf.sh: the first livepatch. */
#define KLP_BPF_REPLACEMENT	klp_bpf_p1_cmdline
#define KLP_BPF_REPLACE		false
#include "klp_bpf_patch.h"
