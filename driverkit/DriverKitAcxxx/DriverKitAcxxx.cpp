// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * DriverKitAcxxx: the macOS side of acxxx, a DriverKit extension
 * (IOUserSCSIParallelInterfaceController) over the shared OS-neutral core.
 *
 * Every method the family calls is here, in the family's order
 * (../shared/docs/driverkit.md §5.1, cited "DK §n"; docs/pipeline.md
 * maps each to the Linux driver).  All protocol work is the core's: the
 * handshake (acxxx_init_step, driven by a timer, never a loop), the start
 * and stop sequences around it (acxxx_start_begin, acxxx_stop_begin,
 * acxxx_seq_step, acxxx_seq_encode: frames, page 0, events, flushes,
 * detach), the dialect's needs (acxxx_caps), the slot layout and frame
 * encoding (acxxx_encode_*), posting values (acxxx_post_value), the
 * reply-frame return ring (acxxx_fret_*), reply decoding and its verdicts
 * (acxxx_decode_reply, acxxx_scsi_verdict, acxxx_tmf_verdict,
 * acxxx_decode_doorbell), page 0 and the LUN-map reconciliation
 * (acxxx_page0_result, acxxx_lun_diff), the null responder
 * (acxxx_null_exec).  This file moves register values the core computed
 * and translates the core's verdicts into SCSIUserParallelResponse.
 *
 * Stages (personality property "AcxxxStage", docs/pipeline.md §6):
 *  null   - no hardware at all: the core's null responder answers one
 *           1 GiB volume at target 1; reads fail, writes are discarded;
 *  single - the whole hardware path with one task slot and one target;
 *  full   - every volume of the LUN map, 505 task slots.
 *
 * Lock rule: ivars->lock guards the core's controller state (ctl, hs,
 * seq), the slot table, the LUN map and the state word.  It is held only
 * for short non-blocking sections, on any queue; nothing that waits for
 * another queue is called with it held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <DriverKit/DriverKit.h>
#include <PCIDriverKit/PCIDriverKit.h>
#include <SCSIControllerDriverKit/SCSIControllerDriverKit.h>

#include "DriverKitAcxxx.h"

extern "C" {
#include "acxxx_core.h"
}

#define ACX_VENDOR		0x14D6
#define ACX_NR_IO_SLOTS		(ACXXX_LAST_REPLY_SLOT + 1 - ACXXX_FIRST_IO_SLOT)
#define ACX_MAX_TRANSFER	(1024u * 1024u)
#define ACX_TMF_WAIT_MS		2000u
#define ACX_QUIESCE_MS		5000u	/* power-off: outstanding tasks may finish */
#define ACX_DEADLINE_MS		30000u	/* a task's deadline without a kernel timeout */
#define ACX_NULL_BUF		(64u * 1024u)

enum acx_stage { STAGE_NULL, STAGE_SINGLE, STAGE_FULL };

enum acx_state {
	ST_DOWN,	/* nothing started */
	ST_HANDSHAKE,	/* bring-up or re-init handshake running on the timer */
	ST_START,	/* the core's start sequence: frames, page 0, events */
	ST_RUNNING,
	ST_OFFLINE,	/* the firmware did not come back */
	ST_QUIESCE,	/* power-off or stop: no new task, the stop sequence */
	ST_POWER_OFF,	/* stopped for a power change; On starts over */
	ST_STOPPED,
};

struct acx_slot {
	OSAction *completion;	/* retained while the task is in flight */
	uint64_t target;
	uint64_t tag;
	uint64_t deadline;	/* ms: the sample's own deadline (DK §5.4) */
	uint8_t lun;
	bool busy;
};

struct DriverKitAcxxx_IVars {
	IOPCIDevice *pci;
	IODispatchQueue *auxQueue;
	IODispatchQueue *intQueue;
	IOInterruptDispatchSource *irq;
	IOTimerDispatchSource *hsTimer;
	IOTimerDispatchSource *auxTimer;
	OSAction *irqAction;
	OSAction *hsAction;
	OSAction *auxAction;
	IOLock *lock;

	enum acx_stage stage;
	enum acxxx_dialect dialect;
	uint8_t bar;
	uint32_t maxTasks;
	uint32_t nextTask;

	/* control block: one buffer, mapped and prepared once (DK §4.3) */
	IOBufferMemoryDescriptor *ctlMem;
	IOMemoryMap *ctlMap;
	IODMACommand *ctlDMA;
	uint64_t ctlBus;
	uint64_t ctlBusLen;
	struct acxxx_layout lay;
	struct acxxx_ctl ctl;

	/* handshake */
	struct acxxx_init hs;
	uint32_t hsRead;
	uint64_t hsNext;	/* ms of the next handshake step */
	uint64_t timerAt;	/* ms the controller timer is armed for */
	enum acx_state state;
	bool reinit;
	bool irqReady;
	unsigned int reinits;

	/* the core's start or stop sequence, one request at a time */
	struct acxxx_seq seq;
	struct acxxx_seq_io seqIo;
	bool seqActive;		/* seqIo's request is out */
	int seqEnd;		/* acxxx_seq_step's end: 1 done, < 0 failed */
	uint64_t seqDeadline;	/* ms: its reply is given up then */
	struct acxxx_ident ident;
	bool eventsOn;
	uint32_t powerAck;	/* flags to acknowledge once running (On) */
	bool powerAckDue;

	struct acx_slot slot[ACXXX_MAX_SLOTS];

	/* LUN map and targets */
	uint16_t lunMap[ACXXX_MAX_LUNS];
	uint64_t toAdd;		/* LUN indices whose target must be created */
	uint64_t toRemove;	/* ... destroyed */
	uint64_t targets;	/* indices with a target */
	bool mgmtBusy;
	bool rescan;

	/* task management: the family's (synchronous) */
	bool tmfDone;
	int tmfErr;
	struct acxxx_cpl tmfCpl;

	/* the sample's own deadline: an abort out for ehVictim, then re-init */
	uint16_t ehVictim;	/* 0 once it completed */
	bool ehAbortOut;
	uint64_t ehDeadline;
	unsigned int deadlineAborts;

	uint8_t nullBuf[ACX_NULL_BUF];
};

/* ---- registers: values and offsets come from the core ----------------- */

static uint32_t rd(DriverKitAcxxx_IVars *iv, uint32_t reg)
{
	uint32_t v = ~0u;

	iv->pci->MemoryRead32(iv->bar, reg, &v);
	return v;
}

static void wr(DriverKitAcxxx_IVars *iv, uint32_t reg, uint32_t val)
{
	iv->pci->MemoryWrite32(iv->bar, reg, val);
}

static void wr_all(DriverKitAcxxx_IVars *iv, const struct acxxx_wr *w, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		wr(iv, w[i].reg, w[i].val);
}

static uint64_t now_ms(void)
{
	return mach_absolute_time() / 1000000ull;	/* [ext] timebase 1:1 assumed */
}

static void arm_timer(IOTimerDispatchSource *t, uint64_t at_ms)
{
	t->WakeAtTime(kIOTimerClockMachAbsoluteTime, at_ms * 1000000ull, 0);
}

/*
 * Hand the reply frames queued in the core's return ring back to the
 * firmware, with the reads and writes the core asks for.  Frames the 2208's
 * free FIFO has no room for wait for the controller timer.
 */
