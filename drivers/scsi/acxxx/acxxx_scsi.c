// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: the SCSI host: queuecommand, completion, error handling, scanning
 * and reconciliation of the firmware's LUN map with the midlayer's devices.
 *
 * Volume i (LUN index 0..63) is channel 0, target i + 1, LUN 0 (16.4).
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_proto.h>

#include "acxxx.h"

/* Page 0 reads a rescan tries (busy or slow firmware), and their interval. */
#define ACXXX_RESCAN_TRIES	5
#define ACXXX_RESCAN_RETRY_MS	500

static u8 acxxx_dir(struct scsi_cmnd *scmd)
{
	switch (scmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		return ACXXX_CTL_DIR_WRITE;
	case DMA_FROM_DEVICE:
		return ACXXX_CTL_DIR_READ;
	default:
		return ACXXX_CTL_DIR_NONE;
	}
}

/* The host byte of each host-side result of the core's verdict. */
static const u8 acxxx_host_byte[] = {
	[ACXXX_HOST_OK] = DID_OK,
	[ACXXX_HOST_ERROR] = DID_ERROR,
	[ACXXX_HOST_NO_CONNECT] = DID_NO_CONNECT,
	[ACXXX_HOST_RETRY] = DID_SOFT_ERROR,
	[ACXXX_HOST_RESET] = DID_RESET,
	[ACXXX_HOST_BAD_TARGET] = DID_BAD_TARGET,
};

/**
 * acxxx_set_result() - turn a decoded completion into a midlayer result
 * @scmd: the command
 * @cpl: how it completed
 *
 * The core's verdict (acxxx_scsi_verdict()) decides; this only translates
 * it to a host byte or a SAM status (with sense data the core asks for when
 * the firmware refused the command without any) and a residual.
 *
 * Context: any; the caller owns @scmd (it is no longer outstanding).
 * Return: true if the driver or the firmware failed the command (a host
 * byte other than DID_OK, or a status the firmware refused it with); a
 * SCSI status the volume answered, CHECK CONDITION included, is false.
 */
bool acxxx_set_result(struct scsi_cmnd *scmd, const struct acxxx_cpl *cpl)
{
	struct acxxx_verdict v;

	acxxx_scsi_verdict(cpl, &v);
	scmd->result = 0;
	if (v.rejected)
		dev_warn_ratelimited(&scmd->device->sdev_gendev,
				     "firmware rejected the command: reply status 0x%02x\n",
				     cpl->reply_status);
	else if (v.undefined)
		dev_warn_ratelimited(&scmd->device->sdev_gendev,
				     "undefined reply status 0x%02x\n",
				     cpl->reply_status);
	if (v.build_sense)
		scsi_build_sense(scmd, 0, v.sense_key, v.asc, v.ascq);
	else if (v.host == ACXXX_HOST_OK)
		set_status_byte(scmd, v.sam_status);
	else
		set_host_byte(scmd, v.host < ARRAY_SIZE(acxxx_host_byte) ?
				    acxxx_host_byte[v.host] : DID_ERROR);
	scsi_set_resid(scmd, min_t(u32, v.residual, scsi_bufflen(scmd)));
	return v.host != ACXXX_HOST_OK || v.rejected || v.undefined;
}

/**
 * acxxx_scsi_done() - hand a command the firmware completed back
 * @scmd: the command, its result and sense data set (acxxx_set_result())
 *
 * Unmaps the data before the midlayer sees the command.
 *
 * Context: no driver lock held: scsi_done may run the next queuecommand.
 */
void acxxx_scsi_done(struct scsi_cmnd *scmd)
{
	scsi_dma_unmap(scmd);
	scsi_done(scmd);
}

/**
 * acxxx_finish_scsi() - hand back a command the firmware no longer holds
 * @scmd: the command
 * @host_byte: DID_* result
 */
void acxxx_finish_scsi(struct scsi_cmnd *scmd, int host_byte)
{
	scsi_dma_unmap(scmd);
	scmd->result = 0;
	set_host_byte(scmd, host_byte);
	scsi_done(scmd);
}

