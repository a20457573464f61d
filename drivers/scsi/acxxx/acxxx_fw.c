// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: the firmware interface: posting requests, draining replies, the
 * interrupt handler, returning reply frames, and taking slots back.
 *
 * Calls the core for every value it writes and every value it reads, the
 * SCSI layer to hand completed commands back, and the controller layer
 * (acxxx_ctrl.c) only to read the state and to report what the firmware
 * said on its own: doorbells and events.
 */
#include <kunit/visibility.h>
#include <linux/interrupt.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

#include "acxxx.h"

/**
 * acxxx_present() - is the PCI function still there?
 * @hba: adapter
 *
 * Return: false once the device is gone (surprise removal).
 */
bool acxxx_present(struct acxxx_hba *hba)
{
	return pci_device_is_present(hba->pdev);
}

/**
 * acxxx_irq_mask() - mask or unmask the device's reply interrupt
 * @hba: adapter
 * @on: true to deliver interrupts
 *
 * Context: hba->lock held, unless the interrupt is not hooked yet.
 */
void acxxx_irq_mask(struct acxxx_hba *hba, bool on)
{
	acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK,
		     on ? hba->ctl.caps->irq_unmask : ACXXX_IMASK_OFF);
	/* Whoever sets the mask owns it: completion polling lets go. */
	hba->polling = false;
}

/* ------------------------------------------------------------------ */
/* Reply frames                                                        */

/*
 * Give the frames queued in the core's return ring back to the firmware,
 * oldest first, with the writes the core asks for.  The 2208 takes them
 * through a 16-entry FIFO (16.10): one OUT_FREE_CI read covers the room
 * of several frames, and when it is full the rest wait for the repost
 * work instead of spinning here.
 */
static void acxxx_flush_frames_locked(struct acxxx_hba *hba)
{
	struct acxxx_wr wr[ACXXX_FRET_MAX_WR];
	unsigned int i, n;
	u32 reg;

	lockdep_assert_held(&hba->lock);
	for (;;) {
		reg = acxxx_fret_read_reg(&hba->ctl);
		if (reg != ACXXX_NO_READ &&
		    !acxxx_fret_credit(&hba->ctl, acxxx_readl(hba, reg)))
			break;
		n = acxxx_fret_next(&hba->ctl, wr);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			acxxx_writel(hba, wr[i].reg, wr[i].val);
	}
	if (acxxx_fret_pending(&hba->ctl) && acxxx_can_drain(hba->state))
		queue_delayed_work(hba->aux_wq, &hba->repost_work, 1);
}

/**
 * acxxx_repost_work() - retry returning reply frames (2208 FIFO was full)
 * @work: hba->repost_work
 */
void acxxx_repost_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, repost_work);
	unsigned long flags;

	acxxx_lock(hba, flags);
	if (acxxx_can_drain(hba->state))
		acxxx_flush_frames_locked(hba);
	acxxx_unlock(hba, flags);
}

/**
 * acxxx_post_all_frames() - hand every reply frame to the firmware
 * @hba: adapter, right after a handshake
 */
void acxxx_post_all_frames(struct acxxx_hba *hba)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	acxxx_fret_push_all(&hba->ctl);
	acxxx_flush_frames_locked(hba);
	acxxx_unlock(hba, flags);
}

/* ------------------------------------------------------------------ */
/* Posting                                                             */

/**
 * acxxx_post_room_locked() - may a request be posted now?
 * @hba: adapter
 *
 * On the 2208/3108 family a read of REQUEST_PORT says whether the inbound
 * queue has room (16.7); the other dialects always have.
 *
 * Return: false if the queue is full.
 */
bool acxxx_post_room_locked(struct acxxx_hba *hba)
{
	lockdep_assert_held(&hba->lock);
	return !hba->ctl.caps->post_room_read ||
	       acxxx_readl(hba, ACXXX_REG_REQUEST_PORT) != ACXXX_EMPTY;
}

/**
 * acxxx_post_locked() - hand an encoded request to the firmware
 * @hba: adapter
 * @slot: slot whose frame holds the request
 *
 * The caller found room in the inbound queue (acxxx_post_room_locked())
 * under the same hold of hba->lock.
 *
 * Return: 0, or an error from the core.
 */
