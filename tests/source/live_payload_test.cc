#include "source/live_payload.h"

#include <gtest/gtest.h>

namespace pro380::source {
namespace {

TEST(ParseLivePayload, TakesTheCanonicalNamesInTheirUnits) {
  const ParsedPayload parsed = ParseLivePayload(
      R"({"voltage_l1_v": 231.5, "current_l2_a": -4, "active_power_l3_kw": 1.25,
          "reactive_power_l3_kvar": -0.5, "frequency_hz": 49.95})",
      PayloadFormat::kCanonical);
  ASSERT_TRUE(parsed.reading) << parsed.error->message;
  const LiveReading& r = *parsed.reading;
  EXPECT_EQ(r.phase[0].voltage_v, 231.5);
  EXPECT_FALSE(r.phase[0].active_w);
  EXPECT_EQ(r.phase[1].current_a, -4);
  EXPECT_EQ(r.phase[2].active_w, 1250);
  EXPECT_EQ(r.phase[2].reactive_var, -500);
  EXPECT_EQ(r.frequency_hz, 49.95);
}

TEST(ParseLivePayload, NamesWhatIsWrong) {
  struct Case {
    const char* text;
    PayloadProblem problem;
    const char* message;
  };
  for (const Case& c : {
           Case{"{\"voltage_l1_v\": 23", PayloadProblem::kMalformed, "not JSON"},
           Case{"[1, 2]", PayloadProblem::kMalformed, "not a JSON object"},
           Case{R"({"voltage_l1_v": "230"})", PayloadProblem::kMalformed,
                "'voltage_l1_v' is not a number"},
           Case{R"({"active_power_l1_w": 2300})", PayloadProblem::kUnknownKey,
                "unknown key 'active_power_l1_w' (keys: voltage_lN_v, current_lN_a, "
                "active_power_lN_kw, reactive_power_lN_kvar with N 1-3, frequency_hz)"},
           Case{"{}", PayloadProblem::kNoValue, "the payload states no value"},
       }) {
    const ParsedPayload parsed = ParseLivePayload(c.text, PayloadFormat::kCanonical);
    EXPECT_FALSE(parsed.reading) << c.text;
    ASSERT_TRUE(parsed.error) << c.text;
    EXPECT_EQ(parsed.error->problem, c.problem) << c.text;
    EXPECT_EQ(parsed.error->message, c.message);
  }
}

TEST(PayloadFormat, NamesRoundTrip) {
  for (const char* name : {"canonical", "tasmota", "shelly", "dsmr"}) {
    const auto format = PayloadFormatFromName(name);
    ASSERT_TRUE(format) << name;
    EXPECT_EQ(PayloadFormatName(*format), name);
  }
  EXPECT_FALSE(PayloadFormatFromName("xml"));
  EXPECT_EQ(PayloadFormatNames(), "canonical, tasmota, shelly, dsmr");
}

LiveReading Parsed(std::string_view text, PayloadFormat format) {
  const ParsedPayload parsed = ParseLivePayload(text, format);
  EXPECT_TRUE(parsed.reading) << (parsed.error ? parsed.error->message : "");
  return parsed.reading.value_or(LiveReading{});
}

// A three-phase Tasmota energy driver's tele/.../SENSOR: arrays, one value per phase; fields that
// are no meter quantity (Time, Total, Today, Factor) are ignored.
TEST(ParseLivePayload, TasmotaEnergyArrays) {
  const LiveReading r = Parsed(
      R"({"Time":"2026-11-27T10:00:00","ENERGY":{"TotalStartTime":"2026-01-01T00:00:00",
          "Total":12.3,"Today":1.1,"Power":[1200,0,-300],"ReactivePower":[100,0,0],
          "Factor":[0.99,0,1],"Frequency":50.02,"Voltage":[231,229.5,230],
          "Current":[5.3,0.0,1.31]}})",
      PayloadFormat::kTasmota);
  EXPECT_EQ(r.phase[0].voltage_v, 231);
  EXPECT_EQ(r.phase[1].voltage_v, 229.5);
  EXPECT_EQ(r.phase[0].active_w, 1200);
  EXPECT_EQ(r.phase[2].active_w, -300);
  EXPECT_EQ(r.phase[0].reactive_var, 100);
  EXPECT_EQ(r.phase[2].current_a, 1.31);
  EXPECT_EQ(r.frequency_hz, 50.02);
  // A single-phase driver: plain numbers are L1.
  const LiveReading one =
      Parsed(R"({"ENERGY":{"Power":460,"Voltage":230,"Current":2}})", PayloadFormat::kTasmota);
  EXPECT_EQ(one.phase[0].active_w, 460);
  EXPECT_FALSE(one.phase[1].active_w);
}

// An SML reader script with the tags evcc documents; Power_curr alone goes on L1.
TEST(ParseLivePayload, TasmotaSml) {
  LiveReading r = Parsed(
      R"({"SML":{"Total_in":1234.5678,"Power_curr":812,"power_l1":500,"power_l2":212,
          "power_l3":100,"voltage_l1":231.1,"current_l3":0.45,"Meter_Id":"0a01"}})",
      PayloadFormat::kTasmota);
  EXPECT_EQ(r.phase[0].active_w, 500);
  EXPECT_EQ(r.phase[1].active_w, 212);
  EXPECT_EQ(r.phase[0].voltage_v, 231.1);
  EXPECT_EQ(r.phase[2].current_a, 0.45);
  r = Parsed(R"({"SML":{"Total_in":1.5,"Power_curr":-812}})", PayloadFormat::kTasmota);
  EXPECT_EQ(r.phase[0].active_w, -812);
  EXPECT_FALSE(r.phase[1].active_w);
}

