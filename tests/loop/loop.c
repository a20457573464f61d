// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx loop test: the OS-neutral core drives the device model in one
 * process, with function calls standing in for MMIO and DMA (the way
 * nvme-loop tests the nvme host core against the target).
 *
 * The host side is a small driver written over the core, like the Linux
 * glue, and it runs the driver's own protocol logic from the core rather
 * than a copy of it: the handshake state machine on a real clock, the
 * start sequence (reply frames, page 0, events on, SCRATCH2) and the stop
 * sequence (flush, events off, detach), the frame-return ring with the
 * 2208's free-FIFO credit, the dialect table, the element-by-element
 * encoder, the completion and abort verdicts.  What is left here is only
 * the register access, waiting, and checking the results against the
 * model.  Bus memory is process memory placed at chosen bus
 * addresses: the control block ends exactly at a 4 GiB boundary, data
 * buffers sit above 4 GiB (some across a 4 GiB boundary) and below it.
 *
 * Random reads and writes of random sizes, segment counts (direct and list
 * mode, up to 128) and byte alignments are verified against a shadow copy
 * of every volume, while faults are injected: busy replies, delays, dropped
 * commands (aborted through task management), medium errors, re-inits
 * with commands outstanding, LUN hot-plug with its events, a volume that
 * is not there.  At the end every volume is flushed and its backing medium
 * compared with the shadow, and a power loss after a flush must keep every
 * write acknowledged before it.
 *
 * Usage: acxxx-loop [--ios N] [--seed S] [--dialect 341|2208|3108|all]
 *                   [--simple-4k]
 * Prints one line per dialect and "loop: N passed, N failed".
 *
 * --simple-4k: only single-segment 4 KiB reads, no faults, no hot-plug,
 * no re-init: the plain hot path, for make bench's measurement of the
 * core's instructions per I/O (tests/bench/core-cost).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acxxx_core.h"
#include "acxemu.h"

#define NR_LUNS		3		/* volumes at creation: 0, 1, 2 */
#define HOTPLUG_LUN	5
#define ABSENT_LUN	9
#define VOL_BLOCKS	(64u * 2048u)	/* 64 MiB */
#define BLK		512u
#define QD		48
#define MAX_BLOCKS	1024u		/* 512 KiB per command */
#define CHUNK		(600u * 1024u)	/* data buffer room per command */
#define DROP_TIMEOUT_MS	1500

/* ------------------------------------------------------------------ */
/* Bus memory                                                          */

struct region {
	u64 base;
	u8 *mem;
	size_t size;
};

/* Control block: ends exactly at the 4 GiB boundary 0x2_0000_0000. */
#define CTL_END		0x200000000ULL
/* Data: across the boundary 0x3_0000_0000, and below 4 GiB. */
#define HIGH_BASE	(0x300000000ULL - 8 * 1024 * 1024)
#define LOW_BASE	0x10000000ULL
/* Runs from this many I/Os on must show every path (see run()). */
#define COVERAGE_MIN_IOS	10000

static struct region regions[3];

static u8 *bus_ptr(u64 addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct region *r = &regions[i];

		if (addr >= r->base && len <= r->size &&
		    addr - r->base <= r->size - len)
			return r->mem + (addr - r->base);
	}
	return NULL;
}

static int bus_read(void *ctx, u64 addr, void *buf, size_t len)
{
	u8 *p = bus_ptr(addr, len);

	(void)ctx;
	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int bus_write(void *ctx, u64 addr, const void *buf, size_t len)
{
	u8 *p = bus_ptr(addr, len);

	(void)ctx;
	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

static const struct acxemu_dma_ops bus_ops = { bus_read, bus_write };

/* ------------------------------------------------------------------ */
/* Random numbers (xorshift64*, seeded: runs are reproducible)        */

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static u32 rnd_below(u32 n)
{
	return n ? (u32)(rnd() % n) : 0;
}

static void rnd_fill(u8 *p, size_t n)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(i & 7))
			v = rnd();
		p[i] = (u8)v;
		v >>= 8;
	}
}

/* ------------------------------------------------------------------ */
/* The host                                                            */

enum io_kind { IO_READ, IO_WRITE, IO_SYNC, IO_ABSENT };

struct io {
	bool busy;
	enum io_kind kind;
	u8 lun;
	u64 lba;
	u32 blocks;
	u32 nseg;
	struct acxxx_sge sgl[ACXXX_MAX_SGE];
	u8 *data;			/* write payload or expected read */
	u64 posted_ms;
	u64 sync_mark;			/* writes_done of the volume at issue */
};

struct vol {
	bool present;		/* in the host's LUN map */
	bool usable;		/* the test issues I/O to it */
	u8 *shadow;		/* what the volume must read back */
	u8 *durable;		/* what its medium must hold after a flush */
	u8 *busy_map;		/* per block: in flight (no overlap) */
	u8 *dirty;		/* per block: written since the last flush */
	u64 writes_done;	/* acknowledged writes, repairs included */
};

/* Plain counts (printed with %llu). */
struct counters {
	unsigned long long verified;	/* reads compared equal, writes acknowledged */
	unsigned long long reads, writes, syncs;
	unsigned long long bytes;
	unsigned long long errors;
	unsigned long long busy_retries;
	unsigned long long medium_errors;
	unsigned long long aborts;
	unsigned long long reinits;
	unsigned long long repairs;
	unsigned long long absent_ok;
	unsigned long long events;
	unsigned long long max_sge_seen;
	unsigned long long list_mode;
	unsigned long long high_addr;
};

struct host {
	enum acxxx_dialect dialect;
	u16 device_id;
	struct acxemu *emu;
	struct acxxx_ctl ctl;
	struct acxxx_layout lay;
	struct io io[ACXXX_MAX_SLOTS];
	unsigned int inflight;
	struct vol vol[ACXXX_MAX_LUNS];
	u16 lun_map[ACXXX_MAX_LUNS];
	struct counters n;
	/* internal request results, per slot */
	bool ireq_done[ACXXX_FIRST_IO_SLOT];
	struct acxxx_cpl ireq_cpl[ACXXX_FIRST_IO_SLOT];
	bool rescan;
	bool events_on;
	pthread_mutex_t irq_lock;
	pthread_cond_t irq_cond;
	bool irq_level;
};

static const char *dname;
static bool simple_4k;		/* --simple-4k */

