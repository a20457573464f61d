// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx-emu: run one HBA device model and serve its control socket.
 *
 *   acxxx-emu [options] --socket PATH       run the model (headless)
 *   acxxx-emu [options] --vfio-user PATH    ... as a PCI device for QEMU
 *   acxxx-emu --ctl PATH CMD...             send one command, print reply
 *   acxxx-emu --ctl PATH                    send stdin lines, print replies
 *
 * See emu/README.md for the options and the control protocol.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "acxemu.h"
#include "acxemu_frontend.h"

#define MAX_VOLUMES	64
#define MAX_CLIENTS	16
#define LINE_MAX_LEN	1024

/* ---- headless front-end ------------------------------------------------- */

static int headless_read(void *ctx, u64 addr, void *buf, size_t len)
{
	(void)ctx;
	(void)addr;
	(void)buf;
	(void)len;
	return -EFAULT;		/* no host memory is mapped */
}

static int headless_write(void *ctx, u64 addr, const void *buf, size_t len)
{
	(void)ctx;
	(void)addr;
	(void)buf;
	(void)len;
	return -EFAULT;
}

static const struct acxemu_dma_ops headless_dma = {
	.read = headless_read,
	.write = headless_write,
};

static int headless_prepare(struct acxemu_frontend *fe, const char *arg,
			    struct acxemu_config *cfg)
{
	(void)fe;
	(void)arg;
	cfg->dma = &headless_dma;
	cfg->dma_ctx = NULL;
	cfg->irq_cb = NULL;
	return 0;
}

static int headless_start(struct acxemu_frontend *fe, struct acxemu *emu)
{
	(void)fe;
	(void)emu;
	return 0;
}

static void headless_stop(struct acxemu_frontend *fe)
{
	(void)fe;
}

static struct acxemu_frontend headless_fe = {
	.name = "headless",
	.prepare = headless_prepare,
	.start = headless_start,
	.stop = headless_stop,
};

/* ---- client mode ----------------------------------------------------------- */

static int connect_ctl(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "acxxx-emu: socket path too long\n");
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("acxxx-emu: socket");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "acxxx-emu: connect %s: %s\n", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Send one line, print the one-line answer; 0 if it starts with "ok". */
static int ctl_roundtrip(int fd, FILE *in, const char *line)
{
	char resp[65536];

	if (write_all(fd, line, strlen(line)) || write_all(fd, "\n", 1)) {
		fprintf(stderr, "acxxx-emu: write: %s\n", strerror(errno));
		return 2;
	}
	if (!fgets(resp, sizeof(resp), in)) {
		fprintf(stderr, "acxxx-emu: no answer from the model\n");
		return 2;
	}
	fputs(resp, stdout);
	return strncmp(resp, "ok", 2) ? 1 : 0;
}

static int client_main(const char *path, int argc, char **argv)
{
	char line[LINE_MAX_LEN];
	size_t pos = 0;
	FILE *in;
	int fd, i, rc = 0;

	fd = connect_ctl(path);
	if (fd < 0)
		return 2;
	in = fdopen(dup(fd), "r");
	if (!in) {
		close(fd);
		return 2;
	}
	if (argc) {
		line[0] = 0;
		for (i = 0; i < argc; i++) {
			int n = snprintf(line + pos, sizeof(line) - pos, "%s%s",
					 i ? " " : "", argv[i]);

			if (n < 0 || (size_t)n >= sizeof(line) - pos) {
				fprintf(stderr, "acxxx-emu: command too long\n");
				rc = 2;
				goto out;
			}
			pos += n;
		}
		rc = ctl_roundtrip(fd, in, line);
	} else {
		while (fgets(line, sizeof(line), stdin)) {
			int r;

			line[strcspn(line, "\r\n")] = 0;
			if (!line[0])
				continue;
			r = ctl_roundtrip(fd, in, line);
			if (r > rc)
				rc = r;
			if (r == 2)
				break;
		}
	}
out:
	fclose(in);
	close(fd);
	return rc;
}

/* ---- server ------------------------------------------------------------------ */

