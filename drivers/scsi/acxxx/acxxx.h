/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acxxx: Linux driver for the Accusys DAS RAID host bus adapters.
 *
 * Locking
 * -------
 * One spinlock per adapter, hba->lock (taken with interrupts disabled),
 * protects the core state (hba->ctl: slot and reply frame ownership), the
 * table of outstanding SCSI commands (hba->cmds), the internal request
 * bookkeeping (hba->ireq), the frames waiting to be returned, the state
 * word and the pause flag, and every access to REQUEST_PORT and REPLY_PORT:
 * a slot is marked outstanding and posted under it, and a reply descriptor
 * is popped and decoded under it, so a completion can never race with the
 * post or with another completion.  Internal request waiters are woken
 * under it too, so a late reply can never wake the next user of the slot.
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
 * event switch request); hba->reset_mutex serialises controller re-inits; and
 * hba->scan_mutex protects what the SCSI midlayer has been told about the
 * volumes (hba->lun_map, hba->ident).  Lock order: scan_mutex,
 * reset_mutex, an ireq mutex, then lock.
 *
 * Bring-up and LUN reconciliation run as work items on the adapter's
 * ordered workqueue, so they never run concurrently with each other.
 */
#ifndef ACXXX_H
#define ACXXX_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

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
 * enum acxxx_state - adapter state
 * @ACXXX_ST_INIT: bring-up in progress
 * @ACXXX_ST_RUNNING: serving I/O
 * @ACXXX_ST_RESETTING: a host reset is re-initialising the controller
 * @ACXXX_ST_OFFLINE: the controller failed or is gone: I/O fails
 * @ACXXX_ST_REMOVING: the driver is detaching
 */
enum acxxx_state {
	ACXXX_ST_INIT,
	ACXXX_ST_RUNNING,
	ACXXX_ST_RESETTING,
	ACXXX_ST_OFFLINE,
	ACXXX_ST_REMOVING,
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
 * struct acxxx_hba - one adapter
 * @shost: the SCSI host
 * @pdev: the PCI function
 * @regs: register BAR
 * @dialect: register dialect
 * @stage: bring-up stage
 * @lock: see "Locking" above
 * @state: enum acxxx_state (@lock)
 * @paused: the firmware asked the host to pause (@lock)
 * @ctl: core state (@lock)
 * @ctl_mem: control memory
 * @ctl_dma: its bus address
 * @ctl_size: its size
 * @cmds: outstanding SCSI command of each slot (@lock)
 * @handing: command of each slot being handed back outside @lock (@lock)
 * @waitq: woken when a hand-back ends and when PCI error recovery ends
 * @sgl: scratch segment array of the command being posted (@lock)
 * @ireq: internal requests, indexed by slot (@lock for posting)
 * @repost: reply frames the 2208's free FIFO had no room for (@lock)
 * @nr_repost: number of them
 * @sense: scratch sense buffer of the reply being decoded (@lock)
 * @init: handshake state (bring-up work only)
 * @init_read: register the handshake asked to read next
 * @init_tries: handshakes bring-up has started
 * @wq: ordered workqueue: bring-up and reconciliation
 * @aux_wq: recovery, health checks, frame returns, pause watch
 * @bringup_work: bring-up, one handshake step per run
 * @rescan_work: LUN map reconciliation
 * @repost_work: retries returning reply frames (2208 FIFO full)
 * @drain_work: goes on draining when the interrupt handler's budget ran out
 * @recover_work: re-init outside the error handler (flush, hang)
 * @recover_why: reason of the pending re-init, for the log
 * @health_work: periodic check that the device and its firmware live
 * @health_misses: checks in a row that found the firmware not running
 * @pause_work: watches for "resume" while the firmware paused the host
 * @ready: completed when bring-up and the first reconciliation ended
 * @removing: the driver is detaching: no new work is queued (@lock)
 * @pci_error: the PCI core is recovering from an error: leave the device be
 * @events_on: the event switch is on
 * @no_tmf: the firmware answered task management with "invalid function"
 * @ireq_lost: internal requests in a row the firmware did not answer
 * @reset_mutex: serialises re-inits (host reset, recovery)
 * @scan_mutex: protects @lun_map
 * @ident: identity from page 0 (@scan_mutex)
 * @lun_map: LUN map the midlayer has been told about (@scan_mutex)
 * @irq: Linux interrupt number
 * @irq_shared: INTx, shared: the handler may see interrupts of others
 * @irq_ready: the first handshake unmasked the device's interrupt
 * @stat_bad_replies: rejected reply descriptors (rate-limited log)
 */
struct acxxx_hba {
	struct Scsi_Host *shost;
	struct pci_dev *pdev;
	void __iomem *regs;
	enum acxxx_dialect dialect;
	enum acxxx_stage stage;

