// The fixes below the sound server (issue 13), on snapshots in memory: the
// planner for each mixer fix and the WirePlumber drop-in, the journal's
// version 3 fields, and undo's decisions. (The same fixes against the real
// alsa-lib and file system: tests/alsa/alsa_mixer_test.cpp.)
#include <gtest/gtest.h>

#include "fixes/below_server_plan.hpp"
#include "fixes/fix_plan.hpp"
#include "fixes/journal.hpp"
#include "fixes/undo.hpp"

using namespace micdoctor;

namespace {

// A laptop's HD-Audio mixer as alsa-lib reads it (the shapes of
// tests/fixtures/mixers/Generic_1.state), plus an input selector.
SystemSnapshot laptop() {
  SystemSnapshot s;
  AlsaMixer mixer;
  mixer.card = 0;
  mixer.card_id = "PCH";
  mixer.read = true;
  MixerElement capture;
  capture.name = "Capture";
  capture.volume = MixerVolume{0, 63, {10, 40}, -17.25, 30.0, {-9.75, 12.75}, std::nullopt};
  capture.volume_is_capture = true;
  capture.capture_switch = {false, true};
  MixerElement boost;
  boost.name = "Mic Boost";
  boost.volume = MixerVolume{0, 3, {1, 3}, 0.0, 30.0, {10.0, 30.0}, std::nullopt};
  MixerElement plain;  // a capture volume with no dB scale
  plain.name = "Mic";
  plain.volume = MixerVolume{0, 100, {10}, std::nullopt, std::nullopt, {}, std::nullopt};
  plain.volume_is_capture = true;
  MixerElement selector;
  selector.name = "Input Source";
  selector.enum_items = {"Line", "Mic", "Internal Mic"};
  selector.enum_selected = "Line";
  mixer.elements = {capture, boost, plain, selector};
  s.kernel.mixers = {mixer};
  s.user_config.wireplumber_dir = "/home/me/.config/wireplumber";
  s.user_config.wireplumber_version = "0.5.2";
  return s;
}

Finding mixer_finding(const std::string& id, const std::string& fix, const std::string& device) {
  Finding f;
  f.id = id;
  f.fix = fix;
  f.device = device;
  return f;
}

Finding headset_finding() {
  Finding f;
  f.id = "bluetooth.no_headset_profile";
  f.fix = "bluetooth.enable_headset_roles";
  f.device = "00:1B:66:AA:BB:CC";
  return f;
}

// --- the planner ---------------------------------------------------------------

TEST(MixerPlan, CaptureOnSwitchesEveryChannelOn) {
  const auto c = change_for(mixer_finding("mixer.capture_off", "mixer.capture_on", "PCH:Capture,0"), laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->setting, Setting::mixer_switch);
  EXPECT_EQ(c->target.name, "PCH:Capture,0");
  EXPECT_EQ(c->from.levels, (std::vector<long>{0, 1}));
  EXPECT_EQ(c->to.levels, (std::vector<long>{1, 1}));
  EXPECT_EQ(c->fix, "mixer.capture_on");
  EXPECT_EQ(c->finding_device, "PCH:Capture,0");
}

TEST(MixerPlan, NothingToDoWhenTheSwitchIsAlreadyOnOrTheElementIsNotThere) {
  SystemSnapshot s = laptop();
  s.kernel.mixers[0].elements[0].capture_switch = {true, true};
  EXPECT_FALSE(change_for(mixer_finding("mixer.capture_off", "mixer.capture_on", "PCH:Capture,0"), s, ""));
  EXPECT_FALSE(change_for(mixer_finding("mixer.capture_off", "mixer.capture_on", "PCH:Nothing,0"), s, ""));
  EXPECT_FALSE(change_for(mixer_finding("mixer.capture_off", "mixer.capture_on", "not an id"), s, ""));
  EXPECT_FALSE(change_for(mixer_finding("mixer.capture_off", "mixer.capture_on", "PCH:Capture,1"), s, ""));
}

TEST(MixerPlan, RaiseCaptureGoesToZeroDbAndNeverLowersAChannel) {
  const auto c = change_for(mixer_finding("mixer.capture_low", "mixer.raise_capture", "PCH:Capture,0"), laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->setting, Setting::mixer_volume);
  // -17.25 dB + 23 x 0.75 dB = 0 dB; the right channel, at +12.75 dB, stays.
  EXPECT_EQ(c->to.levels, (std::vector<long>{23, 40}));
  ASSERT_EQ(c->to.db.size(), 2u);
  EXPECT_DOUBLE_EQ(c->to.db[0], 0.0);
  EXPECT_EQ(c->from.levels, (std::vector<long>{10, 40}));
  EXPECT_NE(c->summary.find("+0.0 dB"), std::string::npos) << c->summary;
}

TEST(MixerPlan, RaiseCaptureWithoutADbScaleGoesToThreeQuartersOfTheRange) {
  const auto c = change_for(mixer_finding("mixer.capture_low", "mixer.raise_capture", "PCH:Mic,0"), laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to.levels, (std::vector<long>{75}));
  EXPECT_TRUE(c->to.db.empty());
}

// An SOF capture volume (topology "-50 dB step 1 dB, mute", 0 - 80): alsa-lib
// gives its lowest step as muted, and step 1 as -49 dB.
SystemSnapshot with_muting_volume(MixerVolume volume) {
  SystemSnapshot s = laptop();
  MixerElement pga;
  pga.name = "PGA2.0 2 Master";
  pga.volume = std::move(volume);
  pga.volume_is_capture = true;
  s.kernel.mixers[0].elements.push_back(pga);
  return s;
}

TEST(MixerPlan, RaiseCaptureOnAVolumeWhoseLowestStepMutesGoesTo0dBNotToTheTop) {
  const MixerVolume muted{0, 80, {0, 0}, kMuteDb, 30.0, {kMuteDb, kMuteDb}, -49.0};
  const Finding low = mixer_finding("mixer.capture_low", "mixer.raise_capture", "PCH:PGA2.0 2 Master,0");
  const auto c = change_for(low, with_muting_volume(muted), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to.levels, (std::vector<long>{50, 50}));  // -49 dB at step 1, +30 dB at step 80
  EXPECT_EQ(c->to.db, (std::vector<double>{0.0, 0.0}));
  EXPECT_NE(c->summary.find("+0.0 dB"), std::string::npos) << c->summary;
  ASSERT_TRUE(c->from.db.size() == 2 && is_mute_db(c->from.db[0]));
  // The dry run's snapshot shows the muted step as muted and the raised one at 0 dB.
  SystemSnapshot after = with_muting_volume(muted);
  apply_below_server(after, c->setting, c->target, c->to);
  EXPECT_EQ(after.kernel.mixers[0].elements.back().volume->db, (std::vector<double>{0.0, 0.0}));
}

TEST(MixerPlan, AMutingVolumeIsInterpolatedOnlyBetweenKnownDbValues) {
  // As an alsa-info dump gives it: no dB for step 1; the right channel's dB is known.
  const MixerVolume muted{0, 80, {0, 60}, kMuteDb, 30.0, {kMuteDb, 10.0}, std::nullopt};
  const Finding low = mixer_finding("mixer.capture_low", "mixer.raise_capture", "PCH:PGA2.0 2 Master,0");
  const auto c = change_for(low, with_muting_volume(muted), "");
  ASSERT_TRUE(c);
  // 0 dB is below the lowest known point (+10 dB at 60): the nearest known step, not an extrapolation to the top.
  EXPECT_EQ(c->to.levels, (std::vector<long>{60, 60}));
  EXPECT_EQ(c->to.db, (std::vector<double>{10.0, 10.0}));
  // With only the top known, the scale is not known: three quarters of the range, no dB claimed.
  const MixerVolume unknown{0, 80, {0, 0}, kMuteDb, 30.0, {kMuteDb, kMuteDb}, std::nullopt};
  const auto plain = change_for(low, with_muting_volume(unknown), "");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->to.levels, (std::vector<long>{60, 60}));
  EXPECT_TRUE(plain->to.db.empty());
}

