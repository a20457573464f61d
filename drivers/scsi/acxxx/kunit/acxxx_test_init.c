// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: bring-up and re-init handshake timelines for both dialects,
 * against a fake firmware driven by a fake clock.
 */
#include "acxxx_test.h"

#define HI	0x00000007U

/**
 * struct fw_sim - a firmware model just big enough for the handshake
 * @dialect: register dialect
 * @fw_up_ms: SCRATCH1 reads 1 from then on (2208/3108), never if U64_MAX
 * @ready_delay_ms: ready this long after the high address was announced
 * @gone: every register reads all-ones
 * @glitch_from: reads after this many...
 * @glitch_n: ...this many read all-ones (a device that is there)
 * @stale_db: extra OUT_DOORBELL bits that are set when ready
 * @hi_ms: when the high address was announced, U64_MAX if not yet
 * @reset_ms: when the interface reset was rung (2208/3108)
 * @hi: high address announced
 * @reg: register written, in order
 * @val: value written
 * @nr: writes recorded
 * @reads: reads served
 */
struct fw_sim {
	enum acxxx_dialect dialect;
	u64 fw_up_ms;
	u64 ready_delay_ms;
	bool gone;
	unsigned int glitch_from;
	unsigned int glitch_n;
	u32 stale_db;
	u64 hi_ms;
	u64 reset_ms;
	u32 hi;
	u32 reg[64];
	u32 val[64];
	unsigned int nr;
	unsigned int reads;
};

static void sim_write(struct fw_sim *s, u32 reg, u32 val, u64 now)
{
	if (s->nr < ARRAY_SIZE(s->reg)) {
		s->reg[s->nr] = reg;
		s->val[s->nr] = val;
		s->nr++;
	}
	if (s->dialect == ACXXX_DIALECT_341 && reg == ACXXX_REG_HOST_MSG0) {
		s->hi = val;
		s->hi_ms = now;
	}
	if (s->dialect != ACXXX_DIALECT_341 && reg == ACXXX_REG_IN_DOORBELL) {
		if (val == ACXXX_IDB_RESET) {
			s->reset_ms = now;
			s->hi_ms = U64_MAX;
		} else if (val & ACXXX_IDB_HIADDR) {
			s->hi = val & ACXXX_IDB_HIADDR_MASK;
			s->hi_ms = now;
		}
	}
}

static u32 sim_read(struct fw_sim *s, u32 reg, u64 now)
{
	bool ready = s->hi_ms != U64_MAX && now >= s->hi_ms + s->ready_delay_ms;

	s->reads++;
	if (s->gone || (s->reads > s->glitch_from &&
			s->reads <= s->glitch_from + s->glitch_n))
		return 0xFFFFFFFF;
	switch (reg) {
	case ACXXX_REG_SCRATCH1:
		return now >= s->fw_up_ms ? ACXXX_SCRATCH1_RUNNING : 0;
	case ACXXX_REG_OUT_INT_STATUS:
		return ready ? ACXXX_ISTS_READY : 0;
	case ACXXX_REG_OUT_DOORBELL:
		return ready ? ACXXX_ODB_READY | s->stale_db : 0;
	default:
		return 0;
	}
}

/* Run a handshake from @t0 to its end; returns the result, time in *end. */
static int sim_run(struct kunit *test, struct fw_sim *s, bool reinit,
		   const struct acxxx_init_params *p, u64 t0, u64 *end)
{
	struct acxxx_init in;
	struct acxxx_init_io io;
	u64 now = t0;
	u32 val = 0;
	unsigned int i, steps = 0;
	int ret;

	s->hi_ms = U64_MAX;
	acxxx_init_begin(&in, s->dialect, HI, reinit, p, t0);
	for (;;) {
		ret = acxxx_init_step(&in, now, val, &io);
		for (i = 0; i < io.nr_wr; i++)
			sim_write(s, io.wr_reg[i], io.wr_val[i], now);
		if (ret)
			break;
		/* Never asked to go back in time, never a busy loop. */
		KUNIT_ASSERT_GE(test, io.next_ms, now);
		KUNIT_ASSERT_LT(test, ++steps, 100000U);
		now = io.next_ms;
		val = io.read_reg == ACXXX_INIT_NO_READ ? 0 :
		      sim_read(s, io.read_reg, now);
	}
	*end = now;
	/* Once finished it stays finished and asks for nothing. */
	KUNIT_EXPECT_EQ(test, ret, acxxx_init_step(&in, now + 1, 0, &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 0U);
	KUNIT_EXPECT_EQ(test, io.read_reg, ACXXX_INIT_NO_READ);
	return ret;
}

static const struct acxxx_init_params test_params = {
	.fw_timeout_ms = 30000,
	.reset_delay_ms = 1000,
	.ready_timeout_ms = 20000,
	.poll_ms = 50,
};

static unsigned int sim_find(const struct fw_sim *s, u32 reg, u32 val)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->reg[i] == reg && s->val[i] == val)
			return i;
	return ~0U;
}

