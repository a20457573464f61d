// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: request intake and validation (spec 5.3-5.10, 16.6, 16.15,
 * 16.16), management pages (7.1-7.3, 16.17) and event switch (7.5).
 *
 * Everything here is written from the specification, not from the host
 * code, so that a host that misreads the specification gets an error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acxemu_priv.h"

void reply_hdr(struct emu_req *req, u8 status)
{
	struct acxxx_reply_hdr *h = (struct acxxx_reply_hdr *)req->reply;

	memset(req->reply, 0, sizeof(req->reply));
	h->flags = 0;
	h->status = status;
	h->length = ACXXX_REPLY_FRAME_SIZE / 4;
	h->function = req->function;
	h->msg_id = cpu_to_le32(req->msg_id);
	req->fast = false;
	req->has_sense = false;
}

/* READ and WRITE (6/10/12/16): the ones that take R/W elements (5.5). */
static bool rw_opcode(u8 op)
{
	switch (op) {
	case 0x08: case 0x0A: case 0x28: case 0x2A:
	case 0xA8: case 0xAA: case 0x88: case 0x8A:
		return true;
	}
	return false;
}

/* ---- SCSI I/O (5.3) ------------------------------------------------------ */

static unsigned int cdb_group_len(u8 op)
{
	switch (op >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	}
	return 1;	/* reserved / vendor groups: any length */
}

static bool attr_ok(u32 attr)
{
	switch (attr) {
	case ACXXX_CTL_ATTR_SIMPLE:
	case ACXXX_CTL_ATTR_HEAD:
	case ACXXX_CTL_ATTR_ORDERED:
	case ACXXX_CTL_ATTR_ACA:
	case ACXXX_CTL_ATTR_UNTAGGED:
	case ACXXX_CTL_ATTR_NODISC:
		return true;
	}
	return false;
}

static void build_fixed_sense(u8 *s, const struct scsi_result *res)
{
	memset(s, 0, 18);
	s[0] = 0x70 | (res->info_valid ? 0x80 : 0);
	s[2] = res->key & 0x0F;
	put_be32(s + 3, res->info);
	s[7] = 10;
	s[12] = res->asc;
	s[13] = res->ascq;
}

static void scsi_complete(struct acxemu *emu, struct emu_req *req,
			  u32 data_len, const struct scsi_result *res)
{
	struct acxxx_scsi_reply *r = (struct acxxx_scsi_reply *)req->reply;
	struct acxxx_sense_block *sb = (struct acxxx_sense_block *)req->sense;
	u32 wlen = req->sense_wlen;

	(void)emu;
	if (res->rstatus == ACXXX_RS_SUCCESS && res->sstatus == 0 &&
	    res->xfer == data_len) {
		req->fast = true;
		return;
	}
	reply_hdr(req, res->rstatus);
	r->scsi_status = res->sstatus;
	r->transfer_count = cpu_to_le32(res->xfer);
	memset(req->sense, 0, sizeof(req->sense));
	sb->status = res->sstatus;
	if (res->overrun) {
		sb->flags |= ACXXX_SFLAG_RESID_OVER;
		sb->residual = cpu_to_le32(res->over);
	} else if (res->xfer < data_len) {
		sb->flags |= ACXXX_SFLAG_RESID_UNDER;
		sb->residual = cpu_to_le32(data_len - res->xfer);
	}
	if (res->sstatus == 2) {
		u32 n = 18;

		if (wlen < offsetof(struct acxxx_sense_block, data) + n)
			n = wlen > offsetof(struct acxxx_sense_block, data) ?
			    wlen - offsetof(struct acxxx_sense_block, data) : 0;
		build_fixed_sense(sb->data, res);
		sb->flags |= ACXXX_SFLAG_SENSE_VALID;
		sb->sense_len = cpu_to_le32(n);
		r->sense_count = cpu_to_le32(n);
	}
	if (!sb->flags)
		return;
	if (wlen < offsetof(struct acxxx_sense_block, data)) {
		/* the host gave no room for the sense block */
		r->scsi_state = ACXXX_SSTATE_AUTOSENSE_FAILED;
		r->sense_count = 0;
		return;
	}
	r->scsi_state = ACXXX_SSTATE_AUTOSENSE_VALID;
	req->has_sense = true;
}

