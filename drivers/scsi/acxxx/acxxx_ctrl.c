// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: the controller: its state machine, bring-up, re-init, the health
 * check, pause and resume, requests the driver makes itself, and firmware
 * events.
 *
 * acxxx_change_state() is the one place the state changes, by a table of
 * the transitions allowed; what may happen in a state (post, drain, take
 * the interrupt, queue background work) is read from the state by the
 * predicates beside it, never kept in flags of its own.
 *
 * Bring-up never blocks probe: the bring-up work steps the core's
 * handshake state machine (one step per run, re-queued for the time the
 * core asks for), then posts the reply frames, reads page 0, turns
 * firmware events on and tells the midlayer about the volumes.  The
 * asynchronous SCSI scan waits for that in scan_finished.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_proto.h>

#include "acxxx.h"

/* Start sequences bring-up tries before it takes the controller offline. */
#define ACXXX_BRINGUP_TRIES	3
/* Delay before bring-up's next handshake after a failed start. */
#define ACXXX_BRINGUP_RETRY_DELAY	HZ
/* Interval of the doorbell watch while the firmware paused the host, ms. */
#define ACXXX_PAUSE_POLL_MS	100
/*
 * Handshakes a re-init or resume makes while the registers read all-ones
 * but the device still answers in config space.
 */
#define ACXXX_HANDSHAKE_TRIES	3
/* Reads of SCRATCH1 by the health check while it reads all-ones. */
#define ACXXX_HEALTH_READS	3
/* Their interval, milliseconds. */
#define ACXXX_HEALTH_REREAD_MS	10
/* Internal requests in a row without an answer that start a re-init. */
#define ACXXX_IREQ_LOST_REINITS	3
/* How long an internal request waits for room in the inbound queue (5.7). */
#define ACXXX_ROOM_WAIT_MS	1000
/* Interval of its room reads, microseconds. */
#define ACXXX_ROOM_POLL_US	200

/* ------------------------------------------------------------------ */
/* The state machine                                                   */

#define ST(s)	BIT(ACXXX_ST_##s)	/* a set of states */

/* For each state, the states it may be entered from. */
static const u16 acxxx_state_from[ACXXX_NR_STATES] = {
	[ACXXX_ST_NEW] = 0,
	[ACXXX_ST_CONNECTING] = ST(NEW) | ST(STARTING) | ST(FROZEN),
	[ACXXX_ST_STARTING] = ST(CONNECTING),
	[ACXXX_ST_LIVE] = ST(NEW) | ST(STARTING) | ST(PAUSED) | ST(RESETTING),
	[ACXXX_ST_PAUSED] = ST(LIVE),
	[ACXXX_ST_RESETTING] = ST(LIVE) | ST(PAUSED) | ST(SUSPENDED) |
			       ST(FROZEN),
	[ACXXX_ST_SUSPENDED] = ST(LIVE) | ST(PAUSED),
	[ACXXX_ST_FROZEN] = ST(CONNECTING) | ST(STARTING) | ST(LIVE) |
			    ST(PAUSED) | ST(RESETTING),
	[ACXXX_ST_DEAD] = ST(NEW) | ST(CONNECTING) | ST(STARTING) | ST(LIVE) |
			  ST(PAUSED) | ST(RESETTING) | ST(SUSPENDED) |
			  ST(FROZEN) | ST(DELETING) | ST(DELETING_PAUSED),
	[ACXXX_ST_DELETING] = ST(LIVE) | ST(DELETING_PAUSED),
	[ACXXX_ST_DELETING_PAUSED] = ST(PAUSED) | ST(DELETING),
	[ACXXX_ST_DELETING_NOIO] = ~ST(DELETING_NOIO) &
				   (BIT(ACXXX_NR_STATES) - 1),
};

static const char * const acxxx_state_names[ACXXX_NR_STATES] = {
	[ACXXX_ST_NEW] = "starting",
	[ACXXX_ST_CONNECTING] = "starting",
	[ACXXX_ST_STARTING] = "starting",
	[ACXXX_ST_LIVE] = "running",
	[ACXXX_ST_PAUSED] = "paused",
	[ACXXX_ST_RESETTING] = "resetting",
	[ACXXX_ST_SUSPENDED] = "suspended",
	[ACXXX_ST_FROZEN] = "pci-recovery",
	[ACXXX_ST_DEAD] = "offline",
	[ACXXX_ST_DELETING] = "removing",
	[ACXXX_ST_DELETING_PAUSED] = "removing",
	[ACXXX_ST_DELETING_NOIO] = "removing",
};

/* For the log: the state machine's own names. */
static const char * const acxxx_state_ids[ACXXX_NR_STATES] = {
	[ACXXX_ST_NEW] = "NEW",
	[ACXXX_ST_CONNECTING] = "CONNECTING",
	[ACXXX_ST_STARTING] = "STARTING",
	[ACXXX_ST_LIVE] = "LIVE",
	[ACXXX_ST_PAUSED] = "PAUSED",
	[ACXXX_ST_RESETTING] = "RESETTING",
	[ACXXX_ST_SUSPENDED] = "SUSPENDED",
	[ACXXX_ST_FROZEN] = "FROZEN",
	[ACXXX_ST_DEAD] = "DEAD",
	[ACXXX_ST_DELETING] = "DELETING",
	[ACXXX_ST_DELETING_PAUSED] = "DELETING_PAUSED",
	[ACXXX_ST_DELETING_NOIO] = "DELETING_NOIO",
};

/**
 * acxxx_state_name() - the state as sysfs shows it
 * @st: state
 *
 * Return: "starting", "running", "paused", "resetting", "suspended",
 * "pci-recovery", "offline" or "removing".
 */
const char *acxxx_state_name(enum acxxx_state st)
{
	return st < ACXXX_NR_STATES ? acxxx_state_names[st] : "unknown";
}

/**
 * acxxx_state_allowed() - may the adapter go from one state to another?
 * @old: current state
 * @new: next state
 *
 * Return: true if the transition table holds it (or @old is @new).
 */
bool acxxx_state_allowed(enum acxxx_state old, enum acxxx_state new)
{
	if (old >= ACXXX_NR_STATES || new >= ACXXX_NR_STATES)
		return false;
	return old == new || (acxxx_state_from[new] & BIT(old));
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_state_allowed);

/**
 * acxxx_change_state() - the one place the adapter's state changes
 * @hba: adapter
 * @new: the state to enter
 *
 * A transition the table does not allow is refused and logged; entering
 * the state the adapter is already in is a no-op.
 *
 * Context: hba->lock held.
 * Return: true if the adapter is now in @new.
 */
