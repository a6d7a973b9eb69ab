#include "pipelines/rtsp/rtp_packetizer.hpp"

#include "pipelines/codec_table.hpp"

namespace sy {

std::unique_ptr<rtp_packetizer> rtp_packetizer::make(const std::string& caps_name, const identity& id) {
  auto* codec = find_codec(caps_name);
  if (!codec) return nullptr;
  std::unique_ptr<rtp_packetizer> self{new rtp_packetizer};
  auto* raw = self.get();
  self->chain_ = inline_chain::make(
      std::string(codec->payloader) + " name=pay pt=" + std::to_string(id.pt) + " ssrc=" + std::to_string(id.ssrc) +
          " timestamp-offset=" + std::to_string(id.timestamp_offset),
      [raw](GstCaps* caps) { gst_caps_replace(&raw->rtp_caps_, caps); },
      [raw](GstBuffer* packet) {
        if (raw->out_) raw->out_->push_back(packet);
        else gst_buffer_unref(packet);
      });
  if (!self->chain_) return nullptr;
  return self;
}

rtp_packetizer::~rtp_packetizer() {
  chain_.reset();
  if (rtp_caps_) gst_caps_unref(rtp_caps_);
}

uint16_t rtp_packetizer::next_seq() const {
  guint seq = 0;
  if (auto* pay = chain_->element("pay")) {
    g_object_get(pay, "seqnum", &seq, nullptr);
    gst_object_unref(pay);
  }
  return uint16_t(seq + 1);
}

void rtp_packetizer::packetize(GstBuffer* unit, std::vector<GstBuffer*>& out) {
  out_ = &out;
  chain_->push(unit);
  out_ = nullptr;
}

}  // namespace sy