int acxxx_post_locked(struct acxxx_hba *hba, u16 slot)
{
	int ret;

	lockdep_assert_held(&hba->lock);
	ret = acxxx_slot_start(&hba->ctl, slot);
	if (ret)
		return ret;
	acxxx_writel(hba, ACXXX_REG_REQUEST_PORT, acxxx_post_value(&hba->ctl, slot));
	return 0;
}

/**
 * acxxx_post_scsi() - encode and post a SCSI command of the midlayer
 * @hba: adapter
 * @scmd: the command, DMA-mapped
 * @nseg: number of mapped segments
 * @lun: LUN index
 * @dir: ACXXX_CTL_DIR_* of the transfer
 *
 * The request is encoded straight from the scatterlist into the frame of
 * the command's own slot (its blk-mq tag: nobody else touches it), with
 * no lock held; hba->lock covers only the state check, the room read,
 * the post and the store that makes the command findable by its reply.
 *
 * Return: 0 once posted; -EBUSY if the adapter cannot take it now;
 * -ENODEV if it never will; another negative error if the command
 * cannot be encoded.
 */
int acxxx_post_scsi(struct acxxx_hba *hba, struct scsi_cmnd *scmd, int nseg,
		    u8 lun, u8 dir)
{
	const struct acxxx_scsi_cmd cmd = {
		.lun = lun,
		.cdb_len = scmd->cmd_len,
		.dir = dir,
		.task_attr = ACXXX_CTL_ATTR_UNTAGGED,
		.cdb = scmd->cmnd,
		.data_len = scsi_bufflen(scmd),
		.nr_sge = nseg,
	};
	u16 slot = acxxx_cmd_slot(scmd);
	struct scatterlist *sg;
	struct acxxx_enc e;
	unsigned long flags;
	u64 now;
	int i, ret;

	ret = acxxx_encode_scsi_begin(&hba->ctl, &e, slot, &cmd);
	if (ret)
		return ret;
	scsi_for_each_sg(scmd, sg, nseg, i)
		acxxx_encode_sge(&e, sg_dma_address(sg), sg_dma_len(sg));
	ret = acxxx_encode_scsi_end(&e);
	if (ret)
		return ret;

	now = ktime_get_ns();
	acxxx_lock(hba, flags);
	ret = acxxx_submit_errno(acxxx_can_submit(hba->state));
	/* Full: the midlayer retries (host busy) instead of a spin here. */
	if (!ret && !acxxx_post_room_locked(hba))
		ret = -EBUSY;
	if (!ret)
		ret = acxxx_post_locked(hba, slot);
	if (!ret) {
		hba->cmds[slot] = scmd;
		hba->nr_outstanding++;
		/* For the polling policy: is the host still posting? */
		hba->nr_posted++;
		hba->last_post_ns = now;
	}
	acxxx_unlock(hba, flags);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Hand-back of completed commands                                     */

/*
 * Take the command of a slot out of the table to hand it back to the
 * midlayer outside hba->lock; acxxx_handback_end() once scsi_done returned.
 */
static struct scsi_cmnd *acxxx_handback_begin(struct acxxx_hba *hba, u16 slot)
{
	struct scsi_cmnd *scmd = hba->cmds[slot];

	lockdep_assert_held(&hba->lock);
	if (scmd)
		hba->nr_outstanding--;
	hba->cmds[slot] = NULL;
	hba->handing[slot] = scmd;
	return scmd;
}

static void acxxx_handback_end(struct acxxx_hba *hba, u16 slot)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	hba->handing[slot] = NULL;
	acxxx_unlock(hba, flags);
	wake_up_all(&hba->waitq);
}

static bool acxxx_handing(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
			  struct scsi_device *sdev)
{
	struct scsi_cmnd *h;
	unsigned long flags;
	bool busy = false;
	u16 slot;

	acxxx_lock(hba, flags);
	for (slot = ACXXX_FIRST_IO_SLOT; slot < ACXXX_MAX_SLOTS && !busy; slot++) {
		h = hba->handing[slot];
		busy = h && ((!scmd && !sdev) || h == scmd ||
			     (sdev && h->device == sdev));
	}
	acxxx_unlock(hba, flags);
	return busy;
}

