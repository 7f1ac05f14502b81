#pragma once
// Whether a firmware file the kernel failed to load is sound firmware: the
// only failures firmware.missing may report. Wi-Fi (iwlwifi tries several
// versions, and failures are normal), GPU and Bluetooth firmware are left out.
#include <string_view>

namespace micdoctor {

// `line`: the kernel message that named the file ("sof-audio-pci-intel-tgl
// 0000:00:1f.3: Direct firmware load for intel/sof/sof-tgl.ri failed ...");
// `path`: the file, relative to /lib/firmware. Sound firmware: a path under
// intel/sof*, intel/avs, amd/sof*, mediatek/sof*, imx/sof*, cirrus/, a
// topology (*.tplg, *-tplg.bin), hda-jack-retask.fw, the Skylake/SST DSP
// images under intel/ (dsp_fw_*, fw_sst_*, IntcSST*); or any file a sound
// driver asked for (the line's device prefix names snd_*, snd-*, sof-*,
// soundwire, avs).
bool is_sound_firmware(std::string_view line, std::string_view path);

}  // namespace micdoctor
