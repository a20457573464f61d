// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: request encoding at every placement boundary of 5.6.
 */
#include "acxxx_test.h"

#define SLOT	9

/* Segment i: 4 KiB + i bytes at an address whose high half varies. */
static void make_sgl(struct acxxx_sge *sgl, u32 n, u32 *total)
{
	u32 i;

	*total = 0;
	for (i = 0; i < n; i++) {
		sgl[i].addr = 0x0000000900000000ULL + (u64)i * 0x10000000ULL +
			      0x1200 + i * 8;
		sgl[i].len = 4096 + i;
		*total += sgl[i].len;
	}
}

struct sgl_case {
	enum acxxx_dialect dialect;
	u8 opcode;
	u32 nr;
	u8 dir;
};

static const struct sgl_case sgl_cases[] = {
	{ ACXXX_DIALECT_341, 0x28, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_341, 0x28, 1, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_341, 0x28, 29, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_341, 0x28, 30, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_341, 0x28, 39, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_341, 0x28, 40, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_341, 0x28, 128, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_341, 0x2A, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_341, 0x2A, 1, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_341, 0x2A, 29, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_341, 0x2A, 30, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_341, 0x2A, 39, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_341, 0x2A, 40, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_341, 0x2A, 128, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x28, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_2208, 0x28, 1, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x28, 29, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x28, 30, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x28, 39, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x28, 40, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x28, 128, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x8A, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_2208, 0x8A, 1, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x8A, 29, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x8A, 30, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x8A, 39, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x8A, 40, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x8A, 128, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_2208, 0x12, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_2208, 0x12, 1, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x12, 29, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x12, 30, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x12, 39, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x12, 40, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_2208, 0x12, 128, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x88, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_3108, 0x88, 1, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x88, 29, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x88, 30, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x88, 39, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x88, 40, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x88, 128, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x0A, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_3108, 0x0A, 1, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x0A, 29, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x0A, 30, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x0A, 39, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x0A, 40, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x0A, 128, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x2F, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_3108, 0x2F, 1, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x2F, 29, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x2F, 30, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x2F, 39, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x2F, 40, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x2F, 128, ACXXX_CTL_DIR_READ },
	{ ACXXX_DIALECT_3108, 0x3B, 0, ACXXX_CTL_DIR_NONE },
	{ ACXXX_DIALECT_3108, 0x3B, 1, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x3B, 29, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x3B, 30, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x3B, 39, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x3B, 40, ACXXX_CTL_DIR_WRITE },
	{ ACXXX_DIALECT_3108, 0x3B, 128, ACXXX_CTL_DIR_WRITE },
};

static void sgl_desc(const struct sgl_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s op=0x%02x n=%u",
		 acxxx_dialect_name(t->dialect), t->opcode, t->nr);
}

KUNIT_ARRAY_PARAM(sgl, sgl_cases, sgl_desc);

/*
 * Leave in @slot the bytes of an earlier request that reached as far as
 * a request can: 128 12-byte elements in the list area, every byte of
 * the 512-byte message from 0x02 to 0x34 and from 0x40 on non-zero.
 * What the firmware must never see again is exactly this.
 */
static void dirty_slot(struct kunit *test, struct acxxx_ctl *c, u16 slot)
{
	u8 cdb[16];
	struct acxxx_scsi_cmd cmd = {
		.lun = 0x3E, .cdb = cdb, .cdb_len = 16,
		.dir = ACXXX_CTL_DIR_WRITE, .task_attr = ACXXX_CTL_ATTR_MASK,
		.nr_sge = 128, .data_len = 128 * 0xEEEE,
	};
	struct acxxx_enc e;
	const u8 *req = acxxx_slot_req(c, slot);
	u32 i;

	memset(cdb, 0xEE, sizeof(cdb));
	cdb[0] = 0xEA;			/* not a READ/WRITE: 12-byte elements */
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(c, &e, slot, &cmd));
	for (i = 0; i < 128; i++)
		acxxx_encode_sge(&e, 0xEEEEEEEEEEEE0000ULL | i << 4, 0xEEEE);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_end(&e));
	KUNIT_ASSERT_TRUE(test, req[0x10] && req[0x1F] && req[0x40] &&
			  req[0x1FF]);
}

