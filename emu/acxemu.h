/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxemu: user-space device model of the Accusys RAID HBA (DAS mode).
 *
 * The model is the *device side* of the hardware specification,
 * hw-interface.md in the project's shared documents (../shared/docs/ beside
 * the repository, not in this tree): a register file
 * with every side effect of sections 2, 4, 15 and 16, the request intake
 * and validation of section 5, the completion path of section 6, the
 * management interface and events of section 7, and RAID volumes with a
 * write-back cache (16.20).  It shares only acxxx_proto.h of the core (and the
 * kernel type names of acxxx_types.h, defined outside the kernel by
 * userspace/acxxx_user.h) with the rest of the project.
 *
 * Three seams connect it to a host:
 *
 *  - registers: acxemu_reg_read() / acxemu_reg_write(), called from any
 *    thread (a vCPU or transport thread).  They take one short internal
 *    lock, never perform guest memory access, never wait for a worker
 *    and never touch a backing file.
 *  - DMA: every guest memory access goes through struct acxemu_dma_ops.
 *    Each call returns 0 or a negative errno when any byte of the range
 *    is not mapped; the model tolerates failures at any time.
 *  - interrupt: the model calls irq_cb(irq_ctx, level) whenever its
 *    interrupt condition (16.8) changes, and acxemu_irq_level() returns
 *    it at any time.
 *
 * Everything else (volumes, faults, notifications, statistics) is the
 * control API below; all of it is thread-safe while the model runs.
 */
#ifndef ACXEMU_H
#define ACXEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "acxxx_types.h"

struct acxemu;

/**
 * struct acxemu_dma_ops - guest memory access
 * @read: copy @len bytes at bus address @addr into @buf
 * @write: copy @len bytes from @buf to bus address @addr
 *
 * Both return 0, or a negative errno when any part of the range is not
 * mapped.  They are called from worker threads (or from the thread that
 * calls acxemu_process() in synchronous mode), never from the register
 * seam, and never with a model lock held.
 */
struct acxemu_dma_ops {
	int (*read)(void *ctx, u64 addr, void *buf, size_t len);
	int (*write)(void *ctx, u64 addr, const void *buf, size_t len);
};

/*
 * Interrupt callback.  Called with the new level each time the condition
 * changes, from whichever thread changed it (register seam, worker or
 * control API), with no model state lock held but with the model's
 * interrupt-ordering lock held: calls are serialised and arrive in order.
 * The callback may call acxemu_irq_level(); it must not call any other
 * acxemu function.
 */
typedef void (*acxemu_irq_fn)(void *ctx, bool level);

/*
 * What the transport actually signalled to the host (a vfio-user server:
 * INTx assertions, MSI messages), since it started: for the statistics.
 */
typedef void (*acxemu_irq_count_fn)(void *ctx, u64 *intx, u64 *msi);

/**
 * enum acxemu_lat_class - what a latency applies to (struct acxemu_timing)
 * @ACXEMU_LAT_MGMT: management requests (page reads and the other opcodes)
 * @ACXEMU_LAT_EVENT: a LUN-change event, from the change to its delivery
 * @ACXEMU_LAT_READ: SCSI READ (6/10/12/16)
 * @ACXEMU_LAT_WRITE: SCSI WRITE (6/10/12/16)
 * @ACXEMU_LAT_FLUSH: SYNCHRONIZE CACHE (10/16)
 * @ACXEMU_LAT_OTHER: every other request (other SCSI commands, event
 *	switch, task management)
 * @ACXEMU_LAT_CLASSES: number of classes
 */
enum acxemu_lat_class {
	ACXEMU_LAT_MGMT,
	ACXEMU_LAT_EVENT,
	ACXEMU_LAT_READ,
	ACXEMU_LAT_WRITE,
	ACXEMU_LAT_FLUSH,
	ACXEMU_LAT_OTHER,
	ACXEMU_LAT_CLASSES
};

/**
 * struct acxemu_latency - one class's latency distribution
 * @base_us: always added, in microseconds
 * @rand_us: plus a uniformly distributed part in [0, @rand_us]
 */
struct acxemu_latency {
	unsigned int base_us;
	unsigned int rand_us;
};

