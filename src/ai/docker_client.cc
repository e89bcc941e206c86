#include "ai/docker_client.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "net/http_client.h"

namespace baton::ai {
namespace {

using Json = nlohmann::json;

constexpr char kApiPrefix[] = "/v1.41";
constexpr char kDefaultSocket[] = "/var/run/docker.sock";
constexpr size_t kMaxReplyBytes = 16 << 20;  // a long container list; logs are tailed

// Safe accessors: engine replies are untrusted, so every field is type-checked and a missing or
// odd one reads as empty (json::value() would throw on a type mismatch).
std::string StringField(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool BoolField(const Json& object, const char* key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

int IntField(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    return v > 0x7fffffff ? 0x7fffffff : static_cast<int>(v);
  }
  int64_t v = it->get<int64_t>();
  if (v > 0x7fffffff) return 0x7fffffff;
  if (v < -0x7fffffff) return -0x7fffffff;
  return static_cast<int>(v);
}

std::map<std::string, std::string> StringMap(const Json& object) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  for (auto it = object.begin(); it != object.end(); ++it)
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  return out;
}

std::string StripSlash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

std::string Excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

// `keep` lists characters left as they are besides the unreserved ones: an image reference
// goes into the path as Docker's own client sends it ("/images/localhost/x:1/json").
std::string PercentEncode(std::string_view text, std::string_view keep = "") {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || keep.find(static_cast<char>(c)) != keep.npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> DockerClient::SocketPathFromDockerHost(std::string_view docker_host) {
  if (docker_host.empty()) return std::string(kDefaultSocket);
  constexpr std::string_view kUnix = "unix://";
  if (docker_host.substr(0, kUnix.size()) != kUnix || docker_host.size() == kUnix.size())
    return absl::InvalidArgumentError(
        absl::StrCat("DOCKER_HOST \"", AsAbsl(docker_host),
                     "\": only a local engine socket (unix:///path) is supported"));
  return std::string(docker_host.substr(kUnix.size()));
}

absl::StatusOr<std::string> DockerClient::SocketPathFromEnvironment() {
  const char* host = std::getenv("DOCKER_HOST");
  return SocketPathFromDockerHost(host != nullptr ? host : "");
}

DockerClient::DockerClient(std::string socket_path, std::chrono::milliseconds call_timeout)
    : socket_path_(std::move(socket_path)), call_timeout_(call_timeout) {}

absl::StatusOr<DockerClient::Reply> DockerClient::Call(const std::string& method,
                                                       const std::string& path,
                                                       const std::string* json_body,
                                                       std::chrono::milliseconds timeout) {
  http::HttpClient client;
  http::ClientRequest request;
  request.method = method;
  request.url = absl::StrCat("http://docker", kApiPrefix, path);
  request.unix_socket = socket_path_;
  request.version = http::ClientHttpVersion::kHttp1;
  request.total_timeout = timeout.count() > 0 ? timeout : call_timeout_;
  request.max_response_bytes = kMaxReplyBytes;
  request.reuse_connection = false;
  if (json_body != nullptr) {
    request.headers.Add("content-type", "application/json");
    request.body = *json_body;
    request.has_body = true;
  } else if (method == "POST") {
    request.has_body = true;  // an empty body, so libcurl sends a POST with Content-Length: 0
  }
  absl::StatusOr<http::HttpResponse> response = client.Send(request);
  if (!response.ok())
    return absl::UnavailableError(
        absl::StrCat("container engine at ", socket_path_, ": ", response.status().message()));
  return Reply{response->status, std::move(response->body)};
}

absl::StatusOr<std::string> DockerClient::Version() {
  absl::StatusOr<Reply> reply = Call("GET", "/version", nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return EngineError("version", reply->status, reply->body);
  return ParseVersionResponse(reply->body);
}

absl::StatusOr<bool> DockerClient::ImageExists(const std::string& image) {
  absl::StatusOr<Reply> reply =
      Call("GET", "/images/" + PercentEncode(image, "/:@") + "/json", nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status == 200) return true;
  if (reply->status == 404) return false;
  return EngineError("inspect image " + image, reply->status, reply->body);
}

absl::Status DockerClient::Pull(const std::string& image, std::chrono::milliseconds timeout) {
  absl::StatusOr<Reply> reply =
      Call("POST", "/images/create?fromImage=" + PercentEncode(image), nullptr, timeout);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return EngineError("pull " + image, reply->status, reply->body);
  return ParsePullStream(reply->body);
}

absl::StatusOr<std::string> DockerClient::Create(const ContainerSpec& spec) {
  const std::string body = CreateRequestBody(spec);
  absl::StatusOr<Reply> reply =
      Call("POST", "/containers/create?name=" + PercentEncode(spec.name), &body);
  if (!reply.ok()) return reply.status();
  if (reply->status != 201 && reply->status != 200)
    return EngineError("create " + spec.name, reply->status, reply->body);
  return ParseCreateResponse(reply->body);
}

absl::Status DockerClient::Start(const std::string& id) {
  absl::StatusOr<Reply> reply =
      Call("POST", "/containers/" + PercentEncode(id) + "/start", nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status == 204 || reply->status == 304) return absl::OkStatus();
  return EngineError("start " + id, reply->status, reply->body);
}

absl::StatusOr<ContainerStatus> DockerClient::Inspect(const std::string& id) {
  absl::StatusOr<Reply> reply = Call("GET", "/containers/" + PercentEncode(id) + "/json", nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return EngineError("inspect " + id, reply->status, reply->body);
  return ParseInspectResponse(reply->body);
}

absl::StatusOr<std::vector<ContainerSummary>> DockerClient::List(
    const std::map<std::string, std::string>& labels) {
  Json filter = Json::object();
  Json label_list = Json::array();
  for (const auto& [key, value] : labels) label_list.push_back(key + "=" + value);
  filter["label"] = std::move(label_list);
  absl::StatusOr<Reply> reply =
      Call("GET", "/containers/json?all=1&filters=" + PercentEncode(filter.dump()), nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return EngineError("list containers", reply->status, reply->body);
  return ParseListResponse(reply->body);
}

absl::Status DockerClient::Stop(const std::string& id, std::chrono::seconds grace) {
  absl::StatusOr<Reply> reply =
      Call("POST", absl::StrCat("/containers/", PercentEncode(id), "/stop?t=", grace.count()),
           nullptr, call_timeout_ + grace);
  if (!reply.ok()) return reply.status();
  if (reply->status == 204 || reply->status == 304) return absl::OkStatus();
  return EngineError("stop " + id, reply->status, reply->body);
}

absl::Status DockerClient::Kill(const std::string& id) {
  absl::StatusOr<Reply> reply =
      Call("POST", "/containers/" + PercentEncode(id) + "/kill?signal=KILL", nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status == 204) return absl::OkStatus();
  return EngineError("kill " + id, reply->status, reply->body);
}

absl::Status DockerClient::Remove(const std::string& id) {
  absl::StatusOr<Reply> reply =
      Call("DELETE", "/containers/" + PercentEncode(id) + "?force=1", nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status == 204 || reply->status == 200 || reply->status == 404) return absl::OkStatus();
  return EngineError("remove " + id, reply->status, reply->body);
}

absl::StatusOr<std::string> DockerClient::Logs(const std::string& id, int tail) {
  absl::StatusOr<Reply> reply = Call(
      "GET", absl::StrCat("/containers/", PercentEncode(id), "/logs?stdout=1&stderr=1&tail=", tail),
      nullptr);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return EngineError("logs " + id, reply->status, reply->body);
  return DemultiplexLogs(reply->body);
}

std::string CreateRequestBody(const ContainerSpec& spec) {
  Json body = Json::object();
  body["Image"] = spec.image;
  body["Env"] = spec.env;
  body["Labels"] = spec.labels;
  if (!spec.cmd.empty()) body["Cmd"] = spec.cmd;
  Json host = Json::object();
  const std::string port_key = absl::StrCat(spec.container_port, "/tcp");
  if (spec.host_network) {
    host["NetworkMode"] = "host";
  } else if (spec.host_port > 0) {
    body["ExposedPorts"] = Json::object({{port_key, Json::object()}});
    host["PortBindings"] = Json::object(
        {{port_key, Json::array({Json::object({{"HostIp", spec.host_ip},
                                               {"HostPort", std::to_string(spec.host_port)}})})}});
  }
  Json mounts = Json::array();
  for (const auto& [source, target] : spec.binds)
    mounts.push_back(Json::object({{"Type", "bind"}, {"Source", source}, {"Target", target}}));
  if (!mounts.empty()) host["Mounts"] = std::move(mounts);
  if (!spec.gpu_ids.empty()) {
    host["DeviceRequests"] =
        Json::array({Json::object({{"Driver", ""},
                                   {"Count", 0},
                                   {"DeviceIDs", spec.gpu_ids},
                                   {"Capabilities", Json::array({Json::array({"gpu"})})}})});
  }
  if (!spec.restart_policy.empty()) {
    Json policy = Json::object({{"Name", spec.restart_policy}});
    if (spec.restart_policy == "on-failure") policy["MaximumRetryCount"] = spec.restart_max_retries;
    host["RestartPolicy"] = std::move(policy);
  }
  body["HostConfig"] = std::move(host);
  return body.dump();
}

absl::StatusOr<std::string> ParseCreateResponse(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string id = StringField(json, "Id");
  if (id.empty())
    return absl::InternalError("container engine: create answered without an Id: " + Excerpt(body));
  return id;
}

absl::StatusOr<ContainerStatus> ParseInspectResponse(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("State") || !json["State"].is_object())
    return absl::InternalError("container engine: inspect answered without a State: " +
                               Excerpt(body));
  const Json& state = json["State"];
  ContainerStatus status;
  status.id = StringField(json, "Id");
  status.name = StripSlash(StringField(json, "Name"));
  status.status = StringField(state, "Status");
  status.running = BoolField(state, "Running");
  status.restarting = BoolField(state, "Restarting");
  status.exit_code = IntField(state, "ExitCode");
  status.error = StringField(state, "Error");
  status.restart_count = IntField(json, "RestartCount");
  return status;
}

absl::StatusOr<std::vector<ContainerSummary>> ParseListResponse(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array())
    return absl::InternalError("container engine: the container list is not a JSON array: " +
                               Excerpt(body));
  std::vector<ContainerSummary> out;
  for (const Json& item : json) {
    if (!item.is_object()) continue;
    ContainerSummary summary;
    summary.id = StringField(item, "Id");
    if (summary.id.empty()) continue;
    if (auto names = item.find("Names");
        names != item.end() && names->is_array() && !names->empty() && names->front().is_string())
      summary.name = StripSlash(names->front().get<std::string>());
    summary.state = StringField(item, "State");
    if (auto labels = item.find("Labels"); labels != item.end())
      summary.labels = StringMap(*labels);
    out.push_back(std::move(summary));
  }
  return out;
}

absl::StatusOr<std::string> ParseVersionResponse(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string version = StringField(json, "Version");
  if (version.empty())
    return absl::InternalError("container engine: /version answered without a Version: " +
                               Excerpt(body));
  return version;
}

absl::Status ParsePullStream(std::string_view body) {
  while (!body.empty()) {
    const size_t end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    std::string error = StringField(json, "error");
    if (error.empty() && json.is_object() && json.contains("errorDetail"))
      error = StringField(json["errorDetail"], "message");
    if (!error.empty()) return absl::UnavailableError("container engine: pull: " + Excerpt(error));
  }
  return absl::OkStatus();
}

absl::Status EngineError(std::string_view what, int http_status, std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string message = StringField(json, "message");
  if (message.empty()) message = Excerpt(body);
  std::string text = absl::StrCat("container engine: ", AsAbsl(what), ": HTTP ", http_status, ": ",
                                  Excerpt(message));
  switch (http_status) {
    case 400:
      return absl::InvalidArgumentError(text);
    case 404:
      return absl::NotFoundError(text);
    case 409:
      return absl::AlreadyExistsError(text);
    default:
      return http_status >= 500 ? absl::UnavailableError(text) : absl::InternalError(text);
  }
}

std::string DemultiplexLogs(std::string_view raw) {
  // A framed stream starts with a stream byte of 0, 1 or 2 and three zero bytes.
  auto framed_at = [&](size_t i) {
    return raw.size() - i >= 8 && static_cast<unsigned char>(raw[i]) <= 2 && raw[i + 1] == 0 &&
           raw[i + 2] == 0 && raw[i + 3] == 0;
  };
  if (!framed_at(0)) return std::string(raw);
  std::string out;
  size_t i = 0;
  while (i < raw.size() && framed_at(i)) {
    uint64_t length = (uint64_t{static_cast<unsigned char>(raw[i + 4])} << 24) |
                      (uint64_t{static_cast<unsigned char>(raw[i + 5])} << 16) |
                      (uint64_t{static_cast<unsigned char>(raw[i + 6])} << 8) |
                      uint64_t{static_cast<unsigned char>(raw[i + 7])};
    i += 8;
    uint64_t take = std::min<uint64_t>(length, raw.size() - i);
    out.append(raw.substr(i, take));
    i += take;
  }
  return out;
}

}  // namespace baton::ai
