// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: the line-based control protocol (emu/README.md).
 *
 * One command per line, words separated by blanks; one response line
 * starting with "ok" or "err <reason>".  The program serves it on a Unix
 * socket; tests call acxemu_ctl_exec() directly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acxemu_priv.h"

#define MAX_WORDS	32

struct out {
	char *buf;
	size_t len, pos;
};

static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n < o->len - o->pos ? (size_t)n :
			  o->len - o->pos - 1;
}

static int errf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	o->pos = 0;
	outf(o, "err ");
	va_start(ap, fmt);
	if (o->pos < o->len)
		o->pos += vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (o->pos >= o->len)
		o->pos = o->len - 1;
	return 0;
}

static bool parse_u64(const char *s, u64 *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool parse_uint(const char *s, unsigned int max, unsigned int *v)
{
	u64 x;

	if (!parse_u64(s, &x) || x > max)
		return false;
	*v = (unsigned int)x;
	return true;
}

/* ---- timing (struct acxemu_timing) --------------------------------------- */

static const char *const lat_names[ACXEMU_LAT_CLASSES] = {
	[ACXEMU_LAT_MGMT] = "mgmt",
	[ACXEMU_LAT_EVENT] = "event",
	[ACXEMU_LAT_READ] = "read",
	[ACXEMU_LAT_WRITE] = "write",
	[ACXEMU_LAT_FLUSH] = "flush",
	[ACXEMU_LAT_OTHER] = "other",
};

/*
 * "realistic": a RAID controller with write-back cache in front of
 * HDD-backed volumes (emu/README.md, "Timing"): milliseconds for firmware
 * work (management, events, flushes), a seek and part of a rotation for a
 * read, the cache's fraction of a millisecond for a write, seconds-scale
 * firmware start compressed to half a second for the handshake.
 */
static const struct acxemu_timing timing_realistic = {
	.lat = {
		[ACXEMU_LAT_MGMT] = { 2000, 8000 },
		[ACXEMU_LAT_EVENT] = { 5000, 20000 },
		[ACXEMU_LAT_READ] = { 500, 8000 },
		[ACXEMU_LAT_WRITE] = { 100, 400 },
		[ACXEMU_LAT_FLUSH] = { 5000, 20000 },
		[ACXEMU_LAT_OTHER] = { 100, 400 },
	},
	.ready_ms = 500,
};

const char *acxemu_lat_class_name(unsigned int c)
{
	return c < ACXEMU_LAT_CLASSES ? lat_names[c] : NULL;
}

/* "8000", "8000us", "8ms", "1s" into microseconds (@ms: a bare number is ms). */
static bool parse_duration_us(const char *s, size_t n, bool ms, u64 *us)
{
	char num[24];
	char *end;
	u64 v, mul = ms ? 1000 : 1;

	if (!n || n >= sizeof(num) || *s < '0' || *s > '9')
		return false;
	memcpy(num, s, n);
	num[n] = 0;
	errno = 0;
	v = strtoull(num, &end, 10);
	if (errno)
		return false;
	if (!strcmp(end, "us"))
		mul = 1;
	else if (!strcmp(end, "ms"))
		mul = 1000;
	else if (!strcmp(end, "s"))
		mul = 1000000;
	else if (*end)
		return false;
	if (v > ACXEMU_TIMING_MAX_US / mul)
		return false;
	*us = v * mul;
	return true;
}

static int timing_word(const char *w, size_t n, struct acxemu_timing *t,
		       char *errbuf, size_t errlen)
{
	const char *eq = memchr(w, '=', n), *plus;
	struct acxemu_latency lat = { 0, 0 };
	unsigned int c;
	u64 a, b = 0;
	size_t klen;

	if (!eq) {
		if (n == 4 && !memcmp(w, "fast", 4)) {
			memset(t, 0, sizeof(*t));
			return 0;
		}
		if (n == 9 && !memcmp(w, "realistic", 9)) {
			*t = timing_realistic;
			return 0;
		}
		snprintf(errbuf, errlen, "timing: unknown profile '%.*s' (fast, realistic)",
			 (int)n, w);
		return -EINVAL;
	}
	klen = (size_t)(eq - w);
	eq++;
	n -= klen + 1;
	if (klen == 5 && !memcmp(w, "ready", 5)) {
		if (!parse_duration_us(eq, n, true, &a) ||
		    a / 1000 > ACXEMU_TIMING_MAX_READY_MS || a % 1000) {
			snprintf(errbuf, errlen,
				 "timing: ready wants whole milliseconds up to %u: '%.*s'",
				 ACXEMU_TIMING_MAX_READY_MS, (int)n, eq);
			return -EINVAL;
		}
		t->ready_ms = (unsigned int)(a / 1000);
		return 0;
	}
	for (c = 0; c < ACXEMU_LAT_CLASSES; c++)
		if (strlen(lat_names[c]) == klen && !memcmp(w, lat_names[c], klen))
			break;
	if (c == ACXEMU_LAT_CLASSES) {
		snprintf(errbuf, errlen,
			 "timing: unknown class '%.*s' (mgmt, event, read, write, flush, other, ready)",
			 (int)klen, w);
		return -EINVAL;
	}
	plus = memchr(eq, '+', n);
	if (!parse_duration_us(eq, plus ? (size_t)(plus - eq) : n, false, &a) ||
	    (plus && !parse_duration_us(plus + 1, n - (size_t)(plus - eq) - 1,
					false, &b))) {
		snprintf(errbuf, errlen,
			 "timing: %s wants BASE[+RAND], each up to %u us: '%.*s'",
			 lat_names[c], ACXEMU_TIMING_MAX_US, (int)n, eq);
		return -EINVAL;
	}
	lat.base_us = (unsigned int)a;
	lat.rand_us = (unsigned int)b;
	t->lat[c] = lat;
	return 0;
}

int acxemu_timing_parse(const char *spec, struct acxemu_timing *t,
			char *errbuf, size_t errlen)
{
	struct acxemu_timing next = *t;
	const char *p = spec;
	size_t n;
	int rc;

	if (!spec || !*spec) {
		snprintf(errbuf, errlen, "timing: empty specification");
		return -EINVAL;
	}
	while (*p) {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			break;
		rc = timing_word(p, n, &next, errbuf, errlen);
		if (rc)
			return rc;
		p += n;
	}
	*t = next;
	return 0;
}

void acxemu_timing_format(const struct acxemu_timing *t, char *out,
			  size_t outlen)
{
	struct out o = { out, outlen, 0 };
	unsigned int c;

	if (!outlen)
		return;
	out[0] = 0;
	for (c = 0; c < ACXEMU_LAT_CLASSES; c++)
		outf(&o, "%s%s=%u+%u", c ? " " : "", lat_names[c],
		     t->lat[c].base_us, t->lat[c].rand_us);
	outf(&o, " ready=%u", t->ready_ms);
}

static int cmd_timing(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	struct acxemu_timing t;
	char buf[256];
	int i;

	acxemu_get_timing(emu, &t);
	if (argc >= 3 && !strcmp(argv[1], "set")) {
		for (i = 2; i < argc; i++)
			if (acxemu_timing_parse(argv[i], &t, buf, sizeof(buf)))
				return errf(o, "%s", buf);
		acxemu_set_timing(emu, &t);
	} else if (argc != 1) {
		return errf(o, "usage: timing [set SPEC...]");
	}
	acxemu_timing_format(&t, buf, sizeof(buf));
	outf(o, "ok %s", buf);
	return 0;
}

int acxemu_parse_size(const char *s, u64 *out)
{
	u64 v, mul = 1;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 0:
		break;
	case 'k': case 'K':
		mul = 1ull << 10;
		end++;
		break;
	case 'm': case 'M':
		mul = 1ull << 20;
		end++;
		break;
	case 'g': case 'G':
		mul = 1ull << 30;
		end++;
		break;
	case 't': case 'T':
		mul = 1ull << 40;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end || (v && mul > UINT64_MAX / v))
		return -EINVAL;
	*out = v * mul;
	return 0;
}

