// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * vfu-testdev: a small PCI test device on the vfu library, the library's
 * end-to-end smoke test (with tests/e2e/vfu-smoke/).  It follows the model
 * command contract of tests/e2e/README.md, so vm-run can start it in place
 * of acxxx-emu:
 *
 *   vfu-testdev --vfio-user SOCKET [--device-id ID] [--vendor-id ID]
 *               [--layout bar0|bar1] [--no-msi] [--volume SPEC]...
 *               [--ctl CTLSOCKET]
 *   vfu-testdev --ctl CTLSOCKET CMD...  (client: stats|irq|crash|quit)
 *
 * Register BAR (BAR0, or BAR1 with --layout bar1, where BAR0 is a 256-byte
 * read-only ID BAR), 32-bit registers:
 *   0x00 MAGIC   0x56465554          0x04 COUNTER  +1 on every read
 *   0x08 SCRATCH0 (byte-addressable) 0x0c SCRATCH1 (byte-addressable)
 *   0x10 ISR  write-1-to-clear: bit 0 DMA job done, bit 1 doorbell
 *        interrupt, bit 2 host event (control command "irq")
 *   0x14 IMR  interrupt enable per ISR bit; the device requests an
 *        interrupt while ISR & IMR != 0
 *   0x18/0x1c DMA address low/high, 0x20 DMA length (at most 1 MiB)
 *   0x24 DOORBELL: 1 = DMA job on the worker thread (read the buffer, sum
 *        its bytes, write it back inverted, set ISR bit 0); 2 = set ISR
 *        bit 1 from the worker thread; 4 = the same DMA job done inside
 *        the register write, in the server thread
 *   0x28 RESULT  byte sum of the last job     0x2c STATUS bit 0 busy,
 *        bits 31..16 errno of the last job's failed DMA (0 = none)
 *   0x30 INFO bit 0 MSI capability, bits 11..8 register BAR, bits 23..16
 *        number of --volume options           0x34 JOBS completed jobs
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfu.h"

#define TD_MAGIC	0x56465554u
#define TD_MAX_DMA	(1024 * 1024)
#define R_MAGIC		0x00
#define R_COUNTER	0x04
#define R_SCRATCH0	0x08
#define R_SCRATCH1	0x0c
#define R_ISR		0x10
#define R_IMR		0x14
#define R_DMA_LO	0x18
#define R_DMA_HI	0x1c
#define R_DMA_LEN	0x20
#define R_DOORBELL	0x24
#define R_RESULT	0x28
#define R_STATUS	0x2c
#define R_INFO		0x30
#define R_JOBS		0x34

#define ISR_DMA		0x1
#define ISR_DOORBELL	0x2
#define ISR_HOST	0x4

struct testdev {
	struct vfu_server *srv;
	int reg_bar;
	bool msi;
	unsigned int volumes;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	u32 counter;
	u8 scratch[8];
	u32 isr, imr;
	u32 dma_lo, dma_hi, dma_len;
	u32 result, status, jobs;
	unsigned int pending;		/* doorbell bits waiting for the worker */
	unsigned int generation;	/* bumped by reset */
	bool quit;
};

static struct vfu_server *g_srv;

/* dev->lock held: tell the library the interrupt condition. */
static void update_level(struct testdev *dev)
{
	vfu_irq_set_level(dev->srv, (dev->isr & dev->imr) != 0);
}

static u32 reg_read32(struct testdev *dev, u64 off)
{
	u32 v;

	switch (off) {
	case R_MAGIC:
		return TD_MAGIC;
	case R_COUNTER:
		return ++dev->counter;
	case R_SCRATCH0:
	case R_SCRATCH1:
		memcpy(&v, &dev->scratch[off - R_SCRATCH0], 4);
		return v;
	case R_ISR:
		return dev->isr;
	case R_IMR:
		return dev->imr;
	case R_DMA_LO:
		return dev->dma_lo;
	case R_DMA_HI:
		return dev->dma_hi;
	case R_DMA_LEN:
		return dev->dma_len;
	case R_RESULT:
		return dev->result;
	case R_STATUS:
		return dev->status;
	case R_INFO:
		return (dev->msi ? 1u : 0u) | (u32)dev->reg_bar << 8 |
		       (dev->volumes & 0xff) << 16;
	case R_JOBS:
		return dev->jobs;
	default:
		return 0;
	}
}

