// SPDX-License-Identifier: GPL-2.0
/* A stress livepatch: klp_stress_target(x) = x + 2. */
#define KLP_STRESS_ADD		2
#define KLP_STRESS_REPLACE	false
#include "klp_stress_patch.h"
