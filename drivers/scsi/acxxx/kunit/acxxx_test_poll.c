// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: the Linux driver's completion polling policy (acxxx_fw.c):
 * when the interrupt gives way to the poll timer, how long a poll waits,
 * and when the interrupt comes back.
 */
#include "acxxx_test.h"
#include "../acxxx.h"

#define US	NSEC_PER_USEC
#define pi(ns, on, shallow, found, depth) \
	acxxx_poll_interval((ns) * US, on, shallow, found, depth)

/* A lone command never waits for a poll: it completes on its interrupt. */
static void acxxx_test_poll_qd1(struct kunit *test)
{
	unsigned int found;

	for (found = 0; found <= 1; found++) {
		KUNIT_EXPECT_EQ(test, pi(50, false, 0, found, 1), 0);
		KUNIT_EXPECT_EQ(test, pi(50, false, 0, found, 0), 0);
		/* polling: the second shallow poll in a row ends it */
		KUNIT_EXPECT_EQ(test, pi(50, true, 1, found, 1), 0);
		KUNIT_EXPECT_EQ(test, pi(8000, true, 1, found, 0), 0);
	}
	/* The first shallow poll of a loaded queue polls once more, soon. */
	KUNIT_EXPECT_EQ(test, pi(50, true, 0, 1, 1), 50 * US);
	KUNIT_EXPECT_EQ(test, pi(8000, true, 0, 0, 0), 1000 * US);
}

/* Two commands at once are concurrency: polling starts at the interval so far. */
static void acxxx_test_poll_enter(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pi(50, false, 0, 1, 2), 50 * US);
	KUNIT_EXPECT_EQ(test, pi(50, false, 0, 0, 64), 50 * US);
	/* An interval out of range for this depth is brought back. */
	KUNIT_EXPECT_EQ(test, pi(8000, false, 0, 2, 2), 2000 * US);
	KUNIT_EXPECT_EQ(test, pi(1, false, 0, 2, 2), 10 * US);
}

/*
 * Each poll aims at min(8, depth) replies: fewer doubles the interval;
 * more than twice as many, or every command outstanding (the queue ran
 * dry before the poll), halves it.
 */
static void acxxx_test_poll_adapt(struct kunit *test)
{
	/* depth 2: both found is a dry queue, one is short of the target */
	KUNIT_EXPECT_EQ(test, pi(400, true, 0, 2, 2), 200 * US);
	KUNIT_EXPECT_EQ(test, pi(400, true, 0, 1, 2), 800 * US);
	/* depth 4 */
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 3, 4), 200 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 4, 4), 50 * US);
	/* depth 64: aims at 8 */
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 7, 64), 200 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 8, 64), 100 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 16, 64), 100 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 17, 64), 50 * US);
	/* never below 10 us */
	KUNIT_EXPECT_EQ(test, pi(15, true, 0, 40, 64), 10 * US);
	/* a shallow poll before does not change the rule once deep again */
	KUNIT_EXPECT_EQ(test, pi(100, true, 1, 7, 64), 200 * US);
}

/* The ceiling: 1 ms per command outstanding, 8 ms at most. */
static void acxxx_test_poll_ceiling(struct kunit *test)
{
	static const struct { unsigned int depth; u32 ceiling; } c[] = {
		{ 2, 2000 * US }, { 4, 4000 * US }, { 8, 8000 * US },
		{ 16, 8000 * US }, { 510, 8000 * US },
	};
	unsigned int i;
	u32 ns;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		/* Finding nothing, the interval doubles up to the ceiling. */
		ns = 10 * US;
		while (ns < c[i].ceiling)
			ns = acxxx_poll_interval(ns, true, 0, 0, c[i].depth);
		KUNIT_EXPECT_EQ_MSG(test, ns, c[i].ceiling, "depth %u", c[i].depth);
		KUNIT_EXPECT_EQ_MSG(test, acxxx_poll_interval(ns, true, 0, 0,
							      c[i].depth),
				    c[i].ceiling, "depth %u", c[i].depth);
	}
	/* A queue that gets shallow gets its ceiling at once. */
	KUNIT_EXPECT_EQ(test, pi(8000, true, 0, 1, 3), 3000 * US);
}

static struct kunit_case acxxx_poll_test_cases[] = {
	KUNIT_CASE(acxxx_test_poll_qd1),
	KUNIT_CASE(acxxx_test_poll_enter),
	KUNIT_CASE(acxxx_test_poll_adapt),
	KUNIT_CASE(acxxx_test_poll_ceiling),
	{}
};

struct kunit_suite acxxx_poll_suite = {
	.name = "acxxx-poll",
	.test_cases = acxxx_poll_test_cases,
};