static void flush_frames(DriverKitAcxxx_IVars *iv)
{
	struct acxxx_wr w[ACXXX_FRET_MAX_WR];
	unsigned int n;
	uint32_t reg;

	for (;;) {
		reg = acxxx_fret_read_reg(&iv->ctl);
		if (reg != ACXXX_NO_READ && !acxxx_fret_credit(&iv->ctl, rd(iv, reg)))
			break;
		n = acxxx_fret_next(&iv->ctl, w);
		if (!n)
			break;
		wr_all(iv, w, n);
	}
}

/* 0, or -EBUSY when the inbound queue has no room (caps->post_room_read). */
static int post(DriverKitAcxxx_IVars *iv, uint16_t slot)
{
	int ret;

	if (iv->ctl.caps->post_room_read &&
	    rd(iv, ACXXX_REG_REQUEST_PORT) == ACXXX_EMPTY)
		return -EBUSY;
	ret = acxxx_slot_start(&iv->ctl, slot);
	if (ret)
		return ret;
	wr(iv, ACXXX_REG_REQUEST_PORT, acxxx_post_value(&iv->ctl, slot));
	return 0;
}

/*
 * The controller timer (HandshakeTimer) serves the handshake, the reply
 * deadline of a sequence's request, frames the 2208's FIFO could not take,
 * the task-management deadline of the sample's own abort and the tasks'
 * deadlines: one wake-up, at the earliest of them.
 */
static void arm_ctl_timer(DriverKitAcxxx_IVars *iv)
{
	uint64_t at = UINT64_MAX;

	if (!iv->hsTimer)
		return;
	if (iv->state == ST_HANDSHAKE)
		at = iv->hsNext;
	if (iv->seqActive && iv->seqDeadline < at)
		at = iv->seqDeadline;
	if (acxxx_fret_pending(&iv->ctl) && iv->irqReady)
		at = now_ms() + 1 < at ? now_ms() + 1 : at;
	if (iv->ehAbortOut && iv->ehDeadline < at)
		at = iv->ehDeadline;
	if (iv->state == ST_RUNNING && !iv->ehAbortOut) {
		uint64_t soon = now_ms() + 100;	/* a late task waits its turn */

		for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++) {
			uint64_t d = iv->slot[s].deadline < soon ? soon : iv->slot[s].deadline;

			if (iv->slot[s].busy && d < at)
				at = d;
		}
	}
	iv->timerAt = at;
	if (at != UINT64_MAX)
		arm_timer(iv->hsTimer, at);
}

/* ---- completions -------------------------------------------------------- */

static void complete_slot(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint16_t slot,
			  SCSIServiceResponse service, SCSITaskStatus status,
			  uint64_t bytes, const uint8_t *sense, uint8_t senseLen)
{
	struct acx_slot *s = &iv->slot[slot];
	SCSIUserParallelResponse rsp;
	OSAction *action = s->completion;

	if (!s->busy)
		return;
	memset(&rsp, 0, sizeof(rsp));
	rsp.version = kScsiUserParallelTaskResponseCurrentVersion1;
	rsp.fTargetID = s->target;
	rsp.fControllerTaskIdentifier = slot;
	rsp.fServiceResponse = service;
	rsp.fCompletionStatus = status;
	rsp.fBytesTransferred = bytes;
	if (sense && senseLen) {
		memcpy(rsp.fSenseBuffer, sense, senseLen);
		rsp.fSenseLength = senseLen;
	}
	s->busy = false;
	s->completion = nullptr;
	if (iv->ehVictim == slot)
		iv->ehVictim = 0;	/* its abort's answer concerns no task now */
	/* One-way message (DK §2.5): safe with the lock held. */
	self->ParallelTaskCompletion(action, rsp);
	OSSafeReleaseNULL(action);
}

/* A task ended without a SCSI status: the upper layer sends it again. */
static void complete_retry(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint16_t slot)
{
	complete_slot(self, iv, slot, kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
		      kSCSITaskStatus_DeliveryFailure, 0, nullptr, 0);
}

/*
 * A reply's outcome: the core's verdict (acxxx_scsi_verdict), translated
 * into DriverKit's codes (DK §3.4's recommended mapping).
 */
static void complete_cpl(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv,
			 const struct acxxx_cpl *cpl, const uint8_t *sense)
{
	struct acxxx_verdict v;
	uint32_t senseLen = cpl->sense_len;

	acxxx_scsi_verdict(cpl, &v);
	if (senseLen > (uint32_t)kMaxSenseBufferSize)
		senseLen = kMaxSenseBufferSize;
	switch (v.host) {
	case ACXXX_HOST_OK:
		complete_slot(self, iv, cpl->slot, kSCSIServiceResponse_TASK_COMPLETE,
			      v.sam_status,
			      v.sam_status == ACXXX_SAM_BUSY ||
			      v.sam_status == ACXXX_SAM_TASK_SET_FULL ? 0 :
			      cpl->data_len - v.residual, sense, (uint8_t)senseLen);
		break;
	case ACXXX_HOST_NO_CONNECT:
	case ACXXX_HOST_BAD_TARGET:
		complete_slot(self, iv, cpl->slot,
			      kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
			      kSCSITaskStatus_DeviceNotPresent, 0, nullptr, 0);
		break;
	default:	/* error, retry, reset: the upper layer retries */
		if (v.rejected)
			IOLog("DriverKitAcxxx: task %u refused, reply status 0x%02x\n",
			      cpl->slot, cpl->reply_status);
		complete_retry(self, iv, cpl->slot);
		break;
	}
}

/* Fail every task the firmware held (re-init, offline, power-off). */
static void fail_all(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, SCSITaskStatus st)
{
	for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++)
		complete_slot(self, iv, s,
			      kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
			      st, 0, nullptr, 0);
}

static unsigned int tasks_busy(DriverKitAcxxx_IVars *iv)
{
	unsigned int n = 0;

	for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++)
		n += iv->slot[s].busy;
	return n;
}

/* ---- bring-up, the start and stop sequences, page 0, LUN map ------------ */

