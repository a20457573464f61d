// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Fuzz the core's reply decoding with what a hostile device could hand
 * back: reply descriptors, reply frames, sense blocks and doorbells.
 *
 * Input: byte 0 picks the dialect and which slots are outstanding; then
 * records of 4 descriptor bytes, 1 frame-selector byte and up to 96 bytes
 * written into the reply frame and 64 into a sense block before the
 * descriptor is decoded.  Every decoded completion is checked against
 * the core's promises: slots and frames in range, lengths bounded, state
 * transitions consistent, the verdict in range; frames go back through
 * the core's return ring, with a free-FIFO room taken from the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acxxx_core.h"
#include "fuzz.h"

#define DMA_BASE	0x00000004FFE00000ULL
#define NSLOTS		64
#define SENSE_ROOM	20	/* smaller than the sense data: truncation */

static struct acxxx_layout lay;
static struct acxxx_ctl ctl;
static unsigned char *mem;

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

static void setup(unsigned char sel)
{
	static const enum acxxx_dialect d[] = {
		ACXXX_DIALECT_341, ACXXX_DIALECT_2208, ACXXX_DIALECT_3108,
	};
	u8 cdb[16] = { 0x28 };
	struct acxxx_sge sg = { 0x123456789000ULL, 4096 };
	struct acxxx_scsi_cmd cmd = {
		.cdb = cdb, .cdb_len = 10, .dir = ACXXX_CTL_DIR_READ,
		.data_len = 4096, .sgl = &sg, .nr_sge = 1,
	};
	u32 v;
	u16 s;

	if (!mem) {
		acxxx_layout_init(&lay, NSLOTS, ACXXX_MAX_SGE);
		mem = malloc(lay.size);
	}
	check(!acxxx_ctl_init(&ctl, d[sel % 3], &lay, mem, DMA_BASE), "init");
	for (s = 1; s <= lay.nr_frames; s++)
		check(!acxxx_frame_post(&ctl, s, &v), "frame post");
	acxxx_encode_get_page(&ctl, ACXXX_SLOT_MGMT, 0);
	acxxx_slot_start(&ctl, ACXXX_SLOT_MGMT);
	acxxx_encode_event_switch(&ctl, ACXXX_SLOT_EVSW, true);
	acxxx_slot_start(&ctl, ACXXX_SLOT_EVSW);
	acxxx_encode_tmf(&ctl, ACXXX_SLOT_TMF, ACXXX_TMF_ABORT_TASK, 0, 9);
	acxxx_slot_start(&ctl, ACXXX_SLOT_TMF);
	for (s = ACXXX_FIRST_IO_SLOT; s < NSLOTS; s++) {
		if ((s + sel) % 3 == 0)
			continue;
		cmd.lun = s % 64;
		check(!acxxx_encode_scsi(&ctl, s, &cmd), "encode");
		acxxx_slot_start(&ctl, s);
	}
}

