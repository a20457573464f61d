// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Fuzz the core's parsing of what comes from the firmware or from user
 * space besides replies: management page 0 and the LUN map reconciliation,
 * event codes, management requests a tool passes through, CDBs given to
 * the null responder, and register values fed to the handshake state
 * machine.
 *
 * Input: byte 0 selects the target; the rest is its data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acxxx_core.h"
#include "fuzz.h"

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

static void fuzz_page0(const u8 *data, size_t size)
{
	static u16 old_map[ACXXX_MAX_LUNS];
	struct acxxx_lun_diff d;
	struct acxxx_ident id;
	unsigned int i, n, changed = 0;
	u32 len = size > 0x200 ? 0x200 : (u32)size;

	if (acxxx_parse_page0(data, len, &id)) {
		check(len < 0x100, "a page holding the map parses");
		return;
	}
	for (i = 0; i < ACXXX_ID_LEN - 1 && id.model[i]; i++)
		check(id.model[i] >= 0x20 && id.model[i] < 0x7F, "printable");
	check(strnlen(id.serial, ACXXX_ID_LEN) < ACXXX_ID_LEN, "terminated");
	n = acxxx_lun_diff(old_map, id.lun_map, &d);
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		changed += old_map[i] != id.lun_map[i];
		if (d.add & (1ULL << i))
			check(id.lun_map[i] != ACXXX_LUN_ABSENT, "add present");
		if (d.remove & (1ULL << i))
			check(old_map[i] != ACXXX_LUN_ABSENT, "remove was present");
	}
	check(n == changed, "change count");
	memcpy(old_map, id.lun_map, sizeof(old_map));
}

static void fuzz_mgmt(const u8 *data, size_t size)
{
	struct acxxx_mgmt_xfer x;
	u32 user_len;
	u8 cdb[32] = { 0 };

	if (size < 4)
		return;
	memcpy(&user_len, data, 4);
	memcpy(cdb, data + 4, size - 4 > 32 ? 32 : size - 4);
	if (acxxx_mgmt_check(cdb, 32, user_len, &x))
		return;
	check(x.len <= ACXXX_MGMT_BUF_SIZE && x.len <= user_len, "bounded");
	check(!x.len == (x.dir == ACXXX_CTL_DIR_NONE), "direction");
	acxxx_event_type(cdb[0]);
}

static void fuzz_null(const u8 *data, size_t size)
{
	struct acxxx_cpl cpl;
	u8 buf[96], sense[32];
	u32 data_len;
	u8 cdb_len;

	if (size < 6)
		return;
	memcpy(&data_len, data, 4);
	cdb_len = data[4] % 17;
	data += 5;
	size -= 5;
	if (!cdb_len || size < cdb_len)
		return;
	check(!acxxx_null_exec(data[cdb_len - 1] % 3 ? 0 : 1, data, cdb_len,
			       data_len, buf, sizeof(buf), &cpl, sense,
			       sizeof(sense)), "null exec");
	check(cpl.residual <= data_len, "residual");
	check(cpl.transfer_count <= data_len, "transfer");
	check(cpl.sense_len <= sizeof(sense), "sense");
}

static void fuzz_init(const u8 *data, size_t size)
{
	static const enum acxxx_dialect d[] = {
		ACXXX_DIALECT_341, ACXXX_DIALECT_2208, ACXXX_DIALECT_3108,
	};
	struct acxxx_init_params p = { 3000, 100, 3000, 10 };
	struct acxxx_init_io io;
	struct acxxx_init in;
	u64 now = 1000;
	u32 val, hi;
	unsigned int steps = 0;
	int ret = 0;

	if (size < 5)
		return;
	memcpy(&hi, data + 1, 4);
	acxxx_init_begin(&in, d[data[0] % 3], hi, data[0] & 0x80, &p, now);
	data += 5;
	size -= 5;
	for (;;) {
		val = 0;
		if (size >= 4) {
			memcpy(&val, data, 4);
			data += 4;
			size -= 4;
		} else {
			val = 0;	/* a firmware that never answers */
		}
		ret = acxxx_init_step(&in, now, val, &io);
		check(io.nr_wr <= ACXXX_INIT_MAX_WRITES, "writes bounded");
		if (ret)
			break;
		check(io.next_ms >= now, "time goes forward");
		check(++steps < 100000, "terminates");
		now = io.next_ms + (size ? data[0] % 3 : 7);
	}
	check(ret == 1 || ret == -ETIMEDOUT || ret == -ENODEV || ret == -ERANGE,
	      "result");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_page0(data + 1, size - 1);
		break;
	case 1:
		fuzz_mgmt(data + 1, size - 1);
		break;
	case 2:
		fuzz_null(data + 1, size - 1);
		break;
	default:
		fuzz_init(data + 1, size - 1);
		break;
	}
	return 0;
}
