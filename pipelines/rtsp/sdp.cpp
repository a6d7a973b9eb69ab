#include "pipelines/rtsp/sdp.hpp"

#include <gst/sdp/gstsdpmessage.h>

namespace sy {

std::string rtsp_sdp(const std::vector<sdp_track>& tracks) {
  GstSDPMessage* msg = nullptr;
  gst_sdp_message_new(&msg);
  gst_sdp_message_set_version(msg, "0");
  gst_sdp_message_set_origin(msg, "-", "1", "1", "IN", "IP4", "0.0.0.0");
  gst_sdp_message_set_session_name(msg, "Switchyard");
  gst_sdp_message_add_time(msg, "0", "0", nullptr);
  gst_sdp_message_set_connection(msg, "IN", "IP4", "0.0.0.0", 0, 0);
  gst_sdp_message_add_attribute(msg, "tool", "Switchyard");
  gst_sdp_message_add_attribute(msg, "control", "*");
  bool ok = !tracks.empty();
  for (auto& t : tracks) {
    GstSDPMedia* media = nullptr;
    gst_sdp_media_new(&media);
    if (gst_sdp_media_set_media_from_caps(t.caps, media) != GST_SDP_OK) ok = false;
    gst_sdp_media_set_proto(media, "RTP/AVP");
    gst_sdp_media_set_port_info(media, 0, 1);
    gst_sdp_media_add_attribute(media, "control", ("trackID=" + std::to_string(t.track)).c_str());
    gst_sdp_message_add_media(msg, media);
    gst_sdp_media_free(media);
  }
  std::string text;
  if (ok) {
    gchar* s = gst_sdp_message_as_text(msg);
    text = s;
    g_free(s);
  }
  gst_sdp_message_free(msg);
  return text;
}

}  // namespace sy
