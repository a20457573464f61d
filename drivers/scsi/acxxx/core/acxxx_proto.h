/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxxx: wire format of the Accusys "AME" host interface, DAS mode.
 *
 * Register offsets, doorbell values, masks, function and status codes and
 * the in-memory layout of every request, reply, scatter/gather element,
 * sense block and management page, as given by sections 2 to 7 and 16 of
 * the hardware specification (docs/hw-interface.md in the shared docs).
 *
 * This header is the only code the driver, the OS-neutral core and the
 * device model share.  It holds layouts and constants, never behaviour.
 * All multi-byte fields are little-endian; there are no bitfields.  Every
 * structure is naturally aligned, so none needs packing: the static_assert
 * lines at the end pin each size and offset the specification gives.
 */
#ifndef ACXXX_PROTO_H
#define ACXXX_PROTO_H

#include "acxxx_types.h"

/* ---------------------------------------------------------------------- */
/* PCI identity (sections 1.1, 16.1)                                       */

#define ACXXX_PCI_VENDOR		0x14D6
#define ACXXX_PCI_DEV_6101		0x6101	/* IOP341 family */
#define ACXXX_PCI_DEV_6201		0x6201	/* IOP341 family */
#define ACXXX_PCI_DEV_6232		0x6232	/* 2208 */
#define ACXXX_PCI_DEV_6233		0x6233	/* 2208 */
#define ACXXX_PCI_DEV_6235		0x6235	/* 2208 */
#define ACXXX_PCI_DEV_6300		0x6300	/* 2208 */
#define ACXXX_PCI_DEV_6240		0x6240	/* 3108 */
#define ACXXX_PCI_DEV_6262		0x6262	/* 3108 */
#define ACXXX_PCI_CLASS_RAID		0x010400

/* BAR holding the register file: BAR0 on the 341 family, BAR1 otherwise. */
#define ACXXX_REG_BAR_341		0
#define ACXXX_REG_BAR_2208		1

/* ---------------------------------------------------------------------- */
/* DAS register map (section 2.1), offsets in the register BAR             */

#define ACXXX_REG_HOST_MSG0		0x10	/* 341: global high address */
#define ACXXX_REG_CTRL_MSG0		0x18	/* declared, never used */
#define ACXXX_REG_IN_DOORBELL		0x20	/* 2208/3108: host -> firmware */
#define ACXXX_REG_OUT_INT_STATUS	0x30	/* 341: bit 0 ready, W1C */
#define ACXXX_REG_OUT_INT_MASK		0x34
#define ACXXX_REG_REQUEST_PORT		0x40	/* W: post; R (2208/3108): room */
#define ACXXX_REG_REPLY_PORT		0x44	/* R: pop; W: free reply frame */
#define ACXXX_REG_IN_FREE_CI		0x60	/* 16-bit, diagnostics only */
#define ACXXX_REG_IN_FREE_PI		0x62	/* 16-bit, declared */
#define ACXXX_REG_IN_POST_CI		0x64	/* 16-bit, diagnostics only */
#define ACXXX_REG_IN_POST_PI		0x66	/* 16-bit, declared */
#define ACXXX_REG_OUT_FREE_CI		0x68	/* 16-bit, 2208 only */
#define ACXXX_REG_OUT_FREE_PI		0x6A	/* 16-bit, 2208 only */
#define ACXXX_REG_OUT_DOORBELL		0x9C	/* 2208/3108: firmware -> host */
#define ACXXX_REG_OUT_DOORBELL_CLR	0xA0	/* 2208/3108: W1C */
#define ACXXX_REG_SCRATCH1		0xB4	/* firmware health */
#define ACXXX_REG_SCRATCH2		0xB8	/* host state word */
#define ACXXX_REG_RAID_TYPE		0xBC	/* NT only */

/* Size of the register BAR the device model presents (>= 16 KiB, 1.1). */
#define ACXXX_REG_BAR_SIZE		0x4000

/* Value read from an empty reply queue, a full request queue, or a dead device. */
#define ACXXX_EMPTY			0xFFFFFFFFu

