// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The model's cost counters (what `make bench` reads): register reads and
 * writes per register, reply pops and empty reads, replies per interrupt,
 * the transport's INTx and MSI counts, DMA bytes, and `stats reset`.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "suites.h"

static const u16 devs[] = { 0x6201, 0x6232, 0x6240 };

#define SLOT(r)		((r) / 4)

/* READ(10) or WRITE(10) of 8 blocks (4 KiB) at LBA 64 of LUN 0. */
static void cdb_rw(u8 *c, bool write)
{
	memset(c, 0, 16);
	c[0] = write ? 0x2A : 0x28;
	c[5] = 64;
	c[8] = 8;
}

static void get(struct host *h, struct acxemu_stats *st)
{
	acxemu_get_stats(h->emu, st);
}

/* One 4 KiB read costs exactly what the protocol says, in registers and DMA. */
START_TEST(t_stats_registers_dma)
{
	bool doorbells = devs[_i] != 0x6201;
	struct acxemu_stats st, rd_st;
	struct host h;
	struct done d;
	u8 cdb[16];
	unsigned int i;

	host_init(&h, devs[_i], NULL);
	host_start(&h);
	get(&h, &st);
	ck_assert_uint_gt(st.reg_writes[SLOT(ACXXX_REG_REPLY_PORT)], 0);
	acxemu_stats_reset(h.emu);
	get(&h, &st);
	for (i = 0; i < ACXEMU_REG_SLOTS; i++) {
		ck_assert_uint_eq(st.reg_reads[i], 0);
		ck_assert_uint_eq(st.reg_writes[i], 0);
	}
	ck_assert_uint_eq(st.posts, 0);
	ck_assert_uint_eq(st.dma_read_bytes + st.dma_write_bytes, 0);

	cdb_rw(cdb, false);
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 4096, &d);
	ck_assert(d.fast);
	get(&h, &rd_st);
	/* host_cmd: room read (2208/3108), post, pop, one empty read */
	ck_assert_uint_eq(rd_st.reg_writes[SLOT(ACXXX_REG_REQUEST_PORT)], 1);
	ck_assert_uint_eq(rd_st.reg_reads[SLOT(ACXXX_REG_REQUEST_PORT)],
			  doorbells ? 1 : 0);
	ck_assert_uint_eq(rd_st.reg_reads[SLOT(ACXXX_REG_REPLY_PORT)], 2);
	ck_assert_uint_eq(rd_st.reply_pops, 1);
	ck_assert_uint_eq(rd_st.reply_empty, 1);
	ck_assert_uint_eq(rd_st.posts, 1);
	/* a fast reply: only the data goes to the host */
	ck_assert_uint_eq(rd_st.dma_write_bytes, 4096);
	ck_assert_uint_gt(rd_st.dma_read_bytes, 0);	/* the frame */
	ck_assert_uint_eq(rd_st.bytes_read, 4096);

	acxemu_stats_reset(h.emu);
	cdb_rw(cdb, true);
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_WRITE, DATA_HI_BASE, 4096, &d);
	ck_assert(d.fast);
	get(&h, &st);
	/* the same frame, plus the data out */
	ck_assert_uint_eq(st.dma_read_bytes, rd_st.dma_read_bytes + 4096);
	ck_assert_uint_eq(st.dma_write_bytes, 0);
	ck_assert_uint_eq(st.bytes_written, 4096);

	/* an access beyond the named registers, and a bad size, count too */
	acxemu_stats_reset(h.emu);
	rd(&h, 0x1000);
	acxemu_reg_read(h.emu, ACXXX_REG_OUT_INT_MASK, 3);
	wr(&h, 0x3FFC, 0);
	get(&h, &st);
	ck_assert_uint_eq(st.reg_reads[ACXEMU_REG_SLOT_OTHER], 1);
	ck_assert_uint_eq(st.reg_writes[ACXEMU_REG_SLOT_OTHER], 1);
	ck_assert_uint_eq(st.reg_reads[SLOT(ACXXX_REG_OUT_INT_MASK)], 1);
	host_fini(&h);
}
END_TEST

