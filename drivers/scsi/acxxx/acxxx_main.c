// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: PCI glue, interrupt handling, bring-up, requests the driver makes
 * itself, and controller re-init.
 *
 * Bring-up never blocks probe: probe maps the registers, allocates the
 * control memory, masks and hooks the interrupt, registers the SCSI host
 * and queues the bring-up work, which steps the core's handshake state
 * machine (one step per run, re-queued for the time the core asks for),
 * then posts the reply frames, reads page 0, turns firmware events on and
 * tells the midlayer about the volumes.  The asynchronous SCSI scan waits
 * for that in scan_finished.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_proto.h>

#include "acxxx.h"

static char *stage = "full";
module_param(stage, charp, 0444);
MODULE_PARM_DESC(stage,
		 "bring-up stage for new platforms: null (no hardware I/O), single (one command at a time) or full (default)");

static enum acxxx_stage acxxx_stage;

static u64 acxxx_now_ms(void)
{
	return ktime_to_ms(ktime_get());
}

static bool acxxx_present(struct acxxx_hba *hba)
{
	return pci_device_is_present(hba->pdev);
}

/*
 * Is the message interface up, so that replies may be drained and reply
 * frames returned?  Not while a re-init handshake runs, nor once the
 * controller is offline or the driver detaching.
 */
static bool acxxx_serving(struct acxxx_hba *hba)
{
	enum acxxx_state st = READ_ONCE(hba->state);

	return st == ACXXX_ST_RUNNING ||
	       (st == ACXXX_ST_INIT && READ_ONCE(hba->irq_ready));
}

/* ------------------------------------------------------------------ */
/* Reply frames                                                        */

static void acxxx_post_frame_locked(struct acxxx_hba *hba, u16 frame)
{
	u32 val;

	if (acxxx_frame_post(&hba->ctl, frame, &val))
		return;
	acxxx_writel(hba, ACXXX_REG_REPLY_PORT, val);
	if (hba->dialect == ACXXX_DIALECT_2208)
		acxxx_writel(hba, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
}

/*
 * Give frames back to the firmware, oldest first.  The 2208 takes them
 * through a 16-entry FIFO (16.10): when it is full the rest wait for the
 * repost work instead of spinning here.
 */
static void acxxx_flush_frames_locked(struct acxxx_hba *hba)
{
	unsigned int i = 0;

	lockdep_assert_held(&hba->lock);
	while (i < hba->nr_repost) {
		if (hba->dialect == ACXXX_DIALECT_2208 &&
		    !acxxx_free_fifo_room(acxxx_readl(hba, ACXXX_REG_OUT_FREE_CI)))
			break;
		acxxx_post_frame_locked(hba, hba->repost[i++]);
	}
	hba->nr_repost -= i;
	memmove(hba->repost, hba->repost + i, hba->nr_repost * sizeof(u16));
	if (hba->nr_repost && !hba->removing)
		queue_delayed_work(hba->aux_wq, &hba->repost_work, 1);
}

static void acxxx_return_frame_locked(struct acxxx_hba *hba, u16 frame)
{
	if (hba->nr_repost < ARRAY_SIZE(hba->repost))
		hba->repost[hba->nr_repost++] = frame;
	acxxx_flush_frames_locked(hba);
}

static void acxxx_repost_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, repost_work);
	unsigned long flags;

	spin_lock_irqsave(&hba->lock, flags);
	if (acxxx_serving(hba))
		acxxx_flush_frames_locked(hba);
	spin_unlock_irqrestore(&hba->lock, flags);
}

/* Hand every reply frame to the firmware (after a handshake). */
static void acxxx_post_all_frames(struct acxxx_hba *hba)
{
	unsigned long flags;
	u16 frame;

	spin_lock_irqsave(&hba->lock, flags);
	hba->nr_repost = 0;
	for (frame = ACXXX_FIRST_SLOT; frame <= hba->ctl.lay.nr_frames; frame++)
		hba->repost[hba->nr_repost++] = frame;
	acxxx_flush_frames_locked(hba);
	spin_unlock_irqrestore(&hba->lock, flags);
}

/* ------------------------------------------------------------------ */
/* Posting                                                             */

/**
 * acxxx_post_locked() - hand an encoded request to the firmware
 * @hba: adapter
 * @slot: slot whose frame holds the request
 *
 * On the 2208/3108 family a read of REQUEST_PORT first says whether the
 * inbound queue has room (16.7); when it has none the caller gets -EBUSY
 * and retries later instead of spinning.
 *
 * Return: 0, -EBUSY if the queue is full, or an error from the core.
 */