/*
 * Read the frame back the way the firmware would (5.5, 5.6) and compare
 * with the segments: this is a second, independent reading of the spec.
 */
static void acxxx_test_encode_sgl(struct kunit *test)
{
	const struct sgl_case *t = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, t->dialect, 512,
					    ACXXX_TEST_DMA);
	u8 cdb[16] = { t->opcode, 0, 0, 0, 0x10 };
	struct acxxx_scsi_cmd cmd = { 0 };
	struct acxxx_sge *sgl;
	bool rw = t->dialect != ACXXX_DIALECT_341 &&
		  (t->opcode == 0x28 || t->opcode == 0x2A || t->opcode == 0x88 ||
		   t->opcode == 0x8A || t->opcode == 0x08 || t->opcode == 0x0A);
	u32 esize = rw ? 16 : 12;
	u32 direct_max = rw ? 29 : 39;
	u64 list_dma = acxxx_slot_req_dma(&f->c, SLOT) + 0x40;
	u32 total, i, base, flags;
	const u8 *req, *e;

	sgl = kunit_kcalloc(test, 128, sizeof(*sgl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgl);
	make_sgl(sgl, t->nr, &total);
	dirty_slot(test, &f->c, SLOT);

	cmd.lun = 5;
	cmd.cdb = cdb;
	cmd.cdb_len = 10;
	cmd.dir = t->dir;
	cmd.task_attr = ACXXX_CTL_ATTR_UNTAGGED;
	cmd.data_len = total;
	cmd.sgl = sgl;
	cmd.nr_sge = t->nr;
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&f->c, SLOT, &cmd));
	KUNIT_EXPECT_EQ(test, acxxx_cdb_is_rw(t->opcode) &&
			t->dialect != ACXXX_DIALECT_341, rw);

	req = acxxx_slot_req(&f->c, SLOT);
	KUNIT_EXPECT_EQ(test, req[0] | req[1], 0);
	KUNIT_EXPECT_EQ(test, req[2], 5);			/* LUN index */
	KUNIT_EXPECT_EQ(test, req[3], ACXXX_FN_SCSI_IO);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x04), SLOT << 2);
	KUNIT_EXPECT_EQ(test, req[0x08], 10);
	KUNIT_EXPECT_EQ(test, req[0x09], 64);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x0C), t->dir | 0x04U | 0x28U);
	KUNIT_EXPECT_EQ(test, req[0x10], t->opcode);
	KUNIT_EXPECT_EQ(test, req[0x14], 0x10);
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x10 + 10, 0x20));
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x20), total);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x24),
			(u32)acxxx_slot_sense_dma(&f->c, SLOT));

	if (!t->nr) {
		/* Nothing written from 0x28 on (13.2 item 15 fixed). */
		KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x28, 0x200));
		return;
	}

	if (t->nr <= direct_max) {
		KUNIT_EXPECT_EQ(test, req[0x2B] & 0x40, 0);	/* not a list */
		base = rw ? 0x30 : 0x28;
		if (rw)
			KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x28, 0x30));
		KUNIT_EXPECT_LE(test, base + t->nr * esize, 0x200U);
	} else {
		KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x28), 0x50000000U | t->nr);
		KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x2C), (u32)list_dma);
		KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x30), (u32)(list_dma >> 32));
		base = 0x40;
		KUNIT_EXPECT_LE(test, base + t->nr * esize, f->lay.req_size);
	}

	for (i = 0; i < t->nr; i++) {
		e = req + base + i * esize;
		if (rw) {
			KUNIT_EXPECT_EQ(test, acxxx_rd32(e, 0), (u32)sgl[i].addr);
			KUNIT_EXPECT_EQ(test, acxxx_rd32(e, 4),
					(u32)(sgl[i].addr >> 32));
			KUNIT_EXPECT_EQ(test, acxxx_rd32(e, 8), sgl[i].len);
			flags = acxxx_rd32(e, 12);
			if (t->dialect == ACXXX_DIALECT_3108 && i == t->nr - 1)
				KUNIT_EXPECT_EQ(test, flags, 0x40000000U);
			else
				KUNIT_EXPECT_EQ(test, flags, 0U);
		} else {
			KUNIT_EXPECT_EQ(test, acxxx_rd32(e, 0),
					(t->dir == ACXXX_CTL_DIR_WRITE ?
					 0x30000000U : 0x10000000U) | sgl[i].len);
			KUNIT_EXPECT_EQ(test, acxxx_rd32(e, 4), (u32)sgl[i].addr);
			KUNIT_EXPECT_EQ(test, acxxx_rd32(e, 8),
					(u32)(sgl[i].addr >> 32));
		}
	}
	/* Direct mode: the rest of the 512-byte message is zero. */
	if (t->nr <= direct_max)
		KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, base + t->nr * esize,
						       0x200));
}

