// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The driverkit layer: DriverKitAcxxx's whole life against the model of
 * DriverKit (driverkit/model/) and the device model (emu/), in one
 * process, for each register dialect and each bring-up stage, and the
 * seed's five failures (DK §6), each shown twice: the model answers the
 * seed's code as DriverKit does, and the sample does not do it.
 *
 * Usage: dktest [--ios N] [--only SUBSTRING]
 * Prints one line per test and "driverkit: N passed, N failed".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <DriverKit/DriverKit.h>
#include <SCSIControllerDriverKit/SCSIControllerDriverKit.h>

#include "DriverKitAcxxx.h"
#include "SeedNoQueue.h"

extern "C" {
#include "acxemu.h"
#include "acxxx_core.h"
}

#define BLK		512u
#define VOL_BLOCKS	(32u * 2048u)		/* 32 MiB */
#define IO_BLOCKS	(VOL_BLOCKS - 2048u)	/* the engine's part; the rest: TMF victims */
#define MAX_IO_BLOCKS	256u
#define HOTPLUG_LUN	5u

static unsigned int g_pass, g_fail;
static unsigned long g_ios = 10000;
static const char *g_only;
static std::string g_why;

static void why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void why(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (g_why.empty())
		g_why = buf;
}

#define CHECK(cond, ...) do { if (!(cond)) { why(__VA_ARGS__); } } while (0)

static void result(const char *name)
{
	if (g_why.empty()) {
		g_pass++;
		printf("ok   %s\n", name);
	} else {
		g_fail++;
		printf("FAIL %s: %s\n", name, g_why.c_str());
		DKModelDumpViolations(name);
	}
	fflush(stdout);
	g_why.clear();
}

static bool want(const char *name)
{
	return !g_only || strstr(name, g_only);
}

static uint64_t ms_now(void)
{
	return mach_absolute_time() / 1000000ull;
}

/* ---- a host: device model, PCI function, family, the dext ---------------- */

struct Host {
	struct acxemu *emu = nullptr;
	IOPCIDevice *pci = nullptr;
	DKFamily *fam = nullptr;
	IOUserSCSIParallelInterfaceController *dext = nullptr;
};

static bool host_emu(Host *h, uint16_t device, unsigned int nvol, const char *file0)
{
	struct acxemu_volume_config vc[4] = {};
	struct acxemu_config cfg = {};
	char err[256];
	int e;

	h->pci = DKModelPCIDevice(nullptr, 0x14D6, device);
	for (unsigned int i = 0; i < nvol; i++) {
		vc[i].lun = i;
		vc[i].size = (u64)VOL_BLOCKS * BLK;
		vc[i].path = i == 0 ? file0 : nullptr;
	}
	cfg.device_id = device;
	cfg.workers = 2;
	cfg.ready_delay_ms = 20;
	cfg.dma = &DKModelDMAOps;
	cfg.irq_cb = DKModelIrq;
	cfg.irq_ctx = h->pci;
	cfg.volumes = vc;
	cfg.nvolumes = nvol;
	cfg.seed = 1;
	h->emu = acxemu_create(&cfg, &e, err, sizeof(err));
	if (!h->emu) {
		why("acxemu_create: %s", err);
		return false;
	}
	DKModelPCISetEmu(h->pci, h->emu);
	return true;
}

static void set_stage(IOService *s, const char *stage)
{
	OSDictionary *d = OSDictionary::withCapacity(1);
	OSString *v = OSString::withCString(stage);

	d->setObject("AcxxxStage", v);
	s->SetProperties(d);
	v->release();
	d->release();
}

static kern_return_t host_start(Host *h, IOUserSCSIParallelInterfaceController *dext,
				const char *stage)
{
	h->fam = DKFamilyCreate();
	h->dext = dext;
	set_stage(dext, stage);
	return DKFamilyStart(h->fam, dext, h->pci);
}

static void host_stop(Host *h)
{
	if (h->fam) {
		DKFamilyTerminate(h->fam);
		DKModelDrainQueues(200);
		DKFamilyDestroy(h->fam);
	}
	if (h->emu)
		acxemu_destroy(h->emu);
	OSSafeReleaseNULL(h->dext);
	OSSafeReleaseNULL(h->pci);
	h->fam = nullptr;
	h->emu = nullptr;
}

/* ---- the SAM layer's I/O: random verified reads and writes ---------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

struct Vol {
	std::vector<uint8_t> shadow;
	std::vector<uint8_t> busy;
	std::atomic<bool> usable{false};
	std::atomic<unsigned int> inflight{0};
};

struct Io {
	struct Engine *e;
	bool write;
	unsigned int lun;
	uint64_t lba;
	uint32_t blocks;
	uint8_t *buf;
	uint8_t *expect;
	DKResult res;
};

struct Engine {
	Host *h;
	Vol vol[ACXXX_MAX_LUNS];
	std::mutex m;
	std::condition_variable cv;
	std::deque<Io *> done;
	std::deque<Io *> later;	/* BUSY / TASK_SET_FULL: resent after a completion */
	unsigned int inflight = 0;
	unsigned long verified = 0, retries = 0, target_gone = 0;
	unsigned long goal = 0;
	std::atomic<bool> stop{false};
	std::string error;
};

static void io_done(void *ctx, const DKResult *res)
{
	Io *io = (Io *)ctx;
	Engine *e = io->e;
	std::lock_guard<std::mutex> g(e->m);

	io->res = *res;
	e->done.push_back(io);
	e->cv.notify_one();
}