static int acxxx_post_locked(struct acxxx_hba *hba, u16 slot)
{
	int ret;

	lockdep_assert_held(&hba->lock);
	if (hba->dialect != ACXXX_DIALECT_341 &&
	    acxxx_readl(hba, ACXXX_REG_REQUEST_PORT) == ACXXX_EMPTY)
		return -EBUSY;
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
 * Return: 0 once posted; -EBUSY if the adapter cannot take it now;
 * another negative error if the command cannot be encoded.
 */
int acxxx_post_scsi(struct acxxx_hba *hba, struct scsi_cmnd *scmd, int nseg,
		    u8 lun, u8 dir)
{
	struct acxxx_scsi_cmd cmd = {
		.lun = lun,
		.cdb_len = scmd->cmd_len,
		.dir = dir,
		.task_attr = ACXXX_CTL_ATTR_UNTAGGED,
		.cdb = scmd->cmnd,
		.data_len = scsi_bufflen(scmd),
		.sgl = hba->sgl,
		.nr_sge = nseg,
	};
	u16 slot = acxxx_cmd_slot(scmd);
	struct scatterlist *sg;
	unsigned long flags;
	int i, ret;

	spin_lock_irqsave(&hba->lock, flags);
	if (hba->state != ACXXX_ST_RUNNING || hba->paused) {
		/*
		 * "Busy" is retried without end: not when nothing will change
		 * (offline, or paused while the driver detaches).
		 */
		if (hba->state == ACXXX_ST_OFFLINE ||
		    hba->state == ACXXX_ST_REMOVING ||
		    (hba->paused && hba->removing))
			ret = -ENODEV;
		else
			ret = -EBUSY;
		goto out;
	}
	scsi_for_each_sg(scmd, sg, nseg, i) {
		hba->sgl[i].addr = sg_dma_address(sg);
		hba->sgl[i].len = sg_dma_len(sg);
	}
	ret = acxxx_encode_scsi(&hba->ctl, slot, &cmd);
	if (ret)
		goto out;
	ret = acxxx_post_locked(hba, slot);
	if (!ret)
		hba->cmds[slot] = scmd;
out:
	spin_unlock_irqrestore(&hba->lock, flags);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Requests the driver makes itself                                    */

/*
 * Claim an internal slot: it must not still be held by the firmware for a
 * request that timed out (that slot comes back with the late reply or with
 * the next re-init).
 */
static int acxxx_ireq_begin_locked(struct acxxx_hba *hba, u16 slot)
{
	lockdep_assert_held(&hba->lock);
	if (hba->state == ACXXX_ST_OFFLINE || hba->state == ACXXX_ST_REMOVING)
		return -ENODEV;
	/* A re-init in progress would drop the request unanswered. */
	if (hba->paused || hba->state == ACXXX_ST_RESETTING)
		return -EBUSY;
	if (acxxx_slot_active(&hba->ctl, slot))
		return -EBUSY;
	reinit_completion(&hba->ireq[slot].done);
	return 0;
}

/* Ask for a re-init from process context (the interrupt handler cannot). */
static void acxxx_schedule_recovery(struct acxxx_hba *hba, const char *why)
{
	if (READ_ONCE(hba->removing))
		return;
	WRITE_ONCE(hba->recover_why, why);
	queue_work(hba->aux_wq, &hba->recover_work);
}

/*
 * The firmware kept an internal request past its timeout.  Its slot stays
 * held until a late reply or a re-init; a management or flush request the
 * firmware sits on means it is stuck, so re-initialise it, but only a few
 * times in a row: a firmware that serves I/O and never answers those
 * requests must not have its I/O dropped over and over.  Task management
 * timeouts are the error handler's to escalate.
 */
static void acxxx_ireq_lost(struct acxxx_hba *hba, u16 slot,
			    unsigned int timeout_s)
{
	static const char * const what[ACXXX_FIRST_IO_SLOT] = {
		[ACXXX_SLOT_MGMT] = "management",
		[ACXXX_SLOT_EVSW] = "event switch",
		[ACXXX_SLOT_TMF] = "abort",
		[ACXXX_SLOT_INTERNAL] = "cache flush",
		[ACXXX_SLOT_RESET] = "reset",
	};

	dev_err(&hba->pdev->dev, "no answer to a %s request in %u s\n",
		what[slot] ? what[slot] : "driver", timeout_s);
	if (slot != ACXXX_SLOT_MGMT && slot != ACXXX_SLOT_INTERNAL)
		return;
	if (atomic_inc_return(&hba->ireq_lost) <= 3)
		acxxx_schedule_recovery(hba, "internal request timed out");
}

/**
 * acxxx_ireq_run() - post the request encoded in an internal slot and wait
 * @hba: adapter
 * @slot: internal slot, its request already encoded (under hba->lock,
 *	after acxxx_ireq_begin_locked()); the caller holds the slot's mutex
 * @timeout_s: how long to wait for the reply
 * @cpl: the decoded reply
 *
 * A request that times out stays with the firmware: its slot is freed by
 * its late reply or by the next re-init, never reused before.
 *
 * Return: 0 with @cpl filled, -ETIMEDOUT, or -ENODEV if the adapter went
 * offline while waiting.
 */
int acxxx_ireq_run(struct acxxx_hba *hba, u16 slot, unsigned int timeout_s,
		   struct acxxx_cpl *cpl)
{
	struct acxxx_ireq *ir = &hba->ireq[slot];

	lockdep_assert_held(&ir->mutex);
	if (!wait_for_completion_timeout(&ir->done, timeout_s * HZ)) {
		acxxx_ireq_lost(hba, slot, timeout_s);
		return -ETIMEDOUT;
	}
	*cpl = ir->cpl;
	if (cpl->kind && (slot == ACXXX_SLOT_MGMT || slot == ACXXX_SLOT_INTERNAL))
		atomic_set(&hba->ireq_lost, 0);
	return cpl->kind ? 0 : -ENODEV;
}

/**
 * acxxx_read_page0() - read management page 0 (identity and LUN map)
 * @hba: adapter
 * @id: parsed page
 *
 * Return: 0, or a negative error (-EIO if the firmware refused).
 */
int acxxx_read_page0(struct acxxx_hba *hba, struct acxxx_ident *id)
{
	struct acxxx_ireq *ir = &hba->ireq[ACXXX_SLOT_MGMT];
	struct acxxx_cpl cpl;
	unsigned long flags;
	int ret;

	mutex_lock(&ir->mutex);
	spin_lock_irqsave(&hba->lock, flags);
	ret = acxxx_ireq_begin_locked(hba, ACXXX_SLOT_MGMT);
	if (!ret)
		ret = acxxx_encode_get_page(&hba->ctl, ACXXX_SLOT_MGMT,
					    ACXXX_PAGE_IDENTITY);
	if (!ret) {
		memset(acxxx_mgmt_buf(&hba->ctl), 0, ACXXX_PAGE_SIZE);
		ret = acxxx_post_locked(hba, ACXXX_SLOT_MGMT);
	}
	spin_unlock_irqrestore(&hba->lock, flags);
	if (!ret)
		ret = acxxx_ireq_run(hba, ACXXX_SLOT_MGMT, ACXXX_MGMT_TIMEOUT, &cpl);
	if (!ret && cpl.reply_status != ACXXX_RS_SUCCESS) {
		dev_warn(&hba->pdev->dev,
			 "page 0 read failed: reply status 0x%02x, error 0x%04x\n",
			 cpl.reply_status, cpl.mgmt_error);
		ret = -EIO;
	}
	if (!ret)
		ret = acxxx_parse_page0(acxxx_mgmt_buf(&hba->ctl),
					ACXXX_PAGE_SIZE, id);
	mutex_unlock(&ir->mutex);
	return ret;
}

static int acxxx_event_switch(struct acxxx_hba *hba, bool on)
{
	struct acxxx_ireq *ir = &hba->ireq[ACXXX_SLOT_EVSW];
	struct acxxx_cpl cpl;
	unsigned long flags;
	int ret;

	mutex_lock(&ir->mutex);
	spin_lock_irqsave(&hba->lock, flags);
	ret = acxxx_ireq_begin_locked(hba, ACXXX_SLOT_EVSW);
	if (!ret)
		ret = acxxx_encode_event_switch(&hba->ctl, ACXXX_SLOT_EVSW, on);
	if (!ret)
		ret = acxxx_post_locked(hba, ACXXX_SLOT_EVSW);
	spin_unlock_irqrestore(&hba->lock, flags);
	if (!ret)
		ret = acxxx_ireq_run(hba, ACXXX_SLOT_EVSW, ACXXX_EVSW_TIMEOUT, &cpl);
	if (!ret && cpl.reply_status != ACXXX_RS_SUCCESS)
		ret = -EIO;
	if (!ret) {
		hba->events_on = on;
		if (hba->dialect != ACXXX_DIALECT_341)
			acxxx_writel(hba, ACXXX_REG_SCRATCH2, ACXXX_SCRATCH2_NORMAL);
	}
	mutex_unlock(&ir->mutex);
	return ret;
}

/**
 * acxxx_tmf() - send a task management request and wait for its reply
 * @hba: adapter
 * @type: ACXXX_TMF_*
 * @lun: LUN index
 * @task_slot: slot of the task to abort (abort task), otherwise 0
 * @cpl: the reply
 *
 * Aborts and resets use separate slots: an abort the firmware ignored
 * keeps its slot until the next re-init, and must not stop the LUN reset
 * that follows it on the error handler's ladder.
 *
 * Return: 0 with @cpl filled (check its reply status), or a negative error.
 */
int acxxx_tmf(struct acxxx_hba *hba, u8 type, u8 lun, u16 task_slot,
	      struct acxxx_cpl *cpl)
{
	u16 slot = type == ACXXX_TMF_ABORT_TASK ? ACXXX_SLOT_TMF :
						  ACXXX_SLOT_RESET;
	struct acxxx_ireq *ir = &hba->ireq[slot];
	unsigned long flags;
	int ret;

	mutex_lock(&ir->mutex);
	spin_lock_irqsave(&hba->lock, flags);
	ret = acxxx_ireq_begin_locked(hba, slot);
	if (!ret)
		ret = acxxx_encode_tmf(&hba->ctl, slot, type, lun, task_slot);
	if (!ret)
		ret = acxxx_post_locked(hba, slot);
	spin_unlock_irqrestore(&hba->lock, flags);
	if (!ret)
		ret = acxxx_ireq_run(hba, slot, ACXXX_TMF_TIMEOUT, cpl);
	mutex_unlock(&ir->mutex);
	return ret;
}

/* SYNCHRONIZE CACHE (10) of a whole volume, issued by the driver itself. */
static int acxxx_sync_cache(struct acxxx_hba *hba, u8 lun)
{
	struct acxxx_ireq *ir = &hba->ireq[ACXXX_SLOT_INTERNAL];
	static const u8 cdb[10] = { SYNCHRONIZE_CACHE };
	struct acxxx_scsi_cmd cmd = {
		.lun = lun, .cdb = cdb, .cdb_len = sizeof(cdb),
		.dir = ACXXX_CTL_DIR_NONE,
		.task_attr = ACXXX_CTL_ATTR_UNTAGGED,
	};
	struct acxxx_cpl cpl;
	unsigned long flags;
	int ret;

	mutex_lock(&ir->mutex);
	spin_lock_irqsave(&hba->lock, flags);
	ret = acxxx_ireq_begin_locked(hba, ACXXX_SLOT_INTERNAL);
	if (!ret)
		ret = acxxx_encode_scsi(&hba->ctl, ACXXX_SLOT_INTERNAL, &cmd);
	if (!ret)
		ret = acxxx_post_locked(hba, ACXXX_SLOT_INTERNAL);
	spin_unlock_irqrestore(&hba->lock, flags);
	if (!ret)
		ret = acxxx_ireq_run(hba, ACXXX_SLOT_INTERNAL,
				     ACXXX_SYNC_TIMEOUT, &cpl);
	if (!ret && (cpl.reply_status != ACXXX_RS_SUCCESS || cpl.scsi_status))
		ret = -EIO;
	mutex_unlock(&ir->mutex);
	return ret;
}

/* Flush every volume's write cache (16.19); the midlayer is not involved. */
static void acxxx_sync_all(struct acxxx_hba *hba)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		if (hba->lun_map[i] == ACXXX_LUN_ABSENT)
			continue;
		ret = acxxx_sync_cache(hba, i);
		if (ret)
			dev_warn(&hba->pdev->dev,
				 "cache flush of volume %u failed: %pe\n", i,
				 ERR_PTR(ret));
	}
}

