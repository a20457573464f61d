// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * vfu-selftest: the library's protocol test on the host, no QEMU needed.
 * A scripted client (this program) talks vfio-user to a server running in
 * a thread, with a recording test device behind it, and checks every
 * command, the config-space rules, DMA through a memfd and through
 * messages (including from inside a register callback while the client
 * waits for a register read), INTx/MSI semantics and bad input.
 * Ends with "vfu-selftest: N passed, N failed".
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfu.h"
#include "vfu_proto.h"

static int passed, failed;

#define CHECK(cond, ...) \
	do { \
		if (cond) { \
			passed++; \
		} else { \
			failed++; \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} while (0)

/* ------------------------------------------------------------------ */
/* The device behind the server                                        */
/* ------------------------------------------------------------------ */

struct tdev {
	struct vfu_server *srv;
	u32 regs[64];
	int resets, gone;
	/* A write to register 0x3c does a DMA read in the callback. */
	u64 sync_addr;
	u8 sync_buf[64];
	int sync_rc;
};

static u64 t_read(void *ctx, int bar, u64 off, unsigned int size)
{
	struct tdev *d = ctx;

	(void)size;
	if (bar != 0 || off / 4 >= 64)
		return ~0ull;
	return d->regs[off / 4];
}

static void t_write(void *ctx, int bar, u64 off, u64 v,
		    unsigned int size)
{
	struct tdev *d = ctx;

	(void)size;
	if (bar != 0 || off / 4 >= 64)
		return;
	d->regs[off / 4] = (u32)v;
	if (off == 0x3c)
		d->sync_rc = vfu_dma_read(d->srv, d->sync_addr, d->sync_buf,
					  sizeof(d->sync_buf));
}

static void t_reset(void *ctx)
{
	((struct tdev *)ctx)->resets++;
}

static void t_gone(void *ctx)
{
	((struct tdev *)ctx)->gone++;
}

static struct tdev dev;

static void *server_thread(void *arg)
{
	return (void *)(intptr_t)vfu_run(arg);
}

/* ------------------------------------------------------------------ */
/* The client                                                          */
/* ------------------------------------------------------------------ */

static int cfd = -1;
static u16 next_id = 100;

static int client_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static void send_msg(u16 id, u16 cmd, u32 flags,
		     const void *body, size_t len, const int *fds, int nfds)
{
	struct vfu_hdr h = { .id = id, .cmd = cmd,
			     .size = (u32)(sizeof(h) + len), .flags = flags };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)body, len } };
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} cb;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	if (nfds) {
		struct cmsghdr *cm;

		mh.msg_control = cb.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	if (sendmsg(cfd, &mh, MSG_NOSIGNAL) != (ssize_t)(sizeof(h) + len)) {
		perror("sendmsg");
		exit(1);
	}
}

