// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: the Linux driver's controller state machine (acxxx_ctrl.c):
 * its transition table and what each state allows.
 */
#include "acxxx_test.h"
#include "../acxxx.h"

#define ST(s)	ACXXX_ST_##s

/* Transitions the driver makes, each of which the table must allow. */
static const u8 acxxx_used[][2] = {
	{ ST(NEW), ST(CONNECTING) },		/* probe: bring-up */
	{ ST(NEW), ST(LIVE) },			/* null stage */
	{ ST(CONNECTING), ST(STARTING) },	/* handshake done */
	{ ST(STARTING), ST(LIVE) },		/* start sequence done */
	{ ST(STARTING), ST(CONNECTING) },	/* start failed: again */
	{ ST(LIVE), ST(PAUSED) },
	{ ST(PAUSED), ST(LIVE) },
	{ ST(LIVE), ST(RESETTING) },		/* host reset, recovery */
	{ ST(PAUSED), ST(RESETTING) },
	{ ST(RESETTING), ST(LIVE) },
	{ ST(LIVE), ST(SUSPENDED) },
	{ ST(SUSPENDED), ST(RESETTING) },	/* resume */
	{ ST(LIVE), ST(FROZEN) },
	{ ST(CONNECTING), ST(FROZEN) },
	{ ST(RESETTING), ST(FROZEN) },
	{ ST(FROZEN), ST(CONNECTING) },		/* bring-up cut: again */
	{ ST(FROZEN), ST(RESETTING) },
	{ ST(FROZEN), ST(DEAD) },
	{ ST(RESETTING), ST(DEAD) },
	{ ST(LIVE), ST(DELETING) },
	{ ST(PAUSED), ST(DELETING_PAUSED) },
	{ ST(DELETING), ST(DELETING_PAUSED) },
	{ ST(DELETING_PAUSED), ST(DELETING) },
	{ ST(DELETING), ST(DEAD) },		/* surprise removal */
	{ ST(DELETING), ST(DELETING_NOIO) },
	{ ST(DEAD), ST(DELETING_NOIO) },
	{ ST(CONNECTING), ST(DELETING_NOIO) },
};

/* Transitions that would break a rule, each of which must be refused. */
static const u8 acxxx_refused[][2] = {
	{ ST(CONNECTING), ST(LIVE) },		/* skipping the start sequence */
	{ ST(FROZEN), ST(LIVE) },		/* without a handshake */
	{ ST(SUSPENDED), ST(LIVE) },
	{ ST(DEAD), ST(LIVE) },			/* offline is final */
	{ ST(DEAD), ST(RESETTING) },
	{ ST(DEAD), ST(CONNECTING) },
	{ ST(DELETING), ST(LIVE) },		/* detaching is final */
	{ ST(DELETING_NOIO), ST(DELETING) },
	{ ST(DELETING_NOIO), ST(DEAD) },
	{ ST(STARTING), ST(PAUSED) },		/* only a live host pauses */
	{ ST(RESETTING), ST(PAUSED) },
	{ ST(CONNECTING), ST(DELETING) },	/* nothing to serve I/O */
	{ ST(NEW), ST(STARTING) },
};

static void acxxx_test_state_table(struct kunit *test)
{
	unsigned int i, s;

	for (i = 0; i < ARRAY_SIZE(acxxx_used); i++)
		KUNIT_EXPECT_TRUE_MSG(test, acxxx_state_allowed(acxxx_used[i][0],
								acxxx_used[i][1]),
				      "%u -> %u", acxxx_used[i][0],
				      acxxx_used[i][1]);
	for (i = 0; i < ARRAY_SIZE(acxxx_refused); i++)
		KUNIT_EXPECT_FALSE_MSG(test, acxxx_state_allowed(acxxx_refused[i][0],
								 acxxx_refused[i][1]),
				       "%u -> %u", acxxx_refused[i][0],
				       acxxx_refused[i][1]);
	for (s = 0; s < ACXXX_NR_STATES; s++) {
		/* Staying put is always allowed; leaving "stopped" never. */
		KUNIT_EXPECT_TRUE(test, acxxx_state_allowed(s, s));
		if (s != ST(DELETING_NOIO))
			KUNIT_EXPECT_FALSE(test,
					   acxxx_state_allowed(ST(DELETING_NOIO), s));
		/* Every state can stop. */
		KUNIT_EXPECT_TRUE(test, acxxx_state_allowed(s, ST(DELETING_NOIO)));
		/* Out of range either way is refused. */
		KUNIT_EXPECT_FALSE(test, acxxx_state_allowed(s, ACXXX_NR_STATES));
		KUNIT_EXPECT_FALSE(test, acxxx_state_allowed(ACXXX_NR_STATES, s));
	}
}

