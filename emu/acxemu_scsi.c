// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the SCSI command set of a RAID logical volume (spec 16.20).
 *
 * Errors use fixed-format sense: ILLEGAL REQUEST with 0x20/0x00 (invalid
 * command operation code), 0x24/0x00 (invalid field in CDB), 0x21/0x00
 * (LBA out of range); MEDIUM ERROR 0x11/0x00 with the failing LBA in the
 * information field; NOT READY 0x04/0x02 after STOP UNIT; HARDWARE ERROR
 * 0x44/0x00 when the backing medium fails.
 */
#include <errno.h>
#include <string.h>

#include "acxemu_priv.h"

#define SAM_GOOD		0x00
#define SAM_CHECK		0x02

#define KEY_NOT_READY		0x02
#define KEY_MEDIUM		0x03
#define KEY_HARDWARE		0x04
#define KEY_ILLEGAL		0x05
#define KEY_MISCOMPARE		0x0E

#define DATA_IN			1
#define DATA_OUT		2
#define DATA_NONE		0

static void sense(struct scsi_result *res, u8 key, u8 asc,
		  u8 ascq)
{
	res->sstatus = SAM_CHECK;
	res->key = key;
	res->asc = asc;
	res->ascq = ascq;
}

static void bad_field(struct scsi_result *res)
{
	sense(res, KEY_ILLEGAL, 0x24, 0x00);
}

static void bad_lba(struct scsi_result *res)
{
	sense(res, KEY_ILLEGAL, 0x21, 0x00);
}

static void hw_error(struct scsi_result *res)
{
	sense(res, KEY_HARDWARE, 0x44, 0x00);
}

/* Expected data direction of a command, or -1 for an unknown opcode. */
static int cmd_dir(const u8 *cdb)
{
	switch (cdb[0]) {
	case 0x00: case 0x1B: case 0x35: case 0x91:	/* TUR, SSU, SYNC */
		return DATA_NONE;
	case 0x2F: case 0x8F:				/* VERIFY */
		return (cdb[1] & 0x06) ? DATA_OUT : DATA_NONE;
	case 0x03: case 0x12: case 0x25: case 0x9E:
	case 0x08: case 0x28: case 0xA8: case 0x88:
	case 0x1A: case 0x5A: case 0xA0:
		return DATA_IN;
	case 0x0A: case 0x2A: case 0xAA: case 0x8A:
		return DATA_OUT;
	}
	return -1;
}

/*
 * A data copy failed: the host gave an address it did not map (a guest
 * error, counted), unless a re-init, flush or task management cancelled
 * the request while it copied (not the host's fault: the reply is never
 * delivered anyway).
 */
static void data_dma_failed(struct acxemu *emu, struct scsi_result *res, int rc)
{
	if (rc != -ECANCELED)
		reject(emu, ACXEMU_REJ_DMA_DATA);
	res->rstatus = ACXXX_RS_INVALID_BDL;
}

/* Send @avail bytes of @buf, at most @alloc and the data length. */
static void data_in(struct acxemu *emu, struct emu_req *req,
		    struct scsi_result *res, u32 data_len,
		    const u8 *buf, u32 avail, u32 alloc)
{
	u32 n = avail;
	int rc;

	if (n > alloc)
		n = alloc;
	if (n > data_len)
		n = data_len;
	rc = n ? sg_copy_to_host(emu, req, 0, buf, n) : 0;
	if (rc) {
		data_dma_failed(emu, res, rc);
		return;
	}
	res->xfer = n;
	stat_add(&emu->st_bytes_read, n);
}

static void pad_copy(u8 *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	memset(dst, ' ', len);
	memcpy(dst, src, n < len ? n : len);
}

static void inquiry(struct acxemu *emu, struct emu_req *req,
		    struct emu_vol *vol, const u8 *cdb, u32 data_len,
		    struct scsi_result *res)
{
	u32 alloc = get_be16(cdb + 3);
	u8 b[256];
	u32 n;

