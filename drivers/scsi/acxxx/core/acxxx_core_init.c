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

/* ---------------------------------------------------------------------- */
/* Start and stop sequences                                                */

enum {
	ACXXX_SEQ_S_FRAMES = 0,
	ACXXX_SEQ_S_PAGE0,
	ACXXX_SEQ_S_EVSW,
	ACXXX_SEQ_S_FLUSH,
	ACXXX_SEQ_S_EVOFF,
	ACXXX_SEQ_S_SCRATCH2,
	ACXXX_SEQ_S_DETACH,
	ACXXX_SEQ_S_DONE,
	ACXXX_SEQ_S_FAILED,
};

/**
 * acxxx_start_begin() - start the sequence that follows a handshake
 * @s: sequence state to initialise
 * @c: controller (after the handshake; acxxx_ctl_reset() done)
 * @id: where page 0 goes; NULL skips the page 0 read (a re-init, whose
 *	LUN map is read again by the rescan that follows it)
 *
 * The sequence (bring-up, re-init, resume): return every reply frame,
 * read page 0, turn firmware events on, then on the 2208/3108 write
 * SCRATCH2 <- normal (8.3).  A page 0 that cannot be read fails the
 * start; events that cannot be turned on do not (@s->evsw_err says so:
 * volume changes then need a manual rescan).
 */
void acxxx_start_begin(struct acxxx_seq *s, const struct acxxx_ctl *c,
		       struct acxxx_ident *id)
{
	memset(s, 0, sizeof(*s));
	s->caps = c->caps;
	s->hi = c->hi;
	s->id = id;
	s->state = ACXXX_SEQ_S_FRAMES;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_start_begin);

/**
 * acxxx_stop_begin() - start the sequence that leaves the controller quiet
 * @s: sequence state to initialise
 * @c: controller
 * @lun_map: the volumes (ACXXX_LUN_ABSENT marks none), flushed in order
 * @events_on: firmware events are on: turn them off
 * @talk: the firmware runs and serves requests (not paused, not offline)
 * @present: the device is still there (writes reach it)
 *
 * The sequence (detach, shutdown): flush every volume's cache (16.19),
 * turn events off, mask interrupts and re-init the message interface so
 * the firmware forgets the host's reply frames before their memory is
 * freed (16.11): HOST_MSG0 <- high address on the 341, IN_DOORBELL <-
 * reset on the 2208/3108.  Without @talk no request is made; without
 * @present nothing at all.  A failed flush or event switch is recorded
 * and the sequence goes on: a detach always completes.
 */
void acxxx_stop_begin(struct acxxx_seq *s, const struct acxxx_ctl *c,
		      const u16 *lun_map, bool events_on, bool talk,
		      bool present)
{
	memset(s, 0, sizeof(*s));
	s->stop = true;
	s->caps = c->caps;
	s->hi = c->hi;
	s->events_on = events_on;
	s->talk = talk && present;
	memcpy(s->lun_map, lun_map, sizeof(s->lun_map));
	if (!present)
		s->state = ACXXX_SEQ_S_DONE;
	else if (!s->talk)
		s->state = ACXXX_SEQ_S_DETACH;
	else
		s->state = ACXXX_SEQ_S_FLUSH;
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_stop_begin);

/**
 * acxxx_page0_result() - judge a page 0 read and parse the page
 * @c: controller (the page is in its management buffer)
 * @err: outcome of waiting for the reply (0 or a negative error)
 * @cpl: the reply, with @err 0
 * @id: the parsed page
 *
 * Return: 0; @err; -EIO if the firmware refused the request; an error of
 * acxxx_parse_page0().
 */
int acxxx_page0_result(const struct acxxx_ctl *c, int err,
		       const struct acxxx_cpl *cpl, struct acxxx_ident *id)
{
	if (err)
		return err;
	if (!cpl || cpl->kind != ACXXX_CPL_MGMT ||
	    cpl->reply_status != ACXXX_RS_SUCCESS)
		return -EIO;
	return acxxx_parse_page0(acxxx_mgmt_buf(c), ACXXX_PAGE_SIZE, id);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_page0_result);

static void acxxx_seq_req(struct acxxx_seq_io *io, u8 req, u16 slot,
			  u32 timeout_s)
{
	io->act = ACXXX_ACT_REQUEST;
	io->req = req;
	io->slot = slot;
	io->timeout_s = timeout_s;
}

