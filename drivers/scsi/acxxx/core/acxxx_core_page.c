// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: management page 0, LUN map reconciliation, event codes and
 * validation of management requests from user space (sections 7 and
 * 16.17, 16.18).
 */
#include "acxxx_core.h"

/*
 * Copy a fixed-width identity field into a NUL-terminated string: stop at
 * the first NUL, show anything unprintable as '?', drop trailing spaces.
 */
static void acxxx_id_string(char *dst, const u8 *src)
{
	unsigned int i, n = 0;

	for (i = 0; i < ACXXX_ID_STR_LEN && src[i]; i++)
		dst[n++] = (src[i] >= 0x20 && src[i] < 0x7F) ? (char)src[i] : '?';
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

/**
 * acxxx_parse_page0() - read identity and LUN map from management page 0
 * @buf: the page as the firmware returned it, any alignment
 * @len: bytes valid in @buf
 * @id: parsed identity
 *
 * Return: 0, or -EINVAL if @len does not cover the LUN map.
 */
int acxxx_parse_page0(const void *buf, u32 len, struct acxxx_ident *id)
{
	const u8 *pg = buf;
	const u8 *map = pg + offsetof(struct acxxx_page0, lun_map);
	unsigned int i;

	if (!buf || len < offsetof(struct acxxx_page0, reserved2))
		return -EINVAL;

	/* Byte access throughout: @buf need not be aligned. */
	acxxx_id_string(id->product_id,
			pg + offsetof(struct acxxx_page0, product_id));
	acxxx_id_string(id->model, pg + offsetof(struct acxxx_page0, model));
	acxxx_id_string(id->serial, pg + offsetof(struct acxxx_page0, serial));
	acxxx_id_string(id->fw_version,
			pg + offsetof(struct acxxx_page0, fw_version));
	acxxx_id_string(id->vendor, pg + offsetof(struct acxxx_page0, vendor));
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		id->lun_map[i] = map[2 * i] | (u16)map[2 * i + 1] << 8;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_parse_page0);

/**
 * acxxx_lun_diff() - reconcile two LUN maps (16.18)
 * @old_map: the 64 entries the host acted on last
 * @new_map: the 64 entries just read
 * @diff: volumes to remove and to add
 *
 * A volume that appeared is added, one that went away removed, and one
 * whose map value changed between two present values is removed and
 * added again (it is another volume at the same index).
 *
 * Return: the number of LUN indices that changed.
 */
unsigned int acxxx_lun_diff(const u16 *old_map, const u16 *new_map,
			    struct acxxx_lun_diff *diff)
{
	unsigned int i, n = 0;

	diff->add = 0;
	diff->remove = 0;
	for (i = 0; i < ACXXX_MAX_LUNS; i++) {
		if (old_map[i] == new_map[i])
			continue;
		n++;
		if (old_map[i] != ACXXX_LUN_ABSENT)
			diff->remove |= 1ULL << i;
		if (new_map[i] != ACXXX_LUN_ABSENT)
			diff->add |= 1ULL << i;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_lun_diff);

/**
 * acxxx_event_type() - classify a firmware event code (7.5, 16.18)
 * @code: byte 0 of the event data
 *
 * Return: the event class; ACXXX_EV_UNKNOWN for codes acxxx ignores.
 */
enum acxxx_event_type acxxx_event_type(u8 code)
{
	switch (code) {
	case ACXXX_EVT_LUN_CHANGE:
		return ACXXX_EV_LUN_CHANGE;
	case ACXXX_EVT_SWITCH_IN_USE:
	case ACXXX_EVT_SWITCH_DONE:
		return ACXXX_EV_SWITCH_ACK;
	case ACXXX_EVT_RAID_ERROR:
		return ACXXX_EV_RAID_ERROR;
	default:
		return ACXXX_EV_UNKNOWN;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_event_type);

static u32 acxxx_get_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/**
 * acxxx_mgmt_check() - validate a management request from user space
 * @cdb: the 32-byte management CDB a tool passed through
 * @cdb_len: its length, must be 32
 * @user_len: size of the tool's data buffer
 * @xfer: data direction and length to use on the wire
 *
 * The direction and length are derived from the opcode (7.1), never taken
 * from the tool: firmware-update and echo opcodes carry their length in
 * the CDB, which is checked against the management buffer (the original
 * copied it unchecked, 13.2 item 17).  Unknown opcodes move no data and are
 * marked so (@xfer->known).
 *
 * Return: 0; -EINVAL for a CDB of the wrong length or a user buffer
 * smaller than the transfer; -E2BIG for a length beyond the management
 * buffer.
 */
int acxxx_mgmt_check(const u8 *cdb, u32 cdb_len, u32 user_len,
		     struct acxxx_mgmt_xfer *xfer)
{
	bool known = true;
	u32 len;
	u8 dir;

	if (!cdb || cdb_len != ACXXX_MGMT_CDB_LEN)
		return -EINVAL;

	switch (cdb[0]) {
	case ACXXX_MGMT_OP_GET_PAGE:
	case ACXXX_MGMT_OP_READ_SIG:
		dir = ACXXX_CTL_DIR_READ;
		len = ACXXX_PAGE_SIZE;
		break;
	case ACXXX_MGMT_OP_WRITE_SIG:
		dir = ACXXX_CTL_DIR_WRITE;
		len = ACXXX_PAGE_SIZE;
		break;
	case ACXXX_MGMT_OP_FW_EXPANDER:
	case ACXXX_MGMT_OP_FW_SYSROM:
	case ACXXX_MGMT_OP_FW_BOOTROM:
	case ACXXX_MGMT_OP_FW_OPTROM:
		dir = ACXXX_CTL_DIR_WRITE;
		len = acxxx_get_le32(cdb + 2);
		break;
	case ACXXX_MGMT_OP_RTC_GET:
		dir = ACXXX_CTL_DIR_READ;
		len = ACXXX_MGMT_RTC_LEN;
		break;
	case ACXXX_MGMT_OP_ECHO_READ:
		dir = ACXXX_CTL_DIR_READ;
		len = cdb[2] | (u32)cdb[3] << 8;
		break;
	case ACXXX_MGMT_OP_ECHO_WRITE:
		dir = ACXXX_CTL_DIR_WRITE;
		len = cdb[2] | (u32)cdb[3] << 8;
		break;
	default:
		dir = ACXXX_CTL_DIR_NONE;
		len = 0;
		known = false;
		break;
	}

	if (len > ACXXX_MGMT_BUF_SIZE)
		return -E2BIG;
	if (!len)
		dir = ACXXX_CTL_DIR_NONE;
	if (user_len < len)
		return -EINVAL;
	xfer->dir = dir;
	xfer->len = len;
	xfer->known = known;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_mgmt_check);