static void scsi_io(struct acxemu *emu, struct emu_worker *w, struct emu_req *req)
{
	const struct acxxx_scsi_req *sr = (const struct acxxx_scsi_req *)req->frame;
	u32 control = le32_to_cpu(sr->control);
	u32 dir = control & ACXXX_CTL_DIR_MASK;
	u32 data_len = le32_to_cpu(sr->data_len);
	u8 op = sr->cdb[0];
	struct scsi_result res;
	struct emu_vol *vol;
	bool rw16;

	req->sense_addr = (u64)req->hi << 32 | le32_to_cpu(sr->sense_lo);
	req->sense_wlen = sr->sense_len < ACXXX_SENSE_BLOCK_SIZE ?
			  sr->sense_len : ACXXX_SENSE_BLOCK_SIZE;

	if (dir == 3 || (control & ~(u32)(ACXXX_CTL_DIR_MASK |
					  ACXXX_CTL_SENSE64 |
					  ACXXX_CTL_ATTR_MASK)) ||
	    !attr_ok(control & ACXXX_CTL_ATTR_MASK) ||
	    !sr->cdb_len || sr->cdb_len > ACXXX_MAX_CDB ||
	    sr->cdb_len < cdb_group_len(op) ||
	    (dir == ACXXX_CTL_DIR_NONE && data_len)) {
		reject(emu, ACXEMU_REJ_BAD_FIELD);
		reply_hdr(req, ACXXX_RS_INVALID_FIELD);
		return;
	}
	rw16 = emu->family != ACXEMU_FAMILY_341 && rw_opcode(op);
	if (parse_bdl(emu, req, dir, data_len, rw16)) {
		if (req->cancelled)
			return;
		reject(emu, ACXEMU_REJ_BAD_BDL);
		reply_hdr(req, ACXXX_RS_INVALID_BDL);
		return;
	}
	pthread_mutex_lock(&emu->lock);
	vol = vol_get_locked(emu, req->fn_byte);
	pthread_mutex_unlock(&emu->lock);
	if (!vol) {
		reject(emu, ACXEMU_REJ_NO_LUN);
		reply_hdr(req, ACXXX_RS_NO_DEVICE);
		return;
	}
	memset(&res, 0, sizeof(res));
	scsi_execute(emu, w, req, vol, dir, data_len, &res);
	vol_put(emu, vol);
	scsi_complete(emu, req, data_len, &res);
}

/* Fault that answers with sense data instead of executing. */
static void scsi_fault_sense(struct acxemu *emu, struct emu_req *req,
			     const struct acxemu_fault *f)
{
	const struct acxxx_scsi_req *sr = (const struct acxxx_scsi_req *)req->frame;
	struct scsi_result res;

	memset(&res, 0, sizeof(res));
	res.sstatus = 2;
	res.key = f->sense_key;
	res.asc = f->asc;
	res.ascq = f->ascq;
	req->sense_addr = (u64)req->hi << 32 | le32_to_cpu(sr->sense_lo);
	req->sense_wlen = sr->sense_len < ACXXX_SENSE_BLOCK_SIZE ?
			  sr->sense_len : ACXXX_SENSE_BLOCK_SIZE;
	scsi_complete(emu, req, le32_to_cpu(sr->data_len), &res);
}

/* ---- management (5.8, 7.1-7.4, 16.17) ------------------------------------ */

static void id_copy(u8 *dst, const char *src)
{
	memcpy(dst, src, strnlen(src, ACXXX_ID_STR_LEN));
}

