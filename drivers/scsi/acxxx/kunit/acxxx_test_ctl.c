// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: families, control memory layout, slots and reply frames.
 */
#include "acxxx_test.h"

struct dialect_case {
	u16 vendor;
	u16 device;
	int want;
};

static const struct dialect_case dialect_cases[] = {
	{ 0x14D6, 0x6101, ACXXX_DIALECT_341 },
	{ 0x14D6, 0x6201, ACXXX_DIALECT_341 },
	{ 0x14D6, 0x6232, ACXXX_DIALECT_2208 },
	{ 0x14D6, 0x6233, ACXXX_DIALECT_2208 },
	{ 0x14D6, 0x6235, ACXXX_DIALECT_2208 },
	{ 0x14D6, 0x6300, ACXXX_DIALECT_2208 },
	{ 0x14D6, 0x6240, ACXXX_DIALECT_3108 },
	{ 0x14D6, 0x6262, ACXXX_DIALECT_3108 },
	{ 0x10B5, 0x8608, -ENODEV },	/* NT bridge: out of scope */
	{ 0x1AB6, 0x6201, -ENODEV },	/* CalDigit OEM vendor */
	{ 0xCAFE, 0xBABE, -ENODEV },	/* test ID, unused */
	{ 0x14D6, 0x6200, -ENODEV },
};

static void dialect_desc(const struct dialect_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%04x:%04x", t->vendor, t->device);
}

KUNIT_ARRAY_PARAM(dialect, dialect_cases, dialect_desc);

static void acxxx_test_dialect_of(struct kunit *test)
{
	const struct dialect_case *t = test->param_value;
	int d = acxxx_dialect_of(t->vendor, t->device);

	KUNIT_EXPECT_EQ(test, t->want, d);
	if (d < 0)
		return;
	KUNIT_EXPECT_EQ(test, acxxx_reg_bar(d), d == ACXXX_DIALECT_341 ? 0U : 1U);
	KUNIT_EXPECT_EQ(test, acxxx_irq_unmask_value(d),
			d == ACXXX_DIALECT_341 ? 0x17U : 0x01U);
	KUNIT_EXPECT_EQ(test, acxxx_irq_status_reg(d),
			d == ACXXX_DIALECT_341 ? 0x30U : 0x9CU);
}

static void acxxx_test_layout_default(struct kunit *test)
{
	struct acxxx_layout lay;

	KUNIT_ASSERT_EQ(test, 0, acxxx_layout_init(&lay, ACXXX_DEFAULT_SLOTS,
						   ACXXX_MAX_SGE));
	/* The original's numbers (3.1): 0x900 + 0x100 + 0x100 per slot. */
	KUNIT_EXPECT_EQ(test, lay.req_size, 0x900U);
	KUNIT_EXPECT_EQ(test, lay.sense_off, 0x900U);
	KUNIT_EXPECT_EQ(test, lay.reply_off, 0xA00U);
	KUNIT_EXPECT_EQ(test, lay.stride, 0xB00U);
	KUNIT_EXPECT_EQ(test, lay.nr_frames, 510);
	KUNIT_EXPECT_EQ(test, lay.mgmt_off, 511U * 0xB00U);
	KUNIT_EXPECT_EQ(test, lay.size, 511U * 0xB00U + ACXXX_MGMT_BUF_SIZE);
	/* 128 elements of 16 bytes from 0x40 fit the request block. */
	KUNIT_EXPECT_LE(test, 0x40U + 128U * 16U, lay.req_size);
}

static void acxxx_test_layout_bounds(struct kunit *test)
{
	struct acxxx_layout lay;

	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_layout_init(&lay, 1, 128));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_layout_init(&lay, 513, 128));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_layout_init(&lay, 64, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_layout_init(&lay, 64, 301));
	KUNIT_EXPECT_EQ(test, 0, acxxx_layout_init(&lay, 512, 300));
	KUNIT_EXPECT_EQ(test, lay.nr_frames, 510);
	KUNIT_EXPECT_EQ(test, lay.req_size % 256, 0U);
	KUNIT_EXPECT_EQ(test, 0, acxxx_layout_init(&lay, 2, 1));
	KUNIT_EXPECT_EQ(test, lay.nr_frames, 1);
	KUNIT_EXPECT_EQ(test, lay.req_size, 512U);
	KUNIT_EXPECT_EQ(test, 0, acxxx_layout_init(&lay, 100, 16));
	KUNIT_EXPECT_EQ(test, lay.nr_frames, 99);
}