TEST(MixerPlan, LowerBoostGoesToTheStepNearestPlus20DbAndNeverRaises) {
  const auto c = change_for(mixer_finding("mixer.boost_high", "mixer.lower_boost", "PCH:Mic Boost,0"), laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to.levels, (std::vector<long>{1, 2}));  // +10 dB stays, +30 dB goes to +20 dB
  EXPECT_EQ(c->to.db, (std::vector<double>{10.0, 20.0}));
  SystemSnapshot low = laptop();
  low.kernel.mixers[0].elements[1].volume->values = {1, 1};
  EXPECT_FALSE(change_for(mixer_finding("mixer.boost_high", "mixer.lower_boost", "PCH:Mic Boost,0"), low, ""));
  // Without a dB scale nobody knows where +20 dB is: no plan.
  EXPECT_FALSE(change_for(mixer_finding("mixer.boost_high", "mixer.lower_boost", "PCH:Mic,0"), laptop(), ""));
}

TEST(MixerPlan, SelectInputPicksTheMicrophoneItemTheFindingNames) {
  Finding f = mixer_finding("mixer.input_select", "mixer.select_input", "PCH:Input Source,0");
  auto c = change_for(f, laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->setting, Setting::mixer_enum);
  EXPECT_EQ(c->from.name, "Line");
  EXPECT_EQ(c->to.name, "Mic");  // the first item that says Mic
  f.detail = "The input selector is on \"Line\"; the microphone is \"Internal Mic\".";
  c = change_for(f, laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to.name, "Internal Mic");
  SystemSnapshot on_mic = laptop();
  on_mic.kernel.mixers[0].elements[3].enum_items = {"Line", "Mic"};
  on_mic.kernel.mixers[0].elements[3].enum_selected = "Mic";
  EXPECT_FALSE(change_for(f, on_mic, ""));  // no other microphone item to pick
}

