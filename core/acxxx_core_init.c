// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx core: the bring-up and re-init handshake as a transition function
 * (sections 4.2, 4.3, 8.3 and 16.8 to 16.11).
 *
 * Nothing here waits.  Each call takes the current time and the value of
 * the register the previous call asked the caller to read, and returns
 * the register writes to perform now, the register to read before the
 * next call and when that call is due.  The caller drives it from a timer
 * or delayed work (Linux), a timer source (DriverKit) or a loop with a
 * fake clock (tests).
 *
 * 341 family:  mask; OUT_INT_STATUS <- 1; HOST_MSG0 <- high address;
 *              poll OUT_INT_STATUS bit 0; ack it; unmask (0x17).
 * 2208/3108:   mask; clear ready; IN_DOORBELL <- reset; settle; poll
 *              SCRATCH1 until the firmware runs; SCRATCH2 <- normal; clear
 *              the stale resume bit; IN_DOORBELL <- 0x80000000 | high;
 *              poll OUT_DOORBELL bit 0; ack what was read; unmask (0x01).
 * A re-init is the same sequence on a running controller; on the
 * 2208/3108 it first tells the firmware the host is recovering.  The
 * reset comes before the wait for a running firmware: a firmware that
 * hung comes back through that reset.
 */
#include "acxxx_core.h"

enum {
	ACXXX_INIT_START = 0,
	ACXXX_INIT_FW_WAIT,
	ACXXX_INIT_RESET_WAIT,
	ACXXX_INIT_READY_WAIT,
	ACXXX_INIT_DONE,
	ACXXX_INIT_FAILED_NODEV,
	ACXXX_INIT_FAILED_TIMEOUT,
	ACXXX_INIT_FAILED_RANGE,
};

/**
 * acxxx_init_default_params() - handshake timing for real hardware
 * @p: parameters to fill
 *
 * The firmware is given 120 s to report ready (the original waited about
 * 101 s), 1 s to settle after the interface reset (4.3), and status
 * registers are read every 50 ms: a read is cheap, and a short interval
 * keeps bring-up fast where the firmware is quick.
 */
void acxxx_init_default_params(struct acxxx_init_params *p)
{
	p->fw_timeout_ms = 120000;
	p->reset_delay_ms = 1000;
	p->ready_timeout_ms = 120000;
	p->poll_ms = 50;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_init_default_params);

/**
 * acxxx_init_begin() - start a handshake
 * @in: handshake state to initialise
 * @dialect: register dialect
 * @hi: global high address of the control memory
 * @reinit: true for a re-init of a running controller (host reset)
 * @p: timing, or NULL for acxxx_init_default_params()
 * @now_ms: current time in milliseconds (any monotonic origin)
 *
 * The first acxxx_init_step() call may follow immediately.
 */
void acxxx_init_begin(struct acxxx_init *in, enum acxxx_dialect dialect,
		      u32 hi, bool reinit, const struct acxxx_init_params *p,
		      u64 now_ms)
{
	memset(in, 0, sizeof(*in));
	in->dialect = dialect;
	in->hi = hi;
	in->reinit = reinit;
	in->state = ACXXX_INIT_START;
	if (p)
		in->p = *p;
	else
		acxxx_init_default_params(&in->p);
	if (!in->p.poll_ms)
		in->p.poll_ms = 1;
	in->deadline_ms = now_ms;
	in->wait_ms = now_ms;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_init_begin);

static void acxxx_init_wr(struct acxxx_init_io *io, u32 reg, u32 val)
{
	if (io->nr_wr < ACXXX_INIT_MAX_WRITES) {
		io->wr_reg[io->nr_wr] = reg;
		io->wr_val[io->nr_wr] = val;
		io->nr_wr++;
	}
}

static void acxxx_init_poll(struct acxxx_init *in, struct acxxx_init_io *io,
			    u32 reg, u64 now_ms)
{
	io->read_reg = reg;
	io->next_ms = now_ms + in->p.poll_ms;
}

static int acxxx_init_fail(struct acxxx_init *in, u8 state)
{
	in->state = state;
	switch (state) {
	case ACXXX_INIT_FAILED_NODEV:
		return -ENODEV;
	case ACXXX_INIT_FAILED_RANGE:
		return -ERANGE;
	default:
		return -ETIMEDOUT;
	}
}

/*
 * A device that is gone reads all-ones every time; one that is there can
 * read all-ones once (a completion timeout, a read that raced its reset).
 * Only ACXXX_INIT_GONE_READS in a row mean gone.
 *
 * Return: true if the handshake must fail with -ENODEV; false to go on,
 * polling again if @val was all-ones.
 */
#define ACXXX_INIT_GONE_READS	3

static bool acxxx_init_gone(struct acxxx_init *in, u32 val, u32 reg,
			    u64 now_ms, struct acxxx_init_io *io)
{
	if (val != ACXXX_EMPTY) {
		in->ones = 0;
		return false;
	}
	if (++in->ones >= ACXXX_INIT_GONE_READS)
		return true;
	acxxx_init_poll(in, io, reg, now_ms);
	return false;
}

static int acxxx_init_start(struct acxxx_init *in, u64 now_ms,
			    struct acxxx_init_io *io)
{
	acxxx_init_wr(io, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);

	if (in->dialect == ACXXX_DIALECT_341) {
		acxxx_init_wr(io, ACXXX_REG_OUT_INT_STATUS, ACXXX_ISTS_READY);
		acxxx_init_wr(io, ACXXX_REG_HOST_MSG0, in->hi);
		in->state = ACXXX_INIT_READY_WAIT;
		in->deadline_ms = now_ms + in->p.ready_timeout_ms;
		acxxx_init_poll(in, io, ACXXX_REG_OUT_INT_STATUS, now_ms);
		return 0;
	}

