#include "platform/linux/package_reader.hpp"

namespace micdoctor::linux_system {

// Placeholder until the reader lands (issue 15, helper "known-bad").
PackageDatabase read_package_database(const std::filesystem::path&, const std::vector<std::string>& names) {
  PackageDatabase db;
  db.asked = names;
  db.error = "not read yet";
  return db;
}

}  // namespace micdoctor::linux_system
