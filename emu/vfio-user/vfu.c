// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * vfu: the server.  Socket and message loop, the commands QEMU's
 * vfio-user-pci client sends, the PCI configuration space and the
 * interrupt state (INTx level semantics, MSI edges).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfu_priv.h"

void vfu_log(struct vfu_server *srv, const char *fmt, ...)
{
	const char *name = strrchr(srv->path, '/');
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vfu[%s]: %s\n", name ? name + 1 : srv->path, buf);
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static void put32(u8 *p, u32 v)
{
	put16(p, (u16)v);
	put16(p + 2, (u16)(v >> 16));
}

static void close_fds(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                          */
/* ------------------------------------------------------------------ */

static void signal_fd(int fd)
{
	u64 one = 1;

	/* An eventfd counter only fails to take 1 when it would overflow. */
	if (write(fd, &one, sizeof(one)) != sizeof(one))
		return;
}

static u16 cfg_get16(struct vfu_server *srv, unsigned int off)
{
	return get16(&srv->cfg[off]);
}

/*
 * Re-evaluate INTx: assert (signal, then consider it auto-masked until the
 * client's UNMASK) when the level is high, INTx is the interrupt mode,
 * COMMAND.INTX_DISABLE is clear and it is not masked.  STATUS.INTX
 * mirrors the level while INTx is the mode.  irq_lock held.
 */
static void intx_eval_locked(struct vfu_server *srv)
{
	u16 status = cfg_get16(srv, PCI_CFG_STATUS);
	bool intx_mode = srv->msi_fd < 0;

	if (srv->level && intx_mode)
		status |= PCI_STATUS_INTX;
	else
		status &= ~PCI_STATUS_INTX;
	put16(&srv->cfg[PCI_CFG_STATUS], status);

	if (!intx_mode || !srv->level || srv->intx_fd < 0 || srv->intx_masked)
		return;
	if (cfg_get16(srv, PCI_CFG_COMMAND) & PCI_CMD_INTX_DISABLE)
		return;
	signal_fd(srv->intx_fd);
	srv->intx_masked = true;
	atomic_fetch_add(&srv->st_intx, 1);
}

void vfu_irq_set_level(struct vfu_server *srv, bool level)
{
	bool rising;

	pthread_mutex_lock(&srv->irq_lock);
	rising = level && !srv->level;
	srv->level = level;
	if (srv->msi_fd >= 0 && rising) {
		signal_fd(srv->msi_fd);
		atomic_fetch_add(&srv->st_msi, 1);
	}
	intx_eval_locked(srv);
	pthread_mutex_unlock(&srv->irq_lock);
}

static void intx_unmask(struct vfu_server *srv)
{
	pthread_mutex_lock(&srv->irq_lock);
	srv->intx_masked = false;
	intx_eval_locked(srv);
	pthread_mutex_unlock(&srv->irq_lock);
}

static void irq_close_all_locked(struct vfu_server *srv)
{
	close_fds(&srv->intx_fd, 1);
	close_fds(&srv->intx_unmask_fd, 1);
	close_fds(&srv->msi_fd, 1);
	srv->intx_masked = false;
}

/* ------------------------------------------------------------------ */
/* Configuration space                                                 */
/* ------------------------------------------------------------------ */

/*
 * A PCI Express endpoint: the PCI Express capability chained after MSI (or
 * first), and AER at the start of the extended space.  Status bits are
 * write-1-to-clear, masks, severities and controls read back what was
 * written; nothing here raises an error by itself.
 */
static void cfg_init_pcie(struct vfu_server *srv)
{
	u8 *c = srv->cfg, *w = srv->cfg_wmask, *w1c = srv->cfg_w1c;
	u8 *cap = c + VFU_PCIE_CAP, *cw = w + VFU_PCIE_CAP;
	u8 *aer = c + VFU_AER_CAP, *aw = w + VFU_AER_CAP;

	put16(c + PCI_CFG_STATUS, PCI_STATUS_CAP_LIST);
	if (srv->pci.msi)
		c[VFU_MSI_CAP + 1] = VFU_PCIE_CAP;
	else
		c[PCI_CFG_CAP_PTR] = VFU_PCIE_CAP;
	cap[0] = PCI_CAP_ID_EXP;
	cap[1] = 0;
	put16(cap + PCI_EXP_FLAGS, PCI_EXP_FLAGS_V2_ENDPOINT);
	put32(cap + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_VALUE);
	put16(cw + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_WRITABLE);
	put16(w1c + VFU_PCIE_CAP + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_W1C);
	put32(cap + PCI_EXP_LNKCAP, PCI_EXP_LNKCAP_VALUE);
	put16(cw + PCI_EXP_LNKCTL, PCI_EXP_LNKCTL_WRITABLE);
	put16(cap + PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_VALUE);
	put16(cw + PCI_EXP_DEVCTL2, PCI_EXP_DEVCTL2_WRITABLE);

	/* Extended header: ID, version 2, no next capability. */
	put32(aer, PCI_EXT_CAP_ID_ERR | 2u << 16);
	put32(w1c + VFU_AER_CAP + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNCOR_BITS);
	put32(aw + PCI_ERR_UNCOR_MASK, PCI_ERR_UNCOR_BITS);
	put32(aer + PCI_ERR_UNCOR_SEVER, PCI_ERR_UNCOR_SEVER_DEFAULT);
	put32(aw + PCI_ERR_UNCOR_SEVER, PCI_ERR_UNCOR_BITS);
	put32(w1c + VFU_AER_CAP + PCI_ERR_COR_STATUS, PCI_ERR_COR_BITS);
	put32(aer + PCI_ERR_COR_MASK, PCI_ERR_COR_MASK_DEFAULT);
	put32(aw + PCI_ERR_COR_MASK, PCI_ERR_COR_BITS);
}

static void cfg_init(struct vfu_server *srv)
{
	const struct vfu_pci_info *pci = &srv->pci;
	u8 *c = srv->cfg, *w = srv->cfg_wmask;
	int i;

	memset(c, 0, VFU_CFG_SIZE);
	memset(w, 0, VFU_CFG_SIZE);
	memset(srv->cfg_w1c, 0, VFU_CFG_SIZE);
	put16(c + PCI_CFG_VENDOR, pci->vendor_id);
	put16(c + PCI_CFG_DEVICE, pci->device_id);
	put16(w + PCI_CFG_COMMAND, PCI_CMD_WRITABLE);
	put16(srv->cfg_w1c + PCI_CFG_STATUS, PCI_STATUS_W1C);
	c[PCI_CFG_REVISION] = pci->revision;
	c[PCI_CFG_CLASS] = (u8)pci->class_code;
	c[PCI_CFG_CLASS + 1] = (u8)(pci->class_code >> 8);
	c[PCI_CFG_CLASS + 2] = (u8)(pci->class_code >> 16);
	w[PCI_CFG_CACHE_LINE] = 0xff;
	w[PCI_CFG_LATENCY] = 0xff;
	for (i = 0; i < VFU_MAX_BARS; i++) {
		/* Memory, 32-bit, non-prefetchable: type bits 0; read-only. */
		if (pci->bar_size[i])
			put32(w + PCI_CFG_BAR0 + 4 * i,
			      (u32)~(pci->bar_size[i] - 1) & ~0xfu);
	}
	put16(c + PCI_CFG_SUBSYS_VENDOR, pci->subsys_vendor_id);
	put16(c + PCI_CFG_SUBSYS, pci->subsys_id);
	/* ROM BAR 0 and read-only: no expansion ROM. */
	w[PCI_CFG_INT_LINE] = 0xff;
	c[PCI_CFG_INT_PIN] = 1;
	if (pci->msi) {
		u8 *cap = c + VFU_MSI_CAP, *cw = w + VFU_MSI_CAP;

		put16(c + PCI_CFG_STATUS, PCI_STATUS_CAP_LIST);
		c[PCI_CFG_CAP_PTR] = VFU_MSI_CAP;
		cap[0] = PCI_CAP_ID_MSI;
		cap[1] = 0;
		put16(cap + 2, PCI_MSI_CTRL_64BIT);
		put16(cw + 2, PCI_MSI_CTRL_ENABLE | PCI_MSI_CTRL_MME);
		put32(cw + 4, 0xfffffffc);
		put32(cw + 8, 0xffffffff);
		put16(cw + 12, 0xffff);
	}
	if (pci->pcie)
		cfg_init_pcie(srv);
}

static void cfg_write(struct vfu_server *srv, unsigned int off,
		      const u8 *data, unsigned int count)
{
	unsigned int i;

	pthread_mutex_lock(&srv->irq_lock);
	for (i = 0; i < count; i++) {
		unsigned int o = off + i;
		u8 v = data[i], nv;

		nv = (srv->cfg[o] & ~srv->cfg_wmask[o]) | (v & srv->cfg_wmask[o]);
		nv &= ~(v & srv->cfg_w1c[o]);
		srv->cfg[o] = nv;
	}
	atomic_store(&srv->bus_master,
		     !!(cfg_get16(srv, PCI_CFG_COMMAND) & PCI_CMD_MASTER));
	/* COMMAND.INTX_DISABLE may have changed. */
	intx_eval_locked(srv);
	pthread_mutex_unlock(&srv->irq_lock);
}

/* ------------------------------------------------------------------ */
/* Sending                                                             */
/* ------------------------------------------------------------------ */

int vfu_send(struct vfu_server *srv, const struct vfu_hdr *hdr,
	     const void *a, size_t alen, const void *b, size_t blen)
{
	struct iovec iov[3] = {
		{ .iov_base = (void *)hdr, .iov_len = sizeof(*hdr) },
		{ .iov_base = (void *)a, .iov_len = alen },
		{ .iov_base = (void *)b, .iov_len = blen },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
	int rc = 0;

	pthread_mutex_lock(&srv->send_lock);
	if (srv->conn_fd < 0) {
		pthread_mutex_unlock(&srv->send_lock);
		return -ENOTCONN;
	}
	while (mh.msg_iovlen) {
		ssize_t n = sendmsg(srv->conn_fd, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		while (mh.msg_iovlen && (size_t)n >= mh.msg_iov->iov_len) {
			n -= mh.msg_iov->iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen) {
			mh.msg_iov->iov_base = (u8 *)mh.msg_iov->iov_base + n;
			mh.msg_iov->iov_len -= n;
		}
	}
	pthread_mutex_unlock(&srv->send_lock);
	return rc;
}

static int send_reply(struct vfu_server *srv, const struct vfu_hdr *req,
		      const void *a, size_t alen, const void *b, size_t blen)
{
	struct vfu_hdr h = {
		.id = req->id,
		.cmd = req->cmd,
		.size = (u32)(sizeof(h) + alen + blen),
		.flags = VFU_HDR_TYPE_REPLY,
	};

	if (req->flags & VFU_HDR_NO_REPLY)
		return 0;
	return vfu_send(srv, &h, a, alen, b, blen);
}

static int send_error(struct vfu_server *srv, const struct vfu_hdr *req,
		      int err)
{
	struct vfu_hdr h = {
		.id = req->id,
		.cmd = req->cmd,
		.size = sizeof(h),
		.flags = VFU_HDR_TYPE_REPLY | VFU_HDR_ERROR,
		.error = (u32)err,
	};

	atomic_fetch_add(&srv->st_errors, 1);
	vfu_dbg(srv, "command %u id %u: error %s", req->cmd, req->id,
		strerror(err));
	if (req->flags & VFU_HDR_NO_REPLY) {
		vfu_log(srv, "posted command %u failed: %s", req->cmd,
			strerror(err));
		return 0;
	}
	return vfu_send(srv, &h, NULL, 0, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

/* A number after "key": in the client's JSON, or @def. */
static u64 json_number(const char *json, const char *key, u64 def)
{
	const char *p = strstr(json, key);
	char *end;
	unsigned long long v;

	if (!p)
		return def;
	p += strlen(key);
	while (*p == ' ' || *p == '"' || *p == ':')
		p++;
	v = strtoull(p, &end, 0);
	return end == p ? def : v;
}

static int cmd_version(struct vfu_server *srv, const struct vfu_hdr *h,
		       const u8 *body, size_t len)
{
	struct vfu_version v;
	char json[192];
	int n;

	if (len < sizeof(v))
		return -EINVAL;
	memcpy(&v, body, sizeof(v));
	if (v.major != 0)
		return -ENOTSUP;
	srv->client_max_xfer = VFU_MAX_XFER;
	if (len > sizeof(v)) {
		const char *cj = (const char *)body + sizeof(v);

		if (!memchr(cj, 0, len - sizeof(v)))
			return -EINVAL;
		srv->client_max_xfer = json_number(cj, "\"max_data_xfer_size\"",
						   VFU_MAX_XFER);
		if (!srv->client_max_xfer || srv->client_max_xfer > VFU_MAX_XFER)
			srv->client_max_xfer = VFU_MAX_XFER;
	}
	n = snprintf(json, sizeof(json),
		     "{\"capabilities\":{\"max_msg_fds\":%d,\"max_data_xfer_size\":%d,\"pgsizes\":4096,\"max_dma_maps\":%d}}",
		     VFU_MAX_FDS, VFU_MAX_XFER, VFU_MAX_MAPS);
	v.major = 0;
	v.minor = 0;
	vfu_dbg(srv, "VERSION: client %.*s; max transfer %llu", (int)(len - 4),
		(const char *)body + 4,
		(unsigned long long)srv->client_max_xfer);
	return send_reply(srv, h, &v, sizeof(v), json, (size_t)n + 1);
}

static int cmd_get_info(struct vfu_server *srv, const struct vfu_hdr *h,
			const u8 *body, size_t len)
{
	struct vfu_device_info info;

	if (len < sizeof(info))
		return -EINVAL;
	memcpy(&info, body, sizeof(info));
	if (info.argsz < sizeof(info))
		return -EINVAL;
	info.argsz = sizeof(info);
	info.flags = VFU_DEV_FLAG_RESET | VFU_DEV_FLAG_PCI;
	info.num_regions = VFU_NUM_REGIONS;
	info.num_irqs = VFU_NUM_IRQS;
	return send_reply(srv, h, &info, sizeof(info), NULL, 0);
}

static u64 region_size(struct vfu_server *srv, u32 index)
{
	if (index < VFU_MAX_BARS)
		return srv->pci.bar_size[index];
	if (index == VFU_REGION_CONFIG)
		return srv->pci.pcie ? VFU_CFG_SIZE : VFU_CFG_SIZE_PCI;
	return 0;
}

static int cmd_region_info(struct vfu_server *srv, const struct vfu_hdr *h,
			   const u8 *body, size_t len)
{
	struct vfu_region_info ri;

	if (len < sizeof(ri))
		return -EINVAL;
	memcpy(&ri, body, sizeof(ri));
	if (ri.argsz < sizeof(ri) || ri.index >= VFU_NUM_REGIONS)
		return -EINVAL;
	ri.argsz = sizeof(ri);
	ri.cap_offset = 0;
	ri.size = region_size(srv, ri.index);
	ri.flags = ri.size ? VFU_REGION_FLAG_READ | VFU_REGION_FLAG_WRITE : 0;
	ri.offset = (u64)ri.index << 40;
	return send_reply(srv, h, &ri, sizeof(ri), NULL, 0);
}

static int cmd_irq_info(struct vfu_server *srv, const struct vfu_hdr *h,
			const u8 *body, size_t len)
{
	struct vfu_irq_info ii;

	if (len < sizeof(ii))
		return -EINVAL;
	memcpy(&ii, body, sizeof(ii));
	if (ii.argsz < sizeof(ii))
		return -EINVAL;
	switch (ii.index) {
	case VFU_IRQ_INTX:
		ii.flags = VFU_IRQ_INFO_EVENTFD | VFU_IRQ_INFO_MASKABLE |
			   VFU_IRQ_INFO_AUTOMASKED;
		ii.count = 1;
		break;
	case VFU_IRQ_MSI:
		ii.flags = VFU_IRQ_INFO_EVENTFD | VFU_IRQ_INFO_NORESIZE;
		ii.count = srv->pci.msi ? 1 : 0;
		break;
	case VFU_IRQ_MSIX:
		ii.flags = VFU_IRQ_INFO_EVENTFD | VFU_IRQ_INFO_NORESIZE;
		ii.count = 0;
		break;
	default:
		/* ERR and REQ: EINVAL keeps QEMU quiet. */
		return -EINVAL;
	}
	ii.argsz = sizeof(ii);
	return send_reply(srv, h, &ii, sizeof(ii), NULL, 0);
}

/*
 * Assign (or with fd < 0, unassign) the eventfd of the one vector of
 * @index (INTx and MSI have a single vector each here).
 */
static void irq_assign_locked(struct vfu_server *srv, u32 index, int fd)
{
	if (index == VFU_IRQ_INTX) {
		close_fds(&srv->intx_fd, 1);
		srv->intx_fd = fd;
		srv->intx_masked = false;
		intx_eval_locked(srv);
	} else {
		bool was = srv->msi_fd >= 0;

		close_fds(&srv->msi_fd, 1);
		srv->msi_fd = fd;
		/* MSI enabled while the condition is high: one message. */
		if (fd >= 0 && !was && srv->level) {
			signal_fd(fd);
			atomic_fetch_add(&srv->st_msi, 1);
		}
		intx_eval_locked(srv);
	}
}

static void irq_action_locked(struct vfu_server *srv, u32 index,
			      u32 action)
{
	int fd = index == VFU_IRQ_INTX ? srv->intx_fd : srv->msi_fd;

	switch (action) {
	case VFU_IRQ_ACTION_MASK:
		if (index == VFU_IRQ_INTX)
			srv->intx_masked = true;
		break;
	case VFU_IRQ_ACTION_UNMASK:
		if (index == VFU_IRQ_INTX) {
			srv->intx_masked = false;
			intx_eval_locked(srv);
		}
		break;
	case VFU_IRQ_ACTION_TRIGGER:
		/* The client asks for an interrupt. */
		if (fd >= 0)
			signal_fd(fd);
		break;
	}
}

static int cmd_set_irqs(struct vfu_server *srv, const struct vfu_hdr *h,
			const u8 *body, size_t len, int *fds, int nfds)
{
	struct vfu_irq_set is;
	u32 data, action, max;
	u32 i;

	if (len < sizeof(is))
		return -EINVAL;
	memcpy(&is, body, sizeof(is));
	data = is.flags & VFU_IRQ_DATA_MASK;
	action = is.flags & VFU_IRQ_ACTION_ALL;
	if (is.argsz < sizeof(is) ||
	    (is.flags & ~(u32)(VFU_IRQ_DATA_MASK | VFU_IRQ_ACTION_ALL)) ||
	    (data != VFU_IRQ_DATA_NONE && data != VFU_IRQ_DATA_BOOL &&
	     data != VFU_IRQ_DATA_EVENTFD) ||
	    (action != VFU_IRQ_ACTION_MASK && action != VFU_IRQ_ACTION_UNMASK &&
	     action != VFU_IRQ_ACTION_TRIGGER))
		return -EINVAL;
	switch (is.index) {
	case VFU_IRQ_INTX:
		max = 1;
		break;
	case VFU_IRQ_MSI:
		max = srv->pci.msi ? 1 : 0;
		break;
	case VFU_IRQ_MSIX:
		max = 0;
		break;
	default:
		return -EINVAL;
	}
	if (data != VFU_IRQ_DATA_EVENTFD && nfds)
		return -EINVAL;

	/* NONE|TRIGGER with count 0: disable the whole index. */
	if (data == VFU_IRQ_DATA_NONE && action == VFU_IRQ_ACTION_TRIGGER &&
	    !is.count) {
		pthread_mutex_lock(&srv->irq_lock);
		if (is.index == VFU_IRQ_INTX) {
			close_fds(&srv->intx_unmask_fd, 1);
			irq_assign_locked(srv, VFU_IRQ_INTX, -1);
		} else if (is.index == VFU_IRQ_MSI) {
			irq_assign_locked(srv, VFU_IRQ_MSI, -1);
		}
		pthread_mutex_unlock(&srv->irq_lock);
		vfu_dbg(srv, "SET_IRQS index %u disabled", is.index);
		return send_reply(srv, h, NULL, 0, NULL, 0);
	}
	if ((u64)is.start + is.count > max || !is.count)
		return -EINVAL;
	if ((u32)nfds > is.count)
		return -EINVAL;
	if (data == VFU_IRQ_DATA_BOOL && len < sizeof(is) + is.count)
		return -EINVAL;

	pthread_mutex_lock(&srv->irq_lock);
	if (data == VFU_IRQ_DATA_EVENTFD) {
		if (action == VFU_IRQ_ACTION_TRIGGER) {
			/* Vectors beyond the fds received are unassigned. */
			for (i = 0; i < is.count; i++) {
				int fd = (int)i < nfds ? fds[i] : -1;

				if ((int)i < nfds)
					fds[i] = -1;
				irq_assign_locked(srv, is.index, fd);
			}
		} else if (action == VFU_IRQ_ACTION_UNMASK &&
			   is.index == VFU_IRQ_INTX) {
			/* Resample fd: a signal on it means "unmask". */
			close_fds(&srv->intx_unmask_fd, 1);
			if (nfds) {
				srv->intx_unmask_fd = fds[0];
				fds[0] = -1;
				fcntl(srv->intx_unmask_fd, F_SETFL,
				      fcntl(srv->intx_unmask_fd, F_GETFL) |
				      O_NONBLOCK);
			}
		} else {
			pthread_mutex_unlock(&srv->irq_lock);
			return -EINVAL;
		}
	} else {
		for (i = 0; i < is.count; i++) {
			if (data == VFU_IRQ_DATA_BOOL && !body[sizeof(is) + i])
				continue;
			irq_action_locked(srv, is.index, action);
		}
	}
	pthread_mutex_unlock(&srv->irq_lock);
	vfu_dbg(srv, "SET_IRQS index %u flags 0x%x start %u count %u fds %d",
		is.index, is.flags, is.start, is.count, nfds);
	return send_reply(srv, h, NULL, 0, NULL, 0);
}

/* Validate a region access: 0 or -EINVAL. */
static int region_check(struct vfu_server *srv, const struct vfu_region_access *ra)
{
	u64 size = region_size(srv, ra->region);

	if (!size || !ra->count || ra->offset >= size ||
	    ra->count > size - ra->offset)
		return -EINVAL;
	if (ra->region == VFU_REGION_CONFIG)
		return 0;
	if (ra->count != 1 && ra->count != 2 && ra->count != 4 &&
	    ra->count != 8)
		return -EINVAL;
	return 0;
}

static int cmd_region_read(struct vfu_server *srv, const struct vfu_hdr *h,
			   const u8 *body, size_t len)
{
	struct vfu_region_access ra;
	u8 data[VFU_CFG_SIZE];
	unsigned int i;
	int rc;

	if (len < sizeof(ra))
		return -EINVAL;
	memcpy(&ra, body, sizeof(ra));
	rc = region_check(srv, &ra);
	if (rc)
		return rc;
	if (ra.region == VFU_REGION_CONFIG) {
		pthread_mutex_lock(&srv->irq_lock);
		memcpy(data, &srv->cfg[ra.offset], ra.count);
		pthread_mutex_unlock(&srv->irq_lock);
	} else {
		u64 v = srv->ops.bar_read(srv->ctx, (int)ra.region,
					       ra.offset, ra.count);

		for (i = 0; i < ra.count; i++)
			data[i] = (u8)(v >> (8 * i));
	}
	return send_reply(srv, h, &ra, sizeof(ra), data, ra.count);
}

static int cmd_region_write(struct vfu_server *srv, const struct vfu_hdr *h,
			    const u8 *body, size_t len)
{
	struct vfu_region_access ra;
	const u8 *data = body + sizeof(ra);
	u64 v = 0;
	unsigned int i;
	int rc;

	if (len < sizeof(ra))
		return -EINVAL;
	memcpy(&ra, body, sizeof(ra));
	if (len - sizeof(ra) != ra.count)
		return -EINVAL;
	rc = region_check(srv, &ra);
	if (rc)
		return rc;
	if (ra.region == VFU_REGION_CONFIG) {
		cfg_write(srv, (unsigned int)ra.offset, data, ra.count);
	} else {
		for (i = 0; i < ra.count; i++)
			v |= (u64)data[i] << (8 * i);
		srv->ops.bar_write(srv->ctx, (int)ra.region, ra.offset, v,
				   ra.count);
	}
	return send_reply(srv, h, &ra, sizeof(ra), NULL, 0);
}

static int cmd_reset(struct vfu_server *srv, const struct vfu_hdr *h)
{
	u16 ctrl;

	pthread_mutex_lock(&srv->irq_lock);
	put16(&srv->cfg[PCI_CFG_COMMAND], 0);
	if (srv->pci.msi) {
		ctrl = cfg_get16(srv, VFU_MSI_CAP + 2);
		put16(&srv->cfg[VFU_MSI_CAP + 2], ctrl & ~PCI_MSI_CTRL_ENABLE);
	}
	if (srv->pci.pcie) {
		/* Controls go back to their defaults; AER's sticky bits stay. */
		put16(&srv->cfg[VFU_PCIE_CAP + PCI_EXP_DEVCTL], 0);
		put16(&srv->cfg[VFU_PCIE_CAP + PCI_EXP_LNKCTL], 0);
		put16(&srv->cfg[VFU_PCIE_CAP + PCI_EXP_DEVCTL2], 0);
	}
	atomic_store(&srv->bus_master, false);
	srv->level = false;
	srv->intx_masked = false;
	intx_eval_locked(srv);
	pthread_mutex_unlock(&srv->irq_lock);
	vfu_dbg(srv, "DEVICE_RESET");
	if (srv->ops.reset)
		srv->ops.reset(srv->ctx);
	return send_reply(srv, h, NULL, 0, NULL, 0);
}

static int dispatch(struct vfu_server *srv, const struct vfu_hdr *h,
		    const u8 *body, size_t len, int *fds, int nfds)
{
	int rc;

	switch (h->cmd) {
	case VFU_CMD_VERSION:
		return cmd_version(srv, h, body, len);
	case VFU_CMD_DMA_MAP:
		rc = vfu_dma_map(srv, body, len, fds, nfds);
		return rc ? rc : send_reply(srv, h, NULL, 0, NULL, 0);
	case VFU_CMD_DMA_UNMAP:
		/* Replied only when no device copy uses the region any more. */
		rc = vfu_dma_unmap(srv, body, len);
		return rc ? rc : send_reply(srv, h, body,
					    sizeof(struct vfu_dma_unmap),
					    NULL, 0);
	case VFU_CMD_DEVICE_GET_INFO:
		return cmd_get_info(srv, h, body, len);
	case VFU_CMD_DEVICE_GET_REGION_INFO:
		return cmd_region_info(srv, h, body, len);
	case VFU_CMD_DEVICE_GET_IRQ_INFO:
		return cmd_irq_info(srv, h, body, len);
	case VFU_CMD_DEVICE_SET_IRQS:
		return cmd_set_irqs(srv, h, body, len, fds, nfds);
	case VFU_CMD_REGION_READ:
		return cmd_region_read(srv, h, body, len);
	case VFU_CMD_REGION_WRITE:
		return cmd_region_write(srv, h, body, len);
	case VFU_CMD_DEVICE_RESET:
		return cmd_reset(srv, h);
	default:
		return -VFU_ERR_NOCMD;
	}
}

/* ------------------------------------------------------------------ */
/* Receiving                                                           */
/* ------------------------------------------------------------------ */

static int read_full(int fd, void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Receive and handle one message.  Returns 0 when a message was handled,
 * 1 at end of file, a negative errno when the connection is unusable.
 */
int vfu_serve_one(struct vfu_server *srv)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VFU_MAX_FDS)];
	} cbuf;
	struct vfu_hdr h;
	struct iovec iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	int fds[VFU_MAX_FDS], nfds = 0, rc;
	struct cmsghdr *cm;
	u8 *body = NULL;
	size_t len;
	ssize_t n;

	do {
		n = recvmsg(srv->conn_fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		int k, cnt;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (k = 0; k < cnt; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(fd));
			if (nfds < VFU_MAX_FDS)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		vfu_log(srv, "message with too many file descriptors");
		rc = -EPROTO;
		goto out;
	}
	if ((size_t)n < sizeof(h)) {
		rc = read_full(srv->conn_fd, (u8 *)&h + n, sizeof(h) - n);
		if (rc)
			goto out;
	}
	if (h.size < sizeof(h)) {
		vfu_log(srv, "message size %u below the header size", h.size);
		rc = -EPROTO;
		goto out;
	}
	len = h.size - sizeof(h);
	if (h.size > VFU_MAX_MSG) {
		/* Skip the body, then refuse the command. */
		u8 skip[4096];

		while (len) {
			size_t k = len < sizeof(skip) ? len : sizeof(skip);

			rc = read_full(srv->conn_fd, skip, k);
			if (rc)
				goto out;
			len -= k;
		}
		vfu_log(srv, "command %u: message of %u bytes is too large",
			h.cmd, h.size);
		rc = send_error(srv, &h, E2BIG);
		goto out;
	}
	body = malloc(len ? len : 1);
	if (!body) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_full(srv->conn_fd, body, len);
	if (rc)
		goto out;

	if ((h.flags & VFU_HDR_TYPE_MASK) == VFU_HDR_TYPE_REPLY) {
		vfu_dma_reply(srv, &h, body, len);
		goto out;
	}
	if ((h.flags & VFU_HDR_TYPE_MASK) != VFU_HDR_TYPE_COMMAND) {
		rc = send_error(srv, &h, EINVAL);
		goto out;
	}
	atomic_fetch_add(&srv->st_msgs[h.cmd < 16 ? h.cmd : 0], 1);
	if (srv->debug && h.cmd != VFU_CMD_REGION_READ &&
	    h.cmd != VFU_CMD_REGION_WRITE)
		vfu_log(srv, "command %u id %u size %u flags 0x%x fds %d",
			h.cmd, h.id, h.size, h.flags, nfds);
	rc = dispatch(srv, &h, body, len, fds, nfds);
	if (rc < 0)
		rc = send_error(srv, &h, -rc);
out:
	close_fds(fds, nfds);
	free(body);
	return rc > 0 ? 0 : rc;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

struct vfu_server *vfu_create(const char *socket_path,
			      const struct vfu_pci_info *pci,
			      const struct vfu_device_ops *ops, void *ctx,
			      int *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vfu_server *srv;
	const char *env;
	struct stat st;
	int rc, i;

	if (!socket_path || !pci || !ops || !ops->bar_read || !ops->bar_write ||
	    pci->class_code > 0xffffff) {
		rc = -EINVAL;
		goto fail;
	}
	for (i = 0; i < VFU_MAX_BARS; i++) {
		u64 s = pci->bar_size[i];

		if (s && (s < 16 || s > (1u << 30) || (s & (s - 1)))) {
			rc = -EINVAL;
			goto fail;
		}
	}
	if (strlen(socket_path) >= sizeof(sa.sun_path)) {
		rc = -ENAMETOOLONG;
		goto fail;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		rc = -ENOMEM;
		goto fail;
	}
	strcpy(srv->path, socket_path);
	srv->pci = *pci;
	srv->ops = *ops;
	srv->ctx = ctx;
	env = getenv("VFU_DEBUG");
	srv->debug = env && *env && strcmp(env, "0");
	srv->conn_fd = -1;
	srv->intx_fd = -1;
	srv->intx_unmask_fd = -1;
	srv->msi_fd = -1;
	srv->client_max_xfer = VFU_MAX_XFER;
	pthread_mutex_init(&srv->send_lock, NULL);
	pthread_mutex_init(&srv->irq_lock, NULL);
	pthread_mutex_init(&srv->pend_lock, NULL);
	pthread_cond_init(&srv->pend_cond, NULL);
	cfg_init(srv);

	rc = vfu_dma_init(srv);
	if (rc)
		goto free_srv;
	if (pipe2(srv->stop_pipe, O_CLOEXEC | O_NONBLOCK)) {
		rc = -errno;
		goto free_dma;
	}
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0) {
		rc = -errno;
		goto close_pipe;
	}
	/* Replace a stale socket, never anything else. */
	if (!lstat(socket_path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			rc = -EEXIST;
			goto close_sock;
		}
		unlink(socket_path);
	}
	strcpy(sa.sun_path, socket_path);
	if (bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(srv->listen_fd, 1)) {
		rc = -errno;
		goto close_sock;
	}
	return srv;

close_sock:
	close(srv->listen_fd);
close_pipe:
	close(srv->stop_pipe[0]);
	close(srv->stop_pipe[1]);
free_dma:
	vfu_dma_fini(srv);
free_srv:
	free(srv);
fail:
	if (err)
		*err = rc;
	return NULL;
}

static void disconnect(struct vfu_server *srv)
{
	atomic_store(&srv->in_loop, false);
	vfu_dma_disconnect(srv);
	pthread_mutex_lock(&srv->send_lock);
	close(srv->conn_fd);
	srv->conn_fd = -1;
	pthread_mutex_unlock(&srv->send_lock);
	vfu_dma_unmap_all(srv);
	pthread_mutex_lock(&srv->irq_lock);
	irq_close_all_locked(srv);
	pthread_mutex_unlock(&srv->irq_lock);
	if (srv->ops.client_gone)
		srv->ops.client_gone(srv->ctx);
}

int vfu_run(struct vfu_server *srv)
{
	struct pollfd pf[3];
	int fd, rc = 0;

	pf[0] = (struct pollfd){ .fd = srv->listen_fd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = srv->stop_pipe[0], .events = POLLIN };
	for (;;) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pf[1].revents)
			return -ECANCELED;
		fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno != EINTR && errno != ECONNABORTED)
			return -errno;
	}
	vfu_dbg(srv, "client connected");

	pthread_mutex_lock(&srv->send_lock);
	srv->conn_fd = fd;
	pthread_mutex_unlock(&srv->send_lock);
	pthread_mutex_lock(&srv->pend_lock);
	srv->connected = true;
	pthread_mutex_unlock(&srv->pend_lock);
	srv->conn_broken = false;
	srv->loop_thread = pthread_self();
	atomic_store(&srv->in_loop, true);

	for (;;) {
		int unmask_fd;

		pthread_mutex_lock(&srv->irq_lock);
		unmask_fd = srv->intx_unmask_fd;
		pthread_mutex_unlock(&srv->irq_lock);
		pf[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = srv->stop_pipe[0], .events = POLLIN };
		pf[2] = (struct pollfd){ .fd = unmask_fd, .events = POLLIN };
		if (poll(pf, unmask_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (pf[1].revents) {
			rc = -ECANCELED;
			break;
		}
		if (unmask_fd >= 0 && pf[2].revents) {
			u64 cnt;

			if (read(unmask_fd, &cnt, sizeof(cnt)) == sizeof(cnt))
				intx_unmask(srv);
		}
		if (!pf[0].revents)
			continue;
		rc = vfu_serve_one(srv);
		if (rc == 1 || srv->conn_broken) {
			rc = 0;
			break;
		}
		if (rc < 0) {
			vfu_log(srv, "dropping the client: %s", strerror(-rc));
			break;
		}
	}
	vfu_dbg(srv, "client disconnected");
	disconnect(srv);
	return rc;
}

void vfu_stop(struct vfu_server *srv)
{
	char c = 1;

	if (write(srv->stop_pipe[1], &c, 1) < 0)
		return;
}

void vfu_destroy(struct vfu_server *srv)
{
	if (!srv)
		return;
	close(srv->listen_fd);
	unlink(srv->path);
	close(srv->stop_pipe[0]);
	close(srv->stop_pipe[1]);
	pthread_mutex_lock(&srv->irq_lock);
	irq_close_all_locked(srv);
	pthread_mutex_unlock(&srv->irq_lock);
	vfu_dma_fini(srv);
	pthread_cond_destroy(&srv->pend_cond);
	pthread_mutex_destroy(&srv->pend_lock);
	pthread_mutex_destroy(&srv->irq_lock);
	pthread_mutex_destroy(&srv->send_lock);
	free(srv);
}

void vfu_get_stats(struct vfu_server *srv, struct vfu_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < 16; i++)
		st->msgs[i] = atomic_load(&srv->st_msgs[i]);
	st->errors = atomic_load(&srv->st_errors);
	st->intx_signals = atomic_load(&srv->st_intx);
	st->msi_signals = atomic_load(&srv->st_msi);
	st->dma_mmap_bytes = atomic_load(&srv->st_dma_mmap);
	st->dma_msg_bytes = atomic_load(&srv->st_dma_msg);
	st->dma_faults = atomic_load(&srv->st_dma_faults);
	pthread_rwlock_rdlock(&srv->map_lock);
	st->maps = srv->nmaps;
	pthread_rwlock_unlock(&srv->map_lock);
}

void vfu_set_debug(struct vfu_server *srv, int level)
{
	srv->debug = level;
}
