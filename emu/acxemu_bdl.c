// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: element lists and data copying (layer 8 of emu/README.md).
 *
 * Parsing a request's buffer descriptor list (5.5, 5.6, 16.6, 16.15) into
 * its scatter/gather elements, copying data between a model buffer and
 * those elements through the request's DMA bracket, and the LBA range of a
 * block command's CDB.  Used by the request intake, the SCSI command set
 * and the fault rules; it calls only the request lifecycle and nothing
 * above it.
 */
#include <errno.h>
#include <string.h>

#include "acxemu_priv.h"

/* ---- scatter/gather copy ------------------------------------------------- */

static int sg_copy(struct acxemu *emu, struct emu_req *req, u32 off,
		   void *buf, u32 len, bool to_host)
{
	u8 *p = buf;
	unsigned int i;
	int rc = 0;

	if (!len)
		return 0;
	if (!req_dma_begin(emu, req))
		return -ECANCELED;
	for (i = 0; i < req->nsg && len; i++) {
		const struct emu_sge *e = &req->sg[i];
		u32 n;

		if (off >= e->len) {
			off -= e->len;
			continue;
		}
		n = e->len - off;
		if (n > len)
			n = len;
		if (to_host)
			rc = emu_dma_write(emu, e->addr + off, p, n);
		else
			rc = emu_dma_read(emu, e->addr + off, p, n);
		if (rc) {
			rc = -EFAULT;
			break;
		}
		p += n;
		len -= n;
		off = 0;
	}
	if (!rc && len)
		rc = -EFAULT;
	req_dma_end(emu, req);
	return rc;
}

int sg_copy_to_host(struct acxemu *emu, struct emu_req *req, u32 off,
		    const void *buf, u32 len)
{
	return sg_copy(emu, req, off, (void *)buf, len, true);
}

int sg_copy_from_host(struct acxemu *emu, struct emu_req *req, u32 off,
		      void *buf, u32 len)
{
	return sg_copy(emu, req, off, buf, len, false);
}

/* ---- buffer descriptor lists (5.5, 5.6, 16.6, 16.15) --------------------- */

/* One 12-byte basic element; false if malformed. */
bool parse_basic(const u8 *p, u32 dir, struct emu_sge *e)
{
	u32 fl = get_le32(p);
	u8 flags = fl >> ACXXX_SGE_FLAGS_SHIFT;
	bool elem_write = flags & ACXXX_SGE_FLAG_WRITE;
	bool cmd_write = dir == ACXXX_CTL_DIR_WRITE;
	u64 addr;

	if (flags & ~(ACXXX_SGE_FLAG_WRITE | ACXXX_SGE_FLAG_ADDR64))
		return false;
	if (elem_write != cmd_write)
		return false;
	addr = get_le32(p + 4);
	if (flags & ACXXX_SGE_FLAG_ADDR64)
		addr |= (u64)get_le32(p + 8) << 32;
	e->addr = addr;
	e->len = fl & ACXXX_SGE_LEN_MASK;
	return true;
}

/* One 16-byte read/write element; @last says whether it ends the list. */
static bool parse_rw(struct acxemu *emu, const u8 *p, bool last,
		     struct emu_sge *e)
{
	u32 ext = get_le32(p + 12);
	u32 want = 0;

	if (emu->family == ACXEMU_FAMILY_3108 && last)
		want = ACXXX_SGE_RW_LAST;
	if (ext != want)
		return false;
	e->addr = get_le32(p) | (u64)get_le32(p + 4) << 32;
	e->len = get_le32(p + 8);
	return true;
}

/*
 * Walk @max elements of @esize bytes at @base by the data length.  With
 * @exact, all @max elements must be used (list mode: the count is known).
 */
static int walk_elements(struct acxemu *emu, struct emu_req *req,
			 const u8 *base, unsigned int max, unsigned int esize,
			 bool exact, u32 dir, u32 data_len)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < max && sum < data_len; i++) {
		const u8 *p = base + i * esize;
		struct emu_sge *e = &req->sg[i];
		bool ok;

		if (esize == 16) {
			u64 len = get_le32(p + 8);

			ok = parse_rw(emu, p, sum + len == data_len, e);
		} else {
			ok = parse_basic(p, dir, e);
		}
		if (!ok || !e->len || e->addr + e->len < e->addr)
			return -EINVAL;
		sum += e->len;
	}
	if (sum != data_len || (exact && i != max))
		return -EINVAL;
	req->nsg = i;
	return 0;
}

int parse_bdl(struct acxemu *emu, struct emu_req *req, u32 dir, u32 data_len,
	      bool rw16)
{
	const u8 *f = req->frame;
	unsigned int esize = rw16 ? 16 : 12;
	u8 list[ACXXX_MAX_LIST_BYTES];
	unsigned int i;

	req->nsg = 0;
	if (!data_len)
		return 0;
	if (f[ACXXX_SCSI_LIST_FLAG_BYTE] & ACXXX_SGE_FLAG_LIST) {
		u32 fl = get_le32(f + ACXXX_SCSI_BDL_OFFSET);
		u8 flags = fl >> ACXXX_SGE_FLAGS_SHIFT;
		u32 count = fl & ACXXX_SGE_LEN_MASK;
		u64 addr = get_le32(f + ACXXX_SCSI_BDL_OFFSET + 4);

		if ((flags & ~ACXXX_SGE_FLAG_ADDR64) != ACXXX_SGE_FLAG_LIST)
			return -EINVAL;
		if (flags & ACXXX_SGE_FLAG_ADDR64)
			addr |= (u64)get_le32(f + ACXXX_SCSI_BDL_OFFSET + 8) << 32;
		if (!count || count > ACXXX_MAX_LIST_ELEMS ||
		    count * esize > ACXXX_MAX_LIST_BYTES)
			return -EINVAL;
		if (req_dma_read(emu, req, addr, list, count * esize))
			return -EFAULT;
		return walk_elements(emu, req, list, count, esize, true, dir,
				     data_len);
	}
	if (rw16) {
		for (i = ACXXX_SCSI_BDL_OFFSET; i < ACXXX_SCSI_RW_DIRECT_OFFSET; i++)
			if (f[i])
				return -EINVAL;
		return walk_elements(emu, req, f + ACXXX_SCSI_RW_DIRECT_OFFSET,
				     ACXXX_DIRECT_MAX_RW, 16, false, dir, data_len);
	}
	return walk_elements(emu, req, f + ACXXX_SCSI_BDL_OFFSET,
			     ACXXX_DIRECT_MAX_BASIC, 12, false, dir, data_len);
}

bool scsi_cdb_lba(const u8 *cdb, u64 *lba, u32 *nblocks)
{
	switch (cdb[0]) {
	case 0x08: case 0x0A:
		*lba = (u32)(cdb[1] & 0x1F) << 16 | get_be16(cdb + 2);
		*nblocks = cdb[4] ? cdb[4] : 256;
		return true;
	case 0x28: case 0x2A: case 0x2F: case 0x35:
		*lba = get_be32(cdb + 2);
		*nblocks = get_be16(cdb + 7);
		return true;
	case 0xA8: case 0xAA:
		*lba = get_be32(cdb + 2);
		*nblocks = get_be32(cdb + 6);
		return true;
	case 0x88: case 0x8A: case 0x8F: case 0x91:
		*lba = get_be64(cdb + 2);
		*nblocks = get_be32(cdb + 10);
		return true;
	}
	return false;
}