static void acxxx_test_init_341(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_341, .ready_delay_ms = 0 };
	u64 end;

	KUNIT_ASSERT_EQ(test, 1, sim_run(test, &s, false, &test_params, 0, &end));
	/* 4.2 exactly: mask, clear ready, high address ... ack, unmask. */
	KUNIT_ASSERT_EQ(test, s.nr, 5U);
	KUNIT_EXPECT_EQ(test, s.reg[0], ACXXX_REG_OUT_INT_MASK);
	KUNIT_EXPECT_EQ(test, s.val[0], 0x0FU);
	KUNIT_EXPECT_EQ(test, s.reg[1], ACXXX_REG_OUT_INT_STATUS);
	KUNIT_EXPECT_EQ(test, s.val[1], 0x01U);
	KUNIT_EXPECT_EQ(test, s.reg[2], ACXXX_REG_HOST_MSG0);
	KUNIT_EXPECT_EQ(test, s.val[2], HI);
	KUNIT_EXPECT_EQ(test, s.reg[3], ACXXX_REG_OUT_INT_STATUS);
	KUNIT_EXPECT_EQ(test, s.val[3], 0x01U);
	KUNIT_EXPECT_EQ(test, s.reg[4], ACXXX_REG_OUT_INT_MASK);
	KUNIT_EXPECT_EQ(test, s.val[4], 0x17U);
	KUNIT_EXPECT_EQ(test, end, 50ULL);
	KUNIT_EXPECT_EQ(test, s.hi, HI);
}

static void acxxx_test_init_341_late(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_341,
			    .ready_delay_ms = 7321 };
	u64 end;

	KUNIT_ASSERT_EQ(test, 1, sim_run(test, &s, false, &test_params, 1000,
					 &end));
	/* Noticed at the first poll after it became ready. */
	KUNIT_EXPECT_GE(test, end, 1000ULL + 7321);
	KUNIT_EXPECT_LT(test, end, 1000ULL + 7321 + 50);
	KUNIT_EXPECT_EQ(test, s.val[s.nr - 1], 0x17U);
}

static void acxxx_test_init_341_timeout(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_341,
			    .ready_delay_ms = 20001 };
	u64 end;

	KUNIT_ASSERT_EQ(test, -ETIMEDOUT, sim_run(test, &s, false,
						  &test_params, 0, &end));
	KUNIT_EXPECT_GE(test, end, 20000ULL);
	KUNIT_EXPECT_LT(test, end, 20000ULL + 50);
	/* Interrupts stay masked after a failure. */
	KUNIT_EXPECT_EQ(test, sim_find(&s, ACXXX_REG_OUT_INT_MASK, 0x17), ~0U);
}

static void acxxx_test_init_341_gone(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_341, .gone = true };
	u64 end;

	KUNIT_EXPECT_EQ(test, -ENODEV, sim_run(test, &s, false, &test_params,
					       0, &end));
	/* Three all-ones reads in a row, one poll apart. */
	KUNIT_EXPECT_EQ(test, end, 150ULL);
	KUNIT_EXPECT_EQ(test, s.reads, 3U);
}

/*
 * A device that is there may read all-ones once or twice (a completion
 * timeout): the handshake polls on.  Three in a row mean it is gone.
 */
