#include "net/grpc_frame.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/hex.h"

namespace baton::http {

std::string EncodeGrpcFrame(std::string_view message) {
  std::string frame;
  frame.reserve(kGrpcFramePrefixBytes + message.size());
  const uint32_t length = static_cast<uint32_t>(message.size());
  frame.push_back('\0');
  frame.push_back(static_cast<char>((length >> 24) & 0xff));
  frame.push_back(static_cast<char>((length >> 16) & 0xff));
  frame.push_back(static_cast<char>((length >> 8) & 0xff));
  frame.push_back(static_cast<char>(length & 0xff));
  frame.append(message);
  return frame;
}

absl::Status GrpcFrameDecoder::Feed(std::string_view chunk, std::vector<std::string>& messages) {
  if (!error_.ok()) return error_;
  buffer_.append(chunk);
  size_t offset = 0;
  while (buffer_.size() - offset >= kGrpcFramePrefixBytes) {
    const auto* prefix = reinterpret_cast<const unsigned char*>(buffer_.data() + offset);
    const uint32_t length = (uint32_t{prefix[1]} << 24) | (uint32_t{prefix[2]} << 16) |
                            (uint32_t{prefix[3]} << 8) | uint32_t{prefix[4]};
    if (prefix[0] == 1) {
      error_ = absl::UnimplementedError(
          "grpc: received a compressed message but no compression was negotiated");
    } else if (prefix[0] != 0) {
      error_ = absl::InvalidArgumentError(
          absl::StrCat("grpc: invalid compressed flag ", int{prefix[0]}, " in message prefix"));
    } else if (length > max_message_bytes_) {
      error_ = absl::ResourceExhaustedError(absl::StrCat("grpc: received message larger than max (",
                                                         length, " vs. ", max_message_bytes_, ")"));
    }
    if (!error_.ok()) {
      buffer_.clear();
      return error_;
    }
    if (buffer_.size() - offset - kGrpcFramePrefixBytes < length) break;
    messages.emplace_back(buffer_, offset + kGrpcFramePrefixBytes, length);
    offset += kGrpcFramePrefixBytes + length;
  }
  buffer_.erase(0, offset);
  return absl::OkStatus();
}

GrpcCode GrpcCodeFromStatus(const absl::Status& status) {
  // absl's canonical codes use the same numbering as gRPC.
  return static_cast<GrpcCode>(static_cast<int>(status.code()));
}

absl::StatusOr<std::chrono::nanoseconds> ParseGrpcTimeout(std::string_view value) {
  if (value.size() < 2 || value.size() > 9) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grpc-timeout: malformed value \"", absl::string_view(value.data(), value.size()), "\""));
  }
  int64_t amount = 0;
  for (char c : value.substr(0, value.size() - 1)) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError("grpc-timeout: the amount must be ASCII digits");
    }
    amount = amount * 10 + (c - '0');
  }
  using namespace std::chrono;
  switch (value.back()) {
    case 'H':
      return duration_cast<nanoseconds>(hours(amount));
    case 'M':
      return duration_cast<nanoseconds>(minutes(amount));
    case 'S':
      return duration_cast<nanoseconds>(seconds(amount));
    case 'm':
      return duration_cast<nanoseconds>(milliseconds(amount));
    case 'u':
      return duration_cast<nanoseconds>(microseconds(amount));
    case 'n':
      return nanoseconds(amount);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("grpc-timeout: unknown unit '", std::string(1, value.back()), "'"));
  }
}

std::string FormatGrpcTimeout(std::chrono::nanoseconds timeout) {
  constexpr int64_t kMaxAmount = 99999999;
  const int64_t ns = timeout.count() < 0 ? 0 : timeout.count();
  struct Unit {
    int64_t nanos;
    char suffix;
  };
  static constexpr Unit kUnits[] = {{1, 'n'},
                                    {1000, 'u'},
                                    {1000000, 'm'},
                                    {1000000000, 'S'},
                                    {60LL * 1000000000, 'M'},
                                    {3600LL * 1000000000, 'H'}};
  for (const Unit& unit : kUnits) {
    // Round up so a deadline is never shortened by the encoding.
    const int64_t amount = (ns + unit.nanos - 1) / unit.nanos;
    if (amount <= kMaxAmount) return absl::StrCat(amount, std::string(1, unit.suffix));
  }
  return absl::StrCat(kMaxAmount, "H");
}

std::string PercentEncodeGrpcMessage(std::string_view message) {
  std::string encoded;
  encoded.reserve(message.size());
  for (unsigned char c : message) {
    if (c >= 0x20 && c <= 0x7e && c != '%') {
      encoded.push_back(static_cast<char>(c));
    } else {
      char escape[4];
      std::snprintf(escape, sizeof(escape), "%%%02X", c);
      encoded.append(escape, 3);
    }
  }
  return encoded;
}

std::string PercentDecodeGrpcMessage(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      const int high = HexDigitValue(encoded[i + 1]);
      const int low = HexDigitValue(encoded[i + 2]);
      if (high >= 0 && low >= 0) {
        decoded.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    decoded.push_back(encoded[i]);
  }
  return decoded;
}

}  // namespace baton::http