struct reject_case {
	const char *what;
	u8 lun;
	u8 cdb_len;
	u8 dir;
	u8 attr;
	u32 nr;
	int len_delta;		/* data_len = sum + delta */
	u32 zero_seg;		/* 1-based index of a segment made empty */
	u32 big_seg;		/* 1-based index of a 16 MiB segment */
	u8 opcode;
	u16 slot;
	int want;
};

static const struct reject_case reject_cases[] = {
	{ "ok", 0, 10, 2, 0x28, 4, 0, 0, 0, 0x28, SLOT, 0 },
	{ "lun64", 64, 10, 2, 0x28, 4, 0, 0, 0, 0x28, SLOT, -EINVAL },
	{ "lun63", 63, 10, 2, 0x28, 4, 0, 0, 0, 0x28, SLOT, 0 },
	{ "cdb0", 0, 0, 2, 0x28, 4, 0, 0, 0, 0x28, SLOT, -EINVAL },
	{ "cdb17", 0, 17, 2, 0x28, 4, 0, 0, 0, 0x28, SLOT, -EINVAL },
	{ "cdb16", 0, 16, 2, 0x28, 4, 0, 0, 0, 0x88, SLOT, 0 },
	{ "dir3", 0, 10, 3, 0x28, 4, 0, 0, 0, 0x28, SLOT, -EINVAL },
	{ "attr", 0, 10, 2, 0x07, 4, 0, 0, 0, 0x28, SLOT, -EINVAL },
	{ "129segs", 0, 10, 2, 0x28, 129, 0, 0, 0, 0x28, SLOT, -E2BIG },
	{ "short", 0, 10, 2, 0x28, 4, -1, 0, 0, 0x28, SLOT, -EINVAL },
	{ "long", 0, 10, 2, 0x28, 4, 1, 0, 0, 0x28, SLOT, -EINVAL },
	{ "emptyseg", 0, 10, 2, 0x28, 4, 0, 2, 0, 0x28, SLOT, -EINVAL },
	{ "nodir", 0, 10, 0, 0x28, 4, 0, 0, 0, 0x28, SLOT, -EINVAL },
	{ "16M-basic", 0, 10, 2, 0x28, 2, 0, 0, 1, 0x12, SLOT, -E2BIG },
	{ "16M-rw", 0, 10, 2, 0x28, 2, 0, 0, 1, 0x28, SLOT, 0 },
	{ "slot0", 0, 10, 2, 0x28, 4, 0, 0, 0, 0x28, 0, -ERANGE },
	{ "slot512", 0, 10, 2, 0x28, 4, 0, 0, 0, 0x28, 512, -ERANGE },
};