static void build_page0(struct acxemu *emu, u8 *buf)
{
	struct acxxx_page0 *p = (struct acxxx_page0 *)buf;
	unsigned int i;

	memset(buf, 0, ACXXX_PAGE_SIZE);
	/* NUL-padded, not NUL-terminated when 16 characters long */
	id_copy(p->product_id, emu->product_id);
	id_copy(p->model, emu->model);
	id_copy(p->serial, emu->serial);
	id_copy(p->fw_version, emu->fw_version);
	id_copy(p->vendor, emu->vendor);
	pthread_mutex_lock(&emu->lock);
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		p->lun_map[i] = cpu_to_le16(emu->vols[i] ? i : ACXXX_LUN_ABSENT);
	pthread_mutex_unlock(&emu->lock);
}

static void mgmt_reply(struct emu_req *req, u8 status)
{
	struct acxxx_mgmt_reply *r = (struct acxxx_mgmt_reply *)req->reply;

	reply_hdr(req, status);
	/* project decision: the in-band error code repeats the status */
	r->error = cpu_to_le16(status);
}

static void mgmt(struct acxemu *emu, struct emu_req *req)
{
	const struct acxxx_mgmt_req *mr = (const struct acxxx_mgmt_req *)req->frame;
	u32 dir = req->fn_byte;
	u32 data_len = le32_to_cpu(mr->data_len);
	u8 buf[ACXXX_MGMT_BUF_SIZE];
	u32 n = 0;
	u8 st = ACXXX_RS_SUCCESS;
	const u8 *cdb = mr->cdb;
	bool busy;

	pthread_mutex_lock(&emu->lock);
	busy = emu->mgmt_busy;
	if (!busy) {
		emu->mgmt_busy = true;
		req->holds_mgmt = true;
	}
	pthread_mutex_unlock(&emu->lock);
	if (busy) {
		reject(emu, ACXEMU_REJ_MGMT_BUSY);
		mgmt_reply(req, ACXXX_RS_BUSY);
		return;
	}

	stat_inc(&emu->st_mgmt_ops[cdb[0]]);
	/* direction, length and the one element: data if and only if a direction */
	req->nsg = 0;
	if (dir > ACXXX_CTL_DIR_READ || data_len > ACXXX_MGMT_BUF_SIZE ||
	    (dir == ACXXX_CTL_DIR_NONE && data_len) ||
	    (dir != ACXXX_CTL_DIR_NONE && !data_len)) {
		reject(emu, ACXEMU_REJ_BAD_FIELD);
		mgmt_reply(req, ACXXX_RS_INVALID_FIELD);
		return;
	}
	if (data_len) {
		const u8 *e = req->frame + offsetof(struct acxxx_mgmt_req, sge);

		if (!parse_basic(e, dir, &req->sg[0]) ||
		    req->sg[0].len != data_len ||
		    req->sg[0].addr + data_len < req->sg[0].addr) {
			reject(emu, ACXEMU_REJ_BAD_BDL);
			mgmt_reply(req, ACXXX_RS_INVALID_BDL);
			return;
		}
		req->nsg = 1;
	}

	memset(buf, 0, sizeof(buf));
	switch (cdb[0]) {
	case ACXXX_MGMT_OP_GET_PAGE:
		if (dir != ACXXX_CTL_DIR_READ) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		if (cdb[2] == ACXXX_PAGE_IDENTITY)
			build_page0(emu, buf);
		else if (cdb[2] != ACXXX_PAGE_LUN_MASK)	/* all zero: unmasked */
			st = ACXXX_RS_INVALID_FIELD;
		n = ACXXX_PAGE_SIZE;
		break;
	case ACXXX_MGMT_OP_READ_SIG:
		if (dir != ACXXX_CTL_DIR_READ) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		pthread_mutex_lock(&emu->lock);
		memcpy(buf, emu->signature, ACXXX_PAGE_SIZE);
		pthread_mutex_unlock(&emu->lock);
		n = ACXXX_PAGE_SIZE;
		break;
	case ACXXX_MGMT_OP_WRITE_SIG:
		if (dir != ACXXX_CTL_DIR_WRITE || data_len > ACXXX_PAGE_SIZE) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		if (sg_copy_from_host(emu, req, 0, buf, data_len)) {
			st = ACXXX_RS_INVALID_BDL;
			break;
		}
		pthread_mutex_lock(&emu->lock);
		memset(emu->signature, 0, ACXXX_PAGE_SIZE);
		memcpy(emu->signature, buf, data_len);
		pthread_mutex_unlock(&emu->lock);
		break;
	case ACXXX_MGMT_OP_RTC_GET: {
		time_t t = time(NULL);
		struct tm tm;

		if (dir != ACXXX_CTL_DIR_READ) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		gmtime_r(&t, &tm);
		buf[0] = tm.tm_sec;
		buf[1] = tm.tm_min;
		buf[2] = tm.tm_hour;
		buf[3] = tm.tm_mday;
		buf[4] = tm.tm_mon + 1;
		buf[5] = tm.tm_year - 100;
		buf[6] = tm.tm_wday;
		n = ACXXX_MGMT_RTC_LEN;
		break;
	}
	case ACXXX_MGMT_OP_ECHO_WRITE:
		if (dir != ACXXX_CTL_DIR_WRITE || get_le16(cdb + 2) != data_len) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		if (sg_copy_from_host(emu, req, 0, buf, data_len)) {
			st = ACXXX_RS_INVALID_BDL;
			break;
		}
		pthread_mutex_lock(&emu->lock);
		memcpy(emu->echo, buf, data_len);
		emu->echo_len = data_len;
		pthread_mutex_unlock(&emu->lock);
		break;
	case ACXXX_MGMT_OP_ECHO_READ:
		if (dir != ACXXX_CTL_DIR_READ || get_le16(cdb + 2) != data_len) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		pthread_mutex_lock(&emu->lock);
		memcpy(buf, emu->echo, emu->echo_len);
		pthread_mutex_unlock(&emu->lock);
		n = data_len;
		break;
	case ACXXX_MGMT_OP_FW_EXPANDER:
	case ACXXX_MGMT_OP_FW_SYSROM:
	case ACXXX_MGMT_OP_FW_BOOTROM:
	case ACXXX_MGMT_OP_FW_OPTROM:
		/* an image piece: its length at CDB bytes 2..5 is the data's */
		if (dir != ACXXX_CTL_DIR_WRITE || get_le32(cdb + 2) != data_len) {
			st = ACXXX_RS_INVALID_FIELD;
			break;
		}
		if (sg_copy_from_host(emu, req, 0, buf, data_len)) {
			st = ACXXX_RS_INVALID_BDL;
			break;
		}
		/* accepted and counted; the model's firmware never changes */
		stat_add(&emu->st_fw_update_bytes, data_len);
		break;
	default:
		reject(emu, ACXEMU_REJ_MGMT_ILLEGAL);
		mgmt_reply(req, ACXXX_RS_MGMT_ILLEGAL);
		return;
	}
	if (st == ACXXX_RS_SUCCESS && n && dir == ACXXX_CTL_DIR_READ) {
		if (n > data_len)
			n = data_len;
		if (sg_copy_to_host(emu, req, 0, buf, n))
			st = ACXXX_RS_INVALID_BDL;
	}
	if (st == ACXXX_RS_INVALID_FIELD)
		reject(emu, ACXEMU_REJ_BAD_FIELD);
	else if (st == ACXXX_RS_INVALID_BDL && !req_was_cancelled(emu, req))
		reject(emu, ACXEMU_REJ_DMA_DATA);	/* not the host's fault */
	mgmt_reply(req, st);
}