/* Start the handshake (bring-up, re-init, power-on); the timer runs it. */
static void start_handshake(DriverKitAcxxx_IVars *iv, bool reinit)
{
	struct acxxx_init_params p;

	acxxx_init_default_params(&p);
	iv->irqReady = false;
	wr(iv, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	acxxx_ctl_reset(&iv->ctl);
	iv->seqActive = false;
	iv->ehVictim = 0;
	iv->mgmtBusy = false;
	iv->reinit = reinit;
	iv->state = ST_HANDSHAKE;
	iv->hsRead = ACXXX_INIT_NO_READ;
	acxxx_init_begin(&iv->hs, iv->dialect, iv->ctl.hi, reinit, &p, now_ms());
	iv->hsNext = now_ms();
	arm_ctl_timer(iv);
}

/*
 * Controller re-init: the handshake makes the firmware forget every
 * request (hw spec 16.11).  The tasks it held are handed back only when
 * the handshake is done (HandshakeTimer): until then a firmware that is
 * still running (a flush request races with new posts) may yet move
 * their data, and the kernel unmaps a task's buffer when it completes.
 */
static void reinit(DriverKitAcxxx_IVars *iv)
{
	if (iv->state >= ST_QUIESCE)
		return;		/* stopping or powered off: no re-init */
	IOLog("DriverKitAcxxx: re-initialising the controller\n");
	iv->reinits++;
	iv->tmfDone = true;
	iv->tmfErr = -EIO;
	start_handshake(iv, true);
}

/* The LUN map read from page 0: reconcile it into target work. */
static void reconcile(DriverKitAcxxx_IVars *iv, const uint16_t *map)
{
	struct acxxx_lun_diff d;

	acxxx_lun_diff(iv->lunMap, map, &d);
	memcpy(iv->lunMap, map, sizeof(iv->lunMap));
	iv->toRemove |= d.remove;
	iv->toAdd = (iv->toAdd & ~d.remove) | d.add;
	if (iv->state == ST_RUNNING && (iv->toAdd || iv->toRemove))
		arm_timer(iv->auxTimer, now_ms());
}

/* A rescan: page 0 again (a LUN-change event, or after a re-init). */
static void request_page0(DriverKitAcxxx_IVars *iv)
{
	struct acxxx_seq_io io;

	memset(&io, 0, sizeof(io));
	io.act = ACXXX_ACT_REQUEST;
	io.req = ACXXX_SEQ_PAGE0;
	io.slot = ACXXX_SLOT_MGMT;
	if (iv->mgmtBusy || acxxx_slot_active(&iv->ctl, ACXXX_SLOT_MGMT))
		return;
	if (acxxx_seq_encode(&iv->ctl, &io) || post(iv, ACXXX_SLOT_MGMT)) {
		iv->rescan = true;	/* tried again at the next interrupt */
		return;
	}
	iv->rescan = false;
	iv->mgmtBusy = true;
}

static void on_page0(DriverKitAcxxx_IVars *iv, const struct acxxx_cpl *cpl)
{
	struct acxxx_ident id;

	iv->mgmtBusy = false;
	if (acxxx_page0_result(&iv->ctl, 0, cpl, &id)) {
		IOLog("DriverKitAcxxx: page 0 read failed: reply status 0x%02x\n",
		      cpl->reply_status);
		return;
	}
	reconcile(iv, id.lun_map);
}

/* The start sequence ended (1) or failed (< 0). */
static void start_done(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, int ret)
{
	if (ret < 0) {
		IOLog("DriverKitAcxxx: start failed (%d): offline\n", ret);
		iv->state = ST_OFFLINE;
		fail_all(self, iv, kSCSITaskStatus_DeviceNotResponding);
		return;
	}
	iv->eventsOn = iv->seq.events_on;
	if (iv->seq.evsw_err)
		IOLog("DriverKitAcxxx: firmware events unavailable (%d): volume "
		      "changes need a rescan\n", iv->seq.evsw_err);
	iv->state = ST_RUNNING;
	if (iv->seq.id) {
		IOLog("DriverKitAcxxx: %s serial %s firmware %s\n", iv->ident.model,
		      iv->ident.serial, iv->ident.fw_version);
		reconcile(iv, iv->ident.lun_map);
	} else {
		request_page0(iv);	/* a re-init: the LUN map again */
	}
	arm_timer(iv->auxTimer, now_ms());
	if (iv->powerAckDue) {
		/* The hardware is on again: acknowledge (DK §5.7). */
		iv->powerAckDue = false;
		self->SetPowerState(iv->powerAck, SUPERDISPATCH);
	}
}

/*
 * Run the core's sequence (iv->seq) from the outcome of its last request
 * (@err, @cpl) up to the next request it asks for, which is posted; its
 * reply comes through drain (seq_reply), or the controller timer gives it
 * up.  Returns 0 while the sequence goes on, else acxxx_seq_step's end.
 */
static int seq_run(DriverKitAcxxx_IVars *iv, int err, const struct acxxx_cpl *cpl)
{
	int ret;

	for (;;) {
		ret = acxxx_seq_step(&iv->seq, &iv->ctl, err, cpl, &iv->seqIo);
		wr_all(iv, iv->seqIo.wr, iv->seqIo.nr_wr);
		if (ret)
			return ret;
		err = 0;
		cpl = nullptr;
		if (iv->seqIo.act == ACXXX_ACT_FRAMES) {
			acxxx_fret_push_all(&iv->ctl);
			flush_frames(iv);
		} else if (iv->seqIo.act == ACXXX_ACT_REQUEST) {
			err = acxxx_slot_active(&iv->ctl, iv->seqIo.slot) ? -EBUSY :
			      acxxx_seq_encode(&iv->ctl, &iv->seqIo);
			if (!err)
				err = post(iv, iv->seqIo.slot);
			if (err)
				continue;	/* the core judges a request not sent */
			iv->seqActive = true;
			iv->seqDeadline = now_ms() + iv->seqIo.timeout_s * 1000ull;
			arm_ctl_timer(iv);
			return 0;
		}
	}
}

/* The reply to (or the end of the wait for) the sequence's request. */
static void seq_reply(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, int err,
		      const struct acxxx_cpl *cpl)
{
	int ret;

	iv->seqActive = false;
	ret = seq_run(iv, err, cpl);
	if (!ret)
		return;
	iv->seqEnd = ret;
	if (!iv->seq.stop)
		start_done(self, iv, ret);
}

/* Is @cpl the reply to the sequence's request? */
static bool seq_owns(DriverKitAcxxx_IVars *iv, const struct acxxx_cpl *cpl)
{
	return iv->seqActive && cpl->slot && cpl->slot == iv->seqIo.slot;
}

/*
 * The sample's own deadline (DK §5.4), the Linux error handler's ladder
 * in short: a task the firmware has not answered by its deadline is
 * aborted with the core's task management request (ACXXX_SLOT_TMF); an
 * abort that fails or gets no answer within ACX_TMF_WAIT_MS re-inits the
 * controller, which hands every task back, retryable.
 */
static void eh_abort_reply(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, int err,
			   const struct acxxx_cpl *cpl)
{
	uint16_t victim = iv->ehVictim;
	bool outstanding = victim && iv->slot[victim].busy;

	iv->ehAbortOut = false;
	iv->ehVictim = 0;
	switch (acxxx_tmf_verdict(err, cpl, ACXXX_TMF_ABORT_TASK, outstanding)) {
	case ACXXX_TMF_RES_DONE:
		IOLog("DriverKitAcxxx: task %u aborted after its deadline\n", victim);
		acxxx_slot_finish(&iv->ctl, victim);
		complete_retry(self, iv, victim);
		break;
	case ACXXX_TMF_RES_COMPLETED:
		break;		/* its own reply came first */
	default:
		IOLog("DriverKitAcxxx: abort of task %u failed (%d)\n", victim, err);
		reinit(iv);
		break;
	}
}

/* Called from the controller timer with the lock held, while running. */
static void eh_check(DriverKitAcxxx_IVars *iv)
{
	uint64_t now = now_ms();
	uint16_t victim = 0;

	if (iv->ehAbortOut) {
		if (now >= iv->ehDeadline) {
			IOLog("DriverKitAcxxx: no answer to the abort of task %u\n",
			      iv->ehVictim);
			iv->ehAbortOut = false;
			iv->ehVictim = 0;
			reinit(iv);
		}
		return;
	}
	for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS && !victim; s++)
		if (iv->slot[s].busy && iv->slot[s].deadline <= now)
			victim = s;
	if (!victim || acxxx_slot_active(&iv->ctl, ACXXX_SLOT_TMF))
		return;		/* nothing late, or the family's abort is out */
	if (acxxx_encode_tmf(&iv->ctl, ACXXX_SLOT_TMF, ACXXX_TMF_ABORT_TASK,
			     iv->slot[victim].lun, victim) ||
	    post(iv, ACXXX_SLOT_TMF)) {
		reinit(iv);
		return;
	}
	iv->deadlineAborts++;
	iv->ehVictim = victim;
	iv->ehAbortOut = true;
	iv->ehDeadline = now + ACX_TMF_WAIT_MS;
}

