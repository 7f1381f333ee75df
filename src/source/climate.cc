#include "source/climate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "source/grid_model.h"
#include "source/household_plan.h"
#include "source/random.h"

namespace pro380::source {
namespace {

constexpr double kDegree = std::numbers::pi / 180;

// The last Sunday of `month` of `year` as days since 1970-01-01.
int64_t LastSunday(std::chrono::year year, std::chrono::month month) {
  using namespace std::chrono;
  const sys_days month_end{year / month / std::chrono::last};
  const auto back = (weekday{month_end} - Sunday).count();
  return (month_end - days{back}).time_since_epoch().count();
}

}  // namespace

CalendarDay DescribeCalendarDay(int64_t index) {
  using namespace std::chrono;
  const sys_days date{days{index}};
  const year_month_day ymd{date};
  CalendarDay day{};
  day.index = index;
  day.day_of_year = static_cast<int>((date - sys_days{ymd.year() / January / 1}).count()) + 1;
  day.weekday = static_cast<int>(weekday{date}.c_encoding());
  day.weekend = day.weekday == 0 || day.weekday == 6;
  day.summer_time =
      index >= LastSunday(ymd.year(), March) && index < LastSunday(ymd.year(), October);
  return day;
}

SunPosition SunAt(const CalendarDay& day, double second_of_day) {
  // Solar time: the clock minus summer time minus the 20 min the site lies west of the zone's
  // 15° E meridian (the equation of time, ±16 min over the year, is left out).
  const double solar_hours =
      second_of_day / 3600 - (day.summer_time ? 1 : 0) - (15 - kSiteLongitudeDeg) / 15;
  const double hour_angle = (solar_hours - 12) * 15 * kDegree;
  // Cooper's declination.
  const double declination =
      23.44 * kDegree * std::sin(2 * std::numbers::pi * (284 + day.day_of_year) / 365);
  const double latitude = kSiteLatitudeDeg * kDegree;
  const double tilted = (kSiteLatitudeDeg - kPanelTiltDeg) * kDegree;
  const double cos_decl_cos_hour = std::cos(declination) * std::cos(hour_angle);
  const double sin_decl = std::sin(declination);
  return {std::sin(latitude) * sin_decl + std::cos(latitude) * cos_decl_cos_hour,
          std::sin(tilted) * sin_decl + std::cos(tilted) * cos_decl_cos_hour};
}

double ClearSkyPanelIrradiance(const SunPosition& sun) {
  if (sun.sine_elevation <= 0) return 0;
  const double air_mass = 1 / std::max(sun.sine_elevation, 0.03);
  const double beam = 1353 * std::pow(0.7, std::pow(air_mass, 0.678));
  const double diffuse = 0.12 * beam * sun.sine_elevation + 20 * sun.sine_elevation;
  return beam * std::max(0.0, sun.cosine_incidence) + diffuse;
}

double OutdoorTemperature(uint64_t weather_key, int64_t second) {
  const int64_t day = FloorDiv(second, kSecondsPerDay);
  const double day_of_year = DescribeCalendarDay(day).day_of_year +
                             static_cast<double>(second - day * kSecondsPerDay) / kSecondsPerDay;
  const double annual = 9.5 - 9.5 * std::cos(2 * std::numbers::pi * (day_of_year - 15) / 365.25);
  const double hour = static_cast<double>(second - day * kSecondsPerDay) / 3600;
  const double daily = 4 * std::cos(2 * std::numbers::pi * (hour - 15) / 24);
  constexpr int64_t kSpell = 2 * kSecondsPerDay;
  const int64_t knot = FloorDiv(second, kSpell);
  const double a = 2 * ToUnit(HashAt(weather_key, static_cast<uint64_t>(knot))) - 1;
  const double b = 2 * ToUnit(HashAt(weather_key, static_cast<uint64_t>(knot + 1))) - 1;
  const double into = static_cast<double>(second - knot * kSpell) / kSpell;
  return annual + daily + 5 * (a + (b - a) * into);
}

}  // namespace pro380::source
