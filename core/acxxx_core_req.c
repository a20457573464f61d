// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: request encoding (sections 5.3 to 5.10).
 *
 * Every encoder zeroes the 512-byte message it writes, so a frame never
 * carries bytes of an earlier request (the firmware reads all 512).
 */
#include "acxxx_core.h"

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
	switch (opcode) {
	case 0x08:	/* READ (6) */
	case 0x0A:	/* WRITE (6) */
	case 0x28:	/* READ (10) */
	case 0x2A:	/* WRITE (10) */
	case 0xA8:	/* READ (12) */
	case 0xAA:	/* WRITE (12) */
	case 0x88:	/* READ (16) */
	case 0x8A:	/* WRITE (16) */
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_cdb_is_rw);

static bool acxxx_slot_ok(const struct acxxx_ctl *c, u16 slot)
{
	return slot >= ACXXX_FIRST_SLOT && slot < c->lay.nr_slots;
}

static void *acxxx_req_clear(struct acxxx_ctl *c, u16 slot)
{
	void *req = acxxx_slot_req(c, slot);

	memset(req, 0, ACXXX_REQ_MSG_SIZE);
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

static int acxxx_check_sgl(const struct acxxx_scsi_cmd *cmd, u32 max_sge,
			   u32 max_len)
{
	u64 total = 0;
	u32 i;

	if (cmd->nr_sge > max_sge)
		return -E2BIG;
	if (!cmd->data_len != !cmd->nr_sge)
		return -EINVAL;
	if (!cmd->data_len != !cmd->dir)
		return -EINVAL;
	if (cmd->nr_sge && !cmd->sgl)
		return -EINVAL;
	for (i = 0; i < cmd->nr_sge; i++) {
		if (!cmd->sgl[i].len)
			return -EINVAL;
		if (cmd->sgl[i].len > max_len)
			return -E2BIG;
		total += cmd->sgl[i].len;
	}
	return total == cmd->data_len ? 0 : -EINVAL;
}

/*
 * 2208/3108 read/write commands: 16-byte elements, directly from 0x30
 * (0x28..0x2F left zero) for up to 29 segments, otherwise a list element
 * at 0x28 pointing at the elements in the list area at 0x40.  The 3108
 * marks the last element; the 2208 list has no end mark (5.6).
 */
static void acxxx_put_rw_sgl(struct acxxx_ctl *c, u16 slot, void *req,
			     const struct acxxx_scsi_cmd *cmd)
{
	struct acxxx_sge_rw *e;
	u32 i;

	if (cmd->nr_sge <= ACXXX_DIRECT_MAX_RW) {
		e = acxxx_at(req, ACXXX_SCSI_RW_DIRECT_OFFSET);
	} else {
		acxxx_put_basic(acxxx_at(req, ACXXX_SCSI_BDL_OFFSET),
				ACXXX_SGE_CHAIN | cmd->nr_sge,
				acxxx_slot_req_dma(c, slot) + ACXXX_LIST_OFFSET);
		e = acxxx_at(req, ACXXX_LIST_OFFSET);
	}

	for (i = 0; i < cmd->nr_sge; i++) {
		e[i].addr_lo = cpu_to_le32((u32)cmd->sgl[i].addr);
		e[i].addr_hi = cpu_to_le32((u32)(cmd->sgl[i].addr >> 32));
		e[i].len = cpu_to_le32(cmd->sgl[i].len);
		e[i].ext = 0;
	}
	if (c->dialect == ACXXX_DIALECT_3108)
		e[cmd->nr_sge - 1].ext = cpu_to_le32(ACXXX_SGE_RW_LAST);
}

/*
 * Every other command, and every command on the 341 family: 12-byte
 * basic elements directly from 0x28 for up to 39 segments, otherwise a
 * list element at 0x28 pointing at the list area at 0x40 (5.6).
 */
static void acxxx_put_basic_sgl(struct acxxx_ctl *c, u16 slot, void *req,
				const struct acxxx_scsi_cmd *cmd)
{
	struct acxxx_sge_basic *e;
	u32 flags;
	u32 i;

	if (cmd->nr_sge <= ACXXX_DIRECT_MAX_BASIC) {
		e = acxxx_at(req, ACXXX_SCSI_BDL_OFFSET);
	} else {
		acxxx_put_basic(acxxx_at(req, ACXXX_SCSI_BDL_OFFSET),
				ACXXX_SGE_CHAIN | cmd->nr_sge,
				acxxx_slot_req_dma(c, slot) + ACXXX_LIST_OFFSET);
		e = acxxx_at(req, ACXXX_LIST_OFFSET);
	}

	flags = cmd->dir == ACXXX_CTL_DIR_WRITE ? ACXXX_SGE_WRITE :
						  ACXXX_SGE_READ;
	for (i = 0; i < cmd->nr_sge; i++)
		acxxx_put_basic(&e[i], flags | cmd->sgl[i].len,
				cmd->sgl[i].addr);
}

/**
 * acxxx_encode_scsi() - write a SCSI I/O request into a slot's frame
 * @c: controller
 * @slot: slot that will carry the request
 * @cmd: the command
 *
 * Chooses the element shape from the family and the opcode, and direct
 * or list mode from the segment count, exactly at the limits of 5.6.
 * The sense block of the same slot receives the firmware's sense data.
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
	struct acxxx_scsi_req *req;
	bool rw;
	int ret;

	if (!acxxx_slot_ok(c, slot))
		return -ERANGE;
	if (!cmd->cdb || !cmd->cdb_len || cmd->cdb_len > ACXXX_MAX_CDB)
		return -EINVAL;
	if (cmd->lun >= ACXXX_MAX_LUNS)
		return -EINVAL;
	if (cmd->dir > ACXXX_CTL_DIR_READ ||
	    (cmd->task_attr & ~ACXXX_CTL_ATTR_MASK))
		return -EINVAL;

	rw = c->dialect != ACXXX_DIALECT_341 && acxxx_cdb_is_rw(cmd->cdb[0]);
	ret = acxxx_check_sgl(cmd, c->lay.max_sge,
			      rw ? 0xFFFFFFFFu : ACXXX_SGE_LEN_MASK);
	if (ret)
		return ret;

	req = acxxx_req_clear(c, slot);
	acxxx_put_hdr(c, &req->hdr, ACXXX_FN_SCSI_IO, cmd->lun, slot);
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
	c->slot_len[slot] = cmd->data_len;
	req->sense_lo = cpu_to_le32((u32)acxxx_slot_sense_dma(c, slot));
	memset(acxxx_slot_sense(c, slot), 0, ACXXX_SENSE_BLOCK_SIZE);

	if (!cmd->nr_sge)
		return 0;
	if (rw)
		acxxx_put_rw_sgl(c, slot, req, cmd);
	else
		acxxx_put_basic_sgl(c, slot, req, cmd);
	return 0;
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

	req = acxxx_req_clear(c, slot);
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
	hdr = acxxx_req_clear(c, slot);
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

	req = acxxx_req_clear(c, slot);
	acxxx_put_hdr(c, &req->hdr, ACXXX_FN_TASK_MGMT, type, slot);
	req->lun = lun;
	if (task_slot)
		req->task_msg_id = cpu_to_le32(acxxx_msgid(task_slot));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_tmf);
