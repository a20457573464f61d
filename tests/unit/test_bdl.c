// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Buffer descriptor lists (5.5, 5.6, 16.6, 16.15): both element shapes,
 * direct and list mode, the limits and just past them, malformed lists.
 */
#include <check.h>
#include <string.h>

#include "host.h"
#include "suites.h"

#define RD	ACXXX_CTL_DIR_READ
#define WRT	ACXXX_CTL_DIR_WRITE
#define BUF	DATA_HI_BASE

static void be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void cdb10(u8 *c, u8 op, u32 lba, u16 n)
{
	memset(c, 0, 16);
	c[0] = op;
	be32(c + 2, lba);
	c[7] = n >> 8;
	c[8] = n;
}

static void run1(struct host *h, unsigned int slot, struct done *d)
{
	host_post(h, slot);
	host_run(h);
	ck_assert_msg(host_reap(h, d), "no reply");
	if (!d->fast)
		host_return_frame(h, d);
}

/* @n segments of 512 bytes, each in its own 1 KiB cell of the buffer. */
static void segs(struct seg *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		s[i].addr = BUF + i * 1024u;
		s[i].len = 512;
	}
}

static void fill(struct host *h, unsigned int n, u8 salt)
{
	unsigned int i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 512; k++)
			data_ptr(h, BUF + i * 1024u)[k] = (u8)(i * 31 + k + salt);
}

static bool check_fill(struct host *h, unsigned int n, u8 salt)
{
	unsigned int i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 512; k++)
			if (data_ptr(h, BUF + i * 1024u)[k] !=
			    (u8)(i * 31 + k + salt))
				return false;
	return true;
}

/*
 * Write @n scattered segments with WRITE(10) (R/W shape) or VERIFY with
 * BYTCHK (basic shape), then read them back scattered.
 */
static void roundtrip(struct host *h, unsigned int n, bool force_list,
		      u64 list_bus)
{
	static struct seg s[512];
	u8 cdb[16];
	struct done d;

	segs(s, n);
	fill(h, n, 3);
	cdb10(cdb, 0x2A, 2048, n);
	host_build_scsi(h, 1, 0, cdb, 10, WRT, s, n, force_list, list_bus);
	run1(h, 1, &d);
	ck_assert_msg(d.fast, "write of %u segments: status %02x", n, d.status);
	/* VERIFY with BYTCHK uses basic elements on every family */
	cdb10(cdb, 0x2F, 2048, n);
	cdb[1] = 0x02;
	host_build_scsi(h, 1, 0, cdb, 10, WRT, s, n, force_list, list_bus);
	run1(h, 1, &d);
	ck_assert_msg(d.fast, "verify of %u segments: status %02x", n, d.status);
	memset(data_ptr(h, BUF), 0, n * 1024u);
	cdb10(cdb, 0x28, 2048, n);
	host_build_scsi(h, 1, 0, cdb, 10, RD, s, n, force_list, list_bus);
	run1(h, 1, &d);
	ck_assert_msg(d.fast, "read of %u segments: status %02x", n, d.status);
	ck_assert(check_fill(h, n, 3));
}