/**
 * struct acxemu_timing - how long the firmware takes (threaded mode only)
 * @lat: per-class latency from the moment a worker took a request (or an
 *	event arose) to its completion being posted; added to the
 *	configuration's @latency_us and @jitter_us and to delay faults.  A
 *	completion waits on a timed list; no worker sleeps through it
 * @ready_ms: the handshake's ready delay (as acxemu_config.ready_delay_ms)
 */
struct acxemu_timing {
	struct acxemu_latency lat[ACXEMU_LAT_CLASSES];
	unsigned int ready_ms;
};

#define ACXEMU_TIMING_MAX_US	60000000u	/* per part: one minute */
#define ACXEMU_TIMING_MAX_READY_MS 600000u

/**
 * struct acxemu_volume_config - one RAID volume
 * @lun: LUN index 0..63
 * @path: backing file (created or extended to @size, sparse), or NULL for
 *	a memory-backed volume
 * @size: size in bytes, a multiple of 512; 0 = the file's current size
 * @serial: VPD 0x80 serial number; NULL = derived from the controller
 *	serial and @lun
 * @naa: VPD 0x83 NAA identifier as 16 or 32 hex digits whose first digit
 *	is 3, 5 or 6; NULL = derived (NAA 3, locally assigned)
 */
struct acxemu_volume_config {
	unsigned int lun;
	const char *path;
	u64 size;
	const char *serial;
	const char *naa;
};

/**
 * struct acxemu_config - model creation parameters
 * @device_id: PCI device ID; selects the register dialect (6101/6201:
 *	IOP341; 6232/6233/6235/6300: 2208; 6240/6262: 3108)
 * @product_id: page 0 product ID (NULL: "ACS-<device id>")
 * @model: page 0 model name (NULL: family default)
 * @serial: controller serial number (NULL: "ACX0000000000001")
 * @fw_version: page 0 firmware version (NULL: "1.0.0-acxemu")
 * @vendor: page 0 vendor string (NULL: "Accusys")
 * @workers: number of worker threads; 0 = synchronous mode, in which
 *	nothing happens until the caller calls acxemu_process()
 * @latency_us: base latency added to every request (threaded mode)
 * @jitter_us: random extra latency, uniform in [0, @jitter_us]
 * @intake_depth: posted requests not yet taken by a worker (default 512)
 * @ready_delay_ms: time between the high-address registration and the
 *	firmware reporting ready (ignored when @timing is given: its
 *	@ready_ms counts)
 * @timing: per-class latency (NULL: none, "fast")
 * @tmf_unsupported: answer task management with reply status 0x01
 * @cache_max_dirty: write-back cache limit per volume in bytes (default
 *	16 MiB); beyond it the oldest dirty data is written back
 * @seed: seed of the latency jitter generator
 * @dma: guest memory access (required)
 * @dma_ctx: first argument of the @dma callbacks
 * @irq_cb: interrupt callback (may be NULL; then poll acxemu_irq_level())
 * @irq_ctx: first argument of @irq_cb
 * @irq_count: interrupts the transport signalled (may be NULL: then the
 *	statistics report 0 for them); called with @irq_ctx
 * @volumes: volumes present at creation
 * @nvolumes: number of entries in @volumes
 */
struct acxemu_config {
	u16 device_id;
	const char *product_id;
	const char *model;
	const char *serial;
	const char *fw_version;
	const char *vendor;
	unsigned int workers;
	unsigned int latency_us;
	unsigned int jitter_us;
	unsigned int intake_depth;
	unsigned int ready_delay_ms;
	const struct acxemu_timing *timing;
	bool tmf_unsupported;
	u64 cache_max_dirty;
	u32 seed;
	const struct acxemu_dma_ops *dma;
	void *dma_ctx;
	acxemu_irq_fn irq_cb;
	void *irq_ctx;
	acxemu_irq_count_fn irq_count;
	const struct acxemu_volume_config *volumes;
	unsigned int nvolumes;
};

enum acxemu_family {
	ACXEMU_FAMILY_341,
	ACXEMU_FAMILY_2208,
	ACXEMU_FAMILY_3108,
};

/* Family of a PCI device ID; returns -1 for an ID the model does not know. */
int acxemu_family_of(u16 device_id);
const char *acxemu_family_name(enum acxemu_family family);