static void acxxx_test_layout_window(struct kunit *test)
{
	struct acxxx_layout lay;
	u64 edge = 0x500000000ULL;	/* a 4 GiB boundary */
	u64 last_fit;

	KUNIT_ASSERT_EQ(test, 0, acxxx_layout_init(&lay, 512, 128));
	last_fit = (edge - lay.size) & ~0xFFULL;
	KUNIT_EXPECT_EQ(test, 0, acxxx_layout_check_window(&lay, 0x100000));
	/* Ends on the last byte below the boundary: allowed. */
	KUNIT_EXPECT_EQ(test, 0, acxxx_layout_check_window(&lay, last_fit));
	/* One 256-byte step later it crosses: refused. */
	KUNIT_EXPECT_EQ(test, -ERANGE,
			acxxx_layout_check_window(&lay, last_fit + 0x100));
	KUNIT_EXPECT_EQ(test, -ERANGE,
			acxxx_layout_check_window(&lay, edge - 0x100));
	/* Starting right at the boundary is fine. */
	KUNIT_EXPECT_EQ(test, 0, acxxx_layout_check_window(&lay, edge));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_layout_check_window(&lay,
								 edge + 0x80));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_layout_check_window(&lay,
								 0xFFFFFFFFFFFFFF00ULL));
}

static void acxxx_test_ctl_init(struct kunit *test)
{
	struct acxxx_layout lay;
	struct acxxx_ctl *c;
	u8 *mem;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_ASSERT_EQ(test, 0, acxxx_layout_init(&lay, 16, 128));
	mem = kunit_kmalloc(test, lay.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mem);
	memset(mem, 0xA5, lay.size);

	KUNIT_EXPECT_EQ(test, 0, acxxx_ctl_init(c, ACXXX_DIALECT_2208, &lay,
						mem, ACXXX_TEST_DMA));
	KUNIT_EXPECT_EQ(test, c->hi, 0x7U);
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(mem, 0, lay.size));
	KUNIT_EXPECT_EQ(test, acxxx_slots_active(c), 0U);

	/* The 2208/3108 doorbell carries 31 bits of the high address. */
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_ctl_init(c, ACXXX_DIALECT_3108,
						      &lay, mem, 0x8000000000000000ULL));
	KUNIT_EXPECT_EQ(test, 0, acxxx_ctl_init(c, ACXXX_DIALECT_341, &lay,
						mem, 0x8000000000000000ULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_ctl_init(c, 7, &lay, mem, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_ctl_init(c, ACXXX_DIALECT_341,
						      &lay, NULL, 0));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_ctl_init(c, ACXXX_DIALECT_341,
						      &lay, mem, 0xFFFFFF00ULL));
	lay.size++;
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_ctl_init(c, ACXXX_DIALECT_341,
						      &lay, mem, 0));
}

struct msgid_case {
	u32 msg_id;
	int want;
};

static const struct msgid_case msgid_cases[] = {
	{ 0x00000000, -EINVAL },	/* zero is never a message id */
	{ 0x00000001, -EINVAL },	/* low bits set */
	{ 0x00000006, -EINVAL },
	{ 0x00000007, -EINVAL },
	{ 0x00000004, 1 },
	{ 0x00000008, 2 },
	{ 0x000007F8, 510 },
	{ 0x000007FC, 511 },
	{ 0x00000800, -ERANGE },	/* slot 512 */
	{ 0x7FFFFFFC, -ERANGE },
	{ 0xFFFFFFFC, -ERANGE },
};

static void msgid_desc(const struct msgid_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "0x%08x", t->msg_id);
}

KUNIT_ARRAY_PARAM(msgid, msgid_cases, msgid_desc);

static void acxxx_test_msgid(struct kunit *test)
{
	const struct msgid_case *t = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);

	KUNIT_EXPECT_EQ(test, t->want, acxxx_msgid_to_slot(&f->c, t->msg_id));
	if (t->want > 0)
		KUNIT_EXPECT_EQ(test, acxxx_msgid((u16)t->want), t->msg_id);
}

static void acxxx_test_msgid_small_space(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_341, 16,
					    ACXXX_TEST_DMA);

	KUNIT_EXPECT_EQ(test, 15, acxxx_msgid_to_slot(&f->c, 15 << 2));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_msgid_to_slot(&f->c, 16 << 2));
}

