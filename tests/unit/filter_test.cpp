// Filter microphones: the chain resolution on snapshots shaped like the real
// servers' output (tests/fixtures/filter/), filter.master_missing, the
// filter-vs-master comparison and the fix it plans.
#include <gtest/gtest.h>

#include "checks/filter_chain.hpp"
#include "checks/run_checks.hpp"
#include "fixes/fix_plan.hpp"
#include "model/snapshot_json.hpp"

namespace micdoctor {
namespace {

Source source(std::uint32_t index, std::string name, SourceKind kind) {
  Source s;
  s.index = index;
  s.name = std::move(name);
  s.description = s.name;
  s.kind = kind;
  s.state = "running";
  return s;
}

Source microphone() {  // the test microphone: a remap described as a USB headset
  Source s = source(2, "mic", SourceKind::microphone);
  s.description = "USB Headset Microphone";
  s.bus = "usb";
  s.form_factor = "headset";
  s.device_class = "filter";
  s.master_device = "feed_mic.monitor";
  s.owner_module = 3;
  return s;
}

Stream module_stream(std::uint32_t index, std::optional<std::uint32_t> module, std::string source_name) {
  Stream s;
  s.index = index;
  s.from_module = true;
  s.owner_module = module;
  s.source = std::move(source_name);
  return s;
}

// pulseaudio-16.txt: sources #2-#7, source outputs #0-#4, modules #2-#8.
SystemSnapshot pulseaudio() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.sources.push_back(source(1, "feed_mic.monitor", SourceKind::monitor));
  s.sources.push_back(microphone());
  Source filtered = source(3, "filtered", SourceKind::virtual_source);
  filtered.device_class = "filter";
  filtered.master_device = "mic";
  filtered.owner_module = 4;
  s.sources.push_back(filtered);
  Source ec = source(4, "ec_src", SourceKind::virtual_source);
  ec.description = "USB Headset Microphone (echo cancelled with Speakers)";
  ec.device_class = "filter";
  ec.master_device = "mic";
  ec.owner_module = 5;
  s.sources.push_back(ec);
  s.sources.push_back(source(6, "nui_sink.monitor", SourceKind::monitor));
  Source nui = source(7, "nui_mic_remap", SourceKind::virtual_source);
  nui.description = "Remapped Monitor of Null Output";
  nui.device_class = "filter";
  nui.master_device = "nui_sink.monitor";
  nui.owner_module = 8;
  s.sources.push_back(nui);
  s.streams = {module_stream(0, 3, "feed_mic.monitor"), module_stream(1, 4, "mic"), module_stream(2, 5, "mic"),
               module_stream(3, 7, "mic"), module_stream(4, 8, "nui_sink.monitor")};
  s.modules = {
      {2, "module-null-sink", "sink_name=feed_mic rate=48000 sink_properties='device.description=\"Feed mic\"'"},
      {3, "module-remap-source",
       "source_name=mic master=feed_mic.monitor rate=48000 source_properties='device.description=\"USB Headset "
       "Microphone\" device.bus=usb device.form_factor=headset'"},
      {4, "module-remap-source", "source_name=filtered master=mic source_properties='device.description=\"Filtered\"'"},
      {5, "module-echo-cancel", "source_name=ec_src sink_name=ec_sink source_master=mic sink_master=speakers aec_method=null"},
      {6, "module-null-sink", "sink_name=nui_sink"},
      {7, "module-loopback", "source=mic sink=nui_sink"},
      {8, "module-remap-source", "source_name=nui_mic_remap master=nui_sink.monitor"},
  };
  return s;
}

// pipewire-0.3.65.txt: pipewire-pulse's echo-cancel has no owner module and
// no device.master_device, only a link group shared with its capture stream.
SystemSnapshot pipewire_echo_cancel() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "PulseAudio (on PipeWire 0.3.65)";
  Source mic = microphone();
  mic.index = 58;
  mic.master_device.clear();
  mic.link_group = "loopback-15821-12";
  s.sources.push_back(mic);
  Source ec = source(84, "ec_src", SourceKind::virtual_source);
  ec.description = "Echo-Cancel Source";
  ec.link_group = "echo-cancel-15821-14";
  s.sources.push_back(ec);
  Stream capture = module_stream(83, std::nullopt, "mic");
  capture.link_group = "echo-cancel-15821-14";
  capture.target = "mic";
  s.streams.push_back(capture);
  return s;
}

