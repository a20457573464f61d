// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: request encoding (sections 5.3 to 5.10).
 *
 * The firmware reads all 512 bytes of a message, so a frame must never
 * carry bytes of an earlier request.  The core keeps, per slot, how far
 * into the 512 bytes the last encoding wrote (slot_end); every byte past
 * that mark is zero, from acxxx_ctl_init() on.  An encoder writes its own
 * bytes and zeroes only the stretch between its own end and the old mark,
 * instead of the whole message: a single-segment command zeroes 48
 * bytes, not 512.  The mark is raised before anything is written, so a failed
 * encoding leaves it covering whatever it wrote.  The request block is
 * host memory the firmware only reads (5.2); the mark describes the
 * host's own writes.
 */
#include "acxxx_core.h"

/*
 * READ is 0x08 and WRITE 0x0A within their group (bits 4..0, bit 1
 * apart); the groups are those of 6-, 10-, 16- and 12-byte CDBs:
 * 0 (0x08, 0x0A), 1 (0x28, 0x2A), 4 (0x88, 0x8A), 5 (0xA8, 0xAA).
 */
static bool acxxx_rw_opcode(u8 opcode)
{
	return (opcode & 0x1D) == 0x08 && ((0x33u >> (opcode >> 5)) & 1);
}

/**
 * acxxx_cdb_is_rw() - does an opcode use the read/write element shape
 * @opcode: CDB byte 0
 *
 * READ and WRITE (6), (10), (12) and (16) use 16-byte elements on the
 * 2208/3108 family; every other command uses 12-byte elements (5.5).
 *
 * Return: true for the eight read/write opcodes.
 */
bool acxxx_cdb_is_rw(u8 opcode)
{
	return acxxx_rw_opcode(opcode);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_cdb_is_rw);

static bool acxxx_slot_ok(const struct acxxx_ctl *c, u16 slot)
{
	return slot >= ACXXX_FIRST_SLOT && slot < c->lay.nr_slots;
}

/*
 * The requests the driver makes itself are rare: their encoders zero the
 * whole message, and leave the mark at the end of what they write.
 */
static void *acxxx_req_clear(struct acxxx_ctl *c, u16 slot, u32 end)
{
	void *req = acxxx_slot_req(c, slot);

	memset(req, 0, ACXXX_REQ_MSG_SIZE);
	c->slot_end[slot] = (u16)end;
	return req;
}

static void acxxx_put_hdr(struct acxxx_ctl *c, struct acxxx_req_hdr *hdr,
			  u8 function, u8 fn_byte, u16 slot)
{
	c->slot_fn[slot] = function;
	c->slot_len[slot] = 0;
	hdr->fn_byte = fn_byte;
	hdr->function = function;
	hdr->msg_id = cpu_to_le32(acxxx_msgid(slot));
}

/* Byte offset into a frame; frames are 256-byte aligned, offsets 4-byte. */
static void *acxxx_at(void *frame, u32 off)
{
	return (u8 *)frame + off;
}

static void acxxx_put_basic(struct acxxx_sge_basic *e, u32 flags_len, u64 addr)
{
	e->flags_len = cpu_to_le32(flags_len);
	e->addr_lo = cpu_to_le32((u32)addr);
	e->addr_hi = cpu_to_le32((u32)(addr >> 32));
}

/*
 * Where the elements of a command go (5.6): 2208/3108 read/write commands
 * use 16-byte elements directly from 0x30 (0x28..0x2F left zero) for up
 * to 29 segments, every other command 12-byte basic elements directly
 * from 0x28 for up to 39; beyond that a list element at 0x28 points at
 * the elements in the list area at 0x40.  The 3108 marks the last 16-byte
 * element; the 2208 list has no end mark.
 *
 * Return: the end of the bytes written inside the 512-byte message.
 */
static u32 acxxx_enc_place(struct acxxx_enc *e, u16 nr)
{
	u32 esize = e->rw ? sizeof(struct acxxx_sge_rw) :
			    sizeof(struct acxxx_sge_basic);
	u32 start, end;

	e->list = nr > (e->rw ? ACXXX_DIRECT_MAX_RW : ACXXX_DIRECT_MAX_BASIC);
	if (e->list)
		start = ACXXX_LIST_OFFSET;
	else if (e->rw && nr)
		start = ACXXX_SCSI_RW_DIRECT_OFFSET;
	else
		start = ACXXX_SCSI_BDL_OFFSET;
	end = start + nr * esize;
	e->next = acxxx_at(e->req, start);
	e->limit = acxxx_at(e->req, end);
	return end < ACXXX_REQ_MSG_SIZE ? end : ACXXX_REQ_MSG_SIZE;
}

