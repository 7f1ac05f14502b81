#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sys/stat.h>

#include "audiofile/audio_file.hpp"
#include "test_signals.hpp"

namespace micdoctor::test {
namespace {

class AudioFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("micdoctor-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, int format, const std::vector<float>& x, int rate, int channels) {
    const std::string path = (dir_ / name).string();
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
    sf_writef_float(f, x.data(), static_cast<sf_count_t>(x.size() / static_cast<std::size_t>(channels)));
    sf_close(f);
    return path;
  }
  std::string bytes(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  static std::string error_of(const std::string& path, const std::optional<RawSpec>& raw = std::nullopt) {
    try {
      AudioFile file = AudioFile::open(path, raw);
      std::vector<float> block(4096 * static_cast<std::size_t>(file.info().channels));
      while (file.read(block) > 0) {
      }
    } catch (const AudioFileError& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
};

TEST_F(AudioFileTest, FormatsDecodeToTheSameSamples) {
  const auto x = voice(16000, 1.0, 0.5);
  for (int format : {SF_FORMAT_WAV | SF_FORMAT_PCM_16, SF_FORMAT_WAV | SF_FORMAT_PCM_24, SF_FORMAT_WAV | SF_FORMAT_FLOAT,
                     SF_FORMAT_FLAC | SF_FORMAT_PCM_16, SF_FORMAT_AIFF | SF_FORMAT_PCM_16, SF_FORMAT_CAF | SF_FORMAT_PCM_16,
                     SF_FORMAT_W64 | SF_FORMAT_PCM_24, SF_FORMAT_OGG | SF_FORMAT_VORBIS}) {
    const std::string path = write(std::to_string(format) + ".audio", format, x, 16000, 1);
    AudioFile file = AudioFile::open(path);
    EXPECT_EQ(file.info().sample_rate, 16000);
    std::vector<float> out(x.size() + 100);
    std::size_t got = 0, n = 0;
    while ((n = file.read(std::span<float>(out.data() + got, out.size() - got))) > 0) got += n;
    ASSERT_EQ(got, x.size()) << file.info().format;
    if ((format & SF_FORMAT_SUBMASK) == SF_FORMAT_VORBIS) {  // lossy: the level survives, not the samples
      double in_power = 0, out_power = 0;
      for (std::size_t i = 0; i < x.size(); ++i) in_power += x[i] * x[i], out_power += out[i] * out[i];
      EXPECT_NEAR(10 * std::log10(out_power / in_power), 0.0, 0.5);
    } else {
      for (std::size_t i = 0; i < x.size(); i += 97) EXPECT_NEAR(out[i], x[i], 1.0 / 16384) << file.info().format;
    }
  }
}

// The 16-bit path the analyser takes: the integers as stored, and a damaged
// file refused with the same reason as through read().
TEST_F(AudioFileTest, Pcm16ReadsTheIntegersAndTheSameDamage) {
  const auto x = quantise16(voice(16000, 1.0, 0.5));
  const std::string path = write("pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, x, 16000, 1);
  AudioFile file = AudioFile::open(path);
  ASSERT_TRUE(file.reads_pcm16());
  std::vector<std::int16_t> out(x.size() + 100);
  std::size_t got = 0, n = 0;
  while ((n = file.read_pcm16(std::span<std::int16_t>(out.data() + got, out.size() - got))) > 0) got += n;
  ASSERT_EQ(got, x.size());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(out[i], std::lround(x[i] * 32768.0f)) << i;

  std::string content;
  {
    std::ifstream in(path, std::ios::binary);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Cut inside the data: refused when opened or while reading, never read to a silent end.
  std::vector<std::int16_t> block(4096);
  try {
    AudioFile truncated = AudioFile::open(bytes("cut.wav", content.substr(0, content.size() / 2)));
    while (truncated.read_pcm16(block) > 0) {
    }
    ADD_FAILURE() << "a truncated file read to the end";
  } catch (const AudioFileError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated: the header promises 32000 bytes"), std::string::npos) << e.what();
  }
  // Not offered for formats it would have to convert.
  AudioFile wide = AudioFile::open(write("float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, x, 16000, 1));
  EXPECT_FALSE(wide.reads_pcm16());
  EXPECT_THROW(wide.read_pcm16(block), std::logic_error);
}

TEST_F(AudioFileTest, RawNeedsASpecAndReadsWithIt) {
  std::string pcm;
  for (const short v : {short{0}, short{16384}, short{-16384}, short{32767}}) pcm.append(reinterpret_cast<const char*>(&v), 2);
  const std::string path = bytes("x.raw", pcm);
  AudioFile file = AudioFile::open(path, RawSpec{8000, 1, "s16le"});
  std::vector<float> out(8);
  ASSERT_EQ(file.read(out), 4u);
  EXPECT_FLOAT_EQ(out[1], 0.5f);
  EXPECT_FLOAT_EQ(out[2], -0.5f);
  EXPECT_NE(error_of(path, RawSpec{8000, 1, "s17"}).find("unknown raw encoding"), std::string::npos);
}

TEST_F(AudioFileTest, BadInputGetsAOneLineReason) {
  EXPECT_EQ(error_of((dir_ / "missing.wav").string()), "no such file");
  EXPECT_EQ(error_of(dir_.string()), "is a directory, not a file");
  EXPECT_EQ(error_of(bytes("empty.wav", "")), "empty file (0 bytes)");
  EXPECT_NE(error_of(bytes("text.wav", "this is not audio at all, just text\n")).find("not an audio file"),
            std::string::npos);
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of(fifo), "not a regular file");

  // A WAV header that promises more data than the file holds.
  const auto x = voice(16000, 1.0, 0.5);
  const std::string good = write("good.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, x, 16000, 1);
  std::string content;
  {
    std::ifstream in(good, std::ios::binary);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string truncated = bytes("truncated.wav", content.substr(0, content.size() / 2));
  EXPECT_NE(error_of(truncated).find("truncated: the header promises 32000 bytes"), std::string::npos)
      << error_of(truncated);
  // A streaming writer's placeholder size (0xFFFFFFFF) is not damage.
  std::string streamed = content;
  for (int i = 40; i < 44; ++i) streamed[static_cast<std::size_t>(i)] = '\xff';
  EXPECT_EQ(error_of(bytes("streamed.wav", streamed)), "");

  // Zero frames: a header and nothing else.
  const std::string zero = write("zero.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, {}, 16000, 1);
  EXPECT_EQ(error_of(zero), "contains no audio (zero length)");

  // Absurd header fields: 0 channels, 20 channels, 1 Hz.
  std::string absurd = content;
  absurd[22] = 0;  // channel count (little-endian u16 at byte 22)
  EXPECT_FALSE(error_of(bytes("zero-channels.wav", absurd)).empty());
  absurd = content;
  absurd[22] = 20;
  EXPECT_NE(error_of(bytes("many-channels.wav", absurd)).find("channels"), std::string::npos);
  absurd = content;
  absurd[24] = 1, absurd[25] = 0, absurd[26] = 0, absurd[27] = 0;  // sample rate 1 Hz
  EXPECT_NE(error_of(bytes("slow.wav", absurd)).find("sample rate"), std::string::npos);
}

TEST_F(AudioFileTest, FailedOpensLeaveNoDescriptorOpen) {
  auto open_descriptors = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{});
  };
  const std::string text = bytes("text.wav", "this is not audio at all, just text\n");
  const std::string good = write("good.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, voice(8000, 0.2, 0.5), 8000, 1);
  const auto before = open_descriptors();
  for (int i = 0; i < 200; ++i) {
    error_of(text);                               // libsndfile refuses it
    error_of(good, RawSpec{8000, 1, "bogus"});    // refused before opening
    error_of(good, RawSpec{1, 1, "s16le"});
    error_of(good);                               // read to the end and closed
  }
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(AudioFileTest, NonFiniteFloatSamplesAreRefused) {
  auto x = voice(16000, 1.0, 0.5);
  x[1234] = std::numeric_limits<float>::quiet_NaN();
  const std::string path = write("nan.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, x, 16000, 1);
  EXPECT_NE(error_of(path).find("not a number"), std::string::npos);
}

TEST_F(AudioFileTest, MemoryFilesDecodeLikeFiles) {
  const auto x = voice(16000, 0.5, 0.5);
  const std::string path = write("m.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, x, 16000, 1);
  std::ifstream in(path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  const std::vector<unsigned char> data(content.begin(), content.end());
  AudioFile file = AudioFile::open_memory(data);
  EXPECT_EQ(file.info().frames, static_cast<std::int64_t>(x.size()));
  const std::vector<unsigned char> junk(100, 0x55);
  EXPECT_THROW(AudioFile::open_memory(junk), AudioFileError);
}

}  // namespace
}  // namespace micdoctor::test