	memset(b, 0, sizeof(b));
	if (cdb[1] & 0x02) {			/* CMDDT: obsolete */
		bad_field(res);
		return;
	}
	if (!(cdb[1] & 0x01)) {
		if (cdb[2]) {
			bad_field(res);
			return;
		}
		b[0] = 0x00;			/* connected, direct access */
		b[2] = 0x06;			/* SPC-4 */
		b[3] = 0x12;			/* HISUP, response format 2 */
		b[4] = 36 - 5;
		b[7] = 0x02;			/* CMDQUE */
		pad_copy(b + 8, "ACCUSYS", 8);
		pad_copy(b + 16, emu->inq_product, 16);
		pad_copy(b + 32, emu->fw_version, 4);
		data_in(emu, req, res, data_len, b, 36, alloc);
		return;
	}
	b[1] = cdb[2];
	switch (cdb[2]) {
	case 0x00:
		b[4] = 0x00;
		b[5] = 0x80;
		b[6] = 0x83;
		b[7] = 0xB0;
		b[8] = 0xB1;
		n = 5;
		break;
	case 0x80:
		n = strlen(vol->serial);
		memcpy(b + 4, vol->serial, n);
		break;
	case 0x83: {
		u8 *d = b + 4;
		size_t sl = strlen(vol->serial);

		/* NAA designator, logical unit association */
		d[0] = 0x01;			/* binary */
		d[1] = 0x03;			/* NAA */
		d[3] = vol->naa_len;
		memcpy(d + 4, vol->naa, vol->naa_len);
		d += 4 + vol->naa_len;
		/* T10 vendor ID designator: vendor + volume serial */
		d[0] = 0x02;			/* ASCII */
		d[1] = 0x01;			/* T10 vendor ID */
		d[3] = 8 + sl;
		pad_copy(d + 4, "ACCUSYS", 8);
		memcpy(d + 12, vol->serial, sl);
		d += 12 + sl;
		n = d - (b + 4);
		break;
	}
	case 0xB0:
		n = 0x3C;
		put_be16(b + 6, 8);			/* optimal granularity */
		put_be32(b + 8, EMU_MAX_XFER_BLOCKS);	/* maximum transfer */
		put_be32(b + 12, 256);			/* optimal transfer */
		break;
	case 0xB1:
		n = 0x3C;			/* rotation rate not reported */
		break;
	default:
		bad_field(res);
		return;
	}
	put_be16(b + 2, n);
	data_in(emu, req, res, data_len, b, n + 4, alloc);
}

static void mode_page_caching(u8 *p, bool changeable)
{
	memset(p, 0, 20);
	p[0] = 0x08;
	p[1] = 0x12;
	if (!changeable)
		p[2] = 0x04;			/* WCE */
}

static void mode_page_control(u8 *p, bool changeable)
{
	memset(p, 0, 12);
	p[0] = 0x0A;
	p[1] = 0x0A;
	if (!changeable)
		p[3] = 0x10;			/* unrestricted reordering */
}

