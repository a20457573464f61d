// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: register file, handshake, queues, workers and the control API.
 *
 * The register seam only moves 32-bit values between the host and the
 * firmware's queues under emu->lock; all guest memory access and all
 * backing-file access happen in worker threads (or in acxemu_process() in
 * synchronous mode).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

u64 emu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

int acxemu_family_of(u16 device_id)
{
	switch (device_id) {
	case ACXXX_PCI_DEV_6101:
	case ACXXX_PCI_DEV_6201:
		return ACXEMU_FAMILY_341;
	case ACXXX_PCI_DEV_6232:
	case ACXXX_PCI_DEV_6233:
	case ACXXX_PCI_DEV_6235:
	case ACXXX_PCI_DEV_6300:
		return ACXEMU_FAMILY_2208;
	case ACXXX_PCI_DEV_6240:
	case ACXXX_PCI_DEV_6262:
		return ACXEMU_FAMILY_3108;
	default:
		return -1;
	}
}

const char *acxemu_family_name(enum acxemu_family family)
{
	switch (family) {
	case ACXEMU_FAMILY_341:
		return "341";
	case ACXEMU_FAMILY_2208:
		return "2208";
	case ACXEMU_FAMILY_3108:
		return "3108";
	}
	return "?";
}

static const char *const reject_names[ACXEMU_REJ_MAX] = {
	[ACXEMU_REJ_POST_NOT_READY] = "post_not_ready",
	[ACXEMU_REJ_INTAKE_FULL] = "intake_full",
	[ACXEMU_REJ_FRAME_UNREADABLE] = "frame_unreadable",
	[ACXEMU_REJ_BAD_MSG_ID] = "bad_msg_id",
	[ACXEMU_REJ_BAD_FUNCTION] = "bad_function",
	[ACXEMU_REJ_BAD_FIELD] = "bad_field",
	[ACXEMU_REJ_BAD_BDL] = "bad_bdl",
	[ACXEMU_REJ_DMA_DATA] = "dma_data",
	[ACXEMU_REJ_NO_LUN] = "no_lun",
	[ACXEMU_REJ_MGMT_BUSY] = "mgmt_busy",
	[ACXEMU_REJ_MGMT_ILLEGAL] = "mgmt_illegal",
	[ACXEMU_REJ_FREE_FIFO_FULL] = "free_fifo_full",
	[ACXEMU_REJ_FREE_FRAME_BAD] = "free_frame_bad",
	[ACXEMU_REJ_FREE_LIST_FULL] = "free_list_full",
	[ACXEMU_REJ_REPLY_FRAME_DMA] = "reply_frame_dma",
	[ACXEMU_REJ_SENSE_DMA] = "sense_dma",
	[ACXEMU_REJ_BAD_ACCESS] = "bad_access",
	[ACXEMU_REJ_BAD_DOORBELL] = "bad_doorbell",
};

const char *acxemu_reject_name(enum acxemu_reject r)
{
	if ((unsigned int)r >= ACXEMU_REJ_MAX)
		return "?";
	return reject_names[r];
}

enum acxemu_family acxemu_family(struct acxemu *emu)
{
	return emu->family;
}

u16 acxemu_device_id(struct acxemu *emu)
{
	return emu->device_id;
}

/* ---- interrupt ---------------------------------------------------------- */

static bool irq_level_locked(struct acxemu *emu)
{
	if (emu->dead)
		return false;
	if (emu->int_mask & ACXXX_IMASK_DELIVER_BIT)
		return false;
	if (emu->rq_count)
		return true;
	return emu->family != ACXEMU_FAMILY_341 && (emu->odb & ~ACXXX_ODB_READY);
}

bool acxemu_irq_level(struct acxemu *emu)
{
	bool level;

	pthread_mutex_lock(&emu->lock);
	level = irq_level_locked(emu);
	pthread_mutex_unlock(&emu->lock);
	return level;
}

void emu_irq_update(struct acxemu *emu)
{
	bool level;

	pthread_mutex_lock(&emu->irq_lock);
	pthread_mutex_lock(&emu->lock);
	level = irq_level_locked(emu);
	if (level && !emu->irq_reported) {
		/* a rising edge closes the previous interrupt's batch */
		if (emu->batch_open)
			stat_inc(&emu->st_irq_batch[acxemu_batch_bucket(emu->batch_pops)]);
		emu->batch_open = true;
		emu->batch_pops = 0;
	}
	pthread_mutex_unlock(&emu->lock);
	if (level != emu->irq_reported) {
		emu->irq_reported = level;
		if (level)
			stat_inc(&emu->st_irqs_raised);
		if (emu->irq_cb)
			emu->irq_cb(emu->irq_ctx, level);
	}
	pthread_mutex_unlock(&emu->irq_lock);
}

/* ---- requests: ownership and cancellation -------------------------------- */

static void req_free_locked(struct acxemu *emu, struct emu_req *req)
{
	if (!req->is_event) {
		list_del(&req->all);
		emu->outstanding--;
	}
	if (req->holds_slot) {
		unsigned int idx = req->msg_id >> ACXXX_MSGID_SHIFT;

		if (emu->slots[idx] == req)
			emu->slots[idx] = NULL;
	}
	if (req->holds_mgmt)
		emu->mgmt_busy = false;
	free(req);
	pthread_cond_broadcast(&emu->cond);
}

void req_cancel_locked(struct acxemu *emu, struct emu_req *req)
{
	if (req->cancelled)
		return;
	req->cancelled = true;
	switch (req->where) {
	case RQ_INTAKE:
		list_del(&req->q);
		emu->intake_count--;
		req_free_locked(emu, req);
		break;
	case RQ_WAITING:
		list_del(&req->q);
		emu->waiting_count--;
		req_free_locked(emu, req);
		break;
	case RQ_DROPPED:
		list_del(&req->q);
		req_free_locked(emu, req);
		break;
	case RQ_ACTIVE:
		if (req->dma_active && !req->cancel_counted) {
			req->cancel_counted = true;
			emu->dma_cancel_pending++;
		}
		pthread_cond_broadcast(&emu->cond);
		break;
	}
}

void wait_cancel_quiesce_locked(struct acxemu *emu)
{
	while (emu->dma_cancel_pending)
		pthread_cond_wait(&emu->cond, &emu->lock);
}

/* Cancel every host request and pending event (re-init, flush, power loss). */
static void cancel_all_locked(struct acxemu *emu, bool events)
{
	struct list_node *n, *next;

	for (n = emu->all.next; n != &emu->all; n = next) {
		struct emu_req *req = container_of(n, struct emu_req, all);

		next = n->next;
		if (!req->cancelled) {
			stat_inc(&emu->st_cancelled);
			req_cancel_locked(emu, req);
		}
	}
	if (!events)
		return;
	for (n = emu->waiting.next; n != &emu->waiting; n = next) {
		struct emu_req *req = container_of(n, struct emu_req, q);

		next = n->next;
		if (req->is_event)
			req_cancel_locked(emu, req);
	}
}

/* Was @req cancelled (re-init, flush, task management) or the device lost? */
bool req_was_cancelled(struct acxemu *emu, struct emu_req *req)
{
	bool cancelled;

	pthread_mutex_lock(&emu->lock);
	cancelled = req->cancelled || emu->dead;
	pthread_mutex_unlock(&emu->lock);
	return cancelled;
}

bool req_dma_begin(struct acxemu *emu, struct emu_req *req)
{
	bool ok;

	pthread_mutex_lock(&emu->lock);
	ok = !req->cancelled && !emu->dead;
	if (ok)
		req->dma_active = true;
	pthread_mutex_unlock(&emu->lock);
	return ok;
}

