// fmp4_writer: a stream's access units -> fragmented MP4 (ISO BMFF), as MSE and
// `<video src>` take it: an init segment (ftyp + moov with one trak per track) and
// one fragment (moof + mdat) per access unit, so that nothing waits for a GOP.
// Tracks: H.264 in avc form, H.265 in hvc1 form, AAC (with its AudioSpecificConfig),
// Opus; any other track of the stream is left out. Decode time follows each unit's PTS (cameras send
// no B-frames through the hub: DTS = PTS), from the first unit of any track, so the
// tracks stay in sync. Pure, one per viewer; not thread-safe.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sy {

class fmp4_writer {
 public:
  /// From the caps of a stream's tracks (index = hub track; nullptr = unknown yet),
  /// keeping only codecs a client listed in `accepted` (MSE's comma-separated list,
  /// e.g. "avc1.640029,mp4a.40.2,opus", matched by family; empty: any); nullptr when
  /// no track is left.
  static std::unique_ptr<fmp4_writer> make(const std::vector<GstCaps*>& caps, const std::string& accepted = {});

  /// `video/mp4; codecs="avc1.64001f,mp4a.40.2"`.
  std::string mime() const;
  /// The RFC 6381 codec strings of the carried tracks, in order.
  std::vector<std::string> codecs() const;
  /// Whether hub track `track` is in the file.
  bool carries(int track) const;
  bool has_video() const;
  /// Whether hub track `track` is carried and is video.
  bool is_video(int track) const;

  std::string init_segment() const;
  /// One unit of hub track `track` (not taken) as moof + mdat; empty if not carried.
  std::string fragment(int track, GstBuffer* unit);

 private:
  struct track {
    int hub_track;
    uint32_t id;  // MP4 track_ID, from 1
    bool video;
    std::string fourcc;     // avc1, hvc1, mp4a, Opus
    std::string config;     // avcC / hvcC / AudioSpecificConfig / (Opus: none)
    std::string codec;      // RFC 6381
    uint32_t timescale;
    uint32_t width = 0, height = 0, channels = 0, rate = 0;
    uint64_t last_decode = 0;      // of the previous unit, in timescale
    uint32_t last_duration = 0;    // used when a unit has no duration of its own
    bool started = false;
  };
  std::string trak(const track& t) const;
  std::string sample_entry(const track& t) const;

  std::vector<track> tracks_;
  uint32_t sequence_ = 0;
  GstClockTime origin_ = GST_CLOCK_TIME_NONE;  // PTS of the first unit of any track
};

}  // namespace sy
