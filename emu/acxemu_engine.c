// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the request engine (layer 5 of emu/README.md).
 *
 * The interrupt condition, the free reply frames and the reply queue,
 * delivery of completions, the workers (or acxemu_process() in synchronous
 * mode) that take requests from the intake queue and hand them to the
 * request layer, re-init cancellation, and firmware events.  It calls the
 * request layer and the layers below, never the register seam.  The hostile
 * firmware reaches its queues only through the injection API declared in
 * acxemu_priv.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

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

void cancel_all_locked(struct acxemu *emu, bool events)
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
	for (n = emu->timed.next; n != &emu->timed; n = next) {
		struct emu_req *req = container_of(n, struct emu_req, q);

		next = n->next;
		if (req->is_event)
			req_cancel_locked(emu, req);
	}
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

/* One draw of @lat's distribution, in nanoseconds: base plus uniform random. */
static u64 lat_draw_ns(const struct acxemu_latency *lat, unsigned int *seed)
{
	u64 us = lat->base_us;

	if (lat->rand_us)
		us += (u64)rand_r(seed) % ((u64)lat->rand_us + 1);
	return us * 1000ull;
}

/*
 * Defer @req's completion until @due (emu->lock held): it waits on the
 * timed list, sorted by due time, and a worker delivers it when it is due.
 * No worker sleeps through a latency, so a slow completion never holds up
 * the intake or other completions.
 */
static void defer_locked(struct acxemu *emu, struct emu_req *req, u64 due)
{
	struct list_node *n;

	req->due_ns = due;
	req->where = RQ_TIMED;
	for (n = emu->timed.prev; n != &emu->timed; n = n->prev)
		if (container_of(n, struct emu_req, q)->due_ns <= due)
			break;
	/* after n: list_add_head() on n inserts right after it */
	list_add_head(&req->q, n);
	emu->timed_count++;
	pthread_cond_broadcast(&emu->cond);
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
		lat += lat_draw_ns(&emu->timing.lat[req_lat_class(req)],
				   &w->seed);
		lat += (u64)delay_ms * 1000000ull;
		if (lat) {
			defer_locked(emu, req, start + lat);
			goto out;
		}
	}
	deliver_locked(emu, req, false);
out:
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
}

/* The deferred completion due first, or NULL (emu->lock held). */
static struct emu_req *timed_first_locked(struct acxemu *emu)
{
	if (list_empty(&emu->timed))
		return NULL;
	return container_of(emu->timed.next, struct emu_req, q);
}

/*
 * Deliver @req, taken off the timed or the waiting list, as work in
 * progress; emu->lock held on entry and exit (dropped for the DMA and the
 * interrupt update).
 */
static void deliver_step_locked(struct acxemu *emu, struct emu_req *req,
				bool from_waiting)
{
	req->where = RQ_ACTIVE;
	emu->active++;
	deliver_locked(emu, req, from_waiting);
	emu->active--;
	pthread_cond_broadcast(&emu->cond);
	pthread_mutex_unlock(&emu->lock);
	emu_irq_update(emu);
	pthread_mutex_lock(&emu->lock);
}

/* One unit of work; emu->lock held on entry and exit.  False if none. */
static bool work_step_locked(struct acxemu *emu, struct emu_worker *w, bool sync)
{
	struct emu_req *req;

	if (emu->dead || emu->stopping)
		return false;
	req = timed_first_locked(emu);
	if (req && req->due_ns <= emu_now_ns()) {
		list_del(&req->q);
		emu->timed_count--;
		deliver_step_locked(emu, req, false);
		return true;
	}
	if (!list_empty(&emu->waiting)) {
		req = container_of(emu->waiting.next, struct emu_req, q);
		if (can_deliver_locked(emu, req)) {
			list_del(&req->q);
			emu->waiting_count--;
			deliver_step_locked(emu, req, true);
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

void *worker_main(void *arg)
{
	struct emu_worker *w = arg;
	struct acxemu *emu = w->emu;

	struct emu_req *first;
	struct timespec ts;

	pthread_mutex_lock(&emu->lock);
	while (!emu->stopping) {
		if (work_step_locked(emu, w, false))
			continue;
		first = timed_first_locked(emu);
		if (!first || emu->dead) {
			pthread_cond_wait(&emu->cond, &emu->lock);
			continue;
		}
		/* CLOCK_MONOTONIC: see acxemu_create()'s condition attribute */
		ts.tv_sec = first->due_ns / 1000000000ull;
		ts.tv_nsec = first->due_ns % 1000000000ull;
		pthread_cond_timedwait(&emu->cond, &emu->lock, &ts);
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
	if (emu->active || emu->timed_count)
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
	u64 lat;

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
	lat = emu->nworkers ?
	      lat_draw_ns(&emu->timing.lat[ACXEMU_LAT_EVENT], &emu->timing_seed) : 0;
	if (lat) {
		defer_locked(emu, req, emu_now_ns() + lat);
		return 0;
	}
	park_locked(emu, req, false);
	pthread_cond_broadcast(&emu->cond);
	return 0;
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
