#include "gateway/result_verifier.h"

#include "crypto/eth_sign.h"
#include "crypto/keccak.h"
#include "gateway/pixel_counter.h"

namespace baton::gateway {

std::optional<crypto::Address> ExpectedResultSigner(const ::net::OrchestratorInfo& info) {
  crypto::Address address = crypto::Address::FromBytesGoStyle(info.address());
  if (!address.IsZero()) return address;
  crypto::Address recipient = crypto::Address::FromBytesGoStyle(info.ticket_params().recipient());
  if (!recipient.IsZero()) return recipient;
  return std::nullopt;
}

std::string RenditionHashes(const std::vector<std::string>& renditions) {
  std::string hashes;
  for (const std::string& rendition : renditions) hashes += crypto::Keccak256(rendition);
  return hashes;
}

absl::Status VerifyResultSignature(const crypto::Address& signer,
                                   const std::vector<std::string>& renditions,
                                   const std::string& sig) {
  if (sig.empty()) {
    return absl::PermissionDeniedError("results are unsigned, expected a signature by " +
                                       signer.ChecksumHex());
  }
  if (!crypto::VerifySig(signer, RenditionHashes(renditions), sig)) {
    return absl::PermissionDeniedError("result signature does not verify against " +
                                       signer.ChecksumHex());
  }
  return absl::OkStatus();
}

absl::Status VerifyPixels(const std::string& rendition, int64_t reported_pixels) {
  absl::StatusOr<DecodedCount> count = CountDecodedPixels(rendition);
  if (!count.ok()) return count.status();
  if (count->pixels != reported_pixels) {
    return absl::DataLossError("pixel mismatch: reported " + std::to_string(reported_pixels) +
                               ", decoded " + std::to_string(count->pixels) + " (" +
                               std::to_string(count->frames) + " frames)");
  }
  return absl::OkStatus();
}

}  // namespace baton::gateway