START_TEST(t_direct_at_limits)
{
	struct host h;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	roundtrip(&h, 1, false, 0);
	/* 29 = R/W direct limit (2208/3108), 39 = basic direct limit */
	roundtrip(&h, 29, false, 0);
	roundtrip(&h, 39, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_list_at_limits)
{
	struct host h;
	u64 list = ctrl_bus(SCRATCH_OFF);

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	roundtrip(&h, 1, true, 0);
	roundtrip(&h, 40, false, 0);
	roundtrip(&h, 128, false, 0);
	if (h.family == ACXEMU_FAMILY_341) {
		roundtrip(&h, 400, false, list);
	} else {
		/* 4800 bytes hold 300 16-byte elements */
		roundtrip(&h, 300, false, list);
	}
	host_fini(&h);
}
END_TEST

/* Post @slot and expect reply status 0x03 and one more bad_bdl reject. */
static void expect_bdl(struct host *h, unsigned int slot)
{
	u64 before = stat_rej(h, ACXEMU_REJ_BAD_BDL);
	struct done d;

	run1(h, slot, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	ck_assert_uint_eq(d.function, ACXXX_FN_SCSI_IO);
	ck_assert_uint_eq(stat_rej(h, ACXEMU_REJ_BAD_BDL), before + 1);
}

START_TEST(t_past_limits)
{
	static struct seg s[512];
	u8 cdb[16];
	struct acxxx_scsi_req *r;
	struct acxxx_sge_basic *c;
	struct host h;
	unsigned int n;

	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	r = (struct acxxx_scsi_req *)slot_frame(&h, 1);
	c = (struct acxxx_sge_basic *)(slot_frame(&h, 1) + ACXXX_SCSI_BDL_OFFSET);

	/* direct mode cannot run past the 512-byte frame */
	segs(s, 39);
	cdb10(cdb, 0x2F, 0, 40);
	cdb[1] = 0x02;
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 39, false, 0);
	r->data_len = cpu_to_le32(40 * 512);
	memset(slot_frame(&h, 1) + 0x1FC, 0xFF, 4);	/* junk at the end */
	expect_bdl(&h, 1);
	if (h.family != ACXEMU_FAMILY_341) {
		cdb10(cdb, 0x28, 0, 30);
		host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 29, false, 0);
		r->data_len = cpu_to_le32(30 * 512);
		expect_bdl(&h, 1);
	}

	/* a list of 401 basic elements, or 301 R/W elements */
	n = h.family == ACXEMU_FAMILY_341 ? 401 : 301;
	segs(s, n);
	cdb10(cdb, 0x28, 0, n);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, n, false,
			ctrl_bus(SCRATCH_OFF));
	expect_bdl(&h, 1);
	if (h.family != ACXEMU_FAMILY_341) {
		/* basic elements: 401 is one past 400 */
		cdb10(cdb, 0x2F, 0, 401);
		cdb[1] = 0x02;
		host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 401, false,
				ctrl_bus(SCRATCH_OFF));
		expect_bdl(&h, 1);
	}
	/* list count 0, list flags with a direction bit, unmapped list */
	cdb10(cdb, 0x28, 0, 2);
	segs(s, 2);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 2, true, 0);
	c->flags_len = cpu_to_le32(ACXXX_SGE_CHAIN);
	expect_bdl(&h, 1);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 2, true, 0);
	c->flags_len = cpu_to_le32(ACXXX_SGE_CHAIN | 0x20000000 | 2);
	expect_bdl(&h, 1);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 2, true, 0);
	c->addr_hi = cpu_to_le32(3);
	expect_bdl(&h, 1);
	/* a list whose count does not match the data length */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 2, true, 0);
	c->flags_len = cpu_to_le32(ACXXX_SGE_CHAIN | 3);
	expect_bdl(&h, 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_basic_element_errors)
{
	struct seg s[4] = { { BUF, 512 }, { BUF + 1024, 512 } };
	u8 cdb[16];
	struct acxxx_sge_basic *e;
	struct acxxx_scsi_req *r;
	struct host h;

	/* basic elements: any command on the 341, VERIFY elsewhere */
	host_init(&h, fam_dev[_i], NULL);
	host_start(&h);
	r = (struct acxxx_scsi_req *)slot_frame(&h, 1);
	e = (struct acxxx_sge_basic *)(slot_frame(&h, 1) + ACXXX_SCSI_BDL_OFFSET);
	cdb10(cdb, 0x2F, 0, 2);
	cdb[1] = 0x02;
	/* wrong direction flag */
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	e[1].flags_len = cpu_to_le32(ACXXX_SGE_READ | 512);
	expect_bdl(&h, 1);
	/* unknown flag bit */
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	e[0].flags_len = cpu_to_le32(ACXXX_SGE_WRITE | 0x80000000u | 512);
	expect_bdl(&h, 1);
	/* list flag on a data element inside a direct list */
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	e[1].flags_len = cpu_to_le32(ACXXX_SGE_WRITE | 0x40000000u | 512);
	expect_bdl(&h, 1);
	/* zero-length element */
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	e[0].flags_len = cpu_to_le32(ACXXX_SGE_WRITE);
	expect_bdl(&h, 1);
	/* lengths add up to more than the data length */
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	r->data_len = cpu_to_le32(700);
	expect_bdl(&h, 1);
	/* address + length wraps around */
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	e[1].addr_lo = cpu_to_le32(0xFFFFFF00u);
	e[1].addr_hi = cpu_to_le32(0xFFFFFFFFu);
	expect_bdl(&h, 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_basic_32bit_element)
{
	struct seg s = { DATA_LO_BASE, 512 };
	u8 cdb[16];
	struct acxxx_sge_basic *e;
	struct done d;
	struct host h;

	/* flag 0x10 clear: a 32-bit address, the high dword is ignored */
	host_init(&h, 0x6101, NULL);
	host_start(&h);
	e = (struct acxxx_sge_basic *)(slot_frame(&h, 1) + ACXXX_SCSI_BDL_OFFSET);
	memset(data_ptr(&h, DATA_LO_BASE), 0xAB, 512);
	cdb10(cdb, 0x2A, 7, 1);
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, &s, 1, false, 0);
	e->flags_len = cpu_to_le32(0x20000000u | 512);
	e->addr_hi = cpu_to_le32(0xDEAD);
	run1(&h, 1, &d);
	ck_assert(d.fast);
	host_fini(&h);
}
END_TEST

