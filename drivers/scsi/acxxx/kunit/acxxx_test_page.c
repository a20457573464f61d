// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: page 0, LUN map reconciliation, events, management request
 * validation and the null responder.
 */
#include "acxxx_test.h"

static void acxxx_test_page0(struct kunit *test)
{
	struct acxxx_page0 *pg = kunit_kzalloc(test, sizeof(*pg), GFP_KERNEL);
	struct acxxx_ident *id = kunit_kzalloc(test, sizeof(*id), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, id);
	memcpy(pg->product_id, "ACS-62000       ", 16);
	memcpy(pg->model, "A16S3-PS", 8);
	memcpy(pg->serial, "0123456789ABCDEF", 16);	/* no NUL at all */
	memcpy(pg->fw_version, "1.2\x01\x7f", 5);		/* unprintable */
	memcpy(pg->vendor, "ACCUSYS\0garbage", 15);
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		pg->lun_map[i] = cpu_to_le16(i % 3 ? 0xFFFF : i * 2);

	KUNIT_ASSERT_EQ(test, 0, acxxx_parse_page0(pg, sizeof(*pg), id));
	KUNIT_EXPECT_STREQ(test, id->product_id, "ACS-62000");
	KUNIT_EXPECT_STREQ(test, id->model, "A16S3-PS");
	KUNIT_EXPECT_STREQ(test, id->serial, "0123456789ABCDEF");
	KUNIT_EXPECT_STREQ(test, id->fw_version, "1.2??");
	KUNIT_EXPECT_STREQ(test, id->vendor, "ACCUSYS");
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		KUNIT_EXPECT_EQ(test, id->lun_map[i], i % 3 ? 0xFFFF : i * 2);

	/* Long enough for the map is enough; shorter is refused. */
	KUNIT_EXPECT_EQ(test, 0, acxxx_parse_page0(pg, 0x100, id));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_parse_page0(pg, 0xFF, id));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_parse_page0(NULL, 0x200, id));
}

struct diff_case {
	const char *what;
	u16 old[4];		/* LUN indices 0..3; the rest stay absent */
	u16 new[4];
	u64 add;
	u64 remove;
	unsigned int changes;
};

#define A 0xFFFF

static const struct diff_case diff_cases[] = {
	{ "same", { A, 1, A, 3 }, { A, 1, A, 3 }, 0, 0, 0 },
	{ "all-absent", { A, A, A, A }, { A, A, A, A }, 0, 0, 0 },
	{ "add", { A, A, A, A }, { 0, A, A, 7 }, 0x9, 0, 2 },
	{ "remove", { 0, 1, A, A }, { A, 1, A, A }, 0, 0x1, 1 },
	{ "change", { 5, A, A, A }, { 6, A, A, A }, 0x1, 0x1, 1 },
	{ "mixed", { 0, 1, A, 3 }, { 9, A, 2, 3 }, 0x5, 0x3, 3 },
	{ "zero-is-present", { A, A, A, A }, { 0, A, A, A }, 0x1, 0, 1 },
};

static void diff_desc(const struct diff_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(diff, diff_cases, diff_desc);

static void acxxx_test_lun_diff(struct kunit *test)
{
	const struct diff_case *t = test->param_value;
	u16 old_map[ACXXX_MAX_LUNS], new_map[ACXXX_MAX_LUNS];
	struct acxxx_lun_diff d;
	unsigned int i;

	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		old_map[i] = i < 4 ? t->old[i] : A;
		new_map[i] = i < 4 ? t->new[i] : A;
	}
	KUNIT_EXPECT_EQ(test, t->changes, acxxx_lun_diff(old_map, new_map, &d));
	KUNIT_EXPECT_EQ(test, d.add, t->add);
	KUNIT_EXPECT_EQ(test, d.remove, t->remove);
}

