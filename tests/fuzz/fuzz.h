/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * The libFuzzer entry point of every target.
 *
 * libFuzzer calls a function whose name it dictates and which is not in
 * kernel style.  The targets define fuzz_one_input() instead; the
 * assembler label below gives it libFuzzer's symbol name, so that the
 * link and the fuzzer see exactly the function they always did.
 */
#ifndef ACXXX_FUZZ_H
#define ACXXX_FUZZ_H

#include <stddef.h>

#include "acxxx_types.h"

int fuzz_one_input(const u8 *data, size_t size)
	__asm__("LLVMFuzzerTestOneInput");

#endif /* ACXXX_FUZZ_H */