static void req_dma_end_locked(struct acxemu *emu, struct emu_req *req)
{
	req->dma_active = false;
	if (req->cancel_counted) {
		req->cancel_counted = false;
		emu->dma_cancel_pending--;
		pthread_cond_broadcast(&emu->cond);
	}
}

void req_dma_end(struct acxemu *emu, struct emu_req *req)
{
	pthread_mutex_lock(&emu->lock);
	req_dma_end_locked(emu, req);
	pthread_mutex_unlock(&emu->lock);
}

int req_dma_read(struct acxemu *emu, struct emu_req *req, u64 addr,
		 void *buf, size_t len)
{
	int rc;

	if (!req_dma_begin(emu, req))
		return -ECANCELED;
	rc = emu_dma_read(emu, addr, buf, len);
	req_dma_end(emu, req);
	return rc ? (rc < 0 ? rc : -EFAULT) : 0;
}

int req_dma_write(struct acxemu *emu, struct emu_req *req, u64 addr,
		  const void *buf, size_t len)
{
	int rc;

	if (!req_dma_begin(emu, req))
		return -ECANCELED;
	rc = emu_dma_write(emu, addr, buf, len);
	req_dma_end(emu, req);
	return rc ? (rc < 0 ? rc : -EFAULT) : 0;
}

/* ---- free reply frames and the reply queue ------------------------------- */

void free_push_locked(struct acxemu *emu, u32 lo)
{
	unsigned int i;

	if (lo & 1) {
		/* bit 0 cannot be carried by an address reply descriptor */
		reject(emu, ACXEMU_REJ_FREE_FRAME_BAD);
		return;
	}
	for (i = 0; i < emu->free_count; i++) {
		if (emu->free_frames[(emu->free_head + i) % EMU_FREE_LIST_CAP] == lo) {
			reject(emu, ACXEMU_REJ_FREE_FRAME_BAD);
			return;
		}
	}
	if (emu->free_count >= EMU_FREE_LIST_CAP) {
		reject(emu, ACXEMU_REJ_FREE_LIST_FULL);
		return;
	}
	emu->free_frames[(emu->free_head + emu->free_count) % EMU_FREE_LIST_CAP] = lo;
	emu->free_count++;
	pthread_cond_broadcast(&emu->cond);
}

u32 free_pop_locked(struct acxemu *emu)
{
	u32 lo = emu->free_frames[emu->free_head];

	emu->free_head = (emu->free_head + 1) % EMU_FREE_LIST_CAP;
	emu->free_count--;
	return lo;
}

void rq_push_locked(struct acxemu *emu, u32 desc)
{
	emu->rq[(emu->rq_head + emu->rq_count) % EMU_REPLY_Q_CAP] = desc;
	emu->rq_count++;
	emu->rq_last = desc;
	emu->rq_last_valid = true;
}

/* ---- handshake ------------------------------------------------------------ */

static void reinit_locked(struct acxemu *emu)
{
	emu->epoch++;
	/* the first handshake of a fresh device is not a re-init */
	if (emu->ever_registered)
		stat_inc(&emu->st_reinits);
	cancel_all_locked(emu, true);
	emu->free_head = 0;
	emu->free_count = 0;
	emu->fifo_pi = 0;
	emu->fifo_ci = 0;
	emu->rq_head = 0;
	emu->rq_count = 0;
	emu->mgmt_busy = false;
	emu->evsw_on = false;
	emu->paused = false;
	emu->odb = 0;
	emu->int_status &= ~ACXXX_ISTS_READY;
	emu->hs = HS_RESET;
	if (emu->hung && emu->hang_recoverable)
		emu->hung = false;
}

static void register_hiaddr_locked(struct acxemu *emu, u32 hi)
{
	emu->hiaddr = hi;
	emu->hs = HS_REGISTERED;
	emu->ever_registered = true;
	emu->ready_at_ns = emu_now_ns() + (u64)emu->ready_delay_ms * 1000000ull;
}

static void update_ready_locked(struct acxemu *emu)
{
	if (emu->hs != HS_REGISTERED || emu->ready_hold || emu->hung ||
	    emu->dma_cancel_pending)
		return;
	if (emu->ready_delay_ms && emu_now_ns() < emu->ready_at_ns)
		return;
	if (emu->ready_hold_armed) {
		if (!emu->ready_pass) {
			emu->ready_hold_armed = false;
			emu->ready_hold = true;
			return;
		}
		emu->ready_pass--;
	}
	/*
	 * The firmware's reset is over: descriptors still queued from before
	 * it (only "reply repeat" puts any there) are dropped, as a
	 * reset firmware does.  The line follows at the next access.
	 */
	emu->rq_head = 0;
	emu->rq_count = 0;
	emu->hs = HS_READY;
	if (emu->family == ACXEMU_FAMILY_341)
		emu->int_status |= ACXXX_ISTS_READY;
	else
		emu->odb |= ACXXX_ODB_READY;
	pthread_cond_broadcast(&emu->cond);
}

static bool hs_blocked_locked(struct acxemu *emu)
{
	return emu->hung && !emu->hang_recoverable;
}

/* ---- register seam --------------------------------------------------------- */

static bool is_2208(struct acxemu *emu)
{
	return emu->family == ACXEMU_FAMILY_2208;
}

static bool has_doorbells(struct acxemu *emu)
{
	return emu->family != ACXEMU_FAMILY_341;
}