const Source& named(const SystemSnapshot& s, const std::string& name) {
  const Source* found = s.find_source(name);
  if (found == nullptr) throw std::runtime_error("no source " + name);
  return *found;
}

std::vector<std::string> ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  out.reserve(findings.size());
  for (const Finding& f : findings) out.push_back(f.id);
  return out;
}

bool has_id(const std::vector<Finding>& findings, const std::string& id) {
  for (const Finding& f : findings) {
    if (f.id == id) return true;
  }
  return false;
}

TEST(ModuleArgument, ReadsPlainQuotedAndMissingKeys) {
  const std::string argument =
      "source_name=mic master=feed_mic.monitor source_properties='device.description=\"USB Mic\" device.bus=usb' "
      "sink_name=\"a b\"";
  EXPECT_EQ(module_argument(argument, "master"), "feed_mic.monitor");
  EXPECT_EQ(module_argument(argument, "source_properties"), "device.description=\"USB Mic\" device.bus=usb");
  EXPECT_EQ(module_argument(argument, "sink_name"), "a b");
  EXPECT_EQ(module_argument(argument, "source"), std::nullopt);
  EXPECT_EQ(module_argument("", "master"), std::nullopt);
}

TEST(FilterChain, PulseAudioRemapEchoCancelAndNoiseTorchShapes) {
  SystemSnapshot s = pulseaudio();
  resolve_filters(s);
  EXPECT_EQ(named(s, "filtered").filter, "remap");
  EXPECT_EQ(named(s, "filtered").master, "mic");
  EXPECT_EQ(named(s, "ec_src").filter, "echo-cancel");
  EXPECT_EQ(named(s, "ec_src").master, "mic");
  // nui_mic_remap -> nui_sink.monitor -> the loopback into nui_sink -> mic.
  EXPECT_EQ(named(s, "nui_mic_remap").filter, "noisetorch");
  EXPECT_EQ(named(s, "nui_mic_remap").master, "mic");
  // Hardware (described as such) is never a filter, whatever its module.
  EXPECT_EQ(named(s, "mic").filter, "");
}

TEST(FilterChain, NoiseTorchThroughItsLadspaSink) {
  // noisetorch/NoiseTorch module.go: loopback -> ladspa sink -> null sink -> remap.
  SystemSnapshot s = pulseaudio();
  s.modules.resize(2);
  s.sources.resize(2);
  s.sources.push_back(source(9, "nui_mic_denoised_out.monitor", SourceKind::monitor));
  Source nui = source(10, "nui_mic_remap", SourceKind::virtual_source);
  nui.owner_module = 12;
  s.sources.push_back(nui);
  s.modules.push_back({9, "module-null-sink", "sink_name=nui_mic_denoised_out"});
  s.modules.push_back({10, "module-ladspa-sink",
                       "sink_name=nui_mic_raw_in sink_master=nui_mic_denoised_out label=noise_suppressor_mono "
                       "plugin=/tmp/librnnoise_ladspa.so control=95"});
  s.modules.push_back({11, "module-loopback", "source=mic sink=nui_mic_raw_in channels=1 latency_msec=1"});
  s.modules.push_back({12, "module-remap-source", "master=nui_mic_denoised_out.monitor source_name=nui_mic_remap"});
  resolve_filters(s);
  EXPECT_EQ(named(s, "nui_mic_remap").filter, "noisetorch");
  EXPECT_EQ(named(s, "nui_mic_remap").master, "mic");
}

TEST(FilterChain, ChainOfFiltersEndsAtTheMicrophone) {
  SystemSnapshot s = pulseaudio();
  Source over = source(20, "over_filtered", SourceKind::virtual_source);
  over.owner_module = 20;
  s.sources.push_back(over);
  s.modules.push_back({20, "module-remap-source", "source_name=over_filtered master=filtered"});
  resolve_filters(s);
  EXPECT_EQ(named(s, "over_filtered").master, "mic");
}

TEST(FilterChain, PipeWireEchoCancelByLinkGroupAndTarget) {
  SystemSnapshot s = pipewire_echo_cancel();
  resolve_filters(s);
  EXPECT_EQ(named(s, "ec_src").filter, "echo-cancel");
  EXPECT_EQ(named(s, "ec_src").master, "mic");
}