	if (in->hi > ACXXX_IDB_HIADDR_MASK)
		return acxxx_init_fail(in, ACXXX_INIT_FAILED_RANGE);
	if (in->reinit)
		acxxx_init_wr(io, ACXXX_REG_SCRATCH2, ACXXX_SCRATCH2_RECOVERING);
	acxxx_init_wr(io, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_READY);
	acxxx_init_wr(io, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	in->state = ACXXX_INIT_RESET_WAIT;
	in->wait_ms = now_ms + in->p.reset_delay_ms;
	io->next_ms = in->wait_ms;
	return 0;
}

static int acxxx_init_reset_wait(struct acxxx_init *in, u64 now_ms,
				 struct acxxx_init_io *io)
{
	if (now_ms < in->wait_ms) {
		io->next_ms = in->wait_ms;
		return 0;
	}
	in->state = ACXXX_INIT_FW_WAIT;
	in->deadline_ms = now_ms + in->p.fw_timeout_ms;
	io->read_reg = ACXXX_REG_SCRATCH1;
	io->next_ms = now_ms;
	return 0;
}

static int acxxx_init_fw_wait(struct acxxx_init *in, u64 now_ms, u32 val,
			      struct acxxx_init_io *io)
{
	if (acxxx_init_gone(in, val, ACXXX_REG_SCRATCH1, now_ms, io))
		return acxxx_init_fail(in, ACXXX_INIT_FAILED_NODEV);
	if (val == ACXXX_EMPTY)
		return 0;
	if (val != ACXXX_SCRATCH1_RUNNING) {
		if (now_ms >= in->deadline_ms)
			return acxxx_init_fail(in, ACXXX_INIT_FAILED_TIMEOUT);
		acxxx_init_poll(in, io, ACXXX_REG_SCRATCH1, now_ms);
		return 0;
	}

	acxxx_init_wr(io, ACXXX_REG_SCRATCH2, ACXXX_SCRATCH2_NORMAL);
	acxxx_init_wr(io, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_RESUME);
	acxxx_init_wr(io, ACXXX_REG_IN_DOORBELL,
		      ACXXX_IDB_HIADDR | (in->hi & ACXXX_IDB_HIADDR_MASK));
	in->state = ACXXX_INIT_READY_WAIT;
	in->deadline_ms = now_ms + in->p.ready_timeout_ms;
	acxxx_init_poll(in, io, ACXXX_REG_OUT_DOORBELL, now_ms);
	return 0;
}

static int acxxx_init_ready_wait(struct acxxx_init *in, u64 now_ms, u32 val,
				 struct acxxx_init_io *io)
{
	bool is_341 = in->dialect == ACXXX_DIALECT_341;
	u32 reg = acxxx_irq_status_reg(in->dialect);

	if (acxxx_init_gone(in, val, reg, now_ms, io))
		return acxxx_init_fail(in, ACXXX_INIT_FAILED_NODEV);
	if (val == ACXXX_EMPTY)
		return 0;

	/* Ready is bit 0 in both dialects (4.2, 16.9). */
	if (val & (is_341 ? ACXXX_ISTS_READY : ACXXX_ODB_READY)) {
		if (is_341) {
			acxxx_init_wr(io, ACXXX_REG_OUT_INT_STATUS,
				      ACXXX_ISTS_READY);
		} else {
			/* Stale notifications from before the reset go too. */
			acxxx_init_wr(io, ACXXX_REG_OUT_DOORBELL_CLR, val);
		}
		acxxx_init_wr(io, ACXXX_REG_OUT_INT_MASK,
			      acxxx_irq_unmask_value(in->dialect));
		in->state = ACXXX_INIT_DONE;
		io->next_ms = now_ms;
		return 1;
	}
	if (now_ms >= in->deadline_ms)
		return acxxx_init_fail(in, ACXXX_INIT_FAILED_TIMEOUT);
	acxxx_init_poll(in, io, reg, now_ms);
	return 0;
}

/**
 * acxxx_init_step() - advance a handshake
 * @in: handshake state
 * @now_ms: current time, same clock as acxxx_init_begin()
 * @read_val: value of the register the previous call named in
 *	@io->read_reg, read just before this call (ignored if none)
 * @io: filled with the writes to perform now, in order, the register to
 *	read before the next call and when that call is due
 *
 * Return: 0 while the handshake goes on (call again at @io->next_ms), 1
 * when the controller is ready (after performing the writes in @io: they
 * acknowledge ready and unmask interrupts), or a negative error once it
 * failed: -ENODEV if the device reads as all-ones three times in a row
 * (gone; a single all-ones read is polled again), -ETIMEDOUT if
 * the firmware did not run or did not report ready in time, -ERANGE if
 * the high address cannot be announced.  After 1 or an error, further
 * calls return the same result and ask for nothing.
 */
int acxxx_init_step(struct acxxx_init *in, u64 now_ms, u32 read_val,
		    struct acxxx_init_io *io)
{
	memset(io, 0, sizeof(*io));
	io->read_reg = ACXXX_INIT_NO_READ;
	io->next_ms = now_ms;

	switch (in->state) {
	case ACXXX_INIT_START:
		return acxxx_init_start(in, now_ms, io);
	case ACXXX_INIT_FW_WAIT:
		in->reads++;
		return acxxx_init_fw_wait(in, now_ms, read_val, io);
	case ACXXX_INIT_RESET_WAIT:
		return acxxx_init_reset_wait(in, now_ms, io);
	case ACXXX_INIT_READY_WAIT:
		in->reads++;
		return acxxx_init_ready_wait(in, now_ms, read_val, io);
	case ACXXX_INIT_DONE:
		return 1;
	default:
		return acxxx_init_fail(in, in->state);
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_init_step);