static u32 ones(unsigned int size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

/* 16-bit index registers at 0x60..0x6A; false if @off is not one. */
static bool idx16_locked(struct acxemu *emu, u32 off, u16 *v)
{
	if (!has_doorbells(emu))
		return false;
	switch (off) {
	case ACXXX_REG_IN_FREE_CI:
	case ACXXX_REG_IN_FREE_PI:
		*v = 0;
		return true;
	case ACXXX_REG_IN_POST_CI:
		*v = emu->in_post_ci;
		return true;
	case ACXXX_REG_IN_POST_PI:
		*v = emu->in_post_pi;
		return true;
	case ACXXX_REG_OUT_FREE_CI:
		if (!is_2208(emu))
			return false;
		*v = emu->fifo_ci;
		return true;
	case ACXXX_REG_OUT_FREE_PI:
		if (!is_2208(emu))
			return false;
		*v = emu->fifo_pi;
		return true;
	}
	return false;
}

/* Plain (side-effect free) 32-bit register value; false if unknown. */
static bool reg_value_locked(struct acxemu *emu, u32 reg, u32 *v)
{
	u16 lo, hi;

	if (reg >= ACXXX_REG_IN_FREE_CI && reg <= ACXXX_REG_OUT_FREE_PI) {
		if (!idx16_locked(emu, reg, &lo))
			return false;
		if (!idx16_locked(emu, reg + 2, &hi))
			hi = 0;
		*v = lo | (u32)hi << 16;
		return true;
	}
	switch (reg) {
	case ACXXX_REG_HOST_MSG0:
		if (has_doorbells(emu))
			return false;
		*v = emu->host_msg0;
		return true;
	case ACXXX_REG_CTRL_MSG0:
		*v = 0;
		return true;
	case ACXXX_REG_IN_DOORBELL:
		if (!has_doorbells(emu))
			return false;
		*v = 0;
		return true;
	case ACXXX_REG_OUT_INT_STATUS:
		if (has_doorbells(emu))
			*v = ((emu->odb & ~ACXXX_ODB_READY) ? 0x08 : 0) |
			     (emu->rq_count ? 0x10 : 0);
		else
			*v = emu->int_status |
			     (emu->rq_count ? ACXXX_ISTS_REPLY : 0);
		return true;
	case ACXXX_REG_OUT_INT_MASK:
		*v = emu->int_mask;
		return true;
	case ACXXX_REG_REQUEST_PORT:
		if (has_doorbells(emu) && emu->intake_count >= emu->intake_depth)
			*v = ACXXX_EMPTY;
		else
			*v = 0;
		return true;
	case ACXXX_REG_OUT_DOORBELL:
		if (!has_doorbells(emu))
			return false;
		*v = emu->odb;
		return true;
	case ACXXX_REG_OUT_DOORBELL_CLR:
		if (!has_doorbells(emu))
			return false;
		*v = 0;
		return true;
	case ACXXX_REG_SCRATCH1:
		if (!has_doorbells(emu))
			return false;
		*v = emu->hung ? 0 : ACXXX_SCRATCH1_RUNNING;
		return true;
	case ACXXX_REG_SCRATCH2:
		if (!has_doorbells(emu))
			return false;
		*v = emu->scratch2;
		return true;
	case ACXXX_REG_RAID_TYPE:
		if (!has_doorbells(emu))
			return false;
		*v = (u32)emu->device_id << 16 | ACXXX_PCI_VENDOR;
		return true;
	}
	return false;
}

static bool size_ok(u32 offset, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && !(offset & (size - 1));
}

static unsigned int reg_slot(u32 offset)
{
	return offset < ACXEMU_REG_SLOT_OTHER * 4 ? offset / 4 :
	       ACXEMU_REG_SLOT_OTHER;
}

u32 acxemu_reg_read(struct acxemu *emu, u32 offset, unsigned int size)
{
	u32 reg = offset & ~3u, v = 0;
	bool changed = false;

	stat_inc(&emu->st_reg_reads[reg_slot(offset)]);
	if (!size_ok(offset, size)) {
		reject(emu, ACXEMU_REJ_BAD_ACCESS);
		return 0;
	}
	pthread_mutex_lock(&emu->lock);
	if (emu->dead) {
		pthread_mutex_unlock(&emu->lock);
		return ones(size);
	}
	if (emu->hostile_ones) {
		/* the hostile firmware: this read comes back all-ones */
		emu->hostile_ones--;
		pthread_mutex_unlock(&emu->lock);
		return ones(size);
	}
	update_ready_locked(emu);
	if (offset >= ACXXX_REG_BAR_SIZE) {
		stat_inc(&emu->st_reg_unknown);
		goto out;
	}
	if (reg == ACXXX_REG_REPLY_PORT) {
		if (size != 4) {
			/* a partial read must not pop a descriptor */
			reject(emu, ACXEMU_REJ_BAD_ACCESS);
			v = ones(size);
			goto out;
		}
		if (!emu->rq_count) {
			stat_inc(&emu->st_reply_empty);
			v = ACXXX_EMPTY;
			goto out;
		}
		stat_inc(&emu->st_reply_pops);
		emu->batch_pops++;
		v = emu->rq[emu->rq_head];
		emu->rq_head = (emu->rq_head + 1) % EMU_REPLY_Q_CAP;
		if (emu->rq_count-- == EMU_REPLY_Q_CAP)
			pthread_cond_broadcast(&emu->cond);	/* room again */
		changed = true;
		goto out;
	}
	if (!reg_value_locked(emu, reg, &v)) {
		stat_inc(&emu->st_reg_unknown);
		v = 0;
		goto out;
	}
	v = (v >> ((offset & 3) * 8)) & ones(size);
out:
	pthread_mutex_unlock(&emu->lock);
	if (changed)
		emu_irq_update(emu);
	return v;
}

static struct emu_req *req_alloc(void)
{
	return calloc(1, sizeof(struct emu_req));
}

static void post_locked(struct acxemu *emu, u32 value)
{
	struct emu_req *req;

	if (emu->hs != HS_READY) {
		reject(emu, ACXEMU_REJ_POST_NOT_READY);
		return;
	}
	if (emu->intake_count >= emu->intake_depth) {
		reject(emu, ACXEMU_REJ_INTAKE_FULL);
		return;
	}
	req = req_alloc();
	if (!req) {
		reject(emu, ACXEMU_REJ_INTAKE_FULL);
		return;
	}
	req->frame_addr = (u64)emu->hiaddr << 32 | (value & ~3u);
	req->epoch = emu->epoch;
	req->lun = -1;
	req->where = RQ_INTAKE;
	req->seq = ++emu->post_seq;
	req->hi = emu->hiaddr;
	list_add_tail(&req->all, &emu->all);
	list_add_tail(&req->q, &emu->intake);
	emu->intake_count++;
	emu->outstanding++;
	emu->in_post_pi++;
	stat_inc(&emu->st_posts);
	pthread_cond_broadcast(&emu->cond);
}

static void free_frame_write_locked(struct acxemu *emu, u32 value)
{
	if (emu->hs != HS_READY) {
		reject(emu, ACXEMU_REJ_POST_NOT_READY);
		return;
	}
	if (!is_2208(emu)) {
		free_push_locked(emu, value);
		return;
	}
	/* 2208: through the 16-deep outbound free FIFO (2.2, 16.10) */
	if (((emu->fifo_pi + 1) & ACXXX_FREE_FIFO_MASK) == emu->fifo_ci) {
		reject(emu, ACXEMU_REJ_FREE_FIFO_FULL);
		return;
	}
	emu->fifo[emu->fifo_pi] = value;
	emu->fifo_pi = (emu->fifo_pi + 1) & ACXXX_FREE_FIFO_MASK;
}

static void fifo_kick_locked(struct acxemu *emu)
{
	if (emu->hs != HS_READY)
		return;
	while (emu->fifo_ci != emu->fifo_pi) {
		free_push_locked(emu, emu->fifo[emu->fifo_ci]);
		emu->fifo_ci = (emu->fifo_ci + 1) & ACXXX_FREE_FIFO_MASK;
	}
}

static void in_doorbell_locked(struct acxemu *emu, u32 v)
{
	if (v == ACXXX_IDB_RESET) {
		if (hs_blocked_locked(emu))
			return;
		reinit_locked(emu);
		return;
	}
	if (v & ACXXX_IDB_HIADDR) {
		if (emu->hung)
			return;
		if (emu->hs != HS_RESET)
			reinit_locked(emu);
		register_hiaddr_locked(emu, v & ACXXX_IDB_HIADDR_MASK);
		return;
	}
	if (v == ACXXX_IDB_FREE_REPLY && is_2208(emu)) {
		fifo_kick_locked(emu);
		return;
	}
	reject(emu, ACXEMU_REJ_BAD_DOORBELL);
}

static u32 merge(u32 old, u32 offset, u32 value, unsigned int size)
{
	unsigned int shift = (offset & 3) * 8;
	u32 mask = ones(size) << shift;

	return (old & ~mask) | ((value << shift) & mask);
}

void acxemu_reg_write(struct acxemu *emu, u32 offset, u32 value,
		      unsigned int size)
{
	u32 reg = offset & ~3u;

	stat_inc(&emu->st_reg_writes[reg_slot(offset)]);
	if (!size_ok(offset, size)) {
		reject(emu, ACXEMU_REJ_BAD_ACCESS);
		return;
	}
	pthread_mutex_lock(&emu->lock);
	if (emu->dead) {
		pthread_mutex_unlock(&emu->lock);
		return;
	}
	update_ready_locked(emu);
	/* registers where partial writes are meaningful */
	switch (reg) {
	case ACXXX_REG_OUT_INT_MASK:
		emu->int_mask = merge(emu->int_mask, offset, value, size);
		goto out;
	case ACXXX_REG_SCRATCH1:
		if (!has_doorbells(emu))
			break;
		emu->scratch1_written = merge(emu->scratch1_written, offset,
					      value, size);
		goto out;
	case ACXXX_REG_SCRATCH2:
		if (!has_doorbells(emu))
			break;
		emu->scratch2 = merge(emu->scratch2, offset, value, size);
		goto out;
	}
	if (size != 4 && offset < ACXXX_REG_BAR_SIZE) {
		reject(emu, ACXEMU_REJ_BAD_ACCESS);
		goto out;
	}
	switch (has_doorbells(emu) ? reg : reg | 0x80000000u) {
	case ACXXX_REG_HOST_MSG0 | 0x80000000u:
		emu->host_msg0 = value;
		if (hs_blocked_locked(emu))
			break;
		reinit_locked(emu);
		register_hiaddr_locked(emu, value);
		break;
	case ACXXX_REG_OUT_INT_STATUS | 0x80000000u:
		emu->int_status &= ~(value & ACXXX_ISTS_READY);
		break;
	case ACXXX_REG_REQUEST_PORT | 0x80000000u:
	case ACXXX_REG_REQUEST_PORT:
		post_locked(emu, value);
		break;
	case ACXXX_REG_REPLY_PORT | 0x80000000u:
	case ACXXX_REG_REPLY_PORT:
		free_frame_write_locked(emu, value);
		break;
	case ACXXX_REG_IN_DOORBELL:
		in_doorbell_locked(emu, value);
		break;
	case ACXXX_REG_OUT_DOORBELL_CLR:
		emu->odb &= ~value;
		break;
	case ACXXX_REG_OUT_INT_STATUS:
	case ACXXX_REG_OUT_DOORBELL:
		/* read-only on this dialect */
		break;
	default:
		stat_inc(&emu->st_reg_unknown);
		break;
	}
out:
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
}

/* ---- delivery -------------------------------------------------------------- */

static void park_locked(struct acxemu *emu, struct emu_req *req, bool head)
{
	req->where = RQ_WAITING;
	if (head)
		list_add_head(&req->q, &emu->waiting);
	else
		list_add_tail(&req->q, &emu->waiting);
	emu->waiting_count++;
}

static bool can_deliver_locked(struct acxemu *emu, const struct emu_req *req)
{
	if (emu->hung || emu->dead || emu->rq_count >= EMU_REPLY_Q_CAP)
		return false;
	return req->fast || emu->free_count > 0;
}

/*
 * Post @req's completion (emu->lock held; may drop it around DMA).  A
 * completion that cannot be posted now is parked on the waiting queue:
 * at its head when it came from there, at its tail otherwise, so address
 * replies keep their order.
 */
static void deliver_locked(struct acxemu *emu, struct emu_req *req,
			   bool from_waiting)
{
	u64 frame_addr;
	u32 frame;
	u64 epoch;
	bool sense_ok = true;
	int rc;

again:
	if (req->cancelled || emu->dead) {
		req_free_locked(emu, req);
		return;
	}
	if (!can_deliver_locked(emu, req) ||
	    (!req->fast && !from_waiting && !list_empty(&emu->waiting))) {
		park_locked(emu, req, from_waiting);
		return;
	}
	if (req->fast) {
		rq_push_locked(emu, req->msg_id);
		stat_inc(&emu->st_replies_fast);
		req_free_locked(emu, req);
		return;
	}
	frame = free_pop_locked(emu);
	frame_addr = (u64)emu->hiaddr << 32 | frame;
	epoch = emu->epoch;
	req->dma_active = true;
	pthread_mutex_unlock(&emu->lock);

	if (req->has_sense &&
	    emu_dma_write(emu, req->sense_addr, req->sense, req->sense_wlen))
		sense_ok = false;
	if (!sense_ok) {
		struct acxxx_scsi_reply *r = (struct acxxx_scsi_reply *)req->reply;

		r->scsi_state &= ~ACXXX_SSTATE_AUTOSENSE_VALID;
		r->scsi_state |= ACXXX_SSTATE_AUTOSENSE_FAILED;
		r->sense_count = 0;
	}
	rc = emu_dma_write(emu, frame_addr, req->reply, ACXXX_REPLY_FRAME_SIZE);

	pthread_mutex_lock(&emu->lock);
	req_dma_end_locked(emu, req);
	if (!sense_ok) {
		reject(emu, ACXEMU_REJ_SENSE_DMA);
		req->has_sense = false;
	}
	if (rc) {
		/* the host gave us a frame we cannot write: it is lost */
		reject(emu, ACXEMU_REJ_REPLY_FRAME_DMA);
		from_waiting = true;
		goto again;
	}
	if (req->cancelled || emu->dead) {
		if (epoch == emu->epoch && !emu->dead)
			free_push_locked(emu, frame);
		req_free_locked(emu, req);
		return;
	}
	rq_push_locked(emu, ACXXX_RDESC_ADDR_FLAG | frame >> 1);
	stat_inc(&emu->st_replies_addr);
	if (req->is_event && req->reply[8] == ACXXX_EVT_LUN_CHANGE)
		stat_inc(&emu->st_events);
	req_free_locked(emu, req);
}

/* ---- workers ------------------------------------------------------------- */

static bool serving_locked(struct acxemu *emu)
{
	return emu->hs == HS_READY && !emu->paused && !emu->hung && !emu->dead &&
	       !emu->stopping;
}

static void sleep_until_locked(struct acxemu *emu, struct emu_req *req,
			       u64 due)
{
	struct timespec ts;

	while (!req->cancelled && !emu->stopping && !emu->dead &&
	       emu_now_ns() < due) {
		ts.tv_sec = due / 1000000000ull;
		ts.tv_nsec = due % 1000000000ull;
		pthread_cond_timedwait(&emu->cond, &emu->lock, &ts);
	}
}

/* Runs a request taken from the intake queue; called and returns unlocked. */
static void run_request(struct acxemu *emu, struct emu_worker *w,
			struct emu_req *req, bool sync)
{
	u64 start = sync ? 0 : emu_now_ns();
	unsigned int delay_ms = 0;
	enum exec_result r;

	r = req_execute_frame(emu, w, req, &delay_ms);

	pthread_mutex_lock(&emu->lock);
	if (r == EXEC_DISCARD || req->cancelled) {
		req_free_locked(emu, req);
		goto out;
	}
	if (r == EXEC_DROP) {
		req->where = RQ_DROPPED;
		list_add_tail(&req->q, &emu->dropped);
		goto out;
	}
	if (!sync) {
		u64 lat = (u64)emu->latency_us * 1000ull;

		if (emu->jitter_us)
			lat += (u64)(rand_r(&w->seed) %
				     (emu->jitter_us + 1)) * 1000ull;
		lat += (u64)delay_ms * 1000000ull;
		if (lat)
			sleep_until_locked(emu, req, start + lat);
	}
	deliver_locked(emu, req, false);
out:
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
}

/* One unit of work; emu->lock held on entry and exit.  False if none. */
static bool work_step_locked(struct acxemu *emu, struct emu_worker *w, bool sync)
{
	struct emu_req *req;

	if (emu->dead || emu->stopping)
		return false;
	if (!list_empty(&emu->waiting)) {
		req = container_of(emu->waiting.next, struct emu_req, q);
		if (can_deliver_locked(emu, req)) {
			list_del(&req->q);
			emu->waiting_count--;
			req->where = RQ_ACTIVE;
			emu->active++;
			deliver_locked(emu, req, true);
			emu->active--;
			pthread_cond_broadcast(&emu->cond);
			pthread_mutex_unlock(&emu->lock);
			emu_irq_update(emu);
			pthread_mutex_lock(&emu->lock);
			return true;
		}
	}
	if (serving_locked(emu) && !list_empty(&emu->intake)) {
		req = container_of(emu->intake.next, struct emu_req, q);
		list_del(&req->q);
		emu->intake_count--;
		emu->in_post_ci++;
		req->where = RQ_ACTIVE;
		emu->active++;
		emu->unparsed++;
		pthread_mutex_unlock(&emu->lock);
		run_request(emu, w, req, sync);
		pthread_mutex_lock(&emu->lock);
		emu->active--;
		pthread_cond_broadcast(&emu->cond);
		return true;
	}
	return false;
}

static void *worker_main(void *arg)
{
	struct emu_worker *w = arg;
	struct acxemu *emu = w->emu;

	pthread_mutex_lock(&emu->lock);
	while (!emu->stopping) {
		if (!work_step_locked(emu, w, false))
			pthread_cond_wait(&emu->cond, &emu->lock);
	}
	pthread_mutex_unlock(&emu->lock);
	return NULL;
}

unsigned int acxemu_process(struct acxemu *emu)
{
	unsigned int n = 0;

	if (emu->nworkers)
		return 0;
	pthread_mutex_lock(&emu->lock);
	while (work_step_locked(emu, &emu->sync_worker, true))
		n++;
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
	return n;
}

static bool idle_locked(struct acxemu *emu)
{
	if (emu->active)
		return false;
	if (!list_empty(&emu->intake) && serving_locked(emu))
		return false;
	if (!list_empty(&emu->waiting) &&
	    can_deliver_locked(emu, container_of(emu->waiting.next,
						 struct emu_req, q)))
		return false;
	return true;
}

int acxemu_wait_idle(struct acxemu *emu, unsigned int timeout_ms)
{
	u64 due = emu_now_ns() + (u64)timeout_ms * 1000000ull;
	struct timespec ts;
	int rc = 0;

	if (!emu->nworkers) {
		acxemu_process(emu);
		return 0;
	}
	ts.tv_sec = due / 1000000000ull;
	ts.tv_nsec = due % 1000000000ull;
	pthread_mutex_lock(&emu->lock);
	while (!idle_locked(emu)) {
		if (pthread_cond_timedwait(&emu->cond, &emu->lock, &ts) ==
		    ETIMEDOUT && !idle_locked(emu)) {
			rc = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

/* ---- events ------------------------------------------------------------------ */

void push_lun_event_locked(struct acxemu *emu)
{
	static const u8 code = ACXXX_EVT_LUN_CHANGE;

	push_event_locked(emu, &code, 1);
}

/* An event whose data starts with @data (the rest zero); -EAGAIN while off. */
int push_event_locked(struct acxemu *emu, const u8 *data, size_t len)
{
	struct acxxx_event_reply *ev;
	struct emu_req *req;

	if (!emu->evsw_on || emu->hs != HS_READY || emu->dead)
		return -EAGAIN;
	req = req_alloc();
	if (!req)
		return -ENOMEM;
	req->is_event = true;
	req->epoch = emu->epoch;
	req->lun = -1;
	req->function = ACXXX_FN_EVENT_SWITCH;
	ev = (struct acxxx_event_reply *)req->reply;
	ev->hdr.function = ACXXX_FN_EVENT_SWITCH;
	ev->hdr.status = ACXXX_RS_SUCCESS;
	ev->hdr.length = ACXXX_REPLY_FRAME_SIZE / 4;
	ev->hdr.msg_id = 0;
	memcpy(ev->data, data, len);
	park_locked(emu, req, false);
	pthread_cond_broadcast(&emu->cond);
	return 0;
}

int acxemu_event(struct acxemu *emu, const u8 *data, size_t len)
{
	int ret;

	if (!data || !len || len > ACXXX_EVENT_DATA_LEN)
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	ret = push_event_locked(emu, data, len);
	pthread_mutex_unlock(&emu->lock);
	return ret;
}

/* ---- volumes ---------------------------------------------------------------- */

struct emu_vol *vol_get_locked(struct acxemu *emu, unsigned int lun)
{
	struct emu_vol *vol;

	if (lun >= ACXXX_MAX_LUNS)
		return NULL;
	vol = emu->vols[lun];
	if (vol)
		vol->refs++;
	return vol;
}

void vol_put(struct acxemu *emu, struct emu_vol *vol)
{
	bool close_it;

	pthread_mutex_lock(&emu->lock);
	close_it = --vol->refs == 0 && vol->removed;
	pthread_mutex_unlock(&emu->lock);
	if (close_it)
		vol_close(vol, !emu->dead);
}

int acxemu_volume_add(struct acxemu *emu, const struct acxemu_volume_config *cfg,
		      char *errbuf, size_t errlen)
{
	struct emu_vol *vol;
	int rc;

	if (cfg->lun >= ACXXX_MAX_LUNS) {
		if (errbuf)
			snprintf(errbuf, errlen, "lun %u out of range 0..63",
				 cfg->lun);
		return -EINVAL;
	}
	pthread_mutex_lock(&emu->lock);
	rc = emu->dead ? -ENODEV : emu->vols[cfg->lun] ? -EEXIST : 0;
	pthread_mutex_unlock(&emu->lock);
	if (rc) {
		if (errbuf)
			snprintf(errbuf, errlen, "lun %u %s", cfg->lun,
				 rc == -EEXIST ? "already present" : "device dead");
		return rc;
	}
	rc = vol_open(&vol, cfg, emu->serial, emu->cache_max_dirty, errbuf,
		      errlen);
	if (rc)
		return rc;
	pthread_mutex_lock(&emu->lock);
	if (emu->vols[cfg->lun]) {
		pthread_mutex_unlock(&emu->lock);
		vol_close(vol, false);
		if (errbuf)
			snprintf(errbuf, errlen, "lun %u already present",
				 cfg->lun);
		return -EEXIST;
	}
	emu->vols[cfg->lun] = vol;
	push_lun_event_locked(emu);
	pthread_mutex_unlock(&emu->lock);
	return 0;
}

int acxemu_volume_remove(struct acxemu *emu, unsigned int lun)
{
	struct emu_vol *vol;
	bool close_it;

	if (lun >= ACXXX_MAX_LUNS)
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	vol = emu->vols[lun];
	if (!vol) {
		pthread_mutex_unlock(&emu->lock);
		return -ENOENT;
	}
	emu->vols[lun] = NULL;
	vol->removed = true;
	close_it = vol->refs == 0;
	push_lun_event_locked(emu);
	pthread_mutex_unlock(&emu->lock);
	if (close_it)
		vol_close(vol, !emu->dead);
	return 0;
}

int acxemu_volume_info(struct acxemu *emu, unsigned int lun,
		       struct acxemu_volume_info *info)
{
	struct emu_vol *vol;

	pthread_mutex_lock(&emu->lock);
	vol = vol_get_locked(emu, lun);
	pthread_mutex_unlock(&emu->lock);
	if (!vol)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->lun = vol->lun;
	info->size = vol->size;
	info->mem = vol->fd < 0;
	snprintf(info->path, sizeof(info->path), "%s", vol->path);
	snprintf(info->serial, sizeof(info->serial), "%s", vol->serial);
	naa_to_hex(vol, info->naa, sizeof(info->naa));
	info->dirty_bytes = vol_dirty_bytes(vol);
	vol_put(emu, vol);
	return 0;
}

u64 acxemu_volume_map(struct acxemu *emu)
{
	u64 map = 0;
	unsigned int i;

	pthread_mutex_lock(&emu->lock);
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		if (emu->vols[i])
			map |= 1ull << i;
	pthread_mutex_unlock(&emu->lock);
	return map;
}

int acxemu_flush_all(struct acxemu *emu)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		struct emu_vol *vol;

		pthread_mutex_lock(&emu->lock);
		vol = vol_get_locked(emu, i);
		pthread_mutex_unlock(&emu->lock);
		if (!vol)
			continue;
		if (vol_flush(vol, 0, vol->nblocks))
			rc = -EIO;
		vol_put(emu, vol);
	}
	return rc;
}

int acxemu_volume_read_medium(struct acxemu *emu, unsigned int lun,
			      u64 offset, void *buf, size_t len)
{
	struct emu_vol *vol;
	int rc;

	pthread_mutex_lock(&emu->lock);
	vol = vol_get_locked(emu, lun);
	pthread_mutex_unlock(&emu->lock);
	if (!vol)
		return -ENOENT;
	rc = vol_read_medium(vol, offset, buf, len);
	vol_put(emu, vol);
	return rc;
}

int acxemu_medium_error_add(struct acxemu *emu, unsigned int lun, u64 first,
			    u64 last, bool on_read, bool on_write)
{
	struct emu_vol *vol;
	int rc = 0;

	if (first > last || (!on_read && !on_write))
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	vol = vol_get_locked(emu, lun);
	pthread_mutex_unlock(&emu->lock);
	if (!vol)
		return -ENOENT;
	pthread_mutex_lock(&vol->lock);
	if (vol->nmedium >= EMU_MAX_MEDIUM) {
		rc = -ENOSPC;
	} else {
		vol->medium[vol->nmedium].first = first;
		vol->medium[vol->nmedium].last = last;
		vol->medium[vol->nmedium].on_read = on_read;
		vol->medium[vol->nmedium].on_write = on_write;
		vol->nmedium++;
	}
	pthread_mutex_unlock(&vol->lock);
	vol_put(emu, vol);
	return rc;
}

int acxemu_medium_error_clear(struct acxemu *emu, unsigned int lun)
{
	struct emu_vol *vol;

	pthread_mutex_lock(&emu->lock);
	vol = vol_get_locked(emu, lun);
	pthread_mutex_unlock(&emu->lock);
	if (!vol)
		return -ENOENT;
	pthread_mutex_lock(&vol->lock);
	vol->nmedium = 0;
	pthread_mutex_unlock(&vol->lock);
	vol_put(emu, vol);
	return 0;
}

/* ---- firmware events: notifications, hang, power loss ------------------------ */

int acxemu_notify(struct acxemu *emu, u32 bit)
{
	if (emu->family == ACXEMU_FAMILY_341)
		return -EOPNOTSUPP;
	if (bit != ACXXX_ODB_RESTART_SOON && bit != ACXXX_ODB_FLUSH &&
	    bit != ACXXX_ODB_PAUSE && bit != ACXXX_ODB_RESUME)
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	if (emu->dead) {
		pthread_mutex_unlock(&emu->lock);
		return -ENODEV;
	}
	switch (bit) {
	case ACXXX_ODB_FLUSH:
		cancel_all_locked(emu, false);
		wait_cancel_quiesce_locked(emu);
		break;
	case ACXXX_ODB_PAUSE:
		emu->paused = true;
		break;
	case ACXXX_ODB_RESUME:
		emu->paused = false;
		break;
	}
	emu->odb |= bit;
	pthread_cond_broadcast(&emu->cond);
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
	return 0;
}

void acxemu_hang(struct acxemu *emu, bool recoverable)
{
	pthread_mutex_lock(&emu->lock);
	emu->hung = true;
	emu->hang_recoverable = recoverable;
	pthread_cond_broadcast(&emu->cond);
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
}

void acxemu_power_loss(struct acxemu *emu)
{
	struct emu_vol *vols[ACXXX_MAX_LUNS];
	unsigned int i;

	pthread_mutex_lock(&emu->lock);
	if (emu->dead) {
		pthread_mutex_unlock(&emu->lock);
		return;
	}
	cancel_all_locked(emu, true);
	emu->dead = true;
	/* DMA already running for active requests finishes before we return */
	wait_cancel_quiesce_locked(emu);
	while (emu->active)
		pthread_cond_wait(&emu->cond, &emu->lock);
	emu->free_count = 0;
	emu->rq_count = 0;
	pthread_cond_broadcast(&emu->cond);
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		vols[i] = vol_get_locked(emu, i);
	pthread_mutex_unlock(&emu->lock);
	/* volume locks may wait for file I/O: never under emu->lock */
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		if (!vols[i])
			continue;
		vol_discard_cache(vols[i]);
		vol_put(emu, vols[i]);
	}
	emu_irq_update(emu);
}

void acxemu_reset(struct acxemu *emu)
{
	pthread_mutex_lock(&emu->lock);
	if (emu->dead) {
		pthread_mutex_unlock(&emu->lock);
		return;
	}
	stat_inc(&emu->st_resets);
	/* The firmware restarts: what a re-init drops, and the registers. */
	emu->ever_registered = false;	/* the next handshake is a first one */
	reinit_locked(emu);
	emu->hiaddr = 0;
	emu->host_msg0 = 0;
	emu->int_mask = ACXXX_IMASK_OFF;
	emu->scratch1_written = 0;
	emu->scratch2 = 0;
	pthread_cond_broadcast(&emu->cond);
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
}

bool acxemu_is_dead(struct acxemu *emu)
{
	bool dead;

	pthread_mutex_lock(&emu->lock);
	dead = emu->dead;
	pthread_mutex_unlock(&emu->lock);
	return dead;
}

void acxemu_irq_glitch(struct acxemu *emu)
{
	/* irq_lock orders this against emu_irq_update()'s reports. */
	pthread_mutex_lock(&emu->irq_lock);
	if (!emu->irq_reported && emu->irq_cb) {
		stat_inc(&emu->st_irq_glitches);
		emu->irq_cb(emu->irq_ctx, true);
		emu->irq_cb(emu->irq_ctx, false);
	}
	pthread_mutex_unlock(&emu->irq_lock);
}

void acxemu_ready_hold(struct acxemu *emu, bool hold)
{
	pthread_mutex_lock(&emu->lock);
	emu->ready_hold = hold;
	emu->ready_hold_armed = false;
	pthread_mutex_unlock(&emu->lock);
}

void acxemu_ready_hold_after(struct acxemu *emu, unsigned int pass)
{
	pthread_mutex_lock(&emu->lock);
	emu->ready_hold = false;
	emu->ready_pass = pass;
	emu->ready_hold_armed = true;
	pthread_mutex_unlock(&emu->lock);
}

void acxemu_hs_view(struct acxemu *emu, struct acxemu_hs_view *v)
{
	pthread_mutex_lock(&emu->lock);
	update_ready_locked(emu);
	v->state = emu->hs == HS_READY ? 2 : emu->hs == HS_REGISTERED ? 1 : 0;
	v->hold = emu->ready_hold;
	v->doorbell = has_doorbells(emu) ? emu->odb : 0;
	if (!reg_value_locked(emu, ACXXX_REG_OUT_INT_STATUS, &v->int_status))
		v->int_status = 0;
	v->int_mask = emu->int_mask;
	v->replies = emu->rq_count;
	pthread_mutex_unlock(&emu->lock);
}

int acxemu_reply_repeat(struct acxemu *emu, u32 *desc)
{
	int ret = 0;

	pthread_mutex_lock(&emu->lock);
	if (emu->dead)
		ret = -ENODEV;
	else if (!emu->rq_last_valid)
		ret = -ENOENT;
	else if (emu->rq_count >= EMU_REPLY_Q_CAP)
		ret = -ENOSPC;
	else
		rq_push_locked(emu, emu->rq_last);
	*desc = emu->rq_last;
	pthread_mutex_unlock(&emu->lock);
	if (!ret)
		emu_irq_update(emu);
	return ret;
}

void acxemu_get_stats(struct acxemu *emu, struct acxemu_stats *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < 256; i++)
		st->scsi_ops[i] = atomic_load(&emu->st_scsi_ops[i]);
	for (i = 0; i < 16; i++)
		st->functions[i] = atomic_load(&emu->st_functions[i]);
	for (i = 0; i < ACXEMU_REJ_MAX; i++)
		st->rejects[i] = atomic_load(&emu->st_rejects[i]);
	st->bytes_read = atomic_load(&emu->st_bytes_read);
	st->bytes_written = atomic_load(&emu->st_bytes_written);
	st->faults_fired = atomic_load(&emu->st_faults_fired);
	st->medium_errors = atomic_load(&emu->st_medium_errors);
	st->replies_fast = atomic_load(&emu->st_replies_fast);
	st->replies_addr = atomic_load(&emu->st_replies_addr);
	st->events = atomic_load(&emu->st_events);
	st->irqs_raised = atomic_load(&emu->st_irqs_raised);
	st->posts = atomic_load(&emu->st_posts);
	st->reg_unknown = atomic_load(&emu->st_reg_unknown);
	st->reinits = atomic_load(&emu->st_reinits);
	st->resets = atomic_load(&emu->st_resets);
	st->irq_glitches = atomic_load(&emu->st_irq_glitches);
	st->tmf_terminated = atomic_load(&emu->st_tmf_terminated);
	st->cancelled = atomic_load(&emu->st_cancelled);
	st->cache_writebacks = atomic_load(&emu->st_cache_writebacks);
	st->hostile = atomic_load(&emu->st_hostile);
	for (i = 0; i < ACXEMU_REG_SLOTS; i++) {
		st->reg_reads[i] = atomic_load(&emu->st_reg_reads[i]);
		st->reg_writes[i] = atomic_load(&emu->st_reg_writes[i]);
	}
	st->reply_pops = atomic_load(&emu->st_reply_pops);
	st->reply_empty = atomic_load(&emu->st_reply_empty);
	for (i = 0; i < ACXEMU_BATCH_BUCKETS; i++)
		st->irq_batch[i] = atomic_load(&emu->st_irq_batch[i]);
	st->dma_read_bytes = atomic_load(&emu->st_dma_read_bytes);
	st->dma_write_bytes = atomic_load(&emu->st_dma_write_bytes);
	for (i = 0; i < 256; i++)
		st->mgmt_ops[i] = atomic_load(&emu->st_mgmt_ops[i]);
	st->fw_update_bytes = atomic_load(&emu->st_fw_update_bytes);
	if (emu->irq_count) {
		u64 intx = 0, msi = 0;

		pthread_mutex_lock(&emu->irq_lock);
		emu->irq_count(emu->irq_ctx, &intx, &msi);
		st->intx = intx - emu->intx_base;
		st->msi = msi - emu->msi_base;
		pthread_mutex_unlock(&emu->irq_lock);
	}
	pthread_mutex_lock(&emu->lock);
	st->scratch1 = emu->scratch1_written;
	st->scratch2 = emu->scratch2;
	st->outstanding = emu->outstanding;
	st->free_frames = emu->free_count;
	st->waiting = emu->waiting_count;
	pthread_mutex_unlock(&emu->lock);
}

