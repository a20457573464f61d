/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * The libFuzzer entry point of every target.  Its name is libFuzzer's,
 * not ours (tests/style lets tests/fuzz use it).
 */
#ifndef ACXXX_FUZZ_H
#define ACXXX_FUZZ_H

#include <stddef.h>

#include "acxxx_types.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#endif /* ACXXX_FUZZ_H */
