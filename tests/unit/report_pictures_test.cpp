// The pieces of the shareable reports that need no browser: the streaming
// overview behind the pictures (bounded memory, the tone where it is, gaps
// where they are), HTML and Markdown escaping, and the Markdown summary's
// length. The browser tests (tests/report) check the rendered documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "analysis/signal_overview.hpp"
#include "checks/run_checks.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"

namespace micdoctor::test {
namespace {

std::vector<float> sine(double hz, double seconds, int rate, double amplitude) {
  std::vector<float> out(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate));
  }
  return out;
}

TEST(SignalOverview, ColumnsStayBoundedAndCoverTheRecording) {
  SignalOverview overview(8000, 1);
  const std::vector<float> block = sine(440, 10.0, 8000, 0.5);
  for (int i = 0; i < 60; ++i) overview.add_interleaved(block);  // ten minutes
  const SignalPicture p = overview.finish();
  EXPECT_LE(p.columns.size(), SignalOverview::kMaxColumns);
  EXPECT_GT(p.columns.size(), SignalOverview::kMaxColumns / 2);
  EXPECT_NEAR(p.duration_s, 600.0, 1e-9);
  EXPECT_NEAR(p.column_seconds * static_cast<double>(p.columns.size()), 600.0, p.column_seconds);
  std::uint64_t samples = 0;
  for (const OverviewColumn& c : p.columns) {
    samples += c.samples;
    EXPECT_NEAR(c.max, 0.5, 0.01);
    EXPECT_NEAR(c.min, -0.5, 0.01);
  }
  EXPECT_EQ(samples, 600u * 8000u);
}

TEST(SignalOverview, SpectrumPeaksAtTheToneAndReadsItsLevel) {
  SignalOverview overview(48000, 2);
  const std::vector<float> mono = sine(1000, 3.0, 48000, 1.0);
  std::vector<float> stereo;
  for (const float v : mono) stereo.insert(stereo.end(), {v, v});
  overview.add_interleaved(stereo);
  const SignalPicture p = overview.finish();
  ASSERT_FALSE(p.spectrum_db.empty());
  const auto peak = std::max_element(p.spectrum_db.begin(), p.spectrum_db.end()) - p.spectrum_db.begin();
  EXPECT_NEAR(p.spectrum_hz[static_cast<std::size_t>(peak)], 1000.0, 48000.0 / SignalOverview::kSpectrumSize);
  EXPECT_NEAR(p.spectrum_db[static_cast<std::size_t>(peak)], 0.0, 1.5);  // a full-scale tone: 0 dB at its bin
}

TEST(SignalOverview, GapsOfExactZerosAreFoundAndShortOnesAreNot) {
  SignalOverview overview(16000, 1);
  std::vector<float> signal = sine(300, 2.0, 16000, 0.3);
  std::fill(signal.begin() + 8000, signal.begin() + 8000 + 800, 0.0f);    // 50 ms
  std::fill(signal.begin() + 20000, signal.begin() + 20000 + 160, 0.0f);  // 10 ms: too short
  overview.add_interleaved(signal);
  const SignalPicture p = overview.finish();
  ASSERT_EQ(p.gaps.size(), 1u);
  EXPECT_NEAR(p.gaps[0].start_s, 0.5, 0.001);
  EXPECT_NEAR(p.gaps[0].end_s, 0.55, 0.001);
}

