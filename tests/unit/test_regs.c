// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Register file, handshakes, re-init, free-frame FIFO, interrupt condition.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "suites.h"

const u16 fam_dev[3] = { 0x6201, 0x6232, 0x6262 };

static void put_le32_host(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static struct acxemu_stats stats(struct host *h)
{
	struct acxemu_stats st;

	acxemu_get_stats(h->emu, &st);
	return st;
}

START_TEST(t_handshake)
{
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	/* not ready before the handshake; posts are rejected, not served */
	if (h.family == ACXEMU_FAMILY_341)
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS) & 1, 0);
	else
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1));
	wr(&h, ACXXX_REG_REPLY_PORT, (u32)slot_reply(1));
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_POST_NOT_READY), 2);
	ck_assert_uint_eq(acxemu_process(h.emu), 0);
	ck_assert_uint_eq(h.dma_reads + h.dma_writes, 0);

	host_handshake(&h);
	if (h.family == ACXEMU_FAMILY_341) {
		/* W1C of the ready bit, HOST_MSG0 reads back */
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_HOST_MSG0), 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), 0x17);
	} else {
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH2), 0x00010000);
		/* host writes to SCRATCH1 are recorded, not reflected */
		wr(&h, ACXXX_REG_SCRATCH1, 0);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), 1);
		ck_assert_uint_eq(stats(&h).scratch1, 0);
		wr(&h, ACXXX_REG_SCRATCH1, 0x1234);
		ck_assert_uint_eq(stats(&h).scratch1, 0x1234);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_RAID_TYPE),
				  (u32)fam_dev[_i] << 16 | 0x14D6);
	}
	host_fini(&h);
}
END_TEST

START_TEST(t_ready_hold)
{
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	acxemu_ready_hold(h.emu, true);
	if (h.family == ACXEMU_FAMILY_341) {
		wr(&h, ACXXX_REG_HOST_MSG0, 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS) & 1, 0);
		wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1));
		acxemu_ready_hold(h.emu, false);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS) & 1, 1);
	} else {
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
		wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1));
		acxemu_ready_hold(h.emu, false);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 1);
	}
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_POST_NOT_READY), 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_ready_delay)
{
	/* an hour: certainly not ready right after the registration */
	struct host_opts o = { .ready_delay_ms = 3600000 };
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	if (h.family == ACXEMU_FAMILY_341) {
		wr(&h, ACXXX_REG_HOST_MSG0, 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS) & 1, 0);
	} else {
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
		/* the firmware itself runs: SCRATCH1 says so */
		ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), 1);
	}
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1));
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_POST_NOT_READY), 1);
	host_fini(&h);
}
END_TEST

/*
 * Random frames and register accesses from a fixed seed: whatever the host
 * writes, the model answers each request at most once, never touches
 * memory outside the mapped regions (ASan would fail) and stays usable.
 */
START_TEST(t_random_frames)
{
	static const u32 regs[] = { 0x10, 0x20, 0x30, 0x34, 0x40, 0x44,
					 0x60, 0x68, 0x9C, 0xA0, 0xB4, 0xB8 };
	u8 tur[6] = { 0 };
	unsigned int seed = 12345 + _i, i, k, replies = 0, posts = 0;
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	for (i = 0; i < 3000; i++) {
		unsigned int slot = 1 + rand_r(&seed) % 40;
		u8 *f = slot_frame(&h, slot);

		for (k = 0; k < 512; k++)
			f[k] = (u8)rand_r(&seed);
		f[3] = rand_r(&seed) % 5 ? rand_r(&seed) % 4 : f[3];
		if (rand_r(&seed) % 4) {
			/* plausible identifiers and sense addresses */
			f[4] = slot << 2;
			f[5] = slot >> 6;
			f[6] = 0;
			f[7] = 0;
			put_le32_host(f + 0x24, (u32)slot_sense(slot));
		}
		if (rand_r(&seed) % 3 == 0) {
			/* point elements at mapped memory */
			for (k = 0x28; k + 12 <= 512; k += 12) {
				put_le32_host(f + k + 4, (u32)DATA_HI_BASE +
					      rand_r(&seed) % 4096);
				put_le32_host(f + k + 8, 2);
			}
		}
		wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(slot));
		posts++;
		if (rand_r(&seed) % 8 == 0)
			acxemu_reg_read(h.emu, regs[rand_r(&seed) % 12], 4);
		if (i % 7 == 0) {
			acxemu_process(h.emu);
			while (host_reap(&h, &d)) {
				replies++;
				if (!d.fast)
					host_return_frame(&h, &d);
			}
		}
	}
	acxemu_process(h.emu);
	while (host_reap(&h, &d)) {
		replies++;
		if (!d.fast)
			host_return_frame(&h, &d);
	}
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_le(replies, posts);
	ck_assert_uint_eq(st.posts + stat_rej(&h, ACXEMU_REJ_INTAKE_FULL), posts);
	/* still a working device after a re-init */
	host_handshake(&h);
	host_post_frames(&h, 1, 8);
	host_cmd(&h, 0, tur, 6, 0, 0, 0, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

START_TEST(t_reply_port_empty)
{
	struct host h;
	unsigned int i;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(rd(&h, ACXXX_REG_REPLY_PORT), ACXXX_EMPTY);
	ck_assert(!acxemu_irq_level(h.emu));
	host_fini(&h);
}
END_TEST

START_TEST(t_request_port_peek)
{
	struct host_opts o = { .intake_depth = 2 };
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_build_scsi(&h, 2, 0, tur, 6, 0, NULL, 0, false, 0);
	host_build_scsi(&h, 3, 0, tur, 6, 0, NULL, 0, false, 0);
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1));
	if (h.family != ACXEMU_FAMILY_341)
		ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), 0);
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(2));
	if (h.family != ACXEMU_FAMILY_341) {
		/* full: a pure peek, reading twice changes nothing */
		ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), ACXXX_EMPTY);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), ACXXX_EMPTY);
	} else {
		ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), 0);
	}
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(3));
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_INTAKE_FULL), 1);
	host_run(&h);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), 0);
	/* the two accepted requests complete (fast), the third never */
	ck_assert(host_reap(&h, &d) && d.fast && d.msg_id == 4);
	ck_assert(host_reap(&h, &d) && d.fast && d.msg_id == 8);
	ck_assert(!host_reap(&h, &d));
	host_fini(&h);
}
END_TEST

