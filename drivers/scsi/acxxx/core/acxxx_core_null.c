// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: the null responder.
 *
 * The first stage of a bring-up on a new operating system has the whole
 * pipeline (scan, queueing, completion, disk node) but no hardware I/O:
 * this responder stands in for the controller.  It presents one 1 GiB
 * volume at LUN index 0, answers INQUIRY, READ CAPACITY, TEST UNIT READY,
 * REPORT LUNS, REQUEST SENSE, SYNCHRONIZE CACHE and START STOP UNIT,
 * accepts and discards writes, and fails reads with a medium error, so a
 * partition scan fails harmlessly and nothing pretends to hold data.
 */
#include "acxxx_core.h"

#define NULL_OP_TEST_UNIT_READY		0x00
#define NULL_OP_REQUEST_SENSE		0x03
#define NULL_OP_READ_6			0x08
#define NULL_OP_WRITE_6			0x0A
#define NULL_OP_INQUIRY			0x12
#define NULL_OP_START_STOP		0x1B
#define NULL_OP_READ_CAPACITY		0x25
#define NULL_OP_READ_10			0x28
#define NULL_OP_WRITE_10		0x2A
#define NULL_OP_SYNC_CACHE		0x35
#define NULL_OP_READ_16			0x88
#define NULL_OP_WRITE_16		0x8A
#define NULL_OP_SYNC_CACHE_16		0x91
#define NULL_OP_SERVICE_IN_16		0x9E
#define NULL_SAI_READ_CAPACITY_16	0x10
#define NULL_OP_REPORT_LUNS		0xA0
#define NULL_OP_READ_12			0xA8
#define NULL_OP_WRITE_12		0xAA

#define NULL_SK_MEDIUM_ERROR		0x03
#define NULL_SK_ILLEGAL_REQUEST		0x05
#define NULL_SAM_CHECK_CONDITION	0x02
#define NULL_FIXED_SENSE_LEN		18

static const char null_serial[] = "NULL0000";

static u32 null_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void null_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void null_put_be64(u8 *p, u64 v)
{
	null_put_be32(p, (u32)(v >> 32));
	null_put_be32(p + 4, (u32)v);
}

static void null_check(struct acxxx_cpl *cpl, u8 *sense, u32 sense_size,
		       u8 key, u8 asc, u8 ascq)
{
	u8 fixed[NULL_FIXED_SENSE_LEN] = { 0x70, 0, key };
	u32 n = sense ? sense_size : 0;

	fixed[7] = NULL_FIXED_SENSE_LEN - 8;
	fixed[12] = asc;
	fixed[13] = ascq;
	if (n > sizeof(fixed))
		n = sizeof(fixed);
	if (n)
		memcpy(sense, fixed, n);
	cpl->scsi_status = NULL_SAM_CHECK_CONDITION;
	cpl->scsi_state = ACXXX_SSTATE_AUTOSENSE_VALID;
	cpl->sense_len = n;
	cpl->residual = cpl->data_len;
	cpl->flags |= ACXXX_CPL_F_RESID_VALID;
}

/*
 * Logical block range of a READ/WRITE CDB, or -EINVAL if the CDB is too
 * short for its opcode.
 */
static int null_rw_range(const u8 *cdb, u8 cdb_len, u64 *lba, u32 *blocks)
{
	switch (cdb[0]) {
	case NULL_OP_READ_6:
	case NULL_OP_WRITE_6:
		if (cdb_len < 6)
			return -EINVAL;
		*lba = ((u32)(cdb[1] & 0x1F) << 16) | (u32)cdb[2] << 8 | cdb[3];
		*blocks = cdb[4] ? cdb[4] : 256;
		return 0;
	case NULL_OP_READ_10:
	case NULL_OP_WRITE_10:
		if (cdb_len < 10)
			return -EINVAL;
		*lba = null_be32(cdb + 2);
		*blocks = (u32)cdb[7] << 8 | cdb[8];
		return 0;
	case NULL_OP_READ_12:
	case NULL_OP_WRITE_12:
		if (cdb_len < 12)
			return -EINVAL;
		*lba = null_be32(cdb + 2);
		*blocks = null_be32(cdb + 6);
		return 0;
	case NULL_OP_READ_16:
	case NULL_OP_WRITE_16:
		if (cdb_len < 16)
			return -EINVAL;
		*lba = (u64)null_be32(cdb + 2) << 32 | null_be32(cdb + 6);
		*blocks = null_be32(cdb + 10);
		return 0;
	default:
		return -EINVAL;
	}
}

static u32 null_inquiry(const u8 *cdb, u8 *out, struct acxxx_cpl *cpl,
			u8 *sense, u32 sense_size)
{
	static const char id[] = "ACCUSYS NULL VOLUME     0001";

	memset(out, 0, 64);
	if (cdb[1] & 0x01) {
		switch (cdb[2]) {
		case 0x00:
			out[3] = 2;
			out[4] = 0x00;
			out[5] = 0x80;
			return 6;
		case 0x80:
			out[1] = 0x80;
			out[3] = sizeof(null_serial) - 1;
			memcpy(out + 4, null_serial, sizeof(null_serial) - 1);
			return 4 + sizeof(null_serial) - 1;
		default:
			null_check(cpl, sense, sense_size,
				   NULL_SK_ILLEGAL_REQUEST, 0x24, 0x00);
			return 0;
		}
	}
	if (cdb[2]) {
		null_check(cpl, sense, sense_size, NULL_SK_ILLEGAL_REQUEST,
			   0x24, 0x00);
		return 0;
	}
	out[0] = 0x00;		/* direct-access block device */
	out[2] = 0x06;		/* SPC-4 */
	out[3] = 0x02;		/* response data format 2 */
	out[4] = 36 - 5;	/* additional length */
	out[7] = 0x02;		/* command queueing */
	memcpy(out + 8, id, sizeof(id) - 1);
	return 36;
}

