// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The SCSI command set of 16.20: good and bad CDBs, exact sense bytes,
 * fast versus address replies, residuals, and request-level validation.
 */
#include <check.h>
#include <string.h>

#include "host.h"
#include "suites.h"

#define RD	ACXXX_CTL_DIR_READ
#define WRT	ACXXX_CTL_DIR_WRITE
#define BUF	DATA_HI_BASE
#define NBLK	32768u			/* LUN 0: 16 MiB */

static void be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void be64(u8 *p, u64 v)
{
	be32(p, v >> 32);
	be32(p + 4, (u32)v);
}

static u32 getbe32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* READ/WRITE CDB of @len bytes (6, 10, 12, 16). */
static unsigned int rw_cdb(u8 *c, bool write, unsigned int len,
			   u64 lba, u32 n, bool fua)
{
	memset(c, 0, 16);
	switch (len) {
	case 6:
		c[0] = write ? 0x0A : 0x08;
		c[1] = (lba >> 16) & 0x1F;
		c[2] = lba >> 8;
		c[3] = lba;
		c[4] = n == 256 ? 0 : n;
		return 6;
	case 10:
		c[0] = write ? 0x2A : 0x28;
		be32(c + 2, lba);
		c[7] = n >> 8;
		c[8] = n;
		break;
	case 12:
		c[0] = write ? 0xAA : 0xA8;
		be32(c + 2, lba);
		be32(c + 6, n);
		break;
	default:
		c[0] = write ? 0x8A : 0x88;
		be64(c + 2, lba);
		be32(c + 10, n);
		len = 16;
		break;
	}
	if (fua)
		c[1] |= 0x08;
	return len;
}

static void start(struct host *h, int i)
{
	host_init(h, fam_dev[i], NULL);
	host_start(h);
}

static void good_fast(const struct done *d)
{
	ck_assert_msg(d->fast, "expected a fast reply, got status %02x scsi %02x",
		      d->status, d->scsi_status);
}

START_TEST(t_tur_and_absent_lun)
{
	u8 tur[6] = { 0 };
	struct done d;
	struct host h;

	start(&h, _i);
	host_cmd(&h, 0, tur, 6, 0, 0, 0, &d);
	good_fast(&d);
	host_cmd(&h, 9, tur, 6, 0, 0, 0, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_NO_DEVICE);
	ck_assert_uint_eq(d.function, ACXXX_FN_SCSI_IO);
	host_cmd(&h, 200, tur, 6, 0, 0, 0, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_NO_DEVICE);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_NO_LUN), 2);
	host_fini(&h);
}
END_TEST