int acxemu_parse_volume(const char *spec, char *buf, size_t buflen,
			struct acxemu_volume_config *cfg, char *errbuf,
			size_t errlen)
{
	bool have_lun = false, have_backing = false;
	char *tok, *save = NULL;

	memset(cfg, 0, sizeof(*cfg));
	if (strlen(spec) + 1 > buflen) {
		snprintf(errbuf, errlen, "volume description too long");
		return -EINVAL;
	}
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *val = strchr(tok, '=');

		if (val)
			*val++ = 0;
		if (!strcmp(tok, "mem") && !val) {
			cfg->path = NULL;
			have_backing = true;
		} else if (!strcmp(tok, "lun") && val) {
			if (!parse_uint(val, ACXXX_MAX_LUNS - 1, &cfg->lun))
				goto bad;
			have_lun = true;
		} else if (!strcmp(tok, "file") && val && *val) {
			cfg->path = val;
			have_backing = true;
		} else if (!strcmp(tok, "size") && val) {
			if (acxemu_parse_size(val, &cfg->size) ||
			    cfg->size % EMU_BLOCK)
				goto bad;
		} else if (!strcmp(tok, "serial") && val) {
			cfg->serial = val;
		} else if (!strcmp(tok, "naa") && val) {
			cfg->naa = val;
		} else {
			goto bad;
		}
		continue;
bad:
		snprintf(errbuf, errlen, "bad volume field '%s%s%s'", tok,
			 val ? "=" : "", val ? val : "");
		return -EINVAL;
	}
	if (!have_lun || !have_backing) {
		snprintf(errbuf, errlen, "volume needs lun=N and file=PATH or mem");
		return -EINVAL;
	}
	if (!cfg->path && !cfg->size) {
		snprintf(errbuf, errlen, "a memory volume needs size=");
		return -EINVAL;
	}
	return 0;
}

