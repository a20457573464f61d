/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acxxx: Linux driver for the Accusys DAS RAID host bus adapters.
 *
 * Layers
 * ------
 * acxxx_main.c   module, PCI probe/remove/shutdown, power management, PCI
 *                error callbacks, sysfs: calls ctrl, fw and scsi
 * acxxx_ctrl.c   the state machine (the only writer of hba->state),
 *                bring-up, re-init, health check, pause, internal requests,
 *                firmware events: calls fw and scsi
 * acxxx_fw.c     registers, submission, reply draining, the interrupt
 *                handler, reply frame return, slot release: calls the core
 *                and scsi's completion
 * acxxx_scsi.c   queuecommand, result translation, error handling, scan:
 *                calls ctrl and fw
 * Nothing calls into acxxx_main.c.  Only ctrl changes the state.  The
 * error handler never edits the core's slot state: it asks fw.
 *
 * Locking
 * -------
 * One spinlock per adapter, hba->lock (taken with interrupts disabled),
 * protects the core state (hba->ctl: slot and reply frame ownership), the
 * table of outstanding SCSI commands (hba->cmds, hba->handing), the
 * internal request bookkeeping (hba->ireq), the frames waiting to be
 * returned, the state word, and every access to REQUEST_PORT and
 * REPLY_PORT: a slot is marked outstanding and posted under it, and a
 * reply descriptor is popped and decoded under it, so a completion can
 * never race with the post or with another completion.  Internal request
 * waiters are woken under it too, so a late reply can never wake the next
 * user of the slot.  The state is written under it and may be read
 * without it (READ_ONCE) where a stale value is harmless; whoever acts on
 * the state in a way a transition must not overtake reads it under it.
 *
 * SCSI completions (scsi_done) happen after the lock is dropped: scsi_done
 * may run the midlayer's completion, and the next queuecommand, inline.
 * Whoever takes a command out of hba->cmds to hand it back records it in
 * hba->handing until scsi_done has returned; the error handler, which may
 * reuse or requeue a command as soon as the driver says it is done with
 * it, waits for that hand-back to end first (acxxx_wait_handback()).
 *
 * Sleeping paths are serialised by mutexes: each internal slot has one
 * (hba->ireq[slot].mutex: one management request at a time as 7.1 wants,
 * one abort, one LUN or target reset, one driver-issued SCSI command, one
 * event switch request); hba->reset_mutex serialises controller re-inits
 * and the start of detaching; and hba->scan_mutex protects what the SCSI
 * midlayer has been told about the volumes (hba->lun_map, hba->ident).
 * Lock order: scan_mutex, reset_mutex, an ireq mutex, then lock.
 *
 * The firmware event log (hba->ev_log, hba->ev_seq) has its own spinlock,
 * hba->ev_lock (interrupts disabled), never held with hba->lock.  The
 * counters of struct acxxx_stats follow the rule written there.
 *
 * Bring-up and LUN reconciliation run as work items on the adapter's
 * ordered workqueue, so they never run concurrently with each other.
 */
#ifndef ACXXX_H
#define ACXXX_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

#include <uapi/scsi/scsi_bsg_acxxx.h>

#include "acxxx_core.h"
#include "acxxx_compat.h"

#define ACXXX_NAME		"acxxx"

/* Timeouts of requests the driver makes itself, in seconds. */
#define ACXXX_MGMT_TIMEOUT	30
#define ACXXX_EVSW_TIMEOUT	10
#define ACXXX_TMF_TIMEOUT	15
#define ACXXX_SYNC_TIMEOUT	60

/* Interval of the device and firmware health check, milliseconds. */
#define ACXXX_HEALTH_MS		2000
/* A long wait for a completion wakes at least this often (hung-task). */
#define ACXXX_WAIT_SLICE_MS	10000

/* How long scan_finished waits for bring-up before giving up, seconds. */
#define ACXXX_SCAN_TIMEOUT	300

