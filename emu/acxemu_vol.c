// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxemu: RAID volumes (spec 16.20).
 *
 * A volume is a sparse file or a memory buffer of 512-byte blocks behind a
 * write-back cache.  The cache holds only dirty data, in lines of 64
 * blocks with a per-block dirty mask.  Only SYNCHRONIZE CACHE, FUA writes,
 * cache pressure (more than max_dirty_lines lines: the oldest are written
 * back first), STOP UNIT and a clean stop reach the medium; a power loss
 * discards the cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acxemu_priv.h"

static u64 fnv1a(u64 h, const void *p, size_t n)
{
	const u8 *b = p;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_naa(struct emu_vol *vol, const char *s)
{
	size_t n = strlen(s), i;

	if ((n != 16 && n != 32) || (s[0] != '3' && s[0] != '5' && s[0] != '6'))
		return -EINVAL;
	/* NAA 6 is 16 bytes, 3 and 5 are 8 */
	if ((s[0] == '6' && n != 32) || (s[0] != '6' && n == 32))
		return -EINVAL;
	for (i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		vol->naa[i / 2] = hi << 4 | lo;
	}
	vol->naa_len = n / 2;
	return 0;
}

void naa_to_hex(const struct emu_vol *vol, char *out, size_t len)
{
	unsigned int i;

	if (!len)
		return;
	out[0] = 0;
	for (i = 0; i < vol->naa_len && 2 * i + 2 < len; i++)
		snprintf(out + 2 * i, 3, "%02x", vol->naa[i]);
}

int vol_open(struct emu_vol **out, const struct acxemu_volume_config *cfg,
	     const char *ctrl_serial, u64 max_dirty, char *errbuf,
	     size_t errlen)
{
	struct emu_vol *vol;
	u64 size = cfg->size;
	u64 h;
	unsigned int i;
	int rc;

	if (cfg->lun >= ACXXX_MAX_LUNS || (size % EMU_BLOCK) ||
	    (!cfg->path && !size)) {
		snprintf(errbuf, errlen, "lun %u: bad lun or size", cfg->lun);
		return -EINVAL;
	}
	vol = calloc(1, sizeof(*vol));
	if (!vol)
		return -ENOMEM;
	vol->lun = cfg->lun;
	vol->fd = -1;
	list_init(&vol->dirty_fifo);
	pthread_mutex_init(&vol->lock, NULL);
	vol->max_dirty_lines = max_dirty / CLINE_BYTES;
	if (!vol->max_dirty_lines)
		vol->max_dirty_lines = 1;

	if (cfg->serial) {
		if (!cfg->serial[0] || strlen(cfg->serial) > 32) {
			snprintf(errbuf, errlen,
				 "lun %u: serial must be 1..32 characters",
				 cfg->lun);
			rc = -EINVAL;
			goto fail;
		}
		snprintf(vol->serial, sizeof(vol->serial), "%s", cfg->serial);
	} else {
		snprintf(vol->serial, sizeof(vol->serial), "%s-L%02u",
			 ctrl_serial, cfg->lun);
	}
	if (cfg->naa) {
		if (parse_naa(vol, cfg->naa)) {
			snprintf(errbuf, errlen,
				 "lun %u: naa must be 16 hex digits starting with 3 or 5, or 32 starting with 6",
				 cfg->lun);
			rc = -EINVAL;
			goto fail;
		}
	} else {
		/* NAA 3 (locally assigned): stable, unique per controller+LUN */
		h = fnv1a(0xcbf29ce484222325ull, ctrl_serial, strlen(ctrl_serial));
		h = fnv1a(h, &vol->lun, sizeof(vol->lun));
		h = (h & 0x0FFFFFFFFFFFFFFFull) | 0x3000000000000000ull;
		for (i = 0; i < 8; i++)
			vol->naa[i] = h >> (56 - 8 * i);
		vol->naa_len = 8;
	}

	if (cfg->path) {
		off_t cur;

		snprintf(vol->path, sizeof(vol->path), "%s", cfg->path);
		vol->fd = open(cfg->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		/*
		 * lseek rather than fstat: <sys/stat.h> pulls <linux/types.h>,
		 * whose __le64 clashes with userspace/acxxx_user.h.
		 */
		cur = vol->fd < 0 ? -1 : lseek(vol->fd, 0, SEEK_END);
		if (cur < 0) {
			rc = -errno;
			snprintf(errbuf, errlen, "lun %u: %s: %s", cfg->lun,
				 cfg->path, strerror(errno));
			goto fail;
		}
		if (!size)
			size = (u64)cur & ~(u64)(EMU_BLOCK - 1);
		if (!size) {
			snprintf(errbuf, errlen,
				 "lun %u: %s is empty and no size given",
				 cfg->lun, cfg->path);
			rc = -EINVAL;
			goto fail;
		}
		if ((u64)cur < size && ftruncate(vol->fd, size)) {
			rc = -errno;
			snprintf(errbuf, errlen, "lun %u: extend %s: %s",
				 cfg->lun, cfg->path, strerror(errno));
			goto fail;
		}
	} else {
		vol->mem = calloc(1, size);
		if (!vol->mem) {
			snprintf(errbuf, errlen,
				 "lun %u: cannot allocate %llu bytes",
				 cfg->lun, (unsigned long long)size);
			rc = -ENOMEM;
			goto fail;
		}
	}
	vol->size = size;
	vol->nblocks = size / EMU_BLOCK;
	*out = vol;
	return 0;

fail:
	if (vol->fd >= 0)
		close(vol->fd);
	pthread_mutex_destroy(&vol->lock);
	free(vol);
	return rc;
}

/* ---- backing medium ------------------------------------------------------- */

static int medium_read(struct emu_vol *vol, u64 off, void *buf, size_t len)
{
	u8 *p = buf;

	if (vol->fd < 0) {
		memcpy(buf, vol->mem + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(vol->fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -EIO;
		if (!n) {			/* past EOF: sparse zeros */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int medium_write(struct emu_vol *vol, u64 off, const void *buf,
			size_t len)
{
	const u8 *p = buf;

	if (vol->fd < 0) {
		memcpy(vol->mem + off, buf, len);
		return 0;
	}
	while (len) {
		ssize_t n = pwrite(vol->fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int vol_read_medium(struct emu_vol *vol, u64 off, void *buf, size_t len)
{
	int rc;

	if (off > vol->size || len > vol->size - off)
		return -EINVAL;
	pthread_mutex_lock(&vol->lock);
	rc = medium_read(vol, off, buf, len);
	pthread_mutex_unlock(&vol->lock);
	return rc;
}

/* ---- cache ------------------------------------------------------------------ */

static struct cline **bucket(struct emu_vol *vol, u64 idx)
{
	return &vol->buckets[(idx * 0x9E3779B97F4A7C15ull >> 40) % CACHE_BUCKETS];
}

static struct cline *cline_find(struct emu_vol *vol, u64 idx)
{
	struct cline *c;

	for (c = *bucket(vol, idx); c; c = c->hnext)
		if (c->idx == idx)
			return c;
	return NULL;
}

static void cline_free(struct emu_vol *vol, struct cline *c)
{
	struct cline **pp = bucket(vol, c->idx);

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	list_del(&c->dnode);
	vol->dirty_lines--;
	free(c);
}

/* Write back the dirty blocks of @c selected by @mask; clears them. */
static int cline_writeback(struct emu_vol *vol, struct cline *c, u64 mask)
{
	u64 todo = c->dirty & mask;
	unsigned int b = 0;

	while (b < CLINE_BLOCKS) {
		unsigned int e;

		if (!(todo & (1ull << b))) {
			b++;
			continue;
		}
		for (e = b; e < CLINE_BLOCKS && (todo & (1ull << e)); e++)
			;
		if (medium_write(vol, (c->idx * CLINE_BLOCKS + b) * EMU_BLOCK,
				 c->data + b * EMU_BLOCK, (e - b) * EMU_BLOCK))
			return -EIO;
		b = e;
	}
	c->dirty &= ~todo;
	if (!c->dirty)
		cline_free(vol, c);
	return 0;
}

static u64 range_mask(u64 line, u64 lba, u64 end)
{
	u64 first = line * CLINE_BLOCKS, last = first + CLINE_BLOCKS;
	u64 s, e;

	if (end <= first || lba >= last)
		return 0;
	s = lba > first ? lba - first : 0;
	e = end < last ? end - first : CLINE_BLOCKS;
	if (e - s == 64)
		return ~0ull;
	return ((1ull << (e - s)) - 1) << s;
}

int vol_read(struct emu_vol *vol, u64 lba, u32 nblocks, u8 *buf)
{
	u64 end = lba + nblocks, line;
	int rc;

	pthread_mutex_lock(&vol->lock);
	rc = medium_read(vol, lba * EMU_BLOCK, buf, (size_t)nblocks * EMU_BLOCK);
	for (line = lba / CLINE_BLOCKS; !rc && line * CLINE_BLOCKS < end; line++) {
		struct cline *c = cline_find(vol, line);
		u64 m, b;

		if (!c)
			continue;
		m = c->dirty & range_mask(line, lba, end);
		for (b = 0; b < CLINE_BLOCKS; b++)
			if (m & (1ull << b))
				memcpy(buf + (line * CLINE_BLOCKS + b - lba) * EMU_BLOCK,
				       c->data + b * EMU_BLOCK, EMU_BLOCK);
	}
	pthread_mutex_unlock(&vol->lock);
	return rc;
}

int vol_write(struct emu_vol *vol, u64 lba, u32 nblocks,
	      const u8 *buf, bool fua, u64 *writebacks)
{
	u64 end = lba + nblocks, line;
	int rc = 0;

	pthread_mutex_lock(&vol->lock);
	if (fua) {
		/* through to the medium; cached copies become clean */
		rc = medium_write(vol, lba * EMU_BLOCK, buf,
				  (size_t)nblocks * EMU_BLOCK);
		for (line = lba / CLINE_BLOCKS; !rc && line * CLINE_BLOCKS < end;
		     line++) {
			struct cline *c = cline_find(vol, line);

			if (c) {
				c->dirty &= ~range_mask(line, lba, end);
				if (!c->dirty)
					cline_free(vol, c);
			}
		}
		goto out;
	}
	for (line = lba / CLINE_BLOCKS; line * CLINE_BLOCKS < end; line++) {
		struct cline *c = cline_find(vol, line);
		u64 m = range_mask(line, lba, end), b;

		if (!c) {
			c = malloc(sizeof(*c));
			if (!c) {
				rc = -ENOMEM;
				goto out;
			}
			c->idx = line;
			c->dirty = 0;
			c->hnext = *bucket(vol, line);
			*bucket(vol, line) = c;
			list_add_tail(&c->dnode, &vol->dirty_fifo);
			vol->dirty_lines++;
		}
		for (b = 0; b < CLINE_BLOCKS; b++)
			if (m & (1ull << b))
				memcpy(c->data + b * EMU_BLOCK,
				       buf + (line * CLINE_BLOCKS + b - lba) * EMU_BLOCK,
				       EMU_BLOCK);
		c->dirty |= m;
	}
	/* cache pressure: write back the oldest lines */
	while (vol->dirty_lines > vol->max_dirty_lines) {
		struct cline *c = container_of(vol->dirty_fifo.next,
					       struct cline, dnode);

		rc = cline_writeback(vol, c, ~0ull);
		if (rc)
			break;
		(*writebacks)++;
	}
out:
	pthread_mutex_unlock(&vol->lock);
	return rc;
}

int vol_flush(struct emu_vol *vol, u64 lba, u64 nblocks)
{
	u64 end = lba + nblocks;
	struct list_node *n, *next;
	int rc = 0;

	pthread_mutex_lock(&vol->lock);
	for (n = vol->dirty_fifo.next; n != &vol->dirty_fifo; n = next) {
		struct cline *c = container_of(n, struct cline, dnode);
		u64 m;

		next = n->next;
		m = range_mask(c->idx, lba, end);
		if (m && cline_writeback(vol, c, m))
			rc = -EIO;
	}
	if (!rc && vol->fd >= 0 && fdatasync(vol->fd))
		rc = -EIO;
	pthread_mutex_unlock(&vol->lock);
	return rc;
}

void vol_discard_cache(struct emu_vol *vol)
{
	pthread_mutex_lock(&vol->lock);
	while (!list_empty(&vol->dirty_fifo))
		cline_free(vol, container_of(vol->dirty_fifo.next,
					     struct cline, dnode));
	pthread_mutex_unlock(&vol->lock);
}

u64 vol_dirty_bytes(struct emu_vol *vol)
{
	struct list_node *n;
	u64 bytes = 0;

	pthread_mutex_lock(&vol->lock);
	for (n = vol->dirty_fifo.next; n != &vol->dirty_fifo; n = n->next) {
		struct cline *cl = container_of(n, struct cline, dnode);

		bytes += (u64)__builtin_popcountll(cl->dirty) * EMU_BLOCK;
	}
	pthread_mutex_unlock(&vol->lock);
	return bytes;
}

s64 vol_medium_error(struct emu_vol *vol, u64 lba, u64 n, bool write)
{
	s64 first = -1;
	unsigned int i;

	pthread_mutex_lock(&vol->lock);
	for (i = 0; i < vol->nmedium; i++) {
		const struct medium_err *m = &vol->medium[i];
		u64 s;

		if (!(write ? m->on_write : m->on_read))
			continue;
		if (m->last < lba || m->first >= lba + n)
			continue;
		s = m->first > lba ? m->first : lba;
		if (first < 0 || (s64)s < first)
			first = s;
	}
	pthread_mutex_unlock(&vol->lock);
	return first;
}

void vol_close(struct emu_vol *vol, bool flush)
{
	if (flush)
		vol_flush(vol, 0, vol->nblocks);
	vol_discard_cache(vol);
	if (vol->fd >= 0)
		close(vol->fd);
	free(vol->mem);
	pthread_mutex_destroy(&vol->lock);
	free(vol);
}

/* ---- the volume table ------------------------------------------------------ */

struct emu_vol *vol_get_locked(struct acxemu *emu, unsigned int lun)
{
	struct emu_vol *vol;

	if (lun >= ACXXX_MAX_LUNS)
		return NULL;
	vol = emu->vols[lun];
	if (vol)
		vol->refs++;
	return vol;
}

void vol_put(struct acxemu *emu, struct emu_vol *vol)
{
	bool close_it;

	pthread_mutex_lock(&emu->lock);
	close_it = --vol->refs == 0 && vol->removed;
	pthread_mutex_unlock(&emu->lock);
	if (close_it)
		vol_close(vol, !emu->dead);
}
