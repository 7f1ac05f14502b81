#include "platform/linux/device_nodes.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

bool in_group(gid_t group) {
  if (getegid() == group) return true;
  const int count = getgroups(0, nullptr);
  if (count <= 0) return false;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  const int got = getgroups(count, groups.data());
  return got > 0 && std::find(groups.begin(), groups.begin() + got, group) != groups.begin() + got;
}

std::string group_name(gid_t group) {
  std::vector<char> buffer(4096);
  struct group entry {};
  struct group* found = nullptr;
  if (getgrgid_r(group, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::to_string(group);
  }
  return found->gr_name;
}

}  // namespace

DeviceNodes read_device_nodes(const fs::path& dev_snd) {
  DeviceNodes nodes;
  nodes.checked = true;
  std::error_code error;
  nodes.exists = fs::is_directory(dev_snd, error);
  if (!nodes.exists) return nodes;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dev_snd, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    // Control and capture nodes matter for a microphone: controlC0, pcmC0D0c.
    if (name.rfind("control", 0) == 0 || (name.rfind("pcm", 0) == 0 && name.back() == 'c')) paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    if (::access(path.c_str(), R_OK | W_OK) == 0) continue;
    nodes.inaccessible.push_back(path.string());
    struct stat info {};
    if (nodes.group.empty() && ::stat(path.c_str(), &info) == 0) {
      nodes.group = group_name(info.st_gid);
      nodes.user_in_group = in_group(info.st_gid);
    }
  }
  return nodes;
}

}  // namespace micdoctor::linux_system
