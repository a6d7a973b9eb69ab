#include "api/http/ws_frame.hpp"

#include <glib.h>

namespace sy {

std::string ws_accept_key(const std::string& client_key) {
  auto text = client_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  auto* sha = g_checksum_new(G_CHECKSUM_SHA1);
  g_checksum_update(sha, reinterpret_cast<const guchar*>(text.data()), gssize(text.size()));
  guint8 digest[20];
  gsize length = sizeof digest;
  g_checksum_get_digest(sha, digest, &length);
  g_checksum_free(sha);
  gchar* b64 = g_base64_encode(digest, length);
  std::string out = b64;
  g_free(b64);
  return out;
}

long parse_ws_frame(const char* data, size_t size, ws_frame& out, size_t max_payload) {
  auto* d = reinterpret_cast<const uint8_t*>(data);
  if (size < 2) return 0;
  bool fin = d[0] & 0x80;
  uint8_t opcode = d[0] & 0x0F;
  if (d[0] & 0x70) return -1;  // reserved bits: no extension was agreed
  if (!(opcode <= ws_binary || (opcode >= ws_close && opcode <= ws_pong))) return -1;
  if (!(d[1] & 0x80)) return -1;  // a client's frames are masked
  uint64_t length = d[1] & 0x7F;
  size_t at = 2;
  if (opcode >= ws_close && (!fin || length > 125)) return -1;
  if (length == 126) {
    if (size < at + 2) return 0;
    length = uint64_t(d[2]) << 8 | d[3];
    at += 2;
  } else if (length == 127) {
    if (size < at + 8) return 0;
    length = 0;
    for (int i = 0; i < 8; ++i) length = length << 8 | d[at + size_t(i)];
    at += 8;
  }
  if (length > max_payload) return -1;
  if (size < at + 4 + length) return 0;
  const uint8_t* mask = d + at;
  at += 4;
  out.fin = fin;
  out.opcode = opcode;
  out.payload.resize(size_t(length));
  for (size_t i = 0; i < length; ++i) out.payload[i] = char(d[at + i] ^ mask[i % 4]);
  return long(at + length);
}

std::string ws_frame_header(uint8_t opcode, size_t payload_size) {
  std::string h(1, char(0x80 | opcode));
  if (payload_size < 126) {
    h.push_back(char(payload_size));
  } else if (payload_size <= 0xFFFF) {
    h.push_back(char(126));
    h.push_back(char(payload_size >> 8));
    h.push_back(char(payload_size & 0xFF));
  } else {
    h.push_back(char(127));
    for (int i = 7; i >= 0; --i) h.push_back(char((uint64_t(payload_size) >> (8 * i)) & 0xFF));
  }
  return h;
}

std::string ws_frame_bytes(uint8_t opcode, const std::string& payload) {
  return ws_frame_header(opcode, payload.size()) + payload;
}

}  // namespace sy
