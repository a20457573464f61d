/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* A model, not Apple's header: IOPCIDevice lives in DriverKit/DriverKit.h. */
#include <DriverKit/DriverKit.h>