/* The null stage: the core's null responder answers, no hardware I/O. */
static acxxx_qc_ret acxxx_queue_null(struct acxxx_hba *hba,
				     struct scsi_cmnd *scmd, int lun)
{
	unsigned long flags;
	struct acxxx_cpl cpl;
	bool failed;
	u8 buf[96];
	u32 n;

	if (acxxx_null_exec(lun, scmd->cmnd, scmd->cmd_len, scsi_bufflen(scmd),
			    buf, sizeof(buf), &cpl, scmd->sense_buffer,
			    SCSI_SENSE_BUFFERSIZE)) {
		set_host_byte(scmd, DID_ERROR);
		scsi_done(scmd);
		return 0;
	}
	n = cpl.data_len - cpl.residual;
	if (scmd->sc_data_direction == DMA_FROM_DEVICE && n)
		scsi_sg_copy_from_buffer(scmd, buf, min_t(u32, n, sizeof(buf)));
	failed = acxxx_set_result(scmd, &cpl);
	acxxx_lock(hba, flags);
	hba->stats.commands++;
	if (failed)
		hba->stats.errors++;
	acxxx_unlock(hba, flags);
	scsi_done(scmd);
	return 0;
}

static acxxx_qc_ret acxxx_queuecommand(struct Scsi_Host *shost,
				       struct scsi_cmnd *scmd)
{
	struct acxxx_hba *hba = shost_to_hba(shost);
	int lun = acxxx_sdev_lun(scmd->device);
	int nseg, ret;

	if (lun < 0) {
		/* Target 0 and anything past 64: nothing is there. */
		set_host_byte(scmd, DID_BAD_TARGET);
		scsi_done(scmd);
		return 0;
	}
	if (hba->stage == ACXXX_STAGE_NULL)
		return acxxx_queue_null(hba, scmd, lun);