/*
 * Drain the reply queue, at most one pass over the slots: a level
 * interrupt still up brings the handler back, and the queue is never held
 * for long while the firmware keeps replying.  The caller holds the lock.
 */
static void drain(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv)
{
	uint8_t sense[kMaxSenseBufferSize];
	struct acxxx_cpl cpl;
	unsigned int budget = ACXXX_MAX_SLOTS;
	uint32_t desc;

	while (budget-- && (desc = rd(iv, ACXXX_REG_REPLY_PORT)) != ACXXX_EMPTY) {
		int ret = acxxx_decode_reply(&iv->ctl, desc, &cpl, sense, sizeof(sense));

		if (cpl.frame)
			acxxx_fret_push(&iv->ctl, cpl.frame);
		if (ret)
			continue;	/* the core rejected it: nothing to complete */
		if (seq_owns(iv, &cpl)) {
			seq_reply(self, iv, 0, &cpl);
			continue;
		}
		switch (cpl.kind) {
		case ACXXX_CPL_EVENT:
			if (acxxx_event_type(cpl.event_code) == ACXXX_EV_LUN_CHANGE)
				iv->rescan = true;
			break;
		case ACXXX_CPL_MGMT:
			on_page0(iv, &cpl);
			break;
		case ACXXX_CPL_TMF:
			if (cpl.slot == ACXXX_SLOT_TMF && iv->ehAbortOut) {
				eh_abort_reply(self, iv, 0, &cpl);
				break;
			}
			iv->tmfCpl = cpl;	/* the family's request (run_tmf) */
			iv->tmfErr = 0;
			iv->tmfDone = true;
			break;
		case ACXXX_CPL_SCSI:
			if (cpl.slot >= ACXXX_FIRST_IO_SLOT)
				complete_cpl(self, iv, &cpl, sense);
			break;
		}
	}
	flush_frames(iv);
	if (iv->rescan && iv->state == ST_RUNNING)
		request_page0(iv);
}

/*
 * The core's stop sequence (acxxx_stop_begin): flush every volume's
 * cache, events off, mask, interface re-init so the firmware forgets the
 * host's reply frames.  Used by Stop and by a power-off, on Default: the
 * method must not return before the hardware is quiet, so it waits for
 * each reply (bounded by the core's timeouts), draining replies itself
 * with the lock dropped between polls.  The caller holds the lock.
 */
static void run_stop(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, bool talk)
{
	iv->seqActive = false;
	acxxx_stop_begin(&iv->seq, &iv->ctl, iv->lunMap, iv->eventsOn, talk, true);
	iv->seqEnd = seq_run(iv, 0, nullptr);
	while (!iv->seqEnd) {
		IOLockUnlock(iv->lock);
		IOSleep(1);
		IOLockLock(iv->lock);
		drain(self, iv);
		if (!iv->seqEnd && iv->seqActive && now_ms() > iv->seqDeadline)
			seq_reply(self, iv, -ETIMEDOUT, nullptr);
	}
	iv->irqReady = false;
	iv->eventsOn = iv->seq.events_on;
	for (unsigned int i = 0; i < ACXXX_MAX_LUNS; i++)
		if (iv->seq.flush_failed & (1ull << i))
			IOLog("DriverKitAcxxx: cache flush of volume %u failed\n", i);
	if (iv->seq.evsw_err)
		IOLog("DriverKitAcxxx: event switch off failed (%d)\n", iv->seq.evsw_err);
}
/* ---- IOService ----------------------------------------------------------- */

kern_return_t IMPL(DriverKitAcxxx, Start)(IOService *provider)
{
	DriverKitAcxxx_IVars *iv;
	OSDictionary *props = nullptr;
	kern_return_t ret;

	ivars = IONewZero(DriverKitAcxxx_IVars, 1);
	if (!ivars)
		return kIOReturnNoMemory;
	iv = ivars;
	iv->pci = OSDynamicCast(IOPCIDevice, provider);
	if (!iv->pci)
		return kIOReturnBadArgument;
	iv->pci->retain();
	iv->lock = IOLockAlloc();
	iv->stage = STAGE_FULL;
	if (CopyProperties(&props) == kIOReturnSuccess && props) {
		OSString *s = OSDynamicCast(OSString, props->getObject("AcxxxStage"));

		if (s && !strcmp(s->getCStringNoCopy(), "null"))
			iv->stage = STAGE_NULL;
		else if (s && !strcmp(s->getCStringNoCopy(), "single"))
			iv->stage = STAGE_SINGLE;
		OSSafeReleaseNULL(props);
	}
	for (unsigned int i = 0; i < ACXXX_MAX_LUNS; i++)
		iv->lunMap[i] = ACXXX_LUN_ABSENT;

	/* DK §6 #1: create each queue first, then register it (#2: every
	 * name is declared by a QUEUENAME in the .iig). */
	ret = IODispatchQueue::Create("AuxiliaryQueue", 0, 0, &iv->auxQueue);
	if (ret == kIOReturnSuccess)
		ret = SetDispatchQueue("AuxiliaryQueue", iv->auxQueue);
	if (ret == kIOReturnSuccess)
		ret = IODispatchQueue::Create("InterruptQueue", 0, 0, &iv->intQueue);
	if (ret == kIOReturnSuccess)
		ret = SetDispatchQueue("InterruptQueue", iv->intQueue);
	if (ret != kIOReturnSuccess) {
		IOLog("DriverKitAcxxx: queues: 0x%x\n", ret);
		return ret;
	}
	/* The family's bring-up runs inside (DK §5.1). */
	return Start(provider, SUPERDISPATCH);
}

/*
 * Quiesce for Stop or a power-off: no new task (UserProcessParallelTask
 * answers BUSY), then the core's stop sequence.  With @wait_ms the tasks
 * the firmware holds get that long to finish first (a power-off); Stop
 * has none left (the family completed them, DK §5.6).  Whatever is still
 * out after the interface re-init was forgotten by the firmware: handed
 * back, retryable, exactly once.  The caller holds the lock.
 */
static void quiesce(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint32_t wait_ms)
{
	bool talk = iv->state == ST_RUNNING;
	uint64_t end = now_ms() + wait_ms;

	iv->state = ST_QUIESCE;
	while (talk && tasks_busy(iv) && now_ms() < end) {
		IOLockUnlock(iv->lock);
		IOSleep(1);
		IOLockLock(iv->lock);
		drain(self, iv);
	}
	run_stop(self, iv, talk);
	iv->ehAbortOut = false;
	iv->ehVictim = 0;
	fail_all(self, iv, kSCSITaskStatus_DeliveryFailure);
}