static void acxxx_test_init_glitch(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_3108, .fw_up_ms = 0,
			    .ready_delay_ms = 200, .glitch_from = 0,
			    .glitch_n = 2 };
	u64 end;

	/* SCRATCH1 twice all-ones, then running. */
	KUNIT_EXPECT_EQ(test, 1, sim_run(test, &s, false, &test_params, 0, &end));
	KUNIT_EXPECT_EQ(test, end, 1300ULL);

	/* OUT_DOORBELL twice all-ones while waiting for ready. */
	memset(&s, 0, sizeof(s));
	s.dialect = ACXXX_DIALECT_2208;
	s.ready_delay_ms = 500;
	s.glitch_from = 3;
	s.glitch_n = 2;
	KUNIT_EXPECT_EQ(test, 1, sim_run(test, &s, true, &test_params, 0, &end));

	/* Three in a row: gone, even in the middle of the handshake. */
	memset(&s, 0, sizeof(s));
	s.dialect = ACXXX_DIALECT_2208;
	s.fw_up_ms = 5000;
	s.glitch_from = 10;
	s.glitch_n = 3;
	KUNIT_EXPECT_EQ(test, -ENODEV,
			sim_run(test, &s, false, &test_params, 0, &end));
	KUNIT_EXPECT_EQ(test, s.reads, 13U);
}

static void acxxx_test_init_2208(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_2208, .fw_up_ms = 0,
			    .ready_delay_ms = 0 };
	unsigned int rst, hi;
	u64 end;

	KUNIT_ASSERT_EQ(test, 1, sim_run(test, &s, false, &test_params, 0, &end));
	/* 4.3 in order. */
	KUNIT_ASSERT_EQ(test, s.nr, 8U);
	KUNIT_EXPECT_EQ(test, s.reg[0], ACXXX_REG_OUT_INT_MASK);
	KUNIT_EXPECT_EQ(test, s.val[0], 0x0FU);
	KUNIT_EXPECT_EQ(test, s.reg[1], ACXXX_REG_OUT_DOORBELL_CLR);
	KUNIT_EXPECT_EQ(test, s.val[1], 0x01U);
	KUNIT_EXPECT_EQ(test, s.reg[2], ACXXX_REG_IN_DOORBELL);
	KUNIT_EXPECT_EQ(test, s.val[2], 0xFFFFFFFFU);
	KUNIT_EXPECT_EQ(test, s.reg[3], ACXXX_REG_SCRATCH2);
	KUNIT_EXPECT_EQ(test, s.val[3], 0x00010000U);
	KUNIT_EXPECT_EQ(test, s.reg[4], ACXXX_REG_OUT_DOORBELL_CLR);
	KUNIT_EXPECT_EQ(test, s.val[4], 0x10U);
	KUNIT_EXPECT_EQ(test, s.reg[5], ACXXX_REG_IN_DOORBELL);
	KUNIT_EXPECT_EQ(test, s.val[5], 0x80000000U | HI);
	KUNIT_EXPECT_EQ(test, s.reg[6], ACXXX_REG_OUT_DOORBELL_CLR);
	KUNIT_EXPECT_EQ(test, s.val[6], 0x01U);
	KUNIT_EXPECT_EQ(test, s.reg[7], ACXXX_REG_OUT_INT_MASK);
	KUNIT_EXPECT_EQ(test, s.val[7], 0x01U);

	/* The interface reset was given its full second to settle. */
	rst = sim_find(&s, ACXXX_REG_IN_DOORBELL, 0xFFFFFFFF);
	hi = sim_find(&s, ACXXX_REG_IN_DOORBELL, 0x80000000U | HI);
	KUNIT_EXPECT_LT(test, rst, hi);
	KUNIT_EXPECT_GE(test, s.hi_ms - s.reset_ms, 1000ULL);
	KUNIT_EXPECT_EQ(test, end, 1050ULL);
}

struct timeline_case {
	const char *what;
	enum acxxx_dialect dialect;
	bool reinit;
	u64 fw_up_ms;
	u64 ready_delay_ms;
	u32 stale_db;
	bool gone;
	int want;
	u64 end_min;
	u64 end_max;
};