	nseg = scsi_dma_map(scmd);
	if (nseg < 0)
		return SCSI_MLQUEUE_HOST_BUSY;
	ret = acxxx_post_scsi(hba, scmd, nseg, lun, acxxx_dir(scmd));
	if (!ret)
		return 0;
	scsi_dma_unmap(scmd);
	if (ret == -EBUSY)
		return SCSI_MLQUEUE_HOST_BUSY;
	if (ret == -ENODEV) {
		set_host_byte(scmd, DID_NO_CONNECT);
	} else {
		scmd_printk(KERN_WARNING, scmd, "cannot encode command: %pe\n",
			    ERR_PTR(ret));
		set_host_byte(scmd, DID_ERROR);
	}
	scsi_done(scmd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Error handling                                                      */

/* Note firmware without task management (16.16): escalate instead. */
static void acxxx_tmf_unsupported(struct acxxx_hba *hba)
{
	if (!hba->no_tmf)
		dev_warn(&hba->pdev->dev,
			 "firmware has no task management: errors need a host reset\n");
	hba->no_tmf = true;
}

static int acxxx_eh_abort(struct scsi_cmnd *scmd)
{
	struct acxxx_hba *hba = shost_to_hba(scmd->device->host);
	int lun = acxxx_sdev_lun(scmd->device);
	struct acxxx_cpl cpl;
	int ret;

	/* The midlayer aborts only the commands it timed out. */
	atomic64_inc(&hba->stats.timeouts);
	if (!acxxx_outstanding(hba, scmd)) {
		/* Completed meanwhile: let its hand-back finish first. */
		acxxx_wait_handback(hba, scmd, NULL);
		return SUCCESS;
	}
	if (lun < 0 || hba->stage == ACXXX_STAGE_NULL || hba->no_tmf)
		return FAILED;

	ret = acxxx_tmf(hba, ACXXX_TMF_ABORT_TASK, lun, acxxx_cmd_slot(scmd),
			&cpl);
	switch (acxxx_tmf_verdict(ret, ret ? NULL : &cpl, ACXXX_TMF_ABORT_TASK,
				  acxxx_outstanding(hba, scmd))) {
	case ACXXX_TMF_RES_DONE:
		/*
		 * Terminated: it will never complete, its slot comes back.
		 * Unless its own reply was consumed since the check above.
		 */
		if (acxxx_abort_slot(hba, scmd, true)) {
			scsi_dma_unmap(scmd);
			return SUCCESS;
		}
		fallthrough;
	case ACXXX_TMF_RES_COMPLETED:
		acxxx_wait_handback(hba, scmd, NULL);
		return SUCCESS;
	case ACXXX_TMF_RES_UNSUPPORTED:
		acxxx_tmf_unsupported(hba);
		return FAILED;
	default:
		/* The firmware may still be working on it: escalate. */
		return FAILED;
	}
}

/* LUN or target reset: every command of the volume was terminated. */
static int acxxx_eh_reset_volume(struct scsi_cmnd *scmd, u8 type)
{
	struct scsi_device *sdev = scmd->device;
	struct acxxx_hba *hba = shost_to_hba(sdev->host);
	int lun = acxxx_sdev_lun(sdev);
	struct acxxx_cpl cpl;
	int ret;

	if (lun < 0 || hba->stage == ACXXX_STAGE_NULL || hba->no_tmf)
		return FAILED;
	ret = acxxx_tmf(hba, type, lun, 0, &cpl);
	switch (acxxx_tmf_verdict(ret, ret ? NULL : &cpl, type, false)) {
	case ACXXX_TMF_RES_DONE:
		break;
	case ACXXX_TMF_RES_UNSUPPORTED:
		acxxx_tmf_unsupported(hba);
		return FAILED;
	default:
		return FAILED;
	}
	acxxx_release_volume(hba, sdev);
	sdev_printk(KERN_INFO, sdev, "%s reset done, %u commands terminated\n",
		    type == ACXXX_TMF_LUN_RESET ? "LUN" : "target",
		    cpl.tmf_terminated);
	return SUCCESS;
}

static int acxxx_eh_device_reset(struct scsi_cmnd *scmd)
{
	return acxxx_eh_reset_volume(scmd, ACXXX_TMF_LUN_RESET);
}

static int acxxx_eh_target_reset(struct scsi_cmnd *scmd)
{
	return acxxx_eh_reset_volume(scmd, ACXXX_TMF_TARGET_RESET);
}

static int acxxx_eh_host_reset(struct scsi_cmnd *scmd)
{
	struct acxxx_hba *hba = shost_to_hba(scmd->device->host);

	return acxxx_reinit(hba, "host reset") ? FAILED : SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Scanning                                                            */

static int acxxx_scan_finished(struct Scsi_Host *shost, unsigned long time)
{
	struct acxxx_hba *hba = shost_to_hba(shost);

	if (completion_done(&hba->ready))
		return 1;
	if (time >= ACXXX_SCAN_TIMEOUT * HZ) {
		dev_warn(&hba->pdev->dev,
			 "controller bring-up still running after %d s: not waiting\n",
			 ACXXX_SCAN_TIMEOUT);
		return 1;
	}
	return 0;
}

/**
 * acxxx_reconcile() - make the midlayer's volumes match a page 0
 * @hba: adapter
 * @id: the page just read from the firmware
 * @notify: send a uevent for each volume added or removed (a rescan, not
 *	the bring-up's first look)
 *
 * The identity strings are refreshed.  Volumes that went away are
 * removed, new ones added, and a volume whose map value changed is
 * removed and added again (16.18).  A volume whose addition failed stays
 * marked absent, so the next reconciliation tries again.
 *
 * Context: process context; takes hba->scan_mutex.
 * Return: the number of LUN indices that changed.
 */
int acxxx_reconcile(struct acxxx_hba *hba, const struct acxxx_ident *id,
		    bool notify)
{
	const u16 *new_map = id->lun_map;
	struct Scsi_Host *shost = hba->shost;
	struct scsi_device *sdev;
	struct acxxx_lun_diff d;
	unsigned int i, n;
	int ret;

	mutex_lock(&hba->scan_mutex);
	memcpy(hba->ident.product_id, id->product_id, sizeof(id->product_id));
	memcpy(hba->ident.model, id->model, sizeof(id->model));
	memcpy(hba->ident.serial, id->serial, sizeof(id->serial));
	memcpy(hba->ident.fw_version, id->fw_version, sizeof(id->fw_version));
	memcpy(hba->ident.vendor, id->vendor, sizeof(id->vendor));
	n = acxxx_lun_diff(hba->lun_map, new_map, &d);
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		if (!(d.remove & BIT_ULL(i)))
			continue;
		sdev = scsi_device_lookup(shost, 0, i + 1, 0);
		if (sdev) {
			sdev_printk(KERN_INFO, sdev, "volume %u removed\n", i);
			scsi_remove_device(sdev);
			scsi_device_put(sdev);
		}
		if (notify && !(d.add & BIT_ULL(i)))
			acxxx_lun_uevent(hba, i, false);
	}
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		hba->lun_map[i] = new_map[i];
		if (!(d.add & BIT_ULL(i)))
			continue;
		ret = scsi_add_device(shost, 0, i + 1, 0);
		if (ret) {
			dev_warn(&hba->pdev->dev, "cannot add volume %u: %pe\n",
				 i, ERR_PTR(ret));
			hba->lun_map[i] = ACXXX_LUN_ABSENT;
			/* A changed volume was removed above, unannounced. */
			if (notify && (d.remove & BIT_ULL(i)))
				acxxx_lun_uevent(hba, i, false);
		} else if (notify) {
			acxxx_lun_uevent(hba, i, true);
		}
	}
	mutex_unlock(&hba->scan_mutex);
	return n;
}

/**
 * acxxx_rescan_work() - re-read the LUN map and reconcile (event 0x14)
 * @work: hba->rescan_work
 *
 * Events that arrive while this runs queue it once more, so none is lost.
 */
void acxxx_rescan_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(work, struct acxxx_hba,
					     rescan_work);
	struct acxxx_ident *id;
	int ret, tries;