/* Receive one message; body in buf (at most cap bytes).  -1 at EOF. */
static int recv_msg(struct vfu_hdr *h, void *buf, size_t cap)
{
	size_t got = 0, len;
	ssize_t n;

	while (got < sizeof(*h)) {
		n = read(cfd, (u8 *)h + got, sizeof(*h) - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	len = h->size - sizeof(*h);
	if (len > cap) {
		fprintf(stderr, "reply too large\n");
		exit(1);
	}
	for (got = 0; got < len; got += (size_t)n) {
		n = read(cfd, (u8 *)buf + got, len - got);
		if (n <= 0)
			return -1;
	}
	return (int)len;
}

static bool readable(int fd)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	return poll(&pf, 1, 0) == 1;
}

static u8 rbuf[65536];

/* A command and its reply: returns the reply's error (0 = success). */
static int call(u16 cmd, const void *body, size_t len, const int *fds,
		int nfds, int *rlen)
{
	struct vfu_hdr h;
	u16 id = next_id++;
	int n;

	send_msg(id, cmd, 0, body, len, fds, nfds);
	n = recv_msg(&h, rbuf, sizeof(rbuf));
	if (n < 0) {
		printf("FAIL: EOF waiting for the reply to command %u\n", cmd);
		failed++;
		return -1;
	}
	CHECK(h.id == id && h.cmd == cmd && (h.flags & 0xf) == 1,
	      "reply id %u cmd %u flags %x to id %u cmd %u", h.id, h.cmd,
	      h.flags, id, cmd);
	if (rlen)
		*rlen = n;
	return (h.flags & VFU_HDR_ERROR) ? (int)h.error : 0;
}

static int cfg_read(u64 off, void *out, u32 count)
{
	struct vfu_region_access ra = { off, VFU_REGION_CONFIG, count };
	int rc = call(VFU_CMD_REGION_READ, &ra, sizeof(ra), NULL, 0, NULL);

	if (!rc)
		memcpy(out, rbuf + sizeof(ra), count);
	return rc;
}

static int region_write(u32 region, u64 off, const void *data,
			u32 count)
{
	u8 b[sizeof(struct vfu_region_access) + 256];
	struct vfu_region_access ra = { off, region, count };

	memcpy(b, &ra, sizeof(ra));
	memcpy(b + sizeof(ra), data, count);
	return call(VFU_CMD_REGION_WRITE, b, sizeof(ra) + count, NULL, 0, NULL);
}

static u16 cfg16(u64 off)
{
	u16 v = 0;

	cfg_read(off, &v, 2);
	return v;
}

static u32 cfg32(u64 off)
{
	u32 v = 0;

	cfg_read(off, &v, 4);
	return v;
}

static void cfg_write32(u64 off, u32 v)
{
	CHECK(!region_write(VFU_REGION_CONFIG, off, &v, 4), "config write");
}

static u64 efd_count(int fd)
{
	u64 v = 0;

	if (!readable(fd) || read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int set_irqs(u32 index, u32 flags, u32 count, int fd)
{
	struct vfu_irq_set is = { sizeof(is), flags, index, 0, count };

	return call(VFU_CMD_DEVICE_SET_IRQS, &is, sizeof(is), &fd, fd >= 0,
		    NULL);
}

/* ------------------------------------------------------------------ */

static void test_negotiation(void)
{
	static const char json[] =
		"{\"capabilities\":{\"max_msg_fds\":16,\"max_data_xfer_size\":4096}}";
	u8 b[4 + sizeof(json)];
	struct vfu_version v = { 0, 0 };
	struct vfu_device_info di = { sizeof(di), 0, 0, 0 };
	struct vfu_region_info ri = { sizeof(ri), 0, 0, 0, 0, 0 };
	struct vfu_irq_info ii = { sizeof(ii), 0, 0, 0 };
	int n = 0;

	v.major = 1;
	memcpy(b, &v, 4);
	memcpy(b + 4, json, sizeof(json));
	CHECK(call(VFU_CMD_VERSION, b, sizeof(b), NULL, 0, NULL) == ENOTSUP,
	      "version 1 refused");
	v.major = 0;
	memcpy(b, &v, 4);
	CHECK(call(VFU_CMD_VERSION, b, 4 + 10, NULL, 0, NULL) == EINVAL,
	      "unterminated JSON refused");
	CHECK(!call(VFU_CMD_VERSION, b, sizeof(b), NULL, 0, &n), "version 0");
	CHECK(n > 4 && rbuf[n - 1] == 0 && !memcmp(rbuf, "\0\0\0\0", 4) &&
	      strstr((char *)rbuf + 4, "\"max_data_xfer_size\":1048576") &&
	      n + 16 <= (int)sizeof(b) + 16 + 40,
	      "version reply: %d bytes", n);

	CHECK(!call(VFU_CMD_DEVICE_GET_INFO, &di, sizeof(di), NULL, 0, NULL),
	      "GET_INFO");
	memcpy(&di, rbuf, sizeof(di));
	CHECK(di.num_regions >= 8 && di.num_irqs >= 3 && di.flags == 3,
	      "GET_INFO regions %u irqs %u flags %x", di.num_regions,
	      di.num_irqs, di.flags);

	ri.index = 0;
	CHECK(!call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0, NULL),
	      "region 0");
	CHECK(((struct vfu_region_info *)rbuf)->size == 4096 &&
	      ((struct vfu_region_info *)rbuf)->flags == 3, "BAR0 4 KiB RW");
	ri.index = 1;
	call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0, NULL);
	CHECK(((struct vfu_region_info *)rbuf)->size == 0, "BAR1 absent");
	ri.index = 7;
	call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0, NULL);
	CHECK(((struct vfu_region_info *)rbuf)->size == 256, "config 256 bytes");
	ri.index = 6;
	call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0, NULL);
	CHECK(((struct vfu_region_info *)rbuf)->size == 0, "no ROM");
	ri.index = 9;
	CHECK(call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0,
		   NULL) == EINVAL, "region 9 refused");
	ri.index = 0;
	ri.argsz = 8;
	CHECK(call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0,
		   NULL) == EINVAL, "short argsz refused");
	CHECK(call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, 8, NULL, 0, NULL) ==
	      EINVAL, "short message refused");

	ii.index = 0;
	call(VFU_CMD_DEVICE_GET_IRQ_INFO, &ii, sizeof(ii), NULL, 0, NULL);
	CHECK(((struct vfu_irq_info *)rbuf)->count == 1 &&
	      ((struct vfu_irq_info *)rbuf)->flags == 7, "INTx info");
	ii.index = 1;
	call(VFU_CMD_DEVICE_GET_IRQ_INFO, &ii, sizeof(ii), NULL, 0, NULL);
	CHECK(((struct vfu_irq_info *)rbuf)->count == 1, "MSI info");
	ii.index = 3;
	CHECK(call(VFU_CMD_DEVICE_GET_IRQ_INFO, &ii, sizeof(ii), NULL, 0,
		   NULL) == EINVAL, "ERR irq index refused");
	CHECK(call(99, NULL, 0, NULL, 0, NULL) == VFU_ERR_NOCMD, "unknown command");
	CHECK(call(VFU_CMD_DEVICE_GET_REGION_IO_FDS, NULL, 0, NULL, 0, NULL) ==
	      VFU_ERR_NOCMD, "GET_REGION_IO_FDS not offered");
}

