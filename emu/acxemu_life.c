// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the request lifecycle (the engine's, in layer 9 of
 * emu/README.md): ownership, cancellation, and the bracket around every DMA
 * a request makes.  Below every layer that holds a request (engine, request
 * intake, SCSI set, element lists) so that each of them can cancel or copy
 * without calling up into the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

struct emu_req *req_alloc(void)
{
	return calloc(1, sizeof(struct emu_req));
}

/* ---- requests: ownership and cancellation -------------------------------- */

void req_free_locked(struct acxemu *emu, struct emu_req *req)
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
	case RQ_TIMED:
		list_del(&req->q);
		emu->timed_count--;
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

void req_dma_end_locked(struct acxemu *emu, struct emu_req *req)
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