static void reject_desc(const struct reject_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(reject, reject_cases, reject_desc);

static void acxxx_test_encode_reject(struct kunit *test)
{
	const struct reject_case *t = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	u8 cdb[17] = { t->opcode };
	struct acxxx_scsi_cmd cmd = { 0 };
	struct acxxx_sge *sgl;
	u32 total;

	sgl = kunit_kcalloc(test, 130, sizeof(*sgl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgl);
	make_sgl(sgl, t->nr, &total);
	if (t->zero_seg) {
		total -= sgl[t->zero_seg - 1].len;
		sgl[t->zero_seg - 1].len = 0;
	}
	if (t->big_seg) {
		total -= sgl[t->big_seg - 1].len;
		sgl[t->big_seg - 1].len = 0x1000000;
		total += 0x1000000;
	}
	cmd.lun = t->lun;
	cmd.cdb = cdb;
	cmd.cdb_len = t->cdb_len;
	cmd.dir = t->dir;
	cmd.task_attr = t->attr;
	cmd.data_len = total + t->len_delta;
	cmd.sgl = sgl;
	cmd.nr_sge = t->nr;
	KUNIT_EXPECT_EQ(test, t->want, acxxx_encode_scsi(&f->c, t->slot, &cmd));
}

static void acxxx_test_encode_nodata(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);
	u8 tur[6] = { 0 };
	struct acxxx_scsi_cmd cmd = { .cdb = tur, .cdb_len = 6 };
	struct acxxx_sge seg = { 0x1000, 512 };
	const u8 *req = acxxx_slot_req(&f->c, SLOT);

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&f->c, SLOT, &cmd));
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x0C), 0x04U);	/* simple, none */
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x20), 0U);
	/* Data without a direction, or a direction without data: refused. */
	cmd.sgl = &seg;
	cmd.nr_sge = 1;
	cmd.data_len = 512;
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi(&f->c, SLOT, &cmd));
	cmd.nr_sge = 0;
	cmd.data_len = 0;
	cmd.dir = ACXXX_CTL_DIR_READ;
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi(&f->c, SLOT, &cmd));
}

static void acxxx_test_encode_mgmt(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	const u8 *req = acxxx_slot_req(&f->c, ACXXX_SLOT_MGMT);
	u64 buf = acxxx_mgmt_buf_dma(&f->c);
	u8 cdb[32] = { 0xCB, 0, 0x10, 0 };

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_get_page(&f->c, ACXXX_SLOT_MGMT,
						       0x00));
	/* The get-page request of 7.2, byte for byte. */
	KUNIT_EXPECT_EQ(test, req[2], 0x02);
	KUNIT_EXPECT_EQ(test, req[3], 0x03);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 4), ACXXX_SLOT_MGMT << 2);
	KUNIT_EXPECT_EQ(test, req[8], 0x01);
	KUNIT_EXPECT_EQ(test, req[9], 0x01);
	KUNIT_EXPECT_EQ(test, req[10], 0x00);
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 11, 0x28));
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x28), 0x200U);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x30), 0x10000200U);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x34), (u32)buf);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x38), (u32)(buf >> 32));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x3C, 0x200));

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_mgmt(&f->c, ACXXX_SLOT_MGMT, cdb,
						   ACXXX_CTL_DIR_WRITE, 16));
	KUNIT_EXPECT_EQ(test, req[2], 0x01);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x30), 0x30000010U);

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_mgmt(&f->c, ACXXX_SLOT_MGMT, cdb,
						   ACXXX_CTL_DIR_NONE, 0));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x28, 0x3C));

	KUNIT_EXPECT_EQ(test, -E2BIG,
			acxxx_encode_mgmt(&f->c, 1, cdb, ACXXX_CTL_DIR_READ,
					  ACXXX_MGMT_BUF_SIZE + 1));
	KUNIT_EXPECT_EQ(test, 0, acxxx_encode_mgmt(&f->c, 1, cdb,
						   ACXXX_CTL_DIR_READ, ACXXX_MGMT_BUF_SIZE));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_mgmt(&f->c, 1, cdb,
							 ACXXX_CTL_DIR_READ, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_mgmt(&f->c, 1, cdb,
							 ACXXX_CTL_DIR_NONE, 4));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_mgmt(&f->c, 1, cdb, 3, 4));
	KUNIT_EXPECT_EQ(test, -ERANGE, acxxx_encode_mgmt(&f->c, 0, cdb,
							 ACXXX_CTL_DIR_NONE, 0));
}