/**
 * enum acxxx_stage - how much of the pipeline runs (module option "stage")
 * @ACXXX_STAGE_NULL: no hardware I/O: one volume from the null responder
 * @ACXXX_STAGE_SINGLE: the hardware, at most one command outstanding
 * @ACXXX_STAGE_FULL: the complete pipeline
 */
enum acxxx_stage {
	ACXXX_STAGE_NULL,
	ACXXX_STAGE_SINGLE,
	ACXXX_STAGE_FULL,
};

/**
 * enum acxxx_state - adapter state, changed only by acxxx_change_state()
 * @ACXXX_ST_NEW: probed, bring-up not started
 * @ACXXX_ST_CONNECTING: a bring-up handshake runs: the device's interrupt
 *	and its queues are not ours
 * @ACXXX_ST_STARTING: handshake done: reply frames posted, page 0 read
 *	and events switched on through internal requests; no SCSI I/O yet
 * @ACXXX_ST_LIVE: serving I/O
 * @ACXXX_ST_PAUSED: the firmware asked the host to pause (2.3)
 * @ACXXX_ST_RESETTING: a re-init (host reset, recovery, resume, PCI error
 *	recovery) owns the controller
 * @ACXXX_ST_SUSPENDED: quiesced for system sleep
 * @ACXXX_ST_FROZEN: the PCI core is recovering the link: hands off
 * @ACXXX_ST_DEAD: the controller failed or is gone: I/O fails
 * @ACXXX_ST_DELETING: detaching: I/O still served while the midlayer
 *	flushes the disks, no new background work
 * @ACXXX_ST_DELETING_PAUSED: detaching, and the firmware paused the host
 * @ACXXX_ST_DELETING_NOIO: detaching, the controller stopped
 * @ACXXX_NR_STATES: number of states
 */
enum acxxx_state {
	ACXXX_ST_NEW,
	ACXXX_ST_CONNECTING,
	ACXXX_ST_STARTING,
	ACXXX_ST_LIVE,
	ACXXX_ST_PAUSED,
	ACXXX_ST_RESETTING,
	ACXXX_ST_SUSPENDED,
	ACXXX_ST_FROZEN,
	ACXXX_ST_DEAD,
	ACXXX_ST_DELETING,
	ACXXX_ST_DELETING_PAUSED,
	ACXXX_ST_DELETING_NOIO,
	ACXXX_NR_STATES
};

/**
 * struct acxxx_ireq - a request the driver makes itself, one per internal slot
 * @mutex: serialises the users of the slot
 * @done: completed by the interrupt handler when the reply arrives
 * @cpl: the decoded reply
 * @sense: sense data (internal SCSI commands)
 */
struct acxxx_ireq {
	struct mutex mutex;		/* serialises users of this slot */
	struct completion done;
	struct acxxx_cpl cpl;
	u8 sense[SCSI_SENSE_BUFFERSIZE];
};

/**
 * struct acxxx_stats - what the management interface's INFO reports
 * @commands: SCSI commands the firmware completed (hba->lock: counted
 *	where their replies are decoded, under the lock already held there)
 * @errors: those completed with an error result (hba->lock)
 * @aborts: abort requests sent (atomic: the error handler)
 * @resets: LUN and target resets sent (atomic)
 * @reinits: re-initialisations of a running controller (atomic)
 * @events: firmware events received (atomic)
 * @mgmt: management requests the firmware answered (atomic)
 * @timeouts: commands the midlayer timed out (atomic)
 *
 * The two counted per command cost no atomic operation: they are plain
 * increments under the lock the completion path holds anyway.  The rest
 * are counted off the hot path.
 */
struct acxxx_stats {
	u64 commands;
	u64 errors;
	atomic64_t aborts;
	atomic64_t resets;
	atomic64_t reinits;
	atomic64_t events;
	atomic64_t mgmt;
	atomic64_t timeouts;
};

