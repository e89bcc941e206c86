// OperatorClient: baton-cli's connection to a node's operator API (-cliAddr, plain HTTP), the
// same requests go-livepeer's livepeer_cli sends (doc/ops.md 2 and 3): reads are GETs with a
// query string, writes POST an application/x-www-form-urlencoded body. When the node wants its
// operator token (a non-loopback -cliAddr, or -cliAuth) the client sends it as a Bearer token,
// read from <dataDir>/operator.cookie (operator/access_guard.h).
//
// Explain() turns a failed call into the sentence an operator reads, ending with what to do
// next (start the node, pass --datadir, start it on a chain, ...).
//
// One client per thread (it owns one libcurl handle, net/http_client.h).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "net/http_client.h"

namespace baton::cli {

using Params = std::vector<std::pair<std::string, std::string>>;

struct OperatorEndpoint {
  std::string host = "127.0.0.1";  // go-livepeer's -cliAddr default
  int port = 7935;
  std::string token;       // "" sends none
  std::string token_file;  // where the token came from, for messages
};

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  bool ok() const { return status == 200; }
};

// application/x-www-form-urlencoded, as Go's url.Values.Encode (keys in the given order).
std::string FormEncode(const Params& params);

// The token in <data_dir>/operator.cookie, or "" when there is none (or it is unreadable).
std::string ReadCookie(const std::string& data_dir);

class OperatorClient {
 public:
  explicit OperatorClient(OperatorEndpoint endpoint);

  absl::StatusOr<Reply> Get(const std::string& path, const Params& query = {});
  // Transactions answer once mined: the deadline is long (`timeout`).
  absl::StatusOr<Reply> Post(const std::string& path, const Params& form,
                             const http::HttpHeaders& extra_headers = {},
                             std::chrono::seconds timeout = std::chrono::seconds(900));

  const OperatorEndpoint& endpoint() const { return endpoint_; }
  std::string BaseUrl() const;

 private:
  absl::StatusOr<Reply> Send(http::ClientRequest request);

  OperatorEndpoint endpoint_;
  http::HttpClient http_;
};

// What went wrong with `path` and what to do next; "" when `reply` is a 200.
std::string Explain(const OperatorEndpoint& endpoint, const std::string& path,
                    const absl::StatusOr<Reply>& reply);

}  // namespace baton::cli
