/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxxx: the OS-neutral core of the host side of the pipeline.
 *
 * A library of pure functions over memory the caller provides.  It takes
 * no locks, allocates nothing, touches no register, never sleeps, logs
 * nothing and keeps no global state.  Errors are negative errno values.
 * The same files build into the Linux driver, a DriverKit extension, the
 * user-space loop test and the fuzzers.
 *
 * Concurrency: every function that takes a struct acxxx_ctl reads or
 * writes its slot and frame state.  The caller serialises those calls per
 * controller (the Linux driver holds its per-host reply lock); functions
 * that only read the layout (the address helpers) may be called freely.
 * One exception makes the submission path lock-free: the SCSI encoder
 * (acxxx_encode_scsi_begin(), acxxx_encode_sge(), acxxx_encode_scsi_end())
 * touches only the entries of its own slot and reads only what
 * acxxx_ctl_init() set, so it may run without the lock on a slot that is
 * not outstanding and that no other caller encodes (the OS's tag for the
 * command); acxxx_slot_start() and the post, under the lock, publish it.
 *
 * Register access stays with the caller: the core says which value goes
 * to which register (bring-up, posting, frame return) and decodes the
 * values the caller read.
 */
#ifndef ACXXX_CORE_H
#define ACXXX_CORE_H

#include "acxxx_types.h"
#include "acxxx_proto.h"

/* ---------------------------------------------------------------------- */
/* Families                                                                */

/**
 * enum acxxx_dialect - register dialect and element rules of a family
 * @ACXXX_DIALECT_341: IOP341 family (6101, 6201), registers in BAR0
 * @ACXXX_DIALECT_2208: LSI 2208 family (6232, 6233, 6235, 6300)
 * @ACXXX_DIALECT_3108: LSI 3108 family (6240, 6262)
 */
enum acxxx_dialect {
	ACXXX_DIALECT_341 = 1,
	ACXXX_DIALECT_2208 = 2,
	ACXXX_DIALECT_3108 = 3,
};

/**
 * struct acxxx_caps - what a register dialect needs of the host
 * @dialect: the dialect described
 * @name: short name, for logs and sysfs ("341", "2208", "3108")
 * @reg_bar: BAR that holds the register file
 * @irq_unmask: OUT_INT_MASK value that enables interrupts
 * @irq_status_reg: register whose bit 0 is "ready" and whose read has no
 *	side effect: OUT_INT_STATUS (341) or OUT_DOORBELL (2208/3108)
 * @has_doorbell: OUT_DOORBELL carries notifications (restart, flush,
 *	pause, resume) that the interrupt handler reads and acknowledges
 * @post_room_read: a REQUEST_PORT read must say there is room (not
 *	all-ones) before each post
 * @free_fifo: reply frames are returned through the 16-deep outbound
 *	free FIFO: room read at OUT_FREE_CI, IN_DOORBELL FREE_REPLY after the
 *	writes (2208)
 * @free_fifo_depth: entries of that FIFO (0 without one)
 * @scratch2_after_evsw: write SCRATCH2 <- normal once events are on
 * @health_scratch1: SCRATCH1 reports the firmware running (health check)
 * @detach_reg: register whose write makes the firmware forget the host's
 *	reply frames at detach: HOST_MSG0 (341, written with the high
 *	address) or IN_DOORBELL (written with the interface reset)
 * @rw_elements: READ/WRITE commands use 16-byte elements (5.5 c)
 * @rw_last_mark: the last 16-byte element carries the end mark (3108)
 *
 * One table instead of dialect tests spread over the callers: the glue
 * asks the table, never the dialect number.
 */
struct acxxx_caps {
	enum acxxx_dialect dialect;
	const char *name;
	u8 reg_bar;
	u32 irq_unmask;
	u32 irq_status_reg;
	bool has_doorbell;
	bool post_room_read;
	bool free_fifo;
	u8 free_fifo_depth;
	bool scratch2_after_evsw;
	bool health_scratch1;
	u32 detach_reg;
	bool rw_elements;
	bool rw_last_mark;
};

const struct acxxx_caps *acxxx_caps(enum acxxx_dialect dialect);
int acxxx_dialect_of(u16 vendor, u16 device);
const char *acxxx_dialect_name(enum acxxx_dialect dialect);
unsigned int acxxx_reg_bar(enum acxxx_dialect dialect);
u32 acxxx_irq_unmask_value(enum acxxx_dialect dialect);
u32 acxxx_irq_status_reg(enum acxxx_dialect dialect);

/**
 * struct acxxx_wr - one register write the core asks the caller to make
 * @reg: register offset
 * @val: value
 */
struct acxxx_wr {
	u32 reg;
	u32 val;
};

