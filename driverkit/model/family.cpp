// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The model of IOSCSIParallelFamily's kernel side (DK §5): start, the task
 * pool, target creation in both device-management modes, the command
 * path, timeouts, task management and termination, checking DK §8's
 * invariants.  A test double (see DriverKit/SCSIControllerDriverKit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <SCSIControllerDriverKit/SCSIControllerDriverKit.h>
#include "model.h"

static const char *const kRequiredKeys[] = {	/* DK §4.4 */
	kIOMaximumSegmentCountReadKey, kIOMaximumSegmentCountWriteKey,
	kIOMaximumSegmentByteCountReadKey, kIOMaximumSegmentByteCountWriteKey,
	kIOMinimumSegmentAlignmentByteCountKey,
	kIOMaximumSegmentAddressableBitCountKey, kIOMinimumHBADataAlignmentMaskKey,
};

enum TaskState { T_FREE, T_SUBMITTING, T_INFLIGHT };

struct Task {
	uint32_t id = 0;
	OSAction *completion = nullptr;
	TaskState state = T_FREE;
	bool early = false;		/* completed before the RPC returned */
	SCSIUserParallelResponse earlyRsp;
	SCSIUserParallelTask req;
	DKDoneFn done = nullptr;
	void *ctx = nullptr;
	uint64_t deadline = 0;
	uint64_t iova = 0;
	uint8_t *buf = nullptr;
	uint32_t len = 0;
};

struct Target {
	uint64_t blocks = 0;
};

struct DKFamily {
	std::mutex m;
	std::condition_variable cv;
	IOUserSCSIParallelInterfaceController *dext = nullptr;
	IOPCIDevice *pci = nullptr;
	IODispatchQueue *def = nullptr;
	OSDictionary *constraints = nullptr;
	uint64_t initiator = 0, highest = 0;
	std::vector<Task> pool;
	std::map<uint64_t, Target> targets;
	std::atomic<bool> creating{false};
	bool accepting = false, stopped = false, inStart = false;
	bool initDone = false;
	bool powerPending = false;	/* a SetPowerState awaits its acknowledgment */
	uint32_t powerFlags = 0, powerAcked = 0;
	DKFamilyStats st = {};
	std::thread timer;
	std::atomic<bool> quit{false};
	std::atomic<int> inDataCall{-1};	/* task index inside UserProcessParallelTask */
	IODispatchQueue::Impl *upcalls = nullptr;	/* completions to the SAM layer */
};

/* ---- helpers ------------------------------------------------------------ */

static uint64_t round_up_page(uint64_t v)
{
	return (v + IOVMPageSize - 1) & ~(IOVMPageSize - 1);
}

static DKFamily *fam_of(IOUserSCSIParallelInterfaceController *c)
{
	return c->dkfam;
}

static bool on_default(DKFamily *f)
{
	return dkq_current() == f->def->dk;
}

/* A kernel -> dext call: on Default, the caller waits (DK §8). */
static void call_default(DKFamily *f, const char *what, const std::function<void()> &fn)
{
	dkq_sync(f->def->dk, fn, what);
}

static void finish(DKFamily *f, Task &t, const DKResult &res,
		   std::unique_lock<std::mutex> &g)
{
	DKDoneFn done = t.done;
	void *ctx = t.ctx;

	if (t.iova)
		bus_unmap(t.iova);
	t.iova = 0;
	t.state = T_FREE;
	t.done = nullptr;
	t.early = false;
	f->st.completed++;
	f->cv.notify_all();
	/* The SAM layer hears of it on the kernel's own thread: the dext's
	 * ParallelTaskCompletion is a one-way message (DK §2.5). */
	if (done)
		dkq_post(f->upcalls, [done, ctx, res] { done(ctx, &res); });
	(void)g;
}

static DKResult kernel_result(SCSITaskStatus status)
{
	DKResult r = {};

	r.done = true;
	r.service = kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE;
	r.status = status;
	r.byKernel = true;
	return r;
}

static void timeout_thread(DKFamily *f)
{
	while (!f->quit) {
		usleep(20000);
		std::unique_lock<std::mutex> g(f->m);
		uint64_t now = mach_absolute_time();

		for (auto &t : f->pool) {
			if (t.state != T_INFLIGHT || !t.deadline || now < t.deadline)
				continue;
			/* DK §5.4: completed as TaskTimeoutOccurred, slot reused. */
			f->st.timedOut++;
			finish(f, t, kernel_result(kSCSITaskStatus_TaskTimeoutOccurred), g);
		}
	}
}

/* ---- creation and destruction ------------------------------------------ */

DKFamily *DKFamilyCreate(void)
{
	DKFamily *f = new DKFamily;

	IODispatchQueue::Create("Default", 0, 0, &f->def);
	f->upcalls = dkq_create("kernel");
	f->timer = std::thread(timeout_thread, f);
	return f;
}

void DKFamilyDestroy(DKFamily *f)
{
	f->quit = true;
	f->timer.join();
	dkq_destroy(f->upcalls);
	for (auto &t : f->pool)
		OSSafeReleaseNULL(t.completion);
	OSSafeReleaseNULL(f->constraints);
	f->def->release();
	delete f;
}

/* ---- command path (DK §5.3) -------------------------------------------- */

static int find_free(DKFamily *f)
{
	for (size_t i = 0; i < f->pool.size(); i++)
		if (f->pool[i].state == T_FREE)
			return (int)i;
	return -1;
}

static void submit_on_default(DKFamily *f, int idx)
{
	Task &t = f->pool[(size_t)idx];
	uint32_t response = 0xFFFFFFFF;
	kern_return_t ret;

	f->inDataCall = idx;
	ret = f->dext->UserProcessParallelTask(t.req, &response, t.completion);
	f->inDataCall = -1;
	std::unique_lock<std::mutex> g(f->m);
	if (ret != kIOReturnSuccess || response != kSCSIServiceResponse_Request_In_Process) {
		/* DK §2.5: the kernel finishes it; the dext must never complete it. */
		f->st.keptByKernel++;
		if (t.early)
			DKModelViolation("DK §2.5: task %u completed by the dext although "
					 "*response was %u", t.id, response);
		finish(f, t, kernel_result(kSCSITaskStatus_DeliveryFailure), g);
		return;
	}
	if (t.early) {
		f->st.sawCompletionBeforeReturn++;
		SCSIUserParallelResponse r = t.earlyRsp;
		DKResult res = {};

		res.done = true;
		res.service = r.fServiceResponse;
		res.status = r.fCompletionStatus;
		res.bytes = r.fBytesTransferred;
		res.senseLength = r.fSenseLength;
		memcpy(res.sense, r.fSenseBuffer, sizeof(res.sense));
		finish(f, t, res, g);
		return;
	}
	t.state = T_INFLIGHT;
}

bool DKFamilySubmit(DKFamily *f, uint64_t target, const uint8_t *cdb, uint8_t cdbLen,
		    uint8_t dir, void *buf, uint32_t len, uint32_t timeoutMs,
		    uint64_t tag, DKDoneFn done, void *ctx)
{
	std::unique_lock<std::mutex> g(f->m);
	int idx;

	if (!f->accepting || !f->targets.count(target)) {
		g.unlock();
		DKResult r = kernel_result(kSCSITaskStatus_DeviceNotPresent);
		if (done)
			done(ctx, &r);
		return true;
	}
	idx = find_free(f);
	if (idx < 0)
		return false;
	Task &t = f->pool[(size_t)idx];
	memset(&t.req, 0, sizeof(t.req));
	t.req.version = kScsiUserParallelTaskCurrentVersion1;
	t.req.fTargetID = target;
	t.req.fControllerTaskIdentifier = t.id;
	t.req.fRequestedTransferCount = len;
	t.req.fTaskAttribute = kSCSITask_SIMPLE;
	t.req.fTaskTagIdentifier = tag;
	memcpy(t.req.fCommandDescriptorBlock, cdb, cdbLen);
	t.req.fCommandSize = cdbLen;
	t.req.fTransferDirection = len ? dir : (uint8_t)kSCSIDataTransfer_NoDataTransfer;
	t.req.fTimeoutInMilliSec = timeoutMs;
	t.buf = (uint8_t *)buf;
	t.len = len;
	/* The kernel prepares the data: one device-visible segment (DK §2.5). */
	t.iova = len ? bus_map((uint8_t *)buf, len) : 0;
	t.req.fBufferIOVMAddr = t.iova;
	t.done = done;
	t.ctx = ctx;
	t.early = false;
	t.deadline = timeoutMs ? mach_absolute_time() + (uint64_t)timeoutMs * 1000000ull : 0;
	t.state = T_SUBMITTING;
	f->st.submitted++;
	unsigned int out = 0;
	for (auto &x : f->pool)
		out += x.state != T_FREE;
	if (out > f->st.maxOutstanding)
		f->st.maxOutstanding = out;
	g.unlock();
	if (on_default(f))
		submit_on_default(f, idx);
	else
		dkq_post(f->def->dk, [f, idx] { submit_on_default(f, idx); });
	return true;
}

struct Waiter {
	std::mutex m;
	std::condition_variable cv;
	DKResult r = {};
};

static void waiter_done(void *ctx, const DKResult *res)
{
	Waiter *w = (Waiter *)ctx;
	std::lock_guard<std::mutex> g(w->m);

	w->r = *res;
	w->r.done = true;
	w->cv.notify_all();
}

DKResult DKFamilyCommand(DKFamily *f, uint64_t target, const uint8_t *cdb, uint8_t cdbLen,
			 uint8_t dir, void *buf, uint32_t len, uint32_t timeoutMs)
{
	Waiter w;

	while (!DKFamilySubmit(f, target, cdb, cdbLen, dir, buf, len, timeoutMs, 0,
			       waiter_done, &w))
		usleep(1000);
	std::unique_lock<std::mutex> g(w.m);
	if (!w.cv.wait_for(g, std::chrono::seconds(60), [&] { return w.r.done; })) {
		DKModelViolation("DK §8: a command to target %llu never completed "
				 "(a deadlock on a Mac)", (unsigned long long)target);
		w.r.done = false;
	}
	return w.r;
}

void IOUserSCSIParallelInterfaceController::ParallelTaskCompletion(
	OSAction *action, SCSIUserParallelResponse response)
{
	DKFamily *f = fam_of(this);
	std::unique_lock<std::mutex> g(f->m);
	Task *t = nullptr;

	for (auto &x : f->pool)
		if (x.completion == action)
			t = &x;
	if (f->stopped) {
		DKModelViolation("DK §5.6: ParallelTaskCompletion after Stop");
		return;
	}
	if (!t) {
		DKModelViolation("DK §2.5: ParallelTaskCompletion with an action that "
				 "is no task's completion");
		return;
	}
	if (response.version != kScsiUserParallelTaskResponseCurrentVersion1) {
		/* DK §2.5: ignored; the command hangs until it times out. */
		DKModelViolation("DK §2.5: completion of task %u with version %llu",
				 t->id, (unsigned long long)response.version);
		return;
	}
	if (t->state == T_FREE || (t->state == T_SUBMITTING && t->early)) {
		DKModelViolation("DK §8: completion of task %u, which the family "
				 "already finished", t->id);
		return;
	}
	if (response.fControllerTaskIdentifier != t->id)
		DKModelViolation("DK §8: completion of task %u echoes identifier %llu",
				 t->id, (unsigned long long)response.fControllerTaskIdentifier);
	if (response.fTargetID != t->req.fTargetID)
		DKModelViolation("DK §2.5: completion of task %u echoes target %llu, "
				 "not %llu", t->id, (unsigned long long)response.fTargetID,
				 (unsigned long long)t->req.fTargetID);
	if (response.fBytesTransferred > t->req.fRequestedTransferCount)
		DKModelViolation("DK §8: task %u moved %llu bytes of %llu", t->id,
				 (unsigned long long)response.fBytesTransferred,
				 (unsigned long long)t->req.fRequestedTransferCount);
	if (t->state == T_SUBMITTING) {
		t->early = true;
		t->earlyRsp = response;
		return;
	}
	f->st.sawCompletionAfterReturn++;
	DKResult res = {};

	res.done = true;
	res.service = response.fServiceResponse;
	res.status = response.fCompletionStatus;
	res.bytes = response.fBytesTransferred;
	res.senseLength = response.fSenseLength;
	memcpy(res.sense, response.fSenseBuffer, sizeof(res.sense));
	finish(f, *t, res, g);
}

kern_return_t IOUserSCSIParallelInterfaceController::UserGetDataBuffer(
	SCSIDeviceIdentifier targetID, uint64_t controllerTaskID,
	IOBufferMemoryDescriptor **buffer)
{
	DKFamily *f = fam_of(this);
	int idx = f->inDataCall;

	/* DK §2.5: valid only inside UserProcessParallelTask. */
	if (idx < 0 || !on_default(f)) {
		DKModelViolation("DK §2.5: UserGetDataBuffer outside UserProcessParallelTask");
		return kIOReturnNotReady;
	}
	Task &t = f->pool[(size_t)idx];
	if (t.id != controllerTaskID || t.req.fTargetID != targetID || !t.len)
		return kIOReturnBadArgument;
	IOBufferMemoryDescriptor *md = new IOBufferMemoryDescriptor;

	/* A view of the kernel's buffer, released by the dext. */
	md->dkMem = t.buf;
	md->dkLen = t.len;
	md->dkBorrowed = true;
	*buffer = md;
	return kIOReturnSuccess;
}

/* ---- targets (DK §2.3, §5.2) ------------------------------------------- */

static bool probe(DKFamily *f, uint64_t id)
{
	static const uint8_t tur[6] = { 0x00 };
	uint8_t inq_cdb[6] = { 0x12, 0, 0, 0, 96, 0 };
	uint8_t cap_cdb[10] = { 0x25 };
	uint8_t inq[96] = { 0 }, cap[8] = { 0 };
	uint64_t v;
	bool b;
	DKResult r;

	call_default(f, "UserReportHBAHighestLogicalUnitNumber",
		     [&] { f->dext->UserReportHBAHighestLogicalUnitNumber(&v); });
	call_default(f, "UserDoesHBAPerformAutoSense",
		     [&] { f->dext->UserDoesHBAPerformAutoSense(&b); });
	r = DKFamilyCommand(f, id, tur, 6, 0, nullptr, 0, 30000);
	if (!r.done)
		return false;
	r = DKFamilyCommand(f, id, inq_cdb, 6, kSCSIDataTransfer_FromTargetToInitiator,
			    inq, sizeof(inq), 30000);
	if (!r.done)
		return false;
	/* DK §2.4: asked only for the SPI features INQUIRY advertises. */
	const uint32_t spi[] = { inq[7] & 0x20u, inq[7] & 0x10u, inq[56] & 0x02u,
				 inq[56] & 0x04u, inq[56] & 0x01u };
	for (uint32_t i = 0; i < 5; i++)
		if (spi[i]) {
			f->st.spiQueries++;
			call_default(f, "UserDoesHBASupportSCSIParallelFeature",
				     [&] { f->dext->UserDoesHBASupportSCSIParallelFeature(i, &b); });
		}
	r = DKFamilyCommand(f, id, cap_cdb, 10, kSCSIDataTransfer_FromTargetToInitiator,
			    cap, sizeof(cap), 30000);
	if (!r.done)
		return false;
	std::lock_guard<std::mutex> g(f->m);
	if (r.service == kSCSIServiceResponse_TASK_COMPLETE && r.status == 0)
		f->targets[id].blocks = ((uint64_t)cap[0] << 24 | cap[1] << 16 |
					 cap[2] << 8 | cap[3]) + 1;
	return true;
}

static kern_return_t create_target(DKFamily *f, uint64_t id)
{
	kern_return_t ret = kIOReturnSuccess;
	bool mp = true;

	{
		std::lock_guard<std::mutex> g(f->m);
		/* DK §2.3 step 1-2; the error code is §9 Q2's: the model's choice. */
		if (id == f->initiator || f->targets.count(id) || id > f->highest)
			return kIOReturnBadArgument;
		f->accepting = true;
		f->targets[id] = Target();
	}
	call_default(f, "UserInitializeTargetForID",
		     [&] { ret = f->dext->UserInitializeTargetForID(id); });
	if (ret == kIOReturnSuccess)
		call_default(f, "UserDoesHBASupportMultiPathing",
			     [&] { ret = f->dext->UserDoesHBASupportMultiPathing(&mp); });
	if (ret == kIOReturnSuccess && !probe(f, id))
		ret = kIOReturnTimeout;
	std::lock_guard<std::mutex> g(f->m);
	if (ret != kIOReturnSuccess) {
		f->targets.erase(id);
		return ret;
	}
	f->st.targetsCreated++;
	f->cv.notify_all();
	return kIOReturnSuccess;
}

kern_return_t IOUserSCSIParallelInterfaceController::UserCreateTargetForID(
	SCSIDeviceIdentifier targetID, OSDictionary *)
{
	DKFamily *f = fam_of(this);
	const char *q = DKModelCurrentQueue();
	kern_return_t ret;

	/* DK §6 #4: a second creation while one is in flight. */
	if (f->creating.exchange(true)) {
		std::lock_guard<std::mutex> g(f->m);
		f->st.notReady++;
		return kIOReturnNotReady;
	}
	/* DK §0.8, §2.3: the nested calls need Default; probe I/O needs the
	 * interrupt queue.  From either it deadlocks on a Mac. */
	if (strcmp(q, "AuxiliaryQueue")) {
		DKModelViolation("DK §2.3: UserCreateTargetForID(%llu) called on %s, "
				 "not AuxiliaryQueue (a deadlock on a Mac)",
				 (unsigned long long)targetID, q);
		f->creating = false;
		return kIOReturnError;
	}
	ret = create_target(f, targetID);
	f->creating = false;
	return ret;
}

static void flush_target(DKFamily *f, uint64_t id, std::unique_lock<std::mutex> &g,
			 unsigned long long *count)
{
	/* Wait for every submission to return, then fail what is left. */
	f->cv.wait(g, [&] {
		for (auto &t : f->pool)
			if (t.state == T_SUBMITTING && t.req.fTargetID == id)
				return false;
		return true;
	});
	for (auto &t : f->pool)
		if (t.state == T_INFLIGHT && t.req.fTargetID == id) {
			(*count)++;
			finish(f, t, kernel_result(kSCSITaskStatus_DeviceNotPresent), g);
		}
}

kern_return_t IOUserSCSIParallelInterfaceController::UserDestroyTargetForID(
	SCSIDeviceIdentifier targetID)
{
	DKFamily *f = fam_of(this);
	std::unique_lock<std::mutex> g(f->m);

	if (!f->targets.count(targetID))
		return kIOReturnBadArgument;
	/* DK §9 Q4: what happens to its commands is open; the model fails
	 * them as termination does, so a later completion is caught. */
	flush_target(f, targetID, g, &f->st.flushedAtDestroy);
	f->targets.erase(targetID);
	f->st.targetsDestroyed++;
	f->cv.notify_all();
	return kIOReturnSuccess;
}

kern_return_t IOUserSCSIParallelInterfaceController::UserTargetPresentForID(
	SCSIDeviceIdentifier targetID, bool *result)
{
	DKFamily *f = fam_of(this);
	std::lock_guard<std::mutex> g(f->m);

	*result = f->targets.count(targetID) != 0;
	return kIOReturnSuccess;
}

kern_return_t IOUserSCSIParallelInterfaceController::UserReportHBAConstraints(
	OSDictionary *constraints)
{
	DKFamily *f = fam_of(this);

	if (!f || !f->inStart || f->initDone) {
		DKModelViolation("DK §2.2: UserReportHBAConstraints outside "
				 "UserInitializeController");
		return kIOReturnNotReady;
	}
	if (!constraints)
		return kIOReturnBadArgument;
	constraints->retain();
	OSSafeReleaseNULL(f->constraints);
	f->constraints = constraints;
	return kIOReturnSuccess;
}

kern_return_t IOUserSCSIParallelInterfaceController::UserSetHBAProperties(
	OSDictionary *properties)
{
	return SetProperties(properties);
}

const char *const *IOUserSCSIParallelInterfaceController::dkQueueNames() const
{
	/* The family's .iig names AuxiliaryQueue (DK §4.1). */
	static const char *const names[] = { "AuxiliaryQueue", nullptr };

	return names;
}

/* ---- start (DK §5.1) ----------------------------------------------------- */

static kern_return_t family_start(DKFamily *f)
{
	IOUserSCSIParallelInterfaceController *d = f->dext;
	kern_return_t ret;
	uint32_t count = 0;
	bool managed = false;
	uint64_t mts;
	uint32_t align;
	uint8_t bits;
	DMAOutputSegmentType seg;

	f->inStart = true;
	dkq_label("UserInitializeController");
	ret = d->UserInitializeController();
	dkq_label("Start");
	f->initDone = true;
	if (ret != kIOReturnSuccess)
		return ret;
	/* DK §0.5, §4.4: a missing required key panics the kernel. */
	for (const char *k : kRequiredKeys)
		if (!f->constraints || !OSDynamicCast(OSNumber, f->constraints->getObject(k))) {
			DKModelViolation("DK §4.4: constraint \"%s\" not reported by "
					 "UserInitializeController (a panic on a Mac)", k);
			return kIOReturnError;
		}
	if ((ret = d->UserReportInitiatorIdentifier(&f->initiator)) ||
	    (ret = d->UserReportHighestSupportedDeviceID(&f->highest)) ||
	    (ret = d->UserReportMaximumTaskCount(&count)))
		return ret;
	if (!count) {
		DKModelViolation("DK §2.2: UserReportMaximumTaskCount reported 0");
		return kIOReturnError;
	}
	if ((ret = d->UserGetDMASpecification(&mts, &align, &bits, &seg)))
		return ret;
	std::vector<Task> pool;	/* the timeout thread reads f->pool: built apart */

	for (uint32_t i = 0; i < count; i++) {
		uint32_t id = 0;

		dkq_label("UserMapHBAData");
		ret = d->UserMapHBAData(&id);
		dkq_label("Start");
		if (ret) {
			if (!i)
				return ret;	/* the first must succeed */
			break;			/* later: the pool stays smaller */
		}
		for (auto &t : pool)
			if (t.id == id) {
				DKModelViolation("DK §8: UserMapHBAData returned id %u twice", id);
				return kIOReturnError;
			}
		Task t;
		t.id = id;
		pool.push_back(t);
	}
	for (auto &t : pool)
		OSAction::CreateModel(d, d, "Default", nullptr, 0, &t.completion);
	{
		std::lock_guard<std::mutex> g(f->m);

		f->pool = std::move(pool);
	}
	f->st.poolSize = (unsigned int)f->pool.size();
	{
		IOBufferMemoryDescriptor *c = nullptr, *r = nullptr;

		IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn,
						 round_up_page(f->pool.size() * 128), 0, &c);
		IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn,
						 round_up_page(f->pool.size() * 384), 0, &r);
		ret = d->UserMapBundledParallelTaskCommandAndResponseBuffers(c, r);
		OSSafeReleaseNULL(c);
		OSSafeReleaseNULL(r);
		if (ret == kIOReturnSuccess) {
			DKModelViolation("model: the bundled path was accepted; the model "
					 "does not model it");
			return kIOReturnUnsupported;
		}
	}
	dkq_label("UserStartController");
	ret = d->UserStartController();
	dkq_label("Start");
	if (ret)
		return ret;
	{
		std::lock_guard<std::mutex> g(f->m);
		f->accepting = true;
	}
	if ((ret = d->UserDoesHBAPerformDeviceManagement(&managed)))
		return ret;
	if (!managed) {
		/* DK §0.7: the kernel creates 0..highest, synchronously. */
		for (uint64_t id = 0; id <= f->highest; id++)
			if (id != f->initiator)
				create_target(f, id);
	}
	return kIOReturnSuccess;
}