static uint8_t *cdb16(uint8_t *c, bool write, uint64_t lba, uint32_t blocks)
{
	memset(c, 0, 16);
	c[0] = write ? 0x8A : 0x88;
	for (int i = 0; i < 8; i++)
		c[2 + i] = (uint8_t)(lba >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		c[10 + i] = (uint8_t)(blocks >> (24 - 8 * i));
	return c;
}

static bool io_submit(Engine *e, Io *io)
{
	uint8_t cdb[16];

	cdb16(cdb, io->write, io->lba, io->blocks);
	if (!io->write)
		memset(io->buf, 0xEE, io->blocks * BLK);
	return DKFamilySubmit(e->h->fam, io->lun + 1, cdb, 16,
			      io->write ? kSCSIDataTransfer_FromInitiatorToTarget :
			      kSCSIDataTransfer_FromTargetToInitiator,
			      io->buf, io->blocks * BLK, 30000, 0, io_done, io);
}

static void io_release(Engine *e, Io *io)
{
	Vol &v = e->vol[io->lun];

	memset(&v.busy[io->lba], 0, io->blocks);
	v.inflight--;
	e->inflight--;
	free(io->buf);
	free(io->expect);
	delete io;
}

/* Start one random command; false when none could be placed. */
static bool io_start(Engine *e)
{
	unsigned int luns[ACXXX_MAX_LUNS], n = 0;

	for (unsigned int i = 0; i < ACXXX_MAX_LUNS; i++)
		if (e->vol[i].usable)
			luns[n++] = i;
	if (!n)
		return false;
	Io *io = new Io;
	io->e = e;
	io->lun = luns[rnd() % n];
	io->blocks = (uint32_t)(1 + rnd() % (rnd() % 4 ? 16 : MAX_IO_BLOCKS));
	io->lba = rnd() % (IO_BLOCKS - io->blocks);
	io->write = rnd() % 2;
	Vol &v = e->vol[io->lun];
	for (uint32_t i = 0; i < io->blocks; i++)
		if (v.busy[io->lba + i]) {
			delete io;
			return false;
		}
	io->buf = (uint8_t *)malloc(io->blocks * BLK);
	io->expect = (uint8_t *)malloc(io->blocks * BLK);
	if (io->write) {
		for (uint32_t i = 0; i < io->blocks * BLK; i++)
			io->buf[i] = (uint8_t)rnd();
		memcpy(io->expect, io->buf, io->blocks * BLK);
	} else {
		memcpy(io->expect, &v.shadow[io->lba * BLK], io->blocks * BLK);
	}
	memset(&v.busy[io->lba], 1, io->blocks);
	v.inflight++;
	e->inflight++;
	if (!io_submit(e, io)) {
		io_release(e, io);
		return false;
	}
	return true;
}

/* What a completion means to the SAM layer; false: a failure of the run. */
static void io_finish(Engine *e, Io *io)
{
	const DKResult &r = io->res;
	Vol &v = e->vol[io->lun];
	bool good = r.service == kSCSIServiceResponse_TASK_COMPLETE &&
		    r.status == kSCSITaskStatus_GOOD;
	bool retry = (r.service == kSCSIServiceResponse_TASK_COMPLETE &&
		      (r.status == kSCSITaskStatus_BUSY ||
		       r.status == kSCSITaskStatus_TASK_SET_FULL)) ||
		     (r.service == kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE &&
		      r.status == kSCSITaskStatus_DeliveryFailure);

	if (good) {
		if (r.bytes != io->blocks * BLK && e->error.empty())
			e->error = "short transfer";
		if (io->write) {
			memcpy(&v.shadow[io->lba * BLK], io->buf, io->blocks * BLK);
		} else if (memcmp(io->buf, io->expect, io->blocks * BLK) && e->error.empty()) {
			char b[128];

			snprintf(b, sizeof(b), "read of lun %u lba %llu differs", io->lun,
				 (unsigned long long)io->lba);
			e->error = b;
		}
		e->verified++;
		io_release(e, io);
		return;
	}
	if (retry) {
		/* The same command again (a write: the same data, so the
		 * shadow holds whatever the firmware did with the first),
		 * after the next completion, as the kernel resends (DK §2.5). */
		e->retries++;
		if (getenv("DKTEST_DEBUG") && e->retries % 5000 == 1)
			fprintf(stderr, "retry: service %u status 0x%x at %llu\n", r.service,
				r.status, (unsigned long long)ms_now());
		e->later.push_back(io);
		return;
	} else if (r.service == kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE &&
		   r.status == kSCSITaskStatus_DeviceNotPresent && !v.usable) {
		e->target_gone++;
	} else if (e->error.empty()) {
		char b[160];

		snprintf(b, sizeof(b), "lun %u %s lba %llu: service %u status 0x%x%s",
			 io->lun, io->write ? "write" : "read",
			 (unsigned long long)io->lba, r.service, r.status,
			 r.byKernel ? " (by the kernel)" : "");
		e->error = b;
	}
	io_release(e, io);
}

/* Keep the pool full until @goal verified commands, then drain. */
static void engine_run(Engine *e)
{
	unsigned int qd = DKFamilyGetStats(e->h->fam).poolSize;
	std::unique_lock<std::mutex> g(e->m, std::defer_lock);

	for (;;) {
		bool more = e->verified < e->goal && !e->stop;

		g.lock();
		while (more && e->inflight < qd) {
			g.unlock();
			bool ok = io_start(e);
			g.lock();
			if (!ok)
				break;
		}
		if (!more && !e->inflight && e->later.empty()) {
			g.unlock();
			break;
		}
		e->cv.wait_for(g, std::chrono::milliseconds(20),
			       [&] { return !e->done.empty(); });
		std::deque<Io *> batch, again;
		unsigned long before = e->verified;

		batch.swap(e->done);
		again.swap(e->later);
		for (Io *io : batch)
			io_finish(e, io);
		if (!again.empty() && e->verified == before) {
			/* nothing got through: give the controller a moment */
			g.unlock();
			usleep(20000);
			g.lock();
		}
		for (Io *io : again)
			if (!io_submit(e, io))
				e->later.push_back(io);
		g.unlock();
	}
}

static void engine_init(Engine *e, Host *h, unsigned int nvol)
{
	e->h = h;
	for (unsigned int i = 0; i < ACXXX_MAX_LUNS; i++) {
		/* only the volumes a test uses: 64 shadows are 2 GiB */
		if (i < nvol || i == HOTPLUG_LUN) {
			e->vol[i].shadow.assign((size_t)VOL_BLOCKS * BLK, 0);
			e->vol[i].busy.assign(VOL_BLOCKS, 0);
		}
		e->vol[i].usable = i < nvol;
	}
}

static void wait_verified(Engine *e, unsigned long n, unsigned int ms)
{
	uint64_t end = ms_now() + ms;

	while (ms_now() < end) {
		{
			std::lock_guard<std::mutex> g(e->m);
			if (e->verified >= n)
				return;
		}
		usleep(5000);
	}
}

/* A command to a range the engine never uses, which the firmware drops. */
struct Victim {
	std::mutex m;
	std::condition_variable cv;
	DKResult r = {};
	unsigned int completions = 0;
	uint8_t buf[BLK];
};

static void victim_done(void *ctx, const DKResult *res)
{
	Victim *v = (Victim *)ctx;
	std::lock_guard<std::mutex> g(v->m);

	v->r = *res;
	v->completions++;
	v->cv.notify_all();
}

static int drop_rule(Host *h, unsigned int lun, uint64_t lba)
{
	struct acxemu_fault f = {};

	f.action = ACXEMU_FAULT_DROP;
	f.fn = ACXEMU_FN_ANY;
	f.opcode = -1;
	f.lun = (int)lun;
	f.lba_first = lba;
	f.lba_last = lba;
	f.lba_match = true;
	f.count = 1;
	return acxemu_fault_add(h->emu, &f);
}

static void victim_send(Host *h, Victim *v, unsigned int lun, uint64_t lba, uint64_t tag)
{
	uint8_t cdb[16];

	while (!DKFamilySubmit(h->fam, lun + 1, cdb16(cdb, false, lba, 1), 16,
			       kSCSIDataTransfer_FromTargetToInitiator, v->buf, BLK,
			       60000, tag, victim_done, v))
		usleep(1000);
}

static bool victim_wait(Victim *v, unsigned int ms)
{
	std::unique_lock<std::mutex> g(v->m);

	return v->cv.wait_for(g, std::chrono::milliseconds(ms),
			      [&] { return v->completions > 0; });
}

static bool no_violations(void)
{
	if (DKModelViolations()) {
		why("%u model violation(s)", DKModelViolations());
		return false;
	}
	return true;
}

/*
 * What the device saw of a stop sequence (Stop, power-off), between the
 * statistics @a and @b: each of @nvol volumes flushed, events switched
 * off, the interface re-initialised so the firmware holds nothing of the
 * host's (no request, no reply frame); and it stays quiet: a volume added
 * now raises no event.
 */
static void stop_seen(Host *h, const struct acxemu_stats *a, const struct acxemu_stats *b,
		      unsigned int nvol)
{
	struct acxemu_volume_config vc = {};
	struct acxemu_stats c;
	char err[128];

	CHECK(b->scsi_ops[0x35] == a->scsi_ops[0x35] + nvol, "%llu cache flushes, not %u",
	      (unsigned long long)(b->scsi_ops[0x35] - a->scsi_ops[0x35]), nvol);
	CHECK(b->functions[ACXXX_FN_EVENT_SWITCH] == a->functions[ACXXX_FN_EVENT_SWITCH] + 1,
	      "%llu event switch requests, not 1 (off)",
	      (unsigned long long)(b->functions[ACXXX_FN_EVENT_SWITCH] -
				   a->functions[ACXXX_FN_EVENT_SWITCH]));
	CHECK(b->reinits > a->reinits, "no interface re-init");
	CHECK(b->outstanding == 0 && b->free_frames == 0,
	      "the firmware still holds %u requests and %u reply frames",
	      b->outstanding, b->free_frames);
	vc.lun = 7;
	vc.size = (u64)VOL_BLOCKS * BLK;
	CHECK(!acxemu_volume_add(h->emu, &vc, err, sizeof(err)), "add: %s", err);
	usleep(50000);
	acxemu_get_stats(h->emu, &c);
	CHECK(c.events == b->events, "an event after the stop");
	acxemu_volume_remove(h->emu, 7);
}

/* ---- the whole life on one dialect ------------------------------------------ */

static void test_life(uint16_t device)
{
	char name[64];
	Host h;
	Engine *e;

	snprintf(name, sizeof(name), "life-%04x", device);
	if (!want(name))
		return;
	e = new Engine;
	DKModelResetViolations();
	DKModelResetDMAFaults();
	DKModelSetBlockBudgetMs(10000);
	if (!host_emu(&h, device, 3, nullptr))
		goto out;
	/* Firmware not ready: start must still complete (DK §0.3, §6 #5). */
	acxemu_ready_hold(h.emu, true);
	{
		uint64_t t0 = ms_now();
		kern_return_t ret = host_start(&h, new DriverKitAcxxx, "full");

		CHECK(ret == kIOReturnSuccess, "start: 0x%x", ret);
		CHECK(ms_now() - t0 < 5000, "start took %llu ms",
		      (unsigned long long)(ms_now() - t0));
		if (ret)
			goto out;
	}
	usleep(100000);
	CHECK(DKFamilyTargetCount(h.fam) == 0, "targets before the firmware was ready");
	acxemu_ready_hold(h.emu, false);
	CHECK(DKFamilyWaitTargets(h.fam, 3, 20000), "%u targets, not 3",
	      DKFamilyTargetCount(h.fam));
	for (unsigned int t = 1; t <= 3; t++)
		CHECK(DKFamilyTargetBlocks(h.fam, t) == VOL_BLOCKS,
		      "target %u: %llu blocks", t,
		      (unsigned long long)DKFamilyTargetBlocks(h.fam, t));
	CHECK(DKFamilyGetStats(h.fam).poolSize == 505, "pool %u",
	      DKFamilyGetStats(h.fam).poolSize);
	{
		engine_init(e, &h, 3);
		e->goal = g_ios;
		std::thread io([e] { engine_run(e); });
		struct acxemu_volume_config vc = {};
		char err[128];
		Victim v1, v2;
		uint32_t rsp;

		wait_verified(e, g_ios / 10, 60000);
		if (getenv("DKTEST_DEBUG"))
			fprintf(stderr, "phase at %llu: %s\n", (unsigned long long)ms_now(), "A volume added while r");
		/* A volume added while running: a target from AuxiliaryQueue. */
		vc.lun = HOTPLUG_LUN;
		vc.size = (u64)VOL_BLOCKS * BLK;
		CHECK(!acxemu_volume_add(h.emu, &vc, err, sizeof(err)), "add: %s", err);
		CHECK(DKFamilyWaitTargets(h.fam, 4, 20000), "hot-added volume: %u targets",
		      DKFamilyTargetCount(h.fam));
		e->vol[HOTPLUG_LUN].usable = true;

		if (getenv("DKTEST_DEBUG"))
			fprintf(stderr, "phase at %llu: %s\n", (unsigned long long)ms_now(), "An abort under load");
		/* An abort under load: the firmware drops one command. */
		wait_verified(e, g_ios * 3 / 10, 60000);
		drop_rule(&h, 0, IO_BLOCKS + 7);
		victim_send(&h, &v1, 0, IO_BLOCKS + 7, 0xA1);
		usleep(200000);
		CHECK(v1.completions == 0, "the dropped command completed");
		rsp = DKFamilyTMF(h.fam, DK_ABORT_TASK, 1, 0, 0xA1);
		CHECK(rsp == kSCSIServiceResponse_FUNCTION_COMPLETE, "abort: %u", rsp);
		CHECK(victim_wait(&v1, 5000) && v1.completions == 1 &&
		      v1.r.service == kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE,
		      "aborted command: %u completions, service %u", v1.completions,
		      v1.r.service);

		if (getenv("DKTEST_DEBUG"))
			fprintf(stderr, "phase at %llu: %s\n", (unsigned long long)ms_now(), "A LUN reset under load");
		/* A LUN reset under load. */
		wait_verified(e, g_ios / 2, 60000);
		drop_rule(&h, 1, IO_BLOCKS + 9);
		victim_send(&h, &v2, 1, IO_BLOCKS + 9, 0xB2);
		usleep(200000);
		rsp = DKFamilyTMF(h.fam, DK_LUN_RESET, 2, 0, 0);
		CHECK(rsp == kSCSIServiceResponse_FUNCTION_COMPLETE, "LUN reset: %u", rsp);
		CHECK(victim_wait(&v2, 5000) && v2.completions == 1,
		      "command killed by the LUN reset: %u completions", v2.completions);

		if (getenv("DKTEST_DEBUG"))
			fprintf(stderr, "phase at %llu: %s\n", (unsigned long long)ms_now(), "A controller re-init u");
		/* A controller re-init under load: the firmware hangs, the
		 * LUN reset gets no answer, the dext re-initialises. */
		wait_verified(e, g_ios * 6 / 10, 60000);
		acxemu_hang(h.emu, true);
		usleep(100000);
		rsp = DKFamilyTMF(h.fam, DK_LUN_RESET, 1, 0, 0);
		CHECK(rsp == kSCSIServiceResponse_FUNCTION_REJECTED,
		      "LUN reset on a hung firmware: %u", rsp);
		unsigned long before = e->verified;
		wait_verified(e, before + 500, 60000);
		CHECK(e->verified >= before + 500, "no I/O after the re-init");
		CHECK(DKFamilyTargetCount(h.fam) == 4, "%u targets after the re-init",
		      DKFamilyTargetCount(h.fam));

		/* 2208/3108: the firmware asks for a flush (a re-init) under load. */
		if (device != 0x6201) {
			before = e->verified;
			CHECK(!acxemu_notify(h.emu, ACXXX_ODB_FLUSH), "flush doorbell");
			wait_verified(e, before + 500, 60000);
			CHECK(e->verified >= before + 500, "no I/O after the flush re-init");
		}

		if (getenv("DKTEST_DEBUG"))
			fprintf(stderr, "phase at %llu: %s\n", (unsigned long long)ms_now(), "The hot-added volume r");
		/* The hot-added volume removed while running. */
		wait_verified(e, g_ios * 8 / 10, 60000);
		e->vol[HOTPLUG_LUN].usable = false;
		while (e->vol[HOTPLUG_LUN].inflight)
			usleep(1000);
		CHECK(!acxemu_volume_remove(h.emu, HOTPLUG_LUN), "remove");
		CHECK(DKFamilyWaitTargets(h.fam, 3, 20000), "removed volume: %u targets",
		      DKFamilyTargetCount(h.fam));
		io.join();
		CHECK(e->error.empty(), "%s", e->error.c_str());
		CHECK(e->verified >= g_ios, "%lu verified of %lu", e->verified, g_ios);
		printf("     %s: %lu verified I/Os, %lu retried, max outstanding %u\n",
		       name, e->verified, e->retries, DKFamilyGetStats(h.fam).maxOutstanding);
	}
	{
		DKFamilyStats st = DKFamilyGetStats(h.fam);

		CHECK(st.maxOutstanding == st.poolSize, "full queue depth never reached: %u",
		      st.maxOutstanding);
		CHECK(DKFamilyOutstanding(h.fam) == 0, "%u outstanding before stop",
		      DKFamilyOutstanding(h.fam));
		CHECK(st.timedOut == 0, "%llu commands timed out", st.timedOut);
		CHECK(st.notReady == 0, "%llu creations answered NotReady", st.notReady);
		CHECK(st.spiQueries == 0, "%llu SPI feature queries", st.spiQueries);
		CHECK(st.sawCompletionAfterReturn > 0, "no completion after return");
	}
	{
		struct acxemu_stats a, b;

		acxemu_get_stats(h.emu, &a);
		DKFamilyTerminate(h.fam);
		acxemu_get_stats(h.emu, &b);
		CHECK(DKFamilyGetStats(h.fam).flushedAtStop == 0, "%llu flushed at stop",
		      DKFamilyGetStats(h.fam).flushedAtStop);
		stop_seen(&h, &a, &b, 3);
	}
	CHECK(DKModelDMAFaults() == 0, "%llu device accesses outside prepared memory",
	      DKModelDMAFaults());
	no_violations();
	DKModelDrainQueues(200);
	DKFamilyDestroy(h.fam);
	h.fam = nullptr;
out:
	host_stop(&h);
	delete e;
	result(name);
}

/* ---- power: off under load, on again (DK §5.7) -------------------------------- */

static void test_power(uint16_t device)
{
	char name[64];
	Host h;
	Engine *e;

	snprintf(name, sizeof(name), "power-%04x", device);
	if (!want(name))
		return;
	e = new Engine;
	DKModelResetViolations();
	DKModelResetDMAFaults();
	if (!host_emu(&h, device, 2, nullptr))
		goto out;
	CHECK(host_start(&h, new DriverKitAcxxx, "full") == kIOReturnSuccess, "start");
	CHECK(DKFamilyWaitTargets(h.fam, 2, 20000), "%u targets, not 2",
	      DKFamilyTargetCount(h.fam));
	{
		struct acxemu_stats a, b;
		unsigned long before;

		engine_init(e, &h, 2);
		e->goal = 1500;
		std::thread io([e] { engine_run(e); });

		wait_verified(e, 500, 60000);
		/* Off under load: quiesced, flushed, events off, forgotten. */
		acxemu_get_stats(h.emu, &a);
		CHECK(DKFamilySetPower(h.fam, kIOServicePowerCapabilityOff, 20000),
		      "power off not acknowledged");
		acxemu_get_stats(h.emu, &b);
		stop_seen(&h, &a, &b, 2);
		usleep(200000);
		acxemu_get_stats(h.emu, &a);
		CHECK(a.posts == b.posts, "%llu requests posted while off",
		      (unsigned long long)(a.posts - b.posts));
		before = e->verified;
		/* On: the start sequence again, then I/O verifies. */
		CHECK(DKFamilySetPower(h.fam, kIOServicePowerCapabilityOn, 20000),
		      "power on not acknowledged");
		CHECK(DKFamilyTargetCount(h.fam) == 2, "%u targets after power-on",
		      DKFamilyTargetCount(h.fam));
		wait_verified(e, before + 500, 60000);
		CHECK(e->verified >= before + 500, "no I/O after power-on");
		io.join();
		CHECK(e->error.empty(), "%s", e->error.c_str());
		printf("     %s: %lu verified I/Os, %lu retried\n", name, e->verified,
		       e->retries);
	}
	{
		DKFamilyStats st = DKFamilyGetStats(h.fam);

		/* no command lost: every one completed, once (the model checks
		 * the "once"), none left to the kernel's timeout */
		CHECK(st.completed == st.submitted, "%llu submitted, %llu completed",
		      st.submitted, st.completed);
		CHECK(st.timedOut == 0, "%llu commands timed out", st.timedOut);
	}
	DKFamilyTerminate(h.fam);
	CHECK(DKModelDMAFaults() == 0, "DMA faults");
	no_violations();
out:
	host_stop(&h);
	delete e;
	result(name);
}

/* ---- the sample's own deadline (DK §5.4) ---------------------------------------- */

static void emu_ctl(Host *h, const char *line)
{
	char out[256];

	acxemu_ctl_exec(h->emu, line, out, sizeof(out));
	CHECK(!strncmp(out, "ok", 2), "emu control \"%s\": %s", line, out);
}

/* A read the firmware never answers, sent with a kernel timeout of 8 s. */
static DKResult late_read(Host *h, uint64_t lba, uint64_t *ms)
{
	uint8_t cdb[16], buf[BLK];
	uint64_t t0 = ms_now();
	DKResult r;

	r = DKFamilyCommand(h->fam, 1, cdb16(cdb, false, lba, 1), 16,
			    kSCSIDataTransfer_FromTargetToInitiator, buf, BLK, 8000);
	*ms = ms_now() - t0;
	return r;
}

static void test_deadline(void)
{
	const char *name = "deadline: a dropped task is aborted, then re-init";
	struct acxemu_stats a, b;
	uint8_t cdb[16], buf[BLK];
	uint64_t ms;
	DKResult r;
	Host h;
	char line[128];

	if (!want("deadline"))
		return;
	DKModelResetViolations();
	if (!host_emu(&h, 0x6240, 1, nullptr))
		goto out;
	CHECK(host_start(&h, new DriverKitAcxxx, "full") == kIOReturnSuccess, "start");
	CHECK(DKFamilyWaitTargets(h.fam, 1, 20000), "no target");

	/* The firmware drops one READ: the sample aborts it at its own
	 * deadline (half the kernel's), before the kernel times it out. */
	acxemu_get_stats(h.emu, &a);
	snprintf(line, sizeof(line), "fault add action=drop fn=scsi lun=0 lba=%u count=1",
		 IO_BLOCKS + 11);
	emu_ctl(&h, line);
	r = late_read(&h, IO_BLOCKS + 11, &ms);
	acxemu_get_stats(h.emu, &b);
	CHECK(r.done && !r.byKernel &&
	      r.service == kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE &&
	      r.status == kSCSITaskStatus_DeliveryFailure,
	      "dropped read: service %u status 0x%x%s", r.service, r.status,
	      r.byKernel ? " (by the kernel)" : "");
	CHECK(ms >= 3500 && ms < 8000, "answered after %llu ms", (unsigned long long)ms);
	CHECK(b.tmf_terminated == a.tmf_terminated + 1, "%llu tasks aborted",
	      (unsigned long long)(b.tmf_terminated - a.tmf_terminated));
	CHECK(b.reinits == a.reinits, "a re-init where an abort did");

	/* The abort is dropped too: the sample re-inits the controller. */
	snprintf(line, sizeof(line), "fault add action=drop fn=scsi lun=0 lba=%u count=1",
		 IO_BLOCKS + 12);
	emu_ctl(&h, line);
	emu_ctl(&h, "fault add action=drop fn=tmf count=1");
	r = late_read(&h, IO_BLOCKS + 12, &ms);
	acxemu_get_stats(h.emu, &a);
	CHECK(r.done && !r.byKernel &&
	      r.service == kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE &&
	      r.status == kSCSITaskStatus_DeliveryFailure,
	      "dropped read, dropped abort: service %u status 0x%x%s", r.service,
	      r.status, r.byKernel ? " (by the kernel)" : "");
	CHECK(a.reinits > b.reinits, "no re-init after the abort got no answer");
	/* and the controller serves again */
	r = DKFamilyCommand(h.fam, 1, cdb16(cdb, false, 0, 1), 16,
			    kSCSIDataTransfer_FromTargetToInitiator, buf, BLK, 8000);
	for (int i = 0; i < 50 && r.status == kSCSITaskStatus_BUSY; i++) {
		usleep(20000);
		r = DKFamilyCommand(h.fam, 1, cdb16(cdb, false, 0, 1), 16,
				    kSCSIDataTransfer_FromTargetToInitiator, buf, BLK, 8000);
	}
	CHECK(r.done && r.service == kSCSIServiceResponse_TASK_COMPLETE &&
	      r.status == kSCSITaskStatus_GOOD, "read after the re-init: service %u "
	      "status 0x%x", r.service, r.status);
	CHECK(DKFamilyGetStats(h.fam).timedOut == 0, "%llu timed out by the kernel",
	      DKFamilyGetStats(h.fam).timedOut);
	DKFamilyTerminate(h.fam);
	no_violations();
out:
	host_stop(&h);
	result(name);
}

/* ---- the stages (docs/pipeline.md §6) ---------------------------------------- */

static void test_stage_null(void)
{
	const char *name = "stage-null";
	uint8_t rcdb[16], wcdb[16], buf[4096];
	DKResult r;
	Host h;

	if (!want(name))
		return;
	DKModelResetViolations();
	/* No device model behind the function: any register access is a violation. */
	h.pci = DKModelPCIDevice(nullptr, 0x14D6, 0x6240);
	CHECK(host_start(&h, new DriverKitAcxxx, "null") == kIOReturnSuccess, "start");
	CHECK(DKFamilyWaitTargets(h.fam, 1, 10000), "%u targets, not 1",
	      DKFamilyTargetCount(h.fam));
	CHECK(DKFamilyTargetPresent(h.fam, 1), "no target 1");
	CHECK(DKFamilyTargetBlocks(h.fam, 1) == ACXXX_NULL_BLOCKS, "%llu blocks",
	      (unsigned long long)DKFamilyTargetBlocks(h.fam, 1));
	r = DKFamilyCommand(h.fam, 1, cdb16(rcdb, false, 0, 8), 16,
			    kSCSIDataTransfer_FromTargetToInitiator, buf, sizeof(buf), 5000);
	CHECK(r.done && r.service == kSCSIServiceResponse_TASK_COMPLETE &&
	      r.status == kSCSITaskStatus_CHECK_CONDITION && r.senseLength >= 14 &&
	      (r.sense[2] & 0x0F) == 0x03, "read: service %u status 0x%x sense key %u",
	      r.service, r.status, r.sense[2] & 0x0F);
	r = DKFamilyCommand(h.fam, 1, cdb16(wcdb, true, 0, 8), 16,
			    kSCSIDataTransfer_FromInitiatorToTarget, buf, sizeof(buf), 5000);
	CHECK(r.done && r.service == kSCSIServiceResponse_TASK_COMPLETE &&
	      r.status == kSCSITaskStatus_GOOD && r.bytes == sizeof(buf),
	      "write: service %u status 0x%x bytes %llu", r.service, r.status,
	      (unsigned long long)r.bytes);
	CHECK(DKFamilyGetStats(h.fam).sawCompletionBeforeReturn > 0,
	      "no completion before return");
	DKFamilyTerminate(h.fam);
	no_violations();
	host_stop(&h);
	result(name);
}

static void test_stage_single(void)
{
	const char *name = "stage-single";
	char path[] = "/tmp/dktest-vol-XXXXXX";
	uint8_t pattern[BLK], buf[BLK], cdb[16];
	DKResult r;
	Host h;
	int fd;

	if (!want(name))
		return;
	DKModelResetViolations();
	DKModelResetDMAFaults();
	for (unsigned int i = 0; i < BLK; i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	fd = mkstemp(path);
	if (fd < 0 || pwrite(fd, pattern, BLK, 0) != BLK) {
		why("cannot make %s", path);
		goto out;
	}
	close(fd);
	if (!host_emu(&h, 0x6232, 2, path))
		goto out;
	CHECK(host_start(&h, new DriverKitAcxxx, "single") == kIOReturnSuccess, "start");
	CHECK(DKFamilyWaitTargets(h.fam, 1, 20000), "%u targets, not 1",
	      DKFamilyTargetCount(h.fam));
	usleep(100000);
	CHECK(DKFamilyTargetCount(h.fam) == 1, "%u targets", DKFamilyTargetCount(h.fam));
	CHECK(DKFamilyGetStats(h.fam).poolSize == 1, "pool %u",
	      DKFamilyGetStats(h.fam).poolSize);
	/* The one fixed READ: block 0 of the first volume. */
	memset(buf, 0, sizeof(buf));
	r = DKFamilyCommand(h.fam, 1, cdb16(cdb, false, 0, 1), 16,
			    kSCSIDataTransfer_FromTargetToInitiator, buf, BLK, 10000);
	CHECK(r.done && r.service == kSCSIServiceResponse_TASK_COMPLETE &&
	      r.status == kSCSITaskStatus_GOOD && r.bytes == BLK,
	      "read: service %u status 0x%x", r.service, r.status);
	CHECK(!memcmp(buf, pattern, BLK), "block 0 differs from the volume's");
	{
		DKFamilyStats st = DKFamilyGetStats(h.fam);

		/* every command completed exactly once (the model counts) */
		CHECK(st.completed == st.submitted && st.maxOutstanding == 1,
		      "%llu submitted, %llu completed, max outstanding %u", st.submitted,
		      st.completed, st.maxOutstanding);
	}
	DKFamilyTerminate(h.fam);
	CHECK(DKModelDMAFaults() == 0, "DMA faults");
	no_violations();
out:
	host_stop(&h);
	unlink(path);
	result(name);
}

/* ---- the seed's five failures (DK §6) ------------------------------------------- */

/* The sample's run used by the "sample avoids it" halves. */
static void sample_run(Host *h, bool hold, unsigned int *targets, uint64_t *start_ms)
{
	uint64_t t0;

	DKModelResetViolations();
	DKModelResetDMAFaults();
	if (!host_emu(h, 0x6201, 2, nullptr))
		return;
	acxemu_ready_hold(h->emu, hold);
	t0 = ms_now();
	CHECK(host_start(h, new DriverKitAcxxx, "full") == kIOReturnSuccess, "start");
	*start_ms = ms_now() - t0;
	*targets = DKFamilyTargetCount(h->fam);
	acxemu_ready_hold(h->emu, false);
	CHECK(DKFamilyWaitTargets(h->fam, 2, 20000), "%u targets",
	      DKFamilyTargetCount(h->fam));
}

/* #1: SetDispatchQueue with a queue not created yet. */
static void test_seed1(void)
{
	IODispatchQueue *q = nullptr, *got = nullptr;
	unsigned int targets;
	uint64_t ms;
	Host h;

	if (want("seed1-model")) {
		DriverKitAcxxx *d = new DriverKitAcxxx;

		DKModelResetViolations();
		kern_return_t ret = d->SetDispatchQueue("InterruptQueue", q);
		CHECK(ret == kIOReturnBadArgument, "answer 0x%x", ret);
		CHECK(DKModelViolationsMatching("§6 #1") == 1, "not reported");
		d->release();
		result("seed1-model: registering a queue before creating it is refused");
	}
	if (!want("seed1-sample"))
		return;
	sample_run(&h, false, &targets, &ms);
	CHECK(DKModelViolationsMatching("§6 #1") == 0, "the sample registered a NULL queue");
	if (h.dext) {
		for (const char *n : { "InterruptQueue", "AuxiliaryQueue" }) {
			CHECK(h.dext->CopyDispatchQueue(n, &got) == kIOReturnSuccess &&
			      !strcmp(DKModelQueueName(got), n), "%s is not registered", n);
			OSSafeReleaseNULL(got);
		}
	}
	no_violations();
	host_stop(&h);
	result("seed1-sample: queues created, then registered");
}

/* #2: a queue name no QUEUENAME declares. */
void IMPL(SeedNoQueue, InterruptOccurred)(OSAction *, uint64_t, uint64_t) {}

static void test_seed2(void)
{
	IODispatchQueue *q = nullptr;
	unsigned int targets;
	uint64_t ms;
	Host h;

	if (want("seed2-model")) {
		SeedNoQueue *s = new SeedNoQueue;

		DKModelResetViolations();
		IODispatchQueue::Create("InterruptQueue", 0, 0, &q);
		kern_return_t ret = s->SetDispatchQueue("InterruptQueue", q);
		CHECK(ret == kIOReturnBadArgument, "answer 0x%x, not kIOReturnBadArgument", ret);
		CHECK(DKModelViolationsMatching("§6 #2") == 1, "not reported");
		q->release();
		s->release();
		result("seed2-model: a queue without QUEUENAME gets kIOReturnBadArgument");
	}
	if (!want("seed2-sample"))
		return;
	sample_run(&h, false, &targets, &ms);
	CHECK(DKModelViolationsMatching("§6 #2") == 0, "the sample registered an undeclared name");
	if (h.dext) {
		bool intq = false, aux = false;

		for (const char *const *n = h.dext->dkQueueNames(); *n; n++) {
			intq |= !strcmp(*n, "InterruptQueue");
			aux |= !strcmp(*n, "AuxiliaryQueue");
		}
		CHECK(intq && aux, "the .iig does not declare both queues");
	}
	no_violations();
	host_stop(&h);
	result("seed2-sample: every queue it registers is declared in its .iig");
}

/* #3: memory sized for 4 KiB pages; task memory mapped but not prepared. */
static void test_seed3(void)
{
	unsigned int targets;
	uint64_t ms;
	Host h;

	if (want("seed3-model")) {
		IOBufferMemoryDescriptor *md = nullptr;
		kern_return_t ret;

		DKModelResetViolations();
		ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn, 3 * 4096, 4096, &md);
		CHECK(ret == kIOReturnNoMemory, "4 KiB-page capacity: 0x%x", ret);
		ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn, 16384, 32768, &md);
		CHECK(ret == kIOReturnNoMemory, "alignment above a page: 0x%x", ret);
		ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn, 16384, 4096, &md);
		CHECK(ret == kIOReturnSuccess, "a whole page: 0x%x", ret);
		OSSafeReleaseNULL(md);
		result("seed3-model: buffers sized for 4 KiB pages get kIOReturnNoMemory");
	}
	if (want("seed3-model-dma")) {
		/* The device reaches only what PrepareForDMA made visible. */
		IOBufferMemoryDescriptor *md = nullptr;
		IOMemoryMap *map = nullptr;
		IODMACommand *dma = nullptr;
		IODMACommandSpecification spec = { 0, 64 };
		IOAddressSegment seg[32];
		uint32_t nseg = 32, word = 0x5A5A5A5A, got = 0;
		uint64_t flags;

		DKModelResetDMAFaults();
		IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOutIn, 16384, 16384, &md);
		md->CreateMapping(0, 0, 0, 0, 0, &map);
		/* mapped only: its CPU address is not a bus address */
		CHECK(DKModelDMAOps.write(nullptr, map->GetAddress(), &word, 4) != 0,
		      "the device wrote through a CPU address");
		CHECK(DKModelDMAFaults() == 1, "fault not counted");
		IODMACommand::Create(nullptr, 0, &spec, &dma);
		CHECK(dma->PrepareForDMA(0, md, 0, 16384, &flags, &nseg, seg) == kIOReturnSuccess &&
		      nseg == 1, "prepare");
		CHECK(DKModelDMAOps.write(nullptr, seg[0].address + 16380, &word, 4) == 0,
		      "the device cannot write prepared memory");
		memcpy(&got, (void *)(uintptr_t)(map->GetAddress() + 16380), 4);
		CHECK(got == word, "the write did not land in the buffer");
		CHECK(DKModelDMAOps.write(nullptr, seg[0].address + 16384, &word, 4) != 0,
		      "the device wrote past the prepared range");
		dma->CompleteDMA(0);
		CHECK(DKModelDMAOps.read(nullptr, seg[0].address, &got, 4) != 0,
		      "the device reached memory after CompleteDMA");
		OSSafeReleaseNULL(dma);
		OSSafeReleaseNULL(map);
		OSSafeReleaseNULL(md);
		result("seed3-model-dma: memory mapped but not prepared is out of the device's reach");
	}
	if (!want("seed3-sample"))
		return;
	sample_run(&h, false, &targets, &ms);
	if (h.fam) {
		uint8_t buf[BLK * 4], cdb[16];
		DKResult r = DKFamilyCommand(h.fam, 1, cdb16(cdb, true, 0, 4), 16,
					     kSCSIDataTransfer_FromInitiatorToTarget, buf,
					     sizeof(buf), 10000);

		CHECK(r.done && r.status == kSCSITaskStatus_GOOD, "a write failed");
	}
	CHECK(DKModelViolationsMatching("§6 #3") == 0, "the sample sized memory for 4 KiB pages");
	CHECK(DKModelDMAFaults() == 0, "the device was given an address no PrepareForDMA made");
	no_violations();
	host_stop(&h);
	result("seed3-sample: task memory in whole 16 KiB pages, prepared for DMA");
}

