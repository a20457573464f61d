// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Threaded mode: out-of-order service by several workers, the interrupt
 * callback, and cancellation (re-init, power loss, destroy) while workers
 * hold requests.  No assertion depends on how long anything takes; waits
 * are bounded only to turn a hang into a failure.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "suites.h"

#define NREQ	96

static void be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static u64 buf_of(unsigned int slot)
{
	return DATA_HI_BASE + slot * 8192ull;
}

static void post_rw(struct host *h, unsigned int slot, bool write,
		    unsigned int lun, u32 lba)
{
	u8 cdb[10] = { write ? 0x2A : 0x28 };
	struct seg s[2] = { { buf_of(slot), 2048 }, { buf_of(slot) + 4096, 2048 } };

	be32(cdb + 2, lba);
	cdb[8] = 8;
	host_build_scsi(h, slot, lun, cdb, 10, write ? ACXXX_CTL_DIR_WRITE :
			ACXXX_CTL_DIR_READ, s, 2, false, 0);
	host_post(h, slot);
}

/* Reap until @n replies arrived; @seen counts replies per slot. */
static void reap_n(struct host *h, unsigned int n, unsigned int *seen)
{
	struct done d;
	unsigned int got = 0;

	while (got < n) {
		host_wait_irq(h);
		while (host_reap(h, &d)) {
			ck_assert_msg(d.fast, "slot %u: status %02x",
				      d.msg_id >> 2, d.status);
			ck_assert_uint_lt(d.msg_id >> 2, 512);
			seen[d.msg_id >> 2]++;
			got++;
		}
	}
}

START_TEST(t_out_of_order_io)
{
	struct host_opts o = { .workers = 4 };
	static unsigned int seen[512];
	unsigned int i, k;
	u8 *b;
	struct host h;

	memset(seen, 0, sizeof(seen));
	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	/* many writes in flight on two volumes */
	for (i = 1; i <= NREQ; i++) {
		b = data_ptr(&h, buf_of(i));
		for (k = 0; k < 2048; k++) {
			b[k] = (u8)(i + k);
			b[4096 + k] = (u8)(i * 3 + k);
		}
		post_rw(&h, i, true, i & 1 ? 5 : 0, i * 8);
	}
	reap_n(&h, NREQ, seen);
	for (i = 1; i <= NREQ; i++) {
		ck_assert_uint_eq(seen[i], 1);
		seen[i] = 0;
		memset(data_ptr(&h, buf_of(i)), 0, 8192);
	}
	for (i = 1; i <= NREQ; i++)
		post_rw(&h, i, false, i & 1 ? 5 : 0, i * 8);
	reap_n(&h, NREQ, seen);
	for (i = 1; i <= NREQ; i++) {
		ck_assert_uint_eq(seen[i], 1);
		b = data_ptr(&h, buf_of(i));
		for (k = 0; k < 2048; k++) {
			ck_assert_uint_eq(b[k], (u8)(i + k));
			ck_assert_uint_eq(b[4096 + k], (u8)(i * 3 + k));
		}
	}
	ck_assert_int_eq(acxemu_wait_idle(h.emu, 20000), 0);
	ck_assert(!acxemu_irq_level(h.emu));
	ck_assert(!h.irq);
	host_fini(&h);
}
END_TEST

START_TEST(t_latency)
{
	struct host_opts o = { .workers = 3, .latency_us = 200 };
	static unsigned int seen[512];
	struct acxemu_stats st;
	unsigned int i;
	struct host h;

	memset(seen, 0, sizeof(seen));
	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	for (i = 1; i <= 32; i++)
		post_rw(&h, i, false, 0, i);
	reap_n(&h, 32, seen);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.replies_fast, 32);
	ck_assert_uint_ge(st.irqs_raised, 1);
	host_fini(&h);
}
END_TEST

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

/*
 * Per-class latency is a deferred completion, not a sleeping worker: with
 * one worker, a READ delayed by 2 s is answered no earlier than 2 s after
 * it was posted, and WRITEs and a TEST UNIT READY posted after it are
 * answered meanwhile.
 */
START_TEST(t_timing_deferred)
{
	struct acxemu_timing t = { .lat = { [ACXEMU_LAT_READ] = { 2000000, 0 } } };
	struct host_opts o = { .workers = 1, .timing = &t };
	u8 tur[6] = { 0 };
	bool read_done = false;
	unsigned int others = 0;
	u64 posted, got_read = 0;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	posted = now_ms();
	post_rw(&h, 1, false, 0, 8);
	post_rw(&h, 2, true, 0, 64);
	post_rw(&h, 3, true, 5, 64);
	host_build_scsi(&h, 4, 0, tur, 6, ACXXX_CTL_DIR_NONE, NULL, 0, false, 0);
	host_post(&h, 4);
	while (!read_done) {
		host_wait_irq(&h);
		while (host_reap(&h, &d)) {
			ck_assert_msg(d.fast, "slot %u: status %02x",
				      d.msg_id >> 2, d.status);
			if (d.msg_id >> 2 == 1) {
				read_done = true;
				got_read = now_ms();
				/* everything posted after it was answered first */
				ck_assert_uint_eq(others, 3);
			} else {
				ck_assert(!read_done);
				others++;
			}
		}
	}
	ck_assert_uint_ge(got_read - posted, 2000);
	ck_assert_int_eq(acxemu_wait_idle(h.emu, 20000), 0);
	host_fini(&h);
}
END_TEST

