// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: reply descriptors, reply frames, sense blocks and doorbells
 * (sections 2.3, 6 and 16.12 to 16.14).
 *
 * Everything the device hands back is validated before it is used: a
 * descriptor or message identifier is never used as an index before it
 * has been checked against the slot space and the slot's state, a reply
 * address must be exactly one of the frames the host posted, and every
 * length is bounded by the buffer it describes.
 */
#include "acxxx_core.h"

static int acxxx_decode_fast(struct acxxx_ctl *c, u32 desc,
			     struct acxxx_cpl *cpl)
{
	u8 function;
	int slot;

	slot = acxxx_msgid_to_slot(c, desc);
	if (slot < 0)
		return slot;
	if (c->slot_state[slot] != ACXXX_SLOT_ACTIVE)
		return -EALREADY;

	function = c->slot_fn[slot];
	cpl->slot = (u16)slot;
	cpl->fast = true;
	cpl->function = function;
	c->slot_state[slot] = ACXXX_SLOT_FREE;

	if (function != ACXXX_FN_SCSI_IO) {
		/*
		 * Fast replies are for successful SCSI I/O only (6.2).  The
		 * firmware considers the request done, so it is completed,
		 * but as a failure the caller can see and report.
		 */
		switch (function) {
		case ACXXX_FN_MGMT:
			cpl->kind = ACXXX_CPL_MGMT;
			break;
		case ACXXX_FN_EVENT_SWITCH:
			cpl->kind = ACXXX_CPL_EVSW;
			break;
		default:
			cpl->kind = ACXXX_CPL_TMF;
			break;
		}
		cpl->reply_status = ACXXX_RS_INTERNAL_ERROR;
		cpl->flags |= ACXXX_CPL_F_BAD_FAST;
		return 0;
	}

	cpl->kind = ACXXX_CPL_SCSI;
	cpl->reply_status = ACXXX_RS_SUCCESS;
	cpl->data_len = c->slot_len[slot];
	cpl->transfer_count = cpl->data_len;
	return 0;
}

/* Frame index of a reply address, or 0 if it is not one of the frames. */
static u16 acxxx_frame_of(const struct acxxx_ctl *c, u32 addr_lo)
{
	u32 base = (u32)c->mem_dma;
	u32 off, slot;

	if (addr_lo < base)
		return 0;
	off = addr_lo - base;
	if (off >= (u32)c->lay.nr_slots * c->lay.stride)
		return 0;
	slot = off / c->lay.stride;
	if (off - slot * c->lay.stride != c->lay.reply_off)
		return 0;
	if (slot < ACXXX_FIRST_SLOT || slot > c->lay.nr_frames)
		return 0;
	return (u16)slot;
}

static void acxxx_decode_sense(const struct acxxx_ctl *c,
			       struct acxxx_cpl *cpl, u8 *sense,
			       u32 sense_size)
{
	const struct acxxx_sense_block *sb = acxxx_slot_sense(c, cpl->slot);
	u8 flags = sb->flags;
	u32 off = 0, avail, n;

	if (flags & ACXXX_SFLAG_RESID_OVER)
		cpl->flags |= ACXXX_CPL_F_OVERRUN;
	if (flags & ACXXX_SFLAG_RESID_UNDER) {
		n = le32_to_cpu(sb->residual);
		if (n > cpl->data_len) {
			n = cpl->data_len;
			cpl->flags |= ACXXX_CPL_F_RESID_CLAMPED;
		}
		cpl->residual = n;
		cpl->flags |= ACXXX_CPL_F_RESID_VALID;
	}
	if (!(flags & ACXXX_SFLAG_SENSE_VALID))
		return;

	if (flags & ACXXX_SFLAG_RESP_VALID) {
		off = le32_to_cpu(sb->resp_len);
		if (off > ACXXX_SENSE_DATA_LEN) {
			off = ACXXX_SENSE_DATA_LEN;
			cpl->flags |= ACXXX_CPL_F_SENSE_TRUNC;
		}
	}
	avail = ACXXX_SENSE_DATA_LEN - off;
	n = le32_to_cpu(sb->sense_len);
	if (n > avail) {
		n = avail;
		cpl->flags |= ACXXX_CPL_F_SENSE_TRUNC;
	}
	if (!sense)
		sense_size = 0;
	if (n > sense_size)
		n = sense_size;
	if (n)
		memcpy(sense, sb->data + off, n);
	cpl->sense_len = n;
}

