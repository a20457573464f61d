// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Management requests and page 0 (7.1-7.3, 16.17), the event switch and
 * LUN-change events (7.5, 16.18), task management (16.16).
 */
#include <check.h>
#include <string.h>

#include "host.h"
#include "suites.h"

#define MBUF	ctrl_bus(MGMT_BUF_OFF)

static struct acxxx_mgmt_req *mgmt_frame(struct host *h, unsigned int slot,
					 u8 dir, u8 op, u32 len)
{
	struct acxxx_mgmt_req *m = (struct acxxx_mgmt_req *)slot_frame(h, slot);

	memset(m, 0, 0x200);
	m->hdr.fn_byte = dir;
	m->hdr.function = ACXXX_FN_MGMT;
	m->hdr.msg_id = cpu_to_le32(slot << 2);
	m->cdb[0] = op;
	m->data_len = cpu_to_le32(len);
	if (len) {
		m->sge.flags_len = cpu_to_le32((dir == ACXXX_CTL_DIR_WRITE ?
						ACXXX_SGE_WRITE : ACXXX_SGE_READ) |
					       len);
		m->sge.addr_lo = cpu_to_le32((u32)MBUF);
		m->sge.addr_hi = cpu_to_le32((u32)(MBUF >> 32));
	}
	return m;
}

static void run1(struct host *h, unsigned int slot, struct done *d)
{
	host_post(h, slot);
	host_run(h);
	ck_assert_msg(host_reap(h, d), "no reply");
	ck_assert(!d->fast);
	host_return_frame(h, d);
}

static u16 le16at(const u8 *p)
{
	return p[0] | p[1] << 8;
}

START_TEST(t_page0)
{
	u8 *b, z[16] = { 0 };
	struct done d;
	struct host h;
	unsigned int i;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	b = ctrl_ptr(&h, MBUF);
	ck_assert_uint_eq(host_get_page(&h, 7, ACXXX_PAGE_IDENTITY, &d), 0);
	ck_assert_uint_eq(d.msg_id, 7 << 2);
	ck_assert_uint_eq(le16at(d.frame + 8), 0);	/* in-band error */
	ck_assert_mem_eq(b, "ACS-", 4);
	ck_assert_uint_eq(b[8], 0);
	ck_assert_mem_eq(b + 0x20, "UNITSERIAL000042", 16);
	ck_assert_mem_eq(b + 0x30, "1.0.0-acxemu\0\0\0\0", 16);
	ck_assert_mem_eq(b + 0x40, "Accusys\0\0\0\0\0\0\0\0\0", 16);
	ck_assert_mem_eq(b + 0x50, z, 16);
	for (i = 0; i < 64; i++)
		ck_assert_uint_eq(le16at(b + 0x80 + 2 * i),
				  i == 0 ? 0 : i == 5 ? 5 : 0xFFFF);
	/* exactly the data length, nothing past it */
	ck_assert_uint_eq(b[0x200], 0xEE);
	/* page 0x33: LUN mask, nothing masked */
	ck_assert_uint_eq(host_get_page(&h, 7, ACXXX_PAGE_LUN_MASK, &d), 0);
	for (i = 0; i < 0x200; i++)
		ck_assert_uint_eq(b[i], 0);
	/* an unknown page */
	ck_assert_uint_eq(host_get_page(&h, 7, 0x42, &d), ACXXX_RS_INVALID_FIELD);
	host_fini(&h);
}
END_TEST