/*
 * A deferred completion still counts as work in progress, a re-init drops
 * it without a reply, and event latency defers a LUN-change event.
 */
START_TEST(t_timing_cancel_and_events)
{
	struct acxemu_timing t = { .lat = {
		[ACXEMU_LAT_READ] = { 60000000, 0 },
		[ACXEMU_LAT_EVENT] = { 300000, 0 } } };
	struct host_opts o = { .workers = 2, .timing = &t };
	struct acxemu_volume_config vc = { .lun = 9, .size = 1u << 20 };
	struct acxemu_stats st;
	struct done d;
	struct host h;
	u64 t0;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	post_rw(&h, 1, false, 0, 8);
	/* a minute-long read: never idle meanwhile */
	ck_assert_int_eq(acxemu_wait_idle(h.emu, 300), -ETIMEDOUT);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 1);
	/* the re-init handshake drops it: no reply ever */
	host_handshake(&h);
	host_post_frames(&h, 1, 64);
	ck_assert_int_eq(acxemu_wait_idle(h.emu, 20000), 0);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert(!host_reap(&h, &d));
	/* events: switch on, add a volume, the event comes after its latency */
	host_event_switch(&h, 2, true, &d);
	ck_assert_uint_eq(d.status, 0);
	t0 = now_ms();
	ck_assert_int_eq(acxemu_volume_add(h.emu, &vc, NULL, 0), 0);
	host_wait_irq(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.function, ACXXX_FN_EVENT_SWITCH);
	ck_assert_uint_ge(now_ms() - t0, 300);
	host_fini(&h);
}
END_TEST

START_TEST(t_reinit_cancels_held_work)
{
	struct host_opts o = { .workers = 2 };
	struct acxemu_fault f = { .action = ACXEMU_FAULT_DELAY,
				  .fn = ACXXX_FN_SCSI_IO, .opcode = 0x28,
				  .lun = -1, .delay_ms = 3600000 };
	struct acxemu_stats st;
	unsigned int writes;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	/* two reads held by the workers, after their data went out */
	post_rw(&h, 1, false, 0, 0);
	post_rw(&h, 2, false, 0, 8);
	do {
		acxemu_get_stats(h.emu, &st);
	} while (st.bytes_read < 8192 && !usleep(1000));
	acxemu_fault_clear(h.emu);
	writes = h.dma_writes;
	host_handshake(&h);			/* re-init: must drop both */
	ck_assert_int_eq(acxemu_wait_idle(h.emu, 20000), 0);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert_uint_eq(st.cancelled, 2);
	ck_assert_uint_eq(h.dma_writes, writes);
	ck_assert(!host_reap(&h, &d));
	host_post_frames(&h, 1, 4);
	post_rw(&h, 3, false, 0, 0);
	host_wait_irq(&h);
	ck_assert(host_reap(&h, &d) && d.fast && d.msg_id == 3 << 2);
	host_fini(&h);
}
END_TEST

START_TEST(t_power_loss_under_load)
{
	struct host_opts o = { .workers = 4 };
	unsigned int i, reads, writes;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	for (i = 1; i <= NREQ; i++)
		post_rw(&h, i, i & 1, 0, i * 8);
	acxemu_power_loss(h.emu);
	reads = h.dma_reads;
	writes = h.dma_writes;
	for (i = 1; i <= 8; i++)
		wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(i));
	ck_assert_int_eq(acxemu_wait_idle(h.emu, 20000), 0);
	ck_assert_uint_eq(h.dma_reads, reads);
	ck_assert_uint_eq(h.dma_writes, writes);
	ck_assert(!acxemu_irq_level(h.emu));
	host_fini(&h);
}
END_TEST

START_TEST(t_destroy_with_held_work)
{
	struct host_opts o = { .workers = 2 };
	struct acxemu_fault f = { .action = ACXEMU_FAULT_DELAY,
				  .fn = ACXXX_FN_SCSI_IO, .opcode = -1,
				  .lun = -1, .delay_ms = 3600000 };
	struct acxemu_stats st;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	post_rw(&h, 1, true, 0, 0);
	post_rw(&h, 2, true, 0, 8);
	post_rw(&h, 3, true, 0, 16);		/* still in the intake queue */
	do {
		acxemu_get_stats(h.emu, &st);
	} while (st.bytes_written < 8192 && !usleep(1000));
	host_fini(&h);				/* must not wait an hour */
}
END_TEST

Suite *suite_threads(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_out_of_order_io, 0, 3);
	tcase_add_loop_test(tc, t_latency, 0, 3);
	tcase_add_loop_test(tc, t_timing_deferred, 0, 3);
	tcase_add_loop_test(tc, t_timing_cancel_and_events, 0, 3);
	tcase_add_loop_test(tc, t_reinit_cancels_held_work, 0, 3);
	tcase_add_loop_test(tc, t_power_loss_under_load, 0, 3);
	tcase_add_loop_test(tc, t_destroy_with_held_work, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