static u64 td_bar_read(void *ctx, int bar, u64 off, unsigned int size)
{
	struct testdev *dev = ctx;
	u64 v;

	if (bar != dev->reg_bar)
		return 0xb0b0b0b0b0b0b0b0ull & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
	pthread_mutex_lock(&dev->lock);
	if (off >= R_SCRATCH0 && off + size <= R_SCRATCH1 + 4) {
		v = 0;
		memcpy(&v, &dev->scratch[off - R_SCRATCH0], size);
	} else if (size == 4 && !(off & 3)) {
		v = reg_read32(dev, off);
	} else if (size == 8 && !(off & 7)) {
		v = reg_read32(dev, off);
		v |= (u64)reg_read32(dev, off + 4) << 32;
	} else {
		v = 0;
	}
	pthread_mutex_unlock(&dev->lock);
	return v;
}

/*
 * The DMA job of doorbell 4, done inside the register write, in the
 * server thread: the library must keep serving the client while it waits
 * for its own DMA messages (the guest polls STATUS meanwhile).  dev->lock
 * held on entry and exit, dropped around the DMA.
 */
static void sync_job(struct testdev *dev)
{
	u64 addr = (u64)dev->dma_hi << 32 | dev->dma_lo;
	u32 len = dev->dma_len, sum = 0, i;
	unsigned int gen = dev->generation;
	u8 *buf;
	int rc = -EINVAL;

	dev->status |= 1;
	pthread_mutex_unlock(&dev->lock);
	buf = malloc(len ? len : 1);
	if (buf && len <= TD_MAX_DMA) {
		rc = vfu_dma_read(dev->srv, addr, buf, len);
		for (i = 0; !rc && i < len; i++) {
			sum += buf[i];
			buf[i] = (u8)~buf[i];
		}
		if (!rc)
			rc = vfu_dma_write(dev->srv, addr, buf, len);
	}
	free(buf);
	pthread_mutex_lock(&dev->lock);
	if (gen != dev->generation)
		return;
	dev->result = sum;
	dev->status = (u32)-rc << 16;
	dev->jobs++;
	dev->isr |= ISR_DMA;
	update_level(dev);
}

static void td_bar_write(void *ctx, int bar, u64 off, u64 val,
			 unsigned int size)
{
	struct testdev *dev = ctx;
	u32 v = (u32)val;

	if (bar != dev->reg_bar)
		return;
	pthread_mutex_lock(&dev->lock);
	if (off >= R_SCRATCH0 && off + size <= R_SCRATCH1 + 4) {
		memcpy(&dev->scratch[off - R_SCRATCH0], &val, size);
		goto out;
	}
	if (size != 4 || (off & 3))
		goto out;
	switch (off) {
	case R_ISR:
		dev->isr &= ~v;
		update_level(dev);
		break;
	case R_IMR:
		dev->imr = v & (ISR_DMA | ISR_DOORBELL | ISR_HOST);
		update_level(dev);
		break;
	case R_DMA_LO:
		dev->dma_lo = v;
		break;
	case R_DMA_HI:
		dev->dma_hi = v;
		break;
	case R_DMA_LEN:
		dev->dma_len = v;
		break;
	case R_DOORBELL:
		dev->pending |= v & 3;
		if (v & 1)
			dev->status |= 1;
		pthread_cond_signal(&dev->cond);
		if (v & 4)
			sync_job(dev);
		break;
	}
out:
	pthread_mutex_unlock(&dev->lock);
}

static void td_reset(void *ctx)
{
	struct testdev *dev = ctx;

	pthread_mutex_lock(&dev->lock);
	dev->generation++;
	dev->counter = 0;
	memset(dev->scratch, 0, sizeof(dev->scratch));
	dev->isr = 0;
	dev->imr = 0;
	dev->dma_lo = 0;
	dev->dma_hi = 0;
	dev->dma_len = 0;
	dev->result = 0;
	dev->status = 0;
	dev->pending = 0;
	update_level(dev);
	pthread_mutex_unlock(&dev->lock);
}

