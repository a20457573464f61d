/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxemu internals: shared between the model's source files only.
 *
 * Locking:
 *  - emu->lock protects the register file, the queues, the request lists,
 *    the LUN table, fault rules and the free-frame list.  It is held only
 *    for short bookkeeping: never across a DMA call, a backing-file access
 *    or a sleep.  The register seam takes nothing else (except irq_lock).
 *  - vol->lock protects a volume's cache and backing medium.
 *  - emu->irq_lock serialises interrupt callbacks (taken without emu->lock).
 *
 * Request ownership: a request lives on emu->all from its post until it is
 * finished.  At any time it is on exactly one of: the intake queue, the
 * waiting queue (a completion waiting for a reply frame or for the
 * firmware to answer again), the dropped list, or held by one worker
 * (where == RQ_ACTIVE).  Cancelling a queued request frees it at once;
 * cancelling an active one marks it and its worker finishes it.  A worker
 * performs DMA for a request only between req_dma_begin() (which fails on
 * a cancelled request) and req_dma_end(); the number of DMA operations
 * still running for cancelled requests is emu->dma_cancel_pending, and a
 * re-init does not report ready, a flush does not ring, a task management
 * request does not answer and a power loss does not return until it is 0.
 */
#ifndef ACXEMU_PRIV_H
#define ACXEMU_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "acxxx_proto.h"
#include "acxemu.h"

#define EMU_BLOCK		512u
#define EMU_BLOCK_SHIFT		9
#define EMU_MAX_XFER_BLOCKS	1024u	/* 512 KiB, VPD 0xB0 */
#define EMU_MAX_XFER		(EMU_MAX_XFER_BLOCKS * EMU_BLOCK)
#define EMU_REPLY_Q_CAP		8192u
#define EMU_FREE_LIST_CAP	1024u
#define EMU_MAX_FAULTS		64u
#define EMU_MAX_MEDIUM		32u
#define EMU_LIST_MAX_ELEMS	ACXXX_MAX_LIST_ELEMS

struct list_node {
	struct list_node *prev, *next;
};

static inline void list_init(struct list_node *h)
{
	h->prev = h;
	h->next = h;
}

static inline bool list_empty(const struct list_node *h)
{
	return h->next == h;
}

