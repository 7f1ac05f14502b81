// Who should have answered when the sound server did not (the program to name
// and to restart), and what step 0 says about it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

#include <string>
#include <vector>

#include "checks/run_checks.hpp"
#include "platform/pulse/pulse_connection.hpp"

namespace micdoctor::test {
namespace {

using pulse::ServerListener;

TEST(ServerListener, TheServerIsChosenOverSystemdHoldingItsActivationSocket) {
  // Socket activation: systemd --user (a low pid) holds the socket beside the server.
  const std::vector<ServerListener> holders = {{"systemd", 812, false}, {"pipewire-pulse", 1430, true}};
  const auto chosen = pulse::choose_server_listener(holders);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->program, "pipewire-pulse");
  EXPECT_EQ(chosen->pid, 1430);
  EXPECT_TRUE(chosen->stopped);
}

TEST(ServerListener, TheServerIsChosenWhicheverOrderTheyComeIn) {
  const std::vector<ServerListener> holders = {{"pulseaudio", 300, false}, {"systemd", 812, false}};
  EXPECT_EQ(pulse::choose_server_listener(holders)->program, "pulseaudio");
}

TEST(ServerListener, SystemdIsNamedOnlyWhenItAloneHoldsTheSocket) {
  const auto chosen = pulse::choose_server_listener({{"systemd", 812, false}});
  ASSERT_TRUE(chosen.has_value());
  EXPECT_TRUE(pulse::is_service_manager(*chosen));
  EXPECT_FALSE(pulse::choose_server_listener({}).has_value());
}

SystemSnapshot unanswered(const std::string& listener, const std::vector<std::string>& installed) {
  SystemSnapshot s;
  s.server.reachable = false;
  s.server.tried = "the default server (/run/user/1000/pulse/native)";
  s.server.error = "connected, but no answer within 2.0 s";
  s.server.listener = listener;
  s.server.installed = installed;
  return s;
}

std::string steps_of(const Finding& f) {
  std::string text;
  for (const std::string& step : f.manual_steps) text += step + "\n";
  return text;
}

const Finding& unreachable(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.id == "server.unreachable") return f;
  }
  throw std::runtime_error("no server.unreachable");
}

TEST(ServerListener, SystemdAloneMeansTheActivatedServiceIsRestartedNotSystemd) {
  for (const auto& [installed, service] : std::vector<std::pair<std::string, std::string>>{
           {"pipewire-pulse", "systemctl --user restart pipewire-pulse"},
           {"pulseaudio", "systemctl --user restart pulseaudio"}}) {
    const std::vector<Finding> findings = run_checks(unanswered("systemd", {installed}));
    const Finding& f = unreachable(findings);
    const std::string steps = steps_of(f);
    EXPECT_NE(steps.find(service), std::string::npos) << steps;
    EXPECT_EQ(steps.find("Restart systemd"), std::string::npos) << steps;
    EXPECT_NE(f.detail.find("the socket unit answers, but the service behind it does not"), std::string::npos)
        << f.detail;
    EXPECT_EQ(f.detail.find("The server (systemd)"), std::string::npos) << f.detail;
  }
}

TEST(ServerListener, AServerThatAnsweredWithARefusalIsNotCalledHung) {
  // The platform records no listener for a refusal; step 0 then says nothing of a hang.
  SystemSnapshot s = unanswered("", {"pulseaudio"});
  s.server.error = "Access denied";
  const std::vector<Finding> findings = run_checks(s);
  const Finding& f = unreachable(findings);
  EXPECT_EQ(f.detail.find("hung or paused"), std::string::npos) << f.detail;
  EXPECT_EQ(f.title.find("does not answer"), std::string::npos) << f.title;
}

}  // namespace
}  // namespace micdoctor::test
