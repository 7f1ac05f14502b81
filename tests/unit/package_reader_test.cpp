// The package database readers against databases of real shape
// (tests/fixtures/packages, sources in its README): dpkg's status file read
// streaming and bounded, pacman's local directory, rpm's query output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "checks/known_bad_versions.hpp"
#include "model/snapshot_json.hpp"
#include "platform/linux/package_reader.hpp"
#include "platform/linux/sysfs_reader.hpp"

namespace micdoctor::test {
namespace {

namespace fs = std::filesystem;
using linux_system::PackageReadLimits;

const fs::path kFixtures = fs::path(MICDOCTOR_FIXTURES_DIR) / "packages";

std::vector<std::string> versions_of(const PackageDatabase& db, const std::string& name) {
  std::vector<std::string> out;
  for (const InstalledPackage& p : db.packages) {
    if (p.name == name) out.push_back(p.version);
  }
  return out;
}

const std::vector<std::string> kAsked = {"alsa-ucm-conf", "libasound2", "libspa-0.2-bluetooth", "wireplumber",
                                         "pulseaudio-module-bluetooth", "firmware-sof-signed"};

TEST(DpkgStatus, InstalledPackagesOnlyTheAskedOnesOnceEach) {
  const PackageDatabase db = linux_system::read_dpkg_status(kFixtures / "dpkg/status", kAsked);
  ASSERT_TRUE(db.read) << db.error;
  EXPECT_EQ(db.manager, "dpkg");
  EXPECT_EQ(db.asked, kAsked);
  EXPECT_EQ(versions_of(db, "alsa-ucm-conf"), std::vector<std::string>{"1.2.8-1"});
  EXPECT_EQ(versions_of(db, "libasound2"), std::vector<std::string>{"1.2.8-1+b1"});  // amd64 and i386: one
  EXPECT_EQ(versions_of(db, "libspa-0.2-bluetooth"), std::vector<std::string>{"0.3.65-3+deb12u1"});
  EXPECT_EQ(versions_of(db, "wireplumber"), std::vector<std::string>{"0.4.13-1"});
  EXPECT_TRUE(versions_of(db, "pulseaudio-module-bluetooth").empty());  // config-files: removed
  EXPECT_TRUE(versions_of(db, "firmware-sof-signed").empty());
  EXPECT_TRUE(versions_of(db, "bash").empty());  // not asked
  EXPECT_EQ(db.packages.size(), 4u);
}

TEST(DpkgStatus, TruncatedAndGarbageFiles) {
  const PackageDatabase cut = linux_system::read_dpkg_status(kFixtures / "dpkg/status-truncated", kAsked);
  ASSERT_TRUE(cut.read) << cut.error;
  EXPECT_EQ(versions_of(cut, "alsa-ucm-conf"), std::vector<std::string>{"1.2.8-1"});
  EXPECT_TRUE(versions_of(cut, "wireplumber").empty());  // its stanza lost its Version

  const PackageDatabase garbage = linux_system::read_dpkg_status(kFixtures / "dpkg/status-garbage", kAsked);
  EXPECT_FALSE(garbage.read);
  EXPECT_NE(garbage.error.find("holds no package stanzas"), std::string::npos) << garbage.error;
  EXPECT_TRUE(garbage.packages.empty());

  const PackageDatabase missing = linux_system::read_dpkg_status(kFixtures / "dpkg/no-such-file", kAsked);
  EXPECT_FALSE(missing.read);
  EXPECT_NE(missing.error.find("not a regular file"), std::string::npos);
  const PackageDatabase directory = linux_system::read_dpkg_status(kFixtures / "dpkg", kAsked);
  EXPECT_FALSE(directory.read);
}

// A status file of 20 MB (a machine with thousands of packages and long
// descriptions), the asked package last: read streaming to its end; with a
// smaller bound the reader stops and says so instead of judging half a file.
TEST(DpkgStatus, ATwentyMegabyteFileStaysBounded) {
  const fs::path dir = fs::temp_directory_path() / ("micdoctor-dpkg-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path big = dir / "status";
  {
    std::ofstream out(big);
    const std::string description(1000, 'x');
    std::size_t written = 0;
    for (int i = 0; written < (std::size_t{20} << 20); ++i) {
      const std::string stanza = "Package: filler" + std::to_string(i) +
                                 "\nStatus: install ok installed\nVersion: 1.0-1\nDescription: filler\n " +
                                 description + "\n\n";
      out << stanza;
      written += stanza.size();
    }
    out << "Package: alsa-ucm-conf\nStatus: install ok installed\nVersion: 1.2.6.1-1\n";
  }
  const PackageDatabase db = linux_system::read_dpkg_status(big, {"alsa-ucm-conf"});
  ASSERT_TRUE(db.read) << db.error;
  EXPECT_EQ(versions_of(db, "alsa-ucm-conf"), std::vector<std::string>{"1.2.6.1-1"});

  PackageReadLimits small;
  small.max_bytes = std::size_t{8} << 20;
  const PackageDatabase cut = linux_system::read_dpkg_status(big, {"alsa-ucm-conf"}, small);
  EXPECT_FALSE(cut.read);
  EXPECT_TRUE(cut.packages.empty());
  EXPECT_NE(cut.error.find("larger than 8 MB"), std::string::npos) << cut.error;
  fs::remove_all(dir);
}

TEST(PacmanLocal, ReadsDescOfTheAskedPackages) {
  const PackageDatabase db = linux_system::read_pacman_local(
      kFixtures / "pacman/local", {"alsa-ucm-conf", "pipewire", "pipewire-audio", "sof-firmware", "wireplumber", "pulseaudio"});
  ASSERT_TRUE(db.read) << db.error;
  EXPECT_EQ(db.manager, "pacman");
  EXPECT_EQ(versions_of(db, "alsa-ucm-conf"), std::vector<std::string>{"1.2.6.1-1"});
  EXPECT_EQ(versions_of(db, "pipewire"), std::vector<std::string>{"1:0.3.53-1"});  // not pipewire-alsa's
  EXPECT_EQ(versions_of(db, "pipewire-audio"), std::vector<std::string>{"1:0.3.53-1"});
  EXPECT_EQ(versions_of(db, "sof-firmware"), std::vector<std::string>{"2.1.1-1"});
  EXPECT_TRUE(versions_of(db, "wireplumber").empty());  // its desc is cut before %VERSION%
  EXPECT_EQ(db.packages.size(), 4u);

  PackageReadLimits few;
  few.max_entries = 3;
  const PackageDatabase bounded = linux_system::read_pacman_local(kFixtures / "pacman/local", {"pipewire"}, few);
  EXPECT_FALSE(bounded.read);
  EXPECT_NE(bounded.error.find("more than 3 entries"), std::string::npos);

  const PackageDatabase missing = linux_system::read_pacman_local(kFixtures / "pacman/none", {"pipewire"});
  EXPECT_FALSE(missing.read);
  EXPECT_NE(missing.error.find("cannot list"), std::string::npos);
}

TEST(RpmQuery, NamesVersionsAndEpochs) {
  // rpm -qa --qf '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' on Fedora 39.
  const std::string output =
      "alsa-ucm :1.2.10-1.fc39\n"
      "alsa-sof-firmware :2023.09.2-1.fc39\n"
      "pipewire :0.3.85-1.fc39\n"
      "pipewire :0.3.85-1.fc39\n"  // two architectures
      "pulseaudio-libs :16.1-5.fc39\n"
      "wireplumber :0.4.14-4.fc39\n"
      "kernel-core :6.6.9-200.fc39\n"
      "perl-Text-Tabs+Wrap 4:2023.0511-3.fc39\n"
      "garbage\n";
  const auto packages = linux_system::parse_rpm_query(output, {"alsa-ucm", "pipewire", "wireplumber", "perl-Text-Tabs+Wrap"});
  ASSERT_EQ(packages.size(), 4u);
  EXPECT_EQ(packages[0].name, "alsa-ucm");
  EXPECT_EQ(packages[0].version, "1.2.10-1.fc39");
  EXPECT_EQ(packages[3].version, "4:2023.0511-3.fc39");
}

TEST(PackageDatabase, PicksTheDatabaseTheRootHasAndSaysWhenNone) {
  const fs::path dir = fs::temp_directory_path() / ("micdoctor-root-" + std::to_string(::getpid()));
  fs::create_directories(dir / "var/lib/dpkg");
  fs::copy_file(kFixtures / "dpkg/status", dir / "var/lib/dpkg/status", fs::copy_options::overwrite_existing);
  EXPECT_EQ(linux_system::read_package_database(dir, {"wireplumber"}).manager, "dpkg");
  fs::remove_all(dir / "var/lib/dpkg");
  fs::create_directories(dir / "var/lib/rpm");
  const PackageDatabase rpm = linux_system::read_package_database(dir, {"wireplumber"});
  EXPECT_FALSE(rpm.read);
  EXPECT_NE(rpm.error.find("only on the running system"), std::string::npos) << rpm.error;
  fs::remove_all(dir / "var/lib/rpm");
  const PackageDatabase none = linux_system::read_package_database(dir, {"wireplumber"});
  EXPECT_FALSE(none.read);
  EXPECT_EQ(none.asked, std::vector<std::string>{"wireplumber"});
  EXPECT_NE(none.error.find("no package database found"), std::string::npos);
  fs::remove_all(dir);
}

// The distribution decides which database is read: a Fedora root with dpkg's
// status file too (dpkg installed for building .debs) is an rpm system.
TEST(PackageDatabase, TheDistributionsDatabaseNotWhicheverExists) {
  const fs::path dir = fs::temp_directory_path() / ("micdoctor-family-" + std::to_string(::getpid()));
  fs::create_directories(dir / "var/lib/dpkg");
  fs::create_directories(dir / "etc");
  fs::copy_file(kFixtures / "dpkg/status", dir / "var/lib/dpkg/status", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "etc/os-release") << "NAME=\"Fedora Linux\"\nVERSION_ID=40\nID=fedora\n";
  const PackageDatabase on_fedora = linux_system::read_package_database(dir, {"wireplumber"});
  EXPECT_EQ(on_fedora.manager, "rpm");
  EXPECT_FALSE(on_fedora.read);
  std::ofstream(dir / "etc/os-release") << "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n";
  const PackageDatabase on_mint = linux_system::read_package_database(dir, {"wireplumber"});
  EXPECT_EQ(on_mint.manager, "dpkg");
  EXPECT_TRUE(on_mint.read) << on_mint.error;
  fs::remove_all(dir);
}

// Ubuntu's /proc/version_signature (shape from https://wiki.ubuntu.com/Kernel/FAQ,
// "Ubuntu <abi>-generic <upstream>") is read under the machine root beside /proc/version.
TEST(KernelVersionText, UbuntusVersionSignatureUnderTheRoot) {
  const fs::path dir = fs::temp_directory_path() / ("micdoctor-ubuntu-" + std::to_string(::getpid()));
  fs::create_directories(dir / "proc/sys/kernel");
  std::ofstream(dir / "proc/sys/kernel/osrelease") << "6.8.0-45-generic\n";
  std::ofstream(dir / "proc/version")
      << "Linux version 6.8.0-45-generic (buildd@lcy02-amd64-115) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) "
         "13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024\n";
  KernelState kernel = linux_system::read_kernel_state(dir);
  EXPECT_EQ(checks::running_kernel_version(kernel), "6.8.0");
  EXPECT_TRUE(checks::kernel_version_is_guessed(kernel));
  std::ofstream(dir / "proc/version_signature") << "Ubuntu 6.8.0-45.45-generic 6.8.12\n";
  kernel = linux_system::read_kernel_state(dir);
  EXPECT_EQ(checks::running_kernel_version(kernel), "6.8.12");
  EXPECT_FALSE(checks::kernel_version_is_guessed(kernel));
  fs::remove_all(dir);
}

// The kernel reader keeps /proc/version under the machine root, the snapshot
// keeps it through JSON, and the known-bad check reads Debian's version in it.
TEST(KernelVersionText, ReadUnderTheRootAndKeptInTheSnapshot) {
  const fs::path machine = fs::path(MICDOCTOR_FIXTURES_DIR) / "machines/sof-laptop-known-bad-ucm";
  SystemSnapshot s;
  s.kernel = linux_system::read_kernel_state(machine);
  EXPECT_EQ(s.kernel.release, "6.6.9-amd64");
  EXPECT_NE(s.kernel.version_text.find("Debian 6.6.9-1 (2024-01-01)"), std::string::npos) << s.kernel.version_text;
  EXPECT_EQ(checks::running_kernel_version(s.kernel), "6.6.9-1");
  nlohmann::ordered_json json = snapshot_to_json(s);
  json["schema"] = "micdoctor.snapshot/1";
  const SystemSnapshot again = snapshot_from_text(json.dump());
  EXPECT_EQ(again.kernel.version_text, s.kernel.version_text);
}

}  // namespace
}  // namespace micdoctor::test