bool acxxx_change_state(struct acxxx_hba *hba, enum acxxx_state new)
{
	enum acxxx_state old = hba->state;

	lockdep_assert_held(&hba->lock);
	if (old == new)
		return true;
	if (!acxxx_state_allowed(old, new)) {
		dev_warn(&hba->pdev->dev, "state change %s -> %s refused\n",
			 acxxx_state_ids[old],
			 new < ACXXX_NR_STATES ? acxxx_state_ids[new] : "?");
		return false;
	}
	dev_dbg(&hba->pdev->dev, "state %s -> %s\n", acxxx_state_ids[old],
		acxxx_state_ids[new]);
	WRITE_ONCE(hba->state, new);
	return true;
}

/**
 * acxxx_can_submit() - may a SCSI command be posted?
 * @st: state
 *
 * Return: OK while live (and while detaching, for the midlayer's last
 * flushes); FAIL once nothing will change (offline, stopped, or paused
 * while detaching); BUSY otherwise: the midlayer retries.
 */
enum acxxx_submit acxxx_can_submit(enum acxxx_state st)
{
	switch (st) {
	case ACXXX_ST_LIVE:
	case ACXXX_ST_DELETING:
		return ACXXX_SUBMIT_OK;
	case ACXXX_ST_DEAD:
	case ACXXX_ST_DELETING_PAUSED:
	case ACXXX_ST_DELETING_NOIO:
		return ACXXX_SUBMIT_FAIL;
	default:
		return ACXXX_SUBMIT_BUSY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_can_submit);

/**
 * acxxx_can_ireq() - may the driver post a request of its own?
 * @st: state
 *
 * Return: as acxxx_can_submit(), and OK in the start sequence too.
 */
enum acxxx_submit acxxx_can_ireq(enum acxxx_state st)
{
	return st == ACXXX_ST_STARTING ? ACXXX_SUBMIT_OK : acxxx_can_submit(st);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_can_ireq);

/**
 * acxxx_can_manage() - may a management request from user space be sent?
 * @st: state
 *
 * Only a live controller takes them: a management request never competes
 * with a bring-up, a re-init or the last flushes of a detach.
 *
 * Return: OK while live; FAIL once the controller is offline or the
 * driver detaching; BUSY otherwise (starting, paused, resetting,
 * suspended, PCI recovery): the caller retries.
 */
enum acxxx_submit acxxx_can_manage(enum acxxx_state st)
{
	switch (st) {
	case ACXXX_ST_LIVE:
		return ACXXX_SUBMIT_OK;
	case ACXXX_ST_DEAD:
	case ACXXX_ST_DELETING:
	case ACXXX_ST_DELETING_PAUSED:
	case ACXXX_ST_DELETING_NOIO:
		return ACXXX_SUBMIT_FAIL;
	default:
		return ACXXX_SUBMIT_BUSY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_can_manage);

/**
 * acxxx_can_drain() - may replies be consumed and reply frames returned?
 * @st: state
 *
 * Return: true once the message interface is up and not paused.
 */
bool acxxx_can_drain(enum acxxx_state st)
{
	return acxxx_can_ireq(st) == ACXXX_SUBMIT_OK;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_can_drain);

/**
 * acxxx_irq_expected() - is the device's interrupt unmasked for us?
 * @st: state
 *
 * Return: true from the end of a bring-up handshake until the controller
 * is reset, suspended, frozen, failed or stopped.  While paused the
 * interrupt is masked but a late one may still carry "resume".
 */
bool acxxx_irq_expected(enum acxxx_state st)
{
	switch (st) {
	case ACXXX_ST_STARTING:
	case ACXXX_ST_LIVE:
	case ACXXX_ST_PAUSED:
	case ACXXX_ST_DELETING:
	case ACXXX_ST_DELETING_PAUSED:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_irq_expected);

/**
 * acxxx_takes_work() - may background work (rescan, recovery, health
 * check) be queued?
 * @st: state
 *
 * Return: false once the controller is offline or the driver detaching.
 */
bool acxxx_takes_work(enum acxxx_state st)
{
	switch (st) {
	case ACXXX_ST_DEAD:
	case ACXXX_ST_DELETING:
	case ACXXX_ST_DELETING_PAUSED:
	case ACXXX_ST_DELETING_NOIO:
		return false;
	default:
		return true;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_takes_work);

/*
 * Queue background work unless the state forbids it.  Checked and queued
 * under hba->lock, so once detaching has changed the state nobody queues,
 * and what was queued before is cancelled by acxxx_ctrl_stop_work().
 */
static void acxxx_queue_work(struct acxxx_hba *hba,
			     struct workqueue_struct *wq,
			     struct work_struct *work)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	if (acxxx_takes_work(hba->state))
		queue_work(wq, work);
	acxxx_unlock(hba, flags);
}

static void acxxx_queue_delayed(struct acxxx_hba *hba,
				struct delayed_work *dwork, unsigned long delay,
				bool mod)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	if (acxxx_takes_work(hba->state)) {
		if (mod)
			mod_delayed_work(hba->aux_wq, dwork, delay);
		else
			queue_delayed_work(hba->aux_wq, dwork, delay);
	}
	acxxx_unlock(hba, flags);
}

/* The next health check (acxxx_health_work) in ACXXX_HEALTH_MS. */
static void acxxx_health_later(struct acxxx_hba *hba)
{
	acxxx_queue_delayed(hba, &hba->health_work,
			    msecs_to_jiffies(ACXXX_HEALTH_MS), false);
}

/**
 * acxxx_schedule_recovery() - ask for a re-init from process context
 * @hba: adapter
 * @why: for the log
 *
 * The interrupt handler cannot re-initialise the controller itself.
 */
void acxxx_schedule_recovery(struct acxxx_hba *hba, const char *why)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	if (acxxx_takes_work(hba->state)) {
		hba->recover_why = why;
		queue_work(hba->aux_wq, &hba->recover_work);
	}
	acxxx_unlock(hba, flags);
}

/* ------------------------------------------------------------------ */
/* Requests the driver makes itself                                    */

typedef int (*acxxx_ireq_encode_t)(struct acxxx_hba *hba, u16 slot,
				   const void *arg);

/*
 * The firmware kept an internal request past its timeout.  Its slot stays
 * held until a late reply or a re-init; a management or flush request the
 * firmware sits on means it is stuck, so re-initialise it, but only a few
 * times in a row: a firmware that serves I/O and never answers those
 * requests must not have its I/O dropped over and over.  Task management
 * timeouts are the error handler's to escalate.
 */
static void acxxx_ireq_lost(struct acxxx_hba *hba, u16 slot,
			    unsigned int timeout_ms)
{
	static const char * const what[ACXXX_FIRST_IO_SLOT] = {
		[ACXXX_SLOT_MGMT] = "management",
		[ACXXX_SLOT_EVSW] = "event switch",
		[ACXXX_SLOT_TMF] = "abort",
		[ACXXX_SLOT_INTERNAL] = "cache flush",
		[ACXXX_SLOT_RESET] = "reset",
	};

	dev_err(&hba->pdev->dev, "no answer to a %s request in %u ms\n",
		what[slot] ? what[slot] : "driver", timeout_ms);
	if (slot != ACXXX_SLOT_MGMT && slot != ACXXX_SLOT_INTERNAL)
		return;
	if (atomic_inc_return(&hba->ireq_lost) <= ACXXX_IREQ_LOST_REINITS)
		acxxx_schedule_recovery(hba, "internal request timed out");
}

/*
 * Wait for @done for up to @timeout jiffies, in slices: a management
 * request may be given 300 s and suspend waits as long for a bring-up,
 * and one sleep that long would be reported by the hung-task detector
 * (or panic a machine set to).  Slices, where acxxx_reinit() sleeps idle
 * (TASK_IDLE) instead: no kernel from 6.1 on waits for a completion idly
 * with a timeout.  Return: true if @done completed.
 */
static bool acxxx_wait_long(struct completion *done, unsigned long timeout)
{
	unsigned long slice;

	do {
		slice = min(timeout, msecs_to_jiffies(ACXXX_WAIT_SLICE_MS));
		if (wait_for_completion_timeout(done, slice))
			return true;
		timeout -= slice;
	} while (timeout);
	return false;
}

/*
 * One attempt at posting an internal request (see acxxx_ireq_exec()).
 * Return: 0 once posted; -EAGAIN if the inbound queue had no room; or the
 * error of acxxx_ireq_exec().
 */
static int acxxx_ireq_post(struct acxxx_hba *hba, u16 slot,
			   acxxx_ireq_encode_t encode, const void *arg)
{
	unsigned long flags;
	int ret;

	acxxx_lock(hba, flags);
	ret = acxxx_submit_errno(acxxx_can_ireq(hba->state));
	if (!ret && acxxx_slot_active(&hba->ctl, slot))
		ret = -EBUSY;
	/* Room first: a request is encoded (and counted) once. */
	if (!ret && !acxxx_post_room_locked(hba))
		ret = -EAGAIN;
	if (!ret) {
		reinit_completion(&hba->ireq[slot].done);
		ret = encode(hba, slot, arg);
	}
	if (!ret)
		ret = acxxx_post_locked(hba, slot);
	acxxx_unlock(hba, flags);
	return ret;
}

/**
 * acxxx_ireq_exec() - make a request of the driver's own and wait for it
 * @hba: adapter
 * @slot: internal slot; the caller holds its mutex
 * @encode: writes the request into the slot's frame (under hba->lock)
 * @arg: for @encode
 * @timeout_ms: how long to wait for the reply
 * @cpl: the decoded reply
 *
 * A request the firmware does not answer in time is given up: its slot
 * stays held (acxxx_ireq_lost()) until the late reply or the re-init that
 * a lost management or flush request starts; until then the slot's next
 * request gets -EBUSY, so the management buffer is never handed to the
 * firmware twice.
 *
 * The slot must not still be held by the firmware for a request that
 * timed out: that slot comes back with the late reply or with the next
 * re-init, never before.
 *
 * The firmware's inbound queue may be full (a room read of all-ones, 16.7):
 * the request then waits for room, as the protocol says (5.7), up to
 * ACXXX_ROOM_WAIT_MS.  Failing at once would lose what cannot be asked
 * again later, such as the event switch of a start sequence.
 *
 * Return: 0 with @cpl filled (check its reply status); -EBUSY if the
 * state or the slot does not allow it now, or the queue had no room in
 * time; -ENODEV if the adapter is, or went, offline; -ETIMEDOUT; or an
 * error from @encode or the post.
 */
static int acxxx_ireq_exec(struct acxxx_hba *hba, u16 slot,
			   acxxx_ireq_encode_t encode, const void *arg,
			   unsigned int timeout_ms, struct acxxx_cpl *cpl)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ACXXX_ROOM_WAIT_MS);
	struct acxxx_ireq *ir = &hba->ireq[slot];
	int ret;

	lockdep_assert_held(&ir->mutex);
	while ((ret = acxxx_ireq_post(hba, slot, encode, arg)) == -EAGAIN &&
	       time_before(jiffies, deadline))
		usleep_range(ACXXX_ROOM_POLL_US, 2 * ACXXX_ROOM_POLL_US);
	if (ret == -EAGAIN)
		ret = -EBUSY;
	if (ret)
		return ret;

	if (!acxxx_wait_long(&ir->done, msecs_to_jiffies(timeout_ms))) {
		acxxx_ireq_lost(hba, slot, timeout_ms);
		return -ETIMEDOUT;
	}
	*cpl = ir->cpl;
	if (!cpl->kind)
		return -ENODEV;		/* released: the adapter went away */
	if (slot == ACXXX_SLOT_MGMT || slot == ACXXX_SLOT_INTERNAL)
		atomic_set(&hba->ireq_lost, 0);
	if (slot == ACXXX_SLOT_MGMT)
		atomic64_inc(&hba->stats.mgmt);
	return 0;
}