/* Host -> firmware doorbell values (IN_DOORBELL, 2.3). */
#define ACXXX_IDB_RESET			0xFFFFFFFFu
#define ACXXX_IDB_HIADDR		0x80000000u	/* | high address bits 30..0 */
#define ACXXX_IDB_HIADDR_MASK		0x7FFFFFFFu
#define ACXXX_IDB_MAILBOX		0x40000000u	/* NT / soft RAID only */
#define ACXXX_IDB_FREE_REPLY		0x10000000u	/* 2208: frame posted */

/* Firmware -> host doorbell bits (OUT_DOORBELL, 2.3). */
#define ACXXX_ODB_READY			0x01u
#define ACXXX_ODB_RESTART_SOON		0x02u
#define ACXXX_ODB_FLUSH			0x04u
#define ACXXX_ODB_PAUSE			0x08u
#define ACXXX_ODB_RESUME		0x10u
#define ACXXX_ODB_KNOWN			0x1Fu

/* OUT_INT_STATUS bits (341 family, 2.4). */
#define ACXXX_ISTS_READY		0x01u
#define ACXXX_ISTS_REPLY		0x08u

/* OUT_INT_MASK values (2.4, 16.8); bit 3 clear = interrupts delivered. */
#define ACXXX_IMASK_OFF			0x0Fu
#define ACXXX_IMASK_ON_341		0x17u
#define ACXXX_IMASK_ON_2208		0x01u
#define ACXXX_IMASK_STOP_2208		0x05u
#define ACXXX_IMASK_DELIVER_BIT		0x08u

/* SCRATCH1/SCRATCH2 values (2.1, 16.9). */
#define ACXXX_SCRATCH1_RUNNING		0x00000001u
#define ACXXX_SCRATCH2_NORMAL		0x00010000u
#define ACXXX_SCRATCH2_RECOVERING	0x0001FFFFu

/* 2208 outbound free-frame FIFO (2.2, 16.10). */
#define ACXXX_FREE_FIFO_DEPTH		16
#define ACXXX_FREE_FIFO_MASK		(ACXXX_FREE_FIFO_DEPTH - 1)

/* ---------------------------------------------------------------------- */
/* Reply descriptors (6.2, 6.3)                                            */

#define ACXXX_RDESC_ADDR_FLAG		0x80000000u
/* Address reply: frame low address = (descriptor << 1), bit 31 dropped. */
#define ACXXX_RDESC_ADDR_MASK		0x7FFFFFFFu

/* ---------------------------------------------------------------------- */
/* Message identifiers and limits (3.3, 16.5, 16.6)                        */

#define ACXXX_MSGID_SHIFT		2
#define ACXXX_MSGID_LOW_MASK		0x3u
#define ACXXX_MAX_SLOTS			512	/* slot index space 0..511 */
#define ACXXX_MAX_OUTSTANDING		510
#define ACXXX_FIRST_SLOT		1	/* slot 0 never used */
#define ACXXX_LAST_REPLY_SLOT		510	/* reply frames of 1..510 posted */

#define ACXXX_REQ_MSG_SIZE		512	/* bytes the firmware reads */
#define ACXXX_REQ_ALIGN			256
#define ACXXX_REPLY_FRAME_SIZE		96	/* bytes used */
#define ACXXX_REPLY_FRAME_ALLOC		256
#define ACXXX_SENSE_BLOCK_SIZE		64	/* bytes used */
#define ACXXX_SENSE_BLOCK_ALLOC		256
#define ACXXX_MAX_LIST_BYTES		4800	/* firmware list limit */
#define ACXXX_MAX_LIST_ELEMS		400	/* 4800 / 12 */
#define ACXXX_MAX_LUNS			64
#define ACXXX_MAX_CDB			16
#define ACXXX_MGMT_CDB_LEN		32
#define ACXXX_PAGE_SIZE			0x200	/* management page */
#define ACXXX_MGMT_BUF_SIZE		0x1400	/* largest management transfer */

