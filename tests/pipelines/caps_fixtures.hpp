// Caps of the kind a stream's hub carries, for the output writers' unit tests:
// H.264 in avc form with a small avcC (High, level 3.1), AAC-LC 16 kHz mono.
#pragma once

#include <gst/gst.h>

namespace sy::test {

inline GstCaps* h264_avc_caps() {
  guint8 avcc[] = {1, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0x00, 0x1f, 1, 0, 2, 0x68, 0xee};
  auto* data = gst_buffer_new_memdup(avcc, sizeof avcc);
  auto* caps = gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc", "alignment", G_TYPE_STRING,
                                   "au", "codec_data", GST_TYPE_BUFFER, data, "width", G_TYPE_INT, 1280, "height",
                                   G_TYPE_INT, 720, nullptr);
  gst_buffer_unref(data);
  return caps;
}

inline GstCaps* aac_lc_caps() {
  guint8 asc[] = {0x14, 0x08};  // AAC-LC, 16 kHz, mono
  auto* data = gst_buffer_new_memdup(asc, sizeof asc);
  auto* caps = gst_caps_new_simple("audio/mpeg", "mpegversion", G_TYPE_INT, 4, "rate", G_TYPE_INT, 16000, "channels",
                                   G_TYPE_INT, 1, "codec_data", GST_TYPE_BUFFER, data, nullptr);
  gst_buffer_unref(data);
  return caps;
}

}  // namespace sy::test