/* The device's slow work, away from the server thread. */
static void *worker(void *arg)
{
	struct testdev *dev = arg;
	u8 *buf = malloc(TD_MAX_DMA);

	if (!buf)
		return NULL;
	pthread_mutex_lock(&dev->lock);
	while (!dev->quit) {
		unsigned int work = dev->pending, gen = dev->generation;
		u64 addr = (u64)dev->dma_hi << 32 | dev->dma_lo;
		u32 len = dev->dma_len, sum = 0, i;
		int rc = 0;

		if (!work) {
			pthread_cond_wait(&dev->cond, &dev->lock);
			continue;
		}
		dev->pending = 0;
		pthread_mutex_unlock(&dev->lock);
		if (work & 1) {
			if (len > TD_MAX_DMA)
				rc = -EINVAL;
			if (!rc)
				rc = vfu_dma_read(dev->srv, addr, buf, len);
			for (i = 0; !rc && i < len; i++) {
				sum += buf[i];
				buf[i] = (u8)~buf[i];
			}
			if (!rc)
				rc = vfu_dma_write(dev->srv, addr, buf, len);
		}
		pthread_mutex_lock(&dev->lock);
		if (gen != dev->generation)
			continue;
		if (work & 1) {
			dev->result = sum;
			dev->status = (u32)-rc << 16;
			dev->jobs++;
			dev->isr |= ISR_DMA;
		}
		if (work & 2)
			dev->isr |= ISR_DOORBELL;
		update_level(dev);
	}
	pthread_mutex_unlock(&dev->lock);
	free(buf);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Control socket                                                      */
/* ------------------------------------------------------------------ */

struct ctl {
	struct testdev *dev;
	int fd;
	char path[108];
};

static void ctl_answer(struct testdev *dev, const char *cmd, char *out,
		       size_t outlen)
{
	struct vfu_stats st;

	if (!strcmp(cmd, "stats")) {
		vfu_get_stats(dev->srv, &st);
		pthread_mutex_lock(&dev->lock);
		snprintf(out, outlen,
			 "ok intx=%llu msi=%llu dma_mmap=%llu dma_msg=%llu faults=%llu errors=%llu maps=%llu jobs=%u",
			 (unsigned long long)st.intx_signals,
			 (unsigned long long)st.msi_signals,
			 (unsigned long long)st.dma_mmap_bytes,
			 (unsigned long long)st.dma_msg_bytes,
			 (unsigned long long)st.dma_faults,
			 (unsigned long long)st.errors,
			 (unsigned long long)st.maps, dev->jobs);
		pthread_mutex_unlock(&dev->lock);
	} else if (!strcmp(cmd, "irq")) {
		pthread_mutex_lock(&dev->lock);
		dev->isr |= ISR_HOST;
		update_level(dev);
		pthread_mutex_unlock(&dev->lock);
		snprintf(out, outlen, "ok");
	} else if (!strcmp(cmd, "crash")) {
		/* For the harness's test of a model dying mid-run. */
		fprintf(stderr, "vfu-testdev: crashing on request\n");
		abort();
	} else if (!strcmp(cmd, "quit")) {
		vfu_stop(dev->srv);
		snprintf(out, outlen, "ok bye");
	} else {
		snprintf(out, outlen, "err unknown command '%s' (stats, irq, crash, quit)",
			 cmd);
	}
}

static void *ctl_thread(void *arg)
{
	struct ctl *ctl = arg;
	char line[256], out[512];

	for (;;) {
		int c = accept(ctl->fd, NULL, NULL);
		FILE *f;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		f = fdopen(c, "r+");
		if (!f) {
			close(c);
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = 0;
			ctl_answer(ctl->dev, line, out, sizeof(out));
			fprintf(f, "%s\n", out);
			fflush(f);
		}
		fclose(f);
	}
}

static int unix_socket(const char *path, bool listening)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (listening) {
		unlink(path);
		if (!bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !listen(fd, 4))
			return fd;
	} else if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		return fd;
	}
	close(fd);
	return -1;
}

static int ctl_client(const char *path, int argc, char **argv)
{
	char line[512];
	FILE *f;
	int fd, i, rc = 0;

	fd = unix_socket(path, false);
	if (fd < 0) {
		fprintf(stderr, "vfu-testdev: %s: %s\n", path, strerror(errno));
		return 2;
	}
	f = fdopen(fd, "r+");
	if (!f)
		return 2;
	for (i = 0; i < argc; i++)
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	fprintf(f, "\n");
	fflush(f);
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 2;
	}
	fputs(line, stdout);
	if (strncmp(line, "ok", 2))
		rc = 1;
	fclose(f);
	return rc;
}

/* ------------------------------------------------------------------ */

static void on_signal(int sig)
{
	(void)sig;
	if (g_srv)
		vfu_stop(g_srv);
}