TEST(FilterChain, PipeWireKeepsTheAskedMasterWhenRelinked) {
  // After the mic is unloaded, PipeWire relinks the capture stream elsewhere;
  // target.object still names the microphone the filter wants.
  SystemSnapshot s = pipewire_echo_cancel();
  s.sources.erase(s.sources.begin());
  s.streams[0].source = "nui_mic_remap";
  resolve_filters(s);
  EXPECT_EQ(named(s, "ec_src").master, "mic");
}

TEST(FilterChain, VirtualMicrophoneFedByAnApplicationIsNoFilter) {
  // A remap of a null sink's monitor that nothing loops a microphone into
  // (a virtual microphone OBS plays into).
  SystemSnapshot s = pulseaudio();
  s.modules.erase(s.modules.begin() + 5);  // the loopback into nui_sink
  s.sources[5].name = "virtual_mic";
  s.sources[5].description = "Virtual Mic";
  resolve_filters(s);
  EXPECT_EQ(named(s, "virtual_mic").filter, "");
  EXPECT_EQ(named(s, "virtual_mic").master, "");
}

TEST(FilterChain, EasyEffectsMasterIsWhatEasyEffectsRecords) {
  SystemSnapshot s;
  s.server.reachable = true;
  Source mic = microphone();
  s.sources.push_back(mic);
  s.sources.push_back(source(30, "easyeffects_source", SourceKind::virtual_source));
  Stream ee;
  ee.index = 31;
  ee.application = "easyeffects";
  ee.source = "mic";
  s.streams.push_back(ee);
  resolve_filters(s);
  EXPECT_EQ(named(s, "easyeffects_source").filter, "easyeffects");
  EXPECT_EQ(named(s, "easyeffects_source").master, "mic");
}

TEST(FilterChain, ResolvedFieldsAndRawFactsSurviveJson) {
  SystemSnapshot s = pulseaudio();
  resolve_filters(s);
  nlohmann::json written = nlohmann::json::parse(snapshot_to_json(s).dump());
  written["schema"] = kSnapshotSchema;
  const SystemSnapshot again = snapshot_from_json(written);
  EXPECT_EQ(named(again, "nui_mic_remap").master, "mic");
  EXPECT_EQ(named(again, "nui_mic_remap").filter, "noisetorch");
  EXPECT_EQ(named(again, "nui_mic_remap").owner_module, 8u);
  EXPECT_EQ(again.modules.size(), s.modules.size());
  EXPECT_EQ(again.modules[5].argument, "source=mic sink=nui_sink");
  EXPECT_EQ(again.streams[3].owner_module, 7u);
}

TEST(FilterChain, SnapshotWithoutFilterFieldsStillLoads) {
  const SystemSnapshot s = snapshot_from_json(nlohmann::json::parse(
      R"({"schema":"micdoctor.snapshot/1","server":{"reachable":true},"devices":[{"id":"mic","kind":"microphone"}],
          "streams":[{"index":1,"source":"mic"}]})"));
  EXPECT_EQ(s.sources.at(0).filter, "");
  EXPECT_EQ(s.sources.at(0).owner_module, std::nullopt);
  EXPECT_TRUE(s.modules.empty());
}

TEST(FilterChecks, MasterMissingWhenTheFilterInUseLostItsMicrophone) {
  // PulseAudio after the mic's modules are unloaded: the NoiseTorch-shaped chain survives.
  SystemSnapshot s = pulseaudio();
  s.sources.erase(s.sources.begin() + 1, s.sources.begin() + 4);  // mic, filtered, ec_src gone
  s.modules.erase(s.modules.begin(), s.modules.begin() + 4);
  s.streams = {module_stream(3, 7, "nui_mic_remap"), module_stream(4, 8, "nui_sink.monitor")};
  Source builtin = source(40, "alsa_input.pci-0000_00_1f.3.analog-stereo", SourceKind::microphone);
  builtin.bus = "pci";
  s.sources.push_back(builtin);
  s.server.default_source = "nui_mic_remap";
  resolve_filters(s);
  ASSERT_EQ(named(s, "nui_mic_remap").master, "mic");
  const std::vector<Finding> findings = run_checks(s);
  ASSERT_TRUE(has_id(findings, "filter.master_missing")) << testing::PrintToString(ids(findings));
  const Finding* f = nullptr;
  for (const Finding& each : findings) {
    if (each.id == "filter.master_missing") f = &each;
  }
  EXPECT_EQ(f->device, "nui_mic_remap");
  EXPECT_EQ(f->fix, "default.set");
  EXPECT_NE(f->manual_steps.at(0).find("NoiseTorch"), std::string::npos);
  // fix: the best real microphone becomes the default.
  const std::vector<Change> plan = plan_changes(findings, s, "");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].to.name, "alsa_input.pci-0000_00_1f.3.analog-stereo");
}

