// A STAND-IN for an AI runner, for the container pool's tests against a real engine: it is NOT a
// model. It speaks just enough of the AI Runner HTTP API (doc/ai.md 1) to be managed: port 8000
// (or $PORT), GET /health ({"status":"OK"}), GET /version, the AUTH_TOKEN bearer check, and any
// POST answered with a JSON body that says it is a stand-in, names the container (its host
// name, so a test can tell containers apart) and lists the files in /models. MODEL_ID
// "exit-<code>" makes it print a line and exit with that code at once (a runner that fails to
// start); STAND_IN_LOADING_MS=<n> makes /health answer {"status":"LOADING"} for the first n ms (a
// model still loading).
//
// Linked statically, so the test image is this one file (tests/support/podman_service.py
// imports it). One connection at a time, which is all a managed runner is ever given.
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string Header(const std::string& head, const std::string& name) {
  // Case-insensitive search for "\r\n<name>:".
  std::string lower;
  for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + 3 + name.size();
  size_t end = head.find("\r\n", start);
  std::string value = head.substr(start, end - start);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

// The names in /models (where the node binds -aiModelsDir), as a JSON array.
std::string ModelFiles() {
  std::string out = "[";
  if (DIR* dir = ::opendir("/models")) {
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == ".." || name.find('"') != std::string::npos) continue;
      out += (out.size() > 1 ? ",\"" : "\"") + name + "\"";
    }
    ::closedir(dir);
  }
  return out + "]";
}

void Reply(int fd, int status, const std::string& body) {
  const char* reason = status == 200 ? "OK" : status == 401 ? "Unauthorized" : "Not Found";
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < response.size()) {
    ssize_t n = ::write(fd, response.data() + sent, response.size() - sent);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

void Serve(int fd, const std::string& pipeline, const std::string& model, const std::string& host,
           const std::string& token) {
  std::string data;
  char buffer[65536];
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0 || data.size() > (1 << 20)) return;
    data.append(buffer, static_cast<size_t>(n));
  }
  const std::string head = data.substr(0, head_end);
  const size_t length = std::strtoul(Header(head, "content-length").c_str(), nullptr, 10);
  while (data.size() < head_end + 4 + length && data.size() < (64u << 20)) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    data.append(buffer, static_cast<size_t>(n));
  }
  const std::string method = head.substr(0, head.find(' '));
  std::string path = head.substr(method.size() + 1);
  path = path.substr(0, path.find(' '));
  if (method == "GET" && path == "/health") {
    static const auto started = std::chrono::steady_clock::now();
    const long loading_ms = std::atol(Env("STAND_IN_LOADING_MS").c_str());
    const bool loading =
        std::chrono::steady_clock::now() - started < std::chrono::milliseconds(loading_ms);
    return Reply(fd, 200, loading ? R"({"status":"LOADING"})" : R"({"status":"OK"})");
  }
  if (method == "GET" && path == "/version")
    return Reply(fd, 200,
                 "{\"pipeline\":\"" + pipeline + "\",\"model_id\":\"" + model +
                     "\",\"version\":\"stand-in-0.1\"}");
  if (method != "POST") return Reply(fd, 404, R"({"detail":"Not Found"})");
  if (!token.empty() && Header(head, "authorization") != "Bearer " + token)
    return Reply(fd, 401, R"({"detail":{"msg":"Invalid bearer token."}})");
  Reply(fd, 200,
        "{\"stand_in\":\"a stand-in runner, not a model\",\"pipeline\":\"" + pipeline +
            "\",\"model_id\":\"" + model + "\",\"path\":\"" + path + "\",\"container\":\"" + host +
            "\",\"request_bytes\":" + std::to_string(length) + ",\"models\":" + ModelFiles() + "}");
}

}  // namespace

int main() {
  const std::string pipeline = Env("PIPELINE");
  const std::string model = Env("MODEL_ID");
  if (model.rfind("exit-", 0) == 0) {
    std::printf("stand-in runner: told to fail (MODEL_ID=%s)\n", model.c_str());
    return std::atoi(model.c_str() + 5);
  }
  char host[256] = "";
  ::gethostname(host, sizeof host - 1);
  const int port = Env("PORT").empty() ? 8000 : std::atoi(Env("PORT").c_str());
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 64) != 0) {
    std::perror("stand-in runner: listen");
    return 1;
  }
  std::printf("stand-in runner (not a model): %s/%s on port %d\n", pipeline.c_str(), model.c_str(),
              port);
  std::fflush(stdout);
  while (true) {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    Serve(fd, pipeline, model, host, Env("AUTH_TOKEN"));
    ::close(fd);
  }
}
