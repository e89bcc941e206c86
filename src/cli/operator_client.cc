#include "cli/operator_client.h"

#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "nlohmann/json.hpp"

namespace baton::cli {
namespace {

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The node's error text: a JSON {"error": ...} (ours) or plain text (go-livepeer's).
std::string ErrorText(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("error") && json["error"].is_string())
    return json["error"].get<std::string>();
  std::string text(absl::StripAsciiWhitespace(body));
  if (text.size() > 400) text = text.substr(0, 400) + "...";
  return text;
}

}  // namespace

std::string FormEncode(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += UrlEncode(name) + "=" + UrlEncode(value);
  }
  return out;
}

std::string ReadCookie(const std::string& data_dir) {
  std::ifstream in(data_dir + "/operator.cookie");
  if (!in) return "";
  std::string token((std::istreambuf_iterator<char>(in)), {});
  return std::string(absl::StripAsciiWhitespace(token));
}

OperatorClient::OperatorClient(OperatorEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

std::string OperatorClient::BaseUrl() const {
  const bool v6 = endpoint_.host.find(':') != std::string::npos && endpoint_.host[0] != '[';
  return "http://" + (v6 ? "[" + endpoint_.host + "]" : endpoint_.host) + ":" +
         std::to_string(endpoint_.port);
}

absl::StatusOr<Reply> OperatorClient::Send(http::ClientRequest request) {
  request.version = http::ClientHttpVersion::kHttp1;
  if (!endpoint_.token.empty()) request.headers.Set("authorization", "Bearer " + endpoint_.token);
  auto response = http_.Send(request);
  if (!response.ok()) return response.status();
  Reply reply;
  reply.status = response->status;
  reply.body = std::move(response->body);
  reply.content_type = response->headers.Get("content-type").value_or("");
  return reply;
}

absl::StatusOr<Reply> OperatorClient::Get(const std::string& path, const Params& query) {
  http::ClientRequest request;
  request.url = BaseUrl() + path + (query.empty() ? "" : "?" + FormEncode(query));
  request.total_timeout = std::chrono::seconds(60);
  return Send(std::move(request));
}

absl::StatusOr<Reply> OperatorClient::Post(const std::string& path, const Params& form,
                                           const http::HttpHeaders& extra_headers,
                                           std::chrono::seconds timeout) {
  const std::string body = FormEncode(form);
  http::ClientRequest request;
  request.method = "POST";
  request.url = BaseUrl() + path;
  request.headers = extra_headers;
  request.headers.Set("content-type", "application/x-www-form-urlencoded");
  request.body = body;
  request.has_body = true;
  request.total_timeout = timeout;
  return Send(std::move(request));
}

std::string Explain(const OperatorEndpoint& endpoint, const std::string& path,
                    const absl::StatusOr<Reply>& reply) {
  const std::string where = "http://" + endpoint.host + ":" + std::to_string(endpoint.port) + path;
  if (!reply.ok()) {
    if (reply.status().code() == absl::StatusCode::kDeadlineExceeded)
      return where + ": no answer in time (" + std::string(reply.status().message()) +
             "). A transaction may still be mined: check with `baton-cli status` before "
             "trying again.";
    return "cannot reach the node's operator API at " + where + " (" +
           std::string(reply.status().message()) +
           "). Is baton running? It listens on -cliAddr (default 127.0.0.1:7935); point "
           "baton-cli at it with --cli-addr HOST:PORT (or livepeer_cli's -host and -http).";
  }
  const Reply& r = *reply;
  if (r.ok()) return "";
  const std::string text = ErrorText(r.body);
  switch (r.status) {
    case 401:
      return where + ": 401, the node wants its operator token. " +
             (endpoint.token.empty()
                  ? "Run baton-cli as a user who can read the node's <dataDir>/operator.cookie "
                    "and pass --datadir <the node's -dataDir> (or --token)."
                  : "The token sent (" +
                        (endpoint.token_file.empty() ? std::string("--token")
                                                     : endpoint.token_file) +
                        ") is not this node's: the cookie is replaced at every start; pass "
                        "--datadir <the node's -dataDir>.");
    case 403:
      return where + ": 403, refused by the operator port's access guard (" + text +
             "). Call it by the -cliAddr host name, from the node's machine.";
    case 404:
      if (path == "/metrics")
        return where + ": 404, metrics are off. Start the node with -monitor.";
      return where + ": 404, this node does not serve " + path +
             ". It may be older than this baton-cli, or the action needs something the node "
             "was not started with (an account, a chain).";
    case 405:
      return where + ": 405, the node does not take this method here (" + text +
             "). Update baton-cli or the node so they match.";
    default:
      break;
  }
  if (absl::StrContains(text, "node has no account"))
    return where + ": " + text +
           ". Start baton with an account (-ethKeystorePath, -ethPassword; offchain too) to keep "
           "winning tickets.";
  if (absl::StrContains(text, "missing ETH client"))
    return where + ": " + text +
           ". This needs a node on a chain: start baton with -network <chain> -ethUrl <rpc> "
           "(and its -ethKeystorePath/-ethPassword).";
  if (r.status == 400)
    return where + ": " + text +
           " (400). Check the values given: `baton-cli help` lists each "
           "action's options.";
  return where + ": " + std::to_string(r.status) + " " + text +
         (r.status >= 500 ? ". The node's log has the details." : "");
}

}  // namespace baton::cli
