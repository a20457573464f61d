/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * vfu internals shared by the library's source files.
 *
 * Locks (never two of them nested except as noted):
 *  - send_lock: writes to the socket (replies and the server's own DMA
 *    requests come from different threads);
 *  - irq_lock: config space and interrupt state;
 *  - map_lock (rwlock, writer-preferring): the DMA map table; readers hold
 *    it only while copying through a mapping, never while waiting for the
 *    client, so DMA_UNMAP (a writer) always makes progress;
 *  - pend_lock: the server's outstanding DMA_READ/DMA_WRITE requests.
 */
#ifndef VFU_PRIV_H
#define VFU_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "vfu.h"
#include "vfu_proto.h"

/* Most fds one message may carry (advertised as max_msg_fds). */
#define VFU_MAX_FDS		16
/* Most DMA regions (advertised as max_dma_maps). */
#define VFU_MAX_MAPS		1024
/* Largest message accepted: a full-size transfer plus its headers. */
#define VFU_MAX_MSG		(VFU_MAX_XFER + 64)
/* Nesting limit for serving requests while the server thread waits. */
#define VFU_MAX_NEST		8

struct vfu_map {
	u64 iova;
	u64 size;
	u32 prot;		/* VFU_DMA_READ | VFU_DMA_WRITE */
	u8 *ptr;		/* NULL: no fd, use DMA messages */
	void *mmap_base;
	size_t mmap_len;
};

struct vfu_pending {
	struct vfu_pending *next;
	u16 id;
	bool is_read;
	bool done;
	int err;
	void *buf;
	u64 len;
};

struct vfu_server {
	char path[108];
	struct vfu_pci_info pci;
	struct vfu_device_ops ops;
	void *ctx;
	int debug;

	int listen_fd;
	int conn_fd;
	int stop_pipe[2];
	pthread_t loop_thread;
	atomic_bool in_loop;
	bool conn_broken;
	int nest;
	u64 client_max_xfer;

	pthread_mutex_t send_lock;

	pthread_mutex_t irq_lock;
	u8 cfg[VFU_CFG_SIZE];
	u8 cfg_wmask[VFU_CFG_SIZE];
	u8 cfg_w1c[VFU_CFG_SIZE];
	bool level;
	bool intx_masked;
	int intx_fd;
	int intx_unmask_fd;
	int msi_fd;
	atomic_bool bus_master;

	pthread_rwlock_t map_lock;
	struct vfu_map *maps;
	unsigned int nmaps;

	pthread_mutex_t pend_lock;
	pthread_cond_t pend_cond;
	struct vfu_pending *pending;
	u16 next_id;
	bool connected;

	atomic_uint_least64_t st_msgs[16];
	atomic_uint_least64_t st_errors;
	atomic_uint_least64_t st_intx;
	atomic_uint_least64_t st_msi;
	atomic_uint_least64_t st_dma_mmap;
	atomic_uint_least64_t st_dma_msg;
	atomic_uint_least64_t st_dma_faults;
};

void vfu_log(struct vfu_server *srv, const char *fmt, ...);
#define vfu_dbg(srv, ...) \
	do { \
		struct vfu_server *srv_ = (srv); \
		if (srv_->debug) \
			vfu_log(srv_, __VA_ARGS__); \
	} while (0)

/* vfu.c */
int vfu_send(struct vfu_server *srv, const struct vfu_hdr *hdr,
	     const void *a, size_t alen, const void *b, size_t blen);
int vfu_serve_one(struct vfu_server *srv);

/* vfu_dma.c */
int vfu_dma_init(struct vfu_server *srv);
void vfu_dma_fini(struct vfu_server *srv);
int vfu_dma_map(struct vfu_server *srv, const void *body, size_t len,
		int *fds, int nfds);
int vfu_dma_unmap(struct vfu_server *srv, const void *body, size_t len);
void vfu_dma_unmap_all(struct vfu_server *srv);
void vfu_dma_reply(struct vfu_server *srv, const struct vfu_hdr *hdr,
		   const u8 *body, size_t len);
void vfu_dma_disconnect(struct vfu_server *srv);

#endif /* VFU_PRIV_H */