/* What each state allows: the table of docs/decisions.md. */
struct acxxx_state_case {
	u8 st;
	u8 submit;
	u8 ireq;
	bool drain;
	bool irq;
	bool work;
};

#define OK	ACXXX_SUBMIT_OK
#define BUSY	ACXXX_SUBMIT_BUSY
#define FAIL	ACXXX_SUBMIT_FAIL

static const struct acxxx_state_case acxxx_state_cases[] = {
	{ ST(NEW),		BUSY, BUSY, false, false, true },
	{ ST(CONNECTING),	BUSY, BUSY, false, false, true },
	{ ST(STARTING),		BUSY, OK,   true,  true,  true },
	{ ST(LIVE),		OK,   OK,   true,  true,  true },
	{ ST(PAUSED),		BUSY, BUSY, false, true,  true },
	{ ST(RESETTING),	BUSY, BUSY, false, false, true },
	{ ST(SUSPENDED),	BUSY, BUSY, false, false, true },
	{ ST(FROZEN),		BUSY, BUSY, false, false, true },
	{ ST(DEAD),		FAIL, FAIL, false, false, false },
	{ ST(DELETING),		OK,   OK,   true,  true,  false },
	{ ST(DELETING_PAUSED),	FAIL, FAIL, false, true,  false },
	{ ST(DELETING_NOIO),	FAIL, FAIL, false, false, false },
};

static void acxxx_test_state_predicates(struct kunit *test)
{
	const struct acxxx_state_case *t;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(acxxx_state_cases), ACXXX_NR_STATES);
	for (i = 0; i < ARRAY_SIZE(acxxx_state_cases); i++) {
		t = &acxxx_state_cases[i];
		KUNIT_EXPECT_EQ_MSG(test, acxxx_can_submit(t->st), t->submit,
				    "state %u", t->st);
		KUNIT_EXPECT_EQ_MSG(test, acxxx_can_ireq(t->st), t->ireq,
				    "state %u", t->st);
		KUNIT_EXPECT_EQ_MSG(test, acxxx_can_drain(t->st), t->drain,
				    "state %u", t->st);
		KUNIT_EXPECT_EQ_MSG(test, acxxx_irq_expected(t->st), t->irq,
				    "state %u", t->st);
		KUNIT_EXPECT_EQ_MSG(test, acxxx_takes_work(t->st), t->work,
				    "state %u", t->st);
	}
}

/*
 * The re-init window: no state a handshake runs in lets the interrupt
 * handler drain or act, and none a handshake is entered from is left
 * without passing through one of them.
 */
static void acxxx_test_state_handshake_window(struct kunit *test)
{
	static const u8 handshake[] = { ST(CONNECTING), ST(RESETTING) };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(handshake); i++) {
		KUNIT_EXPECT_FALSE(test, acxxx_irq_expected(handshake[i]));
		KUNIT_EXPECT_FALSE(test, acxxx_can_drain(handshake[i]));
	}
	/* Out of a handshake only to a state that the handshake unmasked. */
	KUNIT_EXPECT_TRUE(test, acxxx_state_allowed(ST(CONNECTING), ST(STARTING)));
	KUNIT_EXPECT_FALSE(test, acxxx_state_allowed(ST(CONNECTING), ST(PAUSED)));
	KUNIT_EXPECT_FALSE(test, acxxx_state_allowed(ST(RESETTING), ST(STARTING)));
}

static struct kunit_case acxxx_state_test_cases[] = {
	KUNIT_CASE(acxxx_test_state_table),
	KUNIT_CASE(acxxx_test_state_predicates),
	KUNIT_CASE(acxxx_test_state_handshake_window),
	{}
};

struct kunit_suite acxxx_state_suite = {
	.name = "acxxx-state",
	.test_cases = acxxx_state_test_cases,
};
