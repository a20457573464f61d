// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: the Linux driver's completion polling policy (acxxx_fw.c):
 * when the interrupt gives way to the poll timer, how long a poll waits,
 * and when the interrupt comes back.
 */
#include "acxxx_test.h"
#include "../acxxx.h"

#define US	NSEC_PER_USEC

/* The interval after a drain, all times in us. */
static u32 pisd(u32 ns, bool on, unsigned int shallow, unsigned int found,
		unsigned int depth, unsigned int posted, u32 idle,
		unsigned int deepest)
{
	struct acxxx_poll_sample s = {
		.found = found,
		.depth = depth,
		.posted = posted,
		.idle_ns = (u64)idle * US,
		.deepest = deepest,
	};

	return acxxx_poll_interval(ns * US, on, shallow, &s);
}

/* A host whose queue lately was no deeper than this poll's. */
static u32 pis(u32 ns, bool on, unsigned int shallow, unsigned int found,
	       unsigned int depth, unsigned int posted, u32 idle)
{
	return pisd(ns, on, shallow, found, depth, posted, idle, depth);
}

/* The host posted nothing meanwhile. */
#define pi(ns, on, shallow, found, depth) \
	pis(ns, on, shallow, found, depth, 0, 0)

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
	/*
	 * The first shallow poll of a loaded queue polls once more, at twice
	 * the interval: it came before the host posted more.
	 */
	KUNIT_EXPECT_EQ(test, pi(50, true, 0, 1, 1), 100 * US);
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
 * Each poll aims at min(8, depth) replies: fewer doubles the interval,
 * more than twice as many halves it.
 */
static void acxxx_test_poll_adapt(struct kunit *test)
{
	/* depth 2 and 4: one short of the target */
	KUNIT_EXPECT_EQ(test, pi(400, true, 0, 1, 2), 800 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 3, 4), 200 * US);
	/* depth 64: aims at 8 */
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 7, 64), 200 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 8, 64), 100 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 16, 64), 100 * US);
	KUNIT_EXPECT_EQ(test, pi(100, true, 0, 17, 64), 50 * US);
	/* never below 10 us */
	KUNIT_EXPECT_EQ(test, pi(15, true, 0, 40, 64), 10 * US);
	/* a shallow poll before does not change the rule once deep again */
	KUNIT_EXPECT_EQ(test, pi(100, true, 1, 7, 64), 200 * US);
	/* what the host posted does not matter while commands are pending */
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 3, 4, 4, 90), 200 * US);
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 7, 64, 30, 0), 200 * US);
}

/*
 * Every command outstanding answered (dry), the queue no deeper than that
 * lately: the poll aims at half of it; when it found that many and the
 * host stopped posting early in the interval, the interval halves.
 */
static void acxxx_test_poll_host_stopped(struct kunit *test)
{
	/* posted 2, then nothing for 300 of 400 us */
	KUNIT_EXPECT_EQ(test, pis(400, true, 0, 2, 2, 2, 300), 200 * US);
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 4, 4, 4, 60), 50 * US);
	/* idle longer than the interval (the drain took a while) */
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 4, 4, 4, 150), 50 * US);
	/* never below 10 us */
	KUNIT_EXPECT_EQ(test, pis(15, true, 0, 8, 8, 8, 15), 10 * US);
	/* still posting at the poll, or half the interval idle: no stop */
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 4, 4, 4, 10), 100 * US);
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 4, 4, 4, 50), 100 * US);
	/* a slow host: idle 600 us after a 400 us gap is no stop... */
	KUNIT_EXPECT_EQ(test, pis(1000, true, 0, 2, 2, 2, 600), 1000 * US);
	/* ...idle 700 us after a 300 us gap is */
	KUNIT_EXPECT_EQ(test, pis(1000, true, 0, 2, 2, 2, 700), 500 * US);
	/* nothing posted, or one command: no sign of a stop */
	KUNIT_EXPECT_EQ(test, pi(400, true, 0, 2, 2), 400 * US);
	KUNIT_EXPECT_EQ(test, pis(100, true, 0, 2, 2, 1, 90), 100 * US);
}

/*
 * Dry, but the host's queue was deeper lately: it posts slower than the
 * device answers, and a longer interval brings more commands.  The poll
 * aims at half that depth, ACXXX_POLL_DRY_MAX (16) at most, even when
 * the host paused.
 */