static void mode_sense(struct acxemu *emu, struct emu_req *req,
		       struct emu_vol *vol, const u8 *cdb,
		       u32 data_len, struct scsi_result *res)
{
	bool ten = cdb[0] == 0x5A;
	bool dbd = cdb[1] & 0x08;
	bool llbaa = ten && (cdb[1] & 0x10);
	u8 pc = cdb[2] >> 6, page = cdb[2] & 0x3F, sub = cdb[3];
	u32 alloc = ten ? get_be16(cdb + 7) : cdb[4];
	u8 b[128];
	u32 hl = ten ? 8 : 4, bdl = 0, len;

	if (pc == 3) {
		sense(res, KEY_ILLEGAL, 0x39, 0x00);	/* saving unsupported */
		return;
	}
	if ((page != 0x08 && page != 0x0A && page != 0x3F) ||
	    (sub && !(page == 0x3F && sub == 0xFF))) {
		bad_field(res);
		return;
	}
	memset(b, 0, sizeof(b));
	if (!dbd) {
		u8 *d = b + hl;

		if (llbaa) {
			bdl = 16;
			put_be64(d, vol->nblocks);
			put_be32(d + 12, EMU_BLOCK);
		} else {
			bdl = 8;
			put_be32(d, vol->nblocks > 0xFFFFFFFFull ? 0xFFFFFFFFu :
				 (u32)vol->nblocks);
			put_be32(d + 4, EMU_BLOCK);	/* density 0 */
		}
	}
	len = hl + bdl;
	if (page == 0x08 || page == 0x3F) {
		mode_page_caching(b + len, pc == 1);
		len += 20;
	}
	if (page == 0x0A || page == 0x3F) {
		mode_page_control(b + len, pc == 1);
		len += 12;
	}
	if (ten) {
		put_be16(b, len - 2);
		b[3] = 0x10;			/* DPOFUA */
		b[4] = llbaa && bdl ? 0x01 : 0;	/* LONGLBA */
		put_be16(b + 6, bdl);
	} else {
		b[0] = len - 1;
		b[2] = 0x10;
		b[3] = bdl;
	}
	data_in(emu, req, res, data_len, b, len, alloc);
}

static bool range_bad(struct emu_vol *vol, u64 lba, u64 n)
{
	return lba > vol->nblocks || n > vol->nblocks - lba;
}

static void medium_error(struct acxemu *emu, struct scsi_result *res,
			 u64 lba)
{
	sense(res, KEY_MEDIUM, 0x11, 0x00);
	res->info_valid = lba <= 0xFFFFFFFFull;
	res->info = (u32)lba;
	stat_inc(&emu->st_medium_errors);
}

static void read_write(struct acxemu *emu, struct emu_worker *w,
		       struct emu_req *req, struct emu_vol *vol,
		       const u8 *cdb, u32 data_len,
		       struct scsi_result *res)
{
	bool write = cdb[0] == 0x0A || cdb[0] == 0x2A || cdb[0] == 0xAA ||
		     cdb[0] == 0x8A;
	bool fua = cdb[0] != 0x08 && cdb[0] != 0x0A && (cdb[1] & 0x08);
	u64 lba, bytes, wb = 0;
	u32 n, good;
	s64 bad;
	int rc;

	scsi_cdb_lba(cdb, &lba, &n);
	if (cdb[0] != 0x08 && cdb[0] != 0x0A && (cdb[1] & 0xE0)) {
		bad_field(res);			/* no protection information */
		return;
	}
	if (range_bad(vol, lba, n)) {
		bad_lba(res);
		return;
	}
	if (n > EMU_MAX_XFER_BLOCKS) {
		bad_field(res);
		return;
	}
	if (!n)
		return;
	if (vol->stopped) {
		sense(res, KEY_NOT_READY, 0x04, 0x02);
		return;
	}
	bytes = (u64)n * EMU_BLOCK;
	if (bytes > data_len) {
		res->rstatus = ACXXX_RS_OVERRUN;
		res->overrun = true;
		res->over = bytes - data_len;
		return;
	}
	bad = vol_medium_error(vol, lba, n, write);
	good = bad >= 0 ? (u32)(bad - (s64)lba) : n;
	if (!write) {
		if (good && vol_read(vol, lba, good, w->bounce)) {
			hw_error(res);
			return;
		}
		rc = good ? sg_copy_to_host(emu, req, 0, w->bounce,
					    good * EMU_BLOCK) : 0;
		if (rc) {
			data_dma_failed(emu, res, rc);
			return;
		}
		stat_add(&emu->st_bytes_read, (u64)good * EMU_BLOCK);
	} else {
		/* take every byte from the host before touching the cache */
		rc = sg_copy_from_host(emu, req, 0, w->bounce, bytes);
		if (rc) {
			data_dma_failed(emu, res, rc);
			return;
		}
		if (good && vol_write(vol, lba, good, w->bounce, fua, &wb)) {
			hw_error(res);
			return;
		}
		stat_add(&emu->st_cache_writebacks, wb);
		stat_add(&emu->st_bytes_written, (u64)good * EMU_BLOCK);
	}
	res->xfer = good * EMU_BLOCK;
	if (bad >= 0)
		medium_error(emu, res, (u64)bad);
}

