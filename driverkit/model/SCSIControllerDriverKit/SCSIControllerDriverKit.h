/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * A MODEL OF SCSIControllerDriverKit, NOT Apple's header.  The types and
 * the IOUserSCSIParallelInterfaceController class as DK §2-3 declare them,
 * and the kernel family's side (DK §5) as a test double: DKFamily starts
 * the dext in the family's order, keeps the task pool, creates targets,
 * sends commands, times them out, sends task management functions and
 * tears down, checking DK §8's invariants as it goes.
 */
#ifndef DKMODEL_SCSICONTROLLERDRIVERKIT_H
#define DKMODEL_SCSICONTROLLERDRIVERKIT_H

#include <DriverKit/DriverKit.h>

typedef uint64_t SCSIDeviceIdentifier;
typedef uint64_t SCSITargetIdentifier;
typedef uint64_t SCSIInitiatorIdentifier;
typedef uint64_t SCSITaggedTaskIdentifier;
typedef uint8_t SCSILogicalUnitBytes[8];
typedef uint16_t DMAOutputSegmentType;

enum { kSCSIParallelFeature_TotalFeatureCount = 5 };
enum { kScsiUserParallelTaskCurrentVersion1 = 1 };
enum { kScsiUserParallelTaskResponseCurrentVersion1 = 1 };
enum { kMaxSenseBufferSize = 256 };
enum { kMaxBundledParallelTasks = 32 };
#define kIOServicePowerCapabilityPause 0x1000

enum { kDMAOutputSegmentHost64 = 3, kDMAOutputSegmentLittle64 = 5 };

typedef uint32_t SCSITaskAttribute;
enum { kSCSITask_SIMPLE = 0, kSCSITask_ORDERED = 1, kSCSITask_HEAD_OF_QUEUE = 2,
       kSCSITask_ACA = 3 };

typedef uint32_t SCSIServiceResponse;
enum {
	kSCSIServiceResponse_Request_In_Process = 0,
	kSCSIServiceResponse_SERVICE_DELIVERY_OR_TARGET_FAILURE = 1,
	kSCSIServiceResponse_TASK_COMPLETE = 2,
	kSCSIServiceResponse_LINK_COMMAND_COMPLETE = 3,
	kSCSIServiceResponse_FUNCTION_COMPLETE = 4,
	kSCSIServiceResponse_FUNCTION_REJECTED = 5,
};

typedef uint32_t SCSITaskStatus;
enum {
	kSCSITaskStatus_GOOD = 0x00,
	kSCSITaskStatus_CHECK_CONDITION = 0x02,
	kSCSITaskStatus_BUSY = 0x08,
	kSCSITaskStatus_RESERVATION_CONFLICT = 0x18,
	kSCSITaskStatus_TASK_SET_FULL = 0x28,
	kSCSITaskStatus_TaskTimeoutOccurred = 0x01,
	kSCSITaskStatus_ProtocolTimeoutOccurred = 0x02,
	kSCSITaskStatus_DeviceNotResponding = 0x03,
	kSCSITaskStatus_DeviceNotPresent = 0x04,
	kSCSITaskStatus_DeliveryFailure = 0x05,
	kSCSITaskStatus_No_Status = 0xFF,
};

enum { kSCSIDataTransfer_NoDataTransfer = 0,
       kSCSIDataTransfer_FromInitiatorToTarget = 1,
       kSCSIDataTransfer_FromTargetToInitiator = 2 };

/* DK §3.1, 128 bytes */
struct SCSIUserParallelTask {
	uint64_t version;
	SCSITargetIdentifier fTargetID;
	uint32_t fSCSIParallelFeatureRequest[kSCSIParallelFeature_TotalFeatureCount];
	uint64_t fSCSIParallelFeatureRequestCount;
	uint64_t fControllerTaskIdentifier;
	uint64_t fRequestedTransferCount;
	uint64_t fBufferIOVMAddr;
	SCSITaskAttribute fTaskAttribute;
	SCSITaggedTaskIdentifier fTaskTagIdentifier;
	SCSILogicalUnitBytes fLogicalUnitBytes;
	uint8_t fCommandDescriptorBlock[16];
	uint8_t fCommandSize;
	uint8_t fTransferDirection;
	uint32_t fTimeoutInMilliSec;
	uint8_t reserved[6];
};