/* ------------------------------------------------------------------ */
/* Completions                                                         */

static void acxxx_bad_reply(struct acxxx_hba *hba, u32 desc, int err)
{
	atomic_inc(&hba->stat_bad_replies);
	dev_warn_ratelimited(&hba->pdev->dev,
			     "rejected reply descriptor 0x%08x: %pe\n", desc,
			     ERR_PTR(err));
}

static void acxxx_event(struct acxxx_hba *hba, const struct acxxx_cpl *cpl)
{
	switch (acxxx_event_type(cpl->event_code)) {
	case ACXXX_EV_LUN_CHANGE:
		dev_info(&hba->pdev->dev, "volume configuration changed\n");
		if (!READ_ONCE(hba->removing))
			queue_work(hba->wq, &hba->rescan_work);
		break;
	case ACXXX_EV_RAID_ERROR:
		dev_warn(&hba->pdev->dev, "firmware reports a RAID error\n");
		break;
	default:
		dev_dbg(&hba->pdev->dev, "firmware event 0x%02x\n",
			cpl->event_code);
		break;
	}
}

/**
 * acxxx_handback_end() - a command taken with acxxx_handback_begin() is back
 * @hba: adapter
 * @slot: its slot
 */
void acxxx_handback_end(struct acxxx_hba *hba, u16 slot)
{
	unsigned long flags;

	spin_lock_irqsave(&hba->lock, flags);
	hba->handing[slot] = NULL;
	spin_unlock_irqrestore(&hba->lock, flags);
	wake_up_all(&hba->waitq);
}

static bool acxxx_handing(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
			  struct scsi_device *sdev)
{
	struct scsi_cmnd *h;
	unsigned long flags;
	bool busy = false;
	u16 slot;

	spin_lock_irqsave(&hba->lock, flags);
	for (slot = ACXXX_FIRST_IO_SLOT; slot < ACXXX_MAX_SLOTS && !busy; slot++) {
		h = hba->handing[slot];
		busy = h && ((!scmd && !sdev) || h == scmd ||
			     (sdev && h->device == sdev));
	}
	spin_unlock_irqrestore(&hba->lock, flags);
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

/**
 * acxxx_drain() - consume the reply descriptors the firmware queued
 * @hba: adapter
 *
 * Each descriptor is popped and decoded under hba->lock; the command it
 * completes is handed to the midlayer after the lock is dropped.  A reply
 * frame goes back to the firmware as soon as it has been decoded, even
 * when the reply was rejected, so bad replies never starve the firmware.
 * One call consumes at most one round of reply frames and a little more;
 * the rest is left to hba->drain_work, so the interrupt handler never
 * runs unbounded.
 *
 * Return: the number of descriptors consumed.
 */
unsigned int acxxx_drain(struct acxxx_hba *hba)
{
	unsigned int budget = hba->ctl.lay.nr_frames + 64;
	struct scsi_cmnd *scmd;
	struct acxxx_cpl cpl;
	unsigned long flags;
	unsigned int n = 0;
	u16 handed = 0;
	bool more = false;
	u32 desc;
	int ret;

	for (;;) {
		scmd = NULL;
		spin_lock_irqsave(&hba->lock, flags);
		if (handed) {
			hba->handing[handed] = NULL;
			handed = 0;
			more = true;
		}
		if (hba->paused || !acxxx_serving(hba)) {
			spin_unlock_irqrestore(&hba->lock, flags);
			break;
		}
		if (n == budget) {
			if (!hba->removing)
				queue_work(hba->aux_wq, &hba->drain_work);
			spin_unlock_irqrestore(&hba->lock, flags);
			break;
		}
		desc = acxxx_readl(hba, ACXXX_REG_REPLY_PORT);
		if (desc == ACXXX_EMPTY) {
			spin_unlock_irqrestore(&hba->lock, flags);
			break;
		}
		n++;
		ret = acxxx_decode_reply(&hba->ctl, desc, &cpl, hba->sense,
					 sizeof(hba->sense));
		if (cpl.frame)
			acxxx_return_frame_locked(hba, cpl.frame);
		if (!ret && cpl.slot >= ACXXX_FIRST_IO_SLOT) {
			/* Every request of an I/O slot is a SCSI command. */
			if (cpl.kind != ACXXX_CPL_SCSI)
				ret = -EPROTO;
			else
				scmd = acxxx_handback_begin(hba, cpl.slot);
			if (scmd && cpl.sense_len)
				memcpy(scmd->sense_buffer, hba->sense,
				       min_t(u32, cpl.sense_len,
					     SCSI_SENSE_BUFFERSIZE));
		} else if (!ret && cpl.slot) {
			hba->ireq[cpl.slot].cpl = cpl;
			if (cpl.sense_len)
				memcpy(hba->ireq[cpl.slot].sense, hba->sense,
				       min_t(u32, cpl.sense_len,
					     SCSI_SENSE_BUFFERSIZE));
			complete(&hba->ireq[cpl.slot].done);
		}
		spin_unlock_irqrestore(&hba->lock, flags);

		if (ret) {
			acxxx_bad_reply(hba, desc, ret);
			continue;
		}
		if (cpl.flags & (ACXXX_CPL_F_BAD_FAST |
				 ACXXX_CPL_F_RESID_MISMATCH |
				 ACXXX_CPL_F_RESID_CLAMPED))
			dev_warn_ratelimited(&hba->pdev->dev,
					     "inconsistent reply for slot %u (flags 0x%02x)\n",
					     cpl.slot, cpl.flags);
		if (scmd) {
			acxxx_complete_scsi(scmd, &cpl);
			handed = cpl.slot;
		} else if (cpl.kind == ACXXX_CPL_EVENT) {
			acxxx_event(hba, &cpl);
		} else if (cpl.slot >= ACXXX_FIRST_IO_SLOT) {
			/* Nobody waited for it: the error handler took it. */
			acxxx_bad_reply(hba, desc, -ENOENT);
		}
	}
	if (more && wq_has_sleeper(&hba->waitq))
		wake_up_all(&hba->waitq);
	return n;
}

static void acxxx_drain_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(work, struct acxxx_hba,
					     drain_work);

	acxxx_drain(hba);
}

/* The next health check (acxxx_health_work) in ACXXX_HEALTH_MS. */
static void acxxx_health_later(struct acxxx_hba *hba)
{
	queue_delayed_work(hba->aux_wq, &hba->health_work,
			   msecs_to_jiffies(ACXXX_HEALTH_MS));
}

/* Is anybody left to act on a "resume"? */
static bool acxxx_watching(struct acxxx_hba *hba)
{
	enum acxxx_state st = READ_ONCE(hba->state);

	return st != ACXXX_ST_OFFLINE && st != ACXXX_ST_REMOVING;
}