/**
 * struct acxxx_poll_sample - what a drain saw, for the polling policy
 * @found: replies the drain found
 * @depth: commands outstanding when it started, replies waiting included
 * @posted: commands the host posted since the previous poll decision
 * @idle_ns: time since the host last posted a command
 * @deepest: the deepest queue the host reached lately
 */
struct acxxx_poll_sample {
	unsigned int found;
	unsigned int depth;
	unsigned int posted;
	u64 idle_ns;
	unsigned int deepest;
};

/**
 * struct acxxx_poll_learn - what the polling policy learnt of the host
 * @deepest: the deepest queue it reached lately, in 1/16 of a command
 * @since: dry polls that found the host stopped since the last probe
 */
struct acxxx_poll_learn {
	unsigned int deepest;
	u8 since;
};

/**
 * struct acxxx_hba - one adapter
 * @shost: the SCSI host
 * @pdev: the PCI function
 * @regs: register BAR
 * @dialect: register dialect
 * @stage: bring-up stage
 * @lock: see "Locking" above
 * @state: enum acxxx_state (written under @lock by acxxx_change_state())
 * @ctl: core state, the reply frame return ring among it (@lock; the
 *	frame of a command's own slot is encoded without it, see
 *	acxxx_post_scsi())
 * @ctl_mem: control memory
 * @ctl_dma: its bus address
 * @ctl_size: its size
 * @cmds: outstanding SCSI command of each slot (@lock)
 * @nr_outstanding: number of commands in @cmds (@lock)
 * @nr_posted: commands posted so far, wrapping (@lock)
 * @last_post_ns: ktime of the last post (@lock)
 * @handing: command of each slot being handed back outside @lock (@lock)
 * @poll_timer: drains under load instead of the interrupt (acxxx_fw.c)
 * @poll_ns: its interval, adapted to the reply rate (@lock)
 * @poll_found: replies drained since the last poll decision (@lock)
 * @poll_posted: @nr_posted at the last poll decision (@lock)
 * @poll_learn: what the polling policy learnt of the host (@lock)
 * @polling: the interrupt is masked for completion polling (@lock)
 * @poll_shallow: polls in a row that started with less than two commands
 *	outstanding (@lock)
 * @poll_next: the poll timer runs again (@lock; read by the timer and
 *	the interrupt handler without it)
 * @waitq: woken when a hand-back ends and when PCI error recovery ends
 * @ireq: internal requests, indexed by slot (@lock for posting)
 * @init: handshake state (bring-up work only)
 * @init_read: register the handshake asked to read next (bring-up work)
 * @init_tries: handshakes bring-up has started (bring-up work, and PCI
 *	error recovery once the bring-up work is cancelled)
 * @wq: ordered workqueue: bring-up and reconciliation
 * @aux_wq: recovery, health checks, frame returns, pause watch
 * @bringup_work: bring-up, one handshake step per run
 * @rescan_work: LUN map reconciliation
 * @repost_work: retries returning reply frames (2208 FIFO full)
 * @drain_work: goes on draining when the interrupt handler's budget ran out
 * @recover_work: re-init outside the error handler (flush, hang)
 * @recover_why: reason of the pending re-init, for the log (@lock)
 * @health_work: periodic check that the device and its firmware live
 * @health_misses: checks in a row that found the firmware not running
 *	(health work only)
 * @pause_work: watches for "resume" while the firmware paused the host
 * @ready: completed when bring-up and the first reconciliation ended
 * @events_on: firmware events are on (bring-up work, reset_mutex)
 * @no_tmf: the firmware answered task management with "invalid function"
 *	(written by the error handler, one at a time; read without a lock)
 * @ireq_lost: internal requests in a row the firmware did not answer
 * @reset_mutex: serialises re-inits (host reset, recovery) and detaching
 * @scan_mutex: protects @lun_map and @ident
 * @ident: identity from page 0 (@scan_mutex)
 * @lun_map: LUN map the midlayer has been told about (@scan_mutex)
 * @irq: Linux interrupt number
 * @irq_shared: INTx, shared: the handler may see interrupts of others
 * @stat_bad_replies: rejected reply descriptors (rate-limited log)
 * @stats: counters for the management interface (see struct acxxx_stats)
 * @ev_lock: protects @ev_log and @ev_seq
 * @ev_seq: sequence number of the newest firmware event (@ev_lock)
 * @ev_log: the last ACXXX_BSG_EVENT_LOG events, entry seq % size (@ev_lock)
 * @ev_told: newest event logged and sent as a uevent (event work only)
 * @event_work: logs new events in words and sends their uevents
 * @bsg_dev: the management interface's device, child of the PCI function
 * @bsg_queue: its bsg queue (acxxx_app.c)
 * @bench_locks: acquisitions of @lock (bench builds only: ACXXX_BENCH)
 */
