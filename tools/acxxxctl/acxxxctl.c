// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxxctl: look after Accusys RAID adapters driven by acxxx.
 *
 * What sysfs shows (list, volumes, rescan) is read from sysfs, so it works
 * without root; what only the firmware or the driver knows (info, events,
 * page, rtc, ping) goes through the adapter's bsg node /dev/bsg/acxxx<H>
 * (include/uapi/scsi/scsi_bsg_acxxx.h), which needs CAP_SYS_RAWIO.
 *
 * ACXXX_SYSFS_ROOT and ACXXX_DEV_ROOT put a prefix before /sys and /dev:
 * for the tests' fake trees only.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <linux/bsg.h>
#include <scsi/sg.h>
#include <scsi/scsi_bsg_acxxx.h>

#include "acxxxctl.h"

#ifndef ACXXX_VERSION
#define ACXXX_VERSION "unknown"
#endif

#define PROG "acxxxctl"
#define DRIVER_NAME "acxxx"

/* management opcodes (spec 7.1) */
#define OP_RTC_GET	0xa8
#define OP_ECHO_READ	0xca
#define OP_ECHO_WRITE	0xcb
#define RTC_LEN		7

#define PING_DEFAULT	512
#define STR_MAX		256

/* A message about adapter @a on stderr, "acxxxctl: host<H>: " first. */
#define host_err(a, fmt, ...) \
	fprintf(stderr, PROG ": host%u: " fmt, (a)->host, ##__VA_ARGS__)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* --timeout: what PAGE and MGMT requests give the firmware; 0: 30 s */
static unsigned int fw_timeout_ms;
#define FW_DEFAULT_MS	30000
#define FW_MAX_S	300

static const char *sys_root = "";
static const char *dev_root = "";

/* The command line, once parsed. */
struct opts {
	const char *cmd;
	const char *host;
	const char *arg;	/* page: the page number */
	int json;
	int follow;
	int hex;
	unsigned long long since;
	unsigned long size;	/* ping: bytes */
};

/* One acxxx adapter as sysfs shows it. */
struct adapter {
	unsigned int host;
	char pci[STR_MAX];
	char product_id[STR_MAX];
	char model[STR_MAX];
	char serial[STR_MAX];
	char firmware[STR_MAX];
	char family[STR_MAX];
	char state[STR_MAX];
	char stage[STR_MAX];
	unsigned int volumes;
};

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--json] COMMAND [ARGS]\n"
		"\n"
		"Commands (HOST: host4, 4, or the adapter's PCI address 0000:03:00.0):\n"
		"  list                      every acxxx adapter: host, PCI address, model,\n"
		"                            serial, firmware, family, state, volumes\n"
		"  info HOST                 identity, state, limits, LUN map, counters\n"
		"  volumes HOST              each volume: LUN index, H:C:T:L, /dev node, size,\n"
		"                            serial, WWN\n"
		"  events HOST [--since N] [--follow]\n"
		"                            the firmware events the driver kept (sequence\n"
		"                            numbers above N); --follow waits for new ones\n"
		"  page HOST N [--hex]       management page N (0-255): raw 512 bytes to a\n"
		"                            file or pipe, or a hex dump with --hex\n"
		"  rtc HOST                  the controller's real-time clock\n"
		"  ping HOST [--size N]      echo write and read back of N random bytes\n"
		"                            (1-%d, default %d), compared\n"
		"  rescan HOST               ask the SCSI midlayer to scan the adapter\n"
		"\n"
		"Options:\n"
		"  --json        JSON on stdout (every command but rescan; events --follow:\n"
		"                one JSON object a line)\n"
		"  --timeout S   page, rtc, ping: seconds the firmware gets to answer\n"
		"                (1-%d, default 30)\n"
		"  --version     print the version\n"
		"  -h, --help    this text\n"
		"\n"
		"list and volumes read sysfs and need no privilege; info, events, page,\n"
		"rtc and ping use /dev/bsg/acxxx<H> and need root (CAP_SYS_RAWIO);\n"
		"rescan writes sysfs and needs root.\n"
		"\n"
		"Exit status:\n"
		"  0  success\n"
		"  1  any other error\n"
		"  2  usage error\n"
		"  3  no such adapter\n"
		"  4  permission denied\n"
		"  5  adapter busy (starting, resetting, paused) or offline\n"
		"  6  firmware error (its status and error code are printed)\n"
		"  7  the firmware did not answer in time\n",
		ACXXX_BSG_MAX_DATA, PING_DEFAULT, FW_MAX_S);
}

static int usage_error(const char *fmt, const char *what)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return RC_USAGE;
}

/* ------------------------------------------------------------------ */
/* sysfs                                                               */

/* Copy @src into @dst of @size bytes, cut if need be. */
static void str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Read a one-line attribute into @buf, trailing white space removed. */
static int read_attr(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

/* An attribute of /sys/class/scsi_host/host<H>/, "" when absent. */
static void host_attr(unsigned int host, const char *name, char *buf,
		      size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/sys/class/scsi_host/host%u/%s",
		 sys_root, host, name);
	read_attr(path, buf, size);
}

/* Parse "<H>:<C>:<T>:<L>"; 0 when it is one. */
static int parse_hctl(const char *s, unsigned int hctl[4])
{
	char end;

	return sscanf(s, "%u:%u:%u:%u%c", &hctl[0], &hctl[1], &hctl[2],
		      &hctl[3], &end) == 4 ? 0 : -1;
}

/* Volumes of host @host: SCSI devices at channel 0, LUN 0, target >= 1. */
static unsigned int count_volumes(unsigned int host)
{
	char path[PATH_MAX];
	struct dirent *de;
	unsigned int hctl[4], n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/class/scsi_device", sys_root);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!parse_hctl(de->d_name, hctl) && hctl[0] == host)
			n++;
	closedir(d);
	return n;
}