/* Stop issuing and draining until the firmware says "resume" (2.3). */
static void acxxx_pause(struct acxxx_hba *hba, bool pause)
{
	unsigned long flags;

	spin_lock_irqsave(&hba->lock, flags);
	if (hba->paused == pause) {
		spin_unlock_irqrestore(&hba->lock, flags);
		return;
	}
	hba->paused = pause;
	/*
	 * The interrupt is level-triggered and replies stay queued while
	 * paused: mask it and watch the doorbell for "resume" instead.  A
	 * re-init in progress unmasks it itself when it is done.
	 */
	if (pause)
		acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	else if (acxxx_serving(hba))
		acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK,
			     acxxx_irq_unmask_value(hba->dialect));
	/* Watched until resume, even while detaching: remove waits for it. */
	if (pause && acxxx_watching(hba))
		queue_delayed_work(hba->aux_wq, &hba->pause_work,
				   msecs_to_jiffies(100));
	spin_unlock_irqrestore(&hba->lock, flags);
	/* While paused, queuecommand answers "host busy": nothing is lost. */
	dev_warn(&hba->pdev->dev, "firmware %s the host\n",
		 pause ? "paused" : "resumed");
}

/*
 * Act on OUT_DOORBELL (2208/3108).  Every notification present is handled
 * in one pass; the lone ready bit stays for the handshake.
 *
 * Return: true if a notification was ours.
 */
static bool acxxx_doorbell(struct acxxx_hba *hba)
{
	struct acxxx_doorbell db;

	acxxx_decode_doorbell(acxxx_readl(hba, ACXXX_REG_OUT_DOORBELL), &db);
	if (db.gone) {
		/* All-ones: look at the device from process context now. */
		if (!READ_ONCE(hba->removing))
			mod_delayed_work(hba->aux_wq, &hba->health_work, 0);
		return false;
	}
	if (!db.ack)
		return false;
	acxxx_writel(hba, ACXXX_REG_OUT_DOORBELL_CLR, db.ack);
	if (db.restart_soon)
		dev_warn(&hba->pdev->dev, "firmware will restart soon\n");
	if (db.flush) {
		dev_warn(&hba->pdev->dev,
			 "firmware flushed its commands: re-initialising\n");
		acxxx_schedule_recovery(hba, "firmware flush request");
	}
	if (db.pause)
		acxxx_pause(hba, true);
	if (db.resume)
		acxxx_pause(hba, false);
	if (db.unknown)
		dev_warn_ratelimited(&hba->pdev->dev,
				     "unknown doorbell bits 0x%08x\n", db.unknown);
	return true;
}

static void acxxx_pause_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, pause_work);
	unsigned long flags;
	bool paused;

	acxxx_doorbell(hba);
	spin_lock_irqsave(&hba->lock, flags);
	paused = hba->paused;
	if (paused && acxxx_watching(hba))
		queue_delayed_work(hba->aux_wq, &hba->pause_work,
				   msecs_to_jiffies(100));
	spin_unlock_irqrestore(&hba->lock, flags);
	if (!paused)
		acxxx_drain(hba);
}

static irqreturn_t acxxx_isr(int irq, void *data)
{
	struct acxxx_hba *hba = data;
	bool handled = false;

	/*
	 * Masked until the first handshake, and once the controller is
	 * offline or the driver detaching: anything then is not ours.  On
	 * the shared line still read a status register while the link is
	 * up: an emulated INTx (QEMU's, for an assigned device without KVM)
	 * only drops at the device's next register access, and a stale one
	 * would otherwise fire until the kernel disables the line.
	 */
	if (!READ_ONCE(hba->irq_ready) || !acxxx_watching(hba)) {
		if (hba->irq_shared && !READ_ONCE(hba->pci_error))
			acxxx_readl(hba, acxxx_irq_status_reg(hba->dialect));
		return IRQ_NONE;
	}

	if (hba->dialect != ACXXX_DIALECT_341)
		handled = acxxx_doorbell(hba);
	if (acxxx_drain(hba))
		handled = true;
	return IRQ_RETVAL(handled);
}

/* ------------------------------------------------------------------ */
/* Failing outstanding work                                            */

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

	spin_lock_irqsave(&hba->lock, flags);
	was_active = !acxxx_slot_finish(&hba->ctl, slot);
	if (slot >= ACXXX_FIRST_IO_SLOT) {
		scmd = acxxx_handback_begin(hba, slot);
	} else if (was_active) {
		memset(&hba->ireq[slot].cpl, 0, sizeof(hba->ireq[slot].cpl));
		complete(&hba->ireq[slot].done);
	}
	spin_unlock_irqrestore(&hba->lock, flags);

	if (scmd) {
		acxxx_finish_scsi(scmd, DID_RESET);
		acxxx_handback_end(hba, slot);
	}
}

/*
 * Take every slot back and wait for completions still being handed back
 * by a drain that started before the caller stopped draining.
 */