/*
 * Create a model.  Returns NULL and sets *err (if not NULL) to a negative
 * errno and, if @errbuf is not NULL, a message, on bad configuration or a
 * volume that cannot be opened.
 */
struct acxemu *acxemu_create(const struct acxemu_config *cfg, int *err,
			     char *errbuf, size_t errlen);
/* Clean stop: stops the workers and flushes every volume's cache. */
void acxemu_destroy(struct acxemu *emu);

enum acxemu_family acxemu_family(struct acxemu *emu);
u16 acxemu_device_id(struct acxemu *emu);

/* ---- register seam ---------------------------------------------------- */

u32 acxemu_reg_read(struct acxemu *emu, u32 offset, unsigned int size);
void acxemu_reg_write(struct acxemu *emu, u32 offset, u32 value,
		      unsigned int size);

/* ---- interrupt seam --------------------------------------------------- */

bool acxemu_irq_level(struct acxemu *emu);

/* ---- synchronous mode ------------------------------------------------- */

/*
 * Synchronous mode (workers == 0): serve everything that can be served now
 * (intake, completions waiting for a reply frame, events) in the calling
 * thread, ignoring latency and delay faults.  Returns the number of work
 * items handled.  In threaded mode it returns 0 and does nothing.
 */
unsigned int acxemu_process(struct acxemu *emu);

/*
 * Wait until no request is being worked on and the intake queue is empty
 * or not served (paused, hung, dead), at most @timeout_ms.  Returns 0 or
 * -ETIMEDOUT.  For tests and the control socket; never call it from the
 * register seam.
 */
int acxemu_wait_idle(struct acxemu *emu, unsigned int timeout_ms);

/* ---- volumes ---------------------------------------------------------- */

/*
 * Add a volume at cfg->lun: updates the page-0 LUN map and, while the event
 * switch is on, pushes a LUN-change event (0x14).  -EEXIST if the index is
 * taken, -EINVAL for a bad configuration, other negative errno for a file
 * that cannot be opened.
 */
int acxemu_volume_add(struct acxemu *emu, const struct acxemu_volume_config *cfg,
		      char *errbuf, size_t errlen);
/*
 * Remove the volume at @lun.  Requests already being served finish; the
 * cache is flushed to the backing medium when the last of them is done.
 * Later requests for that index get reply status 0x22.  Pushes a LUN-change
 * event while the event switch is on.
 */
int acxemu_volume_remove(struct acxemu *emu, unsigned int lun);

/**
 * struct acxemu_volume_info - what acxemu_volume_info() reports
 * @lun: LUN index
 * @size: size in bytes
 * @mem: memory-backed
 * @path: backing file (empty for memory)
 * @serial: VPD 0x80 serial
 * @naa: NAA identifier, hex
 * @dirty_bytes: data in the write-back cache not yet on the medium
 */
struct acxemu_volume_info {
	unsigned int lun;
	u64 size;
	bool mem;
	char path[256];
	char serial[33];
	char naa[33];
	u64 dirty_bytes;
};

int acxemu_volume_info(struct acxemu *emu, unsigned int lun,
		       struct acxemu_volume_info *info);
/* Bitmap of present LUN indices. */
u64 acxemu_volume_map(struct acxemu *emu);
/* Write every volume's cache back to its medium.  Returns 0 or -EIO. */
int acxemu_flush_all(struct acxemu *emu);
/*
 * Read the backing medium of a volume directly (not through the cache):
 * what a power loss would leave.  For tests and tools.
 */
int acxemu_volume_read_medium(struct acxemu *emu, unsigned int lun,
			      u64 offset, void *buf, size_t len);

/* ---- faults (section 3 of the brief, see emu/README.md) --------------- */

enum acxemu_fault_action {
	ACXEMU_FAULT_FAIL_STATUS,	/* address reply with @status */
	ACXEMU_FAULT_FAIL_SENSE,	/* CHECK CONDITION key/asc/ascq */
	ACXEMU_FAULT_DELAY,		/* answer @delay_ms later */
	ACXEMU_FAULT_DROP,		/* never answer */
};

/* Function match values for struct acxemu_fault.fn. */
#define ACXEMU_FN_ANY		(-1)