/* "No register to read" wherever the core names one. */
#define ACXXX_NO_READ	0xFFFFFFFFu

/* ---------------------------------------------------------------------- */
/* Control memory layout                                                   */

/*
 * Slots used for requests the driver makes itself.  Every other slot from
 * ACXXX_FIRST_IO_SLOT on carries a SCSI command of the operating system,
 * one slot per tag: slot = tag + ACXXX_FIRST_IO_SLOT.
 */
#define ACXXX_SLOT_MGMT		1	/* management: page reads, pass-through */
#define ACXXX_SLOT_EVSW		2	/* event switch */
#define ACXXX_SLOT_TMF		3	/* task management: abort task */
#define ACXXX_SLOT_INTERNAL	4	/* driver-issued SCSI (cache flush) */
#define ACXXX_SLOT_RESET	5	/* task management: LUN and target reset */
#define ACXXX_NR_INTERNAL_SLOTS	5
#define ACXXX_FIRST_IO_SLOT	(ACXXX_NR_INTERNAL_SLOTS + 1)

/* Segments a SCSI command may use (16.6) and the default slot count. */
#define ACXXX_MAX_SGE		128
#define ACXXX_DEFAULT_SLOTS	(ACXXX_LAST_REPLY_SLOT + 1)

/**
 * struct acxxx_layout - where everything lives in the control block
 * @nr_slots: size of the slot index space (slot 0 is never used)
 * @max_sge: segments one command may use
 * @req_size: bytes of one request block (frame plus list area)
 * @stride: bytes of one slot: request block, sense block, reply frame
 * @sense_off: offset of the sense block inside a slot
 * @reply_off: offset of the reply frame inside a slot
 * @nr_frames: reply frames posted to the firmware (slots 1..@nr_frames)
 * @mgmt_off: offset of the management data buffer
 * @size: total bytes of the control block
 *
 * The block starts 256-byte aligned and must not cross a 4 GiB boundary:
 * every address the firmware is given shares the same high 32 bits.
 */
struct acxxx_layout {
	u16 nr_slots;
	u16 max_sge;
	u32 req_size;
	u32 stride;
	u32 sense_off;
	u32 reply_off;
	u16 nr_frames;
	u32 mgmt_off;
	u32 size;
};

int acxxx_layout_init(struct acxxx_layout *lay, u16 nr_slots, u16 max_sge);
int acxxx_layout_check_window(const struct acxxx_layout *lay, u64 base_dma);

/* ---------------------------------------------------------------------- */
/* Controller context                                                      */

#define ACXXX_SLOT_FREE		0
#define ACXXX_SLOT_ACTIVE	1

#define ACXXX_FRAME_HOST	0	/* owned by the host */
#define ACXXX_FRAME_POSTED	1	/* on the firmware's free list */
#define ACXXX_FRAME_QUEUED	2	/* waiting in the return ring */

/**
 * struct acxxx_fret - reply frames waiting to go back to the firmware
 * @q: frame numbers, oldest first, a ring of @count entries from @head
 * @head: index of the oldest entry
 * @count: entries waiting
 * @credit: free-FIFO entries known free (2208): frames that may be written
 *	without another OUT_FREE_CI read
 * @ring: the FIFO needs its doorbell for frames written since the last one
 */
struct acxxx_fret {
	u16 q[ACXXX_MAX_SLOTS];
	u16 head;
	u16 count;
	u8 credit;
	bool ring;
};

/**
 * struct acxxx_ctl - per-controller state of the core
 * @dialect: register dialect
 * @lay: control memory layout
 * @mem: CPU address of the control block
 * @mem_dma: bus address of the control block
 * @hi: high 32 bits shared by every control address (global high address)
 * @slot_state: ACXXX_SLOT_* per slot: ACTIVE while the firmware owns it
 * @frame_state: ACXXX_FRAME_* per reply frame
 * @slot_fn: function of the request last encoded in each slot
 * @slot_len: its data length (SCSI I/O and management, else 0)
 * @slot_end: bytes of the slot's 512-byte message the last encoding
 *	wrote; every byte past it is zero (see acxxx_encode_scsi_begin())
 * @caps: the dialect's capability table
 * @fret: reply frames waiting to be returned
 *
 * Lives in memory the caller allocates; acxxx_ctl_init() fills it.  The
 * function and data length of a request are kept here, not read back
 * from the request frame when its reply arrives: the frame is in memory
 * the device can write, and what the device hands back is never trusted.
 */
struct acxxx_ctl {
	enum acxxx_dialect dialect;
	struct acxxx_layout lay;
	u8 *mem;
	u64 mem_dma;
	u32 hi;
	u8 slot_state[ACXXX_MAX_SLOTS];
	u8 frame_state[ACXXX_MAX_SLOTS];
	u8 slot_fn[ACXXX_MAX_SLOTS];
	u32 slot_len[ACXXX_MAX_SLOTS];
	u16 slot_end[ACXXX_MAX_SLOTS];
	const struct acxxx_caps *caps;
	struct acxxx_fret fret;
};