static void acxxx_test_lun_diff_edges(struct kunit *test)
{
	u16 old_map[ACXXX_MAX_LUNS], new_map[ACXXX_MAX_LUNS];
	struct acxxx_lun_diff d;
	unsigned int i;

	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		old_map[i] = A;
		new_map[i] = (u16)i;
	}
	KUNIT_EXPECT_EQ(test, 64U, acxxx_lun_diff(old_map, new_map, &d));
	KUNIT_EXPECT_EQ(test, d.add, ~0ULL);
	KUNIT_EXPECT_EQ(test, d.remove, 0ULL);
	KUNIT_EXPECT_EQ(test, 64U, acxxx_lun_diff(new_map, old_map, &d));
	KUNIT_EXPECT_EQ(test, d.remove, ~0ULL);
	/* The last index, changed between two present values. */
	memcpy(old_map, new_map, sizeof(old_map));
	old_map[63] = 999;
	KUNIT_EXPECT_EQ(test, 1U, acxxx_lun_diff(old_map, new_map, &d));
	KUNIT_EXPECT_EQ(test, d.add, 1ULL << 63);
	KUNIT_EXPECT_EQ(test, d.remove, 1ULL << 63);
}

static void acxxx_test_event_type(struct kunit *test)
{
	unsigned int code, unknown = 0;

	KUNIT_EXPECT_EQ(test, acxxx_event_type(0x14), ACXXX_EV_LUN_CHANGE);
	KUNIT_EXPECT_EQ(test, acxxx_event_type(0x55), ACXXX_EV_SWITCH_ACK);
	KUNIT_EXPECT_EQ(test, acxxx_event_type(0xAA), ACXXX_EV_SWITCH_ACK);
	KUNIT_EXPECT_EQ(test, acxxx_event_type(0xFF), ACXXX_EV_RAID_ERROR);
	for (code = 0; code < 256; code++)
		unknown += acxxx_event_type(code) == ACXXX_EV_UNKNOWN;
	KUNIT_EXPECT_EQ(test, unknown, 252U);
}

struct mgmt_case {
	const char *what;
	u8 op;
	u8 b2, b3, b4, b5;
	u32 cdb_len;
	u32 user_len;
	int want;
	u8 dir;
	u32 len;
};

static const struct mgmt_case mgmt_cases[] = {
	{ "get-page", 0x01, 0, 0, 0, 0, 32, 512, 0, 2, 0x200 },
	{ "get-page-short-buf", 0x01, 0, 0, 0, 0, 32, 511, -EINVAL, 0, 0 },
	{ "read-sig", 0xB2, 0, 0, 0, 0, 32, 5120, 0, 2, 0x200 },
	{ "write-sig", 0xB1, 0, 0, 0, 0, 32, 512, 0, 1, 0x200 },
	{ "fw-update", 0x94, 0x00, 0x14, 0, 0, 32, 5120, 0, 1, 0x1400 },
	{ "fw-update-too-big", 0x95, 0x01, 0x14, 0, 0, 32, 8192, -E2BIG, 0, 0 },
	{ "fw-update-huge", 0x96, 0xFF, 0xFF, 0xFF, 0xFF, 32, 0xFFFFFFFF,
	  -E2BIG, 0, 0 },
	{ "fw-update-empty", 0x93, 0, 0, 0, 0, 32, 0, 0, 0, 0 },
	{ "rtc", 0xA8, 0, 0, 0, 0, 32, 7, 0, 2, 7 },
	{ "echo-read", 0xCA, 0x10, 0x00, 0, 0, 32, 16, 0, 2, 16 },
	{ "echo-write-too-big", 0xCB, 0x01, 0x20, 0, 0, 32, 0x2001, -E2BIG, 0, 0 },
	{ "unknown", 0x42, 0x10, 0x00, 0, 0, 32, 0, 0, 0, 0 },
	{ "cdb-len", 0x01, 0, 0, 0, 0, 16, 512, -EINVAL, 0, 0 },
};