/* Direct-mode element limits (5.6). */
#define ACXXX_DIRECT_MAX_BASIC		39	/* (512 - 0x28) / 12 */
#define ACXXX_DIRECT_MAX_RW		29	/* (512 - 0x30) / 16 */
#define ACXXX_LIST_OFFSET		0x40	/* list area inside the frame */

/* ---------------------------------------------------------------------- */
/* Function codes (5.2) and request header (5.1)                            */

#define ACXXX_FN_SCSI_IO		0x00
#define ACXXX_FN_TASK_MGMT		0x01
#define ACXXX_FN_EVENT_SWITCH		0x02
#define ACXXX_FN_MGMT			0x03
#define ACXXX_FN_SCSI_PASSTHROUGH	0x04
#define ACXXX_FN_ATA_PASSTHROUGH	0x05
#define ACXXX_FN_SCSI_IO_EXT		0x09
#define ACXXX_FN_REG_REPLY_QUEUE	0x0A
#define ACXXX_FN_TASK_MGMT_EXT		0x0B
#define ACXXX_FN_MGMT_EXT		0x0C
#define ACXXX_FN_EVENT_EXT		0x0D

/**
 * struct acxxx_req_hdr - common request header (5.1)
 * @reserved: zero
 * @fn_byte: function-specific byte: LUN index (SCSI I/O), data direction
 *	(management), on/off (event switch), task type (task management)
 * @function: function code, ACXXX_FN_*
 * @msg_id: message identifier, slot index << 2
 */
struct acxxx_req_hdr {
	__le16 reserved;
	u8 fn_byte;
	u8 function;
	__le32 msg_id;
};

/* ---------------------------------------------------------------------- */
/* Scatter/gather elements (5.5)                                           */

/* Basic element flag byte (bits 31..24 of flags_len). */
#define ACXXX_SGE_FLAG_LIST		0x40u
#define ACXXX_SGE_FLAG_WRITE		0x20u	/* host -> controller */
#define ACXXX_SGE_FLAG_ADDR64		0x10u
#define ACXXX_SGE_FLAGS_SHIFT		24
#define ACXXX_SGE_LEN_MASK		0x00FFFFFFu
#define ACXXX_SGE_READ			0x10000000u	/* flags_len for a read */
#define ACXXX_SGE_WRITE			0x30000000u	/* flags_len for a write */
#define ACXXX_SGE_CHAIN			0x50000000u	/* list element | count */

/**
 * struct acxxx_sge_basic - 12-byte basic or list element (5.5 a, b)
 * @flags_len: flag byte in bits 31..24; byte length (basic) or element
 *	count (list) in bits 23..0
 * @addr_lo: address bits 31..0
 * @addr_hi: address bits 63..32
 */
struct acxxx_sge_basic {
	__le32 flags_len;
	__le32 addr_lo;
	__le32 addr_hi;
};

#define ACXXX_SGE_RW_LAST		0x40000000u	/* 3108 DAS end mark */

/**
 * struct acxxx_sge_rw - 16-byte read/write element, 2208/3108 (5.5 c)
 * @addr_lo: address bits 31..0
 * @addr_hi: address bits 63..32
 * @len: byte length, full 32 bits
 * @ext: extension flags: ACXXX_SGE_RW_LAST on the last element (3108)
 */
struct acxxx_sge_rw {
	__le32 addr_lo;
	__le32 addr_hi;
	__le32 len;
	__le32 ext;
};

/* ---------------------------------------------------------------------- */
/* SCSI I/O request (5.3, 5.4)                                             */

#define ACXXX_CTL_DIR_NONE		0x0u
#define ACXXX_CTL_DIR_WRITE		0x1u	/* host -> controller */
#define ACXXX_CTL_DIR_READ		0x2u	/* controller -> host */
#define ACXXX_CTL_DIR_MASK		0x3u
#define ACXXX_CTL_SENSE64		0x4u
#define ACXXX_CTL_ATTR_SIMPLE		0x00u
#define ACXXX_CTL_ATTR_HEAD		0x08u
#define ACXXX_CTL_ATTR_ORDERED		0x10u
#define ACXXX_CTL_ATTR_ACA		0x20u
#define ACXXX_CTL_ATTR_UNTAGGED		0x28u
#define ACXXX_CTL_ATTR_NODISC		0x38u
#define ACXXX_CTL_ATTR_MASK		0x38u