static void acxxx_release_all(struct acxxx_hba *hba)
{
	u16 slot;

	for (slot = ACXXX_FIRST_SLOT; slot < hba->ctl.lay.nr_slots; slot++)
		acxxx_release_slot(hba, slot);
	acxxx_wait_handback(hba, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Handshake                                                           */

static void acxxx_init_params(struct acxxx_init_params *p)
{
	acxxx_init_default_params(p);
}

static void acxxx_init_do(struct acxxx_hba *hba, const struct acxxx_init_io *io)
{
	unsigned int i;

	for (i = 0; i < io->nr_wr; i++)
		acxxx_writel(hba, io->wr_reg[i], io->wr_val[i]);
}

/*
 * Run a whole handshake from process context (host reset, resume): the
 * same transition function as bring-up, with sleeps between steps.
 */
static int acxxx_handshake_sync(struct acxxx_hba *hba, bool reinit)
{
	struct acxxx_init_params p;
	struct acxxx_init_io io;
	struct acxxx_init in;
	u32 val = 0, reg = ACXXX_INIT_NO_READ;
	u64 now;
	int ret;

	acxxx_init_params(&p);
	acxxx_init_begin(&in, hba->dialect, hba->ctl.hi, reinit, &p,
			 acxxx_now_ms());
	for (;;) {
		if (reg != ACXXX_INIT_NO_READ)
			val = acxxx_readl(hba, reg);
		now = acxxx_now_ms();
		ret = acxxx_init_step(&in, now, val, &io);
		acxxx_init_do(hba, &io);
		if (ret)
			return ret < 0 ? ret : 0;
		reg = io.read_reg;
		if (io.next_ms > now)
			msleep(io.next_ms - now);
	}
}

static void acxxx_log_ident(struct acxxx_hba *hba, const struct acxxx_ident *id)
{
	unsigned int i, n = 0;

	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		n += id->lun_map[i] != ACXXX_LUN_ABSENT;
	dev_info(&hba->pdev->dev,
		 "%s %s, serial %s, firmware %s, %s family, %u volume%s\n",
		 id->vendor[0] ? id->vendor : "Accusys", id->model, id->serial,
		 id->fw_version[0] ? id->fw_version : "unknown",
		 acxxx_dialect_name(hba->dialect), n, n == 1 ? "" : "s");
}

/* After a successful handshake: frames, page 0, events. */
static int acxxx_start(struct acxxx_hba *hba, struct acxxx_ident *id)
{
	int ret;

	acxxx_post_all_frames(hba);
	ret = acxxx_read_page0(hba, id);
	if (ret) {
		dev_err(&hba->pdev->dev, "cannot read page 0: %pe\n",
			ERR_PTR(ret));
		return ret;
	}
	ret = acxxx_event_switch(hba, true);
	if (ret)
		dev_warn(&hba->pdev->dev,
			 "firmware events unavailable (%pe): volume changes need a manual rescan\n",
			 ERR_PTR(ret));
	return 0;
}

static void acxxx_go_offline(struct acxxx_hba *hba, const char *why)
{
	unsigned long flags;

	dev_err(&hba->pdev->dev, "controller offline: %s\n", why);
	spin_lock_irqsave(&hba->lock, flags);
	if (hba->state != ACXXX_ST_REMOVING)
		acxxx_set_state(hba, ACXXX_ST_OFFLINE);
	if (hba->regs && acxxx_present(hba))
		acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	spin_unlock_irqrestore(&hba->lock, flags);
	acxxx_release_all(hba);
}

static void acxxx_bringup_done(struct acxxx_hba *hba, struct acxxx_ident *id)
{
	unsigned long flags;

	spin_lock_irqsave(&hba->lock, flags);
	if (hba->state == ACXXX_ST_INIT)
		acxxx_set_state(hba, ACXXX_ST_RUNNING);
	spin_unlock_irqrestore(&hba->lock, flags);
	acxxx_log_ident(hba, id);
	mutex_lock(&hba->scan_mutex);
	memcpy(hba->ident.product_id, id->product_id, sizeof(id->product_id));
	memcpy(hba->ident.model, id->model, sizeof(id->model));
	memcpy(hba->ident.serial, id->serial, sizeof(id->serial));
	memcpy(hba->ident.fw_version, id->fw_version, sizeof(id->fw_version));
	memcpy(hba->ident.vendor, id->vendor, sizeof(id->vendor));
	mutex_unlock(&hba->scan_mutex);
	acxxx_reconcile(hba, id->lun_map);
	complete_all(&hba->ready);
	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_health_later(hba);
}

/*
 * Start the bring-up handshake, or start it again after the start that
 * followed it failed: a re-init handshake takes back whatever the
 * firmware kept (an unanswered page 0 request, the reply frames).
 */
static void acxxx_bringup_begin(struct acxxx_hba *hba, unsigned long delay)
{
	struct acxxx_init_params p;
	unsigned long flags;

	spin_lock_irqsave(&hba->lock, flags);
	acxxx_ctl_reset(&hba->ctl);
	hba->nr_repost = 0;
	spin_unlock_irqrestore(&hba->lock, flags);
	acxxx_init_params(&p);
	acxxx_init_begin(&hba->init, hba->dialect, hba->ctl.hi,
			 hba->init_tries > 0, &p, acxxx_now_ms());
	hba->init_read = ACXXX_INIT_NO_READ;
	hba->init_tries++;
	queue_delayed_work(hba->wq, &hba->bringup_work, delay);
}

#define ACXXX_BRINGUP_TRIES	3

static void acxxx_bringup_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, bringup_work);
	struct acxxx_ident *id;
	struct acxxx_init_io io;
	u32 val = 0;
	u64 now;
	int ret;

	/* PCI error recovery queues the bring-up again when it is done. */
	if (READ_ONCE(hba->pci_error))
		return;
	if (hba->init_read != ACXXX_INIT_NO_READ)
		val = acxxx_readl(hba, hba->init_read);
	now = acxxx_now_ms();
	ret = acxxx_init_step(&hba->init, now, val, &io);
	if (ret == 1)
		WRITE_ONCE(hba->irq_ready, true);	/* io unmasks */
	acxxx_init_do(hba, &io);
	hba->init_read = io.read_reg;
	if (!ret) {
		queue_delayed_work(hba->wq, &hba->bringup_work,
				   io.next_ms > now ?
				   msecs_to_jiffies(io.next_ms - now) : 0);
		return;
	}
	if (ret < 0) {
		if (READ_ONCE(hba->pci_error))
			return;
		dev_err(&hba->pdev->dev, "handshake failed: %pe\n",
			ERR_PTR(ret));
		acxxx_go_offline(hba, "no answer to the handshake");
		complete_all(&hba->ready);
		return;
	}

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	ret = id ? acxxx_start(hba, id) : -ENOMEM;
	if (!ret) {
		acxxx_bringup_done(hba, id);
	} else if (READ_ONCE(hba->pci_error)) {
		/* acxxx_error_resume() starts over. */
	} else if (ret != -ENODEV && ret != -ENOMEM &&
		   hba->init_tries < ACXXX_BRINGUP_TRIES &&
		   !READ_ONCE(hba->removing)) {
		dev_warn(&hba->pdev->dev,
			 "start failed (%pe): handshake again in 1 s\n",
			 ERR_PTR(ret));
		acxxx_bringup_begin(hba, HZ);
	} else {
		acxxx_go_offline(hba, "start failed");
		complete_all(&hba->ready);
	}
	kfree(id);
}

/* The null stage: no hardware, one volume from the core's null responder. */
static void acxxx_bringup_null(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, bringup_work);
	struct acxxx_ident *id;
	unsigned int i;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id) {
		acxxx_go_offline(hba, "out of memory");
		complete_all(&hba->ready);
		return;
	}
	strscpy(id->vendor, "ACCUSYS", sizeof(id->vendor));
	strscpy(id->model, "NULL VOLUME", sizeof(id->model));
	strscpy(id->serial, "NULL0000", sizeof(id->serial));
	strscpy(id->fw_version, "null stage", sizeof(id->fw_version));
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		id->lun_map[i] = i ? ACXXX_LUN_ABSENT : 0;
	dev_info(&hba->pdev->dev,
		 "null stage: no hardware I/O, one volume that fails reads and discards writes\n");
	acxxx_bringup_done(hba, id);
	kfree(id);
}

/*
 * Bring back a controller whose firmware holds nothing of ours: handshake,
 * return every outstanding command to the midlayer for retry, post the
 * reply frames, switch events on and re-read the LUN map.  Called with
 * reset_mutex held and the state set to RESETTING.
 */
static int acxxx_restart(struct acxxx_hba *hba, bool reinit)
{
	unsigned long flags;
	int ret;

	if (!acxxx_present(hba))
		return -ENODEV;
	ret = acxxx_handshake_sync(hba, reinit);
	if (ret)
		return ret;

	/* The firmware holds nothing of ours any more (16.11). */
	acxxx_release_all(hba);
	spin_lock_irqsave(&hba->lock, flags);
	acxxx_ctl_reset(&hba->ctl);
	hba->paused = false;
	/* Detaching or taken offline meanwhile: stay so. */
	if (hba->state == ACXXX_ST_RESETTING)
		acxxx_set_state(hba, ACXXX_ST_RUNNING);
	else
		ret = -ENODEV;
	spin_unlock_irqrestore(&hba->lock, flags);
	if (ret)
		return ret;
	acxxx_post_all_frames(hba);
	if (acxxx_event_switch(hba, true))
		dev_warn(&hba->pdev->dev, "firmware events unavailable\n");
	if (!READ_ONCE(hba->removing))
		queue_work(hba->wq, &hba->rescan_work);
	return 0;
}

/*
 * Stop issuing, draining, returning frames and taking interrupts, before
 * a re-init handshake.  Called with reset_mutex held.
 *
 * Return: 0; -EAGAIN while bring-up runs (it does its own handshakes);
 * -ENODEV if the adapter is offline or detaching.
 */
static int acxxx_quiesce(struct acxxx_hba *hba)
{
	unsigned long flags;
	int ret = 0;

	lockdep_assert_held(&hba->reset_mutex);
	spin_lock_irqsave(&hba->lock, flags);
	switch (hba->state) {
	case ACXXX_ST_RUNNING:
	case ACXXX_ST_RESETTING:
		acxxx_set_state(hba, ACXXX_ST_RESETTING);
		hba->nr_repost = 0;
		if (acxxx_present(hba))
			acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
		break;
	case ACXXX_ST_INIT:
		ret = -EAGAIN;
		break;
	default:
		ret = -ENODEV;
		break;
	}
	spin_unlock_irqrestore(&hba->lock, flags);
	if (ret)
		return ret;
	synchronize_irq(hba->irq);
	cancel_delayed_work_sync(&hba->repost_work);
	cancel_work_sync(&hba->drain_work);
	return 0;
}

/**
 * acxxx_reinit() - re-initialise a running controller (host reset)
 * @hba: adapter
 * @why: for the log
 *
 * The re-init handshake makes the firmware drop every outstanding request
 * and free reply frame without touching host memory for them again
 * (16.11).  Every outstanding command then goes back to the midlayer for
 * retry, the reply frames are posted again, events are switched back on
 * and the LUN map is read again.  A controller that does not come back is
 * taken offline: its I/O fails instead of hanging.
 *
 * Context: process context, may sleep (up to the handshake timeouts).
 * Return: 0; -EAGAIN during bring-up; -EBUSY if PCI error recovery did not
 * end; another negative error once the controller is offline.
 */
