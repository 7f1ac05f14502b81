// fwupd: the reply rules (platform/linux/fwupd_parse), the check
// firmware.update_available and the fix rules of firmware.update (asked for
// by id only, journalled, never undone), and the journal's version 4
// settings. The live D-Bus reader is proven against a private bus in
// tests/servers/test_fwupd_dbus.py.
//
// Shapes from fwupd's own test device (plugins/test/fu-test-plugin.c,
// fwupd 2.0: "Integrated Webcam(TM)", Icon camera-web, plugin "test") and a
// Jabra headset as `fwupdmgr get-devices --json` prints one (plugin jabra_gnp,
// VendorId USB:0x0B0E, InstanceIds USB\VID_0B0E&PID_24B0).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "checks/run_checks.hpp"
#include "fixes/fix_session.hpp"
#include "fixes/journal.hpp"
#include "fixes/undo.hpp"
#include "platform/linux/fwupd_parse.hpp"
#include "platform/linux/fwupd_reader.hpp"
#include "platform/linux/process.hpp"

namespace micdoctor {
namespace {

using linux_system::FwupdProperties;

constexpr const char* kHeadsetId = "6a3a2f4b5e3c1d2e8f9a0b1c2d3e4f5a6b7c8d9e";
constexpr const char* kMouseId = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e";

FwupdProperties headset_reply() {
  return FwupdProperties{{"DeviceId", std::string(kHeadsetId)},
                         {"Name", std::string("Evolve2 65")},
                         {"Vendor", std::string("Jabra")},
                         {"Version", std::string("1.12.2")},
                         {"Plugin", std::string("jabra_gnp")},
                         {"VendorId", std::string("USB:0x0B0E")},
                         {"InstanceIds", std::vector<std::string>{"USB\\VID_0B0E&PID_24B0"}},
                         {"Icon", std::vector<std::string>{"audio-headset"}},
                         // updatable (1<<1) | supported (1<<5) | needs-reboot (1<<8) | updatable-hidden (1<<37)
                         {"Flags", std::uint64_t{(1ull << 1) | (1ull << 5) | (1ull << 8) | (1ull << 37)}}};
}

FirmwareDevice device(const std::string& id, bool audio, const std::string& version,
                      std::vector<FirmwareRelease> upgrades) {
  FirmwareDevice d;
  d.id = id;
  d.name = audio ? "Evolve2 65" : "MX Master 3";
  d.vendor = audio ? "Jabra" : "Logitech";
  d.version = version;
  d.plugin = audio ? "jabra_gnp" : "logitech_hidpp";
  d.flags = {"updatable"};
  d.is_audio = audio;
  d.upgrades = std::move(upgrades);
  return d;
}

FirmwareRelease release(const std::string& version) {
  FirmwareRelease r;
  r.version = version;
  r.summary = "Firmware for the Jabra Evolve2 65";
  r.description = "Improves the microphone's noise cancellation.";
  r.remote = "lvfs";
  r.install_duration_s = 120;
  r.size_bytes = 3u << 20;
  return r;
}

SystemSnapshot with_firmware(std::vector<FirmwareDevice> devices, const std::string& metadata = "fresh") {
  SystemSnapshot s;
  s.firmware.read = true;
  s.firmware.installed = true;
  s.firmware.daemon_version = "2.0.20";
  s.firmware.metadata = metadata;
  s.firmware.metadata_age_days = metadata == "stale" ? 45 : 2;
  s.firmware.devices = std::move(devices);
  return s;
}

std::vector<Finding> updates(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [](const Finding& f) { return f.id == "firmware.update_available"; });
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- replies ------------------------------------------------------------------

TEST(FwupdReply, ADeviceKeepsItsKeysFlagsByNameAndIsAudioByItsIcon) {
  const FirmwareDevice d = linux_system::fwupd_device(headset_reply());
  EXPECT_EQ(d.id, kHeadsetId);
  EXPECT_EQ(d.name, "Evolve2 65");
  EXPECT_EQ(d.vendor, "Jabra");
  EXPECT_EQ(d.version, "1.12.2");
  EXPECT_EQ(d.vendor_ids, "USB:0x0B0E");
  EXPECT_EQ(d.instance_ids, std::vector<std::string>{"USB\\VID_0B0E&PID_24B0"});
  EXPECT_EQ(d.flags, (std::vector<std::string>{"updatable", "supported", "needs-reboot", "updatable-hidden"}));
  EXPECT_TRUE(d.is_audio);
}

TEST(FwupdReply, AudioIsDecidedByIconPluginOrAudioOnlyVendor) {
  EXPECT_TRUE(linux_system::fwupd_is_audio({"camera-web"}, "test", ""));
  EXPECT_TRUE(linux_system::fwupd_is_audio({}, "logitech_bulkcontroller", ""));
  EXPECT_TRUE(linux_system::fwupd_is_audio({}, "hid", "USB:0x047F"));
  EXPECT_FALSE(linux_system::fwupd_is_audio({"input-mouse"}, "logitech_hidpp", "USB:0x046D"));
  EXPECT_FALSE(linux_system::fwupd_is_audio({"computer"}, "uefi_capsule", ""));
}

TEST(FwupdReply, WrongTypesAreIgnoredNotTrusted) {
  FwupdProperties p = headset_reply();
  p["Name"] = std::uint64_t{7};
  p["Flags"] = std::string("updatable");
  p["Icon"] = true;
  const FirmwareDevice d = linux_system::fwupd_device(p);
  EXPECT_EQ(d.name, "");
  EXPECT_TRUE(d.flags.empty());
  EXPECT_TRUE(d.is_audio);  // still: the plugin and vendor say so
}

TEST(FwupdReply, AReleaseHasPlainNotesUrgencyByNameAndABoundedDuration) {
  const FirmwareRelease r = linux_system::fwupd_release(FwupdProperties{
      {"Version", std::string("1.12.5")},
      {"Summary", std::string("Firmware for the Jabra Evolve2 65")},
      {"Description", std::string("<p>This release fixes:</p><ul><li>Microphone muted after wake &amp; resume</li>"
                                  "<li>Echo in calls</li></ul>")},
      {"RemoteId", std::string("lvfs")},
      {"Urgency", std::uint64_t{3}},
      {"Size", std::uint64_t{3145728}},
      {"InstallDuration", std::uint64_t{999999999}}});
  EXPECT_EQ(r.version, "1.12.5");
  EXPECT_EQ(r.description, "This release fixes:\n- Microphone muted after wake & resume\n- Echo in calls");
  EXPECT_EQ(r.urgency, "high");
  EXPECT_EQ(r.size_bytes, 3145728u);
  EXPECT_EQ(r.install_duration_s, 24 * 3600);
}

TEST(FwupdReply, HostileNotesLoseTheirEscapesAndAreCut) {
  const std::string text = linux_system::fwupd_plain_text("<p>\x1b[2Jgone\x07</p>" + std::string(100000, 'a'));
  EXPECT_FALSE(has(text, "\x1b"));
  EXPECT_FALSE(has(text, "\x07"));
  EXPECT_LE(text.size(), linux_system::kFwupdMaxDescription + 3);
  EXPECT_TRUE(has(text, "..."));
}

TEST(FwupdReply, MetadataIsFreshStaleOrMissingFromTheEnabledDownloadRemotes) {
  constexpr std::int64_t now = 1'800'000'000;
  const auto remote = [](const std::string& id, std::uint64_t kind, bool enabled, std::int64_t modified) {
    return FwupdProperties{{"RemoteId", id}, {"Type", kind}, {"Enabled", enabled},
                           {"ModificationTime", static_cast<std::uint64_t>(modified)}};
  };
  FirmwareService fresh;
  linux_system::fwupd_metadata_state({remote("lvfs", 1, true, now - 3LL * 86400), remote("lvfs-testing", 1, false, 0)},
                                     now, fresh);
  EXPECT_EQ(fresh.metadata, "fresh");
  EXPECT_EQ(fresh.metadata_age_days, 3);
  FirmwareService stale;
  linux_system::fwupd_metadata_state({remote("lvfs", 1, true, now - 45LL * 86400)}, now, stale);
  EXPECT_EQ(stale.metadata, "stale");
  FirmwareService missing;
  linux_system::fwupd_metadata_state({remote("lvfs", 1, true, 0), remote("vendor-directory", 3, true, now)}, now,
                                     missing);
  EXPECT_EQ(missing.metadata, "missing");
  // fwupd 2.0 says enabled in its remote flags (FWUPD_REMOTE_FLAG_ENABLED).
  FirmwareService flags;
  linux_system::fwupd_metadata_state(
      {FwupdProperties{{"Type", std::uint64_t{1}}, {"Flags", std::uint64_t{1}}, {"ModificationTime", std::uint64_t{now - 86400}}}},
      now, flags);
  EXPECT_EQ(flags.metadata, "fresh");
}

// --- the check ------------------------------------------------------------------

TEST(FirmwareCheck, AnAudioDeviceWithAnUpgradeGetsAWarningInPlainWords) {
  const std::vector<Finding> found =
      updates(run_checks(with_firmware({device(kHeadsetId, true, "1.12.2", {release("1.12.5")})})));
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found.front();
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.step, 4);
  EXPECT_EQ(f.device, kHeadsetId);
  EXPECT_EQ(f.fix, "firmware.update");
  EXPECT_TRUE(has(f.title, "Jabra Evolve2 65"));
  EXPECT_TRUE(has(f.detail, "1.12.2")) << f.detail;
  EXPECT_TRUE(has(f.detail, "1.12.5"));
  EXPECT_TRUE(has(f.detail, "Firmware for the Jabra Evolve2 65"));
  EXPECT_TRUE(has(f.detail, "Linux Vendor Firmware Service (LVFS)"));
  EXPECT_TRUE(has(f.detail, "about 2 minutes"));
  EXPECT_TRUE(has(f.advice, "cannot be undone"));
  const auto step = [&](const std::string& part) {
    return std::any_of(f.manual_steps.begin(), f.manual_steps.end(), [&](const std::string& s) { return has(s, part); });
  };
  EXPECT_TRUE(step("micdoctor fix --only firmware.update"));
  EXPECT_TRUE(step(std::string("fwupdmgr update '") + kHeadsetId + "'"));
}

TEST(FirmwareCheck, NothingForANonAudioDeviceOrOneUpToDateOrWithoutFwupd) {
  EXPECT_TRUE(updates(run_checks(with_firmware({device(kMouseId, false, "1.0", {release("2.0")})}))).empty());
  EXPECT_TRUE(updates(run_checks(with_firmware({device(kHeadsetId, true, "1.12.5", {})}))).empty());
  SystemSnapshot no_daemon = with_firmware({device(kHeadsetId, true, "1.12.2", {release("1.12.5")})});
  no_daemon.firmware.read = false;
  EXPECT_TRUE(updates(run_checks(no_daemon)).empty());
}

TEST(FirmwareCheck, StaleMetadataIsSaid) {
  const std::vector<Finding> found =
      updates(run_checks(with_firmware({device(kHeadsetId, true, "1.12.2", {release("1.12.5")})}, "stale")));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(has(found.front().detail, "45 days old")) << found.front().detail;
}

// --- the fix rules ----------------------------------------------------------------

class AllowAll : public Consent {
 public:
  Answer approve(const Change& change) override {
    asked.push_back(change);
    return Answer::yes;
  }
  std::vector<Change> asked;
};

class Journalled : public ChangeJournal {
 public:
  bool before_change(const Change& change, std::string& /*error*/) override {
    entries.push_back(JournalEntry{static_cast<int>(entries.size()) + 1, "t", change, EntryStatus::journalled, {}});
    return true;
  }
  void after_change(const Change& /*change*/, bool requested, const std::string& note) override {
    entries.back().status = requested ? EntryStatus::applied : EntryStatus::failed;
    entries.back().note = note;
  }
  std::vector<JournalEntry> entries;
};

bool any_firmware(const FixRunResult& r) {
  return std::any_of(r.changes.begin(), r.changes.end(),
                     [](const ChangeOutcome& o) { return o.change.setting == Setting::firmware_version; });
}

TEST(FirmwareFix, APlainFixWithYesNeverInstallsFirmware) {
  SimulatedSystem system(with_firmware({device(kHeadsetId, true, "1.12.2", {release("1.12.5")})}));
  AllowAll consent;
  Journalled journal;
  const FixRunResult r = run_fixes(system, &journal, consent, FixOptions{});
  EXPECT_FALSE(any_firmware(r));
  EXPECT_EQ(system.read().firmware.devices.front().version, "1.12.2");
  FixOptions dry;
  dry.dry_run = true;
  EXPECT_FALSE(any_firmware(run_fixes(system, nullptr, consent, dry)));
}

TEST(FirmwareFix, AskedForByIdItIsJournalledFirstSaysItCannotBeUndoneAndInstalls) {
  SimulatedSystem system(with_firmware({device(kHeadsetId, true, "1.12.2", {release("1.12.5")})}));
  AllowAll consent;
  Journalled journal;
  FixOptions options;
  options.only = "firmware.update";
  const FixRunResult r = run_fixes(system, &journal, consent, options);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes.front().status, ChangeStatus::applied);
  ASSERT_EQ(consent.asked.size(), 1u);
  EXPECT_TRUE(has(consent.asked.front().cost, "cannot be undone by micdoctor"));
  EXPECT_TRUE(has(consent.asked.front().cost, "about 120 seconds"));
  ASSERT_EQ(journal.entries.size(), 1u);
  EXPECT_EQ(journal.entries.front().change.from.name, "1.12.2");
  EXPECT_EQ(journal.entries.front().change.to.name, "1.12.5");
  EXPECT_EQ(system.read().firmware.devices.front().version, "1.12.5");
  EXPECT_TRUE(updates(r.findings_after).empty());
}