static void stat_zero(atomic_ullong *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		atomic_store(&c[i], 0);
}

void acxemu_stats_reset(struct acxemu *emu)
{
	stat_zero(emu->st_scsi_ops, 256);
	stat_zero(emu->st_functions, 16);
	stat_zero(emu->st_rejects, ACXEMU_REJ_MAX);
	stat_zero(&emu->st_bytes_read, 1);
	stat_zero(&emu->st_bytes_written, 1);
	stat_zero(&emu->st_faults_fired, 1);
	stat_zero(&emu->st_medium_errors, 1);
	stat_zero(&emu->st_replies_fast, 1);
	stat_zero(&emu->st_replies_addr, 1);
	stat_zero(&emu->st_events, 1);
	stat_zero(emu->st_mgmt_ops, 256);
	stat_zero(&emu->st_fw_update_bytes, 1);
	stat_zero(&emu->st_irqs_raised, 1);
	stat_zero(&emu->st_posts, 1);
	stat_zero(&emu->st_reg_unknown, 1);
	stat_zero(&emu->st_reinits, 1);
	stat_zero(&emu->st_resets, 1);
	stat_zero(&emu->st_irq_glitches, 1);
	stat_zero(&emu->st_tmf_terminated, 1);
	stat_zero(&emu->st_cancelled, 1);
	stat_zero(&emu->st_cache_writebacks, 1);
	stat_zero(&emu->st_hostile, 1);
	stat_zero(emu->st_reg_reads, ACXEMU_REG_SLOTS);
	stat_zero(emu->st_reg_writes, ACXEMU_REG_SLOTS);
	stat_zero(&emu->st_reply_pops, 1);
	stat_zero(&emu->st_reply_empty, 1);
	stat_zero(emu->st_irq_batch, ACXEMU_BATCH_BUCKETS);
	stat_zero(&emu->st_dma_read_bytes, 1);
	stat_zero(&emu->st_dma_write_bytes, 1);
	/* irq_lock, then lock: as emu_irq_update() */
	pthread_mutex_lock(&emu->irq_lock);
	if (emu->irq_count)
		emu->irq_count(emu->irq_ctx, &emu->intx_base, &emu->msi_base);
	pthread_mutex_lock(&emu->lock);
	emu->batch_open = false;
	emu->batch_pops = 0;
	pthread_mutex_unlock(&emu->lock);
	pthread_mutex_unlock(&emu->irq_lock);
}