/* ---- commands ------------------------------------------------------------ */

static int cmd_volume(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	struct acxemu_volume_config cfg;
	char spec[1024], buf[1024], e[256];
	unsigned int lun, i;
	size_t pos = 0;
	int rc;

	if (argc < 2)
		return errf(o, "usage: volume add|remove|list ...");
	if (!strcmp(argv[1], "add")) {
		spec[0] = 0;
		for (i = 2; i < (unsigned int)argc; i++) {
			int n = snprintf(spec + pos, sizeof(spec) - pos, "%s%s",
					 pos ? "," : "", argv[i]);

			if (n < 0 || (size_t)n >= sizeof(spec) - pos)
				return errf(o, "volume description too long");
			pos += n;
		}
		if (acxemu_parse_volume(spec, buf, sizeof(buf), &cfg, e, sizeof(e)))
			return errf(o, "%s", e);
		e[0] = 0;
		rc = acxemu_volume_add(emu, &cfg, e, sizeof(e));
		if (rc)
			return errf(o, "%s", e[0] ? e : strerror(-rc));
		outf(o, "ok lun=%u", cfg.lun);
		return 0;
	}
	if (!strcmp(argv[1], "remove")) {
		const char *a = argc > 2 ? argv[2] : NULL;

		if (a && !strncmp(a, "lun=", 4))
			a += 4;
		if (!parse_uint(a, ACXXX_MAX_LUNS - 1, &lun))
			return errf(o, "usage: volume remove lun=N");
		rc = acxemu_volume_remove(emu, lun);
		if (rc)
			return errf(o, "lun %u: %s", lun, rc == -ENOENT ?
				    "not present" : strerror(-rc));
		outf(o, "ok lun=%u", lun);
		return 0;
	}
	if (!strcmp(argv[1], "list")) {
		u64 map = acxemu_volume_map(emu);

		outf(o, "ok count=%d", __builtin_popcountll(map));
		for (lun = 0; lun < ACXXX_MAX_LUNS; lun++) {
			struct acxemu_volume_info vi;

			if (!(map & (1ull << lun)) || acxemu_volume_info(emu, lun, &vi))
				continue;
			outf(o, " lun=%u,size=%llu,backing=%s,serial=%s,naa=%s,dirty=%llu",
			     vi.lun, (unsigned long long)vi.size,
			     vi.mem ? "mem" : vi.path, vi.serial, vi.naa,
			     (unsigned long long)vi.dirty_bytes);
		}
		return 0;
	}
	return errf(o, "usage: volume add|remove|list ...");
}

static const char *const action_names[] = {
	[ACXEMU_FAULT_FAIL_STATUS] = "fail",
	[ACXEMU_FAULT_FAIL_SENSE] = "sense",
	[ACXEMU_FAULT_DELAY] = "delay",
	[ACXEMU_FAULT_DROP] = "drop",
};