static void acxxx_test_slots(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;

	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_slot_start(c, 0));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_slot_start(c, 512));
	KUNIT_EXPECT_EQ(test, 0, acxxx_slot_start(c, 1));
	KUNIT_EXPECT_EQ(test, 0, acxxx_slot_start(c, 511));
	KUNIT_EXPECT_EQ(test, -EBUSY, acxxx_slot_start(c, 1));
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(c, 1));
	KUNIT_EXPECT_FALSE(test, acxxx_slot_active(c, 2));
	KUNIT_EXPECT_FALSE(test, acxxx_slot_active(c, 0));
	KUNIT_EXPECT_EQ(test, acxxx_slots_active(c), 2U);
	KUNIT_EXPECT_EQ(test, 0, acxxx_slot_finish(c, 1));
	KUNIT_EXPECT_EQ(test, -EALREADY, acxxx_slot_finish(c, 1));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_slot_finish(c, 0));
	KUNIT_EXPECT_EQ(test, acxxx_slots_active(c), 1U);
	acxxx_ctl_reset(c);
	KUNIT_EXPECT_EQ(test, acxxx_slots_active(c), 0U);

	/* Addresses: per-slot blocks at the documented offsets. */
	KUNIT_EXPECT_EQ(test, acxxx_slot_req_dma(c, 3), ACXXX_TEST_DMA + 3 * 0xB00);
	KUNIT_EXPECT_EQ(test, acxxx_slot_sense_dma(c, 3),
			ACXXX_TEST_DMA + 3 * 0xB00 + 0x900);
	KUNIT_EXPECT_EQ(test, acxxx_frame_dma(c, 3),
			ACXXX_TEST_DMA + 3 * 0xB00 + 0xA00);
	KUNIT_EXPECT_EQ(test, acxxx_post_value(c, 3),
			(u32)(ACXXX_TEST_DMA + 3 * 0xB00));
	KUNIT_EXPECT_PTR_EQ(test, acxxx_slot_req(c, 3), (void *)(f->mem + 3 * 0xB00));
	KUNIT_EXPECT_EQ(test, acxxx_mgmt_buf_dma(c) >> 32, ACXXX_TEST_DMA >> 32);
}

static void acxxx_test_frames(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_341, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;
	u32 val = 0;
	u16 i;

	memset(acxxx_frame(c, 7), 0x5A, ACXXX_REPLY_FRAME_ALLOC);
	KUNIT_EXPECT_EQ(test, 0, acxxx_frame_post(c, 7, &val));
	KUNIT_EXPECT_EQ(test, val, (u32)(ACXXX_TEST_DMA + 7 * 0xB00 + 0xA00));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(acxxx_frame(c, 7), 0,
					       ACXXX_REPLY_FRAME_ALLOC));
	KUNIT_EXPECT_EQ(test, -EBUSY, acxxx_frame_post(c, 7, &val));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_frame_post(c, 0, &val));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_frame_post(c, 511, &val));
	for (i = 1; i <= 510; i++)
		if (i != 7)
			KUNIT_EXPECT_EQ(test, 0, acxxx_frame_post(c, i, &val));
	acxxx_ctl_reset(c);
	KUNIT_EXPECT_EQ(test, 0, acxxx_frame_post(c, 7, &val));
}

struct fifo_case {
	u16 ci;
	u16 pi;
	bool room;
};

static const struct fifo_case fifo_cases[] = {
	{ 0, 0, true },
	{ 0, 14, true },
	{ 0, 15, false },	/* pi + 1 == ci: full */
	{ 5, 4, false },
	{ 5, 5, true },
	{ 15, 14, false },
	{ 0x0010, 0x001F, false },	/* only the low four bits count */
	{ 0x0013, 0x0021, true },
};

static void fifo_desc(const struct fifo_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "ci=%u pi=%u", t->ci, t->pi);
}

KUNIT_ARRAY_PARAM(fifo, fifo_cases, fifo_desc);

static void acxxx_test_free_fifo(struct kunit *test)
{
	const struct fifo_case *t = test->param_value;

	KUNIT_EXPECT_EQ(test, t->room,
			acxxx_free_fifo_room((u32)t->pi << 16 | t->ci));
}

static void acxxx_test_free_fifo_gone(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, acxxx_free_fifo_room(0xFFFFFFFF));
}