static const char *const reg_names[ACXEMU_REG_SLOT_OTHER] = {
	[ACXXX_REG_HOST_MSG0 / 4] = "HOST_MSG0",
	[ACXXX_REG_CTRL_MSG0 / 4] = "CTRL_MSG0",
	[ACXXX_REG_IN_DOORBELL / 4] = "IN_DOORBELL",
	[ACXXX_REG_OUT_INT_STATUS / 4] = "OUT_INT_STATUS",
	[ACXXX_REG_OUT_INT_MASK / 4] = "OUT_INT_MASK",
	[ACXXX_REG_REQUEST_PORT / 4] = "REQUEST_PORT",
	[ACXXX_REG_REPLY_PORT / 4] = "REPLY_PORT",
	[ACXXX_REG_IN_FREE_CI / 4] = "IN_FREE_CI",
	[ACXXX_REG_IN_POST_CI / 4] = "IN_POST_CI",
	[ACXXX_REG_OUT_FREE_CI / 4] = "OUT_FREE_CI",
	[ACXXX_REG_OUT_DOORBELL / 4] = "OUT_DOORBELL",
	[ACXXX_REG_OUT_DOORBELL_CLR / 4] = "OUT_DOORBELL_CLR",
	[ACXXX_REG_SCRATCH1 / 4] = "SCRATCH1",
	[ACXXX_REG_SCRATCH2 / 4] = "SCRATCH2",
	[ACXXX_REG_RAID_TYPE / 4] = "RAID_TYPE",
};