START_TEST(t_inquiry_standard)
{
	static const char *prod[3] = { "ACS-341 VOLUME  ", "ACS-2208 VOLUME ",
				       "ACS-3108 VOLUME " };
	u8 cdb[6] = { 0x12, 0, 0, 0, 36, 0 };
	u8 *b;
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	host_cmd(&h, 0, cdb, 6, RD, BUF, 36, &d);
	good_fast(&d);
	ck_assert_uint_eq(b[0], 0x00);
	ck_assert_uint_eq(b[2], 0x06);
	ck_assert_uint_eq(b[3], 0x12);
	ck_assert_uint_eq(b[4], 31);
	ck_assert_uint_eq(b[7], 0x02);
	ck_assert_mem_eq(b + 8, "ACCUSYS ", 8);
	ck_assert_mem_eq(b + 16, prod[_i], 16);
	ck_assert_mem_eq(b + 32, "1.0.", 4);
	/* asking for more than there is: underrun with residual */
	cdb[4] = 96;
	host_cmd(&h, 0, cdb, 6, RD, BUF, 96, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_uint_eq(d.scsi_status, 0);
	ck_assert_uint_eq(d.scsi_state, ACXXX_SSTATE_AUTOSENSE_VALID);
	ck_assert_uint_eq(d.sflags, ACXXX_SFLAG_RESID_UNDER);
	ck_assert_uint_eq(d.residual, 60);
	ck_assert_uint_eq(d.xfer, 36);
	ck_assert_uint_eq(d.sense_len, 0);
	/* allocation length shorter than the data length */
	cdb[4] = 5;
	host_cmd(&h, 0, cdb, 6, RD, BUF, 36, &d);
	ck_assert_uint_eq(d.xfer, 5);
	ck_assert_uint_eq(d.residual, 31);
	/* EVPD = 0 with a page code, CMDDT */
	cdb[2] = 0x80;
	cdb[4] = 36;
	host_cmd(&h, 0, cdb, 6, RD, BUF, 36, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	ck_assert_uint_eq(d.xfer, 0);
	ck_assert_uint_eq(d.sflags, ACXXX_SFLAG_SENSE_VALID |
			  ACXXX_SFLAG_RESID_UNDER);
	ck_assert_uint_eq(d.residual, 36);
	cdb[1] = 0x02;
	cdb[2] = 0;
	host_cmd(&h, 0, cdb, 6, RD, BUF, 36, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

static void vpd(struct host *h, unsigned int lun, u8 page, struct done *d)
{
	u8 cdb[6] = { 0x12, 0x01, page, 0, 255, 0 };

	memset(data_ptr(h, BUF), 0xEE, 256);
	host_cmd(h, lun, cdb, 6, RD, BUF, 255, d);
}

START_TEST(t_inquiry_vpd)
{
	static const u8 pages[] = { 0x00, 0x80, 0x83, 0xB0, 0xB1 };
	u8 naa0[8], *b;
	struct done d;
	struct host h, h2;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	vpd(&h, 0, 0x00, &d);
	ck_assert_uint_eq(d.xfer, 9);
	ck_assert_uint_eq(b[1], 0x00);
	ck_assert_uint_eq(b[3], 5);
	ck_assert_mem_eq(b + 4, pages, 5);

	vpd(&h, 0, 0x80, &d);
	ck_assert_uint_eq(b[1], 0x80);
	ck_assert_uint_eq(b[3], 20);
	ck_assert_mem_eq(b + 4, "UNITSERIAL000042-L00", 20);
	vpd(&h, 5, 0x80, &d);
	ck_assert_mem_eq(b + 4, "UNITSERIAL000042-L05", 20);

	vpd(&h, 0, 0x83, &d);
	ck_assert_uint_eq(b[1], 0x83);
	ck_assert_uint_eq(b[4], 0x01);		/* binary */
	ck_assert_uint_eq(b[5], 0x03);		/* NAA, LU */
	ck_assert_uint_eq(b[7], 8);
	ck_assert_uint_eq(b[8] >> 4, 3);	/* NAA 3: locally assigned */
	memcpy(naa0, b + 8, 8);
	ck_assert_uint_eq(b[16], 0x02);		/* T10 vendor id, ASCII */
	ck_assert_uint_eq(b[17], 0x01);
	ck_assert_uint_eq(b[19], 28);
	ck_assert_mem_eq(b + 20, "ACCUSYS UNITSERIAL000042-L00", 28);
	ck_assert_uint_eq(b[3], 4 + 8 + 4 + 28);
	vpd(&h, 5, 0x83, &d);
	ck_assert_mem_ne(b + 8, naa0, 8);	/* unique per volume */

	/* stable: a second model with the same serial gives the same ids */
	host_init(&h2, fam_dev[_i], NULL);
	host_start(&h2);
	vpd(&h2, 0, 0x83, &d);
	ck_assert_mem_eq(data_ptr(&h2, BUF) + 8, naa0, 8);
	host_fini(&h2);

	vpd(&h, 0, 0xB0, &d);
	ck_assert_uint_eq(b[1], 0xB0);
	ck_assert_uint_eq(b[3], 0x3C);
	ck_assert_uint_eq(getbe32(b + 8), 1024);	/* 512 KiB */
	ck_assert_uint_le(getbe32(b + 12), 1024);
	ck_assert_uint_eq(d.xfer, 0x40);
	vpd(&h, 0, 0xB1, &d);
	ck_assert_uint_eq(b[1], 0xB1);
	ck_assert_uint_eq(b[3], 0x3C);
	vpd(&h, 0, 0x81, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_unknown_opcode)
{
	u8 cdb[16] = { 0xC0 };
	struct done d;
	struct host h;

	start(&h, _i);
	host_cmd(&h, 0, cdb, 6, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x20, 0x00, false, 0);
	/* MODE SELECT is not in the set either */
	cdb[0] = 0x15;
	host_cmd(&h, 0, cdb, 6, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x20, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_read_capacity)
{
	u8 c10[10] = { 0x25 }, c16[16] = { 0x9E, 0x10 }, *b;
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	host_cmd(&h, 0, c10, 10, RD, BUF, 8, &d);
	good_fast(&d);
	ck_assert_uint_eq(getbe32(b), NBLK - 1);
	ck_assert_uint_eq(getbe32(b + 4), 512);
	c10[5] = 1;				/* LBA without PMI */
	host_cmd(&h, 0, c10, 10, RD, BUF, 8, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	c16[13] = 32;
	host_cmd(&h, 5, c16, 16, RD, BUF, 32, &d);
	good_fast(&d);
	ck_assert_uint_eq(getbe32(b), 0);
	ck_assert_uint_eq(getbe32(b + 4), 2047);
	ck_assert_uint_eq(getbe32(b + 8), 512);
	c16[1] = 0x11;
	host_cmd(&h, 5, c16, 16, RD, BUF, 32, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_read_write_all_sizes)
{
	static const unsigned int lens[4] = { 6, 10, 12, 16 };
	u8 cdb[16], *b;
	struct done d;
	struct host h;
	unsigned int i, k;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	for (i = 0; i < 4; i++) {
		u64 lba = 100 + i * 50;
		unsigned int n = 8 + i;

		for (k = 0; k < n * 512; k++)
			b[k] = (u8)(k * 7 + i + 1);
		rw_cdb(cdb, true, lens[i], lba, n, i >= 2);
		host_cmd(&h, 0, cdb, lens[i], WRT, BUF, n * 512, &d);
		good_fast(&d);
		memset(b, 0, n * 512);
		rw_cdb(cdb, false, lens[i], lba, n, i == 3);
		host_cmd(&h, 0, cdb, lens[i], RD, BUF, n * 512, &d);
		good_fast(&d);
		for (k = 0; k < n * 512; k++)
			ck_assert_uint_eq(b[k], (u8)(k * 7 + i + 1));
	}
	/* READ(6) with length 0 means 256 blocks */
	rw_cdb(cdb, false, 6, 0, 256, false);
	host_cmd(&h, 0, cdb, 6, RD, BUF, 256 * 512, &d);
	good_fast(&d);
	/* zero-length READ(10): no data, good */
	rw_cdb(cdb, false, 10, 5, 0, false);
	host_cmd(&h, 0, cdb, 10, 0, 0, 0, &d);
	good_fast(&d);
	host_fini(&h);
}
END_TEST

START_TEST(t_lba_checks)
{
	u8 cdb[16];
	struct done d;
	struct host h;

	start(&h, _i);
	rw_cdb(cdb, false, 10, NBLK - 1, 2, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 1024, &d);
	expect_sense(&d, 0x05, 0x21, 0x00, false, 0);
	rw_cdb(cdb, true, 16, 1ull << 40, 1, false);
	host_cmd(&h, 0, cdb, 16, WRT, BUF, 512, &d);
	expect_sense(&d, 0x05, 0x21, 0x00, false, 0);
	/* more than the 512 KiB of VPD 0xB0 */
	rw_cdb(cdb, false, 16, 0, 1025, false);
	host_cmd(&h, 0, cdb, 16, RD, BUF, 1025 * 512, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	/* protection fields are not supported */
	rw_cdb(cdb, false, 10, 0, 1, false);
	cdb[1] |= 0x20;
	host_cmd(&h, 0, cdb, 10, RD, BUF, 512, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	/* the last block is fine */
	rw_cdb(cdb, false, 10, NBLK - 1, 1, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 512, &d);
	good_fast(&d);
	host_fini(&h);
}
END_TEST

START_TEST(t_over_and_underrun)
{
	u8 cdb[16];
	struct done d;
	struct host h;

	start(&h, _i);
	/* 8 blocks into 512 bytes: overrun, nothing transferred */
	rw_cdb(cdb, false, 10, 0, 8, false);
	memset(data_ptr(&h, BUF), 0xEE, 512);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 512, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_OVERRUN);
	ck_assert_uint_eq(d.xfer, 0);
	ck_assert_uint_eq(d.scsi_state, ACXXX_SSTATE_AUTOSENSE_VALID);
	ck_assert_uint_eq(d.sflags, ACXXX_SFLAG_RESID_OVER);
	ck_assert_uint_eq(d.residual, 3584);
	ck_assert_uint_eq(data_ptr(&h, BUF)[0], 0xEE);
	/* 1 block into 1024 bytes: underrun */
	rw_cdb(cdb, false, 10, 0, 1, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 1024, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_uint_eq(d.scsi_status, 0);
	ck_assert_uint_eq(d.xfer, 512);
	ck_assert_uint_eq(d.sflags, ACXXX_SFLAG_RESID_UNDER);
	ck_assert_uint_eq(d.residual, 512);
	host_fini(&h);
}
END_TEST

START_TEST(t_direction_mismatch)
{
	u8 cdb[16], inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	struct done d;
	struct host h;

	start(&h, _i);
	rw_cdb(cdb, false, 10, 0, 1, false);
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 512, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	host_cmd(&h, 0, inq, 6, WRT, BUF, 36, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	rw_cdb(cdb, true, 10, 0, 1, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 512, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_FIELD), 3);
	host_fini(&h);
}
END_TEST

/*
 * SAM: a buffer longer than the command moves is no error.  TEST UNIT
 * READY through sg with a 36-byte read buffer (sg_raw -r 36 ... 00 00 00 00
 * 00 00), SYNCHRONIZE CACHE with a write buffer, and an INQUIRY whose
 * allocation length is below the buffer all answer GOOD and report what
 * was not moved as residual; nothing is rejected.
 */
START_TEST(t_buffer_longer_than_command)
{
	u8 tur[6] = { 0 }, sync[10] = { 0x35 }, inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	struct done d;
	struct host h;

	start(&h, _i);
	host_cmd(&h, 0, tur, 6, RD, BUF, 36, &d);
	ck_assert(!d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_SUCCESS);
	ck_assert_uint_eq(d.scsi_status, 0);
	ck_assert_uint_eq(d.xfer, 0);
	ck_assert_uint_eq(d.sflags, ACXXX_SFLAG_RESID_UNDER);
	ck_assert_uint_eq(d.residual, 36);
	host_cmd(&h, 0, sync, 10, WRT, BUF, 4096, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_SUCCESS);
	ck_assert_uint_eq(d.scsi_status, 0);
	ck_assert_uint_eq(d.residual, 4096);
	host_cmd(&h, 0, inq, 6, RD, BUF, 512, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_SUCCESS);
	ck_assert_uint_eq(d.xfer, 36);
	ck_assert_uint_eq(d.residual, 512 - 36);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_FIELD), 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_verify)
{
	u8 cdb[16] = { 0 }, w[16], *b;
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	memset(b, 0x5A, 4096);
	rw_cdb(w, true, 10, 64, 8, false);
	host_cmd(&h, 0, w, 10, WRT, BUF, 4096, &d);
	good_fast(&d);
	cdb[0] = 0x2F;
	be32(cdb + 2, 64);
	cdb[8] = 8;
	host_cmd(&h, 0, cdb, 10, 0, 0, 0, &d);
	good_fast(&d);
	/* BYTCHK = 1: compare with data from the host */
	cdb[1] = 0x02;
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 4096, &d);
	good_fast(&d);
	b[1000] = 0;
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 4096, &d);
	expect_sense(&d, 0x0E, 0x1D, 0x00, true, 1000);
	/* VERIFY(16) out of range, BYTCHK = 2 reserved */
	memset(cdb, 0, 16);
	cdb[0] = 0x8F;
	be64(cdb + 2, NBLK);
	cdb[13] = 1;
	host_cmd(&h, 0, cdb, 16, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x21, 0x00, false, 0);
	be64(cdb + 2, 0);
	cdb[1] = 0x04;
	host_cmd(&h, 0, cdb, 16, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_sync_cache)
{
	u8 c10[10] = { 0x35 }, c16[16] = { 0x91 };
	struct done d;
	struct host h;

	start(&h, _i);
	host_cmd(&h, 0, c10, 10, 0, 0, 0, &d);
	good_fast(&d);
	be64(c16 + 2, 100);
	be32(c16 + 10, 10);
	host_cmd(&h, 0, c16, 16, 0, 0, 0, &d);
	good_fast(&d);
	be64(c16 + 2, NBLK - 5);
	host_cmd(&h, 0, c16, 16, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x21, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_mode_sense)
{
	u8 c6[6] = { 0x1A, 0, 0x08, 0, 255, 0 }, c10[10] = { 0x5A }, *b;
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	host_cmd(&h, 0, c6, 6, RD, BUF, 255, &d);
	ck_assert_uint_eq(d.xfer, 4 + 8 + 20);
	ck_assert_uint_eq(b[0], 31);
	ck_assert_uint_eq(b[2], 0x10);			/* DPOFUA */
	ck_assert_uint_eq(b[3], 8);
	ck_assert_uint_eq(getbe32(b + 4), NBLK);
	ck_assert_uint_eq(getbe32(b + 8), 512);
	ck_assert_uint_eq(b[12], 0x08);
	ck_assert_uint_eq(b[13], 0x12);
	ck_assert_uint_eq(b[14] & 0x04, 0x04);		/* WCE */
	/* MODE SENSE(10), all pages, no block descriptor */
	c10[1] = 0x08;
	c10[2] = 0x3F;
	c10[8] = 255;
	host_cmd(&h, 0, c10, 10, RD, BUF, 255, &d);
	ck_assert_uint_eq(d.xfer, 8 + 20 + 12);
	ck_assert_uint_eq(b[0] << 8 | b[1], 38);
	ck_assert_uint_eq(b[7], 0);
	ck_assert_uint_eq(b[8], 0x08);
	ck_assert_uint_eq(b[28], 0x0A);
	ck_assert_uint_eq(b[29], 0x0A);
	/* long LBA block descriptor */
	c10[1] = 0x10;
	c10[2] = 0x0A;
	host_cmd(&h, 0, c10, 10, RD, BUF, 255, &d);
	ck_assert_uint_eq(d.xfer, 8 + 16 + 12);
	ck_assert_uint_eq(b[4], 0x01);
	ck_assert_uint_eq(b[7], 16);
	ck_assert_uint_eq(getbe32(b + 12), NBLK);
	/* changeable values: nothing changeable */
	c6[2] = 0x48;
	host_cmd(&h, 0, c6, 6, RD, BUF, 255, &d);
	ck_assert_uint_eq(b[14], 0);
	/* saved values, an unknown page */
	c6[2] = 0xC8;
	host_cmd(&h, 0, c6, 6, RD, BUF, 255, &d);
	expect_sense(&d, 0x05, 0x39, 0x00, false, 0);
	c6[2] = 0x1C;
	host_cmd(&h, 0, c6, 6, RD, BUF, 255, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_start_stop)
{
	u8 ssu[6] = { 0x1B }, tur[6] = { 0 }, cdb[16];
	struct done d;
	struct host h;

	start(&h, _i);
	host_cmd(&h, 0, ssu, 6, 0, 0, 0, &d);		/* stop */
	good_fast(&d);
	host_cmd(&h, 0, tur, 6, 0, 0, 0, &d);
	expect_sense(&d, 0x02, 0x04, 0x02, false, 0);
	rw_cdb(cdb, false, 10, 0, 1, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 512, &d);
	expect_sense(&d, 0x02, 0x04, 0x02, false, 0);
	ssu[4] = 0x01;					/* start */
	host_cmd(&h, 0, ssu, 6, 0, 0, 0, &d);
	good_fast(&d);
	host_cmd(&h, 0, tur, 6, 0, 0, 0, &d);
	good_fast(&d);
	ssu[4] = 0x03;					/* LOEJ */
	host_cmd(&h, 0, ssu, 6, 0, 0, 0, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_report_luns_request_sense)
{
	u8 rl[12] = { 0xA0 }, rs[6] = { 0x03, 0, 0, 0, 18, 0 }, *b;
	u8 want[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	be32(rl + 6, 16);
	memset(b, 0xEE, 16);
	host_cmd(&h, 0, rl, 12, RD, BUF, 16, &d);
	good_fast(&d);
	ck_assert_uint_eq(getbe32(b), 8);
	ck_assert_uint_eq(getbe32(b + 4), 0);
	ck_assert_uint_eq(getbe32(b + 8), 0);
	ck_assert_uint_eq(getbe32(b + 12), 0);
	be32(rl + 6, 8);
	host_cmd(&h, 0, rl, 12, RD, BUF, 8, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);

	host_cmd(&h, 0, rs, 6, RD, BUF, 18, &d);
	good_fast(&d);
	ck_assert_mem_eq(b, want, 18);
	rs[1] = 0x01;					/* descriptor format */
	host_cmd(&h, 0, rs, 6, RD, BUF, 18, &d);
	expect_sense(&d, 0x05, 0x24, 0x00, false, 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_medium_errors)
{
	u8 cdb[16], *b;
	struct acxemu_stats st;
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	memset(b, 0x11, 4096);
	rw_cdb(cdb, true, 10, 8, 8, false);
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 4096, &d);
	good_fast(&d);
	ck_assert_int_eq(acxemu_medium_error_add(h.emu, 0, 10, 12, true, false), 0);
	memset(b, 0, 4096);
	rw_cdb(cdb, false, 10, 8, 8, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 4096, &d);
	expect_sense(&d, 0x03, 0x11, 0x00, true, 10);
	/* the blocks before the bad one were transferred */
	ck_assert_uint_eq(d.xfer, 1024);
	ck_assert_uint_eq(d.sflags, ACXXX_SFLAG_SENSE_VALID |
			  ACXXX_SFLAG_RESID_UNDER);
	ck_assert_uint_eq(d.residual, 3072);
	ck_assert_uint_eq(b[1023], 0x11);
	ck_assert_uint_eq(b[1024], 0);
	/* read-only error: writes work */
	rw_cdb(cdb, true, 10, 8, 8, false);
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 4096, &d);
	good_fast(&d);
	ck_assert_int_eq(acxemu_medium_error_add(h.emu, 0, 14, 14, false, true), 0);
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 4096, &d);
	expect_sense(&d, 0x03, 0x11, 0x00, true, 14);
	ck_assert_uint_eq(d.xfer, 3072);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.medium_errors, 2);
	ck_assert_int_eq(acxemu_medium_error_clear(h.emu, 0), 0);
	rw_cdb(cdb, false, 10, 8, 8, false);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 4096, &d);
	good_fast(&d);
	ck_assert_int_eq(acxemu_medium_error_add(h.emu, 9, 0, 1, true, true),
			 -ENOENT);
	host_fini(&h);
}
END_TEST

START_TEST(t_request_fields)
{
	u8 cdb[16], tur[6] = { 0 };
	struct acxxx_scsi_req *r;
	struct done d;
	struct host h;
	static const u32 bad_control[] = { 0x2F, 0x30 | 2, 0x18 | 2,
						0x100 | 0x2E };
	unsigned int i;

	start(&h, _i);
	r = (struct acxxx_scsi_req *)slot_frame(&h, 1);
	/* CDB length shorter than the opcode's group, or beyond 16 */
	rw_cdb(cdb, false, 10, 0, 1, false);
	host_build_scsi(&h, 1, 0, cdb, 10, RD, &(struct seg){ BUF, 512 }, 1,
			false, 0);
	r->cdb_len = 6;
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	host_return_frame(&h, &d);
	r->cdb_len = 17;
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	host_return_frame(&h, &d);
	/* direction 3, undefined task attributes, reserved control bits */
	for (i = 0; i < 4; i++) {
		host_build_scsi(&h, 1, 0, cdb, 10, RD, &(struct seg){ BUF, 512 },
				1, false, 0);
		r->control = cpu_to_le32(bad_control[i]);
		host_post(&h, 1);
		host_run(&h);
		ck_assert(host_reap(&h, &d));
		ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
		host_return_frame(&h, &d);
	}
	/* no direction but a data length */
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	r->data_len = cpu_to_le32(512);
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	host_return_frame(&h, &d);
	/* every task attribute the spec defines is accepted */
	for (i = 0; i < 6; i++) {
		static const u32 attr[] = { 0, 0x08, 0x10, 0x20, 0x28, 0x38 };

		host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
		r->control = cpu_to_le32(attr[i]);
		host_post(&h, 1);
		host_run(&h);
		ck_assert(host_reap(&h, &d) && d.fast);
	}
	host_fini(&h);
}
END_TEST

START_TEST(t_msg_id_and_function)
{
	u8 tur[6] = { 0 };
	struct acxxx_req_hdr *hdr;
	struct done d, e;
	struct host h;
	static const u8 bad_fn[] = { 0x04, 0x05, 0x09, 0x0A, 0x0C, 0x7F };
	unsigned int i;

	start(&h, _i);
	hdr = (struct acxxx_req_hdr *)slot_frame(&h, 2);
	/* identifier 0, low bits set, index beyond 511 */
	host_build_scsi(&h, 2, 0, tur, 6, 0, NULL, 0, false, 0);
	hdr->msg_id = 0;
	host_post(&h, 2);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FIELD);
	ck_assert_uint_eq(d.msg_id, 0);
	host_return_frame(&h, &d);
	hdr->msg_id = cpu_to_le32(0x9);
	host_post(&h, 2);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && d.status == ACXXX_RS_INVALID_FIELD);
	host_return_frame(&h, &d);
	hdr->msg_id = cpu_to_le32(512 << 2);
	host_post(&h, 2);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && d.status == ACXXX_RS_INVALID_FIELD);
	host_return_frame(&h, &d);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_BAD_MSG_ID), 3);
	/* two outstanding requests with one identifier: the second fails */
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_build_scsi(&h, 2, 0, tur, 6, 0, NULL, 0, false, 0);
	hdr->msg_id = cpu_to_le32(1 << 2);
	acxemu_fault_add(h.emu, &(struct acxemu_fault){
		.action = ACXEMU_FAULT_DROP, .fn = ACXXX_FN_SCSI_IO,
		.opcode = -1, .lun = -1, .count = 1 });
	host_post(&h, 1);
	host_post(&h, 2);
	host_run(&h);
	ck_assert(host_reap(&h, &e) && !e.fast);
	ck_assert_uint_eq(e.status, ACXXX_RS_INVALID_FIELD);
	ck_assert_uint_eq(e.msg_id, 4);
	ck_assert(!host_reap(&h, &d));
	host_return_frame(&h, &e);
	/* unsupported functions: pass-through, NT-only, unknown */
	for (i = 0; i < sizeof(bad_fn); i++) {
		host_build_scsi(&h, 3, 0, tur, 6, 0, NULL, 0, false, 0);
		((struct acxxx_req_hdr *)slot_frame(&h, 3))->function = bad_fn[i];
		host_post(&h, 3);
		host_run(&h);
		ck_assert(host_reap(&h, &d) && !d.fast);
		ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_FUNCTION);
		ck_assert_uint_eq(d.function, bad_fn[i]);
		host_return_frame(&h, &d);
	}
	host_fini(&h);
}
END_TEST

START_TEST(t_sense_block_problems)
{
	u8 cdb[16] = { 0xC0 };
	struct acxxx_scsi_req *r;
	struct done d;
	struct host h;

	start(&h, _i);
	r = (struct acxxx_scsi_req *)slot_frame(&h, 1);
	/* no room for a sense block */
	host_build_scsi(&h, 1, 0, cdb, 6, 0, NULL, 0, false, 0);
	r->sense_len = 0;
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_uint_eq(d.scsi_status, 0x02);
	ck_assert_uint_eq(d.scsi_state, ACXXX_SSTATE_AUTOSENSE_FAILED);
	ck_assert_uint_eq(d.sense_count, 0);
	ck_assert_uint_eq(d.sflags, 0);
	host_return_frame(&h, &d);
	/* an unmapped sense address */
	host_build_scsi(&h, 1, 0, cdb, 6, 0, NULL, 0, false, 0);
	r->sense_lo = cpu_to_le32(0xF0000000u);
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_uint_eq(d.scsi_status, 0x02);
	ck_assert_uint_eq(d.scsi_state, ACXXX_SSTATE_AUTOSENSE_FAILED);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_SENSE_DMA), 1);
	host_return_frame(&h, &d);
	host_fini(&h);
}
END_TEST