START_TEST(t_free_fifo_2208)
{
	struct host h;
	unsigned int i;

	host_init(&h, 0x6232, NULL);
	host_handshake(&h);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_CI, 2), 0);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_PI, 2), 0);
	/* without the kick the firmware does not take the entries */
	for (i = 1; i <= 15; i++)
		wr(&h, ACXXX_REG_REPLY_PORT, (u32)slot_reply(i));
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_PI, 2), 15);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_CI, 2), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_FREE_CI), 15u << 16);
	ck_assert_uint_eq(stats(&h).free_frames, 0);
	/* full FIFO: the write is a protocol error and is ignored */
	wr(&h, ACXXX_REG_REPLY_PORT, (u32)slot_reply(16));
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_FREE_FIFO_FULL), 1);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_PI, 2), 15);
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_CI, 2), 15);
	ck_assert_uint_eq(stats(&h).free_frames, 15);
	/* indices wrap modulo 16 */
	wr(&h, ACXXX_REG_REPLY_PORT, (u32)slot_reply(16));
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_PI, 2), 0);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_CI, 2), 0);
	ck_assert_uint_eq(stats(&h).free_frames, 16);
	host_fini(&h);
}
END_TEST

START_TEST(t_no_fifo_3108_341)
{
	struct host h;

	host_init(&h, _i ? 0x6262 : 0x6101, NULL);
	host_handshake(&h);
	wr(&h, ACXXX_REG_REPLY_PORT, (u32)slot_reply(1));
	ck_assert_uint_eq(stats(&h).free_frames, 1);
	/* 0x68 is a 2208-only register; the kick is a 2208-only doorbell */
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_CI, 2), 0);
	ck_assert_uint_eq(stats(&h).reg_unknown, 1);
	if (_i) {
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
		ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_DOORBELL), 1);
	}
	host_fini(&h);
}
END_TEST

START_TEST(t_free_frame_validation)
{
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	host_post_frames(&h, 1, 2);
	host_post_frames(&h, 2, 2);		/* duplicate */
	wr(&h, ACXXX_REG_REPLY_PORT, (u32)slot_reply(3) | 1);
	if (h.family == ACXEMU_FAMILY_2208)
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_FREE_FRAME_BAD), 2);
	ck_assert_uint_eq(stats(&h).free_frames, 2);
	host_fini(&h);
}
END_TEST

