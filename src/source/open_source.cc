#include "source/open_source.h"

#include "source/constant_source.h"
#include "source/csv_source.h"
#include "source/live_source.h"
#include "source/live_spec.h"
#include "source/scenarios.h"
#include "source/wave_file.h"
#include "source/waveform_source.h"

namespace pro380::source {

OpenedSource::OpenedSource() = default;
OpenedSource::OpenedSource(OpenedSource&&) noexcept = default;
OpenedSource& OpenedSource::operator=(OpenedSource&&) noexcept = default;
OpenedSource::~OpenedSource() = default;

namespace {

constexpr std::string_view kKinds =
    "const:P1=W,P2=W,P3=W[,Q1=var,...][,U1=V,...][,F=Hz], sim:manual-example, sim:household, "
    "sim:pv, sim:ev[?limit=6..32A&phases=1|3], sim:heat-pump, sim:office, "
    "csv:FILE, wave:FILE, http[?stale=DUR&timeout=DUR], "
    "mqtt[s]://HOST:PORT/TOPIC[?format=NAME&...], "
    "modbus-client:tcp://HOST:PORT[?id=N&map=NAME&...], "
    "modbus-client:rtu:DEV[:BAUD[:PARITY]][?...]";

Status UnknownSpec(std::string_view spec) {
  return Status::InvalidArgument("unknown source '" + std::string(spec) +
                                 "'; allowed: " + std::string(kKinds));
}

}  // namespace

Result<OpenedSource> OpenSource(std::string_view spec, const SourceOptions& options) {
  OpenedSource opened;
  opened.description = std::string(spec);
  if (spec.starts_with("const:")) {
    auto record = ParseConstantSpec(spec.substr(6));
    if (!record.ok()) return record.status();
    opened.records = std::make_unique<ConstantSource>(*record, kConstantStep);
    return opened;
  }
  if (IsScenarioSpec(spec)) {  // docs/scenarios.md
    auto scenario = OpenScenario(spec, options.start, options.seed);
    if (!scenario.ok()) return scenario.status();
    opened.records = std::move(*scenario);
    return opened;
  }
  if (spec.starts_with("csv:")) {
    if (spec.size() == 4) return UnknownSpec(spec);
    auto csv = OpenCsvFile(std::string(spec.substr(4)));
    if (!csv.ok()) return csv.status();
    opened.records = std::move(*csv);
    opened.finite = true;
    return opened;
  }
  if (spec.starts_with("wave:")) {
    if (spec.size() == 5) return UnknownSpec(spec);
    auto wave = WaveFileReader::Open(std::string(spec.substr(5)));
    if (!wave.ok()) return wave.status();
    opened.waveform = std::move(*wave);
    opened.finite = true;
    return opened;
  }
  if (IsLiveSpec(spec)) {  // docs/sources.md, "Live sources"
    auto live = ParseLiveSpec(spec);
    if (!live.ok()) return live.status();
    opened.records = std::make_unique<LiveSource>(options.start, live->timeouts);
    return opened;
  }
  if (spec == "sim:manual-example") {
    opened.records = std::make_unique<ConstantSource>(ManualExampleRecord(), kConstantStep);
    return opened;
  }
  return UnknownSpec(spec);
}

}  // namespace pro380::source