static const char *fn_name(int fn, char *buf, size_t len)
{
	switch (fn) {
	case ACXEMU_FN_ANY:
		return "any";
	case ACXXX_FN_SCSI_IO:
		return "scsi";
	case ACXXX_FN_TASK_MGMT:
		return "tmf";
	case ACXXX_FN_EVENT_SWITCH:
		return "evsw";
	case ACXXX_FN_MGMT:
		return "mgmt";
	}
	snprintf(buf, len, "0x%02x", fn);
	return buf;
}

static bool parse_fn(const char *s, int *fn)
{
	unsigned int v;

	if (!strcmp(s, "any"))
		*fn = ACXEMU_FN_ANY;
	else if (!strcmp(s, "scsi"))
		*fn = ACXXX_FN_SCSI_IO;
	else if (!strcmp(s, "tmf"))
		*fn = ACXXX_FN_TASK_MGMT;
	else if (!strcmp(s, "evsw"))
		*fn = ACXXX_FN_EVENT_SWITCH;
	else if (!strcmp(s, "mgmt"))
		*fn = ACXXX_FN_MGMT;
	else if (parse_uint(s, 0xFF, &v))
		*fn = (int)v;
	else
		return false;
	return true;
}

static bool parse_range(const char *s, u64 *first, u64 *last)
{
	char tmp[64], *dash;

	if (strlen(s) >= sizeof(tmp))
		return false;
	strcpy(tmp, s);
	dash = strchr(tmp, '-');
	if (!dash)
		return parse_u64(tmp, first) && (*last = *first, true);
	*dash = 0;
	return parse_u64(tmp, first) && parse_u64(dash + 1, last) &&
	       *first <= *last;
}

static int fault_add(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	struct acxemu_fault f;
	bool have_action = false;
	unsigned int v;
	int i, id;

	memset(&f, 0, sizeof(f));
	f.fn = ACXXX_FN_SCSI_IO;
	f.opcode = -1;
	f.lun = -1;
	for (i = 2; i < argc; i++) {
		char *k = argv[i], *val = strchr(k, '=');
		bool ok = true;

		if (!val)
			return errf(o, "fault: expected key=value, got '%s'", k);
		*val++ = 0;
		if (!strcmp(k, "action")) {
			for (v = 0; v < 4; v++)
				if (!strcmp(val, action_names[v]))
					break;
			ok = v < 4;
			f.action = v;
			have_action = ok;
		} else if (!strcmp(k, "fn")) {
			ok = parse_fn(val, &f.fn);
		} else if (!strcmp(k, "op")) {
			ok = parse_uint(val, 0xFF, &v);
			f.opcode = (int)v;
		} else if (!strcmp(k, "lun")) {
			ok = parse_uint(val, ACXXX_MAX_LUNS - 1, &v);
			f.lun = (int)v;
		} else if (!strcmp(k, "lba")) {
			ok = parse_range(val, &f.lba_first, &f.lba_last);
			f.lba_match = true;
		} else if (!strcmp(k, "nth")) {
			ok = parse_uint(val, 1u << 30, &f.every_nth);
		} else if (!strcmp(k, "count")) {
			ok = parse_uint(val, 1u << 30, &f.count);
		} else if (!strcmp(k, "status")) {
			ok = parse_uint(val, 0xFF, &v);
			f.status = v;
		} else if (!strcmp(k, "key")) {
			ok = parse_uint(val, 0x0F, &v);
			f.sense_key = v;
		} else if (!strcmp(k, "asc")) {
			ok = parse_uint(val, 0xFF, &v);
			f.asc = v;
		} else if (!strcmp(k, "ascq")) {
			ok = parse_uint(val, 0xFF, &v);
			f.ascq = v;
		} else if (!strcmp(k, "ms")) {
			ok = parse_uint(val, 3600000, &f.delay_ms);
		} else {
			return errf(o, "fault: unknown key '%s'", k);
		}
		if (!ok)
			return errf(o, "fault: bad value for %s: '%s'", k, val);
	}
	if (!have_action)
		return errf(o, "fault: action=fail|sense|delay|drop required");
	id = acxemu_fault_add(emu, &f);
	if (id < 0)
		return errf(o, "fault: %s", id == -ENOSPC ? "too many rules" :
			    "invalid rule");
	outf(o, "ok id=%d", id);
	return 0;
}