START_TEST(t_mgmt_validation)
{
	struct acxxx_mgmt_req *m;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	/* get page as a write */
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_WRITE, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	/* element length differs from the data length */
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	m->sge.flags_len = cpu_to_le32(ACXXX_SGE_READ | 0x100);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	/* element direction differs from the request's */
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	m->sge.flags_len = cpu_to_le32(ACXXX_SGE_WRITE | 0x200);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	/* read without data, data without direction, too long, bad dir */
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_NONE, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0x1401);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	m = mgmt_frame(&h, 2, 3, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	/* the buffer is not mapped */
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	m->sge.addr_hi = cpu_to_le32(3);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_DMA_DATA), 1);
	/* an unknown opcode */
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_NONE, 0x77, 0);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_MGMT_ILLEGAL);
	ck_assert_uint_eq(le16at(d.frame + 8), ACXXX_RS_MGMT_ILLEGAL);
	/* a firmware update whose CDB length (0) is not the data length */
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_WRITE, ACXXX_MGMT_OP_FW_SYSROM, 0x100);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_MGMT_ILLEGAL), 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_mgmt_busy)
{
	struct done d1, d2;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	/* no reply frame yet: the first answer waits and holds the engine */
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	mgmt_frame(&h, 3, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_GET_PAGE, 0x200);
	host_post(&h, 2);
	host_post(&h, 3);
	host_run(&h);
	ck_assert(!host_reap(&h, &d1));
	host_post_frames(&h, 10, 11);
	host_run(&h);
	ck_assert(host_reap(&h, &d1) && host_reap(&h, &d2));
	/* completions wait in order */
	ck_assert_uint_eq(d1.msg_id, 2 << 2);
	ck_assert_uint_eq(d1.status, 0);
	ck_assert_uint_eq(d2.msg_id, 3 << 2);
	ck_assert_uint_eq(d2.status, ACXXX_RS_BUSY);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_MGMT_BUSY), 1);
	host_return_frame(&h, &d1);
	host_return_frame(&h, &d2);
	/* the engine is free again */
	ck_assert_uint_eq(host_get_page(&h, 4, 0, &d1), 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_signature_echo_rtc)
{
	struct acxxx_mgmt_req *m;
	u8 pat[0x200], *b;
	struct done d;
	struct host h;
	unsigned int i;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	b = ctrl_ptr(&h, MBUF);
	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (u8)(i * 13 + 1);
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_WRITE, ACXXX_MGMT_OP_WRITE_SIG, 0x200);
	memcpy(b, pat, 0x200);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, 0);
	memset(b, 0, 0x200);
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_READ_SIG, 0x200);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_mem_eq(b, pat, 0x200);

	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_WRITE, ACXXX_MGMT_OP_ECHO_WRITE, 100);
	m->cdb[2] = 100;
	memcpy(b, pat + 7, 100);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, 0);
	memset(b, 0, 100);
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_ECHO_READ, 100);
	m->cdb[2] = 100;
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_mem_eq(b, pat + 7, 100);
	/* the CDB length must match the data length */
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_ECHO_READ, 100);
	m->cdb[2] = 99;
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);

	memset(b, 0xEE, 16);
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_RTC_GET, 7);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_uint_lt(b[0], 61);
	ck_assert_uint_lt(b[1], 60);
	ck_assert_uint_lt(b[2], 24);
	ck_assert(b[3] >= 1 && b[3] <= 31);
	ck_assert(b[4] >= 1 && b[4] <= 12);
	ck_assert_uint_ge(b[5], 24);		/* years since 2000 */
	ck_assert_uint_lt(b[6], 7);
	ck_assert_uint_eq(b[7], 0xEE);
	host_fini(&h);
}
END_TEST

