// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Fault injection: fail/sense/delay/drop rules and their matching, doorbell
 * notifications (flush, pause, resume), firmware hang.
 */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "suites.h"

#define BUF	DATA_HI_BASE

static void be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void read10(struct host *h, u32 lba, struct done *d)
{
	u8 cdb[10] = { 0x28 };

	be32(cdb + 2, lba);
	cdb[8] = 1;
	host_cmd(h, 0, cdb, 10, ACXXX_CTL_DIR_READ, BUF, 512, d);
}

static void post_read(struct host *h, unsigned int slot, unsigned int lun)
{
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct seg s = { BUF, 512 };

	host_build_scsi(h, slot, lun, cdb, 10, ACXXX_CTL_DIR_READ, &s, 1, false, 0);
	host_post(h, slot);
}

static struct acxemu_fault rule(enum acxemu_fault_action a)
{
	struct acxemu_fault f;

	memset(&f, 0, sizeof(f));
	f.action = a;
	f.fn = ACXXX_FN_SCSI_IO;
	f.opcode = -1;
	f.lun = -1;
	return f;
}

static u64 fired(struct host *h)
{
	struct acxemu_stats st;

	acxemu_get_stats(h->emu, &st);
	return st.faults_fired;
}

START_TEST(t_fail_status_and_count)
{
	struct acxemu_fault f = rule(ACXEMU_FAULT_FAIL_STATUS);
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	f.opcode = 0x28;
	f.status = ACXXX_RS_INTERNAL_ERROR;
	f.count = 1;
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	host_cmd(&h, 0, tur, 6, 0, 0, 0, &d);
	ck_assert(d.fast);
	read10(&h, 0, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_INTERNAL_ERROR);
	ck_assert_uint_eq(d.function, ACXXX_FN_SCSI_IO);
	read10(&h, 0, &d);			/* count exhausted */
	ck_assert(d.fast);
	ck_assert_uint_eq(fired(&h), 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_sense_on_lba_range)
{
	struct acxemu_fault f = rule(ACXEMU_FAULT_FAIL_SENSE);
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	f.lba_match = true;
	f.lba_first = 100;
	f.lba_last = 200;
	f.lun = 0;
	f.sense_key = 0x04;
	f.asc = 0x44;
	f.ascq = 0x01;
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	read10(&h, 99, &d);
	ck_assert(d.fast);
	read10(&h, 150, &d);
	expect_sense(&d, 0x04, 0x44, 0x01, false, 0);
	ck_assert_uint_eq(d.xfer, 0);
	ck_assert_uint_eq(d.residual, 512);
	read10(&h, 200, &d);
	expect_sense(&d, 0x04, 0x44, 0x01, false, 0);
	read10(&h, 201, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

START_TEST(t_every_nth_and_list)
{
	struct acxemu_fault f = rule(ACXEMU_FAULT_FAIL_STATUS);
	struct acxemu_fault_info fi[4];
	struct done d;
	struct host h;
	unsigned int i, failures = 0;
	int id;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	f.every_nth = 3;
	f.status = ACXXX_RS_BUSY;
	id = acxemu_fault_add(h.emu, &f);
	ck_assert_int_gt(id, 0);
	for (i = 1; i <= 7; i++) {
		read10(&h, i, &d);
		if (!d.fast) {
			ck_assert_uint_eq(d.status, ACXXX_RS_BUSY);
			ck_assert(i == 3 || i == 6);
			failures++;
		}
	}
	ck_assert_uint_eq(failures, 2);
	ck_assert_uint_eq(acxemu_fault_list(h.emu, fi, 4), 1);
	ck_assert_uint_eq(fi[0].id, (unsigned int)id);
	ck_assert_uint_eq(fi[0].seen, 7);
	ck_assert_uint_eq(fi[0].fired, 2);
	ck_assert_int_eq(acxemu_fault_del(h.emu, id), 0);
	ck_assert_int_eq(acxemu_fault_del(h.emu, id), -ENOENT);
	ck_assert_uint_eq(acxemu_fault_list(h.emu, fi, 4), 0);
	/* invalid rules */
	f = rule(ACXEMU_FAULT_FAIL_STATUS);
	f.lun = 64;
	ck_assert_int_eq(acxemu_fault_add(h.emu, &f), -EINVAL);
	f = rule(ACXEMU_FAULT_FAIL_SENSE);
	f.sense_key = 0x10;
	ck_assert_int_eq(acxemu_fault_add(h.emu, &f), -EINVAL);
	f = rule(ACXEMU_FAULT_DROP);
	f.lba_match = true;
	f.lba_first = 5;
	f.lba_last = 4;
	ck_assert_int_eq(acxemu_fault_add(h.emu, &f), -EINVAL);
	host_fini(&h);
}
END_TEST

START_TEST(t_match_by_function)
{
	struct acxemu_fault f = rule(ACXEMU_FAULT_DROP);
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	/* drop one management request: the page read never answers */
	f.fn = ACXXX_FN_MGMT;
	f.opcode = ACXXX_MGMT_OP_GET_PAGE;
	f.count = 1;
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	{
		struct acxxx_mgmt_req *m = (struct acxxx_mgmt_req *)slot_frame(&h, 4);
		u64 buf = ctrl_bus(MGMT_BUF_OFF);

		memset(m, 0, 0x200);
		m->hdr.fn_byte = ACXXX_CTL_DIR_READ;
		m->hdr.function = ACXXX_FN_MGMT;
		m->hdr.msg_id = cpu_to_le32(4 << 2);
		m->cdb[0] = ACXXX_MGMT_OP_GET_PAGE;
		m->data_len = cpu_to_le32(0x200);
		m->sge.flags_len = cpu_to_le32(ACXXX_SGE_READ | 0x200);
		m->sge.addr_lo = cpu_to_le32((u32)buf);
		m->sge.addr_hi = cpu_to_le32((u32)(buf >> 32));
		host_post(&h, 4);
		host_run(&h);
		ck_assert(!host_reap(&h, &d));
	}
	/* an event switch failing with a status, whatever the function */
	f = rule(ACXEMU_FAULT_FAIL_STATUS);
	f.fn = ACXEMU_FN_ANY;
	f.status = ACXXX_RS_NO_RESOURCES;
	f.count = 1;
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	host_event_switch(&h, 5, true, &d);
	ck_assert_uint_eq(d.function, ACXXX_FN_EVENT_SWITCH);
	ck_assert_uint_eq(d.status, ACXXX_RS_NO_RESOURCES);
	ck_assert_uint_eq(fired(&h), 2);
	/* a rule for LUN 5 leaves LUN 0 alone */
	f = rule(ACXEMU_FAULT_FAIL_STATUS);
	f.lun = 5;
	f.status = ACXXX_RS_INTERNAL_ERROR;
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	read10(&h, 0, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

START_TEST(t_drop_until_reinit)
{
	struct acxemu_fault f = rule(ACXEMU_FAULT_DROP);
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	post_read(&h, 1, 0);
	post_read(&h, 2, 5);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 2);
	acxemu_fault_clear(h.emu);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));		/* dropped stays dropped */
	host_handshake(&h);			/* re-init */
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert_uint_eq(st.cancelled, 2);
	host_fini(&h);
}
END_TEST

START_TEST(t_delay_held_until_terminated)
{
	struct host_opts o = { .workers = 2 };
	struct acxemu_fault f = rule(ACXEMU_FAULT_DELAY);
	struct acxxx_tmf_req *t;
	u8 tur[6] = { 0 };
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	f.opcode = 0x28;
	f.delay_ms = 3600000;			/* an hour: only a TMF ends it */
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	post_read(&h, 1, 0);
	/* later requests are served while the delayed one waits */
	host_build_scsi(&h, 2, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 2);
	host_wait_irq(&h);
	ck_assert(host_reap(&h, &d) && d.fast && d.msg_id == 2 << 2);
	ck_assert(!host_reap(&h, &d));
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 1);
	t = (struct acxxx_tmf_req *)slot_frame(&h, 3);
	memset(t, 0, 0x200);
	t->hdr.fn_byte = ACXXX_TMF_ABORT_TASK;
	t->hdr.function = ACXXX_FN_TASK_MGMT;
	t->hdr.msg_id = cpu_to_le32(3 << 2);
	t->task_msg_id = cpu_to_le32(1 << 2);
	host_post(&h, 3);
	host_wait_irq(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.function, ACXXX_FN_TASK_MGMT);
	ck_assert_uint_eq(le32_to_cpu(((struct acxxx_tmf_reply *)d.frame)->terminated),
			  1);
	host_return_frame(&h, &d);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	host_fini(&h);
}
END_TEST

START_TEST(t_notify_flush)
{
	struct acxemu_fault f = rule(ACXEMU_FAULT_DROP);
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[1 + _i], NULL);
	host_start(&h);
	ck_assert_int_gt(acxemu_fault_add(h.emu, &f), 0);
	post_read(&h, 1, 0);
	post_read(&h, 2, 0);
	host_run(&h);
	ck_assert(!h.irq);
	ck_assert_int_eq(acxemu_notify(h.emu, ACXXX_ODB_FLUSH), 0);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_FLUSH);
	ck_assert(h.irq);
	ck_assert(!host_reap(&h, &d));
	wr(&h, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_FLUSH);
	ck_assert(!h.irq);
	ck_assert_int_eq(acxemu_notify(h.emu, 0x20), -EINVAL);
	host_fini(&h);
}
END_TEST

