// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * vfu: guest memory.  DMA_MAP/DMA_UNMAP keep a table of the regions the
 * client mapped; regions that came with a file descriptor are mmap'ed and
 * copied directly, the others go through DMA_READ/DMA_WRITE messages.
 *
 * The device's threads copy under the read side of map_lock, DMA_UNMAP
 * takes the write side: a region is never unmapped while a copy through it
 * is running, and the reply to DMA_UNMAP is sent only after munmap().
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfu_priv.h"

int vfu_dma_init(struct vfu_server *srv)
{
	pthread_rwlockattr_t attr;
	int rc;

	pthread_rwlockattr_init(&attr);
	/* DMA_UNMAP must not starve behind a stream of device copies. */
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(&srv->map_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (rc)
		return -rc;
	srv->maps = calloc(VFU_MAX_MAPS, sizeof(*srv->maps));
	if (!srv->maps) {
		pthread_rwlock_destroy(&srv->map_lock);
		return -ENOMEM;
	}
	return 0;
}

void vfu_dma_fini(struct vfu_server *srv)
{
	vfu_dma_unmap_all(srv);
	free(srv->maps);
	pthread_rwlock_destroy(&srv->map_lock);
}

static void map_release(struct vfu_map *m)
{
	if (m->mmap_base)
		munmap(m->mmap_base, m->mmap_len);
	memset(m, 0, sizeof(*m));
}

/* The map holding @addr, or NULL; map_lock held. */
static struct vfu_map *map_find(struct vfu_server *srv, u64 addr)
{
	unsigned int i;

	for (i = 0; i < srv->nmaps; i++) {
		struct vfu_map *m = &srv->maps[i];

		if (addr >= m->iova && addr - m->iova < m->size)
			return m;
	}
	return NULL;
}

int vfu_dma_map(struct vfu_server *srv, const void *body, size_t len,
		int *fds, int nfds)
{
	struct vfu_dma_map req;
	struct vfu_map m = { 0 };
	long pgsz = sysconf(_SC_PAGESIZE);
	unsigned int i;
	int prot = 0;

	if (len < sizeof(req) || nfds > 1)
		return -EINVAL;
	memcpy(&req, body, sizeof(req));
	if (req.argsz < sizeof(req) || !req.size ||
	    (req.flags & ~(u32)(VFU_DMA_READ | VFU_DMA_WRITE)) ||
	    req.iova + req.size < req.iova || req.size > SIZE_MAX / 2)
		return -EINVAL;
	m.iova = req.iova;
	m.size = req.size;
	m.prot = req.flags;
	if (nfds == 1) {
		u64 delta = req.offset % (u64)pgsz;

		if (req.offset + req.size < req.offset)
			return -EINVAL;
		if (req.flags & VFU_DMA_READ)
			prot |= PROT_READ;
		if (req.flags & VFU_DMA_WRITE)
			prot |= PROT_WRITE;
		m.mmap_len = req.size + delta;
		m.mmap_base = mmap(NULL, m.mmap_len, prot ? prot : PROT_NONE,
				   MAP_SHARED, fds[0], req.offset - delta);
		if (m.mmap_base == MAP_FAILED) {
			int err = -errno;

			vfu_log(srv, "DMA_MAP iova 0x%llx size 0x%llx: mmap: %s",
				(unsigned long long)req.iova,
				(unsigned long long)req.size, strerror(errno));
			return err;
		}
		m.ptr = (u8 *)m.mmap_base + delta;
		close(fds[0]);
		fds[0] = -1;
	}

	pthread_rwlock_wrlock(&srv->map_lock);
	for (i = 0; i < srv->nmaps; i++) {
		struct vfu_map *o = &srv->maps[i];

		if (m.iova < o->iova + o->size && o->iova < m.iova + m.size) {
			pthread_rwlock_unlock(&srv->map_lock);
			map_release(&m);
			return -EEXIST;
		}
	}
	if (srv->nmaps == VFU_MAX_MAPS) {
		pthread_rwlock_unlock(&srv->map_lock);
		map_release(&m);
		return -ENOSPC;
	}
	srv->maps[srv->nmaps++] = m;
	pthread_rwlock_unlock(&srv->map_lock);
	vfu_dbg(srv, "DMA_MAP iova 0x%llx size 0x%llx flags %u %s",
		(unsigned long long)m.iova, (unsigned long long)m.size,
		m.prot, m.ptr ? "mmap" : "no fd");
	return 0;
}

int vfu_dma_unmap(struct vfu_server *srv, const void *body, size_t len)
{
	struct vfu_dma_unmap req;
	unsigned int i;

	if (len < sizeof(req))
		return -EINVAL;
	memcpy(&req, body, sizeof(req));
	if (req.argsz < sizeof(req))
		return -EINVAL;
	if (req.flags & VFU_DMA_UNMAP_GET_DIRTY)
		return -ENOTSUP;
	if (req.flags & ~(u32)VFU_DMA_UNMAP_ALL)
		return -EINVAL;
	if (req.flags & VFU_DMA_UNMAP_ALL) {
		if (req.iova || req.size)
			return -EINVAL;
		vfu_dma_unmap_all(srv);
		return 0;
	}
	/* Waits for every copy in progress through this (or any) map. */
	pthread_rwlock_wrlock(&srv->map_lock);
	for (i = 0; i < srv->nmaps; i++) {
		struct vfu_map *m = &srv->maps[i];

		if (m->iova == req.iova && m->size == req.size) {
			map_release(m);
			srv->maps[i] = srv->maps[--srv->nmaps];
			memset(&srv->maps[srv->nmaps], 0, sizeof(*m));
			pthread_rwlock_unlock(&srv->map_lock);
			vfu_dbg(srv, "DMA_UNMAP iova 0x%llx size 0x%llx",
				(unsigned long long)req.iova,
				(unsigned long long)req.size);
			return 0;
		}
	}
	pthread_rwlock_unlock(&srv->map_lock);
	vfu_log(srv, "DMA_UNMAP iova 0x%llx size 0x%llx: no such mapping",
		(unsigned long long)req.iova, (unsigned long long)req.size);
	return -ENOENT;
}

void vfu_dma_unmap_all(struct vfu_server *srv)
{
	unsigned int i;

	pthread_rwlock_wrlock(&srv->map_lock);
	for (i = 0; i < srv->nmaps; i++)
		map_release(&srv->maps[i]);
	srv->nmaps = 0;
	pthread_rwlock_unlock(&srv->map_lock);
}

/* ------------------------------------------------------------------ */
/* DMA through messages                                                */
/* ------------------------------------------------------------------ */

/* The server thread routes the client's replies to the waiting requests. */
void vfu_dma_reply(struct vfu_server *srv, const struct vfu_hdr *hdr,
		   const u8 *body, size_t len)
{
	struct vfu_pending *p;
	struct vfu_dma_rw rw;

	pthread_mutex_lock(&srv->pend_lock);
	for (p = srv->pending; p; p = p->next)
		if (p->id == hdr->id && !p->done)
			break;
	if (!p) {
		pthread_mutex_unlock(&srv->pend_lock);
		vfu_log(srv, "reply id %u cmd %u matches no request", hdr->id,
			hdr->cmd);
		return;
	}
	if (hdr->flags & VFU_HDR_ERROR) {
		p->err = hdr->error ? -(int)hdr->error : -EIO;
	} else if ((hdr->cmd != VFU_CMD_DMA_READ && p->is_read) ||
		   (hdr->cmd != VFU_CMD_DMA_WRITE && !p->is_read)) {
		p->err = -EPROTO;
	} else if (p->is_read) {
		if (len < sizeof(rw)) {
			p->err = -EPROTO;
		} else {
			memcpy(&rw, body, sizeof(rw));
			if (rw.count != p->len || len - sizeof(rw) != p->len)
				p->err = -EPROTO;
			else
				memcpy(p->buf, body + sizeof(rw), p->len);
		}
	}
	p->done = true;
	pthread_cond_broadcast(&srv->pend_cond);
	pthread_mutex_unlock(&srv->pend_lock);
}

/* The client went away: fail every waiting request. */
void vfu_dma_disconnect(struct vfu_server *srv)
{
	struct vfu_pending *p;

	pthread_mutex_lock(&srv->pend_lock);
	srv->connected = false;
	for (p = srv->pending; p; p = p->next) {
		if (!p->done) {
			p->done = true;
			p->err = -ENOTCONN;
		}
	}
	pthread_cond_broadcast(&srv->pend_cond);
	pthread_mutex_unlock(&srv->pend_lock);
}

static bool on_server_thread(struct vfu_server *srv)
{
	return atomic_load(&srv->in_loop) &&
	       pthread_equal(pthread_self(), srv->loop_thread);
}

/* One DMA_READ or DMA_WRITE of at most the client's transfer size. */
static int dma_msg_one(struct vfu_server *srv, bool is_read, u64 addr,
		       void *buf, u64 len)
{
	struct vfu_pending p = { .is_read = is_read, .buf = buf, .len = len };
	struct vfu_pending **pp;
	struct vfu_hdr h = { 0 };
	struct vfu_dma_rw rw = { .addr = addr, .count = len };
	int rc;

	pthread_mutex_lock(&srv->pend_lock);
	if (!srv->connected) {
		pthread_mutex_unlock(&srv->pend_lock);
		return -ENOTCONN;
	}
	p.id = srv->next_id++;
	p.next = srv->pending;
	srv->pending = &p;
	pthread_mutex_unlock(&srv->pend_lock);

	h.id = p.id;
	h.cmd = is_read ? VFU_CMD_DMA_READ : VFU_CMD_DMA_WRITE;
	h.size = sizeof(h) + sizeof(rw) + (is_read ? 0 : len);
	h.flags = VFU_HDR_TYPE_COMMAND;
	rc = vfu_send(srv, &h, &rw, sizeof(rw), is_read ? NULL : buf,
		      is_read ? 0 : len);

	if (!rc && on_server_thread(srv)) {
		/*
		 * The device asked from a callback, in the server thread: keep
		 * serving the client (whose vCPU may be waiting for us) until
		 * our reply has been routed.
		 */
		if (srv->nest >= VFU_MAX_NEST) {
			rc = -EDEADLK;
		} else {
			srv->nest++;
			for (;;) {
				pthread_mutex_lock(&srv->pend_lock);
				if (p.done) {
					pthread_mutex_unlock(&srv->pend_lock);
					break;
				}
				pthread_mutex_unlock(&srv->pend_lock);
				rc = vfu_serve_one(srv);
				if (rc) {
					srv->conn_broken = true;
					rc = -ENOTCONN;
					break;
				}
			}
			srv->nest--;
		}
	} else if (!rc) {
		pthread_mutex_lock(&srv->pend_lock);
		while (!p.done)
			pthread_cond_wait(&srv->pend_cond, &srv->pend_lock);
		pthread_mutex_unlock(&srv->pend_lock);
	}

	pthread_mutex_lock(&srv->pend_lock);
	for (pp = &srv->pending; *pp; pp = &(*pp)->next) {
		if (*pp == &p) {
			*pp = p.next;
			break;
		}
	}
	if (!rc)
		rc = p.done ? p.err : -ENOTCONN;
	pthread_mutex_unlock(&srv->pend_lock);
	return rc < 0 ? rc : (rc ? -EIO : 0);
}

static int dma_msg(struct vfu_server *srv, bool is_read, u64 addr,
		   u8 *buf, u64 len)
{
	u64 chunk = srv->client_max_xfer;
	int rc;

	while (len) {
		u64 n = len < chunk ? len : chunk;

		rc = dma_msg_one(srv, is_read, addr, buf, n);
		if (rc)
			return rc;
		atomic_fetch_add(&srv->st_dma_msg, n);
		addr += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Check [addr, addr+len) against the map table: every byte mapped with the
 * right permission.  *all_mmap tells whether no byte needs a message.
 */
static int dma_check_locked(struct vfu_server *srv, u64 addr,
			    u64 len, u32 need, bool *all_mmap)
{
	*all_mmap = true;
	while (len) {
		struct vfu_map *m = map_find(srv, addr);
		u64 n;

		if (!m)
			return -EFAULT;
		if ((m->prot & need) != need)
			return -EACCES;
		if (!m->ptr)
			*all_mmap = false;
		n = m->iova + m->size - addr;
		if (n >= len)
			break;
		addr += n;
		len -= n;
	}
	return 0;
}

static int dma_access(struct vfu_server *srv, u64 addr, u8 *buf,
		      size_t len, bool is_read)
{
	u32 need = is_read ? VFU_DMA_READ : VFU_DMA_WRITE;
	bool all_mmap;
	int rc;

	if (!len)
		return 0;
	if (addr + len - 1 < addr) {
		rc = -EFAULT;
		goto fault;
	}
	if (!atomic_load(&srv->bus_master)) {
		rc = -EPERM;
		goto fault;
	}

	pthread_rwlock_rdlock(&srv->map_lock);
	rc = dma_check_locked(srv, addr, len, need, &all_mmap);
	if (rc) {
		pthread_rwlock_unlock(&srv->map_lock);
		goto fault;
	}
	if (all_mmap) {
		u64 a = addr;
		size_t rem = len;
		u8 *b = buf;

		while (rem) {
			struct vfu_map *m = map_find(srv, a);
			u64 n = m->iova + m->size - a;
			u8 *p = m->ptr + (a - m->iova);

			if (n > rem)
				n = rem;
			if (is_read)
				memcpy(b, p, n);
			else
				memcpy(p, b, n);
			a += n;
			b += n;
			rem -= n;
		}
		pthread_rwlock_unlock(&srv->map_lock);
		atomic_fetch_add(&srv->st_dma_mmap, len);
		return 0;
	}
	pthread_rwlock_unlock(&srv->map_lock);

	/*
	 * Some bytes need messages: go map by map, never holding map_lock
	 * while waiting for the client (the server thread may need the
	 * write side to serve a DMA_UNMAP meanwhile).
	 */
	while (len) {
		struct vfu_map *m;
		u64 n;

		pthread_rwlock_rdlock(&srv->map_lock);
		m = map_find(srv, addr);
		if (!m || (m->prot & need) != need) {
			pthread_rwlock_unlock(&srv->map_lock);
			rc = m ? -EACCES : -EFAULT;
			goto fault;
		}
		n = m->iova + m->size - addr;
		if (n > len)
			n = len;
		if (m->ptr) {
			u8 *p = m->ptr + (addr - m->iova);

			if (is_read)
				memcpy(buf, p, n);
			else
				memcpy(p, buf, n);
			pthread_rwlock_unlock(&srv->map_lock);
			atomic_fetch_add(&srv->st_dma_mmap, n);
		} else {
			pthread_rwlock_unlock(&srv->map_lock);
			rc = dma_msg(srv, is_read, addr, buf, n);
			if (rc)
				goto fault;
		}
		addr += n;
		buf += n;
		len -= n;
	}
	return 0;

fault:
	atomic_fetch_add(&srv->st_dma_faults, 1);
	vfu_dbg(srv, "DMA %s 0x%llx len %zu refused: %s",
		is_read ? "read" : "write", (unsigned long long)addr, len,
		strerror(-rc));
	return rc;
}

int vfu_dma_read(struct vfu_server *srv, u64 addr, void *buf, size_t len)
{
	return dma_access(srv, addr, buf, len, true);
}

int vfu_dma_write(struct vfu_server *srv, u64 addr, const void *buf,
		  size_t len)
{
	/* The buffer is only read on this path. */
	return dma_access(srv, addr, (u8 *)buf, len, false);
}