	spinlock_t lock;		/* see "Locking" at the top */
	enum acxxx_state state;
	bool paused;
	struct acxxx_ctl ctl;
	void *ctl_mem;
	dma_addr_t ctl_dma;
	size_t ctl_size;
	struct scsi_cmnd *cmds[ACXXX_MAX_SLOTS];
	struct scsi_cmnd *handing[ACXXX_MAX_SLOTS];
	wait_queue_head_t waitq;
	struct acxxx_sge sgl[ACXXX_MAX_SGE];
	struct acxxx_ireq ireq[ACXXX_FIRST_IO_SLOT];
	u16 repost[ACXXX_MAX_SLOTS];
	unsigned int nr_repost;
	u8 sense[SCSI_SENSE_BUFFERSIZE];

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
	bool removing;
	bool pci_error;
	bool events_on;
	bool no_tmf;
	atomic_t ireq_lost;

	struct mutex reset_mutex;	/* one re-init at a time */
	struct mutex scan_mutex;	/* protects lun_map and ident */
	struct acxxx_ident ident;
	u16 lun_map[ACXXX_MAX_LUNS];

	int irq;
	bool irq_shared;
	bool irq_ready;
	atomic_t stat_bad_replies;
};

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

/*
 * Take the command of a slot out of the table to hand it back to the
 * midlayer outside hba->lock; acxxx_handback_end() once scsi_done returned.
 */
static inline struct scsi_cmnd *acxxx_handback_begin(struct acxxx_hba *hba,
						     u16 slot)
{
	struct scsi_cmnd *scmd = hba->cmds[slot];

	lockdep_assert_held(&hba->lock);
	hba->cmds[slot] = NULL;
	hba->handing[slot] = scmd;
	return scmd;
}

/* State changes are made under hba->lock and read without it. */
static inline void acxxx_set_state(struct acxxx_hba *hba,
				   enum acxxx_state state)
{
	lockdep_assert_held(&hba->lock);
	WRITE_ONCE(hba->state, state);
}

/* acxxx_main.c */
extern const struct attribute_group *acxxx_host_groups[];
int acxxx_post_scsi(struct acxxx_hba *hba, struct scsi_cmnd *scmd, int nseg,
		    u8 lun, u8 dir);
int acxxx_ireq_run(struct acxxx_hba *hba, u16 slot, unsigned int timeout_s,
		   struct acxxx_cpl *cpl);
int acxxx_read_page0(struct acxxx_hba *hba, struct acxxx_ident *id);
int acxxx_tmf(struct acxxx_hba *hba, u8 type, u8 lun, u16 task_slot,
	      struct acxxx_cpl *cpl);
unsigned int acxxx_drain(struct acxxx_hba *hba);
int acxxx_reinit(struct acxxx_hba *hba, const char *why);
void acxxx_release_slot(struct acxxx_hba *hba, u16 slot);
void acxxx_handback_end(struct acxxx_hba *hba, u16 slot);
void acxxx_wait_handback(struct acxxx_hba *hba, struct scsi_cmnd *scmd,
			 struct scsi_device *sdev);

/* acxxx_scsi.c */
extern ACXXX_SHT_CONST struct scsi_host_template acxxx_sht;
void acxxx_complete_scsi(struct scsi_cmnd *scmd, const struct acxxx_cpl *cpl);
void acxxx_finish_scsi(struct scsi_cmnd *scmd, int host_byte);
int acxxx_reconcile(struct acxxx_hba *hba, const u16 *new_map);
void acxxx_rescan_work(struct work_struct *work);

#endif /* ACXXX_H */