static int cmd_fault(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	struct acxemu_fault_info fi[EMU_MAX_FAULTS];
	unsigned int n, i, id;
	char b1[8];

	if (argc < 2)
		return errf(o, "usage: fault add|del|clear|list");
	if (!strcmp(argv[1], "add"))
		return fault_add(emu, argc, argv, o);
	if (!strcmp(argv[1], "del")) {
		if (argc != 3 || !parse_uint(argv[2], 1u << 31, &id))
			return errf(o, "usage: fault del ID");
		if (acxemu_fault_del(emu, id))
			return errf(o, "fault %u: no such rule", id);
		outf(o, "ok");
		return 0;
	}
	if (!strcmp(argv[1], "clear")) {
		acxemu_fault_clear(emu);
		outf(o, "ok");
		return 0;
	}
	if (!strcmp(argv[1], "list")) {
		n = acxemu_fault_list(emu, fi, EMU_MAX_FAULTS);
		outf(o, "ok count=%u", n);
		for (i = 0; i < n; i++) {
			const struct acxemu_fault *r = &fi[i].rule;

			outf(o, " id=%u,action=%s,fn=%s", fi[i].id,
			     action_names[r->action], fn_name(r->fn, b1, sizeof(b1)));
			if (r->opcode >= 0)
				outf(o, ",op=0x%02x", r->opcode);
			if (r->lun >= 0)
				outf(o, ",lun=%d", r->lun);
			if (r->lba_match)
				outf(o, ",lba=%llu-%llu",
				     (unsigned long long)r->lba_first,
				     (unsigned long long)r->lba_last);
			if (r->action == ACXEMU_FAULT_FAIL_STATUS)
				outf(o, ",status=0x%02x", r->status);
			if (r->action == ACXEMU_FAULT_FAIL_SENSE)
				outf(o, ",key=0x%x,asc=0x%02x,ascq=0x%02x",
				     r->sense_key, r->asc, r->ascq);
			if (r->action == ACXEMU_FAULT_DELAY)
				outf(o, ",ms=%u", r->delay_ms);
			outf(o, ",nth=%u,count=%u,seen=%llu,fired=%llu",
			     r->every_nth ? r->every_nth : 1, r->count,
			     (unsigned long long)fi[i].seen,
			     (unsigned long long)fi[i].fired);
		}
		return 0;
	}
	return errf(o, "usage: fault add|del|clear|list");
}

static int cmd_medium(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	bool have_lun = false, have_lba = false, rd = true, wr = true;
	u64 first = 0, last = 0;
	unsigned int lun = 0;
	int i, rc;

	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "clear")))
		return errf(o,
			    "usage: medium add lun=N lba=A[-B] [rw=r|w|rw] | medium clear lun=N");
	for (i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "lun=", 4)) {
			have_lun = parse_uint(argv[i] + 4, ACXXX_MAX_LUNS - 1, &lun);
			if (!have_lun)
				return errf(o, "medium: bad lun");
		} else if (!strncmp(argv[i], "lba=", 4)) {
			have_lba = parse_range(argv[i] + 4, &first, &last);
			if (!have_lba)
				return errf(o, "medium: bad lba range");
		} else if (!strcmp(argv[i], "rw=r")) {
			rd = true;
			wr = false;
		} else if (!strcmp(argv[i], "rw=w")) {
			rd = false;
			wr = true;
		} else if (!strcmp(argv[i], "rw=rw")) {
			rd = true;
			wr = true;
		} else {
			return errf(o, "medium: unknown argument '%s'", argv[i]);
		}
	}
	if (!have_lun)
		return errf(o, "medium: lun=N required");
	if (!strcmp(argv[1], "clear"))
		rc = acxemu_medium_error_clear(emu, lun);
	else if (have_lba)
		rc = acxemu_medium_error_add(emu, lun, first, last, rd, wr);
	else
		return errf(o, "medium: lba=A[-B] required");
	if (rc)
		return errf(o, "medium: lun %u: %s", lun, rc == -ENOENT ?
			    "not present" : strerror(-rc));
	outf(o, "ok");
	return 0;
}

