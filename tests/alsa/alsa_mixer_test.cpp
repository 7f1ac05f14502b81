// The ALSA mixer through the real alsa-lib: the test control plugin
// (tests/alsa_plugin) serves cards with the controls of real machines
// (tests/fixtures/mixers, alsactl format), loaded through ALSA_CONFIG_PATH
// (set by tests/CMakeLists.txt). Each test copies the fixtures into its own
// state directory (MICDOCTOR_ALSA_STATE), so writes never leak between tests,
// and checks what micdoctor wrote with amixer through the same configuration.
#include <alsa/asoundlib.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "fixes/below_server_plan.hpp"
#include "fixes/fix_plan.hpp"
#include "fixes/journal.hpp"
#include "fixes/undo.hpp"
#include "platform/alsa/alsa_mixer.hpp"
#include "platform/linux/linux_system.hpp"

namespace fs = std::filesystem;
using namespace micdoctor;

namespace {

class AlsaMixerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(std::getenv("ALSA_CONFIG_PATH"), nullptr) << "run through ctest: ALSA_CONFIG_PATH names the test plugin";
    char pattern[] = "/tmp/micdoctor-alsa-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "state");
    for (const char* card : {"Generic_1", "Headset", "Intel", "sofhdadsp"}) {
      fs::copy_file(fs::path(MICDOCTOR_FIXTURES_DIR) / "mixers" / (std::string(card) + ".state"),
                    dir_ / "state" / (std::string(card) + ".state"));
    }
    ::setenv("MICDOCTOR_ALSA_STATE", (dir_ / "state").c_str(), 1);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // amixer through the same ALSA configuration: an independent reader.
  static std::string amixer(const std::string& args) {
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(("amixer " + args + " 2>&1").c_str(), "r"), ::pclose);
    std::array<char, 4096> buffer{};
    while (pipe && std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) out += buffer.data();
    return out;
  }
  // The raw capture values amixer shows for an element, per channel ("Capture 40 [63%]").
  static std::vector<long> amixer_capture_values(const std::string& card, const std::string& element) {
    const std::string text = amixer("-D hw:" + card + " sget '" + element + "'");
    std::vector<long> values;
    const std::regex line(R"((Front Left|Front Right|Mono): Capture (\d+) )");
    for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) values.push_back(std::stol((*it)[2]));
    return values;
  }

  fs::path dir_;
};

const MixerElement* element(const AlsaMixer& mixer, const std::string& name, int index = 0) {
  for (const MixerElement& e : mixer.elements) {
    if (e.name == name && e.index == index) return &e;
  }
  return nullptr;
}

KernelCard card(int number, const std::string& id) {
  KernelCard c;
  c.number = number;
  c.id = id;
  return c;
}

