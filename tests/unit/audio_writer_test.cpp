// --save: the file appears only complete, and what is read back is what was written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "audiofile/audio_file.hpp"
#include "audiofile/audio_writer.hpp"

namespace micdoctor::test {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("micdoctor-writer-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST(AudioWriter, CommitWritesAFloatWav) {
  TempDir dir;
  const std::string file = (dir.path / "test.wav").string();
  {
    AudioWriter writer(file, 44100, 2);
    EXPECT_FALSE(fs::exists(file));  // only the temporary exists while recording
    std::vector<float> block(2 * 441);
    for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<float>(i % 7) / 10.0f;
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer.write(block));
    writer.commit();
  }
  AudioFile read = AudioFile::open(file);
  EXPECT_EQ(read.info().sample_rate, 44100);
  EXPECT_EQ(read.info().channels, 2);
  EXPECT_EQ(read.info().frames, 4410);
  std::vector<float> out(2 * 441);
  ASSERT_EQ(read.read(out), 441u);
  EXPECT_FLOAT_EQ(out[5], 0.5f);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()), 1);
}

TEST(AudioWriter, WithoutCommitNothingIsLeft) {
  TempDir dir;
  const std::string file = (dir.path / "test.wav").string();
  {
    AudioWriter writer(file, 16000, 1);
    std::vector<float> block(160, 0.25f);
    writer.write(block);
  }
  EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(AudioWriter, AnUnwritablePlaceIsAClearError) {
  try {
    AudioWriter writer("/nonexistent-dir/x.wav", 16000, 1);
    FAIL() << "no error";
  } catch (const AudioFileError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /nonexistent-dir/x.wav"), std::string::npos);
  }
}

}  // namespace
}  // namespace micdoctor::test