static void acxxx_test_caps(struct kunit *test)
{
	const struct acxxx_caps *a = acxxx_caps(ACXXX_DIALECT_341);
	const struct acxxx_caps *b = acxxx_caps(ACXXX_DIALECT_2208);
	const struct acxxx_caps *c = acxxx_caps(ACXXX_DIALECT_3108);
	const struct acxxx_caps *t[] = { a, b, c };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_NULL(test, acxxx_caps(0));
	KUNIT_EXPECT_NULL(test, acxxx_caps(4));

	/* 2.1, 2.2, 16.7 to 16.10, 5.5 */
	KUNIT_EXPECT_EQ(test, a->reg_bar, 0);
	KUNIT_EXPECT_EQ(test, b->reg_bar, 1);
	KUNIT_EXPECT_EQ(test, c->reg_bar, 1);
	KUNIT_EXPECT_EQ(test, a->irq_unmask, 0x17U);
	KUNIT_EXPECT_EQ(test, b->irq_unmask, 0x01U);
	KUNIT_EXPECT_EQ(test, a->irq_status_reg, 0x30U);
	KUNIT_EXPECT_EQ(test, c->irq_status_reg, 0x9CU);
	KUNIT_EXPECT_FALSE(test, a->has_doorbell || a->post_room_read ||
			   a->free_fifo || a->scratch2_after_evsw ||
			   a->health_scratch1 || a->rw_elements);
	KUNIT_EXPECT_TRUE(test, b->has_doorbell && b->post_room_read &&
			  b->free_fifo && b->scratch2_after_evsw &&
			  b->health_scratch1 && b->rw_elements);
	KUNIT_EXPECT_EQ(test, b->free_fifo_depth, 16);
	KUNIT_EXPECT_FALSE(test, c->free_fifo);
	KUNIT_EXPECT_EQ(test, c->free_fifo_depth, 0);
	KUNIT_EXPECT_FALSE(test, b->rw_last_mark);
	KUNIT_EXPECT_TRUE(test, c->rw_last_mark);
	KUNIT_EXPECT_EQ(test, a->detach_reg, 0x10U);
	KUNIT_EXPECT_EQ(test, c->detach_reg, 0x20U);

	/* The per-value helpers agree with the table. */
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_EXPECT_EQ(test, t[i]->dialect, (enum acxxx_dialect)(i + 1));
		KUNIT_EXPECT_STREQ(test, t[i]->name,
				   acxxx_dialect_name(t[i]->dialect));
		KUNIT_EXPECT_EQ(test, t[i]->reg_bar,
				acxxx_reg_bar(t[i]->dialect));
		KUNIT_EXPECT_EQ(test, t[i]->irq_unmask,
				acxxx_irq_unmask_value(t[i]->dialect));
		KUNIT_EXPECT_EQ(test, t[i]->irq_status_reg,
				acxxx_irq_status_reg(t[i]->dialect));
	}
}

/* 341 and 3108: one REPLY_PORT write per frame, oldest first, no read. */
static void acxxx_test_fret_plain(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 64,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;
	struct acxxx_wr wr[ACXXX_FRET_MAX_WR];
	static const u16 order[] = { 7, 3, 40 };
	unsigned int i;

	KUNIT_EXPECT_EQ(test, acxxx_fret_read_reg(c), ACXXX_NO_READ);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 0U);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		KUNIT_ASSERT_EQ(test, 0, acxxx_fret_push(c, order[i]));
	KUNIT_EXPECT_EQ(test, -EBUSY, acxxx_fret_push(c, 3));	/* queued */
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_fret_push(c, 0));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_fret_push(c, 64));
	KUNIT_EXPECT_EQ(test, acxxx_fret_pending(c), 3U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_read_reg(c), ACXXX_NO_READ);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		memset(acxxx_frame(c, order[i]), 0xAB, ACXXX_REPLY_FRAME_SIZE);
		KUNIT_ASSERT_EQ(test, acxxx_fret_next(c, wr), 1U);
		KUNIT_EXPECT_EQ(test, wr[0].reg, ACXXX_REG_REPLY_PORT);
		KUNIT_EXPECT_EQ(test, wr[0].val,
				(u32)acxxx_frame_dma(c, order[i]));
		KUNIT_EXPECT_TRUE(test, acxxx_all_zero(acxxx_frame(c, order[i]),
						       0, ACXXX_REPLY_FRAME_SIZE));
		KUNIT_EXPECT_EQ(test, c->frame_state[order[i]],
				ACXXX_FRAME_POSTED);
	}
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 0U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_pending(c), 0U);
	/* The firmware holds it now: not queued again. */
	KUNIT_EXPECT_EQ(test, -EBUSY, acxxx_fret_push(c, 7));

	/* After a re-init every frame goes back, once. */
	acxxx_ctl_reset(c);
	acxxx_fret_push_all(c);
	acxxx_fret_push_all(c);
	KUNIT_EXPECT_EQ(test, acxxx_fret_pending(c), 63U);
	for (i = 1; i <= 63; i++) {
		KUNIT_ASSERT_EQ(test, acxxx_fret_next(c, wr), 1U);
		KUNIT_EXPECT_EQ(test, wr[0].val, (u32)acxxx_frame_dma(c, i));
	}
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 0U);
}

