// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The model of DriverKit's user-space runtime: objects, queues, timers,
 * interrupts, memory and DMA, PCI access wired to the device model.
 * A test double (see DriverKit/DriverKit.h); every rule it enforces cites
 * ../shared/docs/driverkit.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "DriverKit/DriverKit.h"
#include "model.h"

extern "C" {
#include "acxemu.h"
}

const uint64_t IOVMPageSize = 16384;	/* DK §0.9, §4.3 */

/* ---- violations, clock, log ------------------------------------------- */

static std::mutex g_vlock;
static std::vector<std::string> g_violations;
static std::atomic<unsigned int> g_budget_ms{10000};

void DKModelViolation(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	std::lock_guard<std::mutex> g(g_vlock);
	g_violations.push_back(buf);
	if (getenv("DKMODEL_VERBOSE"))
		fprintf(stderr, "dkmodel: violation at %llu: %s\n", (unsigned long long)(mach_absolute_time() / 1000000), buf);
}

unsigned int DKModelViolations(void)
{
	std::lock_guard<std::mutex> g(g_vlock);
	return (unsigned int)g_violations.size();
}

unsigned int DKModelViolationsMatching(const char *substr)
{
	std::lock_guard<std::mutex> g(g_vlock);
	unsigned int n = 0;

	for (auto &v : g_violations)
		if (!substr || v.find(substr) != std::string::npos)
			n++;
	return n;
}

void DKModelResetViolations(void)
{
	std::lock_guard<std::mutex> g(g_vlock);
	g_violations.clear();
}

void DKModelDumpViolations(const char *prefix)
{
	std::lock_guard<std::mutex> g(g_vlock);
	for (auto &v : g_violations)
		fprintf(stderr, "%s: model: %s\n", prefix, v.c_str());
}

void DKModelSetBlockBudgetMs(unsigned int ms)
{
	g_budget_ms = ms;
}

uint64_t mach_absolute_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void IOSleep(uint64_t ms)
{
	usleep((useconds_t)(ms * 1000));
}

void IOLog(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("DKMODEL_LOG"))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* ---- objects ---------------------------------------------------------- */

OSObject::OSObject() : refs_(1) {}
OSObject::~OSObject() {}

void OSObject::retain()
{
	__atomic_add_fetch(&refs_, 1, __ATOMIC_SEQ_CST);
}

void OSObject::release()
{
	if (__atomic_sub_fetch(&refs_, 1, __ATOMIC_SEQ_CST) == 0) {
		free();
		delete this;
	}
}

struct OSDictionary::Impl {
	std::vector<std::pair<std::string, OSObject *>> kv;
};

OSDictionary *OSDictionary::withCapacity(uint32_t)
{
	OSDictionary *d = new OSDictionary;

	d->p_ = new Impl;
	return d;
}

OSDictionary::~OSDictionary()
{
	if (p_)
		for (auto &e : p_->kv)
			e.second->release();
	delete p_;
}

bool OSDictionary::setObject(const char *key, OSObject *obj)
{
	if (!key || !obj)
		return false;
	obj->retain();
	for (auto &e : p_->kv)
		if (e.first == key) {
			e.second->release();
			e.second = obj;
			return true;
		}
	p_->kv.emplace_back(key, obj);
	return true;
}

OSObject *OSDictionary::getObject(const char *key) const
{
	for (auto &e : p_->kv)
		if (e.first == key)
			return e.second;
	return nullptr;
}

unsigned int OSDictionary::getCount() const
{
	return (unsigned int)p_->kv.size();
}

const char *OSDictionary::keyAt(unsigned int i) const
{
	return i < p_->kv.size() ? p_->kv[i].first.c_str() : nullptr;
}

OSNumber *OSNumber::withNumber(uint64_t value, size_t bits)
{
	OSNumber *n = new OSNumber;

	n->v_ = bits >= 64 ? value : value & ((1ull << bits) - 1);
	return n;
}

OSString *OSString::withCString(const char *s)
{
	OSString *o = new OSString;

	o->s_ = strdup(s ? s : "");
	return o;
}

OSString::~OSString()
{
	::free(s_);
}

OSBoolean *OSBoolean::withBoolean(bool b)
{
	OSBoolean *o = new OSBoolean;

	o->v_ = b;
	return o;
}

