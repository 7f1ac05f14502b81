// Filter microphones and their masters, from what the server says:
//  - PulseAudio's module-remap-source, module-virtual-source and
//    module-echo-cancel set device.class="filter" and
//    device.master_device on their source, and their module arguments name
//    the master (master=, source_master=); checked on PulseAudio 16 and
//    pipewire-pulse 0.3.65 (tests/fixtures/filter/README.md).
//  - PipeWire's filters (pipewire-pulse's module-remap-source, its own
//    echo-cancel and filter-chain nodes) share node.link-group between the
//    filter source and its capture stream, whose target.object names the
//    master (stream.capture.sink="true" when it records a sink's monitor).
//  - NoiseTorch (noisetorch/NoiseTorch, module.go loadSupressor) builds
//    module-null-sink nui_mic_denoised_out, module-ladspa-sink nui_mic_raw_in
//    (sink_master=nui_mic_denoised_out), module-loopback source=MIC
//    sink=nui_mic_raw_in and module-remap-source nui_mic_remap over
//    nui_mic_denoised_out.monitor: the master is found by following the null
//    sink back to the loopback that feeds it.
//  - EasyEffects' virtual microphone is the node "easyeffects_source"
//    (media.class Audio/Source/Virtual); EasyEffects itself records the
//    microphone, so its own recording stream names the master.
#include "checks/filter_chain.hpp"

#include "checks/check_context.hpp"