struct client {
	int fd;
	char buf[LINE_MAX_LEN];
	size_t len;
	bool overflow;
};

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	/* a full pipe already holds a pending wakeup */
	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

static int listen_ctl(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "acxxx-emu: socket path too long\n");
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("acxxx-emu: socket");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		fprintf(stderr, "acxxx-emu: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Handle input on a client; returns -1 to close it, 1 on "quit". */
static int client_input(struct acxemu *emu, struct client *c)
{
	char out[16384];
	ssize_t n;
	char *nl;
	int quit = 0;

	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	c->len += n;
	c->buf[c->len] = 0;
	while ((nl = strchr(c->buf, '\n'))) {
		size_t used = nl - c->buf + 1;

		*nl = 0;
		if (c->overflow) {
			snprintf(out, sizeof(out), "err line too long");
			c->overflow = false;
		} else if (acxemu_ctl_exec(emu, c->buf, out, sizeof(out)) == 1) {
			quit = 1;
		}
		if (write_all(c->fd, out, strlen(out)) || write_all(c->fd, "\n", 1))
			return -1;
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->buf[c->len] = 0;
		if (quit)
			return 1;
	}
	if (c->len == sizeof(c->buf) - 1) {
		/* drop the start of an over-long line, answer at its end */
		c->overflow = true;
		c->len = 0;
	}
	return 0;
}

static int serve(struct acxemu *emu, int lfd)
{
	struct client clients[MAX_CLIENTS];
	struct pollfd pfd[2 + MAX_CLIENTS];
	int nclients = 0, i, quit = 0;

	while (!quit) {
		int n = 0;

		pfd[n].fd = sig_pipe[0];
		pfd[n++].events = POLLIN;
		pfd[n].fd = lfd;
		pfd[n++].events = lfd >= 0 ? POLLIN : 0;
		for (i = 0; i < nclients; i++) {
			pfd[n].fd = clients[i].fd;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("acxxx-emu: poll");
			return -1;
		}
		if (pfd[0].revents)
			break;
		for (i = nclients - 1; i >= 0; i--) {
			int r;

			if (!pfd[2 + i].revents)
				continue;
			r = client_input(emu, &clients[i]);
			if (r == 1)
				quit = 1;
			if (r < 0) {
				close(clients[i].fd);
				clients[i] = clients[--nclients];
			}
		}
		if (lfd >= 0 && (pfd[1].revents & POLLIN)) {
			int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (cfd >= 0 && nclients == MAX_CLIENTS) {
				const char *msg = "err too many clients\n";

				(void)!write(cfd, msg, strlen(msg));
				close(cfd);
			} else if (cfd >= 0) {
				clients[nclients].fd = cfd;
				clients[nclients].len = 0;
				clients[nclients].overflow = false;
				nclients++;
			}
		}
	}
	for (i = 0; i < nclients; i++)
		close(clients[i].fd);
	return 0;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: acxxx-emu [options]\n"
		"       acxxx-emu --ctl SOCKET [CMD...]\n"
		"options:\n"
		"  --device ID            PCI device ID (hex, 0x optional): 6101 6201 (341),\n"
		"                         6232 6233 6235 6300 (2208), 6240 6262 (3108);\n"
		"                         --device-id is the same; default 6262\n"
		"  --volume SPEC          lun=N,file=PATH,size=64M[,serial=S][,naa=HEX]\n"
		"                         or lun=N,mem,size=64M[,...]; repeatable\n"
		"  --workers N            worker threads (default 2)\n"
		"  --latency-us N         base latency per request\n"
		"  --jitter-us N          random extra latency, 0..N\n"
		"  --intake-depth N       request intake queue depth (default 512)\n"
		"  --ready-delay-ms N     time to report ready after the handshake\n"
		"                         (the timing's ready delay)\n"
		"  --timing SPEC          how long the firmware takes: a profile, fast\n"
		"                         (default: no latency) or realistic (a RAID\n"
		"                         controller with HDD volumes), and/or per-class\n"
		"                         CLASS=BASE[+RAND] (us, or with us/ms/s): mgmt\n"
		"                         event read write flush other, ready=MS;\n"
		"                         comma-separated, repeatable, applied in order\n"
		"  --cache-mb N           write-back cache limit per volume (default 16)\n"
		"  --no-tmf               answer task management with status 0x01\n"
		"  --product-id S --model S --serial S --fw-version S --vendor S\n"
		"                         page 0 identity strings (at most 16 chars)\n"
		"  --socket PATH          serve the control protocol on PATH (or --ctl PATH\n"
		"                         when it is not the first argument)\n"
		"  --vfio-user PATH       be a PCI device for QEMU's vfio-user-pci on PATH\n"
		"                         (default: headless, no host attached)\n"
		"  --msi                  with --vfio-user: offer MSI besides INTx\n"
		"  --pcie                 with --vfio-user: a PCI Express endpoint with\n"
		"                         AER (default: a conventional PCI function)\n"
		"  --seed N               latency jitter seed\n"
		"  --help\n");
}