/**
 * struct acxemu_fault - one fault rule
 * @action: what happens to a matching request
 * @fn: function code to match (ACXXX_FN_*), or ACXEMU_FN_ANY
 * @opcode: CDB byte 0 (SCSI) or management opcode, -1 = any
 * @lun: LUN index, -1 = any
 * @lba_first: first LBA of the range (SCSI block commands only)
 * @lba_last: last LBA; the range matches when it overlaps the command's
 * @lba_match: the LBA range is part of the match
 * @every_nth: fire on every n-th matching request (0 or 1 = every one)
 * @count: fire at most this many times (0 = unlimited)
 * @status: reply status for ACXEMU_FAULT_FAIL_STATUS
 * @sense_key: sense key for ACXEMU_FAULT_FAIL_SENSE
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 * @delay_ms: delay for ACXEMU_FAULT_DELAY
 */
struct acxemu_fault {
	enum acxemu_fault_action action;
	int fn;
	int opcode;
	int lun;
	u64 lba_first;
	u64 lba_last;
	bool lba_match;
	unsigned int every_nth;
	unsigned int count;
	u8 status;
	u8 sense_key;
	u8 asc;
	u8 ascq;
	unsigned int delay_ms;
};

/**
 * struct acxemu_fault_info - a fault rule as listed
 * @id: identifier returned by acxemu_fault_add()
 * @rule: the rule
 * @seen: matching requests seen
 * @fired: times it fired
 */
struct acxemu_fault_info {
	unsigned int id;
	struct acxemu_fault rule;
	u64 seen;
	u64 fired;
};

/* Returns the new rule's id (> 0) or a negative errno. */
int acxemu_fault_add(struct acxemu *emu, const struct acxemu_fault *rule);
int acxemu_fault_del(struct acxemu *emu, unsigned int id);
void acxemu_fault_clear(struct acxemu *emu);
/* Copies up to @max rules into @out; returns the number of rules. */
unsigned int acxemu_fault_list(struct acxemu *emu, struct acxemu_fault_info *out,
			       unsigned int max);

/* Medium errors on [first, last] of a volume, for reads and/or writes. */
int acxemu_medium_error_add(struct acxemu *emu, unsigned int lun, u64 first,
			    u64 last, bool on_read, bool on_write);
int acxemu_medium_error_clear(struct acxemu *emu, unsigned int lun);

/*
 * Doorbell notifications (2208/3108 only; -EOPNOTSUPP on the 341 family):
 * ACXXX_ODB_RESTART_SOON, ACXXX_ODB_FLUSH (first drops every outstanding
 * request without touching host memory for them, then rings), ACXXX_ODB_PAUSE
 * (stop serving, then ring), ACXXX_ODB_RESUME (serve again, then ring).
 */
int acxemu_notify(struct acxemu *emu, u32 bit);

/*
 * An asynchronous firmware event (7.5) whose data block starts with the
 * @len bytes of @data (byte 0 is the event code), the rest zero.  -EINVAL
 * for no data or more than ACXXX_EVENT_DATA_LEN bytes; -EAGAIN while the
 * host has events switched off or the firmware is not ready.
 */
int acxemu_event(struct acxemu *emu, const u8 *data, size_t len);

/*
 * Firmware hang: stop serving and answering (requests are accepted but
 * nothing completes, the handshake is ignored), SCRATCH1 reads 0.  With
 * @recoverable, a re-init handshake brings the firmware back after the
 * ready delay; otherwise it stays dead until destroyed.
 */
void acxemu_hang(struct acxemu *emu, bool recoverable);

/*
 * Power loss: every volume's unflushed cache is discarded, outstanding work
 * is abandoned without touching host memory, then the device is dead:
 * registers read 0xFFFFFFFF, writes are ignored, no DMA, no interrupt.
 */
void acxemu_power_loss(struct acxemu *emu);
bool acxemu_is_dead(struct acxemu *emu);

/*
 * PCI function reset (the secondary bus reset of AER recovery, a hot
 * reset): the firmware restarts.  Every outstanding request and event is
 * dropped without touching host memory, the registers go back to their
 * power-on values and the handshake starts from the beginning.  The
 * volumes and their write-back cache stay: a reset is not a power loss.
 * A dead device stays dead; a firmware hung for good stays hung.
 */