static void mgmt_desc(const struct mgmt_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(mgmt, mgmt_cases, mgmt_desc);

static void acxxx_test_mgmt_check(struct kunit *test)
{
	const struct mgmt_case *t = test->param_value;
	u8 cdb[32] = { t->op, 0x01, t->b2, t->b3, t->b4, t->b5 };
	struct acxxx_mgmt_xfer x = { 0xEE, 0xEEEE };

	KUNIT_EXPECT_EQ(test, t->want, acxxx_mgmt_check(cdb, t->cdb_len,
							t->user_len, &x));
	if (t->want)
		return;
	KUNIT_EXPECT_EQ(test, x.dir, t->dir);
	KUNIT_EXPECT_EQ(test, x.len, t->len);
}

/* Null responder. */
struct null_run {
	struct acxxx_cpl cpl;
	u8 buf[256];
	u8 sense[96];
};

static struct null_run *null_do(struct kunit *test, u8 lun, const u8 *cdb,
				u8 len, u32 data_len)
{
	struct null_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_EQ(test, 0, acxxx_null_exec(lun, cdb, len, data_len,
						 r->buf, sizeof(r->buf),
						 &r->cpl, r->sense,
						 sizeof(r->sense)));
	KUNIT_EXPECT_EQ(test, r->cpl.kind, ACXXX_CPL_SCSI);
	return r;
}

static void expect_sense(struct kunit *test, struct null_run *r, u8 key,
			 u8 asc, u8 ascq)
{
	KUNIT_EXPECT_EQ(test, r->cpl.reply_status, 0);
	KUNIT_EXPECT_EQ(test, r->cpl.scsi_status, 0x02);
	KUNIT_EXPECT_EQ(test, r->cpl.sense_len, 18U);
	KUNIT_EXPECT_EQ(test, r->sense[0], 0x70);
	KUNIT_EXPECT_EQ(test, r->sense[2], key);
	KUNIT_EXPECT_EQ(test, r->sense[12], asc);
	KUNIT_EXPECT_EQ(test, r->sense[13], ascq);
}

static void acxxx_test_null_inquiry(struct kunit *test)
{
	u8 inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	u8 vpd0[6] = { 0x12, 1, 0x00, 0, 255, 0 };
	u8 vpd80[6] = { 0x12, 1, 0x80, 0, 255, 0 };
	u8 vpd83[6] = { 0x12, 1, 0x83, 0, 255, 0 };
	u8 short_alloc[6] = { 0x12, 0, 0, 0, 5, 0 };
	struct null_run *r;

	r = null_do(test, 0, inq, 6, 96);
	KUNIT_EXPECT_EQ(test, r->cpl.scsi_status, 0);
	KUNIT_EXPECT_EQ(test, r->cpl.transfer_count, 36U);
	KUNIT_EXPECT_EQ(test, r->cpl.residual, 96U - 36U);
	KUNIT_EXPECT_EQ(test, r->buf[0], 0x00);
	KUNIT_EXPECT_EQ(test, r->buf[4], 31);
	KUNIT_EXPECT_EQ(test, 0, memcmp(r->buf + 8, "ACCUSYS ", 8));
	KUNIT_EXPECT_EQ(test, 0, memcmp(r->buf + 16, "NULL VOLUME     ", 16));

	r = null_do(test, 0, vpd0, 6, 255);
	KUNIT_EXPECT_EQ(test, r->cpl.transfer_count, 6U);
	KUNIT_EXPECT_EQ(test, r->buf[3], 2);
	KUNIT_EXPECT_EQ(test, r->buf[5], 0x80);
	r = null_do(test, 0, vpd80, 6, 255);
	KUNIT_EXPECT_EQ(test, r->buf[1], 0x80);
	KUNIT_EXPECT_EQ(test, 0, memcmp(r->buf + 4, "NULL0000", 8));
	r = null_do(test, 0, vpd83, 6, 255);
	expect_sense(test, r, 0x05, 0x24, 0x00);

	r = null_do(test, 0, short_alloc, 6, 5);
	KUNIT_EXPECT_EQ(test, r->cpl.transfer_count, 5U);
	KUNIT_EXPECT_EQ(test, r->cpl.residual, 0U);
}

static void acxxx_test_null_capacity(struct kunit *test)
{
	u8 rc10[10] = { 0x25 };
	u8 rc16[16] = { 0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32 };
	u8 luns[12] = { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0 };
	u8 tur[6] = { 0 };
	struct null_run *r;

	r = null_do(test, 0, rc10, 10, 8);
	KUNIT_EXPECT_EQ(test, r->cpl.scsi_status, 0);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(r->buf, 0), 0xFFFF1F00U);	/* BE 0x1FFFFF */
	KUNIT_EXPECT_EQ(test, acxxx_rd32(r->buf, 4), 0x00020000U);	/* BE 512 */
	r = null_do(test, 0, rc16, 16, 32);
	KUNIT_EXPECT_EQ(test, r->cpl.transfer_count, 32U);
	KUNIT_EXPECT_EQ(test, r->buf[7], 0xFF);
	KUNIT_EXPECT_EQ(test, r->buf[5], 0x1F);
	KUNIT_EXPECT_EQ(test, r->buf[10], 0x02);
	r = null_do(test, 0, luns, 12, 16);
	KUNIT_EXPECT_EQ(test, r->cpl.transfer_count, 16U);
	KUNIT_EXPECT_EQ(test, r->buf[3], 8);
	r = null_do(test, 0, tur, 6, 0);
	KUNIT_EXPECT_EQ(test, r->cpl.scsi_status, 0);
	KUNIT_EXPECT_EQ(test, r->cpl.residual, 0U);
}

