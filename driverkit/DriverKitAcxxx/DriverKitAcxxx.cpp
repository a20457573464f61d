// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * DriverKitAcxxx: the macOS side of acxxx, a DriverKit extension
 * (IOUserSCSIParallelInterfaceController) over the shared OS-neutral core.
 *
 * Every method the family calls is here, in the family's order
 * (../shared/docs/driverkit.md §5.1, cited "DK §n"; docs/pipeline.md
 * maps each to the Linux driver).  All protocol work is the core's: the
 * handshake (acxxx_init_step, driven by a timer, never a loop), the slot
 * layout and frame encoding (acxxx_encode_*), posting values
 * (acxxx_post_value, acxxx_frame_post), reply decoding
 * (acxxx_decode_reply, acxxx_decode_doorbell), page 0 and the LUN-map
 * reconciliation (acxxx_parse_page0, acxxx_lun_diff), the null responder
 * (acxxx_null_exec).  This file moves register values the core computed
 * and translates completions into SCSIUserParallelResponse.
 *
 * Stages (personality property "AcxxxStage", docs/pipeline.md §6):
 *  null   - no hardware at all: the core's null responder answers one
 *           1 GiB volume at target 1; reads fail, writes are discarded;
 *  single - the whole hardware path with one task slot and one target;
 *  full   - every volume of the LUN map, 505 task slots.
 *
 * Lock rule: ivars->lock guards the core's controller state (ctl, hs),
 * the slot table, the reply-frame list, the LUN map and the state word.
 * It is held only for short non-blocking sections, on any queue; nothing
 * that waits for another queue is called with it held.
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
#define ACX_NULL_BUF		(64u * 1024u)

enum acx_stage { STAGE_NULL, STAGE_SINGLE, STAGE_FULL };

enum acx_state {
	ST_DOWN,	/* nothing started */
	ST_HANDSHAKE,	/* bring-up or re-init handshake running on the timer */
	ST_PAGE0,	/* frames posted, page 0 requested */
	ST_EVSW,	/* event switch requested */
	ST_RUNNING,
	ST_OFFLINE,	/* the firmware did not come back */
	ST_STOPPED,
};

struct acx_slot {
	OSAction *completion;	/* retained while the task is in flight */
	uint64_t target;
	uint64_t tag;
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
	enum acx_state state;
	bool reinit;
	bool irqReady;
	unsigned int reinits;

	struct acx_slot slot[ACXXX_MAX_SLOTS];
	uint16_t frames[ACXXX_MAX_SLOTS];
	unsigned int nframes;

	/* LUN map and targets */
	uint16_t lunMap[ACXXX_MAX_LUNS];
	uint64_t toAdd;		/* LUN indices whose target must be created */
	uint64_t toRemove;	/* ... destroyed */
	uint64_t targets;	/* indices with a target */
	bool mgmtBusy;
	bool rescan;