static void acxxx_seq_wr(struct acxxx_seq_io *io, u32 reg, u32 val)
{
	io->act = ACXXX_ACT_WRITE;
	io->wr[io->nr_wr].reg = reg;
	io->wr[io->nr_wr].val = val;
	io->nr_wr++;
}

/* Judge an event switch; the SCRATCH2 write follows a successful one. */
static bool acxxx_seq_evsw_done(struct acxxx_seq *s, int err,
				const struct acxxx_cpl *cpl, bool on)
{
	if (!err && (!cpl || cpl->kind != ACXXX_CPL_EVSW ||
		     cpl->reply_status != ACXXX_RS_SUCCESS))
		err = -EIO;
	s->evsw_err = err;
	s->last_err = err;
	if (err)
		return false;
	s->events_on = on;
	return s->caps->scratch2_after_evsw;
}

/* Stop: the next volume to flush, from @s->next_lun on. */
static bool acxxx_seq_next_flush(struct acxxx_seq *s, struct acxxx_seq_io *io)
{
	while (s->next_lun < ACXXX_MAX_LUNS) {
		u8 lun = s->next_lun++;

		if (s->lun_map[lun] == ACXXX_LUN_ABSENT)
			continue;
		acxxx_seq_req(io, ACXXX_SEQ_FLUSH, ACXXX_SLOT_INTERNAL,
			      ACXXX_SEQ_FLUSH_TIMEOUT);
		io->lun = lun;
		return true;
	}
	return false;
}