static void acxxx_test_encode_evsw_tmf(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_341, 512,
					    ACXXX_TEST_DMA);
	const u8 *req;

	req = acxxx_slot_req(&f->c, ACXXX_SLOT_EVSW);
	memset((void *)req, 0xFF, 0x200);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_event_switch(&f->c,
							   ACXXX_SLOT_EVSW, true));
	KUNIT_EXPECT_EQ(test, req[2], 0x01);
	KUNIT_EXPECT_EQ(test, req[3], 0x02);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 4), ACXXX_SLOT_EVSW << 2);
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 8, 0x200));
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_event_switch(&f->c,
							   ACXXX_SLOT_EVSW, false));
	KUNIT_EXPECT_EQ(test, req[2], 0x00);

	req = acxxx_slot_req(&f->c, ACXXX_SLOT_TMF);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
						  ACXXX_TMF_ABORT_TASK, 7, 300));
	KUNIT_EXPECT_EQ(test, req[2], 1);
	KUNIT_EXPECT_EQ(test, req[3], 0x01);
	KUNIT_EXPECT_EQ(test, req[8], 7);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x0C), 300U << 2);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
						  ACXXX_TMF_LUN_RESET, 63, 0));
	KUNIT_EXPECT_EQ(test, req[2], 3);
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x0C), 0U);
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
							ACXXX_TMF_ABORT_TASK, 0, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
							ACXXX_TMF_ABORT_TASK, 0, ACXXX_SLOT_TMF));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
							ACXXX_TMF_LUN_RESET, 0, 9));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
							0, 0, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
							5, 0, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_tmf(&f->c, ACXXX_SLOT_TMF,
							ACXXX_TMF_TARGET_RESET, 64, 0));
}

/* The worked example of 5.11, reproduced bit for bit on a 3108. */
static void acxxx_test_worked_example(struct kunit *test)
{
	struct acxxx_fix *f;
	u8 cdb[10] = { 0x28, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0 };
	struct acxxx_sge sgl[2] = {
		{ 0x0000000123456000ULL, 0x1000 },
		{ 0x0000000123458000ULL, 0x1000 },
	};
	struct acxxx_scsi_cmd cmd = {
		.lun = 0, .cdb = cdb, .cdb_len = 10,
		.dir = ACXXX_CTL_DIR_READ, .task_attr = ACXXX_CTL_ATTR_UNTAGGED,
		.data_len = 0x2000, .sgl = sgl, .nr_sge = 2,
	};
	static const u8 want[0x50] = {
		0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
		0x0A, 0x40, 0x00, 0x00, 0x2E, 0x00, 0x00, 0x00,
		0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x20, 0x00, 0x00, 0x00, 0x09, 0x6A, 0x7F,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x60, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x80, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
	};

	/* Slot 5 at 0x7F6A0000 means a control block at 0x7F6A0000 - 5 * 0xB00. */
	f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512, 0x7F6A0000ULL - 5 * 0xB00);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&f->c, 5, &cmd));
	KUNIT_EXPECT_EQ(test, acxxx_post_value(&f->c, 5), 0x7F6A0000U);
	KUNIT_EXPECT_EQ(test, 0, memcmp(acxxx_slot_req(&f->c, 5), want,
					sizeof(want)));
}