/* Fill @a from sysfs; -ENOENT when host @host is not an acxxx adapter. */
static int adapter_read(unsigned int host, struct adapter *a)
{
	char path[PATH_MAX], real[PATH_MAX], name[STR_MAX];
	const char *base;

	host_attr(host, "proc_name", name, sizeof(name));
	if (strcmp(name, DRIVER_NAME))
		return -ENOENT;
	memset(a, 0, sizeof(*a));
	a->host = host;
	/* The host's device is a child of the PCI function's. */
	snprintf(path, sizeof(path), "%s/sys/class/scsi_host/host%u/device/..",
		 sys_root, host);
	if (realpath(path, real)) {
		base = strrchr(real, '/');
		str_copy(a->pci, sizeof(a->pci), base ? base + 1 : real);
	}
	host_attr(host, "product_id", a->product_id, sizeof(a->product_id));
	host_attr(host, "model", a->model, sizeof(a->model));
	host_attr(host, "serial", a->serial, sizeof(a->serial));
	host_attr(host, "firmware_version", a->firmware, sizeof(a->firmware));
	host_attr(host, "family", a->family, sizeof(a->family));
	host_attr(host, "controller_state", a->state, sizeof(a->state));
	host_attr(host, "stage", a->stage, sizeof(a->stage));
	a->volumes = count_volumes(host);
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * The numbers of every acxxx host, ascending, into @hosts (at most @max);
 * returns how many, or -errno when sysfs cannot be read.
 */
static int list_hosts(unsigned int *hosts, int max)
{
	char path[PATH_MAX], end;
	struct adapter a;
	struct dirent *de;
	unsigned int h;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/class/scsi_host", sys_root);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && n < max)
		if (sscanf(de->d_name, "host%u%c", &h, &end) == 1 &&
		    !adapter_read(h, &a))
			hosts[n++] = h;
	closedir(d);
	qsort(hosts, n, sizeof(*hosts), cmp_uint);
	return n;
}

/* Canonical PCI address: "03:00.0" -> "0000:03:00.0", lower case. */
static void pci_canon(const char *s, char *out, size_t size)
{
	size_t i;

	snprintf(out, size, "%s%s", strchr(s, ':') == strrchr(s, ':') ?
		 "0000:" : "", s);
	for (i = 0; out[i]; i++)
		out[i] = tolower((unsigned char)out[i]);
}

/*
 * Find the adapter @spec names ("host4", "4" or a PCI address) and fill
 * @a; prints why not and returns an exit code otherwise.
 */
static int resolve_host(const char *spec, struct adapter *a)
{
	unsigned int hosts[256], h;
	char want[STR_MAX], end;
	const char *num = spec;
	int n, i;

	if (!strncmp(num, "host", 4))
		num += 4;
	if (isdigit((unsigned char)num[0]) && sscanf(num, "%u%c", &h, &end) == 1) {
		if (adapter_read(h, a)) {
			fprintf(stderr, PROG ": %s: no such acxxx adapter\n", spec);
			return RC_NOADAPTER;
		}
		return RC_OK;
	}
	if (!strchr(spec, ':'))
		return usage_error("'%s' is not a host (host4, 4 or a PCI address)",
				   spec);
	pci_canon(spec, want, sizeof(want));
	n = list_hosts(hosts, 256);
	for (i = 0; i < n; i++)
		if (!adapter_read(hosts[i], a) && !strcmp(a->pci, want))
			return RC_OK;
	fprintf(stderr, PROG ": %s: no such acxxx adapter\n", spec);
	return RC_NOADAPTER;
}

/* ------------------------------------------------------------------ */
/* the bsg node                                                        */

/* An errno of the bsg node as an exit code, with a message. */
static int last_errno;

static int bsg_errno(const struct adapter *a, const char *what, int err)
{
	int rc;

	last_errno = err;
	switch (err) {
	case EACCES:
	case EPERM:
		host_err(a, "%s: permission denied (needs root: CAP_SYS_RAWIO)\n",
			 what);
		return RC_PERM;
	case EBUSY:
	case EAGAIN:
		host_err(a, "%s: adapter busy (state %s), try again\n",
			 what, a->state);
		return RC_BUSY;
	case ENODEV:
	case ENXIO:
		host_err(a, "%s: adapter offline or being removed\n",
			 what);
		return RC_BUSY;
	case ETIMEDOUT:
		host_err(a, "%s: the firmware did not answer in time\n",
			 what);
		return RC_TIMEOUT;
	case ENOENT:
		host_err(a, "%s: no management node (a driver without it, or no udev/devtmpfs)\n",
			 what);
		return RC_ERROR;
	default:
		rc = RC_ERROR;
	}
	host_err(a, "%s: %s\n", what, strerror(err));
	return rc;
}

static int bsg_open(const struct adapter *a, int *fd)
{
	char path[PATH_MAX], what[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/dev/bsg/acxxx%u", dev_root, a->host);
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return RC_OK;
	snprintf(what, sizeof(what), "open %s", path);
	return bsg_errno(a, what, errno);
}

/*
 * One request: @din/@din_len to receive, @dout/@dout_len to send (one of
 * them at most).  Returns an exit code; RC_FIRMWARE (message printed) when
 * the firmware answered with an error.
 */
static int bsg_request(const struct adapter *a, int fd, const char *what,
		       struct acxxx_bsg_request *req, void *din, size_t din_len,
		       const void *dout, size_t dout_len,
		       struct acxxx_bsg_reply *rep)
{
	struct sg_io_v4 io;

	memset(&io, 0, sizeof(io));
	memset(rep, 0, sizeof(*rep));
	req->version = ACXXX_BSG_VERSION;
	if (req->cmd == ACXXX_BSG_CMD_PAGE || req->cmd == ACXXX_BSG_CMD_MGMT)
		req->timeout_ms = fw_timeout_ms;
	/* the block layer's own limit, past the driver's */
	io.timeout = (fw_timeout_ms ? fw_timeout_ms : FW_DEFAULT_MS) + 10000;
	io.guard = 'Q';
	io.protocol = BSG_PROTOCOL_SCSI;
	io.subprotocol = BSG_SUB_PROTOCOL_SCSI_TRANSPORT;
	io.request = (uintptr_t)req;
	io.request_len = sizeof(*req);
	io.response = (uintptr_t)rep;
	io.max_response_len = sizeof(*rep);
	io.din_xferp = (uintptr_t)din;
	io.din_xfer_len = din_len;
	io.dout_xferp = (uintptr_t)dout;
	io.dout_xfer_len = dout_len;
	if (ioctl(fd, SG_IO, &io) < 0)
		return bsg_errno(a, what, errno);
	if ((io.info & SG_INFO_CHECK) || rep->version != ACXXX_BSG_VERSION) {
		host_err(a, "%s: bad answer from the driver (transport status %u, version %u)\n",
			 what, io.transport_status, rep->version);
		return RC_ERROR;
	}
	if (rep->fw_status) {
		host_err(a, "%s: firmware error: status 0x%02x, error code 0x%04x\n",
			 what, rep->fw_status, rep->fw_error);
		return RC_FIRMWARE;
	}
	return RC_OK;
}

/* A management CDB of opcode @op moving @len bytes (spec 7.1). */
static int bsg_mgmt(const struct adapter *a, int fd, const char *what,
		    unsigned char op, void *din, const void *dout, size_t len)
{
	struct acxxx_bsg_request req;
	struct acxxx_bsg_reply rep;

	memset(&req, 0, sizeof(req));
	req.cmd = ACXXX_BSG_CMD_MGMT;
	req.data_len = len;
	req.cdb[0] = op;
	if (op == OP_ECHO_READ || op == OP_ECHO_WRITE) {
		req.cdb[2] = len & 0xff;
		req.cdb[3] = len >> 8;
	}
	return bsg_request(a, fd, what, &req, din, din ? len : 0, dout,
			   dout ? len : 0, &rep);
}

/* ------------------------------------------------------------------ */
/* commands                                                            */

static void adapter_json(FILE *f, const struct adapter *a)
{
	int first = 1;

	fputc('{', f);
	json_knum(f, &first, "host", a->host);
	json_kstr(f, &first, "pci_address", a->pci);
	json_kstr(f, &first, "product_id", a->product_id);
	json_kstr(f, &first, "model", a->model);
	json_kstr(f, &first, "serial", a->serial);
	json_kstr(f, &first, "firmware", a->firmware);
	json_kstr(f, &first, "family", a->family);
	json_kstr(f, &first, "state", a->state);
	json_kstr(f, &first, "stage", a->stage);
	json_knum(f, &first, "volumes", a->volumes);
	fputc('}', f);
}

static int cmd_list(const struct opts *o)
{
	unsigned int hosts[256];
	struct adapter a;
	int n, i;

	n = list_hosts(hosts, 256);
	if (n < 0) {
		fprintf(stderr, PROG ": %s/sys/class/scsi_host: %s\n", sys_root,
			strerror(-n));
		return RC_ERROR;
	}
	if (o->json)
		putchar('[');
	else
		printf("%-6s %-13s %-24s %-18s %-14s %-6s %-12s %s\n", "HOST",
		       "PCI", "MODEL", "SERIAL", "FIRMWARE", "FAMILY", "STATE",
		       "VOLUMES");
	for (i = 0; i < n; i++) {
		if (adapter_read(hosts[i], &a))
			continue;	/* gone meanwhile */
		if (o->json) {
			if (i)
				putchar(',');
			adapter_json(stdout, &a);
			continue;
		}
		printf("host%-2u %-13s %-24s %-18s %-14s %-6s %-12s %u\n",
		       a.host, a.pci, a.model, a.serial, a.firmware, a.family,
		       a.state, a.volumes);
	}
	if (o->json)
		puts("]");
	return RC_OK;
}

/* One volume of an adapter, from sysfs. */
struct volume {
	unsigned int hctl[4];
	char disk[STR_MAX];	/* sdX */
	char sg[STR_MAX];	/* sgN */
	char serial[STR_MAX];
	char wwn[STR_MAX];
	char state[STR_MAX];
	unsigned long long bytes;
};

/* The one entry of directory @dir (e.g. device/block/), "" if none. */
static void only_entry(const char *dir, char *buf, size_t size)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	buf[0] = '\0';
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			str_copy(buf, size, de->d_name);
			break;
		}
	closedir(d);
}