const char *acxemu_reg_slot_name(unsigned int slot)
{
	return slot < ACXEMU_REG_SLOT_OTHER ? reg_names[slot] : NULL;
}

static const char *const batch_names[ACXEMU_BATCH_BUCKETS] = {
	"0", "1", "2", "3", "4-7", "8-15", "16-31", "32-63", "64+",
};

const char *acxemu_batch_bucket_name(unsigned int bucket)
{
	return bucket < ACXEMU_BATCH_BUCKETS ? batch_names[bucket] : NULL;
}

unsigned int acxemu_batch_bucket(u64 replies)
{
	unsigned int b = 4;

	if (replies < 4)
		return (unsigned int)replies;
	/* 4-7 is bucket 4, 8-15 bucket 5, ... 64 and more bucket 8 */
	while (b < ACXEMU_BATCH_BUCKETS - 1 && replies >= (8ull << (b - 4)))
		b++;
	return b;
}

/* ---- creation ------------------------------------------------------------------ */

static void copy_id(char *dst, const char *src, const char *def)
{
	snprintf(dst, ACXXX_ID_STR_LEN + 1, "%s", src ? src : def);
}

static void emu_free(struct acxemu *emu)
{
	unsigned int i;

	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		if (emu->vols[i])
			vol_close(emu->vols[i], !emu->dead);
		emu->vols[i] = NULL;
	}
	free(emu->sync_worker.bounce);
	free(emu->workers);
	pthread_cond_destroy(&emu->cond);
	pthread_mutex_destroy(&emu->lock);
	pthread_mutex_destroy(&emu->irq_lock);
	free(emu);
}