/* The firmware update opcodes: accepted with their length checks, counted. */
START_TEST(t_fw_update)
{
	static const u8 ops[] = {
		ACXXX_MGMT_OP_FW_EXPANDER, ACXXX_MGMT_OP_FW_SYSROM,
		ACXXX_MGMT_OP_FW_BOOTROM, ACXXX_MGMT_OP_FW_OPTROM,
	};
	struct acxxx_mgmt_req *m;
	struct acxemu_stats st;
	struct done d;
	struct host h;
	unsigned int i;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	for (i = 0; i < 4; i++) {
		m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_WRITE, ops[i], 0x1400);
		m->cdb[3] = 0x14;		/* u32 LE 0x1400 at bytes 2..5 */
		run1(&h, 2, &d);
		ck_assert_uint_eq(d.status, 0);
	}
	/* a length that differs from the data length, a read, no data */
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_WRITE, ACXXX_MGMT_OP_FW_BOOTROM,
		       0x100);
	m->cdb[2] = 0x01;
	m->cdb[5] = 0x01;		/* 0x01000001 */
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	m = mgmt_frame(&h, 2, ACXXX_CTL_DIR_READ, ACXXX_MGMT_OP_FW_OPTROM, 0x100);
	m->cdb[3] = 0x01;
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	mgmt_frame(&h, 2, ACXXX_CTL_DIR_NONE, ACXXX_MGMT_OP_FW_EXPANDER, 0);
	run1(&h, 2, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.fw_update_bytes, 4 * 0x1400);
	ck_assert_uint_eq(st.mgmt_ops[ACXXX_MGMT_OP_FW_EXPANDER], 2);
	ck_assert_uint_eq(st.mgmt_ops[ACXXX_MGMT_OP_FW_SYSROM], 1);
	ck_assert_uint_eq(st.mgmt_ops[ACXXX_MGMT_OP_FW_BOOTROM], 2);
	ck_assert_uint_eq(st.mgmt_ops[ACXXX_MGMT_OP_FW_OPTROM], 2);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_FIELD), 3);
	host_fini(&h);
}
END_TEST

/* An event of any code, from the control API, while the switch is on. */
START_TEST(t_event_emit)
{
	const u8 data[3] = { 0x42, 0x07, 0x99 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	ck_assert_int_eq(acxemu_event(h.emu, data, 0), -EINVAL);
	ck_assert_int_eq(acxemu_event(h.emu, data, ACXXX_EVENT_DATA_LEN + 1),
			 -EINVAL);
	ck_assert_int_eq(acxemu_event(h.emu, data, 3), -EAGAIN);
	host_event_switch(&h, 3, true, &d);
	ck_assert_int_eq(acxemu_event(h.emu, data, 3), 0);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_uint_eq(d.function, ACXXX_FN_EVENT_SWITCH);
	ck_assert_uint_eq(d.msg_id, 0);
	ck_assert_mem_eq(d.frame + 8, data, 3);
	ck_assert_uint_eq(d.frame[11], 0);
	host_return_frame(&h, &d);
	host_fini(&h);
}
END_TEST

START_TEST(t_events)
{
	struct acxemu_volume_config v = { .lun = 9, .size = 1 << 20 };
	u8 *b;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	b = ctrl_ptr(&h, MBUF);
	/* no event while the switch is off */
	ck_assert_int_eq(acxemu_volume_add(h.emu, &v, NULL, 0), 0);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	host_event_switch(&h, 3, true, &d);
	ck_assert_uint_eq(d.function, ACXXX_FN_EVENT_SWITCH);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_uint_eq(d.msg_id, 3 << 2);
	ck_assert_uint_eq(d.frame[8], ACXXX_EVT_SWITCH_DONE);
	/* a LUN map change pushes event 0x14 in any free frame */
	ck_assert_int_eq(acxemu_volume_remove(h.emu, 9), 0);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_uint_eq(d.function, ACXXX_FN_EVENT_SWITCH);
	ck_assert_uint_eq(d.frame[8], ACXXX_EVT_LUN_CHANGE);
	ck_assert_uint_eq(d.msg_id, 0);
	host_return_frame(&h, &d);
	ck_assert_uint_eq(host_get_page(&h, 4, 0, &d), 0);
	ck_assert_uint_eq(le16at(b + 0x80 + 18), 0xFFFF);
	ck_assert_int_eq(acxemu_volume_add(h.emu, &v, NULL, 0), 0);
	ck_assert_int_eq(acxemu_volume_add(h.emu, &v, NULL, 0), -EEXIST);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && d.frame[8] == ACXXX_EVT_LUN_CHANGE);
	host_return_frame(&h, &d);
	ck_assert_uint_eq(host_get_page(&h, 4, 0, &d), 0);
	ck_assert_uint_eq(le16at(b + 0x80 + 18), 9);
	ck_assert_int_eq(acxemu_volume_remove(h.emu, 33), -ENOENT);
	/* switch off: acknowledged, no more events */
	host_event_switch(&h, 3, false, &d);
	ck_assert_uint_eq(d.frame[8], ACXXX_EVT_SWITCH_DONE);
	ck_assert_int_eq(acxemu_volume_remove(h.emu, 9), 0);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	/* an invalid switch value */
	host_event_switch(&h, 3, true, &d);
	((struct acxxx_req_hdr *)slot_frame(&h, 3))->fn_byte = 2;
	host_post(&h, 3);
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	host_fini(&h);
}
END_TEST

