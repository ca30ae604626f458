// SPDX-License-Identifier: GPL-2.0
/* klp_layout_same.c, built with another call site layout (see the Makefile) */
#include "klp_layout_same.c"