/* Post n commands in slots 1..n, let the model answer them all. */
static void post_batch(struct host *h, unsigned int n)
{
	struct seg s = { DATA_HI_BASE, 4096 };
	unsigned int i;
	u8 cdb[16];

	cdb_rw(cdb, false);
	for (i = 1; i <= n; i++) {
		host_build_scsi(h, i, 0, cdb, 10, ACXXX_CTL_DIR_READ, &s, 1,
				false, 0);
		host_post(h, i);
	}
	host_run(h);
	ck_assert(h->irq);
}

static void reap_all(struct host *h, unsigned int n)
{
	struct done d;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ck_assert(host_reap(h, &d));
		if (!d.fast)
			host_return_frame(h, &d);
	}
	ck_assert(!host_reap(h, &d));
	ck_assert(!h->irq);
}

/* Replies per interrupt: pops between two rising edges, one histogram. */
START_TEST(t_stats_batches)
{
	struct acxemu_stats st;
	struct host h;
	unsigned int i;

	host_init(&h, devs[_i], NULL);
	host_start(&h);
	acxemu_stats_reset(h.emu);
	post_batch(&h, 5);		/* edge 1 */
	reap_all(&h, 5);
	post_batch(&h, 3);		/* edge 2: 5 replies for edge 1 */
	reap_all(&h, 3);
	post_batch(&h, 20);		/* edge 3: 3 replies for edge 2 */
	reap_all(&h, 20);
	post_batch(&h, 1);		/* edge 4: 20 replies for edge 3 */
	get(&h, &st);
	ck_assert_uint_eq(st.irqs_raised, 4);
	ck_assert_uint_eq(st.reply_pops, 28);
	for (i = 0; i < ACXEMU_BATCH_BUCKETS; i++)
		ck_assert_uint_eq(st.irq_batch[i],
				  i == acxemu_batch_bucket(5) ||
				  i == acxemu_batch_bucket(3) ||
				  i == acxemu_batch_bucket(20));
	ck_assert_uint_eq(st.irq_batch[3], 1);		/* 3 */
	ck_assert_uint_eq(st.irq_batch[4], 1);		/* 4-7 */
	ck_assert_uint_eq(st.irq_batch[6], 1);		/* 16-31 */

	/* a reset forgets the open batch: the next edge records nothing */
	reap_all(&h, 1);
	acxemu_stats_reset(h.emu);
	post_batch(&h, 2);
	reap_all(&h, 2);
	post_batch(&h, 1);
	get(&h, &st);
	ck_assert_uint_eq(st.irqs_raised, 2);
	ck_assert_uint_eq(st.irq_batch[2], 1);
	ck_assert_uint_eq(st.irq_batch[0] + st.irq_batch[1] + st.irq_batch[3], 0);
	host_fini(&h);
}
END_TEST