struct acxxx_hba {
	struct Scsi_Host *shost;
	struct pci_dev *pdev;
	void __iomem *regs;
	enum acxxx_dialect dialect;
	enum acxxx_stage stage;

	spinlock_t lock;		/* see "Locking" at the top */
	enum acxxx_state state;
	struct acxxx_ctl ctl;
	void *ctl_mem;
	dma_addr_t ctl_dma;
	size_t ctl_size;
	struct scsi_cmnd *cmds[ACXXX_MAX_SLOTS];
	unsigned int nr_outstanding;
	u32 nr_posted;
	u64 last_post_ns;
	struct scsi_cmnd *handing[ACXXX_MAX_SLOTS];
	struct hrtimer poll_timer;
	u32 poll_ns;
	unsigned int poll_found;
	u32 poll_posted;
	struct acxxx_poll_learn poll_learn;
	bool polling;
	u8 poll_shallow;
	bool poll_next;
	wait_queue_head_t waitq;
	struct acxxx_ireq ireq[ACXXX_FIRST_IO_SLOT];

	struct acxxx_init init;
	u32 init_read;
	unsigned int init_tries;

	struct workqueue_struct *wq;
	struct workqueue_struct *aux_wq;
	struct delayed_work bringup_work;
	struct work_struct rescan_work;
	struct delayed_work repost_work;
	struct work_struct drain_work;
	struct work_struct recover_work;
	const char *recover_why;
	struct delayed_work health_work;
	unsigned int health_misses;
	struct delayed_work pause_work;
	struct completion ready;
	bool events_on;
	bool no_tmf;
	atomic_t ireq_lost;

	struct mutex reset_mutex;	/* re-inits and the start of detaching */
	struct mutex scan_mutex;	/* protects lun_map and ident */
	struct acxxx_ident ident;
	u16 lun_map[ACXXX_MAX_LUNS];

	int irq;
	bool irq_shared;
	atomic_t stat_bad_replies;
	struct acxxx_stats stats;

	spinlock_t ev_lock;		/* ev_log, ev_seq */
	u64 ev_seq;
	struct acxxx_bsg_event ev_log[ACXXX_BSG_EVENT_LOG];
	u64 ev_told;
	struct work_struct event_work;

	struct device *bsg_dev;
	struct request_queue *bsg_queue;
#ifdef ACXXX_BENCH
	atomic64_t bench_locks;
#endif
};

/*
 * hba->lock, taken with interrupts disabled.  Bench builds (make
 * ACXXX_BENCH=y) count the acquisitions for make bench.
 */
#ifdef ACXXX_BENCH
#define acxxx_bench_lock_taken(hba)	atomic64_inc(&(hba)->bench_locks)
#else
#define acxxx_bench_lock_taken(hba)	do { } while (0)
#endif

#define acxxx_lock(hba, flags)					\
	do {							\
		struct acxxx_hba *__hba = (hba);		\
								\
		spin_lock_irqsave(&__hba->lock, flags);		\
		acxxx_bench_lock_taken(__hba);			\
	} while (0)