static int cmd_notify(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	static const struct {
		const char *name;
		u32 bit;
	} map[] = {
		{ "restart", ACXXX_ODB_RESTART_SOON },
		{ "flush", ACXXX_ODB_FLUSH },
		{ "pause", ACXXX_ODB_PAUSE },
		{ "resume", ACXXX_ODB_RESUME },
	};
	unsigned int i;
	int rc;

	for (i = 0; argc == 2 && i < 4; i++) {
		if (strcmp(argv[1], map[i].name))
			continue;
		rc = acxemu_notify(emu, map[i].bit);
		if (rc == -EOPNOTSUPP)
			return errf(o, "notify: the 341 family has no doorbells");
		if (rc)
			return errf(o, "notify: %s", strerror(-rc));
		outf(o, "ok");
		return 0;
	}
	return errf(o, "usage: notify restart|flush|pause|resume");
}

/* event CODE [BYTE...]: an asynchronous event, data bytes from byte 0 */
static int cmd_event(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	u8 data[ACXXX_EVENT_DATA_LEN];
	unsigned long v;
	char *end;
	int i, rc;

	if (argc < 2 || argc - 1 > ACXXX_EVENT_DATA_LEN)
		return errf(o, "usage: event CODE [BYTE...] (at most %u bytes)",
			    ACXXX_EVENT_DATA_LEN);
	for (i = 1; i < argc; i++) {
		errno = 0;
		v = strtoul(argv[i], &end, 0);
		if (errno || *end || end == argv[i] || v > 0xff)
			return errf(o, "event: '%s' is not a byte", argv[i]);
		data[i - 1] = (u8)v;
	}
	rc = acxemu_event(emu, data, argc - 1);
	if (rc == -EAGAIN)
		return errf(o, "event: the host has events switched off");
	if (rc)
		return errf(o, "event: %s", strerror(-rc));
	outf(o, "ok");
	return 0;
}

/* hostile on [rate=N] [seed=N] | hostile off */
/* ready hold [after=N] | release | state */
static int cmd_ready(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	static const char *const hs_name[] = { "reset", "registered", "ready" };
	struct acxemu_hs_view v;
	unsigned long n;
	char *end;

	if (argc == 2 && !strcmp(argv[1], "hold")) {
		acxemu_ready_hold(emu, true);
	} else if (argc == 3 && !strcmp(argv[1], "hold") &&
		   !strncmp(argv[2], "after=", 6)) {
		n = strtoul(argv[2] + 6, &end, 0);
		if (!argv[2][6] || *end || n > 1000)
			return errf(o, "ready hold: after=N, N 0..1000");
		acxemu_ready_hold_after(emu, n);
	} else if (argc == 2 && !strcmp(argv[1], "release")) {
		acxemu_ready_hold(emu, false);
	} else if (argc == 2 && !strcmp(argv[1], "state")) {
		acxemu_hs_view(emu, &v);
		outf(o, "ok handshake=%s hold=%d doorbell=0x%08x",
		     hs_name[v.state], v.hold, v.doorbell);
		outf(o, " int_status=0x%08x int_mask=0x%08x replies=%u",
		     v.int_status, v.int_mask, v.replies);
		outf(o, " registrations=%llu", v.registrations);
		return 0;
	} else {
		return errf(o, "usage: ready hold [after=N]|release|state");
	}
	outf(o, "ok");
	return 0;
}

/* ones after-reset=N */
static int cmd_ones(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	unsigned long n;
	char *end;

	if (argc != 2 || strncmp(argv[1], "after-reset=", 12))
		return errf(o, "usage: ones after-reset=N");
	n = strtoul(argv[1] + 12, &end, 0);
	if (!argv[1][12] || *end || n > 1000)
		return errf(o, "ones: after-reset=N, N 0..1000");
	acxemu_ones_after_reset(emu, (unsigned int)n);
	outf(o, "ok reads=%lu", n);
	return 0;
}

static int cmd_hostile(struct acxemu *emu, int argc, char **argv, struct out *o)
{
	unsigned long rate = 200, seed = 1;
	char *end;
	int i, rc;

	if (argc == 2 && !strcmp(argv[1], "off")) {
		acxemu_hostile(emu, 0, 0);
		outf(o, "ok");
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "on"))
		return errf(o, "usage: hostile on [rate=N] [seed=N] | hostile off");
	for (i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "rate=", 5)) {
			rate = strtoul(argv[i] + 5, &end, 0);
			if (*end || !rate)
				return errf(o, "hostile: bad rate '%s'", argv[i] + 5);
		} else if (!strncmp(argv[i], "seed=", 5)) {
			seed = strtoul(argv[i] + 5, &end, 0);
			if (*end)
				return errf(o, "hostile: bad seed '%s'", argv[i] + 5);
		} else {
			return errf(o, "hostile: unknown key '%s'", argv[i]);
		}
	}
	rc = acxemu_hostile(emu, (unsigned int)rate, (u32)seed);
	if (rc)
		return errf(o, "hostile: %s", strerror(-rc));
	outf(o, "ok rate=%lu", rate);
	return 0;
}

