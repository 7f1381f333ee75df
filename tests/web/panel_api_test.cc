// The front panel through the REST API: the LCD view, button presses and releases on the panel's
// clock, and the settings a menu chooses handed to the app.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/rest_api.h"
#include "web/web_fixture.h"

namespace pro380::web {
namespace {

using Json = nlohmann::json;

// A FrontPanel on a test clock that keeps the changes it chose (the app's driver applies them).
class TestPanel final : public PanelPort {
 public:
  TestPanel(const metering::Meter& meter, const device::DeviceSettings& settings,
            const TimePoint& clock)
      : meter_(meter), settings_(settings), clock_(clock), panel_({}, clock) {}
  void Press(device::Button b) override { Keep(panel_.Press(b, clock_, Inputs())); }
  void Release(device::Button b) override { Keep(panel_.Release(b, clock_, Inputs())); }
  device::LcdView View() const override { return panel_.View(Inputs(), clock_); }
  device::LedView Led(metering::EnergyKind kind) const override {
    return device::LedAt(Inputs(), kind, meter_.now());
  }
  device::PanelMode mode() const override { return panel_.mode(); }
  const device::FrontPanel& panel() const { return panel_; }
  std::vector<device::PanelChange> chosen;

 private:
  device::PanelInputs Inputs() const { return device::PanelInputsOf(meter_, settings_); }
  void Keep(const std::vector<device::PanelChange>& c) {
    chosen.insert(chosen.end(), c.begin(), c.end());
  }
  const metering::Meter& meter_;
  const device::DeviceSettings& settings_;
  const TimePoint& clock_;
  device::FrontPanel panel_;
};

class PanelApiTest : public WebFixture {
 protected:
  PanelApiTest() : test_panel_(meter_, settings_, clock_) {
    access_.meters[0].panel = &test_panel_;
  }
  ApiResponse Call(std::string method, std::string path) {
    RestApi api(gateway_);
    return api.Handle({std::move(method), std::move(path), {}, "", "127.0.0.1:1"})
        .value_or(ApiResponse{});
  }
  Json Lcd() {
    const ApiResponse r = Call("GET", "/api/v1/meters/00000001/lcd");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body);
  }

  TimePoint clock_ = TimePoint(std::chrono::seconds(1000));
  TestPanel test_panel_;
  const device::FrontPanel& panel_ = test_panel_.panel();
};

TEST_F(PanelApiTest, LcdIsThePanelsViewOfTheMeter) {
  const Json lcd = Lcd();
  const device::LcdView view = test_panel_.View();
  EXPECT_EQ(lcd["rows"][0], view.TopText());
  EXPECT_EQ(lcd["rows"][1], view.bottom);
  EXPECT_EQ(lcd["page"], view.page);
  EXPECT_EQ(lcd["backlight_mode"], "btn");
  EXPECT_TRUE(lcd["leds"]["active"].contains("flashes_per_second"));
}

TEST_F(PanelApiTest, AShortPressOfTheRightButtonShowsTheNextPage) {
  const int before = Lcd()["page"];
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/buttons/right/press").status, 200);
  clock_ += std::chrono::milliseconds(200);
  const ApiResponse r = Call("POST", "/api/v1/meters/00000001/buttons/right/release");
  EXPECT_EQ(r.status, 200);
  const int after = Json::parse(r.body)["lcd"]["page"];
  EXPECT_NE(after, before);
  EXPECT_EQ(panel_.page(), after);
}

TEST_F(PanelApiTest, HoldingTheRightButtonOnTheBacklightPageOpensItsMenu) {
  for (int k = 0; k < 80 && panel_.page() != 65; ++k) {
    Call("POST", "/api/v1/meters/00000001/buttons/right/press");
    clock_ += std::chrono::milliseconds(100);
    Call("POST", "/api/v1/meters/00000001/buttons/right/release");
    clock_ += std::chrono::milliseconds(100);
  }
  ASSERT_EQ(panel_.page(), 65);
  Call("POST", "/api/v1/meters/00000001/buttons/right/press");
  clock_ += device::kHoldTime + std::chrono::milliseconds(100);
  Call("POST", "/api/v1/meters/00000001/buttons/right/release");
  EXPECT_EQ(Lcd()["mode"], "edit_backlight");
}

TEST_F(PanelApiTest, UnknownButtonAndActionAre404) {
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/buttons/middle/press").status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/buttons/left/tickle").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/meters/00000001/buttons/left/press").status, 404);
}

TEST_F(PanelApiTest, ASealedMetersButtonsAreLocked) {
  bank_.set_sealed(true);
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/buttons/right/press").status, 403);
  EXPECT_FALSE(panel_.pressed(device::Button::kRight));
}

TEST_F(PanelApiTest, MeterWithoutPanelHasNoLcd) {
  access_.meters[0].panel = nullptr;
  EXPECT_EQ(Call("GET", "/api/v1/meters/00000001/lcd").status, 404);
}

}  // namespace
}  // namespace pro380::web