void acxemu_reset(struct acxemu *emu);

/*
 * The hostile firmware: besides serving normally, hand the host @rate
 * pieces of garbage per second (random descriptors, unknown and stale
 * message identifiers, replies outside the reply frames or full of random
 * bytes, oversized sense lengths, random events, doorbells with random
 * bits, registers reading all-ones).  @rate 0 turns it off.
 */
int acxemu_hostile(struct acxemu *emu, unsigned int rate, u32 seed);

/*
 * Make the @reads register reads that follow the next interface reset
 * (IN_DOORBELL reset, or any start of a handshake) return all-ones, as
 * reads that fail would: a device that is there but whose first status
 * reads after a reset come back empty-handed.  One shot; 0 disarms.
 *
 * Return: 0, or -EINVAL for more than 1000 reads.
 */
int acxemu_ones_after_reset(struct acxemu *emu, unsigned int reads);

/*
 * Hold readiness: while held, a handshake never completes (the firmware
 * stays "booting").  Lets tests build late-readiness timelines without
 * depending on time.  Releasing lets the pending handshake complete
 * (after the ready delay, counted from the registration).
 */
void acxemu_ready_hold(struct acxemu *emu, bool hold);

/*
 * Let @pass more handshakes reach ready, then hold the next one as
 * acxemu_ready_hold() does; a handshake held now is released and counts
 * among them (so 1 lets a held handshake complete and holds the next:
 * a test that needs bring-up's second handshake held does not race the
 * first).  acxemu_ready_hold() disarms it.
 */
void acxemu_ready_hold_after(struct acxemu *emu, unsigned int pass);

/*
 * Replace the model's timing (struct acxemu_timing): requests answered from
 * now on, events arising from now on and the next handshake use it.
 */
void acxemu_set_timing(struct acxemu *emu, const struct acxemu_timing *t);
void acxemu_get_timing(struct acxemu *emu, struct acxemu_timing *t);

/**
 * struct acxemu_hs_view - the handshake as the host could see it now
 * @state: 0 reset (waiting for the high address), 1 registered (ready
 *	pending), 2 ready
 * @hold: readiness is held
 * @doorbell: OUT_DOORBELL (2208/3108), notifications not yet cleared
 * @int_status: OUT_INT_STATUS as read now
 * @int_mask: OUT_INT_MASK
 * @replies: reply descriptors queued, not yet read from REPLY_PORT
 * @registrations: high addresses the firmware took since it started (each
 *	starts a handshake; on the 341 a detach's HOST_MSG0 write is one too)
 */
struct acxemu_hs_view {
	int state;
	bool hold;
	u32 doorbell;
	u32 int_status;
	u32 int_mask;
	unsigned int replies;
	unsigned long long registrations;
};

void acxemu_hs_view(struct acxemu *emu, struct acxemu_hs_view *v);

/*
 * Queue the last reply descriptor the firmware queued once more, whatever
 * the handshake's state, and update the interrupt line: a firmware that
 * answers a request late, after the host gave up on it and started a
 * re-init (emu/README.md, "reply repeat").  -ENOENT if nothing was ever
 * queued, -ENOSPC if the reply queue is full, -ENODEV if dead.
 */
int acxemu_reply_repeat(struct acxemu *emu, u32 *desc);

/*
 * A glitch on the interrupt line: it rises and falls at once, whatever the
 * mask and the firmware's state, as noise on a shared line would.  Over
 * INTx the front-end's client sees one interrupt with nothing behind it;
 * over MSI, one message.  A line the device holds up already is left
 * alone.
 */
void acxemu_irq_glitch(struct acxemu *emu);

/* ---- statistics ------------------------------------------------------- */