TEST(FilterChecks, FilterWithItsMasterIsNoProblem) {
  SystemSnapshot s = pulseaudio();
  s.server.default_source = "ec_src";
  resolve_filters(s);
  EXPECT_FALSE(has_id(run_checks(s), "filter.master_missing"));
}

SignalMetrics voice(std::optional<double> speech_dbfs, std::optional<double> peak_dbfs = -10.0) {
  SignalMetrics m;
  m.speech_level_dbfs = speech_dbfs;
  m.speech_seconds = speech_dbfs ? 2.5 : 0.0;
  m.peak_dbfs = peak_dbfs;
  m.rms_dbfs = peak_dbfs ? std::optional<double>(*peak_dbfs - 15) : std::nullopt;
  return m;
}

std::vector<Finding> compare(const SignalMetrics& filter, const SignalMetrics& master) {
  static SystemSnapshot s = [] {
    SystemSnapshot r = pulseaudio();
    resolve_filters(r);
    return r;
  }();
  return compare_filter_with_master(FilterRecording{s, named(s, "nui_mic_remap"), named(s, "mic"), filter, master});
}

TEST(FilterComparison, SilenceThroughTheFilterWhileTheMasterHearsAVoice) {
  const std::vector<Finding> lost = compare(voice(std::nullopt, std::nullopt), voice(-27.0));
  ASSERT_EQ(ids(lost), std::vector<std::string>{"filter.silences_mic"});
  EXPECT_EQ(lost[0].device, "nui_mic_remap");
  EXPECT_EQ(lost[0].fix, "default.set");
  EXPECT_NE(lost[0].detail.find("-27.0 dBFS"), std::string::npos) << lost[0].detail;
  EXPECT_NE(lost[0].detail.find("digital silence"), std::string::npos) << lost[0].detail;
}

TEST(FilterComparison, NoiseButNoVoiceThroughTheFilter) {
  EXPECT_EQ(ids(compare(voice(std::nullopt, -50.0), voice(-27.0))), std::vector<std::string>{"filter.silences_mic"});
}

TEST(FilterComparison, LoudSoundWithoutSpeechThroughTheFilterIsGarbage) {
  const std::vector<Finding> lost = compare(voice(std::nullopt, -1.0), voice(-27.0));
  ASSERT_EQ(ids(lost), std::vector<std::string>{"filter.silences_mic"});
  EXPECT_NE(lost[0].detail.find("no speech in it"), std::string::npos) << lost[0].detail;
}

TEST(FilterComparison, TwentyDecibelsQuieterIsLostNineteenIsNot) {
  EXPECT_EQ(ids(compare(voice(-47.0), voice(-27.0))), std::vector<std::string>{"filter.silences_mic"});
  EXPECT_TRUE(compare(voice(-46.0), voice(-27.0)).empty());
  EXPECT_TRUE(compare(voice(-28.0), voice(-27.0)).empty());
}

TEST(FilterComparison, NothingToCompareWhenTheMasterHeardNoVoice) {
  EXPECT_TRUE(compare(voice(std::nullopt, std::nullopt), voice(std::nullopt, -60.0)).empty());
}

TEST(FilterComparison, FixSetsTheMasterAsTheDefault) {
  SystemSnapshot s = pulseaudio();
  Source headset = source(40, "bluez_input.00_1B_66_AA_BB_CC", SourceKind::microphone);
  headset.bus = "bluetooth";
  s.sources.insert(s.sources.begin(), headset);  // the microphone the generic choice (best_input) would take
  s.server.default_source = "nui_mic_remap";
  resolve_filters(s);
  const std::vector<Finding> lost = compare_filter_with_master(FilterRecording{
      s, named(s, "nui_mic_remap"), named(s, "mic"), voice(std::nullopt, std::nullopt), voice(-27.0)});
  const std::vector<Change> plan = plan_changes(lost, s, "");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].setting, Setting::default_source);
  EXPECT_EQ(plan[0].to.name, "mic");
  EXPECT_EQ(plan[0].from.name, "nui_mic_remap");
}

}  // namespace
}  // namespace micdoctor
