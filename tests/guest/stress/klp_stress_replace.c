// SPDX-License-Identifier: GPL-2.0
/* A stress livepatch: klp_stress_target(x) = x + 4, atomic replace. */
#define KLP_STRESS_ADD		4
#define KLP_STRESS_REPLACE	true
#include "klp_stress_patch.h"
