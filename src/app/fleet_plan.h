// Expands the config's fleet templates (app/fleet_template.h) into planned meters and their
// buses: Modbus or M-Bus TCP ports and lines (app/run_plan.h).
#ifndef PRO380_APP_FLEET_PLAN_H_
#define PRO380_APP_FLEET_PLAN_H_

#include <string>
#include <vector>

#include "app/fleet_template.h"
#include "app/run_plan.h"
#include "base/status.h"

namespace pro380::app {

// Appends every fleet's meters to plan.meters (in fleet order, meter j of a fleet after meter
// j - 1) and their ports to plan.fleet_ports. `sealed_by_command_line` is --sealed.
Status AddFleetMeters(const std::vector<FleetTemplate>& fleets, bool sealed_by_command_line,
                      RunPlan& plan);

// InvalidArgument naming the first PRO380-S fleet when the web is off: a PRO380-S has no bus, so
// nothing could read its meters (docs/config.md, "[[fleet]]").
Status RequireWebForBuslessFleets(const std::vector<FleetTemplate>& fleets,
                                  const InterfacePlan& interfaces);

// One start line per PRO380-S fleet (meters in a fleet without buses), e.g. "fleet: 3 PRO380-S,
// serials 60000001-60000003, no bus: on the web page and REST API".
std::vector<std::string> DescribeBuslessFleetMeters(const std::vector<PlannedMeter>& meters);

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_PLAN_H_