/**
 * acxxx_wait_handback() - wait until commands being handed back are back
 * @hba: adapter
 * @scmd: wait for this command only; or NULL
 * @sdev: wait for the commands of this device; or NULL
 *
 * With both NULL, waits for every hand-back in progress.  The error
 * handler calls this before it tells the midlayer a command is done with,
 * so the midlayer never requeues a command the driver is still touching.
 *
 * Context: process context, may sleep.
 */
void acxxx_wait_handback(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
			 struct scsi_device *sdev)
{
	wait_event(hba->waitq, !acxxx_handing(hba, scmd, sdev));
}

/* ------------------------------------------------------------------ */
/* Draining replies                                                    */

static void acxxx_bad_reply(struct acxxx_hba *hba, u32 desc, int err)
{
	atomic_inc(&hba->stat_bad_replies);
	dev_warn_ratelimited(&hba->pdev->dev,
			     "rejected reply descriptor 0x%08x: %pe\n", desc,
			     ERR_PTR(err));
}

/*
 * One batch of a drain: at most ACXXX_DRAIN_BATCH descriptors are popped
 * and decoded under one acquisition of hba->lock.  The commands they
 * complete get their result there and are handed to the midlayer after
 * the lock is dropped; an event ends the batch, since acting on it takes
 * the lock again.
 */
#define ACXXX_DRAIN_BATCH	16
/* Descriptors one drain takes beyond one round of reply frames. */
#define ACXXX_DRAIN_EXTRA	64

struct acxxx_batch {
	struct scsi_cmnd *scmd[ACXXX_DRAIN_BATCH];
	u16 slot[ACXXX_DRAIN_BATCH];
	unsigned int nr;
	bool event;
	struct acxxx_cpl ev;
};

/* Hand-backs of the last batch are over (hba->lock held). */
static void acxxx_handback_clear_locked(struct acxxx_hba *hba,
					struct acxxx_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		if (hba->handing[b->slot[i]] == b->scmd[i])
			hba->handing[b->slot[i]] = NULL;
	b->nr = 0;
}

/*
 * Pop and decode one descriptor (hba->lock held).  Return: false if the
 * reply queue was empty.
 */
static bool acxxx_pop_locked(struct acxxx_hba *hba, struct acxxx_batch *b)
{
	u8 sense[SCSI_SENSE_BUFFERSIZE];
	struct scsi_cmnd *scmd;
	struct acxxx_cpl cpl;
	u32 desc;
	int ret;

	desc = acxxx_readl(hba, ACXXX_REG_REPLY_PORT);
	if (desc == ACXXX_EMPTY)
		return false;
	ret = acxxx_decode_reply(&hba->ctl, desc, &cpl, sense, sizeof(sense));
	if (cpl.frame)
		acxxx_fret_push(&hba->ctl, cpl.frame);
	if (ret) {
		acxxx_bad_reply(hba, desc, ret);
		return true;
	}
	if (cpl.flags & (ACXXX_CPL_F_BAD_FAST | ACXXX_CPL_F_RESID_MISMATCH |
			 ACXXX_CPL_F_RESID_CLAMPED))
		dev_warn_ratelimited(&hba->pdev->dev,
				     "inconsistent reply for slot %u (flags 0x%02x)\n",
				     cpl.slot, cpl.flags);
	if (cpl.slot >= ACXXX_FIRST_IO_SLOT) {
		/* Every request of an I/O slot is a SCSI command. */
		if (cpl.kind != ACXXX_CPL_SCSI) {
			acxxx_bad_reply(hba, desc, -EPROTO);
			return true;
		}
		scmd = acxxx_handback_begin(hba, cpl.slot);
		if (!scmd) {
			/* Nobody waited for it: the error handler took it. */
			acxxx_bad_reply(hba, desc, -ENOENT);
			return true;
		}
		if (cpl.sense_len)
			memcpy(scmd->sense_buffer, sense, cpl.sense_len);
		hba->stats.commands++;
		if (acxxx_set_result(scmd, &cpl))
			hba->stats.errors++;
		b->scmd[b->nr] = scmd;
		b->slot[b->nr++] = cpl.slot;
	} else if (cpl.slot) {
		hba->ireq[cpl.slot].cpl = cpl;
		if (cpl.sense_len)
			memcpy(hba->ireq[cpl.slot].sense, sense, cpl.sense_len);
		complete(&hba->ireq[cpl.slot].done);
	} else if (cpl.kind == ACXXX_CPL_EVENT) {
		b->ev = cpl;
		b->event = true;
	}
	return true;
}