	/* task management */
	bool tmfDone;
	struct acxxx_cpl tmfCpl;

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

static uint64_t now_ms(void)
{
	return mach_absolute_time() / 1000000ull;	/* [ext] timebase 1:1 assumed */
}

/* Hand reply frames back to the firmware (through the 2208 free FIFO). */
static void give_frames(DriverKitAcxxx_IVars *iv)
{
	unsigned int i = 0;
	uint32_t val;

	while (i < iv->nframes) {
		if (iv->dialect == ACXXX_DIALECT_2208 &&
		    !acxxx_free_fifo_room(rd(iv, ACXXX_REG_OUT_FREE_CI)))
			break;
		if (!acxxx_frame_post(&iv->ctl, iv->frames[i], &val))
			wr(iv, ACXXX_REG_REPLY_PORT, val);
		if (iv->dialect == ACXXX_DIALECT_2208)
			wr(iv, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_FREE_REPLY);
		i++;
	}
	iv->nframes -= i;
	memmove(iv->frames, iv->frames + i, iv->nframes * sizeof(uint16_t));
}

/* 0, or -1 when the 2208/3108 inbound queue has no room. */
static int post(DriverKitAcxxx_IVars *iv, uint16_t slot)
{
	if (iv->dialect != ACXXX_DIALECT_341 &&
	    rd(iv, ACXXX_REG_REQUEST_PORT) == ACXXX_EMPTY)
		return -1;
	if (acxxx_slot_start(&iv->ctl, slot))
		return -1;
	wr(iv, ACXXX_REG_REQUEST_PORT, acxxx_post_value(&iv->ctl, slot));
	return 0;
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
	/* One-way message (DK §2.5): safe with the lock held. */
	self->ParallelTaskCompletion(action, rsp);
	OSSafeReleaseNULL(action);
}

/*
 * A reply's outcome as DriverKit codes (DK §3.4's recommended mapping).
 * To be replaced by the core's completion verdict once it lands.
 */
static void complete_cpl(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv,
			 const struct acxxx_cpl *cpl, const uint8_t *sense)
{
	SCSIServiceResponse svc = kSCSIServiceResponse_TASK_COMPLETE;
	SCSITaskStatus st = cpl->scsi_status;
	uint64_t moved = cpl->data_len;

	if (cpl->flags & ACXXX_CPL_F_RESID_VALID)
		moved = cpl->data_len - cpl->residual;
	switch (cpl->reply_status) {
	case ACXXX_RS_SUCCESS:
		break;
	case ACXXX_RS_BUSY:
		st = kSCSITaskStatus_BUSY;
		moved = 0;
		break;
	case ACXXX_RS_NO_DEVICE:
		svc = kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE;
		st = kSCSITaskStatus_DeviceNotPresent;
		moved = 0;
		break;
	default:
		svc = kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE;
		st = kSCSITaskStatus_DeliveryFailure;
		moved = 0;
		break;
	}
	complete_slot(self, iv, cpl->slot, svc, st, moved, sense,
		      (uint8_t)(cpl->sense_len > (uint32_t)kMaxSenseBufferSize ?
				(uint32_t)kMaxSenseBufferSize : cpl->sense_len));
}

/* Fail every task the firmware held (re-init, offline): retryable. */
static void fail_all(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, SCSITaskStatus st)
{
	for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++)
		complete_slot(self, iv, s,
			      kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
			      st, 0, nullptr, 0);
}

/* ---- bring-up, page 0, LUN map ------------------------------------------ */

static void arm_timer(IOTimerDispatchSource *t, uint64_t at_ms)
{
	t->WakeAtTime(kIOTimerClockMachAbsoluteTime, at_ms * 1000000ull, 0);
}