/* #4: target creation re-entered while one is in flight. */
class SeedReentrant : public DriverKitAcxxx {
public:
	kern_return_t reentry = kIOReturnSuccess;
	bool tried = false;
	kern_return_t UserInitializeTargetForID(SCSITargetIdentifier id) override
	{
		/* the seed: creating another target from inside a creation */
		if (!tried) {
			tried = true;
			reentry = UserCreateTargetForID(id + 1, nullptr);
		}
		return DriverKitAcxxx::UserInitializeTargetForID(id);
	}
};

static void test_seed4(void)
{
	unsigned int targets;
	uint64_t ms;
	Host h;

	if (want("seed4-model")) {
		SeedReentrant *s = new SeedReentrant;

		DKModelResetViolations();
		if (host_emu(&h, 0x6240, 2, nullptr)) {
			CHECK(host_start(&h, s, "full") == kIOReturnSuccess, "start");
			DKFamilyWaitTargets(h.fam, 1, 20000);
			usleep(200000);
			CHECK(s->tried && s->reentry == kIOReturnNotReady,
			      "re-entrant creation answered 0x%x", s->reentry);
			CHECK(DKFamilyGetStats(h.fam).notReady == 1, "NotReady not counted");
		}
		host_stop(&h);
		result("seed4-model: a creation inside a creation gets kIOReturnNotReady");
	}
	if (!want("seed4-sample"))
		return;
	sample_run(&h, false, &targets, &ms);
	if (h.fam) {
		DKFamilyStats st = DKFamilyGetStats(h.fam);

		CHECK(st.notReady == 0, "the sample's creations got NotReady %llu times",
		      st.notReady);
		CHECK(st.targetsCreated == 2, "%llu targets created", st.targetsCreated);
	}
	CHECK(DKModelViolationsMatching("not AuxiliaryQueue") == 0,
	      "the sample created a target off AuxiliaryQueue");
	no_violations();
	host_stop(&h);
	result("seed4-sample: one creator, on AuxiliaryQueue, one at a time");
}

