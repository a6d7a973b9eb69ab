#include "pipelines/rtsp/media_launch.hpp"

#include "pipelines/codec_table.hpp"

namespace sy {
namespace {

// appsrc for a live relay: time format with the source's (rebased) timestamps;
// a bounded queue that drops the oldest data so a stuck client never holds memory
// or stalls the camera (the hub never blocks on it).
constexpr const char* relay_appsrc =
    "appsrc name=%s format=time is-live=true do-timestamp=false max-bytes=8000000 "
    "leaky-type=downstream";

std::string appsrc(const std::string& name) {
  std::string text = relay_appsrc;
  return text.replace(text.find("%s"), 2, name);
}

}  // namespace

std::vector<std::string> rtsp_media_inputs(const std::vector<std::string>& caps_names) {
  std::vector<std::string> names;
  for (size_t i = 0; i < caps_names.size(); ++i)
    names.push_back(find_codec(caps_names[i]) ? "in" + std::to_string(i) : std::string{});
  return names;
}

launch_result rtsp_media_launch(const std::vector<std::string>& caps_names) {
  std::string text;
  int pay = 0;
  auto inputs = rtsp_media_inputs(caps_names);
  for (size_t i = 0; i < caps_names.size(); ++i) {
    if (inputs[i].empty()) continue;
    auto* codec = find_codec(caps_names[i]);
    if (!text.empty()) text += "  ";
    text += appsrc(inputs[i]) + " ! " + codec->payloader + " name=pay" + std::to_string(pay) +
            " pt=" + std::to_string(96 + pay);
    ++pay;
  }
  if (text.empty()) return {{}, "rtsp: no track of this stream can be served over RTSP"};
  return {"( " + text + " )", {}};
}

}  // namespace sy