/*
 * VPD page @code as sysfs caches it at @path into @page (@max bytes);
 * returns the length of its payload (at @page + 4), 0 if there is none.
 */
static size_t vpd_read(const char *path, unsigned char code,
		       unsigned char *page, size_t max)
{
	FILE *f = fopen(path, "r");
	size_t n, len;

	if (!f)
		return 0;
	n = fread(page, 1, max, f);
	fclose(f);
	if (n < 4 || page[1] != code)
		return 0;
	len = (size_t)page[2] << 8 | page[3];
	return len > n - 4 ? n - 4 : len;
}

/* The unit serial number (VPD page 0x80). */
static void vpd_serial(const char *path, char *buf, size_t size)
{
	unsigned char page[260];
	size_t len, i, o = 0;

	len = vpd_read(path, 0x80, page, sizeof(page));
	for (i = 0; i < len && o + 1 < size; i++)
		buf[o++] = page[4 + i];
	buf[o] = '\0';
	/* the page pads with spaces or NULs */
	while (o && (buf[o - 1] == ' ' || !buf[o - 1]))
		buf[--o] = '\0';
	for (i = 0; i < o && buf[i] == ' '; i++)
		;
	memmove(buf, buf + i, o - i + 1);
}

/*
 * The volume's NAA identifier from the device identification page (VPD
 * 0x83), "naa." and hex; "" if it has none.  The kernel's wwid may
 * prefer another designator (a T10 vendor ID).
 */
