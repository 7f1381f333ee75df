#include "app/state_command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "app/exit_status.h"
#include "app/saved_device_settings.h"
#include "app/state_json.h"
#include "app/wall_clock.h"
#include "storage/state_store.h"

namespace pro380::app {
namespace {

Result<std::string> StateDir(const StateArgs& args) {
  if (args.state_dir) return *args.state_dir;
  return storage::DefaultStateDir(std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
}

Result<std::unique_ptr<storage::StateStore>> OpenForReading(const StateArgs& args) {
  auto dir = StateDir(args);
  if (!dir.ok()) return dir.status();
  return storage::StateStore::Open(*dir, {.read_only = true});
}

Result<std::vector<storage::MeterRecord>> LoadAll(storage::StateStore& store) {
  auto keys = store.Keys();
  if (!keys.ok()) return keys.status();
  std::vector<storage::MeterRecord> meters;
  for (const std::string& key : *keys) {
    auto state = store.Load(key);
    if (!state.ok()) return state.status();
    if (!state->has_value()) continue;
    storage::MeterRecord& record = meters.emplace_back(storage::MeterRecord{key, **state});
    // Decoded, so that settings the device does not allow are refused like an invalid state.
    auto settings = LoadSavedDeviceSettings(store, key, {});
    if (!settings.ok()) return settings.status();
    if (settings->has_value()) record.device_settings = DeviceSettingsToNamed(**settings);
  }
  return meters;
}

int Check(const StateArgs& args) {
  auto store = OpenForReading(args);
  if (!store.ok()) return ReportFailure("state check", store.status());
  auto findings = (*store)->IntegrityFindings();
  if (!findings.ok()) return ReportFailure("state check", findings.status());
  if (!findings->empty()) {
    std::string all;
    for (const std::string& f : *findings) all += (all.empty() ? "" : "; ") + f;
    return ReportFailure("state check",
                         Status::FailedPrecondition("state file " + (*store)->path() +
                                                    " is damaged (integrity_check: " + all + ")"));
  }
  auto meters = LoadAll(**store);
  if (!meters.ok()) return ReportFailure("state check", meters.status());
  auto events = (*store)->ReadEvents();
  if (!events.ok()) return ReportFailure("state check", events.status());
  std::printf("%s: ok (schema version %d, %zu meter(s), %zu event(s))\n", (*store)->path().c_str(),
              (*store)->schema_version(), meters->size(), events->size());
  for (const storage::MeterRecord& m : *meters) {
    std::string settings;
    for (const storage::NamedSetting& s :
         m.device_settings.value_or(std::vector<storage::NamedSetting>{})) {
      settings += (settings.empty() ? "" : ", ") + s.name + " " + std::to_string(s.value);
    }
    std::printf("  meter %s: power-down count %lld; device settings: %s\n", m.key.c_str(),
                static_cast<long long>(m.state.power_down_count),
                settings.empty() ? "none saved (the defaults apply)" : settings.c_str());
  }
  return kExitOk;
}

int Export(const StateArgs& args) {
  auto store = OpenForReading(args);
  if (!store.ok()) return ReportFailure("state export", store.status());
  auto meters = LoadAll(**store);
  if (!meters.ok()) return ReportFailure("state export", meters.status());
  auto events = (*store)->ReadEvents();
  if (!events.ok()) return ReportFailure("state export", events.status());
  const std::string text = StateToJson(*meters, *events, (*store)->schema_version()).dump(2) + "\n";
  if (!args.output) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitRuntimeFailure;
  }
  std::ofstream out(*args.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return ReportFailure("state export",
                         Status::IoError("--output " + *args.output + ": cannot write it"));
  }
  return kExitOk;
}

Result<StateDocument> ReadImport(const std::string& input) {
  std::string text;
  if (input == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(input, std::ios::binary);
    if (!in) return Status::InvalidArgument(input + ": cannot read it");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(input + ": not valid JSON");
  auto parsed = StateFromJson(doc);
  if (!parsed.ok()) return parsed.status().WithContext(input);
  return parsed;
}

int Import(const StateArgs& args) {
  auto document = ReadImport(args.input);
  if (!document.ok()) return ReportFailure("state import", document.status());
  auto dir = StateDir(args);
  if (!dir.ok()) return ReportFailure("state import", dir.status());
  auto store = storage::StateStore::Open(*dir);
  if (!store.ok()) return ReportFailure("state import", store.status());
  const TimePoint now = WallNow();
  std::vector<storage::Event> events;
  std::vector<std::string> created;
  for (const storage::MeterRecord& m : document->meters) {
    auto saved = (*store)->Load(m.key);
    if (!saved.ok()) return ReportFailure("state import", saved.status());
    if (saved->has_value() && !args.replace) {
      return ReportFailure(
          "state import",
          Status::InvalidArgument("meter " + m.key + " is already in " + (*store)->path() +
                                  "; add --replace to overwrite its saved state"));
    }
    if (!saved->has_value()) created.push_back(m.key);
    events.push_back({now, m.state.config.start, m.key, storage::EventKind::kReset, "cli", "",
                      std::string(saved->has_value() ? "saved state replaced" : "state") +
                          " imported from " + args.input});
  }
  // The log of a meter new to this store comes with it; a replaced meter keeps its own log.
  std::vector<storage::Event> log;
  for (const storage::Event& e : document->events) {
    if (std::find(created.begin(), created.end(), e.meter_key) != created.end()) {
      log.push_back(e);
    }
  }
  log.insert(log.end(), events.begin(), events.end());
  if (Status st = (*store)->Save(document->meters, log, now); !st.ok()) {
    return ReportFailure("state import", st);
  }
  std::printf("imported %zu meter(s) (%zu new) and %zu event(s) into %s\n", document->meters.size(),
              created.size(), log.size() - events.size(), (*store)->path().c_str());
  return kExitOk;
}

}  // namespace

CLI::App* AddStateCommand(CLI::App& app, StateArgs& args) {
  CLI::App* cmd = app.add_subcommand("state", "Inspect, export or import a meter state directory");
  cmd->require_subcommand(1);
  const auto add_state_dir = [&args](CLI::App* sub) {
    sub->add_option("--state", args.state_dir,
                    "state directory (default $XDG_STATE_HOME/pro380, else ~/.local/state/pro380)");
  };
  CLI::App* check = cmd->add_subcommand("check", "Check that the state file is sound and readable");
  add_state_dir(check);
  CLI::App* exp = cmd->add_subcommand("export", "Print the state (meters and event log) as JSON");
  add_state_dir(exp);
  exp->add_option("--output", args.output, "write to this file instead of stdout");
  CLI::App* imp = cmd->add_subcommand("import", "Write meters from a JSON export into the state");
  add_state_dir(imp);
  imp->add_option("file", args.input, "the JSON export (- for stdin)")->required();
  imp->add_flag("--replace", args.replace, "replace meters the state already has");
  return cmd;
}

int RunState(const CLI::App& state_cmd, const StateArgs& args) {
  if (state_cmd.got_subcommand("check")) return Check(args);
  if (state_cmd.got_subcommand("export")) return Export(args);
  if (state_cmd.got_subcommand("import")) return Import(args);
  return kExitBadInput;
}

}  // namespace pro380::app
