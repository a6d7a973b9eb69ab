// rtp_nal_depay: H.264 (RFC 6184) and H.265 (RFC 7798) RTP packets -> access units
// in Annex B byte-stream form or with 4-byte length prefixes (avc), without GStreamer: single NAL units, STAP-A / AP
// aggregates and FU-A / FU fragments (packetization modes 0 and 1, no DONL). An
// access unit closes on the marker bit, or when a packet of a new timestamp comes
// first. A unit comes out in decoding order whatever the packets' order: access unit
// delimiter, parameter sets (each once: payloaders repeat them before every slice of
// a keyframe), then the rest. The SDP's parameter sets stand in for a first unit or
// a keyframe that comes without its own. Pure: the native RTSP reader's fast path; rtph264depay
// stays for what this does not take (packetization-mode=2, DONL).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sy {

class rtp_nal_depay {
 public:
  enum class codec { h264, h265 };
  enum class framing { annex_b, length_prefixed };
  struct span {
    const uint8_t* data;
    size_t size;
  };
  /// An access unit, in parts (valid during the callback) so that it is copied once,
  /// into whatever buffer the caller makes.
  struct unit {
    span parts[4];
    size_t size;  // of all parts
    void copy_to(uint8_t* to) const;
    uint32_t rtp_timestamp;
    bool keyframe;  // holds an IDR (H.264) or IRAP (H.265) picture
    bool new_parameter_sets;  // holds an SPS or PPS other than the last ones (see sps(), pps())
  };
  using unit_fn = std::function<void(const unit&)>;

  /// `parameter_sets`: the SDP's, as NAL units (without start codes).
  rtp_nal_depay(codec c, std::vector<std::string> parameter_sets, framing f = framing::annex_b);

  /// The last SPS / PPS seen (H.264; the SDP's until the stream sends its own).
  const std::string& sps() const { return sps_; }
  const std::string& pps() const { return pps_; }

  /// One RTP packet (header included). Calls `out` for the access unit it completes,
  /// if any (possibly the previous one, when this packet starts a new timestamp).
  /// Malformed packets and fragments without their start are dropped.
  void push(const uint8_t* packet, size_t size, const unit_fn& out);

  /// NAL units from an SDP parameter-set list: comma-separated base64, as in
  /// H.264's `sprop-parameter-sets` and H.265's `sprop-vps`/`-sps`/`-pps`.
  static std::vector<std::string> decode_parameter_sets(const std::string& base64_list);

 private:
  int nal_type(const uint8_t* nal) const;
  bool is_keyframe_type(int type) const;
  bool is_parameter_set_type(int type) const;
  bool is_delimiter_type(int type) const;
  // Starts a NAL unit (prefix and its first bytes; `whole` unless a FU's start);
  // returns where the rest goes, or nullptr when it is dropped (a repeated parameter set).
  std::vector<uint8_t>* add_nal(const uint8_t* nal, size_t size, bool whole = true);
  void put_prefix(std::vector<uint8_t>& to, size_t nal_size);
  void end_fragment();
  void remember(const std::string& nal, bool from_stream);
  void flush(const unit_fn& out);

  codec codec_;
  framing framing_;
  size_t header_size_;
  std::string sps_, pps_;
  bool new_parameter_sets_ = false;  // NAL header: 1 byte (H.264) or 2 (H.265)
  std::vector<std::string> parameter_sets_;
  // The access unit being gathered, in three parts.
  std::vector<uint8_t> delimiter_;
  std::vector<uint8_t> parameter_units_;  // this unit's own parameter sets
  std::vector<uint8_t> rest_;
  std::vector<uint8_t> stand_in_;  // the SDP's parameter sets, prefixed
  uint32_t timestamp_ = 0;
  bool keyframe_ = false;
  bool has_parameter_sets_ = false;  // this unit carries its own SPS
  bool sent_any_ = false;
  std::vector<uint8_t>* fragment_ = nullptr;  // where a FU's bytes go, from its start to its end
  size_t fragment_at_ = 0;  // where its NAL unit starts in *fragment_ (its length is written at the end)
};

}  // namespace sy