/**
 * acxxx_null_exec() - answer a SCSI command without hardware
 * @lun: LUN index the command is for
 * @cdb: the CDB
 * @cdb_len: its length
 * @data_len: the command's data length
 * @buf: buffer for data sent to the host, at least 64 bytes
 * @buf_len: its size
 * @cpl: completion to fill, as acxxx_decode_reply() would
 * @sense: sense buffer, may be NULL
 * @sense_size: its size
 *
 * Data for the host goes to @buf (the caller copies @data_len -
 * @cpl->residual bytes of it to the command's buffer); data from the host
 * is never looked at.
 *
 * Return: 0 (the outcome is in @cpl), -EINVAL for a missing CDB or a
 * buffer smaller than 64 bytes.
 */
int acxxx_null_exec(u8 lun, const u8 *cdb, u8 cdb_len, u32 data_len,
		    u8 *buf, u32 buf_len, struct acxxx_cpl *cpl,
		    u8 *sense, u32 sense_size)
{
	u32 n = 0, alloc, blocks;
	u64 lba;

	if (!cdb || !cdb_len || !buf || buf_len < 64)
		return -EINVAL;

	memset(cpl, 0, sizeof(*cpl));
	cpl->kind = ACXXX_CPL_SCSI;
	cpl->function = ACXXX_FN_SCSI_IO;
	cpl->reply_status = ACXXX_RS_SUCCESS;
	cpl->data_len = data_len;

	if (lun != 0) {
		cpl->reply_status = ACXXX_RS_NO_DEVICE;
		return 0;
	}

	switch (cdb[0]) {
	case NULL_OP_TEST_UNIT_READY:
	case NULL_OP_SYNC_CACHE:
	case NULL_OP_SYNC_CACHE_16:
	case NULL_OP_START_STOP:
		break;
	case NULL_OP_REQUEST_SENSE:
		memset(buf, 0, NULL_FIXED_SENSE_LEN);
		buf[0] = 0x70;
		buf[7] = NULL_FIXED_SENSE_LEN - 8;
		n = NULL_FIXED_SENSE_LEN;
		alloc = cdb_len >= 5 ? cdb[4] : 0;
		if (n > alloc)
			n = alloc;
		break;
	case NULL_OP_INQUIRY:
		if (cdb_len < 6)
			goto bad_field;
		n = null_inquiry(cdb, buf, cpl, sense, sense_size);
		alloc = (u32)cdb[3] << 8 | cdb[4];
		if (n > alloc)
			n = alloc;
		break;
	case NULL_OP_READ_CAPACITY:
		memset(buf, 0, 8);
		null_put_be32(buf, ACXXX_NULL_BLOCKS - 1);
		null_put_be32(buf + 4, ACXXX_NULL_BLOCK_SIZE);
		n = 8;
		break;
	case NULL_OP_SERVICE_IN_16:
		if (cdb_len < 16 || (cdb[1] & 0x1F) != NULL_SAI_READ_CAPACITY_16)
			goto bad_opcode;
		memset(buf, 0, 32);
		null_put_be64(buf, ACXXX_NULL_BLOCKS - 1);
		null_put_be32(buf + 8, ACXXX_NULL_BLOCK_SIZE);
		n = 32;
		alloc = null_be32(cdb + 10);
		if (n > alloc)
			n = alloc;
		break;
	case NULL_OP_REPORT_LUNS:
		if (cdb_len < 12)
			goto bad_field;
		memset(buf, 0, 16);
		null_put_be32(buf, 8);	/* one 8-byte LUN entry: LUN 0 */
		n = 16;
		alloc = null_be32(cdb + 6);
		if (n > alloc)
			n = alloc;
		break;
	case NULL_OP_READ_6:
	case NULL_OP_READ_10:
	case NULL_OP_READ_12:
	case NULL_OP_READ_16:
	case NULL_OP_WRITE_6:
	case NULL_OP_WRITE_10:
	case NULL_OP_WRITE_12:
	case NULL_OP_WRITE_16:
		if (null_rw_range(cdb, cdb_len, &lba, &blocks))
			goto bad_field;
		if (lba > ACXXX_NULL_BLOCKS || blocks > ACXXX_NULL_BLOCKS - lba) {
			null_check(cpl, sense, sense_size,
				   NULL_SK_ILLEGAL_REQUEST, 0x21, 0x00);
			return 0;
		}
		if (cdb[0] & 0x02) {
			/* A write (bit 1 of every write opcode): discarded. */
			cpl->transfer_count = data_len;
			return 0;
		}
		/* A read: there is no medium behind this volume. */
		null_check(cpl, sense, sense_size, NULL_SK_MEDIUM_ERROR,
			   0x11, 0x00);
		return 0;
	default:
		goto bad_opcode;
	}

	if (cpl->scsi_status)
		return 0;
	if (n > data_len)
		n = data_len;
	if (n > buf_len)
		n = buf_len;
	cpl->transfer_count = n;
	cpl->residual = data_len - n;
	if (cpl->residual)
		cpl->flags |= ACXXX_CPL_F_RESID_VALID;
	return 0;

bad_opcode:
	null_check(cpl, sense, sense_size, NULL_SK_ILLEGAL_REQUEST, 0x20, 0x00);
	return 0;
bad_field:
	null_check(cpl, sense, sense_size, NULL_SK_ILLEGAL_REQUEST, 0x24, 0x00);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_null_exec);
