#include "cli/analyze_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "audiofile/audio_file.hpp"
#include "cli/output_file.hpp"
#include "cli/command_line.hpp"
#include "analysis/signal_overview.hpp"
#include "report/analysis_report.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

struct Options {
  std::vector<std::string> files;
  ReportFormat format = ReportFormat::text;  // html: one document for all files, written at the end
  std::string output;     // --output FILE (html and markdown); "" for stdout
  unsigned jobs = 0;  // 0: one per core
  std::optional<RawSpec> raw;
};

struct FileResult {
  std::optional<SignalAnalysis> analysis;
  std::optional<SignalPicture> picture;  // only for the HTML report
  std::string error;
};

// Each read is a system call and a page-cache lookup: 64 Ki frames (256 KiB
// of 16-bit stereo, 2 MiB at most) read the benchmark hour 12 % faster than
// 4 Ki frames did.
constexpr std::size_t kBlockFrames = 65536;

FileResult analyse_file(const std::string& path, const std::optional<RawSpec>& raw, bool pictures) {
  FileResult result;
  try {
    AudioFile file = AudioFile::open(path, raw);
    SignalAnalyzer analyzer(file.info().sample_rate, file.info().channels);
    std::optional<SignalOverview> overview;
    if (pictures) overview.emplace(file.info().sample_rate, file.info().channels);
    const auto channels = static_cast<std::size_t>(file.info().channels);
    if (file.reads_pcm16() && !overview) {  // the common case, converted by the analyser on the way in
      std::vector<std::int16_t> block(kBlockFrames * channels);
      while (const std::size_t frames = file.read_pcm16(block)) {
        analyzer.add_interleaved(std::span<const std::int16_t>(block.data(), frames * channels));
      }
    } else {
      std::vector<float> block(kBlockFrames * channels);
      while (const std::size_t frames = file.read(block)) {
        const std::span<const float> samples(block.data(), frames * channels);
        analyzer.add_interleaved(samples);
        if (overview) overview->add_interleaved(samples);
      }
    }
    result.analysis = analyzer.finish();
    if (overview) result.picture = overview->finish();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

std::optional<RawSpec> parse_raw(const std::string& text) {
  // ENCODING,RATE,CHANNELS e.g. s16le,48000,2
  RawSpec spec;
  const auto first = text.find(',');
  const auto second = first == std::string::npos ? first : text.find(',', first + 1);
  if (second == std::string::npos) return std::nullopt;
  spec.encoding = text.substr(0, first);
  try {
    std::size_t used = 0;
    const std::string rate = text.substr(first + 1, second - first - 1);
    spec.sample_rate = std::stoi(rate, &used);
    if (used != rate.size()) return std::nullopt;
    const std::string channels = text.substr(second + 1);
    spec.channels = std::stoi(channels, &used);
    if (used != channels.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return spec;
}

std::optional<unsigned> parse_jobs(const std::string& text) {
  try {
    std::size_t used = 0;
    const int n = std::stoi(text, &used);
    if (used != text.size() || n < 1 || n > 256) return std::nullopt;
    return static_cast<unsigned>(n);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Declares and parses analyze's options; nullopt to run, or the exit status.
std::optional<int> parse(const std::vector<std::string>& args, Options& options) {
  CommandLine line("analyze", "Judge recordings: level, noise, clipping, hum, dropouts, bandwidth, channels.");
  CLI::App& app = line.app();
  std::string format = "text";
  std::string raw;
  std::string jobs;
#ifdef _WIN32
  const char* files_help = "the recordings (what Media Foundation decodes: WAV, FLAC, MP3, M4A...);\n"
                           "'--' before names starting with '-'";
#else
  const char* files_help = "the recordings (what libsndfile reads); '--' before names starting with '-'";
#endif
  app.add_option("files", options.files, files_help)
      ->type_name("FILE");
  app.add_option("--format", format,
                 "text (default), json (JSON Lines, one object per file),\n"
                 "html (one self-contained report with pictures) or markdown")
      ->type_name("FORMAT");
  app.add_option("--output", options.output, "write the html or markdown report to FILE")->type_name("FILE");
  app.add_option("-j,--jobs", jobs, "files analysed at once, 1 to 256 (default: one per core)")->type_name("N");
  app.add_option("--raw", raw, "read headerless PCM, e.g. s16le,48000,2")->type_name("ENC,RATE,CH");
  if (const auto status = line.parse(args)) return status;

  const auto parsed_format = parse_report_format(format);
  if (!parsed_format) return line.error("--format must be text, json, html or markdown");
  options.format = *parsed_format;
  if (line.given("--output") && options.output.empty()) return line.error("--output needs a file name");
  if (line.given("--jobs")) {
    const std::optional<unsigned> count = parse_jobs(jobs);
    if (!count) return line.error("--jobs must be a number from 1 to 256");
    options.jobs = *count;
  }
  if (line.given("--raw")) {
    options.raw = parse_raw(raw);
    if (!options.raw) return line.error("--raw wants ENCODING,RATE,CHANNELS, e.g. s16le,48000,2");
    try {
      validate_raw_encoding(options.raw->encoding);
    } catch (const AudioFileError& e) {
      return line.error(std::string("--raw: ") + e.what());
    }
  }
  if (options.files.empty()) return line.error("analyze needs at least one FILE");
  if (!options.output.empty() && options.format != ReportFormat::html && options.format != ReportFormat::markdown) {
    return line.error("--output goes with --format html or markdown");
  }
  return std::nullopt;
}

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
  Options options;
  if (const auto status = parse(args, options)) return *status;
  if (std::string error; !options.output.empty() && !check_writable(options.output, error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
    return 2;
  }
  const std::size_t count = options.files.size();

  // Files are analysed in parallel; results are printed in argument order as
  // soon as each one and all before it are done.
  const bool html = options.format == ReportFormat::html;
  const bool markdown = options.format == ReportFormat::markdown;
  const bool json = options.format == ReportFormat::json;
  std::vector<std::optional<FileResult>> results(count);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  unsigned workers = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  workers = static_cast<unsigned>(std::min<std::size_t>(workers, count));
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        FileResult result = analyse_file(options.files[i], options.raw, html);
        std::lock_guard lock(mutex);
        results[i] = std::move(result);
        ready.notify_all();
      }
    });
  }

  const TextStyle style = detect_text_style(STDOUT_FILENO);
  int status = 0;
  std::vector<FileResult> kept;  // html: every file, for the one document
  if (html) kept.resize(count);
  std::string report;            // html and markdown: written at the end
  for (std::size_t i = 0; i < count; ++i) {
    FileResult result;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return results[i].has_value(); });
      result = std::move(*results[i]);
      results[i].reset();
    }
    const std::string& file = options.files[i];
    if (!result.analysis) {
      std::fprintf(stderr, "micdoctor: %s: %s\n", escape_for_terminal(file).c_str(), escape_for_terminal(result.error).c_str());
      if (json) std::printf("%s\n", analysis_error_json_line(file, result.error).c_str());
      if (markdown) report += (report.empty() ? "" : "\n") + std::string("**micdoctor analyze** could not read a file: ") +
                                      escape_markdown(result.error) + "\n";
      if (html) kept[i] = std::move(result);
      status = 2;
      continue;
    }
    const bool problem = std::any_of(result.analysis->findings.begin(), result.analysis->findings.end(), is_problem);
    if (problem && status == 0) status = 1;
    if (html) {
      kept[i] = std::move(result);
      continue;
    }
    if (markdown) {
      report += (report.empty() ? "" : "\n") + analysis_to_markdown(file, *result.analysis);
      continue;
    }
    if (json) {
      std::printf("%s\n", analysis_to_json_line(file, *result.analysis).c_str());
    } else {
      std::printf("%s%s", i ? "\n" : "", analysis_to_text(file, *result.analysis, style).c_str());
    }
    std::fflush(stdout);
  }
  for (std::thread& t : threads) t.join();
  if (html) {
    std::vector<RecordingForHtml> recordings;
    for (std::size_t i = 0; i < count; ++i) {
      const FileResult& r = kept[i];
      recordings.push_back({options.files[i], r.analysis ? &*r.analysis : nullptr, r.picture ? &*r.picture : nullptr,
                            r.error});
    }
    report = analyses_to_html(recordings);
  }
  if (html || markdown) {
    std::string error;
    if (!write_report(report, options.output, error)) {
      std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
      return 2;
    }
  }
  return status;
}

}  // namespace micdoctor::cli