static void verify(struct acxemu *emu, struct emu_worker *w,
		   struct emu_req *req, struct emu_vol *vol, const u8 *cdb,
		   u32 data_len, struct scsi_result *res)
{
	u8 bytchk = (cdb[1] >> 1) & 3;
	u64 lba, done;
	u32 n;
	s64 bad;
	int rc;

	scsi_cdb_lba(cdb, &lba, &n);
	if ((cdb[1] & 0xE0) || bytchk > 1) {
		bad_field(res);
		return;
	}
	if (range_bad(vol, lba, n)) {
		bad_lba(res);
		return;
	}
	if (!n)
		return;
	if (vol->stopped) {
		sense(res, KEY_NOT_READY, 0x04, 0x02);
		return;
	}
	if (bytchk && n > EMU_MAX_XFER_BLOCKS / 2) {
		bad_field(res);
		return;
	}
	if (bytchk && n * EMU_BLOCK > data_len) {
		res->rstatus = ACXXX_RS_OVERRUN;
		res->overrun = true;
		res->over = n * EMU_BLOCK - data_len;
		return;
	}
	bad = vol_medium_error(vol, lba, n, false);
	if (bad >= 0) {
		medium_error(emu, res, (u64)bad);
		return;
	}
	if (!bytchk)
		return;
	/* compare: host data in the first half, medium in the second */
	rc = sg_copy_from_host(emu, req, 0, w->bounce, n * EMU_BLOCK);
	if (rc) {
		data_dma_failed(emu, res, rc);
		return;
	}
	res->xfer = n * EMU_BLOCK;
	stat_add(&emu->st_bytes_written, res->xfer);
	if (vol_read(vol, lba, n, w->bounce + EMU_MAX_XFER / 2)) {
		hw_error(res);
		return;
	}
	for (done = 0; done < (u64)n * EMU_BLOCK; done++) {
		if (w->bounce[done] != w->bounce[EMU_MAX_XFER / 2 + done]) {
			sense(res, KEY_MISCOMPARE, 0x1D, 0x00);
			res->info_valid = true;
			res->info = (u32)done;
			return;
		}
	}
}

static void sync_cache(struct emu_vol *vol, const u8 *cdb,
		       struct scsi_result *res)
{
	u64 lba;
	u32 n;

	scsi_cdb_lba(cdb, &lba, &n);
	if (range_bad(vol, lba, n)) {
		bad_lba(res);
		return;
	}
	if (vol_flush(vol, lba, n ? n : vol->nblocks - lba))
		hw_error(res);
}

static void read_capacity(struct acxemu *emu, struct emu_req *req,
			  struct emu_vol *vol, const u8 *cdb,
			  u32 data_len, struct scsi_result *res)
{
	u8 b[32];

	memset(b, 0, sizeof(b));
	if (cdb[0] == 0x25) {
		if (!(cdb[8] & 0x01) && get_be32(cdb + 2)) {
			bad_field(res);		/* LBA without PMI */
			return;
		}
		put_be32(b, vol->nblocks - 1 > 0xFFFFFFFFull ? 0xFFFFFFFFu :
			 (u32)(vol->nblocks - 1));
		put_be32(b + 4, EMU_BLOCK);
		data_in(emu, req, res, data_len, b, 8, 8);
		return;
	}
	if ((cdb[1] & 0x1F) != 0x10) {		/* SERVICE ACTION IN(16) */
		bad_field(res);
		return;
	}
	put_be64(b, vol->nblocks - 1);
	put_be32(b + 8, EMU_BLOCK);
	data_in(emu, req, res, data_len, b, 32, get_be32(cdb + 10));
}