START_TEST(t_event_waits_for_frame)
{
	struct acxemu_volume_config v = { .lun = 12, .size = 1 << 20 };
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	struct seg s = { DATA_HI_BASE, 96 };
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	host_post_frames(&h, 1, 1);
	host_event_switch(&h, 3, true, &d);	/* uses and returns frame 1 */
	/* an answer the host reaps but has not returned holds frame 1 */
	host_build_scsi(&h, 1, 0, inq, 6, ACXXX_CTL_DIR_READ, &s, 1, false, 0);
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_int_eq(acxemu_volume_add(h.emu, &v, NULL, 0), 0);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.waiting, 1);
	host_post_frames(&h, 2, 2);
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.frame[8], ACXXX_EVT_LUN_CHANGE);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.events, 1);
	host_fini(&h);
}
END_TEST

static void tmf_frame(struct host *h, unsigned int slot, u8 type,
		      u8 lun, u32 task)
{
	struct acxxx_tmf_req *t = (struct acxxx_tmf_req *)slot_frame(h, slot);

	memset(t, 0, 0x200);
	t->hdr.fn_byte = type;
	t->hdr.function = ACXXX_FN_TASK_MGMT;
	t->hdr.msg_id = cpu_to_le32(slot << 2);
	t->lun = lun;
	t->task_msg_id = cpu_to_le32(task);
}

static void post_dropped_reads(struct host *h, unsigned int first,
			       unsigned int n, unsigned int lun)
{
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct seg s = { DATA_HI_BASE, 512 };
	unsigned int i;

	for (i = first; i < first + n; i++) {
		host_build_scsi(h, i, lun, cdb, 10, ACXXX_CTL_DIR_READ, &s, 1,
				false, 0);
		host_post(h, i);
	}
	host_run(h);
}

static u32 tmf_count(const struct done *d)
{
	const struct acxxx_tmf_reply *r = (const struct acxxx_tmf_reply *)d->frame;

	return le32_to_cpu(r->terminated);
}

