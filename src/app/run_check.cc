#include "app/run_check.h"

#include <cstdio>

#include "transport/endpoint.h"

namespace pro380::app {
namespace {

constexpr std::size_t kMetersListed = 10;  // a fleet of thousands is summed up, not listed

std::string SerialText(const transport::SerialSpec& spec) {
  std::string text = (spec.pty ? "pty:" : "") + spec.device;
  if (spec.baud) text += ":" + std::to_string(*spec.baud);
  if (spec.parity) text += std::string(":") + transport::ParityLetter(*spec.parity);
  return text;
}

void AddTcp(std::string& out, const char* what,
            const std::vector<transport::TcpEndpoint>& endpoints) {
  for (const auto& e : endpoints)
    out += std::string(out.empty() ? "" : ", ") + what + " " + ToString(e);
}

void AddSerial(std::string& out, const char* what,
               const std::vector<transport::SerialSpec>& specs) {
  for (const auto& s : specs)
    out += std::string(out.empty() ? "" : ", ") + what + " " + SerialText(s);
}

}  // namespace

std::vector<std::string> DescribeCheckedPlan(const RunPlan& plan) {
  std::vector<std::string> lines;
  char speed[32];
  std::snprintf(speed, sizeof speed, "%g", plan.speed);
  lines.push_back("pro380 run: configuration OK: " + std::to_string(plan.meters.size()) +
                  " meter(s), source " + plan.source + ", speed " + speed + ", state " +
                  plan.state_dir);
  for (std::size_t k = 0; k < plan.meters.size() && k < kMetersListed; ++k) {
    const MeterOptions& m = plan.meters[k].options;
    const bool mbus = m.variant == Variant::kMb;
    const int id = m.id >= 0 ? m.id : (mbus ? 0 : 1);
    lines.push_back("meter serial " + m.serial + ": " + std::string(VariantName(m.variant)) +
                    (m.variant == Variant::kS
                         ? std::string()
                         : (mbus ? ", primary address " : ", ID ") + std::to_string(id)) +
                    (plan.meters[k].sealed ? ", sealed" : ""));
  }
  if (plan.meters.size() > kMetersListed) {
    lines.push_back("… and " + std::to_string(plan.meters.size() - kMetersListed) + " more meters");
  }
  const InterfacePlan& i = plan.interfaces;
  std::string interfaces;
  AddTcp(interfaces, "Modbus TCP", i.modbus_tcp);
  AddSerial(interfaces, "Modbus RTU", i.modbus_rtu);
  AddTcp(interfaces, "RTU over TCP", i.rtu_over_tcp);
  AddSerial(interfaces, "M-Bus", i.mbus);
  AddTcp(interfaces, "M-Bus TCP", i.mbus_tcp);
  AddSerial(interfaces, "optical port", i.iec);
  AddTcp(interfaces, "optical port TCP", i.iec_tcp);
  std::vector<transport::TcpEndpoint> fleet_tcp, fleet_mbus_tcp;
  std::vector<transport::SerialSpec> fleet_rtu, fleet_mbus;
  for (const InterfacePlan& bus : plan.fleet_ports) {
    fleet_tcp.insert(fleet_tcp.end(), bus.modbus_tcp.begin(), bus.modbus_tcp.end());
    fleet_rtu.insert(fleet_rtu.end(), bus.modbus_rtu.begin(), bus.modbus_rtu.end());
    fleet_mbus_tcp.insert(fleet_mbus_tcp.end(), bus.mbus_tcp.begin(), bus.mbus_tcp.end());
    fleet_mbus.insert(fleet_mbus.end(), bus.mbus.begin(), bus.mbus.end());
  }
  AddTcp(interfaces, "fleet Modbus TCP", fleet_tcp);
  AddSerial(interfaces, "fleet Modbus RTU", fleet_rtu);
  AddTcp(interfaces, "fleet M-Bus TCP", fleet_mbus_tcp);
  AddSerial(interfaces, "fleet M-Bus", fleet_mbus);
  if (i.http)
    interfaces += std::string(interfaces.empty() ? "" : ", ") + "web " + ToString(*i.http);
  lines.push_back("interfaces: " + (interfaces.empty() ? std::string("none") : interfaces));
  if (plan.mqtt_publish) lines.push_back(plan.mqtt_publish->Describe());  // docs/mqtt.md
  return lines;
}

}  // namespace pro380::app
