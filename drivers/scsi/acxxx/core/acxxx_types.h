/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxxx: the one place where the OS-neutral core meets its environment.
 *
 * The core and the wire-format header use the Linux kernel vocabulary
 * (u8..u64, __le16..__le64, cpu_to_le32(), static_assert(),
 * negative errno values).  Inside the kernel that vocabulary comes from the
 * kernel's own headers, below.  Everywhere else it comes from
 * acxxx_user.h, which lives outside the kernel tree.
 */
#ifndef ACXXX_TYPES_H
#define ACXXX_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <asm/byteorder.h>
#include <linux/export.h>
/*
 * Core entry points are exported to the driver's KUnit suites only (into
 * the EXPORTED_FOR_KUNIT_TESTING namespace, with CONFIG_KUNIT).
 */
#include <kunit/visibility.h>

#else /* !__KERNEL__ */

/*
 * Outside the kernel the environment provides the same vocabulary:
 * userspace/acxxx_user.h in this tree (user space, DriverKit,
 * freestanding), found on the include path of those builds.
 */
#include "acxxx_user.h"

#endif /* __KERNEL__ */

#endif /* ACXXX_TYPES_H */
