// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: the management interface and the firmware event log.
 *
 * Each adapter has a bsg node, /dev/bsg/acxxx<host_no>, whose device is a
 * child of the PCI function; its ABI is include/uapi/scsi/scsi_bsg_acxxx.h
 * (controller info, management page reads, management CDB pass-through,
 * the event log).  Every field a request carries is checked here before
 * anything reaches the controller; management requests then go through
 * acxxx_mgmt_exec() (acxxx_ctrl.c), on the driver's one management slot.
 *
 * The event log keeps the last ACXXX_BSG_EVENT_LOG firmware events with a
 * sequence number and the time they arrived.  The event work logs each in
 * words and sends it as a uevent on the SCSI host (class scsi_host).
 */
#include <linux/blk-mq.h>
#include <linux/bsg-lib.h>
#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <kunit/visibility.h>
#include <scsi/scsi_host.h>

#include "acxxx.h"

/* The longest wait a request may ask for (the header's limit), ms. */
#define ACXXX_BSG_MAX_TIMEOUT_MS	300000

static_assert(sizeof(struct acxxx_bsg_request) == 96);
static_assert(sizeof(struct acxxx_bsg_reply) == 48);
static_assert(sizeof(struct acxxx_bsg_info) == 520);
static_assert(sizeof(struct acxxx_bsg_event) == 56);
static_assert(ACXXX_BSG_CDB_LEN == ACXXX_MGMT_CDB_LEN);
static_assert(ACXXX_BSG_MAX_DATA == ACXXX_MGMT_BUF_SIZE);
static_assert(ACXXX_BSG_PAGE_LEN == ACXXX_PAGE_SIZE);
static_assert(ACXXX_BSG_EVENT_DATA_LEN == ACXXX_EVENT_RECORD_LEN);
static_assert(ACXXX_BSG_MAX_LUNS == ACXXX_MAX_LUNS);
static_assert(ACXXX_BSG_EVENT_LUN_CHANGE == ACXXX_EVT_LUN_CHANGE);

/* ------------------------------------------------------------------ */
/* The event log                                                       */

/**
 * acxxx_evlog_window() - which logged events a reader gets
 * @last: sequence number of the newest event (0: none yet)
 * @since: the reader wants events after this one
 * @max: at most this many
 * @first: sequence number of the first event to return
 * @n: how many to return, @first onwards
 * @lost: events after @since the log no longer holds
 *
 * The log holds the events numbered from @last - ACXXX_BSG_EVENT_LOG + 1
 * (or 1) to @last.  A reader at or beyond @last (one from before the
 * driver was bound again, say) gets nothing and has lost nothing.
 */
void acxxx_evlog_window(u64 last, u64 since, u32 max, u64 *first, u32 *n,
			u64 *lost)
{
	u64 oldest = last > ACXXX_BSG_EVENT_LOG ?
		     last - ACXXX_BSG_EVENT_LOG + 1 : 1;
	u64 start;

	*first = last + 1;
	*n = 0;
	*lost = 0;
	if (since >= last)
		return;
	start = max_t(u64, since + 1, oldest);
	*first = start;
	*lost = start - (since + 1);
	*n = min_t(u64, last - start + 1, max);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_evlog_window);

/**
 * acxxx_event_log() - keep a firmware event in the event log
 * @hba: adapter
 * @cpl: the decoded event
 *
 * Context: any; takes hba->ev_lock.
 */
void acxxx_event_log(struct acxxx_hba *hba, const struct acxxx_cpl *cpl)
{
	u64 now = ktime_get_real_ns();
	struct acxxx_bsg_event *e;
	unsigned long flags;

	atomic64_inc(&hba->stats.events);
	spin_lock_irqsave(&hba->ev_lock, flags);
	hba->ev_seq++;
	e = &hba->ev_log[hba->ev_seq % ACXXX_BSG_EVENT_LOG];
	e->seq = hba->ev_seq;
	e->time_ns = now;
	e->code = cpl->event_code;
	e->reserved = 0;
	memcpy(e->data, cpl->event, sizeof(e->data));
	spin_unlock_irqrestore(&hba->ev_lock, flags);
}

static const char *acxxx_event_words(u32 code)
{
	switch (code) {
	case ACXXX_EVT_LUN_CHANGE:
		return "volume configuration changed";
	case ACXXX_EVT_SWITCH_IN_USE:
		return "event switch in use";
	case ACXXX_EVT_SWITCH_DONE:
		return "event switch done";
	case ACXXX_EVT_RAID_ERROR:
		return "RAID error";
	default:
		return "event unknown to the driver";
	}
}