kern_return_t IMPL(DriverKitAcxxx, Stop)(IOService *provider)
{
	DriverKitAcxxx_IVars *iv = ivars;

	if (!iv)
		return Stop(provider, SUPERDISPATCH);
	if (iv->lock) {
		IOLockLock(iv->lock);
		/* The family failed what was left (DK §5.6): forget it, so
		 * that a late reply completes nothing a second time. */
		for (unsigned int s = 0; s < ACXXX_MAX_SLOTS; s++) {
			iv->slot[s].busy = false;
			OSSafeReleaseNULL(iv->slot[s].completion);
		}
		if (iv->stage != STAGE_NULL && iv->state != ST_DOWN &&
		    iv->state != ST_POWER_OFF && iv->state != ST_STOPPED)
			quiesce(this, iv, 0);
		iv->state = ST_STOPPED;
		IOLockUnlock(iv->lock);
	}
	if (iv->irq)
		iv->irq->SetEnable(false);
	if (iv->irq)
		iv->irq->Cancel();
	if (iv->hsTimer)
		iv->hsTimer->Cancel();
	if (iv->auxTimer)
		iv->auxTimer->Cancel();
	OSSafeReleaseNULL(iv->irq);
	OSSafeReleaseNULL(iv->hsTimer);
	OSSafeReleaseNULL(iv->auxTimer);
	OSSafeReleaseNULL(iv->irqAction);
	OSSafeReleaseNULL(iv->hsAction);
	OSSafeReleaseNULL(iv->auxAction);
	if (iv->ctlDMA)
		iv->ctlDMA->CompleteDMA(0);
	OSSafeReleaseNULL(iv->ctlDMA);
	OSSafeReleaseNULL(iv->ctlMap);
	OSSafeReleaseNULL(iv->ctlMem);
	if (iv->stage != STAGE_NULL && iv->pci)
		iv->pci->Close(this, 0);
	OSSafeReleaseNULL(iv->pci);
	if (iv->lock)
		IOLockFree(iv->lock);
	OSSafeReleaseNULL(iv->auxQueue);
	OSSafeReleaseNULL(iv->intQueue);
	IOSafeDeleteNULL(ivars, DriverKitAcxxx_IVars, 1);
	return Stop(provider, SUPERDISPATCH);
}


/*
 * Power (DK §1 "Power", §5.7).  Off and Pause: quiesce and run the stop
 * sequence, then acknowledge.  On: a full handshake and the start
 * sequence with page 0 (volumes may have changed while the power was
 * off); the acknowledgment follows once the controller runs (start_done),
 * from InterruptQueue, so no queue waits for the firmware.
 */
kern_return_t IMPL(DriverKitAcxxx, SetPowerState)(uint32_t powerFlags)
{
	DriverKitAcxxx_IVars *iv = ivars;
	bool on = powerFlags & kIOServicePowerCapabilityOn;

	if (!iv || iv->stage == STAGE_NULL)
		return SetPowerState(powerFlags, SUPERDISPATCH);
	IOLockLock(iv->lock);
	if (!on && iv->state != ST_POWER_OFF && iv->state != ST_DOWN &&
	    iv->state != ST_STOPPED) {
		quiesce(this, iv, ACX_QUIESCE_MS);
		iv->state = ST_POWER_OFF;
	} else if (on && iv->state == ST_POWER_OFF) {
		iv->powerAck = powerFlags;
		iv->powerAckDue = true;
		start_handshake(iv, false);
		IOLockUnlock(iv->lock);
		return kIOReturnSuccess;	/* acknowledged by start_done */
	}
	IOLockUnlock(iv->lock);
	return SetPowerState(powerFlags, SUPERDISPATCH);
}
/* ---- bring-up (DK §2.2) -------------------------------------------------- */

/* The control block: sized and aligned in whole IOVMPageSize pages, mapped,
 * prepared for DMA once; address and length come from the segment. */
static kern_return_t alloc_control(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv)
{
	IODMACommandSpecification spec = { kIODMACommandSpecificationNoOptions, 64 };
	IOAddressSegment seg[32];
	uint32_t nseg = 32;
	uint64_t flags = 0, size;
	kern_return_t ret;

	if (acxxx_layout_init(&iv->lay, ACXXX_DEFAULT_SLOTS, 1))
		return kIOReturnError;
	size = (iv->lay.size + IOVMPageSize - 1) & ~(IOVMPageSize - 1);
	ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn, size,
					       IOVMPageSize, &iv->ctlMem);
	if (ret != kIOReturnSuccess)
		return ret;
	ret = iv->ctlMem->CreateMapping(0, 0, 0, 0, 0, &iv->ctlMap);
	if (ret != kIOReturnSuccess)
		return ret;
	if (iv->ctlMap->GetLength() < iv->lay.size)
		return kIOReturnNoMemory;
	ret = IODMACommand::Create(self, kIODMACommandCreateNoOptions, &spec, &iv->ctlDMA);
	if (ret != kIOReturnSuccess)
		return ret;
	ret = iv->ctlDMA->PrepareForDMA(kIODMACommandPrepareForDMANoOptions, iv->ctlMem,
					0, size, &flags, &nseg, seg);
	if (ret != kIOReturnSuccess)
		return ret;
	/* One contiguous range in one 4 GiB window (hw spec 5.2). */
	if (nseg != 1 || seg[0].length < iv->lay.size ||
	    acxxx_layout_check_window(&iv->lay, seg[0].address))
		return kIOReturnNoResources;
	iv->ctlBus = seg[0].address;
	iv->ctlBusLen = seg[0].length;
	if (acxxx_ctl_init(&iv->ctl, iv->dialect, &iv->lay,
			   (void *)(uintptr_t)iv->ctlMap->GetAddress(), iv->ctlBus))
		return kIOReturnError;
	return kIOReturnSuccess;
}

static kern_return_t report_constraints(DriverKitAcxxx *self)
{
	static const struct { const char *key; uint64_t val; } k[] = {
		{ kIOMaximumSegmentCountReadKey, ACX_MAX_TRANSFER / 16384 },
		{ kIOMaximumSegmentCountWriteKey, ACX_MAX_TRANSFER / 16384 },
		{ kIOMaximumSegmentByteCountReadKey, ACX_MAX_TRANSFER },
		{ kIOMaximumSegmentByteCountWriteKey, ACX_MAX_TRANSFER },
		{ kIOMinimumSegmentAlignmentByteCountKey, 4 },
		{ kIOMaximumSegmentAddressableBitCountKey, 64 },
		{ kIOMinimumHBADataAlignmentMaskKey, 0xFFFFFFFFFFFFFFF0ull },
	};
	OSDictionary *d = OSDictionary::withCapacity(8);
	kern_return_t ret;

	if (!d)
		return kIOReturnNoMemory;
	for (auto &e : k) {
		OSNumber *n = OSNumber::withNumber(e.val, 64);

		d->setObject(e.key, n);
		n->release();
	}
	ret = self->UserReportHBAConstraints(d);
	d->release();
	return ret;
}