kern_return_t IOUserSCSIParallelInterfaceController::dkSuperStart(IOService *)
{
	DKFamily *f = fam_of(this);
	kern_return_t ret;

	if (!f)
		return kIOReturnNotReady;
	ret = family_start(f);
	f->inStart = false;
	return ret;
}

kern_return_t IOUserSCSIParallelInterfaceController::dkSuperStop(IOService *)
{
	return kIOReturnSuccess;
}

kern_return_t IOUserSCSIParallelInterfaceController::dkSuperSetPowerState(uint32_t flags)
{
	DKFamily *f = fam_of(this);
	std::lock_guard<std::mutex> g(f->m);

	/* DK §1 "Power": the acknowledgment of the transition asked for. */
	if (!f->powerPending) {
		DKModelViolation("DK §5.7: SetPowerState acknowledged (0x%x) with no "
				 "power change in progress", flags);
		return kIOReturnNotReady;
	}
	if (flags != f->powerFlags)
		DKModelViolation("DK §5.7: power change to 0x%x acknowledged as 0x%x",
				 f->powerFlags, flags);
	f->powerPending = false;
	f->powerAcked = flags;
	f->cv.notify_all();
	return kIOReturnSuccess;
}

bool DKFamilySetPower(DKFamily *f, uint32_t flags, unsigned int ms)
{
	{
		std::lock_guard<std::mutex> g(f->m);
		if (f->powerPending) {
			DKModelViolation("DK §5.7: a power change before the last was "
					 "acknowledged");
			return false;
		}
		f->powerPending = true;
		f->powerFlags = flags;
	}
	call_default(f, "SetPowerState", [&] { f->dext->SetPowerState(flags); });
	std::unique_lock<std::mutex> g(f->m);
	return f->cv.wait_for(g, std::chrono::milliseconds(ms), [&] {
		return !f->powerPending;
	}) && f->powerAcked == flags;
}