int acxxx_ctl_init(struct acxxx_ctl *c, enum acxxx_dialect dialect,
		   const struct acxxx_layout *lay, void *mem, u64 mem_dma);
void acxxx_ctl_reset(struct acxxx_ctl *c);

static inline u32 acxxx_slot_off(const struct acxxx_ctl *c, u16 slot)
{
	return (u32)slot * c->lay.stride;
}

static inline void *acxxx_slot_req(const struct acxxx_ctl *c, u16 slot)
{
	return c->mem + acxxx_slot_off(c, slot);
}

static inline u64 acxxx_slot_req_dma(const struct acxxx_ctl *c, u16 slot)
{
	return c->mem_dma + acxxx_slot_off(c, slot);
}

static inline void *acxxx_slot_sense(const struct acxxx_ctl *c, u16 slot)
{
	return c->mem + acxxx_slot_off(c, slot) + c->lay.sense_off;
}

static inline u64 acxxx_slot_sense_dma(const struct acxxx_ctl *c, u16 slot)
{
	return c->mem_dma + acxxx_slot_off(c, slot) + c->lay.sense_off;
}

static inline void *acxxx_frame(const struct acxxx_ctl *c, u16 frame)
{
	return c->mem + acxxx_slot_off(c, frame) + c->lay.reply_off;
}

static inline u64 acxxx_frame_dma(const struct acxxx_ctl *c, u16 frame)
{
	return c->mem_dma + acxxx_slot_off(c, frame) + c->lay.reply_off;
}

static inline void *acxxx_mgmt_buf(const struct acxxx_ctl *c)
{
	return c->mem + c->lay.mgmt_off;
}

static inline u64 acxxx_mgmt_buf_dma(const struct acxxx_ctl *c)
{
	return c->mem_dma + c->lay.mgmt_off;
}

/* Value written to REQUEST_PORT to post the request of @slot (5.7). */
static inline u32 acxxx_post_value(const struct acxxx_ctl *c, u16 slot)
{
	return (u32)acxxx_slot_req_dma(c, slot);
}

static inline u32 acxxx_msgid(u16 slot)
{
	return (u32)slot << ACXXX_MSGID_SHIFT;
}

/**
 * acxxx_msgid_to_slot() - validate a message identifier from the device
 * @c: controller
 * @msg_id: identifier as the device returned it
 *
 * Inline: every reply goes through it.
 *
 * Return: the slot index (1..nr_slots-1); -EINVAL for zero or an
 * identifier with its two low bits set; -ERANGE beyond the slot space.
 * Whether the slot is outstanding is a separate check.
 */
static inline int acxxx_msgid_to_slot(const struct acxxx_ctl *c, u32 msg_id)
{
	u32 slot;

	if (!msg_id || (msg_id & ACXXX_MSGID_LOW_MASK))
		return -EINVAL;
	slot = msg_id >> ACXXX_MSGID_SHIFT;
	if (slot >= c->lay.nr_slots)
		return -ERANGE;
	return (int)slot;
}

/**
 * acxxx_slot_start() - mark a slot as handed to the firmware
 * @c: controller
 * @slot: slot whose request is about to be posted
 *
 * Inline: every post goes through it.
 *
 * Return: 0, -ERANGE for a slot outside the index space, -EBUSY if the
 * slot is already outstanding.
 */
static inline int acxxx_slot_start(struct acxxx_ctl *c, u16 slot)
{
	if (slot < ACXXX_FIRST_SLOT || slot >= c->lay.nr_slots)
		return -ERANGE;
	if (c->slot_state[slot] != ACXXX_SLOT_FREE)
		return -EBUSY;
	c->slot_state[slot] = ACXXX_SLOT_ACTIVE;
	return 0;
}

int acxxx_slot_finish(struct acxxx_ctl *c, u16 slot);
bool acxxx_slot_active(const struct acxxx_ctl *c, u16 slot);
unsigned int acxxx_slots_active(const struct acxxx_ctl *c);

int acxxx_frame_post(struct acxxx_ctl *c, u16 frame, u32 *value);
bool acxxx_free_fifo_room(u32 out_free_ci_pi);

/* The frame-return ring (acxxx_core_ctl.c). */
#define ACXXX_FRET_MAX_WR	2	/* writes one acxxx_fret_next() asks for */