/*
 * The residual comes from the sense block; the transfer count of the
 * reply is checked against it (16.14).  A transfer count of zero is "not
 * reported" (older firmware leaves it zero, 13.1.8).  On disagreement the
 * larger residual wins: reporting less data than arrived can only cause
 * a retry, reporting more could hand stale buffer contents to a reader.
 */
static void acxxx_check_residual(struct acxxx_cpl *cpl)
{
	u32 xfer = cpl->transfer_count;
	u32 from_xfer;

	if (!xfer)
		return;
	if (xfer > cpl->data_len) {
		cpl->flags |= ACXXX_CPL_F_OVERRUN;
		return;
	}
	from_xfer = cpl->data_len - xfer;
	if (cpl->flags & ACXXX_CPL_F_RESID_VALID) {
		if (from_xfer != cpl->residual) {
			cpl->flags |= ACXXX_CPL_F_RESID_MISMATCH;
			if (from_xfer > cpl->residual)
				cpl->residual = from_xfer;
		}
	} else if (from_xfer && cpl->reply_status == ACXXX_RS_SUCCESS &&
		   cpl->scsi_status == 0) {
		cpl->flags |= ACXXX_CPL_F_RESID_MISMATCH |
			      ACXXX_CPL_F_RESID_VALID;
		cpl->residual = from_xfer;
	}
}

static void acxxx_decode_scsi(const struct acxxx_ctl *c, const void *frame,
			      struct acxxx_cpl *cpl, u8 *sense, u32 sense_size)
{
	const struct acxxx_scsi_reply *r = frame;

	cpl->kind = ACXXX_CPL_SCSI;
	cpl->data_len = c->slot_len[cpl->slot];
	cpl->scsi_status = r->scsi_status;
	cpl->scsi_state = r->scsi_state;
	cpl->transfer_count = le32_to_cpu(r->transfer_count);
	if (cpl->scsi_state & ACXXX_SSTATE_AUTOSENSE_VALID)
		acxxx_decode_sense(c, cpl, sense, sense_size);
	acxxx_check_residual(cpl);
}

static int acxxx_decode_event(struct acxxx_ctl *c, const void *frame,
			      u32 msg_id, struct acxxx_cpl *cpl)
{
	const struct acxxx_event_reply *r = frame;
	bool ack_code;
	int slot;

	cpl->event_code = r->data[0];
	memcpy(cpl->event, r->data, ACXXX_EVENT_RECORD_LEN);
	ack_code = acxxx_event_type(cpl->event_code) == ACXXX_EV_SWITCH_ACK;

	/*
	 * An acknowledgment carries the identifier of the outstanding
	 * event switch request.  Any other event may carry anything in that
	 * field (7.5): it is an unsolicited event and the identifier is
	 * never used.
	 */
	slot = acxxx_msgid_to_slot(c, msg_id);
	if (slot > 0 && c->slot_state[slot] == ACXXX_SLOT_ACTIVE) {
		if (c->slot_fn[slot] == ACXXX_FN_EVENT_SWITCH &&
		    (ack_code || cpl->reply_status != ACXXX_RS_SUCCESS)) {
			cpl->kind = ACXXX_CPL_EVSW;
			cpl->slot = (u16)slot;
			c->slot_state[slot] = ACXXX_SLOT_FREE;
			return 0;
		}
	}
	cpl->kind = ACXXX_CPL_EVENT;
	return 0;
}