/* #5: a blocking ready-loop in UserInitializeController. */
class SeedReadyLoop : public DriverKitAcxxx {
public:
	struct acxemu *emu = nullptr;
	kern_return_t UserInitializeController() override
	{
		kern_return_t ret = DriverKitAcxxx::UserInitializeController();
		uint64_t end = ms_now() + 5000;

		/* the seed: wait here until the RAID is ready */
		while (ms_now() < end && !acxemu_volume_map(emu))
			IOSleep(10);
		return ret;
	}
};

static void test_seed5(void)
{
	unsigned int targets = 99;
	uint64_t ms = 0;
	Host h;

	if (want("seed5-model")) {
		SeedReadyLoop *s = new SeedReadyLoop;

		DKModelResetViolations();
		DKModelSetBlockBudgetMs(2000);
		if (host_emu(&h, 0x6240, 0, nullptr)) {
			s->emu = h.emu;
			host_start(&h, s, "full");
			CHECK(DKModelViolationsMatching("blocked for more than") >= 1,
			      "the blocking loop was not reported");
			CHECK(DKModelViolationsMatching("UserInitializeController") >= 1,
			      "the report does not name UserInitializeController");
		}
		host_stop(&h);
		DKModelSetBlockBudgetMs(10000);
		result("seed5-model: a ready-loop in UserInitializeController is reported");
	}
	if (!want("seed5-sample"))
		return;
	DKModelSetBlockBudgetMs(2000);
	sample_run(&h, true, &targets, &ms);
	CHECK(ms < 2000, "start took %llu ms with the firmware not ready",
	      (unsigned long long)ms);
	CHECK(targets == 0, "%u targets before the firmware was ready", targets);
	CHECK(DKModelViolationsMatching("blocked for more than") == 0,
	      "the sample blocked a queue");
	no_violations();
	host_stop(&h);
	DKModelSetBlockBudgetMs(10000);
	result("seed5-sample: start returns at once; readiness is a timer's state machine");
}

