#include "app/mqtt_settings.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pro380::app {
namespace {

constexpr std::size_t kMaxClientIdChars = 256;  // MQTT allows 65535; a longer id is a mistake
constexpr int64_t kMinKeepAliveS = 5;           // libmosquitto refuses less
constexpr int64_t kMaxKeepAliveS = 65535;       // the CONNECT packet's 16-bit field

// The first line of a readable file (a password file holds the password on its first line, with
// or without a line end), or why not.
Result<std::string> FirstLine(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::IoError(std::strerror(errno));
  std::string text;
  char buffer[512];
  std::size_t n = 0;
  while (text.size() < 4096 && (n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Status::IoError("read error");
  text = text.substr(0, text.find_first_of("\r\n"));
  return text;
}

Status Readable(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::IoError(std::strerror(errno));
  std::fclose(file);
  return Status::Ok();
}

}  // namespace

Result<bool> ParseMqttClientKey(const ConfigReport& report, std::string_view key,
                                const toml::node& node, const std::string& table_path,
                                MqttClientSettings& settings) {
  const std::string path = table_path + "." + std::string(key);
  const auto text = [&]() -> Result<std::string> {
    const auto* s = node.as_string();
    if (!s) return report(node.source(), path + " must be a string");
    if (s->get().empty()) return report(node.source(), path + " must not be empty");
    return s->get();
  };
  if (key == "username" || key == "client_id") {
    auto value = text();
    if (!value.ok()) return value.status();
    if (key == "client_id" && value->size() > kMaxClientIdChars) {
      return report(node.source(), path + " is longer than 256 characters");
    }
    (key == "username" ? settings.username : settings.client_id) = *value;
  } else if (key == "password") {
    // The value is never shown, not even in a refusal.
    auto value = text();
    if (!value.ok()) return value.status();
    if (settings.password) {
      return report(node.source(), path + ": set password or password_file, not both");
    }
    settings.password = *value;
  } else if (key == "password_file") {
    auto file = text();
    if (!file.ok()) return file.status();
    if (settings.password) {
      return report(node.source(), path + ": set password or password_file, not both");
    }
    auto password = FirstLine(*file);
    if (!password.ok()) {
      return report(node.source(),
                    path + ": cannot read '" + *file + "': " + password.status().message());
    }
    if (password->empty()) {
      return report(node.source(), path + ": '" + *file + "' holds no password on its first line");
    }
    settings.password = *password;
  } else if (key == "ca_file" || key == "cert_file" || key == "key_file") {
    auto file = text();
    if (!file.ok()) return file.status();
    if (Status st = Readable(*file); !st.ok()) {
      return report(node.source(), path + ": cannot read '" + *file + "': " + st.message());
    }
    (key == "ca_file"     ? settings.ca_file
     : key == "cert_file" ? settings.cert_file
                          : settings.key_file) = *file;
  } else if (key == "tls") {
    const auto* b = node.as_boolean();
    if (!b) return report(node.source(), path + " must be true or false");
    settings.tls = b->get();
  } else if (key == "keepalive") {
    const auto* i = node.as_integer();
    if (!i) return report(node.source(), path + " must be an integer (seconds)");
    if (i->get() < kMinKeepAliveS || i->get() > kMaxKeepAliveS) {
      return report(node.source(), path + " = " + std::to_string(i->get()) +
                                       " is not allowed; allowed values: 5..65535 (seconds)");
    }
    settings.keepalive_s = static_cast<int>(i->get());
  } else {
    return false;
  }
  return true;
}

Status CheckMqttClientSettings(const ConfigReport& report, const toml::table& table,
                               const std::string& table_path, const MqttClientSettings& settings) {
  const auto at = [&](std::string_view key) -> const toml::source_region& {
    const toml::node* node = table.get(key);
    return node ? node->source() : table.source();
  };
  if (settings.password && !settings.username) {
    const std::string_view key = table.contains("password") ? "password" : "password_file";
    return report(at(key), table_path + "." + std::string(key) + " needs " + table_path +
                               ".username (a password without a user name is not sent)");
  }
  if (settings.cert_file.has_value() != settings.key_file.has_value()) {
    return report(at(settings.cert_file ? "cert_file" : "key_file"),
                  table_path + ": cert_file and key_file go together (a client certificate " +
                      "needs its private key)");
  }
  const bool has_tls_file = settings.ca_file || settings.cert_file;
  if (has_tls_file && table.contains("tls") && !settings.tls) {
    return report(at("tls"), table_path + ".tls = false is not allowed with ca_file, cert_file " +
                                 "or key_file; allowed values: true, or leave the files out");
  }
  return Status::Ok();
}

Result<MqttClientSettings> ParseMqttTable(const ConfigReport& report, const toml::table& table) {
  MqttClientSettings settings;
  for (const auto& [key, node] : table) {
    auto taken = ParseMqttClientKey(report, key.str(), node, "mqtt", settings);
    if (!taken.ok()) return taken.status();
    if (!*taken) {
      return report(key.source(),
                    "mqtt." + std::string(key.str()) +
                        " is not a known key; known keys: " + std::string(kMqttClientKeys));
    }
  }
  if (Status st = CheckMqttClientSettings(report, table, "mqtt", settings); !st.ok()) return st;
  if (settings.ca_file || settings.cert_file) settings.tls = true;
  return settings;
}

}  // namespace pro380::app