static void test_config(void)
{
	u8 c[256];
	u32 v;

	CHECK(!cfg_read(0, c, 256), "read all of config space");
	CHECK(c[0] == 0xd6 && c[1] == 0x14 && c[2] == 0x01 && c[3] == 0x62 &&
	      c[8] == 3 && c[9] == 0 && c[10] == 4 && c[11] == 1 &&
	      c[0x2c] == 0xd6 && c[0x2e] == 0x34 && c[0x3d] == 1 &&
	      c[0x34] == 0x40 && c[0x40] == 5 && (c[6] & 0x10),
	      "identity, class, pin, MSI capability");
	cfg_write32(0, 0x12345678);
	CHECK(cfg32(0) == 0x620114d6, "IDs are read-only");
	cfg_write32(4, 0xffffffff);
	CHECK(cfg16(4) == 0x0547, "COMMAND mask: %04x", cfg16(4));
	cfg_write32(0x10, 0xffffffff);
	CHECK(cfg32(0x10) == 0xfffff000, "BAR0 sizing: %08x", cfg32(0x10));
	cfg_write32(0x10, 0xfebf1000);
	CHECK(cfg32(0x10) == 0xfebf1000, "BAR0 address");
	cfg_write32(0x14, 0xffffffff);
	CHECK(cfg32(0x14) == 0, "absent BAR1 reads 0");
	cfg_write32(0x30, 0xfffff800);
	CHECK(cfg32(0x30) == 0, "no ROM BAR");
	v = 11;
	CHECK(!region_write(VFU_REGION_CONFIG, 0x3c, &v, 1), "line write");
	CHECK(cfg16(0x3c) == 0x010b, "interrupt line writable, pin 1");
	CHECK(cfg_read(250, c, 8) == EINVAL, "config read past the end");
	CHECK(cfg_read(0, c, 0) == EINVAL, "zero-length read");
}

static void test_bar(void)
{
	struct vfu_region_access ra = { 8, 0, 4 };
	u32 v = 0xa5a5a5a5;
	u8 b[32];
	struct vfu_hdr h;

	dev.regs[2] = 0x11223344;
	CHECK(!call(VFU_CMD_REGION_READ, &ra, sizeof(ra), NULL, 0, NULL) &&
	      !memcmp(rbuf + 16, "\x44\x33\x22\x11", 4), "BAR read");
	CHECK(!region_write(0, 12, &v, 4) && dev.regs[3] == 0xa5a5a5a5,
	      "BAR write");
	/* Posted write: no reply; the next reply is the read's. */
	memcpy(b, &(struct vfu_region_access){ 16, 0, 4 }, 16);
	memcpy(b + 16, "\x01\x02\x03\x04", 4);
	send_msg(7, VFU_CMD_REGION_WRITE, VFU_HDR_NO_REPLY, b, 20, NULL, 0);
	send_msg(8, VFU_CMD_REGION_READ, 0, &(struct vfu_region_access){ 16, 0, 4 },
		 16, NULL, 0);
	recv_msg(&h, rbuf, sizeof(rbuf));
	CHECK(h.id == 8 && !memcmp(rbuf + 16, "\x01\x02\x03\x04", 4),
	      "posted write not answered, visible to the next read (id %u)",
	      h.id);
	ra.count = 3;
	CHECK(call(VFU_CMD_REGION_READ, &ra, 16, NULL, 0, NULL) == EINVAL,
	      "3-byte BAR access refused");
	ra.count = 4;
	ra.offset = 4094;
	CHECK(call(VFU_CMD_REGION_READ, &ra, 16, NULL, 0, NULL) == EINVAL,
	      "access past the BAR refused");
	ra.offset = 0;
	ra.region = 1;
	CHECK(call(VFU_CMD_REGION_READ, &ra, 16, NULL, 0, NULL) == EINVAL,
	      "access to an absent BAR refused");
	ra.region = 0;
	memcpy(b, &ra, 16);
	CHECK(call(VFU_CMD_REGION_WRITE, b, 18, NULL, 0, NULL) == EINVAL,
	      "write with a count/size mismatch refused");
}

