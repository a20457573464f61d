/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxxx KUnit suites: a controller over kernel memory at a fake bus
 * address, chosen by each test (above 4 GiB, at a window edge, ...).
 */
#ifndef ACXXX_TEST_H
#define ACXXX_TEST_H

#include <kunit/test.h>

#include "acxxx_core.h"

/* A bus address above 4 GiB whose high half is not zero nor all-ones. */
#define ACXXX_TEST_DMA		0x0000000712340000ULL

/**
 * struct acxxx_fix - a controller for one test case
 * @c: core state
 * @lay: its layout
 * @mem: control memory (kunit-managed)
 */
struct acxxx_fix {
	struct acxxx_ctl c;
	struct acxxx_layout lay;
	u8 *mem;
};

static inline struct acxxx_fix *acxxx_fix_new(struct kunit *test,
					      enum acxxx_dialect dialect,
					      u16 nr_slots, u64 dma)
{
	struct acxxx_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_ASSERT_EQ(test, 0, acxxx_layout_init(&f->lay, nr_slots,
						   ACXXX_MAX_SGE));
	f->mem = kunit_kzalloc(test, f->lay.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->mem);
	KUNIT_ASSERT_EQ(test, 0, acxxx_ctl_init(&f->c, dialect, &f->lay,
						f->mem, dma));
	return f;
}

static inline u32 acxxx_rd32(const void *base, u32 off)
{
	const u8 *p = (const u8 *)base + off;

	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline bool acxxx_all_zero(const void *base, u32 from, u32 to)
{
	const u8 *p = base;
	u32 i;

	for (i = from; i < to; i++)
		if (p[i])
			return false;
	return true;
}

extern struct kunit_suite acxxx_ctl_suite;
extern struct kunit_suite acxxx_req_suite;
extern struct kunit_suite acxxx_reply_suite;
extern struct kunit_suite acxxx_init_suite;
extern struct kunit_suite acxxx_page_suite;
extern struct kunit_suite acxxx_state_suite;
extern struct kunit_suite acxxx_app_suite;

#endif /* ACXXX_TEST_H */