static const struct timeline_case timeline_cases[] = {
	/* The reset at 0 settles for 1 s; SCRATCH1 is read from then on. */
	{ "2208-late-firmware", ACXXX_DIALECT_2208, false, 12345, 0, 0, false,
	  1, 12345, 12345 + 100 },
	{ "3108-late-ready", ACXXX_DIALECT_3108, false, 0, 15000, 0, false,
	  1, 16000, 16000 + 50 },
	{ "3108-late-both", ACXXX_DIALECT_3108, false, 30999, 19999, 0, false,
	  1, 30999 + 19999, 30999 + 19999 + 100 },
	{ "2208-firmware-timeout", ACXXX_DIALECT_2208, false, U64_MAX, 0, 0,
	  false, -ETIMEDOUT, 31000, 31050 },
	{ "3108-ready-timeout", ACXXX_DIALECT_3108, false, 0, U64_MAX / 2, 0,
	  false, -ETIMEDOUT, 21000, 21050 },
	{ "2208-gone", ACXXX_DIALECT_2208, false, 0, 0, 0, true, -ENODEV,
	  1100, 1100 },
	{ "3108-reinit", ACXXX_DIALECT_3108, true, 0, 300, 0, false,
	  1, 1300, 1350 },
	{ "2208-stale-bits", ACXXX_DIALECT_2208, false, 0, 0, 0x14, false,
	  1, 1050, 1050 },
	{ "341-reinit", ACXXX_DIALECT_341, true, 0, 200, 0, false, 1, 200, 250 },
};

static void timeline_desc(const struct timeline_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(timeline, timeline_cases, timeline_desc);

static void acxxx_test_init_timeline(struct kunit *test)
{
	const struct timeline_case *t = test->param_value;
	struct fw_sim s = {
		.dialect = t->dialect, .fw_up_ms = t->fw_up_ms,
		.ready_delay_ms = t->ready_delay_ms, .stale_db = t->stale_db,
		.gone = t->gone,
	};
	unsigned int rec;
	u64 end;

	KUNIT_ASSERT_EQ(test, t->want, sim_run(test, &s, t->reinit,
					       &test_params, 0, &end));
	KUNIT_EXPECT_GE(test, end, t->end_min);
	KUNIT_EXPECT_LE(test, end, t->end_max);

	rec = sim_find(&s, ACXXX_REG_SCRATCH2, ACXXX_SCRATCH2_RECOVERING);
	if (t->reinit && t->dialect != ACXXX_DIALECT_341) {
		/* Recovering is announced before the reset. */
		KUNIT_EXPECT_LT(test, rec, sim_find(&s, ACXXX_REG_IN_DOORBELL,
						    ACXXX_IDB_RESET));
	} else {
		KUNIT_EXPECT_EQ(test, rec, ~0U);
	}
	if (t->want == 1 && t->dialect != ACXXX_DIALECT_341)
		/* Whatever was read with the ready bit is acknowledged. */
		KUNIT_EXPECT_NE(test, sim_find(&s, ACXXX_REG_OUT_DOORBELL_CLR,
					       ACXXX_ODB_READY | t->stale_db),
				~0U);
	if (t->want < 0)
		KUNIT_EXPECT_EQ(test, sim_find(&s, ACXXX_REG_OUT_INT_MASK,
					       acxxx_irq_unmask_value(t->dialect)),
				~0U);
}

static void acxxx_test_init_hi_range(struct kunit *test)
{
	struct acxxx_init in;
	struct acxxx_init_io io;

	acxxx_init_begin(&in, ACXXX_DIALECT_2208, 0x80000000U, false, NULL, 0);
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_init_step(&in, 0, 0, &io));
	acxxx_init_begin(&in, ACXXX_DIALECT_341, 0x80000000U, false, NULL, 0);
	KUNIT_EXPECT_EQ(test, 0, acxxx_init_step(&in, 0, 0, &io));
	KUNIT_EXPECT_EQ(test, io.wr_val[2], 0x80000000U);
}

