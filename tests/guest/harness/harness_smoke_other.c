// SPDX-License-Identifier: GPL-2.0
/* harness_smoke.c, built with another call site layout (see the Makefile) */
#include "harness_smoke.c"
