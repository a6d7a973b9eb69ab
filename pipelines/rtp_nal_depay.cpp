#include "pipelines/rtp_nal_depay.hpp"

#include <glib.h>

#include <algorithm>
#include <cstring>

namespace sy {
namespace {

constexpr uint8_t start_code[] = {0, 0, 0, 1};

uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

}  // namespace

rtp_nal_depay::rtp_nal_depay(codec c, std::vector<std::string> parameter_sets, framing f)
    : codec_(c), framing_(f), header_size_(c == codec::h264 ? 1 : 2), parameter_sets_(std::move(parameter_sets)) {
  for (auto& set : parameter_sets_) {
    remember(set, false);
    put_prefix(stand_in_, set.size());
    stand_in_.insert(stand_in_.end(), set.begin(), set.end());
  }
}

void rtp_nal_depay::unit::copy_to(uint8_t* to) const {
  for (auto& p : parts) {
    if (p.size) std::memcpy(to, p.data, p.size);
    to += p.size;
  }
}

void rtp_nal_depay::remember(const std::string& nal, bool from_stream) {
  if (codec_ != codec::h264 || nal.empty()) return;
  int type = nal[0] & 0x1F;
  auto* slot = type == 7 ? &sps_ : type == 8 ? &pps_ : nullptr;
  if (!slot || *slot == nal) return;
  *slot = nal;
  new_parameter_sets_ = new_parameter_sets_ || from_stream;
}

// A start code, or the NAL unit's length (big-endian, 4 bytes).
void rtp_nal_depay::put_prefix(std::vector<uint8_t>& to, size_t nal_size) {
  if (framing_ == framing::annex_b) {
    to.insert(to.end(), start_code, start_code + sizeof start_code);
    return;
  }
  uint8_t length[4] = {uint8_t(nal_size >> 24), uint8_t(nal_size >> 16), uint8_t(nal_size >> 8), uint8_t(nal_size)};
  to.insert(to.end(), length, length + 4);
}

// A FU's NAL unit is whole: its length goes in front of it.
void rtp_nal_depay::end_fragment() {
  if (fragment_ && framing_ == framing::length_prefixed) {
    auto size = fragment_->size() - fragment_at_ - 4;
    for (int i = 0; i < 4; ++i) (*fragment_)[fragment_at_ + size_t(i)] = uint8_t(size >> (24 - 8 * i));
  }
  fragment_ = nullptr;
}

std::vector<std::string> rtp_nal_depay::decode_parameter_sets(const std::string& base64_list) {
  std::vector<std::string> sets;
  size_t from = 0;
  while (from < base64_list.size()) {
    auto comma = base64_list.find(',', from);
    if (comma == std::string::npos) comma = base64_list.size();
    auto item = base64_list.substr(from, comma - from);
    from = comma + 1;
    if (item.empty()) continue;
    gsize size = 0;
    guchar* bytes = g_base64_decode(item.c_str(), &size);
    if (size > 0) sets.emplace_back(reinterpret_cast<const char*>(bytes), size);
    g_free(bytes);
  }
  return sets;
}

int rtp_nal_depay::nal_type(const uint8_t* nal) const {
  return codec_ == codec::h264 ? nal[0] & 0x1F : (nal[0] >> 1) & 0x3F;
}

bool rtp_nal_depay::is_keyframe_type(int type) const {
  return codec_ == codec::h264 ? type == 5 : (type >= 16 && type <= 21);
}

bool rtp_nal_depay::is_parameter_set_type(int type) const {
  return codec_ == codec::h264 ? type == 7 || type == 8 : type >= 32 && type <= 34;
}

bool rtp_nal_depay::is_delimiter_type(int type) const { return type == (codec_ == codec::h264 ? 9 : 35); }

std::vector<uint8_t>* rtp_nal_depay::add_nal(const uint8_t* nal, size_t size, bool whole) {
  if (size < header_size_) return nullptr;
  int type = nal_type(nal);
  keyframe_ = keyframe_ || is_keyframe_type(type);
  auto* to = &rest_;
  if (is_delimiter_type(type)) {
    delimiter_.clear();
    to = &delimiter_;
  } else if (is_parameter_set_type(type)) {
    has_parameter_sets_ = has_parameter_sets_ || type == (codec_ == codec::h264 ? 7 : 33);
    // Each distinct one once.
    std::vector<uint8_t> unit;
    put_prefix(unit, size);
    unit.insert(unit.end(), nal, nal + size);
    if (std::search(parameter_units_.begin(), parameter_units_.end(), unit.begin(), unit.end()) !=
        parameter_units_.end())
      return nullptr;
    if (whole) remember(std::string(reinterpret_cast<const char*>(nal), size), true);
    to = &parameter_units_;
  }
  put_prefix(*to, size);
  to->insert(to->end(), nal, nal + size);
  return to;
}

void rtp_nal_depay::flush(const unit_fn& out) {
  end_fragment();
  if (rest_.empty() && parameter_units_.empty()) return delimiter_.clear();
  bool stand_in = (!sent_any_ || keyframe_) && !has_parameter_sets_;
  unit u{{{delimiter_.data(), delimiter_.size()},
          {stand_in_.data(), stand_in ? stand_in_.size() : 0},
          {parameter_units_.data(), parameter_units_.size()},
          {rest_.data(), rest_.size()}},
         0, timestamp_, keyframe_, new_parameter_sets_};
  for (auto& p : u.parts) u.size += p.size;
  out(u);
  new_parameter_sets_ = false;
  sent_any_ = true;
  delimiter_.clear();
  parameter_units_.clear();
  rest_.clear();
  keyframe_ = has_parameter_sets_ = false;
}

void rtp_nal_depay::push(const uint8_t* p, size_t size, const unit_fn& out) {
  if (size < 12 || (p[0] >> 6) != 2) return;
  size_t off = 12 + 4 * size_t(p[0] & 0x0F);
  if ((p[0] & 0x10) && off + 4 <= size) off += 4 + 4 * size_t(be16(p + off + 2));
  size_t end = size;
  if (p[0] & 0x20) end = p[size - 1] <= size ? size - p[size - 1] : 0;
  bool marker = p[1] & 0x80;
  uint32_t ts = uint32_t(p[4]) << 24 | uint32_t(p[5]) << 16 | uint32_t(p[6]) << 8 | p[7];
  if (ts != timestamp_) flush(out);
  timestamp_ = ts;
  if (off + header_size_ <= end) {
    const uint8_t* payload = p + off;
    size_t len = end - off;
    int type = nal_type(payload);
    int aggregate = codec_ == codec::h264 ? 24 : 48;
    int fragment = codec_ == codec::h264 ? 28 : 49;
    if (type == aggregate) {
      for (size_t i = header_size_; i + 2 <= len;) {
        size_t n = be16(payload + i);
        i += 2;
        if (i + n > len) break;
        add_nal(payload + i, n);
        i += n;
      }
    } else if (type == fragment && len > header_size_ + 1) {
      uint8_t fu = payload[header_size_];
      const uint8_t* data = payload + header_size_ + 1;
      size_t data_size = len - header_size_ - 1;
      if (fu & 0x80) {  // start: the NAL header is rebuilt from the indicator and the FU header
        uint8_t header[2];
        if (codec_ == codec::h264) {
          header[0] = uint8_t((payload[0] & 0xE0) | (fu & 0x1F));
        } else {
          header[0] = uint8_t((payload[0] & 0x81) | ((fu & 0x3F) << 1));
          header[1] = payload[1];
        }
        end_fragment();  // one whose end was lost
        fragment_ = add_nal(header, header_size_, false);
        if (fragment_) fragment_at_ = fragment_->size() - header_size_ - 4;
      }
      if (fragment_) fragment_->insert(fragment_->end(), data, data + data_size);
      if (fu & 0x40) end_fragment();
    } else if (type < aggregate) {
      add_nal(payload, len);
    }
  }
  if (marker) flush(out);
}

}  // namespace sy
