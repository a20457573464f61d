// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: families, control memory layout, slots and reply frames.
 */
#include "acxxx_core.h"

/**
 * acxxx_dialect_of() - register dialect of a PCI function
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 *
 * Return: an enum acxxx_dialect, or -ENODEV for a function acxxx does not
 * drive (NT bridges and other vendors are out of scope, section 16.1).
 */
int acxxx_dialect_of(u16 vendor, u16 device)
{
	if (vendor != ACXXX_PCI_VENDOR)
		return -ENODEV;

	switch (device) {
	case ACXXX_PCI_DEV_6101:
	case ACXXX_PCI_DEV_6201:
		return ACXXX_DIALECT_341;
	case ACXXX_PCI_DEV_6232:
	case ACXXX_PCI_DEV_6233:
	case ACXXX_PCI_DEV_6235:
	case ACXXX_PCI_DEV_6300:
		return ACXXX_DIALECT_2208;
	case ACXXX_PCI_DEV_6240:
	case ACXXX_PCI_DEV_6262:
		return ACXXX_DIALECT_3108;
	default:
		return -ENODEV;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_dialect_of);

static const struct acxxx_caps acxxx_caps_table[] = {
	{
		.dialect = ACXXX_DIALECT_341,
		.name = "341",
		.reg_bar = ACXXX_REG_BAR_341,
		.irq_unmask = ACXXX_IMASK_ON_341,
		.irq_status_reg = ACXXX_REG_OUT_INT_STATUS,
		.detach_reg = ACXXX_REG_HOST_MSG0,
	},
	{
		.dialect = ACXXX_DIALECT_2208,
		.name = "2208",
		.reg_bar = ACXXX_REG_BAR_2208,
		.irq_unmask = ACXXX_IMASK_ON_2208,
		.irq_status_reg = ACXXX_REG_OUT_DOORBELL,
		.has_doorbell = true,
		.post_room_read = true,
		.free_fifo = true,
		.free_fifo_depth = ACXXX_FREE_FIFO_DEPTH,
		.scratch2_after_evsw = true,
		.health_scratch1 = true,
		.detach_reg = ACXXX_REG_IN_DOORBELL,
		.rw_elements = true,
	},
	{
		.dialect = ACXXX_DIALECT_3108,
		.name = "3108",
		.reg_bar = ACXXX_REG_BAR_2208,
		.irq_unmask = ACXXX_IMASK_ON_2208,
		.irq_status_reg = ACXXX_REG_OUT_DOORBELL,
		.has_doorbell = true,
		.post_room_read = true,
		.scratch2_after_evsw = true,
		.health_scratch1 = true,
		.detach_reg = ACXXX_REG_IN_DOORBELL,
		.rw_elements = true,
		.rw_last_mark = true,
	},
};

/**
 * acxxx_caps() - the capability table of a register dialect
 * @dialect: register dialect
 *
 * 341 family: registers in BAR0, unmask 0x17, ready in OUT_INT_STATUS,
 * no doorbells, blind posts, frames returned straight to REPLY_PORT, the
 * high address written again to HOST_MSG0 at detach, 12-byte elements
 * only.  2208/3108: registers in BAR1, unmask 0x01, ready and
 * notifications in OUT_DOORBELL, a room read before each post, SCRATCH2
 * after the event switch, SCRATCH1 health, the interface reset at detach,
 * 16-byte elements for READ/WRITE.  The 2208 alone returns frames through
 * its 16-deep free FIFO; the 3108 alone marks the last 16-byte element
 * (2, 4, 5.5, 5.6, 16.7 to 16.11).
 *
 * Return: the table, or NULL for a value that is no dialect.
 */
const struct acxxx_caps *acxxx_caps(enum acxxx_dialect dialect)
{
	switch (dialect) {
	case ACXXX_DIALECT_341:
		return &acxxx_caps_table[0];
	case ACXXX_DIALECT_2208:
		return &acxxx_caps_table[1];
	case ACXXX_DIALECT_3108:
		return &acxxx_caps_table[2];
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_caps);

/**
 * acxxx_dialect_name() - short name of a family, for logs and sysfs
 * @dialect: register dialect
 *
 * Return: "341", "2208", "3108" or "unknown".
 */
const char *acxxx_dialect_name(enum acxxx_dialect dialect)
{
	const struct acxxx_caps *caps = acxxx_caps(dialect);

	return caps ? caps->name : "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_dialect_name);

/**
 * acxxx_reg_bar() - BAR that holds the register file
 * @dialect: register dialect
 *
 * Same as acxxx_caps(@dialect)->reg_bar, for callers not yet on the table.
 *
 * Return: 0 for the 341 family, 1 for the 2208/3108 family.
 */
unsigned int acxxx_reg_bar(enum acxxx_dialect dialect)
{
	return dialect == ACXXX_DIALECT_341 ? ACXXX_REG_BAR_341 :
					      ACXXX_REG_BAR_2208;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_reg_bar);

/**
 * acxxx_irq_unmask_value() - OUT_INT_MASK value that enables interrupts
 * @dialect: register dialect
 *
 * Same as acxxx_caps(@dialect)->irq_unmask.
 *
 * Return: 0x17 for the 341 family, 0x01 for the 2208/3108 family (16.8).
 */
u32 acxxx_irq_unmask_value(enum acxxx_dialect dialect)
{
	return dialect == ACXXX_DIALECT_341 ? ACXXX_IMASK_ON_341 :
					      ACXXX_IMASK_ON_2208;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_irq_unmask_value);

/**
 * acxxx_irq_status_reg() - register that shows what the firmware signals
 * @dialect: register dialect
 *
 * Same as acxxx_caps(@dialect)->irq_status_reg.  Ready is bit 0 of it in
 * both dialects (4.2, 16.9); reading it has no side effect (the bits are
 * cleared by a write).
 *
 * Return: OUT_INT_STATUS for the 341 family, OUT_DOORBELL for 2208/3108.
 */
u32 acxxx_irq_status_reg(enum acxxx_dialect dialect)
{
	return dialect == ACXXX_DIALECT_341 ? ACXXX_REG_OUT_INT_STATUS :
					      ACXXX_REG_OUT_DOORBELL;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_irq_status_reg);

static u32 acxxx_round_up(u32 v, u32 align)
{
	return (v + align - 1) / align * align;
}

/**
 * acxxx_layout_init() - compute the control memory layout
 * @lay: layout to fill
 * @nr_slots: slot index space, 2..512 (slot 0 is never used)
 * @max_sge: segments per command, 1..300
 *
 * Each slot gets a request block big enough for the 512-byte message and
 * a list of @max_sge 16-byte elements at offset 0x40, a 256-byte sense
 * block and a 256-byte reply frame, all 256-byte aligned.  The
 * management data buffer follows the slots.  Reply frames of slots 1 to
 * min(@nr_slots - 1, 510) are the ones posted to the firmware.
 *
 * Return: 0, or -EINVAL for a count outside the ranges above (a list
 * longer than 300 elements would not fit the firmware's 4800-byte list).
 */
int acxxx_layout_init(struct acxxx_layout *lay, u16 nr_slots, u16 max_sge)
{
	u32 list_bytes;

	if (nr_slots < 2 || nr_slots > ACXXX_MAX_SLOTS)
		return -EINVAL;
	if (max_sge < 1 || (u32)max_sge * sizeof(struct acxxx_sge_rw) >
	    ACXXX_MAX_LIST_BYTES)
		return -EINVAL;

	list_bytes = ACXXX_LIST_OFFSET +
		     (u32)max_sge * sizeof(struct acxxx_sge_rw);
	memset(lay, 0, sizeof(*lay));
	lay->nr_slots = nr_slots;
	lay->max_sge = max_sge;
	lay->req_size = acxxx_round_up(list_bytes > ACXXX_REQ_MSG_SIZE ?
				       list_bytes : ACXXX_REQ_MSG_SIZE,
				       ACXXX_REQ_ALIGN);
	lay->sense_off = lay->req_size;
	lay->reply_off = lay->sense_off + ACXXX_SENSE_BLOCK_ALLOC;
	lay->stride = lay->reply_off + ACXXX_REPLY_FRAME_ALLOC;
	lay->nr_frames = nr_slots - 1 < ACXXX_LAST_REPLY_SLOT ?
			 nr_slots - 1 : ACXXX_LAST_REPLY_SLOT;
	lay->mgmt_off = (u32)nr_slots * lay->stride;
	lay->size = lay->mgmt_off + ACXXX_MGMT_BUF_SIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_layout_init);

/**
 * acxxx_layout_check_window() - check where a control block landed
 * @lay: layout of the block
 * @base_dma: bus address the block was allocated at
 *
 * Return: 0 if the block is 256-byte aligned and lies inside one 4 GiB
 * window, -EINVAL if misaligned, -ERANGE if it crosses a 4 GiB boundary
 * (the caller allocates again).
 */
int acxxx_layout_check_window(const struct acxxx_layout *lay, u64 base_dma)
{
	u64 last;

	if (base_dma & (ACXXX_REQ_ALIGN - 1))
		return -EINVAL;
	if (!lay->size || base_dma + lay->size < base_dma)
		return -ERANGE;
	last = base_dma + lay->size - 1;
	if ((base_dma >> 32) != (last >> 32))
		return -ERANGE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_layout_check_window);

/**
 * acxxx_ctl_init() - set up the core state of a controller
 * @c: state to fill
 * @dialect: register dialect
 * @lay: layout computed by acxxx_layout_init()
 * @mem: CPU address of a control block of @lay->size bytes
 * @mem_dma: its bus address
 *
 * Zeroes the whole control block, every slot and frame starts host-owned.
 *
 * Return: 0; -EINVAL for a bad dialect, layout or pointer; -ERANGE if the
 * block crosses a 4 GiB window or its high address cannot be announced
 * (the 2208/3108 doorbell carries 31 bits of it).
 */
int acxxx_ctl_init(struct acxxx_ctl *c, enum acxxx_dialect dialect,
		   const struct acxxx_layout *lay, void *mem, u64 mem_dma)
{
	struct acxxx_layout check;
	int ret;

	if (!c || !lay || !mem)
		return -EINVAL;
	if (!acxxx_caps(dialect))
		return -EINVAL;
	ret = acxxx_layout_init(&check, lay->nr_slots, lay->max_sge);
	if (ret)
		return ret;
	if (check.size != lay->size || check.stride != lay->stride)
		return -EINVAL;
	ret = acxxx_layout_check_window(lay, mem_dma);
	if (ret)
		return ret;
	if (dialect != ACXXX_DIALECT_341 &&
	    (mem_dma >> 32) > ACXXX_IDB_HIADDR_MASK)
		return -ERANGE;

	memset(c, 0, sizeof(*c));
	c->dialect = dialect;
	c->caps = acxxx_caps(dialect);
	c->lay = check;
	c->mem = mem;
	c->mem_dma = mem_dma;
	c->hi = (u32)(mem_dma >> 32);
	memset(mem, 0, lay->size);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_ctl_init);

/**
 * acxxx_ctl_reset() - forget every request and reply frame
 * @c: controller
 *
 * For use after a re-init handshake (16.11), when the firmware has dropped
 * every outstanding request and free reply frame without touching host
 * memory for them again.  The caller completes the commands it had
 * outstanding and posts the reply frames again.  Frames waiting in the
 * return ring are dropped with it (acxxx_fret_push_all() queues them all
 * again) and the free-FIFO credit is forgotten.
 */
void acxxx_ctl_reset(struct acxxx_ctl *c)
{
	memset(c->slot_state, ACXXX_SLOT_FREE, sizeof(c->slot_state));
	memset(c->frame_state, ACXXX_FRAME_HOST, sizeof(c->frame_state));
	c->fret.head = 0;
	c->fret.count = 0;
	c->fret.credit = 0;
	c->fret.ring = false;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_ctl_reset);

static bool acxxx_slot_valid(const struct acxxx_ctl *c, u16 slot)
{
	return slot >= ACXXX_FIRST_SLOT && slot < c->lay.nr_slots;
}

/**
 * acxxx_slot_finish() - take a slot back from the firmware
 * @c: controller
 * @slot: slot whose request the firmware no longer holds
 *
 * Used when a request ends without a reply: it was never posted, it was
 * terminated by task management, or the firmware dropped it.
 *
 * Return: 0, -ERANGE for a slot outside the space, -EALREADY if it was
 * not outstanding.
 */
int acxxx_slot_finish(struct acxxx_ctl *c, u16 slot)
{
	if (!acxxx_slot_valid(c, slot))
		return -ERANGE;
	if (c->slot_state[slot] != ACXXX_SLOT_ACTIVE)
		return -EALREADY;
	c->slot_state[slot] = ACXXX_SLOT_FREE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_slot_finish);

/**
 * acxxx_slot_active() - is a slot outstanding in the firmware
 * @c: controller
 * @slot: slot
 *
 * Return: true if @slot is valid and outstanding.
 */
bool acxxx_slot_active(const struct acxxx_ctl *c, u16 slot)
{
	return acxxx_slot_valid(c, slot) &&
	       c->slot_state[slot] == ACXXX_SLOT_ACTIVE;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_slot_active);

/**
 * acxxx_slots_active() - count the outstanding slots
 * @c: controller
 *
 * Return: number of slots the firmware holds.
 */
unsigned int acxxx_slots_active(const struct acxxx_ctl *c)
{
	unsigned int n = 0;
	u16 slot;

	for (slot = ACXXX_FIRST_SLOT; slot < c->lay.nr_slots; slot++)
		n += c->slot_state[slot] == ACXXX_SLOT_ACTIVE;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_slots_active);

/**
 * acxxx_frame_post() - give a reply frame to the firmware
 * @c: controller
 * @frame: frame index, 1..nr_frames
 * @value: where to store the value to write to REPLY_PORT
 *
 * Zeroes the frame and marks it as on the firmware's free list.  Frames
 * are returned as their plain low address (6.7).
 *
 * Return: 0, -ERANGE for a frame that is not one of the posted set,
 * -EBUSY if the firmware already holds it.
 */
int acxxx_frame_post(struct acxxx_ctl *c, u16 frame, u32 *value)
{
	if (frame < ACXXX_FIRST_SLOT || frame > c->lay.nr_frames)
		return -ERANGE;
	if (c->frame_state[frame] != ACXXX_FRAME_HOST)
		return -EBUSY;
	memset(acxxx_frame(c, frame), 0, ACXXX_REPLY_FRAME_ALLOC);
	c->frame_state[frame] = ACXXX_FRAME_POSTED;
	*value = (u32)acxxx_frame_dma(c, frame);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_frame_post);

/**
 * acxxx_free_fifo_room() - may one more reply frame be returned (2208)
 * @out_free_ci_pi: the dword read at OUT_FREE_CI (consumer index in bits
 *	15..0, producer index at OUT_FREE_PI in bits 31..16)
 *
 * The 2208's outbound free-frame FIFO holds 16 entries (2.2, 16.10); it
 * is full when advancing the producer would reach the consumer.
 *
 * Return: true if a frame may be written to REPLY_PORT now.
 */
bool acxxx_free_fifo_room(u32 out_free_ci_pi)
{
	u32 ci = out_free_ci_pi & ACXXX_FREE_FIFO_MASK;
	u32 pi = (out_free_ci_pi >> 16) & ACXXX_FREE_FIFO_MASK;

	if (out_free_ci_pi == ACXXX_EMPTY)
		return false;
	return ((pi + 1) & ACXXX_FREE_FIFO_MASK) != ci;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_free_fifo_room);

/**
 * acxxx_fret_push() - queue a reply frame for return to the firmware
 * @c: controller
 * @frame: a frame the host owns (acxxx_cpl.frame of a decoded reply)
 *
 * Return: 0; -ERANGE for a frame outside the posted set; -EBUSY if the
 * firmware holds it or it is queued already (nothing is queued twice).
 */
int acxxx_fret_push(struct acxxx_ctl *c, u16 frame)
{
	struct acxxx_fret *r = &c->fret;
	u32 tail;

	if (frame < ACXXX_FIRST_SLOT || frame > c->lay.nr_frames)
		return -ERANGE;
	if (c->frame_state[frame] != ACXXX_FRAME_HOST)
		return -EBUSY;
	tail = (u32)r->head + r->count;
	if (tail >= ACXXX_MAX_SLOTS)
		tail -= ACXXX_MAX_SLOTS;
	r->q[tail] = frame;
	r->count++;
	c->frame_state[frame] = ACXXX_FRAME_QUEUED;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_fret_push);

/**
 * acxxx_fret_push_all() - queue every reply frame (after a handshake)
 * @c: controller
 *
 * Frames the firmware holds or that are queued already are left alone.
 */
void acxxx_fret_push_all(struct acxxx_ctl *c)
{
	u16 frame;

	for (frame = ACXXX_FIRST_SLOT; frame <= c->lay.nr_frames; frame++)
		acxxx_fret_push(c, frame);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_fret_push_all);

/**
 * acxxx_fret_read_reg() - register to read before returning frames
 * @c: controller
 *
 * Only the 2208 asks for one, and only when frames wait and the credit of
 * free-FIFO entries from the last read is used up: one OUT_FREE_CI read
 * covers up to 15 frames.  Its value goes to acxxx_fret_credit().
 *
 * Return: ACXXX_REG_OUT_FREE_CI, or ACXXX_NO_READ.
 */
u32 acxxx_fret_read_reg(const struct acxxx_ctl *c)
{
	if (!c->caps->free_fifo || !c->fret.count || c->fret.credit ||
	    c->fret.ring)
		return ACXXX_NO_READ;
	return ACXXX_REG_OUT_FREE_CI;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_fret_read_reg);

/**
 * acxxx_fret_credit() - take the free-FIFO room from an OUT_FREE_CI read
 * @c: controller
 * @value: the dword read at OUT_FREE_CI (consumer index in bits 15..0,
 *	producer index in bits 31..16)
 *
 * The FIFO is full when advancing the producer would reach the consumer
 * (2.2, 16.10), so (CI - PI - 1) mod 16 entries are free.  Only the host
 * advances the producer and the firmware only advances the consumer, so
 * the count stays a safe lower bound until the host writes more frames;
 * the core keeps what is left of it for the next call.
 *
 * Return: the credit now available (0: the FIFO is full, or the register
 * read as all-ones: try again later).
 */
unsigned int acxxx_fret_credit(struct acxxx_ctl *c, u32 value)
{
	u32 ci = value & ACXXX_FREE_FIFO_MASK;
	u32 pi = (value >> 16) & ACXXX_FREE_FIFO_MASK;

	if (!c->caps->free_fifo)
		return 0;
	c->fret.credit = value == ACXXX_EMPTY ? 0 :
			 (u8)((ci - pi - 1) & ACXXX_FREE_FIFO_MASK);
	return c->fret.credit;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_fret_credit);

/**
 * acxxx_fret_next() - the register writes that return the next frame
 * @c: controller
 * @wr: filled with up to ACXXX_FRET_MAX_WR writes to make, in order
 *
 * Each call returns the oldest queued frame (acxxx_frame_post()) with one
 * REPLY_PORT write.  On the 2208 a frame needs credit, and the FIFO's
 * doorbell (IN_DOORBELL <- FREE_REPLY) is rung once after the last frame
 * a credit allows, or after the last frame queued, instead of after every
 * frame: the firmware takes everything up to the producer index when it
 * is rung.  Returning N frames so costs N writes on the 341 and 3108, and
 * N + ceil(N / 15) writes and ceil(N / 15) reads on the 2208.
 *
 * The caller loops: read acxxx_fret_read_reg() when it names a register
 * and feed the value to acxxx_fret_credit() (stop when that gives none),
 * then make the writes of each call until one asks for none.  Frames
 * left (acxxx_fret_pending()) wait for a later try.
 *
 * Return: the number of writes in @wr, 0 when nothing can be done now.
 */
unsigned int acxxx_fret_next(struct acxxx_ctl *c,
			     struct acxxx_wr wr[ACXXX_FRET_MAX_WR])
{
	struct acxxx_fret *r = &c->fret;
	unsigned int n = 0;
	u32 val;
	u16 frame;

	while (r->count && (!c->caps->free_fifo || r->credit)) {
		frame = r->q[r->head];
		r->head = r->head + 1 == ACXXX_MAX_SLOTS ? 0 : r->head + 1;
		r->count--;
		c->frame_state[frame] = ACXXX_FRAME_HOST;
		if (acxxx_frame_post(c, frame, &val))
			continue;	/* cannot happen: queued frames are the host's */
		wr[n].reg = ACXXX_REG_REPLY_PORT;
		wr[n++].val = val;
		if (c->caps->free_fifo) {
			r->credit--;
			r->ring = true;
		}
		break;
	}
	if (r->ring && (!r->credit || !r->count)) {
		wr[n].reg = ACXXX_REG_IN_DOORBELL;
		wr[n++].val = ACXXX_IDB_FREE_REPLY;
		r->ring = false;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_fret_next);