/* Where uevents go: the SCSI host's class device, beside its attributes. */
static struct kobject *acxxx_uevent_kobj(struct acxxx_hba *hba)
{
	return &hba->shost->shost_dev.kobj;
}

static void acxxx_event_uevent(struct acxxx_hba *hba,
			       const struct acxxx_bsg_event *ev)
{
	char code[24], seq[32];
	char *envp[3];

	snprintf(code, sizeof(code), "ACXXX_EVENT=0x%02x", ev->code);
	snprintf(seq, sizeof(seq), "ACXXX_SEQ=%llu", ev->seq);
	envp[0] = code;
	envp[1] = seq;
	envp[2] = NULL;
	kobject_uevent_env(acxxx_uevent_kobj(hba), KOBJ_CHANGE, envp);
}

/**
 * acxxx_lun_uevent() - tell user space a rescan added or removed a volume
 * @hba: adapter
 * @lun: LUN index
 * @present: added (else removed)
 *
 * The firmware's LUN change event (0x14) names no volume; the
 * reconciliation it causes knows which ones changed, and names each.
 *
 * Context: process context.
 */
void acxxx_lun_uevent(struct acxxx_hba *hba, unsigned int lun, bool present)
{
	char code[24], idx[24], what[32];
	char *envp[4];

	snprintf(code, sizeof(code), "ACXXX_EVENT=0x%02x", ACXXX_EVT_LUN_CHANGE);
	snprintf(idx, sizeof(idx), "ACXXX_LUN=%u", lun);
	snprintf(what, sizeof(what), "ACXXX_VOLUME=%s",
		 present ? "added" : "removed");
	envp[0] = code;
	envp[1] = idx;
	envp[2] = what;
	envp[3] = NULL;
	kobject_uevent_env(acxxx_uevent_kobj(hba), KOBJ_CHANGE, envp);
}

/**
 * acxxx_event_work() - log new firmware events in words, send their uevents
 * @work: hba->event_work
 *
 * Events that arrive faster than this runs are still in the log; those
 * the log overwrote first are counted in one line.
 */
void acxxx_event_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(work, struct acxxx_hba,
					     event_work);
	struct acxxx_bsg_event ev;
	unsigned long flags;
	u64 first, lost;
	u32 n;

	for (;;) {
		spin_lock_irqsave(&hba->ev_lock, flags);
		acxxx_evlog_window(hba->ev_seq, hba->ev_told, 1, &first, &n,
				   &lost);
		if (n)
			ev = hba->ev_log[first % ACXXX_BSG_EVENT_LOG];
		spin_unlock_irqrestore(&hba->ev_lock, flags);
		if (lost)
			dev_warn_ratelimited(&hba->pdev->dev,
					     "%llu firmware events came too fast to be logged\n",
					     lost);
		if (!n)
			break;
		hba->ev_told = ev.seq;
		if (ev.code == ACXXX_EVT_RAID_ERROR)
			dev_warn_ratelimited(&hba->pdev->dev,
					     "firmware event %llu: 0x%02x, %s\n",
					     ev.seq, ev.code,
					     acxxx_event_words(ev.code));
		else
			dev_info_ratelimited(&hba->pdev->dev,
					     "firmware event %llu: 0x%02x, %s\n",
					     ev.seq, ev.code,
					     acxxx_event_words(ev.code));
		acxxx_event_uevent(hba, &ev);
	}
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

/* What the handler knows of a job once its shape has been checked. */
struct acxxx_bsg_ctx {
	struct acxxx_hba *hba;
	struct bsg_job *job;
	struct acxxx_bsg_request req;
	struct acxxx_bsg_reply *rep;
	u32 din_len;
	u32 dout_len;
	unsigned int timeout_ms;
};

static void acxxx_bsg_put(struct acxxx_bsg_ctx *c, const void *buf, u32 len)
{
	struct bsg_buffer *p = &c->job->request_payload;

	sg_copy_from_buffer(p->sg_list, p->sg_cnt, (void *)buf, len);
	c->rep->data_len = len;
}