/* Return what the ring holds; the 2208's FIFO room comes from @room. */
static void give_frames(u32 room)
{
	struct acxxx_wr wr[ACXXX_FRET_MAX_WR];
	unsigned int i, n, credit = ~0u, posted = 0;
	u32 reg;

	for (;;) {
		reg = acxxx_fret_read_reg(&ctl);
		if (reg != ACXXX_NO_READ) {
			check(reg == ACXXX_REG_OUT_FREE_CI && ctl.caps->free_fifo,
			      "room read on the 2208 only");
			if (credit != ~0u)
				break;		/* one read per call here */
			credit = acxxx_fret_credit(&ctl, room);
			check(credit < ACXXX_FREE_FIFO_DEPTH, "credit below depth");
			if (!credit)
				break;
		}
		n = acxxx_fret_next(&ctl, wr);
		if (!n)
			break;
		check(n <= ACXXX_FRET_MAX_WR, "writes bounded");
		for (i = 0; i < n; i++) {
			if (wr[i].reg == ACXXX_REG_IN_DOORBELL) {
				check(ctl.caps->free_fifo &&
				      wr[i].val == ACXXX_IDB_FREE_REPLY, "doorbell");
				continue;
			}
			check(wr[i].reg == ACXXX_REG_REPLY_PORT, "reply port");
			check(wr[i].val >= (u32)DMA_BASE &&
			      (wr[i].val - (u32)DMA_BASE) % lay.stride ==
			      lay.reply_off, "a frame address");
			posted++;
		}
	}
	if (ctl.caps->free_fifo && credit != ~0u)
		check(posted <= credit, "no more frames than the FIFO room");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct acxxx_verdict vd;
	struct acxxx_doorbell db;
	struct acxxx_cpl cpl;
	u8 sense[SENSE_ROOM];
	unsigned int before, after;
	u32 desc;
	u16 frame;
	size_t n;
	int ret;

	if (!size)
		return 0;
	setup(data[0]);
	data++;
	size--;

	while (size >= 5) {
		memcpy(&desc, data, 4);
		/* Half the time aim the descriptor at a real frame. */
		if (data[4] & 0x80) {
			frame = 1 + (data[4] & 0x3F) % lay.nr_frames;
			desc = 0x80000000u | ((u32)acxxx_frame_dma(&ctl, frame) >> 1);
		} else if (data[4] & 0x40) {
			desc = (u32)(data[4] & 0x3F) << 2;	/* fast, small slot */
		}
		acxxx_decode_doorbell(desc, &db);
		check(!(db.ack & ACXXX_ODB_READY), "ready bit never acked");
		data += 5;
		size -= 5;

		/* The device writes a reply frame and a sense block. */
		n = size < ACXXX_REPLY_FRAME_SIZE ? size : ACXXX_REPLY_FRAME_SIZE;
		if (desc & ACXXX_RDESC_ADDR_FLAG) {
			frame = (u16)(((desc << 1) - (u32)DMA_BASE) / lay.stride);
			if (frame >= 1 && frame <= lay.nr_frames)
				memcpy(acxxx_frame(&ctl, frame), data, n);
		}
		data += n;
		size -= n;
		n = size < ACXXX_SENSE_BLOCK_SIZE ? size : ACXXX_SENSE_BLOCK_SIZE;
		memcpy(acxxx_slot_sense(&ctl, ACXXX_FIRST_IO_SLOT + (desc & 7)),
		       data, n);
		data += n;
		size -= n;

		before = acxxx_slots_active(&ctl);
		ret = acxxx_decode_reply(&ctl, desc, &cpl, sense, sizeof(sense));
		after = acxxx_slots_active(&ctl);
		check(cpl.frame <= lay.nr_frames, "frame in range");
		if (ret) {
			check(before == after, "a rejected reply frees nothing");
		} else {
			check(cpl.kind >= ACXXX_CPL_SCSI && cpl.kind <= ACXXX_CPL_TMF,
			      "kind");
			check(cpl.slot < NSLOTS, "slot in range");
			check(cpl.kind == ACXXX_CPL_EVENT ? (!cpl.slot && before == after) :
			      (cpl.slot && before == after + 1), "slot freed once");
			check(cpl.sense_len <= sizeof(sense), "sense bounded");
			check(cpl.sense_len <= ACXXX_SENSE_DATA_LEN, "sense in block");
			check(cpl.residual <= cpl.data_len, "residual bounded");
			if (cpl.kind == ACXXX_CPL_SCSI) {
				acxxx_scsi_verdict(&cpl, &vd);
				check(vd.host <= ACXXX_HOST_BAD_TARGET, "verdict");
				check(vd.residual <= cpl.data_len,
				      "verdict residual bounded");
				check(!vd.rejected || vd.host == ACXXX_HOST_ERROR ||
				      (vd.build_sense &&
				       vd.sam_status == ACXXX_SAM_CHECK_CONDITION),
				      "a rejection is an error");
				check(!vd.undefined || vd.host == ACXXX_HOST_ERROR,
				      "an undefined status is an error");
			}
		}
		if (cpl.frame)
			check(!acxxx_fret_push(&ctl, cpl.frame), "frame queued");
		give_frames(desc);
	}
	return 0;
}