static bool acxxx_poll_enter(struct acxxx_hba *hba, unsigned int depth);

/**
 * acxxx_drain() - consume the reply descriptors the firmware queued
 * @hba: adapter
 * @poll: called by the interrupt handler or the poll timer, which may
 *	leave the next replies to the timer (see acxxx_poll_decide())
 *
 * Descriptors are popped and decoded in batches, each under one
 * acquisition of hba->lock; the commands a batch completes are handed to
 * the midlayer after the lock is dropped.  A reply frame goes back to the
 * firmware as soon as it has been decoded, even when the reply was
 * rejected, so bad replies never starve the firmware.  One call consumes
 * at most one round of reply frames and a little more; the rest is left
 * to hba->drain_work, so the interrupt handler never runs unbounded.
 * Nothing is drained unless the state allows it (acxxx_can_drain()): not
 * during a handshake, nor while paused.
 *
 * Return: the number of descriptors consumed.
 */
unsigned int acxxx_drain(struct acxxx_hba *hba, bool poll)
{
	unsigned int budget = hba->ctl.lay.nr_frames + ACXXX_DRAIN_EXTRA;
	struct acxxx_batch b = { .nr = 0 };
	bool more, stop = false, woke = false, entered = false;
	unsigned int n = 0, i, depth = 0;
	unsigned long flags;

	do {
		acxxx_lock(hba, flags);
		/* At the first batch: the depth, replies waiting included. */
		if (!n && !stop) {
			depth = hba->nr_outstanding;
			if (poll)
				entered = acxxx_poll_enter(hba, depth);
		}
		if (b.nr) {
			acxxx_handback_clear_locked(hba, &b);
			woke = true;
		}
		if (!stop) {
			more = acxxx_can_drain(hba->state);
			while (more && b.nr < ACXXX_DRAIN_BATCH && !b.event) {
				if (n == budget) {
					queue_work(hba->aux_wq, &hba->drain_work);
					more = false;
					break;
				}
				more = acxxx_pop_locked(hba, &b);
				n += more;
				hba->poll_found += more;
			}
			if (acxxx_fret_pending(&hba->ctl))
				acxxx_flush_frames_locked(hba);
			/* Empty (one read past the last reply), budget or state. */
			if (!more) {
				stop = true;
				if (poll)
					acxxx_poll_decide(hba, depth, entered);
			}
		}
		acxxx_unlock(hba, flags);

		for (i = 0; i < b.nr; i++)
			acxxx_scsi_done(b.scmd[i]);
		if (b.event) {
			acxxx_event(hba, &b.ev);
			b.event = false;
		}
	} while (!stop || b.nr);
	if (woke && wq_has_sleeper(&hba->waitq))
		wake_up_all(&hba->waitq);
	return n;
}

/**
 * acxxx_drain_work() - go on draining where the interrupt handler stopped
 * @work: hba->drain_work
 */
void acxxx_drain_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(work, struct acxxx_hba,
					     drain_work);

	acxxx_drain(hba, false);
}

/* ------------------------------------------------------------------ */
/* Interrupt and completion polling                                    */