/* ---- locks ------------------------------------------------------------ */

struct IOLock {
	std::mutex m;
};

IOLock *IOLockAlloc(void)
{
	return new IOLock;
}

void IOLockFree(IOLock *l)
{
	delete l;
}

void IOLockLock(IOLock *l)
{
	l->m.lock();
}

void IOLockUnlock(IOLock *l)
{
	l->m.unlock();
}

/* ---- dispatch queues (DK §4.1: serial, FIFO) --------------------------- */

static thread_local IODispatchQueue::Impl *t_queue;

struct IODispatchQueue::Impl {
	std::string name;
	std::mutex m;
	std::condition_variable cv, idle_cv;
	std::deque<std::function<void()>> items;
	std::thread th;
	bool stop = false;
	bool busy = false;
	uint64_t item_start = 0;
	bool reported = false;
	std::string running;	/* what the running item is, for reports */

	void loop()
	{
		t_queue = this;
		std::unique_lock<std::mutex> g(m);
		for (;;) {
			cv.wait(g, [&] { return stop || !items.empty(); });
			if (items.empty() && stop)
				break;
			auto fn = std::move(items.front());
			items.pop_front();
			busy = true;
			item_start = mach_absolute_time();
			reported = false;
			g.unlock();
			fn();
			g.lock();
			busy = false;
			running.clear();
			if (items.empty())
				idle_cv.notify_all();
		}
	}

	void post(std::function<void()> fn)
	{
		std::lock_guard<std::mutex> g(m);
		items.push_back(std::move(fn));
		cv.notify_one();
	}

	/* Run @fn on this queue and wait; inline when already on it. */
	void sync(const std::function<void()> &fn)
	{
		if (t_queue == this) {
			fn();
			return;
		}
		std::mutex dm;
		std::condition_variable dcv;
		bool done = false;

		post([&] {
			fn();
			std::lock_guard<std::mutex> g(dm);
			done = true;
			dcv.notify_one();
		});
		std::unique_lock<std::mutex> g(dm);
		dcv.wait(g, [&] { return done; });
	}

	bool idle()
	{
		std::lock_guard<std::mutex> g(m);
		return !busy && items.empty();
	}
};

static std::mutex g_qlock;
static std::vector<IODispatchQueue::Impl *> g_queues;

/* DK §0.3: Default and InterruptQueue must never be blocked. */
static void watchdog_scan(void)
{
	std::lock_guard<std::mutex> g(g_qlock);

	for (auto *q : g_queues) {
		std::lock_guard<std::mutex> qg(q->m);
		uint64_t now = mach_absolute_time();	/* after item_start: no underflow */

		if (!q->busy || q->reported)
			continue;
		if (q->name != "Default" && q->name != "InterruptQueue")
			continue;
		if (now - q->item_start > (uint64_t)g_budget_ms * 1000000ull) {
			q->reported = true;
			DKModelViolation("DK §0.3: %s blocked for more than %u ms%s%s",
					 q->name.c_str(), g_budget_ms.load(),
					 q->running.empty() ? "" : " in ",
					 q->running.c_str());
		}
	}
}

static std::once_flag g_watchdog_once;

static void watchdog_start(void)
{
	std::call_once(g_watchdog_once, [] {
		std::thread([] {
			for (;;) {
				usleep(20000);
				watchdog_scan();
			}
		}).detach();
	});
}

IODispatchQueue::Impl *dkq_create(const char *name)
{
	auto *q = new IODispatchQueue::Impl;

	q->name = name;
	q->th = std::thread([q] { q->loop(); });
	{
		std::lock_guard<std::mutex> g(g_qlock);
		g_queues.push_back(q);
	}
	watchdog_start();
	return q;
}

void dkq_destroy(IODispatchQueue::Impl *q)
{
	{
		std::lock_guard<std::mutex> g(q->m);
		q->stop = true;
		q->cv.notify_one();
	}
	if (q->th.get_id() == std::this_thread::get_id())
		q->th.detach();
	else
		q->th.join();
	{
		std::lock_guard<std::mutex> g(g_qlock);
		for (size_t i = 0; i < g_queues.size(); i++)
			if (g_queues[i] == q)
				g_queues.erase(g_queues.begin() + (long)i);
	}
	delete q;
}