static void fail(struct host *h, const char *fmt, ...)
{
	va_list ap;

	h->n.errors++;
	if (h->n.errors > 20)
		return;
	fprintf(stderr, "loop[%s]: ERROR: ", dname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static u32 rd(struct host *h, u32 reg)
{
	return acxemu_reg_read(h->emu, reg, 4);
}

static void wr(struct host *h, u32 reg, u32 val)
{
	acxemu_reg_write(h->emu, reg, val, 4);
}

static void irq_cb(void *ctx, bool level)
{
	struct host *h = ctx;

	pthread_mutex_lock(&h->irq_lock);
	h->irq_level = level;
	if (level)
		pthread_cond_signal(&h->irq_cond);
	pthread_mutex_unlock(&h->irq_lock);
}

/* Sleep until the interrupt line is up, at most @ms. */
static void wait_irq(struct host *h, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&h->irq_lock);
	if (!h->irq_level)
		pthread_cond_timedwait(&h->irq_cond, &h->irq_lock, &ts);
	pthread_mutex_unlock(&h->irq_lock);
}

/*
 * Return the reply frames the core has queued, the way the driver does:
 * the core names the register to read (the 2208's free-FIFO room) and the
 * writes to make; what does not fit now waits for the next call.
 */
static void give_frames(struct host *h)
{
	struct acxxx_wr w[ACXXX_FRET_MAX_WR];
	unsigned int i, n;
	u32 reg;

	for (;;) {
		reg = acxxx_fret_read_reg(&h->ctl);
		if (reg != ACXXX_NO_READ &&
		    !acxxx_fret_credit(&h->ctl, rd(h, reg)))
			break;
		n = acxxx_fret_next(&h->ctl, w);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			wr(h, w[i].reg, w[i].val);
	}
}

/* 0, or -EBUSY when the 2208/3108 inbound queue has no room. */
static int post(struct host *h, u16 slot)
{
	if (h->ctl.caps->post_room_read &&
	    rd(h, ACXXX_REG_REQUEST_PORT) == ACXXX_EMPTY)
		return -EBUSY;
	if (acxxx_slot_start(&h->ctl, slot)) {
		fail(h, "slot %u already outstanding", slot);
		return -EINVAL;
	}
	wr(h, ACXXX_REG_REQUEST_PORT, acxxx_post_value(&h->ctl, slot));
	return 0;
}

static int handshake(struct host *h, bool reinit)
{
	struct acxxx_init_params p = {
		.fw_timeout_ms = 10000, .reset_delay_ms = 2,
		.ready_timeout_ms = 10000, .poll_ms = 1,
	};
	struct acxxx_init_io io;
	struct acxxx_init in;
	u32 reg = ACXXX_INIT_NO_READ, val = 0;
	unsigned int i;
	u64 t;
	int ret;

	acxxx_init_begin(&in, h->dialect, h->ctl.hi, reinit, &p, now_ms());
	for (;;) {
		if (reg != ACXXX_INIT_NO_READ)
			val = rd(h, reg);
		t = now_ms();
		ret = acxxx_init_step(&in, t, val, &io);
		for (i = 0; i < io.nr_wr; i++)
			wr(h, io.wr_reg[i], io.wr_val[i]);
		if (ret)
			return ret < 0 ? ret : 0;
		reg = io.read_reg;
		if (io.next_ms > t)
			usleep((useconds_t)(io.next_ms - t) * 1000);
	}
}

static void complete_io(struct host *h, u16 slot,
			const struct acxxx_cpl *cpl, const u8 *sense);

static void on_event(struct host *h, const struct acxxx_cpl *cpl)
{
	h->n.events++;
	if (acxxx_event_type(cpl->event_code) == ACXXX_EV_LUN_CHANGE)
		h->rescan = true;
}

/* Drain the reply queue; returns the number of descriptors consumed. */
static unsigned int drain(struct host *h)
{
	struct acxxx_cpl cpl;
	u8 sense[96];
	unsigned int n = 0;
	u32 desc;
	int ret;

	for (;;) {
		desc = rd(h, ACXXX_REG_REPLY_PORT);
		if (desc == ACXXX_EMPTY)
			break;
		n++;
		ret = acxxx_decode_reply(&h->ctl, desc, &cpl, sense, sizeof(sense));
		if (cpl.frame && acxxx_fret_push(&h->ctl, cpl.frame))
			fail(h, "frame %u cannot be returned", cpl.frame);
		if (ret) {
			fail(h, "reply 0x%08x rejected: %d", desc, ret);
			continue;
		}
		if (cpl.flags & (ACXXX_CPL_F_BAD_FAST | ACXXX_CPL_F_RESID_MISMATCH |
				 ACXXX_CPL_F_RESID_CLAMPED | ACXXX_CPL_F_OVERRUN))
			fail(h, "reply for slot %u inconsistent: flags 0x%x",
			     cpl.slot, cpl.flags);
		if (cpl.kind == ACXXX_CPL_EVENT) {
			on_event(h, &cpl);
		} else if (cpl.slot < ACXXX_FIRST_IO_SLOT) {
			h->ireq_cpl[cpl.slot] = cpl;
			h->ireq_done[cpl.slot] = true;
		} else {
			complete_io(h, cpl.slot, &cpl, sense);
		}
	}
	give_frames(h);
	return n;
}

/*
 * Post an internal request already encoded and wait up to @timeout_ms for
 * its reply; a timeout is a failure of the run unless @may_drop (the
 * caller recovers).
 */
static int ireq_wait(struct host *h, u16 slot, struct acxxx_cpl *cpl,
		     unsigned int timeout_ms, bool may_drop)
{
	u64 deadline = now_ms() + timeout_ms;

	h->ireq_done[slot] = false;
	while (post(h, slot) == -EBUSY) {
		drain(h);
		if (now_ms() > deadline)
			return -ETIMEDOUT;
	}
	while (!h->ireq_done[slot]) {
		wait_irq(h, 10);
		drain(h);
		if (now_ms() > deadline) {
			if (!may_drop)
				fail(h, "internal request on slot %u timed out",
				     slot);
			return -ETIMEDOUT;
		}
	}
	*cpl = h->ireq_cpl[slot];
	return 0;
}

static int ireq_run(struct host *h, u16 slot, struct acxxx_cpl *cpl)
{
	return ireq_wait(h, slot, cpl, 10000, false);
}

static int read_page0(struct host *h, struct acxxx_ident *id)
{
	struct acxxx_seq_io io = {
		.act = ACXXX_ACT_REQUEST, .req = ACXXX_SEQ_PAGE0,
		.slot = ACXXX_SLOT_MGMT,
	};
	struct acxxx_cpl cpl;
	int ret;

	if (acxxx_seq_encode(&h->ctl, &io))
		return -EINVAL;
	ret = acxxx_page0_result(&h->ctl, ireq_run(h, ACXXX_SLOT_MGMT, &cpl),
				 &cpl, id);
	if (ret)
		fail(h, "page 0: %d (kind %u status 0x%02x)", ret, cpl.kind,
		     cpl.reply_status);
	return ret;
}

/*
 * Run a start or stop sequence of the core to its end, doing what each
 * step asks: return the frames, make a request and wait for its reply,
 * write registers.  Every request must be answered, and an event switch
 * acknowledged with its "done" code.
 */
static int run_seq(struct host *h, struct acxxx_seq *s)
{
	const struct acxxx_cpl *last = NULL;
	struct acxxx_seq_io io;
	struct acxxx_cpl cpl;
	unsigned int i;
	int ret, err = 0;

	for (;;) {
		ret = acxxx_seq_step(s, &h->ctl, err, last, &io);
		for (i = 0; i < io.nr_wr; i++)
			wr(h, io.wr[i].reg, io.wr[i].val);
		if (ret)
			return ret < 0 ? ret : 0;
		err = 0;
		last = NULL;
		if (io.act == ACXXX_ACT_FRAMES) {
			acxxx_fret_push_all(&h->ctl);
			give_frames(h);
		} else if (io.act == ACXXX_ACT_REQUEST) {
			err = acxxx_seq_encode(&h->ctl, &io);
			if (!err)
				err = ireq_wait(h, io.slot, &cpl,
						io.timeout_s * 1000, false);
			if (!err)
				last = &cpl;
			if (!err && cpl.kind == ACXXX_CPL_EVSW &&
			    (cpl.reply_status ||
			     cpl.event_code != ACXXX_EVT_SWITCH_DONE))
				fail(h, "event switch: status 0x%02x code 0x%02x",
				     cpl.reply_status, cpl.event_code);
		}
	}
}

static void vol_init(struct vol *v)
{
	v->shadow = calloc(VOL_BLOCKS, BLK);
	v->durable = calloc(VOL_BLOCKS, BLK);
	v->busy_map = calloc(VOL_BLOCKS, 1);
	v->dirty = calloc(VOL_BLOCKS, 1);
	if (!v->shadow || !v->durable || !v->busy_map || !v->dirty) {
		fprintf(stderr, "loop: out of memory\n");
		exit(2);
	}
}

static void vol_free(struct vol *v)
{
	free(v->shadow);
	free(v->durable);
	free(v->busy_map);
	free(v->dirty);
	v->shadow = NULL;
	v->durable = NULL;
	v->busy_map = NULL;
	v->dirty = NULL;
}

/* Bring the host's idea of the volumes in line with page 0 (16.18). */
static void rescan(struct host *h)
{
	struct acxxx_lun_diff d;
	struct acxxx_ident id;
	unsigned int i;

	h->rescan = false;
	if (read_page0(h, &id))
		return;
	acxxx_lun_diff(h->lun_map, id.lun_map, &d);
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		if (d.remove & (1ULL << i)) {
			h->vol[i].present = false;
			h->vol[i].usable = false;
		}
		if (d.add & (1ULL << i)) {
			h->vol[i].present = true;
			h->vol[i].usable = true;
			if (!h->vol[i].shadow)
				vol_init(&h->vol[i]);
		}
		h->lun_map[i] = id.lun_map[i];
	}
}