START_TEST(t_irq_condition)
{
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	ck_assert(!acxemu_irq_level(h.emu));
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 1);
	host_run(&h);
	ck_assert(acxemu_irq_level(h.emu));
	ck_assert(h.irq);
	/* masking with 0x0F (bit 3 set) deasserts, unmasking re-asserts */
	wr(&h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	ck_assert(!acxemu_irq_level(h.emu) && !h.irq);
	wr(&h, ACXXX_REG_OUT_INT_MASK, h.family == ACXEMU_FAMILY_341 ?
	   ACXXX_IMASK_ON_341 : ACXXX_IMASK_ON_2208);
	ck_assert(acxemu_irq_level(h.emu) && h.irq);
	if (h.family == ACXEMU_FAMILY_341)
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS),
				  ACXXX_ISTS_REPLY);
	/* draining the queue deasserts by itself */
	ck_assert(host_reap(&h, &d) && d.fast);
	ck_assert(!acxemu_irq_level(h.emu) && !h.irq);
	if (h.family != ACXEMU_FAMILY_341) {
		/* a lone ready bit does not interrupt; restart-soon does */
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
		wr(&h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_ON_2208);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 1);
		ck_assert(!acxemu_irq_level(h.emu));
		ck_assert_int_eq(acxemu_notify(h.emu, ACXXX_ODB_RESTART_SOON), 0);
		ck_assert(acxemu_irq_level(h.emu) && h.irq);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0x03);
		wr(&h, ACXXX_REG_OUT_DOORBELL_CLR, 0x02);
		ck_assert(!acxemu_irq_level(h.emu) && !h.irq);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0x01);
	} else {
		ck_assert_int_eq(acxemu_notify(h.emu, ACXXX_ODB_RESTART_SOON),
				 -EOPNOTSUPP);
	}
	host_fini(&h);
}
END_TEST

START_TEST(t_irq_glitch)
{
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;
	unsigned int calls;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	/* masked or not, a glitch is one rise and one fall */
	wr(&h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	calls = h.irq_calls;
	acxemu_irq_glitch(h.emu);
	ck_assert_uint_eq(h.irq_calls, calls + 2);
	ck_assert(!h.irq && !acxemu_irq_level(h.emu));
	wr(&h, ACXXX_REG_OUT_INT_MASK, h.family == ACXEMU_FAMILY_341 ?
	   ACXXX_IMASK_ON_341 : ACXXX_IMASK_ON_2208);
	acxemu_irq_glitch(h.emu);
	ck_assert_uint_eq(h.irq_calls, calls + 4);
	ck_assert(!h.irq);
	/* a line the device holds up stays up, untouched */
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 1);
	host_run(&h);
	ck_assert(h.irq);
	calls = h.irq_calls;
	acxemu_irq_glitch(h.emu);
	ck_assert_uint_eq(h.irq_calls, calls);
	ck_assert(h.irq && acxemu_irq_level(h.emu));
	ck_assert(host_reap(&h, &d) && d.fast);
	ck_assert(!h.irq);
	ck_assert_uint_eq(stats(&h).irq_glitches, 2);
	host_fini(&h);
}
END_TEST

START_TEST(t_status_and_index_regs)
{
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[1 + _i], NULL);
	host_start(&h);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_CTRL_MSG0), 0);
	/* inbound post indices: PI counts posts, CI what the firmware took */
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 1);
	host_post(&h, 1);	/* a duplicate id is still a post */
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_IN_POST_PI, 2), 2);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_IN_POST_CI, 2), 0);
	host_run(&h);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_IN_POST_CI), 2u << 16 | 2);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_IN_FREE_CI), 0);
	/* bit 4: reply pending; bit 3: doorbell pending (2.4) */
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0x10);
	wr(&h, ACXXX_REG_OUT_INT_STATUS, 0xFFFFFFFF);	/* ignored */
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0x10);
	while (host_reap(&h, &d))
		if (!d.fast)
			host_return_frame(&h, &d);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0);
	ck_assert_int_eq(acxemu_notify(h.emu, ACXXX_ODB_RESUME), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0x08);
	/* OUT_DOORBELL is read-only; only OUT_DOORBELL_CLR clears */
	wr(&h, ACXXX_REG_OUT_DOORBELL, 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_RESUME);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL_CLR), 0);
	wr(&h, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_RESUME);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS), 0);
	/* SCRATCH2 takes byte writes */
	acxemu_reg_write(h.emu, ACXXX_REG_SCRATCH2 + 2, 0x01, 1);
	acxemu_reg_write(h.emu, ACXXX_REG_SCRATCH2, 0xFFFF, 2);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH2), ACXXX_SCRATCH2_RECOVERING);
	host_fini(&h);
}
END_TEST