void dkq_post(IODispatchQueue::Impl *q, std::function<void()> fn)
{
	q->post(std::move(fn));
}

void dkq_sync(IODispatchQueue::Impl *q, const std::function<void()> &fn,
	      const char *what)
{
	if (t_queue != q) {
		q->sync([&] {
			{
				std::lock_guard<std::mutex> g(q->m);
				q->running = what ? what : "";
			}
			fn();
		});
		return;
	}
	fn();
}

void dkq_label(const char *what)
{
	if (!t_queue)
		return;
	std::lock_guard<std::mutex> g(t_queue->m);
	t_queue->running = what;
}

IODispatchQueue::Impl *dkq_current(void)
{
	return t_queue;
}

const char *DKModelCurrentQueue(void)
{
	return t_queue ? t_queue->name.c_str() : "kernel";
}

void DKModelDrainQueues(unsigned int ms)
{
	uint64_t end = mach_absolute_time() + (uint64_t)ms * 1000000ull;
	int quiet = 0;

	while (mach_absolute_time() < end && quiet < 3) {
		bool idle = true;
		{
			std::lock_guard<std::mutex> g(g_qlock);
			for (auto *q : g_queues)
				if (!q->idle())
					idle = false;
		}
		quiet = idle ? quiet + 1 : 0;
		usleep(5000);
	}
}

kern_return_t IODispatchQueue::Create(const IODispatchQueueName name, uint64_t,
				      uint64_t, IODispatchQueue **queue)
{
	if (!name || !queue)
		return kIOReturnBadArgument;
	IODispatchQueue *q = new IODispatchQueue;

	q->dk = dkq_create(name);
	*queue = q;
	return kIOReturnSuccess;
}

IODispatchQueue::~IODispatchQueue()
{
	dkq_destroy(dk);
}

/* ---- actions ---------------------------------------------------------- */

kern_return_t OSAction::CreateModel(OSObject *target, IOService *service,
				    const char *queueName, Thunk fn,
				    size_t referenceSize, OSAction **action)
{
	OSAction *a = new OSAction;

	a->target_ = target;
	a->service_ = service;
	snprintf(a->queue_, sizeof(a->queue_), "%s", queueName ? queueName : "Default");
	a->fn_ = fn;
	if (referenceSize)
		a->ref_ = calloc(1, referenceSize);
	*action = a;
	return kIOReturnSuccess;
}

OSAction::~OSAction()
{
	::free(ref_);
}

IODispatchQueue *OSAction::dkQueue()
{
	return service_ ? service_->dkQueueFor(queue_) : nullptr;
}

void OSAction::dkInvoke(uint64_t a, uint64_t b, const void *arg)
{
	fn_(target_, this, a, b, arg);
}

void OSAction::dkDispatch(uint64_t a, uint64_t b)
{
	IODispatchQueue *q = dkQueue();

	if (!q) {
		DKModelViolation("DK §4.1: action for %s has no queue", queue_);
		return;
	}
	retain();
	dkq_post(q->dk, [this, a, b] {
		dkq_label("an action");
		dkInvoke(a, b, nullptr);
		release();
	});
}

/* ---- services and SetDispatchQueue (DK §4.1, §6 #1 #2) ------------------ */

IOService::~IOService()
{
	if (dksvc) {
		for (auto &e : dksvc->queues)
			e.second->release();
		delete dksvc;
	}
}

static IOService::Svc *svc_of(IOService *s)
{
	if (!s->dksvc)
		s->dksvc = new IOService::Svc;
	return s->dksvc;
}

const char *const *IOService::dkQueueNames() const
{
	static const char *const none[] = { nullptr };

	return none;
}