static u32 acxxx_bsg_state(enum acxxx_state st)
{
	switch (st) {
	case ACXXX_ST_LIVE:
		return ACXXX_BSG_STATE_LIVE;
	case ACXXX_ST_PAUSED:
		return ACXXX_BSG_STATE_PAUSED;
	case ACXXX_ST_RESETTING:
		return ACXXX_BSG_STATE_RESETTING;
	case ACXXX_ST_SUSPENDED:
		return ACXXX_BSG_STATE_SUSPENDED;
	case ACXXX_ST_FROZEN:
		return ACXXX_BSG_STATE_FROZEN;
	case ACXXX_ST_DEAD:
		return ACXXX_BSG_STATE_OFFLINE;
	case ACXXX_ST_DELETING:
	case ACXXX_ST_DELETING_PAUSED:
	case ACXXX_ST_DELETING_NOIO:
		return ACXXX_BSG_STATE_REMOVING;
	default:
		return ACXXX_BSG_STATE_STARTING;
	}
}

static u32 acxxx_bsg_family(enum acxxx_dialect d)
{
	switch (d) {
	case ACXXX_DIALECT_341:
		return ACXXX_BSG_FAMILY_341;
	case ACXXX_DIALECT_2208:
		return ACXXX_BSG_FAMILY_2208;
	default:
		return ACXXX_BSG_FAMILY_3108;
	}
}

static void acxxx_info_counters(struct acxxx_hba *hba,
				struct acxxx_bsg_counters *k)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	k->commands = hba->stats.commands;
	k->errors = hba->stats.errors;
	acxxx_unlock(hba, flags);
	k->aborts = atomic64_read(&hba->stats.aborts);
	k->resets = atomic64_read(&hba->stats.resets);
	k->reinits = atomic64_read(&hba->stats.reinits);
	k->events = atomic64_read(&hba->stats.events);
	k->mgmt = atomic64_read(&hba->stats.mgmt);
	k->timeouts = atomic64_read(&hba->stats.timeouts);
}

static int acxxx_bsg_info(struct acxxx_bsg_ctx *c)
{
	struct acxxx_hba *hba = c->hba;
	struct pci_dev *pdev = hba->pdev;
	struct acxxx_bsg_info *info;
	unsigned long flags;
	unsigned int i;

	/* At least the version and size, so an older caller learns ours. */
	if (c->dout_len || c->din_len < offsetofend(struct acxxx_bsg_info, size))
		return -EINVAL;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->version = ACXXX_BSG_VERSION;
	info->size = sizeof(*info);

	mutex_lock(&hba->scan_mutex);
	strscpy(info->product_id, hba->ident.product_id,
		sizeof(info->product_id));
	strscpy(info->model, hba->ident.model, sizeof(info->model));
	strscpy(info->serial, hba->ident.serial, sizeof(info->serial));
	strscpy(info->fw_version, hba->ident.fw_version,
		sizeof(info->fw_version));
	strscpy(info->vendor, hba->ident.vendor, sizeof(info->vendor));
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		info->lun_map[i] = hba->lun_map[i];
		if (hba->lun_map[i] != ACXXX_LUN_ABSENT) {
			info->lun_present |= BIT_ULL(i);
			info->nr_volumes++;
		}
	}
	mutex_unlock(&hba->scan_mutex);

	info->family = acxxx_bsg_family(hba->dialect);
	info->state = acxxx_bsg_state(READ_ONCE(hba->state));
	info->pci_vendor = pdev->vendor;
	info->pci_device = pdev->device;
	info->pci_domain = pci_domain_nr(pdev->bus);
	info->pci_bus = pdev->bus->number;
	info->pci_devfn = pdev->devfn;
	info->host_no = hba->shost->host_no;
	info->can_queue = hba->shost->can_queue;
	info->max_sectors = hba->shost->max_sectors;
	info->stage = hba->stage;
	info->events_on = READ_ONCE(hba->events_on);
	spin_lock_irqsave(&hba->ev_lock, flags);
	info->event_seq = hba->ev_seq;
	spin_unlock_irqrestore(&hba->ev_lock, flags);
	acxxx_info_counters(hba, &info->counters);

	acxxx_bsg_put(c, info, min_t(u32, c->din_len, sizeof(*info)));
	kfree(info);
	return 0;
}

static int acxxx_bsg_events(struct acxxx_bsg_ctx *c)
{
	const u32 esz = sizeof(struct acxxx_bsg_event);
	struct acxxx_hba *hba = c->hba;
	struct acxxx_bsg_event *evs;
	unsigned long flags;
	u64 first, lost;
	u32 i, n;

	if (c->dout_len || c->din_len % esz ||
	    c->din_len > ACXXX_BSG_EVENT_LOG * esz)
		return -EINVAL;
	evs = kcalloc(ACXXX_BSG_EVENT_LOG, esz, GFP_KERNEL);
	if (!evs)
		return -ENOMEM;
	spin_lock_irqsave(&hba->ev_lock, flags);
	acxxx_evlog_window(hba->ev_seq, c->req.since, c->din_len / esz,
			   &first, &n, &lost);
	for (i = 0; i < n; i++)
		evs[i] = hba->ev_log[(first + i) % ACXXX_BSG_EVENT_LOG];
	c->rep->last_seq = hba->ev_seq;
	spin_unlock_irqrestore(&hba->ev_lock, flags);
	c->rep->lost = lost;
	acxxx_bsg_put(c, evs, n * esz);
	kfree(evs);
	return 0;
}