/*
 * Under load the interrupt gives way to a poll timer, so replies
 * accumulate instead of costing one interrupt, one doorbell read and one
 * "empty" read per couple of replies.  Load means concurrency: when a
 * drain by the interrupt handler started with at least
 * ACXXX_POLL_MIN_DEPTH commands outstanding (replies waiting included),
 * the reply interrupt is masked and the next drain runs from the timer.
 *
 * While the device holds commands, each poll aims at
 * min(ACXXX_POLL_TARGET, depth) replies.  The interval doubles while a
 * poll finds fewer, so the replies of a deep queue pile up; and while
 * they wait, the host keeps posting, so the depth a poll sees grows with
 * the interval until a poll finds the target.  It halves when a poll
 * found more than twice the target.  The ceiling is
 * ACXXX_POLL_NS_PER_CMD per command outstanding, ACXXX_POLL_DEEP_MAX_NS
 * at most.
 *
 * A poll that finds every command outstanding answered ("dry") says the
 * device is faster than the host posts, and the depth it saw is what the
 * host posted meanwhile, not how deep its queue is.  Two hosts look alike
 * there: one whose queue is shallow (2 to 8 commands), which posts them
 * and then waits for their replies, and one whose queue is deep but
 * which posts slower than the device answers (a busy CPU), for which a
 * longer interval brings more commands at no cost.  So a dry poll aims at
 * half the deepest queue the host reached lately (ACXXX_POLL_DRY_MAX at
 * most): the interval doubles while it finds fewer, halves when it found
 * more than twice as many, and halves too when it found enough and the
 * host had stopped posting early in the interval
 * (for more than half of it, and more than twice the host's mean gap
 * between posts: a slow host is idle between any two posts), since
 * every command of a shallow queue then waited for the poll.  The
 * deepest queue is learnt by acxxx_poll_learn(), whose probes give a
 * deep but slow host the time to show its depth.
 *
 * The interrupt comes back after two polls in a row that started with
 * fewer than ACXXX_POLL_MIN_DEPTH commands: one shallow moment of a
 * loaded queue keeps polling (at twice the interval: it came before the
 * host posted more), while a lone command (queue depth 1) never enters
 * polling and completes on its interrupt as before.  Doorbells are read
 * at every poll, so a pause or flush request is never held back.
 */
#define ACXXX_POLL_MIN_DEPTH		2
#define ACXXX_POLL_TARGET		8
#define ACXXX_POLL_DRY_MAX		16
#define ACXXX_POLL_SHALLOW_EXIT		2
#define ACXXX_POLL_MIN_NS		(10 * NSEC_PER_USEC)
#define ACXXX_POLL_NS_PER_CMD		(1000 * NSEC_PER_USEC)
#define ACXXX_POLL_DEEP_MAX_NS		(8000 * NSEC_PER_USEC)
#define ACXXX_POLL_START_NS		(50 * NSEC_PER_USEC)
#define ACXXX_POLL_PROBE_EVERY		16
#define ACXXX_POLL_DEEPEST_ONE		16	/* fixed point of the deepest queue */
#define ACXXX_POLL_DEEPEST_FORGET	32	/* it forgets 1/32 per poll */

/* The host stopped posting early in the interval (see above). */
static bool acxxx_poll_host_stopped(u32 cur_ns,
				    const struct acxxx_poll_sample *s)
{
	u64 span;

	if (s->posted < 2 || s->idle_ns <= cur_ns / 2)
		return false;
	span = s->idle_ns < cur_ns ? cur_ns - s->idle_ns : 0;
	return s->idle_ns > div_u64(2 * span, s->posted - 1);
}

/**
 * acxxx_poll_interval() - the completion polling policy
 * @cur_ns: the poll interval so far
 * @polling: the interrupt is masked for polling now
 * @shallow: polls in a row before this one that started with fewer than
 *	ACXXX_POLL_MIN_DEPTH commands outstanding
 * @s: what the drain that ends saw
 *
 * Return: the interval to the next poll in ns, or 0 to take the
 * interrupt (again).
 */
u32 acxxx_poll_interval(u32 cur_ns, bool polling, unsigned int shallow,
			const struct acxxx_poll_sample *s)
{
	unsigned int target = min_t(unsigned int, s->depth, ACXXX_POLL_TARGET);
	u32 ceiling = clamp_t(u64, (u64)s->depth * ACXXX_POLL_NS_PER_CMD,
			      ACXXX_POLL_NS_PER_CMD, ACXXX_POLL_DEEP_MAX_NS);

	if (s->depth < ACXXX_POLL_MIN_DEPTH &&
	    (!polling || shallow + 1 >= ACXXX_POLL_SHALLOW_EXIT))
		return 0;
	if (!polling)
		return clamp_t(u32, cur_ns, ACXXX_POLL_MIN_NS, ceiling);
	/* A shallow poll of a loaded queue came before the host posted. */
	if (s->depth < ACXXX_POLL_MIN_DEPTH)
		return clamp_t(u32, cur_ns * 2, ACXXX_POLL_MIN_NS, ceiling);

	if (s->found >= s->depth) {
		target = clamp_t(unsigned int, s->deepest / 2, 1,
				 ACXXX_POLL_DRY_MAX);
		if (s->found >= target && acxxx_poll_host_stopped(cur_ns, s))
			return clamp_t(u32, cur_ns / 2, ACXXX_POLL_MIN_NS,
				       ceiling);
	}
	if (s->found > 2 * target)
		cur_ns /= 2;
	else if (s->found < target)
		cur_ns *= 2;
	return clamp_t(u32, cur_ns, ACXXX_POLL_MIN_NS, ceiling);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_poll_interval);