struct acxemu *acxemu_create(const struct acxemu_config *cfg, int *err,
			     char *errbuf, size_t errlen)
{
	struct acxemu *emu;
	pthread_condattr_t ca;
	char def[ACXXX_ID_STR_LEN + 1];
	unsigned int i;
	int fam, rc;

	if (errbuf && errlen)
		errbuf[0] = 0;
	fam = acxemu_family_of(cfg->device_id);
	if (fam < 0 || !cfg->dma || !cfg->dma->read || !cfg->dma->write) {
		if (errbuf)
			snprintf(errbuf, errlen, fam < 0 ?
				 "unknown device id %04x" : "no DMA operations",
				 cfg->device_id);
		rc = -EINVAL;
		goto fail_nomem;
	}
	emu = calloc(1, sizeof(*emu));
	if (!emu) {
		rc = -ENOMEM;
		goto fail_nomem;
	}
	emu->family = fam;
	emu->device_id = cfg->device_id;
	snprintf(def, sizeof(def), "ACS-%04X", cfg->device_id);
	copy_id(emu->product_id, cfg->product_id, def);
	snprintf(def, sizeof(def), "ACS6x %s RAID", acxemu_family_name(fam));
	copy_id(emu->model, cfg->model, def);
	copy_id(emu->serial, cfg->serial, "ACX0000000000001");
	copy_id(emu->fw_version, cfg->fw_version, "1.0.0-acxemu");
	copy_id(emu->vendor, cfg->vendor, "Accusys");
	snprintf(emu->inq_product, sizeof(emu->inq_product), "ACS-%s VOLUME",
		 acxemu_family_name(fam));
	emu->latency_us = cfg->latency_us;
	emu->jitter_us = cfg->jitter_us;
	emu->intake_depth = cfg->intake_depth ? cfg->intake_depth : 512;
	emu->ready_delay_ms = cfg->ready_delay_ms;
	emu->tmf_unsupported = cfg->tmf_unsupported;
	emu->cache_max_dirty = cfg->cache_max_dirty ? cfg->cache_max_dirty :
			       16ull << 20;
	emu->dma = *cfg->dma;
	emu->dma_ctx = cfg->dma_ctx;
	emu->irq_cb = cfg->irq_cb;
	emu->irq_ctx = cfg->irq_ctx;
	emu->irq_count = cfg->irq_count;
	emu->int_mask = ACXXX_IMASK_OFF;
	emu->hs = HS_RESET;
	emu->next_fault_id = 1;
	list_init(&emu->all);
	list_init(&emu->intake);
	list_init(&emu->waiting);
	list_init(&emu->dropped);
	pthread_mutex_init(&emu->lock, NULL);
	pthread_mutex_init(&emu->irq_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&emu->cond, &ca);
	pthread_condattr_destroy(&ca);

	for (i = 0; i < cfg->nvolumes; i++) {
		rc = acxemu_volume_add(emu, &cfg->volumes[i], errbuf, errlen);
		if (rc)
			goto fail;
	}

	emu->sync_worker.emu = emu;
	emu->sync_worker.seed = cfg->seed;
	emu->sync_worker.bounce = malloc(EMU_MAX_XFER);
	if (!emu->sync_worker.bounce) {
		rc = -ENOMEM;
		goto fail;
	}
	if (cfg->workers) {
		emu->workers = calloc(cfg->workers, sizeof(*emu->workers));
		if (!emu->workers) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < cfg->workers; i++) {
		struct emu_worker *w = &emu->workers[i];

		w->emu = emu;
		w->seed = cfg->seed + i * 7919u + 1;
		w->bounce = malloc(EMU_MAX_XFER);
		if (!w->bounce ||
		    pthread_create(&w->thread, NULL, worker_main, w)) {
			free(w->bounce);
			rc = -ENOMEM;
			goto fail_threads;
		}
		emu->nworkers++;
	}
	return emu;

fail_threads:
	pthread_mutex_lock(&emu->lock);
	emu->stopping = true;
	pthread_cond_broadcast(&emu->cond);
	pthread_mutex_unlock(&emu->lock);
	for (i = 0; i < emu->nworkers; i++) {
		pthread_join(emu->workers[i].thread, NULL);
		free(emu->workers[i].bounce);
	}
fail:
	if (errbuf && errlen && !errbuf[0])
		snprintf(errbuf, errlen, "%s", strerror(-rc));
	emu_free(emu);
fail_nomem:
	if (err)
		*err = rc;
	return NULL;
}

void acxemu_destroy(struct acxemu *emu)
{
	struct list_node *n, *next;
	unsigned int i;

	if (!emu)
		return;
	hostile_stop(emu);
	pthread_mutex_lock(&emu->lock);
	emu->stopping = true;
	pthread_cond_broadcast(&emu->cond);
	pthread_mutex_unlock(&emu->lock);
	for (i = 0; i < emu->nworkers; i++) {
		pthread_join(emu->workers[i].thread, NULL);
		free(emu->workers[i].bounce);
	}
	pthread_mutex_lock(&emu->lock);
	for (n = emu->all.next; n != &emu->all; n = next) {
		next = n->next;
		req_cancel_locked(emu, container_of(n, struct emu_req, all));
	}
	for (n = emu->waiting.next; n != &emu->waiting; n = next) {
		next = n->next;
		req_cancel_locked(emu, container_of(n, struct emu_req, q));
	}
	pthread_mutex_unlock(&emu->lock);
	emu_free(emu);
}