kern_return_t DKFamilyStart(DKFamily *f, IOUserSCSIParallelInterfaceController *dext,
			    IOPCIDevice *pci)
{
	kern_return_t ret = kIOReturnError;

	f->dext = dext;
	f->pci = pci;
	dext->dkfam = f;
	dext->SetDispatchQueue("Default", f->def);
	call_default(f, "Start", [&] { ret = dext->Start(pci); });
	return ret;
}

void DKFamilyTerminate(DKFamily *f)
{
	std::unique_lock<std::mutex> g(f->m);
	std::vector<uint64_t> ids;

	if (f->stopped || !f->dext)
		return;
	/* DK §5.6: stop accepting, flush each target, destroy it. */
	f->accepting = false;
	for (auto &e : f->targets)
		ids.push_back(e.first);
	for (uint64_t id : ids) {
		flush_target(f, id, g, &f->st.flushedAtStop);
		f->targets.erase(id);
	}
	g.unlock();
	call_default(f, "Stop", [&] { f->dext->Stop(f->pci); });
	g.lock();
	f->stopped = true;
}

bool DKFamilyTargetPresent(DKFamily *f, uint64_t target)
{
	std::lock_guard<std::mutex> g(f->m);

	return f->targets.count(target) != 0;
}

uint64_t DKFamilyTargetBlocks(DKFamily *f, uint64_t target)
{
	std::lock_guard<std::mutex> g(f->m);
	auto it = f->targets.find(target);

	return it == f->targets.end() ? 0 : it->second.blocks;
}