/* DK §3.2, 384 bytes */
struct SCSIUserParallelResponse {
	uint64_t version;
	SCSITargetIdentifier fTargetID;
	uint32_t fSCSIParallelFeatureResult[kSCSIParallelFeature_TotalFeatureCount];
	uint64_t fSCSIParallelFeatureRequestResultCount;
	uint64_t fControllerTaskIdentifier;
	SCSITaskStatus fCompletionStatus;
	SCSIServiceResponse fServiceResponse;
	uint64_t fBytesTransferred;
	uint8_t fSenseLength;
	uint8_t fSenseBuffer[kMaxSenseBufferSize];
	uint8_t reserved[51];
};

static_assert(sizeof(SCSIUserParallelTask) == 128, "DK §3.1");
static_assert(offsetof(SCSIUserParallelTask, fTimeoutInMilliSec) == 116, "DK §3.1");
static_assert(sizeof(SCSIUserParallelResponse) == 384, "DK §3.2");
static_assert(offsetof(SCSIUserParallelResponse, fSenseBuffer) == 73, "DK §3.2");

/* DK §4.4: the constraint keys */
#define kIOMaximumSegmentCountReadKey "IOMaximumSegmentCountRead"
#define kIOMaximumSegmentCountWriteKey "IOMaximumSegmentCountWrite"
#define kIOMaximumSegmentByteCountReadKey "IOMaximumSegmentByteCountRead"
#define kIOMaximumSegmentByteCountWriteKey "IOMaximumSegmentByteCountWrite"
#define kIOMinimumSegmentAlignmentByteCountKey "IOMinimumSegmentAlignmentByteCount"
#define kIOMaximumSegmentAddressableBitCountKey "IOMaximumSegmentAddressableBitCount"
#define kIOMinimumHBADataAlignmentMaskKey "HBA Data Alignment"
#define kIOHierarchicalLogicalUnitSupportKey "SCSI Hierarchical Logical Unit Support"

struct DKFamily;

class IOUserSCSIParallelInterfaceController : public IOService {
public:
	using IOService::Start;
	using IOService::Stop;
	/* DK §2.2-2.6: F->D, pure */
	virtual kern_return_t UserInitializeController() = 0;
	virtual kern_return_t UserReportInitiatorIdentifier(uint64_t *id) = 0;
	virtual kern_return_t UserReportHighestSupportedDeviceID(uint64_t *id) = 0;
	virtual kern_return_t UserReportMaximumTaskCount(uint32_t *count) = 0;
	virtual kern_return_t UserGetDMASpecification(uint64_t *maxTransferSize,
		uint32_t *alignment, uint8_t *numAddressBits,
		DMAOutputSegmentType *segmentType) = 0;
	virtual kern_return_t UserMapHBAData(uint32_t *uniqueTaskID) = 0;
	virtual kern_return_t UserMapBundledParallelTaskCommandAndResponseBuffers(
		IOBufferMemoryDescriptor *command,
		IOBufferMemoryDescriptor *response) = 0;
	virtual kern_return_t UserStartController() = 0;
	virtual kern_return_t UserDoesHBAPerformDeviceManagement(bool *result) = 0;
	virtual kern_return_t UserInitializeTargetForID(SCSITargetIdentifier targetID) = 0;
	virtual kern_return_t UserDoesHBASupportMultiPathing(bool *result) = 0;
	virtual kern_return_t UserReportHBAHighestLogicalUnitNumber(uint64_t *value) = 0;
	virtual kern_return_t UserDoesHBAPerformAutoSense(bool *result) = 0;
	virtual kern_return_t UserDoesHBASupportSCSIParallelFeature(uint32_t theValue,
								    bool *result) = 0;
	virtual kern_return_t UserProcessParallelTask(SCSIUserParallelTask parallelRequest,
		uint32_t *response, OSAction *completion) = 0;
	virtual kern_return_t UserAbortTaskRequest(uint64_t theT, uint64_t theL,
						   uint64_t theQ, uint32_t *response) = 0;
	virtual kern_return_t UserAbortTaskSetRequest(uint64_t theT, uint64_t theL,
						      uint32_t *response) = 0;
	virtual kern_return_t UserClearACARequest(uint64_t theT, uint64_t theL,
						  uint32_t *response) = 0;
	virtual kern_return_t UserClearTaskSetRequest(uint64_t theT, uint64_t theL,
						      uint32_t *response) = 0;
	virtual kern_return_t UserLogicalUnitResetRequest(uint64_t theT, uint64_t theL,
							  uint32_t *response) = 0;
	virtual kern_return_t UserTargetResetRequest(uint64_t theT, uint32_t *response) = 0;