static void acxxx_test_init_defaults(struct kunit *test)
{
	struct acxxx_init_params p;

	acxxx_init_default_params(&p);
	/* At least the original's ~101 s; the 1 s reset settle of 4.3. */
	KUNIT_EXPECT_GE(test, p.ready_timeout_ms, 101000U);
	KUNIT_EXPECT_EQ(test, p.reset_delay_ms, 1000U);
	KUNIT_EXPECT_GT(test, p.poll_ms, 0U);
}

/* Called early during the settle delay: nothing happens, same deadline. */
static void acxxx_test_init_early_call(struct kunit *test)
{
	struct acxxx_init in;
	struct acxxx_init_io io;

	acxxx_init_begin(&in, ACXXX_DIALECT_3108, HI, false, &test_params, 0);
	KUNIT_ASSERT_EQ(test, 0, acxxx_init_step(&in, 0, 0, &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 3U);	/* mask, clear, reset */
	KUNIT_EXPECT_EQ(test, io.read_reg, ACXXX_INIT_NO_READ);
	KUNIT_EXPECT_EQ(test, io.next_ms, 1000ULL);
	KUNIT_ASSERT_EQ(test, 0, acxxx_init_step(&in, 400, 0, &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 0U);
	KUNIT_EXPECT_EQ(test, io.next_ms, 1000ULL);
	KUNIT_EXPECT_EQ(test, io.read_reg, ACXXX_INIT_NO_READ);
	KUNIT_ASSERT_EQ(test, 0, acxxx_init_step(&in, 1000, 0, &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 0U);
	KUNIT_EXPECT_EQ(test, io.read_reg, (u32)ACXXX_REG_SCRATCH1);
	KUNIT_ASSERT_EQ(test, 0, acxxx_init_step(&in, 1000, 1, &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 3U);	/* scratch2, clear, high */
	KUNIT_EXPECT_EQ(test, io.read_reg, (u32)ACXXX_REG_OUT_DOORBELL);
}

/*
 * A hung firmware (SCRATCH1 = 0) comes back only through the reset: the
 * reset must be rung before the host waits for a running firmware.
 */
static void acxxx_test_init_hung_firmware(struct kunit *test)
{
	struct fw_sim s = { .dialect = ACXXX_DIALECT_2208, .fw_up_ms = 2500 };
	u64 end;

	KUNIT_ASSERT_EQ(test, 1, sim_run(test, &s, true, &test_params, 0, &end));
	KUNIT_EXPECT_LT(test, sim_find(&s, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET),
			sim_find(&s, ACXXX_REG_SCRATCH2, ACXXX_SCRATCH2_NORMAL));
	KUNIT_EXPECT_EQ(test, s.reset_ms, 0ULL);
	KUNIT_EXPECT_GE(test, s.hi_ms, 2500ULL);
}

/* A reply as the drain loop would hand it to a sequence. */
static struct acxxx_cpl *seq_cpl(struct kunit *test, u8 kind, u8 status)
{
	struct acxxx_cpl *cpl = kunit_kzalloc(test, sizeof(*cpl), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cpl);
	cpl->kind = kind;
	cpl->reply_status = status;
	return cpl;
}

/* Frames, page 0, events on, then SCRATCH2 on the 2208/3108 only. */
static void acxxx_test_start_seq(struct kunit *test)
{
	static const enum acxxx_dialect dialects[] = {
		ACXXX_DIALECT_341, ACXXX_DIALECT_2208, ACXXX_DIALECT_3108,
	};
	struct acxxx_ident *id = kunit_kzalloc(test, sizeof(*id), GFP_KERNEL);
	struct acxxx_seq_io io;
	struct acxxx_seq s;
	unsigned int d;
	u8 *pg;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, id);
	for (d = 0; d < ARRAY_SIZE(dialects); d++) {
		struct acxxx_fix *f = acxxx_fix_new(test, dialects[d], 64,
						    ACXXX_TEST_DMA);
		const u8 *req = acxxx_slot_req(&f->c, ACXXX_SLOT_MGMT);

		acxxx_start_begin(&s, &f->c, id);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
		KUNIT_EXPECT_EQ(test, io.act, ACXXX_ACT_FRAMES);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
		KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_REQUEST);
		KUNIT_EXPECT_EQ(test, io.req, ACXXX_SEQ_PAGE0);
		KUNIT_EXPECT_EQ(test, io.slot, ACXXX_SLOT_MGMT);
		KUNIT_EXPECT_GT(test, io.timeout_s, 0U);
		pg = acxxx_mgmt_buf(&f->c);
		memset(pg, 0xEE, ACXXX_PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_encode(&f->c, &io));
		KUNIT_EXPECT_EQ(test, req[3], ACXXX_FN_MGMT);
		KUNIT_EXPECT_EQ(test, req[8], ACXXX_MGMT_OP_GET_PAGE);
		KUNIT_EXPECT_TRUE(test, acxxx_all_zero(pg, 0, ACXXX_PAGE_SIZE));
		/* The firmware answers with a page holding volume 2. */
		memcpy(pg + offsetof(struct acxxx_page0, serial), "S1", 2);
		memset(pg + offsetof(struct acxxx_page0, lun_map), 0xFF,
		       2 * ACXXX_MAX_LUNS);
		pg[offsetof(struct acxxx_page0, lun_map) + 4] = 0x05;
		pg[offsetof(struct acxxx_page0, lun_map) + 5] = 0x00;
		KUNIT_ASSERT_EQ(test, 0,
				acxxx_seq_step(&s, &f->c, 0,
					       seq_cpl(test, ACXXX_CPL_MGMT, 0),
					       &io));
		KUNIT_EXPECT_STREQ(test, id->serial, "S1");
		KUNIT_EXPECT_EQ(test, id->lun_map[2], 5);
		KUNIT_EXPECT_EQ(test, id->lun_map[3], ACXXX_LUN_ABSENT);
		KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_REQUEST);
		KUNIT_EXPECT_EQ(test, io.req, ACXXX_SEQ_EVENTS_ON);
		KUNIT_EXPECT_EQ(test, io.slot, ACXXX_SLOT_EVSW);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_encode(&f->c, &io));
		req = acxxx_slot_req(&f->c, ACXXX_SLOT_EVSW);
		KUNIT_EXPECT_EQ(test, req[2], ACXXX_EVSW_ON);
		KUNIT_EXPECT_EQ(test, req[3], ACXXX_FN_EVENT_SWITCH);
		KUNIT_ASSERT_EQ(test, 1,
				acxxx_seq_step(&s, &f->c, 0,
					       seq_cpl(test, ACXXX_CPL_EVSW, 0),
					       &io));
		KUNIT_EXPECT_TRUE(test, s.events_on);
		KUNIT_EXPECT_EQ(test, s.evsw_err, 0);
		if (dialects[d] == ACXXX_DIALECT_341) {
			KUNIT_EXPECT_EQ(test, io.act, ACXXX_ACT_NONE);
			KUNIT_EXPECT_EQ(test, io.nr_wr, 0U);
		} else {
			KUNIT_EXPECT_EQ(test, io.act, ACXXX_ACT_WRITE);
			KUNIT_ASSERT_EQ(test, io.nr_wr, 1U);
			KUNIT_EXPECT_EQ(test, io.wr[0].reg, ACXXX_REG_SCRATCH2);
			KUNIT_EXPECT_EQ(test, io.wr[0].val, ACXXX_SCRATCH2_NORMAL);
		}
		/* Done stays done. */
		KUNIT_EXPECT_EQ(test, 1, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
	}
}

/* Page 0 failing fails the start; events failing do not. */
static void acxxx_test_start_seq_errors(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 64,
					    ACXXX_TEST_DMA);
	struct acxxx_ident *id = kunit_kzalloc(test, sizeof(*id), GFP_KERNEL);
	struct acxxx_seq_io io;
	struct acxxx_seq s;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, id);
	acxxx_start_begin(&s, &f->c, id);
	acxxx_seq_step(&s, &f->c, 0, NULL, &io);
	acxxx_seq_step(&s, &f->c, 0, NULL, &io);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			acxxx_seq_step(&s, &f->c, -ETIMEDOUT, NULL, &io));
	KUNIT_EXPECT_EQ(test, io.act, ACXXX_ACT_NONE);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			acxxx_seq_step(&s, &f->c, 0, NULL, &io));

	/* A refused page read is an I/O error. */
	acxxx_start_begin(&s, &f->c, id);
	acxxx_seq_step(&s, &f->c, 0, NULL, &io);
	acxxx_seq_step(&s, &f->c, 0, NULL, &io);
	KUNIT_EXPECT_EQ(test, -EIO,
			acxxx_seq_step(&s, &f->c, 0,
				       seq_cpl(test, ACXXX_CPL_MGMT, 0x11), &io));

	/* Events refused: started anyway, no SCRATCH2. */
	acxxx_start_begin(&s, &f->c, id);
	acxxx_seq_step(&s, &f->c, 0, NULL, &io);
	acxxx_seq_step(&s, &f->c, 0, NULL, &io);
	KUNIT_ASSERT_EQ(test, 0,
			acxxx_seq_step(&s, &f->c, 0,
				       seq_cpl(test, ACXXX_CPL_MGMT, 0), &io));
	KUNIT_EXPECT_EQ(test, 1,
			acxxx_seq_step(&s, &f->c, 0,
				       seq_cpl(test, ACXXX_CPL_EVSW, 0x04), &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 0U);
	KUNIT_EXPECT_EQ(test, s.evsw_err, -EIO);
	KUNIT_EXPECT_FALSE(test, s.events_on);
}

