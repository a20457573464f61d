// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Write-back cache of the model's volumes (16.20): data reaches the backing
 * file only through SYNCHRONIZE CACHE, FUA, cache pressure, STOP UNIT,
 * volume removal or a clean stop; a power loss discards the rest.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

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

static void write10(struct host *h, unsigned int lun, u32 lba, u16 n,
		    u8 fill, bool fua)
{
	u8 cdb[10] = { 0x2A };
	struct done d;

	be32(cdb + 2, lba);
	cdb[1] = fua ? 0x08 : 0;
	cdb[7] = n >> 8;
	cdb[8] = n;
	memset(data_ptr(h, BUF), fill, n * 512u);
	host_cmd(h, lun, cdb, 10, ACXXX_CTL_DIR_WRITE, BUF, n * 512u, &d);
	ck_assert(d.fast);
}

static bool read10_is(struct host *h, unsigned int lun, u32 lba,
		      u16 n, u8 fill)
{
	u8 cdb[10] = { 0x28 }, *b = data_ptr(h, BUF);
	struct done d;
	unsigned int i;

	be32(cdb + 2, lba);
	cdb[7] = n >> 8;
	cdb[8] = n;
	memset(b, ~fill, n * 512u);
	host_cmd(h, lun, cdb, 10, ACXXX_CTL_DIR_READ, BUF, n * 512u, &d);
	ck_assert(d.fast);
	for (i = 0; i < n * 512u; i++)
		if (b[i] != fill)
			return false;
	return true;
}

/* What the backing medium holds, read past the cache. */
static bool medium_is(struct host *h, unsigned int lun, u32 lba,
		      u16 n, u8 fill)
{
	static u8 buf[1 << 20];
	unsigned int i;

	ck_assert_int_eq(acxemu_volume_read_medium(h->emu, lun, lba * 512ull,
						   buf, n * 512u), 0);
	for (i = 0; i < n * 512u; i++)
		if (buf[i] != fill)
			return false;
	return true;
}

/* The backing file itself, read with stdio. */
static bool file_is(struct host *h, u32 lba, u16 n, u8 fill)
{
	char path[128];
	u8 buf[4096];
	unsigned int i;
	FILE *f;
	bool ok;

	ck_assert_uint_le(n * 512u, sizeof(buf));
	snprintf(path, sizeof(path), "%s/lun0.img", h->tmpdir);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, lba * 512L, SEEK_SET), 0);
	ok = fread(buf, 1, n * 512u, f) == n * 512u;
	fclose(f);
	for (i = 0; ok && i < n * 512u; i++)
		if (buf[i] != fill)
			ok = false;
	return ok;
}

static u64 dirty(struct host *h, unsigned int lun)
{
	struct acxemu_volume_info vi;

	ck_assert_int_eq(acxemu_volume_info(h->emu, lun, &vi), 0);
	return vi.dirty_bytes;
}

static void sync10(struct host *h, unsigned int lun, u32 lba, u16 n)
{
	u8 cdb[10] = { 0x35 };
	struct done d;

	be32(cdb + 2, lba);
	cdb[7] = n >> 8;
	cdb[8] = n;
	host_cmd(h, lun, cdb, 10, 0, 0, 0, &d);
	ck_assert(d.fast);
}

START_TEST(t_sync_cache_reaches_file)
{
	struct host_opts o = { .file_volume = true };
	u8 c16[16] = { 0x91 };
	struct acxemu_volume_info vi;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	ck_assert_int_eq(acxemu_volume_info(h.emu, 0, &vi), 0);
	ck_assert(!vi.mem);
	ck_assert_uint_eq(vi.size, 16u << 20);
	ck_assert(file_is(&h, 0, 1, 0));
	write10(&h, 0, 10, 4, 0xA1, false);
	/* in the cache only: reads see it, the file does not */
	ck_assert(read10_is(&h, 0, 10, 4, 0xA1));
	ck_assert(file_is(&h, 10, 4, 0));
	ck_assert(medium_is(&h, 0, 10, 4, 0));
	ck_assert_uint_eq(dirty(&h, 0), 2048);
	sync10(&h, 0, 0, 0);
	ck_assert(file_is(&h, 10, 4, 0xA1));
	ck_assert_uint_eq(dirty(&h, 0), 0);
	/* SYNCHRONIZE CACHE(16) of a range flushes that range only */
	write10(&h, 0, 20, 2, 0xB2, false);
	write10(&h, 0, 5000, 2, 0xC3, false);
	c16[13] = 100;
	host_cmd(&h, 0, c16, 16, 0, 0, 0, &d);
	ck_assert(d.fast);
	ck_assert(file_is(&h, 20, 2, 0xB2));
	ck_assert(file_is(&h, 5000, 2, 0));
	ck_assert_uint_eq(dirty(&h, 0), 1024);
	/* a partial overlap: SYNC(10) of block 5001 only */
	sync10(&h, 0, 5001, 1);
	ck_assert(file_is(&h, 5000, 1, 0));
	ck_assert(file_is(&h, 5001, 1, 0xC3));
	ck_assert_uint_eq(dirty(&h, 0), 512);
	host_fini(&h);
}
END_TEST

