/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * vfu: a small vfio-user server library (server side of the protocol),
 * written for QEMU's vfio-user-pci client.  One server presents one PCI
 * function on one Unix socket.  Nothing in it is specific to a device:
 * the device plugs in through struct vfu_device_ops and calls the DMA and
 * interrupt functions below from any thread.
 *
 * Threads: vfu_run() serves the client in the calling thread and calls
 * the device's callbacks from it.  vfu_dma_read(), vfu_dma_write() and
 * vfu_irq_set_level() may be called from any thread at any time,
 * including from inside a callback.  See README.md for the details.
 */
#ifndef VFU_H
#define VFU_H

#include <stdbool.h>
#include <stddef.h>

#include "vfu_types.h"

#define VFU_MAX_BARS		6

/*
 * Largest transfer in one message, in both directions: what the server
 * advertises as max_data_xfer_size.
 */
#define VFU_MAX_XFER		(1024 * 1024)

/**
 * struct vfu_pci_info - the PCI function the server presents
 * @vendor_id: vendor ID
 * @device_id: device ID
 * @subsys_vendor_id: subsystem vendor ID
 * @subsys_id: subsystem ID
 * @revision: revision ID
 * @class_code: 24-bit class code (base class << 16 | sub << 8 | prog-if)
 * @bar_size: size of each BAR in bytes; 0 = no BAR.  Every BAR is a
 *	32-bit non-prefetchable memory BAR whose size is a power of two
 *	from 16 bytes to 1 GiB.
 * @msi: offer an MSI capability (one vector, 64-bit addresses)
 * @pcie: a PCI Express endpoint: a PCI Express capability and, in the
 *	4 KiB extended configuration space, Advanced Error Reporting (so
 *	that the guest's AER recovery and error injection reach the device)
 *
 * The function always has INTx on pin A.
 */
struct vfu_pci_info {
	u16 vendor_id;
	u16 device_id;
	u16 subsys_vendor_id;
	u16 subsys_id;
	u8 revision;
	u32 class_code;
	u64 bar_size[VFU_MAX_BARS];
	bool msi;
	bool pcie;
};

/**
 * struct vfu_device_ops - the device behind the server
 * @bar_read: a read of @size bytes (1, 2, 4 or 8) at @offset of BAR @bar;
 *	returns the value (little-endian register semantics).  Called from
 *	the server thread; must not block on slow work.
 * @bar_write: a write of @value, @size bytes, at @offset of BAR @bar.
 *	Posted writes are not answered, so a write's effects must be
 *	visible to the next access of any kind.
 * @reset: device reset (QEMU sends it at machine start and reset).  The
 *	interrupt level is already dropped when it is called; IRQ eventfds
 *	and DMA mappings stay.  May be NULL.
 * @client_gone: the client disconnected (QEMU exited); the DMA maps and
 *	interrupt eventfds are already released.  May be NULL.
 */
struct vfu_device_ops {
	u64 (*bar_read)(void *ctx, int bar, u64 offset, unsigned int size);
	void (*bar_write)(void *ctx, int bar, u64 offset, u64 value,
			  unsigned int size);
	void (*reset)(void *ctx);
	void (*client_gone)(void *ctx);
};

/**
 * struct vfu_stats - counters (read with vfu_get_stats())
 * @msgs: client commands handled, by command number (0..15; 0 = other)
 * @errors: commands answered with an error
 * @intx_signals: INTx assertions signalled to the client
 * @msi_signals: MSI messages signalled to the client
 * @dma_mmap_bytes: bytes the device moved through mapped guest memory
 * @dma_msg_bytes: bytes the device moved through DMA_READ/DMA_WRITE
 * @dma_faults: device DMA attempts refused (unmapped, read-only, no
 *	bus mastering, client gone)
 * @maps: DMA regions currently mapped
 */
struct vfu_stats {
	u64 msgs[16];
	u64 errors;
	u64 intx_signals;
	u64 msi_signals;
	u64 dma_mmap_bytes;
	u64 dma_msg_bytes;
	u64 dma_faults;
	u64 maps;
};

struct vfu_server;

/**
 * vfu_create() - create a server listening on @socket_path
 * @socket_path: Unix socket path; a stale socket there is replaced
 * @pci: the PCI function (copied)
 * @ops: the device's callbacks (copied); @bar_read and @bar_write required
 * @ctx: first argument of every callback
 * @err: on failure, a negative errno (may be NULL)
 *
 * The socket exists (and accepts connections) when this returns.
 * Return: the server, or NULL.
 */
struct vfu_server *vfu_create(const char *socket_path,
			      const struct vfu_pci_info *pci,
			      const struct vfu_device_ops *ops, void *ctx,
			      int *err);

/**
 * vfu_run() - accept one client and serve it until it disconnects
 * @srv: the server
 *
 * Device state (config space, registers) survives a disconnection: call
 * vfu_run() again to serve a new client.
 * Return: 0 when the client disconnected cleanly, -ECANCELED after
 * vfu_stop(), another negative errno on a socket or protocol failure.
 */
int vfu_run(struct vfu_server *srv);

/**
 * vfu_stop() - make vfu_run() return; async-signal-safe, any thread
 * @srv: the server
 */
void vfu_stop(struct vfu_server *srv);

/**
 * vfu_destroy() - close the socket, remove its path and free the server
 * @srv: the server (vfu_run() must have returned); NULL is allowed
 */
void vfu_destroy(struct vfu_server *srv);

/**
 * vfu_dma_read() - copy @len bytes of guest memory at bus address @addr
 * @srv: the server
 * @addr: bus (guest physical) address
 * @buf: destination
 * @len: bytes
 *
 * Uses the shared guest memory mapped by DMA_MAP, or DMA_READ messages
 * for regions without a file descriptor.  Nothing outside the regions the
 * client mapped is ever touched.
 * Return: 0; -EFAULT if a byte is not mapped, -EACCES if a region does not
 * allow the access, -EPERM if bus mastering is off (PCI COMMAND bit 2),
 * -ENOTCONN without a client, -EIO/-EPROTO if a DMA message failed.  On
 * error @buf may be partly written.
 */
int vfu_dma_read(struct vfu_server *srv, u64 addr, void *buf, size_t len);

/**
 * vfu_dma_write() - copy @len bytes from @buf to guest bus address @addr
 * @srv: the server
 * @addr: bus address
 * @buf: source
 * @len: bytes
 *
 * Return: as vfu_dma_read().  On error, guest memory may be partly written.
 */
int vfu_dma_write(struct vfu_server *srv, u64 addr, const void *buf,
		  size_t len);

/**
 * vfu_irq_set_level() - the device's interrupt condition changed
 * @srv: the server
 * @level: true while the device requests an interrupt
 *
 * INTx: level-triggered; asserted while @level is true, PCI COMMAND
 * INTX_DISABLE is clear and the client has not masked it; re-asserted
 * after each unmask while still true.  MSI (when the client enabled it):
 * one message per rising edge, and one when MSI is enabled while @level
 * is true.  Any thread; cheap; never blocks on the client.
 */
void vfu_irq_set_level(struct vfu_server *srv, bool level);

/**
 * vfu_get_stats() - copy the counters
 * @srv: the server
 * @st: destination
 */
void vfu_get_stats(struct vfu_server *srv, struct vfu_stats *st);

/**
 * vfu_set_debug() - log every message to stderr (1) or only problems (0)
 * @srv: the server
 * @level: 0 or 1 (the environment variable VFU_DEBUG sets the default)
 */
void vfu_set_debug(struct vfu_server *srv, int level);

#endif /* VFU_H */
