#include "platform/alsa/alsa_capture.hpp"

#include <alsa/asoundlib.h>

#include <memory>
#include <string>

namespace micdoctor::alsa {
namespace {

struct CtlClose {
  void operator()(snd_ctl_t* ctl) const { snd_ctl_close(ctl); }
};
struct CardInfoFree {
  void operator()(snd_ctl_card_info_t* info) const { snd_ctl_card_info_free(info); }
};
struct PcmInfoFree {
  void operator()(snd_pcm_info_t* info) const { snd_pcm_info_free(info); }
};

// alsa-lib prints its own errors to stderr; the report says what matters.
void quiet(const char*, int, const char*, int, const char*, ...) {}

}  // namespace

std::vector<AlsaCaptureDevice> list_capture_devices() {
  std::vector<AlsaCaptureDevice> devices;
  snd_lib_error_set_handler(quiet);
  int card = -1;
  // Cards are few; the bound only guards against a misbehaving library.
  for (int guard = 0; guard < 64 && snd_card_next(&card) == 0 && card >= 0; ++guard) {
    const std::string name = "hw:" + std::to_string(card);
    snd_ctl_t* raw_ctl = nullptr;
    if (snd_ctl_open(&raw_ctl, name.c_str(), SND_CTL_NONBLOCK) < 0) continue;
    const std::unique_ptr<snd_ctl_t, CtlClose> ctl(raw_ctl);
    snd_ctl_card_info_t* raw_card_info = nullptr;
    if (snd_ctl_card_info_malloc(&raw_card_info) < 0) continue;
    const std::unique_ptr<snd_ctl_card_info_t, CardInfoFree> card_info(raw_card_info);
    if (snd_ctl_card_info(ctl.get(), card_info.get()) < 0) continue;
    const std::string card_name = snd_ctl_card_info_get_name(card_info.get());
    int device = -1;
    for (int d = 0; d < 64 && snd_ctl_pcm_next_device(ctl.get(), &device) == 0 && device >= 0; ++d) {
      snd_pcm_info_t* raw_pcm = nullptr;
      if (snd_pcm_info_malloc(&raw_pcm) < 0) break;
      const std::unique_ptr<snd_pcm_info_t, PcmInfoFree> pcm(raw_pcm);
      snd_pcm_info_set_device(pcm.get(), static_cast<unsigned>(device));
      snd_pcm_info_set_subdevice(pcm.get(), 0);
      snd_pcm_info_set_stream(pcm.get(), SND_PCM_STREAM_CAPTURE);
      if (snd_ctl_pcm_info(ctl.get(), pcm.get()) < 0) continue;  // no capture on this device
      devices.push_back(AlsaCaptureDevice{name + "," + std::to_string(device), card_name, snd_pcm_info_get_name(pcm.get())});
    }
  }
  snd_lib_error_set_handler(nullptr);
  return devices;
}

}  // namespace micdoctor::alsa