static inline void list_add_tail(struct list_node *n, struct list_node *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_add_head(struct list_node *n, struct list_node *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n;
	n->next = n;
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- volumes ---------------------------------------------------------- */

#define CLINE_BLOCKS		64u
#define CLINE_BYTES		(CLINE_BLOCKS * EMU_BLOCK)
#define CACHE_BUCKETS		1024u

struct cline {
	u64 idx;			/* line number = lba / CLINE_BLOCKS */
	u64 dirty;			/* bit b = block idx*64+b is dirty */
	struct cline *hnext;
	struct list_node dnode;		/* emu_vol.dirty_fifo */
	u8 data[CLINE_BYTES];
};

struct medium_err {
	u64 first, last;
	bool on_read, on_write;
};

struct emu_vol {
	unsigned int lun;
	u64 size;
	u64 nblocks;
	int fd;				/* -1: memory-backed */
	u8 *mem;
	char path[256];
	char serial[33];
	u8 naa[16];
	unsigned int naa_len;		/* 8 or 16 */

	pthread_mutex_t lock;
	struct cline *buckets[CACHE_BUCKETS];
	struct list_node dirty_fifo;
	u64 dirty_lines;
	u64 max_dirty_lines;
	struct medium_err medium[EMU_MAX_MEDIUM];
	unsigned int nmedium;
	bool stopped;			/* START STOP UNIT with START = 0 */

	/* under emu->lock */
	unsigned int refs;
	bool removed;
};

int vol_open(struct emu_vol **out, const struct acxemu_volume_config *cfg,
	     const char *ctrl_serial, u64 max_dirty, char *errbuf,
	     size_t errlen);
void vol_close(struct emu_vol *vol, bool flush);
/* Read/write whole blocks through the cache.  0 or -EIO. */
int vol_read(struct emu_vol *vol, u64 lba, u32 nblocks, u8 *buf);
int vol_write(struct emu_vol *vol, u64 lba, u32 nblocks,
	      const u8 *buf, bool fua, u64 *writebacks);
int vol_flush(struct emu_vol *vol, u64 lba, u64 nblocks);
void vol_discard_cache(struct emu_vol *vol);
u64 vol_dirty_bytes(struct emu_vol *vol);
int vol_read_medium(struct emu_vol *vol, u64 off, void *buf, size_t len);
/* First LBA in [lba, lba+n) with an injected medium error, or -1. */
s64 vol_medium_error(struct emu_vol *vol, u64 lba, u64 n, bool write);
void naa_to_hex(const struct emu_vol *vol, char *out, size_t len);

/* ---- requests --------------------------------------------------------- */

enum rq_where {
	RQ_INTAKE,
	RQ_ACTIVE,
	RQ_WAITING,
	RQ_DROPPED,
	RQ_TIMED,		/* answered, its completion due at due_ns */
};

struct emu_sge {
	u64 addr;
	u32 len;
};

struct emu_req {
	struct list_node all;		/* emu->all (host requests only) */
	struct list_node q;		/* intake / waiting / dropped / timed */
	u64 due_ns;			/* RQ_TIMED: when its completion is due */
	enum rq_where where;
	u64 epoch;
	u64 seq;			/* post order */
	u32 hi;				/* registered high address at post */
	u64 frame_addr;
	bool is_event;
	bool parsed;
	bool cancelled;
	bool dma_active;
	bool cancel_counted;
	bool holds_slot;
	bool holds_mgmt;
	bool tmf_target;		/* being terminated by a TMF */

	/* header, once parsed */
	u8 function;
	u8 fn_byte;
	u32 msg_id;
	int lun;			/* SCSI I/O: LUN index, else -1 */
	u8 opcode;			/* CDB byte 0 / management opcode */

	/* completion */
	bool fast;
	bool has_sense;
	u64 sense_addr;
	u32 sense_wlen;
	u8 reply[ACXXX_REPLY_FRAME_SIZE];
	u8 sense[ACXXX_SENSE_BLOCK_SIZE];

	u8 frame[ACXXX_REQ_MSG_SIZE];
	struct emu_sge sg[EMU_LIST_MAX_ELEMS];
	unsigned int nsg;
};

/* ---- faults ----------------------------------------------------------- */

struct emu_fault {
	bool used;
	unsigned int id;
	struct acxemu_fault rule;
	u64 seen;
	u64 fired;
};

/* ---- the model -------------------------------------------------------- */

enum hs_state {
	HS_RESET,		/* waiting for the high-address registration */
	HS_REGISTERED,		/* high address known, ready pending */
	HS_READY,		/* running */
};

struct emu_worker {
	struct acxemu *emu;
	pthread_t thread;
	unsigned int seed;
	u8 *bounce;			/* EMU_MAX_XFER bytes */
};

struct acxemu {
	enum acxemu_family family;
	u16 device_id;
	char product_id[ACXXX_ID_STR_LEN + 1];
	char model[ACXXX_ID_STR_LEN + 1];
	char serial[ACXXX_ID_STR_LEN + 1];
	char fw_version[ACXXX_ID_STR_LEN + 1];
	char vendor[ACXXX_ID_STR_LEN + 1];
	char inq_product[17];
	unsigned int latency_us, jitter_us;
	struct acxemu_timing timing;	/* per-class latency (emu->lock) */
	unsigned int timing_seed;	/* event latency's random part (lock) */
	unsigned int intake_depth;
	unsigned int ready_delay_ms;
	bool tmf_unsupported;
	u64 cache_max_dirty;
	struct acxemu_dma_ops dma;
	void *dma_ctx;
	acxemu_irq_fn irq_cb;
	void *irq_ctx;
	acxemu_irq_count_fn irq_count;
	u64 intx_base, msi_base;	/* irq_count() at the last reset (irq_lock) */

	pthread_mutex_t lock;
	pthread_cond_t cond;		/* any state change workers wait on */
	pthread_mutex_t irq_lock;
	bool irq_reported;

	/* register file and firmware state (emu->lock) */
	enum hs_state hs;
	bool ever_registered;
	u64 ready_at_ns;
	bool ready_hold;
	bool ready_hold_armed;		/* hold once ready_pass reaches 0 */
	unsigned int ready_pass;	/* handshakes still let through */
	u64 registrations;		/* high addresses taken, ever */
	u32 hiaddr;
	u32 host_msg0;
	u32 int_status;			/* 341: ACXXX_ISTS_READY */
	u32 int_mask;
	u32 odb;
	u32 scratch1_written;
	u32 scratch2;
	u16 fifo_pi, fifo_ci;
	u32 fifo[ACXXX_FREE_FIFO_DEPTH];
	u16 in_post_pi, in_post_ci;
	u64 epoch;
	u64 post_seq;
	bool paused;
	bool hung;
	bool hang_recoverable;
	bool dead;
	bool stopping;
	bool evsw_on;
	bool mgmt_busy;

	/* the hostile firmware (acxemu_hostile.c; emu->lock) */
	unsigned int hostile_rate;
	u64 hostile_rng;
	bool hostile_running;
	bool hostile_joinable;		/* hostile_thread to join (no lock) */
	pthread_t hostile_thread;

	/* failed register reads: the hostile firmware, "ones" (emu->lock) */
	unsigned int ones_left;		/* register reads left that give ~0 */
	unsigned int ones_after_reset;	/* ones_left at the next reset */

	u32 free_frames[EMU_FREE_LIST_CAP];
	unsigned int free_head, free_count;
	u32 rq[EMU_REPLY_Q_CAP];
	unsigned int rq_head, rq_count;
	u32 rq_last;			/* the last descriptor queued */
	bool rq_last_valid;

	struct list_node all;
	struct list_node intake;
	unsigned int intake_count;
	struct list_node waiting;
	unsigned int waiting_count;
	struct list_node dropped;
	/* deferred completions, by due time (the timing of acxemu_timing) */
	struct list_node timed;
	unsigned int timed_count;
	unsigned int outstanding;
	unsigned int active;		/* requests held by workers */
	unsigned int unparsed;		/* active, frame not parsed yet */
	unsigned int dma_cancel_pending;
	struct emu_req *slots[ACXXX_MAX_SLOTS];

	struct emu_vol *vols[ACXXX_MAX_LUNS];

	struct emu_fault faults[EMU_MAX_FAULTS];
	unsigned int next_fault_id;

	/* management interface state */
	u8 signature[ACXXX_PAGE_SIZE];
	u8 echo[ACXXX_MGMT_BUF_SIZE];
	u32 echo_len;

	/* statistics (atomics: updated outside the lock too) */
	atomic_ullong st_scsi_ops[256];
	atomic_ullong st_functions[16];
	atomic_ullong st_bytes_read, st_bytes_written;
	atomic_ullong st_rejects[ACXEMU_REJ_MAX];
	atomic_ullong st_faults_fired, st_medium_errors;
	atomic_ullong st_replies_fast, st_replies_addr, st_events;
	atomic_ullong st_irqs_raised, st_posts, st_reg_unknown;
	atomic_ullong st_reinits, st_resets, st_irq_glitches, st_tmf_terminated, st_cancelled;
	atomic_ullong st_cache_writebacks;
	atomic_ullong st_hostile;
	atomic_ullong st_reg_reads[ACXEMU_REG_SLOTS];
	atomic_ullong st_reg_writes[ACXEMU_REG_SLOTS];
	atomic_ullong st_reply_pops, st_reply_empty;
	atomic_ullong st_irq_batch[ACXEMU_BATCH_BUCKETS];
	atomic_ullong st_dma_read_bytes, st_dma_write_bytes;
	atomic_ullong st_mgmt_ops[256];
	atomic_ullong st_fw_update_bytes;
	u64 batch_pops;			/* pops since the last rising edge (lock) */
	bool batch_open;		/* a rising edge since the reset (lock) */

	unsigned int nworkers;
	struct emu_worker *workers;
	struct emu_worker sync_worker;
};

static inline void stat_inc(atomic_ullong *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static inline void stat_add(atomic_ullong *c, u64 v)
{
	atomic_fetch_add_explicit(c, v, memory_order_relaxed);
}

/* Guest memory access through the host's DMA seam, counted. */
static inline int emu_dma_read(struct acxemu *emu, u64 addr, void *buf,
			       size_t len)
{
	int rc = emu->dma.read(emu->dma_ctx, addr, buf, len);

	if (!rc)
		stat_add(&emu->st_dma_read_bytes, len);
	return rc;
}

static inline int emu_dma_write(struct acxemu *emu, u64 addr,
				const void *buf, size_t len)
{
	int rc = emu->dma.write(emu->dma_ctx, addr, buf, len);

	if (!rc)
		stat_add(&emu->st_dma_write_bytes, len);
	return rc;
}

static inline void reject(struct acxemu *emu, enum acxemu_reject r)
{
	stat_inc(&emu->st_rejects[r]);
}

static inline u16 get_le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static inline u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 |
	       (u32)p[3] << 24;
}

static inline void put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static inline u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 |
	       (u32)p[2] << 8 | p[3];
}

static inline u64 get_be64(const u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static inline void put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void put_be64(u8 *p, u64 v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (u32)v);
}

static inline u64 emu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/*
 * The layers (emu/README.md, "Layers"), top to bottom.  A file calls only
 * functions of its own layer's file or of the layers below it; the
 * declarations below are grouped by the file that defines them.
 * tests/unit/layers checks it on the objects.
 */

/* Layer 3, acxemu_hostile.c: the hostile firmware (the control API stops it). */
void hostile_stop(struct acxemu *emu);

/* Layer 4, acxemu_regs.c: register seam and handshake. */
void reinit_locked(struct acxemu *emu);
void update_ready_locked(struct acxemu *emu);
bool has_doorbells(struct acxemu *emu);
/* The value a 32-bit read of @reg would return, without side effects. */
bool reg_value_locked(struct acxemu *emu, u32 reg, u32 *v);

/* Layer 5, acxemu_engine.c: the request engine. */
void emu_irq_update(struct acxemu *emu);
/* A worker thread (@arg: its struct emu_worker). */
void *worker_main(void *arg);
/* Cancel every host request (and pending event) (emu->lock held). */
void cancel_all_locked(struct acxemu *emu, bool events);
void push_lun_event_locked(struct acxemu *emu);
int push_event_locked(struct acxemu *emu, const u8 *data, size_t len);
/*
 * The engine's injection API: the only way the hostile firmware (or the
 * register seam) reaches the free reply frames and the reply queue
 * (emu->lock held).
 */
void free_push_locked(struct acxemu *emu, u32 lo);
u32 free_pop_locked(struct acxemu *emu);
void rq_push_locked(struct acxemu *emu, u32 desc);

/* Layer 6, acxemu_req.c: runs a request taken from the intake queue. */
enum exec_result {
	EXEC_REPLY,		/* completion built: deliver it */
	EXEC_DROP,		/* drop fault: never answer */
	EXEC_DISCARD,		/* cancelled or frame unreadable: free it */
};

enum exec_result req_execute_frame(struct acxemu *emu, struct emu_worker *w,
				   struct emu_req *req, unsigned int *delay_ms);
void reply_hdr(struct emu_req *req, u8 status);
/* The latency class of an answered request (acxemu_timing). */
enum acxemu_lat_class req_lat_class(const struct emu_req *req);

/* Layer 7, acxemu_scsi.c: the SCSI command set of a volume. */
struct scsi_result {
	u8 rstatus;			/* reply status */
	u8 sstatus;			/* SAM status */
	u8 key, asc, ascq;
	bool info_valid;
	u32 info;
	u32 xfer;			/* bytes transferred */
	bool overrun;
	u32 over;			/* bytes beyond data length */
};

void scsi_execute(struct acxemu *emu, struct emu_worker *w, struct emu_req *req,
		  struct emu_vol *vol, u32 dir, u32 data_len,
		  struct scsi_result *res);

/* Layer 7, acxemu_fault.c: the fault rules (emu->lock held). */
const struct emu_fault *fault_match_locked(struct acxemu *emu,
					   const struct emu_req *req,
					   const u8 *cdb);

/* Layer 8, acxemu_bdl.c: element lists and data copying. */
/* One 12-byte basic element in @e; false if malformed. */
bool parse_basic(const u8 *p, u32 dir, struct emu_sge *e);
/* Parse the element list of @req into req->sg; 0, -EINVAL or -EFAULT. */
int parse_bdl(struct acxemu *emu, struct emu_req *req, u32 dir, u32 data_len,
	      bool rw16);
int sg_copy_to_host(struct acxemu *emu, struct emu_req *req, u32 off,
		    const void *buf, u32 len);
int sg_copy_from_host(struct acxemu *emu, struct emu_req *req, u32 off,
		      void *buf, u32 len);
/* LBA range of a block command (for fault matching); false if none. */
bool scsi_cdb_lba(const u8 *cdb, u64 *lba, u32 *nblocks);

/* Layer 9, acxemu_life.c: request ownership, cancellation, DMA bracket. */
struct emu_req *req_alloc(void);
void req_free_locked(struct acxemu *emu, struct emu_req *req);
/* Cancel @req (emu->lock held): frees it unless a worker holds it. */
void req_cancel_locked(struct acxemu *emu, struct emu_req *req);
void wait_cancel_quiesce_locked(struct acxemu *emu);
bool req_was_cancelled(struct acxemu *emu, struct emu_req *req);
bool req_dma_begin(struct acxemu *emu, struct emu_req *req);
void req_dma_end_locked(struct acxemu *emu, struct emu_req *req);
void req_dma_end(struct acxemu *emu, struct emu_req *req);
int req_dma_read(struct acxemu *emu, struct emu_req *req, u64 addr,
		 void *buf, size_t len);
int req_dma_write(struct acxemu *emu, struct emu_req *req, u64 addr,
		  const void *buf, size_t len);

/* Layer 9, acxemu_vol.c: the volume table (see "volumes" above). */
struct emu_vol *vol_get_locked(struct acxemu *emu, unsigned int lun);
void vol_put(struct acxemu *emu, struct emu_vol *vol);

#endif /* ACXEMU_PRIV_H */