static void vpd_naa(const char *path, char *buf, size_t size)
{
	unsigned char page[1024];
	size_t len, i, o, k;
	unsigned int dlen;

	buf[0] = '\0';
	len = vpd_read(path, 0x83, page, sizeof(page));
	/* designators: a 4-byte header each, the length in byte 3 */
	for (i = 4; i + 4 <= len + 4; i += 4 + dlen) {
		dlen = page[i + 3];
		if (i + 4 + dlen > len + 4)
			break;
		/* association: the LUN (bits 5..4 = 0); type 3: NAA */
		if ((page[i + 1] & 0x30) || (page[i + 1] & 0x0f) != 3 ||
		    2 * dlen + 5 > size)
			continue;
		o = snprintf(buf, size, "naa.");
		for (k = 0; k < dlen; k++)
			o += snprintf(buf + o, size - o, "%02x", page[i + 4 + k]);
		return;
	}
}

static void volume_read(const char *name, struct volume *v)
{
	char base[PATH_MAX], path[PATH_MAX + 64], size[64];

	memset(v, 0, sizeof(*v));
	parse_hctl(name, v->hctl);
	snprintf(base, sizeof(base), "%s/sys/class/scsi_device/%s/device",
		 sys_root, name);
	snprintf(path, sizeof(path), "%s/block", base);
	only_entry(path, v->disk, sizeof(v->disk));
	snprintf(path, sizeof(path), "%s/scsi_generic", base);
	only_entry(path, v->sg, sizeof(v->sg));
	snprintf(path, sizeof(path), "%s/vpd_pg80", base);
	vpd_serial(path, v->serial, sizeof(v->serial));
	snprintf(path, sizeof(path), "%s/vpd_pg83", base);
	vpd_naa(path, v->wwn, sizeof(v->wwn));
	snprintf(path, sizeof(path), "%s/wwid", base);
	if (!v->wwn[0])
		read_attr(path, v->wwn, sizeof(v->wwn));
	snprintf(path, sizeof(path), "%s/state", base);
	read_attr(path, v->state, sizeof(v->state));
	if (v->disk[0]) {
		snprintf(path, sizeof(path), "%s/sys/class/block/%s/size",
			 sys_root, v->disk);
		if (!read_attr(path, size, sizeof(size)))
			v->bytes = strtoull(size, NULL, 10) * 512;
	}
}

static int cmp_volume(const void *a, const void *b)
{
	const struct volume *x = a, *y = b;
	int i;

	for (i = 1; i < 4; i++)
		if (x->hctl[i] != y->hctl[i])
			return x->hctl[i] < y->hctl[i] ? -1 : 1;
	return 0;
}

static void dev_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s%s", name[0] ? "/dev/" : "", name);
}

static int cmd_volumes(const struct opts *o, const struct adapter *a)
{
	char path[PATH_MAX], hctl[64], disk[STR_MAX + 8], sg[STR_MAX + 8];
	struct volume vols[ACXXX_BSG_MAX_LUNS * 4];
	unsigned int h[4];
	struct dirent *de;
	int n = 0, i, first;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/class/scsi_device", sys_root);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d)) && n < (int)ARRAY_SIZE(vols))
			if (!parse_hctl(de->d_name, h) && h[0] == a->host)
				volume_read(de->d_name, &vols[n++]);
		closedir(d);
	}
	qsort(vols, n, sizeof(vols[0]), cmp_volume);
	if (o->json)
		putchar('[');
	else
		printf("%-4s %-12s %-10s %-9s %14s  %-20s %s\n", "LUN", "H:C:T:L",
		       "DEVICE", "SG", "SIZE", "SERIAL", "WWN");
	for (i = 0; i < n; i++) {
		struct volume *v = &vols[i];
		/* volume i is channel 0, target i + 1, LUN 0 */
		int idx = v->hctl[1] == 0 && v->hctl[3] == 0 && v->hctl[2] >= 1 ?
			  (int)v->hctl[2] - 1 : -1;

		snprintf(hctl, sizeof(hctl), "%u:%u:%u:%u", v->hctl[0],
			 v->hctl[1], v->hctl[2], v->hctl[3]);
		dev_path(disk, sizeof(disk), v->disk);
		dev_path(sg, sizeof(sg), v->sg);
		if (o->json) {
			first = 1;
			if (i)
				putchar(',');
			putchar('{');
			json_key(stdout, &first, "lun");
			if (idx < 0)
				fputs("null", stdout);
			else
				printf("%d", idx);
			json_kstr(stdout, &first, "hctl", hctl);
			json_kstr(stdout, &first, "device", disk);
			json_kstr(stdout, &first, "sg", sg);
			json_knum(stdout, &first, "size_bytes", v->bytes);
			json_kstr(stdout, &first, "serial", v->serial);
			json_kstr(stdout, &first, "wwn", v->wwn);
			json_kstr(stdout, &first, "state", v->state);
			putchar('}');
			continue;
		}
		if (idx < 0)
			printf("%-4s ", "-");
		else
			printf("%-4d ", idx);
		printf("%-12s %-10s %-9s %14llu  %-20s %s\n", hctl,
		       disk[0] ? disk : "-", sg[0] ? sg : "-", v->bytes,
		       v->serial[0] ? v->serial : "-", v->wwn[0] ? v->wwn : "-");
	}
	if (o->json)
		puts("]");
	return RC_OK;
}

