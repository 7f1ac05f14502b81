#pragma once
// The JSON form of what lies below the sound server (model/below_server.hpp):
// the kernel's new sections and the snapshot's Bluetooth, configuration and
// distribution. Internal to src/model; snapshot_json.cpp calls these.
#include <nlohmann/json.hpp>

#include "model/json_fields.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::json_detail {

// Adds the kernel's below-the-server sections to its JSON object.
void add_kernel_below_server(const KernelState& kernel, nlohmann::ordered_json& out);
void read_kernel_below_server(const Fields& fields, KernelState& kernel);

// The card fields from /proc/asound, USB power and UCM.
void add_card_below_server(const KernelCard& card, nlohmann::ordered_json& out);
void read_card_below_server(const Fields& fields, KernelCard& card);

// "bluetooth", "audio_config", "remembered_defaults", "distribution", "user_config".
void add_snapshot_below_server(const SystemSnapshot& snapshot, nlohmann::ordered_json& out);
void read_snapshot_below_server(const Fields& root, SystemSnapshot& snapshot);

}  // namespace micdoctor::json_detail