/**
 * acxxx_encode_scsi_begin() - start writing a SCSI request into a slot
 * @c: controller
 * @e: encoding state, on the caller's stack
 * @slot: slot that will carry the request
 * @cmd: the command; @cmd->nr_sge is the number of segments that
 *	acxxx_encode_sge() will add (@cmd->sgl is not used)
 *
 * Writes the header, the CDB and the sense address, and clears the sense
 * block.  The segments follow with acxxx_encode_sge(), straight from the
 * caller's own list (scsi_for_each_sg() on Linux); acxxx_encode_scsi_end()
 * checks the whole and finishes the frame.  The slot's frame is the
 * caller's (the slot is not outstanding); nothing is posted before
 * acxxx_encode_scsi_end() returned 0, so the firmware never sees a frame
 * half-written or one that failed a check.
 *
 * Return: 0; -EINVAL for a malformed command (LUN, CDB length, direction
 * against the data length, segments without data or data without
 * segments); -E2BIG for more segments than the layout allows; -ERANGE for
 * a slot outside the index space.  On error nothing needs undoing.
 */
int acxxx_encode_scsi_begin(struct acxxx_ctl *c, struct acxxx_enc *e,
			    u16 slot, const struct acxxx_scsi_cmd *cmd)
{
	struct acxxx_scsi_req *req;
	u32 end, old;

	if (!acxxx_slot_ok(c, slot))
		return -ERANGE;
	if (!cmd->cdb || (u8)(cmd->cdb_len - 1) >= ACXXX_MAX_CDB ||
	    cmd->lun >= ACXXX_MAX_LUNS || cmd->dir > ACXXX_CTL_DIR_READ ||
	    (cmd->task_attr & ~ACXXX_CTL_ATTR_MASK))
		return -EINVAL;
	if (cmd->nr_sge > c->lay.max_sge)
		return -E2BIG;
	/* Data, segments and a direction come all together or not at all. */
	if (cmd->nr_sge ? !cmd->data_len || !cmd->dir :
			  cmd->data_len || cmd->dir)
		return -EINVAL;

	e->c = c;
	e->req = acxxx_slot_req(c, slot);
	e->slot = slot;
	e->nr_sge = (u16)cmd->nr_sge;
	e->rw = c->caps->rw_elements && acxxx_rw_opcode(cmd->cdb[0]);
	e->list = false;
	e->flags = cmd->dir == ACXXX_CTL_DIR_WRITE ? ACXXX_SGE_WRITE :
						     ACXXX_SGE_READ;
	e->last_ext = c->caps->rw_last_mark ? ACXXX_SGE_RW_LAST : 0;
	e->max_len = e->rw ? 0xFFFFFFFFu : ACXXX_SGE_LEN_MASK;
	e->data_len = cmd->data_len;
	e->total = 0;
	e->err = 0;

	/* Raise the mark first: it covers whatever is written from here. */
	end = acxxx_enc_place(e, e->nr_sge);
	old = c->slot_end[slot];
	if (old < end)
		c->slot_end[slot] = (u16)end;
	else if (old > end)
		memset(acxxx_at(e->req, end), 0, old - end);

	req = e->req;
	memset(req, 0, sizeof(*req));
	c->slot_fn[slot] = ACXXX_FN_SCSI_IO;
	c->slot_len[slot] = cmd->data_len;
	req->hdr.fn_byte = cmd->lun;
	req->hdr.function = ACXXX_FN_SCSI_IO;
	req->hdr.msg_id = cpu_to_le32(acxxx_msgid(slot));
	req->cdb_len = cmd->cdb_len;
	req->sense_len = ACXXX_SENSE_BLOCK_SIZE;
	/*
	 * Bit 2 announces a 64-bit sense address.  The request carries only
	 * its low half; the high half is the global high address, which
	 * holds on every host acxxx supports.
	 */
	req->control = cpu_to_le32(cmd->dir | ACXXX_CTL_SENSE64 |
				   cmd->task_attr);
	memcpy(req->cdb, cmd->cdb, cmd->cdb_len);
	req->data_len = cpu_to_le32(cmd->data_len);
	req->sense_lo = cpu_to_le32((u32)acxxx_slot_sense_dma(c, slot));
	/*
	 * The sense block's header says what of it is valid (16.13): zero
	 * it, and stale sense data behind it is never read.
	 */
	memset(acxxx_slot_sense(c, slot), 0,
	       offsetof(struct acxxx_sense_block, data));

	if (e->list) {
		/* The list element; 0x34..0x3F stay zero (cleared above). */
		memset(acxxx_at(e->req, ACXXX_SCSI_BDL_OFFSET), 0,
		       ACXXX_LIST_OFFSET - ACXXX_SCSI_BDL_OFFSET);
		acxxx_put_basic(acxxx_at(e->req, ACXXX_SCSI_BDL_OFFSET),
				ACXXX_SGE_CHAIN | e->nr_sge,
				acxxx_slot_req_dma(c, slot) + ACXXX_LIST_OFFSET);
	} else if (e->rw && e->nr_sge) {
		memset(acxxx_at(e->req, ACXXX_SCSI_BDL_OFFSET), 0,
		       ACXXX_SCSI_RW_DIRECT_OFFSET - ACXXX_SCSI_BDL_OFFSET);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_scsi_begin);

/**
 * acxxx_encode_sge_bad() - record a segment acxxx_encode_sge() refused
 * @e: the encoding
 * @len: the segment's length
 *
 * Out of line: the rare path of acxxx_encode_sge().
 *
 * Return: the encoding's first error.
 */
int acxxx_encode_sge_bad(struct acxxx_enc *e, u32 len)
{
	if (!e->err)
		e->err = len && len > e->max_len ? -E2BIG : -EINVAL;
	return e->err;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_sge_bad);

/**
 * acxxx_encode_scsi_end() - finish a SCSI request, ready to post
 * @e: encoding started by acxxx_encode_scsi_begin()
 *
 * Return: 0 when the frame is complete and may be posted; the first
 * error of acxxx_encode_sge(); -EINVAL if fewer segments came than
 * announced or their lengths do not add up to the data length.  After an
 * error the slot must not be posted (encode it again first).
 */
int acxxx_encode_scsi_end(struct acxxx_enc *e)
{
	u32 end;

	if (e->err)
		return e->err;
	if (e->next != e->limit || e->total != e->data_len)
		return e->err = -EINVAL;
	end = e->nr_sge ? (u32)((u8 *)e->next - (u8 *)e->req) :
			  ACXXX_SCSI_BDL_OFFSET;
	if (end < ACXXX_REQ_MSG_SIZE)
		e->c->slot_end[e->slot] = (u16)end;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_scsi_end);

/**
 * acxxx_encode_scsi() - write a SCSI I/O request into a slot's frame
 * @c: controller
 * @slot: slot that will carry the request
 * @cmd: the command, with its segments in @cmd->sgl
 *
 * acxxx_encode_scsi_begin(), acxxx_encode_sge() for each segment and
 * acxxx_encode_scsi_end(), for callers that have their segments in an
 * array already.  Chooses the element shape from the family and the
 * opcode, and direct or list mode from the segment count, exactly at the
 * limits of 5.6.  The sense block of the same slot receives the
 * firmware's sense data.
 *
 * Return: 0; -EINVAL for a malformed command (LUN, CDB length, direction
 * against the data length, segment lengths not adding up to the data
 * length, a zero-length segment); -E2BIG for more segments than the
 * layout allows or a segment too long for a 12-byte element (16 MiB);
 * -ERANGE for a slot outside the index space.
 */
int acxxx_encode_scsi(struct acxxx_ctl *c, u16 slot,
		      const struct acxxx_scsi_cmd *cmd)
{
	struct acxxx_enc e;
	u32 i;
	int ret;

	if (cmd->nr_sge && !cmd->sgl)
		return -EINVAL;
	ret = acxxx_encode_scsi_begin(c, &e, slot, cmd);
	if (ret)
		return ret;
	for (i = 0; i < cmd->nr_sge; i++)
		acxxx_encode_sge(&e, cmd->sgl[i].addr, cmd->sgl[i].len);
	return acxxx_encode_scsi_end(&e);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_scsi);

/**
 * acxxx_encode_mgmt() - write a management request into a slot's frame
 * @c: controller
 * @slot: slot that will carry the request
 * @cdb: 32-byte management CDB
 * @dir: ACXXX_CTL_DIR_NONE, _WRITE or _READ
 * @len: data length; the data lives in the controller's management
 *	buffer (acxxx_mgmt_buf()), which the caller fills for a write
 *
 * Only one management request may be outstanding (7.1); the caller
 * serialises them.
 *
 * Return: 0, -EINVAL for a bad direction or a length that does not match
 * it, -E2BIG beyond the management buffer, -ERANGE for a bad slot.
 */
int acxxx_encode_mgmt(struct acxxx_ctl *c, u16 slot, const u8 *cdb,
		      u8 dir, u32 len)
{
	struct acxxx_mgmt_req *req;

	if (!acxxx_slot_ok(c, slot))
		return -ERANGE;
	if (!cdb || dir > ACXXX_CTL_DIR_READ)
		return -EINVAL;
	if (!len != !dir)
		return -EINVAL;
	if (len > ACXXX_MGMT_BUF_SIZE)
		return -E2BIG;

	req = acxxx_req_clear(c, slot, sizeof(*req));
	acxxx_put_hdr(c, &req->hdr, ACXXX_FN_MGMT, dir, slot);
	memcpy(req->cdb, cdb, ACXXX_MGMT_CDB_LEN);
	req->data_len = cpu_to_le32(len);
	c->slot_len[slot] = len;
	if (len)
		acxxx_put_basic(&req->sge,
				(dir == ACXXX_CTL_DIR_WRITE ? ACXXX_SGE_WRITE :
							      ACXXX_SGE_READ) |
				len, acxxx_mgmt_buf_dma(c));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_mgmt);

/**
 * acxxx_encode_get_page() - request a management page (7.2)
 * @c: controller
 * @slot: slot that will carry the request
 * @page: page number, ACXXX_PAGE_IDENTITY for page 0
 *
 * The 512-byte page arrives in the management buffer.
 *
 * Return: as acxxx_encode_mgmt().
 */
int acxxx_encode_get_page(struct acxxx_ctl *c, u16 slot, u8 page)
{
	u8 cdb[ACXXX_MGMT_CDB_LEN] = { ACXXX_MGMT_OP_GET_PAGE, 0x01, page };

	return acxxx_encode_mgmt(c, slot, cdb, ACXXX_CTL_DIR_READ,
				 ACXXX_PAGE_SIZE);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_get_page);

/**
 * acxxx_encode_event_switch() - turn firmware events on or off (5.9)
 * @c: controller
 * @slot: slot that will carry the request
 * @on: true to receive events
 *
 * Return: 0, or -ERANGE for a bad slot.
 */
int acxxx_encode_event_switch(struct acxxx_ctl *c, u16 slot, bool on)
{
	struct acxxx_req_hdr *hdr;

	if (!acxxx_slot_ok(c, slot))
		return -ERANGE;
	hdr = acxxx_req_clear(c, slot, sizeof(*hdr));
	acxxx_put_hdr(c, hdr, ACXXX_FN_EVENT_SWITCH,
		      on ? ACXXX_EVSW_ON : ACXXX_EVSW_OFF, slot);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_event_switch);

/**
 * acxxx_encode_tmf() - write a task management request (5.10, 16.16)
 * @c: controller
 * @slot: slot that will carry the request
 * @type: ACXXX_TMF_ABORT_TASK, _CLEAR_TASK_SET, _LUN_RESET, _TARGET_RESET
 * @lun: LUN index, 0..63
 * @task_slot: slot of the task to abort (abort task), otherwise 0
 *
 * Return: 0, -EINVAL for a bad type, LUN or task slot, -ERANGE for a bad
 * slot.
 */
int acxxx_encode_tmf(struct acxxx_ctl *c, u16 slot, u8 type, u8 lun,
		     u16 task_slot)
{
	struct acxxx_tmf_req *req;

	if (!acxxx_slot_ok(c, slot))
		return -ERANGE;
	if (type < ACXXX_TMF_ABORT_TASK || type > ACXXX_TMF_TARGET_RESET ||
	    lun >= ACXXX_MAX_LUNS)
		return -EINVAL;
	if (type == ACXXX_TMF_ABORT_TASK ?
	    (!acxxx_slot_ok(c, task_slot) || task_slot == slot) : task_slot)
		return -EINVAL;

	req = acxxx_req_clear(c, slot, sizeof(*req));
	acxxx_put_hdr(c, &req->hdr, ACXXX_FN_TASK_MGMT, type, slot);
	req->lun = lun;
	if (task_slot)
		req->task_msg_id = cpu_to_le32(acxxx_msgid(task_slot));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_tmf);
