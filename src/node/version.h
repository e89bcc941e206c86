// Version strings. Baton has its own version (the CMake project version: -version, /status,
// logs); to gateways it advertises, in Capabilities.version, the go-livepeer release whose
// protocol it speaks, because go-livepeer gateways filter orchestrators on that field with
// -orchMinLivepeerVersion (a semver comparison that ignores pre-release and build metadata,
// doc/wire.md 6.4; go-livepeer core/capabilities.go LivepeerVersionCompatibleWith). Baton's own
// version rides along as build metadata, so the field still says which software answers.
#pragma once

namespace baton::node {

#ifndef BATON_VERSION
#define BATON_VERSION "0.0.0-dev"
#endif
inline constexpr const char kVersion[] = BATON_VERSION;

// The newest go-livepeer release (v0.9.2) whose orchestrator protocol Baton implements.
#define BATON_LIVEPEER_COMPATIBLE_VERSION "0.9.2"
inline constexpr const char kLivepeerCompatibleVersion[] = BATON_LIVEPEER_COMPATIBLE_VERSION;

// Capabilities.version, e.g. "0.9.2+baton.0.1.0": a gateway asking for at most 0.9.2 selects
// Baton, and one asking for a later go-livepeer release does not.
inline constexpr const char kCapabilityVersion[] =
    BATON_LIVEPEER_COMPATIBLE_VERSION "+baton." BATON_VERSION;

}  // namespace baton::node