/*
 * 2208: one OUT_FREE_CI read gives the room for up to 15 frames and the
 * doorbell is rung once after the last of them.
 */
static void acxxx_test_fret_fifo(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;
	struct acxxx_wr wr[ACXXX_FRET_MAX_WR];
	unsigned int i, n, writes = 0, reads = 0, rings = 0;
	u16 next = 1;

	acxxx_fret_push_all(c);
	KUNIT_EXPECT_EQ(test, acxxx_fret_pending(c), 510U);
	KUNIT_ASSERT_EQ(test, acxxx_fret_read_reg(c), ACXXX_REG_OUT_FREE_CI);
	/* Full (pi + 1 == ci), or all-ones: no credit, nothing written. */
	KUNIT_EXPECT_EQ(test, acxxx_fret_credit(c, 15U << 16 | 0), 0U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 0U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_credit(c, 0xFFFFFFFF), 0U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_credit(c, 9U << 16 | 4), 10U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_credit(c, 0), 15U);
	acxxx_fret_credit(c, 15U << 16);

	/* The caller's loop, with a firmware that empties the FIFO at once. */
	for (;;) {
		if (acxxx_fret_read_reg(c) != ACXXX_NO_READ) {
			reads++;
			if (!acxxx_fret_credit(c, 0))
				break;
		}
		n = acxxx_fret_next(c, wr);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			writes++;
			if (wr[i].reg == ACXXX_REG_IN_DOORBELL) {
				KUNIT_EXPECT_EQ(test, wr[i].val,
						ACXXX_IDB_FREE_REPLY);
				rings++;
				continue;
			}
			KUNIT_EXPECT_EQ(test, wr[i].reg, ACXXX_REG_REPLY_PORT);
			KUNIT_EXPECT_EQ(test, wr[i].val,
					(u32)acxxx_frame_dma(c, next));
			next++;
		}
	}
	KUNIT_EXPECT_EQ(test, next, 511);
	/* 510 frames: 34 runs of 15, one read and one doorbell per run. */
	KUNIT_EXPECT_EQ(test, rings, 34U);
	KUNIT_EXPECT_EQ(test, reads, 34U);
	KUNIT_EXPECT_EQ(test, writes, 510U + 34U);

	/* Three frames with credit left: no read, the doorbell once. */
	acxxx_ctl_reset(c);
	KUNIT_EXPECT_EQ(test, acxxx_fret_credit(c, 0), 15U);
	for (i = 1; i <= 3; i++)
		acxxx_fret_push(c, i);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 1U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 1U);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 2U);
	KUNIT_EXPECT_EQ(test, wr[1].reg, ACXXX_REG_IN_DOORBELL);
	KUNIT_EXPECT_EQ(test, c->fret.credit, 12);
	acxxx_fret_push(c, 9);
	KUNIT_EXPECT_EQ(test, acxxx_fret_read_reg(c), ACXXX_NO_READ);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 2U);
	/* A re-init forgets the credit. */
	acxxx_ctl_reset(c);
	acxxx_fret_push(c, 9);
	KUNIT_EXPECT_EQ(test, acxxx_fret_read_reg(c), ACXXX_REG_OUT_FREE_CI);
	KUNIT_EXPECT_EQ(test, acxxx_fret_next(c, wr), 0U);
}

static struct kunit_case acxxx_ctl_cases[] = {
	KUNIT_CASE(acxxx_test_caps),
	KUNIT_CASE(acxxx_test_fret_plain),
	KUNIT_CASE(acxxx_test_fret_fifo),
	KUNIT_CASE_PARAM(acxxx_test_dialect_of, dialect_gen_params),
	KUNIT_CASE(acxxx_test_layout_default),
	KUNIT_CASE(acxxx_test_layout_bounds),
	KUNIT_CASE(acxxx_test_layout_window),
	KUNIT_CASE(acxxx_test_ctl_init),
	KUNIT_CASE_PARAM(acxxx_test_msgid, msgid_gen_params),
	KUNIT_CASE(acxxx_test_msgid_small_space),
	KUNIT_CASE(acxxx_test_slots),
	KUNIT_CASE(acxxx_test_frames),
	KUNIT_CASE_PARAM(acxxx_test_free_fifo, fifo_gen_params),
	KUNIT_CASE(acxxx_test_free_fifo_gone),
	{}
};

struct kunit_suite acxxx_ctl_suite = {
	.name = "acxxx_ctl",
	.test_cases = acxxx_ctl_cases,
};
