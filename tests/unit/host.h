/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * A tiny host for the device model's unit tests.
 *
 * Plain process memory is mapped at bus addresses the tests choose: the
 * control memory (request frames, sense blocks, reply frames) lies above
 * 4 GiB, one data region above and one below 4 GiB.  Everything else is
 * unmapped: a DMA there fails.  The helpers drive the model the way a
 * correct host does (spec sections 4 to 6); tests then break the rules on
 * purpose.
 */
#ifndef ACXEMU_TEST_HOST_H
#define ACXEMU_TEST_HOST_H

#include <pthread.h>
#include <stdbool.h>

#include "acxxx_proto.h"
#include "../../emu/acxemu.h"

#define CTRL_BASE	0x123400000ull		/* high address 0x1 */
#define CTRL_SIZE	0x1C0000u
#define DATA_HI_BASE	0x200000000ull		/* above 4 GiB */
#define DATA_HI_SIZE	0x400000u		/* 4 MiB */
#define DATA_LO_BASE	0x08000000ull		/* below 4 GiB */
#define DATA_LO_SIZE	0x100000u		/* 1 MiB */
#define UNMAPPED	0x300000000ull

#define SLOT_STRIDE	0xB00u
#define SLOT_SENSE	0x900u
#define SLOT_REPLY	0xA00u
#define MGMT_BUF_OFF	0x1BA000u		/* in the control memory */
#define SCRATCH_OFF	0x170000u		/* big lists live here */

struct host {
	struct acxemu *emu;
	u16 dev;
	int family;
	u8 *ctrl;
	u8 *data_hi;
	u8 *data_lo;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool irq;
	unsigned int irq_calls;
	unsigned int dma_reads, dma_writes;
	u64 intx, msi;			/* what a transport "signalled" */
	bool budget_on;			/* DMA fails once dma_budget is used up */
	int dma_budget;
	bool fail_dma;			/* every DMA fails */
	char tmpdir[64];
};

struct seg {
	u64 addr;
	u32 len;
};

/* Result of one request as the host sees it. */
struct done {
	bool fast;
	u32 desc;
	u32 msg_id;
	u8 status;			/* reply status */
	u8 function;
	u8 scsi_status;
	u8 scsi_state;
	u32 xfer;			/* reply 0x0C */
	u32 sense_count;		/* reply 0x10 */
	u8 sflags;			/* sense block 0x02 */
	u32 residual;
	u32 sense_len;
	u8 sense[48];
	u8 frame[ACXXX_REPLY_FRAME_SIZE];
};

struct host_opts {
	unsigned int workers;
	unsigned int intake_depth;
	bool tmf_unsupported;
	unsigned int latency_us;
	unsigned int ready_delay_ms;
	const struct acxemu_timing *timing;
	u64 cache_max_dirty;
	bool file_volume;		/* LUN 0 backed by a file in tmpdir */
	bool no_volumes;
};

void host_init(struct host *h, u16 dev, const struct host_opts *o);
void host_fini(struct host *h);

u64 ctrl_bus(u32 off);
u64 slot_req(unsigned int slot);
u64 slot_sense(unsigned int slot);
u64 slot_reply(unsigned int slot);
u8 *ctrl_ptr(struct host *h, u64 bus);

u32 rd(struct host *h, u32 off);
void wr(struct host *h, u32 off, u32 v);

/* Handshake as the host does it (4.2 / 4.3); asserts readiness. */
void host_handshake(struct host *h);
/* Post the reply frames of slots first..last (4.4 step 1). */
void host_post_frames(struct host *h, unsigned int first, unsigned int last);
/* Ready host: handshake and frames of slots 1..64. */
void host_start(struct host *h);

/* Build a SCSI I/O frame in @slot the way a correct host does (5.3-5.6). */
void host_build_scsi(struct host *h, unsigned int slot, unsigned int lun,
		     const u8 *cdb, unsigned int cdb_len, u32 dir,
		     const struct seg *sg, unsigned int nsg, bool force_list,
		     u64 list_bus);
u8 *slot_frame(struct host *h, unsigned int slot);
/* Post slot's frame (2208/3108: room check first). */
void host_post(struct host *h, unsigned int slot);
/* Let the model work: process (sync) or wait until idle (threads). */
void host_run(struct host *h);
/* Threaded mode: wait (at most 20 s) for the interrupt line to rise. */
void host_wait_irq(struct host *h);
/* Pop one descriptor and decode it; false if the queue is empty. */
bool host_reap(struct host *h, struct done *d);
/* Return an address reply's frame to the model (6.7). */
void host_return_frame(struct host *h, const struct done *d);

/*
 * One SCSI command in slot 1 on @lun with one data segment at @buf_bus of
 * @len bytes (len 0 = none): build, post, run, reap, return the frame.
 */
void host_cmd(struct host *h, unsigned int lun, const u8 *cdb,
	      unsigned int cdb_len, u32 dir, u64 buf_bus, u32 len,
	      struct done *d);
u8 *data_ptr(struct host *h, u64 bus);

/* Management get-page into the management buffer; returns reply status. */
u8 host_get_page(struct host *h, unsigned int slot, u8 page, struct done *d);
/* Event switch request in @slot. */
void host_event_switch(struct host *h, unsigned int slot, bool on, struct done *d);

/* Expected fixed sense: 0x70 (| 0x80 with info), key, asc, ascq, info. */
void expect_sense(const struct done *d, u8 key, u8 asc, u8 ascq,
		  bool info_valid, u32 info);
u64 stat_rej(struct host *h, enum acxemu_reject r);

#endif /* ACXEMU_TEST_HOST_H */
