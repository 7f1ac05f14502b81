#!/usr/bin/python3
"""Generates the labelled test corpus for the signal analyser.

Speech comes from packaged voices: espeak-ng and flite (synthetic, several
voices) and human voice recordings from Debian packages: alsa-utils
(/usr/share/sounds/alsa), pocketsphinx-testdata (read LibriVox speech) and
codec2-examples (speech_orig_16k.wav). Every file gets a realistic microphone noise floor,
then at most one fault at a parameter inside the contract's flag range, and
is written at one of several rates, channel counts and formats (16/24-bit,
float, FLAC) through sox.

Ground truth is computed here, independently of micdoctor: the speech level
with a sample-based ITU-T P.56 method B implementation on the clean speech
component, the hum level as the RMS of the hum that was added, and the noise
level in the call band (80 Hz-8 kHz, brick-wall, of the channels' mono mix),
the band micdoctor's noise floor and SNR are defined over.

Besides whole utterances with their pauses, the corpus holds 2 s and 3 s
windows cut from continuous speech (pauses longer than 50 ms shortened to
50 ms), human and synthetic, which must never read as "no speech"
(category "window"); speech under noise of several colours at a known
in-band SNR; and hum with harmonics alone (category "fault").

Usage: generate_corpus.py OUTDIR [--seed N]
Writes OUTDIR/*.{wav,flac} and OUTDIR/manifest.json.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

TEXTS = [
    "Hello, can you hear me? I am testing my microphone before the meeting starts.",
    "The quick brown fox jumps over the lazy dog, and then it runs back home.",
    "Please check the audio settings; the others in the call say they hear nothing at all.",
    "We will start in five minutes. Could everybody mute their microphone until then?",
]
ESPEAK_VOICES = ["en-us", "en-gb", "en-us+f3", "en+m3", "en-gb-scotland+f2", "de"]
# flite's "awb" voice is left out: its own content stops near 5 kHz, which
# is neither clean (>= 7 kHz) nor narrowband (<= 4 kHz) by the contract.
FLITE_VOICES = ["slt", "rms", "kal16"]
ALSA_DIR = "/usr/share/sounds/alsa"
ALSA_CLIPS = ["Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left",
              "Rear_Right", "Side_Left", "Side_Right"]

FORMATS = {  # name: (extension, sox output options)
    "pcm16": ("wav", ["-b", "16", "-e", "signed-integer"]),
    "pcm24": ("wav", ["-b", "24", "-e", "signed-integer"]),
    "float": ("wav", ["-b", "32", "-e", "floating-point"]),
    "flac16": ("flac", ["-b", "16"]),
    "flac24": ("flac", ["-b", "24"]),
}

# Not drawn at random (that would reshuffle the rest of the corpus): asked for by name.
WRITE_FORMATS = dict(FORMATS, pcm16dither=("wav", ["-b", "16", "-e", "signed-integer"]))  # sox's TPDF dither

ALL_IDS = ["signal.digital_silence", "signal.no_speech", "signal.too_quiet", "signal.too_loud",
           "signal.clipping", "signal.dc_offset", "signal.hum", "signal.noisy", "signal.dropouts",
           "signal.narrowband", "signal.dead_channel", "signal.inverted_channel"]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def read_wav_float(path, rate):
    """Any audio file -> mono float64 at `rate`, through sox (raw f32 out)."""
    out = subprocess.run(["sox", path, "-t", "f32", "-c", "1", "-r", str(rate), "-",
                          "rate", "-v"], check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype="<f4").astype(np.float64)


HUMAN_CONTINUOUS = [  # (name, files): human read speech in Debian packages
    ("librivox", ["/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0%d.wav" % k
                  for k in (870, 880, 890, 920, 930)]),
    ("codec2", ["/usr/share/codec2/raw/speech_orig_16k.wav"]),
    ("alsa", [os.path.join("/usr/share/sounds/alsa", c + ".wav") for c in
              ["Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right",
               "Side_Left", "Side_Right"]]),
]
CALL_BAND_HZ = (80.0, 8000.0)


def write_audio(path, data, rate, fmt):
    """data: (frames, channels) float64 -> file via sox, no dither (labels stay exact)
    except for the format that asks for it."""
    _, options = WRITE_FORMATS[fmt]
    frames, channels = data.shape
    with tempfile.NamedTemporaryFile(suffix=".f32", delete=False) as tmp:
        tmp.write(data.astype("<f4").tobytes())
        raw = tmp.name
    try:
        dither = [] if fmt == "pcm16dither" else ["-D"]
        run(["sox"] + dither + ["-t", "f32", "-r", str(rate), "-c", str(channels), raw] + options + [path])
    finally:
        os.unlink(raw)


# ---------------------------------------------------------------- ground truth

def p56_active_level_db(x, rate):
    """ITU-T P.56 method B (sample-based): envelope with 0.03 s time constant,
    0.2 s hangover, thresholds every 1 dB, margin 15.9 dB."""
    x = np.asarray(x, dtype=np.float64)
    if not np.any(x):
        return None
    g = np.exp(-1.0 / (rate * 0.03))
    envelope = np.abs(x)
    for _ in range(2):
        envelope = lfilter_one_pole(envelope, g)
    hangover = int(round(0.2 * rate))
    energy = np.sum(x * x)
    thresholds_db = np.arange(-120.0, 1.0, 1.0)
    a_db, c_db = [], []
    index = np.arange(len(x))
    for t_db in thresholds_db:
        above = envelope >= 10 ** (t_db / 20)
        if not above.any():
            break
        last = np.maximum.accumulate(np.where(above, index, -10 ** 9))
        active = np.count_nonzero(index - last <= hangover)
        a_db.append(10 * np.log10(energy / active))
        c_db.append(t_db)
    diff = np.array(a_db) - np.array(c_db)
    margin = 15.9
    for j in range(len(diff)):
        if diff[j] <= margin:
            if j == 0:
                return a_db[0]
            # interpolate between j-1 (diff > margin) and j
            frac = (diff[j - 1] - margin) / (diff[j - 1] - diff[j])
            return a_db[j - 1] + frac * (a_db[j] - a_db[j - 1])
    return a_db[-1]


def lfilter_one_pole(x, g):
    # y[n] = g y[n-1] + (1-g) x[n]; exact recursion in blocks of 256 via powers of g.
    y = np.empty_like(x)
    block = 256
    k = np.arange(block)
    gk = g ** k
    inv = g ** (-k.astype(np.float64))
    state = 0.0
    for start in range(0, len(x), block):
        seg = (1 - g) * x[start:start + block]
        n = len(seg)
        acc = np.cumsum(seg * inv[:n]) * gk[:n]
        out = acc + state * g * gk[:n]
        y[start:start + n] = out
        state = out[-1]
    return y


def call_band_db(x, rate):
    """Level in the call band (80 Hz-8 kHz, brick-wall) of a signal, or of the
    mono mix of a (frames, channels) array: the band micdoctor's noise floor is
    measured in."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    return rms_db(band_limit(x, rate, *CALL_BAND_HZ))