static int acxxx_seq_detach(struct acxxx_seq *s, struct acxxx_seq_io *io)
{
	acxxx_seq_wr(io, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	acxxx_seq_wr(io, s->caps->detach_reg,
		     s->caps->detach_reg == ACXXX_REG_HOST_MSG0 ?
		     s->hi : ACXXX_IDB_RESET);
	s->state = ACXXX_SEQ_S_DONE;
	return 1;
}

static int acxxx_stop_step(struct acxxx_seq *s, int err,
			   const struct acxxx_cpl *cpl,
			   struct acxxx_seq_io *io)
{
	switch (s->state) {
	case ACXXX_SEQ_S_FLUSH:
		if (s->next_lun) {
			/* The outcome of the flush of volume next_lun - 1. */
			if (!err && (!cpl || cpl->kind != ACXXX_CPL_SCSI ||
				     cpl->reply_status != ACXXX_RS_SUCCESS ||
				     cpl->scsi_status))
				err = -EIO;
			s->last_err = err;
			if (err)
				s->flush_failed |= 1ULL << (s->next_lun - 1);
		}
		if (acxxx_seq_next_flush(s, io))
			return 0;
		s->state = ACXXX_SEQ_S_EVOFF;
		if (s->events_on) {
			acxxx_seq_req(io, ACXXX_SEQ_EVENTS_OFF, ACXXX_SLOT_EVSW,
				      ACXXX_SEQ_EVSW_TIMEOUT);
			return 0;
		}
		return acxxx_seq_detach(s, io);
	case ACXXX_SEQ_S_EVOFF:
		if (acxxx_seq_evsw_done(s, err, cpl, false)) {
			s->state = ACXXX_SEQ_S_SCRATCH2;
			acxxx_seq_wr(io, ACXXX_REG_SCRATCH2,
				     ACXXX_SCRATCH2_NORMAL);
			return 0;
		}
		return acxxx_seq_detach(s, io);
	case ACXXX_SEQ_S_SCRATCH2:
	case ACXXX_SEQ_S_DETACH:
		return acxxx_seq_detach(s, io);
	default:
		return 1;
	}
}

static int acxxx_start_step(struct acxxx_seq *s, const struct acxxx_ctl *c,
			    int err, const struct acxxx_cpl *cpl,
			    struct acxxx_seq_io *io)
{
	switch (s->state) {
	case ACXXX_SEQ_S_FRAMES:
		io->act = ACXXX_ACT_FRAMES;
		s->state = ACXXX_SEQ_S_PAGE0;
		return 0;
	case ACXXX_SEQ_S_PAGE0:
		if (s->next_lun) {
			err = acxxx_page0_result(c, err, cpl, s->id);
			s->last_err = err;
			if (err) {
				s->state = ACXXX_SEQ_S_FAILED;
				return err;
			}
			s->state = ACXXX_SEQ_S_EVSW;
			acxxx_seq_req(io, ACXXX_SEQ_EVENTS_ON, ACXXX_SLOT_EVSW,
				      ACXXX_SEQ_EVSW_TIMEOUT);
			return 0;
		}
		if (!s->id) {
			/* A re-init: the rescan that follows reads page 0. */
			s->state = ACXXX_SEQ_S_EVSW;
			acxxx_seq_req(io, ACXXX_SEQ_EVENTS_ON, ACXXX_SLOT_EVSW,
				      ACXXX_SEQ_EVSW_TIMEOUT);
			return 0;
		}
		s->next_lun = 1;	/* the read is out */
		acxxx_seq_req(io, ACXXX_SEQ_PAGE0, ACXXX_SLOT_MGMT,
			      ACXXX_SEQ_MGMT_TIMEOUT);
		return 0;
	case ACXXX_SEQ_S_EVSW:
		s->state = ACXXX_SEQ_S_DONE;
		if (acxxx_seq_evsw_done(s, err, cpl, true))
			acxxx_seq_wr(io, ACXXX_REG_SCRATCH2,
				     ACXXX_SCRATCH2_NORMAL);
		return 1;
	case ACXXX_SEQ_S_FAILED:
		return s->last_err ? s->last_err : -EIO;
	default:
		return 1;
	}
}

/**
 * acxxx_seq_step() - advance a start or stop sequence
 * @s: the sequence, from acxxx_start_begin() or acxxx_stop_begin()
 * @c: controller
 * @err: outcome of the request the previous step asked for: 0 when its
 *	reply arrived (in @cpl), else a negative error (timeout, refused,
 *	device gone); ignored after other actions
 * @cpl: that reply, or NULL
 * @io: filled with what to do now (enum acxxx_seq_act)
 *
 * Nothing here waits or touches a register: the caller does what @io
 * says, from whatever context suits it, and calls again.  For a request
 * the caller encodes it with acxxx_seq_encode() (under its controller
 * lock, like any encoder), posts it and waits; a request that could not
 * be posted is passed back as its error.
 *
 * Return: 0 while the sequence goes on; 1 when it is done, after the
 * caller made the writes of @io (if any); a negative error when a start
 * failed (page 0 could not be read: that error).  A stop never fails.
 */
int acxxx_seq_step(struct acxxx_seq *s, const struct acxxx_ctl *c, int err,
		   const struct acxxx_cpl *cpl, struct acxxx_seq_io *io)
{
	memset(io, 0, sizeof(*io));
	if (s->stop)
		return acxxx_stop_step(s, err, cpl, io);
	return acxxx_start_step(s, c, err, cpl, io);
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_seq_step);

/**
 * acxxx_seq_encode() - write the request a sequence step asked for
 * @c: controller
 * @io: the step's io, with ACXXX_ACT_REQUEST
 *
 * Page 0 clears the management buffer the page lands in.  Called under
 * the caller's controller lock, after checking that @io->slot is not
 * still held by the firmware (acxxx_slot_active()).
 *
 * Return: 0; -EINVAL for an io that asks for no request; an encoder's
 * error.
 */
int acxxx_seq_encode(struct acxxx_ctl *c, const struct acxxx_seq_io *io)
{
	static const u8 sync_cdb[10] = { 0x35 };	/* SYNCHRONIZE CACHE (10) */
	struct acxxx_scsi_cmd cmd = {
		.lun = io->lun,
		.cdb = sync_cdb,
		.cdb_len = sizeof(sync_cdb),
		.dir = ACXXX_CTL_DIR_NONE,
		.task_attr = ACXXX_CTL_ATTR_UNTAGGED,
	};
	int ret;

	if (io->act != ACXXX_ACT_REQUEST)
		return -EINVAL;
	switch (io->req) {
	case ACXXX_SEQ_PAGE0:
		ret = acxxx_encode_get_page(c, io->slot, ACXXX_PAGE_IDENTITY);
		if (!ret)
			memset(acxxx_mgmt_buf(c), 0, ACXXX_PAGE_SIZE);
		return ret;
	case ACXXX_SEQ_EVENTS_ON:
	case ACXXX_SEQ_EVENTS_OFF:
		return acxxx_encode_event_switch(c, io->slot,
						 io->req == ACXXX_SEQ_EVENTS_ON);
	case ACXXX_SEQ_FLUSH:
		return acxxx_encode_scsi(c, io->slot, &cmd);
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acxxx_seq_encode);