enum {
	OPT_DEVICE = 256, OPT_VOLUME, OPT_WORKERS, OPT_LATENCY, OPT_JITTER,
	OPT_INTAKE, OPT_READY, OPT_CACHE, OPT_NO_TMF, OPT_PRODUCT, OPT_MODEL,
	OPT_SERIAL, OPT_FW, OPT_VENDOR, OPT_SOCKET, OPT_SEED, OPT_HELP,
	OPT_VFIO_USER, OPT_MSI, OPT_PCIE, OPT_TIMING,
};

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "device-id", required_argument, NULL, OPT_DEVICE },
	{ "volume", required_argument, NULL, OPT_VOLUME },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "latency-us", required_argument, NULL, OPT_LATENCY },
	{ "jitter-us", required_argument, NULL, OPT_JITTER },
	{ "intake-depth", required_argument, NULL, OPT_INTAKE },
	{ "ready-delay-ms", required_argument, NULL, OPT_READY },
	{ "timing", required_argument, NULL, OPT_TIMING },
	{ "cache-mb", required_argument, NULL, OPT_CACHE },
	{ "no-tmf", no_argument, NULL, OPT_NO_TMF },
	{ "product-id", required_argument, NULL, OPT_PRODUCT },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "fw-version", required_argument, NULL, OPT_FW },
	{ "vendor", required_argument, NULL, OPT_VENDOR },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "ctl", required_argument, NULL, OPT_SOCKET },
	{ "vfio-user", required_argument, NULL, OPT_VFIO_USER },
	{ "msi", no_argument, NULL, OPT_MSI },
	{ "pcie", no_argument, NULL, OPT_PCIE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static bool num_arg(const char *s, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max || *s == '-')
		return false;
	*out = (unsigned int)v;
	return true;
}

