#include "pipelines/rtsp/rtp_packetizer.hpp"

#include "pipelines/codec_table.hpp"

namespace sy {

std::unique_ptr<rtp_packetizer> rtp_packetizer::make(const std::string& caps_name, int pt) {
  auto* codec = find_codec(caps_name);
  if (!codec) return nullptr;
  std::unique_ptr<rtp_packetizer> self{new rtp_packetizer};
  auto* raw = self.get();
  self->chain_ = inline_chain::make(
      std::string(codec->payloader) + " pt=" + std::to_string(pt),
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

void rtp_packetizer::packetize(GstBuffer* unit, std::vector<GstBuffer*>& out) {
  out_ = &out;
  chain_->push(unit);
  out_ = nullptr;
}

}  // namespace sy
