/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * vfio-user wire format, as used by QEMU 11.1's vfio-user-pci client
 * (see /work/shared/docs/vfio-user.md and QEMU's docs/interop/vfio-user.rst).
 * All fields are host byte order (little-endian on x86).  Private to the
 * library.
 */
#ifndef VFU_PROTO_H
#define VFU_PROTO_H

#include <assert.h>

#include "vfu_types.h"

/* Message header (16 bytes); size covers the whole message. */
struct vfu_hdr {
	u16 id;
	u16 cmd;
	u32 size;
	u32 flags;
	u32 error;
};

#define VFU_HDR_TYPE_MASK		0x0f
#define VFU_HDR_TYPE_COMMAND		0x00
#define VFU_HDR_TYPE_REPLY		0x01
#define VFU_HDR_NO_REPLY		0x10
#define VFU_HDR_ERROR			0x20

/* The errno the protocol answers unknown commands with (Linux ENOSYS). */
#define VFU_ERR_NOCMD			38

enum {
	VFU_CMD_VERSION = 1,
	VFU_CMD_DMA_MAP = 2,
	VFU_CMD_DMA_UNMAP = 3,
	VFU_CMD_DEVICE_GET_INFO = 4,
	VFU_CMD_DEVICE_GET_REGION_INFO = 5,
	VFU_CMD_DEVICE_GET_REGION_IO_FDS = 6,
	VFU_CMD_DEVICE_GET_IRQ_INFO = 7,
	VFU_CMD_DEVICE_SET_IRQS = 8,
	VFU_CMD_REGION_READ = 9,
	VFU_CMD_REGION_WRITE = 10,
	VFU_CMD_DMA_READ = 11,
	VFU_CMD_DMA_WRITE = 12,
	VFU_CMD_DEVICE_RESET = 13,
	VFU_CMD_REGION_WRITE_MULTI = 15,
};

/* VERSION: followed by a NUL-terminated JSON object. */
struct vfu_version {
	u16 major;
	u16 minor;
};

/* DMA_MAP */
struct vfu_dma_map {
	u32 argsz;
	u32 flags;
	u64 offset;
	u64 iova;
	u64 size;
};

#define VFU_DMA_READ			0x1	/* the device may read */
#define VFU_DMA_WRITE			0x2	/* the device may write */

/* DMA_UNMAP */
struct vfu_dma_unmap {
	u32 argsz;
	u32 flags;
	u64 iova;
	u64 size;
};

#define VFU_DMA_UNMAP_GET_DIRTY		0x1
#define VFU_DMA_UNMAP_ALL		0x2

/* DEVICE_GET_INFO */
struct vfu_device_info {
	u32 argsz;
	u32 flags;
	u32 num_regions;
	u32 num_irqs;
};

#define VFU_DEV_FLAG_RESET		0x1
#define VFU_DEV_FLAG_PCI		0x2

/* DEVICE_GET_REGION_INFO */
struct vfu_region_info {
	u32 argsz;
	u32 flags;
	u32 index;
	u32 cap_offset;
	u64 size;
	u64 offset;
};

#define VFU_REGION_FLAG_READ		0x1
#define VFU_REGION_FLAG_WRITE		0x2
#define VFU_REGION_FLAG_MMAP		0x4

#define VFU_REGION_BAR0			0
#define VFU_REGION_ROM			6
#define VFU_REGION_CONFIG		7
#define VFU_REGION_VGA			8
#define VFU_NUM_REGIONS			9

/* DEVICE_GET_IRQ_INFO */
struct vfu_irq_info {
	u32 argsz;
	u32 flags;
	u32 index;
	u32 count;
};

#define VFU_IRQ_INFO_EVENTFD		0x1
#define VFU_IRQ_INFO_MASKABLE		0x2
#define VFU_IRQ_INFO_AUTOMASKED		0x4
#define VFU_IRQ_INFO_NORESIZE		0x8

#define VFU_IRQ_INTX			0
#define VFU_IRQ_MSI			1
#define VFU_IRQ_MSIX			2
#define VFU_NUM_IRQS			3

/* DEVICE_SET_IRQS: followed by count bytes of BOOL data, if any. */
struct vfu_irq_set {
	u32 argsz;
	u32 flags;
	u32 index;
	u32 start;
	u32 count;
};

#define VFU_IRQ_DATA_NONE		0x01
#define VFU_IRQ_DATA_BOOL		0x02
#define VFU_IRQ_DATA_EVENTFD		0x04
#define VFU_IRQ_DATA_MASK		0x07
#define VFU_IRQ_ACTION_MASK		0x08
#define VFU_IRQ_ACTION_UNMASK		0x10
#define VFU_IRQ_ACTION_TRIGGER		0x20
#define VFU_IRQ_ACTION_ALL		0x38

/* REGION_READ / REGION_WRITE: followed by count bytes of data. */
struct vfu_region_access {
	u64 offset;
	u32 region;
	u32 count;
};

/* DMA_READ / DMA_WRITE (server to client): u64 count, data at +16. */
struct vfu_dma_rw {
	u64 addr;
	u64 count;
};

static_assert(sizeof(struct vfu_hdr) == 16, "vfio-user header");
static_assert(sizeof(struct vfu_version) == 4, "VERSION");
static_assert(sizeof(struct vfu_dma_map) == 32, "DMA_MAP");
static_assert(sizeof(struct vfu_dma_unmap) == 24, "DMA_UNMAP");
static_assert(sizeof(struct vfu_device_info) == 16, "GET_INFO");
static_assert(sizeof(struct vfu_region_info) == 32, "GET_REGION_INFO");
static_assert(sizeof(struct vfu_irq_info) == 16, "GET_IRQ_INFO");
static_assert(sizeof(struct vfu_irq_set) == 20, "SET_IRQS");
static_assert(sizeof(struct vfu_region_access) == 16, "REGION_READ/WRITE");
static_assert(sizeof(struct vfu_dma_rw) == 16, "DMA_READ/WRITE");

/*
 * PCI configuration space: 256 bytes for a conventional function, 4 KiB
 * (extended space) for a PCI Express one.
 */
#define VFU_CFG_SIZE_PCI		256
#define VFU_CFG_SIZE			4096
#define PCI_CFG_VENDOR			0x00
#define PCI_CFG_DEVICE			0x02
#define PCI_CFG_COMMAND			0x04
#define PCI_CFG_STATUS			0x06
#define PCI_CFG_REVISION		0x08
#define PCI_CFG_CLASS			0x09
#define PCI_CFG_CACHE_LINE		0x0c
#define PCI_CFG_LATENCY			0x0d
#define PCI_CFG_HEADER_TYPE		0x0e
#define PCI_CFG_BAR0			0x10
#define PCI_CFG_SUBSYS_VENDOR		0x2c
#define PCI_CFG_SUBSYS			0x2e
#define PCI_CFG_ROM			0x30
#define PCI_CFG_CAP_PTR			0x34
#define PCI_CFG_INT_LINE		0x3c
#define PCI_CFG_INT_PIN			0x3d

#define PCI_CMD_IO			0x0001
#define PCI_CMD_MEMORY			0x0002
#define PCI_CMD_MASTER			0x0004
#define PCI_CMD_PARITY			0x0040
#define PCI_CMD_SERR			0x0100
#define PCI_CMD_INTX_DISABLE		0x0400
#define PCI_CMD_WRITABLE		0x0547

#define PCI_STATUS_INTX			0x0008
#define PCI_STATUS_CAP_LIST		0x0010
#define PCI_STATUS_W1C			0xf900

#define VFU_MSI_CAP			0x40
#define VFU_PCIE_CAP			0x60
#define VFU_AER_CAP			0x100
#define PCI_CAP_ID_EXP			0x10
#define PCI_EXT_CAP_ID_ERR		0x0001
#define PCI_CAP_ID_MSI			0x05
#define PCI_MSI_CTRL_ENABLE		0x0001
#define PCI_MSI_CTRL_MME		0x0070
#define PCI_MSI_CTRL_64BIT		0x0080

/* PCI Express capability (version 2, endpoint), offsets in the capability. */
#define PCI_EXP_FLAGS			0x02
#define PCI_EXP_DEVCAP			0x04
#define PCI_EXP_DEVCTL			0x08
#define PCI_EXP_DEVSTA			0x0a
#define PCI_EXP_LNKCAP			0x0c
#define PCI_EXP_LNKCTL			0x10
#define PCI_EXP_LNKSTA			0x12
#define PCI_EXP_DEVCTL2			0x28
#define PCI_EXP_LNKCTL2			0x30
#define PCI_EXP_CAP_SIZE		0x3c
#define PCI_EXP_FLAGS_V2_ENDPOINT	0x0002	/* version 2, type 0 */
#define PCI_EXP_DEVCAP_VALUE		0x00008001	/* MPS 256, RBER */
#define PCI_EXP_DEVCTL_WRITABLE		0x7fff	/* not bit 15 (FLR) */
#define PCI_EXP_DEVSTA_W1C		0x000f	/* CED NFED FED URD */
#define PCI_EXP_LNKCAP_VALUE		0x00000081	/* 2.5 GT/s, x8 */
#define PCI_EXP_LNKCTL_WRITABLE		0x0ffb
#define PCI_EXP_LNKSTA_VALUE		0x0081	/* 2.5 GT/s, x8 */
#define PCI_EXP_DEVCTL2_WRITABLE	0x001f	/* completion timeout */

/* Advanced Error Reporting (version 2), offsets in the capability. */
#define PCI_ERR_UNCOR_STATUS		0x04
#define PCI_ERR_UNCOR_MASK		0x08
#define PCI_ERR_UNCOR_SEVER		0x0c
#define PCI_ERR_COR_STATUS		0x10
#define PCI_ERR_COR_MASK		0x14
#define PCI_ERR_CAP			0x18
#define PCI_ERR_HEADER_LOG		0x1c
#define PCI_ERR_CAP_SIZE		0x2c
#define PCI_ERR_UNCOR_BITS		0x03fff030
#define PCI_ERR_UNCOR_SEVER_DEFAULT	0x00462030
#define PCI_ERR_COR_BITS		0x0000f1c1
#define PCI_ERR_COR_MASK_DEFAULT	0x00002000	/* advisory non-fatal */

#endif /* VFU_PROTO_H */