#define acxxx_unlock(hba, flags)	spin_unlock_irqrestore(&(hba)->lock, flags)

static inline u32 acxxx_readl(struct acxxx_hba *hba, u32 reg)
{
	return readl(hba->regs + reg);
}

static inline void acxxx_writel(struct acxxx_hba *hba, u32 reg, u32 val)
{
	writel(val, hba->regs + reg);
}

static inline struct acxxx_hba *shost_to_hba(struct Scsi_Host *shost)
{
	return shost_priv(shost);
}

/* Slot of a SCSI command: one slot per blk-mq tag. */
static inline u16 acxxx_cmd_slot(struct scsi_cmnd *scmd)
{
	return ACXXX_FIRST_IO_SLOT + scsi_cmd_to_rq(scmd)->tag;
}

/* LUN index on the wire of a SCSI device: target id - 1 (16.4). */
static inline int acxxx_sdev_lun(struct scsi_device *sdev)
{
	if (sdev->channel || sdev->lun || sdev->id < 1 ||
	    sdev->id > ACXXX_MAX_LUNS)
		return -ENODEV;
	return sdev->id - 1;
}

/* ---- acxxx_ctrl.c: the state machine and what it drives ---- */

/**
 * enum acxxx_submit - may a request be posted in this state?
 * @ACXXX_SUBMIT_OK: yes
 * @ACXXX_SUBMIT_BUSY: not now: the state will change (retry later)
 * @ACXXX_SUBMIT_FAIL: never again: offline or stopped
 */
enum acxxx_submit {
	ACXXX_SUBMIT_OK,
	ACXXX_SUBMIT_BUSY,
	ACXXX_SUBMIT_FAIL,
};

/* What a refusal means to the caller: -EBUSY (retry) or -ENODEV. */
static inline int acxxx_submit_errno(enum acxxx_submit s)
{
	return s == ACXXX_SUBMIT_OK ? 0 : s == ACXXX_SUBMIT_BUSY ? -EBUSY : -ENODEV;
}

bool acxxx_state_allowed(enum acxxx_state old, enum acxxx_state new);
bool acxxx_change_state(struct acxxx_hba *hba, enum acxxx_state new);
enum acxxx_submit acxxx_can_submit(enum acxxx_state st);
enum acxxx_submit acxxx_can_ireq(enum acxxx_state st);
enum acxxx_submit acxxx_can_manage(enum acxxx_state st);
bool acxxx_can_drain(enum acxxx_state st);
bool acxxx_irq_expected(enum acxxx_state st);
bool acxxx_takes_work(enum acxxx_state st);
const char *acxxx_state_name(enum acxxx_state st);

void acxxx_bringup_begin(struct acxxx_hba *hba, unsigned long delay);
void acxxx_ctrl_init(struct acxxx_hba *hba);
int acxxx_reinit(struct acxxx_hba *hba, const char *why);
void acxxx_go_offline(struct acxxx_hba *hba, const char *why);
void acxxx_schedule_recovery(struct acxxx_hba *hba, const char *why);
bool acxxx_doorbell(struct acxxx_hba *hba);
void acxxx_event(struct acxxx_hba *hba, const struct acxxx_cpl *cpl);
int acxxx_read_page0(struct acxxx_hba *hba, struct acxxx_ident *id);

/**
 * struct acxxx_mgmt_user - a management request from user space
 * @cdb: the 32-byte management CDB
 * @dir: ACXXX_CTL_DIR_NONE, _WRITE or _READ (from the opcode table)
 * @len: bytes it moves, at most ACXXX_MGMT_BUF_SIZE
 * @buf: @len bytes: the data to send, or where the data read goes
 * @timeout_ms: how long to wait for the firmware
 */
struct acxxx_mgmt_user {
	const u8 *cdb;
	u8 dir;
	u32 len;
	void *buf;
	unsigned int timeout_ms;
};

