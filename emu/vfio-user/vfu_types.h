/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * Kernel-style fixed-width types for the vfu library (user space).  The
 * same names as the kernel's and the acxxx core's: identical typedefs may
 * be repeated in C11, so this header mixes with theirs.
 */
#ifndef VFU_TYPES_H
#define VFU_TYPES_H

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;

#endif /* VFU_TYPES_H */