/**
 * struct acxxx_scsi_req - SCSI I/O request up to the buffer descriptor list
 * @hdr: header; @hdr.fn_byte is the LUN index (0..63)
 * @cdb_len: CDB length, at most 16
 * @sense_len: sense buffer length the firmware may write (64)
 * @reserved: zero
 * @control: direction, sense address width and task attribute (5.4)
 * @cdb: CDB, zero padded
 * @data_len: total transfer length in bytes
 * @sense_lo: low 32 bits of the sense block bus address
 *
 * The buffer descriptor list starts right after, at offset 0x28.
 */
struct acxxx_scsi_req {
	struct acxxx_req_hdr hdr;
	u8 cdb_len;
	u8 sense_len;
	__le16 reserved;
	__le32 control;
	u8 cdb[ACXXX_MAX_CDB];
	__le32 data_len;
	__le32 sense_lo;
};

#define ACXXX_SCSI_BDL_OFFSET		0x28
#define ACXXX_SCSI_RW_DIRECT_OFFSET	0x30
#define ACXXX_SCSI_LIST_FLAG_BYTE	0x2B	/* flag byte of element 0 */

/* ---------------------------------------------------------------------- */
/* Management ("in-band") request (5.8) and CDB opcodes (7.1)              */

#define ACXXX_MGMT_OP_GET_PAGE		0x01
#define ACXXX_MGMT_OP_RTC_GET		0xA8
#define ACXXX_MGMT_OP_WRITE_SIG		0xB1
#define ACXXX_MGMT_OP_READ_SIG		0xB2
#define ACXXX_MGMT_OP_FW_EXPANDER	0x93
#define ACXXX_MGMT_OP_FW_SYSROM		0x94
#define ACXXX_MGMT_OP_FW_BOOTROM	0x95
#define ACXXX_MGMT_OP_FW_OPTROM		0x96
#define ACXXX_MGMT_OP_ECHO_READ		0xCA
#define ACXXX_MGMT_OP_ECHO_WRITE	0xCB
#define ACXXX_MGMT_RTC_LEN		7

#define ACXXX_PAGE_IDENTITY		0x00
#define ACXXX_PAGE_LUN_MASK		0x33

/**
 * struct acxxx_mgmt_req - management request (5.8)
 * @hdr: header; @hdr.fn_byte is the data direction (ACXXX_CTL_DIR_*)
 * @cdb: 32-byte management CDB
 * @data_len: data length in bytes
 * @reserved: zero
 * @sge: the one basic element describing the data buffer, zero if none
 */
struct acxxx_mgmt_req {
	struct acxxx_req_hdr hdr;
	u8 cdb[ACXXX_MGMT_CDB_LEN];
	__le32 data_len;
	__le32 reserved;
	struct acxxx_sge_basic sge;
};

/* ---------------------------------------------------------------------- */
/* Event switch request (5.9)                                              */

#define ACXXX_EVSW_OFF			0x00
#define ACXXX_EVSW_ON			0x01

/* The event switch request is the header alone; the rest of the frame is zero. */

/* ---------------------------------------------------------------------- */
/* Task management request (5.10, 16.16)                                   */

#define ACXXX_TMF_ABORT_TASK		1
#define ACXXX_TMF_CLEAR_TASK_SET	2
#define ACXXX_TMF_LUN_RESET		3
#define ACXXX_TMF_TARGET_RESET		4

/**
 * struct acxxx_tmf_req - task management request
 * @hdr: header; @hdr.fn_byte is the task type (ACXXX_TMF_*)
 * @lun: LUN index (0..63)
 * @reserved: zero
 * @task_msg_id: message identifier of the task to abort (abort task only)
 */
struct acxxx_tmf_req {
	struct acxxx_req_hdr hdr;
	u8 lun;
	u8 reserved[3];
	__le32 task_msg_id;
};

/* ---------------------------------------------------------------------- */
/* Replies (6.4, 6.5)                                                      */

