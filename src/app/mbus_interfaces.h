// The M-Bus part of the interface plan (interface_plan.h): --mbus DEV[:BAUD] / pty:PATH[:BAUD]
// and --mbus-tcp ADDR:PORT, or the config's interfaces.mbus / interfaces.mbus_tcp.
#ifndef PRO380_APP_MBUS_INTERFACES_H_
#define PRO380_APP_MBUS_INTERFACES_H_

#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "base/status.h"
#include "device/device_settings.h"
#include "metering/meter.h"
#include "storage/state_store.h"

namespace pro380::app {

// Parses `lists.mbus` and `lists.mbus_tcp` into `plan`. M-Bus lines are 8E1 always (manual
// appendix 2: "Data, parity and stop bit cannot be changed"); a BAUD must be one the meter
// offers. InvalidArgument naming `serial_option` or `tcp_option` and the allowed form.
Status ResolveMbusInterfaces(const InterfaceArgs& lists, const std::string& serial_option,
                             const std::string& tcp_option, InterfacePlan& plan);

// InvalidArgument when `plan` names M-Bus interfaces but no meter of the process is a PRO380-Mb
// (`any_mbus_meter` false): a PRO380-Mod has no M-Bus port, so nothing would answer.
Status RequireMbusMeter(const InterfacePlan& plan, bool any_mbus_meter);

// The baud rate an --mbus spec names becomes the M-Bus meter's (the line and its meters agree),
// logged like a change from the command line.
void ApplyMbusLineSpecs(const InterfacePlan& interfaces, const metering::Meter& meter,
                        const std::string& serial, device::DeviceSettings& settings,
                        std::vector<storage::Event>& events);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_INTERFACES_H_