static void test_irq(void)
{
	int efd = eventfd(0, EFD_NONBLOCK), mfd = eventfd(0, EFD_NONBLOCK);
	u32 cmd;
	u8 one = 1;
	u8 sb[21];
	struct vfu_irq_set is = { 21, VFU_IRQ_DATA_BOOL | VFU_IRQ_ACTION_TRIGGER,
				  0, 0, 1 };

	cmd = 0x0006;
	CHECK(!region_write(VFU_REGION_CONFIG, 4, &cmd, 2), "COMMAND");
	CHECK(!set_irqs(0, VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 1, efd),
	      "INTx eventfd");
	vfu_irq_set_level(dev.srv, true);
	CHECK(efd_count(efd) == 1, "level high: INTx asserted");
	CHECK(cfg16(6) & 8, "STATUS.INTX mirrors the level");
	vfu_irq_set_level(dev.srv, true);
	CHECK(efd_count(efd) == 0, "auto-masked: no second signal");
	CHECK(!set_irqs(0, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_UNMASK, 1, -1),
	      "unmask");
	CHECK(efd_count(efd) == 1, "unmask while high: asserted again");
	vfu_irq_set_level(dev.srv, false);
	CHECK(!(cfg16(6) & 8), "STATUS.INTX follows the level down");
	set_irqs(0, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_UNMASK, 1, -1);
	CHECK(efd_count(efd) == 0, "unmask while low: nothing");
	cmd = 0x0406;
	CHECK(!region_write(VFU_REGION_CONFIG, 4, &cmd, 2), "INTX_DISABLE");
	vfu_irq_set_level(dev.srv, true);
	CHECK(efd_count(efd) == 0, "INTX_DISABLE honoured");
	cmd = 0x0006;
	region_write(VFU_REGION_CONFIG, 4, &cmd, 2);
	CHECK(efd_count(efd) == 1, "INTX_DISABLE cleared while high: asserted");
	vfu_irq_set_level(dev.srv, false);
	set_irqs(0, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_UNMASK, 1, -1);
	memcpy(sb, &is, 20);
	sb[20] = one;
	CHECK(!call(VFU_CMD_DEVICE_SET_IRQS, sb, 21, NULL, 0, NULL) &&
	      efd_count(efd) == 1, "BOOL trigger from the client");

	/* MSI: INTx off, MSI on while the condition is high. */
	vfu_irq_set_level(dev.srv, true);
	efd_count(efd);
	set_irqs(0, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_TRIGGER, 0, -1);
	CHECK(!set_irqs(1, VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 1, mfd),
	      "MSI eventfd");
	CHECK(efd_count(mfd) == 1, "MSI enabled while high: one message");
	vfu_irq_set_level(dev.srv, true);
	CHECK(efd_count(mfd) == 0, "no message without an edge");
	vfu_irq_set_level(dev.srv, false);
	vfu_irq_set_level(dev.srv, true);
	CHECK(efd_count(mfd) == 1, "rising edge: one message");
	CHECK(efd_count(efd) == 0, "INTx silent while MSI is used");
	vfu_irq_set_level(dev.srv, false);
	CHECK(!set_irqs(1, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_TRIGGER, 0, -1),
	      "MSI off");

	CHECK(set_irqs(2, VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 1, -1) ==
	      EINVAL, "no MSI-X");
	CHECK(set_irqs(0, VFU_IRQ_DATA_EVENTFD | VFU_IRQ_DATA_BOOL |
		       VFU_IRQ_ACTION_TRIGGER, 1, -1) == EINVAL,
	      "two data types refused");
	CHECK(set_irqs(0, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_MASK |
		       VFU_IRQ_ACTION_UNMASK, 1, -1) == EINVAL,
	      "two actions refused");
	CHECK(set_irqs(0, VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 2, efd) ==
	      EINVAL, "vector past the end refused");
	close(efd);
	close(mfd);
}

