// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the hostile firmware.
 *
 * A mode in which the model keeps serving the host but, at a given rate,
 * also hands it garbage: random reply descriptors, fast replies with
 * unknown or stale message identifiers, address replies pointing outside
 * the reply frames, reply frames full of random bytes, completions whose
 * sense block claims far more sense data than fits, events with random
 * payloads, doorbells with random bits, and registers that read as
 * all-ones.  It is how the driver is shown to survive a device that lies:
 * no crash, no memory corruption, rejections logged at a bounded rate.
 *
 * One thread injects; every injection takes the model lock like the
 * register seam, and DMA happens outside it like a worker's.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

static u64 hostile_rand(struct acxemu *emu)
{
	u64 x = emu->hostile_rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	emu->hostile_rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void rand_bytes(struct acxemu *emu, u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)hostile_rand(emu);
}

/* A message identifier the firmware does not hold: stale, odd or too big. */
static u32 bad_msg_id(struct acxemu *emu)
{
	u32 r = (u32)hostile_rand(emu);
	unsigned int slot;

	switch (r % 4) {
	case 0:
		return r | 1;				/* low bits set */
	case 1:
		return (ACXXX_MAX_SLOTS + (r >> 8) % 4096) << ACXXX_MSGID_SHIFT;
	case 2:
		return 0;
	default:
		/* a slot with nothing outstanding: a stale identifier */
		for (slot = 1 + (r >> 8) % (ACXXX_MAX_SLOTS - 1);
		     slot < ACXXX_MAX_SLOTS; slot++)
			if (!emu->slots[slot])
				return slot << ACXXX_MSGID_SHIFT;
		return 0;
	}
}

/* An outstanding SCSI request, or NULL. */
static struct emu_req *some_scsi_req(struct acxemu *emu)
{
	unsigned int slot, n;

	slot = 1 + hostile_rand(emu) % (ACXXX_MAX_SLOTS - 1);
	for (n = 0; n < ACXXX_MAX_SLOTS; n++, slot = slot % (ACXXX_MAX_SLOTS - 1) + 1) {
		struct emu_req *r = emu->slots[slot];

		if (r && !r->cancelled && r->parsed &&
		    r->function == ACXXX_FN_SCSI_IO && r->sense_addr)
			return r;
	}
	return NULL;
}

/*
 * Put @frame (96 bytes) into a free reply frame of the host and queue its
 * address reply; @sense, if not NULL, goes to @sense_addr first.  Called
 * with emu->lock held; drops it around the DMA.
 */
static void hostile_reply_locked(struct acxemu *emu, const u8 *frame,
				 const u8 *sense, u64 sense_addr)
{
	u64 epoch = emu->epoch;
	u32 lo;
	int rc;

	if (!emu->free_count)
		return;
	lo = free_pop_locked(emu);
	pthread_mutex_unlock(&emu->lock);
	if (sense)
		emu_dma_write(emu, sense_addr, sense, ACXXX_SENSE_BLOCK_SIZE);
	rc = emu_dma_write(emu, (u64)emu->hiaddr << 32 | lo, frame,
			   ACXXX_REPLY_FRAME_SIZE);
	pthread_mutex_lock(&emu->lock);
	if (epoch != emu->epoch || emu->dead)
		return;			/* a re-init forgot the frame meanwhile */
	if (rc) {
		free_push_locked(emu, lo);
		return;
	}
	rq_push_locked(emu, ACXXX_RDESC_ADDR_FLAG | lo >> 1);
}