int acxxx_reinit(struct acxxx_hba *hba, const char *why)
{
	int ret;

	if (hba->stage == ACXXX_STAGE_NULL)
		return 0;
	/* The PCI core is resetting the link: its own re-init comes first. */
	if (!wait_event_timeout(hba->waitq, !READ_ONCE(hba->pci_error),
				ACXXX_SCAN_TIMEOUT * HZ))
		return -EBUSY;
	mutex_lock(&hba->reset_mutex);
	ret = acxxx_quiesce(hba);
	if (ret) {
		mutex_unlock(&hba->reset_mutex);
		return ret;
	}
	dev_warn(&hba->pdev->dev, "re-initialising the controller: %s\n", why);
	ret = acxxx_restart(hba, true);
	if (ret) {
		dev_err(&hba->pdev->dev, "re-init failed: %pe\n", ERR_PTR(ret));
		acxxx_go_offline(hba, "re-init failed");
	} else {
		dev_info(&hba->pdev->dev, "controller re-initialised\n");
	}
	mutex_unlock(&hba->reset_mutex);
	return ret;
}

static void acxxx_recover_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(work, struct acxxx_hba,
					     recover_work);

	acxxx_reinit(hba, READ_ONCE(hba->recover_why));
}

/*
 * Once every ACXXX_HEALTH_MS: is the device still there, and (2208/3108)
 * does the firmware still report itself running in SCRATCH1 (two checks
 * in a row)?  A hung
 * firmware is re-initialised; a device that is gone is taken offline so
 * nothing waits for it.
 */
static void acxxx_health_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, health_work);
	enum acxxx_state st = READ_ONCE(hba->state);
	u32 v;

	if (st == ACXXX_ST_OFFLINE || st == ACXXX_ST_REMOVING ||
	    READ_ONCE(hba->removing))
		return;
	if (READ_ONCE(hba->pci_error))
		goto again;	/* the PCI core is recovering the link */
	if (!acxxx_present(hba)) {
		acxxx_go_offline(hba, "device gone");
		return;
	}
	if (st == ACXXX_ST_RUNNING && hba->dialect != ACXXX_DIALECT_341) {
		/*
		 * Two checks in a row: one odd read (a completion timeout
		 * reads all-ones) must not cost every outstanding command.
		 */
		v = acxxx_readl(hba, ACXXX_REG_SCRATCH1);
		if (v == ACXXX_SCRATCH1_RUNNING) {
			hba->health_misses = 0;
		} else if (++hba->health_misses >= 2) {
			dev_err(&hba->pdev->dev,
				"firmware stopped running (SCRATCH1 0x%08x)\n", v);
			hba->health_misses = 0;
			acxxx_schedule_recovery(hba, "firmware hang");
		}
	}
again:
	acxxx_health_later(hba);
}

/* ------------------------------------------------------------------ */
/* sysfs: one value per file                                           */

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", hba->ident.model);
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", hba->ident.serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_version_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", hba->ident.fw_version);
}
static DEVICE_ATTR_RO(firmware_version);

static ssize_t product_id_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", hba->ident.product_id);
}
static DEVICE_ATTR_RO(product_id);

static ssize_t family_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", acxxx_dialect_name(hba->dialect));
}
static DEVICE_ATTR_RO(family);

static const char * const acxxx_stage_names[] = {
	[ACXXX_STAGE_NULL] = "null",
	[ACXXX_STAGE_SINGLE] = "single",
	[ACXXX_STAGE_FULL] = "full",
};

static ssize_t stage_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", acxxx_stage_names[hba->stage]);
}
static DEVICE_ATTR_RO(stage);

static const char * const acxxx_state_names[] = {
	[ACXXX_ST_INIT] = "starting",
	[ACXXX_ST_RUNNING] = "running",
	[ACXXX_ST_RESETTING] = "resetting",
	[ACXXX_ST_OFFLINE] = "offline",
	[ACXXX_ST_REMOVING] = "removing",
};

static ssize_t controller_state_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", acxxx_state_names[READ_ONCE(hba->state)]);
}
static DEVICE_ATTR_RO(controller_state);

static struct attribute *acxxx_host_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_version.attr,
	&dev_attr_product_id.attr,
	&dev_attr_family.attr,
	&dev_attr_stage.attr,
	&dev_attr_controller_state.attr,
	NULL,
};

static const struct attribute_group acxxx_host_group = {
	.attrs = acxxx_host_attrs,
};

const struct attribute_group *acxxx_host_groups[] = {
	&acxxx_host_group,
	NULL,
};

/* ------------------------------------------------------------------ */
/* PCI                                                                 */

static int acxxx_alloc_ctl(struct acxxx_hba *hba)
{
	struct device *dev = &hba->pdev->dev;
	struct acxxx_layout lay;
	void *mem[3] = { NULL };
	dma_addr_t dma[3];
	int i, ret;

	ret = acxxx_layout_init(&lay, ACXXX_DEFAULT_SLOTS, ACXXX_MAX_SGE);
	if (ret)
		return ret;
	hba->ctl_size = lay.size;

	/*
	 * The block must not cross a 4 GiB boundary (3.2).  An allocation
	 * that does is kept until a good one is found, so the next attempt
	 * lands elsewhere.
	 */
	for (i = 0; i < ARRAY_SIZE(mem); i++) {
		mem[i] = dma_alloc_coherent(dev, lay.size, &dma[i], GFP_KERNEL);
		if (!mem[i]) {
			ret = -ENOMEM;
			break;
		}
		ret = acxxx_ctl_init(&hba->ctl, hba->dialect, &lay, mem[i],
				     dma[i]);
		if (!ret) {
			hba->ctl_mem = mem[i];
			hba->ctl_dma = dma[i];
			mem[i] = NULL;
			break;
		}
	}
	for (i = 0; i < ARRAY_SIZE(mem); i++)
		if (mem[i])
			dma_free_coherent(dev, lay.size, mem[i], dma[i]);
	if (!hba->ctl_mem)
		dev_err(dev, "no usable control memory: %pe\n", ERR_PTR(ret));
	return hba->ctl_mem ? 0 : ret ? ret : -ENOMEM;
}

static int acxxx_map_regs(struct acxxx_hba *hba)
{
	struct pci_dev *pdev = hba->pdev;
	unsigned int bar = acxxx_reg_bar(hba->dialect);
	int ret;

	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, bar) < ACXXX_REG_RAID_TYPE + 4) {
		dev_err(&pdev->dev, "BAR%u is not a usable register BAR\n", bar);
		return -ENODEV;
	}
	ret = pci_request_region(pdev, bar, ACXXX_NAME);
	if (ret)
		return ret;
	hba->regs = pci_iomap(pdev, bar, 0);
	if (!hba->regs) {
		pci_release_region(pdev, bar);
		return -ENOMEM;
	}
	return 0;
}

static void acxxx_unmap_regs(struct acxxx_hba *hba)
{
	pci_iounmap(hba->pdev, hba->regs);
	pci_release_region(hba->pdev, acxxx_reg_bar(hba->dialect));
	hba->regs = NULL;
}

static int acxxx_setup_irq(struct acxxx_hba *hba)
{
	struct pci_dev *pdev = hba->pdev;
	int ret;

	/* MSI when the device has it (16.8), shared INTx otherwise. */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	hba->irq = pci_irq_vector(pdev, 0);
	hba->irq_shared = !pdev->msi_enabled && !pdev->msix_enabled;
	ret = request_irq(hba->irq, acxxx_isr,
			  hba->irq_shared ? IRQF_SHARED : 0, ACXXX_NAME, hba);
	if (ret)
		pci_free_irq_vectors(pdev);
	return ret;
}

static void acxxx_free_irq(struct acxxx_hba *hba)
{
	free_irq(hba->irq, hba);
	pci_free_irq_vectors(hba->pdev);
}