int acxxx_fret_push(struct acxxx_ctl *c, u16 frame);
void acxxx_fret_push_all(struct acxxx_ctl *c);
u32 acxxx_fret_read_reg(const struct acxxx_ctl *c);
unsigned int acxxx_fret_credit(struct acxxx_ctl *c, u32 value);
unsigned int acxxx_fret_next(struct acxxx_ctl *c,
			     struct acxxx_wr wr[ACXXX_FRET_MAX_WR]);

static inline unsigned int acxxx_fret_pending(const struct acxxx_ctl *c)
{
	return c->fret.count;
}

/* ---------------------------------------------------------------------- */
/* Request encoding                                                        */

/**
 * struct acxxx_sge - one DMA segment of a command's data buffer
 * @addr: bus address
 * @len: length in bytes, never zero
 */
struct acxxx_sge {
	u64 addr;
	u32 len;
};

/**
 * struct acxxx_scsi_cmd - an OS-neutral SCSI command
 * @lun: LUN index on the wire, 0..63 (SCSI target id - 1)
 * @cdb_len: CDB length, 1..16
 * @dir: ACXXX_CTL_DIR_NONE, _WRITE (to the device) or _READ
 * @task_attr: ACXXX_CTL_ATTR_* task attribute
 * @cdb: the CDB
 * @data_len: bytes to transfer; the sum of the segment lengths
 * @sgl: segments, @nr_sge of them (none when @data_len is 0)
 * @nr_sge: number of segments, at most the layout's max_sge
 */
struct acxxx_scsi_cmd {
	u8 lun;
	u8 cdb_len;
	u8 dir;
	u8 task_attr;
	const u8 *cdb;
	u32 data_len;
	const struct acxxx_sge *sgl;
	u32 nr_sge;
};

/**
 * struct acxxx_enc - an element-by-element SCSI encoding in progress
 * @c: controller
 * @req: the slot's request frame
 * @next: where the next element goes
 * @limit: the end of the elements announced at begin
 * @slot: the slot
 * @nr_sge: elements announced at begin
 * @rw: 16-byte read/write elements (else 12-byte basic elements)
 * @list: the elements are in the list area (list mode, 5.6)
 * @flags: flag bits of a basic element (direction)
 * @last_ext: what the last 16-byte element carries in its last word
 * @max_len: longest segment an element can carry
 * @data_len: the command's data length
 * @total: bytes of the elements written so far
 * @err: first error met, returned by acxxx_encode_scsi_end()
 *
 * Lives on the caller's stack between acxxx_encode_scsi_begin() and
 * acxxx_encode_scsi_end(); the fields are the core's.
 */
struct acxxx_enc {
	struct acxxx_ctl *c;
	void *req;
	void *next;
	void *limit;
	u16 slot;
	u16 nr_sge;
	bool rw;
	bool list;
	u32 flags;
	u32 last_ext;
	u32 max_len;
	u32 data_len;
	u64 total;
	int err;
};

bool acxxx_cdb_is_rw(u8 opcode);
int acxxx_encode_scsi_begin(struct acxxx_ctl *c, struct acxxx_enc *e,
			    u16 slot, const struct acxxx_scsi_cmd *cmd);
int acxxx_encode_sge_bad(struct acxxx_enc *e, u32 len);
int acxxx_encode_scsi_end(struct acxxx_enc *e);

/**
 * acxxx_encode_sge() - add the next data segment of a SCSI request
 * @e: encoding started by acxxx_encode_scsi_begin()
 * @addr: bus address of the segment
 * @len: its length in bytes
 *
 * Inline: it runs once per segment of every command.
 *
 * Return: 0; -EINVAL for a zero length or a segment beyond the count
 * announced; -E2BIG for a segment too long for its element (16 MiB for a
 * 12-byte element).  The first error sticks: acxxx_encode_scsi_end()
 * returns it, so a loop over the segments may check only there.
 */
static inline int acxxx_encode_sge(struct acxxx_enc *e, u64 addr, u32 len)
{
	if (!len || len > e->max_len || e->next == e->limit)
		return acxxx_encode_sge_bad(e, len);
	e->total += len;
	if (e->rw) {
		/* Cast: the header is C++ too (DriverKit). */
		struct acxxx_sge_rw *rw = (struct acxxx_sge_rw *)e->next;

		rw->addr_lo = cpu_to_le32((u32)addr);
		rw->addr_hi = cpu_to_le32((u32)(addr >> 32));
		rw->len = cpu_to_le32(len);
		rw->ext = rw + 1 == e->limit ? cpu_to_le32(e->last_ext) : 0;
		e->next = rw + 1;
	} else {
		struct acxxx_sge_basic *b = (struct acxxx_sge_basic *)e->next;

		b->flags_len = cpu_to_le32(e->flags | len);
		b->addr_lo = cpu_to_le32((u32)addr);
		b->addr_hi = cpu_to_le32((u32)(addr >> 32));
		e->next = b + 1;
	}
	return e->err;
}

