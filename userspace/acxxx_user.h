/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxxx: the core's vocabulary outside the kernel.
 *
 * The core and the wire-format header use the Linux kernel vocabulary
 * (u8..u64, __le16..__le64, cpu_to_le32(), static_assert(),
 * negative errno values).  Inside the kernel it comes from the kernel's
 * own headers (acxxx_types.h).  Everywhere else (user space, the device
 * model, a DriverKit extension, a freestanding build) acxxx_types.h
 * includes this file, which defines that vocabulary from the compiler's
 * own headers only: stddef.h and stdbool.h.  It lives outside the
 * kernel tree (as lib/xz's user-space configuration does); every build
 * outside the kernel puts this directory on its include path.
 *
 * Wire structures are little-endian.  A big-endian user-space or
 * freestanding build swaps with compiler builtins.
 */
#ifndef ACXXX_USER_H
#define ACXXX_USER_H

#ifdef __KERNEL__
#error "acxxx_user.h is the core's environment outside the kernel"
#endif

/* Outside the kernel nothing is exported. */
#define EXPORT_SYMBOL_IF_KUNIT(sym)

#include <stddef.h>
#include <stdbool.h>

/* The compiler's own type names: no C library header is needed. */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

/*
 * Tags for values kept in device (little-endian) order.  The underlying
 * types are those of the Linux UAPI headers, so a user-space file may
 * also include <linux/types.h> (which <sys/stat.h> pulls in): C11 accepts
 * an identical typedef twice.
 */
typedef unsigned short __le16;
typedef unsigned int __le32;
typedef unsigned long long __le64;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define cpu_to_le16(x) ((__le16)__builtin_bswap16((u16)(x)))
#define cpu_to_le32(x) ((__le32)__builtin_bswap32((u32)(x)))
#define cpu_to_le64(x) ((__le64)__builtin_bswap64((u64)(x)))
#define le16_to_cpu(x) ((u16)__builtin_bswap16((__le16)(x)))
#define le32_to_cpu(x) ((u32)__builtin_bswap32((__le32)(x)))
#define le64_to_cpu(x) ((u64)__builtin_bswap64((__le64)(x)))
#else
#define cpu_to_le16(x) ((__le16)(u16)(x))
#define cpu_to_le32(x) ((__le32)(u32)(x))
#define cpu_to_le64(x) ((__le64)(u64)(x))
#define le16_to_cpu(x) ((u16)(__le16)(x))
#define le32_to_cpu(x) ((u32)(__le32)(x))
#define le64_to_cpu(x) ((u64)(__le64)(x))
#endif

/*
 * C11 static_assert needs a message, the kernel's does not: every user in
 * this project passes one.  Where <assert.h> has not provided the macro,
 * an array of negative size stops the build just the same.
 */
#ifndef static_assert
#define static_assert(expr, msg) \
	extern int acxxx_static_assert[(expr) ? 1 : -1]
#endif

static_assert(sizeof(__le16) == 2 && sizeof(__le32) == 4 &&
	      sizeof(__le64) == 8, "little-endian tag sizes");

/*
 * A hosted build takes memset()/memcpy() from the C library; a
 * freestanding one (a DriverKit extension, the -ffreestanding check) uses
 * the compiler's builtins, which need no header.
 */
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
#include <string.h>
#include <errno.h>
#else
#define memset(d, c, n) __builtin_memset(d, c, n)
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#endif

/*
 * Error numbers the core returns (always negated).  A hosted build gets
 * them from errno.h; a freestanding one uses the Linux values.
 */
#ifndef EIO
#define EIO		5
#endif
#ifndef E2BIG
#define E2BIG		7
#endif
#ifndef EAGAIN
#define EAGAIN		11
#endif
#ifndef EFAULT
#define EFAULT		14
#endif
#ifndef EBUSY
#define EBUSY		16
#endif
#ifndef ENODEV
#define ENODEV		19
#endif
#ifndef EINVAL
#define EINVAL		22
#endif
#ifndef ENOSPC
#define ENOSPC		28
#endif
#ifndef ERANGE
#define ERANGE		34
#endif
#ifndef ENOENT
#define ENOENT		2
#endif
#ifndef EPROTO
#define EPROTO		71
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP	95
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT	110
#endif
#ifndef EALREADY
#define EALREADY	114
#endif

#endif /* ACXXX_USER_H */
