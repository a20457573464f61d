// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The unit tests' host: memory, DMA operations, interrupt line, and the
 * request helpers of host.h.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

static bool rw_opcode(u8 op)
{
	switch (op) {
	case 0x08: case 0x0A: case 0x28: case 0x2A:
	case 0xA8: case 0xAA: case 0x88: case 0x8A:
		return true;
	}
	return false;
}

static u8 *map(struct host *h, u64 addr, size_t len)
{
	static const struct {
		u64 base;
		u32 size;
		int which;
	} r[] = {
		{ CTRL_BASE, CTRL_SIZE, 0 },
		{ DATA_HI_BASE, DATA_HI_SIZE, 1 },
		{ DATA_LO_BASE, DATA_LO_SIZE, 2 },
	};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		u8 *mem = r[i].which == 0 ? h->ctrl :
			       r[i].which == 1 ? h->data_hi : h->data_lo;

		if (addr >= r[i].base && len <= r[i].size &&
		    addr - r[i].base <= r[i].size - len)
			return mem + (addr - r[i].base);
	}
	return NULL;
}

static bool dma_fails(struct host *h)
{
	if (h->fail_dma)
		return true;
	return h->budget_on &&
	       __atomic_fetch_sub(&h->dma_budget, 1, __ATOMIC_RELAXED) <= 0;
}

