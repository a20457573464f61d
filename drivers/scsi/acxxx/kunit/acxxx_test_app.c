// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: the management interface's pure logic (acxxx_app.c,
 * acxxx_ctrl.c): which logged events a reader gets, which states take a
 * management request, and the opcode table's verdict on known opcodes.
 */
#include "acxxx_test.h"
#include "../acxxx.h"

struct evlog_case {
	const char *what;
	u64 last, since;
	u32 max;
	u64 first;
	u32 n;
	u64 lost;
};

static const struct evlog_case evlog_cases[] = {
	{ "empty log", 0, 0, 64, 1, 0, 0 },
	{ "all of a short log", 5, 0, 64, 1, 5, 0 },
	{ "after the 3rd", 5, 3, 64, 4, 2, 0 },
	{ "up to date", 5, 5, 64, 6, 0, 0 },
	{ "ahead of the log", 5, 9, 64, 6, 0, 0 },
	{ "at most max", 5, 0, 2, 1, 2, 0 },
	{ "asking for none", 5, 0, 0, 1, 0, 0 },
	{ "a full log", 64, 0, 64, 1, 64, 0 },
	{ "one overwritten", 65, 0, 64, 2, 64, 1 },
	{ "far behind", 1000, 10, 64, 937, 64, 926 },
	{ "far behind, a few", 1000, 10, 3, 937, 3, 926 },
	{ "just inside", 1000, 936, 64, 937, 64, 0 },
	{ "huge numbers", ~0ULL - 1, ~0ULL - 3, 64, ~0ULL - 2, 2, 0 },
	{ "since 2^64-1", 7, ~0ULL, 64, 8, 0, 0 },
};

static void evlog_desc(const struct evlog_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(evlog, evlog_cases, evlog_desc);

static void acxxx_test_evlog_window(struct kunit *test)
{
	const struct evlog_case *t = test->param_value;
	u64 first = 0xEE, lost = 0xEE;
	u32 n = 0xEE;

	acxxx_evlog_window(t->last, t->since, t->max, &first, &n, &lost);
	KUNIT_EXPECT_EQ(test, n, t->n);
	KUNIT_EXPECT_EQ(test, lost, t->lost);
	if (t->n)
		KUNIT_EXPECT_EQ(test, first, t->first);
	/* Whatever is returned is in the log and after @since. */
	if (n) {
		KUNIT_EXPECT_GT(test, first, t->since);
		KUNIT_EXPECT_LE(test, first + n - 1, t->last);
		KUNIT_EXPECT_LT(test, t->last - first, (u64)ACXXX_BSG_EVENT_LOG);
	}
}

/* Only a live controller takes a user's management request. */
static void acxxx_test_can_manage(struct kunit *test)
{
	static const u8 want[ACXXX_NR_STATES] = {
		[ACXXX_ST_NEW] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_CONNECTING] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_STARTING] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_LIVE] = ACXXX_SUBMIT_OK,
		[ACXXX_ST_PAUSED] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_RESETTING] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_SUSPENDED] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_FROZEN] = ACXXX_SUBMIT_BUSY,
		[ACXXX_ST_DEAD] = ACXXX_SUBMIT_FAIL,
		[ACXXX_ST_DELETING] = ACXXX_SUBMIT_FAIL,
		[ACXXX_ST_DELETING_PAUSED] = ACXXX_SUBMIT_FAIL,
		[ACXXX_ST_DELETING_NOIO] = ACXXX_SUBMIT_FAIL,
	};
	unsigned int st;

	for (st = 0; st < ACXXX_NR_STATES; st++) {
		KUNIT_EXPECT_EQ_MSG(test, acxxx_can_manage(st), want[st],
				    "state %u", st);
		/* Never where the driver's own requests may not go. */
		if (acxxx_can_manage(st) == ACXXX_SUBMIT_OK)
			KUNIT_EXPECT_EQ(test, acxxx_can_ireq(st),
					ACXXX_SUBMIT_OK);
	}
	KUNIT_EXPECT_EQ(test, acxxx_submit_errno(acxxx_can_manage(ACXXX_ST_RESETTING)),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, acxxx_submit_errno(acxxx_can_manage(ACXXX_ST_DEAD)),
			-ENODEV);
}

/* The opcode table: which opcodes are known, which move data. */
static void acxxx_test_mgmt_known(struct kunit *test)
{
	static const u8 known[] = {
		0x01, 0xB2, 0xB1, 0x93, 0x94, 0x95, 0x96, 0xA8, 0xCA, 0xCB,
	};
	u8 cdb[32] = { 0 };
	struct acxxx_mgmt_xfer x;
	unsigned int op, i, nknown = 0;

	cdb[2] = 0x10;		/* echo: 16 bytes; firmware update: 16 */
	for (op = 0; op < 256; op++) {
		bool want = false;

		for (i = 0; i < ARRAY_SIZE(known); i++)
			want |= known[i] == op;
		cdb[0] = op;
		KUNIT_ASSERT_EQ(test, 0, acxxx_mgmt_check(cdb, 32, 5120, &x));
		KUNIT_EXPECT_EQ_MSG(test, x.known, want, "opcode 0x%02x", op);
		nknown += x.known;
		if (!x.known) {
			KUNIT_EXPECT_EQ(test, x.dir, ACXXX_CTL_DIR_NONE);
			KUNIT_EXPECT_EQ(test, x.len, 0U);
		} else {
			KUNIT_EXPECT_NE(test, x.dir, ACXXX_CTL_DIR_NONE);
		}
	}
	KUNIT_EXPECT_EQ(test, nknown, (unsigned int)ARRAY_SIZE(known));
}

static struct kunit_case acxxx_app_test_cases[] = {
	KUNIT_CASE_PARAM(acxxx_test_evlog_window, evlog_gen_params),
	KUNIT_CASE(acxxx_test_can_manage),
	KUNIT_CASE(acxxx_test_mgmt_known),
	{}
};

struct kunit_suite acxxx_app_suite = {
	.name = "acxxx-app",
	.test_cases = acxxx_app_test_cases,
};
