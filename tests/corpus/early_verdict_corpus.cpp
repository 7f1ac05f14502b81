// Runs recordings through the analyser twice, as the microphone test would:
// once with the early stop, the file played block by block in real-time
// order (blocks of irregular size, as a capture delivers them) and cut where
// EarlyVerdict says the verdict is certain; once at full length. One JSON
// line per file: where it stopped and both verdicts (finding ids with their
// severity). tests/corpus/test_early_verdict_corpus.py asserts they agree.
//
// Usage: micdoctor_early_verdict_corpus [--seconds N] FILE...
//   --seconds N: listen to at most N seconds of each file (the test's
//   --seconds; default 5), as the full-length test would.
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "analysis/early_verdict.hpp"
#include "analysis/signal_analyzer.hpp"
#include "audiofile/audio_file.hpp"

namespace {

using micdoctor::EarlyVerdict;
using micdoctor::SignalAnalysis;
using micdoctor::SignalAnalyzer;
using micdoctor::SilenceExplained;
using Json = nlohmann::ordered_json;

Json verdict(const SignalAnalysis& analysis) {
  Json list = Json::array();
  for (const auto& f : analysis.findings) {
    list.push_back(f.id + ":" + std::string(micdoctor::to_string(f.severity)));
  }
  return list;
}

Json run(const std::string& path, double seconds, std::mt19937& random) {
  micdoctor::AudioFile file = micdoctor::AudioFile::open(path);
  const int rate = file.info().sample_rate;
  const auto channels = static_cast<std::size_t>(file.info().channels);
  std::vector<float> audio(static_cast<std::size_t>(seconds * rate) * channels);
  std::size_t frames = 0;
  while (frames * channels < audio.size()) {
    const std::size_t got = file.read(std::span<float>(audio).subspan(frames * channels));
    if (got == 0) break;
    frames += got;
  }
  audio.resize(frames * channels);

  SignalAnalyzer full(rate, file.info().channels);
  full.add_interleaved(std::span<const float>(audio));

  // A file has no settings: judged as if they explained its silence, the
  // case that stops earliest, so every early stop is compared.
  EarlyVerdict early(rate, file.info().channels, SilenceExplained::yes);
  SignalAnalyzer heard(rate, file.info().channels);
  std::uniform_int_distribution<std::size_t> block_frames(1, static_cast<std::size_t>(rate) / 20);  // up to 50 ms
  std::size_t at = 0;
  while (at < audio.size() && !early.stop()) {
    const std::size_t size = std::min(audio.size() - at, block_frames(random) * channels);
    const std::span<const float> block(audio.data() + at, size);
    heard.add_interleaved(block.first(early.add_interleaved(block)));
    at += size;
  }
  Json j{{"file", path}, {"seconds", static_cast<double>(frames) / rate}};
  j["stopped_at"] = early.stop() ? Json(early.stop()->seconds) : Json(nullptr);
  j["kind"] = early.stop() ? Json(std::string(micdoctor::to_string(early.stop()->kind))) : Json(nullptr);
  j["heard_seconds"] = early.seconds_heard();
  j["early"] = verdict(heard.finish());
  j["full"] = verdict(full.finish());
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5.0;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::stod(argv[++i]);
    } else {
      paths.push_back(arg);
    }
  }
  std::mt19937 random(20261204);
  int status = 0;
  for (const std::string& path : paths) {
    try {
      std::printf("%s\n", run(path, seconds, random).dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), e.what());
      status = 2;
    }
  }
  return status;
}
