#include "app/modbus_bridge.h"

#include <gtest/gtest.h>

#include "source/open_source.h"

namespace pro380::app {
namespace {

uint64_t Counter(const web::SourceStatusView& view, const std::string& name) {
  for (const auto& [n, v] : view.counters) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

TEST(CheckBridgeSource, TakesEachUpstreamFormAndMap) {
  for (const char* spec :
       {"modbus-client:tcp://127.0.0.1:502", "modbus-client:tcp://localhost:1502?map=sdm630",
        "modbus-client:rtu-over-tcp://[::1]:4001?id=7",
        "modbus-client:rtu:/dev/ttyUSB0:9600:N?map=sdm630&id=2", "modbus-client:rtu:/dev/ttyS1"}) {
    EXPECT_TRUE(CheckBridgeSource(spec).ok()) << spec << ": " << CheckBridgeSource(spec).message();
  }
  // Not a modbus-client spec (or not a valid one): OpenSource judges it.
  EXPECT_TRUE(CheckBridgeSource("sim:household").ok());
  EXPECT_TRUE(CheckBridgeSource("http?stale=1s").ok());
}

TEST(CheckBridgeSource, NamesTheUpstreamAndTheMapWithWhatIsAllowed) {
  for (const auto& [spec, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"modbus-client:tcp://h:1?map=sdm120",
            "source 'modbus-client:tcp://h:1?map=sdm120': map='sdm120' is not a meter map; "
            "allowed: pro380, sdm630"},
           {"modbus-client:udp://127.0.0.1:502",
            "source 'modbus-client:udp://127.0.0.1:502': upstream 'udp://127.0.0.1:502' is not "
            "one of tcp://HOST:PORT, rtu-over-tcp://HOST:PORT or rtu:DEV[:BAUD[:PARITY]]"},
           {"modbus-client:tcp://127.0.0.1:0",
            "source 'modbus-client:tcp://127.0.0.1:0': upstream: port 0 is no endpoint"},
           {"modbus-client:rtu:pty:/tmp/x",
            "source 'modbus-client:rtu:pty:/tmp/x': upstream: a client opens an existing device "
            "path; give the pty's link path without 'pty:'"},
       }) {
    const Status st = CheckBridgeSource(spec);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << spec;
    EXPECT_EQ(st.message(), message);
  }
  // The transports' own messages, under "upstream".
  const Status baud = CheckBridgeSource("modbus-client:rtu:/dev/ttyUSB0:9601");
  EXPECT_EQ(baud.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(baud.message().find("upstream: '/dev/ttyUSB0:9601': '9601' is not a baud rate"),
            std::string::npos)
      << baud.message();
  const Status host = CheckBridgeSource("modbus-client:tcp://meter.local");
  EXPECT_EQ(host.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(host.message().find("upstream"), std::string::npos) << host.message();
}

TEST(LiveSourcePortTakeReading, TakesAReadingAndCountsRefusals) {
  const std::string spec = "modbus-client:tcp://127.0.0.1:502?stale=1s&timeout=2s";
  auto opened = source::OpenSource(spec, {});
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  auto port = MakeLiveSourcePort(spec, *opened->records);
  ASSERT_TRUE(port);
  EXPECT_EQ(port->live_spec().kind, source::LiveKind::kModbusClient);
  source::LiveReading reading;
  reading.phase[0].voltage_v = 231.0;
  reading.phase[0].active_w = 2310.0;
  EXPECT_TRUE(port->TakeReading(reading).ok());
  source::LiveReading too_high;
  too_high.phase[1].voltage_v = 400.0;
  EXPECT_FALSE(port->TakeReading(too_high).ok());
  EXPECT_FALSE(port->TakeReading(source::LiveReading{}).ok());
  const web::SourceStatusView view = port->View();
  EXPECT_EQ(view.state, "fresh");
  EXPECT_EQ(Counter(view, "accepted"), 1u);
  EXPECT_EQ(Counter(view, "out_of_range"), 1u);
  EXPECT_EQ(Counter(view, "no_value"), 1u);
  // The REST API sets values of an http source only.
  EXPECT_EQ(port->SetValues(R"({"voltage_l1_v": 230})").code(), Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace pro380::app