/*
 * At the start of a drain by the interrupt handler (lock held): if this
 * drain will hand over to the timer, mask now rather than at its end, so
 * an INTx line drops at once instead of being asserted again at every
 * read of the drain.  Return: true if polling starts with this drain.
 */
static bool acxxx_poll_enter(struct acxxx_hba *hba, unsigned int depth)
{
	struct acxxx_poll_sample s = { .depth = depth };

	lockdep_assert_held(&hba->lock);
	if (hba->polling || hba->stage != ACXXX_STAGE_FULL ||
	    !acxxx_can_drain(hba->state) ||
	    !acxxx_poll_interval(hba->poll_ns, false, 0, &s))
		return false;
	acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	hba->polling = true;
	return true;
}

/**
 * acxxx_poll_learn() - follow the deepest queue the host reached lately
 * @l: what was learnt so far
 * @cur_ns: the poll interval so far
 * @s: what the drain that ends saw (polling, not the drain that entered
 *	it); @s->deepest is set from what was learnt
 *
 * The deepest queue is the largest depth a poll started with, forgetting
 * 1/ACXXX_POLL_DEEPEST_FORGET of itself at each poll.  Every
 * ACXXX_POLL_PROBE_EVERY dry polls that found the host stopped, one poll
 * waits twice as long, a probe: a deep queue that the host posts slower
 * than the device answers shows its depth when given the time, a shallow
 * one does not.
 *
 * Return: the interval the next poll must wait (a probe's), or 0 to leave
 * it to acxxx_poll_interval().
 */
u32 acxxx_poll_learn(struct acxxx_poll_learn *l, u32 cur_ns,
		     struct acxxx_poll_sample *s)
{
	l->deepest -= l->deepest / ACXXX_POLL_DEEPEST_FORGET;
	l->deepest = max(l->deepest, s->depth * ACXXX_POLL_DEEPEST_ONE);
	s->deepest = l->deepest / ACXXX_POLL_DEEPEST_ONE;
	if (s->depth < ACXXX_POLL_MIN_DEPTH || s->found < s->depth ||
	    !acxxx_poll_host_stopped(cur_ns, s) ||
	    ++l->since < ACXXX_POLL_PROBE_EVERY)
		return 0;
	l->since = 0;
	return clamp_t(u32, cur_ns * 2, ACXXX_POLL_MIN_NS,
		       ACXXX_POLL_DEEP_MAX_NS);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_poll_learn);

/**
 * acxxx_poll_decide() - poll next, or go back to the interrupt
 * @hba: adapter
 * @depth: commands outstanding when the drain that ends started
 * @entered: this drain started polling (acxxx_poll_enter())
 *
 * Called at the end of a drain by the interrupt handler or the poll
 * timer.  Only a state whose interrupt should be unmasked gets it
 * unmasked: pause, a re-init and detaching mask it themselves and must
 * find it masked.
 *
 * Context: hba->lock held.
 */
