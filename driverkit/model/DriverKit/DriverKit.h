/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * A MODEL OF DRIVERKIT, NOT DRIVERKIT.  This header is a test double: it
 * lets DriverKitAcxxx build and run on Linux against the device model
 * (emu/), in one process.  It is not Apple's SDK and shares no code with
 * it; names and signatures follow ../shared/docs/driverkit.md (cited "DK
 * §n"), which is what the sample is written against on a Mac.  Where the
 * fact sheet says a rule, the model enforces it and records a violation
 * (DKModelViolations()); where the fact sheet is silent (§9), the model's
 * choice is named in docs/decisions.md.
 */
#ifndef DKMODEL_DRIVERKIT_H
#define DKMODEL_DRIVERKIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef int kern_return_t;
typedef uint64_t IOOptionBits64;
typedef char IODispatchQueueName[256];

#define kIOReturnSuccess	0
#define kIOReturnError		((kern_return_t)0xe00002bc)
#define kIOReturnNoMemory	((kern_return_t)0xe00002bd)
#define kIOReturnNoResources	((kern_return_t)0xe00002be)
#define kIOReturnBadArgument	((kern_return_t)0xe00002c2)
#define kIOReturnUnsupported	((kern_return_t)0xe00002c7)
#define kIOReturnNotOpen	((kern_return_t)0xe00002cd)
#define kIOReturnNotReady	((kern_return_t)0xe00002d8)
#define kIOReturnTimeout	((kern_return_t)0xe00002d6)
#define kIOReturnAborted	((kern_return_t)0xe00002eb)
#define kIOReturnNotFound	((kern_return_t)0xe00002f0)

#define kIOMemoryDirectionIn	1
#define kIOMemoryDirectionOut	2
#define kIOMemoryDirectionOutIn	3
#define kIOMemoryMapCacheModeDefault 0
#define kIODMACommandCreateNoOptions 0
#define kIODMACommandPrepareForDMANoOptions 0
#define kIODMACommandSpecificationNoOptions 0

/* DK §4.3: a VM page on Apple silicon. */
extern const uint64_t IOVMPageSize;

/* iig annotations: the model's generator (driverkit/model/iig.py) reads
 * them from the .iig; to the C++ compiler they are empty. */
#define QUEUENAME(x)
#define TYPE(x)
#define TARGET
#define LOCAL
#define LOCALONLY
#define KERNEL
#define IMPL(cls, name) cls::name
struct SuperDispatchTag {};
#define SUPERDISPATCH SuperDispatchTag()

/* DK §1 "Power": the power states SetPowerState receives.  The names are
 * DriverKit's; the values of Off/On/Low are the model's [?] (the fact
 * sheet gives Pause's only: SCSIControllerDriverKit.h). */
#define kIOServicePowerCapabilityOff	0x00000000u
#define kIOServicePowerCapabilityOn	0x00000002u
#define kIOServicePowerCapabilityLow	0x00010000u

uint64_t mach_absolute_time(void);	/* nanoseconds in the model */
void IOSleep(uint64_t ms);		/* DK: exists in DriverKit's IOLib [?] */
void IOLog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- objects ---------------------------------------------------------- */

class OSObject {
public:
	OSObject();
	virtual ~OSObject();
	virtual bool init() { return true; }
	virtual void free() {}
	void retain();
	void release();
private:
	int refs_;
};

class OSNumber;
class OSString;
class OSBoolean;

class OSDictionary : public OSObject {
public:
	static OSDictionary *withCapacity(uint32_t cap);
	bool setObject(const char *key, OSObject *obj);
	OSObject *getObject(const char *key) const;
	unsigned int getCount() const;
	const char *keyAt(unsigned int i) const;
	~OSDictionary() override;
private:
	struct Impl;
	Impl *p_ = nullptr;
};

class OSNumber : public OSObject {
public:
	static OSNumber *withNumber(uint64_t value, size_t bits);
	uint64_t unsigned64BitValue() const { return v_; }
	uint32_t unsigned32BitValue() const { return (uint32_t)v_; }
private:
	uint64_t v_ = 0;
};

class OSString : public OSObject {
public:
	static OSString *withCString(const char *s);
	const char *getCStringNoCopy() const { return s_; }
	~OSString() override;
private:
	char *s_ = nullptr;
};

class OSBoolean : public OSObject {
public:
	static OSBoolean *withBoolean(bool b);
	bool isTrue() const { return v_; }
private:
	bool v_ = false;
};

template <typename T> static inline T *OSDynamicCast_(OSObject *o)
{
	return dynamic_cast<T *>(o);
}
#define OSDynamicCast(T, o) OSDynamicCast_<T>(o)

#define OSSafeReleaseNULL(p) do { if (p) { (p)->release(); (p) = nullptr; } } while (0)
#define IONewZero(T, n) ((T *)calloc((n), sizeof(T)))
#define IOSafeDeleteNULL(p, T, n) do { if (p) { ::free(p); (p) = nullptr; } } while (0)

/* ---- locks ------------------------------------------------------------ */

struct IOLock;
IOLock *IOLockAlloc(void);
void IOLockFree(IOLock *l);
void IOLockLock(IOLock *l);
void IOLockUnlock(IOLock *l);

/* ---- queues and actions (DK §4.1) ------------------------------------- */

class IODispatchQueue;
class IOService;

/*
 * An action: the target method, the queue its QUEUENAME names and its
 * service (whose SetDispatchQueue registrations decide the queue).  The
 * iig generator makes CreateAction<Method>() helpers that build these.
 */
class OSAction : public OSObject {
public:
	typedef void (*Thunk)(OSObject *target, OSAction *action, uint64_t a,
			      uint64_t b, const void *arg);
	static kern_return_t CreateModel(OSObject *target, IOService *service,
					 const char *queueName, Thunk fn,
					 size_t referenceSize, OSAction **action);
	void *GetReference() { return ref_; }
	~OSAction() override;
	/* model: run the target method on its queue, asynchronously */
	void dkDispatch(uint64_t a, uint64_t b);
	/* model: run it here and now (a one-way message already on its way) */
	void dkInvoke(uint64_t a, uint64_t b, const void *arg);
	IODispatchQueue *dkQueue();
	const char *dkQueueName() const { return queue_; }
private:
	OSObject *target_ = nullptr;
	IOService *service_ = nullptr;
	char queue_[64] = "";
	Thunk fn_ = nullptr;
	void *ref_ = nullptr;
};

class IODispatchQueue : public OSObject {
public:
	static kern_return_t Create(const IODispatchQueueName name,
				    uint64_t options, uint64_t priority,
				    IODispatchQueue **queue);
	~IODispatchQueue() override;
	struct Impl;
	Impl *dk;
};

/* ---- memory (DK §4.3) ------------------------------------------------- */

struct IOAddressSegment {
	uint64_t address;
	uint64_t length;
};

class IOMemoryMap : public OSObject {
public:
	uint64_t GetAddress() { return addr_; }
	uint64_t GetLength() { return len_; }
	uint64_t addr_ = 0, len_ = 0;
};

class IOMemoryDescriptor : public OSObject {
public:
	kern_return_t CreateMapping(uint64_t options, uint64_t address,
				    uint64_t offset, uint64_t length,
				    uint64_t alignment, IOMemoryMap **map);
	kern_return_t GetLength(uint64_t *length);
	~IOMemoryDescriptor() override;
	uint8_t *dkMem = nullptr;
	uint64_t dkLen = 0;
	bool dkBorrowed = false;
};

class IOBufferMemoryDescriptor : public IOMemoryDescriptor {
public:
	static kern_return_t Create(uint64_t options, uint64_t capacity,
				    uint64_t alignment,
				    IOBufferMemoryDescriptor **memory);
	kern_return_t GetAddressRange(IOAddressSegment *range);
	kern_return_t SetLength(uint64_t length);
};

struct IODMACommandSpecification {
	uint64_t options;
	uint64_t maxAddressBits;
};

class IODMACommand : public OSObject {
public:
	static kern_return_t Create(IOService *device, uint64_t options,
				    const IODMACommandSpecification *spec,
				    IODMACommand **command);
	kern_return_t PrepareForDMA(uint64_t options, IOMemoryDescriptor *memory,
				    uint64_t offset, uint64_t length,
				    uint64_t *flags, uint32_t *segmentsCount,
				    IOAddressSegment *segments);
	kern_return_t CompleteDMA(uint64_t options);
	~IODMACommand() override;
	uint64_t dkIova = 0, dkSpan = 0, dkBits = 64;
};

/* ---- services --------------------------------------------------------- */

class IOService : public OSObject {
public:
	virtual kern_return_t Start(IOService *provider);
	virtual kern_return_t Stop(IOService *provider);
	kern_return_t Start(IOService *provider, SuperDispatchTag);
	kern_return_t Stop(IOService *provider, SuperDispatchTag);
	virtual kern_return_t SetPowerState(uint32_t powerFlags);
	kern_return_t SetPowerState(uint32_t powerFlags, SuperDispatchTag);
	kern_return_t SetDispatchQueue(const char *name, IODispatchQueue *queue);
	kern_return_t CopyDispatchQueue(const char *name, IODispatchQueue **queue);
	kern_return_t CopyProperties(OSDictionary **properties);
	kern_return_t SetProperties(OSDictionary *properties);
	~IOService() override;
	/* model: what super Start/Stop do (the family's side) */
	virtual kern_return_t dkSuperStart(IOService *provider);
	virtual kern_return_t dkSuperStop(IOService *provider);
	virtual kern_return_t dkSuperSetPowerState(uint32_t powerFlags);
	/* model: the queue names the class's .iig declares (generated) */
	virtual const char *const *dkQueueNames() const;
	IODispatchQueue *dkQueueFor(const char *name);
	struct Svc;
	Svc *dksvc = nullptr;
};

class IOPCIDevice : public IOService {
public:
	kern_return_t Open(IOService *forClient, uint32_t options);
	void Close(IOService *forClient, uint32_t options);
	void ConfigurationRead16(uint64_t offset, uint16_t *value);
	void ConfigurationRead32(uint64_t offset, uint32_t *value);
	void MemoryRead32(uint8_t memoryIndex, uint64_t offset, uint32_t *value);
	void MemoryWrite32(uint8_t memoryIndex, uint64_t offset, uint32_t value);
	~IOPCIDevice() override;
	struct Dev;
	Dev *dkdev = nullptr;
};

class IOInterruptDispatchSource : public OSObject {
public:
	static kern_return_t Create(IOService *provider, uint32_t index,
				    IODispatchQueue *queue,
				    IOInterruptDispatchSource **source);
	kern_return_t SetHandler(OSAction *action);
	kern_return_t SetEnable(bool enable);
	kern_return_t Cancel();	/* model: synchronous cancel */
	~IOInterruptDispatchSource() override;
	struct Src;
	Src *dk = nullptr;
	/* DK §4.2: the handler's type */
	static void InterruptOccurred(OSAction *action, uint64_t count,
				      uint64_t time);
};

class IOTimerDispatchSource : public OSObject {
public:
	static kern_return_t Create(IODispatchQueue *queue,
				    IOTimerDispatchSource **source);
	kern_return_t SetHandler(OSAction *action);
	kern_return_t WakeAtTime(uint64_t options, uint64_t deadline,
				 uint64_t leeway);
	kern_return_t Cancel();	/* model: synchronous cancel */
	~IOTimerDispatchSource() override;
	struct Src;
	Src *dk = nullptr;
	static void TimerOccurred(OSAction *action, uint64_t time);
};
#define kIOTimerClockMachAbsoluteTime 0

/* ---- the model's own interface (tests only) ---------------------------- */

/* Record a rule the code under test broke: "DK §n: what". */
void DKModelViolation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned int DKModelViolations(void);
/* How many violations mention @substr (NULL: all). */
unsigned int DKModelViolationsMatching(const char *substr);
void DKModelResetViolations(void);
/* Longest a Default or Interrupt queue item may run (DK §0.3). */
void DKModelSetBlockBudgetMs(unsigned int ms);
/* Which queue the calling thread is running (its name), or "kernel". */
const char *DKModelCurrentQueue(void);
/* Device accesses to bus addresses no PrepareForDMA produced. */
unsigned long long DKModelDMAFaults(void);
void DKModelResetDMAFaults(void);
/* Bus space: a range the model's kernel prepares for its own buffers. */
uint64_t DKModelIovaFor(const void *cpu, uint64_t len);
/* Every queue idle and no timer due within @ms. */
void DKModelDrainQueues(unsigned int ms);
/* A PCI function backed by a device model (struct acxemu). */
struct acxemu;
struct acxemu_dma_ops;
IOPCIDevice *DKModelPCIDevice(struct acxemu *emu, uint16_t vendor, uint16_t device);
void DKModelPCISetEmu(IOPCIDevice *pci, struct acxemu *emu);
const char *DKModelQueueName(IODispatchQueue *q);
/* The emu's interrupt callback, to pass as acxemu_config.irq_cb. */
void DKModelIrq(void *pciDevice, bool level);
/* The emu's DMA operations over the model's bus space. */
extern const struct acxemu_dma_ops DKModelDMAOps;
/* Print every violation recorded to stderr. */
void DKModelDumpViolations(const char *prefix);

#endif