int acxxx_mgmt_exec(struct acxxx_hba *hba, const struct acxxx_mgmt_user *mu,
		    struct acxxx_cpl *cpl);
int acxxx_tmf(struct acxxx_hba *hba, u8 type, u8 lun, u16 task_slot,
	      struct acxxx_cpl *cpl);
void acxxx_ctrl_detach(struct acxxx_hba *hba);
void acxxx_ctrl_stop_work(struct acxxx_hba *hba);
void acxxx_ctrl_stop(struct acxxx_hba *hba);
int acxxx_ctrl_suspend(struct acxxx_hba *hba);
void acxxx_ctrl_resume(struct acxxx_hba *hba);
void acxxx_ctrl_pci_frozen(struct acxxx_hba *hba);
void acxxx_ctrl_pci_resume(struct acxxx_hba *hba);

/* ---- acxxx_fw.c: registers, submission, completion ---- */
bool acxxx_present(struct acxxx_hba *hba);
void acxxx_irq_mask(struct acxxx_hba *hba, bool on);
bool acxxx_post_room_locked(struct acxxx_hba *hba);
int acxxx_post_locked(struct acxxx_hba *hba, u16 slot);
int acxxx_post_scsi(struct acxxx_hba *hba, struct scsi_cmnd *scmd, int nseg,
		    u8 lun, u8 dir);
void acxxx_post_all_frames(struct acxxx_hba *hba);
unsigned int acxxx_drain(struct acxxx_hba *hba, bool poll);
void acxxx_poll_decide(struct acxxx_hba *hba, unsigned int depth,
		       bool entered);
u32 acxxx_poll_interval(u32 cur_ns, bool polling, unsigned int shallow,
			const struct acxxx_poll_sample *s);
u32 acxxx_poll_learn(struct acxxx_poll_learn *l, u32 cur_ns,
		     struct acxxx_poll_sample *s);
void acxxx_poll_init(struct acxxx_hba *hba);
void acxxx_poll_stop(struct acxxx_hba *hba);
void acxxx_drain_work(struct work_struct *work);
void acxxx_repost_work(struct work_struct *work);
irqreturn_t acxxx_isr(int irq, void *data);
void acxxx_release_slot(struct acxxx_hba *hba, u16 slot);
void acxxx_release_all(struct acxxx_hba *hba);
bool acxxx_abort_slot(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
		      bool terminated);
void acxxx_release_volume(struct acxxx_hba *hba, struct scsi_device *sdev);
bool acxxx_outstanding(struct acxxx_hba *hba, struct scsi_cmnd *scmd);
void acxxx_wait_handback(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
			 struct scsi_device *sdev);

/* ---- acxxx_app.c: the management interface (bsg), the event log ---- */
int acxxx_app_init(struct acxxx_hba *hba);
void acxxx_app_exit(struct acxxx_hba *hba);
void acxxx_event_log(struct acxxx_hba *hba, const struct acxxx_cpl *cpl);
void acxxx_event_work(struct work_struct *work);
void acxxx_lun_uevent(struct acxxx_hba *hba, unsigned int lun, bool present);
void acxxx_evlog_window(u64 last, u64 since, u32 max, u64 *first, u32 *n,
			u64 *lost);

/* ---- acxxx_main.c ---- */
extern const struct attribute_group *acxxx_host_groups[];

/* ---- acxxx_scsi.c ---- */
extern ACXXX_SHT_CONST struct scsi_host_template acxxx_sht;
bool acxxx_set_result(struct scsi_cmnd *scmd, const struct acxxx_cpl *cpl);
void acxxx_scsi_done(struct scsi_cmnd *scmd);
void acxxx_finish_scsi(struct scsi_cmnd *scmd, int host_byte);
int acxxx_reconcile(struct acxxx_hba *hba, const struct acxxx_ident *id,
		    bool notify);
void acxxx_rescan_work(struct work_struct *work);

#endif /* ACXXX_H */
