// The config file's [mqtt] table (app/mqtt_settings.h, docs/config.md "[mqtt]"), through
// ParseRunConfig as pro380 run reads it.
#include "app/mqtt_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/run_config.h"

namespace pro380::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MqttSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("mqtt-settings-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string File(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  static std::string ErrorOf(const std::string& text) {
    auto config = ParseRunConfig(text, "site.toml");
    EXPECT_FALSE(config.ok()) << "expected an error for:\n" << text;
    if (config.ok()) return "";
    EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
    return config.status().message();
  }

  std::filesystem::path dir_;
};

TEST_F(MqttSettingsTest, WithoutTheTableTheClientIsAnonymousPlainTcp) {
  auto config = ParseRunConfig("[run]\nspeed = 1\n", "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_FALSE(config->mqtt.username);
  EXPECT_FALSE(config->mqtt.password);
  EXPECT_FALSE(config->mqtt.tls);
  EXPECT_EQ(config->mqtt.keepalive_s, kDefaultMqttKeepAliveS);
}

TEST_F(MqttSettingsTest, EveryKey) {
  const std::string password = File("password", "s3cret\nignored second line\n");
  const std::string ca = File("ca.crt", "PEM");
  const std::string cert = File("client.crt", "PEM");
  const std::string key = File("client.key", "PEM");
  auto config = ParseRunConfig("[mqtt]\nusername = \"meter\"\npassword_file = \"" + password +
                                   "\"\nclient_id = \"pro380-house\"\nca_file = \"" + ca +
                                   "\"\ncert_file = \"" + cert + "\"\nkey_file = \"" + key +
                                   "\"\nkeepalive = 60\n",
                               "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->mqtt.username, "meter");
  EXPECT_EQ(config->mqtt.password, "s3cret");  // the first line, without its line end
  EXPECT_EQ(config->mqtt.client_id, "pro380-house");
  EXPECT_TRUE(config->mqtt.tls);  // a CA file means TLS
  EXPECT_EQ(config->mqtt.ca_file, ca);
  EXPECT_EQ(config->mqtt.cert_file, cert);
  EXPECT_EQ(config->mqtt.key_file, key);
  EXPECT_EQ(config->mqtt.keepalive_s, 60);
}

TEST_F(MqttSettingsTest, TlsWithTheSystemCas) {
  auto config =
      ParseRunConfig("[mqtt]\ntls = true\nusername = \"u\"\npassword = \"p\"\n", "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->mqtt.tls);
  EXPECT_FALSE(config->mqtt.ca_file);
  EXPECT_EQ(config->mqtt.password, "p");
}

TEST_F(MqttSettingsTest, MissingFilesAreNamed) {
  EXPECT_EQ(ErrorOf("[mqtt]\n\nca_file = \"/nonexistent/ca.crt\"\n"),
            "site.toml:3: mqtt.ca_file: cannot read '/nonexistent/ca.crt': No such file or "
            "directory");
  EXPECT_EQ(ErrorOf("[mqtt]\nusername = \"u\"\npassword_file = \"/nonexistent/pw\"\n"),
            "site.toml:3: mqtt.password_file: cannot read '/nonexistent/pw': No such file or "
            "directory");
  const std::string empty = File("empty", "\nsecond\n");
  EXPECT_THAT(ErrorOf("[mqtt]\nusername = \"u\"\npassword_file = \"" + empty + "\"\n"),
              HasSubstr("mqtt.password_file: '" + empty + "' holds no password"));
}

TEST_F(MqttSettingsTest, BadValuesNameTheKeyAndTheAllowedValues) {
  EXPECT_EQ(ErrorOf("[mqtt]\nkeepalive = 2\n"),
            "site.toml:2: mqtt.keepalive = 2 is not allowed; allowed values: 5..65535 (seconds)");
  EXPECT_EQ(ErrorOf("[mqtt]\nkeepalive = \"30s\"\n"),
            "site.toml:2: mqtt.keepalive must be an integer (seconds)");
  EXPECT_EQ(ErrorOf("[mqtt]\ntls = \"yes\"\n"), "site.toml:2: mqtt.tls must be true or false");
  EXPECT_EQ(ErrorOf("[mqtt]\nusername = \"\"\n"), "site.toml:2: mqtt.username must not be empty");
  EXPECT_EQ(ErrorOf("[mqtt]\nuser = \"u\"\n"),
            "site.toml:2: mqtt.user is not a known key; known keys: username, password, "
            "password_file, client_id, tls, ca_file, cert_file, key_file, keepalive");
  EXPECT_EQ(ErrorOf("mqtt = 1\n"), "site.toml:1: mqtt must be a table: write [mqtt]");
}

TEST_F(MqttSettingsTest, KeysThatGoTogether) {
  const std::string cert = File("client.crt", "PEM");
  const std::string ca = File("ca.crt", "PEM");
  EXPECT_EQ(ErrorOf("[mqtt]\npassword = \"hunter2\"\n"),
            "site.toml:2: mqtt.password needs mqtt.username (a password without a user name is "
            "not sent)");
  EXPECT_THAT(ErrorOf("[mqtt]\nusername = \"u\"\npassword = \"hunter2\"\npassword_file = \"" +
                      File("pw", "x\n") + "\"\n"),
              HasSubstr("set password or password_file, not both"));
  EXPECT_THAT(ErrorOf("[mqtt]\ncert_file = \"" + cert + "\"\n"),
              HasSubstr("mqtt: cert_file and key_file go together"));
  EXPECT_EQ(ErrorOf("[mqtt]\ntls = false\nca_file = \"" + ca + "\"\n"),
            "site.toml:2: mqtt.tls = false is not allowed with ca_file, cert_file or key_file; "
            "allowed values: true, or leave the files out");
}

TEST_F(MqttSettingsTest, ThePasswordIsNeverInAMessage) {
  EXPECT_THAT(ErrorOf("[mqtt]\npassword = \"hunter2\"\n"), Not(HasSubstr("hunter2")));
  EXPECT_THAT(ErrorOf("[mqtt]\nusername = \"u\"\npassword = \"hunter2\"\nkeepalive = 1\n"),
              Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace pro380::app