/* A management request on the wire; its data in or out of @buf. */
static int acxxx_bsg_mgmt_run(struct acxxx_bsg_ctx *c, const u8 *cdb, u8 dir,
			      u32 len)
{
	struct bsg_buffer *p = &c->job->request_payload;
	struct acxxx_mgmt_user mu = {
		.cdb = cdb, .dir = dir, .len = len,
		.timeout_ms = c->timeout_ms,
	};
	struct acxxx_cpl cpl;
	int ret;

	mu.buf = kzalloc(max_t(u32, len, 1), GFP_KERNEL);
	if (!mu.buf)
		return -ENOMEM;
	if (dir == ACXXX_CTL_DIR_WRITE &&
	    sg_copy_to_buffer(p->sg_list, p->sg_cnt, mu.buf, len) != len) {
		ret = -EFAULT;
		goto out;
	}
	ret = acxxx_mgmt_exec(c->hba, &mu, &cpl);
	if (ret)
		goto out;
	c->rep->fw_status = cpl.reply_status;
	if (cpl.reply_status != ACXXX_RS_SUCCESS)
		c->rep->fw_error = cpl.mgmt_error;
	else if (dir == ACXXX_CTL_DIR_READ)
		acxxx_bsg_put(c, mu.buf, len);
	else
		c->rep->data_len = len;
out:
	kfree(mu.buf);
	return ret;
}

static int acxxx_bsg_page(struct acxxx_bsg_ctx *c)
{
	u8 cdb[ACXXX_MGMT_CDB_LEN] = {
		ACXXX_MGMT_OP_GET_PAGE, 0x01, (u8)c->req.page,
	};

	if (c->req.page > 255 || c->dout_len || c->din_len != ACXXX_PAGE_SIZE)
		return -EINVAL;
	return acxxx_bsg_mgmt_run(c, cdb, ACXXX_CTL_DIR_READ, ACXXX_PAGE_SIZE);
}

static int acxxx_bsg_mgmt(struct acxxx_bsg_ctx *c)
{
	struct acxxx_mgmt_xfer x;
	u32 in, out;
	int ret;

	ret = acxxx_mgmt_check(c->req.cdb, ACXXX_MGMT_CDB_LEN, c->req.data_len,
			       &x);
	if (ret)
		return -EINVAL;		/* -E2BIG too: a length past the buffer */
	/*
	 * An opcode the driver does not know moves no data.  It is for the
	 * privileged only: the bsg layer asks CAP_SYS_RAWIO of every caller,
	 * in the caller's context.  A check here could not repeat that: this
	 * runs in a kernel worker, whose credentials pass it.
	 */
	in = x.dir == ACXXX_CTL_DIR_READ ? x.len : 0;
	out = x.dir == ACXXX_CTL_DIR_WRITE ? x.len : 0;
	if (x.len != c->req.data_len || c->din_len != in || c->dout_len != out)
		return -EINVAL;
	return acxxx_bsg_mgmt_run(c, c->req.cdb, x.dir, x.len);
}

/* The request's own fields, whatever it asks. */
static int acxxx_bsg_check(struct acxxx_bsg_ctx *c)
{
	struct bsg_job *job = c->job;
	struct request *rq = blk_mq_rq_from_pdu(job);
	u32 len = job->request_payload.payload_len;
	unsigned int i;

	if (job->request_len != sizeof(c->req))
		return -EINVAL;
	memcpy(&c->req, job->request, sizeof(c->req));
	/* din and dout both: bsg makes it a bidirectional job. */
	if (job->bidi_rq || job->reply_payload.payload_len)
		return -EINVAL;
	if (req_op(rq) == REQ_OP_DRV_OUT)
		c->dout_len = len;
	else
		c->din_len = len;
	if (c->req.version != ACXXX_BSG_VERSION || c->req.flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(c->req.reserved); i++)
		if (c->req.reserved[i])
			return -EINVAL;
	if (c->req.timeout_ms > ACXXX_BSG_MAX_TIMEOUT_MS)
		return -EINVAL;
	c->timeout_ms = c->req.timeout_ms ? :
			ACXXX_MGMT_TIMEOUT * MSEC_PER_SEC;
	return 0;
}