static void acxxx_hba_init(struct acxxx_hba *hba, struct Scsi_Host *shost,
			   struct pci_dev *pdev, enum acxxx_dialect dialect)
{
	unsigned int i;

	hba->shost = shost;
	hba->pdev = pdev;
	hba->dialect = dialect;
	hba->stage = acxxx_stage;
	hba->state = ACXXX_ST_INIT;
	hba->init_read = ACXXX_INIT_NO_READ;
	spin_lock_init(&hba->lock);
	init_waitqueue_head(&hba->waitq);
	mutex_init(&hba->reset_mutex);
	mutex_init(&hba->scan_mutex);
	for (i = 0; i < ARRAY_SIZE(hba->ireq); i++) {
		mutex_init(&hba->ireq[i].mutex);
		init_completion(&hba->ireq[i].done);
	}
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		hba->lun_map[i] = ACXXX_LUN_ABSENT;
	init_completion(&hba->ready);
	INIT_DELAYED_WORK(&hba->bringup_work,
			  hba->stage == ACXXX_STAGE_NULL ? acxxx_bringup_null :
							   acxxx_bringup_work);
	INIT_WORK(&hba->rescan_work, acxxx_rescan_work);
	INIT_DELAYED_WORK(&hba->repost_work, acxxx_repost_work);
	INIT_WORK(&hba->drain_work, acxxx_drain_work);
	INIT_WORK(&hba->recover_work, acxxx_recover_work);
	INIT_DELAYED_WORK(&hba->pause_work, acxxx_pause_work);
	INIT_DELAYED_WORK(&hba->health_work, acxxx_health_work);
	atomic_set(&hba->stat_bad_replies, 0);
	atomic_set(&hba->ireq_lost, 0);

	shost->max_channel = 0;
	shost->max_id = ACXXX_MAX_LUNS + 1;
	shost->max_lun = 1;
	shost->this_id = -1;
	/* READ(16) and WRITE(16): volumes beyond 2 TiB. */
	shost->max_cmd_len = ACXXX_MAX_CDB;
	shost->unique_id = (pdev->bus->number << 8) | pdev->devfn;
	shost->can_queue = ACXXX_DEFAULT_SLOTS - ACXXX_FIRST_IO_SLOT;
	if (hba->stage == ACXXX_STAGE_SINGLE) {
		shost->can_queue = 1;
		shost->cmd_per_lun = 1;
	}
}

static int acxxx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct Scsi_Host *shost;
	struct acxxx_hba *hba;
	int ret;

	shost = scsi_host_alloc(&acxxx_sht, sizeof(*hba));
	if (!shost)
		return -ENOMEM;
	hba = shost_to_hba(shost);
	acxxx_hba_init(hba, shost, pdev, id->driver_data);
	pci_set_drvdata(pdev, hba);

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto out_put;
	pci_save_state(pdev);

	/* The interrupt handler may queue work as soon as it is hooked. */
	ret = -ENOMEM;
	hba->wq = alloc_ordered_workqueue("%s_%d", WQ_MEM_RECLAIM, ACXXX_NAME,
					  shost->host_no);
	if (!hba->wq)
		goto out_disable;
	hba->aux_wq = alloc_workqueue("%s_aux_%d", WQ_MEM_RECLAIM | WQ_UNBOUND,
				      0, ACXXX_NAME, shost->host_no);
	if (!hba->aux_wq)
		goto out_wq;

	if (hba->stage != ACXXX_STAGE_NULL) {
		pci_set_master(pdev);
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
		if (ret)
			ret = dma_set_mask_and_coherent(&pdev->dev,
							DMA_BIT_MASK(32));
		if (ret)
			goto out_aux_wq;
		ret = acxxx_map_regs(hba);
		if (ret)
			goto out_aux_wq;
		ret = acxxx_alloc_ctl(hba);
		if (ret)
			goto out_unmap;
		/*
		 * Quiet the device before hooking the interrupt: a reply left
		 * from an earlier driver must not hit an unhandled line.
		 */
		acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
		ret = acxxx_setup_irq(hba);
		if (ret)
			goto out_free_ctl;
	}

	ret = scsi_add_host(shost, &pdev->dev);
	if (ret)
		goto out_irq;

	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_bringup_begin(hba, 0);
	else
		queue_delayed_work(hba->wq, &hba->bringup_work, 0);
	scsi_scan_host(shost);
	return 0;

out_irq:
	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_free_irq(hba);
out_free_ctl:
	if (hba->ctl_mem)
		dma_free_coherent(&pdev->dev, hba->ctl_size, hba->ctl_mem,
				  hba->ctl_dma);
out_unmap:
	if (hba->regs)
		acxxx_unmap_regs(hba);
out_aux_wq:
	destroy_workqueue(hba->aux_wq);
out_wq:
	destroy_workqueue(hba->wq);
out_disable:
	pci_disable_device(pdev);
out_put:
	scsi_host_put(shost);
	return ret;
}

/*
 * Leave the controller quiet and holding nothing of ours: flush every
 * volume, turn events off, mask interrupts, and re-init the message
 * interface so the firmware forgets our reply frames before the memory
 * they live in is freed (16.11, 16.19).  Takes scan_mutex and reset_mutex.
 */
static void acxxx_stop_controller(struct acxxx_hba *hba)
{
	unsigned long flags;
	bool running;

	if (hba->stage == ACXXX_STAGE_NULL)
		return;
	mutex_lock(&hba->scan_mutex);
	mutex_lock(&hba->reset_mutex);
	spin_lock_irqsave(&hba->lock, flags);
	running = hba->state == ACXXX_ST_RUNNING && !hba->paused;
	spin_unlock_irqrestore(&hba->lock, flags);

	if (running && acxxx_present(hba)) {
		acxxx_sync_all(hba);
		if (hba->events_on && acxxx_event_switch(hba, false))
			dev_warn(&hba->pdev->dev, "event switch off failed\n");
	}

	spin_lock_irqsave(&hba->lock, flags);
	if (hba->state != ACXXX_ST_OFFLINE)
		acxxx_set_state(hba, ACXXX_ST_REMOVING);
	if (acxxx_present(hba)) {
		acxxx_writel(hba, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
		if (hba->dialect == ACXXX_DIALECT_341)
			acxxx_writel(hba, ACXXX_REG_HOST_MSG0, hba->ctl.hi);
		else
			acxxx_writel(hba, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	}
	spin_unlock_irqrestore(&hba->lock, flags);
	synchronize_irq(hba->irq);
	acxxx_release_all(hba);
	mutex_unlock(&hba->reset_mutex);
	mutex_unlock(&hba->scan_mutex);
}

/* No new work from here on; what is queued or running is waited for. */
static void acxxx_stop_work(struct acxxx_hba *hba)
{
	unsigned long flags;

	spin_lock_irqsave(&hba->lock, flags);
	WRITE_ONCE(hba->removing, true);
	spin_unlock_irqrestore(&hba->lock, flags);
	cancel_delayed_work_sync(&hba->bringup_work);
	complete_all(&hba->ready);
	cancel_work_sync(&hba->rescan_work);
	cancel_delayed_work_sync(&hba->health_work);
	cancel_work_sync(&hba->recover_work);
}

/* After acxxx_stop_controller(): the works it still needed. */
static void acxxx_stop_aux_work(struct acxxx_hba *hba)
{
	cancel_delayed_work_sync(&hba->pause_work);
	cancel_delayed_work_sync(&hba->repost_work);
	cancel_work_sync(&hba->drain_work);
}

static void acxxx_remove(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);
	struct Scsi_Host *shost = hba->shost;

	if (!acxxx_present(hba)) {
		dev_warn(&pdev->dev, "device gone: failing outstanding I/O\n");
		WRITE_ONCE(hba->removing, true);
		acxxx_go_offline(hba, "device removed");
	}
	/*
	 * The pause watch keeps running: a firmware that resumes while the
	 * midlayer flushes the disks gets its flushes.
	 */
	acxxx_stop_work(hba);

	/* The midlayer flushes and removes the disks while I/O still works. */
	scsi_remove_host(shost);

	acxxx_stop_controller(hba);
	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_free_irq(hba);
	acxxx_stop_aux_work(hba);
	destroy_workqueue(hba->wq);
	destroy_workqueue(hba->aux_wq);
	if (hba->stage != ACXXX_STAGE_NULL) {
		pci_clear_master(pdev);
		dma_free_coherent(&pdev->dev, hba->ctl_size, hba->ctl_mem,
				  hba->ctl_dma);
		acxxx_unmap_regs(hba);
	}
	pci_disable_device(pdev);
	scsi_host_put(shost);
}

static void acxxx_shutdown(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);

	acxxx_stop_work(hba);
	acxxx_stop_controller(hba);
	acxxx_stop_aux_work(hba);
	pci_clear_master(pdev);
}