TEST_F(AlsaMixerTest, ReadsTheControlShapesOfRealCards) {
  const auto mixers = alsa::read_alsa_mixers({card(2, "Generic_1"), card(3, "Headset"), card(4, "sofhdadsp"),
                                              card(5, "Gone")});
  ASSERT_EQ(mixers.size(), 4u);
  const AlsaMixer& hda = mixers[0];
  ASSERT_TRUE(hda.read) << hda.error;
  EXPECT_EQ(hda.card, 2);
  EXPECT_EQ(hda.card_id, "Generic_1");
  // "Capture Volume" + "Capture Switch": a stereo capture element with a dB scale.
  const MixerElement* capture = element(hda, "Capture");
  ASSERT_NE(capture, nullptr);
  ASSERT_TRUE(capture->volume);
  EXPECT_TRUE(capture->volume_is_capture);
  EXPECT_EQ(capture->volume->min, 0);
  EXPECT_EQ(capture->volume->max, 63);
  EXPECT_EQ(capture->volume->values, (std::vector<long>{63, 63}));
  EXPECT_DOUBLE_EQ(*capture->volume->db_min, -17.25);
  EXPECT_DOUBLE_EQ(*capture->volume->db_max, 30.0);
  EXPECT_EQ(capture->volume->db, (std::vector<double>{30.0, 30.0}));
  EXPECT_EQ(capture->capture_switch, (std::vector<bool>{true, true}));
  // "Mic Boost Volume": a volume with no direction; index 1 of "Internal Mic Boost" apart.
  const MixerElement* boost = element(hda, "Mic Boost");
  ASSERT_NE(boost, nullptr);
  ASSERT_TRUE(boost->volume);
  EXPECT_FALSE(boost->volume_is_capture);
  EXPECT_EQ(boost->volume->max, 3);
  EXPECT_DOUBLE_EQ(*boost->volume->db_max, 30.0);
  EXPECT_TRUE(boost->capture_switch.empty());
  EXPECT_NE(element(hda, "Internal Mic Boost", 1), nullptr);
  // "Capture Source": alsa-lib shows each item as an exclusive capture switch.
  const MixerElement* internal = element(hda, "Internal Mic");
  ASSERT_NE(internal, nullptr);
  EXPECT_TRUE(internal->capture_exclusive);
  EXPECT_EQ(internal->capture_switch, (std::vector<bool>{true}));
  EXPECT_FALSE(capture->capture_exclusive);
  // Playback-only and plain enumerated elements are not kept.
  EXPECT_EQ(element(hda, "Master"), nullptr);
  EXPECT_EQ(element(hda, "Auto-Mute Mode"), nullptr);

  const MixerElement* usb = element(mixers[1], "Mic");
  ASSERT_NE(usb, nullptr);
  ASSERT_TRUE(usb->volume);
  EXPECT_EQ(usb->volume->values, (std::vector<long>{3}));  // mono
  EXPECT_DOUBLE_EQ(usb->volume->db[0], -25.0);
  EXPECT_EQ(usb->capture_switch, (std::vector<bool>{true}));

  const MixerElement* dmic = element(mixers[2], "Dmic0");
  ASSERT_NE(dmic, nullptr);
  ASSERT_TRUE(dmic->volume);
  EXPECT_EQ(dmic->volume->max, 70);
  EXPECT_DOUBLE_EQ(*dmic->volume->db_min, -50.0);
  EXPECT_DOUBLE_EQ(*dmic->volume->db_max, 20.0);

  EXPECT_FALSE(mixers[3].read);
  EXPECT_NE(mixers[3].error.find("hw:"), std::string::npos) << mixers[3].error;
}