static const char *family_name(unsigned int f)
{
	switch (f) {
	case ACXXX_BSG_FAMILY_341: return "341";
	case ACXXX_BSG_FAMILY_2208: return "2208";
	case ACXXX_BSG_FAMILY_3108: return "3108";
	}
	return "unknown";
}

/* The names sysfs's controller_state uses. */
static const char *state_name(unsigned int s)
{
	static const char * const names[] = {
		[ACXXX_BSG_STATE_STARTING] = "starting",
		[ACXXX_BSG_STATE_LIVE] = "running",
		[ACXXX_BSG_STATE_PAUSED] = "paused",
		[ACXXX_BSG_STATE_RESETTING] = "resetting",
		[ACXXX_BSG_STATE_SUSPENDED] = "suspended",
		[ACXXX_BSG_STATE_FROZEN] = "pci-recovery",
		[ACXXX_BSG_STATE_OFFLINE] = "offline",
		[ACXXX_BSG_STATE_REMOVING] = "removing",
	};

	return s < ARRAY_SIZE(names) && names[s] ? names[s] :
	       "unknown";
}

static const char *stage_name(unsigned int s)
{
	static const char * const names[] = { "null", "single", "full" };

	return s < 3 ? names[s] : "unknown";
}

/* A fixed-size string field of the ABI, NUL-terminated. */
static void abi_str(char *out, const char *in)
{
	memcpy(out, in, ACXXX_BSG_STR_LEN);
	out[ACXXX_BSG_STR_LEN] = '\0';
}

static void info_json(const struct acxxx_bsg_info *in, const char *pci,
		      char s[5][ACXXX_BSG_STR_LEN + 1])
{
	static const char * const keys[] = {
		"product_id", "model", "serial", "firmware", "vendor",
	};
	const struct acxxx_bsg_counters *c = &in->counters;
	char id[16];
	int first = 1, f2, i;

	putchar('{');
	json_knum(stdout, &first, "host", in->host_no);
	json_kstr(stdout, &first, "pci_address", pci);
	snprintf(id, sizeof(id), "%04x:%04x", in->pci_vendor, in->pci_device);
	json_kstr(stdout, &first, "pci_id", id);
	for (i = 0; i < 5; i++)
		json_kstr(stdout, &first, keys[i], s[i]);
	json_kstr(stdout, &first, "family", family_name(in->family));
	json_kstr(stdout, &first, "state", state_name(in->state));
	json_kstr(stdout, &first, "stage", stage_name(in->stage));
	json_knum(stdout, &first, "can_queue", in->can_queue);
	json_knum(stdout, &first, "max_sectors", in->max_sectors);
	json_knum(stdout, &first, "volumes", in->nr_volumes);
	json_key(stdout, &first, "luns");
	putchar('[');
	for (i = 0, f2 = 1; i < ACXXX_BSG_MAX_LUNS; i++)
		if (in->lun_present >> i & 1) {
			printf("%s%d", f2 ? "" : ",", i);
			f2 = 0;
		}
	putchar(']');
	json_key(stdout, &first, "events_on");
	fputs(in->events_on ? "true" : "false", stdout);
	json_knum(stdout, &first, "event_seq", in->event_seq);
	json_key(stdout, &first, "counters");
	f2 = 1;
	putchar('{');
	json_knum(stdout, &f2, "commands", c->commands);
	json_knum(stdout, &f2, "errors", c->errors);
	json_knum(stdout, &f2, "aborts", c->aborts);
	json_knum(stdout, &f2, "resets", c->resets);
	json_knum(stdout, &f2, "reinits", c->reinits);
	json_knum(stdout, &f2, "events", c->events);
	json_knum(stdout, &f2, "mgmt", c->mgmt);
	json_knum(stdout, &f2, "timeouts", c->timeouts);
	puts("}}");
}

static int cmd_info(const struct opts *o, const struct adapter *a)
{
	static const char * const labels[] = {
		"Product ID:", "Model:", "Serial:", "Firmware:", "Vendor:",
	};
	char s[5][ACXXX_BSG_STR_LEN + 1];
	struct acxxx_bsg_request req;
	struct acxxx_bsg_reply rep;
	struct acxxx_bsg_info in;
	const struct acxxx_bsg_counters *c = &in.counters;
	int fd, rc, i;

	rc = bsg_open(a, &fd);
	if (rc)
		return rc;
	memset(&req, 0, sizeof(req));
	memset(&in, 0, sizeof(in));
	req.cmd = ACXXX_BSG_CMD_INFO;
	rc = bsg_request(a, fd, "info", &req, &in, sizeof(in), NULL, 0, &rep);
	close(fd);
	if (rc)
		return rc;
	abi_str(s[0], in.product_id);
	abi_str(s[1], in.model);
	abi_str(s[2], in.serial);
	abi_str(s[3], in.fw_version);
	abi_str(s[4], in.vendor);
	if (o->json) {
		info_json(&in, a->pci, s);
		return RC_OK;
	}
	printf("Host:            host%u\n", in.host_no);
	printf("PCI address:     %s (%04x:%04x)\n", a->pci, in.pci_vendor,
	       in.pci_device);
	for (i = 0; i < 5; i++)
		printf("%-17s%s\n", labels[i], s[i]);
	printf("Family:          %s\n", family_name(in.family));
	printf("State:           %s\n", state_name(in.state));
	printf("Stage:           %s\n", stage_name(in.stage));
	printf("Queue depth:     %u\n", in.can_queue);
	printf("Max transfer:    %u sectors\n", in.max_sectors);
	printf("Volumes:         %u (LUN indexes:", in.nr_volumes);
	for (i = 0; i < ACXXX_BSG_MAX_LUNS; i++)
		if (in.lun_present >> i & 1)
			printf(" %d", i);
	printf(")\n");
	printf("Events:          %s, newest sequence number %llu\n",
	       in.events_on ? "on" : "off", (unsigned long long)in.event_seq);
	printf("Counters:        commands %llu, errors %llu, aborts %llu, resets %llu,\n"
	       "                 re-inits %llu, events %llu, management %llu, timeouts %llu\n",
	       (unsigned long long)c->commands, (unsigned long long)c->errors,
	       (unsigned long long)c->aborts, (unsigned long long)c->resets,
	       (unsigned long long)c->reinits, (unsigned long long)c->events,
	       (unsigned long long)c->mgmt, (unsigned long long)c->timeouts);
	return RC_OK;
}