static int acxxx_enc_seq(struct acxxx_hba *hba, u16 slot, const void *arg)
{
	return acxxx_seq_encode(&hba->ctl, arg);
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
	const struct acxxx_seq_io io = {
		.act = ACXXX_ACT_REQUEST, .req = ACXXX_SEQ_PAGE0,
		.slot = ACXXX_SLOT_MGMT,
	};
	struct acxxx_cpl cpl;
	int ret;

	mutex_lock(&ir->mutex);
	ret = acxxx_ireq_exec(hba, ACXXX_SLOT_MGMT, acxxx_enc_seq, &io,
			      ACXXX_MGMT_TIMEOUT * MSEC_PER_SEC, &cpl);
	if (!ret && cpl.reply_status != ACXXX_RS_SUCCESS)
		dev_warn(&hba->pdev->dev,
			 "page 0 read failed: reply status 0x%02x, error 0x%04x\n",
			 cpl.reply_status, cpl.mgmt_error);
	ret = acxxx_page0_result(&hba->ctl, ret, &cpl, id);
	mutex_unlock(&ir->mutex);
	return ret;
}

/*
 * A user's management request, encoded under hba->lock once the slot is
 * known free: only then may the management buffer be written, since a
 * request the firmware kept past its timeout may still move data there.
 */