TEST(HeadsetRolesPlan, WirePlumber05GetsASpaJsonDropIn) {
  const auto c = change_for(headset_finding(), laptop(), "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->setting, Setting::config_file);
  EXPECT_EQ(c->target.name,
            "/home/me/.config/wireplumber/wireplumber.conf.d/99-micdoctor-enable-headset-roles.conf");
  EXPECT_EQ(c->from.name, "");  // no such file
  // PipeWire takes bluez5.roles before bluez5.headset-roles: a user's "bluez5.roles = [ a2dp_sink a2dp_source ]"
  // (the Arch wiki's recipe) is overridden only by bluez5.roles.
  EXPECT_NE(c->to.name.find("monitor.bluez.properties = {\n  bluez5.roles = [ a2dp_sink a2dp_source bap_sink bap_source "
                            "hsp_hs hsp_ag hfp_hf hfp_ag ]\n}"),
            std::string::npos)
      << c->to.name;
  SystemSnapshot none = laptop();
  none.audio_config = {AudioConfigSetting{"wireplumber", "bluez5.hfphsp-backend", "\"none\"", "/etc/x.conf"}};
  const auto native = change_for(headset_finding(), none, "");
  ASSERT_TRUE(native);
  EXPECT_NE(native->to.name.find("  bluez5.hfphsp-backend = \"native\"\n}"), std::string::npos) << native->to.name;
  EXPECT_NE(c->to.name.find("micdoctor"), std::string::npos);
  EXPECT_NE(c->cost.find("systemctl --user restart wireplumber"), std::string::npos);
  EXPECT_NE(c->cost.find("micdoctor undo' removes the file"), std::string::npos);
}

TEST(HeadsetRolesPlan, WirePlumber04GetsALuaDropIn) {
  SystemSnapshot s = laptop();
  s.user_config.wireplumber_version = "0.4.13";
  const auto c = change_for(headset_finding(), s, "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->target.name, "/home/me/.config/wireplumber/bluetooth.lua.d/99-micdoctor-enable-headset-roles.lua");
  EXPECT_NE(c->to.name.find("bluez_monitor.properties[\"bluez5.headset-roles\"] = \"[ hsp_hs hsp_ag hfp_hf hfp_ag ]\""),
            std::string::npos)
      << c->to.name;
  EXPECT_NE(c->to.name.find("bluez_monitor.properties[\"bluez5.roles\"] = \"[ a2dp_sink a2dp_source bap_sink bap_source "
                            "hsp_hs hsp_ag hfp_hf hfp_ag ]\""),
            std::string::npos)
      << c->to.name;
}

TEST(HeadsetRolesPlan, NoPlanWithoutAKnownWirePlumberOrOverAFileThatIsThere) {
  SystemSnapshot none = laptop();
  none.user_config.wireplumber_version = "";
  EXPECT_FALSE(change_for(headset_finding(), none, ""));
  SystemSnapshot old = laptop();
  old.user_config.wireplumber_version = "0.3.1";
  EXPECT_FALSE(change_for(headset_finding(), old, ""));
  SystemSnapshot taken = laptop();
  taken.audio_config.push_back(AudioConfigSetting{
      "wireplumber", "bluez5.headset-roles", "[ ]",
      "/home/me/.config/wireplumber/wireplumber.conf.d/99-micdoctor-enable-headset-roles.conf"});
  EXPECT_FALSE(change_for(headset_finding(), taken, ""));
}

TEST(BelowServerDryRun, TheSnapshotShowsEachChange) {
  SystemSnapshot s = laptop();
  const ChangeTarget capture{"PCH:Capture,0", {}, {}, {}};
  apply_to_snapshot(s, Setting::mixer_switch, capture, SettingValue{false, {}, "", {1}, {}});
  EXPECT_EQ(s.kernel.mixers[0].elements[0].capture_switch, (std::vector<bool>{true, true}));
  apply_to_snapshot(s, Setting::mixer_volume, capture, SettingValue{false, {}, "", {23, 40}, {}});
  EXPECT_EQ(value_in_snapshot(s, Setting::mixer_volume, capture)->levels, (std::vector<long>{23, 40}));
  EXPECT_DOUBLE_EQ(s.kernel.mixers[0].elements[0].volume->db[0], 0.0);
  const ChangeTarget selector{"PCH:Input Source,0", {}, {}, {}};
  apply_to_snapshot(s, Setting::mixer_enum, selector, SettingValue{false, {}, "Mic", {}, {}});
  EXPECT_EQ(value_in_snapshot(s, Setting::mixer_enum, selector)->name, "Mic");
  const ChangeTarget file{"/home/me/.config/wireplumber/wireplumber.conf.d/x.conf", {}, {}, {}};
  apply_to_snapshot(s, Setting::config_file, file, SettingValue{false, {}, "content\n", {}, {}});
  ASSERT_EQ(s.audio_config.size(), 1u);
  EXPECT_EQ(s.audio_config[0].key, "bluez5.roles");
  EXPECT_EQ(s.audio_config[0].file, file.name);
  apply_to_snapshot(s, Setting::config_file, file, SettingValue{});
  EXPECT_TRUE(s.audio_config.empty());
}

TEST(BelowServerValues, DescribedForPeople) {
  EXPECT_EQ(describe_value(Setting::mixer_switch, SettingValue{false, {}, "", {1, 1}, {}}), "on");
  EXPECT_EQ(describe_value(Setting::mixer_switch, SettingValue{false, {}, "", {0, 1}, {}}), "off / on");
  EXPECT_EQ(describe_value(Setting::mixer_volume, SettingValue{false, {}, "", {23, 23}, {0.0, 0.0}}), "0.0 dB");
  EXPECT_EQ(describe_value(Setting::mixer_volume, SettingValue{false, {}, "", {7, 23}, {-12.0, 0.0}}),
            "-12.0 dB / 0.0 dB");
  EXPECT_EQ(describe_value(Setting::mixer_volume, SettingValue{false, {}, "", {75}, {}}), "step 75");
  EXPECT_EQ(describe_value(Setting::mixer_enum, SettingValue{false, {}, "Internal Mic", {}, {}}), "\"Internal Mic\"");
  EXPECT_EQ(describe_value(Setting::config_file, SettingValue{}), "no file");
  EXPECT_EQ(describe_value(Setting::config_file, SettingValue{false, {}, "a\nb\nc\n", {}, {}}), "a file of 3 lines");
  // Levels compare exactly; dB is for people only.
  EXPECT_TRUE(same_value(Setting::mixer_volume, SettingValue{false, {}, "", {23, 40}, {0, 12.75}},
                         SettingValue{false, {}, "", {23, 40}, {}}));
  EXPECT_FALSE(same_value(Setting::mixer_volume, SettingValue{false, {}, "", {23, 41}, {}},
                          SettingValue{false, {}, "", {23, 40}, {}}));
  EXPECT_TRUE(same_value(Setting::mixer_switch, SettingValue{false, {}, "", {1, 1}, {}},
                         SettingValue{false, {}, "", {1}, {}}));
}

// --- the journal ---------------------------------------------------------------

Change change_of(Setting setting, const std::string& target, SettingValue from, SettingValue to) {
  Change c;
  c.fix = "mixer.capture_on";
  c.finding = "mixer.capture_off";
  c.finding_device = target;
  c.setting = setting;
  c.target.name = target;
  c.from = std::move(from);
  c.to = std::move(to);
  c.summary = "s";
  return c;
}

Journal journal_of(std::vector<Change> changes) {
  JournalRun run{"run", "2026-12-03T17:00:00Z", "alsa", {}, false};
  for (Change& c : changes) {
    run.entries.push_back(JournalEntry{static_cast<int>(run.entries.size()) + 1, "2026-12-03T17:00:01Z", std::move(c),
                                       EntryStatus::applied, "", 0});
  }
  return Journal{{run}};
}

JournalError::Kind error_of(const std::string& text, const std::string& names = "") {
  try {
    journal_from_text(text);
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find(names), std::string::npos) << e.what();
    return e.kind();
  }
  ADD_FAILURE() << "read without error: " << text;
  return JournalError::Kind::unwritable;
}

TEST(BelowServerJournal, RoundTripAsVersion3) {
  const Journal journal = journal_of({
      change_of(Setting::mixer_switch, "PCH:Capture,0", {false, {}, "", {0, 1}, {}}, {false, {}, "", {1, 1}, {}}),
      change_of(Setting::mixer_volume, "PCH:Capture,0", {false, {}, "", {17, 52}, {-4.5, 21.75}},
                {false, {}, "", {23, 52}, {0.0, 21.75}}),
      change_of(Setting::mixer_enum, "PCH:Input Source,0", {false, {}, "Line", {}, {}}, {false, {}, "Mic", {}, {}}),
      change_of(Setting::config_file, "/home/me/.config/wireplumber/wireplumber.conf.d/99-micdoctor-x.conf", {},
                 {true, {}, "# micdoctor\nx = 1\n", {}, {}}),
      // An empty file that is there is not "no file".
      change_of(Setting::config_file, "/home/me/.config/wireplumber/wireplumber.conf.d/99-micdoctor-y.conf",
                {true, {}, "", {}, {}}, {true, {}, "y = 1\n", {}, {}}),
  });
  const std::string text = journal_to_text(journal);
  EXPECT_NE(text.find("\"micdoctor.journal/3\""), std::string::npos);
  const Journal back = journal_from_text(text);
  ASSERT_EQ(back.runs.size(), 1u);
  ASSERT_EQ(back.runs[0].entries.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(back.runs[0].entries[i].change.setting, journal.runs[0].entries[i].change.setting);
    EXPECT_EQ(back.runs[0].entries[i].change.from, journal.runs[0].entries[i].change.from) << i;
    EXPECT_EQ(back.runs[0].entries[i].change.to, journal.runs[0].entries[i].change.to) << i;
  }
}

TEST(BelowServerJournal, AMutedLevelIsReadBack) {
  // What alsa-lib gives for a step that mutes: -9999999 x 0.01 dB.
  const double muted = -9999999 / 100.0;
  const Journal journal = journal_of({change_of(Setting::mixer_volume, "PCH:PGA2.0 2 Master,0",
                                                {false, {}, "", {0, 0}, {muted, muted}},
                                                {false, {}, "", {50, 50}, {0.0, 0.0}})});
  const Journal back = journal_from_text(journal_to_text(journal));
  ASSERT_EQ(back.runs.size(), 1u);
  EXPECT_EQ(back.runs[0].entries[0].change.from.db, (std::vector<double>{kMuteDb, kMuteDb}));
  // A dB value that is neither a gain nor "muted" is still refused.
  std::string text = journal_to_text(journal_of({change_of(Setting::mixer_volume, "PCH:Capture,0",
                                                           {false, {}, "", {0}, {-5000.0}}, {false, {}, "", {1}, {0.0}})}));
  EXPECT_THROW(journal_from_text(text), std::exception);
}

TEST(BelowServerJournal, AConfigFileChangeNamesOnlyADropInOfMicdoctors) {
  EXPECT_TRUE(is_micdoctor_drop_in_path("/home/me/.config/wireplumber/wireplumber.conf.d/99-micdoctor-roles.conf"));
  EXPECT_TRUE(is_micdoctor_drop_in_path("/home/me/.config/wireplumber/bluetooth.lua.d/99-micdoctor-roles.lua"));
  for (const char* other : {"/home/me/.bashrc", "/home/me/.config/wireplumber/wireplumber.conf.d/50-mine.conf",
                            "/home/me/.config/wireplumber/bluetooth.lua.d/99-micdoctor-roles.conf",
                            "/home/me/.config/wireplumber/wireplumber.conf.d/../../../.bashrc",
                            "/home/me/.config/wireplumber/wireplumber.conf.d/99-micdoctor-/../../x.conf",
                            "wireplumber/wireplumber.conf.d/99-micdoctor-roles.conf",
                            "/home/me/.config/other/wireplumber.conf.d/99-micdoctor-roles.conf"}) {
    EXPECT_FALSE(is_micdoctor_drop_in_path(other)) << other;
    const std::string text = journal_to_text(
        journal_of({change_of(Setting::config_file, other, {false, {}, "secret\n", {}, {}}, {false, {}, "", {}, {}})}));
    EXPECT_THROW(journal_from_text(text), std::exception) << other;  // undo would remove it
  }
}

TEST(BelowServerJournal, AJournalOfServerChangesStaysVersion1) {
  Change mute = change_of(Setting::source_mute, "alsa_input.x", {true, {}, "", {}, {}}, {false, {}, "", {}, {}});
  EXPECT_NE(journal_to_text(journal_of({mute})).find("\"micdoctor.journal/1\""), std::string::npos);
}

// A journal as written, with one value replaced.
std::string with(const std::string& setting, const std::string& from_json, const std::string& schema = "3") {
  return R"({"schema":"micdoctor.journal/)" + schema +
         R"(","runs":[{"id":"r","started":"t","server":"alsa","undone":false,"entries":[{"sequence":1,"time":"t",)"
         R"("status":"applied","note":"","change":{"fix":"mixer.capture_on","finding":"mixer.capture_off",)"
         R"("finding_device":"PCH:Capture,0","setting":")" + setting +
         R"(","target":{"name":"PCH:Capture,0","stream_index":null,"application":"","process_id":null},"from":)" +
         from_json + R"(,"to":)" + from_json + R"(,"summary":"s","cost":"","streams_before":[]}}]}]})";
}

TEST(BelowServerJournal, EveryNewFieldIsValidated) {
  EXPECT_NO_THROW(journal_from_text(with("mixer_switch", R"({"levels":[0,1]})")));
  EXPECT_NO_THROW(journal_from_text(with("mixer_volume", R"({"levels":[17,52],"db":[-4.5,21.75]})")));
  EXPECT_EQ(error_of(with("mixer_switch", R"({"levels":[2]})"), "from.levels"), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_switch", R"({"levels":[]})")), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_volume", R"({"levels":["17"]})")), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_volume", R"({"levels":[1.5]})")), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_volume", R"({"levels":[4294967296]})")), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_volume", R"({"levels":[1,2],"db":[0]})"), "from.db"), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_volume", R"({"name":"x"})")), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_enum", R"({"levels":[1]})"), "from.name"), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("config_file", "{\"name\":\"" + std::string(70000, 'x') + "\"}")),
            JournalError::Kind::corrupt);
  // A version 2 journal cannot hold a mixer change; a newer one is told apart.
  EXPECT_EQ(error_of(with("mixer_switch", R"({"levels":[1]})", "2"), "setting"), JournalError::Kind::corrupt);
  EXPECT_EQ(error_of(with("mixer_switch", R"({"levels":[1]})", "5")), JournalError::Kind::newer_version);
}