/* ---- event switch (5.9, 7.5, 16.18) -------------------------------------- */

static void event_switch(struct acxemu *emu, struct emu_req *req)
{
	struct acxxx_event_reply *r = (struct acxxx_event_reply *)req->reply;

	if (req->fn_byte != ACXXX_EVSW_ON && req->fn_byte != ACXXX_EVSW_OFF) {
		reject(emu, ACXEMU_REJ_BAD_FIELD);
		reply_hdr(req, ACXXX_RS_INVALID_FIELD);
		return;
	}
	pthread_mutex_lock(&emu->lock);
	emu->evsw_on = req->fn_byte == ACXXX_EVSW_ON;
	pthread_mutex_unlock(&emu->lock);
	reply_hdr(req, ACXXX_RS_SUCCESS);
	r->data[0] = ACXXX_EVT_SWITCH_DONE;
}

/* ---- task management (5.10, 16.16) ---------------------------------------- */

static bool tmf_victim(const struct emu_req *r, const struct emu_req *tmf,
		       unsigned int lun)
{
	return r != tmf && !r->cancelled && r->parsed && r->seq < tmf->seq &&
	       r->function == ACXXX_FN_SCSI_IO && r->lun == (int)lun;
}

static void task_mgmt(struct acxemu *emu, struct emu_req *req)
{
	const struct acxxx_tmf_req *tr = (const struct acxxx_tmf_req *)req->frame;
	struct acxxx_tmf_reply *r = (struct acxxx_tmf_reply *)req->reply;
	u8 type = req->fn_byte;
	u32 task = le32_to_cpu(tr->task_msg_id);
	struct list_node *n, *next;
	u32 count = 0;

	if (emu->tmf_unsupported) {
		reject(emu, ACXEMU_REJ_BAD_FUNCTION);
		reply_hdr(req, ACXXX_RS_INVALID_FUNCTION);
		return;
	}
	if (type < ACXXX_TMF_ABORT_TASK || type > ACXXX_TMF_TARGET_RESET ||
	    tr->lun >= ACXXX_MAX_LUNS) {
		reject(emu, ACXEMU_REJ_BAD_FIELD);
		reply_hdr(req, ACXXX_RS_INVALID_FIELD);
		r->task_type = type;
		return;
	}
	pthread_mutex_lock(&emu->lock);
	/* every request posted before this one must be parsed first */
	while (emu->unparsed && !req->cancelled)
		pthread_cond_wait(&emu->cond, &emu->lock);
	if (type == ACXXX_TMF_ABORT_TASK) {
		unsigned int idx = task >> ACXXX_MSGID_SHIFT;

		if (!(task & ACXXX_MSGID_LOW_MASK) && idx && idx < ACXXX_MAX_SLOTS &&
		    emu->slots[idx] && tmf_victim(emu->slots[idx], req, tr->lun)) {
			req_cancel_locked(emu, emu->slots[idx]);
			count = 1;
		}
	} else {
		for (n = emu->all.next; n != &emu->all; n = next) {
			struct emu_req *v = container_of(n, struct emu_req, all);

			next = n->next;
			if (!tmf_victim(v, req, tr->lun))
				continue;
			req_cancel_locked(emu, v);
			count++;
		}
	}
	/* terminated requests must not touch host memory after the answer */
	wait_cancel_quiesce_locked(emu);
	pthread_mutex_unlock(&emu->lock);
	stat_add(&emu->st_tmf_terminated, count);
	reply_hdr(req, ACXXX_RS_SUCCESS);
	r->task_type = type;
	r->terminated = cpu_to_le32(count);
}