unsigned int DKFamilyTargetCount(DKFamily *f)
{
	std::lock_guard<std::mutex> g(f->m);

	return (unsigned int)f->targets.size();
}

bool DKFamilyWaitTargets(DKFamily *f, unsigned int n, unsigned int ms)
{
	std::unique_lock<std::mutex> g(f->m);

	return f->cv.wait_for(g, std::chrono::milliseconds(ms), [&] {
		return f->targets.size() == n && !f->creating;
	});
}

uint32_t DKFamilyTMF(DKFamily *f, DKTMF which, uint64_t t, uint64_t l, uint64_t q)
{
	uint32_t rsp = 0xFFFFFFFF;
	IOUserSCSIParallelInterfaceController *d = f->dext;

	call_default(f, "a task management request", [&] {
		switch (which) {
		case DK_ABORT_TASK: d->UserAbortTaskRequest(t, l, q, &rsp); break;
		case DK_ABORT_TASK_SET: d->UserAbortTaskSetRequest(t, l, &rsp); break;
		case DK_CLEAR_TASK_SET: d->UserClearTaskSetRequest(t, l, &rsp); break;
		case DK_CLEAR_ACA: d->UserClearACARequest(t, l, &rsp); break;
		case DK_LUN_RESET: d->UserLogicalUnitResetRequest(t, l, &rsp); break;
		case DK_TARGET_RESET: d->UserTargetResetRequest(t, &rsp); break;
		}
	});
	if (rsp != kSCSIServiceResponse_FUNCTION_COMPLETE &&
	    rsp != kSCSIServiceResponse_FUNCTION_REJECTED)
		DKModelViolation("DK §2.6: task management answered %u", rsp);
	return rsp;
}

unsigned int DKFamilyOutstanding(DKFamily *f)
{
	std::lock_guard<std::mutex> g(f->m);
	unsigned int n = 0;

	for (auto &t : f->pool)
		n += t.state != T_FREE;
	return n;
}

DKFamilyStats DKFamilyGetStats(DKFamily *f)
{
	std::lock_guard<std::mutex> g(f->m);

	return f->st;
}

OSDictionary *DKFamilyConstraints(DKFamily *f)
{
	return f->constraints;
}