static int dma_read(void *ctx, u64 addr, void *buf, size_t len)
{
	struct host *h = ctx;
	u8 *p;

	__atomic_add_fetch(&h->dma_reads, 1, __ATOMIC_RELAXED);
	p = map(h, addr, len);
	if (!p || dma_fails(h))
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int dma_write(void *ctx, u64 addr, const void *buf, size_t len)
{
	struct host *h = ctx;
	u8 *p;

	__atomic_add_fetch(&h->dma_writes, 1, __ATOMIC_RELAXED);
	p = map(h, addr, len);
	if (!p || dma_fails(h))
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

static const struct acxemu_dma_ops ops = {
	.read = dma_read,
	.write = dma_write,
};

static void irq_cb(void *ctx, bool level)
{
	struct host *h = ctx;

	pthread_mutex_lock(&h->lock);
	h->irq = level;
	h->irq_calls++;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

/* The counters of a pretend transport, set by the tests. */
static void irq_count(void *ctx, u64 *intx, u64 *msi)
{
	struct host *h = ctx;

	pthread_mutex_lock(&h->lock);
	*intx = h->intx;
	*msi = h->msi;
	pthread_mutex_unlock(&h->lock);
}

void host_init(struct host *h, u16 dev, const struct host_opts *o)
{
	static const struct host_opts none;
	struct acxemu_volume_config vols[2];
	struct acxemu_config cfg;
	char path[128], err[256];
	int rc;

	if (!o)
		o = &none;
	memset(h, 0, sizeof(*h));
	h->dev = dev;
	h->family = acxemu_family_of(dev);
	h->ctrl = calloc(1, CTRL_SIZE);
	h->data_hi = calloc(1, DATA_HI_SIZE);
	h->data_lo = calloc(1, DATA_LO_SIZE);
	ck_assert(h->ctrl && h->data_hi && h->data_lo);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);

	memset(vols, 0, sizeof(vols));
	vols[0].lun = 0;
	vols[0].size = 16u << 20;
	if (o->file_volume) {
		snprintf(h->tmpdir, sizeof(h->tmpdir), "/tmp/acxemu-unit-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(h->tmpdir));
		snprintf(path, sizeof(path), "%s/lun0.img", h->tmpdir);
		vols[0].path = strdup(path);
	}
	vols[1].lun = 5;
	vols[1].size = 1u << 20;

	memset(&cfg, 0, sizeof(cfg));
	cfg.device_id = dev;
	cfg.workers = o->workers;
	cfg.intake_depth = o->intake_depth;
	cfg.tmf_unsupported = o->tmf_unsupported;
	cfg.latency_us = o->latency_us;
	cfg.ready_delay_ms = o->ready_delay_ms;
	cfg.timing = o->timing;
	cfg.cache_max_dirty = o->cache_max_dirty;
	cfg.serial = "UNITSERIAL000042";
	cfg.dma = &ops;
	cfg.dma_ctx = h;
	cfg.irq_cb = irq_cb;
	cfg.irq_ctx = h;
	cfg.irq_count = irq_count;
	cfg.volumes = vols;
	cfg.nvolumes = o->no_volumes ? 0 : 2;
	h->emu = acxemu_create(&cfg, &rc, err, sizeof(err));
	ck_assert_msg(h->emu, "create: %s", err);
	free((char *)vols[0].path);
}

void host_fini(struct host *h)
{
	char cmd[128];

	acxemu_destroy(h->emu);
	if (h->tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", h->tmpdir);
		ck_assert_int_eq(system(cmd), 0);
	}
	free(h->ctrl);
	free(h->data_hi);
	free(h->data_lo);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
}

u64 ctrl_bus(u32 off)
{
	return CTRL_BASE + off;
}

u64 slot_req(unsigned int slot)
{
	return CTRL_BASE + slot * SLOT_STRIDE;
}

u64 slot_sense(unsigned int slot)
{
	return slot_req(slot) + SLOT_SENSE;
}

u64 slot_reply(unsigned int slot)
{
	return slot_req(slot) + SLOT_REPLY;
}

u8 *ctrl_ptr(struct host *h, u64 bus)
{
	return h->ctrl + (bus - CTRL_BASE);
}

u8 *data_ptr(struct host *h, u64 bus)
{
	u8 *p = map(h, bus, 1);

	ck_assert_ptr_nonnull(p);
	return p;
}

u8 *slot_frame(struct host *h, unsigned int slot)
{
	return ctrl_ptr(h, slot_req(slot));
}

u32 rd(struct host *h, u32 off)
{
	return acxemu_reg_read(h->emu, off, 4);
}

void wr(struct host *h, u32 off, u32 v)
{
	acxemu_reg_write(h->emu, off, v, 4);
}

void host_handshake(struct host *h)
{
	u32 v;

	if (h->family == ACXEMU_FAMILY_341) {
		wr(h, ACXXX_REG_OUT_INT_STATUS, ACXXX_ISTS_READY);
		wr(h, ACXXX_REG_HOST_MSG0, (u32)(CTRL_BASE >> 32));
		v = rd(h, ACXXX_REG_OUT_INT_STATUS);
		ck_assert_uint_eq(v & ACXXX_ISTS_READY, ACXXX_ISTS_READY);
		wr(h, ACXXX_REG_OUT_INT_STATUS, ACXXX_ISTS_READY);
		wr(h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_ON_341);
		return;
	}
	wr(h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	wr(h, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_READY);
	wr(h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	wr(h, ACXXX_REG_SCRATCH2, ACXXX_SCRATCH2_NORMAL);
	wr(h, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_RESUME);
	wr(h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | (u32)(CTRL_BASE >> 32));
	v = rd(h, ACXXX_REG_OUT_DOORBELL);
	ck_assert_uint_eq(v, ACXXX_ODB_READY);
	wr(h, ACXXX_REG_OUT_DOORBELL_CLR, v);
	wr(h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_ON_2208);
}

static void return_frame_lo(struct host *h, u32 lo)
{
	if (h->family == ACXEMU_FAMILY_2208) {
		u16 ci = acxemu_reg_read(h->emu, ACXXX_REG_OUT_FREE_CI, 2);
		u16 pi = acxemu_reg_read(h->emu, ACXXX_REG_OUT_FREE_PI, 2);

		ck_assert_uint_ne((pi + 1) & 0xF, ci & 0xF);
	}
	wr(h, ACXXX_REG_REPLY_PORT, lo);
	if (h->family == ACXEMU_FAMILY_2208)
		wr(h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
}

void host_post_frames(struct host *h, unsigned int first, unsigned int last)
{
	unsigned int i;

	for (i = first; i <= last; i++) {
		memset(ctrl_ptr(h, slot_reply(i)), 0, ACXXX_REPLY_FRAME_ALLOC);
		return_frame_lo(h, (u32)slot_reply(i));
	}
}

void host_start(struct host *h)
{
	host_handshake(h);
	host_post_frames(h, 1, 64);
}

void host_build_scsi(struct host *h, unsigned int slot, unsigned int lun,
		     const u8 *cdb, unsigned int cdb_len, u32 dir,
		     const struct seg *sg, unsigned int nsg, bool force_list,
		     u64 list_bus)
{
	u8 *f = slot_frame(h, slot);
	struct acxxx_scsi_req *r = (struct acxxx_scsi_req *)f;
	bool rw16 = h->family != ACXEMU_FAMILY_341 && rw_opcode(cdb[0]);
	unsigned int max = rw16 ? ACXXX_DIRECT_MAX_RW : ACXXX_DIRECT_MAX_BASIC;
	u32 total = 0;
	u8 *el;
	unsigned int i;

	memset(f, 0, 0x900);
	r->hdr.fn_byte = lun;
	r->hdr.function = ACXXX_FN_SCSI_IO;
	r->hdr.msg_id = cpu_to_le32(slot << ACXXX_MSGID_SHIFT);
	r->cdb_len = cdb_len;
	r->sense_len = ACXXX_SENSE_BLOCK_SIZE;
	r->control = cpu_to_le32(dir | ACXXX_CTL_SENSE64 | ACXXX_CTL_ATTR_UNTAGGED);
	memcpy(r->cdb, cdb, cdb_len);
	for (i = 0; i < nsg; i++)
		total += sg[i].len;
	r->data_len = cpu_to_le32(total);
	r->sense_lo = cpu_to_le32((u32)slot_sense(slot));
	memset(ctrl_ptr(h, slot_sense(slot)), 0, ACXXX_SENSE_BLOCK_ALLOC);
	if (!nsg)
		return;
	if (!force_list && nsg <= max) {
		el = f + (rw16 ? ACXXX_SCSI_RW_DIRECT_OFFSET : ACXXX_SCSI_BDL_OFFSET);
	} else {
		struct acxxx_sge_basic *c = (struct acxxx_sge_basic *)
					    (f + ACXXX_SCSI_BDL_OFFSET);

		if (!list_bus)
			list_bus = slot_req(slot) + ACXXX_LIST_OFFSET;
		c->flags_len = cpu_to_le32(ACXXX_SGE_CHAIN | nsg);
		c->addr_lo = cpu_to_le32((u32)list_bus);
		c->addr_hi = cpu_to_le32((u32)(list_bus >> 32));
		el = ctrl_ptr(h, list_bus);
	}
	for (i = 0; i < nsg; i++) {
		if (rw16) {
			struct acxxx_sge_rw *e = (struct acxxx_sge_rw *)(el + 16 * i);

			e->addr_lo = cpu_to_le32((u32)sg[i].addr);
			e->addr_hi = cpu_to_le32((u32)(sg[i].addr >> 32));
			e->len = cpu_to_le32(sg[i].len);
			e->ext = cpu_to_le32(h->family == ACXEMU_FAMILY_3108 &&
					     i == nsg - 1 ? ACXXX_SGE_RW_LAST : 0);
		} else {
			struct acxxx_sge_basic *e = (struct acxxx_sge_basic *)
						    (el + 12 * i);

			e->flags_len = cpu_to_le32((dir == ACXXX_CTL_DIR_WRITE ?
						    ACXXX_SGE_WRITE : ACXXX_SGE_READ) |
						   sg[i].len);
			e->addr_lo = cpu_to_le32((u32)sg[i].addr);
			e->addr_hi = cpu_to_le32((u32)(sg[i].addr >> 32));
		}
	}
}

void host_post(struct host *h, unsigned int slot)
{
	if (h->family != ACXEMU_FAMILY_341)
		ck_assert_uint_ne(rd(h, ACXXX_REG_REQUEST_PORT), ACXXX_EMPTY);
	wr(h, ACXXX_REG_REQUEST_PORT, (u32)slot_req(slot));
}

void host_run(struct host *h)
{
	if (acxemu_process(h->emu))
		return;
	ck_assert_int_eq(acxemu_wait_idle(h->emu, 20000), 0);
}

void host_wait_irq(struct host *h)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&h->lock);
	while (!h->irq)
		if (pthread_cond_timedwait(&h->cond, &h->lock, &ts))
			break;
	pthread_mutex_unlock(&h->lock);
	ck_assert_msg(h->irq, "no interrupt within 20 s");
}

bool host_reap(struct host *h, struct done *d)
{
	u32 v = rd(h, ACXXX_REG_REPLY_PORT);
	const struct acxxx_scsi_reply *r;
	const struct acxxx_sense_block *sb;
	u64 frame;
	unsigned int slot;

	memset(d, 0, sizeof(*d));
	if (v == ACXXX_EMPTY)
		return false;
	d->desc = v;
	if (!(v & ACXXX_RDESC_ADDR_FLAG)) {
		d->fast = true;
		d->msg_id = v;
		return true;
	}
	frame = (CTRL_BASE & ~0xFFFFFFFFull) | ((v << 1) & 0xFFFFFFFFu);
	ck_assert_msg(frame >= CTRL_BASE && frame + 96 <= CTRL_BASE + CTRL_SIZE,
		      "reply frame %llx outside control memory",
		      (unsigned long long)frame);
	memcpy(d->frame, ctrl_ptr(h, frame), sizeof(d->frame));
	r = (const struct acxxx_scsi_reply *)d->frame;
	d->status = r->hdr.status;
	d->function = r->hdr.function;
	d->msg_id = le32_to_cpu(r->hdr.msg_id);
	d->scsi_status = r->scsi_status;
	d->scsi_state = r->scsi_state;
	d->xfer = le32_to_cpu(r->transfer_count);
	d->sense_count = le32_to_cpu(r->sense_count);
	slot = d->msg_id >> 2;
	if (d->function == ACXXX_FN_SCSI_IO && slot && slot < 512) {
		sb = (const struct acxxx_sense_block *)ctrl_ptr(h, slot_sense(slot));
		d->sflags = sb->flags;
		d->residual = le32_to_cpu(sb->residual);
		d->sense_len = le32_to_cpu(sb->sense_len);
		memcpy(d->sense, sb->data, sizeof(d->sense));
	}
	return true;
}

void host_return_frame(struct host *h, const struct done *d)
{
	u32 lo = d->desc << 1;

	memset(ctrl_ptr(h, (CTRL_BASE & ~0xFFFFFFFFull) | lo), 0,
	       ACXXX_REPLY_FRAME_ALLOC);
	return_frame_lo(h, lo);
}

void host_cmd(struct host *h, unsigned int lun, const u8 *cdb,
	      unsigned int cdb_len, u32 dir, u64 buf_bus, u32 len,
	      struct done *d)
{
	struct seg s = { buf_bus, len };

	host_build_scsi(h, 1, lun, cdb, cdb_len, dir, &s, len ? 1 : 0, false, 0);
	host_post(h, 1);
	host_run(h);
	ck_assert_msg(host_reap(h, d), "no reply");
	if (!d->fast)
		host_return_frame(h, d);
	ck_assert_uint_eq(d->msg_id, 1u << 2);
	ck_assert_uint_eq(rd(h, ACXXX_REG_REPLY_PORT), ACXXX_EMPTY);
}

u8 host_get_page(struct host *h, unsigned int slot, u8 page, struct done *d)
{
	struct acxxx_mgmt_req *m = (struct acxxx_mgmt_req *)slot_frame(h, slot);
	u64 buf = ctrl_bus(MGMT_BUF_OFF);

	memset(m, 0, 0x200);
	memset(ctrl_ptr(h, buf), 0xEE, ACXXX_MGMT_BUF_SIZE);
	m->hdr.fn_byte = ACXXX_CTL_DIR_READ;
	m->hdr.function = ACXXX_FN_MGMT;
	m->hdr.msg_id = cpu_to_le32(slot << 2);
	m->cdb[0] = ACXXX_MGMT_OP_GET_PAGE;
	m->cdb[1] = 0x01;
	m->cdb[2] = page;
	m->data_len = cpu_to_le32(ACXXX_PAGE_SIZE);
	m->sge.flags_len = cpu_to_le32(ACXXX_SGE_READ | ACXXX_PAGE_SIZE);
	m->sge.addr_lo = cpu_to_le32((u32)buf);
	m->sge.addr_hi = cpu_to_le32((u32)(buf >> 32));
	host_post(h, slot);
	host_run(h);
	ck_assert(host_reap(h, d));
	ck_assert(!d->fast);
	host_return_frame(h, d);
	ck_assert_uint_eq(d->function, ACXXX_FN_MGMT);
	return d->status;
}

void host_event_switch(struct host *h, unsigned int slot, bool on, struct done *d)
{
	struct acxxx_req_hdr *r = (struct acxxx_req_hdr *)slot_frame(h, slot);

	memset(r, 0, 0x200);
	r->fn_byte = on ? ACXXX_EVSW_ON : ACXXX_EVSW_OFF;
	r->function = ACXXX_FN_EVENT_SWITCH;
	r->msg_id = cpu_to_le32(slot << 2);
	host_post(h, slot);
	host_run(h);
	ck_assert(host_reap(h, d));
	ck_assert(!d->fast);
	host_return_frame(h, d);
}

void expect_sense(const struct done *d, u8 key, u8 asc, u8 ascq,
		  bool info_valid, u32 info)
{
	u8 want[18] = { 0 };

	want[0] = 0x70 | (info_valid ? 0x80 : 0);
	want[2] = key;
	want[3] = info >> 24;
	want[4] = info >> 16;
	want[5] = info >> 8;
	want[6] = info;
	want[7] = 10;
	want[12] = asc;
	want[13] = ascq;
	ck_assert(!d->fast);
	ck_assert_uint_eq(d->status, ACXXX_RS_SUCCESS);
	ck_assert_uint_eq(d->scsi_status, 0x02);
	ck_assert_uint_eq(d->scsi_state & ACXXX_SSTATE_AUTOSENSE_VALID,
			  ACXXX_SSTATE_AUTOSENSE_VALID);
	ck_assert_uint_eq(d->sflags & ACXXX_SFLAG_SENSE_VALID,
			  ACXXX_SFLAG_SENSE_VALID);
	ck_assert_uint_eq(d->sense_len, 18);
	ck_assert_uint_eq(d->sense_count, 18);
	ck_assert_mem_eq(d->sense, want, 18);
}

u64 stat_rej(struct host *h, enum acxemu_reject r)
{
	struct acxemu_stats st;

	acxemu_get_stats(h->emu, &st);
	return st.rejects[r];
}