static const char *event_name(unsigned int code)
{
	/* the kernel log's words for them */
	switch (code) {
	case ACXXX_BSG_EVENT_LUN_CHANGE: return "volume configuration changed";
	case 0x55: return "event switch in use";
	case 0xaa: return "event switch done";
	case 0xff: return "RAID error";
	}
	return "unknown event";
}

static void event_print(const struct opts *o, const struct acxxx_bsg_event *e)
{
	time_t t = e->time_ns / 1000000000ull;
	char when[32];
	struct tm tm;
	int first = 1, i;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (o->json) {
		putchar('{');
		json_knum(stdout, &first, "seq", e->seq);
		json_knum(stdout, &first, "time_ns", e->time_ns);
		json_key(stdout, &first, "time");
		printf("\"%s.%03lluZ\"", when,
		       (unsigned long long)(e->time_ns / 1000000 % 1000));
		json_knum(stdout, &first, "code", e->code);
		json_kstr(stdout, &first, "name", event_name(e->code));
		json_khex(stdout, &first, "data", e->data, sizeof(e->data));
		putchar('}');
		return;
	}
	printf("%-6llu %s.%03lluZ  0x%02x  %-28s ", (unsigned long long)e->seq,
	       when, (unsigned long long)(e->time_ns / 1000000 % 1000),
	       e->code, event_name(e->code));
	for (i = 0; i < 16; i++)
		printf("%02x", e->data[i]);
	putchar('\n');
}

/*
 * Every event above @*since into @*evs (@*n of them, the array grown with
 * realloc), @*since moved past them.
 */
static int events_fetch(const struct adapter *a, int fd,
			unsigned long long *since, struct acxxx_bsg_event **evs,
			size_t *n, struct acxxx_bsg_reply *rep)
{
	struct acxxx_bsg_request req;
	struct acxxx_bsg_event *e;
	unsigned int got, i;
	int rc;

	do {
		e = realloc(*evs, (*n + ACXXX_BSG_EVENT_LOG) * sizeof(*e));
		if (!e) {
			fprintf(stderr, PROG ": out of memory\n");
			return RC_ERROR;
		}
		*evs = e;
		e += *n;
		memset(&req, 0, sizeof(req));
		req.cmd = ACXXX_BSG_CMD_EVENTS;
		req.since = *since;
		rc = bsg_request(a, fd, "events", &req, e,
				 ACXXX_BSG_EVENT_LOG * sizeof(*e), NULL, 0, rep);
		if (rc)
			return rc;
		got = rep->data_len / sizeof(*e);
		if (got > ACXXX_BSG_EVENT_LOG)
			got = ACXXX_BSG_EVENT_LOG;
		if (rep->lost)
			host_err(a, "%llu older events are no longer kept\n",
				 (unsigned long long)rep->lost);
		for (i = 0; i < got; i++)
			if (e[i].seq > *since)
				*since = e[i].seq;
		*n += got;
	} while (got == ACXXX_BSG_EVENT_LOG);
	return RC_OK;
}

static int cmd_events(const struct opts *o, const struct adapter *a)
{
	unsigned long long since = o->since;
	struct acxxx_bsg_event *evs = NULL;
	struct acxxx_bsg_reply rep;
	struct timespec nap = { 1, 0 };
	int fd, rc, first = 1;
	size_t n = 0, i;

	rc = bsg_open(a, &fd);
	if (rc)
		return rc;
	if (!o->follow) {
		rc = events_fetch(a, fd, &since, &evs, &n, &rep);
		close(fd);
		if (rc)
			goto out;
		if (o->json)
			fputs("{\"events\":[", stdout);
		else
			printf("%-6s %-24s  %-4s  %-28s %s\n", "SEQ", "TIME (UTC)",
			       "CODE", "EVENT", "DATA (first 16 bytes)");
		for (i = 0; i < n; i++) {
			if (o->json && i)
				putchar(',');
			event_print(o, &evs[i]);
		}
		if (o->json) {
			putchar(']');
			first = 0;
			json_knum(stdout, &first, "last_seq", rep.last_seq);
			json_knum(stdout, &first, "lost", rep.lost);
			puts("}");
		}
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Until killed; ride out a re-init (EBUSY); an adapter that goes away
	 * ends it.
	 */
	for (;;) {
		n = 0;
		rc = events_fetch(a, fd, &since, &evs, &n, &rep);
		for (i = 0; i < n; i++) {
			event_print(o, &evs[i]);
			if (o->json)
				putchar('\n');
		}
		if (rc && last_errno != EBUSY && last_errno != EAGAIN)
			break;
		rc = RC_OK;
		nanosleep(&nap, NULL);
	}
	close(fd);
out:
	free(evs);
	return rc;
}

static void hexdump(const unsigned char *b, size_t len)
{
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("%04zx ", i);
		for (j = i; j < i + 16; j++)
			printf(" %02x", b[j]);
		printf("  |");
		for (j = i; j < i + 16; j++)
			putchar(b[j] >= 0x20 && b[j] < 0x7f ? b[j] : '.');
		printf("|\n");
	}
}

