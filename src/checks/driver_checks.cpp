// Step 4: does the kernel have a working driver for the sound hardware?
// Read from sysfs: cards and their drivers, audio functions with no driver,
// and drivers that bound but made no card (typically missing firmware).
#include <algorithm>

#include "checks/checks.hpp"

namespace micdoctor::checks {
namespace {

std::string ids(const std::string& vendor, const std::string& product) {
  if (vendor.empty() && product.empty()) return "";
  return vendor + ":" + product;
}

// The kernel card behind the source in use, if the server says which it is.
std::optional<int> card_in_use(const CheckInput& input) {
  if (input.target == nullptr) return std::nullopt;
  const Card* card = input.snapshot.find_card(input.target->card);
  return card ? card->alsa_card : std::nullopt;
}

std::string module_hint(const std::string& bus) {
  return bus == "usb" ? "snd_usb_audio" : "snd_hda_intel";
}

}  // namespace

void check_drivers(const CheckInput& input, std::vector<Finding>& out) {
  const KernelState& kernel = input.snapshot.kernel;
  if (!kernel.read) return;
  const bool no_cards = kernel.cards.empty();
  for (const UnboundAudioDevice& d : kernel.unbound) {
    const std::string id = ids(d.vendor_id, d.product_id);
    Finding f = make_check_finding(CheckId::driver_unbound, no_cards ? Severity::error : Severity::warning,
                                   "A sound device has no driver",
                                   "The " + d.kind + " at " + d.bus + " " + d.address + (id.empty() ? "" : " (" + id + ")") +
                                       " is present, but no kernel driver has taken it, so the system cannot use it.",
                                   d.bus + ":" + d.address);
    f.manual_steps.push_back("Load the usual driver: sudo modprobe " + module_hint(d.bus) +
                             (d.bus == "usb" ? ", then unplug the device and plug it in again" : ""));
    f.manual_steps.push_back("If it stays without a driver, see what the kernel said: sudo dmesg | grep -i -e snd -e audio");
    f.manual_steps.push_back("A device newer than the kernel may need a kernel update (Debian: the backports kernel).");
    out.push_back(std::move(f));
  }
  for (const CardlessAudioDevice& d : kernel.cardless) {
    Finding f = make_check_finding(
        CheckId::driver_no_card, no_cards ? Severity::error : Severity::warning,
        "The sound driver started but found no usable sound card",
        "The driver " + d.driver + " is bound to the audio controller at " + d.bus + " " + d.address + " (" +
            ids(d.vendor_id, d.product_id) + ") but created no sound card. On recent laptops this is almost always "
            "missing firmware (Intel SOF) or a failed probe.",
        d.bus + ":" + d.address);
    f.manual_steps.push_back("Install the sound firmware (Debian: sudo apt install firmware-sof-signed; "
                             "Ubuntu: it is in linux-firmware), then reboot.");
    f.manual_steps.push_back("See why it failed: sudo dmesg | grep -i -e sof -e snd -e firmware");
    out.push_back(std::move(f));
  }
  // One line per card, the card in use first.
  std::vector<const KernelCard*> cards;
  for (const KernelCard& card : kernel.cards) cards.push_back(&card);
  const std::optional<int> in_use = card_in_use(input);
  std::stable_partition(cards.begin(), cards.end(), [&](const KernelCard* c) { return in_use && c->number == *in_use; });
  for (const KernelCard* card : cards) {
    const std::string id = ids(card->vendor_id, card->product_id);
    std::string detail = "Bus " + (card->bus.empty() ? std::string("unknown") : card->bus);
    if (!id.empty()) detail += ", device " + id;
    if (!card->address.empty()) detail += " at " + card->address;
    detail += ", kernel module " + (card->module.empty() ? std::string("built in") : card->module) + ".";
    if (in_use && card->number == *in_use) detail += " This is the card of the microphone in use.";
    out.push_back(make_check_finding(CheckId::driver_info, Severity::info,
                                     "Sound card " + std::to_string(card->number) + " (" + card->id + ") works with the " +
                                         (card->driver.empty() ? std::string("unknown") : card->driver) + " driver",
                                     detail, "card" + std::to_string(card->number)));
  }
}

}  // namespace micdoctor::checks
