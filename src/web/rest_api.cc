#include "web/rest_api.h"

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "web/event_log.h"
#include "web/meter_views.h"
#include "web/panel_view.h"
#include "web/setting_write.h"
#include "web/source_views.h"
#include "web/traffic_log.h"

namespace pro380::web {
namespace {

using Json = nlohmann::json;

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

ApiResponse JsonResponse(int status, const Json& body) {
  return {status, "application/json", body.dump()};
}

ApiResponse Error(int status, std::string message) {
  return JsonResponse(status, Json{{"error", std::move(message)}});
}

// A non-negative integer query parameter, `fallback` when absent; nullopt when malformed.
std::optional<uint64_t> QueryNumber(const ApiRequest& request, const std::string& key,
                                    uint64_t fallback) {
  const auto it = request.query.find(key);
  if (it == request.query.end()) return fallback;
  uint64_t value = 0;
  const auto [end, ec] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) return std::nullopt;
  return value;
}

ApiResponse NoMeter(const std::string& serial) {
  return Error(404, "no meter with serial '" + serial + "'");
}

}  // namespace

std::optional<ApiResponse> RestApi::Handle(const ApiRequest& request) {
  const std::vector<std::string> parts = Split(request.path);
  const bool metrics = parts.size() == 1 && parts[0] == "metrics";
  if (!metrics && (parts.size() < 2 || parts[0] != "api" || parts[1] != "v1")) return std::nullopt;
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const bool put_or_post = post || request.method == "PUT";

  // The task: built here from copies of the request, run on the meters' thread.
  std::function<ApiResponse(MeterAccess&)> task;
  const auto after = QueryNumber(request, "after", 0);
  const auto limit = QueryNumber(request, "limit", 1000);
  if (!after || !limit) return Error(400, "'after' and 'limit' must be non-negative integers");

  if (metrics && get) {
    task = [](MeterAccess& a) {
      return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", MetricsText(a)};
    };
  } else if (parts.size() == 3 && parts[2] == "meters" && get) {
    task = [](MeterAccess& a) { return JsonResponse(200, MeterListJson(a)); };
  } else if (parts.size() == 3 && parts[2] == "events" && get) {
    task = [after = *after, limit = *limit](MeterAccess& a) {
      Json list = Json::array();
      for (const EventRecord* e : a.events->After(after, {}, limit)) list.push_back(EventJson(*e));
      return JsonResponse(200, Json{{"events", list}, {"last_seq", a.events->last_seq()}});
    };
  } else if (parts.size() == 3 && parts[2] == "traffic" && get) {
    task = [after = *after, limit = *limit](MeterAccess& a) {
      Json frames = Json::array();
      for (const TrafficEntry* e : a.traffic->After(after, limit)) {
        frames.push_back(TrafficEntryJson(*e));
      }
      return JsonResponse(200, Json{{"frames", frames},
                                    {"last_seq", a.traffic->last_seq()},
                                    {"interfaces", CountersJson(a)}});
    };
  } else if (parts.size() == 3 && parts[2] == "counters" && get) {
    task = [](MeterAccess& a) { return JsonResponse(200, Json{{"interfaces", CountersJson(a)}}); };
  } else if (parts.size() >= 4 && parts[2] == "meters") {
    const std::string serial = parts[3];
    const auto with_meter = [serial](std::function<ApiResponse(MeterAccess&, WebMeter&)> f) {
      return [serial, f = std::move(f)](MeterAccess& a) {
        WebMeter* m = a.Find(serial);
        return m ? f(a, *m) : NoMeter(serial);
      };
    };
    if (parts.size() == 4 && get) {
      task = with_meter([](MeterAccess&, WebMeter& m) { return JsonResponse(200, MeterJson(m)); });
    } else if (parts.size() == 5 && parts[4] == "registers" && get) {
      task =
          with_meter([](MeterAccess&, WebMeter& m) { return JsonResponse(200, RegistersJson(m)); });
    } else if (parts.size() == 5 && parts[4] == "mbus-records" && get) {
      task = with_meter([](MeterAccess&, WebMeter& m) {
        if (!m.mbus) return Error(404, "meter " + m.serial + " has no M-Bus interface here");
        return JsonResponse(200, MbusRecordsJson(m));
      });
    } else if (parts.size() == 5 && parts[4] == "iec-data-sets" && get) {
      task = with_meter([](MeterAccess&, WebMeter& m) {
        if (!m.iec) return Error(404, "meter " + m.serial + " has no optical port here");
        return JsonResponse(200, IecDataSetsJson(m));
      });
    } else if (parts.size() == 5 && parts[4] == "events" && get) {
      task = with_meter([after = *after, limit = *limit](MeterAccess& a, WebMeter& m) {
        Json list = Json::array();
        for (const EventRecord* e : a.events->After(after, m.serial, limit)) {
          list.push_back(EventJson(*e));
        }
        return JsonResponse(200, Json{{"events", list}, {"last_seq", a.events->last_seq()}});
      });
    } else if (parts.size() == 5 && parts[4] == "lcd" && get) {
      task = with_meter([](MeterAccess&, WebMeter& m) {
        if (!m.panel) return Error(404, "meter " + m.serial + " has no front panel here");
        return JsonResponse(200, LcdJson(m));
      });
    } else if (parts.size() == 7 && parts[4] == "buttons" && post &&
               (parts[6] == "press" || parts[6] == "release")) {
      const std::optional<device::Button> button = ButtonFromName(parts[5]);
      if (!button) return Error(404, "no button '" + parts[5] + "' (left, right)");
      task = with_meter([button = *button, press = parts[6] == "press"](MeterAccess&, WebMeter& m) {
        if (!m.panel) return Error(404, "meter " + m.serial + " has no front panel here");
        // The buttons change settings through their menus: a sealed meter's are locked remotely.
        if (m.bank->sealed()) return Error(403, "meter " + m.serial + " is sealed");
        if (press) {
          m.panel->Press(button);
        } else {
          m.panel->Release(button);
        }
        return JsonResponse(200, Json{{"lcd", LcdJson(m)}});
      });
    } else if (parts.size() == 5 && parts[4] == "source" && get) {
      task = with_meter([](MeterAccess&, WebMeter& m) {
        if (!m.source) return Error(404, "meter " + m.serial + " has no live source");
        return JsonResponse(200, SourceJson(m.source->View()));
      });
    } else if ((parts.size() == 5 || (parts.size() == 6 && parts[5] == "schedule")) &&
               parts[4] == "source" && put_or_post) {
      task = with_meter(
          [body = request.body, schedule = parts.size() == 6](MeterAccess&, WebMeter& m) {
            if (!m.source) return Error(404, "meter " + m.serial + " has no live source");
            const Status st = schedule ? m.source->SetSchedule(body) : m.source->SetValues(body);
            if (st.code() == Status::Code::kFailedPrecondition) return Error(409, st.message());
            if (!st.ok()) return Error(400, st.message());
            return JsonResponse(200, SourceJson(m.source->View()));
          });
    } else if (parts.size() == 6 && parts[4] == "settings" && post) {
      const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded() || !body.is_object() || !body.contains("value")) {
        return Error(400, "the body must be a JSON object {\"value\": <number>}");
      }
      task = with_meter([name = parts[5], value = body["value"], peer = request.peer](
                            MeterAccess& a, WebMeter& m) {
        const WriteOutcome outcome = WriteSetting(a, m, name, value, peer);
        return JsonResponse(outcome.http_status, outcome.body);
      });
    }
  }
  if (!task) return Error(404, "no such endpoint: " + request.method + " " + request.path);

  auto reply = std::make_shared<ApiResponse>();
  const Status status = gateway_.Run([reply, task](MeterAccess& a) { *reply = task(a); });
  if (!status.ok()) return Error(503, "the meters did not answer: " + status.message());
  return *reply;
}

}  // namespace pro380::web