/* Start the handshake (bring-up or re-init); the timer runs it. */
static void start_handshake(DriverKitAcxxx_IVars *iv, bool reinit)
{
	struct acxxx_init_params p;

	acxxx_init_default_params(&p);
	iv->irqReady = false;
	wr(iv, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	acxxx_ctl_reset(&iv->ctl);
	iv->nframes = 0;
	iv->mgmtBusy = false;
	iv->reinit = reinit;
	iv->state = ST_HANDSHAKE;
	iv->hsRead = ACXXX_INIT_NO_READ;
	acxxx_init_begin(&iv->hs, iv->dialect, iv->ctl.hi, reinit, &p, now_ms());
	arm_timer(iv->hsTimer, now_ms());
}

/*
 * Controller re-init: the handshake makes the firmware forget every
 * request (hw spec 16.11).  The tasks it held are handed back only when
 * the handshake is done (HandshakeTimer): until then a firmware that is
 * still running (a flush request races with new posts) may yet move
 * their data, and the kernel unmaps a task's buffer when it completes.
 */
static void reinit(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv)
{
	(void)self;
	IOLog("DriverKitAcxxx: re-initialising the controller\n");
	iv->reinits++;
	iv->tmfDone = true;
	memset(&iv->tmfCpl, 0, sizeof(iv->tmfCpl));
	iv->tmfCpl.reply_status = 0xFF;
	start_handshake(iv, true);
}

static void request_page0(DriverKitAcxxx_IVars *iv)
{
	if (iv->mgmtBusy)
		return;
	if (acxxx_encode_get_page(&iv->ctl, ACXXX_SLOT_MGMT, ACXXX_PAGE_IDENTITY) ||
	    post(iv, ACXXX_SLOT_MGMT)) {
		iv->rescan = true;	/* tried again at the next interrupt */
		return;
	}
	iv->rescan = false;
	iv->mgmtBusy = true;
}

/* The LUN map changed (or was read for the first time): reconcile. */
static void on_page0(DriverKitAcxxx_IVars *iv)
{
	struct acxxx_ident id;
	struct acxxx_lun_diff d;

	if (acxxx_parse_page0(acxxx_mgmt_buf(&iv->ctl), ACXXX_PAGE_SIZE, &id))
		return;
	acxxx_lun_diff(iv->lunMap, id.lun_map, &d);
	memcpy(iv->lunMap, id.lun_map, sizeof(iv->lunMap));
	iv->toRemove |= d.remove;
	iv->toAdd = (iv->toAdd & ~d.remove) | d.add;
	if (iv->state == ST_PAGE0) {
		IOLog("DriverKitAcxxx: %s serial %s firmware %s\n", id.model,
		      id.serial, id.fw_version);
		iv->state = ST_EVSW;
		if (!acxxx_encode_event_switch(&iv->ctl, ACXXX_SLOT_EVSW, true))
			post(iv, ACXXX_SLOT_EVSW);
		return;
	}
	if (iv->state == ST_RUNNING)
		arm_timer(iv->auxTimer, now_ms());
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

		if (cpl.frame && iv->nframes < ACXXX_MAX_SLOTS)
			iv->frames[iv->nframes++] = cpl.frame;
		if (ret)
			continue;	/* the core rejected it: nothing to complete */
		switch (cpl.kind) {
		case ACXXX_CPL_EVENT:
			if (acxxx_event_type(cpl.event_code) == ACXXX_EV_LUN_CHANGE)
				iv->rescan = true;
			break;
		case ACXXX_CPL_MGMT:
			iv->mgmtBusy = false;
			if (!cpl.reply_status)
				on_page0(iv);
			break;
		case ACXXX_CPL_EVSW:
			if (iv->state == ST_EVSW) {
				iv->state = ST_RUNNING;
				arm_timer(iv->auxTimer, now_ms());
			}
			break;
		case ACXXX_CPL_TMF:
			iv->tmfCpl = cpl;
			iv->tmfDone = true;
			break;
		case ACXXX_CPL_SCSI:
			if (cpl.slot >= ACXXX_FIRST_IO_SLOT)
				complete_cpl(self, iv, &cpl, sense);
			break;
		}
	}
	give_frames(iv);
	if (iv->rescan && iv->state == ST_RUNNING)
		request_page0(iv);
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

kern_return_t IMPL(DriverKitAcxxx, Stop)(IOService *provider)
{
	DriverKitAcxxx_IVars *iv = ivars;

	if (!iv)
		return Stop(provider, SUPERDISPATCH);
	if (iv->irq)
		iv->irq->SetEnable(false);
	if (iv->lock) {
		IOLockLock(iv->lock);
		if (iv->stage != STAGE_NULL && iv->state != ST_DOWN)
			wr(iv, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
		iv->state = ST_STOPPED;
		/* The family failed what was left (DK §5.6): forget it. */
		for (unsigned int s = 0; s < ACXXX_MAX_SLOTS; s++) {
			iv->slot[s].busy = false;
			OSSafeReleaseNULL(iv->slot[s].completion);
		}
		IOLockUnlock(iv->lock);
	}
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

void IMPL(DriverKitAcxxx, HandshakeTimer)(OSAction *, uint64_t)
{
	DriverKitAcxxx_IVars *iv = ivars;
	struct acxxx_init_io io;
	uint32_t val = 0;
	int ret;

	IOLockLock(iv->lock);
	if (iv->state != ST_HANDSHAKE) {
		IOLockUnlock(iv->lock);
		return;
	}
	if (iv->hsRead != ACXXX_INIT_NO_READ)
		val = rd(iv, iv->hsRead);
	ret = acxxx_init_step(&iv->hs, now_ms(), val, &io);
	for (unsigned int i = 0; i < io.nr_wr; i++)
		wr(iv, io.wr_reg[i], io.wr_val[i]);
	if (ret < 0) {
		IOLog("DriverKitAcxxx: handshake failed (%d): offline\n", ret);
		iv->state = ST_OFFLINE;
		fail_all(this, iv, kSCSITaskStatus_DeviceNotResponding);
	} else if (ret > 0) {
		/* The firmware forgot what it held: hand it back, retryable. */
		if (iv->reinit)
			fail_all(this, iv, kSCSITaskStatus_DeliveryFailure);
		/* Ready: reply frames, then page 0 (hw spec 6, 7). */
		for (uint16_t f = 1; f <= iv->lay.nr_frames; f++)
			iv->frames[iv->nframes++] = f;
		give_frames(iv);
		iv->state = ST_PAGE0;
		iv->irqReady = true;
		wr(iv, ACXXX_REG_OUT_INT_MASK, acxxx_irq_unmask_value(iv->dialect));
		request_page0(iv);
	} else {
		iv->hsRead = io.read_reg;
		arm_timer(iv->hsTimer, io.next_ms);
	}
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
			rd(iv, acxxx_irq_status_reg(iv->dialect));
		IOLockUnlock(iv->lock);
		return;
	}
	if (iv->dialect != ACXXX_DIALECT_341) {
		acxxx_decode_doorbell(rd(iv, ACXXX_REG_OUT_DOORBELL), &db);
		if (db.ack)
			wr(iv, ACXXX_REG_OUT_DOORBELL_CLR, db.ack);
		if (db.flush) {
			reinit(this, iv);
			IOLockUnlock(iv->lock);
			return;
		}
	}
	drain(this, iv);
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
	s->busy = true;
	if (iv->state != ST_RUNNING) {
		/* Re-init or offline: no busy return in DriverKit (DK §2.5). */
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
	}
	IOLockUnlock(iv->lock);
	return kIOReturnSuccess;
}

/* ---- task management (DK §2.6) ------------------------------------------------- */

/*
 * Send a task management request and wait for its answer.  The methods
 * are synchronous: Default waits (bounded), draining replies itself.
 * Returns true when the firmware answered success.
 */
static bool run_tmf(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint16_t tslot,
		    uint8_t type, uint8_t lun, uint16_t victim, uint32_t *terminated)
{
	uint64_t deadline = now_ms() + ACX_TMF_WAIT_MS;
	bool ok = false;

	IOLockLock(iv->lock);
	if (iv->state != ST_RUNNING ||
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
			reinit(self, iv);
			IOLockUnlock(iv->lock);
			return false;
		}
		IOLockUnlock(iv->lock);
		IOSleep(1);
		IOLockLock(iv->lock);
	}
	ok = iv->tmfCpl.kind == ACXXX_CPL_TMF && !iv->tmfCpl.reply_status;
	*terminated = ok ? iv->tmfCpl.tmf_terminated : 0;
	if (ok) {
		/* Terminated requests get no reply: complete them here. */
		for (uint16_t s = ACXXX_FIRST_IO_SLOT; s < ACXXX_MAX_SLOTS; s++) {
			if (!iv->slot[s].busy || iv->slot[s].lun != lun)
				continue;
			if (type == ACXXX_TMF_ABORT_TASK && s != victim)
				continue;
			acxxx_slot_finish(&iv->ctl, s);
			complete_slot(self, iv, s,
				      kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
				      kSCSITaskStatus_DeliveryFailure, 0, nullptr, 0);
		}
	}
	IOLockUnlock(iv->lock);
	return ok;
}

kern_return_t IMPL(DriverKitAcxxx, UserAbortTaskRequest)(uint64_t theT, uint64_t,
	uint64_t theQ, uint32_t *response)
{
	DriverKitAcxxx_IVars *iv = ivars;
	uint16_t victim = 0, n = 0;
	uint32_t term = 0;

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
			      (uint8_t)(theT - 1), victim, &term))
		*response = kSCSIServiceResponse_FUNCTION_COMPLETE;
	return kIOReturnSuccess;
}

static kern_return_t lun_tmf(DriverKitAcxxx *self, DriverKitAcxxx_IVars *iv, uint64_t theT,
			     uint8_t type, uint32_t *response)
{
	uint32_t term = 0;

	*response = kSCSIServiceResponse_FUNCTION_REJECTED;
	if (iv->stage == STAGE_NULL || !theT || theT > ACXXX_MAX_LUNS)
		return kIOReturnSuccess;
	if (run_tmf(self, iv, ACXXX_SLOT_RESET, type, (uint8_t)(theT - 1), 0, &term))
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