int acxxx_encode_scsi(struct acxxx_ctl *c, u16 slot,
		      const struct acxxx_scsi_cmd *cmd);
int acxxx_encode_mgmt(struct acxxx_ctl *c, u16 slot, const u8 *cdb,
		      u8 dir, u32 len);
int acxxx_encode_get_page(struct acxxx_ctl *c, u16 slot, u8 page);
int acxxx_encode_event_switch(struct acxxx_ctl *c, u16 slot, bool on);
int acxxx_encode_tmf(struct acxxx_ctl *c, u16 slot, u8 type, u8 lun,
		     u16 task_slot);

/* ---------------------------------------------------------------------- */
/* Reply decoding                                                          */

/**
 * enum acxxx_cpl_kind - what a decoded reply completes
 * @ACXXX_CPL_SCSI: a SCSI I/O request
 * @ACXXX_CPL_MGMT: a management request
 * @ACXXX_CPL_EVSW: an event switch request (acknowledgment)
 * @ACXXX_CPL_EVENT: an unsolicited firmware event (no request)
 * @ACXXX_CPL_TMF: a task management request
 */
enum acxxx_cpl_kind {
	ACXXX_CPL_SCSI = 1,
	ACXXX_CPL_MGMT,
	ACXXX_CPL_EVSW,
	ACXXX_CPL_EVENT,
	ACXXX_CPL_TMF,
};

/* acxxx_cpl.flags: what the decoder noticed and corrected. */
#define ACXXX_CPL_F_SENSE_TRUNC		0x01	/* sense longer than its room */
#define ACXXX_CPL_F_RESID_CLAMPED	0x02	/* residual above data length */
#define ACXXX_CPL_F_RESID_MISMATCH	0x04	/* residual vs transfer count */
#define ACXXX_CPL_F_OVERRUN		0x08	/* device reported an overrun */
#define ACXXX_CPL_F_RESID_VALID		0x10	/* @residual is meaningful */
#define ACXXX_CPL_F_BAD_FAST		0x20	/* fast reply to a non-SCSI request */

/**
 * struct acxxx_cpl - an OS-neutral completion
 * @kind: enum acxxx_cpl_kind
 * @slot: slot of the request completed, 0 for an unsolicited event
 * @frame: reply frame to give back with acxxx_frame_post(), 0 if none
 * @fast: completed through a fast reply (success, full length)
 * @function: function code of the request
 * @reply_status: ACXXX_RS_* reply status
 * @scsi_status: SAM status byte (SCSI I/O)
 * @scsi_state: ACXXX_SSTATE_* (SCSI I/O)
 * @flags: ACXXX_CPL_F_*
 * @data_len: data length of the request (SCSI I/O)
 * @transfer_count: transfer count reported by the firmware
 * @residual: bytes not transferred, at most @data_len
 * @sense_len: sense bytes copied into the caller's buffer
 * @mgmt_error: management error code (management)
 * @tmf_type: task type echoed (task management)
 * @tmf_terminated: requests terminated (task management)
 * @event_code: event code, byte 0 of the event data (events)
 * @event: first bytes of the event data (events)
 */
struct acxxx_cpl {
	u8 kind;
	u16 slot;
	u16 frame;
	bool fast;
	u8 function;
	u8 reply_status;
	u8 scsi_status;
	u8 scsi_state;
	u8 flags;
	u32 data_len;
	u32 transfer_count;
	u32 residual;
	u32 sense_len;
	u16 mgmt_error;
	u8 tmf_type;
	u32 tmf_terminated;
	u8 event_code;
	u8 event[ACXXX_EVENT_RECORD_LEN];
};

int acxxx_decode_reply(struct acxxx_ctl *c, u32 desc, struct acxxx_cpl *cpl,
		       u8 *sense, u32 sense_size);

/**
 * struct acxxx_doorbell - what an OUT_DOORBELL value asks of the host
 * @ack: bits to write to OUT_DOORBELL_CLR (0: nothing to clear)
 * @restart_soon: the firmware will restart soon (log)
 * @flush: the firmware dropped every outstanding request: fail them
 * @pause: stop issuing and stop draining replies
 * @resume: issue and drain again
 * @unknown: reserved bits that were set
 * @gone: the register read as all-ones: the device is gone
 */
struct acxxx_doorbell {
	u32 ack;
	bool restart_soon;
	bool flush;
	bool pause;
	bool resume;
	u32 unknown;
	bool gone;
};

void acxxx_decode_doorbell(u32 value, struct acxxx_doorbell *db);

/* ---------------------------------------------------------------------- */
/* Verdicts: what a completion means, for the glue to translate            */

