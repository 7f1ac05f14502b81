// Module parameters (what the kernel uses) and module options (what configuration asks for).
#include <algorithm>
#include <set>
#include <system_error>

#include "kernel_text/modprobe_conf.hpp"
#include "platform/linux/bounded_file.hpp"
#include "platform/linux/kernel_readers.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxModules = 64;
constexpr std::size_t kMaxParametersPerModule = 64;
constexpr std::size_t kMaxParameterValue = 256;
constexpr std::size_t kMaxConfFiles = 128;
constexpr std::size_t kMaxConfFile = std::size_t{64} * 1024;
constexpr std::size_t kMaxCmdline = std::size_t{16} * 1024;

// kmod's search order: a file name in an earlier directory hides the same name in a later one.
constexpr const char* kModprobeDirs[] = {"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
                                         "/lib/modprobe.d", "/usr/lib/modprobe.d"};

// The modules whose parameters decide how sound is driven.
bool parameters_wanted(const std::string& module) {
  const auto starts = [&](const char* prefix) { return module.rfind(prefix, 0) == 0; };
  return module == "snd_intel_dspcfg" || module == "snd_hda_intel" || module == "snd_usb_audio" ||
         starts("snd_hda_codec") || starts("snd_sof") || starts("snd_soc_");
}

std::vector<fs::path> sorted_entries(const fs::path& dir, std::size_t limit) {
  std::vector<fs::path> out;
  std::error_code error;
  fs::directory_iterator it(dir, error);
  if (error) return out;
  for (const fs::directory_entry& entry : it) {
    if (out.size() >= limit) break;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<ModuleParameter> read_module_parameters(const fs::path& root) {
  std::vector<ModuleParameter> parameters;
  std::vector<std::string> modules;
  std::error_code error;
  fs::directory_iterator it(root / "sys/module", error);
  if (error) return parameters;
  // /sys/module holds every loaded module (and built-in ones with parameters): pick first, then bound.
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (parameters_wanted(name) && modules.size() < kMaxModules) modules.push_back(name);
  }
  std::sort(modules.begin(), modules.end());
  for (const std::string& module : modules) {
    for (const fs::path& file : sorted_entries(root / "sys/module" / module / "parameters", kMaxParametersPerModule)) {
      // Some parameters are write-only (mode 0200) or root-only: skipped.
      const auto text = read_bounded_file(file, kMaxParameterValue);
      if (!text) continue;
      std::string value = text->substr(0, text->find('\n'));
      parameters.push_back(ModuleParameter{module, file.filename().string(), std::move(value)});
    }
  }
  return parameters;
}

std::vector<ModuleOption> read_module_options(const fs::path& root) {
  std::vector<ModuleOption> options;
  std::set<std::string> seen_names;
  std::size_t files = 0;
  for (const char* dir : kModprobeDirs) {
    for (const fs::path& file : sorted_entries(under_root(root, dir), kMaxConfFiles)) {
      const std::string name = file.filename().string();
      if (file.extension() != ".conf" || !seen_names.insert(name).second || ++files > kMaxConfFiles) continue;
      const auto text = read_bounded_file(file, kMaxConfFile);
      if (!text) continue;
      for (ModuleOption& option : kernel_text::parse_modprobe_conf(*text, std::string(dir) + "/" + name)) {
        options.push_back(std::move(option));
      }
    }
  }
  if (const auto cmdline = read_bounded_file(root / "proc/cmdline", kMaxCmdline)) {
    for (ModuleOption& option : kernel_text::parse_kernel_cmdline(*cmdline)) options.push_back(std::move(option));
  }
  return options;
}

}  // namespace micdoctor::linux_system
