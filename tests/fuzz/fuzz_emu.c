// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Fuzz the device model's request parsing with what a hostile or buggy
 * host could post: request frames of every function, element lists in
 * direct and list mode, management CDBs, task management, free reply
 * frame addresses and register writes.
 *
 * Input: byte 0 picks the family, then records: 1 byte template (a valid
 * request of each kind, so the fuzzer starts deep), 1 byte count of
 * (offset, value) patches applied to the frame, the patches, then the
 * request is posted and served, and the replies drained.  Guest memory is
 * a small arena; anything the frame points outside it must fail cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acxxx_proto.h"
#include "acxemu.h"
#include "fuzz.h"

#define BASE		0x0000000200000000ULL
#define ARENA		(256 * 1024)
#define FRAME_AT(i)	(0x1000 + (i) * 0x1000)	/* 16 request frames */
#define REPLY_AT(i)	(0x20000 + (i) * 0x100)	/* 64 reply frames */
#define DATA_AT		0x30000			/* 64 KiB of data */
#define MGMT_AT		0x28000

static unsigned char arena[ARENA];

static int dma_read(void *ctx, u64 addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || len > ARENA || addr - BASE > ARENA - len)
		return -14;
	memcpy(buf, arena + (addr - BASE), len);
	return 0;
}

static int dma_write(void *ctx, u64 addr, const void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || len > ARENA || addr - BASE > ARENA - len)
		return -14;
	memcpy(arena + (addr - BASE), buf, len);
	return 0;
}

static const struct acxemu_dma_ops ops = { dma_read, dma_write };

static void put32(unsigned char *p, u32 v)
{
	memcpy(p, &v, 4);	/* little-endian hosts only, like the model */
}

/* A valid request of each kind at frame @i. */
static void template(unsigned int kind, unsigned int i, bool rw_elems)
{
	unsigned char *f = arena + FRAME_AT(i);
	u64 data = BASE + DATA_AT;
	unsigned int n;

	memset(f, 0, 0x1000);
	f[4] = (unsigned char)(((i + 1) << 2) & 0xFF);
	f[5] = (unsigned char)(((i + 1) << 2) >> 8);
	switch (kind % 6) {
	case 0:		/* READ(10) 8 blocks, direct */
	case 1:		/* WRITE(16) 8 blocks, list of 4 */
		f[3] = ACXXX_FN_SCSI_IO;
		f[8] = kind % 6 ? 16 : 10;
		f[9] = 64;
		put32(f + 0x0C, (kind % 6 ? 1 : 2) | 0x04 | 0x28);
		f[0x10] = kind % 6 ? 0x8A : 0x28;
		f[0x10 + (kind % 6 ? 13 : 8)] = 8;
		put32(f + 0x20, 4096);
		put32(f + 0x24, (u32)(BASE + FRAME_AT(i) + 0x900));
		if (kind % 6 == 0) {
			if (rw_elems) {
				put32(f + 0x30, (u32)data);
				put32(f + 0x34, (u32)(data >> 32));
				put32(f + 0x38, 4096);
				put32(f + 0x3C, 0x40000000);
			} else {
				put32(f + 0x28, 0x10000000 | 4096);
				put32(f + 0x2C, (u32)data);
				put32(f + 0x30, (u32)(data >> 32));
			}
			break;
		}
		put32(f + 0x28, 0x50000000 | 4);
		put32(f + 0x2C, (u32)(BASE + FRAME_AT(i) + 0x40));
		put32(f + 0x30, (u32)((BASE + FRAME_AT(i)) >> 32));
		for (n = 0; n < 4; n++) {
			unsigned char *e = f + 0x40 + n * (rw_elems ? 16 : 12);

			if (rw_elems) {
				put32(e, (u32)(data + n * 1024));
				put32(e + 4, (u32)((data + n * 1024) >> 32));
				put32(e + 8, 1024);
				put32(e + 12, n == 3 ? 0x40000000 : 0);
			} else {
				put32(e, 0x30000000 | 1024);
				put32(e + 4, (u32)(data + n * 1024));
				put32(e + 8, (u32)((data + n * 1024) >> 32));
			}
		}
		break;
	case 2:		/* INQUIRY VPD 0x83 */
		f[3] = ACXXX_FN_SCSI_IO;
		f[8] = 6;
		f[9] = 64;
		put32(f + 0x0C, 2 | 0x04 | 0x28);
		f[0x10] = 0x12;
		f[0x11] = 1;
		f[0x12] = 0x83;
		f[0x14] = 255;
		put32(f + 0x20, 255);
		put32(f + 0x24, (u32)(BASE + FRAME_AT(i) + 0x900));
		put32(f + 0x28, 0x10000000 | 255);
		put32(f + 0x2C, (u32)data);
		put32(f + 0x30, (u32)(data >> 32));
		break;
	case 3:		/* management: get page 0 */
		f[2] = 2;
		f[3] = ACXXX_FN_MGMT;
		f[8] = 1;
		f[9] = 1;
		put32(f + 0x28, 0x200);
		put32(f + 0x30, 0x10000200);
		put32(f + 0x34, (u32)(BASE + MGMT_AT));
		put32(f + 0x38, (u32)((BASE + MGMT_AT) >> 32));
		break;
	case 4:		/* event switch on */
		f[2] = 1;
		f[3] = ACXXX_FN_EVENT_SWITCH;
		break;
	default:	/* task management: abort the task in frame 0 */
		f[2] = 1;
		f[3] = ACXXX_FN_TASK_MGMT;
		f[0x0C] = 4;
		break;
	}
}

