// Sun, weather and calendar for the built-in scenarios (docs/scenarios.md, "Sun, weather and
// calendar"): a site at 50° N, 10° E on Central European (summer) time, meter time read as its
// local clock time. Plain functions of their arguments.
#ifndef PRO380_SOURCE_CLIMATE_H_
#define PRO380_SOURCE_CLIMATE_H_

#include <cstdint>

namespace pro380::source {

inline constexpr double kSiteLatitudeDeg = 50.0;
inline constexpr double kSiteLongitudeDeg = 10.0;

struct CalendarDay {
  int64_t index;    // days since 1970-01-01
  int day_of_year;  // 1 = 1 January
  int weekday;      // 0 = Sunday .. 6 = Saturday
  bool weekend;
  bool summer_time;  // CEST: last Sunday of March to last Sunday of October
};

CalendarDay DescribeCalendarDay(int64_t day);

// Where the sun stands at `second_of_day` (local clock) of `day`.
struct SunPosition {
  double sine_elevation;    // sin of the elevation above the horizon; ≤ 0 at night
  double cosine_incidence;  // cos of the angle to the normal of a panel facing south, tilted
                            // kPanelTiltDeg (may be negative: sun behind the panel)
};
inline constexpr double kPanelTiltDeg = 35.0;
SunPosition SunAt(const CalendarDay& day, double second_of_day);

// Clear-sky irradiance on that panel in W/m² (about 1,000 at a June noon, 500 at a December
// noon): beam by Meinel's air-mass model plus a diffuse share.
double ClearSkyPanelIrradiance(const SunPosition& sun);

// The outdoor temperature in °C at `second` of meter time for the weather of `weather_key`:
// annual cycle (0 °C mean in mid-January, 19 °C in mid-July), daily cycle (coldest at dawn,
// warmest at 15:00), and a weather anomaly (±5 °C, knots every 2 days).
double OutdoorTemperature(uint64_t weather_key, int64_t second);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_CLIMATE_H_