START_TEST(t_tmf)
{
	struct acxemu_fault drop = { .action = ACXEMU_FAULT_DROP,
				     .fn = ACXXX_FN_SCSI_IO, .opcode = 0x28,
				     .lun = -1 };
	struct acxemu_stats st;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	ck_assert_int_gt(acxemu_fault_add(h.emu, &drop), 0);
	post_dropped_reads(&h, 10, 3, 0);
	post_dropped_reads(&h, 20, 2, 5);
	ck_assert(!host_reap(&h, &d));
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 5);

	/* abort task: the one named, on its LUN only */
	tmf_frame(&h, 30, ACXXX_TMF_ABORT_TASK, 5, 11 << 2);
	run1(&h, 30, &d);
	ck_assert_uint_eq(d.function, ACXXX_FN_TASK_MGMT);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_uint_eq(d.frame[8], ACXXX_TMF_ABORT_TASK);
	ck_assert_uint_eq(tmf_count(&d), 0);
	tmf_frame(&h, 30, ACXXX_TMF_ABORT_TASK, 0, 11 << 2);
	run1(&h, 30, &d);
	ck_assert_uint_eq(tmf_count(&d), 1);
	/* LUN reset and clear task set: everything on the LUN */
	tmf_frame(&h, 30, ACXXX_TMF_LUN_RESET, 0, 0);
	run1(&h, 30, &d);
	ck_assert_uint_eq(d.frame[8], ACXXX_TMF_LUN_RESET);
	ck_assert_uint_eq(tmf_count(&d), 2);
	tmf_frame(&h, 30, ACXXX_TMF_CLEAR_TASK_SET, 0, 0);
	run1(&h, 30, &d);
	ck_assert_uint_eq(tmf_count(&d), 0);
	/* target reset: the volume is the target (16.4) */
	tmf_frame(&h, 30, ACXXX_TMF_TARGET_RESET, 5, 0);
	run1(&h, 30, &d);
	ck_assert_uint_eq(d.frame[8], ACXXX_TMF_TARGET_RESET);
	ck_assert_uint_eq(tmf_count(&d), 2);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert_uint_eq(st.tmf_terminated, 5);
	/* terminated requests never complete */
	acxemu_fault_clear(h.emu);
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	/* and their slots can be used again at once */
	post_dropped_reads(&h, 10, 1, 0);
	ck_assert(host_reap(&h, &d) && d.fast && d.msg_id == 10 << 2);
	/* bad task type, bad LUN */
	tmf_frame(&h, 30, 9, 0, 0);
	run1(&h, 30, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	tmf_frame(&h, 30, ACXXX_TMF_LUN_RESET, 64, 0);
	run1(&h, 30, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	host_fini(&h);
}
END_TEST

START_TEST(t_tmf_terminates_waiting)
{
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	struct seg s = { DATA_HI_BASE, 96 };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_handshake(&h);
	/* an underrun answer waits for a frame ... */
	host_build_scsi(&h, 1, 0, inq, 6, ACXXX_CTL_DIR_READ, &s, 1, false, 0);
	host_post(&h, 1);
	host_run(&h);
	/* ... and is terminated by a LUN reset that also waits */
	tmf_frame(&h, 2, ACXXX_TMF_LUN_RESET, 0, 0);
	host_post(&h, 2);
	host_run(&h);
	host_post_frames(&h, 5, 8);
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.function, ACXXX_FN_TASK_MGMT);
	ck_assert_uint_eq(tmf_count(&d), 1);
	ck_assert(!host_reap(&h, &d));
	host_fini(&h);
}
END_TEST

START_TEST(t_tmf_unsupported)
{
	struct host_opts o = { .tmf_unsupported = true };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	tmf_frame(&h, 30, ACXXX_TMF_LUN_RESET, 0, 0);
	run1(&h, 30, &d);
	ck_assert_uint_eq(d.function, ACXXX_FN_TASK_MGMT);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FUNCTION);
	host_fini(&h);
}
END_TEST

Suite *suite_mgmt(void)
{
	Suite *s = suite_create("mgmt");
	TCase *tc = tcase_create("mgmt");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_page0, 0, 3);
	tcase_add_loop_test(tc, t_mgmt_validation, 0, 3);
	tcase_add_loop_test(tc, t_mgmt_busy, 0, 3);
	tcase_add_loop_test(tc, t_signature_echo_rtc, 0, 3);
	tcase_add_loop_test(tc, t_fw_update, 0, 3);
	tcase_add_loop_test(tc, t_event_emit, 0, 3);
	tcase_add_loop_test(tc, t_events, 0, 3);
	tcase_add_loop_test(tc, t_event_waits_for_frame, 0, 3);
	tcase_add_loop_test(tc, t_tmf, 0, 3);
	tcase_add_loop_test(tc, t_tmf_terminates_waiting, 0, 3);
	tcase_add_loop_test(tc, t_tmf_unsupported, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