#define ACXXX_RFLAG_CONTINUATION	0x80

#define ACXXX_RS_SUCCESS		0x00
#define ACXXX_RS_INVALID_FUNCTION	0x01
#define ACXXX_RS_BUSY			0x02
#define ACXXX_RS_INVALID_BDL		0x03
#define ACXXX_RS_INTERNAL_ERROR		0x04
#define ACXXX_RS_NO_RESOURCES		0x05
#define ACXXX_RS_INVALID_FIELD		0x06
#define ACXXX_RS_MGMT_ILLEGAL		0x11
#define ACXXX_RS_RECOVERED		0x21
#define ACXXX_RS_NO_DEVICE		0x22
#define ACXXX_RS_OVERRUN		0x23
#define ACXXX_RS_UNDER_OVERRUN		0x24
#define ACXXX_RS_DATA_ERROR		0x25
#define ACXXX_RS_TERMINATED		0x27
#define ACXXX_RS_TMF_FAILED		0x30

/**
 * struct acxxx_reply_hdr - common reply header (6.4)
 * @flags: ACXXX_RFLAG_*
 * @status: reply status, ACXXX_RS_*
 * @length: reply length (not checked)
 * @function: function of the request answered
 * @msg_id: message identifier of that request
 */
struct acxxx_reply_hdr {
	u8 flags;
	u8 status;
	u8 length;
	u8 function;
	__le32 msg_id;
};

/* SCSI state bits (6.4). */
#define ACXXX_SSTATE_AUTOSENSE_VALID	0x01
#define ACXXX_SSTATE_AUTOSENSE_FAILED	0x02
#define ACXXX_SSTATE_NO_STATUS		0x04
#define ACXXX_SSTATE_TERMINATED		0x08

/**
 * struct acxxx_scsi_reply - SCSI I/O reply (6.4)
 * @hdr: header
 * @scsi_status: SAM status byte
 * @scsi_state: ACXXX_SSTATE_*
 * @reserved: zero
 * @transfer_count: bytes transferred (filled by the device model, 16.14)
 * @sense_count: sense bytes written
 */
struct acxxx_scsi_reply {
	struct acxxx_reply_hdr hdr;
	u8 scsi_status;
	u8 scsi_state;
	__le16 reserved;
	__le32 transfer_count;
	__le32 sense_count;
};

/**
 * struct acxxx_mgmt_reply - management reply (6.4)
 * @hdr: header
 * @error: 16-bit management error code
 * @reserved: zero
 */
struct acxxx_mgmt_reply {
	struct acxxx_reply_hdr hdr;
	__le16 error;
	__le16 reserved;
};

#define ACXXX_EVENT_DATA_LEN		88
#define ACXXX_EVENT_RECORD_LEN		32	/* part kept by the host */

#define ACXXX_EVT_LUN_CHANGE		0x14
#define ACXXX_EVT_SWITCH_IN_USE		0x55
#define ACXXX_EVT_SWITCH_DONE		0xAA
#define ACXXX_EVT_RAID_ERROR		0xFF

/**
 * struct acxxx_event_reply - event reply or switch acknowledgment (6.4, 7.5)
 * @hdr: header; @hdr.function is ACXXX_FN_EVENT_SWITCH
 * @data: event data block; byte 0 is the event code
 */
struct acxxx_event_reply {
	struct acxxx_reply_hdr hdr;
	u8 data[ACXXX_EVENT_DATA_LEN];
};

/**
 * struct acxxx_tmf_reply - task management reply (5.10, 16.16)
 * @hdr: header
 * @task_type: echo of the task type
 * @reserved: zero
 * @terminated: number of requests terminated
 */
struct acxxx_tmf_reply {
	struct acxxx_reply_hdr hdr;
	u8 task_type;
	u8 reserved[3];
	__le32 terminated;
};

/* ---------------------------------------------------------------------- */
/* Sense block (6.6, 16.13)                                                */

#define ACXXX_SFLAG_RESP_VALID		0x01
#define ACXXX_SFLAG_SENSE_VALID		0x02
#define ACXXX_SFLAG_RESID_OVER		0x04
#define ACXXX_SFLAG_RESID_UNDER		0x08