START_TEST(t_notify_pause_resume)
{
	struct host_opts o = { .intake_depth = 2 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[1 + _i], &o);
	host_start(&h);
	ck_assert_int_eq(acxemu_notify(h.emu, ACXXX_ODB_PAUSE), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_PAUSE);
	wr(&h, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_PAUSE);
	post_read(&h, 1, 0);
	post_read(&h, 2, 0);
	ck_assert_uint_eq(acxemu_process(h.emu), 0);
	ck_assert(!host_reap(&h, &d));
	/* not served: the intake queue stays full */
	ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), ACXXX_EMPTY);
	ck_assert_int_eq(acxemu_notify(h.emu, ACXXX_ODB_RESUME), 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_RESUME);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && d.fast);
	ck_assert(host_reap(&h, &d) && d.fast);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_REQUEST_PORT), 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_hang_dead)
{
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	acxemu_hang(h.emu, false);
	post_read(&h, 1, 0);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	if (h.family != ACXEMU_FAMILY_341) {
		ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), 0);
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
	} else {
		wr(&h, ACXXX_REG_OUT_INT_STATUS, 1);
		wr(&h, ACXXX_REG_HOST_MSG0, 1);
		ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_STATUS) & 1, 0);
	}
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	host_fini(&h);
}
END_TEST