START_TEST(t_rw_element_errors)
{
	struct seg s[3] = { { BUF, 512 }, { BUF + 1024, 512 }, { BUF + 2048, 512 } };
	u8 cdb[16], *f;
	struct acxxx_sge_rw *e;
	struct acxxx_scsi_req *r;
	struct done d;
	struct host h;
	bool is3108 = _i == 1;

	host_init(&h, is3108 ? 0x6262 : 0x6233, NULL);
	host_start(&h);
	f = slot_frame(&h, 1);
	r = (struct acxxx_scsi_req *)f;
	e = (struct acxxx_sge_rw *)(f + ACXXX_SCSI_RW_DIRECT_OFFSET);
	cdb10(cdb, 0x28, 0, 3);
	/* 0x28..0x2F must be zero in R/W direct mode */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, false, 0);
	f[0x2C] = 0x40;
	expect_bdl(&h, 1);
	/* last-element mark: required on 3108, forbidden on 2208 */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, false, 0);
	e[2].ext = cpu_to_le32(is3108 ? 0 : ACXXX_SGE_RW_LAST);
	expect_bdl(&h, 1);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, false, 0);
	e[1].ext = cpu_to_le32(ACXXX_SGE_RW_LAST);
	expect_bdl(&h, 1);
	/* lengths do not add up to the data length (no end marker, 16.15) */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, false, 0);
	e[1].len = cpu_to_le32(256);
	expect_bdl(&h, 1);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, false, 0);
	r->data_len = cpu_to_le32(1024 + 256);
	expect_bdl(&h, 1);
	/* stale bytes after the last element are ignored (5.6) */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, false, 0);
	memcpy(&e[3], &e[2], 16);
	memset(&e[4], 0xA5, 16);
	run1(&h, 1, &d);
	ck_assert(d.fast);
	/* list mode: mark and count rules hold there too */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, true, 0);
	e = (struct acxxx_sge_rw *)(f + ACXXX_LIST_OFFSET);
	run1(&h, 1, &d);
	ck_assert(d.fast);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, true, 0);
	e[2].ext = cpu_to_le32(is3108 ? 0 : ACXXX_SGE_RW_LAST);
	expect_bdl(&h, 1);
	/* a list that would end past the 4800-byte list area */
	host_build_scsi(&h, 1, 0, cdb, 10, RD, s, 3, true, 0);
	((struct acxxx_sge_basic *)(f + ACXXX_SCSI_BDL_OFFSET))->flags_len =
		cpu_to_le32(ACXXX_SGE_CHAIN | 301);
	expect_bdl(&h, 1);
	host_fini(&h);
}
END_TEST

START_TEST(t_element_shape_by_opcode)
{
	struct seg s = { BUF, 512 };
	u8 cdb[16];
	struct done d;
	struct host h;

	/*
	 * A host that uses 12-byte elements for READ(10) on a 2208/3108 is
	 * caught: the model reads 16-byte elements there.
	 */
	host_init(&h, fam_dev[1 + _i], NULL);
	host_start(&h);
	cdb10(cdb, 0x2F, 0, 1);			/* build basic shape */
	cdb[1] = 0x02;
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, &s, 1, false, 0);
	slot_frame(&h, 1)[0x10] = 0x2A;		/* ...and call it WRITE(10) */
	slot_frame(&h, 1)[0x11] = 0;
	run1(&h, 1, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	/* and 16-byte elements for a non-R/W command are caught too */
	cdb10(cdb, 0x2A, 0, 1);
	host_build_scsi(&h, 1, 0, cdb, 10, WRT, &s, 1, false, 0);
	slot_frame(&h, 1)[0x10] = 0x2F;
	slot_frame(&h, 1)[0x11] = 0x02;
	run1(&h, 1, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	host_fini(&h);
}
END_TEST

Suite *suite_bdl(void)
{
	Suite *s = suite_create("bdl");
	TCase *tc = tcase_create("bdl");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_direct_at_limits, 0, 3);
	tcase_add_loop_test(tc, t_list_at_limits, 0, 3);
	tcase_add_loop_test(tc, t_past_limits, 0, 3);
	tcase_add_loop_test(tc, t_basic_element_errors, 0, 3);
	tcase_add_test(tc, t_basic_32bit_element);
	tcase_add_loop_test(tc, t_rw_element_errors, 0, 2);
	tcase_add_loop_test(tc, t_element_shape_by_opcode, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