#define ACXXX_SENSE_DATA_LEN		48

/**
 * struct acxxx_sense_block - per-slot sense block written by the firmware
 * @reserved: zero
 * @flags: ACXXX_SFLAG_*
 * @status: FCP status (ignored)
 * @residual: residual byte count (valid with ACXXX_SFLAG_RESID_UNDER/OVER)
 * @sense_len: sense bytes present in @data after the response info
 * @resp_len: response info bytes at the start of @data (with RESP_VALID)
 * @data: response info followed by sense bytes
 */
struct acxxx_sense_block {
	__le16 reserved;
	u8 flags;
	u8 status;
	__le32 residual;
	__le32 sense_len;
	__le32 resp_len;
	u8 data[ACXXX_SENSE_DATA_LEN];
};

/* ---------------------------------------------------------------------- */
/* Management page 0x00 (7.3, 16.17)                                       */

#define ACXXX_ID_STR_LEN		16
#define ACXXX_LUN_ABSENT		0xFFFF

/**
 * struct acxxx_page0 - controller identity and LUN map page
 * @product_id: product identifier, NUL or space padded
 * @model: model name
 * @serial: serial number
 * @fw_version: firmware version (project-defined, 16.17)
 * @vendor: vendor string (project-defined, 16.17)
 * @reserved0: opaque
 * @link_speed: link speed (tool requests only)
 * @link_width: link width (tool requests only)
 * @reserved1: opaque
 * @lun_map: entry i describes LUN index i; ACXXX_LUN_ABSENT = no volume
 * @reserved2: opaque
 */
struct acxxx_page0 {
	u8 product_id[ACXXX_ID_STR_LEN];
	u8 model[ACXXX_ID_STR_LEN];
	u8 serial[ACXXX_ID_STR_LEN];
	u8 fw_version[ACXXX_ID_STR_LEN];
	u8 vendor[ACXXX_ID_STR_LEN];
	u8 reserved0[16];
	u8 link_speed;
	u8 link_width;
	u8 reserved1[30];
	__le16 lun_map[ACXXX_MAX_LUNS];
	u8 reserved2[256];
};

/* ---------------------------------------------------------------------- */
/* Layout checks: every size and offset the specification gives.          */

static_assert(sizeof(struct acxxx_req_hdr) == 8, "request header");
static_assert(offsetof(struct acxxx_req_hdr, fn_byte) == 0x02, "fn byte");
static_assert(offsetof(struct acxxx_req_hdr, function) == 0x03, "function");
static_assert(offsetof(struct acxxx_req_hdr, msg_id) == 0x04, "msg id");

static_assert(sizeof(struct acxxx_sge_basic) == 12, "basic element");
static_assert(offsetof(struct acxxx_sge_basic, addr_lo) == 4, "sge addr lo");
static_assert(offsetof(struct acxxx_sge_basic, addr_hi) == 8, "sge addr hi");
static_assert(sizeof(struct acxxx_sge_rw) == 16, "rw element");
static_assert(offsetof(struct acxxx_sge_rw, len) == 8, "rw len");
static_assert(offsetof(struct acxxx_sge_rw, ext) == 12, "rw ext");

static_assert(sizeof(struct acxxx_scsi_req) == ACXXX_SCSI_BDL_OFFSET, "scsi req");
static_assert(offsetof(struct acxxx_scsi_req, cdb_len) == 0x08, "cdb len");
static_assert(offsetof(struct acxxx_scsi_req, sense_len) == 0x09, "sense len");
static_assert(offsetof(struct acxxx_scsi_req, control) == 0x0C, "control");
static_assert(offsetof(struct acxxx_scsi_req, cdb) == 0x10, "cdb");
static_assert(offsetof(struct acxxx_scsi_req, data_len) == 0x20, "data len");
static_assert(offsetof(struct acxxx_scsi_req, sense_lo) == 0x24, "sense lo");
static_assert(ACXXX_SCSI_BDL_OFFSET + ACXXX_DIRECT_MAX_BASIC * 12 <=
	      ACXXX_REQ_MSG_SIZE, "basic direct mode fits the message");