/* A job's own data (bsg_job.dd_data): the work item that carries it out. */
struct acxxx_bsg_work {
	struct work_struct work;
	struct bsg_job *job;
};

static void acxxx_bsg_run(struct work_struct *work)
{
	struct bsg_job *job = container_of(work, struct acxxx_bsg_work,
					   work)->job;
	struct acxxx_bsg_ctx c = {
		.hba = dev_get_drvdata(job->dev),
		.job = job,
		.rep = job->reply,
	};
	int ret;

	memset(c.rep, 0, sizeof(*c.rep));
	job->reply_len = sizeof(*c.rep);
	ret = acxxx_bsg_check(&c);
	if (ret)
		goto done;
	switch (c.req.cmd) {
	case ACXXX_BSG_CMD_INFO:
		ret = acxxx_bsg_info(&c);
		break;
	case ACXXX_BSG_CMD_PAGE:
		ret = acxxx_bsg_page(&c);
		break;
	case ACXXX_BSG_CMD_MGMT:
		ret = acxxx_bsg_mgmt(&c);
		break;
	case ACXXX_BSG_CMD_EVENTS:
		ret = acxxx_bsg_events(&c);
		break;
	default:
		ret = -EINVAL;
		break;
	}
done:
	c.rep->version = ACXXX_BSG_VERSION;
	/* The last touch of the job (and of this work item, inside it). */
	bsg_job_done(job, ret, c.rep->data_len);
}

/*
 * The block layer's dispatch (on 6.1 kblockd's one work item per queue)
 * hands the job over; it is carried out in a work item of its own, so a
 * request that waits for the firmware holds up neither the requests
 * queued behind it (INFO and EVENTS answer in every state) nor the
 * dispatch, and the driver's locks are never taken inside the block
 * layer's work.  bsg_remove_queue() waits for the job's completion.
 */
static int acxxx_bsg_job(struct bsg_job *job)
{
	struct acxxx_bsg_work *w = job->dd_data;

	w->job = job;
	INIT_WORK(&w->work, acxxx_bsg_run);
	queue_work(system_long_wq, &w->work);
	return 0;
}

/* The handler always finishes a job itself, within its own timeout. */
static enum blk_eh_timer_return acxxx_bsg_timeout(struct request *rq)
{
	return BLK_EH_RESET_TIMER;
}

/* ------------------------------------------------------------------ */
/* The node                                                            */

static void acxxx_bsg_dev_release(struct device *dev)
{
	put_device(dev->parent);
	kfree(dev);
}

/**
 * acxxx_app_init() - create the adapter's bsg node
 * @hba: adapter whose SCSI host was added
 *
 * The node's device is allocated apart from the adapter: an open sysfs
 * file may keep it past the adapter's life.
 *
 * Return: 0 or a negative error (the adapter works without the node).
 */
int acxxx_app_init(struct acxxx_hba *hba)
{
	struct request_queue *q;
	struct device *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	device_initialize(dev);
	dev->parent = get_device(&hba->pdev->dev);
	dev->release = acxxx_bsg_dev_release;
	dev_set_drvdata(dev, hba);
	ret = dev_set_name(dev, "%s%u", ACXXX_NAME, hba->shost->host_no);
	if (!ret)
		ret = device_add(dev);
	if (ret)
		goto out_put;
	q = acxxx_bsg_setup_queue(dev, dev_name(dev), acxxx_bsg_job,
				  acxxx_bsg_timeout,
				  sizeof(struct acxxx_bsg_work),
				  sizeof(struct acxxx_bsg_reply));
	if (IS_ERR(q)) {
		ret = PTR_ERR(q);
		goto out_del;
	}
	hba->bsg_dev = dev;
	hba->bsg_queue = q;
	return 0;

out_del:
	device_del(dev);
out_put:
	put_device(dev);
	return ret;
}

/**
 * acxxx_app_exit() - remove the adapter's bsg node
 * @hba: adapter
 *
 * Waits for a request in progress (at most its timeout); no request
 * reaches the driver afterwards.
 */
void acxxx_app_exit(struct acxxx_hba *hba)
{
	if (!hba->bsg_queue)
		return;
	bsg_remove_queue(hba->bsg_queue);
	hba->bsg_queue = NULL;
	device_del(hba->bsg_dev);
	put_device(hba->bsg_dev);
	hba->bsg_dev = NULL;
}