/* Reasons a request or register access was rejected by validation. */
enum acxemu_reject {
	ACXEMU_REJ_POST_NOT_READY,	/* post before the handshake completed */
	ACXEMU_REJ_INTAKE_FULL,		/* post into a full intake queue */
	ACXEMU_REJ_FRAME_UNREADABLE,	/* request frame DMA failed: dropped */
	ACXEMU_REJ_BAD_MSG_ID,		/* message id 0, low bits, > 511, dup */
	ACXEMU_REJ_BAD_FUNCTION,	/* unknown/unsupported function */
	ACXEMU_REJ_BAD_FIELD,		/* header/control/CDB length fields */
	ACXEMU_REJ_BAD_BDL,		/* element list malformed */
	ACXEMU_REJ_DMA_DATA,		/* data element address not mapped */
	ACXEMU_REJ_NO_LUN,		/* LUN index not present */
	ACXEMU_REJ_MGMT_BUSY,		/* second management request */
	ACXEMU_REJ_MGMT_ILLEGAL,	/* unknown management opcode */
	ACXEMU_REJ_FREE_FIFO_FULL,	/* 2208: REPLY_PORT write, FIFO full */
	ACXEMU_REJ_FREE_FRAME_BAD,	/* free frame odd address or dup */
	ACXEMU_REJ_FREE_LIST_FULL,	/* more free frames than the model keeps */
	ACXEMU_REJ_REPLY_FRAME_DMA,	/* reply frame write failed: frame lost */
	ACXEMU_REJ_SENSE_DMA,		/* sense block write failed */
	ACXEMU_REJ_BAD_ACCESS,		/* wrong size/alignment on a register */
	ACXEMU_REJ_BAD_DOORBELL,	/* unknown IN_DOORBELL value */
	ACXEMU_REJ_MAX
};

const char *acxemu_reject_name(enum acxemu_reject r);

/*
 * Register access counters: one per 32-bit word of the first 256 bytes of
 * the register BAR (slot = offset / 4, whatever the access size), and one
 * for every access beyond (ACXEMU_REG_SLOT_OTHER).
 */
#define ACXEMU_REG_SLOTS	65
#define ACXEMU_REG_SLOT_OTHER	64

/* The register of a slot ("REPLY_PORT"), or NULL for an unnamed one. */
const char *acxemu_reg_slot_name(unsigned int slot);

/*
 * Replies per interrupt: the histogram buckets of acxemu_stats.irq_batch
 * (0, 1, 2, 3, 4-7, 8-15, 16-31, 32-63, 64 and more).
 */
#define ACXEMU_BATCH_BUCKETS	9

/* The bucket's label ("4-7", "64+"). */
const char *acxemu_batch_bucket_name(unsigned int bucket);
unsigned int acxemu_batch_bucket(u64 replies);

/**
 * struct acxemu_stats - counters since creation or the last
 *	acxemu_stats_reset()
 * @scsi_ops: SCSI I/O requests by CDB opcode
 * @functions: requests by function code (0..15)
 * @bytes_read: data bytes sent to the host (READ and data-in commands)
 * @bytes_written: data bytes received from the host
 * @rejects: rejections by reason
 * @faults_fired: fault rules fired
 * @medium_errors: medium errors reported
 * @replies_fast: fast replies posted
 * @replies_addr: address replies posted (including events)
 * @events: asynchronous events posted (LUN change)
 * @irqs_raised: interrupt condition rising edges
 * @posts: requests posted (REQUEST_PORT writes accepted)
 * @reg_unknown: accesses to unknown register offsets
 * @reinits: handshake re-inits
 * @resets: PCI function resets
 * @irq_glitches: interrupt line glitches injected
 * @tmf_terminated: requests terminated by task management
 * @cancelled: requests dropped by re-init, flush or power loss
 * @cache_writebacks: cache write-backs forced by cache pressure
 * @hostile: garbage the hostile firmware handed the host
 * @reg_reads: register reads by slot (ACXEMU_REG_SLOTS), every access the
 *	host made, accepted or not
 * @reg_writes: register writes by slot
 * @reply_pops: REPLY_PORT reads that returned a reply descriptor
 * @reply_empty: REPLY_PORT reads that found the reply queue empty
 * @irq_batch: replies per interrupt, a histogram: at each rising edge of
 *	the interrupt condition, the reply descriptors the host popped since
 *	the previous rising edge go into their bucket (the replies delivered
 *	per interrupt); the batch still open is not in it
 * @intx: INTx assertions the transport signalled (0 without one)
 * @msi: MSI messages the transport signalled (0 without one)
 * @dma_read_bytes: bytes the model read from host memory (frames, element
 *	lists, data out, management buffers), successful transfers only
 * @dma_write_bytes: bytes the model wrote to host memory (data in, sense,
 *	reply frames, management buffers)
 * @mgmt_ops: management requests by CDB opcode (byte 0), whatever the
 *	answer
 * @fw_update_bytes: image bytes the firmware update opcodes 0x93..0x96
 *	accepted
 * @scratch1: last value the host wrote to SCRATCH1
 * @scratch2: last value the host wrote to SCRATCH2
 * @outstanding: requests the firmware owns now
 * @free_frames: free reply frames the firmware holds now
 * @waiting: completions waiting for a free reply frame now
 */