START_TEST(t_data_unmapped)
{
	u8 cdb[16], *b;
	struct done d;
	struct host h;

	start(&h, _i);
	b = data_ptr(&h, BUF);
	memset(b, 0x77, 1024);
	rw_cdb(cdb, true, 10, 0, 2, false);
	host_cmd(&h, 0, cdb, 10, WRT, BUF, 1024, &d);
	good_fast(&d);
	/* the second block's source is not mapped: nothing is written */
	memset(b, 0x99, 512);
	{
		struct seg s[2] = { { BUF, 512 }, { UNMAPPED, 512 } };

		host_build_scsi(&h, 1, 0, cdb, 10, WRT, s, 2, false, 0);
	}
	host_post(&h, 1);
	host_run(&h);
	ck_assert(host_reap(&h, &d) && !d.fast);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	host_return_frame(&h, &d);
	rw_cdb(cdb, false, 10, 0, 2, false);
	memset(b, 0, 1024);
	host_cmd(&h, 0, cdb, 10, RD, BUF, 1024, &d);
	good_fast(&d);
	ck_assert_uint_eq(b[0], 0x77);
	ck_assert_uint_eq(b[1023], 0x77);
	/* and a read into an unmapped buffer */
	host_cmd(&h, 0, cdb, 10, RD, UNMAPPED, 1024, &d);
	ck_assert_uint_eq(d.status, ACXXX_RS_INVALID_BDL);
	ck_assert_uint_eq(stat_rej(&h, ACXEMU_REJ_DMA_DATA), 2);
	host_fini(&h);
}
END_TEST

