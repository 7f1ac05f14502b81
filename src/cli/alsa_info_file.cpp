#include "cli/alsa_info_file.hpp"

#include <cstdio>

#ifdef _WIN32
#include <filesystem>
#include <fstream>
#else
#include <cstring>

#include "platform/linux/small_file.hpp"
#endif

#include "alsainfo/alsa_info.hpp"

namespace micdoctor::cli {
namespace {

constexpr const char* kTooLarge = ": larger than 16 MiB: not an alsa-info dump";

// Standard input, up to one byte past the bound (to tell "too large").
std::string read_standard_input() {
  std::string text;
  char buffer[65536];
  while (text.size() <= alsainfo::kMaxDumpBytes) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, stdin);
    if (got == 0) break;
    text.append(buffer, got);
  }
  if (std::ferror(stdin) != 0) throw AlsaInfoError("standard input: cannot read");
  if (text.size() > alsainfo::kMaxDumpBytes) throw AlsaInfoError(std::string("standard input") + kTooLarge);
  return text;
}

#ifdef _WIN32
std::string read_file(const std::string& path) {
  std::error_code error;
  const std::filesystem::path file = std::filesystem::u8path(path);
  if (!std::filesystem::is_regular_file(file, error)) {
    throw AlsaInfoError(path + (std::filesystem::exists(file, error) ? ": not a regular file" : ": cannot open (no such file)"));
  }
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw AlsaInfoError(path + ": cannot open (" + error.message() + ")");
  if (size > alsainfo::kMaxDumpBytes) throw AlsaInfoError(path + kTooLarge);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw AlsaInfoError(path + ": cannot open");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}
#else
std::string read_file(const std::string& path) {
  using Problem = linux_system::SmallFile::Problem;
  linux_system::SmallFile file = linux_system::read_small_file(path, alsainfo::kMaxDumpBytes);
  switch (file.problem) {
    case Problem::cannot_open: throw AlsaInfoError(path + ": cannot open (" + std::strerror(file.error) + ")");
    case Problem::not_regular: throw AlsaInfoError(path + ": not a regular file");
    case Problem::too_large: throw AlsaInfoError(path + kTooLarge);
    case Problem::none: break;
  }
  return std::move(file.text);
}
#endif

}  // namespace

SystemSnapshot load_alsa_info_file(const std::string& path) {
  const bool standard_input = path == "-";
  const std::string text = standard_input ? read_standard_input() : read_file(path);
  try {
    return snapshot_from_alsa_info(text);
  } catch (const AlsaInfoError& e) {
    throw AlsaInfoError((standard_input ? std::string("standard input") : path) + ": " + e.what());
  }
}

}  // namespace micdoctor::cli
