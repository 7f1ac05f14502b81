#pragma once
// The text of an HD-Audio codec page, /proc/asound/cardN/codec#M, as the
// kernel's sound/hda/common/proc.c (formerly sound/pci/hda/hda_proc.c) prints
// it, and as alsa-info.sh copies it into its dump:
//
//   Codec: Realtek ALC256
//   Vendor Id: 0x10ec0256
//   Subsystem Id: 0x10280798
//   Node 0x19 [Pin Complex] wcaps 0x40048b: Stereo Amp-In
//     Pincap 0x00003724: IN Detect
//     Pin Default 0x411111f0: [N/A] Speaker at Ext Rear
//
// Pure text in, plain data out: the live reader and the alsa-info importer
// share it. Truncated or mangled text is read as far as it goes.
#include <string_view>

#include "model/below_server.hpp"

namespace micdoctor::kernel_text {

// At most this many pins are kept: real codecs have fewer than 40 pin widgets.
inline constexpr std::size_t kMaxCodecPins = 128;

// `card` and `address` are where the page came from (cardN, codec#M); the page
// itself says its address too ("Address: 0"), which wins when present. Only
// pin widgets that show a "Pin Default" are kept: a pin whose default was cut
// off says nothing about how the firmware wired it.
Codec parse_codec_page(std::string_view text, int card, int address);

}  // namespace micdoctor::kernel_text