TEST(HtmlReport, EscapesEverythingFromOutside) {
  EXPECT_EQ(escape_html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;");
  EXPECT_EQ(escape_html(std::string("a\x1b[31mb")), "a&#xFFFD;[31mb");
  EXPECT_EQ(escape_html("\xff\xfe"), escape_html(to_valid_utf8("\xff\xfe")));  // invalid UTF-8 repaired first
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  Source evil;
  evil.name = "<b>mic</b>";
  evil.description = "<img src=x onerror=alert(1)>";
  evil.muted = true;
  s.sources = {evil};
  s.server.default_source = evil.name;
  const std::vector<Finding> findings = run_checks(s);
  const std::string html = check_to_html(CheckReportInput{s, &s.sources[0], findings}, nullptr);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>mic"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(std::count(html.begin(), html.end(), '\0'), 0);
  EXPECT_NE(html.find("data-id=\"device.muted\""), std::string::npos);
}

TEST(MarkdownReport, ShortAndEscaped) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  for (int i = 0; i < 40; ++i) {
    Source mic;
    mic.name = "mic" + std::to_string(i);
    mic.description = "*bold* [link](http://x) | pipe";
    mic.muted = i == 0;
    s.sources.push_back(mic);
  }
  s.server.default_source = "mic0";
  std::vector<Finding> findings = run_checks(s);
  for (int i = 0; i < 30; ++i) findings.push_back(findings.front());  // far more than fits
  const std::string md = check_to_markdown(CheckReportInput{s, &s.sources[0], findings});
  EXPECT_LE(std::count(md.begin(), md.end(), '\n'), kMaxMarkdownLines);
  EXPECT_NE(md.find("more (see the full report)"), std::string::npos);
  EXPECT_NE(md.find("\\*bold\\* \\[link\\](http://x) \\| pipe"), std::string::npos) << md;
  EXPECT_EQ(escape_markdown("a\nb"), "a b");
}

// Only what Markdown would misread is escaped: the text people paste reads
// as written ("pulseaudio 16.1", "(50 Hz)"), and a hostile name stays text.
TEST(MarkdownReport, EscapesOnlyWhatMarkdownWouldMisread) {
  for (const std::string plain : {"pulseaudio 16.1", "A 50 Hz hum (with its harmonics) at -40.0 dBFS.",
                                  "alsa_input.usb-Logitech_C270-02.mono-fallback", "AT&T + friends! {x} a > b",
                                  "C:\\Users\\me", "#tag", "16.1 kHz", "-40 dB", "snake_case_name"}) {
    EXPECT_EQ(escape_markdown(plain), plain);
  }
  const std::pair<std::string, std::string> hostile[] = {
      {"*bold* and **strong**", "\\*bold\\* and \\*\\*strong\\*\\*"},
      {"_emphasis_ inside_word", "\\_emphasis\\_ inside_word"},
      {"`code`", "\\`code\\`"},
      {"![x](http://evil/t.png)", "!\\[x\\](http://evil/t.png)"},
      {"<script>alert(1)</script>", "\\<script>alert(1)\\</script>"},
      {"a | b", "a \\| b"},
      {"~~gone~~", "\\~\\~gone\\~\\~"},
      {"&lt;b&gt; &#60;", "\\&lt;b\\&gt; \\&#60;"},
      {"a\\*b", "a\\\\\\*b"},
      {"ends in \\", "ends in \\\\"},
      // Block markers count only at the start of the line.
      {"# Heading", "\\# Heading"},
      {"> quote", "\\> quote"},
      {"- item", "\\- item"},
      {"+ item", "\\+ item"},
      {"---", "\\---"},
      {"16. item", "16\\. item"},
      {"3) item", "3\\) item"},
  };
  for (const auto& [text, escaped] : hostile) EXPECT_EQ(escape_markdown(text), escaped) << text;
  EXPECT_EQ(escape_markdown("a\x01" "b"), "a\xEF\xBF\xBD" "b");
}

TEST(HtmlReport, ANegativeMarginIsWordedTheNaturalWay) {
  SignalAnalysis a;
  a.metrics.duration_s = 3.0;
  a.metrics.speech_level_dbfs = -45.0;
  a.metrics.noise_floor_dbfs = -40.2;
  a.metrics.snr_db = -4.8;
  Finding f;
  f.id = "signal.noisy";
  f.severity = Severity::error;
  a.findings = {f};
  const std::string html = analyses_to_html({RecordingForHtml{"noisy.wav", &a, nullptr, ""}});
  EXPECT_NE(html.find("the noise is 4.8 dB louder than the voice"), std::string::npos);
  EXPECT_EQ(html.find("-4.8 dB"), std::string::npos);
  a.metrics.snr_db = 12.5;
  EXPECT_NE(analyses_to_html({RecordingForHtml{"ok.wav", &a, nullptr, ""}}).find("12.5 dB</td>"), std::string::npos);
}

}  // namespace
}  // namespace micdoctor::test