/* DK §0.5, §4.4: every required constraint key, before init returns. */
class MissingKey : public DriverKitAcxxx {
public:
	kern_return_t UserInitializeController() override
	{
		kern_return_t ret = DriverKitAcxxx::UserInitializeController();
		OSDictionary *d = OSDictionary::withCapacity(1);
		OSNumber *n = OSNumber::withNumber(64, 64);

		/* reported again, without the HBA data alignment mask */
		d->setObject(kIOMaximumSegmentAddressableBitCountKey, n);
		UserReportHBAConstraints(d);
		n->release();
		d->release();
		return ret;
	}
};

static void test_constraints(void)
{
	unsigned int targets;
	uint64_t ms;
	Host h;

	if (want("constraints-model")) {
		DKModelResetViolations();
		if (host_emu(&h, 0x6240, 1, nullptr)) {
			kern_return_t ret = host_start(&h, new MissingKey, "full");

			CHECK(ret != kIOReturnSuccess, "start succeeded without the keys");
			CHECK(DKModelViolationsMatching("§4.4") >= 1, "the missing key was not reported");
		}
		host_stop(&h);
		result("constraints-model: a missing required key fails start (a panic on a Mac)");
	}
	if (!want("constraints-sample"))
		return;
	sample_run(&h, false, &targets, &ms);
	if (h.fam) {
		OSDictionary *c = DKFamilyConstraints(h.fam);
		OSNumber *mask = c ? OSDynamicCast(OSNumber,
			c->getObject(kIOMinimumHBADataAlignmentMaskKey)) : nullptr;

		CHECK(c && c->getCount() >= 7, "constraints: %u keys", c ? c->getCount() : 0);
		CHECK(mask && (mask->unsigned64BitValue() & 0xF) == 0,
		      "HBA data alignment mask missing or not 16-byte aligned");
	}
	no_violations();
	host_stop(&h);
	result("constraints-sample: the seven required keys, reported in UserInitializeController");
}