static int acxxx_enc_user(struct acxxx_hba *hba, u16 slot, const void *arg)
{
	const struct acxxx_mgmt_user *mu = arg;
	int ret;

	lockdep_assert_held(&hba->lock);
	ret = acxxx_submit_errno(acxxx_can_manage(hba->state));
	if (ret)
		return ret;
	ret = acxxx_encode_mgmt(&hba->ctl, slot, mu->cdb, mu->dir, mu->len);
	if (ret)
		return ret;
	/*
	 * A read the firmware answers with fewer bytes than asked must not
	 * hand back what an earlier request left in the buffer.
	 */
	if (mu->dir == ACXXX_CTL_DIR_WRITE)
		memcpy(acxxx_mgmt_buf(&hba->ctl), mu->buf, mu->len);
	else if (mu->dir == ACXXX_CTL_DIR_READ)
		memset(acxxx_mgmt_buf(&hba->ctl), 0, mu->len);
	return 0;
}

/**
 * acxxx_mgmt_exec() - carry out a management request from user space
 * @hba: adapter
 * @mu: the request: CDB, direction and length (already validated against
 *	the opcode table), data, timeout
 * @cpl: the firmware's reply
 *
 * The request takes the same slot, mutex and management buffer as the
 * driver's own page reads, so one management request at most is on the
 * wire (7.1); waiters are served in about the order they came (a mutex
 * hands itself to its first waiter once that waiter has starved), so
 * neither side starves the other.  Data read is copied out of the
 * management buffer while the slot's mutex is still held.
 *
 * Context: process context, may sleep up to @mu->timeout_ms.
 * Return: 0 with @cpl filled (the firmware's reply status may still say
 * it failed); -EBUSY while the controller is not live or the slot is
 * still held by a request the firmware did not answer; -ENODEV once it
 * is offline or detaching; -ETIMEDOUT; -EINTR if killed while waiting
 * for the slot.
 */
int acxxx_mgmt_exec(struct acxxx_hba *hba, const struct acxxx_mgmt_user *mu,
		    struct acxxx_cpl *cpl)
{
	struct acxxx_ireq *ir = &hba->ireq[ACXXX_SLOT_MGMT];
	int ret;

	if (mu->len > ACXXX_MGMT_BUF_SIZE)
		return -EINVAL;
	if (hba->stage == ACXXX_STAGE_NULL)
		return -ENODEV;		/* no hardware behind it */
	if (mutex_lock_killable(&ir->mutex))
		return -EINTR;
	ret = acxxx_ireq_exec(hba, ACXXX_SLOT_MGMT, acxxx_enc_user, mu,
			      mu->timeout_ms, cpl);
	if (!ret && mu->dir == ACXXX_CTL_DIR_READ &&
	    cpl->reply_status == ACXXX_RS_SUCCESS)
		memcpy(mu->buf, acxxx_mgmt_buf(&hba->ctl), mu->len);
	mutex_unlock(&ir->mutex);
	/* Slots released by a re-init: the controller comes back. */
	if (ret == -ENODEV &&
	    acxxx_can_manage(READ_ONCE(hba->state)) != ACXXX_SUBMIT_FAIL)
		ret = -EBUSY;
	return ret;
}

struct acxxx_tmf_arg {
	u8 type;
	u8 lun;
	u16 task_slot;
};

static int acxxx_enc_tmf(struct acxxx_hba *hba, u16 slot, const void *arg)
{
	const struct acxxx_tmf_arg *t = arg;
	int ret;

	ret = acxxx_encode_tmf(&hba->ctl, slot, t->type, t->lun, t->task_slot);
	/* Counted when it goes to the firmware, not when it is refused. */
	if (!ret)
		atomic64_inc(t->type == ACXXX_TMF_ABORT_TASK ?
			     &hba->stats.aborts : &hba->stats.resets);
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
	const struct acxxx_tmf_arg arg = {
		.type = type, .lun = lun, .task_slot = task_slot,
	};
	struct acxxx_ireq *ir = &hba->ireq[slot];
	int ret;

	mutex_lock(&ir->mutex);
	ret = acxxx_ireq_exec(hba, slot, acxxx_enc_tmf, &arg,
			      ACXXX_TMF_TIMEOUT * MSEC_PER_SEC, cpl);
	mutex_unlock(&ir->mutex);
	return ret;
}

static void acxxx_seq_writes(struct acxxx_hba *hba,
			     const struct acxxx_seq_io *io)
{
	unsigned int i;

	for (i = 0; i < io->nr_wr; i++)
		acxxx_writel(hba, io->wr[i].reg, io->wr[i].val);
}

/*
 * Run one of the core's start or stop sequences (acxxx_seq_step()) up to
 * its last step: return the frames, make each request it asks for and
 * wait for the reply, make the writes of the steps in between.  The last
 * step's writes are left in @io for the caller, who may have to make
 * them under hba->lock with a state change.  The mutex of a request's
 * slot is held until the step that judges its reply has run, so nothing
 * else writes the management buffer before page 0 is parsed.
 *
 * Return: 1 when the sequence is done, or the error that ended a start.
 */
static int acxxx_seq_run(struct acxxx_hba *hba, struct acxxx_seq *s,
			 struct acxxx_seq_io *io)
{
	const struct acxxx_cpl *last = NULL;
	struct mutex *held = NULL;
	struct acxxx_cpl cpl;
	int ret, err = 0;

	for (;;) {
		ret = acxxx_seq_step(s, &hba->ctl, err, last, io);
		if (held)
			mutex_unlock(held);
		held = NULL;
		if (ret)
			return ret;
		acxxx_seq_writes(hba, io);
		err = 0;
		last = NULL;
		if (io->act == ACXXX_ACT_FRAMES) {
			acxxx_post_all_frames(hba);
		} else if (io->act == ACXXX_ACT_REQUEST) {
			held = &hba->ireq[io->slot].mutex;
			mutex_lock(held);
			err = acxxx_ireq_exec(hba, io->slot, acxxx_enc_seq, io,
					      io->timeout_s * MSEC_PER_SEC,
					      &cpl);
			if (!err)
				last = &cpl;
		}
	}
}

/* What a stop sequence could not do: worth a line each. */
static void acxxx_stop_log(struct acxxx_hba *hba, const struct acxxx_seq *s)
{
	unsigned int i;

	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		if (s->flush_failed & BIT_ULL(i))
			dev_warn(&hba->pdev->dev,
				 "cache flush of volume %u failed\n", i);
	if (s->evsw_err)
		dev_warn(&hba->pdev->dev, "event switch off failed: %pe\n",
			 ERR_PTR(s->evsw_err));
}