int main(int argc, char **argv)
{
	static struct acxemu_volume_config vols[MAX_VOLUMES];
	static char volbuf[MAX_VOLUMES][1024];
	struct acxemu_frontend *fe = &headless_fe;
	struct acxemu_timing timing = { 0 };
	struct acxemu_config cfg;
	const char *sock = NULL, *fe_arg = NULL;
	struct acxemu *emu;
	char errbuf[256];
	unsigned int v;
	int opt, rc, lfd = -1;

	if (argc >= 3 && !strcmp(argv[1], "--ctl"))
		return client_main(argv[2], argc - 3, argv + 3);

	memset(&cfg, 0, sizeof(cfg));
	cfg.device_id = 0x6262;
	cfg.workers = 2;
	cfg.volumes = vols;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_DEVICE: {
			char *end;
			unsigned long id = strtoul(optarg, &end, 16);

			if (*end || id > 0xFFFF || acxemu_family_of(id) < 0) {
				fprintf(stderr, "acxxx-emu: unknown device id '%s'\n",
					optarg);
				return 2;
			}
			cfg.device_id = (u16)id;
			break;
		}
		case OPT_VOLUME:
			if (cfg.nvolumes == MAX_VOLUMES) {
				fprintf(stderr, "acxxx-emu: too many volumes\n");
				return 2;
			}
			if (acxemu_parse_volume(optarg, volbuf[cfg.nvolumes],
						sizeof(volbuf[0]),
						&vols[cfg.nvolumes], errbuf,
						sizeof(errbuf))) {
				fprintf(stderr, "acxxx-emu: --volume %s: %s\n",
					optarg, errbuf);
				return 2;
			}
			cfg.nvolumes++;
			break;
		case OPT_WORKERS:
			if (!num_arg(optarg, 256, &v) || !v)
				goto bad_num;
			cfg.workers = v;
			break;
		case OPT_LATENCY:
			if (!num_arg(optarg, 60000000, &cfg.latency_us))
				goto bad_num;
			break;
		case OPT_JITTER:
			if (!num_arg(optarg, 60000000, &cfg.jitter_us))
				goto bad_num;
			break;
		case OPT_INTAKE:
			if (!num_arg(optarg, 65536, &cfg.intake_depth) ||
			    !cfg.intake_depth)
				goto bad_num;
			break;
		case OPT_READY:
			if (!num_arg(optarg, ACXEMU_TIMING_MAX_READY_MS,
				     &timing.ready_ms))
				goto bad_num;
			break;
		case OPT_TIMING:
			if (acxemu_timing_parse(optarg, &timing, errbuf,
						sizeof(errbuf))) {
				fprintf(stderr, "acxxx-emu: --timing %s: %s\n",
					optarg, errbuf);
				return 2;
			}
			break;
		case OPT_CACHE:
			if (!num_arg(optarg, 65536, &v) || !v)
				goto bad_num;
			cfg.cache_max_dirty = (u64)v << 20;
			break;
		case OPT_NO_TMF:
			cfg.tmf_unsupported = true;
			break;
		case OPT_PRODUCT:
			cfg.product_id = optarg;
			break;
		case OPT_MODEL:
			cfg.model = optarg;
			break;
		case OPT_SERIAL:
			cfg.serial = optarg;
			break;
		case OPT_FW:
			cfg.fw_version = optarg;
			break;
		case OPT_VENDOR:
			cfg.vendor = optarg;
			break;
		case OPT_SOCKET:
			sock = optarg;
			break;
		case OPT_VFIO_USER:
			fe = &acxemu_vfu_frontend;
			fe_arg = optarg;
			break;
		case OPT_MSI:
			acxemu_vfu_want_msi(true);
			break;
		case OPT_PCIE:
			acxemu_vfu_want_pcie(true);
			break;
		case OPT_SEED:
			if (!num_arg(optarg, 0xFFFFFFFFul, &cfg.seed))
				goto bad_num;
			break;
		case OPT_HELP:
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
		continue;
bad_num:
		fprintf(stderr, "acxxx-emu: bad number '%s'\n", optarg);
		return 2;
	}
	if (optind != argc) {
		print_usage(stderr);
		return 2;
	}

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK)) {
		perror("acxxx-emu: pipe");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	rc = fe->prepare(fe, fe_arg, &cfg);
	if (rc) {
		fprintf(stderr, "acxxx-emu: %s: %s\n", fe->name, strerror(-rc));
		return 1;
	}
	cfg.timing = &timing;
	emu = acxemu_create(&cfg, &rc, errbuf, sizeof(errbuf));
	if (!emu) {
		fprintf(stderr, "acxxx-emu: %s\n", errbuf);
		return 1;
	}
	if (sock) {
		lfd = listen_ctl(sock);
		if (lfd < 0) {
			acxemu_destroy(emu);
			return 1;
		}
	}
	rc = fe->start(fe, emu);
	if (rc) {
		fprintf(stderr, "acxxx-emu: %s: %s\n", fe->name, strerror(-rc));
		goto out;
	}
	fprintf(stderr,
		"acxxx-emu: device 14d6:%04x (%s family), %u volume(s), %s front-end%s%s\n",
		cfg.device_id, acxemu_family_name(acxemu_family(emu)),
		cfg.nvolumes, fe->name, sock ? ", control socket " : "",
		sock ? sock : "");
	rc = serve(emu, lfd);
	fe->stop(fe);
out:
	if (lfd >= 0) {
		close(lfd);
		unlink(sock);
	}
	acxemu_destroy(emu);
	if (fe->release)
		fe->release(fe);
	return rc ? 1 : 0;
}