static int cmd_page(const struct opts *o, const struct adapter *a)
{
	unsigned char page[ACXXX_BSG_PAGE_LEN];
	struct acxxx_bsg_request req;
	struct acxxx_bsg_reply rep;
	unsigned long n;
	int fd, rc, first = 1;
	char *end;

	errno = 0;
	n = strtoul(o->arg, &end, 0);
	if (errno || *end || !*o->arg || n > 255 || o->arg[0] == '-')
		return usage_error("page number '%s' is not 0-255", o->arg);
	if (!o->hex && !o->json && isatty(STDOUT_FILENO))
		return usage_error("%s",
				   "page: the raw page is binary: redirect it, or use --hex or --json");
	rc = bsg_open(a, &fd);
	if (rc)
		return rc;
	memset(&req, 0, sizeof(req));
	req.cmd = ACXXX_BSG_CMD_PAGE;
	req.page = n;
	rc = bsg_request(a, fd, "page", &req, page, sizeof(page), NULL, 0, &rep);
	close(fd);
	if (rc)
		return rc;
	if (o->json) {
		putchar('{');
		json_knum(stdout, &first, "page", n);
		json_khex(stdout, &first, "data", page, sizeof(page));
		puts("}");
	} else if (o->hex) {
		hexdump(page, sizeof(page));
	} else if (fwrite(page, 1, sizeof(page), stdout) != sizeof(page)) {
		fprintf(stderr, PROG ": writing the page: %s\n", strerror(errno));
		return RC_ERROR;
	}
	return RC_OK;
}

static int cmd_rtc(const struct opts *o, const struct adapter *a)
{
	static const char * const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	unsigned char b[RTC_LEN];
	char when[40];
	int fd, rc, first = 1;

	rc = bsg_open(a, &fd);
	if (rc)
		return rc;
	memset(b, 0, sizeof(b));
	rc = bsg_mgmt(a, fd, "rtc", OP_RTC_GET, b, NULL, sizeof(b));
	close(fd);
	if (rc)
		return rc;
	/* sec, min, hour, day, month, year - 2000, weekday (decisions.md) */
	snprintf(when, sizeof(when), "%04u-%02u-%02uT%02u:%02u:%02u",
		 2000 + b[5], b[4], b[3], b[2], b[1], b[0]);
	if (o->json) {
		putchar('{');
		json_kstr(stdout, &first, "rtc", when);
		json_kstr(stdout, &first, "weekday", b[6] < 7 ? days[b[6]] : "?");
		json_khex(stdout, &first, "raw", b, sizeof(b));
		puts("}");
	} else {
		printf("%s %s\n", when, b[6] < 7 ? days[b[6]] : "?");
	}
	return RC_OK;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmd_ping(const struct opts *o, const struct adapter *a)
{
	static unsigned char out[ACXXX_BSG_MAX_DATA], in[ACXXX_BSG_MAX_DATA];
	size_t len = o->size, i, bad = 0, first_bad = 0;
	double t0, ms;
	int fd, rc, first = 1;

	if (getrandom(out, len, 0) != (ssize_t)len) {
		fprintf(stderr, PROG ": getrandom: %s\n", strerror(errno));
		return RC_ERROR;
	}
	memset(in, 0, len);
	rc = bsg_open(a, &fd);
	if (rc)
		return rc;
	t0 = now_ms();
	rc = bsg_mgmt(a, fd, "echo write", OP_ECHO_WRITE, NULL, out, len);
	if (!rc)
		rc = bsg_mgmt(a, fd, "echo read", OP_ECHO_READ, in, NULL, len);
	ms = now_ms() - t0;
	close(fd);
	if (rc)
		return rc;
	for (i = len; i-- > 0;)
		if (in[i] != out[i]) {
			bad++;
			first_bad = i;
		}
	if (o->json) {
		putchar('{');
		json_knum(stdout, &first, "bytes", len);
		json_key(stdout, &first, "match");
		fputs(bad ? "false" : "true", stdout);
		json_knum(stdout, &first, "bytes_differing", bad);
		json_key(stdout, &first, "round_trip_ms");
		printf("%.3f", ms);
		puts("}");
	}
	if (bad) {
		host_err(a, "echo: %zu of %zu bytes came back different (first at offset %zu)\n",
			 bad, len, first_bad);
		return RC_ERROR;
	}
	if (!o->json)
		printf("host%u: %zu bytes echoed and compared in %.3f ms\n",
		       a->host, len, ms);
	return RC_OK;
}

static int cmd_rescan(const struct adapter *a)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/class/scsi_host/host%u/scan",
		 sys_root, a->host);
	f = fopen(path, "w");
	if (!f || fputs("- - -\n", f) < 0 || fclose(f)) {
		int err = errno;

		if (err == EACCES || err == EPERM) {
			host_err(a, "rescan: permission denied (needs root)\n");
			return RC_PERM;
		}
		fprintf(stderr, PROG ": host%u: rescan: %s: %s\n", a->host,
			path, strerror(err));
		return RC_ERROR;
	}
	printf("host%u: scan requested\n", a->host);
	return RC_OK;
}