START_TEST(t_stats_buckets)
{
	static const struct {
		u64 n;
		unsigned int b;
		const char *name;
	} t[] = {
		{ 0, 0, "0" }, { 1, 1, "1" }, { 2, 2, "2" }, { 3, 3, "3" },
		{ 4, 4, "4-7" }, { 7, 4, "4-7" }, { 8, 5, "8-15" },
		{ 15, 5, "8-15" }, { 16, 6, "16-31" }, { 31, 6, "16-31" },
		{ 32, 7, "32-63" }, { 63, 7, "32-63" }, { 64, 8, "64+" },
		{ 100000, 8, "64+" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_uint_eq(acxemu_batch_bucket(t[i].n), t[i].b);
		ck_assert_str_eq(acxemu_batch_bucket_name(t[i].b), t[i].name);
	}
	ck_assert_ptr_null(acxemu_batch_bucket_name(ACXEMU_BATCH_BUCKETS));
	ck_assert_str_eq(acxemu_reg_slot_name(ACXXX_REG_REPLY_PORT / 4),
			 "REPLY_PORT");
	ck_assert_str_eq(acxemu_reg_slot_name(ACXXX_REG_OUT_DOORBELL / 4),
			 "OUT_DOORBELL");
	ck_assert_ptr_null(acxemu_reg_slot_name(ACXEMU_REG_SLOT_OTHER));
}
END_TEST

/* INTx and MSI come from the transport; a reset takes them from there on. */
START_TEST(t_stats_transport_irqs)
{
	struct acxemu_stats st;
	struct host h;

	host_init(&h, 0x6240, NULL);
	h.intx = 10;
	h.msi = 3;
	get(&h, &st);
	ck_assert_uint_eq(st.intx, 10);
	ck_assert_uint_eq(st.msi, 3);
	acxemu_stats_reset(h.emu);
	get(&h, &st);
	ck_assert_uint_eq(st.intx, 0);
	ck_assert_uint_eq(st.msi, 0);
	h.intx = 15;
	h.msi = 4;
	get(&h, &st);
	ck_assert_uint_eq(st.intx, 5);
	ck_assert_uint_eq(st.msi, 1);
	host_fini(&h);
}
END_TEST

static char out[16384];

static void ctl_ok(struct host *h, const char *line)
{
	acxemu_ctl_exec(h->emu, line, out, sizeof(out));
	ck_assert_msg(!strncmp(out, "ok", 2), "'%s' -> '%s'", line, out);
}

/* The control protocol shows the counters and zeroes them. */
START_TEST(t_stats_ctl)
{
	struct host h;
	struct done d;
	u8 cdb[16];

	host_init(&h, 0x6240, NULL);
	host_start(&h);
	h.intx = 7;
	cdb_rw(cdb, false);
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 4096, &d);
	ctl_ok(&h, "stats");
	ck_assert_ptr_nonnull(strstr(out, " rd_REQUEST_PORT=1 wr_REQUEST_PORT=1"));
	ck_assert_ptr_nonnull(strstr(out, " reply_pops=1 reply_empty=1 intx=7 msi=0"));
	ck_assert_ptr_nonnull(strstr(out, " dma_write_bytes=4096"));
	ck_assert_ptr_nonnull(strstr(out, " rpi_0=0 rpi_1=0 "));
	ck_assert_ptr_nonnull(strstr(out, " rpi_64+=0"));
	ck_assert_ptr_nonnull(strstr(out, " wr_IN_DOORBELL="));
	ck_assert_ptr_nonnull(strstr(out, " rd_REPLY_PORT=2"));
	ck_assert_ptr_null(strchr(out, '\n'));
	ctl_ok(&h, "stats reset");
	ck_assert_str_eq(out, "ok");
	ctl_ok(&h, "stats");
	ck_assert_ptr_nonnull(strstr(out, "ok posts=0 "));
	ck_assert_ptr_nonnull(strstr(out, " intx=0 "));
	ck_assert_ptr_nonnull(strstr(out, " dma_read_bytes=0 dma_write_bytes=0"));
	ck_assert_ptr_null(strstr(out, " rd_"));
	ck_assert_ptr_null(strstr(out, " wr_"));
	acxemu_ctl_exec(h.emu, "stats reset now", out, sizeof(out));
	ck_assert_msg(!strncmp(out, "err ", 4), "%s", out);
	/* the model works as before */
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 4096, &d);
	ck_assert(d.fast);
	ctl_ok(&h, "stats");
	ck_assert_ptr_nonnull(strstr(out, "ok posts=1 "));
	host_fini(&h);
}
END_TEST

Suite *suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_stats_registers_dma, 0, 3);
	tcase_add_loop_test(tc, t_stats_batches, 0, 3);
	tcase_add_test(tc, t_stats_buckets);
	tcase_add_test(tc, t_stats_transport_irqs);
	tcase_add_test(tc, t_stats_ctl);
	suite_add_tcase(s, tc);
	return s;
}