kern_return_t IOService::SetDispatchQueue(const char *name, IODispatchQueue *queue)
{
	bool known = name && !strcmp(name, "Default");

	if (name)
		for (const char *const *n = dkQueueNames(); *n; n++)
			if (!strcmp(*n, name))
				known = true;
	if (!known) {
		/* DK §4.1 [xnu]: only names some QUEUENAME declares. */
		DKModelViolation("DK §4.1/§6 #2: SetDispatchQueue(\"%s\"): no method "
				 "of the class declares QUEUENAME(%s): kIOReturnBadArgument",
				 name ? name : "(null)", name ? name : "(null)");
		return kIOReturnBadArgument;
	}
	if (!queue || !queue->dk) {
		/* DK §6 #1: the kernel writes into the queue object. */
		DKModelViolation("DK §6 #1: SetDispatchQueue(\"%s\") with a queue not "
				 "created yet (a hang on a Mac)", name);
		return kIOReturnBadArgument;
	}
	Svc *s = svc_of(this);
	auto it = s->queues.find(name);

	queue->retain();
	if (it != s->queues.end()) {
		it->second->release();
		it->second = queue;
	} else {
		s->queues[name] = queue;
	}
	return kIOReturnSuccess;
}

kern_return_t IOService::CopyDispatchQueue(const char *name, IODispatchQueue **queue)
{
	IODispatchQueue *q = dkQueueFor(name);

	if (!q)
		return kIOReturnNotReady;
	q->retain();
	*queue = q;
	return kIOReturnSuccess;
}

/* A method whose queue is not registered runs on Default (DK §4.1). */
IODispatchQueue *IOService::dkQueueFor(const char *name)
{
	Svc *s = svc_of(this);
	auto it = s->queues.find(name);

	if (it != s->queues.end())
		return it->second;
	it = s->queues.find("Default");
	return it == s->queues.end() ? nullptr : it->second;
}

kern_return_t IOService::CopyProperties(OSDictionary **properties)
{
	Svc *s = svc_of(this);

	if (!s->props)
		s->props = OSDictionary::withCapacity(4);
	s->props->retain();
	*properties = s->props;
	return kIOReturnSuccess;
}

kern_return_t IOService::SetProperties(OSDictionary *properties)
{
	Svc *s = svc_of(this);

	if (!s->props)
		s->props = OSDictionary::withCapacity(4);
	for (unsigned int i = 0; i < properties->getCount(); i++)
		s->props->setObject(properties->keyAt(i),
				    properties->getObject(properties->keyAt(i)));
	return kIOReturnSuccess;
}

kern_return_t IOService::Start(IOService *)
{
	return kIOReturnSuccess;
}

kern_return_t IOService::Stop(IOService *)
{
	return kIOReturnSuccess;
}

kern_return_t IOService::Start(IOService *provider, SuperDispatchTag)
{
	return dkSuperStart(provider);
}

kern_return_t IOService::Stop(IOService *provider, SuperDispatchTag)
{
	return dkSuperStop(provider);
}

kern_return_t IOService::SetPowerState(uint32_t powerFlags)
{
	return SetPowerState(powerFlags, SuperDispatchTag());
}

kern_return_t IOService::SetPowerState(uint32_t powerFlags, SuperDispatchTag)
{
	return dkSuperSetPowerState(powerFlags);
}

kern_return_t IOService::dkSuperSetPowerState(uint32_t)
{
	return kIOReturnSuccess;
}

kern_return_t IOService::dkSuperStart(IOService *)
{
	return kIOReturnSuccess;
}

kern_return_t IOService::dkSuperStop(IOService *)
{
	return kIOReturnSuccess;
}

/* ---- bus space: what PrepareForDMA made visible to the device ---------- */

struct Mapping {
	uint8_t *cpu;
	uint64_t len;
};

static std::shared_mutex g_bus_lock;
static std::map<uint64_t, Mapping> g_bus;
static uint64_t g_next_iova = 0x100000000ull;	/* 4 GiB: never a CPU address */
static std::atomic<unsigned long long> g_dma_faults{0};

static uint64_t round_page(uint64_t v)
{
	return (v + IOVMPageSize - 1) & ~(IOVMPageSize - 1);
}

/* Map [cpu, cpu+len) at a fresh page-aligned bus address (+ in-page offset). */
uint64_t bus_map(uint8_t *cpu, uint64_t len)
{
	std::unique_lock<std::shared_mutex> g(g_bus_lock);
	uint64_t off = (uintptr_t)cpu & (IOVMPageSize - 1);
	uint64_t iova = g_next_iova + off;

	g_next_iova += round_page(off + len) + IOVMPageSize;	/* a guard page */
	g_bus[iova] = Mapping{ cpu, len };
	return iova;
}