void acxxx_poll_decide(struct acxxx_hba *hba, unsigned int depth,
		       bool entered)
{
	struct acxxx_poll_sample s = {
		.found = hba->poll_found,
		.depth = depth,
		.posted = hba->nr_posted - hba->poll_posted,
		.idle_ns = ktime_get_ns() - hba->last_post_ns,
	};
	bool adapt = hba->polling && !entered;
	u32 ns = 0, probe = 0;

	lockdep_assert_held(&hba->lock);
	if (adapt)
		probe = acxxx_poll_learn(&hba->poll_learn, hba->poll_ns, &s);
	if (hba->stage == ACXXX_STAGE_FULL && acxxx_can_drain(hba->state))
		ns = acxxx_poll_interval(hba->poll_ns, adapt,
					 hba->poll_shallow, &s);
	if (ns && probe)
		ns = probe;
	hba->poll_found = 0;
	hba->poll_posted = hba->nr_posted;
	if (ns) {
		if (!hba->polling) {
			acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
			hba->polling = true;
		}
		hba->poll_shallow = depth < ACXXX_POLL_MIN_DEPTH ?
				    hba->poll_shallow + 1 : 0;
		hba->poll_ns = ns;
		hba->poll_next = true;
		return;
	}
	hba->poll_next = false;
	hba->poll_shallow = 0;
	if (hba->polling && acxxx_can_drain(hba->state))
		acxxx_irq_mask(hba, true);
	hba->polling = false;
}

static enum hrtimer_restart acxxx_poll_timer(struct hrtimer *t)
{
	struct acxxx_hba *hba = container_of(t, struct acxxx_hba, poll_timer);

	if (hba->ctl.caps->has_doorbell)
		acxxx_doorbell(hba);
	acxxx_drain(hba, true);
	/*
	 * Re-armed with hrtimer_start(), as the interrupt handler does, not
	 * forwarded: the handler may have started the timer again while
	 * this drain ran (polling switched off, then on), and forwarding a
	 * queued timer is a bug.
	 */
	if (READ_ONCE(hba->poll_next))
		hrtimer_start(t, ns_to_ktime(READ_ONCE(hba->poll_ns)),
			      HRTIMER_MODE_REL_SOFT);
	return HRTIMER_NORESTART;
}

/**
 * acxxx_poll_init() - set up completion polling
 * @hba: adapter
 */