/* One command both ways: element by element and through the wrapper. */
static void encode_both(struct kunit *test, struct acxxx_sge *sgl,
			enum acxxx_dialect dialect, u8 opcode, u32 nr)
{
	struct acxxx_fix *a = acxxx_fix_new(test, dialect, 64, ACXXX_TEST_DMA);
	struct acxxx_fix *b = acxxx_fix_new(test, dialect, 64, ACXXX_TEST_DMA);
	u8 cdb[16] = { opcode, 1, 2, 3 };
	struct acxxx_scsi_cmd cmd = {
		.lun = 7, .cdb = cdb, .cdb_len = 16,
		.dir = ACXXX_CTL_DIR_READ, .task_attr = ACXXX_CTL_ATTR_UNTAGGED,
	};
	struct acxxx_enc e;
	u32 total, i;

	make_sgl(sgl, nr, &total);
	cmd.data_len = total;
	cmd.sgl = sgl;
	cmd.nr_sge = nr;
	dirty_slot(test, &a->c, SLOT);
	dirty_slot(test, &b->c, SLOT);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&a->c, SLOT, &cmd));
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&b->c, &e, SLOT, &cmd));
	for (i = 0; i < nr; i++)
		KUNIT_ASSERT_EQ(test, 0, acxxx_encode_sge(&e, sgl[i].addr,
							  sgl[i].len));
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_end(&e));
	KUNIT_EXPECT_EQ(test, e.list, nr > (e.rw ? ACXXX_DIRECT_MAX_RW :
						   ACXXX_DIRECT_MAX_BASIC));
	KUNIT_EXPECT_EQ(test, 0, memcmp(acxxx_slot_req(&a->c, SLOT),
					acxxx_slot_req(&b->c, SLOT),
					0x40 + nr * 16));
	KUNIT_EXPECT_EQ(test, b->c.slot_fn[SLOT], ACXXX_FN_SCSI_IO);
	KUNIT_EXPECT_EQ(test, b->c.slot_len[SLOT], total);
}

/* The element-by-element encoder writes what the array wrapper writes. */
static void acxxx_test_encode_elements(struct kunit *test)
{
	static const u32 counts[] = { 1, 2, 29, 30, 39, 40, 128 };
	static const enum acxxx_dialect dialects[] = {
		ACXXX_DIALECT_341, ACXXX_DIALECT_2208, ACXXX_DIALECT_3108,
	};
	static const u8 opcodes[] = { 0x28, 0x8A, 0x12 };
	struct acxxx_sge *sgl;
	unsigned int d, n, o;

	sgl = kunit_kcalloc(test, 128, sizeof(*sgl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgl);
	for (d = 0; d < ARRAY_SIZE(dialects); d++) {
		for (o = 0; o < ARRAY_SIZE(opcodes); o++) {
			for (n = 0; n < ARRAY_SIZE(counts); n++)
				encode_both(test, sgl, dialects[d], opcodes[o],
					    counts[n]);
		}
	}
}

/* Every mistake of a caller feeding elements is caught at the end. */
static void acxxx_test_encode_element_errors(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 64,
					    ACXXX_TEST_DMA);
	u8 inq[6] = { 0x12 }, rd[10] = { 0x28 };
	struct acxxx_scsi_cmd cmd = {
		.cdb = inq, .cdb_len = 6, .dir = ACXXX_CTL_DIR_READ,
		.data_len = 8192, .nr_sge = 2,
	};
	struct acxxx_enc e;

	/* Fewer segments than announced. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	KUNIT_EXPECT_EQ(test, 0, acxxx_encode_sge(&e, 0x1000, 4096));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi_end(&e));
	/* More than announced: the error sticks. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	acxxx_encode_sge(&e, 0x1000, 4096);
	acxxx_encode_sge(&e, 0x2000, 4096);
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_sge(&e, 0x3000, 4096));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi_end(&e));
	/* Lengths that do not add up. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	acxxx_encode_sge(&e, 0x1000, 4096);
	acxxx_encode_sge(&e, 0x2000, 4095);
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi_end(&e));
	/* An empty segment, then a good one: still refused. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_sge(&e, 0x1000, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_sge(&e, 0x1000, 8192));
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi_end(&e));
	/* 16 MiB does not fit a 12-byte element, but fits a 16-byte one. */
	cmd.nr_sge = 1;
	cmd.data_len = 0x1000000;
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	KUNIT_EXPECT_EQ(test, -E2BIG, acxxx_encode_sge(&e, 0x1000, 0x1000000));
	KUNIT_EXPECT_EQ(test, -E2BIG, acxxx_encode_scsi_end(&e));
	cmd.cdb = rd;
	cmd.cdb_len = 10;
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	KUNIT_EXPECT_TRUE(test, e.rw);
	KUNIT_EXPECT_EQ(test, 0, acxxx_encode_sge(&e, 0x1000, 0x1000000));
	KUNIT_EXPECT_EQ(test, 0, acxxx_encode_scsi_end(&e));
	/* Checks of begin: the count against the layout, data vs segments. */
	cmd.nr_sge = ACXXX_MAX_SGE + 1;
	KUNIT_EXPECT_EQ(test, -E2BIG,
			acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	cmd.nr_sge = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			acxxx_encode_scsi_begin(&f->c, &e, SLOT, &cmd));
	KUNIT_EXPECT_EQ(test, -ERANGE,
			acxxx_encode_scsi_begin(&f->c, &e, 64, &cmd));
}