/* " rd_REPLY_PORT=N", " wr_0x50=N", " rd_other=N"; nothing for 0 */
static void reg_count(struct out *o, const char *dir, unsigned int slot,
		      u64 n)
{
	const char *name = acxemu_reg_slot_name(slot);

	if (!n)
		return;
	if (name)
		outf(o, " %s_%s=%llu", dir, name, (unsigned long long)n);
	else if (slot == ACXEMU_REG_SLOT_OTHER)
		outf(o, " %s_other=%llu", dir, (unsigned long long)n);
	else
		outf(o, " %s_0x%02x=%llu", dir, slot * 4,
		     (unsigned long long)n);
}

static int cmd_stats(struct acxemu *emu, struct out *o)
{
	struct acxemu_stats st;
	unsigned int i;

	acxemu_get_stats(emu, &st);
	/* One response line, built in parts. */
	outf(o, "ok posts=%llu replies_fast=%llu replies_addr=%llu events=%llu",
	     (unsigned long long)st.posts, (unsigned long long)st.replies_fast,
	     (unsigned long long)st.replies_addr, (unsigned long long)st.events);
	outf(o, " irqs_raised=%llu bytes_read=%llu bytes_written=%llu",
	     (unsigned long long)st.irqs_raised,
	     (unsigned long long)st.bytes_read,
	     (unsigned long long)st.bytes_written);
	outf(o, " faults_fired=%llu medium_errors=%llu reg_unknown=%llu",
	     (unsigned long long)st.faults_fired,
	     (unsigned long long)st.medium_errors,
	     (unsigned long long)st.reg_unknown);
	outf(o, " reinits=%llu resets=%llu tmf_terminated=%llu cancelled=%llu",
	     (unsigned long long)st.reinits,
	     (unsigned long long)st.resets,
	     (unsigned long long)st.tmf_terminated,
	     (unsigned long long)st.cancelled);
	outf(o, " hostile=%llu irq_glitches=%llu",
	     (unsigned long long)st.hostile,
	     (unsigned long long)st.irq_glitches);
	outf(o, " cache_writebacks=%llu outstanding=%u free_frames=%u waiting=%u",
	     (unsigned long long)st.cache_writebacks, st.outstanding,
	     st.free_frames, st.waiting);
	outf(o, " scratch1=0x%08x scratch2=0x%08x", st.scratch1, st.scratch2);
	outf(o, " reply_pops=%llu reply_empty=%llu intx=%llu msi=%llu",
	     (unsigned long long)st.reply_pops,
	     (unsigned long long)st.reply_empty,
	     (unsigned long long)st.intx, (unsigned long long)st.msi);
	outf(o, " dma_read_bytes=%llu dma_write_bytes=%llu",
	     (unsigned long long)st.dma_read_bytes,
	     (unsigned long long)st.dma_write_bytes);
	outf(o, " fw_update_bytes=%llu", (unsigned long long)st.fw_update_bytes);
	for (i = 0; i < ACXEMU_BATCH_BUCKETS; i++)
		outf(o, " rpi_%s=%llu", acxemu_batch_bucket_name(i),
		     (unsigned long long)st.irq_batch[i]);
	for (i = 0; i < ACXEMU_REG_SLOTS; i++) {
		reg_count(o, "rd", i, st.reg_reads[i]);
		reg_count(o, "wr", i, st.reg_writes[i]);
	}
	for (i = 0; i < ACXEMU_REJ_MAX; i++)
		outf(o, " rej_%s=%llu", acxemu_reject_name(i),
		     (unsigned long long)st.rejects[i]);
	for (i = 0; i < 16; i++)
		if (st.functions[i])
			outf(o, " fn_0x%02x=%llu", i,
			     (unsigned long long)st.functions[i]);
	for (i = 0; i < 256; i++)
		if (st.scsi_ops[i])
			outf(o, " op_0x%02x=%llu", i,
			     (unsigned long long)st.scsi_ops[i]);
	for (i = 0; i < 256; i++)
		if (st.mgmt_ops[i])
			outf(o, " mgmt_0x%02x=%llu", i,
			     (unsigned long long)st.mgmt_ops[i]);
	return 0;
}