static int acxxx_decode_addr(struct acxxx_ctl *c, u32 desc,
			     struct acxxx_cpl *cpl, u8 *sense, u32 sense_size)
{
	const struct acxxx_reply_hdr *r;
	u16 frame;
	u32 msg_id;
	int slot;

	frame = acxxx_frame_of(c, desc << 1);
	if (!frame)
		return -EFAULT;
	if (c->frame_state[frame] != ACXXX_FRAME_POSTED)
		return -EALREADY;

	/* From here on the frame is the host's: it must be given back. */
	c->frame_state[frame] = ACXXX_FRAME_HOST;
	cpl->frame = frame;
	r = acxxx_frame(c, frame);
	cpl->function = r->function;
	cpl->reply_status = r->status;
	msg_id = le32_to_cpu(r->msg_id);

	if (r->function == ACXXX_FN_EVENT_SWITCH)
		return acxxx_decode_event(c, r, msg_id, cpl);

	slot = acxxx_msgid_to_slot(c, msg_id);
	if (slot < 0)
		return slot;
	if (c->slot_state[slot] != ACXXX_SLOT_ACTIVE)
		return -EALREADY;
	if (c->slot_fn[slot] != r->function)
		return -EPROTO;
	cpl->slot = (u16)slot;

	switch (r->function) {
	case ACXXX_FN_SCSI_IO:
		acxxx_decode_scsi(c, r, cpl, sense, sense_size);
		break;
	case ACXXX_FN_MGMT:
		cpl->kind = ACXXX_CPL_MGMT;
		cpl->mgmt_error =
			le16_to_cpu(((const struct acxxx_mgmt_reply *)r)->error);
		break;
	case ACXXX_FN_TASK_MGMT:
		cpl->kind = ACXXX_CPL_TMF;
		cpl->tmf_type = ((const struct acxxx_tmf_reply *)r)->task_type;
		cpl->tmf_terminated =
			le32_to_cpu(((const struct acxxx_tmf_reply *)r)->terminated);
		break;
	default:
		/* Not a function acxxx encodes: the slot state is corrupt. */
		cpl->slot = 0;
		return -EPROTO;
	}
	c->slot_state[slot] = ACXXX_SLOT_FREE;
	return 0;
}

/**
 * acxxx_decode_reply() - decode one reply descriptor read from REPLY_PORT
 * @c: controller
 * @desc: the descriptor
 * @cpl: completion to fill
 * @sense: buffer for sense bytes (SCSI I/O), may be NULL
 * @sense_size: its size; longer sense data is truncated
 *
 * On success the slot of the completed request is no longer outstanding
 * (except for an unsolicited event, which has none), and @cpl says what
 * completed and how.  Whenever @cpl->frame is non-zero, on success and on
 * error alike, that reply frame is the host's again and must be given
 * back with acxxx_frame_post() once the caller is done with it, so that
 * a bad reply never starves the firmware of frames.
 *
 * Return: 0 for a valid completion; -ENOENT for the empty value; -EINVAL
 * for a zero or misaligned identifier; -ERANGE for an identifier beyond
 * the slot space; -EALREADY for a request or frame that was not
 * outstanding (stale or duplicate); -EFAULT for a reply address that is
 * not one of the reply frames; -EPROTO for a reply whose function does
 * not match the request.
 */
int acxxx_decode_reply(struct acxxx_ctl *c, u32 desc, struct acxxx_cpl *cpl,
		       u8 *sense, u32 sense_size)
{
	memset(cpl, 0, sizeof(*cpl));
	if (desc == ACXXX_EMPTY)
		return -ENOENT;
	if (desc & ACXXX_RDESC_ADDR_FLAG)
		return acxxx_decode_addr(c, desc, cpl, sense, sense_size);
	return acxxx_decode_fast(c, desc, cpl);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_decode_reply);