START_TEST(t_reinit_drops)
{
	u8 tur[6] = { 0 };
	struct acxemu_stats st;
	struct done d;
	struct host h;
	unsigned int writes;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 1);
	/* re-init before the firmware took it */
	if (h.family == ACXEMU_FAMILY_341)
		wr(&h, ACXXX_REG_HOST_MSG0, 1);
	else
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	st = stats(&h);
	ck_assert_uint_eq(st.cancelled, 1);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert_uint_eq(st.free_frames, 0);
	ck_assert_uint_eq(st.reinits, 1);
	writes = h.dma_writes;
	host_handshake(&h);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	ck_assert_uint_eq(h.dma_writes, writes);
	ck_assert_uint_eq(h.dma_reads, 0);
	/* works again after re-posting frames */
	host_post_frames(&h, 1, 4);
	host_cmd(&h, 0, tur, 6, 0, 0, 0, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

START_TEST(t_reinit_drops_waiting_completion)
{
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	struct seg s = { DATA_HI_BASE, 96 };
	struct done d;
	struct host h;
	unsigned int writes;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	/* no free frame: the underrun answer waits for one */
	host_build_scsi(&h, 1, 0, inq, 6, ACXXX_CTL_DIR_READ, &s, 1, false, 0);
	host_post(&h, 1);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	ck_assert_uint_eq(stats(&h).waiting, 1);
	writes = h.dma_writes;
	if (h.family == ACXEMU_FAMILY_341)
		wr(&h, ACXXX_REG_HOST_MSG0, 1);
	else
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	ck_assert_uint_eq(stats(&h).waiting, 0);
	host_handshake(&h);
	host_post_frames(&h, 1, 4);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	ck_assert_uint_eq(h.dma_writes, writes);
	host_fini(&h);
}
END_TEST

START_TEST(t_hiaddr_twice)
{
	struct host h;

	host_init(&h, 0x6262, NULL);
	host_start(&h);
	/* a registration while running re-inits and registers */
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
	ck_assert_uint_eq(stats(&h).reinits, 1);
	ck_assert_uint_eq(stats(&h).free_frames, 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_access_rules)
{
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 1);
	host_run(&h);
	/* a 16-bit read of REPLY_PORT must not pop */
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_REPLY_PORT, 2), 0xFFFF);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_ACCESS), 1);
	ck_assert(host_reap(&h, &d) && d.fast);
	/* misaligned and odd sizes */
	ck_assert_uint_eq(acxemu_reg_read(h.emu, 0x41, 2), 0);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, 0x40, 3), 0);
	acxemu_reg_write(h.emu, ACXXX_REG_REQUEST_PORT, 0x100, 2);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_ACCESS), 4);
	/* byte writes merge into OUT_INT_MASK */
	acxemu_reg_write(h.emu, ACXXX_REG_OUT_INT_MASK + 1, 0xAB, 1);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK) >> 8, 0xAB);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_INT_MASK + 1, 1),
			  0xAB);
	/* unknown offsets read 0, ignore writes, are counted */
	ck_assert_uint_eq(rd(&h, 0x1000), 0);
	wr(&h, 0x1000, 5);
	ck_assert_uint_eq(rd(&h, 0x1000), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_BAR_SIZE + 0x40), 0);
	ck_assert_uint_eq(stats(&h).reg_unknown, 4);
	if (h.family != ACXEMU_FAMILY_341) {
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_MAILBOX);
		ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_DOORBELL), 1);
		/* 2208/3108 have no HOST_MSG0 */
		ck_assert_uint_eq(rd(&h, ACXXX_REG_HOST_MSG0), 0);
	} else {
		/* the 341 family has no doorbells */
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
	}
	host_fini(&h);
}
END_TEST

START_TEST(t_frame_unreadable)
{
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	/* high address 1 + low 0xF0000000: nothing mapped there */
	wr(&h, ACXXX_REG_REQUEST_PORT, 0xF0000000u);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_FRAME_UNREADABLE), 1);
	ck_assert_uint_eq(stats(&h).outstanding, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_low_bits_ignored)
{
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1) | 3);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && d.fast && d.msg_id == 4);
	host_fini(&h);
}
END_TEST

Suite *suite_regs(void)
{
	Suite *s = suite_create("regs");
	TCase *tc = tcase_create("regs");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_handshake, 0, 3);
	tcase_add_loop_test(tc, t_ready_hold, 0, 3);
	tcase_add_loop_test(tc, t_ready_delay, 0, 3);
	tcase_add_loop_test(tc, t_random_frames, 0, 3);
	tcase_add_loop_test(tc, t_reply_port_empty, 0, 3);
	tcase_add_loop_test(tc, t_request_port_peek, 0, 3);
	tcase_add_test(tc, t_free_fifo_2208);
	tcase_add_loop_test(tc, t_no_fifo_3108_341, 0, 2);
	tcase_add_loop_test(tc, t_free_frame_validation, 0, 3);
	tcase_add_loop_test(tc, t_irq_condition, 0, 3);
	tcase_add_loop_test(tc, t_irq_glitch, 0, 3);
	tcase_add_loop_test(tc, t_status_and_index_regs, 0, 2);
	tcase_add_loop_test(tc, t_reinit_drops, 0, 3);
	tcase_add_loop_test(tc, t_reinit_drops_waiting_completion, 0, 3);
	tcase_add_test(tc, t_hiaddr_twice);
	tcase_add_loop_test(tc, t_access_rules, 0, 3);
	tcase_add_loop_test(tc, t_frame_unreadable, 0, 3);
	tcase_add_loop_test(tc, t_low_bits_ignored, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
