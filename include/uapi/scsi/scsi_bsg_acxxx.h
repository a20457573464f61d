/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * acxxx management interface: one bsg node per adapter.
 *
 * Each adapter driven by acxxx has a bsg node /dev/bsg/acxxx<H>, H being
 * the SCSI host number (the node's device is a child of the PCI function;
 * /sys/class/scsi_host/host<H>/ names the same H).  A request is an SG_IO
 * ioctl with a struct sg_io_v4 (<linux/bsg.h>):
 *
 *   guard = 'Q', protocol = BSG_PROTOCOL_SCSI,
 *   subprotocol = BSG_SUB_PROTOCOL_SCSI_TRANSPORT,
 *   request = &struct acxxx_bsg_request, request_len = its size,
 *   response = &struct acxxx_bsg_reply, max_response_len = its size,
 *   din_xferp/din_xfer_len: data the driver returns (INFO, PAGE, EVENTS,
 *	management commands that read),
 *   dout_xferp/dout_xfer_len: data the driver sends (management commands
 *	that write); never both.
 *
 * The kernel's bsg layer lets only CAP_SYS_RAWIO callers send requests.
 *
 * The ioctl returns 0 when the driver carried the request out, whatever
 * the firmware answered (then acxxx_bsg_reply.fw_status is not 0), and -1
 * with errno otherwise:
 *   EINVAL  a field of the request is wrong (version, command, sizes,
 *	     direction, length, page number, flags or reserved not zero)
 *   EFAULT  a buffer cannot be read or written
 *   EPERM   the caller lacks CAP_SYS_RAWIO (asked of every request)
 *   EBUSY   the controller is resetting, paused or starting: try again
 *   ENODEV  the controller is offline or being removed
 *   ETIMEDOUT the firmware did not answer in time; the firmware may
 *	     still carry the request out.  The driver re-initialises the
 *	     controller to take its management slot back (in-flight I/O
 *	     is retried); until then requests get EBUSY.  Leave timeout_ms
 *	     0 unless the firmware is known to be slower.
 *
 * Integers are in the CPU's byte order.  Every structure has a fixed
 * size, the same for 32- and 64-bit user space, without implicit padding
 * and without pointers.  Reserved fields must be zero in requests and are
 * zero in answers.
 */
#ifndef _UAPI_SCSI_BSG_ACXXX_H
#define _UAPI_SCSI_BSG_ACXXX_H

#include <linux/types.h>

#define ACXXX_BSG_VERSION		1

#define ACXXX_BSG_CDB_LEN		32	/* management CDB (spec 7.1) */
#define ACXXX_BSG_MAX_DATA		5120	/* the in-band buffer (spec 9.4) */
#define ACXXX_BSG_PAGE_LEN		512	/* a management page */
#define ACXXX_BSG_STR_LEN		32	/* identity strings, NUL-padded */
#define ACXXX_BSG_EVENT_DATA_LEN	32	/* what is kept of an event */
#define ACXXX_BSG_EVENT_LOG		64	/* events the driver keeps */
#define ACXXX_BSG_MAX_LUNS		64

/**
 * enum acxxx_bsg_cmd - what a request asks
 * @ACXXX_BSG_CMD_INFO: controller info: din = struct acxxx_bsg_info
 *	(din_xfer_len >= its size; the driver writes its size)
 * @ACXXX_BSG_CMD_PAGE: read management page @page: din =
 *	ACXXX_BSG_PAGE_LEN bytes, raw
 * @ACXXX_BSG_CMD_MGMT: a management CDB passed through: the direction and
 *	data length come from the driver's table of known opcodes (spec 7.1);
 *	@data_len must equal the table's length, and din_xfer_len or
 *	dout_xfer_len (the one of the opcode's direction) must be @data_len;
 *	an opcode the table does not know moves no data and needs
 *	CAP_SYS_RAWIO
 * @ACXXX_BSG_CMD_EVENTS: firmware events with a sequence number above
 *	@since, oldest first: din = an array of struct acxxx_bsg_event
 *	(din_xfer_len a multiple of its size, at most ACXXX_BSG_EVENT_LOG);
 *	the reply says how many were written (@data_len / the size)
 */
enum acxxx_bsg_cmd {
	ACXXX_BSG_CMD_INFO = 1,
	ACXXX_BSG_CMD_PAGE = 2,
	ACXXX_BSG_CMD_MGMT = 3,
	ACXXX_BSG_CMD_EVENTS = 4,
};

/**
 * struct acxxx_bsg_request - sg_io_v4.request (96 bytes)
 * @version: ACXXX_BSG_VERSION
 * @cmd: enum acxxx_bsg_cmd
 * @flags: zero
 * @page: PAGE: page number, 0..255
 * @data_len: MGMT: bytes the command moves
 * @timeout_ms: PAGE, MGMT: how long to wait for the firmware; 0 is the
 *	driver's default (30 s); at most 300000
 * @since: EVENTS: return events whose sequence number is above this
 * @cdb: MGMT: the 32-byte management CDB
 * @reserved: zero
 */
struct acxxx_bsg_request {
	__u32 version;
	__u32 cmd;
	__u32 flags;
	__u32 page;
	__u32 data_len;
	__u32 timeout_ms;
	__u64 since;
	__u8 cdb[ACXXX_BSG_CDB_LEN];
	__u32 reserved[8];
};

/**
 * struct acxxx_bsg_reply - sg_io_v4.response (48 bytes)
 * @version: ACXXX_BSG_VERSION
 * @fw_status: PAGE, MGMT: the firmware's reply status (spec 6.5); 0 is
 *	success
 * @fw_error: PAGE, MGMT: the firmware's 16-bit management error code
 *	(reply offset 0x08) when @fw_status is not 0
 * @data_len: bytes of data the driver wrote to din (or took from dout)
 * @last_seq: EVENTS: the newest sequence number the driver has (0: none
 *	yet); a reader that gets fewer events than it asked for is up to date
 * @lost: EVENTS: events older than the ones returned that the log no
 *	longer holds (the reader fell more than ACXXX_BSG_EVENT_LOG behind)
 * @reserved: zero
 */