	if (READ_ONCE(hba->state) != ACXXX_ST_LIVE)
		return;
	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return;
	/* A busy or slow firmware gets a few chances: an event is never lost. */
	for (tries = 0; tries < ACXXX_RESCAN_TRIES; tries++) {
		ret = acxxx_read_page0(hba, id);
		if (ret != -EBUSY && ret != -ETIMEDOUT && ret != -EIO)
			break;
		if (READ_ONCE(hba->state) != ACXXX_ST_LIVE)
			break;
		msleep(ACXXX_RESCAN_RETRY_MS);
	}
	if (ret)
		dev_warn(&hba->pdev->dev, "cannot read the LUN map: %pe\n",
			 ERR_PTR(ret));
	else
		acxxx_reconcile(hba, id, true);
	kfree(id);
}

ACXXX_SHT_CONST struct scsi_host_template acxxx_sht = {
	.module = THIS_MODULE,
	.name = "Accusys DAS RAID HBA",
	.proc_name = ACXXX_NAME,
	.queuecommand = acxxx_queuecommand,
	.eh_abort_handler = acxxx_eh_abort,
	.eh_device_reset_handler = acxxx_eh_device_reset,
	.eh_target_reset_handler = acxxx_eh_target_reset,
	.eh_host_reset_handler = acxxx_eh_host_reset,
	.scan_finished = acxxx_scan_finished,
	.change_queue_depth = scsi_change_queue_depth,
	.can_queue = ACXXX_DEFAULT_SLOTS - ACXXX_FIRST_IO_SLOT,
	.this_id = -1,
	.sg_tablesize = ACXXX_MAX_SGE,
	.max_sectors = 1024,
	.max_segment_size = ACXXX_SGE_LEN_MASK,
	.cmd_per_lun = 64,
	.track_queue_depth = 1,
	.no_write_same = 1,
	.shost_groups = acxxx_host_groups,
};
