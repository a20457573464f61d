// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the control API (layer 2 of emu/README.md): creation and
 * destruction, identity, volumes, medium errors, firmware events
 * (notifications, hang, power loss, function reset, readiness), statistics.
 * It calls the register seam, the engine and every layer below; nothing
 * calls it but the program, the text control protocol and the tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

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

void acxemu_set_timing(struct acxemu *emu, const struct acxemu_timing *t)
{
	pthread_mutex_lock(&emu->lock);
	emu->timing = *t;
	emu->ready_delay_ms = t->ready_ms;
	pthread_mutex_unlock(&emu->lock);
}

void acxemu_get_timing(struct acxemu *emu, struct acxemu_timing *t)
{
	pthread_mutex_lock(&emu->lock);
	*t = emu->timing;
	t->ready_ms = emu->ready_delay_ms;
	pthread_mutex_unlock(&emu->lock);
}

int acxemu_ones_after_reset(struct acxemu *emu, unsigned int reads)
{
	if (reads > 1000)
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	emu->ones_after_reset = reads;
	pthread_mutex_unlock(&emu->lock);
	return 0;
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
	v->registrations = emu->registrations;
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
	if (cfg->timing) {
		emu->timing = *cfg->timing;
		emu->ready_delay_ms = cfg->timing->ready_ms;
	}
	emu->timing_seed = cfg->seed ^ 0x7431u;
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
	list_init(&emu->timed);
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
	for (n = emu->timed.next; n != &emu->timed; n = next) {
		next = n->next;
		req_cancel_locked(emu, container_of(n, struct emu_req, q));
	}
	pthread_mutex_unlock(&emu->lock);
	emu_free(emu);
}