void acxxx_poll_init(struct acxxx_hba *hba)
{
	acxxx_hrtimer_setup(&hba->poll_timer, acxxx_poll_timer,
			    CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	hba->poll_ns = ACXXX_POLL_START_NS;
}

/**
 * acxxx_poll_stop() - stop completion polling
 * @hba: adapter whose state no longer drains (the timer then stops by
 *	itself; this waits for it)
 */
void acxxx_poll_stop(struct acxxx_hba *hba)
{
	hrtimer_cancel(&hba->poll_timer);
}

/**
 * acxxx_isr() - the adapter's interrupt handler
 * @irq: interrupt number
 * @data: the adapter
 *
 * The device's interrupt is ours only in the states where it is unmasked
 * for us (acxxx_irq_expected()): never during a handshake, whose own
 * steps mask and unmask it.  On the shared line a status register is
 * still read while the link is up: an emulated INTx (QEMU's, for an
 * assigned device without KVM) only drops at the device's next register
 * access, and a stale one would otherwise fire until the kernel disables
 * the line.
 *
 * Return: IRQ_HANDLED if a doorbell or a reply was ours.
 */
irqreturn_t acxxx_isr(int irq, void *data)
{
	struct acxxx_hba *hba = data;
	enum acxxx_state st = READ_ONCE(hba->state);
	bool handled = false;

	if (!acxxx_irq_expected(st)) {
		if (hba->irq_shared && st != ACXXX_ST_FROZEN)
			acxxx_readl(hba, hba->ctl.caps->irq_status_reg);
		return IRQ_NONE;
	}
	if (hba->ctl.caps->has_doorbell)
		handled = acxxx_doorbell(hba);
	if (acxxx_drain(hba, true))
		handled = true;
	if (READ_ONCE(hba->poll_next))
		hrtimer_start(&hba->poll_timer,
			      ns_to_ktime(READ_ONCE(hba->poll_ns)),
			      HRTIMER_MODE_REL_SOFT);
	return IRQ_RETVAL(handled);
}

/* ------------------------------------------------------------------ */
/* Taking slots back                                                   */

/**
 * acxxx_release_slot() - take back a slot the firmware no longer holds
 * @hba: adapter
 * @slot: slot
 *
 * A SCSI command is returned to the midlayer for retry (for a command its
 * error handler owns, scsi_done does nothing, and the error handler waits
 * for the hand-back to end before it reuses the command).  A waiter for an
 * internal request is woken with an empty completion.
 */
void acxxx_release_slot(struct acxxx_hba *hba, u16 slot)
{
	struct scsi_cmnd *scmd = NULL;
	unsigned long flags;
	bool was_active;

	acxxx_lock(hba, flags);
	was_active = !acxxx_slot_finish(&hba->ctl, slot);
	if (slot >= ACXXX_FIRST_IO_SLOT) {
		scmd = acxxx_handback_begin(hba, slot);
	} else if (was_active) {
		memset(&hba->ireq[slot].cpl, 0, sizeof(hba->ireq[slot].cpl));
		complete(&hba->ireq[slot].done);
	}
	acxxx_unlock(hba, flags);

	if (scmd) {
		acxxx_finish_scsi(scmd, DID_RESET);
		acxxx_handback_end(hba, slot);
	}
}

/**
 * acxxx_release_all() - take every slot back
 * @hba: adapter whose firmware holds nothing of ours any more
 *
 * Also waits for completions still being handed back by a drain that
 * started before the caller stopped draining.
 */
void acxxx_release_all(struct acxxx_hba *hba)
{
	u16 slot;

	for (slot = ACXXX_FIRST_SLOT; slot < hba->ctl.lay.nr_slots; slot++)
		acxxx_release_slot(hba, slot);
	acxxx_wait_handback(hba, NULL, NULL);
}

/**
 * acxxx_outstanding() - does the firmware still hold a command for us?
 * @hba: adapter
 * @scmd: the command
 *
 * Return: true if @scmd is posted and its reply has not been consumed.
 */
bool acxxx_outstanding(struct acxxx_hba *hba, struct scsi_cmnd *scmd)
{
	unsigned long flags;
	bool ours;

	acxxx_lock(hba, flags);
	ours = hba->cmds[acxxx_cmd_slot(scmd)] == scmd;
	acxxx_unlock(hba, flags);
	return ours;
}

/**
 * acxxx_abort_slot() - the firmware answered an abort of a command
 * @hba: adapter
 * @scmd: the command aborted
 * @terminated: the firmware says it terminated a task
 *
 * Replies come in order: the command's own reply, had it finished first,
 * was consumed before the abort's.  If it is still outstanding and the
 * firmware terminated a task, it will never complete: its slot is taken
 * back (the caller then owns @scmd).
 *
 * Return: true if @scmd was still outstanding.
 */
bool acxxx_abort_slot(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
		      bool terminated)
{
	u16 slot = acxxx_cmd_slot(scmd);
	unsigned long flags;
	bool ours;

	acxxx_lock(hba, flags);
	ours = hba->cmds[slot] == scmd;
	if (ours && terminated) {
		acxxx_slot_finish(&hba->ctl, slot);
		hba->cmds[slot] = NULL;
		hba->nr_outstanding--;
	}
	acxxx_unlock(hba, flags);
	return ours;
}

/**
 * acxxx_release_volume() - a LUN or target reset terminated a volume's I/O
 * @hba: adapter
 * @sdev: the volume
 *
 * Every command of @sdev still outstanding goes back to the midlayer with
 * DID_RESET, and the hand-backs in progress for it are waited for.
 *
 * Context: process context, may sleep.
 */
void acxxx_release_volume(struct acxxx_hba *hba, struct scsi_device *sdev)
{
	struct scsi_cmnd *victim;
	unsigned long flags;
	u16 slot;

	for (slot = ACXXX_FIRST_IO_SLOT; slot < hba->ctl.lay.nr_slots; slot++) {
		acxxx_lock(hba, flags);
		victim = hba->cmds[slot];
		if (victim && victim->device == sdev) {
			acxxx_slot_finish(&hba->ctl, slot);
			acxxx_handback_begin(hba, slot);
		} else {
			victim = NULL;
		}
		acxxx_unlock(hba, flags);
		if (victim) {
			acxxx_finish_scsi(victim, DID_RESET);
			acxxx_handback_end(hba, slot);
		}
	}
	/* Replies of the volume's commands being completed right now. */
	acxxx_wait_handback(hba, NULL, sdev);
}