START_TEST(t_buffers_below_4g)
{
	u8 cdb[16];
	struct done d;
	struct host h;

	start(&h, _i);
	memset(data_ptr(&h, DATA_LO_BASE), 0x42, 4096);
	rw_cdb(cdb, true, 16, 1000, 8, false);
	host_cmd(&h, 0, cdb, 16, WRT, DATA_LO_BASE, 4096, &d);
	good_fast(&d);
	rw_cdb(cdb, false, 16, 1000, 8, false);
	host_cmd(&h, 0, cdb, 16, RD, BUF, 4096, &d);
	good_fast(&d);
	ck_assert_mem_eq(data_ptr(&h, BUF), data_ptr(&h, DATA_LO_BASE), 4096);
	host_fini(&h);
}
END_TEST

Suite *suite_scsi(void)
{
	Suite *s = suite_create("scsi");
	TCase *tc = tcase_create("scsi");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_tur_and_absent_lun, 0, 3);
	tcase_add_loop_test(tc, t_inquiry_standard, 0, 3);
	tcase_add_loop_test(tc, t_inquiry_vpd, 0, 3);
	tcase_add_loop_test(tc, t_unknown_opcode, 0, 3);
	tcase_add_loop_test(tc, t_read_capacity, 0, 3);
	tcase_add_loop_test(tc, t_read_write_all_sizes, 0, 3);
	tcase_add_loop_test(tc, t_lba_checks, 0, 3);
	tcase_add_loop_test(tc, t_over_and_underrun, 0, 3);
	tcase_add_loop_test(tc, t_buffer_longer_than_command, 0, 3);
	tcase_add_loop_test(tc, t_direction_mismatch, 0, 3);
	tcase_add_loop_test(tc, t_verify, 0, 3);
	tcase_add_loop_test(tc, t_sync_cache, 0, 3);
	tcase_add_loop_test(tc, t_mode_sense, 0, 3);
	tcase_add_loop_test(tc, t_start_stop, 0, 3);
	tcase_add_loop_test(tc, t_report_luns_request_sense, 0, 3);
	tcase_add_loop_test(tc, t_medium_errors, 0, 3);
	tcase_add_loop_test(tc, t_request_fields, 0, 3);
	tcase_add_loop_test(tc, t_msg_id_and_function, 0, 3);
	tcase_add_loop_test(tc, t_sense_block_problems, 0, 3);
	tcase_add_loop_test(tc, t_data_unmapped, 0, 3);
	tcase_add_loop_test(tc, t_buffers_below_4g, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