START_TEST(t_hang_recoverable)
{
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	acxemu_hang(h.emu, true);
	/* a completion produced before the hang is not delivered either */
	post_read(&h, 1, 0);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 1);
	host_handshake(&h);			/* re-init brings it back */
	if (h.family != ACXEMU_FAMILY_341)
		ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), 1);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 0);
	host_post_frames(&h, 1, 8);
	host_cmd(&h, 0, inq, 6, ACXXX_CTL_DIR_READ, BUF, 36, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

/*
 * The host's DMA fails from the n-th access of a request on, for every n:
 * request frame, element list, data, sense block, reply frame.  The model
 * never crashes, answers at most once, and works again afterwards.
 */
START_TEST(t_dma_fails_anywhere)
{
	static const struct seg s[3] = { { BUF, 512 }, { BUF + 4096, 1024 },
					 { BUF + 8192, 512 } };
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 4, 0 };
	u8 bad[6] = { 0xC0 };
	struct acxemu_stats st;
	unsigned int n, replies;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	for (n = 0; n < 8; n++) {
		/* a list-mode READ (data out to the host) */
		host_build_scsi(&h, 1, 0, cdb, 10, ACXXX_CTL_DIR_READ, s, 3, true, 0);
		h.dma_budget = n;
		h.budget_on = true;
		host_post(&h, 1);
		host_run(&h);
		h.budget_on = false;
		/*
		 * Frames whose write failed are lost: while DMA keeps failing
		 * the answer uses them all up and waits.  Give them back.
		 */
		host_post_frames(&h, 1, 64);
		host_run(&h);
		for (replies = 0; host_reap(&h, &d); replies++)
			if (!d.fast)
				host_return_frame(&h, &d);
		ck_assert_uint_le(replies, 1);
		/* a CHECK CONDITION (sense block, then reply frame) */
		host_build_scsi(&h, 2, 0, bad, 6, 0, NULL, 0, false, 0);
		h.dma_budget = n;
		h.budget_on = true;
		host_post(&h, 2);
		host_run(&h);
		h.budget_on = false;
		host_post_frames(&h, 1, 64);
		host_run(&h);
		for (replies = 0; host_reap(&h, &d); replies++)
			host_return_frame(&h, &d);
		/* only an unreadable frame goes unanswered */
		ck_assert_uint_eq(replies, n == 0 ? 0 : 1);
	}
	/* frames lost to failed writes are gone; the rest still work */
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_gt(st.rejects[ACXEMU_REJ_FRAME_UNREADABLE], 0);
	ck_assert_uint_gt(st.rejects[ACXEMU_REJ_REPLY_FRAME_DMA], 0);
	ck_assert_uint_eq(st.outstanding, 0);
	host_cmd(&h, 0, bad, 6, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x20, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_unwritable_reply_frame)
{
	u8 bad[6] = { 0xC0 };
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	/* the first free frame points at unmapped memory, the second is fine */
	wr(&h, ACXXX_REG_REPLY_PORT, 0xF0000000u);
	if (h.family == ACXEMU_FAMILY_2208)
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
	host_post_frames(&h, 3, 3);
	host_cmd(&h, 0, bad, 6, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x20, 0x00, false, 0);
	ck_assert_uint_eq(d.desc, ACXXX_RDESC_ADDR_FLAG |
			  (u32)slot_reply(3) >> 1);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.rejects[ACXEMU_REJ_REPLY_FRAME_DMA], 1);
	ck_assert_uint_eq(st.free_frames, 1);	/* frame 3, returned */
	host_fini(&h);
}
END_TEST