def band_limit(x, rate, low_hz, high_hz):
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1.0 / rate)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0
    return np.fft.irfft(spectrum, len(x))


def rms_db(x):
    p = np.mean(np.asarray(x, dtype=np.float64) ** 2)
    return None if p <= 0 else 10 * np.log10(p)


# ---------------------------------------------------------------- signals

def colored_noise(n, kind, rng):
    white = rng.standard_normal(n)
    if kind == "white":
        out = white
    else:
        spectrum = np.fft.rfft(white)
        f = np.arange(len(spectrum), dtype=np.float64)
        f[0] = 1.0
        spectrum /= np.sqrt(f) if kind == "pink" else f  # brown: 1/f^2 power, most of it under 20 Hz
        spectrum[0] = 0
        out = np.fft.irfft(spectrum, n)
    return out / np.sqrt(np.mean(out ** 2))


def hum_signal(n, rate, f0, harmonics, rng):
    t = np.arange(n) / rate
    out = np.zeros(n)
    for h in range(1, harmonics + 1):
        out += (0.6 ** (h - 1)) * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 2 * np.pi))
    return out / np.sqrt(np.mean(out ** 2))


def lowpass_fft(x, rate, cutoff_hz):
    """Brick-wall band limit (a telephone/Bluetooth HFP chain)."""
    spectrum = np.fft.rfft(x, axis=0)
    freqs = np.fft.rfftfreq(x.shape[0], 1.0 / rate)
    spectrum[freqs > cutoff_hz] = 0
    return np.fft.irfft(spectrum, x.shape[0], axis=0)