/* ------------------------------------------------------------------ */
/* the command line                                                    */

/* What each command takes: its number of operands and its options. */
static const struct {
	const char *name;
	int operands;		/* HOST included */
	const char *options;	/* accepted besides --json */
	int json;
} commands[] = {
	{ "list", 0, "", 1 },
	{ "info", 1, "", 1 },
	{ "volumes", 1, "", 1 },
	{ "events", 1, "--follow --since", 1 },
	{ "page", 2, "--hex --timeout", 1 },
	{ "rtc", 1, "--timeout", 1 },
	{ "ping", 1, "--size --timeout", 1 },
	{ "rescan", 1, "", 0 },
};

/* Whether the space-separated list @list holds @word. */
static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static int parse_num(const char *opt, const char *s, unsigned long long max,
		     unsigned long long *val)
{
	char *end;

	errno = 0;
	if (!s)
		return usage_error("%s needs a value", opt);
	*val = strtoull(s, &end, 0);
	if (errno || *end || !*s || s[0] == '-' || *val > max) {
		fprintf(stderr, PROG ": %s: '%s' is not a number in range\n", opt, s);
		return RC_USAGE;
	}
	return RC_OK;
}

/*
 * Parse @argv into @o; RC_OK, or an exit code with the message printed.
 * *@done is set when the command line was only --help or --version.
 */
static int parse_args(int argc, char **argv, struct opts *o, int *done)
{
	const char *operand[3] = { NULL };
	const char *opts_seen[8];
	unsigned long long v;
	int nops = 0, nseen = 0, i, c = -1, rc;

	memset(o, 0, sizeof(*o));
	o->size = PING_DEFAULT;
	*done = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help(stdout);
			*done = 1;
			return RC_OK;
		}
		if (!strcmp(a, "--version")) {
			printf(PROG " " ACXXX_VERSION "\n");
			*done = 1;
			return RC_OK;
		}
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (++i < argc && nops < 3)
				operand[nops++] = argv[i];
			if (i < argc)
				return usage_error("too many arguments: '%s'", argv[i]);
			break;
		}
		if (a[0] != '-' || !a[1] || isdigit((unsigned char)a[1])) {
			if (nops == 3)
				return usage_error("too many arguments: '%s'", a);
			operand[nops++] = a;
			continue;
		}
		if (!strcmp(a, "--json")) {
			o->json = 1;
			continue;
		}
		if (nseen == 8)
			return usage_error("too many options: '%s'", a);
		opts_seen[nseen++] = a;
		if (!strcmp(a, "--follow")) {
			o->follow = 1;
		} else if (!strcmp(a, "--hex")) {
			o->hex = 1;
		} else if (!strcmp(a, "--since")) {
			rc = parse_num(a, argv[i + 1], ULLONG_MAX, &v);
			if (rc)
				return rc;
			i++;
			o->since = v;
		} else if (!strcmp(a, "--timeout")) {
			rc = parse_num(a, argv[i + 1], FW_MAX_S, &v);
			if (rc)
				return rc;
			if (!v)
				return usage_error("%s: at least 1 second", a);
			i++;
			fw_timeout_ms = v * 1000;
		} else if (!strcmp(a, "--size")) {
			rc = parse_num(a, argv[i + 1], ACXXX_BSG_MAX_DATA, &v);
			if (rc)
				return rc;
			if (!v)
				return usage_error("%s: 0 bytes is no ping", a);
			i++;
			o->size = v;
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	if (!nops)
		return usage_error("%s", "no command");
	for (i = 0; i < (int)ARRAY_SIZE(commands); i++)
		if (!strcmp(operand[0], commands[i].name))
			c = i;
	if (c < 0)
		return usage_error("unknown command '%s'", operand[0]);
	o->cmd = operand[0];
	if (nops - 1 < commands[c].operands)
		return usage_error("%s: missing argument", o->cmd);
	if (nops - 1 > commands[c].operands)
		return usage_error("too many arguments: '%s'",
				   operand[commands[c].operands + 1]);
	for (i = 0; i < nseen; i++)
		if (!word_in(commands[c].options, opts_seen[i])) {
			fprintf(stderr, PROG ": %s does not take %s\n", o->cmd,
				opts_seen[i]);
			return RC_USAGE;
		}
	if (o->json && !commands[c].json)
		return usage_error("%s does not take --json", o->cmd);
	o->host = operand[1];
	o->arg = operand[2];
	return RC_OK;
}

int main(int argc, char **argv)
{
	struct adapter a;
	struct opts o;
	int rc, done;

	sys_root = getenv("ACXXX_SYSFS_ROOT") ?: "";
	dev_root = getenv("ACXXX_DEV_ROOT") ?: "";
	rc = parse_args(argc, argv, &o, &done);
	if (rc || done)
		return rc;
	if (!strcmp(o.cmd, "list"))
		return cmd_list(&o);
	rc = resolve_host(o.host, &a);
	if (rc)
		return rc;
	if (!strcmp(o.cmd, "info"))
		return cmd_info(&o, &a);
	if (!strcmp(o.cmd, "volumes"))
		return cmd_volumes(&o, &a);
	if (!strcmp(o.cmd, "events"))
		return cmd_events(&o, &a);
	if (!strcmp(o.cmd, "page"))
		return cmd_page(&o, &a);
	if (!strcmp(o.cmd, "rtc"))
		return cmd_rtc(&o, &a);
	if (!strcmp(o.cmd, "ping"))
		return cmd_ping(&o, &a);
	return cmd_rescan(&a);
}
