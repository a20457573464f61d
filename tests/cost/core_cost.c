// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core cost: the core's share of one SCSI I/O, measured in
 * instructions under callgrind (tests/cost/run).
 *
 * One I/O is what the driver asks of the core on its hot path: encode the
 * request into its slot, mark the slot outstanding, take the value to
 * post, decode the reply and turn it into a verdict.  Each I/O runs in
 * one_io(), which callgrind alone counts; everything else (setting up,
 * choosing the next command) is left out.
 *
 * Modes:
 *   read4k   a READ (10) of 4 KiB in one segment, completed by a fast reply
 *   mix      the loop test's mix: 1 to 1,024 blocks in 1 to 128 segments
 *            (the placement limits of 5.6 often), four CDB sizes, reads
 *            and writes
 * Built with -DCOST_OLD_API it uses only the array encoder
 * acxxx_encode_scsi() and no verdict, so it also measures a core from
 * before the element-by-element encoder.
 *
 * Usage: acxxx-core-cost read4k|mix [N] [341|2208|3108]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acxxx_core.h"

#define NSLOTS	64
#define CTL_DMA	0x1F0000000ULL

struct job {
	struct acxxx_scsi_cmd cmd;
	u8 cdb[16];
	struct acxxx_sge sgl[ACXXX_MAX_SGE];
};

static u64 rng = 0x5EED5EEDULL;
static u32 sink;		/* printed at the end: nothing is optimised away */

static u32 rnd_below(u32 n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (u32)((rng * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static void one_io(struct acxxx_ctl *c, u16 slot, const struct job *j)
{
	struct acxxx_cpl cpl;
#ifndef COST_OLD_API
	struct acxxx_verdict v;
	struct acxxx_enc e;
	u32 i;

	if (acxxx_encode_scsi_begin(c, &e, slot, &j->cmd))
		abort();
	for (i = 0; i < j->cmd.nr_sge; i++)
		acxxx_encode_sge(&e, j->sgl[i].addr, j->sgl[i].len);
	if (acxxx_encode_scsi_end(&e))
		abort();
#else
	if (acxxx_encode_scsi(c, slot, &j->cmd))
		abort();
#endif
	if (acxxx_slot_start(c, slot))
		abort();
	sink = acxxx_post_value(c, slot);
	if (acxxx_decode_reply(c, acxxx_msgid(slot), &cpl, NULL, 0))
		abort();
#ifndef COST_OLD_API
	acxxx_scsi_verdict(&cpl, &v);
	sink = v.host | v.residual;
#else
	sink = cpl.reply_status | cpl.residual;
#endif
}

/*
 * Called through a pointer other files could change, so the compiler
 * keeps one_io() a function of its own for callgrind to count.
 */
void (*cost_io)(struct acxxx_ctl *c, u16 slot, const struct job *j) = one_io;

static void make_read4k(struct job *j, u16 slot)
{
	memset(j->cdb, 0, sizeof(j->cdb));
	j->cdb[0] = 0x28;
	j->cdb[5] = (u8)slot;
	j->cdb[8] = 8;
	j->sgl[0].addr = 0x880000000ULL + (u64)slot * 4096;
	j->sgl[0].len = 4096;
	j->cmd.cdb_len = 10;
	j->cmd.dir = ACXXX_CTL_DIR_READ;
	j->cmd.data_len = 4096;
	j->cmd.nr_sge = 1;
}

/* The loop test's distribution (tests/loop/loop.c pick_blocks/build_sgl). */
static void make_mix(struct job *j)
{
	static const u32 edges[] = { 1, 29, 30, 39, 40, 128 };
	static const u8 ops[4][2] = {
		{ 0x08, 0x0A }, { 0x28, 0x2A }, { 0xA8, 0xAA }, { 0x88, 0x8A },
	};
	static const u8 lens[4] = { 6, 10, 12, 16 };
	u32 r = rnd_below(100), blocks, len, left, want, i, form;
	bool wr = rnd_below(2);
	u64 addr = 0x300000000ULL + rnd_below(4096);

	blocks = r < 50 ? 1 + rnd_below(16) :
		 r < 85 ? 17 + rnd_below(240) : 257 + rnd_below(768);
	len = blocks * 512;
	want = rnd_below(4) ? 1 + rnd_below(ACXXX_MAX_SGE) : edges[rnd_below(6)];
	if (want > len)
		want = len;
	form = blocks <= 256 ? rnd_below(4) : 1 + rnd_below(3);
	memset(j->cdb, 0, sizeof(j->cdb));
	j->cdb[0] = ops[form][wr];
	j->cmd.cdb_len = lens[form];
	left = len;
	for (i = 0; i < want; i++) {
		u32 remain = want - 1 - i;
		u32 max = left - remain, avg = left / (remain + 1);
		u32 n = remain ? 1 + rnd_below(max < 2 * avg ? max : 2 * avg) :
			left;

		j->sgl[i].addr = addr;
		j->sgl[i].len = n;
		addr += n + rnd_below(64);
		left -= n;
	}
	j->cmd.dir = wr ? ACXXX_CTL_DIR_WRITE : ACXXX_CTL_DIR_READ;
	j->cmd.data_len = len;
	j->cmd.nr_sge = want;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "read4k";
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 10000, k;
	const char *dn = argc > 3 ? argv[3] : "3108";
	enum acxxx_dialect d = !strcmp(dn, "341") ? ACXXX_DIALECT_341 :
			       !strcmp(dn, "2208") ? ACXXX_DIALECT_2208 :
			       ACXXX_DIALECT_3108;
	static struct job jobs[NSLOTS];
	struct acxxx_layout lay;
	struct acxxx_ctl *c = calloc(1, sizeof(*c));
	bool mix = !strcmp(mode, "mix");
	void *mem;
	u16 s;

	if (!c || (!mix && strcmp(mode, "read4k")) ||
	    acxxx_layout_init(&lay, NSLOTS + ACXXX_FIRST_IO_SLOT, ACXXX_MAX_SGE))
		return 2;
	mem = aligned_alloc(4096, (lay.size + 4095) & ~4095u);
	if (!mem || acxxx_ctl_init(c, d, &lay, mem, CTL_DMA))
		return 2;
	for (k = 0; k < n; k++) {
		s = (u16)(k % NSLOTS);
		struct job *j = &jobs[s];

		j->cmd.cdb = j->cdb;
		j->cmd.sgl = j->sgl;
		j->cmd.task_attr = ACXXX_CTL_ATTR_UNTAGGED;
		if (mix)
			make_mix(j);
		else
			make_read4k(j, s);
		cost_io(c, s + ACXXX_FIRST_IO_SLOT, j);
	}
	printf("core-cost: %lu %s I/Os on the %s (%u)\n", n, mode, dn, sink);
	free(mem);
	free(c);
	return 0;
}