static_assert(ACXXX_SCSI_RW_DIRECT_OFFSET + ACXXX_DIRECT_MAX_RW * 16 ==
	      ACXXX_REQ_MSG_SIZE, "rw direct mode ends at the message end");

static_assert(sizeof(struct acxxx_mgmt_req) == 0x3C, "mgmt req");
static_assert(offsetof(struct acxxx_mgmt_req, cdb) == 0x08, "mgmt cdb");
static_assert(offsetof(struct acxxx_mgmt_req, data_len) == 0x28, "mgmt len");
static_assert(offsetof(struct acxxx_mgmt_req, sge) == 0x30, "mgmt sge");

static_assert(sizeof(struct acxxx_tmf_req) == 16, "tmf req");
static_assert(offsetof(struct acxxx_tmf_req, lun) == 0x08, "tmf lun");
static_assert(offsetof(struct acxxx_tmf_req, task_msg_id) == 0x0C, "tmf task");

static_assert(sizeof(struct acxxx_reply_hdr) == 8, "reply header");
static_assert(offsetof(struct acxxx_reply_hdr, status) == 0x01, "rstatus");
static_assert(offsetof(struct acxxx_reply_hdr, function) == 0x03, "rfunc");
static_assert(offsetof(struct acxxx_reply_hdr, msg_id) == 0x04, "rmsgid");

static_assert(sizeof(struct acxxx_scsi_reply) == 0x14, "scsi reply");
static_assert(offsetof(struct acxxx_scsi_reply, scsi_status) == 0x08, "sstatus");
static_assert(offsetof(struct acxxx_scsi_reply, scsi_state) == 0x09, "sstate");
static_assert(offsetof(struct acxxx_scsi_reply, transfer_count) == 0x0C, "xfer");
static_assert(offsetof(struct acxxx_scsi_reply, sense_count) == 0x10, "scount");

static_assert(sizeof(struct acxxx_mgmt_reply) == 12, "mgmt reply");
static_assert(offsetof(struct acxxx_mgmt_reply, error) == 0x08, "mgmt error");

static_assert(sizeof(struct acxxx_event_reply) == ACXXX_REPLY_FRAME_SIZE,
	      "event reply fills the 96-byte frame");
static_assert(offsetof(struct acxxx_event_reply, data) == 0x08, "event data");

static_assert(sizeof(struct acxxx_tmf_reply) == 16, "tmf reply");
static_assert(offsetof(struct acxxx_tmf_reply, task_type) == 0x08, "tmf type");
static_assert(offsetof(struct acxxx_tmf_reply, terminated) == 0x0C, "tmf count");

static_assert(sizeof(struct acxxx_sense_block) == ACXXX_SENSE_BLOCK_SIZE, "sense");
static_assert(offsetof(struct acxxx_sense_block, flags) == 0x02, "sflags");
static_assert(offsetof(struct acxxx_sense_block, residual) == 0x04, "resid");
static_assert(offsetof(struct acxxx_sense_block, sense_len) == 0x08, "slen");
static_assert(offsetof(struct acxxx_sense_block, resp_len) == 0x0C, "rlen");
static_assert(offsetof(struct acxxx_sense_block, data) == 0x10, "sdata");

static_assert(sizeof(struct acxxx_page0) == ACXXX_PAGE_SIZE, "page 0");
static_assert(offsetof(struct acxxx_page0, model) == 0x10, "model");
static_assert(offsetof(struct acxxx_page0, serial) == 0x20, "serial");
static_assert(offsetof(struct acxxx_page0, fw_version) == 0x30, "fw version");
static_assert(offsetof(struct acxxx_page0, vendor) == 0x40, "vendor");
static_assert(offsetof(struct acxxx_page0, link_speed) == 0x60, "link speed");
static_assert(offsetof(struct acxxx_page0, link_width) == 0x61, "link width");
static_assert(offsetof(struct acxxx_page0, lun_map) == 0x80, "lun map");

#endif /* ACXXX_PROTO_H */