/* ---- timing ----------------------------------------------------------------- */

enum acxemu_lat_class req_lat_class(const struct emu_req *req)
{
	if (req->function == ACXXX_FN_MGMT)
		return ACXEMU_LAT_MGMT;
	if (req->function != ACXXX_FN_SCSI_IO || !req->parsed)
		return ACXEMU_LAT_OTHER;
	switch (req->frame[offsetof(struct acxxx_scsi_req, cdb)]) {
	case 0x08: case 0x28: case 0xA8: case 0x88:
		return ACXEMU_LAT_READ;
	case 0x0A: case 0x2A: case 0xAA: case 0x8A:
		return ACXEMU_LAT_WRITE;
	case 0x35: case 0x91:
		return ACXEMU_LAT_FLUSH;
	}
	return ACXEMU_LAT_OTHER;
}

/* ---- entry ---------------------------------------------------------------- */

enum exec_result req_execute_frame(struct acxemu *emu, struct emu_worker *w,
				   struct emu_req *req, unsigned int *delay_ms)
{
	const struct emu_fault *fault;
	struct acxemu_fault rule;
	bool have_fault = false;
	unsigned int idx;
	int rc;

	rc = req_dma_read(emu, req, req->frame_addr, req->frame, sizeof(req->frame));
	pthread_mutex_lock(&emu->lock);
	emu->unparsed--;
	req->parsed = true;
	pthread_cond_broadcast(&emu->cond);
	if (rc || req->cancelled) {
		if (rc && rc != -ECANCELED)
			reject(emu, ACXEMU_REJ_FRAME_UNREADABLE);
		pthread_mutex_unlock(&emu->lock);
		return EXEC_DISCARD;
	}
	req->function = req->frame[3];
	req->fn_byte = req->frame[2];
	req->msg_id = get_le32(req->frame + 4);
	if (req->function == ACXXX_FN_SCSI_IO) {
		req->lun = req->fn_byte;
		req->opcode = req->frame[0x10];
	} else if (req->function == ACXXX_FN_MGMT) {
		req->opcode = req->frame[8];
	}
	if (req->function < 16)
		stat_inc(&emu->st_functions[req->function]);

