// Capabilities: what a node can do and what a job requires (doc/wire.md section 6).
//
// The numbers and their bitstring are in common/capability.h. On the wire a set is that
// bitstring plus per-capability capacities, a version string and optional constraints. This
// file holds the protobuf side, the sets the node advertises and the compatibility rule the
// node applies to each job. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ai/runner_pool.h"
#include "common/capability.h"
#include "lp_rpc.pb.h"

namespace baton::orchestrator {

// go-livepeer's display name ("H.264", "Text to image", ...); "" for unknown numbers.
std::string CapabilityName(int capability);
// Pipeline name ("live-video-to-video") to capability, as core/ai.go does; -2 when unknown.
int PipelineToCapability(const std::string& pipeline);

// go-livepeer's DefaultCapabilities {0-12, 14, 26}: encodes as the single word 0x4005FFF.
std::set<int> DefaultCapabilities();

// What an orchestrator of this build can do without a worker attached: the protocol-level
// features (workers add their codecs and pipelines).
std::set<int> OrchestratorFeatureCapabilities();

std::set<int> DecodeBitstring(const google::protobuf::RepeatedField<uint64_t>& words);

// The capability message a node advertises: bitstring, empty mandatories, capacity 1 per
// capability, the build version.
net::Capabilities MakeCapabilities(const std::set<int>& caps, const std::string& version);

// Adds AI models (doc/ai.md 5) to a node's capabilities: each pipeline's bit, and per model the
// constraint {warm, capacity = free runners now, runnerVersion, capacityInUse}.
void AddAiModels(net::Capabilities& caps, const std::vector<ai::ModelState>& models);

// Is a requester (a gateway's or a segment's requirements) satisfied by a provider (this
// node)? Rules of doc/wire.md 6.4: minimum version, mandatories, per-model constraints, and
// the requester's bitstring being a subset of the provider's.
bool CompatibleWith(const net::Capabilities& requester, const net::Capabilities& provider);

// Semantic version comparison with pre-release suffixes ignored. Returns false when `version`
// cannot be parsed; true when `minimum` cannot be parsed (go-livepeer's behaviour).
bool VersionAtLeast(const std::string& version, const std::string& minimum);

// Rejects a requester whose version constraints (minVersion, per-model runnerVersion) hold a
// number beyond uint64: InvalidArgument naming the field. Other malformed versions pass, as in
// go-livepeer (VersionAtLeast then ignores them).
absl::Status CheckConstraintNumbers(const net::Capabilities& requester);

}  // namespace baton::orchestrator
