#pragma once
#include <string>

namespace micdoctor::cli {

inline constexpr const char* kUsage =
    "usage: micdoctor COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  analyze FILE...   judge recordings: level, noise, clipping, hum, dropouts, bandwidth, channels\n"
    "      --format FORMAT        text (default), json (JSON Lines, one object per file),\n"
    "                             html (one self-contained report with pictures) or markdown\n"
    "      --output FILE          write the html or markdown report to FILE\n"
    "      --jobs N               files analysed at once (default: one per core)\n"
    "      --raw ENC,RATE,CH      read headerless PCM, e.g. s16le,48000,2\n"
    "  check             read every layer between the microphone and applications, say what is wrong\n"
    "      --device ID            the source to judge (default: the default source)\n"
    "      --format FORMAT        doctor-style text (default), json, html (a report to share) or markdown\n"
    "      --output FILE          write the report to FILE instead of standard output\n"
    "      -v, --verbose          every finding's evidence, and the device tables\n"
    "      --snapshot FILE        judge a saved snapshot or check JSON instead of this system\n"
    "      --test[=SECONDS]       also listen to the microphone (default 5 s) and join what it hears\n"
    "      --save FILE            keep the test recording as a WAV file (otherwise it stays in memory)\n"
    "  test              check --test: record the microphone and say what is wrong\n"
    "      --device ID, --seconds N (default 5), --save FILE, --format text|json|html|markdown, --output FILE, -v\n"
    "  devices           list capture devices, the default marked\n"
    "      --format text|json\n"
    "      --snapshot FILE\n"
    "  fix               apply the automatic fixes check found, one by one, asking first\n"
    "      --device ID            the microphone to fix and point things at (default: the best one)\n"
    "      --yes                  apply every fix without asking\n"
    "      --dry-run              show exactly what would change (old and new values); change nothing\n"
    "      --only FIX_ID          only this fix: source.unmute, source.raise_volume, source.lower_volume,\n"
    "                             source.set_port, default.set, card.set_profile, stream.move,\n"
    "                             stream.unmute, stream.raise_volume\n"
    "      --format text|json\n"
    "      --test[=SECONDS]       listen first (default 5 s), plan from what it hears, listen again after\n"
    "      --snapshot FILE        with --dry-run: plan the fixes for a saved check report\n"
    "  undo              put back what the last fix run changed (from the journal)\n"
    "      --all                  every fix run not undone yet, newest first\n"
    "      --list                 show the journal\n"
    "      --format text|json\n"
    "  demo              check, fix, test and undo on a private sound server with typical faults (Linux)\n"
    "  help              this text\n"
    "  version           the version\n"
    "\n"
    "exit status: 0 nothing wrong, 1 warnings or errors found, 2 could not run\n";

// Prints "micdoctor: MESSAGE" and a hint to stderr.
void usage_error(const std::string& message);

}  // namespace micdoctor::cli