/*
 * The bytes an earlier request left behind are gone from every shape
 * that follows, including after an encoding that failed half-way.
 */
static void acxxx_test_encode_stale(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 64,
					    ACXXX_TEST_DMA);
	const u8 *req = acxxx_slot_req(&f->c, SLOT);
	u8 rd[10] = { 0x28 }, tur[6] = { 0 };
	struct acxxx_sge seg = { 0x880000000ULL, 4096 };
	struct acxxx_scsi_cmd one = {
		.cdb = rd, .cdb_len = 10, .dir = ACXXX_CTL_DIR_READ,
		.data_len = 4096, .sgl = &seg, .nr_sge = 1,
	};
	struct acxxx_scsi_cmd none = { .cdb = tur, .cdb_len = 6 };
	struct acxxx_scsi_cmd big = one;
	struct acxxx_enc e;
	u32 i;

	dirty_slot(test, &f->c, SLOT);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&f->c, SLOT, &one));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x28, 0x30));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x40, 0x200));
	KUNIT_EXPECT_EQ(test, acxxx_rd32(req, 0x3C), ACXXX_SGE_RW_LAST);

	dirty_slot(test, &f->c, SLOT);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&f->c, SLOT, &none));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x28, 0x200));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x10 + 6, 0x20));

	/* A 100-element list that fails at its 60th element, then one. */
	big.sgl = NULL;
	big.nr_sge = 100;
	big.data_len = 100 * 512;
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi_begin(&f->c, &e, SLOT, &big));
	for (i = 0; i < 59; i++)
		acxxx_encode_sge(&e, 0xEEEEEEEE000ULL, 512);
	acxxx_encode_sge(&e, 0xEEEEEEEE000ULL, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, acxxx_encode_scsi_end(&e));
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(&f->c, SLOT, &one));
	KUNIT_EXPECT_TRUE(test, acxxx_all_zero(req, 0x40, 0x200));
}

static struct kunit_case acxxx_req_cases[] = {
	KUNIT_CASE(acxxx_test_encode_elements),
	KUNIT_CASE(acxxx_test_encode_element_errors),
	KUNIT_CASE(acxxx_test_encode_stale),
	KUNIT_CASE_PARAM(acxxx_test_encode_sgl, sgl_gen_params),
	KUNIT_CASE_PARAM(acxxx_test_encode_reject, reject_gen_params),
	KUNIT_CASE(acxxx_test_encode_nodata),
	KUNIT_CASE(acxxx_test_encode_mgmt),
	KUNIT_CASE(acxxx_test_encode_evsw_tmf),
	KUNIT_CASE(acxxx_test_worked_example),
	{}
};

struct kunit_suite acxxx_req_suite = {
	.name = "acxxx_req",
	.test_cases = acxxx_req_cases,
};
