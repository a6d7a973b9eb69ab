#include "pipelines/webrtc/webrtc_launch.hpp"

#include <gst/pbutils/codec-utils.h>

#include <cctype>
#include <cstdlib>

#include "pipelines/codec_table.hpp"
#include "pipelines/parse.hpp"

namespace sy {
namespace {

bool caps_safe(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// "packetization-mode=1;level-asymmetry-allowed=1" -> ",packetization-mode=(string)1,...".
// profile-level-id is left to the payloader, which takes it from the stream's SPS
// (forcing the offer's would refuse a stream of another level).
std::string fmtp_caps(const std::string& fmtp) {
  std::string out;
  size_t pos = 0;
  while (pos < fmtp.size()) {
    auto end = fmtp.find(';', pos);
    if (end == std::string::npos) end = fmtp.size();
    auto item = fmtp.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    auto eq = item.find('=');
    if (eq != std::string::npos && item.compare(0, eq, "profile-level-id") != 0 && caps_safe(item.substr(0, eq)) &&
        caps_safe(item.substr(eq + 1)) && out.find("," + item.substr(0, eq) + "=") == std::string::npos)
      out += "," + item.substr(0, eq) + "=(string)" + item.substr(eq + 1);
    pos = end + 1;
  }
  return out;
}

// Transport-wide CC on the feedback m-line, when the offer has it: its payloader adds
// the extension (its auto-header-extension reads the caps), webrtcbin answers with
// the extmap and rtcp-fb, and the browser then sends feedback every 50-250 ms while
// that media flows: the quick sign of life a vanished viewer stops giving (see
// webrtc_peer). On 720p video's every packet it cost 0.4-0.6 % CPU per viewer here.
std::string twcc_caps(const offered_media& om) {
  if (om.twcc_ext <= 0 || om.twcc_ext > 14) return {};  // one-byte header ids
  return ",extmap-" + std::to_string(om.twcc_ext) + "=(string)\"" + twcc_uri + "\",rtcp-fb-transport-cc=(boolean)true";
}

// H.264 as the offer's profile-level-id says, whatever the stream's SPS says: webrtcbin
// matches the payloader's caps (profile-level-id from the SPS) against the offer, and
// a High-profile camera (or transcode) offered only baseline ids, as Firefox and
// Debian's Chromium offer, got its m-line answered inactive. Browsers decode the
// profile that arrives (go2rtc sends it just so); the answer's fmtp echoes the offer.
std::string profile_setter(const offered_media& om) {
  if (om.encoding != "H264") return {};
  auto at = om.fmtp.find("profile-level-id=");
  if (at == std::string::npos) return {};
  auto id = om.fmtp.substr(at + 17, 6);
  if (id.size() != 6 || id.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return {};
  guint8 bytes[3];
  for (int i = 0; i < 3; ++i) bytes[i] = guint8(std::strtoul(id.substr(2 * i, 2).c_str(), nullptr, 16));
  std::string out = " ! capssetter caps=application/x-rtp,profile-level-id=(string)" + id;
  // webrtcbin reads the offer's id as a profile name too (its caps have both).
  if (const gchar* profile = gst_codec_utils_h264_get_profile(bytes, 3)) out += std::string{",profile=(string)"} + profile;
  return out;
}

}  // namespace

std::string offered_rtp_caps(const offered_media& om) {
  return "application/x-rtp,media=" + om.kind + ",encoding-name=" + om.encoding + ",payload=" +
         std::to_string(om.payload) + ",clock-rate=" + std::to_string(om.clock_rate) +
         (om.encoding == "OPUS" ? ",encoding-params=(string)2" : "") + fmtp_caps(om.fmtp);  // RFC 7587: always /2
}

launch_result webrtc_receive_launch(const std::vector<offered_media>& media) {
  for (auto& om : media)
    if (om.payload >= 0 && rtp_depay_fragment(om.encoding)) return {"webrtcbin name=out0 bundle-policy=max-bundle", {}};
  return {{}, "webrtc: the offer sends none of H264, OPUS, PCMA, PCMU"};
}

launch_result webrtc_launch(const std::vector<offered_media>& media) {
  // max-bundle: one transport for every m-line, as browsers offer it.
  std::string text = "webrtcbin name=wb bundle-policy=max-bundle";
  bool any = false;
  int feedback = feedback_mline(media);
  for (size_t m = 0; m < media.size(); ++m) {
    auto& om = media[m];
    if (om.payload < 0) continue;
    auto* codec = find_codec_by_encoding(om.encoding);
    if (!codec) continue;
    any = true;
    auto pt = std::to_string(om.payload);
    auto caps = offered_rtp_caps(om) + (int(m) == feedback ? twcc_caps(om) : std::string{});
    // do-timestamp: each frame is stamped when it reaches the sender (the sender
    // clears the hub's times first; see webrtc_sender.cpp). The RTP caps echo the
    // offer's payload type and fmtp.
    text += "  appsrc name=in" + std::to_string(m) + " format=time is-live=true do-timestamp=true ! " + codec->payloader + " pt=" + pt +
            " ! " + caps + profile_setter(om) + " ! queue name=pay" + std::to_string(m);
  }
  if (!any) return {{}, "webrtc: the offer takes none of the stream's codecs"};
  return {text, {}};
}

GstElement* parse_peer_launch(const offer_match& match, launch_result (*make)(const std::vector<offered_media>&),
                              answer_error& error) {
  if (!match.error.empty()) {
    error.text = match.error;
    return nullptr;
  }
  auto launch = make(match.media);
  if (launch.text.empty()) {
    error.text = launch.error;
    return nullptr;
  }
  auto parsed = parse_launch(launch.text);
  if (!parsed.element) error.fail("webrtc: " + parsed.error);
  return parsed.element;
}

}  // namespace sy