/**
 * enum acxxx_host_res - the host-side part of a SCSI command's result
 * @ACXXX_HOST_OK: the command reached the device; the SAM status counts
 * @ACXXX_HOST_ERROR: the firmware failed the command without a usable
 *	status (Linux: DID_ERROR, retried within the command's allowance)
 * @ACXXX_HOST_NO_CONNECT: no volume at that LUN (DID_NO_CONNECT)
 * @ACXXX_HOST_RETRY: terminated, not failed: send again (DID_SOFT_ERROR)
 * @ACXXX_HOST_RESET: dropped by a reset or re-init (DID_RESET)
 * @ACXXX_HOST_BAD_TARGET: no volume can exist at that address
 *	(DID_BAD_TARGET)
 */
enum acxxx_host_res {
	ACXXX_HOST_OK = 0,
	ACXXX_HOST_ERROR,
	ACXXX_HOST_NO_CONNECT,
	ACXXX_HOST_RETRY,
	ACXXX_HOST_RESET,
	ACXXX_HOST_BAD_TARGET,
};

/* SAM status codes the verdict produces itself (SAM-5). */
#define ACXXX_SAM_GOOD			0x00
#define ACXXX_SAM_CHECK_CONDITION	0x02
#define ACXXX_SAM_BUSY			0x08
#define ACXXX_SAM_TASK_SET_FULL		0x28

/**
 * struct acxxx_verdict - the result of a SCSI command, OS-neutral
 * @host: enum acxxx_host_res
 * @sam_status: SAM status byte, meaningful with ACXXX_HOST_OK
 * @residual: bytes not transferred, at most the command's data length
 * @sense_key: with @build_sense, the sense key of the fixed-format sense
 *	data the host builds itself (the firmware sent none)
 * @asc: with @build_sense, the additional sense code
 * @ascq: with @build_sense, the additional sense code qualifier
 * @build_sense: fail the command with CHECK CONDITION and sense data made
 *	of @sense_key, @asc and @ascq (@sam_status is CHECK CONDITION)
 * @rejected: the firmware refused the command with a reply status a
 *	correct request never gets (a driver or firmware fault): worth a log
 *	line
 * @undefined: the reply status is none the specification defines (6.5):
 *	a host error, logged; never the outcome of a defined status
 */
struct acxxx_verdict {
	u8 host;
	u8 sam_status;
	u32 residual;
	u8 sense_key;
	u8 asc;
	u8 ascq;
	bool build_sense;
	bool rejected;
	bool undefined;
};

/* Sense keys and codes of the sense data the verdict builds (SPC-4). */
#define ACXXX_SENSE_ILLEGAL_REQUEST	0x05
#define ACXXX_ASC_INVALID_OPCODE	0x20
#define ACXXX_ASC_INVALID_FIELD_CDB	0x24

void acxxx_scsi_verdict(const struct acxxx_cpl *cpl, struct acxxx_verdict *v);

/**
 * enum acxxx_tmf_res - what the error handler concludes from a TMF reply
 * @ACXXX_TMF_RES_DONE: the task (abort) or the volume's tasks (resets)
 *	were terminated: take their slots back (acxxx_slot_finish()) and
 *	report success
 * @ACXXX_TMF_RES_COMPLETED: abort of a task that completed through its
 *	own reply first: success, nothing to take back
 * @ACXXX_TMF_RES_FAILED: not done: escalate to the next step
 * @ACXXX_TMF_RES_UNSUPPORTED: the firmware has no task management:
 *	escalate, and do not send task management again
 */
enum acxxx_tmf_res {
	ACXXX_TMF_RES_DONE = 0,
	ACXXX_TMF_RES_COMPLETED,
	ACXXX_TMF_RES_FAILED,
	ACXXX_TMF_RES_UNSUPPORTED,
};

int acxxx_tmf_verdict(int err, const struct acxxx_cpl *cpl, u8 type,
		      bool task_outstanding);

/* ---------------------------------------------------------------------- */
/* Bring-up and re-init handshake                                          */

/**
 * struct acxxx_init_params - timing of the handshake, in milliseconds
 * @fw_timeout_ms: how long to wait for the firmware to run (SCRATCH1)
 * @reset_delay_ms: settle time after the interface reset (2208/3108)
 * @ready_timeout_ms: how long to wait for "ready" after the high address
 * @poll_ms: interval between two reads of a status register
 */
struct acxxx_init_params {
	u32 fw_timeout_ms;
	u32 reset_delay_ms;
	u32 ready_timeout_ms;
	u32 poll_ms;
};

void acxxx_init_default_params(struct acxxx_init_params *p);

#define ACXXX_INIT_MAX_WRITES	6
#define ACXXX_INIT_NO_READ	0xFFFFFFFFu