TEST(FirmwareFix, AskedForByIdADryRunShowsThePlan) {
  SimulatedSystem system(with_firmware({device(kHeadsetId, true, "1.12.2", {release("1.12.5")})}));
  AllowAll consent;
  FixOptions options;
  options.only = "firmware.update";
  options.dry_run = true;
  const FixRunResult r = run_fixes(system, nullptr, consent, options);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes.front().status, ChangeStatus::planned);
  EXPECT_TRUE(consent.asked.empty());
}

TEST(FirmwareFix, UndoSaysItCannotUndoFirmwareAndCarriesOnWithTheOthers) {
  SystemSnapshot s = with_firmware({device(kHeadsetId, true, "1.12.5", {})});
  s.services.push_back(ServiceState{"camsvc", "Capability Access Manager Service", true, "running", "manual", ""});
  SimulatedSystem system(s);
  JournalRun run;
  run.id = "r";
  Change firmware;
  firmware.setting = Setting::firmware_version;
  firmware.target.name = kHeadsetId;
  firmware.from.name = "1.12.2";
  firmware.to.name = "1.12.5";
  Change service;
  service.setting = Setting::service_start_type;
  service.target.name = "camsvc";
  service.from.name = "disabled";
  service.to.name = "manual";
  run.entries.push_back(JournalEntry{1, "t", service, EntryStatus::applied, {}});
  run.entries.push_back(JournalEntry{2, "t", firmware, EntryStatus::applied, {}});
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(system, run, [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 2u);
  const auto of = [&](Setting setting) {
    return *std::find_if(outcomes.begin(), outcomes.end(), [&](const UndoOutcome& o) { return o.change.setting == setting; });
  };
  EXPECT_EQ(of(Setting::firmware_version).result, UndoResult::not_undoable);
  EXPECT_TRUE(has(of(Setting::firmware_version).note, "micdoctor cannot undo a firmware update"));
  EXPECT_TRUE(has(of(Setting::firmware_version).note, std::string("fwupdmgr downgrade '") + kHeadsetId + "'"))
      << of(Setting::firmware_version).note;
  EXPECT_EQ(of(Setting::service_start_type).result, UndoResult::restored);
  EXPECT_EQ(system.read().firmware.devices.front().version, "1.12.5");
  EXPECT_TRUE(stopped.empty());
}

// --- the journal ----------------------------------------------------------------------

Journal journal_with(const Change& change) {
  Journal journal;
  JournalRun run;
  run.id = "20261204T021000Z-1";
  run.started = "2026-12-04T02:10:00Z";
  run.entries.push_back(JournalEntry{1, "2026-12-04T02:10:01Z", change, EntryStatus::applied, {}});
  journal.runs.push_back(run);
  return journal;
}

TEST(FirmwareJournal, BothNewSettingsAreWrittenAsVersion4AndReadBack) {
  Change firmware;
  firmware.fix = "firmware.update";
  firmware.setting = Setting::firmware_version;
  firmware.target.name = kHeadsetId;
  firmware.from.name = "1.12.2";
  firmware.to.name = "1.12.5";
  Change service;
  service.fix = "service.start";
  service.setting = Setting::service_start_type;
  service.target.name = "camsvc";
  service.from.name = "disabled";
  service.to.name = "manual";
  for (const Change& c : {firmware, service}) {
    const std::string text = journal_to_text(journal_with(c));
    EXPECT_TRUE(has(text, "\"micdoctor.journal/4\"")) << text;
    const Journal back = journal_from_text(text);
    const Change& read = back.runs.at(0).entries.at(0).change;
    EXPECT_EQ(read.setting, c.setting);
    EXPECT_EQ(read.target.name, c.target.name);
    EXPECT_EQ(read.from.name, c.from.name);
    EXPECT_EQ(read.to.name, c.to.name);
  }
}

TEST(FirmwareJournal, AnOlderVersionOrABadStartTypeIsRefused) {
  Change service;
  service.setting = Setting::service_start_type;
  service.target.name = "camsvc";
  service.from.name = "disabled";
  service.to.name = "manual";
  std::string text = journal_to_text(journal_with(service));
  std::string as_v3 = text;
  as_v3.replace(as_v3.find("journal/4"), 9, "journal/3");
  EXPECT_THROW(journal_from_text(as_v3), JournalError);
  std::string bad_type = text;
  bad_type.replace(bad_type.find("\"disabled\""), 10, "\"rm -rf /\"");
  EXPECT_THROW(journal_from_text(bad_type), JournalError);
}


// ---- the firmware install, attached to the person's terminal ----------------

namespace install {

namespace fs = std::filesystem;

// A stand-in fwupdmgr on PATH for one test, and our stdin fed from a pipe
// holding `typed` (what the person would type), both restored after.
class FakeFwupdmgr {
 public:
  FakeFwupdmgr(const std::string& script, const std::string& typed)
      : dir_(fs::temp_directory_path() / ("micdoctor-fwupdmgr-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "fwupdmgr") << "#!/bin/sh\n" << script << "\n";
    fs::permissions(dir_ / "fwupdmgr", fs::perms::owner_all);
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    ::setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    EXPECT_EQ(::write(fds[1], typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
    ::close(fds[1]);
    saved_stdin_ = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
  }
  FakeFwupdmgr(const FakeFwupdmgr&) = delete;
  FakeFwupdmgr& operator=(const FakeFwupdmgr&) = delete;
  ~FakeFwupdmgr() {
    ::dup2(saved_stdin_, STDIN_FILENO);
    ::close(saved_stdin_);
    ::setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }

 private:
  fs::path dir_;
  std::string old_path_;
  int saved_stdin_ = -1;
};

// fwupdmgr reads the person's terminal (polkit's agent asks there): with
// stdin on /dev/null this install could not go on.
TEST(FirmwareInstall, FwupdmgrReadsThePersonsTerminal) {
  FakeFwupdmgr fake("read answer; [ \"$answer\" = secret ] || exit 1; echo \"Installing $5 on $4\"", "secret\n");
  std::string error;
  EXPECT_TRUE(linux_system::install_firmware(kHeadsetId, "1.2.4", error)) << error;
}

// Each way it can end is said in words, fwupdmgr's own exit codes included.
TEST(FirmwareInstall, HowItEndedInWords) {
  std::string error;
  {
    FakeFwupdmgr fake("exit 2", "");
    EXPECT_FALSE(linux_system::install_firmware(kHeadsetId, "1.2.4", error));
    EXPECT_NE(error.find("fwupdmgr exited with status 2 (nothing to do"), std::string::npos) << error;
  }
  {
    FakeFwupdmgr fake("exit 3", "");
    EXPECT_FALSE(linux_system::install_firmware(kHeadsetId, "1.2.4", error));
    EXPECT_NE(error.find("status 3 (fwupd does not know this device or version)"), std::string::npos) << error;
  }
  {
    FakeFwupdmgr fake("kill -TERM $$", "");
    EXPECT_FALSE(linux_system::install_firmware(kHeadsetId, "1.2.4", error));
    EXPECT_NE(error.find("fwupdmgr was ended by signal 15"), std::string::npos) << error;
  }
  EXPECT_NE(linux_system::run_attached({"/nonexistent/fwupdmgr"}).find("could not be started"), std::string::npos);
}

}  // namespace install

}  // namespace
}  // namespace micdoctor