/*
 * The hostile firmware hands the host garbage besides its real answers:
 * descriptors for nothing the host posted, and registers that read as
 * all-ones.  The model itself stays sound (ASan, UBSan), stops when told
 * and serves normally after a re-init.
 */
START_TEST(t_hostile)
{
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	unsigned int descs = 0, ones = 0, i;
	struct host_opts o = { .workers = 2 };
	struct acxemu_stats st;
	struct done d;
	struct host h;
	u32 v;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	ck_assert_int_eq(acxemu_hostile(h.emu, 5000, 42), 0);
	/* Until enough garbage arrived (bounded: about a minute at worst). */
	for (i = 0; i < 600000 && (descs < 100 || ones < 1); i++) {
		v = rd(&h, ACXXX_REG_REPLY_PORT);
		if (v != ACXXX_EMPTY)
			descs++;
		else if (rd(&h, ACXXX_REG_OUT_INT_MASK) == ACXXX_EMPTY)
			ones++;
		else
			usleep(100);
	}
	ck_assert_uint_ge(descs, 100);
	ck_assert_uint_ge(ones, 1);
	ck_assert_int_eq(acxemu_hostile(h.emu, 0, 0), 0);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_ge(st.hostile, 100);
	ck_assert_int_eq(acxemu_hostile(h.emu, 100001, 0), -EINVAL);

	/* Quiet again: a re-init and the model answers properly. */
	host_handshake(&h);
	host_post_frames(&h, 1, 8);
	host_cmd(&h, 0, inq, 6, ACXXX_CTL_DIR_READ, BUF, 36, &d);
	ck_assert(d.fast);
	ck_assert(!acxemu_is_dead(h.emu));
	host_fini(&h);
}
END_TEST

/*
 * "ones after-reset=N": the N register reads after the next reset fail
 * (all-ones), whatever they read; then the device reads as before, and
 * the next reset does not fail them again (one shot).
 */
START_TEST(t_ones_after_reset)
{
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	struct done d;
	struct host h;
	unsigned int i;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	ck_assert_int_eq(acxemu_ones_after_reset(h.emu, 1001), -EINVAL);
	ck_assert_int_eq(acxemu_ones_after_reset(h.emu, 3), 0);
	/* Armed, not started: reads are as before. */
	ck_assert_uint_ne(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	if (h.family == ACXEMU_FAMILY_341)
		wr(&h, ACXXX_REG_HOST_MSG0, (u32)(CTRL_BASE >> 32));
	else
		wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), ACXXX_EMPTY);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	ck_assert_uint_ne(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	/* One shot: the next handshake reads properly and I/O works. */
	host_handshake(&h);
	for (i = 0; i < 4; i++)
		ck_assert_uint_ne(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	host_post_frames(&h, 1, 8);
	host_cmd(&h, 0, inq, 6, ACXXX_CTL_DIR_READ, BUF, 36, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

Suite *suite_faults(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_fail_status_and_count, 0, 3);
	tcase_add_loop_test(tc, t_sense_on_lba_range, 0, 3);
	tcase_add_loop_test(tc, t_every_nth_and_list, 0, 3);
	tcase_add_loop_test(tc, t_match_by_function, 0, 3);
	tcase_add_loop_test(tc, t_drop_until_reinit, 0, 3);
	tcase_add_loop_test(tc, t_delay_held_until_terminated, 0, 3);
	tcase_add_loop_test(tc, t_notify_flush, 0, 2);
	tcase_add_loop_test(tc, t_notify_pause_resume, 0, 2);
	tcase_add_loop_test(tc, t_hang_dead, 0, 3);
	tcase_add_loop_test(tc, t_hang_recoverable, 0, 3);
	tcase_add_loop_test(tc, t_dma_fails_anywhere, 0, 3);
	tcase_add_loop_test(tc, t_unwritable_reply_frame, 0, 3);
	tcase_add_loop_test(tc, t_hostile, 0, 3);
	tcase_add_loop_test(tc, t_ones_after_reset, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
