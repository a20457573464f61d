// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx-bsgtest: the management interface (include/uapi/scsi/
 * scsi_bsg_acxxx.h) from a guest, the way a tool uses it and the way a
 * broken or hostile one would.  Built static on the host, shipped into
 * the guest's initramfs by tests/e2e/acxxx/run.
 *
 *   acxxx-bsgtest check BSG HOST SERIAL MODEL NVOL
 *	malformed requests, each with the errno the header promises, then
 *	valid ones: info, page 0 (the identity the model was given), a page
 *	the firmware refuses, echo, RTC, signature, firmware update,
 *	unknown opcode, events, concurrent requests, a caller without
 *	CAP_SYS_RAWIO.  One line per check: "ok: ..." or "FAILED: ...";
 *	exit 1 if any failed.
 *   acxxx-bsgtest events BSG SINCE
 *	the event log after SINCE: "last_seq=N lost=N n=N", then one line
 *	"event SEQ CODE B1 B2 B3" per event.
 *   acxxx-bsgtest uevents SECONDS READYFILE WANT...
 *	listen to kernel uevents; READYFILE is created once listening; print
 *	each uevent that carries an ACXXX_ variable on one line, and exit 0
 *	once every WANT string was seen in one of them (1 after SECONDS).
 *   acxxx-bsgtest timeout BSG SECONDS
 *	page reads with a 3 s timeout until one times out (the host's model
 *	drops it), then with the default timeout until one works again.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bsg.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <poll.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../include/uapi/scsi/scsi_bsg_acxxx.h"

static int failures;

static void result(int good, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", good ? "ok" : "FAILED");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!good)
		failures++;
}

/* One SG_IO; returns 0 or -errno. */
static int sgio_raw(int fd, const void *rq, __u32 rqlen, void *rep,
		    void *din, __u32 din_len, const void *dout,
		    __u32 dout_len)
{
	struct sg_io_v4 io;

	memset(&io, 0, sizeof(io));
	io.guard = 'Q';
	io.protocol = BSG_PROTOCOL_SCSI;
	io.subprotocol = BSG_SUB_PROTOCOL_SCSI_TRANSPORT;
	io.request = (uintptr_t)rq;
	io.request_len = rqlen;
	io.response = (uintptr_t)rep;
	io.max_response_len = sizeof(struct acxxx_bsg_reply);
	io.din_xferp = (uintptr_t)din;
	io.din_xfer_len = din_len;
	io.dout_xferp = (uintptr_t)dout;
	io.dout_xfer_len = dout_len;
	io.timeout = 120000;
	return ioctl(fd, SG_IO, &io) < 0 ? -errno : 0;
}

static int sgio(int fd, struct acxxx_bsg_request *rq,
		struct acxxx_bsg_reply *rep, void *din, __u32 din_len,
		const void *dout, __u32 dout_len)
{
	memset(rep, 0xA5, sizeof(*rep));
	return sgio_raw(fd, rq, sizeof(*rq), rep, din, din_len, dout, dout_len);
}

static void req_init(struct acxxx_bsg_request *rq, __u32 cmd)
{
	memset(rq, 0, sizeof(*rq));
	rq->version = ACXXX_BSG_VERSION;
	rq->cmd = cmd;
}

static void mgmt_req(struct acxxx_bsg_request *rq, __u8 op, __u32 len)
{
	req_init(rq, ACXXX_BSG_CMD_MGMT);
	rq->cdb[0] = op;
	rq->cdb[1] = 0x01;
	rq->data_len = len;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case -EINVAL: return "EINVAL";
	case -EFAULT: return "EFAULT";
	case -EPERM: return "EPERM";
	case -EBUSY: return "EBUSY";
	case -ENODEV: return "ENODEV";
	case -ETIMEDOUT: return "ETIMEDOUT";
	default: return strerror(-e);
	}
}

static void expect_err(const char *what, int got, int want)
{
	result(got == want, "%s: %s (want %s)", what, errname(got),
	       errname(want));
}