namespace micdoctor {
namespace {

constexpr int kMaxChainDepth = 8;  // a chain deeper than this is a loop, or nothing people build

using checks::contains;
using checks::lowercase;

const ServerModule* find_module(const SystemSnapshot& s, const std::optional<std::uint32_t>& index) {
  if (!index) return nullptr;
  for (const ServerModule& m : s.modules) {
    if (m.index == *index) return &m;
  }
  return nullptr;
}

// The kind an application's own naming gives away (its node or description).
std::string kind_by_name(const Source& source) {
  const std::string text = lowercase(source.name + " " + source.description);
  if (contains(text, "easyeffects") || contains(text, "pulseeffects")) return "easyeffects";
  if (contains(text, "nui_mic") || contains(text, "noisetorch")) return "noisetorch";
  if (contains(text, "deepfilter")) return "deepfilter";
  if (contains(text, "rnnoise") || contains(text, "noise_suppress") || contains(text, "noise suppress") ||
      contains(text, "noise cancel")) {
    return "rnnoise";
  }
  return "";
}

std::string kind_by_module(const ServerModule* module) {
  if (module == nullptr) return "";
  if (module->name == "module-remap-source" || module->name == "module-virtual-source") return "remap";
  if (module->name == "module-echo-cancel") return "echo-cancel";
  if (module->name == "module-ladspa-source") return "filter-chain";
  return "";
}

std::string kind_by_link_group(const Source& source) {
  const std::string group = lowercase(source.link_group);
  if (group.rfind("echo-cancel", 0) == 0) return "echo-cancel";
  if (group.rfind("filter-chain", 0) == 0) return "filter-chain";
  return "";
}

std::string kind_of(const SystemSnapshot& s, const Source& source) {
  for (const std::string& kind : {kind_by_name(source), kind_by_module(find_module(s, source.owner_module)),
                                  kind_by_link_group(source)}) {
    if (!kind.empty()) return kind;
  }
  return source.device_class == "filter" ? "filter-chain" : "";
}

// The stream a filter records its input with: owned by the same module, or
// in the same PipeWire link group.
const Stream* capture_stream_of(const SystemSnapshot& s, const Source& filter) {
  for (const Stream& stream : s.streams) {
    if (stream.source == filter.name) continue;  // recording the filter, not feeding it
    const bool same_module = filter.owner_module && stream.owner_module == filter.owner_module;
    const bool same_group = !filter.link_group.empty() && stream.link_group == filter.link_group;
    if (same_module || same_group) return &stream;
  }
  return nullptr;
}

// EasyEffects records the microphone with its own stream.
const Stream* easyeffects_stream(const SystemSnapshot& s, const Source& filter) {
  for (const Stream& stream : s.streams) {
    if (stream.source == filter.name) continue;
    if (contains(lowercase(stream.application + " " + stream.binary), "easyeffects")) return &stream;
  }
  return nullptr;
}

// One step down the chain: the source this filter asks for.
std::string direct_master(const SystemSnapshot& s, const Source& filter) {
  if (const ServerModule* module = find_module(s, filter.owner_module)) {
    const char* key = module->name == "module-echo-cancel" ? "source_master" : "master";
    if (const auto master = module_argument(module->argument, key); master && !master->empty()) return *master;
  }
  if (!filter.master_device.empty()) return filter.master_device;
  const Stream* stream = capture_stream_of(s, filter);
  if (stream == nullptr && kind_by_name(filter) == "easyeffects") stream = easyeffects_stream(s, filter);
  if (stream == nullptr) return "";
  return stream->target.empty() ? stream->source : stream->target;
}

// The source that feeds a sink: a loopback into it (NoiseTorch), or through
// a filter sink loaded on top of it (module-ladspa-sink sink_master=,
// module-remap-sink / module-virtual-sink master=). "" when nothing does
// (a virtual microphone an application plays into).
std::string source_feeding_sink(const SystemSnapshot& s, const std::string& sink, int depth) {
  if (depth > kMaxChainDepth) return "";
  for (const ServerModule& m : s.modules) {
    if (m.name == "module-loopback" && module_argument(m.argument, "sink") == sink) {
      if (const auto source = module_argument(m.argument, "source"); source && !source->empty()) return *source;
      for (const Stream& stream : s.streams) {
        if (stream.owner_module == m.index) return stream.target.empty() ? stream.source : stream.target;
      }
    }
    const bool ladspa = m.name == "module-ladspa-sink" && module_argument(m.argument, "sink_master") == sink;
    const bool remap = (m.name == "module-remap-sink" || m.name == "module-virtual-sink") &&
                       module_argument(m.argument, "master") == sink;
    if (ladspa || remap) {
      if (const auto upper = module_argument(m.argument, "sink_name"); upper && !upper->empty()) {
        return source_feeding_sink(s, *upper, depth + 1);
      }
    }
  }
  return "";
}

constexpr std::string_view kMonitorSuffix = ".monitor";

void resolve_one(const SystemSnapshot& s, Source& filter) {
  std::string kind = kind_of(s, filter);
  std::string master;
  const Source* current = &filter;
  for (int depth = 0; depth < kMaxChainDepth && current != nullptr; ++depth) {
    std::string next = direct_master(s, *current);
    if (next.empty()) break;
    if (next.size() > kMonitorSuffix.size() && next.ends_with(kMonitorSuffix)) {
      const Source* monitor = s.find_source(next);
      if (monitor == nullptr || monitor->kind == SourceKind::monitor) {
        next = source_feeding_sink(s, next.substr(0, next.size() - kMonitorSuffix.size()), 0);
        if (next.empty()) {
          master.clear();  // fed by an application, not by a microphone
          break;
        }
        if (kind.empty()) kind = "loopback";
      }
    }
    if (next == filter.name) break;  // a loop (PulseAudio moves an orphaned loopback onto the filter itself)
    master = next;
    const Source* found = s.find_source(next);
    current = found != nullptr && found->kind == SourceKind::virtual_source && found != &filter ? found : nullptr;
  }
  // A virtual source fed by an application (OBS's virtual microphone) is
  // not a filter of a microphone, unless the program's own name says so.
  if (master.empty() && kind_by_name(filter).empty()) {
    filter.filter.clear();
    filter.master.clear();
    return;
  }
  filter.filter = kind.empty() ? "filter-chain" : kind;
  filter.master = master;
}

}  // namespace

std::optional<std::string> module_argument(std::string_view argument, std::string_view key) {
  std::size_t i = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  while (i < argument.size()) {
    while (i < argument.size() && blank(argument[i])) ++i;
    const std::size_t key_start = i;
    while (i < argument.size() && argument[i] != '=' && !blank(argument[i])) ++i;
    const std::string_view name = argument.substr(key_start, i - key_start);
    std::string value;
    if (i < argument.size() && argument[i] == '=') {
      ++i;
      // A value is a run of plain, quoted ('...', "...") and escaped parts.
      char quote = 0;
      for (; i < argument.size(); ++i) {
        const char c = argument[i];
        if (quote == 0 && blank(c)) break;
        if (c == '\\' && i + 1 < argument.size() && quote != '\'') {
          value += argument[++i];
        } else if (quote == 0 && (c == '\'' || c == '"')) {
          quote = c;
        } else if (c == quote) {
          quote = 0;
        } else {
          value += c;
        }
      }
    }
    if (!name.empty() && name == key) return value;
    if (name.empty()) ++i;
  }
  return std::nullopt;
}

void resolve_filters(SystemSnapshot& snapshot) {
  for (Source& source : snapshot.sources) {
    if (source.kind != SourceKind::virtual_source) continue;
    resolve_one(snapshot, source);
  }
}

std::string filter_app_name(std::string_view kind) {
  if (kind == "easyeffects") return "EasyEffects";
  if (kind == "noisetorch") return "NoiseTorch";
  if (kind == "rnnoise") return "the noise suppression filter (rnnoise)";
  if (kind == "deepfilter") return "the noise suppression filter (DeepFilterNet)";
  if (kind == "echo-cancel") return "the echo cancelling (module-echo-cancel)";
  if (kind == "remap") return "the remapped source (module-remap-source)";
  if (kind == "loopback") return "the loopback chain (module-loopback)";
  return "the filter (PipeWire filter-chain)";
}

}  // namespace micdoctor
