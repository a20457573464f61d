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
#include <stdint.h>

#include "../../core/acxxx_proto.h"
#include "../../emu/acxemu.h"

#define CTRL_BASE	0x123400000ull		/* high address 0x1 */
#define CTRL_SIZE	0x1C0000u
#define DATA_HI_BASE	0x200000000ull		/* above 4 GiB */
#define DATA_HI_SIZE	(4u << 20)
#define DATA_LO_BASE	0x08000000ull		/* below 4 GiB */
#define DATA_LO_SIZE	(1u << 20)
#define UNMAPPED	0x300000000ull

#define SLOT_STRIDE	0xB00u
#define SLOT_SENSE	0x900u
#define SLOT_REPLY	0xA00u
#define MGMT_BUF_OFF	0x1BA000u		/* in the control memory */
#define SCRATCH_OFF	0x170000u		/* big lists live here */

struct host {
	struct acxemu *emu;
	uint16_t dev;
	int family;
	uint8_t *ctrl;
	uint8_t *data_hi;
	uint8_t *data_lo;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool irq;
	unsigned int irq_calls;
	unsigned int dma_reads, dma_writes;
	bool budget_on;			/* DMA fails once dma_budget is used up */
	int dma_budget;
	bool fail_dma;			/* every DMA fails */
	char tmpdir[64];
};

struct seg {
	uint64_t addr;
	uint32_t len;
};

/* Result of one request as the host sees it. */
struct done {
	bool fast;
	uint32_t desc;
	uint32_t msg_id;
	uint8_t status;			/* reply status */
	uint8_t function;
	uint8_t scsi_status;
	uint8_t scsi_state;
	uint32_t xfer;			/* reply 0x0C */
	uint32_t sense_count;		/* reply 0x10 */
	uint8_t sflags;			/* sense block 0x02 */
	uint32_t residual;
	uint32_t sense_len;
	uint8_t sense[48];
	uint8_t frame[ACXXX_REPLY_FRAME_SIZE];
};

struct host_opts {
	unsigned int workers;
	unsigned int intake_depth;
	bool tmf_unsupported;
	unsigned int latency_us;
	unsigned int ready_delay_ms;
	uint64_t cache_max_dirty;
	bool file_volume;		/* LUN 0 backed by a file in tmpdir */
	bool no_volumes;
};

void host_init(struct host *h, uint16_t dev, const struct host_opts *o);
void host_fini(struct host *h);

uint64_t ctrl_bus(uint32_t off);
uint64_t slot_req(unsigned int slot);
uint64_t slot_sense(unsigned int slot);
uint64_t slot_reply(unsigned int slot);
uint8_t *ctrl_ptr(struct host *h, uint64_t bus);

uint32_t rd(struct host *h, uint32_t off);
void wr(struct host *h, uint32_t off, uint32_t v);

/* Handshake as the host does it (4.2 / 4.3); asserts readiness. */
void host_handshake(struct host *h);
/* Post the reply frames of slots first..last (4.4 step 1). */
void host_post_frames(struct host *h, unsigned int first, unsigned int last);
/* Ready host: handshake and frames of slots 1..64. */
void host_start(struct host *h);

/* Build a SCSI I/O frame in @slot the way a correct host does (5.3-5.6). */
void host_build_scsi(struct host *h, unsigned int slot, unsigned int lun,
		     const uint8_t *cdb, unsigned int cdb_len, uint32_t dir,
		     const struct seg *sg, unsigned int nsg, bool force_list,
		     uint64_t list_bus);
uint8_t *slot_frame(struct host *h, unsigned int slot);
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
void host_cmd(struct host *h, unsigned int lun, const uint8_t *cdb,
	      unsigned int cdb_len, uint32_t dir, uint64_t buf_bus, uint32_t len,
	      struct done *d);
uint8_t *data_ptr(struct host *h, uint64_t bus);

/* Management get-page into the management buffer; returns reply status. */
uint8_t host_get_page(struct host *h, unsigned int slot, uint8_t page,
		      struct done *d);
/* Event switch request in @slot. */
void host_event_switch(struct host *h, unsigned int slot, bool on, struct done *d);

/* Expected fixed sense: 0x70 (| 0x80 with info), key, asc, ascq, info. */
void expect_sense(const struct done *d, uint8_t key, uint8_t asc, uint8_t ascq,
		  bool info_valid, uint32_t info);
uint64_t stat_rej(struct host *h, enum acxemu_reject r);

#endif /* ACXEMU_TEST_HOST_H */
