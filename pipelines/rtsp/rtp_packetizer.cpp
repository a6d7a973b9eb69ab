#include "pipelines/rtsp/rtp_packetizer.hpp"

#include "pipelines/codec_table.hpp"

namespace sy {

std::unique_ptr<rtp_packetizer> rtp_packetizer::make(const std::string& caps_name, const identity& id) {
  auto* codec = find_codec(caps_name);
  if (!codec) return nullptr;
  std::unique_ptr<rtp_packetizer> self{new rtp_packetizer};
  self->id_ = id;
  self->seq_ = uint16_t(g_random_int());
  self->payloader_ = std::string(codec->payloader) + " name=pay pt=" + std::to_string(id.pt) +
                     " ssrc=" + std::to_string(id.ssrc) + " timestamp-offset=" + std::to_string(id.timestamp_offset);
  if (caps_name == "video/x-h264") return self;  // the chain waits for caps that h264_rtp_packets does not take
  return self->make_chain() ? std::move(self) : nullptr;
}

bool rtp_packetizer::make_chain() {
  auto* raw = this;
  chain_ = inline_chain::make(
      payloader_, [raw](GstCaps* caps) { gst_caps_replace(&raw->rtp_caps_, caps); },
      [raw](GstBuffer* packet) {
        if (raw->out_) raw->out_->push_back(packet);
        else gst_buffer_unref(packet);
      });
  return chain_ != nullptr;
}

rtp_packetizer::~rtp_packetizer() {
  chain_.reset();
  if (rtp_caps_) gst_caps_unref(rtp_caps_);
}

bool rtp_packetizer::set_caps(GstCaps* caps) {
  if (auto h264 = h264_rtp_packets::make(caps)) {
    h264_ = std::move(h264);
    gst_caps_take(&rtp_caps_, h264_->rtp_caps(id_.pt));
    return true;
  }
  if (h264_) {  // back to the payloader: it numbers on from here
    h264_.reset();
    payloader_ += " seqnum-offset=" + std::to_string(seq_);
    chain_.reset();
  }
  if (!chain_ && !make_chain()) return false;
  return chain_->set_caps(caps);
}

uint16_t rtp_packetizer::next_seq() const {
  if (h264_) return seq_;
  guint seq = 0;
  if (auto* pay = chain_ ? chain_->element("pay") : nullptr) {
    g_object_get(pay, "seqnum", &seq, nullptr);
    gst_object_unref(pay);
  }
  return uint16_t(seq + 1);
}

void rtp_packetizer::packetize(GstBuffer* unit, std::vector<GstBuffer*>& out) {
  if (h264_) {
    // The payloader's clock: the unit's time since the start of the (0-based) segment.
    auto pts = GST_BUFFER_PTS_IS_VALID(unit) ? GST_BUFFER_PTS(unit) : 0;
    auto ts = id_.timestamp_offset + uint32_t(gst_util_uint64_scale_int(pts, 90000, GST_SECOND));
    h264_->packetize(unit, id_.pt, id_.ssrc, ts, seq_, out);
    gst_buffer_unref(unit);
    return;
  }
  if (!chain_) {
    gst_buffer_unref(unit);
    return;
  }
  out_ = &out;
  chain_->push(unit);
  out_ = nullptr;
}

}  // namespace sy