/*
 * The start sequence after a handshake (acxxx_start_begin()): frames,
 * page 0 into @id (none for a re-init: NULL), events on, SCRATCH2.
 */
static int acxxx_start_seq(struct acxxx_hba *hba, struct acxxx_ident *id)
{
	struct acxxx_seq_io io;
	struct acxxx_seq s;
	int ret;

	acxxx_start_begin(&s, &hba->ctl, id);
	ret = acxxx_seq_run(hba, &s, &io);
	if (ret < 0)
		return ret;
	acxxx_seq_writes(hba, &io);
	hba->events_on = s.events_on;
	if (s.evsw_err)
		dev_warn(&hba->pdev->dev,
			 "firmware events unavailable (%pe): volume changes need a manual rescan\n",
			 ERR_PTR(s.evsw_err));
	return 0;
}

/* ------------------------------------------------------------------ */
/* What the firmware says on its own                                   */

/**
 * acxxx_event() - act on an unsolicited firmware event
 * @hba: adapter
 * @cpl: the decoded event
 *
 * The event goes into the event log; the event work logs it in words and
 * sends its uevent from process context.  A LUN change starts a
 * reconciliation.
 *
 * Context: any (the drain calls it without hba->lock).
 */
void acxxx_event(struct acxxx_hba *hba, const struct acxxx_cpl *cpl)
{
	/* Kept for the management interface; logged and told by the work. */
	acxxx_event_log(hba, cpl);
	acxxx_queue_work(hba, hba->aux_wq, &hba->event_work);
	if (acxxx_event_type(cpl->event_code) == ACXXX_EV_LUN_CHANGE)
		acxxx_queue_work(hba, hba->wq, &hba->rescan_work);
}

/*
 * Stop issuing and draining until the firmware says "resume" (2.3).  The
 * interrupt is level-triggered and replies stay queued while paused: mask
 * it and watch the doorbell for "resume" instead.  Only a live (or
 * detaching) controller pauses: in the start sequence the driver issues
 * nothing but its own few requests, and a handshake makes the firmware
 * forget a pause anyway.
 */
static void acxxx_pause(struct acxxx_hba *hba, bool pause)
{
	enum acxxx_state st, new;
	unsigned long flags;

	acxxx_lock(hba, flags);
	st = hba->state;
	if (pause)
		new = st == ACXXX_ST_LIVE ? ACXXX_ST_PAUSED :
		      st == ACXXX_ST_DELETING ? ACXXX_ST_DELETING_PAUSED : st;
	else
		new = st == ACXXX_ST_PAUSED ? ACXXX_ST_LIVE :
		      st == ACXXX_ST_DELETING_PAUSED ? ACXXX_ST_DELETING : st;
	if (new == st || !acxxx_change_state(hba, new)) {
		acxxx_unlock(hba, flags);
		if (st != ACXXX_ST_PAUSED && st != ACXXX_ST_DELETING_PAUSED &&
		    st != ACXXX_ST_LIVE && st != ACXXX_ST_DELETING)
			dev_warn(&hba->pdev->dev,
				 "firmware %s request ignored while %s\n",
				 pause ? "pause" : "resume", acxxx_state_ids[st]);
		return;
	}
	acxxx_irq_mask(hba, !pause);
	/* Watched until resume, even while detaching: remove waits for it. */
	if (pause)
		queue_delayed_work(hba->aux_wq, &hba->pause_work,
				   msecs_to_jiffies(ACXXX_PAUSE_POLL_MS));
	acxxx_unlock(hba, flags);
	/* While paused, queuecommand answers "host busy": nothing is lost. */
	dev_warn(&hba->pdev->dev, "firmware %s the host\n",
		 pause ? "paused" : "resumed");
}

/**
 * acxxx_doorbell() - act on OUT_DOORBELL (2208/3108)
 * @hba: adapter
 *
 * Every notification present is handled in one pass; the lone ready bit
 * stays for the handshake.  Nothing is read or acted on unless the
 * interrupt is ours in the current state: during a handshake the
 * doorbell belongs to it.
 *
 * Return: true if a notification was ours.
 */
bool acxxx_doorbell(struct acxxx_hba *hba)
{
	struct acxxx_doorbell db;

	if (!acxxx_irq_expected(READ_ONCE(hba->state)))
		return false;
	acxxx_decode_doorbell(acxxx_readl(hba, ACXXX_REG_OUT_DOORBELL), &db);
	if (db.gone) {
		/* All-ones: look at the device from process context now. */
		acxxx_queue_delayed(hba, &hba->health_work, 0, true);
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

static bool acxxx_is_paused(enum acxxx_state st)
{
	return st == ACXXX_ST_PAUSED || st == ACXXX_ST_DELETING_PAUSED;
}

static void acxxx_pause_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, pause_work);
	unsigned long flags;
	bool paused;

	acxxx_doorbell(hba);
	acxxx_lock(hba, flags);
	paused = acxxx_is_paused(hba->state);
	if (paused)
		queue_delayed_work(hba->aux_wq, &hba->pause_work,
				   msecs_to_jiffies(ACXXX_PAUSE_POLL_MS));
	acxxx_unlock(hba, flags);
	if (!paused)
		acxxx_drain(hba, false);
}

/* ------------------------------------------------------------------ */
/* Handshake                                                           */