	/* D->F (DK §2.2, 2.3, 2.5) */
	kern_return_t UserReportHBAConstraints(OSDictionary *constraints);
	kern_return_t UserCreateTargetForID(SCSIDeviceIdentifier targetID,
					    OSDictionary *targetDict) QUEUENAME(AuxiliaryQueue);
	kern_return_t UserDestroyTargetForID(SCSIDeviceIdentifier targetID);
	kern_return_t UserTargetPresentForID(SCSIDeviceIdentifier targetID, bool *result);
	kern_return_t UserGetDataBuffer(SCSIDeviceIdentifier targetID,
					uint64_t controllerTaskID,
					IOBufferMemoryDescriptor **buffer);
	kern_return_t UserSetHBAProperties(OSDictionary *properties);
	void ParallelTaskCompletion(OSAction *action, SCSIUserParallelResponse response);

	const char *const *dkQueueNames() const override;
	kern_return_t dkSuperStart(IOService *provider) override;
	kern_return_t dkSuperStop(IOService *provider) override;
	kern_return_t dkSuperSetPowerState(uint32_t powerFlags) override;
	DKFamily *dkfam = nullptr;
};

/* ---- the kernel family, for tests ------------------------------------- */

/* What the SAM layer got back for one command. */
struct DKResult {
	bool done;
	SCSIServiceResponse service;
	SCSITaskStatus status;
	uint64_t bytes;
	uint8_t senseLength;
	uint8_t sense[kMaxSenseBufferSize];
	bool byKernel;		/* failed by the kernel, never reached the dext */
};

typedef void (*DKDoneFn)(void *ctx, const DKResult *res);

struct DKFamilyStats {
	unsigned long long submitted, completed, keptByKernel, timedOut;
	unsigned long long notReady, targetsCreated, targetsDestroyed;
	unsigned long long flushedAtStop, flushedAtDestroy, spiQueries;
	unsigned long long sawCompletionBeforeReturn, sawCompletionAfterReturn;
	unsigned int poolSize, maxOutstanding;
};

DKFamily *DKFamilyCreate(void);
void DKFamilyDestroy(DKFamily *f);
/* Match: run the dext's Start on Default with @pci as provider (DK §5.1). */
kern_return_t DKFamilyStart(DKFamily *f, IOUserSCSIParallelInterfaceController *dext,
			    IOPCIDevice *pci);
/* Termination (DK §5.6); returns after the dext's Stop. */
void DKFamilyTerminate(DKFamily *f);
bool DKFamilyTargetPresent(DKFamily *f, uint64_t target);
uint64_t DKFamilyTargetBlocks(DKFamily *f, uint64_t target);
unsigned int DKFamilyTargetCount(DKFamily *f);
/* Wait until @n targets exist, at most @ms. */
bool DKFamilyWaitTargets(DKFamily *f, unsigned int n, unsigned int ms);
/*
 * Send one command (DK §5.3) from the SAM layer, asynchronously.  @buf
 * (@len bytes) is the data; the family prepares it for DMA.  @done runs on
 * the thread that completes it.  Returns false when no task is free.
 */
bool DKFamilySubmit(DKFamily *f, uint64_t target, const uint8_t *cdb, uint8_t cdbLen,
		    uint8_t dir, void *buf, uint32_t len, uint32_t timeoutMs,
		    uint64_t tag, DKDoneFn done, void *ctx);
/* The same, waiting for the result. */
DKResult DKFamilyCommand(DKFamily *f, uint64_t target, const uint8_t *cdb, uint8_t cdbLen,
			 uint8_t dir, void *buf, uint32_t len, uint32_t timeoutMs);
enum DKTMF { DK_ABORT_TASK, DK_ABORT_TASK_SET, DK_CLEAR_TASK_SET, DK_CLEAR_ACA,
	     DK_LUN_RESET, DK_TARGET_RESET };
/* Send a task management function on Default (DK §5.5). */
uint32_t DKFamilyTMF(DKFamily *f, DKTMF which, uint64_t t, uint64_t l, uint64_t q);
unsigned int DKFamilyOutstanding(DKFamily *f);
DKFamilyStats DKFamilyGetStats(DKFamily *f);
/*
 * DK §5.7: the kernel calls SetPowerState(@flags) on Default and waits up
 * to @ms for the acknowledgment (the superclass's SetPowerState, from any
 * queue).  True when it came, with those flags.
 */
bool DKFamilySetPower(DKFamily *f, uint32_t flags, unsigned int ms);
/* The reported constraints (NULL before UserInitializeController). */
OSDictionary *DKFamilyConstraints(DKFamily *f);

#endif