def limiter(x, rate, ceiling, window_s=0.002):
    """Look-ahead peak limiter: loud speech without any clipping plateau.
    The gain is the minimum need over +-window, smoothed over half of that,
    so at every peak the smoothed gain is no higher than that peak needs."""
    half = max(2, int(window_s * rate))
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x), 1e-12))
    padded = np.concatenate([np.ones(half), need, np.ones(half)])
    least = sliding_window_view(padded, 2 * half + 1).min(axis=1)
    smooth_len = 2 * (half // 2) + 1
    kernel = np.ones(smooth_len) / smooth_len
    gain = np.convolve(np.concatenate([np.ones(smooth_len // 2), least, np.ones(smooth_len // 2)]),
                       kernel, mode="valid")
    return x * gain[:len(x)]


# ---------------------------------------------------------------- speech sources

class Voices:
    def __init__(self, workdir):
        self.workdir = workdir
        self.cache = {}

    def source(self, name, rate):
        key = (name, rate)
        if key in self.cache:
            return self.cache[key]
        kind, voice, text_index = name
        wav = os.path.join(self.workdir, f"{kind}-{voice}-{text_index}.wav".replace("+", "_"))
        if not os.path.exists(wav):
            if kind == "espeak":
                run(["espeak-ng", "-v", voice, "-s", "150", "-w", wav, TEXTS[text_index]])
            elif kind == "flite":
                run(["flite", "-voice", voice, "-t", TEXTS[text_index], "-o", wav])
            else:  # alsa: a sequence of the recorded phrases with natural pauses
                clips = [os.path.join(ALSA_DIR, c + ".wav") for c in ALSA_CLIPS]
                order = [clips[(text_index + k) % len(clips)] for k in range(4)]
                parts = []
                for k, clip in enumerate(order):
                    parts += [clip]
                run(["sox"] + parts + [wav])
        speech = read_wav_float(wav, rate)
        # Natural pauses: 0.3 s of silence at the start and end, trimmed excess.
        pad = np.zeros(int(0.3 * rate))
        speech = np.concatenate([pad, speech, pad])
        self.cache[key] = (speech, p56_active_level_db(speech, rate))
        return self.cache[key]


def shorten_pauses(wav_in, wav_out):
    """Continuous speech: every pause longer than 50 ms cut to 50 ms."""
    run(["sox", wav_in, wav_out, "silence", "-l", "1", "0.02", "-45d", "-1", "0.05", "-45d"])


class ContinuousVoices:
    """Long stretches of speech with no pause over 50 ms, human and TTS."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.cache = {}

    def names(self):
        human = [("human", name) for name, files in HUMAN_CONTINUOUS if all(os.path.exists(f) for f in files)]
        tts = [("espeak", v) for v in ["en-us", "en-gb+f3", "de"]] + [("flite", v) for v in ["slt", "rms"]]
        return human + tts

    def source(self, name, rate):
        key = (name, rate)
        if key not in self.cache:
            kind, voice = name
            raw = os.path.join(self.workdir, f"cont-{kind}-{voice}.wav".replace("+", "_"))
            if kind == "human":  # the recordings one after another, at one rate
                parts = []
                for k, f in enumerate(dict(HUMAN_CONTINUOUS)[voice]):
                    parts.append(f"{raw}.{k}.wav")
                    run(["sox", f, "-c", "1", "-r", "48000", "-b", "24", parts[-1]])
                run(["sox"] + parts + [raw + ".cat.wav"])
            else:
                text = " ".join(TEXTS)
                if kind == "espeak":
                    run(["espeak-ng", "-v", voice, "-s", "160", "-w", raw + ".cat.wav", text])
                else:
                    run(["flite", "-voice", voice, "-t", text, "-o", raw + ".cat.wav"])
            shorten_pauses(raw + ".cat.wav", raw)
            self.cache[key] = read_wav_float(raw, rate)
        return self.cache[key]


def speech_sources():
    out = []
    for t in range(len(TEXTS)):
        for v in ESPEAK_VOICES:
            out.append(("espeak", v, t))
        for v in FLITE_VOICES:
            out.append(("flite", v, t))
    for t in range(len(ALSA_CLIPS)):
        out.append(("alsa", "human", t))
    return out


# ---------------------------------------------------------------- corpus

class Builder:
    def __init__(self, outdir, rng, voices, continuous=None):
        self.outdir = outdir
        self.rng = rng
        self.voices = voices
        self.continuous = continuous
        self.entries = []
        self.sources = speech_sources()

    def pick(self, seq):
        return seq[self.rng.integers(len(seq))]

    def speech(self, rate, level_db):
        """Clean speech scaled to a P.56 active level; returns (speech, truth level)."""
        src, level = self.voices.source(self.pick(self.sources), rate)
        # P.56 is scale-invariant: the scaled copy's level is the source's plus the gain.
        speech = src * 10 ** ((level_db - level) / 20)
        return speech, level_db

    def add(self, name, data, rate, fmt, expect, dont_care=(), truth=None, category="fault"):
        ext, _ = WRITE_FORMATS[fmt]
        expect, dont_care = set(expect), set(dont_care)
        self.label_by_contract(data, truth or {}, expect, dont_care)
        filename = f"{len(self.entries):03d}-{name}.{ext}"
        if data.ndim == 1:
            data = data[:, None]
        write_audio(os.path.join(self.outdir, filename), data, rate, fmt)
        entry = {"file": filename, "category": category, "rate": rate, "channels": data.shape[1],
                 "format": fmt, "expect": sorted(expect), "dont_care": sorted(dont_care)}
        entry.update(truth or {})
        self.entries.append(entry)

    @staticmethod
    def label_by_contract(data, truth, expect, dont_care):
        """Labels that follow from measurable content, with the contract's
        flag / must-not-flag ranges; between them the analyser may judge."""
        def band(value, flag, clean, ident, higher_is_worse=True):
            if value is None:
                return
            worse = value >= flag if higher_is_worse else value <= flag
            fine = value <= clean if higher_is_worse else value >= clean
            if worse:
                expect.add(ident)
            elif not fine:
                dont_care.add(ident)
        channels = data if data.ndim == 2 else data[:, None]
        dc = float(np.max(np.abs(channels.mean(axis=0))))
        band(dc, 0.03, 0.005, "signal.dc_offset")
        level = truth.get("speech_level_dbfs")
        if "signal.no_speech" not in expect and level is not None:
            band(level, -48, -38, "signal.too_quiet", higher_is_worse=False)
            if "signal.clipping" not in expect:
                band(level, -8, -14, "signal.too_loud")
        snr = truth.get("snr_db")
        if snr is not None and "signal.no_speech" not in expect:
            band(snr, 10, 25, "signal.noisy", higher_is_worse=False)
        dont_care -= expect

    def mic(self, rate, level_db=None, snr_db=None, noise_kind=None):
        """Speech plus a microphone noise floor; returns (mix, speech, noise, truth)."""
        if level_db is None:
            level_db = self.rng.uniform(-34, -16)
        if snr_db is None:
            snr_db = self.rng.uniform(30, 55)
        speech, level = self.speech(rate, level_db)
        kind = noise_kind or self.pick(["white", "pink", "pink"])
        noise = colored_noise(len(speech), kind, self.rng) * 10 ** ((level - snr_db) / 20)
        self.last_speech = speech
        noise_db = call_band_db(noise, rate)
        truth = {"speech_level_dbfs": level, "noise_dbfs": noise_db,
                 "snr_db": level - noise_db, "noise_kind": kind}
        return speech + noise, speech, noise, truth

    def rate(self):
        return self.pick([16000, 44100, 48000, 48000])

    def fmt(self):
        return self.pick(list(FORMATS))

    def stereo(self, mono, independent_noise_db=None):
        if independent_noise_db is None:
            return np.stack([mono, mono], axis=1)
        n = len(mono)
        left = mono + colored_noise(n, "white", self.rng) * 10 ** (independent_noise_db / 20)
        right = mono + colored_noise(n, "white", self.rng) * 10 ** (independent_noise_db / 20)
        return np.stack([left, right], axis=1)

    # -- categories

    def clean(self, count):
        for i in range(count):
            rate = [16000, 44100, 48000, 22050, 32000, 96000][i % 6]
            mix, _, _, truth = self.mic(rate)
            data = mix
            if i % 4 == 1:
                data = self.stereo(mix, rms_db(mix - self.last_speech))
                noise_db = call_band_db(data - self.last_speech[:, None], rate)
                truth = dict(truth, noise_dbfs=noise_db, snr_db=truth["speech_level_dbfs"] - noise_db)
            fmt = list(FORMATS)[i % len(FORMATS)]
            if np.max(np.abs(data)) > 0.89:  # keep clean files clear of the ceiling
                gain = 0.89 / np.max(np.abs(data))
                data = data * gain
                shift = 20 * np.log10(gain)
                truth = dict(truth)
                truth["speech_level_dbfs"] += shift
                truth["noise_dbfs"] += shift
            self.add("clean", data, rate, fmt, [], [], truth, category="clean")

    def digital_silence(self, count):
        for i in range(count):
            rate = self.rate()
            n = int(rate * self.rng.uniform(2, 6))
            data = np.zeros((n, 1 + i % 2))
            self.add("silence", data, rate, ["pcm16", "flac16", "float"][i % 3],
                     ["signal.digital_silence", "signal.no_speech"])

    def windows(self, count):
        """2 s and 3 s cut from continuous speech (no pause over 50 ms), human
        and TTS, at -45..-10 dBFS over a -90..-50 dBFS background: the
        contract says none of them is "no speech", and the speech level is
        within 3 dB of the window's own P.56 active level."""
        names = self.continuous.names()
        for i in range(count):
            rate = [16000, 44100, 48000][i % 3]
            seconds = [2.0, 3.0][(i // 3) % 2]
            name = names[i % len(names)]
            source = self.continuous.source(name, rate)
            n = int(seconds * rate)
            start = int(self.rng.integers(0, len(source) - n))
            speech = source[start:start + n]
            source_level = p56_active_level_db(speech, rate)
            if source_level is None:
                continue
            level = self.rng.uniform(-45, -10)
            speech = speech * 10 ** ((level - source_level) / 20)
            if np.max(np.abs(speech)) > 0.9:  # loud speech through a limiter, never clipped
                speech = limiter(speech, rate, 0.9, window_s=0.0005)
                level = p56_active_level_db(speech, rate)
            kind = self.pick(["white", "pink"])
            noise = colored_noise(n, kind, self.rng) * 10 ** (self.rng.uniform(-90, -50) / 20)
            noise_db = call_band_db(noise, rate)
            truth = {"speech_level_dbfs": level, "noise_dbfs": noise_db, "snr_db": level - noise_db,
                     "noise_kind": kind, "source": "-".join(name), "window_s": seconds}
            # Without a pause the noise floor may stay unmeasured: the SNR is not judged here.
            self.add(f"window{int(seconds)}s-{name[0]}", speech + noise, rate,
                     ["pcm16", "pcm24", "float"][i % 3], [], ["signal.noisy", "signal.narrowband"], truth,
                     category="window")

    def babble(self, n, rate):
        out = np.zeros(n)
        for _ in range(6):
            voice, _ = self.voices.source(self.pick(self.sources), rate)
            voice = np.tile(voice, int(np.ceil(2 * n / len(voice))))
            start = int(self.rng.integers(0, len(voice) - n))
            out += voice[start:start + n] / np.sqrt(np.mean(voice ** 2))
        return out / np.sqrt(np.mean(out ** 2))

    def colored_noise_snr(self, count):
        """Speech under noise of a known SNR in the call band (80 Hz-8 kHz):
        at 10 dB or less it is noisy whatever its colour; rumble under 80 Hz
        (brown noise) neither raises the finding nor hides it."""
        kinds = ["white", "pink", "babble", "rumble", "brown", "brown+white"]
        for i in range(count):
            rate = self.rate()
            kind = kinds[i % len(kinds)]
            low = (i // len(kinds)) % 2 == 0
            snr = self.rng.uniform(2, 9) if low else self.rng.uniform(27, 40)
            level = self.rng.uniform(-30, -20)
            speech, level = self.speech(rate, level)
            n = len(speech)
            if kind == "babble":
                noise = self.babble(n, rate)
            elif kind == "rumble":  # a fan or traffic: pink noise between 80 and 400 Hz
                noise = band_limit(colored_noise(n, "pink", self.rng), rate, 80, 400)
            elif kind == "brown+white":
                noise = colored_noise(n, "white", self.rng)
            else:
                noise = colored_noise(n, kind, self.rng)
            noise *= 10 ** ((level - snr - call_band_db(noise, rate)) / 20)
            if kind.startswith("brown"):
                if kind == "brown+white":
                    snr_brown = self.rng.uniform(27, 40)  # in band, far below the white noise
                else:
                    snr_brown = snr
                    noise = np.zeros(n)
                brown = colored_noise(n, "brown", self.rng)
                noise = noise + brown * 10 ** ((level - snr_brown - call_band_db(brown, rate)) / 20)
            data = speech + noise
            if np.max(np.abs(data)) > 0.95:
                continue
            noise_db = call_band_db(noise, rate)
            truth = {"speech_level_dbfs": level, "noise_dbfs": noise_db, "snr_db": level - noise_db,
                     "noise_kind": kind, "noise_full_band_dbfs": rms_db(noise)}
            dont = ["signal.no_speech"] if snr < 3 else []
            # A brown noise's slow swell moves the mean of a short file.
            dont += ["signal.dc_offset"] if kind.startswith("brown") else []
            self.add("colour-" + kind.replace("+", ""), data, rate, self.fmt(), [], dont, truth, category="snr")

    def hum_harmonics(self, count):
        """Hum with its third harmonic (a flat top) and no voice: hum and no
        speech, never clipping, also when dithered to 16 bits."""
        for i in range(count):
            rate = [16000, 44100, 48000][i % 3]
            n = int(rate * self.rng.uniform(2, 4))
            f0 = [50, 60][(i // 3) % 2]
            t = np.arange(n) / rate
            phase = self.rng.uniform(0, 2 * np.pi)
            hum = np.sin(2 * np.pi * f0 * t + phase) + self.rng.uniform(0.2, 0.6) * np.sin(
                2 * np.pi * 3 * f0 * t + 3 * phase + self.pick([0.0, np.pi]))
            hum_db = self.rng.uniform(-45, -35)
            hum *= 10 ** (hum_db / 20) / np.sqrt(np.mean(hum ** 2))
            data = hum + colored_noise(n, "white", self.rng) * 10 ** (self.rng.uniform(-100, -80) / 20)
            self.add(f"hum3rd{f0}", data, rate, ["pcm16dither", "float", "pcm24", "pcm16"][i % 4],
                     ["signal.no_speech", "signal.hum"], ["signal.narrowband"], {"hum_hz": f0, "hum_dbfs": hum_db})

    def no_speech(self, count):
        for i in range(count):
            rate = self.rate()
            n = int(rate * self.rng.uniform(3, 6))
            kind = ["white", "pink", "brown", "hum", "hum+noise"][i % 5]
            expect = ["signal.no_speech"]
            dont = ["signal.narrowband", "signal.dc_offset"]
            if kind.startswith("hum"):
                hum_db = self.rng.uniform(-45, -25)
                data = hum_signal(n, rate, self.pick([50, 60]), self.pick([1, 4]), self.rng) * 10 ** (hum_db / 20)
                if kind == "hum+noise":
                    data += colored_noise(n, "pink", self.rng) * 10 ** (self.rng.uniform(-75, -60) / 20)
                expect.append("signal.hum")
            else:
                data = colored_noise(n, kind, self.rng) * 10 ** (self.rng.uniform(-70, -30) / 20)
            self.add("nospeech-" + kind.replace("+", ""), data, rate, self.fmt(), expect, dont)

    def too_quiet(self, count):
        for i in range(count):
            rate = self.rate()
            level = self.rng.uniform(-60, -48)
            mix, _, _, truth = self.mic(rate, level_db=level, snr_db=self.rng.uniform(30, 45))
            self.add("quiet", mix, rate, self.pick(["pcm24", "float", "flac24", "pcm16"]),
                     [], ["signal.noisy"], truth, category="level")

    def too_loud(self, count):
        for i in range(count):
            rate = self.rate()
            target = self.rng.uniform(-7, -4)
            mix, speech, noise, truth = self.mic(rate, level_db=-20, snr_db=self.rng.uniform(45, 55))
            # one gain stage into a limiter (as a hot preamp with a limiter does),
            # the gain found by bisection: loud, yet not a single clipped sample
            low, high = 0.0, 40.0
            for _ in range(10):
                gain = (low + high) / 2
                limited = limiter(mix * 10 ** (gain / 20), rate, 0.93, window_s=0.0005)
                if p56_active_level_db(limited, rate) < target:
                    low = gain
                else:
                    high = gain
            limited = limiter(mix * 10 ** (high / 20), rate, 0.93, window_s=0.0005)
            truth = {"speech_level_dbfs": p56_active_level_db(limited, rate)}
            self.add("loud", limited, rate, self.pick(["pcm16", "pcm24", "float"]),
                     [], ["signal.noisy"], truth, category="level")

    def clipping(self, count):
        for i in range(count):
            rate = self.rate()
            mix, _, _, truth = self.mic(rate, level_db=self.rng.uniform(-22, -14))
            lower_ceiling = i % 2 == 1
            ceiling = 1.0 if not lower_ceiling else 10 ** (self.rng.uniform(-12, -3) / 20)
            gain = 10 ** (self.rng.uniform(8, 18) / 20)
            clipped = np.clip(mix * gain, -1.0, 1.0)
            if lower_ceiling:
                clipped = clipped * ceiling  # clipped in a preamp, scaled by a later gain stage
            fraction = np.mean(np.abs(np.abs(clipped) - ceiling) < 1e-9)
            if fraction < 0.003:
                continue
            self.add("clip" + ("-lowceiling" if lower_ceiling else ""), clipped, rate,
                     self.pick(["pcm16", "pcm24", "float", "flac16"]), ["signal.clipping"],
                     ["signal.too_loud", "signal.noisy"], {"clipped_fraction": float(fraction)})

    def dc_offset(self, count):
        for i in range(count):
            rate = self.rate()
            mix, _, _, truth = self.mic(rate, level_db=self.rng.uniform(-30, -20))
            dc = self.pick([-1, 1]) * self.rng.uniform(0.03, 0.1)
            self.add("dc", mix + dc, rate, self.fmt(), ["signal.dc_offset"], [], truth)

    def hum(self, count):
        for i in range(count):
            rate = self.rate()
            mix, _, _, truth = self.mic(rate)
            hum_db = self.rng.uniform(-45, -25)
            f0 = [50, 60][i % 2]
            humming = hum_signal(len(mix), rate, f0, [1, 3, 6][i % 3], self.rng) * 10 ** (hum_db / 20)
            truth = dict(truth, hum_hz=f0, hum_dbfs=hum_db)
            self.add(f"hum{f0}", mix + humming, rate, self.fmt(), ["signal.hum"], [], truth)

    def noisy(self, count, snr_range, name="noisy"):
        for i in range(count):
            rate = self.rate()
            snr = self.rng.uniform(*snr_range)
            mix, _, _, truth = self.mic(rate, level_db=self.rng.uniform(-30, -18), snr_db=snr,
                                        noise_kind=["white", "pink"][i % 2])
            expect = []
            dont = ["signal.no_speech"] if snr < 3 else []
            if np.max(np.abs(mix)) > 0.95:
                continue
            self.add(name, mix, rate, self.fmt(), expect, dont, truth, category="snr")

    def dropouts(self, count):
        for i in range(count):
            rate = self.rate()
            mix, speech, _, truth = self.mic(rate, level_db=self.rng.uniform(-30, -18))
            # a dropout cuts active sound: start each gap where the last 2 ms are loud
            edge = int(0.002 * rate)
            envelope = np.convolve(speech ** 2, np.ones(edge) / edge, mode="full")[:len(speech)]
            loud = np.where(envelope > 10 ** ((truth["speech_level_dbfs"] - 15) / 10))[0]
            gaps = int(self.rng.integers(2, 7))
            data = mix.copy()
            starts = np.sort(self.rng.choice(loud, size=gaps, replace=False))
            made = 0
            last_end = -1
            for s in starts:
                length = int(rate * self.rng.uniform(0.02, 0.08)) + 1
                if s <= last_end + int(0.05 * rate):
                    continue
                data[s:s + length] = 0.0
                last_end = s + length
                made += 1
            if made < 2:
                continue
            self.add("dropouts", data, rate, self.fmt(), ["signal.dropouts"], [],
                     dict(truth, dropouts=made))

    def narrowband(self, count):
        for i in range(count):
            rate = [48000, 44100, 32000, 48000][i % 4]
            mix, _, _, truth = self.mic(rate)
            cutoff = self.rng.uniform(3200, 4000)
            data = lowpass_fft(mix, rate, cutoff)
            data *= min(1.0, 0.9 / np.max(np.abs(data)))  # no clipping: it would add treble back
            self.add("narrowband", data, rate, self.fmt(), ["signal.narrowband"], [],
                     dict(truth, cutoff_hz=cutoff))

    def dead_channel(self, count):
        for i in range(count):
            rate = self.rate()
            mix, _, _, truth = self.mic(rate)
            dead = np.zeros_like(mix) if i % 2 == 0 else colored_noise(len(mix), "white", self.rng) * 10 ** (-95 / 20)
            channels = [mix, dead] if i % 3 != 2 else [dead, mix]
            self.add("deadchannel", np.stack(channels, axis=1), rate, self.fmt(), ["signal.dead_channel"],
                     ["signal.too_quiet"], truth)

    def inverted_channel(self, count):
        for i in range(count):
            rate = self.rate()
            mix, _, _, truth = self.mic(rate)
            right = -mix + colored_noise(len(mix), "white", self.rng) * 10 ** ((truth["noise_dbfs"]) / 20)
            self.add("inverted", np.stack([mix, right], axis=1), rate, self.fmt(), ["signal.inverted_channel"],
                     [], truth)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of files")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    workdir = tempfile.mkdtemp(prefix="micdoctor-voices-")
    try:
        b = Builder(args.outdir, rng, Voices(workdir), ContinuousVoices(workdir))
        n = lambda k: max(1, int(round(k * args.scale)))
        b.clean(n(60))
        b.digital_silence(n(10))
        b.no_speech(n(20))
        b.too_quiet(n(15))
        b.too_loud(n(20))
        b.clipping(n(20))
        b.dc_offset(n(15))
        b.hum(n(18))
        b.noisy(n(15), (0, 10))
        b.noisy(n(20), (0, 40), name="snrsweep")
        b.dropouts(n(15))
        b.narrowband(n(15))
        b.dead_channel(n(12))
        b.inverted_channel(n(12))
        # Added for issue 12 after the rest, so that the files above stay as they were.
        b.windows(n(60))
        b.colored_noise_snr(n(36))
        b.hum_harmonics(n(12))
        with open(os.path.join(args.outdir, "manifest.json"), "w") as f:
            json.dump({"schema": "micdoctor.corpus/1", "ids": ALL_IDS, "files": b.entries}, f, indent=1)
        print(f"{len(b.entries)} files in {args.outdir}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
