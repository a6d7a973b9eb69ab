// ts_writer: a stream's access units -> MPEG transport stream (ISO 13818-1), as HLS
// players take it: tables() gives a PAT and a PMT (each HLS segment starts with
// them), write() one PES per unit in 188-byte packets. Tracks: H.264 and H.265 (from
// avc/hvc1 caps: length-prefixed NAL units become Annex B, with an access unit
// delimiter first and the parameter sets before each keyframe) and AAC (raw frames
// get ADTS headers); any other track of the stream is left out. Video carries the
// PCR. Timestamps are the units' PTS at 90 kHz (DTS = PTS: no B-frames come through
// the hub). Pure, one per viewer; not thread-safe.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sy {

class ts_writer {
 public:
  static constexpr size_t packet_size = 188;

  /// From the caps of a stream's tracks (index = hub track; nullptr = unknown yet);
  /// nullptr when no track can be carried.
  static std::unique_ptr<ts_writer> make(const std::vector<GstCaps*>& caps);

  /// RFC 6381 codec strings of the carried tracks, in order (HLS's CODECS).
  std::vector<std::string> codecs() const;
  bool carries(int track) const;
  bool has_video() const;
  /// Whether hub track `track` is carried and is video.
  bool is_video(int track) const;

  /// PAT + PMT, two packets.
  std::string tables();
  /// One unit of hub track `track` (not taken) as PES packets appended to `out`;
  /// nothing if the track is not carried or the unit has no PTS.
  void write(int track, GstBuffer* unit, std::string& out);

 private:
  enum class kind { h264, h265, aac };
  struct track {
    int hub_track;
    kind codec;
    uint16_t pid;
    uint8_t continuity = 0;
    std::string codec_string;
    std::string parameter_sets;  // Annex B, put before keyframes (video)
    int length_size = 4;         // of the NAL length prefixes (video)
    uint8_t adts[3] = {0, 0, 0}; // profile, rate index, channels (AAC)
  };
  std::string annex_b(const track& t, const uint8_t* data, size_t size, bool key) const;
  void packetize(track& t, const std::string& pes, bool pcr, uint64_t pts90, bool random_access, std::string& out);

  std::vector<track> tracks_;
  uint8_t pat_continuity_ = 0, pmt_continuity_ = 0;
};

/// MPEG-2's CRC-32 of a PSI section (poly 0x04C11DB7, no reflection).
uint32_t mpeg_crc32(const uint8_t* data, size_t size);

}  // namespace sy