/**
 * struct acxxx_init_io - what the caller does after one transition
 * @wr_reg: registers to write, in order
 * @wr_val: values to write
 * @nr_wr: number of writes
 * @read_reg: register to read just before the next call, whose value is
 *	passed to it; ACXXX_INIT_NO_READ when none
 * @next_ms: time of the next call (absolute, same clock as @now_ms)
 */
struct acxxx_init_io {
	u32 wr_reg[ACXXX_INIT_MAX_WRITES];
	u32 wr_val[ACXXX_INIT_MAX_WRITES];
	unsigned int nr_wr;
	u32 read_reg;
	u64 next_ms;
};

/**
 * struct acxxx_init - state of one handshake (bring-up or re-init)
 * @dialect: register dialect
 * @hi: global high address announced to the firmware
 * @reinit: a re-init of a running controller (host reset)
 * @state: internal state
 * @p: timing
 * @deadline_ms: when the current wait gives up
 * @wait_ms: end of the current settle delay
 * @reads: register reads consumed so far (statistics)
 * @ones: all-ones reads in a row
 */
struct acxxx_init {
	enum acxxx_dialect dialect;
	u32 hi;
	bool reinit;
	u8 state;
	struct acxxx_init_params p;
	u64 deadline_ms;
	u64 wait_ms;
	u32 reads;
	u8 ones;
};

void acxxx_init_begin(struct acxxx_init *in, enum acxxx_dialect dialect,
		      u32 hi, bool reinit, const struct acxxx_init_params *p,
		      u64 now_ms);
int acxxx_init_step(struct acxxx_init *in, u64 now_ms, u32 read_val,
		    struct acxxx_init_io *io);

/* ---------------------------------------------------------------------- */
/* Start and stop sequences around the handshake                           */

struct acxxx_ident;

/**
 * enum acxxx_seq_act - what a sequence step asks the caller to do
 * @ACXXX_ACT_NONE: nothing (the sequence ended)
 * @ACXXX_ACT_FRAMES: every reply frame is queued in the return ring:
 *	return them (acxxx_fret_*()), then call the step again
 * @ACXXX_ACT_REQUEST: encode the request of @io with acxxx_seq_encode()
 *	into internal slot @io->slot, post it, wait for its reply (or give
 *	up after @io->timeout_s) and pass the outcome to the next step
 * @ACXXX_ACT_WRITE: make the register writes of @io, in order
 */
enum acxxx_seq_act {
	ACXXX_ACT_NONE = 0,
	ACXXX_ACT_FRAMES,
	ACXXX_ACT_REQUEST,
	ACXXX_ACT_WRITE,
};

/**
 * enum acxxx_seq_req - requests a sequence makes
 * @ACXXX_SEQ_PAGE0: read management page 0 (identity and LUN map)
 * @ACXXX_SEQ_EVENTS_ON: turn firmware events on
 * @ACXXX_SEQ_EVENTS_OFF: turn firmware events off
 * @ACXXX_SEQ_FLUSH: SYNCHRONIZE CACHE (10) of volume @io->lun
 */
enum acxxx_seq_req {
	ACXXX_SEQ_PAGE0 = 1,
	ACXXX_SEQ_EVENTS_ON,
	ACXXX_SEQ_EVENTS_OFF,
	ACXXX_SEQ_FLUSH,
};

#define ACXXX_SEQ_MAX_WR	2

/* Reply timeouts of the sequences' requests, in seconds. */
#define ACXXX_SEQ_MGMT_TIMEOUT	30
#define ACXXX_SEQ_EVSW_TIMEOUT	10
#define ACXXX_SEQ_FLUSH_TIMEOUT	60

/**
 * struct acxxx_seq_io - what the caller does after one step
 * @act: enum acxxx_seq_act
 * @req: enum acxxx_seq_req, with ACXXX_ACT_REQUEST
 * @slot: internal slot of the request
 * @lun: volume of a flush
 * @timeout_s: how long to wait for the request's reply
 * @wr: register writes, with ACXXX_ACT_WRITE
 * @nr_wr: their number
 */
struct acxxx_seq_io {
	u8 act;
	u8 req;
	u16 slot;
	u8 lun;
	u32 timeout_s;
	struct acxxx_wr wr[ACXXX_SEQ_MAX_WR];
	unsigned int nr_wr;
};

/**
 * struct acxxx_seq - state of a start or stop sequence
 * @stop: a stop (detach) sequence, else a start sequence
 * @state: internal state
 * @talk: (stop) the firmware is running and may be sent requests
 * @next_lun: (stop) next LUN index to consider for a flush, so the flush
 *	last asked for is of @next_lun - 1; (start) 1 once page 0 was asked
 * @hi: (stop) the global high address, for the 341's detach write
 * @caps: the dialect's capabilities
 * @lun_map: (stop) the volumes to flush
 * @id: (start) where page 0 goes
 * @events_on: firmware events are on, as far as the sequence knows
 * @evsw_err: outcome of the last event switch request (0: none or ok)
 * @flush_failed: (stop) flushes that failed: bit i is LUN index i
 * @last_err: outcome of the last request (the glue logs it)
 */