static u8 dma_buf[8192];

static void *dma_thread(void *arg)
{
	intptr_t rc;

	(void)arg;
	rc = vfu_dma_read(dev.srv, 0xf1000, dma_buf, sizeof(dma_buf));
	if (!rc)
		rc = vfu_dma_write(dev.srv, 0xf3000, "hello, messages!", 16);
	return (void *)rc;
}

static void test_dma(void)
{
	struct vfu_dma_map m = { 32, 3, 0, 0x10000, 0x10000 };
	struct vfu_dma_unmap u = { 24, 0, 0x10000, 0x10000 };
	int mfd = memfd_create("guest", 0);
	u8 *guest, buf[64];
	u32 cmd = 0x0006;
	struct vfu_stats st;
	struct vfu_hdr h;
	pthread_t t;
	void *ret;
	int n;

	if (ftruncate(mfd, 0x30000))
		exit(1);
	guest = mmap(NULL, 0x30000, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	region_write(VFU_REGION_CONFIG, 4, &cmd, 2);

	CHECK(!call(VFU_CMD_DMA_MAP, &m, sizeof(m), &mfd, 1, NULL),
	      "map 0x10000+64K RW");
	m.iova = 0x20000;
	m.offset = 0x10000;
	m.flags = 1;
	CHECK(!call(VFU_CMD_DMA_MAP, &m, sizeof(m), &mfd, 1, NULL),
	      "map 0x20000+64K read-only, fd offset 64K");
	m.iova = 0x18000;
	CHECK(call(VFU_CMD_DMA_MAP, &m, sizeof(m), &mfd, 1, NULL) == EEXIST,
	      "overlap refused");
	m.flags = 4;
	m.iova = 0x40000;
	CHECK(call(VFU_CMD_DMA_MAP, &m, sizeof(m), &mfd, 1, NULL) == EINVAL,
	      "unknown map flags refused");

	CHECK(!vfu_dma_write(dev.srv, 0x10010, "abcdef", 6) &&
	      !memcmp(guest + 0x10, "abcdef", 6), "DMA write through mmap");
	memcpy(guest + 0x10000 + 0x20, "xyz", 3);
	CHECK(!vfu_dma_read(dev.srv, 0x20020, buf, 3) && !memcmp(buf, "xyz", 3),
	      "DMA read at an fd offset");
	memcpy(guest + 0xfffe, "12", 2);
	memcpy(guest + 0x10000, "34", 2);
	CHECK(!vfu_dma_read(dev.srv, 0x1fffe, buf, 4) && !memcmp(buf, "1234", 4),
	      "DMA read across two maps");
	CHECK(vfu_dma_write(dev.srv, 0x20000, "no", 2) == -EACCES,
	      "DMA write to a read-only map refused");
	CHECK(vfu_dma_read(dev.srv, 0x2fffe, buf, 4) == -EFAULT,
	      "DMA past the mapped memory refused");
	CHECK(vfu_dma_read(dev.srv, ~0ull - 1, buf, 4) == -EFAULT,
	      "DMA wrapping the address space refused");
	cmd = 0x0002;
	region_write(VFU_REGION_CONFIG, 4, &cmd, 2);
	CHECK(vfu_dma_read(dev.srv, 0x10000, buf, 4) == -EPERM,
	      "DMA without bus mastering refused");
	cmd = 0x0006;
	region_write(VFU_REGION_CONFIG, 4, &cmd, 2);
	u.size = 0x1000;
	CHECK(call(VFU_CMD_DMA_UNMAP, &u, sizeof(u), NULL, 0, NULL) == ENOENT,
	      "partial unmap refused");
	u.size = 0x10000;
	CHECK(!call(VFU_CMD_DMA_UNMAP, &u, sizeof(u), NULL, 0, &n) && n == 24,
	      "unmap echoes its arguments");
	CHECK(vfu_dma_read(dev.srv, 0x10000, buf, 4) == -EFAULT,
	      "unmapped memory is no longer reachable");

	/* A map without fd: DMA through messages, from a device thread. */
	m = (struct vfu_dma_map){ 32, 3, 0, 0xf0000, 0x10000 };
	CHECK(!call(VFU_CMD_DMA_MAP, &m, sizeof(m), NULL, 0, NULL),
	      "map without fd");
	pthread_create(&t, NULL, dma_thread, NULL);
	/* 8 KiB read with the client's 4 KiB transfer limit: two DMA_READs. */
	for (int k = 0; k < 3; k++) {
		struct vfu_dma_rw rw;

		n = recv_msg(&h, rbuf, sizeof(rbuf));
		memcpy(&rw, rbuf, sizeof(rw));
		if (k < 2) {
			static u8 reply[16 + 4096];

			CHECK(h.cmd == VFU_CMD_DMA_READ && rw.count == 4096 &&
			      rw.addr == 0xf1000 + k * 4096ull && n == 16,
			      "DMA_READ %d: cmd %u count %llu addr %llx", k, h.cmd,
			      (unsigned long long)rw.count,
			      (unsigned long long)rw.addr);
			memcpy(reply, &rw, 16);
			memset(reply + 16, 'a' + k, 4096);
			send_msg(h.id, h.cmd, VFU_HDR_TYPE_REPLY, reply,
				 sizeof(reply), NULL, 0);
		} else {
			CHECK(h.cmd == VFU_CMD_DMA_WRITE && rw.count == 16 &&
			      rw.addr == 0xf3000 && n == 32 &&
			      !memcmp(rbuf + 16, "hello, messages!", 16),
			      "DMA_WRITE: cmd %u count %llu", h.cmd,
			      (unsigned long long)rw.count);
			send_msg(h.id, h.cmd, VFU_HDR_TYPE_REPLY, NULL, 0, NULL, 0);
		}
	}
	pthread_join(t, &ret);
	CHECK(!ret && dma_buf[0] == 'a' && dma_buf[4096] == 'b',
	      "device thread's message DMA: %ld", (long)(intptr_t)ret);

	/*
	 * From inside a register write (in the server thread): while the
	 * server waits for the reply to its DMA_READ it must keep answering
	 * the client, as a vCPU blocked in a register read needs.
	 */
	{
		struct vfu_region_access ra = { 0x3c, 0, 4 };
		u8 b[20], reply[16 + 64];
		struct vfu_dma_rw rw;
		u16 dma_id;

		dev.sync_addr = 0xf0100;
		dev.sync_rc = 1;
		memcpy(b, &ra, 16);
		memset(b + 16, 0, 4);
		send_msg(50, VFU_CMD_REGION_WRITE, VFU_HDR_NO_REPLY, b, 20,
			 NULL, 0);
		recv_msg(&h, rbuf, sizeof(rbuf));
		memcpy(&rw, rbuf, 16);
		dma_id = h.id;
		CHECK(h.cmd == VFU_CMD_DMA_READ && rw.count == 64 &&
		      rw.addr == 0xf0100, "DMA_READ from the callback");
		ra.offset = 8;
		send_msg(51, VFU_CMD_REGION_READ, 0, &ra, 16, NULL, 0);
		recv_msg(&h, rbuf, sizeof(rbuf));
		CHECK(h.id == 51 && h.cmd == VFU_CMD_REGION_READ &&
		      !(h.flags & VFU_HDR_ERROR),
		      "register read answered while the server waits (id %u)",
		      h.id);
		send_msg(52, 0, 0, NULL, 0, NULL, 0);
		recv_msg(&h, rbuf, sizeof(rbuf));
		CHECK(h.id == 52 && (h.flags & VFU_HDR_ERROR) && h.error == VFU_ERR_NOCMD,
		      "command 0 refused during the wait");
		/* A reply nobody waits for is dropped. */
		send_msg(dma_id + 1000, VFU_CMD_DMA_READ, VFU_HDR_TYPE_REPLY,
			 reply, sizeof(reply), NULL, 0);
		memcpy(reply, &rw, 16);
		memset(reply + 16, 0x5c, 64);
		send_msg(dma_id, VFU_CMD_DMA_READ, VFU_HDR_TYPE_REPLY, reply,
			 sizeof(reply), NULL, 0);
		CHECK(cfg16(0) == 0x14d6 && dev.sync_rc == 0 &&
		      dev.sync_buf[0] == 0x5c && dev.sync_buf[63] == 0x5c,
		      "the callback's DMA completed: rc %d", dev.sync_rc);

		/* A DMA_READ answered with an error fails the device's DMA. */
		dev.sync_rc = 1;
		send_msg(53, VFU_CMD_REGION_WRITE, VFU_HDR_NO_REPLY, b, 20,
			 NULL, 0);
		recv_msg(&h, rbuf, sizeof(rbuf));
		send_msg(h.id, h.cmd, VFU_HDR_TYPE_REPLY | VFU_HDR_ERROR,
			 NULL, 0, NULL, 0);
		CHECK(cfg16(0) == 0x14d6 && dev.sync_rc == -EIO,
		      "DMA message error reported: rc %d", dev.sync_rc);
	}
	vfu_get_stats(dev.srv, &st);
	CHECK(st.maps == 2, "maps: %llu", (unsigned long long)st.maps);
	munmap(guest, 0x30000);
	close(mfd);
}

/* A device thread copying while the client unmaps and maps again. */
static atomic_int race_stop;
static atomic_long race_tries;
static long race_ok, race_fault, race_other;

static void *race_thread(void *arg)
{
	u8 buf[256];

	(void)arg;
	while (!atomic_load(&race_stop)) {
		int rc = vfu_dma_read(dev.srv, 0x200000, buf, sizeof(buf));

		if (!rc)
			race_ok++;
		else if (rc == -EFAULT)
			race_fault++;
		else
			race_other++;
		atomic_fetch_add(&race_tries, 1);
	}
	return NULL;
}

static void test_dma_race(void)
{
	struct vfu_dma_map m = { 32, 3, 0, 0x200000, 0x10000 };
	struct vfu_dma_unmap u = { 24, 0, 0x200000, 0x10000 };
	int mfd = memfd_create("race", 0), i, errs = 0;
	pthread_t t;

	if (ftruncate(mfd, 0x10000))
		exit(1);
	pthread_create(&t, NULL, race_thread, NULL);
	/*
	 * Until the device thread has copied many times as well: on a loaded
	 * machine it may not run at all during the first 300 rounds.
	 */
	for (i = 0; i < 300 || atomic_load(&race_tries) < 1000; i++) {
		errs += !!call(VFU_CMD_DMA_MAP, &m, sizeof(m), &mfd, 1, NULL);
		errs += !!call(VFU_CMD_DMA_UNMAP, &u, sizeof(u), NULL, 0, NULL);
	}
	atomic_store(&race_stop, 1);
	pthread_join(t, NULL);
	close(mfd);
	CHECK(!errs && !race_other && race_ok + race_fault > 0,
	      "map/unmap under concurrent DMA: %d errors, %ld ok, %ld refused, %ld other",
	      errs, race_ok, race_fault, race_other);
}

/*
 * A PCI Express function (a second server): the capability chain, the
 * extended space with AER, write-1-to-clear status, sticky AER controls
 * across a reset.
 */
static void test_pcie(const char *dir)
{
	struct vfu_pci_info pci = {
		.vendor_id = 0x14d6, .device_id = 0x6240,
		.class_code = 0x010400, .bar_size = { 4096 },
		.msi = true, .pcie = true,
	};
	struct vfu_device_ops ops = { .bar_read = t_read, .bar_write = t_write };
	struct vfu_region_info ri = { .argsz = sizeof(ri), .index = VFU_REGION_CONFIG };
	struct tdev pdev = { 0 };
	char path[128];
	pthread_t t;
	void *ret;
	int err = 0, save = cfd;
	u8 c[VFU_CFG_SIZE];
	u16 v16;

	snprintf(path, sizeof(path), "%s/p", dir);
	pdev.srv = vfu_create(path, &pci, &ops, &pdev, &err);
	CHECK(pdev.srv, "PCI Express server: %d", err);
	if (!pdev.srv)
		return;
	pthread_create(&t, NULL, server_thread, pdev.srv);
	cfd = client_connect(path);
	call(VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL, 0, NULL);
	CHECK(((struct vfu_region_info *)rbuf)->size == VFU_CFG_SIZE,
	      "config 4 KiB");
	CHECK(!cfg_read(0, c, VFU_CFG_SIZE), "read all of extended config space");
	CHECK(cfg_read(VFU_CFG_SIZE - 2, c, 4) == EINVAL,
	      "read past the extended space");
	CHECK(cfg16(6) & PCI_STATUS_CAP_LIST, "capability list");
	CHECK(cfg16(0x34) == VFU_MSI_CAP && cfg16(VFU_MSI_CAP) ==
	      (PCI_CAP_ID_MSI | VFU_PCIE_CAP << 8), "MSI, then PCI Express");
	CHECK(cfg16(VFU_PCIE_CAP) == PCI_CAP_ID_EXP &&
	      cfg16(VFU_PCIE_CAP + PCI_EXP_FLAGS) == 0x0002,
	      "PCI Express v2 endpoint, end of the chain");
	cfg_write32(VFU_PCIE_CAP + PCI_EXP_DEVCTL, 0xffffffff);
	CHECK(cfg16(VFU_PCIE_CAP + PCI_EXP_DEVCTL) == 0x7fff,
	      "DEVCTL writable but for FLR: %04x",
	      cfg16(VFU_PCIE_CAP + PCI_EXP_DEVCTL));
	CHECK(cfg16(VFU_PCIE_CAP + PCI_EXP_DEVSTA) == 0,
	      "DEVSTA: ones written clear, never set");
	CHECK(cfg32(VFU_AER_CAP) == 0x00020001, "AER v2 at 0x100, last");
	cfg_write32(VFU_AER_CAP + PCI_ERR_UNCOR_STATUS, 0xffffffff);
	CHECK(cfg32(VFU_AER_CAP + PCI_ERR_UNCOR_STATUS) == 0,
	      "uncorrectable status is write-1-to-clear");
	CHECK(cfg32(VFU_AER_CAP + PCI_ERR_UNCOR_SEVER) == 0x00462030,
	      "default severities");
	cfg_write32(VFU_AER_CAP + PCI_ERR_UNCOR_MASK, 0xffffffff);
	CHECK(cfg32(VFU_AER_CAP + PCI_ERR_UNCOR_MASK) == 0x03fff030,
	      "uncorrectable mask: the defined bits");
	CHECK(cfg32(VFU_AER_CAP + PCI_ERR_COR_MASK) == 0x00002000,
	      "advisory non-fatal masked by default");
	cfg_write32(VFU_AER_CAP + PCI_ERR_CAP, 0xffffffff);
	CHECK(cfg32(VFU_AER_CAP + PCI_ERR_CAP) == 0, "AER control read-only");
	CHECK(!call(VFU_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL) &&
	      cfg16(VFU_PCIE_CAP + PCI_EXP_DEVCTL) == 0 &&
	      cfg32(VFU_AER_CAP + PCI_ERR_UNCOR_MASK) == 0x03fff030,
	      "reset: DEVCTL cleared, AER mask sticky");
	v16 = 0xffff;
	CHECK(!region_write(VFU_REGION_CONFIG, VFU_CFG_SIZE - 2, &v16, 2) &&
	      cfg16(VFU_CFG_SIZE - 2) == 0, "end of the space: reserved");
	close(cfd);
	pthread_join(t, &ret);
	vfu_destroy(pdev.srv);
	cfd = save;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	char dir[] = "/tmp/vfu-selftest.XXXXXX", path[128];
	struct vfu_pci_info pci = {
		.vendor_id = 0x14d6, .device_id = 0x6201,
		.subsys_vendor_id = 0x14d6, .subsys_id = 0x1234,
		.revision = 3, .class_code = 0x010400,
		.bar_size = { 4096 }, .msi = true,
	};
	struct vfu_device_ops ops = {
		.bar_read = t_read, .bar_write = t_write,
		.reset = t_reset, .client_gone = t_gone,
	};
	struct vfu_stats st;
	pthread_t t;
	void *ret;
	int err = 0, bad[4] = { 0 };

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/s", dir);
	pci.bar_size[1] = 24;
	CHECK(!vfu_create(path, &pci, &ops, &dev, &err) && err == -EINVAL,
	      "BAR size not a power of two refused");
	pci.bar_size[1] = 0;
	dev.srv = vfu_create(path, &pci, &ops, &dev, &err);
	if (!dev.srv) {
		printf("vfu_create: %s\n", strerror(-err));
		return 1;
	}

	pthread_create(&t, NULL, server_thread, dev.srv);
	cfd = client_connect(path);
	test_negotiation();
	test_config();
	test_bar();
	test_irq();
	test_dma();
	test_dma_race();
	test_pcie(dir);
	CHECK(!call(VFU_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL) &&
	      dev.resets == 1 && cfg16(4) == 0, "reset: callback, COMMAND cleared");
	close(cfd);
	pthread_join(t, &ret);
	vfu_get_stats(dev.srv, &st);
	CHECK(!ret && dev.gone == 1 && st.maps == 0,
	      "EOF: clean end, client_gone, maps dropped");

	/* A broken message drops the client; the device state stays. */
	pthread_create(&t, NULL, server_thread, dev.srv);
	cfd = client_connect(path);
	CHECK(cfg16(0x3c) == 0x010b, "state kept across clients");
	bad[1] = 8;	/* size below the header */
	if (write(cfd, bad, 16) != 16)
		return 1;
	pthread_join(t, &ret);
	CHECK((intptr_t)ret == -EPROTO, "bad size: client dropped (%ld)",
	      (long)(intptr_t)ret);
	close(cfd);

	vfu_destroy(dev.srv);
	CHECK(access(path, F_OK) != 0, "socket removed");
	rmdir(dir);
	printf("vfu-selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