struct acxxx_bsg_reply {
	__u32 version;
	__u32 fw_status;
	__u32 fw_error;
	__u32 data_len;
	__u64 last_seq;
	__u64 lost;
	__u32 reserved[4];
};

/* struct acxxx_bsg_info.family */
#define ACXXX_BSG_FAMILY_341		1	/* IOP341: 6101, 6201 */
#define ACXXX_BSG_FAMILY_2208		2	/* 6232, 6233, 6235, 6300 */
#define ACXXX_BSG_FAMILY_3108		3	/* 6240, 6262 */

/* struct acxxx_bsg_info.state (the driver's controller state) */
#define ACXXX_BSG_STATE_STARTING	1	/* bring-up, not live yet */
#define ACXXX_BSG_STATE_LIVE		2
#define ACXXX_BSG_STATE_PAUSED		3	/* firmware asked to pause */
#define ACXXX_BSG_STATE_RESETTING	4	/* re-init in progress */
#define ACXXX_BSG_STATE_SUSPENDED	5
#define ACXXX_BSG_STATE_FROZEN		6	/* PCI error recovery */
#define ACXXX_BSG_STATE_OFFLINE		7	/* dead: reload to retry */
#define ACXXX_BSG_STATE_REMOVING	8

/**
 * struct acxxx_bsg_counters - since the driver bound the adapter
 * @commands: SCSI commands completed
 * @errors: SCSI commands that failed in the driver or the firmware (a
 *	host byte other than DID_OK, or a request the firmware refused); a
 *	SCSI status of the volume, such as CHECK CONDITION for a page a scan
 *	probes, is not an error here
 * @aborts: aborts sent to the firmware
 * @resets: LUN and target resets sent to the firmware
 * @reinits: controller re-initialisations (host reset, recovery, resume)
 * @events: firmware events received
 * @mgmt: management requests completed (driver's own and users')
 * @timeouts: commands the midlayer timed out
 * @reserved: zero
 */
struct acxxx_bsg_counters {
	__u64 commands;
	__u64 errors;
	__u64 aborts;
	__u64 resets;
	__u64 reinits;
	__u64 events;
	__u64 mgmt;
	__u64 timeouts;
	__u64 reserved[8];
};

/**
 * struct acxxx_bsg_info - ACXXX_BSG_CMD_INFO's data (520 bytes)
 * @version: ACXXX_BSG_VERSION
 * @size: sizeof(struct acxxx_bsg_info) of the driver; a caller with an
 *	older, shorter struct gets its own size's worth
 * @product_id: from page 0, NUL-padded
 * @model: from page 0
 * @serial: from page 0
 * @fw_version: from page 0
 * @vendor: from page 0
 * @family: ACXXX_BSG_FAMILY_*
 * @state: ACXXX_BSG_STATE_*
 * @pci_vendor: PCI vendor ID (0x14d6)
 * @pci_device: PCI device ID
 * @pci_domain: PCI address: domain
 * @pci_bus: bus
 * @pci_devfn: device and function
 * @host_no: SCSI host number
 * @can_queue: commands the midlayer may have outstanding
 * @max_sectors: largest command, in 512-byte sectors
 * @nr_volumes: volumes present in the LUN map
 * @stage: bring-up stage (module parameter "stage": 0 null, 1 single,
 *	2 full)
 * @events_on: firmware events are switched on
 * @reserved1: zero
 * @lun_present: bit i = LUN index i is present
 * @event_seq: the newest event's sequence number
 * @lun_map: the LUN map's raw entries (0xffff: absent)
 * @counters: counters
 * @reserved: zero
 */
struct acxxx_bsg_info {
	__u32 version;
	__u32 size;
	char product_id[ACXXX_BSG_STR_LEN];
	char model[ACXXX_BSG_STR_LEN];
	char serial[ACXXX_BSG_STR_LEN];
	char fw_version[ACXXX_BSG_STR_LEN];
	char vendor[ACXXX_BSG_STR_LEN];
	__u32 family;
	__u32 state;
	__u16 pci_vendor;
	__u16 pci_device;
	__u32 pci_domain;
	__u8 pci_bus;
	__u8 pci_devfn;
	__u16 reserved0;
	__u32 host_no;
	__u32 can_queue;
	__u32 max_sectors;
	__u32 nr_volumes;
	__u32 stage;
	__u32 events_on;
	__u32 reserved1;
	__u64 lun_present;
	__u64 event_seq;
	__u16 lun_map[ACXXX_BSG_MAX_LUNS];
	struct acxxx_bsg_counters counters;
	__u32 reserved[8];
};

/* struct acxxx_bsg_event.code: known firmware event codes (spec 7.5) */
#define ACXXX_BSG_EVENT_LUN_CHANGE	0x14

/**
 * struct acxxx_bsg_event - one firmware event the driver kept (56 bytes)
 * @seq: sequence number, from 1, one per event, never reused while the
 *	driver is bound
 * @time_ns: when the driver received it (CLOCK_REALTIME, ns)
 * @code: event code (its data byte 0)
 * @reserved: zero
 * @data: the first 32 bytes of the event data (spec 7.5)
 */
struct acxxx_bsg_event {
	__u64 seq;
	__u64 time_ns;
	__u32 code;
	__u32 reserved;
	__u8 data[ACXXX_BSG_EVENT_DATA_LEN];
};

#endif /* _UAPI_SCSI_BSG_ACXXX_H */