/* DK §2.5, §8: one completion per command, version 1, the right identifier. */
class BadCompleter : public DriverKitAcxxx {
public:
	int mode = 0;	/* 1: a second completion, 2: version 0, 3: wrong identifier */
	kern_return_t UserProcessParallelTask(SCSIUserParallelTask t, uint32_t *response,
					      OSAction *completion) override
	{
		SCSIUserParallelResponse r;

		memset(&r, 0, sizeof(r));
		r.version = mode == 2 ? 0 : kScsiUserParallelTaskResponseCurrentVersion1;
		r.fTargetID = t.fTargetID;
		r.fControllerTaskIdentifier = t.fControllerTaskIdentifier + (mode == 3);
		r.fServiceResponse = kSCSIServiceResponse_TASK_COMPLETE;
		if (mode == 1) {
			kern_return_t ret = DriverKitAcxxx::UserProcessParallelTask(t, response,
										     completion);
			ParallelTaskCompletion(completion, r);
			return ret;
		}
		*response = kSCSIServiceResponse_Request_In_Process;
		ParallelTaskCompletion(completion, r);
		return kIOReturnSuccess;
	}
};

static void test_completions(void)
{
	static const char *const what[] = { "", "completion of task", "with version",
					    "echoes identifier" };
	uint8_t cdb[6] = { 0 };

	if (!want("completion-model"))
		return;
	for (int mode = 1; mode <= 3; mode++) {
		BadCompleter *b = new BadCompleter;
		Host h;

		DKModelResetViolations();
		h.pci = DKModelPCIDevice(nullptr, 0x14D6, 0x6240);
		if (host_start(&h, b, "null") == kIOReturnSuccess) {
			b->mode = 0;
			DKFamilyWaitTargets(h.fam, 1, 10000);
			b->mode = mode;
			DKFamilyCommand(h.fam, 1, cdb, 6, 0, nullptr, 0, mode == 2 ? 300 : 5000);
			CHECK(DKModelViolationsMatching(what[mode]) >= 1,
			      "mode %d: not reported", mode);
			if (mode == 2)
				CHECK(DKFamilyGetStats(h.fam).timedOut == 1,
				      "a version-0 completion did not leave the command to time out");
		}
		host_stop(&h);
	}
	result("completion-model: a second completion, version 0, a wrong identifier are caught");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ios") && i + 1 < argc)
			g_ios = strtoul(argv[++i], nullptr, 0);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			g_only = argv[++i];
	}
	setvbuf(stdout, nullptr, _IOLBF, 0);
	test_seed1();
	test_seed2();
	test_seed3();
	test_seed4();
	test_seed5();
	test_constraints();
	test_completions();
	test_stage_null();
	test_stage_single();
	test_life(0x6201);
	test_life(0x6232);
	test_life(0x6240);
	test_power(0x6232);
	test_deadline();
	printf("driverkit: %u passed, %u failed\n", g_pass, g_fail);
	return g_fail ? 1 : 0;
}
