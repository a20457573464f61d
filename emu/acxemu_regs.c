// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the register seam and the handshake (layer 4 of emu/README.md).
 *
 * The register seam only moves 32-bit values between the host and the
 * firmware's queues under emu->lock: a post goes to the engine's intake
 * queue, a returned reply frame to its free list, a re-init to its
 * cancellation.  It never touches guest memory or a backing file and never
 * waits for a worker.  It calls only the engine and the layers below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

/* ---- handshake ------------------------------------------------------------ */

void reinit_locked(struct acxemu *emu)
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
	if (emu->ones_after_reset) {
		emu->ones_left = emu->ones_after_reset;
		emu->ones_after_reset = 0;
	}
}

static void register_hiaddr_locked(struct acxemu *emu, u32 hi)
{
	emu->hiaddr = hi;
	emu->hs = HS_REGISTERED;
	emu->ever_registered = true;
	emu->registrations++;
	emu->ready_at_ns = emu_now_ns() + (u64)emu->ready_delay_ms * 1000000ull;
}

void update_ready_locked(struct acxemu *emu)
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

bool has_doorbells(struct acxemu *emu)
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
bool reg_value_locked(struct acxemu *emu, u32 reg, u32 *v)
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
	if (emu->ones_left) {
		/* the hostile firmware, or "ones after-reset": a failed read */
		emu->ones_left--;
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