/* Flush every volume, events off, then mask and the detach write. */
static void acxxx_test_stop_seq(struct kunit *test)
{
	static const enum acxxx_dialect dialects[] = {
		ACXXX_DIALECT_341, ACXXX_DIALECT_2208,
	};
	struct acxxx_seq_io io;
	struct acxxx_seq s;
	u16 map[ACXXX_MAX_LUNS];
	unsigned int d;

	memset(map, 0xFF, sizeof(map));
	map[0] = 0;
	map[2] = 7;
	for (d = 0; d < ARRAY_SIZE(dialects); d++) {
		struct acxxx_fix *f = acxxx_fix_new(test, dialects[d], 64,
						    ACXXX_TEST_DMA);
		const u8 *req = acxxx_slot_req(&f->c, ACXXX_SLOT_INTERNAL);
		bool is_341 = dialects[d] == ACXXX_DIALECT_341;

		acxxx_stop_begin(&s, &f->c, map, true, true, true);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
		KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_REQUEST);
		KUNIT_EXPECT_EQ(test, io.req, ACXXX_SEQ_FLUSH);
		KUNIT_EXPECT_EQ(test, io.slot, ACXXX_SLOT_INTERNAL);
		KUNIT_EXPECT_EQ(test, io.lun, 0);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_encode(&f->c, &io));
		KUNIT_EXPECT_EQ(test, req[3], ACXXX_FN_SCSI_IO);
		KUNIT_EXPECT_EQ(test, req[0x10], 0x35);	/* SYNCHRONIZE CACHE */
		KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x20), 0U);
		KUNIT_ASSERT_EQ(test, 0,
				acxxx_seq_step(&s, &f->c, 0,
					       seq_cpl(test, ACXXX_CPL_SCSI, 0),
					       &io));
		KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_REQUEST);
		KUNIT_EXPECT_EQ(test, io.lun, 2);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_encode(&f->c, &io));
		KUNIT_EXPECT_EQ(test, req[2], 2);
		/* The second flush fails: noted, and the stop goes on. */
		KUNIT_ASSERT_EQ(test, 0,
				acxxx_seq_step(&s, &f->c, -ETIMEDOUT, NULL, &io));
		KUNIT_EXPECT_EQ(test, s.flush_failed, 1ULL << 2);
		KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_REQUEST);
		KUNIT_EXPECT_EQ(test, io.req, ACXXX_SEQ_EVENTS_OFF);
		KUNIT_ASSERT_EQ(test, 0, acxxx_seq_encode(&f->c, &io));
		req = acxxx_slot_req(&f->c, ACXXX_SLOT_EVSW);
		KUNIT_EXPECT_EQ(test, req[2], ACXXX_EVSW_OFF);
		if (!is_341) {
			KUNIT_ASSERT_EQ(test, 0,
					acxxx_seq_step(&s, &f->c, 0,
						       seq_cpl(test, ACXXX_CPL_EVSW, 0),
						       &io));
			KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_WRITE);
			KUNIT_EXPECT_EQ(test, io.wr[0].reg, ACXXX_REG_SCRATCH2);
			KUNIT_ASSERT_EQ(test, 1,
					acxxx_seq_step(&s, &f->c, 0, NULL, &io));
		} else {
			KUNIT_ASSERT_EQ(test, 1,
					acxxx_seq_step(&s, &f->c, 0,
						       seq_cpl(test, ACXXX_CPL_EVSW, 0),
						       &io));
		}
		KUNIT_EXPECT_FALSE(test, s.events_on);
		KUNIT_ASSERT_EQ(test, io.act, ACXXX_ACT_WRITE);
		KUNIT_ASSERT_EQ(test, io.nr_wr, 2U);
		KUNIT_EXPECT_EQ(test, io.wr[0].reg, ACXXX_REG_OUT_INT_MASK);
		KUNIT_EXPECT_EQ(test, io.wr[0].val, ACXXX_IMASK_OFF);
		KUNIT_EXPECT_EQ(test, io.wr[1].reg,
				is_341 ? ACXXX_REG_HOST_MSG0 : ACXXX_REG_IN_DOORBELL);
		KUNIT_EXPECT_EQ(test, io.wr[1].val,
				is_341 ? f->c.hi : ACXXX_IDB_RESET);
	}
}