TEST_F(AlsaMixerTest, LinuxSystemChangesRealControlsThatAmixerSees) {
  linux_system::LinuxSystem system;
  const ChangeTarget capture{"Generic_1:Capture,0", {}, {}, {}};
  std::string error;
  SettingValue levels;
  levels.levels = {40, 30};
  ASSERT_TRUE(system.apply(Setting::mixer_volume, capture, levels, error)) << error;
  EXPECT_EQ(amixer_capture_values("Generic_1", "Capture"), (std::vector<long>{40, 30}));
  const CurrentValue now = system.current(Setting::mixer_volume, capture);
  ASSERT_TRUE(now.value) << now.error;
  EXPECT_EQ(now.value->levels, (std::vector<long>{40, 30}));
  EXPECT_DOUBLE_EQ(now.value->db[0], 12.75);  // -17.25 dB + 40 x 0.75 dB

  SettingValue off;
  off.levels = {0, 1};
  ASSERT_TRUE(system.apply(Setting::mixer_switch, capture, off, error)) << error;
  const std::string shown = amixer("-D hw:Generic_1 sget Capture");
  EXPECT_NE(shown.find("Front Left: Capture 40 [63%] [12.75dB] [off]"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Front Right: Capture 30 [48%] [5.25dB] [on]"), std::string::npos) << shown;

  // A value outside the control's range, a channel count that does not fit,
  // and an element that is not there are refused with the reason.
  SettingValue too_loud;
  too_loud.levels = {64, 64};
  EXPECT_FALSE(system.apply(Setting::mixer_volume, capture, too_loud, error));
  EXPECT_NE(error.find("outside 0 - 63"), std::string::npos) << error;
  SettingValue three;
  three.levels = {1, 1, 1};
  EXPECT_FALSE(system.apply(Setting::mixer_volume, capture, three, error));
  const CurrentValue gone = system.current(Setting::mixer_volume, ChangeTarget{"Generic_1:Nothing,0", {}, {}, {}});
  EXPECT_FALSE(gone.value);
  EXPECT_TRUE(gone.gone);
  const CurrentValue unplugged = system.current(Setting::mixer_volume, ChangeTarget{"Gone:Capture,0", {}, {}, {}});
  EXPECT_TRUE(unplugged.gone) << unplugged.error;
}

// A finding made by hand (the checks that make it are another part's): the
// planned fix is journalled, applied to the real control, the journal goes
// through its text form, and undo puts every channel back exactly.
TEST_F(AlsaMixerTest, FixAndUndoRestoreEveryChannelExactly) {
  // The person's state: the left capture channel off, the right on, odd volumes.
  ASSERT_NE(amixer("-D hw:Generic_1 sset Capture 17,52 nocap,cap").find("Capture 17"), std::string::npos);
  linux_system::LinuxSystem system;
  SystemSnapshot snapshot;
  snapshot.kernel.cards = {card(2, "Generic_1")};
  snapshot.kernel.mixers = alsa::read_alsa_mixers(snapshot.kernel.cards);

  Finding off;
  off.id = "mixer.capture_off";
  off.device = "Generic_1:Capture,0";
  off.fix = "mixer.capture_on";
  Finding low = off;
  low.id = "mixer.capture_low";
  low.fix = "mixer.raise_capture";
  const std::vector<Change> plan = plan_changes({off, low}, snapshot, "");
  ASSERT_EQ(plan.size(), 2u);

  JournalRun run{"test-run", utc_now_iso8601(), "alsa", {}, false};
  for (Change change : plan) {
    const CurrentValue before = system.current(change.setting, change.target);
    ASSERT_TRUE(before.value) << before.error;
    change.from = *before.value;
    bool requested = false;
    EXPECT_EQ(set_and_verify(system, change.setting, change.target, change.to, requested), "");
    run.entries.push_back(JournalEntry{static_cast<int>(run.entries.size()) + 1, utc_now_iso8601(), change,
                                       EntryStatus::applied, "", 0});
  }
  // 0 dB is step 23: the left channel (17) is raised to it, the right (52) kept.
  EXPECT_EQ(amixer_capture_values("Generic_1", "Capture"), (std::vector<long>{23, 52}));
  const std::string shown = amixer("-D hw:Generic_1 sget Capture");
  EXPECT_NE(shown.find("Front Left: Capture 23 [37%] [0.00dB] [on]"), std::string::npos) << shown;

  Journal journal = journal_from_text(journal_to_text(Journal{{run}}));
  std::string stopped;
  const auto outcomes = undo_run(system, journal.runs[0], [](std::string&) { return true; }, stopped);
  EXPECT_EQ(stopped, "");
  ASSERT_EQ(outcomes.size(), 2u);
  for (const UndoOutcome& o : outcomes) EXPECT_EQ(o.result, UndoResult::restored) << o.note;
  EXPECT_EQ(amixer_capture_values("Generic_1", "Capture"), (std::vector<long>{17, 52}));
  const std::string after = amixer("-D hw:Generic_1 sget Capture");
  EXPECT_NE(after.find("Front Left: Capture 17 [27%] [-4.50dB] [off]"), std::string::npos) << after;
  EXPECT_NE(after.find("Front Right: Capture 52 [83%] [21.75dB] [on]"), std::string::npos) << after;
}

// An SOF capture volume whose lowest step mutes (tests/fixtures/mixers/sofpga.state,
// at step 0): alsa-lib gives its dB range as "muted" .. +30 dB. The raise goes to
// the step amixer itself shows as 0 dB (not to the top, +30 dB), and the journal
// with the muted "from" is read back and undone.
TEST_F(AlsaMixerTest, AVolumeWhoseLowestStepMutesIsRaisedTo0dBAndUndone) {
  fs::copy_file(fs::path(MICDOCTOR_FIXTURES_DIR) / "mixers" / "sofpga.state", dir_ / "state" / "sofpga.state");
  const std::string pga = "PGA2.0 2 Master";
  ASSERT_NE(amixer("-D hw:sofpga sget '" + pga + "'").find("Front Left: Capture 0 ["), std::string::npos)
      << amixer("-D hw:sofpga sget '" + pga + "'");
  linux_system::LinuxSystem system;
  SystemSnapshot snapshot;
  snapshot.kernel.mixers = alsa::read_alsa_mixers({card(4, "sofpga")});
  ASSERT_EQ(snapshot.kernel.mixers.size(), 1u);
  const MixerElement* read = element(snapshot.kernel.mixers[0], pga);
  ASSERT_NE(read, nullptr);
  ASSERT_TRUE(read->volume && read->volume->db_min && read->volume->db_above_mute);
  EXPECT_TRUE(is_mute_db(*read->volume->db_min));
  EXPECT_EQ(*read->volume->db_above_mute, -49.0);  // step 1 of "-50 dB step 1 dB, mute"

  Finding low;
  low.id = "mixer.capture_low";
  low.device = "sofpga:" + pga + ",0";
  low.fix = "mixer.raise_capture";
  const std::vector<Change> plan = plan_changes({low}, snapshot, "");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_NE(plan[0].summary.find("+0.0 dB"), std::string::npos) << plan[0].summary;

  JournalRun run{"test-run", utc_now_iso8601(), "alsa", {}, false};
  Change change = plan[0];
  const CurrentValue before = system.current(change.setting, change.target);
  ASSERT_TRUE(before.value) << before.error;
  change.from = *before.value;
  bool requested = false;
  ASSERT_EQ(set_and_verify(system, change.setting, change.target, change.to, requested), "");
  run.entries.push_back(JournalEntry{1, utc_now_iso8601(), change, EntryStatus::applied, "", 0});
  const std::string raised = amixer("-D hw:sofpga sget '" + pga + "'");
  EXPECT_EQ(amixer_capture_values("sofpga", pga), (std::vector<long>{50, 50}));
  const std::regex zero_db(R"(Front (Left|Right): Capture 50 \[\d+%\] \[0\.00dB\])");
  EXPECT_EQ(std::distance(std::sregex_iterator(raised.begin(), raised.end(), zero_db), std::sregex_iterator()), 2) << raised;

  Journal journal = journal_from_text(journal_to_text(Journal{{run}}));
  std::string stopped;
  const auto outcomes = undo_run(system, journal.runs[0], [](std::string&) { return true; }, stopped);
  EXPECT_EQ(stopped, "");
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::restored) << outcomes[0].note;
  EXPECT_EQ(amixer_capture_values("sofpga", pga), (std::vector<long>{0, 0}));
}

void own_error_handler(const char*, int, const char*, int, const char*, ...) {}

// micdoctor silences alsa-lib's error printing only while it reads or writes a
// mixer: the process's handler is its own again after.
TEST_F(AlsaMixerTest, AlsaLibsErrorHandlerIsGivenBack) {
  ASSERT_EQ(snd_lib_error_set_handler(own_error_handler), 0);
  alsa::read_alsa_mixers({card(2, "Generic_1"), card(9, "NoSuchCard")});
  EXPECT_EQ(snd_lib_error, &own_error_handler);
  std::string error;
  alsa::write_mixer_setting(Setting::mixer_switch, ChangeTarget{"NoSuchCard:Capture,0", {}, {}, {}}, SettingValue{}, error);
  EXPECT_EQ(snd_lib_error, &own_error_handler);
  snd_lib_error_set_handler(nullptr);
}

// Whatever a journal says, the platform writes and removes only micdoctor's own drop-ins.
TEST_F(AlsaMixerTest, OnlyADropInOfMicdoctorsIsWrittenOrRemoved) {
  const fs::path other = dir_ / "notes.conf";
  std::ofstream(other) << "mine\n";
  linux_system::LinuxSystem system;
  const ChangeTarget target{other.string(), {}, {}, {}};
  ASSERT_TRUE(system.current(Setting::config_file, target).value);
  std::string error;
  EXPECT_FALSE(system.apply(Setting::config_file, target, SettingValue{}, error));
  EXPECT_NE(error.find("not a drop-in file of micdoctor's"), std::string::npos) << error;
  EXPECT_TRUE(fs::exists(other));
}

TEST_F(AlsaMixerTest, UndoLeavesAControlChangedSince) {
  linux_system::LinuxSystem system;
  SystemSnapshot snapshot;
  snapshot.kernel.mixers = alsa::read_alsa_mixers({card(3, "Headset")});
  Finding low;
  low.id = "mixer.capture_low";
  low.device = "Headset:Mic,0";
  low.fix = "mixer.raise_capture";
  std::optional<Change> change = change_for(low, snapshot, "");
  ASSERT_TRUE(change);
  EXPECT_EQ(change->to.levels, (std::vector<long>{28}));  // 0 dB is the top of -28 .. 0 dB
  change->from = *system.current(change->setting, change->target).value;
  bool requested = false;
  ASSERT_EQ(set_and_verify(system, change->setting, change->target, change->to, requested), "");
  amixer("-D hw:Headset sset Mic 20");  // the person sets it again
  JournalRun run{"r", "", "alsa", {JournalEntry{1, "", *change, EntryStatus::applied, "", 0}}, false};
  std::string stopped;
  const auto outcomes = undo_run(system, run, [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::changed_since);
  EXPECT_EQ(amixer_capture_values("Headset", "Mic"), (std::vector<long>{20}));
}

TEST_F(AlsaMixerTest, ACaptureSourceItemIsSwitchedAsAlsamixerDoes) {
  // alsa-lib shows "Capture Source" as exclusive switches; switching "Mic" on
  // moves the selector there. An element that is not a selector takes no item.
  linux_system::LinuxSystem system;
  std::string error;
  SettingValue on;
  on.levels = {1};
  ASSERT_TRUE(system.apply(Setting::mixer_switch, ChangeTarget{"Generic_1:Mic,0", {}, {}, {}}, on, error)) << error;
  EXPECT_NE(amixer("-D hw:Generic_1 cget name='Capture Source'").find(": values=0"), std::string::npos);
  const CurrentValue internal = system.current(Setting::mixer_switch, ChangeTarget{"Generic_1:Internal Mic,0", {}, {}, {}});
  ASSERT_TRUE(internal.value);
  EXPECT_EQ(internal.value->levels, (std::vector<long>{0}));
  SettingValue item;
  item.name = "Mic";
  EXPECT_FALSE(system.apply(Setting::mixer_enum, ChangeTarget{"Generic_1:Capture,0", {}, {}, {}}, item, error));
  EXPECT_NE(error.find("not an input selector"), std::string::npos) << error;
}

TEST_F(AlsaMixerTest, AnInputSourceSelectorIsReadSetToTheMicrophoneAndPutBack) {
  linux_system::LinuxSystem system;
  SystemSnapshot snapshot;
  snapshot.kernel.mixers = alsa::read_alsa_mixers({card(0, "Intel")});
  ASSERT_TRUE(snapshot.kernel.mixers[0].read) << snapshot.kernel.mixers[0].error;
  const MixerElement* selector = element(snapshot.kernel.mixers[0], "Input Source");
  ASSERT_NE(selector, nullptr);
  EXPECT_EQ(selector->enum_items, (std::vector<std::string>{"Internal Mic", "Mic", "Internal Mic 1"}));
  EXPECT_EQ(selector->enum_selected, "Internal Mic");
  EXPECT_EQ(element(snapshot.kernel.mixers[0], "Input Source", 1)->enum_selected, "Mic");
  const MixerElement* second = element(snapshot.kernel.mixers[0], "Capture", 1);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->capture_switch, (std::vector<bool>{false, false}));

  Finding wrong;
  wrong.id = "mixer.input_select";
  wrong.device = "Intel:Input Source,0";
  wrong.fix = "mixer.select_input";
  std::optional<Change> change = change_for(wrong, snapshot, "");
  ASSERT_TRUE(change);
  EXPECT_EQ(change->to.name, "Mic");
  change->from = *system.current(change->setting, change->target).value;
  bool requested = false;
  ASSERT_EQ(set_and_verify(system, change->setting, change->target, change->to, requested), "");
  EXPECT_NE(amixer("-D hw:Intel sget 'Input Source'").find("Item0: 'Mic'"), std::string::npos);
  JournalRun run{"r", "", "alsa", {JournalEntry{1, "", *change, EntryStatus::applied, "", 0}}, false};
  std::string stopped;
  const auto outcomes = undo_run(system, run, [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::restored) << outcomes[0].note;
  EXPECT_NE(amixer("-D hw:Intel sget 'Input Source'").find("Item0: 'Internal Mic'"), std::string::npos);
}

// --- the WirePlumber drop-in -------------------------------------------------

struct DropIn {
  Change change;
  std::string path;
};

DropIn planned_drop_in(const fs::path& home, const std::string& version) {
  SystemSnapshot snapshot;
  snapshot.user_config.wireplumber_version = version;
  snapshot.user_config.wireplumber_dir = (home / ".config" / "wireplumber").string();
  Finding f;
  f.id = "bluetooth.no_headset_profile";
  f.fix = "bluetooth.enable_headset_roles";
  std::optional<Change> change = change_for(f, snapshot, "");
  EXPECT_TRUE(change);
  return DropIn{change.value_or(Change{}), change ? change->target.name : ""};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(AlsaMixerTest, DropInIsWrittenPrivatelyAndUndoRemovesIt) {
  const DropIn drop_in = planned_drop_in(dir_ / "home", "0.5.2");
  linux_system::LinuxSystem system;
  Change change = drop_in.change;
  const CurrentValue before = system.current(change.setting, change.target);
  ASSERT_TRUE(before.value) << before.error;
  EXPECT_EQ(before.value->name, "");  // no such file yet
  change.from = *before.value;
  bool requested = false;
  ASSERT_EQ(set_and_verify(system, change.setting, change.target, change.to, requested), "");
  EXPECT_EQ(read_text(drop_in.path), change.to.name);
  EXPECT_NE(change.to.name.find("bluez5.roles = [ a2dp_sink a2dp_source bap_sink bap_source hsp_hs hsp_ag hfp_hf hfp_ag ]"),
            std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "home" / ".config").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);  // directories micdoctor made are private
  ASSERT_EQ(::stat((dir_ / "home" / ".config" / "wireplumber" / "wireplumber.conf.d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  JournalRun run{"r", "", "pipewire", {JournalEntry{1, "", change, EntryStatus::applied, "", 0}}, false};
  Journal journal = journal_from_text(journal_to_text(Journal{{run}}));
  std::string stopped;
  linux_system::LinuxSystem undo_system;  // a new process: it reads before it removes
  const auto outcomes = undo_run(undo_system, journal.runs[0], [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::restored) << outcomes[0].note;
  EXPECT_FALSE(fs::exists(drop_in.path));
}

// An empty file is not "no file": undo puts the empty file back.
TEST_F(AlsaMixerTest, UndoRestoresAnEmptyDropInRatherThanRemovingIt) {
  const DropIn drop_in = planned_drop_in(dir_ / "home", "0.5.2");
  fs::create_directories(fs::path(drop_in.path).parent_path());
  std::ofstream(drop_in.path).close();
  linux_system::LinuxSystem system;
  Change change = drop_in.change;
  const CurrentValue before = system.current(change.setting, change.target);
  ASSERT_TRUE(before.value) << before.error;
  EXPECT_TRUE(before.value->flag);  // there, though empty
  change.from = *before.value;
  bool requested = false;
  ASSERT_EQ(set_and_verify(system, change.setting, change.target, change.to, requested), "");
  EXPECT_EQ(read_text(drop_in.path), change.to.name);

  JournalRun run{"r", "", "pipewire", {JournalEntry{1, "", change, EntryStatus::applied, "", 0}}, false};
  Journal journal = journal_from_text(journal_to_text(Journal{{run}}));
  std::string stopped;
  linux_system::LinuxSystem undo_system;
  const auto outcomes = undo_run(undo_system, journal.runs[0], [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::restored) << outcomes[0].note;
  ASSERT_TRUE(fs::exists(drop_in.path));
  EXPECT_EQ(fs::file_size(drop_in.path), 0u);
}

TEST_F(AlsaMixerTest, UndoLeavesADropInThePersonChanged) {
  const DropIn drop_in = planned_drop_in(dir_ / "home", "0.4.13");
  EXPECT_NE(drop_in.path.find("/bluetooth.lua.d/99-micdoctor-"), std::string::npos) << drop_in.path;
  linux_system::LinuxSystem system;
  Change change = drop_in.change;
  change.from = *system.current(change.setting, change.target).value;
  bool requested = false;
  ASSERT_EQ(set_and_verify(system, change.setting, change.target, change.to, requested), "");
  std::ofstream(drop_in.path, std::ios::app) << "-- mine now\n";
  JournalRun run{"r", "", "pipewire", {JournalEntry{1, "", change, EntryStatus::applied, "", 0}}, false};
  std::string stopped;
  linux_system::LinuxSystem undo_system;
  const auto outcomes = undo_run(undo_system, run, [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::changed_since);
  EXPECT_NE(read_text(drop_in.path).find("-- mine now"), std::string::npos);
}

TEST_F(AlsaMixerTest, ADropInPathThatIsASymlinkIsNeitherReadNorWritten) {
  const DropIn drop_in = planned_drop_in(dir_ / "home", "0.5.2");
  fs::create_directories(fs::path(drop_in.path).parent_path());
  std::ofstream(dir_ / "elsewhere") << "x\n";
  fs::create_symlink(dir_ / "elsewhere", drop_in.path);
  linux_system::LinuxSystem system;
  const CurrentValue now = system.current(Setting::config_file, drop_in.change.target);
  EXPECT_FALSE(now.value);
  EXPECT_NE(now.error.find("symbolic link"), std::string::npos) << now.error;
  std::string error;
  EXPECT_FALSE(system.apply(Setting::config_file, drop_in.change.target, drop_in.change.to, error));
  EXPECT_EQ(read_text(dir_ / "elsewhere"), "x\n");
}

TEST_F(AlsaMixerTest, AFileChangedBetweenReadingAndWritingIsNotOverwritten) {
  const DropIn drop_in = planned_drop_in(dir_ / "home", "0.5.2");
  linux_system::LinuxSystem system;
  ASSERT_TRUE(system.current(Setting::config_file, drop_in.change.target).value);  // read: no file
  fs::create_directories(fs::path(drop_in.path).parent_path());
  std::ofstream(drop_in.path) << "someone else's\n";
  std::string error;
  EXPECT_FALSE(system.apply(Setting::config_file, drop_in.change.target, drop_in.change.to, error));
  EXPECT_NE(error.find("changed since"), std::string::npos) << error;
  EXPECT_EQ(read_text(drop_in.path), "someone else's\n");
}

}  // namespace
