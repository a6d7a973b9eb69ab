#include "pipelines/webrtc/webrtc_offer.hpp"

#include <gst/sdp/sdp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace sy {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  return s;
}

// The fmtp line of payload `pt` in `media` ("" if none).
std::string fmtp_of(const GstSDPMedia* media, int pt) {
  for (guint i = 0; i < gst_sdp_media_attributes_len(media); ++i) {
    auto* a = gst_sdp_media_get_attribute(media, i);
    if (!a->key || std::strcmp(a->key, "fmtp") != 0 || !a->value) continue;
    if (std::atoi(a->value) != pt) continue;
    const char* space = std::strchr(a->value, ' ');
    return space ? space + 1 : "";
  }
  return {};
}

// Which offered H.264 payload fits best: packetization-mode=1 (what the payloader
// sends), the stream's own profile first, else constrained baseline (a browser
// decodes whatever profile then arrives).
int h264_rank(const std::string& fmtp, const std::string& profile) {
  if (fmtp.find("packetization-mode=1") == std::string::npos) return -1;
  if (!profile.empty() && fmtp.find("profile-level-id=" + profile) != std::string::npos) return 5;
  if (!profile.empty() && fmtp.find("profile-level-id=" + profile.substr(0, 2)) != std::string::npos) return 4;
  if (fmtp.find("profile-level-id=42e01f") != std::string::npos) return 3;
  if (fmtp.find("profile-level-id=42") != std::string::npos) return 2;
  return 1;
}

}  // namespace

std::vector<std::string> sdp_candidates(const std::string& sdp) {
  std::vector<std::string> out;
  for (size_t at = 0; at < sdp.size();) {
    auto end = sdp.find('\n', at);
    if (end == std::string::npos) end = sdp.size();
    auto line = sdp.substr(at, end - at);
    at = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("a=candidate:", 0) != 0) continue;
    line.erase(0, 2);
    if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(line);
  }
  return out;
}

std::string h264_profile_idc(const std::string& caps_profile) {
  if (caps_profile == "constrained-baseline") return "42e0";
  if (caps_profile == "baseline") return "4200";
  if (caps_profile == "main") return "4d00";
  if (caps_profile == "high" || caps_profile == "constrained-high" || caps_profile == "progressive-high") return "6400";
  return {};
}

const char* const twcc_uri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

namespace {

// The id of `media`'s "a=extmap:ID[/direction] URI" for `uri`; 0 if none.
int extmap_id(const GstSDPMedia* media, const char* uri) {
  for (guint i = 0; i < gst_sdp_media_attributes_len(media); ++i) {
    auto* a = gst_sdp_media_get_attribute(media, i);
    if (!a->key || std::strcmp(a->key, "extmap") != 0 || !a->value) continue;
    const char* space = std::strchr(a->value, ' ');
    if (!space) continue;
    std::string rest = space + 1;
    if (rest.compare(0, rest.find(' '), uri) == 0) return std::atoi(a->value);
  }
  return 0;
}

}  // namespace

int feedback_mline(const std::vector<offered_media>& media) {
  int video = -1;
  for (size_t m = 0; m < media.size(); ++m) {
    if (media[m].payload < 0 || media[m].twcc_ext <= 0) continue;
    if (media[m].kind == "audio") return int(m);
    if (video < 0 && media[m].kind == "video") video = int(m);
  }
  return video;
}

offer_match match_offer(const std::string& sdp, const std::vector<std::string>& encodings,
                        const std::string& h264_profile) {
  offer_match out;
  GstSDPMessage* msg = nullptr;
  gst_sdp_message_new_from_text(sdp.c_str(), &msg);
  if (!msg || gst_sdp_message_medias_len(msg) == 0) {
    if (msg) gst_sdp_message_free(msg);
    out.error = "webrtc: the offer is not SDP with media";
    return out;
  }
  auto has = [&](const std::string& enc) { return std::find(encodings.begin(), encodings.end(), enc) != encodings.end(); };
  for (guint m = 0; m < gst_sdp_message_medias_len(msg); ++m) {
    auto* media = gst_sdp_message_get_media(msg, m);
    offered_media om;
    std::string kind = gst_sdp_media_get_media(media) ? gst_sdp_media_get_media(media) : "";
    om.kind = kind == "video" || kind == "audio" ? kind : "";
    if (auto* mid = gst_sdp_media_get_attribute_val(media, "mid")) om.mid = mid;
    int best_rank = -1;
    for (guint i = 0; i < gst_sdp_media_attributes_len(media); ++i) {
      auto* a = gst_sdp_media_get_attribute(media, i);
      if (!a->key || std::strcmp(a->key, "rtpmap") != 0 || !a->value) continue;
      int pt = std::atoi(a->value);
      const char* space = std::strchr(a->value, ' ');
      if (!space) continue;
      std::string rest = space + 1;  // "H264/90000" or "opus/48000/2"
      auto slash = rest.find('/');
      auto enc = upper(rest.substr(0, slash));
      int rate = slash == std::string::npos ? 0 : std::atoi(rest.c_str() + slash + 1);
      if (!has(enc) || (om.kind == "video") != (enc == "H264")) continue;
      auto fmtp = fmtp_of(media, pt);
      int rank = enc == "H264" ? h264_rank(fmtp, h264_profile) : 1;
      if (rank <= best_rank) continue;
      best_rank = rank;
      om.payload = pt;
      om.encoding = enc;
      om.clock_rate = rate;
      om.fmtp = fmtp;
    }
    if (om.payload >= 0) om.twcc_ext = extmap_id(media, twcc_uri);
    out.media.push_back(om);
  }
  gst_sdp_message_free(msg);
  return out;
}

}  // namespace sy
