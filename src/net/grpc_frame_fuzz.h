// The body of the gRPC frame decoder fuzz target, as a plain function so unit tests can run it
// over sample inputs too. It splits the input at a data-derived point, feeds both halves, and
// checks the decoder's invariants (aborting on a violation). Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace baton::http {

void FuzzGrpcFrameDecoder(const uint8_t* data, size_t size);

}  // namespace baton::http