/* ------------------------------------------------------------------ */
/* Power management and PCI error recovery                             */

/*
 * Suspend: flush every volume (its power may go), switch events off and
 * stop.  The midlayer has already quiesced the disks; anything still
 * queued is answered "host busy" until resume.
 */
static int acxxx_suspend(struct device *dev)
{
	struct acxxx_hba *hba = dev_get_drvdata(dev);

	if (hba->stage == ACXXX_STAGE_NULL)
		return 0;
	if (!wait_for_completion_timeout(&hba->ready, ACXXX_SCAN_TIMEOUT * HZ))
		return -EBUSY;
	cancel_delayed_work_sync(&hba->health_work);
	flush_workqueue(hba->wq);
	cancel_work_sync(&hba->recover_work);

	mutex_lock(&hba->scan_mutex);
	mutex_lock(&hba->reset_mutex);
	if (READ_ONCE(hba->state) == ACXXX_ST_RUNNING && acxxx_present(hba)) {
		acxxx_sync_all(hba);
		if (hba->events_on && acxxx_event_switch(hba, false))
			dev_warn(dev, "event switch off failed\n");
	}
	if (!acxxx_quiesce(hba))
		acxxx_release_all(hba);
	mutex_unlock(&hba->reset_mutex);
	mutex_unlock(&hba->scan_mutex);
	cancel_delayed_work_sync(&hba->pause_work);
	return 0;
}

/* Resume: the firmware may have lost everything: a full bring-up. */
static int acxxx_resume(struct device *dev)
{
	struct acxxx_hba *hba = dev_get_drvdata(dev);
	int ret;

	if (hba->stage == ACXXX_STAGE_NULL)
		return 0;
	mutex_lock(&hba->reset_mutex);
	if (READ_ONCE(hba->state) == ACXXX_ST_RESETTING) {
		pci_set_master(to_pci_dev(dev));
		ret = acxxx_restart(hba, false);
		if (ret) {
			dev_err(dev, "controller did not come back: %pe\n",
				ERR_PTR(ret));
			acxxx_go_offline(hba, "resume failed");
		} else {
			acxxx_health_later(hba);
		}
	}
	mutex_unlock(&hba->reset_mutex);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(acxxx_pm_ops, acxxx_suspend, acxxx_resume);

static pci_ers_result_t acxxx_error_detected(struct pci_dev *pdev,
					     pci_channel_state_t state)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);
	unsigned long flags;

	dev_warn(&pdev->dev, "PCI error detected, channel state %d\n", state);
	if (hba->stage == ACXXX_STAGE_NULL)
		return state == pci_channel_io_perm_failure ?
		       PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_NEED_RESET;
	switch (state) {
	case pci_channel_io_normal:
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_perm_failure:
		acxxx_go_offline(hba, "permanent PCI failure");
		return PCI_ERS_RESULT_DISCONNECT;
	default:
		break;
	}
	/*
	 * Frozen: registers are unreachable until the slot reset.  A bring-up
	 * in progress stops at its next step and starts over on resume.
	 */
	WRITE_ONCE(hba->pci_error, true);
	spin_lock_irqsave(&hba->lock, flags);
	if (hba->state == ACXXX_ST_RUNNING)
		acxxx_set_state(hba, ACXXX_ST_RESETTING);
	spin_unlock_irqrestore(&hba->lock, flags);
	synchronize_irq(hba->irq);
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t acxxx_slot_reset(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);

	pci_restore_state(pdev);
	if (pci_enable_device_mem(pdev)) {
		dev_err(&pdev->dev, "cannot re-enable the device after reset\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	if (hba->stage != ACXXX_STAGE_NULL)
		pci_set_master(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static void acxxx_error_resume(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);
	int ret;

	if (hba->stage == ACXXX_STAGE_NULL)
		return;
	/*
	 * A handshake cut by the slot reset cannot go on: the firmware
	 * restarted under it.  Stop the bring-up while the error still
	 * stands (a step that runs meanwhile returns without re-queueing),
	 * then start it over below.
	 */
	cancel_delayed_work_sync(&hba->bringup_work);
	WRITE_ONCE(hba->pci_error, false);
	wake_up_all(&hba->waitq);
	mutex_lock(&hba->reset_mutex);
	if (READ_ONCE(hba->state) == ACXXX_ST_INIT &&
	    !completion_done(&hba->ready) && !READ_ONCE(hba->removing)) {
		dev_info(&pdev->dev, "PCI error recovered: bring-up again\n");
		hba->init_tries = 0;
		acxxx_bringup_begin(hba, 0);
	} else if (READ_ONCE(hba->state) == ACXXX_ST_RESETTING) {
		ret = acxxx_restart(hba, true);
		if (ret)
			acxxx_go_offline(hba, "no controller after PCI error recovery");
		else
			dev_info(&pdev->dev,
				 "PCI error recovered: controller re-initialised\n");
	}
	mutex_unlock(&hba->reset_mutex);
	if (READ_ONCE(hba->state) == ACXXX_ST_RUNNING &&
	    !READ_ONCE(hba->removing))
		mod_delayed_work(hba->aux_wq, &hba->health_work,
				 msecs_to_jiffies(ACXXX_HEALTH_MS));
}

static const struct pci_error_handlers acxxx_err_handlers = {
	.error_detected = acxxx_error_detected,
	.slot_reset = acxxx_slot_reset,
	.resume = acxxx_error_resume,
};

#define ACXXX_ID(dev, dialect)					\
	{ PCI_DEVICE(ACXXX_PCI_VENDOR, ACXXX_PCI_DEV_##dev),		\
	  .driver_data = ACXXX_DIALECT_##dialect }

static const struct pci_device_id acxxx_pci_ids[] = {
	ACXXX_ID(6101, 341),
	ACXXX_ID(6201, 341),
	ACXXX_ID(6232, 2208),
	ACXXX_ID(6233, 2208),
	ACXXX_ID(6235, 2208),
	ACXXX_ID(6300, 2208),
	ACXXX_ID(6240, 3108),
	ACXXX_ID(6262, 3108),
	{ }
};
MODULE_DEVICE_TABLE(pci, acxxx_pci_ids);

static struct pci_driver acxxx_pci_driver = {
	.name = ACXXX_NAME,
	.id_table = acxxx_pci_ids,
	.probe = acxxx_probe,
	.remove = acxxx_remove,
	.shutdown = acxxx_shutdown,
	.err_handler = &acxxx_err_handlers,
	.driver.pm = pm_sleep_ptr(&acxxx_pm_ops),
};

static int __init acxxx_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(acxxx_stage_names); i++)
		if (sysfs_streq(stage, acxxx_stage_names[i]))
			break;
	if (i == ARRAY_SIZE(acxxx_stage_names)) {
		pr_err("unknown stage \"%s\": use null, single or full\n", stage);
		return -EINVAL;
	}
	acxxx_stage = i;
	return pci_register_driver(&acxxx_pci_driver);
}

static void __exit acxxx_exit(void)
{
	pci_unregister_driver(&acxxx_pci_driver);
}

module_init(acxxx_init);
module_exit(acxxx_exit);

MODULE_DESCRIPTION("Accusys DAS RAID host bus adapter driver");
MODULE_AUTHOR("acxxx developers");
MODULE_LICENSE("GPL");