void bus_unmap(uint64_t iova)
{
	std::unique_lock<std::shared_mutex> g(g_bus_lock);
	g_bus.erase(iova);
}

static uint8_t *bus_ptr(uint64_t addr, size_t len)
{
	auto it = g_bus.upper_bound(addr);

	if (it == g_bus.begin())
		return nullptr;
	--it;
	if (addr - it->first > it->second.len ||
	    len > it->second.len - (addr - it->first))
		return nullptr;
	return it->second.cpu + (addr - it->first);
}

static int dma_read(void *, u64 addr, void *buf, size_t len)
{
	std::shared_lock<std::shared_mutex> g(g_bus_lock);
	uint8_t *p = bus_ptr(addr, len);

	if (!p) {
		g_dma_faults++;
		return -EFAULT;
	}
	memcpy(buf, p, len);
	return 0;
}

static int dma_write(void *, u64 addr, const void *buf, size_t len)
{
	std::shared_lock<std::shared_mutex> g(g_bus_lock);
	uint8_t *p = bus_ptr(addr, len);

	if (!p) {
		g_dma_faults++;
		return -EFAULT;
	}
	memcpy(p, buf, len);
	return 0;
}

const struct acxemu_dma_ops DKModelDMAOps = { dma_read, dma_write };

unsigned long long DKModelDMAFaults(void)
{
	return g_dma_faults;
}

void DKModelResetDMAFaults(void)
{
	g_dma_faults = 0;
}

uint64_t DKModelIovaFor(const void *cpu, uint64_t len)
{
	return bus_map((uint8_t *)cpu, len);
}

/* ---- memory descriptors (DK §4.3, §6 #3) -------------------------------- */

kern_return_t IOBufferMemoryDescriptor::Create(uint64_t options, uint64_t capacity,
					       uint64_t alignment,
					       IOBufferMemoryDescriptor **memory)
{
	(void)options;
	if (!memory || !capacity)
		return kIOReturnBadArgument;
	/*
	 * DK §4.3 / §6 #3: the seed's kIOReturnNoMemory.  The model refuses
	 * everything the fact sheet calls unsafe: a capacity that is not a
	 * whole number of 16 KiB pages, an alignment that is not a power of
	 * two or is above a page.
	 */
	if (capacity % IOVMPageSize) {
		DKModelViolation("DK §4.3/§6 #3: IOBufferMemoryDescriptor::Create "
				 "capacity %llu is not a multiple of IOVMPageSize "
				 "(%llu): kIOReturnNoMemory",
				 (unsigned long long)capacity,
				 (unsigned long long)IOVMPageSize);
		return kIOReturnNoMemory;
	}
	if (alignment & (alignment - 1) || alignment > IOVMPageSize) {
		DKModelViolation("DK §4.3/§6 #3: IOBufferMemoryDescriptor::Create "
				 "alignment %llu: kIOReturnNoMemory",
				 (unsigned long long)alignment);
		return kIOReturnNoMemory;
	}
	IOBufferMemoryDescriptor *md = new IOBufferMemoryDescriptor;

	md->dkMem = (uint8_t *)aligned_alloc(IOVMPageSize, capacity);
	if (!md->dkMem) {
		delete md;
		return kIOReturnNoMemory;
	}
	memset(md->dkMem, 0, capacity);
	md->dkLen = capacity;
	*memory = md;
	return kIOReturnSuccess;
}

IOMemoryDescriptor::~IOMemoryDescriptor()
{
	if (!dkBorrowed)
		::free(dkMem);
}

kern_return_t IOBufferMemoryDescriptor::GetAddressRange(IOAddressSegment *range)
{
	range->address = (uintptr_t)dkMem;
	range->length = dkLen;
	return kIOReturnSuccess;
}

kern_return_t IOBufferMemoryDescriptor::SetLength(uint64_t length)
{
	if (length > dkLen)
		return kIOReturnBadArgument;
	dkLen = length;
	return kIOReturnSuccess;
}

kern_return_t IOMemoryDescriptor::GetLength(uint64_t *length)
{
	*length = dkLen;
	return kIOReturnSuccess;
}