/**
 * acxxx_decode_doorbell() - what an OUT_DOORBELL value asks of the host
 * @value: value read from OUT_DOORBELL (2208/3108)
 * @db: actions to take
 *
 * Unlike the original driver, every notification bit present is handled
 * in one pass.  A lone ready bit is left set: it is the handshake's, and
 * it does not hold the interrupt line (16.8).
 */
void acxxx_decode_doorbell(u32 value, struct acxxx_doorbell *db)
{
	u32 bits;

	memset(db, 0, sizeof(*db));
	if (value == ACXXX_EMPTY) {
		db->gone = true;
		return;
	}
	bits = value & ~ACXXX_ODB_READY;
	db->ack = bits;
	db->restart_soon = bits & ACXXX_ODB_RESTART_SOON;
	db->flush = bits & ACXXX_ODB_FLUSH;
	db->pause = bits & ACXXX_ODB_PAUSE;
	db->resume = bits & ACXXX_ODB_RESUME;
	db->unknown = bits & ~ACXXX_ODB_KNOWN;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_decode_doorbell);

/* A reply status the host expects for SCSI I/O, with its outcome. */
static void acxxx_verdict_status(const struct acxxx_cpl *cpl,
				 struct acxxx_verdict *v)
{
	if ((cpl->scsi_state & ACXXX_SSTATE_NO_STATUS) ||
	    (cpl->flags & ACXXX_CPL_F_OVERRUN)) {
		v->host = ACXXX_HOST_ERROR;
		return;
	}
	if (cpl->reply_status != ACXXX_RS_SUCCESS &&
	    cpl->scsi_status == ACXXX_SAM_GOOD) {
		/* A SCSI-level error without a status: needs sense. */
		if (cpl->sense_len)
			v->sam_status = ACXXX_SAM_CHECK_CONDITION;
		else
			v->host = ACXXX_HOST_ERROR;
		return;
	}
	v->sam_status = cpl->scsi_status;
	if (cpl->flags & ACXXX_CPL_F_RESID_VALID)
		v->residual = cpl->residual;
}

/* Fail with ILLEGAL REQUEST sense: the same command gets the same answer. */
static void acxxx_verdict_illegal(struct acxxx_verdict *v, u8 asc)
{
	v->sam_status = ACXXX_SAM_CHECK_CONDITION;
	v->build_sense = true;
	v->sense_key = ACXXX_SENSE_ILLEGAL_REQUEST;
	v->asc = asc;
	v->ascq = 0;
	v->rejected = true;
}

/**
 * acxxx_scsi_verdict() - the result of a SCSI command from its completion
 * @cpl: completion decoded by acxxx_decode_reply() (or acxxx_null_exec())
 * @v: the verdict, which the glue only translates
 *
 * Every reply status the specification defines (6.5) has its own case
 * and a deliberate outcome (docs/decisions.md "Result mapping"):
 *
 * - success, recovered (0x21), overrun (0x23), under/overrun (0x24): the
 *   SCSI status and the residual; no status or a device overrun is a host
 *   error; a non-success status without a SCSI status is CHECK CONDITION
 *   when sense came with it, else a host error;
 * - busy (0x02): SAM BUSY, insufficient resources (0x05): TASK SET FULL,
 *   so the midlayer retries and throttles;
 * - LUN not present (0x22): no connection;
 * - terminated (0x27): retry;
 * - invalid BDL (0x03), internal error (0x04), data error (0x25), task
 *   management failed (0x30): a host error the midlayer retries within
 *   the command's allowance, marked @v->rejected for the log;
 * - invalid function (0x01) and illegal management request (0x11): fail
 *   with ILLEGAL REQUEST, invalid command operation code; invalid field
 *   (0x06): fail with ILLEGAL REQUEST, invalid field in CDB; both marked
 *   @v->rejected (retrying gets the same answer);
 * - any other value: a host error, marked @v->undefined.
 *
 * No reply status asks for a reset: a firmware that answers is running;
 * silence is the timeout's business.  The residual never exceeds the data
 * length of the request (the decoder clamps it).
 */