	idx = req->msg_id >> ACXXX_MSGID_SHIFT;
	if ((req->msg_id & ACXXX_MSGID_LOW_MASK) || !idx || idx >= ACXXX_MAX_SLOTS ||
	    (emu->slots[idx] && !emu->slots[idx]->cancelled)) {
		pthread_mutex_unlock(&emu->lock);
		reject(emu, ACXEMU_REJ_BAD_MSG_ID);
		reply_hdr(req, ACXXX_RS_INVALID_FIELD);
		return EXEC_REPLY;
	}
	emu->slots[idx] = req;
	req->holds_slot = true;

	fault = fault_match_locked(emu, req, req->frame + 0x10);
	if (fault) {
		rule = fault->rule;
		have_fault = true;
		stat_inc(&emu->st_faults_fired);
	}
	pthread_mutex_unlock(&emu->lock);

	if (have_fault) {
		switch (rule.action) {
		case ACXEMU_FAULT_DROP:
			return EXEC_DROP;
		case ACXEMU_FAULT_DELAY:
			*delay_ms += rule.delay_ms;
			break;
		case ACXEMU_FAULT_FAIL_STATUS:
			reply_hdr(req, rule.status);
			return EXEC_REPLY;
		case ACXEMU_FAULT_FAIL_SENSE:
			if (req->function == ACXXX_FN_SCSI_IO)
				scsi_fault_sense(emu, req, &rule);
			else
				reply_hdr(req, ACXXX_RS_INTERNAL_ERROR);
			return EXEC_REPLY;
		}
	}

	switch (req->function) {
	case ACXXX_FN_SCSI_IO:
		scsi_io(emu, w, req);
		break;
	case ACXXX_FN_MGMT:
		mgmt(emu, req);
		break;
	case ACXXX_FN_EVENT_SWITCH:
		event_switch(emu, req);
		break;
	case ACXXX_FN_TASK_MGMT:
		task_mgmt(emu, req);
		break;
	default:
		/* pass-through (no member disks) and NT-only functions */
		reject(emu, ACXEMU_REJ_BAD_FUNCTION);
		reply_hdr(req, ACXXX_RS_INVALID_FUNCTION);
		break;
	}
	return EXEC_REPLY;
}