static u64 acxxx_now_ms(void)
{
	return ktime_to_ms(ktime_get());
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

	acxxx_init_default_params(&p);
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

/* After a successful bring-up handshake: frames, page 0, events. */
static int acxxx_start(struct acxxx_hba *hba, struct acxxx_ident *id)
{
	int ret = acxxx_start_seq(hba, id);

	if (ret)
		dev_err(&hba->pdev->dev, "cannot read page 0: %pe\n",
			ERR_PTR(ret));
	return ret;
}

/**
 * acxxx_go_offline() - take the controller offline: its I/O fails
 * @hba: adapter
 * @why: for the log
 *
 * Every outstanding command and internal request is given back.  A
 * controller the driver already stopped stays stopped.
 */
void acxxx_go_offline(struct acxxx_hba *hba, const char *why)
{
	unsigned long flags;

	dev_err(&hba->pdev->dev, "controller offline: %s\n", why);
	acxxx_lock(hba, flags);
	if (hba->state != ACXXX_ST_DELETING_NOIO)
		acxxx_change_state(hba, ACXXX_ST_DEAD);
	if (hba->regs && acxxx_present(hba))
		acxxx_irq_mask(hba, false);
	acxxx_unlock(hba, flags);
	acxxx_release_all(hba);
}

static void acxxx_bringup_done(struct acxxx_hba *hba, struct acxxx_ident *id)
{
	unsigned long flags;
	bool live;

	acxxx_lock(hba, flags);
	live = acxxx_change_state(hba, ACXXX_ST_LIVE);
	acxxx_unlock(hba, flags);
	if (!live) {
		complete_all(&hba->ready);
		return;
	}
	acxxx_log_ident(hba, id);
	acxxx_reconcile(hba, id, false);
	complete_all(&hba->ready);
	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_health_later(hba);
}

/**
 * acxxx_bringup_begin() - start the bring-up handshake
 * @hba: adapter, new, back from a PCI error, or whose start failed
 * @delay: jiffies before the first step
 *
 * A second handshake of the same bring-up is a re-init handshake: it
 * takes back whatever the firmware kept (an unanswered page 0 request,
 * the reply frames).  The device's interrupt stops being ours until the
 * handshake's last step unmasks it.
 */
void acxxx_bringup_begin(struct acxxx_hba *hba, unsigned long delay)
{
	struct acxxx_init_params p;
	unsigned long flags;
	bool ok;

	acxxx_lock(hba, flags);
	ok = acxxx_change_state(hba, ACXXX_ST_CONNECTING);
	if (ok) {
		acxxx_irq_mask(hba, false);
		acxxx_ctl_reset(&hba->ctl);
	}
	acxxx_unlock(hba, flags);
	if (!ok)
		return;
	/* No interrupt handler or poll of the old interface runs on. */
	synchronize_irq(hba->irq);
	acxxx_poll_stop(hba);
	acxxx_init_default_params(&p);
	acxxx_init_begin(&hba->init, hba->dialect, hba->ctl.hi,
			 hba->init_tries > 0, &p, acxxx_now_ms());
	hba->init_read = ACXXX_INIT_NO_READ;
	hba->init_tries++;
	queue_delayed_work(hba->wq, &hba->bringup_work, delay);
}

static void acxxx_bringup_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, bringup_work);
	struct acxxx_ident *id;
	struct acxxx_init_io io;
	unsigned long flags;
	u32 val = 0;
	bool ok;
	u64 now;
	int ret;

	/* PCI error recovery queues the bring-up again when it is done. */
	if (READ_ONCE(hba->state) != ACXXX_ST_CONNECTING)
		return;
	if (hba->init_read != ACXXX_INIT_NO_READ)
		val = acxxx_readl(hba, hba->init_read);
	now = acxxx_now_ms();
	ret = acxxx_init_step(&hba->init, now, val, &io);
	if (ret == 1) {
		/* This last step unmasks the interrupt: it is ours from now. */
		acxxx_lock(hba, flags);
		ok = acxxx_change_state(hba, ACXXX_ST_STARTING);
		acxxx_unlock(hba, flags);
		if (!ok)
			return;
	}
	acxxx_init_do(hba, &io);
	hba->init_read = io.read_reg;
	if (!ret) {
		queue_delayed_work(hba->wq, &hba->bringup_work,
				   io.next_ms > now ?
				   msecs_to_jiffies(io.next_ms - now) : 0);
		return;
	}
	if (ret < 0) {
		if (READ_ONCE(hba->state) == ACXXX_ST_FROZEN)
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
	} else if (READ_ONCE(hba->state) != ACXXX_ST_STARTING) {
		/* Frozen: PCI error recovery starts over.  Or detaching. */
	} else if (ret != -ENODEV && ret != -ENOMEM &&
		   hba->init_tries < ACXXX_BRINGUP_TRIES) {
		dev_warn(&hba->pdev->dev,
			 "start failed (%pe): handshake again in 1 s\n",
			 ERR_PTR(ret));
		acxxx_bringup_begin(hba, ACXXX_BRINGUP_RETRY_DELAY);
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
 * reset_mutex held and the state RESETTING.
 */
static int acxxx_restart(struct acxxx_hba *hba, bool reinit)
{
	unsigned int tries;
	unsigned long flags;
	bool live;
	int ret;

	lockdep_assert_held(&hba->reset_mutex);
	if (!acxxx_present(hba))
		return -ENODEV;
	atomic64_inc(&hba->stats.reinits);
	/*
	 * The handshake calls the device gone when its status reads all-ones
	 * three times in a row.  If config space still answers, the device
	 * is there and those were failed reads: hand it a fresh handshake (a
	 * reset and its settle time) before giving up on it.
	 */
	for (tries = 1;; tries++) {
		ret = acxxx_handshake_sync(hba, reinit);
		if (ret != -ENODEV || tries == ACXXX_HANDSHAKE_TRIES ||
		    !acxxx_present(hba))
			break;
		dev_warn(&hba->pdev->dev,
			 "registers read all-ones in the handshake but the device answers: trying again\n");
	}
	if (ret)
		return ret;

	/* The firmware holds nothing of ours any more (16.11). */
	acxxx_release_all(hba);
	acxxx_lock(hba, flags);
	acxxx_ctl_reset(&hba->ctl);
	/* Frozen or offline meanwhile: stay so. */
	live = hba->state == ACXXX_ST_RESETTING &&
	       acxxx_change_state(hba, ACXXX_ST_LIVE);
	acxxx_unlock(hba, flags);
	if (!live)
		return -ENODEV;
	acxxx_start_seq(hba, NULL);
	acxxx_queue_work(hba, hba->wq, &hba->rescan_work);
	return 0;
}

/*
 * Stop issuing, draining, returning frames and taking interrupts, before
 * a re-init handshake or system sleep: the state becomes @to.  Called with
 * reset_mutex held.
 *
 * Return: 0; -EAGAIN while bring-up runs (it does its own handshakes);
 * -ENODEV if the adapter is offline, frozen or detaching.
 */
static int acxxx_quiesce(struct acxxx_hba *hba, enum acxxx_state to)
{
	unsigned long flags;
	int ret = 0;

	lockdep_assert_held(&hba->reset_mutex);
	acxxx_lock(hba, flags);
	switch (hba->state) {
	case ACXXX_ST_LIVE:
	case ACXXX_ST_PAUSED:
		acxxx_change_state(hba, to);
		if (acxxx_present(hba))
			acxxx_irq_mask(hba, false);
		break;
	case ACXXX_ST_NEW:
	case ACXXX_ST_CONNECTING:
	case ACXXX_ST_STARTING:
		ret = -EAGAIN;
		break;
	default:
		ret = -ENODEV;
		break;
	}
	acxxx_unlock(hba, flags);
	if (ret)
		return ret;
	synchronize_irq(hba->irq);
	acxxx_poll_stop(hba);
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
 * end or took over; another negative error once the controller is offline.
 */
int acxxx_reinit(struct acxxx_hba *hba, const char *why)
{
	int ret;

	if (hba->stage == ACXXX_STAGE_NULL)
		return 0;
	/*
	 * The PCI core is resetting the link: its own re-init comes first.
	 * Idle, not uninterruptible: a slot reset may take minutes, and the
	 * error handler's thread waiting on it is not hung.
	 */
	if (!wait_event_idle_timeout(hba->waitq,
				     READ_ONCE(hba->state) != ACXXX_ST_FROZEN,
				     ACXXX_SCAN_TIMEOUT * HZ))
		return -EBUSY;
	mutex_lock(&hba->reset_mutex);
	ret = acxxx_quiesce(hba, ACXXX_ST_RESETTING);
	if (ret) {
		mutex_unlock(&hba->reset_mutex);
		return ret;
	}
	dev_warn(&hba->pdev->dev, "re-initialising the controller: %s\n", why);
	ret = acxxx_restart(hba, true);
	if (ret && READ_ONCE(hba->state) == ACXXX_ST_FROZEN) {
		dev_warn(&hba->pdev->dev,
			 "re-init cut by a PCI error: PCI error recovery takes over\n");
		ret = -EBUSY;
	} else if (ret) {
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
 * SCRATCH1 for the health check.  An all-ones read is a read that failed
 * (a completion timeout), not a value the firmware wrote: read it again,
 * a little later, before it counts.
 */
static u32 acxxx_health_read(struct acxxx_hba *hba)
{
	unsigned int i;
	u32 v;

	for (i = 1;; i++) {
		v = acxxx_readl(hba, ACXXX_REG_SCRATCH1);
		if (v != ACXXX_EMPTY || i == ACXXX_HEALTH_READS)
			return v;
		msleep(ACXXX_HEALTH_REREAD_MS);
	}
}

/*
 * Once every ACXXX_HEALTH_MS: is the device still there, and (2208/3108)
 * does the firmware still report itself running in SCRATCH1 (two checks
 * in a row)?  A hung firmware is re-initialised; a device that is gone is
 * taken offline so nothing waits for it.
 */
static void acxxx_health_work(struct work_struct *work)
{
	struct acxxx_hba *hba = container_of(to_delayed_work(work),
					     struct acxxx_hba, health_work);
	enum acxxx_state st = READ_ONCE(hba->state);
	u32 v;

	if (!acxxx_takes_work(st))
		return;
	if (st == ACXXX_ST_FROZEN)
		goto again;	/* the PCI core is recovering the link */
	if (!acxxx_present(hba)) {
		acxxx_go_offline(hba, "device gone");
		return;
	}
	if (st == ACXXX_ST_LIVE && hba->ctl.caps->health_scratch1) {
		/*
		 * Two checks in a row: one odd value must not cost every
		 * outstanding command.
		 */
		v = acxxx_health_read(hba);
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
/* Detaching, suspend, PCI error recovery                              */

/**
 * acxxx_ctrl_detach() - the driver starts detaching
 * @hba: adapter
 *
 * A live controller goes on serving I/O for the midlayer's last flushes;
 * any other is stopped now.  No background work is queued from here on;
 * a re-init in progress ends first.
 */
void acxxx_ctrl_detach(struct acxxx_hba *hba)
{
	enum acxxx_state new;
	unsigned long flags;
	u16 slot;

	if (hba->stage != ACXXX_STAGE_NULL && !acxxx_present(hba)) {
		dev_warn(&hba->pdev->dev, "device gone: failing outstanding I/O\n");
		acxxx_go_offline(hba, "device removed");
	}
	mutex_lock(&hba->reset_mutex);
	acxxx_lock(hba, flags);
	switch (hba->state) {
	case ACXXX_ST_LIVE:
		new = ACXXX_ST_DELETING;
		break;
	case ACXXX_ST_PAUSED:
		new = ACXXX_ST_DELETING_PAUSED;
		break;
	case ACXXX_ST_DEAD:
		new = ACXXX_ST_DEAD;	/* I/O fails already */
		break;
	default:
		new = ACXXX_ST_DELETING_NOIO;
		if (hba->regs && acxxx_present(hba))
			acxxx_irq_mask(hba, false);
		break;
	}
	acxxx_change_state(hba, new);
	acxxx_unlock(hba, flags);
	mutex_unlock(&hba->reset_mutex);

	/* A bring-up waiting for one of its requests gives up now. */
	if (new == ACXXX_ST_DELETING_NOIO && hba->stage != ACXXX_STAGE_NULL) {
		synchronize_irq(hba->irq);
		for (slot = ACXXX_FIRST_SLOT; slot < ACXXX_FIRST_IO_SLOT; slot++)
			acxxx_release_slot(hba, slot);
	}
}

/**
 * acxxx_ctrl_stop_work() - wait for the background work to end
 * @hba: adapter, after acxxx_ctrl_detach()
 *
 * The pause watch keeps running: a firmware that resumes while the
 * midlayer flushes the disks gets its flushes.
 */
void acxxx_ctrl_stop_work(struct acxxx_hba *hba)
{
	cancel_delayed_work_sync(&hba->bringup_work);
	complete_all(&hba->ready);
	cancel_work_sync(&hba->rescan_work);
	cancel_delayed_work_sync(&hba->health_work);
	cancel_work_sync(&hba->recover_work);
	cancel_work_sync(&hba->event_work);
}

/**
 * acxxx_ctrl_stop() - leave the controller quiet and holding nothing of ours
 * @hba: adapter, detaching
 *
 * Flushes every volume, turns events off, masks interrupts, and re-inits
 * the message interface so the firmware forgets our reply frames before
 * the memory they live in is freed (16.11, 16.19).
 *
 * Context: process context; takes scan_mutex and reset_mutex.
 */
void acxxx_ctrl_stop(struct acxxx_hba *hba)
{
	struct acxxx_seq_io io;
	unsigned long flags;
	struct acxxx_seq s;

	if (hba->stage == ACXXX_STAGE_NULL)
		return;
	mutex_lock(&hba->scan_mutex);
	mutex_lock(&hba->reset_mutex);
	acxxx_stop_begin(&s, &hba->ctl, hba->lun_map, hba->events_on,
			 READ_ONCE(hba->state) == ACXXX_ST_DELETING,
			 acxxx_present(hba));
	acxxx_seq_run(hba, &s, &io);
	acxxx_stop_log(hba, &s);
	hba->events_on = s.events_on;

	/* The last step masks and re-inits the interface (none if gone). */
	acxxx_lock(hba, flags);
	acxxx_change_state(hba, ACXXX_ST_DELETING_NOIO);
	acxxx_seq_writes(hba, &io);
	acxxx_unlock(hba, flags);
	synchronize_irq(hba->irq);
	acxxx_release_all(hba);
	mutex_unlock(&hba->reset_mutex);
	mutex_unlock(&hba->scan_mutex);
}

/**
 * acxxx_ctrl_suspend() - quiesce the controller for system sleep
 * @hba: adapter
 *
 * Flushes every volume (its power may go), switches events off and
 * stops.  The midlayer has already quiesced the disks; anything still
 * queued is answered "host busy" until resume.
 *
 * Return: 0, or -EBUSY if bring-up did not end.
 */
int acxxx_ctrl_suspend(struct acxxx_hba *hba)
{
	struct acxxx_seq_io io;
	struct acxxx_seq s;

	if (hba->stage == ACXXX_STAGE_NULL)
		return 0;
	if (!acxxx_wait_long(&hba->ready, ACXXX_SCAN_TIMEOUT * HZ))
		return -EBUSY;
	cancel_delayed_work_sync(&hba->health_work);
	flush_workqueue(hba->wq);
	cancel_work_sync(&hba->recover_work);

	mutex_lock(&hba->scan_mutex);
	mutex_lock(&hba->reset_mutex);
	acxxx_stop_begin(&s, &hba->ctl, hba->lun_map, hba->events_on,
			 READ_ONCE(hba->state) == ACXXX_ST_LIVE,
			 acxxx_present(hba));
	/*
	 * The last step's writes (mask, interface re-init) are left out:
	 * acxxx_quiesce() masks, and resume starts over with a handshake.
	 */
	acxxx_seq_run(hba, &s, &io);
	acxxx_stop_log(hba, &s);
	hba->events_on = s.events_on;
	if (!acxxx_quiesce(hba, ACXXX_ST_SUSPENDED))
		acxxx_release_all(hba);
	mutex_unlock(&hba->reset_mutex);
	mutex_unlock(&hba->scan_mutex);
	cancel_delayed_work_sync(&hba->pause_work);
	return 0;
}

/**
 * acxxx_ctrl_resume() - bring the controller back after system sleep
 * @hba: adapter
 *
 * The firmware may have lost everything: a full (not re-init) handshake.
 */
void acxxx_ctrl_resume(struct acxxx_hba *hba)
{
	unsigned long flags;
	bool resuming;
	int ret;

	if (hba->stage == ACXXX_STAGE_NULL)
		return;
	mutex_lock(&hba->reset_mutex);
	acxxx_lock(hba, flags);
	resuming = hba->state == ACXXX_ST_SUSPENDED &&
		   acxxx_change_state(hba, ACXXX_ST_RESETTING);
	acxxx_unlock(hba, flags);
	if (resuming) {
		pci_set_master(hba->pdev);
		ret = acxxx_restart(hba, false);
		if (ret) {
			dev_err(&hba->pdev->dev,
				"controller did not come back: %pe\n",
				ERR_PTR(ret));
			acxxx_go_offline(hba, "resume failed");
		} else {
			acxxx_health_later(hba);
		}
	}
	mutex_unlock(&hba->reset_mutex);
}

/**
 * acxxx_ctrl_pci_frozen() - the PCI channel is frozen: hands off
 * @hba: adapter
 *
 * Registers are unreachable until the slot reset.  A bring-up in progress
 * stops at its next step and starts over in acxxx_ctrl_pci_resume().
 */
void acxxx_ctrl_pci_frozen(struct acxxx_hba *hba)
{
	unsigned long flags;

	acxxx_lock(hba, flags);
	if (acxxx_state_allowed(hba->state, ACXXX_ST_FROZEN))
		acxxx_change_state(hba, ACXXX_ST_FROZEN);
	acxxx_unlock(hba, flags);
	synchronize_irq(hba->irq);
}

/**
 * acxxx_ctrl_pci_resume() - the PCI core reset the link: start again
 * @hba: adapter
 *
 * A handshake cut by the slot reset cannot go on (the firmware restarted
 * under it): a bring-up starts over, a running controller is
 * re-initialised.
 */
void acxxx_ctrl_pci_resume(struct acxxx_hba *hba)
{
	struct device *dev = &hba->pdev->dev;
	unsigned long flags;
	bool restart = false;
	int ret;

	if (hba->stage == ACXXX_STAGE_NULL)
		return;
	/* A step that runs meanwhile sees FROZEN and does not re-queue. */
	cancel_delayed_work_sync(&hba->bringup_work);
	mutex_lock(&hba->reset_mutex);
	if (READ_ONCE(hba->state) == ACXXX_ST_FROZEN &&
	    !completion_done(&hba->ready)) {
		dev_info(dev, "PCI error recovered: bring-up again\n");
		hba->init_tries = 0;
		acxxx_bringup_begin(hba, 0);
	} else {
		acxxx_lock(hba, flags);
		restart = hba->state == ACXXX_ST_FROZEN &&
			  acxxx_change_state(hba, ACXXX_ST_RESETTING);
		acxxx_unlock(hba, flags);
	}
	/* A re-init waiting for recovery to end goes on (and finds us). */
	wake_up_all(&hba->waitq);
	if (restart) {
		ret = acxxx_restart(hba, true);
		if (ret)
			acxxx_go_offline(hba, "no controller after PCI error recovery");
		else
			dev_info(dev, "PCI error recovered: controller re-initialised\n");
	}
	mutex_unlock(&hba->reset_mutex);
	if (READ_ONCE(hba->state) == ACXXX_ST_LIVE)
		acxxx_queue_delayed(hba, &hba->health_work,
				    msecs_to_jiffies(ACXXX_HEALTH_MS), true);
}

/**
 * acxxx_ctrl_init() - set up the controller's work items
 * @hba: adapter, before anything can queue them
 */
void acxxx_ctrl_init(struct acxxx_hba *hba)
{
	INIT_DELAYED_WORK(&hba->bringup_work,
			  hba->stage == ACXXX_STAGE_NULL ? acxxx_bringup_null :
							   acxxx_bringup_work);
	INIT_WORK(&hba->rescan_work, acxxx_rescan_work);
	INIT_DELAYED_WORK(&hba->repost_work, acxxx_repost_work);
	INIT_WORK(&hba->drain_work, acxxx_drain_work);
	INIT_WORK(&hba->recover_work, acxxx_recover_work);
	INIT_WORK(&hba->event_work, acxxx_event_work);
	INIT_DELAYED_WORK(&hba->pause_work, acxxx_pause_work);
	INIT_DELAYED_WORK(&hba->health_work, acxxx_health_work);
	acxxx_poll_init(hba);
}