static void hostile_inject_locked(struct acxemu *emu)
{
	struct acxxx_reply_hdr *hdr;
	struct acxxx_scsi_reply *sr;
	struct acxxx_sense_block *sb;
	u8 frame[ACXXX_REPLY_FRAME_SIZE];
	u8 sense[ACXXX_SENSE_BLOCK_SIZE];
	struct emu_req *req;
	u32 r = (u32)hostile_rand(emu);

	if (emu->rq_count >= EMU_REPLY_Q_CAP - 1)
		return;
	stat_inc(&emu->st_hostile);
	switch (r % 8) {
	case 0:		/* any descriptor at all */
		rq_push_locked(emu, (u32)hostile_rand(emu) & ~1u);
		break;
	case 1:		/* a fast reply nobody asked for */
		rq_push_locked(emu, bad_msg_id(emu) & ~ACXXX_RDESC_ADDR_FLAG);
		break;
	case 2:		/* an address reply outside the reply frames */
		rq_push_locked(emu, ACXXX_RDESC_ADDR_FLAG |
			       ((u32)hostile_rand(emu) & ACXXX_RDESC_ADDR_MASK));
		break;
	case 3:		/* a reply frame full of random bytes */
		rand_bytes(emu, frame, sizeof(frame));
		hdr = (struct acxxx_reply_hdr *)frame;
		if (r & 0x100)
			hdr->msg_id = cpu_to_le32(bad_msg_id(emu));
		hostile_reply_locked(emu, frame, NULL, 0);
		break;
	case 4:		/* a completion whose sense cannot fit anywhere */
		req = some_scsi_req(emu);
		if (!req)
			break;
		memset(frame, 0, sizeof(frame));
		sr = (struct acxxx_scsi_reply *)frame;
		sr->hdr.function = ACXXX_FN_SCSI_IO;
		sr->hdr.msg_id = cpu_to_le32(req->msg_id);
		sr->scsi_status = 0x02;
		sr->scsi_state = ACXXX_SSTATE_AUTOSENSE_VALID;
		sr->transfer_count = cpu_to_le32((u32)hostile_rand(emu));
		rand_bytes(emu, sense, sizeof(sense));
		sb = (struct acxxx_sense_block *)sense;
		sb->flags = ACXXX_SFLAG_SENSE_VALID | ACXXX_SFLAG_RESP_VALID |
			    ACXXX_SFLAG_RESID_UNDER | ACXXX_SFLAG_RESID_OVER;
		sb->residual = cpu_to_le32(0xFFFFFFF0u);
		sb->sense_len = cpu_to_le32(0xFFFFFFF0u);
		sb->resp_len = cpu_to_le32((u32)hostile_rand(emu));
		hostile_reply_locked(emu, frame, sense, req->sense_addr);
		break;
	case 5:		/* an event with a random payload */
		rand_bytes(emu, frame, sizeof(frame));
		hdr = (struct acxxx_reply_hdr *)frame;
		hdr->function = ACXXX_FN_EVENT_SWITCH;
		hostile_reply_locked(emu, frame, NULL, 0);
		break;
	case 6:		/* doorbell bits the host did not expect (2208/3108) */
		if (emu->family != ACXEMU_FAMILY_341)
			emu->odb |= (u32)hostile_rand(emu) &
				    ~(ACXXX_ODB_FLUSH | ACXXX_ODB_PAUSE);
		break;
	default:	/* a few register reads come back all-ones */
		emu->ones_left = 1 + r % 4;
		break;
	}
}

static void *hostile_main(void *arg)
{
	struct acxemu *emu = arg;
	struct timespec ts;
	unsigned int rate;

	pthread_mutex_lock(&emu->lock);
	while (!emu->stopping && emu->hostile_rate) {
		rate = emu->hostile_rate;
		pthread_mutex_unlock(&emu->lock);
		ts.tv_sec = 0;
		ts.tv_nsec = 1000000000L / rate;
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&emu->lock);
		if (emu->stopping || !emu->hostile_rate)
			break;
		if (emu->hs != HS_READY || emu->dead || emu->hung)
			continue;
		hostile_inject_locked(emu);
		pthread_mutex_unlock(&emu->lock);
		emu_irq_update(emu);
		pthread_mutex_lock(&emu->lock);
	}
	emu->hostile_running = false;
	pthread_mutex_unlock(&emu->lock);
	return NULL;
}

/**
 * acxemu_hostile() - turn the hostile firmware on or off
 * @emu: the model
 * @rate: garbage injections per second, 1..100000; 0 turns it off
 * @seed: seed of the garbage
 *
 * Return: 0, or a negative errno.
 */
int acxemu_hostile(struct acxemu *emu, unsigned int rate, u32 seed)
{
	pthread_t t;
	bool start;
	int rc;

	if (rate > 100000)
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	emu->hostile_rate = rate;
	emu->hostile_rng = (u64)seed << 32 | 0x9E3779B9u;
	if (!rate)
		emu->ones_left = 0;
	start = rate && !emu->hostile_running;
	if (start)
		emu->hostile_running = true;
	pthread_mutex_unlock(&emu->lock);
	if (!start)
		return 0;
	if (emu->hostile_joinable) {
		pthread_join(emu->hostile_thread, NULL);
		emu->hostile_joinable = false;
	}
	rc = pthread_create(&t, NULL, hostile_main, emu);
	if (rc) {
		pthread_mutex_lock(&emu->lock);
		emu->hostile_running = false;
		emu->hostile_rate = 0;
		pthread_mutex_unlock(&emu->lock);
		return -rc;
	}
	emu->hostile_thread = t;
	emu->hostile_joinable = true;
	return 0;
}

/* Stop the injector (destroy). */
void hostile_stop(struct acxemu *emu)
{
	pthread_mutex_lock(&emu->lock);
	emu->hostile_rate = 0;
	pthread_mutex_unlock(&emu->lock);
	if (emu->hostile_joinable) {
		pthread_join(emu->hostile_thread, NULL);
		emu->hostile_joinable = false;
	}
}
