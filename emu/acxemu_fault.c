// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: fault rules.
 *
 * A rule matches a request by function, opcode (CDB byte 0 for SCSI I/O,
 * management opcode for management requests), LUN index and LBA range.
 * Every matching request counts as "seen"; the rule fires on every n-th
 * one, at most @count times (0 = no limit).  The first rule that fires
 * wins.  Rules are evaluated once per request, after its frame is parsed
 * and before it is executed.
 */
#include <errno.h>
#include <string.h>

#include "acxemu_priv.h"

static bool rule_matches(const struct acxemu_fault *f, const struct emu_req *req,
			 const u8 *cdb)
{
	if (f->fn != ACXEMU_FN_ANY && f->fn != req->function)
		return false;
	if (f->opcode >= 0) {
		if (req->function != ACXXX_FN_SCSI_IO &&
		    req->function != ACXXX_FN_MGMT)
			return false;
		if (f->opcode != req->opcode)
			return false;
	}
	if (f->lun >= 0 && (req->function != ACXXX_FN_SCSI_IO ||
			    f->lun != req->lun))
		return false;
	if (f->lba_match) {
		u64 lba;
		u32 n;

		if (req->function != ACXXX_FN_SCSI_IO || !scsi_cdb_lba(cdb, &lba, &n))
			return false;
		if (!n)
			n = 1;
		if (f->lba_last < lba || f->lba_first >= lba + n)
			return false;
	}
	return true;
}

const struct emu_fault *fault_match_locked(struct acxemu *emu,
					   const struct emu_req *req,
					   const u8 *cdb)
{
	unsigned int i;

	for (i = 0; i < EMU_MAX_FAULTS; i++) {
		struct emu_fault *f = &emu->faults[i];
		unsigned int nth;

		if (!f->used)
			continue;
		if (f->rule.count && f->fired >= f->rule.count)
			continue;
		if (!rule_matches(&f->rule, req, cdb))
			continue;
		f->seen++;
		nth = f->rule.every_nth ? f->rule.every_nth : 1;
		if (f->seen % nth)
			continue;
		f->fired++;
		return f;
	}
	return NULL;
}

int acxemu_fault_add(struct acxemu *emu, const struct acxemu_fault *rule)
{
	unsigned int i;
	int id = -ENOSPC;

	if ((unsigned int)rule->action > ACXEMU_FAULT_DROP ||
	    rule->fn < ACXEMU_FN_ANY || rule->fn > 0xFF ||
	    rule->opcode < -1 || rule->opcode > 0xFF ||
	    rule->lun < -1 || rule->lun >= ACXXX_MAX_LUNS ||
	    (rule->lba_match && rule->lba_first > rule->lba_last) ||
	    (rule->action == ACXEMU_FAULT_FAIL_SENSE && rule->sense_key > 0x0F))
		return -EINVAL;
	pthread_mutex_lock(&emu->lock);
	for (i = 0; i < EMU_MAX_FAULTS; i++) {
		struct emu_fault *f = &emu->faults[i];

		if (f->used)
			continue;
		memset(f, 0, sizeof(*f));
		f->used = true;
		f->id = emu->next_fault_id++;
		f->rule = *rule;
		id = f->id;
		break;
	}
	pthread_mutex_unlock(&emu->lock);
	return id;
}

int acxemu_fault_del(struct acxemu *emu, unsigned int id)
{
	unsigned int i;
	int rc = -ENOENT;

	pthread_mutex_lock(&emu->lock);
	for (i = 0; i < EMU_MAX_FAULTS; i++) {
		if (emu->faults[i].used && emu->faults[i].id == id) {
			emu->faults[i].used = false;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

void acxemu_fault_clear(struct acxemu *emu)
{
	unsigned int i;

	pthread_mutex_lock(&emu->lock);
	for (i = 0; i < EMU_MAX_FAULTS; i++)
		emu->faults[i].used = false;
	pthread_mutex_unlock(&emu->lock);
}

unsigned int acxemu_fault_list(struct acxemu *emu, struct acxemu_fault_info *out,
			       unsigned int max)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&emu->lock);
	for (i = 0; i < EMU_MAX_FAULTS; i++) {
		const struct emu_fault *f = &emu->faults[i];

		if (!f->used)
			continue;
		if (n < max) {
			out[n].id = f->id;
			out[n].rule = f->rule;
			out[n].seen = f->seen;
			out[n].fired = f->fired;
		}
		n++;
	}
	pthread_mutex_unlock(&emu->lock);
	return n;
}