kern_return_t IOMemoryDescriptor::CreateMapping(uint64_t, uint64_t address,
						uint64_t offset, uint64_t length,
						uint64_t, IOMemoryMap **map)
{
	if (address || offset > dkLen || !map)
		return kIOReturnBadArgument;
	if (!length)
		length = dkLen - offset;
	if (length > dkLen - offset)
		return kIOReturnBadArgument;
	IOMemoryMap *m = new IOMemoryMap;

	m->addr_ = (uintptr_t)dkMem + offset;
	m->len_ = length;
	*map = m;
	return kIOReturnSuccess;
}

kern_return_t IODMACommand::Create(IOService *, uint64_t,
				   const IODMACommandSpecification *spec,
				   IODMACommand **command)
{
	if (!spec || !command || !spec->maxAddressBits)
		return kIOReturnBadArgument;
	IODMACommand *c = new IODMACommand;

	c->dkBits = spec->maxAddressBits;
	*command = c;
	return kIOReturnSuccess;
}

kern_return_t IODMACommand::PrepareForDMA(uint64_t, IOMemoryDescriptor *memory,
					  uint64_t offset, uint64_t length,
					  uint64_t *flags, uint32_t *segmentsCount,
					  IOAddressSegment *segments)
{
	if (!memory || !segmentsCount || !segments || !*segmentsCount)
		return kIOReturnBadArgument;
	if (dkIova)
		return kIOReturnBadArgument;	/* already prepared */
	if (!length)
		length = memory->dkLen - offset;
	if (offset > memory->dkLen || length > memory->dkLen - offset)
		return kIOReturnBadArgument;
	dkIova = bus_map(memory->dkMem + offset, length);
	dkSpan = length;
	if (dkBits < 64 && (dkIova + length - 1) >> dkBits) {
		bus_unmap(dkIova);
		dkIova = 0;
		return kIOReturnNoResources;
	}
	segments[0].address = dkIova;
	segments[0].length = length;
	*segmentsCount = 1;
	if (flags)
		*flags = 0;
	return kIOReturnSuccess;
}

kern_return_t IODMACommand::CompleteDMA(uint64_t)
{
	if (!dkIova)
		return kIOReturnNotReady;
	bus_unmap(dkIova);
	dkIova = 0;
	return kIOReturnSuccess;
}

IODMACommand::~IODMACommand()
{
	if (dkIova)
		bus_unmap(dkIova);
}

/* ---- PCI (DK §7: the dext opens its provider itself) -------------------- */

void DKModelPCISetEmu(IOPCIDevice *pci, struct acxemu *emu)
{
	pci->dkdev->emu = emu;
}

const char *DKModelQueueName(IODispatchQueue *q)
{
	return q && q->dk ? q->dk->name.c_str() : "(none)";
}

IOPCIDevice *DKModelPCIDevice(struct acxemu *emu, uint16_t vendor, uint16_t device)
{
	IOPCIDevice *d = new IOPCIDevice;

	d->dkdev = new IOPCIDevice::Dev;
	d->dkdev->emu = emu;
	d->dkdev->vendor = vendor;
	d->dkdev->device = device;
	d->dkdev->bar = acxemu_family_of(device) == ACXEMU_FAMILY_341 ? 0 : 1;
	return d;
}

IOPCIDevice::~IOPCIDevice()
{
	delete dkdev;
}

kern_return_t IOPCIDevice::Open(IOService *, uint32_t)
{
	if (dkdev->open)
		return kIOReturnBadArgument;
	dkdev->open = true;
	return kIOReturnSuccess;
}

void IOPCIDevice::Close(IOService *, uint32_t)
{
	dkdev->open = false;
}

void IOPCIDevice::ConfigurationRead16(uint64_t offset, uint16_t *value)
{
	*value = offset == 0 ? dkdev->vendor : offset == 2 ? dkdev->device : 0xFFFF;
}

void IOPCIDevice::ConfigurationRead32(uint64_t offset, uint32_t *value)
{
	*value = offset == 0 ? (uint32_t)dkdev->device << 16 | dkdev->vendor : ~0u;
}

static bool mem_ok(IOPCIDevice::Dev *d, uint8_t idx, uint64_t off)
{
	if (!d->emu) {
		DKModelViolation("model: register access to a function with no device "
				 "behind it (the null stage touches no hardware)");
		return false;
	}
	if (!d->open) {
		DKModelViolation("DK §7: register access before IOPCIDevice::Open");
		return false;
	}
	if (idx != d->bar || off + 4 > 0x4000 || off & 3) {
		DKModelViolation("PCI: register access to BAR %u offset 0x%llx", idx,
				 (unsigned long long)off);
		return false;
	}
	return true;
}