void acxxx_scsi_verdict(const struct acxxx_cpl *cpl, struct acxxx_verdict *v)
{
	v->host = ACXXX_HOST_OK;
	v->sam_status = ACXXX_SAM_GOOD;
	v->residual = 0;
	v->sense_key = 0;
	v->asc = 0;
	v->ascq = 0;
	v->build_sense = false;
	v->rejected = false;
	v->undefined = false;

	switch (cpl->reply_status) {
	case ACXXX_RS_SUCCESS:
		if (!(cpl->scsi_status | cpl->scsi_state | cpl->flags))
			return;		/* the common case */
		acxxx_verdict_status(cpl, v);
		return;
	case ACXXX_RS_RECOVERED:
	case ACXXX_RS_OVERRUN:
	case ACXXX_RS_UNDER_OVERRUN:
		acxxx_verdict_status(cpl, v);
		return;
	case ACXXX_RS_BUSY:
		v->sam_status = ACXXX_SAM_BUSY;
		return;
	case ACXXX_RS_NO_RESOURCES:
		v->sam_status = ACXXX_SAM_TASK_SET_FULL;
		return;
	case ACXXX_RS_NO_DEVICE:
		v->host = ACXXX_HOST_NO_CONNECT;
		return;
	case ACXXX_RS_TERMINATED:
		v->host = ACXXX_HOST_RETRY;
		return;
	case ACXXX_RS_INVALID_BDL:
	case ACXXX_RS_INTERNAL_ERROR:
	case ACXXX_RS_DATA_ERROR:
	case ACXXX_RS_TMF_FAILED:
		v->host = ACXXX_HOST_ERROR;
		v->rejected = true;
		return;
	case ACXXX_RS_INVALID_FUNCTION:
	case ACXXX_RS_MGMT_ILLEGAL:
		acxxx_verdict_illegal(v, ACXXX_ASC_INVALID_OPCODE);
		return;
	case ACXXX_RS_INVALID_FIELD:
		acxxx_verdict_illegal(v, ACXXX_ASC_INVALID_FIELD_CDB);
		return;
	default:
		v->host = ACXXX_HOST_ERROR;
		v->undefined = true;
		return;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_scsi_verdict);

/**
 * acxxx_tmf_verdict() - what a task management reply means
 * @err: outcome of waiting for the reply: 0, or a negative error (timeout,
 *	device gone, not sent)
 * @cpl: the reply (with @err 0)
 * @type: ACXXX_TMF_* that was sent
 * @task_outstanding: (abort task) the aborted command is still the host's
 *	outstanding command on its slot, checked after the reply arrived:
 *	replies come in order, so a command whose own reply came first is no
 *	longer outstanding
 *
 * Return: an enum acxxx_tmf_res.  An abort that terminated nothing while
 * its command is still outstanding fails: the firmware may still be
 * working on it, so it is never reported aborted.  A reply with another
 * function or task type than the request fails too.
 */
int acxxx_tmf_verdict(int err, const struct acxxx_cpl *cpl, u8 type,
		      bool task_outstanding)
{
	if (err || !cpl)
		return ACXXX_TMF_RES_FAILED;
	if (cpl->reply_status == ACXXX_RS_INVALID_FUNCTION)
		return ACXXX_TMF_RES_UNSUPPORTED;
	if (cpl->reply_status != ACXXX_RS_SUCCESS ||
	    cpl->kind != ACXXX_CPL_TMF || cpl->tmf_type != type)
		return ACXXX_TMF_RES_FAILED;
	if (type != ACXXX_TMF_ABORT_TASK)
		return ACXXX_TMF_RES_DONE;
	if (!task_outstanding)
		return ACXXX_TMF_RES_COMPLETED;
	return cpl->tmf_terminated ? ACXXX_TMF_RES_DONE : ACXXX_TMF_RES_FAILED;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_tmf_verdict);