/* A paused or offline firmware gets no request; a gone device nothing. */
static void acxxx_test_stop_seq_quiet(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 64,
					    ACXXX_TEST_DMA);
	struct acxxx_seq_io io;
	struct acxxx_seq s;
	u16 map[ACXXX_MAX_LUNS] = { 0 };

	acxxx_stop_begin(&s, &f->c, map, true, false, true);
	KUNIT_ASSERT_EQ(test, 1, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
	KUNIT_EXPECT_EQ(test, io.act, ACXXX_ACT_WRITE);
	KUNIT_EXPECT_EQ(test, io.nr_wr, 2U);
	KUNIT_EXPECT_EQ(test, io.wr[1].val, ACXXX_IDB_RESET);

	acxxx_stop_begin(&s, &f->c, map, true, true, false);
	KUNIT_ASSERT_EQ(test, 1, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
	KUNIT_EXPECT_EQ(test, io.act, ACXXX_ACT_NONE);
	KUNIT_EXPECT_EQ(test, io.nr_wr, 0U);

	/* No volume and events off: straight to the detach writes. */
	memset(map, 0xFF, sizeof(map));
	acxxx_stop_begin(&s, &f->c, map, false, true, true);
	KUNIT_ASSERT_EQ(test, 1, acxxx_seq_step(&s, &f->c, 0, NULL, &io));
	KUNIT_EXPECT_EQ(test, io.nr_wr, 2U);
}

static struct kunit_case acxxx_init_cases[] = {
	KUNIT_CASE(acxxx_test_start_seq),
	KUNIT_CASE(acxxx_test_start_seq_errors),
	KUNIT_CASE(acxxx_test_stop_seq),
	KUNIT_CASE(acxxx_test_stop_seq_quiet),
	KUNIT_CASE(acxxx_test_init_341),
	KUNIT_CASE(acxxx_test_init_341_late),
	KUNIT_CASE(acxxx_test_init_341_timeout),
	KUNIT_CASE(acxxx_test_init_341_gone),
	KUNIT_CASE(acxxx_test_init_glitch),
	KUNIT_CASE(acxxx_test_init_2208),
	KUNIT_CASE_PARAM(acxxx_test_init_timeline, timeline_gen_params),
	KUNIT_CASE(acxxx_test_init_hi_range),
	KUNIT_CASE(acxxx_test_init_defaults),
	KUNIT_CASE(acxxx_test_init_early_call),
	KUNIT_CASE(acxxx_test_init_hung_firmware),
	{}
};

struct kunit_suite acxxx_init_suite = {
	.name = "acxxx_init",
	.test_cases = acxxx_init_cases,
};