TEST(ParseLivePayload, ShellyPro3emStatusAndNotification) {
  constexpr std::string_view kStatus =
      R"({"id":0,"a_current":4.029,"a_voltage":236.1,"a_act_power":951.2,"a_aprt_power":951.9,
          "a_pf":1,"a_freq":50,"b_current":4.027,"b_voltage":236.201,"b_act_power":-951.1,
          "b_aprt_power":951.8,"b_pf":1,"b_freq":50,"c_current":3.03,"c_voltage":236.4,
          "c_act_power":715.3,"c_aprt_power":716.2,"c_pf":1,"c_freq":50,"n_current":null,
          "total_current":11.029,"total_act_power":2484.4,"total_aprt_power":2620.0})";
  LiveReading r = Parsed(kStatus, PayloadFormat::kShelly);
  EXPECT_EQ(r.phase[0].current_a, 4.029);
  EXPECT_EQ(r.phase[1].active_w, -951.1);
  EXPECT_EQ(r.phase[2].voltage_v, 236.4);
  EXPECT_EQ(r.frequency_hz, 50);
  r = Parsed(std::string(R"({"src":"shellypro3em-x","dst":"x/events","method":"NotifyStatus",
                           "params":{"ts":1.7e9,"em:0":)") +
                 std::string(kStatus) + "}}",
             PayloadFormat::kShelly);
  EXPECT_EQ(r.phase[1].active_w, -951.1);
  const ParsedPayload other = ParseLivePayload(
      R"({"method":"NotifyStatus","params":{"sys":{"uptime":5}}})", PayloadFormat::kShelly);
  ASSERT_TRUE(other.error);
  EXPECT_EQ(other.error->problem, PayloadProblem::kNoValue);
}

// dsmr-reader's JSON telegram: delivered and returned per phase (kW, both >= 0) give P; the
// current is a magnitude (signed like P when the record is made); numbers may come as strings.
TEST(ParseLivePayload, DsmrReaderTelegram) {
  LiveReading r = Parsed(
      R"({"id":1,"timestamp":"2026-11-27T10:00:00Z","electricity_delivered_1":"1234.567",
          "electricity_currently_delivered":"0.317","electricity_currently_returned":"0.000",
          "phase_currently_delivered_l1":"0.317","phase_currently_delivered_l2":"0.000",
          "phase_currently_delivered_l3":"0.000","phase_currently_returned_l1":"0.000",
          "phase_currently_returned_l2":"1.200","phase_currently_returned_l3":"0.000",
          "phase_voltage_l1":"230.7","phase_voltage_l2":227.8,"phase_voltage_l3":"232.3",
          "phase_power_current_l1":1,"phase_power_current_l2":5,"phase_power_current_l3":0})",
      PayloadFormat::kDsmr);
  EXPECT_EQ(r.phase[0].active_w, 317);
  EXPECT_EQ(r.phase[1].active_w, -1200);
  EXPECT_EQ(r.phase[2].active_w, 0);
  EXPECT_EQ(r.phase[0].voltage_v, 230.7);
  EXPECT_EQ(r.phase[1].current_a, 5);
  // Only the totals: on L1.
  r = Parsed(R"({"electricity_currently_delivered":0.5,"electricity_currently_returned":2.0})",
             PayloadFormat::kDsmr);
  EXPECT_EQ(r.phase[0].active_w, -1500);
}

TEST(ParseLivePayload, PublisherFormatsRefuseBadMappedFieldsAndPayloadsWithoutValues) {
  struct Case {
    const char* text;
    PayloadFormat format;
    PayloadProblem problem;
    const char* message;
  };
  for (const Case& c : {
           Case{R"({"ENERGY":{"Power":"lots"}})", PayloadFormat::kTasmota,
                PayloadProblem::kMalformed, "ENERGY.Power is not a number"},
           Case{R"({"ENERGY":{"Voltage":[1,2,3,4]}})", PayloadFormat::kTasmota,
                PayloadProblem::kMalformed, "ENERGY.Voltage has 4 values (1 to 3)"},
           Case{R"({"Time":"x","DS18B20":{"Temperature":20}})", PayloadFormat::kTasmota,
                PayloadProblem::kNoValue, "the payload has no ENERGY or SML values"},
           Case{R"({"a_current":"x"})", PayloadFormat::kShelly, PayloadProblem::kMalformed,
                "'a_current' is not a number"},
           Case{R"({"phase_voltage_l1":"2x"})", PayloadFormat::kDsmr, PayloadProblem::kMalformed,
                "'phase_voltage_l1' is not a number"},
           Case{R"({"gas":1})", PayloadFormat::kDsmr, PayloadProblem::kNoValue,
                "the payload has no phase_voltage_lN, phase_power_current_lN or currently "
                "delivered/returned values"},
       }) {
    const ParsedPayload parsed = ParseLivePayload(c.text, c.format);
    EXPECT_FALSE(parsed.reading) << c.text;
    ASSERT_TRUE(parsed.error) << c.text;
    EXPECT_EQ(parsed.error->problem, c.problem) << c.text;
    EXPECT_EQ(parsed.error->message, c.message);
  }
}

}  // namespace
}  // namespace pro380::source