static void drain(struct acxemu *emu, int family)
{
	u32 d;
	int n = 0;

	while ((d = acxemu_reg_read(emu, ACXXX_REG_REPLY_PORT, 4)) != ACXXX_EMPTY &&
	       n++ < 256) {
		if (d & ACXXX_RDESC_ADDR_FLAG) {
			/* give the frame back, as a host would */
			acxemu_reg_write(emu, ACXXX_REG_REPLY_PORT, d << 1, 4);
			if (family == ACXEMU_FAMILY_2208)
				acxemu_reg_write(emu, ACXXX_REG_IN_DOORBELL,
						 ACXXX_IDB_FREE_REPLY, 4);
		}
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u16 ids[] = { 0x6201, 0x6232, 0x6262 };
	struct acxemu_volume_config vol = { .lun = 0, .size = 1 << 20 };
	struct acxemu_config cfg = { 0 };
	struct acxemu *emu;
	unsigned int i, n, slot = 0;
	int family;

	if (size < 1)
		return 0;
	memset(arena, 0, sizeof(arena));
	cfg.device_id = ids[data[0] % 3];
	cfg.workers = 0;	/* synchronous: deterministic */
	cfg.dma = &ops;
	cfg.volumes = &vol;
	cfg.nvolumes = 1;
	cfg.tmf_unsupported = data[0] & 0x80;
	emu = acxemu_create(&cfg, NULL, NULL, 0);
	if (!emu)
		abort();
	family = acxemu_family(emu);
	data++;
	size--;

	/* Handshake and 64 free reply frames. */
	if (family == ACXEMU_FAMILY_341) {
		acxemu_reg_write(emu, ACXXX_REG_HOST_MSG0, (u32)(BASE >> 32), 4);
		acxemu_reg_write(emu, ACXXX_REG_OUT_INT_STATUS, 1, 4);
		acxemu_reg_write(emu, ACXXX_REG_OUT_INT_MASK, 0x17, 4);
	} else {
		acxemu_reg_write(emu, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET, 4);
		acxemu_reg_write(emu, ACXXX_REG_IN_DOORBELL,
				 ACXXX_IDB_HIADDR | (u32)(BASE >> 32), 4);
		acxemu_reg_read(emu, ACXXX_REG_OUT_DOORBELL, 4);
		acxemu_reg_write(emu, ACXXX_REG_OUT_DOORBELL_CLR, 1, 4);
		acxemu_reg_write(emu, ACXXX_REG_OUT_INT_MASK, 0x01, 4);
	}
	for (i = 0; i < 64; i++) {
		acxemu_reg_write(emu, ACXXX_REG_REPLY_PORT,
				 (u32)(BASE + REPLY_AT(i)), 4);
		if (family == ACXEMU_FAMILY_2208)
			acxemu_reg_write(emu, ACXXX_REG_IN_DOORBELL,
					 ACXXX_IDB_FREE_REPLY, 4);
	}

	while (size >= 2) {
		template(data[0], slot, family != ACXEMU_FAMILY_341 &&
			 (data[0] % 6 < 2));
		n = data[1];
		data += 2;
		size -= 2;
		for (i = 0; i < n && size >= 3; i++) {
			u16 off = (u16)(data[0] | data[1] << 8) % 0x1000;

			arena[FRAME_AT(slot) + off] = data[2];
			data += 3;
			size -= 3;
		}
		/* Posting, sometimes with a skewed address or a stray register. */
		if (n & 0x80 && size >= 4) {
			u32 v;

			memcpy(&v, data, 4);
			acxemu_reg_write(emu, data[0] & 0xFC, v, 4);
			data += 4;
			size -= 4;
		}
		acxemu_reg_read(emu, ACXXX_REG_REQUEST_PORT, 4);
		acxemu_reg_write(emu, ACXXX_REG_REQUEST_PORT,
				 (u32)(BASE + FRAME_AT(slot)) + (n & 0x40 ? n & 3 : 0),
				 4);
		acxemu_process(emu);
		drain(emu, family);
		slot = (slot + 1) % 16;
	}
	acxemu_process(emu);
	drain(emu, family);
	acxemu_destroy(emu);
	return 0;
}