static int bring_up(struct host *h, bool reinit)
{
	struct acxxx_ident id;
	struct acxxx_seq s;
	int ret;

	ret = handshake(h, reinit);
	if (ret) {
		fail(h, "handshake failed: %d", ret);
		return ret;
	}
	/* Frames, page 0, events on, SCRATCH2: the driver's start. */
	acxxx_start_begin(&s, &h->ctl, &id);
	ret = run_seq(h, &s);
	if (ret) {
		fail(h, "start failed: %d", ret);
		return ret;
	}
	if (s.evsw_err || !s.events_on) {
		fail(h, "events not on: %d", s.evsw_err);
		return -EIO;
	}
	h->events_on = true;
	if (!reinit) {
		if (strcmp(id.vendor, "Accusys") || !id.serial[0])
			fail(h, "page 0 identity: vendor '%s' serial '%s'",
			     id.vendor, id.serial);
		memcpy(h->lun_map, id.lun_map, sizeof(h->lun_map));
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* I/O                                                                 */

static u32 pick_blocks(void)
{
	u32 r = rnd_below(100);

	if (simple_4k)
		return 4096 / BLK;
	if (r < 50)
		return 1 + rnd_below(16);
	if (r < 85)
		return 17 + rnd_below(240);
	return 257 + rnd_below(MAX_BLOCKS - 256);
}

static bool range_free(struct vol *v, u64 lba, u32 blocks)
{
	u32 i;

	for (i = 0; i < blocks; i++)
		if (v->busy_map[lba + i])
			return false;
	return true;
}

static void range_mark(struct vol *v, u64 lba, u32 blocks, u8 val)
{
	memset(v->busy_map + lba, val, blocks);
}

/* Split the command's data into random segments in its buffer chunk. */
static void build_sgl(struct host *h, struct io *io, u16 slot)
{
	u32 len = io->blocks * BLK, left = len, i, remain, max, avg;
	u32 want = 1 + rnd_below(ACXXX_MAX_SGE);
	bool high = rnd_below(4) != 0;
	struct region *r = &regions[high ? 1 : 2];
	u64 base = r->base + (u64)(slot - ACXXX_FIRST_IO_SLOT) * CHUNK;
	u64 off = rnd_below(4096);

	if (simple_4k) {
		want = 1;
		off = 0;
	} else if (rnd_below(4) == 0) {
		/* Often exactly at the placement limits of 5.6. */
		static const u32 edges[] = { 1, 29, 30, 39, 40, 128 };

		want = edges[rnd_below(6)];
	}
	if (want > len)
		want = len;
	io->nseg = want;
	for (i = 0; i < want; i++) {
		remain = want - 1 - i;		/* segments after this one */
		max = left - remain;		/* leave a byte for each */
		avg = left / (remain + 1);
		io->sgl[i].len = remain ? 1 + rnd_below(max < 2 * avg ? max : 2 * avg) :
				 left;
		io->sgl[i].addr = base + off;
		left -= io->sgl[i].len;
		off += io->sgl[i].len + rnd_below(64);	/* odd gaps and alignment */
	}
	if (off > CHUNK)
		fail(h, "buffer chunk overflow");
	if (io->nseg > h->n.max_sge_seen)
		h->n.max_sge_seen = io->nseg;
	if (io->sgl[0].addr >> 32)
		h->n.high_addr++;
}

static void copy_sgl(const struct io *io, u8 *buf, bool to_bus)
{
	u32 i, done = 0;

	for (i = 0; i < io->nseg; i++) {
		u8 *p = bus_ptr(io->sgl[i].addr, io->sgl[i].len);

		if (to_bus)
			memcpy(p, buf + done, io->sgl[i].len);
		else
			memcpy(buf + done, p, io->sgl[i].len);
		done += io->sgl[i].len;
	}
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void make_cdb(const struct io *io, u8 *cdb, u8 *len)
{
	bool wr = io->kind == IO_WRITE;
	u32 form = rnd_below(4);

	memset(cdb, 0, 16);
	if (io->kind == IO_SYNC) {
		cdb[0] = 0x35;
		*len = 10;
		return;
	}
	if (form == 0 && io->lba < (1u << 21) && io->blocks <= 256) {
		cdb[0] = wr ? 0x0A : 0x08;
		cdb[1] = (u8)(io->lba >> 16) & 0x1F;
		cdb[2] = (u8)(io->lba >> 8);
		cdb[3] = (u8)io->lba;
		cdb[4] = (u8)(io->blocks == 256 ? 0 : io->blocks);
		*len = 6;
	} else if (form == 1) {
		cdb[0] = wr ? 0x2A : 0x28;
		put_be32(cdb + 2, (u32)io->lba);
		cdb[7] = (u8)(io->blocks >> 8);
		cdb[8] = (u8)io->blocks;
		*len = 10;
	} else if (form == 2) {
		cdb[0] = wr ? 0xAA : 0xA8;
		put_be32(cdb + 2, (u32)io->lba);
		put_be32(cdb + 6, io->blocks);
		*len = 12;
	} else {
		cdb[0] = wr ? 0x8A : 0x88;
		put_be32(cdb + 2, (u32)(io->lba >> 32));
		put_be32(cdb + 6, (u32)io->lba);
		put_be32(cdb + 10, io->blocks);
		*len = 16;
	}
}

static u16 free_slot(struct host *h)
{
	u16 s;

	for (s = ACXXX_FIRST_IO_SLOT; s < ACXXX_FIRST_IO_SLOT + QD; s++)
		if (!h->io[s].busy)
			return s;
	return 0;
}

/* Encode and post; false if the adapter was busy (the caller retries). */
static bool start_io(struct host *h, u16 slot)
{
	struct io *io = &h->io[slot];
	struct acxxx_scsi_cmd cmd = { 0 };
	struct acxxx_enc e;
	u8 cdb[16];
	u32 i;
	int ret;

	cmd.lun = io->lun;
	cmd.cdb = cdb;
	make_cdb(io, cdb, &cmd.cdb_len);
	cmd.task_attr = ACXXX_CTL_ATTR_UNTAGGED;
	if (io->kind == IO_SYNC) {
		cmd.dir = ACXXX_CTL_DIR_NONE;
	} else {
		cmd.dir = io->kind == IO_WRITE ? ACXXX_CTL_DIR_WRITE :
						 ACXXX_CTL_DIR_READ;
		cmd.data_len = io->blocks * BLK;
		cmd.nr_sge = io->nseg;
		if (io->kind == IO_WRITE)
			copy_sgl(io, io->data, true);
		else
			for (i = 0; i < io->nseg; i++)
				memset(bus_ptr(io->sgl[i].addr, io->sgl[i].len),
				       0xEE, io->sgl[i].len);
	}
	/* Element by element, as the driver encodes from its scatterlist. */
	ret = acxxx_encode_scsi_begin(&h->ctl, &e, slot, &cmd);
	for (i = 0; !ret && i < io->nseg; i++)
		acxxx_encode_sge(&e, io->sgl[i].addr, io->sgl[i].len);
	if (!ret)
		ret = acxxx_encode_scsi_end(&e);
	if (ret) {
		fail(h, "encode failed: %d (nseg %u)", ret, io->nseg);
		return true;
	}
	if (e.list)
		h->n.list_mode++;
	if (post(h, slot))
		return false;
	io->posted_ms = now_ms();
	return true;
}

static void submit_one(struct host *h, unsigned int *budget)
{
	u16 slot = free_slot(h);
	struct io *io;
	struct vol *v;
	unsigned int lun, tries;
	u32 r;

	if (!slot)
		return;
	io = &h->io[slot];
	r = rnd_below(1000);
	if (simple_4k)
		r = 1000;		/* a read, below */
	if (r < 2) {
		/* A LUN index the firmware does not have. */
		io->kind = IO_ABSENT;
		io->lun = ABSENT_LUN;
		io->lba = 0;
		io->blocks = 1;
		build_sgl(h, io, slot);
		io->busy = true;
		h->inflight++;
		if (!start_io(h, slot)) {
			io->busy = false;
			h->inflight--;
		}
		return;
	}
	for (tries = 0; tries < 8; tries++) {
		lun = rnd_below(ACXXX_MAX_LUNS);
		lun = lun < 48 ? lun % NR_LUNS : HOTPLUG_LUN;
		v = &h->vol[lun];
		if (!v->usable)
			continue;
		io->lun = (u8)lun;
		io->blocks = pick_blocks();
		io->lba = rnd_below(VOL_BLOCKS - io->blocks + 1);
		if (range_free(v, io->lba, io->blocks))
			break;
	}
	if (tries == 8)
		return;
	io->kind = r < 10 ? IO_SYNC : (rnd_below(2) ? IO_WRITE : IO_READ);
	if (simple_4k)
		io->kind = IO_READ;
	if (io->kind == IO_SYNC) {
		io->blocks = 0;
		io->nseg = 0;
		io->sync_mark = v->writes_done;
	} else {
		build_sgl(h, io, slot);
		range_mark(v, io->lba, io->blocks, 1);
		io->data = malloc(io->blocks * BLK);
		if (!io->data)
			exit(2);
		if (io->kind == IO_WRITE)
			rnd_fill(io->data, io->blocks * BLK);
		else
			memcpy(io->data, v->shadow + io->lba * BLK, io->blocks * BLK);
	}
	io->busy = true;
	h->inflight++;
	if (!start_io(h, slot)) {
		/* Inbound queue full: try again later. */
		if (io->kind != IO_SYNC)
			range_mark(v, io->lba, io->blocks, 0);
		free(io->data);
		io->data = NULL;
		io->busy = false;
		h->inflight--;
		return;
	}
	(*budget)--;
}

static void release_io(struct host *h, struct io *io)
{
	if (io->kind == IO_READ || io->kind == IO_WRITE)
		range_mark(&h->vol[io->lun], io->lba, io->blocks, 0);
	free(io->data);
	io->data = NULL;
	io->busy = false;
	h->inflight--;
}

/*
 * Abort the request on @slot, which the firmware left unanswered (task
 * management, 16.16).  Returns 0 once the firmware terminated it and the
 * slot is free again, 1 if its own reply came first, negative when the
 * abort could not be sent or did not terminate it (a failure of the run).
 */
static int abort_slot(struct host *h, u8 lun, u16 slot)
{
	bool internal = slot < ACXXX_FIRST_IO_SLOT;
	struct acxxx_cpl cpl;
	bool outstanding;
	int ret, res;

	if (acxxx_encode_tmf(&h->ctl, ACXXX_SLOT_TMF, ACXXX_TMF_ABORT_TASK,
			     lun, slot))
		return -EINVAL;
	ret = ireq_run(h, ACXXX_SLOT_TMF, &cpl);
	if (ret)
		return -EIO;
	/* Replies come in order: its own reply, if any, came first. */
	outstanding = internal ? !h->ireq_done[slot] : h->io[slot].busy;
	res = acxxx_tmf_verdict(ret, &cpl, ACXXX_TMF_ABORT_TASK, outstanding);
	if (res == ACXXX_TMF_RES_COMPLETED)
		return 1;
	if (res != ACXXX_TMF_RES_DONE || cpl.tmf_terminated != 1) {
		fail(h, "abort of slot %u: status 0x%02x terminated %u", slot,
		     cpl.reply_status, cpl.tmf_terminated);
		return -EIO;
	}
	acxxx_slot_finish(&h->ctl, slot);
	h->n.aborts++;
	return 0;
}

/*
 * Run a SCSI command on the internal slot until the firmware really
 * answers it.  The fault rules apply to it as to any SCSI command: an
 * injected busy reply is sent again, a dropped command aborted and sent
 * again, as the driver's error handling would.
 */
static int internal_scsi(struct host *h, const struct acxxx_scsi_cmd *cmd,
			 struct acxxx_cpl *cpl)
{
	const u16 slot = ACXXX_SLOT_INTERNAL;
	unsigned int tries;
	int ret;

	for (tries = 0; tries < 5; tries++) {
		if (acxxx_encode_scsi(&h->ctl, slot, cmd))
			return -EINVAL;
		ret = ireq_wait(h, slot, cpl, DROP_TIMEOUT_MS, true);
		if (ret == -ETIMEDOUT) {
			ret = abort_slot(h, cmd->lun, slot);
			if (ret < 0)
				return ret;
			if (!ret)
				continue;	/* terminated: send it again */
			*cpl = h->ireq_cpl[slot];	/* its reply came first */
		} else if (ret) {
			return ret;
		}
		if (cpl->reply_status != ACXXX_RS_BUSY)
			return 0;
		h->n.busy_retries++;
	}
	return -EIO;
}

/*
 * A write whose outcome is unknown (dropped, aborted or lost to a
 * re-init): write the range again with known data so the shadow holds.
 */
static void repair_write(struct host *h, u8 lun, u64 lba, u32 blocks)
{
	struct acxxx_scsi_cmd cmd = { 0 };
	struct vol *v = &h->vol[lun];
	struct acxxx_sge seg;
	struct acxxx_cpl cpl;
	u8 cdb[16] = { 0x8A };
	u8 *buf;

	if (!v->usable)
		return;
	buf = bus_ptr(regions[2].base + regions[2].size - MAX_BLOCKS * BLK,
		      MAX_BLOCKS * BLK);
	rnd_fill(v->shadow + lba * BLK, blocks * BLK);
	memset(v->dirty + lba, 1, blocks);
	v->writes_done++;
	memcpy(buf, v->shadow + lba * BLK, blocks * BLK);
	put_be32(cdb + 2, (u32)(lba >> 32));
	put_be32(cdb + 6, (u32)lba);
	put_be32(cdb + 10, blocks);
	seg.addr = regions[2].base + regions[2].size - MAX_BLOCKS * BLK;
	seg.len = blocks * BLK;
	cmd.lun = lun;
	cmd.cdb = cdb;
	cmd.cdb_len = 16;
	cmd.dir = ACXXX_CTL_DIR_WRITE;
	cmd.data_len = seg.len;
	cmd.sgl = &seg;
	cmd.nr_sge = 1;
	if (internal_scsi(h, &cmd, &cpl) || cpl.reply_status || cpl.scsi_status)
		fail(h, "repair write of lun %u lba %llu failed", lun,
		     (unsigned long long)lba);
	h->n.repairs++;
}

static u64 sense_info(const u8 *s)
{
	return (u64)s[3] << 24 | (u64)s[4] << 16 | s[5] << 8 | s[6];
}

static void complete_io(struct host *h, u16 slot,
			const struct acxxx_cpl *cpl, const u8 *sense)
{
	struct io *io = &h->io[slot];
	struct acxxx_verdict vd;
	bool busy, busy_reply;
	struct vol *v;
	u8 *got;
	u32 len;

	if (slot >= ACXXX_MAX_SLOTS || !io->busy) {
		fail(h, "completion for idle slot %u", slot);
		return;
	}
	v = &h->vol[io->lun];
	len = io->blocks * BLK;
	/* What the driver concludes; the run checks it against the model. */
	acxxx_scsi_verdict(cpl, &vd);
	busy = vd.host == ACXXX_HOST_OK && vd.sam_status == ACXXX_SAM_BUSY;
	busy_reply = cpl->reply_status == ACXXX_RS_BUSY;
	if (busy != busy_reply)
		fail(h, "slot %u: busy verdict %d for reply 0x%02x", slot, busy,
		     cpl->reply_status);
	/*
	 * The injected busy replies (fault rule on every 97th command) may
	 * land on the probe of the absent LUN too: a busy reply is retried
	 * below like any other.
	 */
	if (io->kind == IO_ABSENT && !busy) {
		if (vd.host == ACXXX_HOST_NO_CONNECT &&
		    cpl->reply_status == ACXXX_RS_NO_DEVICE)
			h->n.absent_ok++;
		else
			fail(h, "absent LUN answered 0x%02x", cpl->reply_status);
		release_io(h, io);
		return;
	}
	if (busy) {
		/* Injected busy: the command did nothing; send it again. */
		h->n.busy_retries++;
		if (!start_io(h, slot)) {
			if (io->kind == IO_WRITE)
				repair_write(h, io->lun, io->lba, io->blocks);
			release_io(h, io);
		}
		return;
	}
	if (vd.host != ACXXX_HOST_OK || cpl->reply_status) {
		fail(h, "slot %u: reply status 0x%02x, verdict %u", slot,
		     cpl->reply_status, vd.host);
		release_io(h, io);
		return;
	}
	if (vd.sam_status == ACXXX_SAM_CHECK_CONDITION) {
		/* Expected only for reads of a medium error range. */
		if (io->kind == IO_READ && cpl->sense_len >= 14 &&
		    (sense[2] & 0x0F) == 0x03 && sense[12] == 0x11 &&
		    (sense[0] & 0x80) && sense_info(sense) >= io->lba &&
		    sense_info(sense) < io->lba + io->blocks) {
			h->n.medium_errors++;
		} else {
			fail(h, "slot %u: unexpected CHECK CONDITION %02x/%02x/%02x",
			     slot, sense[2] & 0x0F, sense[12], sense[13]);
		}
		release_io(h, io);
		return;
	}
	if (vd.sam_status) {
		fail(h, "slot %u: SCSI status 0x%02x", slot, vd.sam_status);
		release_io(h, io);
		return;
	}
	if (vd.residual || cpl->residual) {
		fail(h, "slot %u: residual %u of %u", slot, cpl->residual, len);
		release_io(h, io);
		return;
	}

	switch (io->kind) {
	case IO_WRITE:
		memcpy(v->shadow + io->lba * BLK, io->data, len);
		memset(v->dirty + io->lba, 1, io->blocks);
		v->writes_done++;
		h->n.writes++;
		h->n.verified++;
		h->n.bytes += len;
		break;
	case IO_READ:
		got = malloc(len);
		if (!got)
			exit(2);
		copy_sgl(io, got, false);
		if (memcmp(got, io->data, len)) {
			u32 i = 0;

			while (got[i] == io->data[i])
				i++;
			fail(h, "data mismatch: lun %u lba %llu +%u bytes (%u segments)",
			     io->lun, (unsigned long long)io->lba, i, io->nseg);
		} else {
			h->n.verified++;
		}
		h->n.reads++;
		h->n.bytes += len;
		free(got);
		break;
	case IO_SYNC:
		/*
		 * Everything acknowledged before it was issued is durable now.
		 * If a write completed meanwhile, which writes the flush
		 * covered is unknown: keep the older durable image.
		 */
		if (v->writes_done == io->sync_mark) {
			memcpy(v->durable, v->shadow, (size_t)VOL_BLOCKS * BLK);
			memset(v->dirty, 0, VOL_BLOCKS);
		}
		h->n.syncs++;
		h->n.verified++;
		break;
	default:
		break;
	}
	release_io(h, io);
}

/* Abort a command the firmware dropped (task management, 16.16). */
static void abort_io(struct host *h, u16 slot)
{
	struct io *io = &h->io[slot];

	if (abort_slot(h, io->lun, slot))
		return;		/* its reply came first, or the abort failed */
	if (io->kind == IO_WRITE)
		repair_write(h, io->lun, io->lba, io->blocks);
	release_io(h, io);
}

static void check_timeouts(struct host *h)
{
	u64 t = now_ms();
	u16 s;

	for (s = ACXXX_FIRST_IO_SLOT; s < ACXXX_FIRST_IO_SLOT + QD; s++)
		if (h->io[s].busy && t - h->io[s].posted_ms > DROP_TIMEOUT_MS)
			abort_io(h, s);
}

/* Host reset with commands outstanding: the firmware drops them (16.11). */
static void reinit(struct host *h)
{
	u16 s;

	if (bring_up(h, true))
		return;
	h->n.reinits++;
	/* bring_up() re-posted the frames: forget the old slot state first. */
	for (s = ACXXX_FIRST_IO_SLOT; s < ACXXX_FIRST_IO_SLOT + QD; s++) {
		struct io *io = &h->io[s];

		if (!io->busy)
			continue;
		if (io->kind == IO_WRITE)
			repair_write(h, io->lun, io->lba, io->blocks);
		release_io(h, io);
	}
}

static void do_reinit(struct host *h)
{
	/*
	 * The re-init handshake makes the firmware forget every request and
	 * reply frame (16.11); nothing is drained in between.
	 */
	acxxx_ctl_reset(&h->ctl);
	reinit(h);
}

static void wait_all(struct host *h)
{
	u64 start = now_ms();

	while (h->inflight) {
		wait_irq(h, 10);
		drain(h);
		check_timeouts(h);
		if (now_ms() - start > 60000) {
			fail(h, "%u commands never completed", h->inflight);
			return;
		}
	}
}

static void sync_all(struct host *h)
{
	struct acxxx_scsi_cmd cmd = { 0 };
	u8 cdb[10] = { 0x35 };
	struct acxxx_cpl cpl;
	unsigned int lun;

	for (lun = 0; lun < ACXXX_MAX_LUNS; lun++) {
		if (!h->vol[lun].usable)
			continue;
		cmd.lun = (u8)lun;
		cmd.cdb = cdb;
		cmd.cdb_len = 10;
		if (internal_scsi(h, &cmd, &cpl) || cpl.reply_status ||
		    cpl.scsi_status)
			fail(h, "SYNCHRONIZE CACHE of lun %u failed", lun);
		memcpy(h->vol[lun].durable, h->vol[lun].shadow,
		       (size_t)VOL_BLOCKS * BLK);
		memset(h->vol[lun].dirty, 0, VOL_BLOCKS);
	}
}

static void check_media(struct host *h, bool durable_only)
{
	u8 *buf = malloc((size_t)VOL_BLOCKS * BLK);
	unsigned int lun;

	if (!buf)
		exit(2);
	for (lun = 0; lun < ACXXX_MAX_LUNS; lun++) {
		struct vol *v = &h->vol[lun];

		if (!v->usable)
			continue;
		if (acxemu_volume_read_medium(h->emu, lun, 0, buf,
					      (size_t)VOL_BLOCKS * BLK)) {
			fail(h, "cannot read the medium of lun %u", lun);
			continue;
		}
		if (memcmp(buf, durable_only ? v->durable : v->shadow,
			   (size_t)VOL_BLOCKS * BLK))
			fail(h, "medium of lun %u differs from what was %s", lun,
			     durable_only ? "flushed" : "written");
	}
	free(buf);
}

/*
 * After a power loss: every block not written since its volume's last
 * completed flush holds exactly what was flushed.  Blocks written later
 * may hold any of their versions.
 */
static void check_media_after_loss(struct host *h)
{
	u8 *buf = malloc((size_t)VOL_BLOCKS * BLK);
	unsigned int lun;
	u32 b, kept = 0;

	if (!buf)
		exit(2);
	for (lun = 0; lun < ACXXX_MAX_LUNS; lun++) {
		struct vol *v = &h->vol[lun];

		if (!v->usable)
			continue;
		if (acxemu_volume_read_medium(h->emu, lun, 0, buf,
					      (size_t)VOL_BLOCKS * BLK)) {
			fail(h, "cannot read the medium of lun %u", lun);
			continue;
		}
		for (b = 0; b < VOL_BLOCKS; b++) {
			if (v->dirty[b])
				continue;
			kept++;
			if (memcmp(buf + (size_t)b * BLK, v->durable + (size_t)b * BLK,
				   BLK)) {
				fail(h, "power loss: lun %u block %u lost flushed data",
				     lun, b);
				break;
			}
		}
	}
	if (!kept)
		fail(h, "power loss check compared nothing");
	free(buf);
}

/* Hot-plug a volume and check the host follows through events. */
static void hotplug(struct host *h, bool add)
{
	struct acxemu_volume_config vc = {
		.lun = HOTPLUG_LUN, .size = (u64)VOL_BLOCKS * BLK,
	};
	u64 deadline = now_ms() + 5000;
	char err[128];

	if (add) {
		if (acxemu_volume_add(h->emu, &vc, err, sizeof(err))) {
			fail(h, "volume add: %s", err);
			return;
		}
	} else {
		/* Quiesce I/O to it first, as an administrator would. */
		h->vol[HOTPLUG_LUN].usable = false;
		wait_all(h);
		if (acxemu_volume_remove(h->emu, HOTPLUG_LUN)) {
			fail(h, "volume remove failed");
			return;
		}
	}
	while (h->vol[HOTPLUG_LUN].present != add && now_ms() < deadline) {
		wait_irq(h, 10);
		drain(h);
		if (h->rescan)
			rescan(h);
	}
	if (h->vol[HOTPLUG_LUN].present != add)
		fail(h, "LUN %u %s not seen through events", HOTPLUG_LUN,
		     add ? "addition" : "removal");
	if (!add && h->vol[HOTPLUG_LUN].shadow)
		vol_free(&h->vol[HOTPLUG_LUN]);
}

/*
 * Detach the way the driver does (the core's stop sequence: flush every
 * volume, events off, mask, make the firmware forget the reply frames),
 * then load again (a fresh bring-up), as a module reload would.
 */
static void stop_and_restart(struct host *h)
{
	struct acxemu_stats before, after;
	struct acxxx_seq s;
	int ret;

	acxemu_get_stats(h->emu, &before);
	acxxx_stop_begin(&s, &h->ctl, h->lun_map, h->events_on, true, true);
	ret = run_seq(h, &s);
	acxemu_get_stats(h->emu, &after);
	if (ret || s.flush_failed || s.evsw_err || s.events_on)
		fail(h, "stop: %d, flushes failed 0x%llx, events %d/%d", ret,
		     (unsigned long long)s.flush_failed, s.evsw_err,
		     s.events_on);
	/* The detach write re-initialised the message interface. */
	if (after.reinits != before.reinits + 1)
		fail(h, "stop: %llu re-inits, expected 1",
		     (unsigned long long)(after.reinits - before.reinits));
	h->events_on = false;
	acxxx_ctl_reset(&h->ctl);
	bring_up(h, false);
}

static void set_faults(struct host *h, unsigned int phase)
{
	struct acxemu_fault f = { 0 };

	acxemu_fault_clear(h->emu);
	acxemu_medium_error_clear(h->emu, 1);
	if (phase == 0)
		return;
	f.action = ACXEMU_FAULT_FAIL_STATUS;
	f.fn = ACXXX_FN_SCSI_IO;
	f.opcode = -1;
	f.lun = -1;
	f.every_nth = 97;
	f.status = ACXXX_RS_BUSY;
	acxemu_fault_add(h->emu, &f);
	f.action = ACXEMU_FAULT_DELAY;
	f.every_nth = 211;
	f.delay_ms = 20;
	acxemu_fault_add(h->emu, &f);
	if (phase == 2) {
		/* A few commands vanish: found by timeout, aborted. */
		f.action = ACXEMU_FAULT_DROP;
		f.every_nth = 1500;
		f.count = 3;
		acxemu_fault_add(h->emu, &f);
	}
	/* Reads of LUN 1's blocks 5000-5099 fail with a medium error. */
	acxemu_medium_error_add(h->emu, 1, 5000, 5099, true, false);
}

static int run(enum acxxx_dialect d, u16 device_id, unsigned int target,
	       u64 seed)
{
	struct acxemu_volume_config vols[NR_LUNS];
	struct acxemu_config cfg = { 0 };
	struct host *h = calloc(1, sizeof(*h));
	unsigned int budget = ~0u, i, phase = 0, step;
	u64 t0 = now_ms();
	struct acxemu_stats st;
	char err[256];
	void *ctl_mem;
	int e;

	if (!h)
		return 1;
	h->dialect = d;
	h->device_id = device_id;
	rng_state = seed ^ device_id;
	pthread_mutex_init(&h->irq_lock, NULL);
	pthread_cond_init(&h->irq_cond, NULL);

	acxxx_layout_init(&h->lay, ACXXX_DEFAULT_SLOTS, ACXXX_MAX_SGE);
	regions[0].size = (h->lay.size + 0xFFF) & ~0xFFFULL;
	regions[0].base = CTL_END - regions[0].size;
	regions[0].mem = calloc(1, regions[0].size);
	regions[1].base = HIGH_BASE;
	regions[1].size = (size_t)QD * CHUNK;
	regions[1].mem = calloc(1, regions[1].size);
	regions[2].base = LOW_BASE;
	regions[2].size = (size_t)QD * CHUNK + MAX_BLOCKS * BLK;
	regions[2].mem = calloc(1, regions[2].size);
	if (!regions[0].mem || !regions[1].mem || !regions[2].mem)
		return 1;
	ctl_mem = regions[0].mem;
	e = acxxx_ctl_init(&h->ctl, d, &h->lay, ctl_mem, regions[0].base);
	if (e) {
		fail(h, "ctl_init: %d", e);
		return 1;
	}

	for (i = 0; i < NR_LUNS; i++) {
		memset(&vols[i], 0, sizeof(vols[i]));
		vols[i].lun = i;
		vols[i].size = (u64)VOL_BLOCKS * BLK;
		vol_init(&h->vol[i]);
		h->vol[i].present = true;
		h->vol[i].usable = true;
	}
	cfg.device_id = device_id;
	cfg.workers = 4;
	cfg.jitter_us = 200;
	cfg.seed = (u32)seed;
	cfg.dma = &bus_ops;
	cfg.irq_cb = irq_cb;
	cfg.irq_ctx = h;
	cfg.volumes = vols;
	cfg.nvolumes = NR_LUNS;
	h->emu = acxemu_create(&cfg, &e, err, sizeof(err));
	if (!h->emu) {
		fprintf(stderr, "loop[%s]: model: %s\n", dname, err);
		return 1;
	}
	if (bring_up(h, false))
		goto out;
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		bool present = h->lun_map[i] != ACXXX_LUN_ABSENT;
		bool expected = i < NR_LUNS;

		if (present != expected)
			fail(h, "page 0 LUN map entry %u wrong: 0x%04x", i,
			     h->lun_map[i]);
	}

	step = target / 10 ? target / 10 : 1;
	while (h->n.verified < target && h->n.errors < 100) {
		while (h->inflight < QD)
			submit_one(h, &budget);
		wait_irq(h, 5);
		drain(h);
		if (h->rescan)
			rescan(h);
		check_timeouts(h);
		if (h->n.verified >= (phase + 1) * (u64)step && phase < 9 &&
		    !simple_4k) {
			phase++;
			switch (phase) {
			case 1:
			case 4:
				set_faults(h, 1);
				break;
			case 2:
				set_faults(h, 2);
				break;
			case 3:
				hotplug(h, true);
				break;
			case 5:
			case 7:
				do_reinit(h);
				break;
			case 6:
				set_faults(h, 0);
				break;
			case 8:
				hotplug(h, false);
				break;
			default:
				break;
			}
		}
	}
	wait_all(h);
	set_faults(h, 0);

	/* Everything written is on the medium after a flush. */
	sync_all(h);
	check_media(h, false);
	stop_and_restart(h);
	check_media(h, false);

	/* Power loss after a flush loses nothing that was flushed. */
	for (i = 0; i < 400; i++) {
		if (h->inflight < QD)
			submit_one(h, &budget);
		drain(h);
	}
	wait_all(h);
	acxemu_power_loss(h->emu);
	check_media_after_loss(h);

	acxemu_get_stats(h->emu, &st);
	for (i = 0; i < ACXEMU_REJ_MAX; i++) {
		if (!st.rejects[i] || i == ACXEMU_REJ_NO_LUN)
			continue;
		fail(h, "model rejected %llu x %s",
		     (unsigned long long)st.rejects[i], acxemu_reject_name(i));
	}
out:
	/* One summary line, printed in parts. */
	printf("loop[%s]: %llu I/Os verified (%llu reads, %llu writes, ",
	       dname, h->n.verified, h->n.reads, h->n.writes);
	printf("%llu flushes, %.1f MiB), %llu errors; ",
	       h->n.syncs, h->n.bytes / 1048576.0, h->n.errors);
	printf("faults: %llu busy, %llu medium errors, %llu aborts, ",
	       h->n.busy_retries, h->n.medium_errors, h->n.aborts);
	printf("%llu re-inits, %llu repairs, %llu absent-LUN, %llu events; ",
	       h->n.reinits, h->n.repairs, h->n.absent_ok, h->n.events);
	printf("%llu list-mode, max %llu segments; %.1f s\n",
	       h->n.list_mode, h->n.max_sge_seen, (now_ms() - t0) / 1000.0);
	e = h->n.errors || h->n.verified < target;
	/*
	 * Every path is reached by chance only in a long run (make loop's
	 * 100,000 I/Os): make bench's cost measurement runs a few hundred,
	 * where an absent-LUN probe, say, may not come up at all.
	 */
	if (!simple_4k && target >= COVERAGE_MIN_IOS &&
	    (h->n.list_mode == 0 || h->n.max_sge_seen < ACXXX_MAX_SGE ||
	     h->n.high_addr == 0 || h->n.absent_ok == 0)) {
		fprintf(stderr, "loop[%s]: coverage too thin\n", dname);
		e = 1;
	}
	acxemu_destroy(h->emu);
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		vol_free(&h->vol[i]);
	for (i = 0; i < 3; i++)
		free(regions[i].mem);
	free(h);
	return e;
}

static const struct {
	const char *name;
	enum acxxx_dialect dialect;
	u16 device_id;
} dialects[] = {
	{ "341", ACXXX_DIALECT_341, 0x6201 },
	{ "2208", ACXXX_DIALECT_2208, 0x6232 },
	{ "3108", ACXXX_DIALECT_3108, 0x6240 },
};

int main(int argc, char **argv)
{
	unsigned int ios = 100000, i, passed = 0, failed = 0;
	const char *only = "all";
	u64 seed = 0x5EED5EEDULL;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--ios") && a + 1 < argc) {
			ios = (unsigned int)strtoul(argv[++a], NULL, 0);
		} else if (!strcmp(argv[a], "--seed") && a + 1 < argc) {
			seed = strtoull(argv[++a], NULL, 0);
		} else if (!strcmp(argv[a], "--dialect") && a + 1 < argc) {
			only = argv[++a];
		} else if (!strcmp(argv[a], "--simple-4k")) {
			simple_4k = true;
		} else {
			fprintf(stderr,
				"usage: %s [--ios N] [--seed S] [--dialect 341|2208|3108|all] [--simple-4k]\n",
				argv[0]);
			return 2;
		}
	}
	printf("loop: %u verified I/Os per dialect, seed 0x%llx%s\n", ios,
	       (unsigned long long)seed,
	       simple_4k ? ", single-segment 4 KiB reads only" : "");
	for (i = 0; i < 3; i++) {
		if (strcmp(only, "all") && strcmp(only, dialects[i].name))
			continue;
		dname = dialects[i].name;
		if (run(dialects[i].dialect, dialects[i].device_id, ios, seed))
			failed++;
		else
			passed++;
	}
	printf("loop: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