START_TEST(t_fua_reaches_file)
{
	struct host_opts o = { .file_volume = true };
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 30, 2, 0x11, false);
	write10(&h, 0, 31, 2, 0x22, true);
	/* the FUA blocks are on the file, the cached one is not */
	ck_assert(file_is(&h, 30, 1, 0));
	ck_assert(file_is(&h, 31, 2, 0x22));
	ck_assert_uint_eq(dirty(&h, 0), 512);
	ck_assert(read10_is(&h, 0, 30, 1, 0x11));
	ck_assert(read10_is(&h, 0, 31, 2, 0x22));
	host_fini(&h);
}
END_TEST

START_TEST(t_power_loss_discards)
{
	struct host_opts o = { .file_volume = true };
	u8 tur[6] = { 0 };
	unsigned int reads, writes;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 40, 1, 0x5A, false);
	sync10(&h, 0, 40, 1);
	write10(&h, 0, 40, 1, 0x6B, false);	/* newer, unflushed */
	write10(&h, 5, 3, 1, 0x7C, false);	/* memory volume */
	acxemu_power_loss(h.emu);
	ck_assert(acxemu_is_dead(h.emu));
	ck_assert(!acxemu_irq_level(h.emu));
	ck_assert(medium_is(&h, 0, 40, 1, 0x5A));
	ck_assert(medium_is(&h, 5, 3, 1, 0));
	ck_assert_uint_eq(dirty(&h, 0), 0);
	/* dead: all ones, writes ignored, no DMA */
	ck_assert_uint_eq(rd(&h, ACXXX_REG_REPLY_PORT), 0xFFFFFFFFu);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), 0xFFFFFFFFu);
	ck_assert_uint_eq(acxemu_reg_read(h.emu, ACXXX_REG_OUT_FREE_CI, 2),
			  0xFFFF);
	reads = h.dma_reads;
	writes = h.dma_writes;
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	wr(&h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(1));
	host_run(&h);
	ck_assert_uint_eq(h.dma_reads, reads);
	ck_assert_uint_eq(h.dma_writes, writes);
	/* no flush at destroy either: the power is gone */
	acxemu_destroy(h.emu);
	h.emu = NULL;
	ck_assert(file_is(&h, 40, 1, 0x5A));
	host_fini(&h);
}
END_TEST

START_TEST(t_clean_stop_flushes)
{
	struct host_opts o = { .file_volume = true };
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 50, 3, 0x3D, false);
	ck_assert(file_is(&h, 50, 3, 0));
	acxemu_destroy(h.emu);
	h.emu = NULL;
	ck_assert(file_is(&h, 50, 3, 0x3D));
	host_fini(&h);
}
END_TEST

START_TEST(t_cache_pressure)
{
	/* two 32 KiB lines of dirty data at most */
	struct host_opts o = { .file_volume = true, .cache_max_dirty = 64 << 10 };
	struct acxemu_stats st;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 0, 1, 0x01, false);
	write10(&h, 0, 64, 1, 0x02, false);
	ck_assert(file_is(&h, 0, 1, 0));
	write10(&h, 0, 128, 1, 0x03, false);
	/* the oldest line was written back */
	ck_assert(file_is(&h, 0, 1, 0x01));
	ck_assert(file_is(&h, 64, 1, 0));
	ck_assert(file_is(&h, 128, 1, 0));
	ck_assert_uint_eq(dirty(&h, 0), 1024);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.cache_writebacks, 1);
	ck_assert(read10_is(&h, 0, 0, 1, 0x01));
	ck_assert(read10_is(&h, 0, 64, 1, 0x02));
	host_fini(&h);
}
END_TEST

START_TEST(t_stop_and_remove_flush)
{
	struct host_opts o = { .file_volume = true };
	u8 ssu[6] = { 0x1B };
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 60, 1, 0x44, false);
	host_cmd(&h, 0, ssu, 6, 0, 0, 0, &d);		/* STOP UNIT */
	ck_assert(d.fast);
	ck_assert(file_is(&h, 60, 1, 0x44));
	ssu[4] = 1;
	host_cmd(&h, 0, ssu, 6, 0, 0, 0, &d);
	write10(&h, 0, 61, 1, 0x55, false);
	ck_assert(file_is(&h, 61, 1, 0));
	ck_assert_int_eq(acxemu_volume_remove(h.emu, 0), 0);
	ck_assert(file_is(&h, 61, 1, 0x55));
	host_fini(&h);
}
END_TEST