static __u8 dbuf[2 * ACXXX_BSG_MAX_DATA];
static __u8 obuf[2 * ACXXX_BSG_MAX_DATA];

static void malformed(int fd)
{
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	__u8 big[sizeof(rq) + 8];

	req_init(&rq, ACXXX_BSG_CMD_INFO);
	rq.version = 0;
	expect_err("version 0", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	rq.version = 2;
	expect_err("version 2", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	req_init(&rq, 0);
	expect_err("command 0", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	req_init(&rq, 5);
	expect_err("command 5", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	req_init(&rq, 0xFFFFFFFFu);
	expect_err("command ~0", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	req_init(&rq, ACXXX_BSG_CMD_INFO);
	rq.flags = 1;
	expect_err("flags", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	req_init(&rq, ACXXX_BSG_CMD_INFO);
	rq.reserved[7] = 1;
	expect_err("reserved", sgio(fd, &rq, &rep, dbuf, 520, NULL, 0), -EINVAL);
	req_init(&rq, ACXXX_BSG_CMD_PAGE);
	rq.timeout_ms = 300001;
	expect_err("timeout above 300 s",
		   sgio(fd, &rq, &rep, dbuf, 512, NULL, 0), -EINVAL);
	req_init(&rq, ACXXX_BSG_CMD_INFO);
	expect_err("request 1 byte short",
		   sgio_raw(fd, &rq, sizeof(rq) - 1, &rep, dbuf, 520, NULL, 0),
		   -EINVAL);
	memset(big, 0, sizeof(big));
	memcpy(big, &rq, sizeof(rq));
	expect_err("request 8 bytes long",
		   sgio_raw(fd, big, sizeof(big), &rep, dbuf, 520, NULL, 0),
		   -EINVAL);
	expect_err("request of 0 bytes",
		   sgio_raw(fd, &rq, 0, &rep, dbuf, 520, NULL, 0), -EINVAL);

	/* INFO */
	req_init(&rq, ACXXX_BSG_CMD_INFO);
	expect_err("info into 4 bytes", sgio(fd, &rq, &rep, dbuf, 4, NULL, 0),
		   -EINVAL);
	expect_err("info with dout", sgio(fd, &rq, &rep, NULL, 0, obuf, 520),
		   -EINVAL);
	expect_err("info with din and dout",
		   sgio(fd, &rq, &rep, dbuf, 520, obuf, 520), -EINVAL);

	/* PAGE */
	req_init(&rq, ACXXX_BSG_CMD_PAGE);
	rq.page = 256;
	expect_err("page 256", sgio(fd, &rq, &rep, dbuf, 512, NULL, 0), -EINVAL);
	rq.page = 0x80000000u;
	expect_err("page 2^31", sgio(fd, &rq, &rep, dbuf, 512, NULL, 0), -EINVAL);
	rq.page = 0;
	expect_err("page into 511 bytes",
		   sgio(fd, &rq, &rep, dbuf, 511, NULL, 0), -EINVAL);
	expect_err("page into 513 bytes",
		   sgio(fd, &rq, &rep, dbuf, 513, NULL, 0), -EINVAL);
	expect_err("page as a write", sgio(fd, &rq, &rep, NULL, 0, obuf, 512),
		   -EINVAL);
	expect_err("page with no buffer", sgio(fd, &rq, &rep, NULL, 0, NULL, 0),
		   -EINVAL);

	/* MGMT: direction and length come from the opcode table */
	mgmt_req(&rq, 0xCB, 16);
	rq.cdb[2] = 16;
	expect_err("echo write, data_len 17 for CDB length 16",
		   (rq.data_len = 17, sgio(fd, &rq, &rep, NULL, 0, obuf, 17)),
		   -EINVAL);
	rq.data_len = 16;
	expect_err("echo write, dout 15 of 16",
		   sgio(fd, &rq, &rep, NULL, 0, obuf, 15), -EINVAL);
	expect_err("echo write given din",
		   sgio(fd, &rq, &rep, dbuf, 16, NULL, 0), -EINVAL);
	expect_err("echo write with din and dout",
		   sgio(fd, &rq, &rep, dbuf, 16, obuf, 16), -EINVAL);
	mgmt_req(&rq, 0xCA, 0x2000);
	rq.cdb[2] = 0x00;
	rq.cdb[3] = 0x20;
	expect_err("echo read of 8 KiB (past the buffer)",
		   sgio(fd, &rq, &rep, dbuf, 0x2000, NULL, 0), -EINVAL);
	mgmt_req(&rq, 0x94, 0x1401);
	rq.cdb[2] = 0x01;
	rq.cdb[3] = 0x14;
	expect_err("firmware update of 0x1401 bytes",
		   sgio(fd, &rq, &rep, NULL, 0, obuf, 0x1401), -EINVAL);
	mgmt_req(&rq, 0x94, 0xFFFFFFFFu);
	memset(rq.cdb + 2, 0xFF, 4);
	expect_err("firmware update of 4 GiB",
		   sgio(fd, &rq, &rep, NULL, 0, obuf, 16), -EINVAL);
	mgmt_req(&rq, 0x77, 4);
	expect_err("unknown opcode with data",
		   sgio(fd, &rq, &rep, NULL, 0, obuf, 4), -EINVAL);
	mgmt_req(&rq, 0xA8, 8);
	expect_err("RTC get of 8 bytes",
		   sgio(fd, &rq, &rep, dbuf, 8, NULL, 0), -EINVAL);
	mgmt_req(&rq, 0xB1, 512);
	expect_err("signature write as a read",
		   sgio(fd, &rq, &rep, dbuf, 512, NULL, 0), -EINVAL);

	/* EVENTS */
	req_init(&rq, ACXXX_BSG_CMD_EVENTS);
	expect_err("events into 57 bytes",
		   sgio(fd, &rq, &rep, dbuf, 57, NULL, 0), -EINVAL);
	expect_err("events into 65 entries",
		   sgio(fd, &rq, &rep, dbuf, 65 * 56, NULL, 0), -EINVAL);
	expect_err("events with dout",
		   sgio(fd, &rq, &rep, NULL, 0, obuf, 56), -EINVAL);

	/* Buffers that are not there */
	req_init(&rq, ACXXX_BSG_CMD_PAGE);
	expect_err("page into a null buffer",
		   sgio(fd, &rq, &rep, NULL, 512, NULL, 0), -EFAULT);
	mgmt_req(&rq, 0xCB, 100);
	rq.cdb[2] = 100;
	expect_err("echo write from a null buffer",
		   sgio(fd, &rq, &rep, NULL, 0, NULL, 100), -EFAULT);
	expect_err("null request",
		   sgio_raw(fd, NULL, sizeof(rq), &rep, dbuf, 520, NULL, 0),
		   -EFAULT);
	req_init(&rq, ACXXX_BSG_CMD_INFO);
	expect_err("response at an unmapped address",
		   sgio_raw(fd, &rq, sizeof(rq), (void *)16, dbuf, 520, NULL, 0),
		   -EFAULT);
}

static int check_info(int fd, unsigned int host, const char *serial,
		      const char *model, unsigned int nvol)
{
	struct acxxx_bsg_info *info = (void *)dbuf;
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	int ret;

	req_init(&rq, ACXXX_BSG_CMD_INFO);
	memset(dbuf, 0xEE, sizeof(dbuf));
	ret = sgio(fd, &rq, &rep, info, sizeof(*info), NULL, 0);
	result(!ret && rep.version == 1 && rep.data_len == sizeof(*info) &&
	       !rep.fw_status && !rep.reserved[0],
	       "info: %s, reply version %u, %u bytes", errname(ret),
	       rep.version, rep.data_len);
	if (ret)
		return ret;
	result(info->version == 1 && info->size == sizeof(*info),
	       "info: version %u size %u", info->version, info->size);
	result(!strcmp(info->serial, serial), "info: serial '%s' (want '%s')",
	       info->serial, serial);
	result(!strcmp(info->model, model), "info: model '%s' (want '%s')",
	       info->model, model);
	result(info->fw_version[0] && !strncmp(info->product_id, "ACS-", 4),
	       "info: product '%s' firmware '%s' vendor '%s'",
	       info->product_id, info->fw_version, info->vendor);
	result(info->state == ACXXX_BSG_STATE_LIVE, "info: state %u (live)",
	       info->state);
	result(info->pci_vendor == 0x14d6 && info->host_no == host,
	       "info: PCI %04x:%04x at %04x:%02x:%02x.%u, host %u",
	       info->pci_vendor, info->pci_device, info->pci_domain,
	       info->pci_bus, info->pci_devfn >> 3, info->pci_devfn & 7,
	       info->host_no);
	result(info->nr_volumes == nvol &&
	       (unsigned int)__builtin_popcountll(info->lun_present) == nvol &&
	       info->lun_map[0] != 0xFFFF,
	       "info: %u volumes (want %u), map 0x%llx", info->nr_volumes, nvol,
	       (unsigned long long)info->lun_present);
	result(info->can_queue > 0 && info->max_sectors > 0 &&
	       info->family >= 1 && info->family <= 3 && info->stage == 2 &&
	       info->events_on == 1,
	       "info: family %u can_queue %u max_sectors %u stage %u events %u",
	       info->family, info->can_queue, info->max_sectors, info->stage,
	       info->events_on);
	result(info->counters.commands > 0 && info->counters.mgmt > 0,
	       "info: counters: %llu commands, %llu errors, %llu management, %llu events, %llu re-inits",
	       (unsigned long long)info->counters.commands,
	       (unsigned long long)info->counters.errors,
	       (unsigned long long)info->counters.mgmt,
	       (unsigned long long)info->counters.events,
	       (unsigned long long)info->counters.reinits);

	/* An older, shorter caller gets its own size's worth. */
	memset(dbuf, 0xEE, sizeof(dbuf));
	ret = sgio(fd, &rq, &rep, dbuf, 8, NULL, 0);
	result(!ret && rep.data_len == 8 && info->size == 520 &&
	       dbuf[8] == 0xEE,
	       "info into 8 bytes: %s, %u bytes, size %u", errname(ret),
	       rep.data_len, info->size);
	return 0;
}

static void check_pages(int fd, const char *serial)
{
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	char s[17] = { 0 };
	int ret;

	req_init(&rq, ACXXX_BSG_CMD_PAGE);
	memset(dbuf, 0xEE, sizeof(dbuf));
	ret = sgio(fd, &rq, &rep, dbuf, 512, NULL, 0);
	memcpy(s, dbuf + 0x20, 16);
	result(!ret && !rep.fw_status && rep.data_len == 512 &&
	       !strcmp(s, serial) && !memcmp(dbuf, "ACS-", 4),
	       "page 0: %s, status %u, %u bytes, serial '%s'", errname(ret),
	       rep.fw_status, rep.data_len, s);
	/* A page the firmware refuses: its status and error come back. */
	rq.page = 0x42;
	ret = sgio(fd, &rq, &rep, dbuf, 512, NULL, 0);
	result(!ret && rep.fw_status == 0x06 && rep.fw_error == 0x06 &&
	       !rep.data_len,
	       "page 0x42: %s, firmware status 0x%02x error 0x%04x", errname(ret),
	       rep.fw_status, rep.fw_error);
	rq.page = 0x33;
	ret = sgio(fd, &rq, &rep, dbuf, 512, NULL, 0);
	result(!ret && !rep.fw_status && rep.data_len == 512,
	       "page 0x33: %s, status %u", errname(ret), rep.fw_status);
}

static void check_mgmt(int fd)
{
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	unsigned int i;
	int ret;

	for (i = 0; i < 4096; i++)
		obuf[i] = (__u8)(i * 7 + 3);
	/* echo: a 4000-byte round trip */
	mgmt_req(&rq, 0xCB, 4000);
	rq.cdb[2] = 4000 & 0xFF;
	rq.cdb[3] = 4000 >> 8;
	ret = sgio(fd, &rq, &rep, NULL, 0, obuf, 4000);
	result(!ret && !rep.fw_status && rep.data_len == 4000,
	       "echo write 4000: %s, status %u", errname(ret), rep.fw_status);
	rq.cdb[0] = 0xCA;
	memset(dbuf, 0, sizeof(dbuf));
	ret = sgio(fd, &rq, &rep, dbuf, 4000, NULL, 0);
	result(!ret && !rep.fw_status && rep.data_len == 4000 &&
	       !memcmp(dbuf, obuf, 4000),
	       "echo read 4000: %s, status %u, data %s", errname(ret),
	       rep.fw_status, memcmp(dbuf, obuf, 4000) ? "differs" : "same");

	/* RTC */
	mgmt_req(&rq, 0xA8, 7);
	memset(dbuf, 0xEE, 16);
	ret = sgio(fd, &rq, &rep, dbuf, 7, NULL, 0);
	result(!ret && !rep.fw_status && rep.data_len == 7 && dbuf[0] < 61 &&
	       dbuf[1] < 60 && dbuf[2] < 24 && dbuf[3] >= 1 && dbuf[3] <= 31 &&
	       dbuf[4] >= 1 && dbuf[4] <= 12 && dbuf[6] < 7 && dbuf[7] == 0xEE,
	       "RTC: %s, 20%02u-%02u-%02u %02u:%02u:%02u", errname(ret),
	       dbuf[5], dbuf[4], dbuf[3], dbuf[2], dbuf[1], dbuf[0]);

	/* signature */
	mgmt_req(&rq, 0xB1, 512);
	ret = sgio(fd, &rq, &rep, NULL, 0, obuf + 11, 512);
	result(!ret && !rep.fw_status, "signature write: %s, status %u",
	       errname(ret), rep.fw_status);
	mgmt_req(&rq, 0xB2, 512);
	memset(dbuf, 0, 512);
	ret = sgio(fd, &rq, &rep, dbuf, 512, NULL, 0);
	result(!ret && !rep.fw_status && !memcmp(dbuf, obuf + 11, 512),
	       "signature read: %s, status %u, data %s", errname(ret),
	       rep.fw_status, memcmp(dbuf, obuf + 11, 512) ? "differs" : "same");

	/* firmware update piece, the full buffer */
	mgmt_req(&rq, 0x95, ACXXX_BSG_MAX_DATA);
	rq.cdb[3] = ACXXX_BSG_MAX_DATA >> 8;
	ret = sgio(fd, &rq, &rep, NULL, 0, obuf, ACXXX_BSG_MAX_DATA);
	result(!ret && !rep.fw_status && rep.data_len == ACXXX_BSG_MAX_DATA,
	       "boot ROM update of 5120 bytes: %s, status %u", errname(ret),
	       rep.fw_status);

	/* an opcode the driver does not know: no data, the firmware's answer */
	mgmt_req(&rq, 0x77, 0);
	ret = sgio(fd, &rq, &rep, NULL, 0, NULL, 0);
	result(!ret && rep.fw_status == 0x11 && rep.fw_error == 0x11,
	       "unknown opcode 0x77: %s, firmware status 0x%02x error 0x%04x",
	       errname(ret), rep.fw_status, rep.fw_error);

	/* request, response and data in one buffer: carried out */
	req_init((void *)dbuf, ACXXX_BSG_CMD_INFO);
	ret = sgio_raw(fd, dbuf, sizeof(rq), dbuf, dbuf, 520, NULL, 0);
	result(!ret, "request, reply and data overlapping: %s", errname(ret));
}

static void check_events(int fd)
{
	struct acxxx_bsg_event *ev = (void *)dbuf;
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	__u64 last;
	int ret;

	req_init(&rq, ACXXX_BSG_CMD_EVENTS);
	ret = sgio(fd, &rq, &rep, NULL, 0, NULL, 0);
	result(!ret && !rep.data_len, "events, none asked: %s, last_seq %llu",
	       errname(ret), (unsigned long long)rep.last_seq);
	last = rep.last_seq;
	ret = sgio(fd, &rq, &rep, ev, 64 * sizeof(*ev), NULL, 0);
	result(!ret && rep.data_len == (last < 64 ? last : 64) * sizeof(*ev) &&
	       (!last || ev[0].seq == (last > 64 ? last - 63 : 1)),
	       "events since 0: %s, %u bytes, last_seq %llu lost %llu",
	       errname(ret), rep.data_len, (unsigned long long)rep.last_seq,
	       (unsigned long long)rep.lost);
	rq.since = last;
	ret = sgio(fd, &rq, &rep, ev, 64 * sizeof(*ev), NULL, 0);
	result(!ret && !rep.data_len && !rep.lost,
	       "events since the last: %s, none", errname(ret));
	rq.since = ~0ULL;
	ret = sgio(fd, &rq, &rep, ev, sizeof(*ev), NULL, 0);
	result(!ret && !rep.data_len && !rep.lost,
	       "events since 2^64-1: %s, none", errname(ret));
}

/* Several callers at once: one management request on the wire at a time. */
static void check_concurrent(const char *path)
{
	int i, st, bad = 0, done = 0;
	pid_t pid;

	for (i = 0; i < 4; i++) {
		pid = fork();
		if (pid < 0)
			break;
		if (!pid) {
			struct acxxx_bsg_request rq;
			struct acxxx_bsg_reply rep;
			__u8 buf[512];
			int fd = open(path, O_RDWR), n, errs = 0;

			for (n = 0; fd >= 0 && n < 40; n++) {
				if (n & 1) {
					mgmt_req(&rq, 0xA8, 7);
				} else {
					req_init(&rq, ACXXX_BSG_CMD_PAGE);
					rq.page = 0;
				}
				if (sgio(fd, &rq, &rep, buf, n & 1 ? 7 : 512,
					 NULL, 0) || rep.fw_status)
					errs++;
			}
			_exit(fd < 0 || errs ? 1 : 0);
		}
	}
	while (wait(&st) > 0) {
		done++;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	result(done == 4 && !bad,
	       "4 callers x 40 page and RTC requests at once: %d of %d failed",
	       bad, done);
}

/* Without CAP_SYS_RAWIO the bsg layer refuses every request. */
static void check_eperm(const char *path)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int st, fd;
	pid_t pid;

	fd = open(path, O_RDWR);
	pid = fork();
	if (!pid) {
		struct acxxx_bsg_request rq;
		struct acxxx_bsg_reply rep;
		int ret;

		if (syscall(SYS_capget, &h, d))
			_exit(2);
		d[CAP_SYS_RAWIO / 32].effective &= ~(1u << (CAP_SYS_RAWIO % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(3);
		req_init(&rq, ACXXX_BSG_CMD_INFO);
		ret = sgio(fd, &rq, &rep, dbuf, 520, NULL, 0);
		_exit(ret == -EPERM ? 0 : 4);
	}
	waitpid(pid, &st, 0);
	close(fd);
	result(WIFEXITED(st) && !WEXITSTATUS(st),
	       "without CAP_SYS_RAWIO: EPERM (child status %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static int cmd_check(int argc, char **argv)
{
	int fd;

	if (argc != 7)
		return 2;
	fd = open(argv[2], O_RDWR);
	if (fd < 0) {
		result(0, "open %s: %s", argv[2], strerror(errno));
		return 1;
	}
	malformed(fd);
	if (!check_info(fd, atoi(argv[3]), argv[4], argv[5], atoi(argv[6]))) {
		check_pages(fd, argv[4]);
		check_mgmt(fd);
		check_events(fd);
		check_concurrent(argv[2]);
		check_eperm(argv[2]);
	}
	/* Everything refused above left the node working. */
	check_info(fd, atoi(argv[3]), argv[4], argv[5], atoi(argv[6]));
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_events(int argc, char **argv)
{
	struct acxxx_bsg_event *ev = (void *)dbuf;
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	unsigned int i, n;
	int fd, ret;

	if (argc != 4)
		return 2;
	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		return 1;
	req_init(&rq, ACXXX_BSG_CMD_EVENTS);
	rq.since = strtoull(argv[3], NULL, 0);
	ret = sgio(fd, &rq, &rep, ev, 64 * sizeof(*ev), NULL, 0);
	if (ret) {
		printf("events: %s\n", errname(ret));
		return 1;
	}
	n = rep.data_len / sizeof(*ev);
	printf("last_seq=%llu lost=%llu n=%u\n", (unsigned long long)rep.last_seq,
	       (unsigned long long)rep.lost, n);
	for (i = 0; i < n; i++)
		printf("event %llu 0x%02x %u %u %u\n",
		       (unsigned long long)ev[i].seq, ev[i].code, ev[i].data[1],
		       ev[i].data[2], ev[i].data[3]);
	return 0;
}

/*
 * Page reads with a short timeout until one times out (the host drops
 * one), then reads with the default timeout until one works again.
 */
static int cmd_timeout(int argc, char **argv)
{
	time_t end = time(NULL) + (argc == 4 ? atoi(argv[3]) : 0);
	struct acxxx_bsg_request rq;
	struct acxxx_bsg_reply rep;
	unsigned int ok = 0, busy = 0;
	int fd, ret = 0;

	if (argc != 4)
		return 2;
	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		return 1;
	req_init(&rq, ACXXX_BSG_CMD_PAGE);
	rq.timeout_ms = 3000;
	while (time(NULL) < end) {
		ret = sgio(fd, &rq, &rep, dbuf, 512, NULL, 0);
		if (ret)
			break;
		ok++;
	}
	result(ret == -ETIMEDOUT, "a dropped page read: %s after %u answered",
	       errname(ret), ok);
	if (ret != -ETIMEDOUT)
		return 1;
	rq.timeout_ms = 0;
	while (time(NULL) < end) {
		ret = sgio(fd, &rq, &rep, dbuf, 512, NULL, 0);
		if (ret != -EBUSY && ret != -ETIMEDOUT)
			break;
		busy++;
		sleep(1);
	}
	result(!ret && !rep.fw_status && rep.data_len == 512,
	       "the next page read: %s, status %u, after %u refused while the controller came back",
	       errname(ret), rep.fw_status, busy);
	return failures ? 1 : 0;
}

static int cmd_uevents(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	static char buf[8192], line[8192];
	int fd, i, nwant = argc - 4, seen = 0;
	time_t end = time(NULL) + atoi(argv[2]);
	unsigned int got[16] = { 0 };

	if (argc < 5 || nwant > 16)
		return 2;
	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 1;
	close(open(argv[3], O_WRONLY | O_CREAT, 0644));
	while (seen < nwant && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n, off;
		size_t l = 0;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = 0;
		line[0] = 0;
		/* "action@devpath\0KEY=VALUE\0..." */
		for (off = 0; off < n; off += strlen(buf + off) + 1)
			l += snprintf(line + l, sizeof(line) - l, "%s%s",
				      off ? " " : "", buf + off);
		if (!strstr(line, "ACXXX_"))
			continue;
		printf("uevent: %s\n", line);
		fflush(stdout);
		for (i = 0; i < nwant; i++)
			if (!got[i] && strstr(line, argv[4 + i])) {
				got[i] = 1;
				seen++;
			}
	}
	return seen == nwant ? 0 : 1;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc > 1 && !strcmp(argv[1], "check"))
		ret = cmd_check(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "events"))
		ret = cmd_events(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "uevents"))
		ret = cmd_uevents(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "timeout"))
		ret = cmd_timeout(argc, argv);
	if (ret == 2)
		fprintf(stderr,
			"usage: acxxx-bsgtest check BSG HOST SERIAL MODEL NVOL\n"
			"       acxxx-bsgtest events BSG SINCE\n"
			"       acxxx-bsgtest uevents SECONDS READYFILE WANT...\n"
			"       acxxx-bsgtest timeout BSG SECONDS\n");
	return ret;
}
