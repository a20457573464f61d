/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* The model's internals, shared by runtime.cpp and family.cpp. */
#ifndef DKMODEL_MODEL_H
#define DKMODEL_MODEL_H

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "DriverKit/DriverKit.h"

struct IOService::Svc {
	std::map<std::string, IODispatchQueue *> queues;
	OSDictionary *props = nullptr;
	~Svc() { OSSafeReleaseNULL(props); }
};

struct IOPCIDevice::Dev {
	struct acxemu *emu;
	uint16_t vendor, device;
	uint8_t bar;
	bool open = false;
	std::mutex irq_lock;
	std::vector<IOInterruptDispatchSource::Src *> irqs;
};

IODispatchQueue::Impl *dkq_create(const char *name);
void dkq_destroy(IODispatchQueue::Impl *q);
void dkq_post(IODispatchQueue::Impl *q, std::function<void()> fn);
void dkq_sync(IODispatchQueue::Impl *q, const std::function<void()> &fn,
	      const char *what);
IODispatchQueue::Impl *dkq_current(void);
void dkq_label(const char *what);
uint64_t bus_map(uint8_t *cpu, uint64_t len);
void bus_unmap(uint64_t iova);

#endif