kern_return_t IMPL(DriverKitAcxxx, UserInitializeController)()
{
	DriverKitAcxxx_IVars *iv = ivars;
	uint16_t vendor = 0, device = 0;
	kern_return_t ret;
	int d;

	/* Preparation only: nothing here waits for the firmware (DK §0.3). */
	if (iv->stage != STAGE_NULL) {
		ret = iv->pci->Open(this, 0);
		if (ret != kIOReturnSuccess)
			return ret;
		iv->pci->ConfigurationRead16(0, &vendor);
		iv->pci->ConfigurationRead16(2, &device);
		d = acxxx_dialect_of(vendor, device);
		if (d < 0)
			return kIOReturnUnsupported;
		iv->dialect = (enum acxxx_dialect)d;
		iv->bar = (uint8_t)acxxx_reg_bar(iv->dialect);
		/* Device interrupts masked until the handshake is done. */
		wr(iv, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
		ret = alloc_control(this, iv);
		if (ret != kIOReturnSuccess)
			return ret;
		ret = IOInterruptDispatchSource::Create(iv->pci, 0, iv->intQueue, &iv->irq);
		if (ret == kIOReturnSuccess)
			ret = CreateActionHandleInterrupt(0, &iv->irqAction);
		if (ret == kIOReturnSuccess)
			ret = iv->irq->SetHandler(iv->irqAction);
		if (ret == kIOReturnSuccess)
			ret = IOTimerDispatchSource::Create(iv->intQueue, &iv->hsTimer);
		if (ret == kIOReturnSuccess)
			ret = CreateActionHandshakeTimer(0, &iv->hsAction);
		if (ret == kIOReturnSuccess)
			ret = iv->hsTimer->SetHandler(iv->hsAction);
		if (ret != kIOReturnSuccess)
			return ret;
	}
	ret = IOTimerDispatchSource::Create(iv->auxQueue, &iv->auxTimer);
	if (ret == kIOReturnSuccess)
		ret = CreateActionTargetWork(0, &iv->auxAction);
	if (ret == kIOReturnSuccess)
		ret = iv->auxTimer->SetHandler(iv->auxAction);
	if (ret != kIOReturnSuccess)
		return ret;
	iv->maxTasks = iv->stage == STAGE_SINGLE ? 1 : ACX_NR_IO_SLOTS;
	/* DK §0.5: mandatory, before this method returns. */
	return report_constraints(this);
}

kern_return_t IMPL(DriverKitAcxxx, UserReportInitiatorIdentifier)(uint64_t *id)
{
	*id = 0;	/* volume i is target i + 1, as on Linux */
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserReportHighestSupportedDeviceID)(uint64_t *id)
{
	*id = ACXXX_MAX_LUNS;	/* inclusive (DK §7) */
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserReportMaximumTaskCount)(uint32_t *count)
{
	*count = ivars->maxTasks;
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserGetDMASpecification)(uint64_t *maxTransferSize,
	uint32_t *alignment, uint8_t *numAddressBits, DMAOutputSegmentType *segmentType)
{
	*maxTransferSize = ACX_MAX_TRANSFER;
	*alignment = 4;
	*numAddressBits = 64;
	*segmentType = kDMAOutputSegmentLittle64;
	return kIOReturnSuccess;
}

/* One task slot: its request block, sense block and reply frame lie in the
 * control block prepared for DMA in UserInitializeController. */
kern_return_t IMPL(DriverKitAcxxx, UserMapHBAData)(uint32_t *uniqueTaskID)
{
	DriverKitAcxxx_IVars *iv = ivars;
	uint16_t slot;

	if (iv->nextTask >= iv->maxTasks)
		return kIOReturnNoResources;
	slot = (uint16_t)(ACXXX_FIRST_IO_SLOT + iv->nextTask);
	if (iv->stage != STAGE_NULL) {
		uint64_t end = acxxx_slot_req_dma(&iv->ctl, slot) + iv->lay.stride;

		if (end > iv->ctlBus + iv->ctlBusLen)
			return kIOReturnNoMemory;
	}
	iv->nextTask++;
	*uniqueTaskID = slot;
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserMapBundledParallelTaskCommandAndResponseBuffers)(
	IOBufferMemoryDescriptor *, IOBufferMemoryDescriptor *)
{
	return kIOReturnUnsupported;	/* decline: the single-task path */
}

/* The controller starts working: enable, kick the handshake, return. */
kern_return_t IMPL(DriverKitAcxxx, UserStartController)()
{
	DriverKitAcxxx_IVars *iv = ivars;

	if (iv->stage == STAGE_NULL) {
		IOLockLock(iv->lock);
		iv->state = ST_RUNNING;
		iv->lunMap[0] = 0;
		iv->toAdd = 1;	/* target 1: the null responder's volume */
		IOLockUnlock(iv->lock);
		arm_timer(iv->auxTimer, now_ms());
		return kIOReturnSuccess;
	}
	iv->irq->SetEnable(true);
	IOLockLock(iv->lock);
	start_handshake(iv, false);
	IOLockUnlock(iv->lock);
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserDoesHBAPerformDeviceManagement)(bool *result)
{
	*result = true;	/* the LUN map drives targets (DK §0.7) */
	return kIOReturnSuccess;
}

/* ---- timers and interrupt ------------------------------------------------- */

/* One handshake step; at ready, the core's start sequence takes over. */
static void handshake_step(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv)
{
	struct acxxx_init_io io;
	uint32_t val = 0;
	int ret;

	if (iv->hsRead != ACXXX_INIT_NO_READ)
		val = rd(iv, iv->hsRead);
	ret = acxxx_init_step(&iv->hs, now_ms(), val, &io);
	for (unsigned int i = 0; i < io.nr_wr; i++)
		wr(iv, io.wr_reg[i], io.wr_val[i]);
	if (ret < 0) {
		IOLog("DriverKitAcxxx: handshake failed (%d): offline\n", ret);
		iv->state = ST_OFFLINE;
		fail_all(self, iv, kSCSITaskStatus_DeviceNotResponding);
		if (iv->powerAckDue) {
			iv->powerAckDue = false;
			self->SetPowerState(iv->powerAck, SUPERDISPATCH);
		}
		return;
	}
	if (!ret) {
		iv->hsRead = io.read_reg;
		iv->hsNext = io.next_ms;
		return;
	}
	/* The firmware forgot what it held: hand it back, retryable. */
	if (iv->reinit)
		fail_all(self, iv, kSCSITaskStatus_DeliveryFailure);
	/* Ready (hw spec 6, 7): interrupts on, then the start sequence:
	 * frames, page 0 (not after a re-init: a rescan reads it), events. */
	iv->state = ST_START;
	iv->irqReady = true;
	wr(iv, ACXXX_REG_OUT_INT_MASK, iv->ctl.caps->irq_unmask);
	acxxx_start_begin(&iv->seq, &iv->ctl, iv->reinit ? nullptr : &iv->ident);
	seq_reply(self, iv, 0, nullptr);
}

/*
 * The controller timer, on InterruptQueue: the handshake's steps (never a
 * loop, DK §0.3), the reply deadline of a sequence's request, frames the
 * 2208's free FIFO could not take, and the tasks' deadlines.
 */
void IMPL(DriverKitAcxxx, HandshakeTimer)(OSAction *, uint64_t)
{
	DriverKitAcxxx_IVars *iv = ivars;
	uint64_t now = now_ms();

	IOLockLock(iv->lock);
	iv->timerAt = UINT64_MAX;
	if (iv->state == ST_HANDSHAKE && now >= iv->hsNext)
		handshake_step(this, iv);
	if (iv->state != ST_QUIESCE && iv->seqActive && now > iv->seqDeadline)
		seq_reply(this, iv, -ETIMEDOUT, nullptr);	/* Stop judges its own */
	if (iv->irqReady)
		flush_frames(iv);
	if (iv->state == ST_RUNNING)
		eh_check(iv);
	if (iv->state != ST_STOPPED)
		arm_ctl_timer(iv);
	IOLockUnlock(iv->lock);
}

void IMPL(DriverKitAcxxx, HandleInterrupt)(OSAction *, uint64_t, uint64_t)
{
	DriverKitAcxxx_IVars *iv = ivars;
	struct acxxx_doorbell db;

	IOLockLock(iv->lock);
	if (!iv->irqReady || iv->state == ST_STOPPED) {
		/* Not ours yet: a status read lets a level interrupt drop. */
		if (iv->state != ST_STOPPED)
			rd(iv, iv->ctl.caps->irq_status_reg);
		IOLockUnlock(iv->lock);
		return;
	}
	if (iv->ctl.caps->has_doorbell) {
		acxxx_decode_doorbell(rd(iv, ACXXX_REG_OUT_DOORBELL), &db);
		if (db.ack)
			wr(iv, ACXXX_REG_OUT_DOORBELL_CLR, db.ack);
		if (db.flush) {
			reinit(iv);
			IOLockUnlock(iv->lock);
			return;
		}
	}
	drain(this, iv);
	if (acxxx_fret_pending(&iv->ctl) && iv->timerAt > now_ms() + 1)
		arm_ctl_timer(iv);
	IOLockUnlock(iv->lock);
}

/* AuxiliaryQueue: one creation or destruction at a time (DK §2.3, §6 #4). */
void IMPL(DriverKitAcxxx, TargetWork)(OSAction *, uint64_t)
{
	DriverKitAcxxx_IVars *iv = ivars;

	for (;;) {
		unsigned int idx = ACXXX_MAX_LUNS;
		bool add = false, present = false;
		kern_return_t ret;

		IOLockLock(iv->lock);
		if (iv->state != ST_RUNNING) {
			IOLockUnlock(iv->lock);
			return;
		}
		if (iv->toRemove) {
			idx = (unsigned int)__builtin_ctzll(iv->toRemove);
			iv->toRemove &= ~(1ull << idx);
		} else if (iv->toAdd) {
			idx = (unsigned int)__builtin_ctzll(iv->toAdd);
			iv->toAdd &= ~(1ull << idx);
			add = true;
			/* single: one target only */
			if (iv->stage == STAGE_SINGLE && iv->targets)
				idx = ACXXX_MAX_LUNS;
		}
		IOLockUnlock(iv->lock);
		if (idx == ACXXX_MAX_LUNS) {
			IOLockLock(iv->lock);
			bool more = iv->toAdd || iv->toRemove;
			IOLockUnlock(iv->lock);
			if (!more)
				return;
			continue;
		}
		UserTargetPresentForID(idx + 1, &present);
		if (add && !present) {
			ret = UserCreateTargetForID(idx + 1, nullptr);
			IOLog("DriverKitAcxxx: target %u: 0x%x\n", idx + 1, ret);
		} else if (!add && present) {
			ret = UserDestroyTargetForID(idx + 1);
		} else {
			ret = kIOReturnSuccess;
		}
		IOLockLock(iv->lock);
		if (ret == kIOReturnSuccess) {
			if (add)
				iv->targets |= 1ull << idx;
			else
				iv->targets &= ~(1ull << idx);
		}
		IOLockUnlock(iv->lock);
	}
}

/* ---- targets (DK §2.3, §2.4) ------------------------------------------------ */

kern_return_t IMPL(DriverKitAcxxx, UserInitializeTargetForID)(SCSITargetIdentifier targetID)
{
	DriverKitAcxxx_IVars *iv = ivars;
	kern_return_t ret = kIOReturnSuccess;

	if (!targetID || targetID > ACXXX_MAX_LUNS)
		return kIOReturnBadArgument;
	IOLockLock(iv->lock);
	if (iv->lunMap[targetID - 1] == ACXXX_LUN_ABSENT)
		ret = kIOReturnNotFound;
	IOLockUnlock(iv->lock);
	return ret;
}

kern_return_t IMPL(DriverKitAcxxx, UserDoesHBASupportMultiPathing)(bool *result)
{
	*result = false;
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserReportHBAHighestLogicalUnitNumber)(uint64_t *value)
{
	*value = 0;	/* one LUN per target: the volume */
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserDoesHBAPerformAutoSense)(bool *result)
{
	*result = true;	/* sense arrives in the slot's sense block */
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserDoesHBASupportSCSIParallelFeature)(uint32_t,
									  bool *result)
{
	*result = false;	/* RAID volumes: no SPI negotiation */
	return kIOReturnSuccess;
}

/* ---- I/O (DK §2.5) ----------------------------------------------------------- */

/* null stage: the core's responder answers, from inside this call. */
static void process_null(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv,
			 const SCSIUserParallelTask &t, OSAction *completion)
{
	uint8_t sense[kMaxSenseBufferSize];
	struct acxxx_cpl cpl;
	uint32_t len = (uint32_t)t.fRequestedTransferCount;
	uint16_t slot = (uint16_t)t.fControllerTaskIdentifier;

	memset(&cpl, 0, sizeof(cpl));
	cpl.slot = slot;
	cpl.kind = ACXXX_CPL_SCSI;
	acxxx_null_exec((uint8_t)(t.fTargetID - 1), t.fCommandDescriptorBlock,
			t.fCommandSize, len, iv->nullBuf, sizeof(iv->nullBuf), &cpl,
			sense, sizeof(sense));
	cpl.slot = slot;
	if (t.fTransferDirection == kSCSIDataTransfer_FromTargetToInitiator &&
	    !cpl.reply_status && !cpl.scsi_status && len) {
		IOBufferMemoryDescriptor *buf = nullptr;
		IOMemoryMap *map = nullptr;
		uint32_t n = cpl.data_len - cpl.residual;

		if (self->UserGetDataBuffer(t.fTargetID, t.fControllerTaskIdentifier,
					    &buf) == kIOReturnSuccess &&
		    buf->CreateMapping(0, 0, 0, 0, 0, &map) == kIOReturnSuccess) {
			if (n > map->GetLength())
				n = (uint32_t)map->GetLength();
			if (n > sizeof(iv->nullBuf))
				n = sizeof(iv->nullBuf);
			memcpy((void *)(uintptr_t)map->GetAddress(), iv->nullBuf, n);
		}
		OSSafeReleaseNULL(map);
		OSSafeReleaseNULL(buf);
	}
	completion->retain();
	iv->slot[slot].completion = completion;
	iv->slot[slot].target = t.fTargetID;
	iv->slot[slot].busy = true;
	complete_cpl(self, iv, &cpl, sense);
}

kern_return_t IMPL(DriverKitAcxxx, UserProcessParallelTask)(SCSIUserParallelTask parallelRequest,
	uint32_t *response, OSAction *completion)
{
	DriverKitAcxxx_IVars *iv = ivars;
	const SCSIUserParallelTask &t = parallelRequest;
	uint16_t slot = (uint16_t)t.fControllerTaskIdentifier;
	struct acxxx_scsi_cmd cmd;
	struct acxxx_sge sge;
	struct acx_slot *s;

	/* Only slots UserMapHBAData handed out, never one in flight. */
	if (slot < ACXXX_FIRST_IO_SLOT || slot >= ACXXX_FIRST_IO_SLOT + iv->nextTask ||
	    !t.fTargetID || t.fTargetID > ACXXX_MAX_LUNS || t.fCommandSize > 16 ||
	    iv->slot[slot].busy) {
		*response = kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE;
		return kIOReturnSuccess;
	}
	*response = kSCSIServiceResponse_Request_In_Process;
	IOLockLock(iv->lock);
	if (iv->stage == STAGE_NULL) {
		process_null(this, iv, t, completion);
		IOLockUnlock(iv->lock);
		return kIOReturnSuccess;
	}
	s = &iv->slot[slot];
	completion->retain();
	s->completion = completion;
	s->target = t.fTargetID;
	s->tag = t.fTaskTagIdentifier;
	s->lun = (uint8_t)(t.fTargetID - 1);
	/* The sample's own deadline, well before the kernel's (DK §5.4). */
	s->deadline = now_ms() + (t.fTimeoutInMilliSec ? t.fTimeoutInMilliSec / 2 :
				  ACX_DEADLINE_MS);
	s->busy = true;
	if (iv->state != ST_RUNNING) {
		/* Re-init, power-off or offline: no busy return in DriverKit
		 * (DK §2.5): BUSY, retried by the upper layer. */
		complete_slot(this, iv, slot, iv->state == ST_OFFLINE ?
			      kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE :
			      kSCSIServiceResponse_TASK_COMPLETE,
			      iv->state == ST_OFFLINE ? kSCSITaskStatus_DeviceNotPresent :
			      kSCSITaskStatus_BUSY, 0, nullptr, 0);
		IOLockUnlock(iv->lock);
		return kIOReturnSuccess;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.lun = s->lun;
	cmd.cdb = t.fCommandDescriptorBlock;
	cmd.cdb_len = t.fCommandSize;
	cmd.task_attr = ACXXX_CTL_ATTR_UNTAGGED;
	if (t.fRequestedTransferCount && t.fTransferDirection) {
		/* One device-visible segment, prepared by the kernel (DK §2.5). */
		sge.addr = t.fBufferIOVMAddr;
		sge.len = (uint32_t)t.fRequestedTransferCount;
		cmd.dir = t.fTransferDirection == kSCSIDataTransfer_FromInitiatorToTarget ?
			  ACXXX_CTL_DIR_WRITE : ACXXX_CTL_DIR_READ;
		cmd.data_len = sge.len;
		cmd.sgl = &sge;
		cmd.nr_sge = 1;
	}
	if (acxxx_encode_scsi(&iv->ctl, slot, &cmd)) {
		complete_slot(this, iv, slot,
			      kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
			      kSCSITaskStatus_DeliveryFailure, 0, nullptr, 0);
	} else if (post(iv, slot)) {
		/* Inbound queue full: push back (DK §2.5, §3.4). */
		complete_slot(this, iv, slot, kSCSIServiceResponse_TASK_COMPLETE,
			      kSCSITaskStatus_TASK_SET_FULL, 0, nullptr, 0);
	} else if (s->deadline < iv->timerAt) {
		arm_ctl_timer(iv);
	}
	IOLockUnlock(iv->lock);
	return kIOReturnSuccess;
}

/* ---- task management (DK §2.6) ------------------------------------------------- */

/*
 * Send a task management request and wait for its answer.  The methods
 * are synchronous: Default waits (bounded), draining replies itself.
 * Returns true when the core's verdict on the answer is success.
 */
static bool run_tmf(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint16_t tslot,
		    uint8_t type, uint8_t lun, uint16_t victim)
{
	uint64_t deadline = now_ms() + ACX_TMF_WAIT_MS;
	int res;

	IOLockLock(iv->lock);
	if (iv->state != ST_RUNNING || acxxx_slot_active(&iv->ctl, tslot) ||
	    acxxx_encode_tmf(&iv->ctl, tslot, type, lun, victim) || post(iv, tslot)) {
		IOLockUnlock(iv->lock);
		return false;
	}
	iv->tmfDone = false;
	for (;;) {
		drain(self, iv);
		if (iv->tmfDone)
			break;
		if (now_ms() > deadline) {
			/* No answer: the escalation ends in a re-init. */
			reinit(iv);
			IOLockUnlock(iv->lock);
			return false;
		}
		IOLockUnlock(iv->lock);
		IOSleep(1);
		IOLockLock(iv->lock);
	}
	res = acxxx_tmf_verdict(iv->tmfErr, &iv->tmfCpl, type,
				victim && iv->slot[victim].busy);
	if (res == ACXXX_TMF_RES_DONE) {
		/* Terminated requests get no reply: complete them here. */
		for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++) {
			if (!iv->slot[s].busy || iv->slot[s].lun != lun)
				continue;
			if (type == ACXXX_TMF_ABORT_TASK && s != victim)
				continue;
			acxxx_slot_finish(&iv->ctl, s);
			complete_retry(self, iv, s);
		}
	}
	IOLockUnlock(iv->lock);
	return res == ACXXX_TMF_RES_DONE || res == ACXXX_TMF_RES_COMPLETED;
}

kern_return_t IMPL(DriverKitAcxxx, UserAbortTaskRequest)(uint64_t theT, uint64_t,
	uint64_t theQ, uint32_t *response)
{
	DriverKitAcxxx_IVars *iv = ivars;
	uint16_t victim = 0, n = 0;

	*response = kSCSIServiceResponse_FUNCTION_REJECTED;
	if (iv->stage == STAGE_NULL || !theT || theT > ACXXX_MAX_LUNS)
		return kIOReturnSuccess;
	IOLockLock(iv->lock);
	for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++)
		if (iv->slot[s].busy && iv->slot[s].target == theT &&
		    iv->slot[s].tag == theQ) {
			victim = s;
			n++;
		}
	IOLockUnlock(iv->lock);
	if (n == 0) {
		*response = kSCSIServiceResponse_FUNCTION_COMPLETE;	/* already done */
		return kIOReturnSuccess;
	}
	if (n == 1 && run_tmf(this, iv, ACXXX_SLOT_TMF, ACXXX_TMF_ABORT_TASK,
			      (uint8_t)(theT - 1), victim))
		*response = kSCSIServiceResponse_FUNCTION_COMPLETE;
	return kIOReturnSuccess;
}

