#include "kernel_text/modprobe_conf.hpp"

#include "kernel_text/text_lines.hpp"

namespace micdoctor::kernel_text {
namespace {

// A logical line longer than this is cut: no real option line comes near it.
constexpr std::size_t kMaxLogicalLine = 4096;

// Splits on blanks, keeping double-quoted stretches together (the kernel's
// next_arg() takes `param="a b"` and `"param=a b"` as one argument).
std::vector<std::string> arguments(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool in_quotes = false;
  bool has_token = false;
  for (const char c : text) {
    if (c == '"') {
      in_quotes = !in_quotes;
      has_token = true;
      continue;  // quotes group; they are not part of the value
    }
    if (!in_quotes && is_blank(c)) {
      if (has_token) out.push_back(std::move(current));
      current.clear();
      has_token = false;
      continue;
    }
    current += c;
    has_token = true;
  }
  if (has_token) out.push_back(std::move(current));
  return out;
}

// "name=value" or a bare "name" (a boolean parameter set to true).
void split_parameter(const std::string& argument, std::string& name, std::string& value) {
  const std::size_t equals = argument.find('=');
  name = with_underscores(std::string_view(argument).substr(0, equals));
  value = equals == std::string::npos ? "" : argument.substr(equals + 1);
}

void add_options(const std::string& module, const std::vector<std::string>& parameters, std::size_t first,
                 const std::string& file, std::vector<ModuleOption>& out) {
  for (std::size_t i = first; i < parameters.size() && out.size() < kMaxModuleOptions; ++i) {
    ModuleOption option;
    option.module = module;
    option.file = file;
    split_parameter(parameters[i], option.name, option.value);
    if (!option.name.empty()) out.push_back(std::move(option));
  }
}

}  // namespace

std::string with_underscores(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

bool is_sound_module(std::string_view module) { return module.starts_with("snd") || module.starts_with("soundwire"); }

std::vector<ModuleOption> parse_modprobe_conf(std::string_view text, const std::string& file) {
  std::vector<ModuleOption> options;
  std::string logical;
  const auto finish_command = [&] {
    const std::string_view command = trimmed(logical);
    if (!command.empty() && command.front() != '#') {
      const std::vector<std::string> words = arguments(command);
      if (words.size() >= 3 && words[0] == "options") {
        const std::string module = with_underscores(words[1]);
        if (is_sound_module(module)) add_options(module, words, 2, file, options);
      }
    }
    logical.clear();
  };
  for_each_line(text, [&](std::string_view line) {
    if (options.size() >= kMaxModuleOptions) return;
    const bool continues = !line.empty() && line.back() == '\\';
    if (continues) line.remove_suffix(1);
    if (logical.size() < kMaxLogicalLine) logical.append(line.substr(0, kMaxLogicalLine - logical.size()));
    if (continues) {
      logical += ' ';
      return;
    }
    finish_command();
  });
  finish_command();  // a file that ends in a continuation
  return options;
}

std::vector<ModuleOption> parse_kernel_cmdline(std::string_view cmdline) {
  std::vector<ModuleOption> options;
  for (const std::string& argument : arguments(cmdline.substr(0, kMaxLogicalLine))) {
    if (argument == "--") break;  // what follows is for init, not the kernel
    const std::size_t equals = argument.find('=');
    const std::size_t dot = argument.find('.');
    if (dot == std::string::npos || dot == 0 || (equals != std::string::npos && dot > equals)) continue;
    const std::string module = with_underscores(std::string_view(argument).substr(0, dot));
    if (!is_sound_module(module)) continue;
    add_options(module, {argument.substr(dot + 1)}, 0, "/proc/cmdline", options);
    if (options.size() >= kMaxModuleOptions) break;
  }
  return options;
}

}  // namespace micdoctor::kernel_text