static void report_luns(struct acxemu *emu, struct emu_req *req,
			const u8 *cdb, u32 data_len,
			struct scsi_result *res)
{
	u32 alloc = get_be32(cdb + 6);
	u8 b[16];

	if (alloc < 16 || cdb[2] > 0x02) {
		bad_field(res);
		return;
	}
	memset(b, 0, sizeof(b));
	/* each volume is its own target with LUN 0 (16.4) */
	if (cdb[2] != 0x01)
		put_be32(b, 8);
	data_in(emu, req, res, data_len, b, cdb[2] != 0x01 ? 16 : 8, alloc);
}

static void start_stop(struct emu_vol *vol, const u8 *cdb,
		       struct scsi_result *res)
{
	if ((cdb[4] & 0xF0) || (cdb[4] & 0x02)) {
		bad_field(res);			/* power conditions, LOEJ */
		return;
	}
	if (!(cdb[4] & 0x01) && vol_flush(vol, 0, vol->nblocks)) {
		hw_error(res);
		return;
	}
	pthread_mutex_lock(&vol->lock);
	vol->stopped = !(cdb[4] & 0x01);
	pthread_mutex_unlock(&vol->lock);
}

void scsi_execute(struct acxemu *emu, struct emu_worker *w, struct emu_req *req,
		  struct emu_vol *vol, u32 dir, u32 data_len,
		  struct scsi_result *res)
{
	const u8 *cdb = req->frame + offsetof(struct acxxx_scsi_req, cdb);
	int want = cmd_dir(cdb);
	u8 b[18];

	stat_inc(&emu->st_scsi_ops[cdb[0]]);
	if (want < 0) {
		sense(res, KEY_ILLEGAL, 0x20, 0x00);
		return;
	}
	/*
	 * A buffer the command moves data against in the other direction is
	 * refused.  A buffer longer than what the command moves, a buffer on
	 * a command that moves none (TEST UNIT READY with a read buffer)
	 * included, is what SAM allows: the command runs and the reply says
	 * how much was not moved (docs/decisions.md "Data buffers").
	 */
	if (data_len && ((want == DATA_IN && dir != ACXXX_CTL_DIR_READ) ||
			 (want == DATA_OUT && dir != ACXXX_CTL_DIR_WRITE))) {
		reject(emu, ACXEMU_REJ_BAD_FIELD);
		res->rstatus = ACXXX_RS_INVALID_FIELD;
		return;
	}
	switch (cdb[0]) {
	case 0x00:
		if (vol->stopped)
			sense(res, KEY_NOT_READY, 0x04, 0x02);
		break;
	case 0x03:
		if (cdb[1] & 0x01) {		/* descriptor format */
			bad_field(res);
			break;
		}
		memset(b, 0, sizeof(b));
		b[0] = 0x70;
		b[7] = 10;
		data_in(emu, req, res, data_len, b, 18, cdb[4]);
		break;
	case 0x12:
		inquiry(emu, req, vol, cdb, data_len, res);
		break;
	case 0x25:
	case 0x9E:
		read_capacity(emu, req, vol, cdb, data_len, res);
		break;
	case 0x08: case 0x28: case 0xA8: case 0x88:
	case 0x0A: case 0x2A: case 0xAA: case 0x8A:
		read_write(emu, w, req, vol, cdb, data_len, res);
		break;
	case 0x2F:
	case 0x8F:
		verify(emu, w, req, vol, cdb, data_len, res);
		break;
	case 0x35:
	case 0x91:
		sync_cache(vol, cdb, res);
		break;
	case 0x1A:
	case 0x5A:
		mode_sense(emu, req, vol, cdb, data_len, res);
		break;
	case 0x1B:
		start_stop(vol, cdb, res);
		break;
	case 0xA0:
		report_luns(emu, req, cdb, data_len, res);
		break;
	}
}