void IOPCIDevice::MemoryRead32(uint8_t memoryIndex, uint64_t offset, uint32_t *value)
{
	*value = mem_ok(dkdev, memoryIndex, offset) ?
		 acxemu_reg_read(dkdev->emu, (u32)offset, 4) : ~0u;
}

void IOPCIDevice::MemoryWrite32(uint8_t memoryIndex, uint64_t offset, uint32_t value)
{
	if (mem_ok(dkdev, memoryIndex, offset))
		acxemu_reg_write(dkdev->emu, (u32)offset, value, 4);
}

/* ---- interrupt sources (DK §4.2) ---------------------------------------- */

struct IOInterruptDispatchSource::Src {
	IOPCIDevice *pci;
	IODispatchQueue *queue;
	OSAction *action = nullptr;
	std::atomic<bool> enabled{false};
	std::atomic<bool> pending{false};
	std::atomic<uint64_t> count{0};
	IOInterruptDispatchSource *self;
};

static void irq_deliver(IOInterruptDispatchSource::Src *s);

static void irq_run(IOInterruptDispatchSource::Src *s)
{
	dkq_label("an interrupt handler");
	if (s->enabled && s->action)
		s->action->dkInvoke(s->count.exchange(0), mach_absolute_time(), nullptr);
	s->pending = false;
	/* Level-triggered: still up after the handler, deliver again. */
	if (s->enabled && acxemu_irq_level(s->pci->dkdev->emu))
		irq_deliver(s);
}

static void irq_deliver(IOInterruptDispatchSource::Src *s)
{
	s->count++;
	if (!s->enabled || s->pending.exchange(true))
		return;
	s->self->retain();
	dkq_post(s->queue->dk, [s] {
		irq_run(s);
		s->self->release();
	});
}

void DKModelIrq(void *pciDevice, bool level)
{
	IOPCIDevice *d = (IOPCIDevice *)pciDevice;

	if (!level)
		return;
	std::lock_guard<std::mutex> g(d->dkdev->irq_lock);
	for (auto *s : d->dkdev->irqs)
		irq_deliver(s);
}

kern_return_t IOInterruptDispatchSource::Create(IOService *provider, uint32_t index,
						IODispatchQueue *queue,
						IOInterruptDispatchSource **source)
{
	IOPCIDevice *pci = dynamic_cast<IOPCIDevice *>(provider);

	if (!pci || !queue || !source || index != 0)
		return kIOReturnBadArgument;
	IOInterruptDispatchSource *src = new IOInterruptDispatchSource;

	src->dk = new Src;
	src->dk->pci = pci;
	src->dk->queue = queue;
	src->dk->self = src;
	queue->retain();
	{
		std::lock_guard<std::mutex> g(pci->dkdev->irq_lock);
		pci->dkdev->irqs.push_back(src->dk);
	}
	*source = src;
	return kIOReturnSuccess;
}

kern_return_t IOInterruptDispatchSource::SetHandler(OSAction *action)
{
	if (!action)
		return kIOReturnBadArgument;
	action->retain();
	OSSafeReleaseNULL(dk->action);
	dk->action = action;
	return kIOReturnSuccess;
}

kern_return_t IOInterruptDispatchSource::SetEnable(bool enable)
{
	dk->enabled = enable;
	if (enable && dk->pci->dkdev->emu && acxemu_irq_level(dk->pci->dkdev->emu)) {
		std::lock_guard<std::mutex> g(dk->pci->dkdev->irq_lock);
		irq_deliver(dk);
	}
	return kIOReturnSuccess;
}

kern_return_t IOInterruptDispatchSource::Cancel()
{
	dk->enabled = false;
	{
		std::lock_guard<std::mutex> g(dk->pci->dkdev->irq_lock);
		auto &v = dk->pci->dkdev->irqs;
		for (size_t i = 0; i < v.size(); i++)
			if (v[i] == dk)
				v.erase(v.begin() + (long)i);
	}
	/* Wait for a delivery in flight (none after this returns). */
	dkq_sync(dk->queue->dk, [] {}, nullptr);
	return kIOReturnSuccess;
}