static void acxxx_test_poll_host_deep(struct kunit *test)
{
	/* deepest 32: aims at 16 */
	KUNIT_EXPECT_EQ(test, pisd(400, true, 0, 2, 2, 2, 100, 32), 800 * US);
	KUNIT_EXPECT_EQ(test, pisd(400, true, 0, 2, 2, 2, 390, 32), 800 * US);
	KUNIT_EXPECT_EQ(test, pisd(1000, true, 0, 15, 15, 15, 0, 64),
			2000 * US);
	KUNIT_EXPECT_EQ(test, pisd(1000, true, 0, 16, 16, 16, 0, 64),
			1000 * US);
	/* found enough, host stopped: halves; more than twice: halves */
	KUNIT_EXPECT_EQ(test, pisd(1000, true, 0, 16, 16, 16, 900, 64),
			500 * US);
	KUNIT_EXPECT_EQ(test, pisd(1000, true, 0, 33, 33, 33, 0, 64),
			500 * US);
	/* deepest 12: aims at 6 */
	KUNIT_EXPECT_EQ(test, pisd(1000, true, 0, 5, 5, 5, 0, 12), 2000 * US);
	KUNIT_EXPECT_EQ(test, pisd(1000, true, 0, 6, 6, 6, 0, 12), 1000 * US);
	/* the ceiling of the depth still holds */
	KUNIT_EXPECT_EQ(test, pisd(2000, true, 0, 2, 2, 2, 0, 32), 2000 * US);
	KUNIT_EXPECT_EQ(test, pisd(3000, true, 0, 3, 3, 3, 0, 32), 3000 * US);
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
			ns = pi(ns / US, true, 0, 0, c[i].depth);
		KUNIT_EXPECT_EQ_MSG(test, ns, c[i].ceiling, "depth %u", c[i].depth);
		KUNIT_EXPECT_EQ_MSG(test, pi(ns / US, true, 0, 0, c[i].depth),
				    c[i].ceiling, "depth %u", c[i].depth);
	}
	/* A queue that gets shallow gets its ceiling at once. */
	KUNIT_EXPECT_EQ(test, pi(8000, true, 0, 1, 3), 3000 * US);
}

/* One dry poll for acxxx_poll_learn(); @stopped: the host stopped early. */
static u32 learn(struct acxxx_poll_learn *l, u32 ns, unsigned int depth,
		 bool stopped, unsigned int *deepest)
{
	struct acxxx_poll_sample s = {
		.found = depth,
		.depth = depth,
		.posted = depth,
		.idle_ns = stopped ? (u64)ns * US * 3 / 4 : 0,
	};
	u32 ret = acxxx_poll_learn(l, ns * US, &s);

	*deepest = s.deepest;
	return ret / US;
}

/* The deepest queue: the largest depth, forgetting 1/32 per poll. */
static void acxxx_test_poll_learn_deepest(struct kunit *test)
{
	struct acxxx_poll_learn l = {};
	unsigned int deepest, i;

	learn(&l, 400, 2, false, &deepest);
	KUNIT_EXPECT_EQ(test, deepest, 2);
	learn(&l, 400, 40, false, &deepest);
	KUNIT_EXPECT_EQ(test, deepest, 40);
	/* 640/16, then 620/16, 601/16 ... */
	learn(&l, 400, 2, false, &deepest);
	KUNIT_EXPECT_EQ(test, deepest, 38);
	learn(&l, 400, 2, false, &deepest);
	KUNIT_EXPECT_EQ(test, deepest, 37);
	for (i = 0; i < 200; i++)
		learn(&l, 400, 2, false, &deepest);
	KUNIT_EXPECT_EQ(test, deepest, 2);
	learn(&l, 400, 9, false, &deepest);
	KUNIT_EXPECT_EQ(test, deepest, 9);
}

/*
 * Every 16 dry polls that found the host stopped, a probe waits twice as
 * long (8 ms at most); polls that did not find it stopped never probe.
 */
static void acxxx_test_poll_learn_probe(struct kunit *test)
{
	/* not dry: one reply of four */
	struct acxxx_poll_sample s = { .found = 1, .depth = 4, .posted = 4,
				       .idle_ns = 300 * US };
	struct acxxx_poll_learn l = {};
	unsigned int deepest, i;

	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, learn(&l, 400, 4, false, &deepest), 0);
	for (i = 0; i < 15; i++)
		KUNIT_EXPECT_EQ(test, learn(&l, 400, 4, true, &deepest), 0);
	KUNIT_EXPECT_EQ(test, learn(&l, 400, 4, true, &deepest), 800);
	for (i = 0; i < 15; i++)
		KUNIT_EXPECT_EQ(test, learn(&l, 6000, 4, true, &deepest), 0);
	KUNIT_EXPECT_EQ(test, learn(&l, 6000, 4, true, &deepest), 8000);
	/* a poll that was not dry is no sign of anything */
	for (i = 0; i < 40; i++)
		KUNIT_EXPECT_EQ(test, acxxx_poll_learn(&l, 400 * US, &s), 0);
}

static struct kunit_case acxxx_poll_test_cases[] = {
	KUNIT_CASE(acxxx_test_poll_qd1),
	KUNIT_CASE(acxxx_test_poll_enter),
	KUNIT_CASE(acxxx_test_poll_adapt),
	KUNIT_CASE(acxxx_test_poll_host_stopped),
	KUNIT_CASE(acxxx_test_poll_host_deep),
	KUNIT_CASE(acxxx_test_poll_learn_deepest),
	KUNIT_CASE(acxxx_test_poll_learn_probe),
	KUNIT_CASE(acxxx_test_poll_ceiling),
	{}
};

struct kunit_suite acxxx_poll_suite = {
	.name = "acxxx-poll",
	.test_cases = acxxx_poll_test_cases,
};