struct acxxx_seq {
	bool stop;
	u8 state;
	bool talk;
	u8 next_lun;
	u32 hi;
	const struct acxxx_caps *caps;
	u16 lun_map[ACXXX_MAX_LUNS];
	struct acxxx_ident *id;
	bool events_on;
	int evsw_err;
	u64 flush_failed;
	int last_err;
};

void acxxx_start_begin(struct acxxx_seq *s, const struct acxxx_ctl *c,
		       struct acxxx_ident *id);
void acxxx_stop_begin(struct acxxx_seq *s, const struct acxxx_ctl *c,
		      const u16 *lun_map, bool events_on, bool talk,
		      bool present);
int acxxx_seq_step(struct acxxx_seq *s, const struct acxxx_ctl *c, int err,
		   const struct acxxx_cpl *cpl, struct acxxx_seq_io *io);
int acxxx_seq_encode(struct acxxx_ctl *c, const struct acxxx_seq_io *io);
int acxxx_page0_result(const struct acxxx_ctl *c, int err,
		       const struct acxxx_cpl *cpl, struct acxxx_ident *id);

/* ---------------------------------------------------------------------- */
/* Page 0, LUN map, events, management requests from user space            */

#define ACXXX_ID_LEN	(ACXXX_ID_STR_LEN + 1)

/**
 * struct acxxx_ident - what page 0 says about the controller
 * @product_id: product identifier, NUL-terminated, printable
 * @model: model name
 * @serial: serial number
 * @fw_version: firmware version
 * @vendor: vendor
 * @lun_map: LUN map; ACXXX_LUN_ABSENT marks an absent volume
 */
struct acxxx_ident {
	char product_id[ACXXX_ID_LEN];
	char model[ACXXX_ID_LEN];
	char serial[ACXXX_ID_LEN];
	char fw_version[ACXXX_ID_LEN];
	char vendor[ACXXX_ID_LEN];
	u16 lun_map[ACXXX_MAX_LUNS];
};

int acxxx_parse_page0(const void *buf, u32 len, struct acxxx_ident *id);

/**
 * struct acxxx_lun_diff - how a LUN map changed; bit i is LUN index i
 * @add: volumes to add (new, or changed: then also in @remove)
 * @remove: volumes to remove (gone, or changed)
 */
struct acxxx_lun_diff {
	u64 add;
	u64 remove;
};

unsigned int acxxx_lun_diff(const u16 *old_map, const u16 *new_map,
			    struct acxxx_lun_diff *diff);

/**
 * enum acxxx_event_type - firmware event classes (7.5, 16.18)
 * @ACXXX_EV_UNKNOWN: an event code the driver does not know
 * @ACXXX_EV_LUN_CHANGE: the LUN configuration changed: re-read page 0
 * @ACXXX_EV_SWITCH_ACK: acknowledgment of an event switch request
 * @ACXXX_EV_RAID_ERROR: RAID error (declared by the firmware header)
 */
enum acxxx_event_type {
	ACXXX_EV_UNKNOWN = 0,
	ACXXX_EV_LUN_CHANGE,
	ACXXX_EV_SWITCH_ACK,
	ACXXX_EV_RAID_ERROR,
};

enum acxxx_event_type acxxx_event_type(u8 code);

/**
 * struct acxxx_mgmt_xfer - data phase of a management request
 * @dir: ACXXX_CTL_DIR_NONE, _WRITE or _READ
 * @len: bytes to move, at most ACXXX_MGMT_BUF_SIZE
 * @known: the opcode is one of the table of 7.1 (an unknown one moves no
 *	data, and a host lets only privileged callers send it)
 */
struct acxxx_mgmt_xfer {
	u8 dir;
	u32 len;
	bool known;
};

int acxxx_mgmt_check(const u8 *cdb, u32 cdb_len, u32 user_len,
		     struct acxxx_mgmt_xfer *xfer);

/* ---------------------------------------------------------------------- */
/* Null responder: the bring-up stage without hardware                    */

#define ACXXX_NULL_BLOCKS	(2048ULL * 1024)	/* 1 GiB of 512 B */
#define ACXXX_NULL_BLOCK_SIZE	512

int acxxx_null_exec(u8 lun, const u8 *cdb, u8 cdb_len, u32 data_len,
		    u8 *buf, u32 buf_len, struct acxxx_cpl *cpl,
		    u8 *sense, u32 sense_size);

#endif /* ACXXX_CORE_H */