IOInterruptDispatchSource::~IOInterruptDispatchSource()
{
	if (dk) {
		OSSafeReleaseNULL(dk->action);
		dk->queue->release();
		delete dk;
	}
}

void IOInterruptDispatchSource::InterruptOccurred(OSAction *, uint64_t, uint64_t) {}

/* ---- timer sources ------------------------------------------------------ */

struct IOTimerDispatchSource::Src {
	IODispatchQueue *queue;
	OSAction *action = nullptr;
	uint64_t deadline = 0;	/* 0: not armed */
	bool cancelled = false;
	bool inflight = false;
	IOTimerDispatchSource *self;
};

static std::mutex g_tlock;
static std::condition_variable g_tcv;
static std::vector<IOTimerDispatchSource::Src *> g_timers;
static std::once_flag g_timer_once;

static void timer_thread(void)
{
	std::unique_lock<std::mutex> g(g_tlock);

	for (;;) {
		uint64_t now = mach_absolute_time(), next = UINT64_MAX;

		for (auto *s : g_timers) {
			if (!s->deadline || s->cancelled)
				continue;
			if (s->deadline <= now) {
				s->deadline = 0;
				s->inflight = true;
				s->self->retain();
				dkq_post(s->queue->dk, [s] {
					OSAction *a;
					{
						std::lock_guard<std::mutex> tg(g_tlock);
						a = s->cancelled ? nullptr : s->action;
						if (a)
							a->retain();
					}
					dkq_label("a timer handler");
					if (a) {
						a->dkInvoke(mach_absolute_time(), 0, nullptr);
						a->release();
					}
					{
						std::lock_guard<std::mutex> tg(g_tlock);
						s->inflight = false;
					}
					s->self->release();
				});
			} else if (s->deadline < next) {
				next = s->deadline;
			}
		}
		if (next == UINT64_MAX)
			g_tcv.wait_for(g, std::chrono::milliseconds(100));
		else
			g_tcv.wait_for(g, std::chrono::nanoseconds(next - now));
	}
}

kern_return_t IOTimerDispatchSource::Create(IODispatchQueue *queue,
					    IOTimerDispatchSource **source)
{
	if (!queue || !source)
		return kIOReturnBadArgument;
	std::call_once(g_timer_once, [] { std::thread(timer_thread).detach(); });
	IOTimerDispatchSource *t = new IOTimerDispatchSource;

	t->dk = new Src;
	t->dk->queue = queue;
	t->dk->self = t;
	queue->retain();
	std::lock_guard<std::mutex> g(g_tlock);
	g_timers.push_back(t->dk);
	*source = t;
	return kIOReturnSuccess;
}

kern_return_t IOTimerDispatchSource::SetHandler(OSAction *action)
{
	std::lock_guard<std::mutex> g(g_tlock);

	action->retain();
	if (dk->action)
		dk->action->release();
	dk->action = action;
	return kIOReturnSuccess;
}

kern_return_t IOTimerDispatchSource::WakeAtTime(uint64_t, uint64_t deadline, uint64_t)
{
	std::lock_guard<std::mutex> g(g_tlock);

	if (dk->cancelled)
		return kIOReturnAborted;
	dk->deadline = deadline ? deadline : 1;
	g_tcv.notify_all();
	return kIOReturnSuccess;
}

kern_return_t IOTimerDispatchSource::Cancel()
{
	{
		std::lock_guard<std::mutex> g(g_tlock);
		dk->cancelled = true;
		dk->deadline = 0;
	}
	dkq_sync(dk->queue->dk, [] {}, nullptr);
	return kIOReturnSuccess;
}

IOTimerDispatchSource::~IOTimerDispatchSource()
{
	std::lock_guard<std::mutex> g(g_tlock);

	for (size_t i = 0; i < g_timers.size(); i++)
		if (g_timers[i] == dk)
			g_timers.erase(g_timers.begin() + (long)i);
	if (dk->action)
		dk->action->release();
	dk->queue->release();
	delete dk;
}

void IOTimerDispatchSource::TimerOccurred(OSAction *, uint64_t) {}