START_TEST(t_flush_all_and_reopen)
{
	struct host_opts o = { .file_volume = true };
	struct acxemu_volume_config v;
	char path[128];
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 70, 2, 0x66, false);
	ck_assert_int_eq(acxemu_flush_all(h.emu), 0);
	ck_assert(file_is(&h, 70, 2, 0x66));
	/* the same file as another volume: size taken from the file */
	snprintf(path, sizeof(path), "%s/lun0.img", h.tmpdir);
	memset(&v, 0, sizeof(v));
	v.lun = 7;
	v.path = path;
	ck_assert_int_eq(acxemu_volume_add(h.emu, &v, NULL, 0), 0);
	ck_assert(read10_is(&h, 7, 70, 2, 0x66));
	/* bad volume configurations are refused with a message */
	{
		char err[256] = "";

		v.lun = 8;
		v.path = "/nonexistent-dir/x.img";
		ck_assert_int_lt(acxemu_volume_add(h.emu, &v, err, sizeof(err)), 0);
		ck_assert_ptr_nonnull(strstr(err, "nonexistent"));
		v.path = NULL;
		v.size = 1000;
		ck_assert_int_eq(acxemu_volume_add(h.emu, &v, err, sizeof(err)),
				 -EINVAL);
		v.size = 4096;
		v.naa = "7000000000000000";
		ck_assert_int_eq(acxemu_volume_add(h.emu, &v, err, sizeof(err)),
				 -EINVAL);
		v.naa = "60000000000000000000000000000001";
		v.serial = "MYSERIAL";
		ck_assert_int_eq(acxemu_volume_add(h.emu, &v, err, sizeof(err)), 0);
	}
	{
		struct acxemu_volume_info vi;

		ck_assert_int_eq(acxemu_volume_info(h.emu, 8, &vi), 0);
		ck_assert_str_eq(vi.naa, "60000000000000000000000000000001");
		ck_assert_str_eq(vi.serial, "MYSERIAL");
	}
	host_fini(&h);
}
END_TEST

/*
 * A PCI function reset restarts the firmware: outstanding work dropped
 * without a DMA, registers back to power-on values, a first handshake
 * again; acknowledged writes in the cache stay.
 */
START_TEST(t_reset_keeps_cache)
{
	struct host_opts o = { .file_volume = true };
	u8 tur[6] = { 0 };
	struct acxemu_stats st;
	unsigned int writes;
	struct done d;
	struct host h;

	host_init(&h, fam_dev[_i], &o);
	host_start(&h);
	write10(&h, 0, 40, 1, 0x6B, false);	/* acknowledged, unflushed */
	host_build_scsi(&h, 1, 0, tur, 6, 0, NULL, 0, false, 0);
	host_post(&h, 1);
	acxemu_reset(h.emu);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.resets, 1);
	ck_assert_uint_eq(st.reinits, 0);
	ck_assert_uint_eq(st.cancelled, 1);
	ck_assert_uint_eq(st.outstanding, 0);
	ck_assert_uint_eq(st.free_frames, 0);
	ck_assert_uint_eq(st.scratch2, 0);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_IMASK_OFF);
	ck_assert(!acxemu_irq_level(h.emu));
	ck_assert(!acxemu_is_dead(h.emu));
	writes = h.dma_writes;
	host_run(&h);
	ck_assert(!host_reap(&h, &d));
	ck_assert_uint_eq(h.dma_writes, writes);
	ck_assert_uint_eq(dirty(&h, 0), 512);
	ck_assert(!medium_is(&h, 0, 40, 1, 0x6B));
	/* a first handshake again, then the data is served from the cache */
	host_start(&h);
	acxemu_get_stats(h.emu, &st);
	ck_assert_uint_eq(st.reinits, 0);
	ck_assert(read10_is(&h, 0, 40, 1, 0x6B));
	host_fini(&h);
}
END_TEST

Suite *suite_cache(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_sync_cache_reaches_file, 0, 3);
	tcase_add_loop_test(tc, t_fua_reaches_file, 0, 3);
	tcase_add_loop_test(tc, t_power_loss_discards, 0, 3);
	tcase_add_loop_test(tc, t_reset_keeps_cache, 0, 3);
	tcase_add_loop_test(tc, t_clean_stop_flushes, 0, 3);
	tcase_add_loop_test(tc, t_cache_pressure, 0, 3);
	tcase_add_loop_test(tc, t_stop_and_remove_flush, 0, 3);
	tcase_add_loop_test(tc, t_flush_all_and_reopen, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