static void acxxx_test_null_rw(struct kunit *test)
{
	u8 rd10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
	u8 wr10[10] = { 0x2A, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
	u8 wr16_end[16] = { 0x8A, 0, 0, 0, 0, 0, 0, 0x1F, 0xFF, 0xF8,
			    0, 0, 0, 8 };
	u8 wr16_past[16] = { 0x8A, 0, 0, 0, 0, 0, 0, 0x1F, 0xFF, 0xF9,
			     0, 0, 0, 8 };
	u8 unknown[10] = { 0xC5 };
	struct null_run *r;

	r = null_do(test, 0, rd10, 10, 4096);
	expect_sense(test, r, 0x03, 0x11, 0x00);
	KUNIT_EXPECT_EQ(test, r->cpl.residual, 4096U);

	r = null_do(test, 0, wr10, 10, 4096);
	KUNIT_EXPECT_EQ(test, r->cpl.scsi_status, 0);
	KUNIT_EXPECT_EQ(test, r->cpl.residual, 0U);
	KUNIT_EXPECT_EQ(test, r->cpl.transfer_count, 4096U);

	r = null_do(test, 0, wr16_end, 16, 4096);
	KUNIT_EXPECT_EQ(test, r->cpl.scsi_status, 0);
	r = null_do(test, 0, wr16_past, 16, 4096);
	expect_sense(test, r, 0x05, 0x21, 0x00);

	r = null_do(test, 0, unknown, 10, 0);
	expect_sense(test, r, 0x05, 0x20, 0x00);

	r = null_do(test, 1, wr10, 10, 4096);
	KUNIT_EXPECT_EQ(test, r->cpl.reply_status, ACXXX_RS_NO_DEVICE);

	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_null_exec(0, wr10, 10, 0, r->buf,
						       32, &r->cpl, NULL, 0));
}

static struct kunit_case acxxx_page_cases[] = {
	KUNIT_CASE(acxxx_test_page0),
	KUNIT_CASE_PARAM(acxxx_test_lun_diff, diff_gen_params),
	KUNIT_CASE(acxxx_test_lun_diff_edges),
	KUNIT_CASE(acxxx_test_event_type),
	KUNIT_CASE_PARAM(acxxx_test_mgmt_check, mgmt_gen_params),
	KUNIT_CASE(acxxx_test_null_inquiry),
	KUNIT_CASE(acxxx_test_null_capacity),
	KUNIT_CASE(acxxx_test_null_rw),
	{}
};

struct kunit_suite acxxx_page_suite = {
	.name = "acxxx_page",
	.test_cases = acxxx_page_cases,
};