static void help(FILE *f)
{
	fprintf(f,
		"usage: vfu-testdev --vfio-user SOCKET [--device-id ID] [--vendor-id ID]\n"
		"                   [--layout bar0|bar1] [--no-msi] [--volume SPEC]...\n"
		"                   [--serial S] [--ctl CTLSOCKET] [--debug]\n"
		"       vfu-testdev --ctl CTLSOCKET stats|irq|crash|quit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vfio-user", required_argument, NULL, 's' },
		{ "device-id", required_argument, NULL, 'd' },
		{ "vendor-id", required_argument, NULL, 'v' },
		{ "layout", required_argument, NULL, 'l' },
		{ "no-msi", no_argument, NULL, 'n' },
		{ "volume", required_argument, NULL, 'V' },
		{ "serial", required_argument, NULL, 'S' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vfu_pci_info pci = {
		.vendor_id = 0xcafe, .device_id = 0x0001,
		.subsys_vendor_id = 0xcafe, .subsys_id = 0x0001,
		.revision = 1, .class_code = 0xff0000, .msi = true,
	};
	struct vfu_device_ops ops = {
		.bar_read = td_bar_read, .bar_write = td_bar_write,
		.reset = td_reset,
	};
	static struct testdev dev;
	struct ctl ctl = { .dev = &dev, .fd = -1 };
	const char *sock = NULL, *ctlpath = NULL;
	pthread_t wt, ct;
	struct sigaction sa = { .sa_handler = on_signal };
	struct vfu_stats st;
	int opt, err = 0, rc, debug = 0;

	if (argc >= 3 && !strcmp(argv[1], "--ctl"))
		return ctl_client(argv[2], argc - 3, argv + 3);

	dev.msi = true;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'd':
			pci.device_id = (u16)strtoul(optarg, NULL, 16);
			break;
		case 'v':
			pci.vendor_id = (u16)strtoul(optarg, NULL, 16);
			break;
		case 'l':
			if (!strcmp(optarg, "bar1")) {
				dev.reg_bar = 1;
			} else if (strcmp(optarg, "bar0")) {
				help(stderr);
				return 2;
			}
			break;
		case 'n':
			dev.msi = false;
			break;
		case 'V':
			dev.volumes++;
			break;
		case 'S':
			/*
			 * vm-run hands every model a controller serial; the
			 * test device has no identity pages to put it in.
			 */
			break;
		case 'c':
			ctlpath = optarg;
			break;
		case 'D':
			debug = 1;
			break;
		case 'h':
			help(stdout);
			return 0;
		default:
			help(stderr);
			return 2;
		}
	}
	if (!sock || optind != argc) {
		help(stderr);
		return 2;
	}
	pci.msi = dev.msi;
	if (dev.reg_bar == 1) {
		pci.bar_size[0] = 256;
		pci.bar_size[1] = 16384;
	} else {
		pci.bar_size[0] = 4096;
	}
	pthread_mutex_init(&dev.lock, NULL);
	pthread_cond_init(&dev.cond, NULL);

	dev.srv = vfu_create(sock, &pci, &ops, &dev, &err);
	if (!dev.srv) {
		fprintf(stderr, "vfu-testdev: %s: %s\n", sock, strerror(-err));
		return 1;
	}
	if (debug)
		vfu_set_debug(dev.srv, 1);
	g_srv = dev.srv;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (ctlpath) {
		ctl.fd = unix_socket(ctlpath, true);
		if (ctl.fd < 0) {
			fprintf(stderr, "vfu-testdev: %s: %s\n", ctlpath,
				strerror(errno));
			vfu_destroy(dev.srv);
			return 1;
		}
		strcpy(ctl.path, ctlpath);
		pthread_create(&ct, NULL, ctl_thread, &ctl);
		pthread_detach(ct);
	}
	pthread_create(&wt, NULL, worker, &dev);
	fprintf(stderr, "vfu-testdev: %04x:%04x on %s, register BAR%d, %s\n",
		pci.vendor_id, pci.device_id, sock, dev.reg_bar,
		dev.msi ? "INTx+MSI" : "INTx");

	/*
	 * Serve clients until SIGTERM/SIGINT or "quit": after QEMU exits the
	 * control socket stays up for the harness's host script.
	 */
	do {
		rc = vfu_run(dev.srv);
		if (!rc)
			fprintf(stderr, "vfu-testdev: client disconnected\n");
	} while (!rc);

	pthread_mutex_lock(&dev.lock);
	dev.quit = true;
	pthread_cond_signal(&dev.cond);
	pthread_mutex_unlock(&dev.lock);
	pthread_join(wt, NULL);
	vfu_get_stats(dev.srv, &st);
	fprintf(stderr,
		"vfu-testdev: stats intx=%llu msi=%llu dma_mmap=%llu dma_msg=%llu faults=%llu errors=%llu jobs=%u resets=%llu\n",
		(unsigned long long)st.intx_signals,
		(unsigned long long)st.msi_signals,
		(unsigned long long)st.dma_mmap_bytes,
		(unsigned long long)st.dma_msg_bytes,
		(unsigned long long)st.dma_faults,
		(unsigned long long)st.errors, dev.jobs,
		(unsigned long long)st.msgs[13]);
	g_srv = NULL;
	vfu_destroy(dev.srv);
	if (ctl.fd >= 0)
		unlink(ctl.path);
	if (rc && rc != -ECANCELED) {
		fprintf(stderr, "vfu-testdev: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