int acxemu_ctl_exec(struct acxemu *emu, const char *line, char *outbuf,
		    size_t outlen)
{
	char copy[1024], *argv[MAX_WORDS], *save = NULL, *w;
	struct out o = { outbuf, outlen, 0 };
	int argc = 0;

	if (!outlen)
		return 0;
	outbuf[0] = 0;
	if (strlen(line) >= sizeof(copy)) {
		errf(&o, "line too long");
		return 0;
	}
	strcpy(copy, line);
	for (w = strtok_r(copy, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == MAX_WORDS) {
			errf(&o, "too many words");
			return 0;
		}
		argv[argc++] = w;
	}
	if (!argc) {
		errf(&o, "empty command");
		return 0;
	}
	if (!strcmp(argv[0], "quit")) {
		outf(&o, "ok bye");
		return 1;
	}
	if (!strcmp(argv[0], "help")) {
		/* One response line, built in parts. */
		outf(&o, "ok commands: volume add|remove|list,");
		outf(&o, " fault add|del|clear|list, medium add|clear,");
		outf(&o, " notify restart|flush|pause|resume, event CODE [BYTE...],");
		outf(&o, " hang [recoverable], powerloss,");
		outf(&o, " ready hold [after=N]|release|state, reply repeat,");
		outf(&o, " irq glitch, timing [set SPEC...],");
		outf(&o, " hostile on [rate=N] [seed=N]|off, ones after-reset=N,");
		outf(&o, " stats [reset], flush, info, quit");
	} else if (!strcmp(argv[0], "volume")) {
		cmd_volume(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "fault")) {
		cmd_fault(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "medium")) {
		cmd_medium(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "notify")) {
		cmd_notify(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "event")) {
		cmd_event(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "hang")) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "recoverable"))) {
			errf(&o, "usage: hang [recoverable]");
		} else {
			acxemu_hang(emu, argc == 2);
			outf(&o, "ok");
		}
	} else if (!strcmp(argv[0], "hostile")) {
		cmd_hostile(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "ones")) {
		cmd_ones(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "timing")) {
		cmd_timing(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "powerloss") && argc == 1) {
		acxemu_power_loss(emu);
		outf(&o, "ok");
	} else if (!strcmp(argv[0], "ready")) {
		cmd_ready(emu, argc, argv, &o);
	} else if (!strcmp(argv[0], "reply") && argc == 2 &&
		   !strcmp(argv[1], "repeat")) {
		u32 desc;
		int ret = acxemu_reply_repeat(emu, &desc);

		if (ret == -ENOENT)
			errf(&o, "reply repeat: no reply was ever queued");
		else if (ret)
			errf(&o, "reply repeat: %s", strerror(-ret));
		else
			outf(&o, "ok desc=0x%08x", desc);
	} else if (!strcmp(argv[0], "irq") && argc == 2 &&
		   !strcmp(argv[1], "glitch")) {
		acxemu_irq_glitch(emu);
		outf(&o, "ok");
	} else if (!strcmp(argv[0], "stats") && argc == 1) {
		cmd_stats(emu, &o);
	} else if (!strcmp(argv[0], "stats") && argc == 2 &&
		   !strcmp(argv[1], "reset")) {
		acxemu_stats_reset(emu);
		outf(&o, "ok");
	} else if (!strcmp(argv[0], "flush") && argc == 1) {
		if (acxemu_flush_all(emu))
			errf(&o, "flush: I/O error on a backing medium");
		else
			outf(&o, "ok");
	} else if (!strcmp(argv[0], "info") && argc == 1) {
		outf(&o, "ok device=%04x family=%s product=\"%s\" model=\"%s\"",
		     emu->device_id, acxemu_family_name(emu->family),
		     emu->product_id, emu->model);
		outf(&o, " serial=\"%s\" fw=\"%s\" vendor=\"%s\" dead=%d",
		     emu->serial, emu->fw_version, emu->vendor,
		     acxemu_is_dead(emu));
	} else {
		errf(&o, "unknown command '%s' (try help)", argv[0]);
	}
	return 0;
}