// --- undo ------------------------------------------------------------------------

struct MixerUndo {
  SimulatedSystem system{laptop()};
  JournalRun run{"r", "", "alsa", {}, false};

  void fix(const Finding& finding) {
    std::optional<Change> c = change_for(finding, system.read(), "");
    ASSERT_TRUE(c);
    bool requested = false;
    ASSERT_EQ(set_and_verify(system, c->setting, c->target, c->to, requested), "");
    run.entries.push_back(JournalEntry{1, "", *c, EntryStatus::applied, "", 0});
  }
  std::vector<UndoOutcome> undo() {
    std::string stopped;
    return undo_run(system, run, [](std::string&) { return true; }, stopped);
  }
};

TEST(BelowServerUndo, RestoresEveryChannelsRawLevel) {
  MixerUndo t;
  t.fix(mixer_finding("mixer.capture_low", "mixer.raise_capture", "PCH:Capture,0"));
  EXPECT_EQ(t.system.read().kernel.mixers[0].elements[0].volume->values, (std::vector<long>{23, 40}));
  const auto outcomes = t.undo();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::restored);
  EXPECT_EQ(t.system.read().kernel.mixers[0].elements[0].volume->values, (std::vector<long>{10, 40}));
  EXPECT_EQ(t.run.entries[0].status, EntryStatus::undone);
}

TEST(BelowServerUndo, LeavesAValueChangedSinceAndAnElementGone) {
  MixerUndo t;
  t.fix(mixer_finding("mixer.capture_off", "mixer.capture_on", "PCH:Capture,0"));
  std::string error;
  t.system.apply(Setting::mixer_switch, ChangeTarget{"PCH:Capture,0", {}, {}, {}}, SettingValue{false, {}, "", {1, 0}, {}},
                 error);
  auto outcomes = t.undo();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::changed_since);
  EXPECT_EQ(t.system.read().kernel.mixers[0].elements[0].capture_switch, (std::vector<bool>{true, false}));

  MixerUndo unplugged;
  unplugged.fix(mixer_finding("mixer.capture_off", "mixer.capture_on", "PCH:Capture,0"));
  SystemSnapshot without = unplugged.system.read();
  without.kernel.mixers.clear();
  SimulatedSystem gone(without);
  std::string stopped;
  outcomes = undo_run(gone, unplugged.run, [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::gone);
}

}  // namespace