struct acxemu_stats {
	u64 scsi_ops[256];
	u64 functions[16];
	u64 bytes_read;
	u64 bytes_written;
	u64 rejects[ACXEMU_REJ_MAX];
	u64 faults_fired;
	u64 medium_errors;
	u64 replies_fast;
	u64 replies_addr;
	u64 events;
	u64 irqs_raised;
	u64 posts;
	u64 reg_unknown;
	u64 reinits;
	u64 resets;
	u64 irq_glitches;
	u64 tmf_terminated;
	u64 cancelled;
	u64 cache_writebacks;
	u64 hostile;
	u64 reg_reads[ACXEMU_REG_SLOTS];
	u64 reg_writes[ACXEMU_REG_SLOTS];
	u64 reply_pops;
	u64 reply_empty;
	u64 irq_batch[ACXEMU_BATCH_BUCKETS];
	u64 intx;
	u64 msi;
	u64 dma_read_bytes;
	u64 dma_write_bytes;
	u64 mgmt_ops[256];
	u64 fw_update_bytes;
	u32 scratch1;
	u32 scratch2;
	u32 outstanding;
	u32 free_frames;
	u32 waiting;
};

void acxemu_get_stats(struct acxemu *emu, struct acxemu_stats *st);
/*
 * Zero every counter of struct acxemu_stats (not the current values:
 * scratch1/2, outstanding, free_frames, waiting).  Behaviour is unchanged.
 */
void acxemu_stats_reset(struct acxemu *emu);

/* ---- text control protocol (emu/README.md) ---------------------------- */

/*
 * Execute one control command line.  Writes one response line (without a
 * newline) starting with "ok" or "err <reason>" to @out.  Returns 1 when
 * the command was "quit", 0 otherwise.
 */
int acxemu_ctl_exec(struct acxemu *emu, const char *line, char *out,
		    size_t outlen);

/* Parse "64M", "1G", "4096", "512k" (binary units).  0 or -EINVAL. */
int acxemu_parse_size(const char *s, u64 *out);
/*
 * Parse a volume description "lun=N,file=PATH,size=64M[,serial=S][,naa=H]"
 * or "lun=N,mem,size=64M,...".  String fields point into @buf, a copy of
 * @spec the caller provides (at least strlen(spec) + 1 bytes).
 */
int acxemu_parse_volume(const char *spec, char *buf, size_t buflen,
			struct acxemu_volume_config *cfg, char *errbuf,
			size_t errlen);

/*
 * Timing specification: comma- or blank-separated words applied in order
 * to @t.  A profile name ("fast": no latency at all, today's model;
 * "realistic": a RAID controller with HDD-backed volumes, emu/README.md)
 * replaces everything; CLASS=BASE[+RAND] sets one class (mgmt, event,
 * read, write, flush, other), each number in microseconds unless it ends
 * in "us", "ms" or "s"; ready=N sets the ready delay, in milliseconds
 * unless a unit says otherwise.  0, or -EINVAL with a reason in @errbuf
 * (then @t is unchanged).
 */
int acxemu_timing_parse(const char *spec, struct acxemu_timing *t,
			char *errbuf, size_t errlen);
/* @t as "mgmt=B+R event=B+R ... ready=N" (microseconds; ready in ms). */
void acxemu_timing_format(const struct acxemu_timing *t, char *out,
			  size_t outlen);
/* The name of a latency class ("mgmt", ...), or NULL. */
const char *acxemu_lat_class_name(unsigned int c);

#endif /* ACXEMU_H */