static kern_return_t lun_tmf(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint64_t theT,
			     uint8_t type, uint32_t *response)
{
	*response = kSCSIServiceResponse_FUNCTION_REJECTED;
	if (iv->stage == STAGE_NULL || !theT || theT > ACXXX_MAX_LUNS)
		return kIOReturnSuccess;
	if (run_tmf(self, iv, ACXXX_SLOT_RESET, type, (uint8_t)(theT - 1), 0))
		*response = kSCSIServiceResponse_FUNCTION_COMPLETE;
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserAbortTaskSetRequest)(uint64_t theT, uint64_t,
	uint32_t *response)
{
	return lun_tmf(this, ivars, theT, ACXXX_TMF_CLEAR_TASK_SET, response);
}

kern_return_t IMPL(DriverKitAcxxx, UserClearTaskSetRequest)(uint64_t theT, uint64_t,
	uint32_t *response)
{
	return lun_tmf(this, ivars, theT, ACXXX_TMF_CLEAR_TASK_SET, response);
}

kern_return_t IMPL(DriverKitAcxxx, UserClearACARequest)(uint64_t, uint64_t,
	uint32_t *response)
{
	*response = kSCSIServiceResponse_FUNCTION_REJECTED;	/* no ACA */
	return kIOReturnSuccess;
}

kern_return_t IMPL(DriverKitAcxxx, UserLogicalUnitResetRequest)(uint64_t theT, uint64_t,
	uint32_t *response)
{
	return lun_tmf(this, ivars, theT, ACXXX_TMF_LUN_RESET, response);
}

kern_return_t IMPL(DriverKitAcxxx, UserTargetResetRequest)(uint64_t theT,
	uint32_t *response)
{
	return lun_tmf(this, ivars, theT, ACXXX_TMF_TARGET_RESET, response);
}
